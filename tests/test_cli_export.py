"""The `export` and `data` commands of ``python -m geo``: exit codes and output files."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image
from pypdf import PdfReader

import pyogrio

from geo import bundled, register
from geo.cli import main
from geo.filters import Filters, apply_filters
from geo.timeline import state_in_year

ROOT = Path(__file__).resolve().parent.parent


def run_geo(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m geo ARGS`` from the repository root, as a user would."""
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_export_png_by_subprocess(tmp_path: Path) -> None:
    out = tmp_path / "map.png"
    result = run_geo("export", "--out", str(out), "--dpi", "40", "--sector", "electricity", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert f"wrote {out}" in result.stdout
    assert Image.open(out).size == (round(297 / 25.4 * 40), round(210 / 25.4 * 40))


def test_export_atlas_by_subprocess(tmp_path: Path) -> None:
    out = tmp_path / "atlas.pdf"
    result = run_geo("export", "--out", str(out), "--atlas", "industrial_park", "--dpi", "72")
    assert result.returncode == 0, result.stderr
    pages = int(re.search(r"\((\d+) pages\)", result.stdout).group(1))
    parks = bundled.load_layer("industrial_park")
    located = int(parks.geometry.notna().sum())
    assert pages == len(PdfReader(out).pages) == located + (1 if located < len(parks) else 0)


def test_data_by_subprocess(tmp_path: Path) -> None:
    out = tmp_path / "electricity.gpkg"
    result = run_geo("data", "--out", str(out), "--sector", "electricity")
    assert result.returncode == 0, result.stderr
    expected = apply_filters(register.load_register(), Filters(sectors=("electricity",)), zones=bundled.load_zones())
    assert f"({len(expected)} records)" in result.stdout
    assert list(pyogrio.read_dataframe(out)["id"]) == list(expected["id"])


@pytest.mark.parametrize("args", [
    ["--paper", "A3", "--orientation", "portrait", "--dpi", "20"],
    ["--extent", "ip_quan_ngang", "--layers", "province,road,industrial_park,project", "--dpi", "20"],
    ["--title", "Bản đồ thử", "--status", "operating", "--dpi", "20"],
])
def test_export_options(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    out = tmp_path / "map.png"
    assert main(["export", "--out", str(out), *args]) == 0
    assert out.stat().st_size > 10_000
    assert "wrote" in capsys.readouterr().out


def test_export_pdf_and_svg(tmp_path: Path) -> None:
    for suffix in (".pdf", ".svg"):
        out = tmp_path / f"map{suffix}"
        assert main(["export", "--out", str(out), "--district", "hai_lang", "--dpi", "72"]) == 0
        assert out.stat().st_size > 10_000
    assert "Hải Lăng" in " ".join(PdfReader(tmp_path / "map.pdf").pages[0].extract_text().split())


@pytest.mark.parametrize(("args", "message"), [
    (["--extent", "no_such_feature"], "unknown extent"),
    (["--layers", "roads"], "unknown layer"),
    (["--atlas", "industrial_park"], "unsupported output format"),  # an atlas needs .pdf; --out is .png
])
def test_export_user_errors_exit_2_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   args: list[str], message: str) -> None:
    out = tmp_path / "map.png"
    assert main(["export", "--out", str(out), "--dpi", "20", *args]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_unknown_filter_code_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["export", "--out", str(tmp_path / "m.png"), "--sector", "steel"])
    assert "unknown filter value" in str(exc.value)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".geojson"])
def test_data_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str) -> None:
    out = tmp_path / f"p{suffix}"
    assert main(["data", "--out", str(out), "--status", "operating"]) == 0
    latest = state_in_year(register.load_register(), bundled.load_timeline(), 2024)  # the default: the latest year
    expected = apply_filters(latest, Filters(statuses=("operating",)), zones=bundled.load_zones())
    assert f"({len(expected)} records)" in capsys.readouterr().out
    if suffix == ".csv":
        assert len(pd.read_csv(out, encoding="utf-8-sig")) == len(expected)
    elif suffix == ".xlsx":
        assert len(pd.read_excel(out, sheet_name="projects")) == len(expected)
    else:
        assert len(pyogrio.read_dataframe(out)) == len(expected)


def test_data_bad_suffix_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "--out", str(tmp_path / "p.kml")]) == 2
    assert "unsupported data format" in capsys.readouterr().err
