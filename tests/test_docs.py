"""The README stays true: its commands, codes, CLI and figures match the code and the data."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from geo.bundled import load_aggregates, load_all
from geo.cli import build_parser
from geo.schema import VOCABULARIES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def make_recipe(target: str) -> list[str]:
    """The command lines of a Makefile target."""
    text = (ROOT / "Makefile").read_text()
    body = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", text, re.M).group(1)
    return [line.strip() for line in body.splitlines()]


def test_readme_gives_the_two_setup_commands_and_ci_runs_the_test_one():
    assert "make serve" in README and "make test" in README
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M)
    assert any(line.endswith("python -m pytest") for line in make_recipe("test"))
    assert any("streamlit run app.py" in line for line in make_recipe("serve"))


@pytest.mark.parametrize("vocab", ["sector", "status", "location_confidence", "geometry_quality", "district"])
def test_every_code_is_documented(vocab):
    for term in VOCABULARIES[vocab]:
        assert f"`{term.code}`" in README, term.code


def test_every_cli_command_is_documented():
    commands = build_parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert f"`{name} " in README, name


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_readme_validator_example_is_the_real_output(lang):
    """README shows the validator in English (--lang en) and in the default, Vietnamese; both are real output."""
    blocks = re.findall(r"```text\n\$ python -m geo validate ([^\n]+)\n(.*?)```", README, re.S)
    found = [(args.split(), body.splitlines()) for args, body in blocks if ("--lang en" in args) == (lang == "en")]
    assert len(found) == 1, f"README needs one validator example in {lang}"
    (args, shown), = found
    result = subprocess.run([sys.executable, "-m", "geo", "validate", *args], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 1
    actual = result.stdout.splitlines()
    assert len(shown) >= 5
    for line in shown:
        if line.endswith("..."):
            assert any(a.startswith(line[:-3].rstrip()) for a in actual), line
        else:
            assert line in actual, line


def test_readme_dataset_figures_match_the_data():
    layers = load_all()
    projects = layers["project"]
    row = next(line for line in README.splitlines() if line.startswith("| registered projects"))
    assert f"{len(projects)} named projects" in row
    assert f"({int((projects['status'] == 'operating').sum())} operating)" in row
    assert f"| {int(projects.geometry.notna().sum())} |" in row
    reported = dict(zip(load_aggregates()["key"], load_aggregates()["value"], strict=True))
    assert f"| {int(float(reported['projects_registered']))} (" in row
    for kind, label in (("industrial_park", "industrial parks"), ("industrial_cluster", "clusters and craft villages"),
                        ("district_seat", "district seats (2011)")):
        row = next(line for line in README.splitlines() if line.startswith(f"| {label}"))
        assert f"| {int(layers[kind].geometry.notna().sum())}" in row, (kind, row)


def test_readme_images_exist():
    for path in re.findall(r"\]\((docs/img/[^)]+)\)", README):
        assert (ROOT / path).stat().st_size > 10_000, path


def test_the_map_scripts_measuring_api_is_exported_and_documented():
    js = (ROOT / "layers" / "qtmap.js").read_text(encoding="utf-8")
    header = js[: js.index("*/")]
    exported = re.search(r"window\.qtmap = \{([^}]*)\}", js).group(1)
    for name in ("count", "busy"):
        assert re.search(rf"\b{name}: {name}\b", exported), f"qtmap.{name} is not exported"
        assert f"qtmap.{name}(map)" in header, f"qtmap.{name} is not documented at the top of qtmap.js"
        assert f"`qtmap.{name}(map)`" in README, f"qtmap.{name} is not documented in the README"


def test_make_bench_runs_the_benchmark_package():
    assert any(line.endswith("python -m bench.run") for line in make_recipe("bench"))
    out = subprocess.run([sys.executable, "-m", "bench.run", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("usage: python -m bench.run")
