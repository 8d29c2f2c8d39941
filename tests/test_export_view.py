"""Report maps of the view on screen: the bbox option, checked and drawn."""

import io

import numpy as np
import pytest
from PIL import Image

from geo.export import ExportOptions, export_map
from geo.export.options import ExportError
from geo.filters import Filters
from geo.register import load_register


@pytest.mark.parametrize("bbox", [(107.2, 16.7, 107.0, 16.9), (1, 2, 3), ("a", 1, 2, 3), (0, -95, 1, 1)])
def test_a_bad_view_is_refused_with_a_message(bbox):
    with pytest.raises(ExportError) as err:
        ExportOptions(bbox=bbox)
    assert "west" in err.value.text("en")


def test_a_zoomed_view_gives_another_sheet_than_the_province(tmp_path):
    projects = load_register()
    paths = {}
    for name, bbox in (("province", None), ("zoom", (107.0, 16.75, 107.2, 16.92))):
        paths[name] = tmp_path / f"{name}.png"
        export_map(paths[name], projects, Filters(), ExportOptions(dpi=40, bbox=bbox, exported="2026-01-01"))
    a, b = (np.asarray(Image.open(io.BytesIO(p.read_bytes())).convert("L"), dtype=float) for p in paths.values())
    assert a.shape == b.shape
    assert np.mean(np.abs(a - b) > 40) > 0.05  # a different map, not a retouched one
