"""The report sheet's panel: the legend never clips (its text stays inside its panel on A4/A3, portrait and
landscape, in Vietnamese and English), and the inset locates the province within Viet Nam and its neighbours."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba

import geopandas as gpd
import shapely

from geo import register
from geo.export import ExportOptions, render_map
from geo.export.furniture import HIGHLIGHT, INSET_EAST_LIMIT
from geo.export.scene import to_lonlat
from geo.filters import Filters, with_search_index
from geo.i18n import t
from geo.schema import codes, label

PAGES = [(paper, orientation, lang) for paper in ("A4", "A3") for orientation in ("landscape", "portrait")
         for lang in ("vi", "en")]


@pytest.fixture(scope="module")
def projects() -> gpd.GeoDataFrame:
    return register.load_register()


@pytest.fixture(scope="module")
def every_class() -> gpd.GeoDataFrame:
    """[SYNTHETIC] one located project of every sector × status, so the legend has all its longest rows."""
    pairs = [(s, st) for s in codes("sector") for st in codes("status")]
    n = len(pairs)
    frame = pd.DataFrame({"id": [f"SYN{i:02d}" for i in range(n)], "name_vi": [f"[SYNTHETIC] {i}" for i in range(n)],
                          "sector": [p[0] for p in pairs], "status": [p[1] for p in pairs],
                          "location_confidence": ["low" if i % 3 == 0 else "high" for i in range(n)],
                          "zone_id": None, "district": "cam_lo"})
    rng = np.random.default_rng(12)
    geom = shapely.points(106.75 + rng.random(n) * 0.4, 16.6 + rng.random(n) * 0.3)
    return with_search_index(gpd.GeoDataFrame(frame, geometry=geom, crs="EPSG:4326"))


def _axes(fig):
    """(map, inset, legend) axes of a sheet, in the order draw_sheet adds them."""
    return fig.axes[0], fig.axes[1], fig.axes[2]


@pytest.mark.parametrize(("paper", "orientation", "lang"), PAGES)
def test_legend_text_stays_inside_its_panel(every_class: gpd.GeoDataFrame, paper: str, orientation: str,
                                           lang: str) -> None:
    fig = render_map(every_class, Filters(), ExportOptions(lang=lang, paper=paper, orientation=orientation, dpi=60))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    main, inset, legend = _axes(fig)
    panel = legend.get_window_extent(renderer)
    texts = [x for x in legend.texts if x.get_text().strip()]
    assert len(texts) > 20, "the legend lists every sector and status"
    outside = []
    for x in texts:
        b = x.get_window_extent(renderer)
        if b.x0 < panel.x0 - 0.5 or b.x1 > panel.x1 + 0.5 or b.y0 < panel.y0 - 0.5 or b.y1 > panel.y1 + 0.5:
            outside.append(f"{x.get_text()!r}: {b.bounds} outside {panel.bounds}")
        for other in (main.get_window_extent(renderer), inset.get_window_extent(renderer)):
            if b.overlaps(other):
                outside.append(f"{x.get_text()!r} runs onto the map or the inset")
    assert not outside, "\n".join(outside)
    # Long names wrap instead of being cut: every sector's label is there in full.
    joined = " ".join(" ".join(x.get_text().split()) for x in texts)
    for code in codes("sector"):
        assert " ".join(label("sector", code, lang).split()) in joined


@pytest.mark.parametrize(("orientation", "lang"), [("landscape", "vi"), ("portrait", "en"), ("landscape", "en")])
def test_inset_locates_the_province_in_viet_nam_and_its_neighbours(projects: gpd.GeoDataFrame, orientation: str,
                                                                   lang: str) -> None:
    fig = render_map(projects, Filters(), ExportOptions(lang=lang, orientation=orientation, dpi=60))
    fig.canvas.draw()
    _, inset, _ = _axes(fig)
    names = {x.get_text() for x in inset.texts if x.get_gid() == "label"}
    for iso in ("vnm", "lao", "tha", "khm", "chn"):
        assert t(f"report_country_{iso}", lang) in names, names
    # On the mainland: the inset's east edge is nowhere east of 110°E (the 1:110m layer has no offshore islands).
    x0, x1 = inset.get_xlim()
    y0, y1 = inset.get_ylim()
    lon, lat = to_lonlat().transform(np.full(20, x1), np.linspace(y0, y1, 20))
    assert lon.max() <= INSET_EAST_LIMIT + 1e-6
    assert to_lonlat().transform(x0, (y0 + y1) / 2)[0] < 104  # Thailand and Laos are in the frame
    assert lat.min() < 12 and lat.max() > 21.5  # from the south of Viet Nam to China
    # The province is filled in the highlight colour, above the countries.
    red = [c for c in inset.collections if isinstance(c, PathCollection)
           and np.allclose(c.get_facecolor()[0], to_rgba(HIGHLIGHT))]
    assert red and red[0].get_zorder() > max(c.get_zorder() for c in inset.collections if c not in red)
