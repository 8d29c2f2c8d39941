"""The `export` and `data` commands of ``python -m geo``: exit codes and output files."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
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


DEFAULT_TITLE_VI = "Bản đồ công nghiệp tỉnh Quảng Trị"


@pytest.mark.parametrize(("args", "page_mm", "title"), [
    (["--paper", "A3", "--orientation", "portrait", "--dpi", "20"], (297, 420), DEFAULT_TITLE_VI),
    (["--extent", "ip_quan_ngang", "--layers", "province,road,industrial_park,project", "--dpi", "20"], (297, 210),
     DEFAULT_TITLE_VI),
    (["--title", "Bản đồ thử", "--status", "operating", "--dpi", "20"], (297, 210), "Bản đồ thử"),
])
def test_export_options(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                        page_mm: tuple[int, int], title: str) -> None:
    out = tmp_path / "map.png"
    assert main(["export", "--out", str(out), *args]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {out}"
    image = Image.open(out)
    w_mm, h_mm = page_mm  # pixel size = paper size at the chosen dpi, in the chosen orientation
    assert image.size == (round(w_mm / 25.4 * 20), round(h_mm / 25.4 * 20))
    assert round(image.info["dpi"][0]) == round(image.info["dpi"][1]) == 20
    assert image.info["Title"] == title and image.info["Software"] == "qtmap"
    pixels = np.asarray(image.convert("RGB"), dtype=np.int16)
    assert pixels.std() > 20 and len(np.unique(pixels.reshape(-1, 3), axis=0)) > 100  # a picture, not a blank page


def test_a3_portrait_puts_the_map_above_the_legend(tmp_path: Path) -> None:
    out = tmp_path / "a3p.png"
    assert main(["export", "--out", str(out), "--paper", "A3", "--orientation", "portrait", "--dpi", "30"]) == 0
    image = Image.open(out)
    assert image.size == (round(297 / 25.4 * 30), round(420 / 25.4 * 30))  # (351, 496): taller than wide
    pixels = np.asarray(image.convert("RGB"), dtype=np.int16)
    water = np.all(np.abs(pixels - np.array([0xDC, 0xEB, 0xF5])) <= 6, axis=2)  # geo.style.WATER_COLOUR
    rows, cols = np.nonzero(water)
    assert water.sum() > 0.03 * water.size  # the sea east of the coast is drawn
    assert (rows < 0.6 * water.shape[0]).mean() > 0.7  # ... mostly in the full-width map on the upper part
    assert (cols > 0.5 * water.shape[1]).mean() > 0.7  # ... on its east side


def test_export_pdf_and_svg(tmp_path: Path) -> None:
    for suffix in (".pdf", ".svg"):
        out = tmp_path / f"map{suffix}"
        assert main(["export", "--out", str(out), "--district", "hai_lang", "--dpi", "72"]) == 0
    page = PdfReader(tmp_path / "map.pdf").pages[0]
    assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == (841.89, 595.28)
    pdf_text = " ".join(page.extract_text().split())
    assert "Hải Lăng" in pdf_text and "Bản đồ công nghiệp tỉnh Quảng Trị" in pdf_text
    root = ET.parse(tmp_path / "map.svg").getroot()
    assert (root.get("width"), root.get("height")) == ("841.889764pt", "595.275591pt")  # A4 landscape in points
    svg_text = " ".join(" ".join(el.itertext()) for el in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "Hải Lăng" in svg_text and "Bản đồ công nghiệp tỉnh Quảng Trị" in svg_text


@pytest.mark.parametrize(("args", "message"), [
    (["--extent", "no_such_feature"], "error: unknown extent 'no_such_feature': use 'province' or the id of"),
    (["--layers", "roads"], "error: unknown layer kind: roads; valid: project, industrial_park,"),
    (["--atlas", "industrial_park"], "error: unsupported output format '.png' for map.png: use .pdf"),  # needs .pdf
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
