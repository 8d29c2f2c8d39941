"""The structure holds: one-way imports (import-linter), no import cycles, small modules, no path hacks, lean CLI."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("geo", "layers")
MAX_LINES = 800
PATH_HACK = "sys" + ".path"  # spelt in two parts so that this file does not match itself


def _first_party_py() -> list[Path]:
    """Every tracked .py file of the project (not the virtualenv, not generated output)."""
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.split()
    return [ROOT / p for p in out if (ROOT / p).is_file() and not p.startswith(".venv")]


# --- one-way dependencies ---------------------------------------------------------------------
def test_import_linter_contracts_are_kept():
    exe = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(exe), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout and "3 kept" in result.stdout, result.stdout[-2000:]


def test_app_is_imported_by_nothing_and_imports_only_geo_and_layers():
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    first_party = {(node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    first_party |= {a.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
    local = {p.stem for p in ROOT.glob("*.py")} | {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert first_party & local <= {"geo", "layers"}, first_party & local
    for path in _first_party_py():
        if path.name == "app.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n == "app" or n.startswith("app.") for n in names), f"{path} imports app"


# --- no import cycles -------------------------------------------------------------------------
_CYCLES = textwrap.dedent('''
    import json, sys
    import grimp

    def cycles(package):
        """Strongly connected components of more than one module (Tarjan), each as a sorted list."""
        graph = grimp.build_graph(package, cache_dir=None)
        index, low, stack, on, out = {}, {}, [], set(), []

        def visit(v):
            index[v] = low[v] = len(index)
            stack.append(v); on.add(v)
            for w in graph.find_modules_directly_imported_by(v):
                if w not in graph.modules:
                    continue
                if w not in index:
                    visit(w)
                    low[v] = min(low[v], low[w])
                elif w in on:
                    low[v] = min(low[v], index[w])
            if low[v] == index[v]:
                part = []
                while True:
                    w = stack.pop(); on.discard(w); part.append(w)
                    if w == v:
                        break
                if len(part) > 1:
                    out.append(sorted(part))

        for m in sorted(graph.modules):
            if m not in index:
                visit(m)
        found = []
        for part in out:
            a, b = part[0], part[1]
            chain = graph.find_shortest_chain(importer=a, imported=b) or []
            back = graph.find_shortest_chain(importer=b, imported=a) or []
            found.append({"modules": part, "cycle": list(chain) + list(back[1:])})
        return found

    sys.setrecursionlimit(10000)
    print(json.dumps({p: cycles(p) for p in sys.argv[1:]}))
''')


def find_cycles(*packages: str, cwd: Path = ROOT) -> dict[str, list[dict[str, list[str]]]]:
    """Import cycles inside each package (grimp's static graph: lazy imports inside functions count too)."""
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    result = subprocess.run([sys.executable, "-c", _CYCLES, *packages], cwd=cwd, env=env, capture_output=True,
                            text=True, check=True)
    return json.loads(result.stdout)


def test_no_import_cycles_in_geo_or_layers():
    found = find_cycles(*PACKAGES)
    assert found == {p: [] for p in PACKAGES}, "\n".join(
        f"{p}: " + " -> ".join(c["cycle"]) for p, cs in found.items() for c in cs)


def test_the_cycle_check_finds_a_lazy_cycle(tmp_path):
    """The check is real: a cycle hidden in a function-level import is found."""
    pkg = tmp_path / "cyc"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from cyc import b\n")
    (pkg / "b.py").write_text("def f():\n    from cyc import a\n    return a\n")
    (pkg / "c.py").write_text("from cyc import a\n")
    found = find_cycles("cyc", cwd=tmp_path)
    assert [c["modules"] for c in found["cyc"]] == [["cyc.a", "cyc.b"]]
    assert found["cyc"][0]["cycle"] == ["cyc.a", "cyc.b", "cyc.a"]


# --- small modules, no path hacks, every module says what it is --------------------------------
def test_no_first_party_module_is_over_800_lines():
    long = {str(p.relative_to(ROOT)): n for p in _first_party_py()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_no_sys_path_manipulation_anywhere():
    hits = [f"{p.relative_to(ROOT)}:{i}" for p in _first_party_py()
            for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1) if PATH_HACK in line]
    assert not hits, f"{PATH_HACK} in: {hits}"


def _modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_has_a_purpose_docstring_and_all(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree)
    assert doc and doc.strip(), f"{path.name}: no module docstring"
    exported = [node for node in tree.body if isinstance(node, ast.Assign | ast.AnnAssign)
                and any(isinstance(t, ast.Name) and t.id == "__all__"
                        for t in (node.targets if isinstance(node, ast.Assign) else [node.target]))]
    assert exported, f"{path.name}: no __all__"
    names = ast.literal_eval(exported[0].value)
    defined: set[str] = set()
    for node in tree.body:  # what the module itself defines or imports at top level
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            defined.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            defined |= {t.id for t in targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.Import | ast.ImportFrom):
            defined |= {(a.asname or a.name).split(".")[0] for a in node.names}
    assert not set(names) - defined, f"{path.name}: __all__ names what the module lacks: {set(names) - defined}"


# --- start-up cost follows structure ------------------------------------------------------------
_LOADED = textwrap.dedent('''
    import atexit, json, os, sys
    from geo.cli import main
    def report():
        with open(os.environ["QTMAP_MODULES_OUT"], "w") as fh:
            json.dump(sorted(sys.modules), fh)
    atexit.register(report)
    try:
        code = main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
    report()
    sys.exit(code)
''')


def _modules_loaded(tmp_path: Path, *argv: str) -> tuple[int, set[str], str]:
    out = tmp_path / "modules.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QTMAP_MODULES_OUT": str(out)}
    result = subprocess.run([sys.executable, "-c", _LOADED, *argv], cwd=ROOT, env=env, capture_output=True, text=True)
    return result.returncode, {m.split(".")[0] for m in json.loads(out.read_text())}, result.stdout + result.stderr


def test_validate_does_not_load_the_report_or_web_stack(tmp_path):
    code, loaded, output = _modules_loaded(tmp_path, "validate", str(ROOT / "data" / "district_seats.geojson"),
                                          "--lang", "en")
    assert code == 0, output
    assert "OK" in output
    assert not loaded & {"matplotlib", "folium", "branca", "streamlit", "layers"}, loaded & {"matplotlib", "folium"}


def test_html_does_not_load_the_report_stack(tmp_path):
    out = tmp_path / "map.html"
    code, loaded, output = _modules_loaded(tmp_path, "html", "--out", str(out), "--sector", "electricity")
    assert code == 0, output
    assert out.stat().st_size > 100_000 and b"qtmap.points(" in out.read_bytes()
    assert "layers" in loaded and "folium" in loaded  # the command did build the web map ...
    assert "matplotlib" not in loaded and "streamlit" not in loaded  # ... without the report stack


def test_data_does_not_load_the_report_or_web_stack(tmp_path):
    out = tmp_path / "p.csv"
    code, loaded, output = _modules_loaded(tmp_path, "data", "--out", str(out))
    assert code == 0, output
    assert out.stat().st_size > 0
    assert not loaded & {"matplotlib", "folium", "layers"}, loaded & {"matplotlib", "folium", "layers"}


def test_export_does_load_the_report_stack(tmp_path):
    """The counter-check: the same probe sees matplotlib when a command does use it."""
    out = tmp_path / "m.png"
    code, loaded, output = _modules_loaded(tmp_path, "export", "--out", str(out), "--dpi", "30")
    assert code == 0, output
    assert "matplotlib" in loaded
