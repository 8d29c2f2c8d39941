"""Report-sheet labels (geo/export/labels.py): measured with matplotlib's renderer, no label overlaps another
label or a drawn symbol, every label stays inside the map frame, priorities decide, nothing is dropped silently."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.transforms import Affine2D

import geopandas as gpd
import shapely

from geo import register
from geo.export import ExportOptions, render_map
from geo.export.frame import LabelRequest, MapFrame
from geo.export.labels import HALO_GID, LABEL_GID, LEADER_GID, SYMBOL_GIDS, place_labels, two_lines
from geo.filters import Filters, with_search_index

# Đông Hà and its neighbours: the crowded spot of the province sheet (issue 12).
DONG_HA_BBOX = (106.95, 16.70, 107.25, 16.90)


@pytest.fixture(scope="module")
def projects() -> gpd.GeoDataFrame:
    return register.load_register()


def _nfc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _drawn(fig: Figure) -> tuple[object, list, np.ndarray, object]:
    """Draw ``fig``; return the map axes, its label texts, its symbols' pixel boxes (from the drawn markers)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]  # the main map is the first axes of a sheet
    texts = [t for t in ax.texts if t.get_gid() == LABEL_GID]
    boxes = []
    for coll in ax.collections:
        if not isinstance(coll, PathCollection) or coll.get_gid() not in SYMBOL_GIDS:
            continue
        centres = coll.get_offset_transform().transform(np.asarray(coll.get_offsets(), float))
        transforms = coll.get_transforms()  # set at draw time: marker size in pixels at the figure's dpi
        lw = float(np.asarray(coll.get_linewidths())[0]) * fig.dpi / 72 / 2
        for i, (cx, cy) in enumerate(centres):
            e = coll.get_paths()[0].get_extents(Affine2D(transforms[i % len(transforms)]))
            boxes.append((cx + e.x0 - lw, cy + e.y0 - lw, cx + e.x1 + lw, cy + e.y1 + lw))
    return ax, texts, np.array(boxes).reshape(-1, 4), renderer


def _overlap(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _problems(fig: Figure) -> tuple[list[str], list[str]]:
    """(overlaps found, label texts) of a rendered sheet: label–label, label–symbol and label–frame."""
    ax, texts, symbols, renderer = _drawn(fig)
    frame = ax.get_window_extent(renderer)
    frame_box = (frame.x0, frame.y0, frame.x1, frame.y1)
    visible = symbols[(symbols[:, 2] > frame.x0) & (symbols[:, 0] < frame.x1) & (symbols[:, 3] > frame.y0)
                      & (symbols[:, 1] < frame.y1)]
    extents = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    problems = []
    for i, (text, b) in enumerate(extents):
        box = (b.x0, b.y0, b.x1, b.y1)
        if b.x0 < frame_box[0] or b.x1 > frame_box[2] or b.y0 < frame_box[1] or b.y1 > frame_box[3]:
            problems.append(f"{text!r} leaves the map frame")
        for other, ob in extents[i + 1:]:
            if _overlap(box, (ob.x0, ob.y0, ob.x1, ob.y1)) > 0.01:
                problems.append(f"{text!r} overlaps label {other!r}")
        for sym in visible:
            if _overlap(box, sym) > 0.01:
                problems.append(f"{text!r} overlaps a symbol at {sym.round(1).tolist()}")
    return problems, [_nfc(text) for text, _ in extents]


def _legend_text(fig: Figure) -> str:
    return _nfc(" ".join(t.get_text() for ax in fig.axes[1:] for t in ax.texts))


SHEETS = {
    "a4_landscape_vi": ExportOptions(lang="vi", dpi=100),
    "a4_portrait_en": ExportOptions(lang="en", orientation="portrait", dpi=100),
    "a3_landscape_en": ExportOptions(lang="en", paper="A3", dpi=72),
    "a3_portrait_vi": ExportOptions(lang="vi", paper="A3", orientation="portrait", dpi=72),
    "dong_ha_view_vi": ExportOptions(lang="vi", dpi=100, bbox=DONG_HA_BBOX),
    "quan_ngang_en": ExportOptions(lang="en", orientation="portrait", dpi=100, extent="ip_quan_ngang"),
}


@pytest.mark.parametrize("name", list(SHEETS))
def test_no_label_overlaps_a_label_a_symbol_or_the_frame(projects: gpd.GeoDataFrame, name: str) -> None:
    fig = render_map(projects, Filters(), SHEETS[name])
    problems, labels = _problems(fig)
    assert labels, "the sheet has no labels at all"
    assert not problems, "\n".join(problems)


def test_the_crowded_names_around_dong_ha_are_all_printed(projects: gpd.GeoDataFrame) -> None:
    fig = render_map(projects, Filters(), ExportOptions(lang="vi", dpi=100))
    _, labels = _problems(fig)
    for name in ("Đông Hà", "Cam Lộ", "Ái Tử", "Khu công nghiệp Nam Đông Hà", "Khu công nghiệp Quán Ngang",
                 "Khu kinh tế Đông Nam Quảng Trị"):
        assert name in labels, f"{name} is not printed (labels: {labels})"


def test_a_crowded_view_names_its_dropped_labels_in_the_legend() -> None:
    """[SYNTHETIC] 40 projects on 40 spots 45 m apart, in a zoomed view: not every id fits; the legend says which."""
    n = 40
    lon = 107.10 + 0.0004 * (np.arange(n) % 8)
    lat = 16.80 + 0.0004 * (np.arange(n) // 8)
    frame = pd.DataFrame({"id": [f"SYN{i:02d}" for i in range(n)], "name_vi": [f"[SYNTHETIC] {i}" for i in range(n)],
                          "sector": "electricity", "status": "operating", "location_confidence": "high",
                          "zone_id": None, "district": "dong_ha"})
    register_ = with_search_index(gpd.GeoDataFrame(frame, geometry=shapely.points(lon, lat), crs="EPSG:4326"))
    fig = render_map(register_, Filters(), ExportOptions(lang="en", dpi=100, bbox=(107.09, 16.79, 107.12, 16.81)))
    problems, labels = _problems(fig)
    assert not problems, "\n".join(problems)
    printed = [t for t in labels if t.startswith("SYN")]
    legend = _legend_text(fig)
    m = re.search(r"(\d+) labels? left out for lack of room: (.+?)\.", legend)
    assert m, legend
    assert len(printed) + int(m.group(1)) == n
    assert printed and int(m.group(1)) > 0
    named = [x.strip() for x in m.group(2).split(",") if x.strip() != "…"]
    assert named and not set(named) & set(printed)


def _toy_frame(dpi: float = 100) -> MapFrame:
    fig = Figure(figsize=(4, 3), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, 400)
    ax.set_ylim(0, 300)
    return MapFrame(ax, "en", 1.0, (0, 0, 400, 300))


def test_priority_decides_who_gets_the_place_and_the_rest_are_listed() -> None:
    ctx = _toy_frame()
    ax = ctx.ax
    # One symbol, two neighbours to its right, and thirty labels of every class at the one spot.
    ax.scatter([200, 222, 240], [150, 150, 160], s=8 ** 2, gid="symbol")
    for i, prio in enumerate(["project", "place", "cluster", "seat", "zone"] * 6):
        ctx.labels.append(LabelRequest(200, 150, f"{prio} label number {i}", 9, offset_pt=4, priority=prio))
    report = place_labels(ctx, ax.figure.canvas.get_renderer(), [])
    placed = [p.request.priority for p in report.placed]
    assert report.dropped, "thirty long labels cannot all fit in a 4 × 3 inch frame"
    assert placed[: placed.count("zone")] == ["zone"] * placed.count("zone")  # zones first, never displaced
    assert placed.count("zone") == 6
    # Nothing dropped silently: every request is either placed or listed.
    assert len(report.placed) + len(report.dropped) == 30
    assert ctx.shown.dropped_labels == [lab.text for lab in report.dropped]
    labels = [t for t in ax.texts if t.get_gid() == LABEL_GID]
    assert len(labels) == len(report.placed) == len([t for t in ax.texts if t.get_gid() == HALO_GID])
    problems = []
    renderer = ax.figure.canvas.get_renderer()
    ax.figure.canvas.draw()
    boxes = [t.get_window_extent(renderer) for t in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if _overlap((a.x0, a.y0, a.x1, a.y1), (b.x0, b.y0, b.x1, b.y1)) > 0.01:
                problems.append((a, b))
    assert not problems
    assert any(line.get_gid() == LEADER_GID for line in ax.lines), "far labels are tied to their spot by leaders"


def test_the_overlap_measure_can_fail() -> None:
    """Two labels at one spot, drawn by hand, are found overlapping (the measure is not blind)."""
    ctx = _toy_frame()
    for _ in range(2):
        ctx.ax.annotate("Đông Hà", (200, 150), gid=LABEL_GID, fontsize=9)
    ctx.ax.scatter([100], [100], s=10 ** 2, gid="symbol")
    ctx.ax.annotate("Cam Lộ", (100, 100), gid=LABEL_GID, fontsize=9, ha="center", va="center")
    fig = ctx.ax.figure
    problems, _ = _problems(fig)
    assert any("overlaps label" in p for p in problems)
    assert any("overlaps a symbol" in p for p in problems)


def test_two_lines_breaks_near_the_middle() -> None:
    assert two_lines("Khu công nghiệp Nam Đông Hà") == "Khu công nghiệp\nNam Đông Hà"
    assert two_lines("Đakrông") is None
