"""The report-map package geo/export/: modules by job, one plotter per drawable kind, matplotlib kept inside it."""

from __future__ import annotations

import ast
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import geo.export
from geo.export import ExportError, ExportOptions
from geo.export.plotters import PLOTTERS
from geo.i18n import catalog
from geo.schema import KINDS

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "geo" / "export"
MODULES = sorted(p for p in PACKAGE.glob("*.py"))


def _imported_roots(path: Path) -> set[str]:
    """Top-level names of every module ``path`` imports, lazy imports inside functions included."""
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            roots.add(node.module.split(".")[0])
    return roots


def test_every_drawable_kind_has_a_plotter() -> None:
    # The region's countries (Natural Earth 1:110m) are drawn by the locator inset only (furniture.draw_inset).
    drawable = {code for code, kind in KINDS.items() if kind.geometry} - {"country"}
    assert set(PLOTTERS) == drawable
    assert all(callable(p) for p in PLOTTERS.values())
    assert list(PLOTTERS)[-1] == "project"  # projects are drawn on top of every other layer


def test_the_package_is_split_by_job() -> None:
    names = {p.stem for p in MODULES}
    assert {"__init__", "options", "scene", "symbols", "legend", "labels", "furniture", "sheet", "atlas",
            "save", "plotters"} <= names
    assert not (ROOT / "geo" / "export.py").exists()


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_each_module_has_a_one_line_docstring_an_all_and_fits(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    doc = ast.get_docstring(tree)
    assert doc, f"{path.name} has no module docstring"
    assert doc.splitlines()[0].endswith("."), f"{path.name}: the first docstring line is not a sentence"
    assert len(source.splitlines()) <= 400, f"{path.name} is {len(source.splitlines())} lines"
    module = importlib.import_module(f"geo.export.{path.stem}" if path.stem != "__init__" else "geo.export")
    assert module.__all__, f"{path.name} has an empty __all__"
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert not missing, f"{path.name}: __all__ names {missing} that it does not define"


def test_public_api_is_re_exported() -> None:
    for name in ("ExportOptions", "export_map", "export_atlas", "render_map", "atlas_features", "ATLAS_KINDS",
                 "FORMATS", "PAPER_MM", "PLOTTERS", "project_symbol", "graticule_step", "format_degree"):
        assert name in geo.export.__all__, name
        assert getattr(geo.export, name) is not None


def test_only_the_export_package_imports_matplotlib() -> None:
    offenders = []
    for path in sorted((ROOT / "geo").rglob("*.py")):
        if PACKAGE in path.parents:
            continue
        if {"matplotlib", "matplotlib_scalebar"} & _imported_roots(path):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"matplotlib imported outside geo/export/: {offenders}"
    assert "matplotlib" in _imported_roots(PACKAGE / "sheet.py")  # the scan sees imports where they are


def test_validate_and_the_cli_do_not_load_matplotlib(tmp_path: Path) -> None:
    """``python -m geo validate`` and importing the CLI, readers and filters never load matplotlib."""
    data = tmp_path / "one.csv"
    data.write_text("id,name_vi,sector,status,location_confidence,sources,lon,lat\n"
                    "T1,Dự án thử,water,planned,low,KL11,107.1,16.8\n", encoding="utf-8")
    code = ("import sys\n"
            "import geo.cli, geo.readers, geo.filters, geo.bundled, geo.dataexport\n"
            "from geo.cli import main\n"
            f"rc = main(['validate', {str(data)!r}])\n"
            "roots = ('matplotlib', 'matplotlib_scalebar')\n"
            "print('LOADED', sorted(m for m in sys.modules if m.split('.')[0] in roots))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "LOADED []" in result.stdout, result.stdout[-2000:]
    probe = subprocess.run([sys.executable, "-c", "import sys, geo.export; print('matplotlib' in sys.modules)"],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert probe.stdout.strip() == "True", probe.stderr  # the probe can tell: the export package does load it


def test_export_catalog_keys_are_defined_and_used() -> None:
    source = "\n".join(path.read_text(encoding="utf-8") for path in MODULES)
    asked = set(re.findall(r"""(?:ExportError|\bt)\(\s*["']([a-z0-9_]+)["']""", source))
    asked |= {f"report_hemisphere_{h}" for h in "nsew"}  # built from the hemisphere letter
    defined = {entry.key for entry in catalog().values() if entry.domain == "export"}
    assert len(defined) >= 15  # export.po is found and read
    assert sorted(asked - set(catalog())) == []  # every key the package asks for exists
    assert sorted(defined - asked) == []  # and every key of export.po is asked for


@pytest.mark.parametrize(("options", "vi"), [
    ({"paper": "A5"}, "khổ giấy phải là một trong A4, A3, không phải 'A5'"),
    ({"dpi": 5}, "độ phân giải (dpi) phải từ 10 đến 1200, không phải 5"),
    ({"layers": ("roads", "rail")}, "không có loại lớp: roads, rail; các loại hợp lệ: project, "),
])
def test_bad_options_raise_an_export_error_in_both_languages(options: dict, vi: str) -> None:
    with pytest.raises(ExportError) as caught:
        ExportOptions(**options)
    assert isinstance(caught.value, ValueError)  # callers that catch ValueError keep working
    assert caught.value.text("vi").startswith(vi)
    assert str(caught.value) == caught.value.text("en") != caught.value.text("vi")


def test_unknown_layers_message_is_plural_correct() -> None:
    with pytest.raises(ExportError, match=r"^unknown layer kind: roads; valid: project, "):
        ExportOptions(layers=("roads",))
    with pytest.raises(ExportError, match=r"^unknown layer kinds: roads, rail; valid: "):
        ExportOptions(layers=("roads", "rail"))


def test_atlas_kinds_agree_with_the_cli_and_the_registry() -> None:
    from geo.cli import ATLAS_CHOICES
    from geo.schema import kinds

    assert geo.export.ATLAS_KINDS == ATLAS_CHOICES == (*kinds(atlas=True), "district")


def test_pyproject_declares_every_first_party_package() -> None:
    """setuptools installs only the packages listed: a subpackage missing from the list is missing from a wheel."""
    import tomllib

    declared = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
                   ["packages"])
    found = {".".join(init.parent.relative_to(ROOT).parts) for top in ("geo", "layers")
             for init in (ROOT / top).rglob("__init__.py")}
    assert "geo.export" in found
    assert found <= declared, f"not in pyproject.toml [tool.setuptools] packages: {sorted(found - declared)}"
