"""Visual regression of a report sheet: the rendered A4 sheet is compared with a committed image baseline.

Rewrite the baseline after an intended change of the picture with
``QTMAP_UPDATE_BASELINES=1 .venv/bin/python -m pytest tests/test_export_baseline.py`` and commit it.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest
from matplotlib import font_manager
from matplotlib.testing.compare import compare_images
from PIL import Image

from geo import bundled
from geo.export import FONT, ExportOptions, export_map
from geo.filters import Filters

ROOT = Path(__file__).resolve().parent.parent
BASELINES = ROOT / "tests" / "baselines"
ARTIFACTS = ROOT / "tests" / "artifacts" / "baselines"
# RMS over 0-255 channel values. The pinned stack renders the same pixels (RMS 0). Measured against this
# baseline: one footer digit changed 0.21, national roads 1.3 -> 1.6 px 1.48, the processing sector in
# another sector's colour 2.42 (all fail); a barely visible shade (#009e73 -> #00a070) 0.04 (passes).
TOLERANCE = 0.15

# name -> (filters, options); the export date is fixed so the footer does not change every day.
SHEETS = {
    "report_a4_landscape_vi_50dpi": (Filters(), ExportOptions(dpi=50, lang="vi", exported="2026-12-02")),
    # zoomed: cluster and project labels, the park's footprint, a portrait layout, English
    "report_a4_portrait_en_quan_ngang_40dpi": (Filters(), ExportOptions(orientation="portrait", dpi=40, lang="en",
                                                                        extent="ip_quan_ngang",
                                                                        exported="2026-12-02")),
}


def test_report_font_is_matplotlib_bundled_dejavu() -> None:
    """The baseline holds only if every style of the report font resolves to the DejaVu that matplotlib ships."""
    bundled_fonts = (Path(matplotlib.get_data_path()) / "fonts" / "ttf").resolve()
    for weight in ("normal", "bold"):
        for style in ("normal", "italic"):
            path = Path(font_manager.findfont(font_manager.FontProperties(family=FONT, weight=weight, style=style),
                                              fallback_to_default=False)).resolve()
            assert path.parent == bundled_fonts, (weight, style, path)
            assert path.name.startswith("DejaVuSans"), path


@pytest.mark.parametrize("name", SHEETS)
def test_report_sheet_matches_baseline(name: str) -> None:
    filters, options = SHEETS[name]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    actual = ARTIFACTS / f"{name}.png"
    export_map(actual, bundled.load_register(), filters, options)
    expected = BASELINES / f"{name}.png"
    if os.environ.get("QTMAP_UPDATE_BASELINES") == "1":
        BASELINES.mkdir(parents=True, exist_ok=True)
        expected.write_bytes(actual.read_bytes())
    assert expected.exists(), f"no baseline {expected}: run with QTMAP_UPDATE_BASELINES=1 and commit it"
    assert Image.open(actual).size == Image.open(expected).size
    result = compare_images(str(expected), str(actual), tol=TOLERANCE)
    assert result is None, f"{result}\n(actual and diff images are in {ARTIFACTS})"
