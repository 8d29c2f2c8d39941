"""Packaging: pyproject's dependencies are requirements.txt's pins, and every requirement is used (none missing)."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-r"):
            continue
        name, sep, version = line.partition("==")
        assert sep, f"not pinned exactly: {line!r}"
        pins[_canon(name)] = version.strip()
    return pins


def _requirements(name: str) -> dict[str, str]:
    return _pins((ROOT / name).read_text(encoding="utf-8").splitlines())


def _imported_distributions(paths: list[Path]) -> set[str]:
    """Distributions (canonical names) that provide the top-level modules imported by ``paths``."""
    dists = packages_distributions()
    found: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in sys.stdlib_module_names or top in ("geo", "layers", "data", "bench", "tests") \
                        or any((ROOT / d / f"{top}.py").exists() for d in ("tests", "bench")):
                    continue  # standard library or first-party
                if top == "xstatic":  # a namespace package: xstatic.pkg.<name> comes from XStatic-<name>
                    found.add(_canon("xstatic-" + module.split(".")[2]))
                    continue
                found |= {_canon(d) for d in dists.get(top, [top])}
    return found


def test_pyproject_dependencies_are_the_requirements_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert _pins(project["dependencies"]) == _requirements("requirements.txt")


def test_every_runtime_requirement_is_imported_by_the_app_or_the_packages():
    code = [ROOT / "app.py", *(ROOT / "geo").rglob("*.py"), *(ROOT / "layers").rglob("*.py")]
    used = _imported_distributions(code)
    unused = set(_requirements("requirements.txt")) - used
    assert not unused, f"required but never imported: {sorted(unused)}"


def test_every_third_party_import_is_declared():
    runtime = set(_requirements("requirements.txt"))
    dev = runtime | set(_requirements("requirements-dev.txt"))
    app_code = [ROOT / "app.py", *(ROOT / "geo").rglob("*.py"), *(ROOT / "layers").rglob("*.py")]
    assert _imported_distributions(app_code) <= runtime, _imported_distributions(app_code) - runtime
    tests = sorted((ROOT / "tests").glob("*.py"))
    missing = _imported_distributions(tests) - dev
    assert not missing, f"tests import undeclared packages: {sorted(missing)}"
