"""Label placement for the report sheets: no label overlaps another label, a drawn symbol or the map furniture.

Labels are placed by priority (:data:`PRIORITY`: zones and parks, then district seats,
clusters, ports and gates, projects, and last the names of neighbouring land), the
larger type first within a class. Each label tries candidate positions around its
anchor in the order a cartographer would (right, upper right, lower right, left, …; a
long name also as two lines), then the same directions farther out with a thin leader
line back to its symbol. A position is taken only if its box (padded by the white halo)
lies inside the map frame and touches no placed label, no symbol of the map (every
point collection tagged with a gid of :data:`SYMBOL_GIDS`, measured from the markers
matplotlib draws) and no reserved box (scale bar, north arrow, small areas). A label
for which nothing fits is left out and listed in :attr:`PlacementReport.dropped`, which
the sheet prints as a legend note: nothing is dropped silently.

Large areas (and neighbouring land) are labelled inside, centred on one of several
points spread over the area (:func:`inner_anchors`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import matplotlib.patheffects as path_effects
import matplotlib.transforms as mtransforms
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D

import shapely

from geo import style
from geo.export.frame import LabelRequest, MapFrame

__all__ = [
    "PRIORITY", "SYMBOL_GIDS", "LABEL_GID", "HALO_GID", "LEADER_GID", "Placement", "PlacementReport",
    "inner_anchors", "symbol_boxes", "two_lines", "place_labels", "overlap_area", "mm_per_unit",
]

# Label classes, most important first: a lower number is placed first and never gives way to a higher one.
PRIORITY: dict[str, int] = style.LABEL_PRIORITY
# gids of the scatter collections whose markers labels must keep off (geo.export.geometry, plot_project).
SYMBOL_GIDS: tuple[str, ...] = ("symbol", "project")
LABEL_GID = "label"  # gid of a drawn label
HALO_GID = "label-halo"  # its white halo copy
LEADER_GID = "label-leader"  # the leader line of a label set off its symbol

# Directions around a point symbol, in order of preference (unit vectors; ha/va of the text there).
_DIRECTIONS: tuple[tuple[float, float, str, str], ...] = (
    (1, 0, "left", "center"), (0.72, 0.72, "left", "bottom"), (0.72, -0.72, "left", "top"),
    (-1, 0, "right", "center"), (-0.72, 0.72, "right", "bottom"), (-0.72, -0.72, "right", "top"),
    (0, 1, "center", "bottom"), (0, -1, "center", "top"),
)
_LEADER_RINGS_PT = (7.0, 13.0, 20.0)  # extra distances tried with a leader line, per type scale


@dataclass
class Placement:
    """A placed label: its text as set (one or two lines), box in display pixels, offset and alignment."""

    request: LabelRequest
    text: str
    box: mtransforms.Bbox
    offset_pt: tuple[float, float]
    ha: str
    va: str
    leader: bool = False


@dataclass
class PlacementReport:
    """What :func:`place_labels` did: the labels placed and the ones left out for lack of room."""

    placed: list[Placement] = field(default_factory=list)
    dropped: list[LabelRequest] = field(default_factory=list)


def inner_anchors(area: shapely.Geometry, n: int = 7) -> tuple[tuple[float, float], ...]:
    """Points spread inside ``area``, nearest to its representative point first (label positions to try)."""
    x0, y0, x1, y1 = area.bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, n + 2)[1:-1], np.linspace(y0, y1, n + 2)[1:-1])
    gx, gy = gx.ravel(), gy.ravel()
    keep = shapely.contains_xy(area, gx, gy)
    p = area.representative_point()
    order = np.argsort(np.hypot(gx[keep] - p.x, gy[keep] - p.y))
    return tuple(zip(gx[keep][order].tolist(), gy[keep][order].tolist(), strict=True))


def symbol_boxes(ax: Axes, gids: Sequence[str] = SYMBOL_GIDS) -> np.ndarray:
    """Display-pixel boxes (x0, y0, x1, y1) of every marker of the scatter collections of ``ax`` tagged ``gids``.

    Each box is the marker's path scaled to its size (``s`` is the square of the size in
    points) plus half its edge width, centred on its offset.
    """
    px_per_pt = ax.figure.dpi / 72.0
    boxes = []
    for coll in ax.collections:
        if not isinstance(coll, PathCollection) or coll.get_gid() not in gids:
            continue
        offsets = np.asarray(coll.get_offsets(), dtype=float)
        if not len(offsets):
            continue
        centres = coll.get_offset_transform().transform(offsets)
        ext = coll.get_paths()[0].get_extents()
        sizes = np.sqrt(np.broadcast_to(np.asarray(coll.get_sizes(), float), (len(offsets),))) * px_per_pt
        lws = np.broadcast_to(np.asarray(coll.get_linewidths(), float)[:1], (len(offsets),)) * px_per_pt / 2
        boxes.append(np.column_stack([centres[:, 0] + ext.x0 * sizes - lws, centres[:, 1] + ext.y0 * sizes - lws,
                                      centres[:, 0] + ext.x1 * sizes + lws, centres[:, 1] + ext.y1 * sizes + lws]))
    return np.concatenate(boxes) if boxes else np.zeros((0, 4))


def two_lines(text: str) -> str | None:
    """``text`` broken into two lines at the space nearest its middle (None if it has no space)."""
    spaces = [i for i, c in enumerate(text) if c == " "]
    if not spaces:
        return None
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return f"{text[:cut]}\n{text[cut + 1:]}"


def _hits(box: np.ndarray, taken: np.ndarray) -> bool:
    """True if ``box`` (x0, y0, x1, y1) overlaps any row of ``taken``."""
    if not len(taken):
        return False
    w = np.minimum(box[2], taken[:, 2]) - np.maximum(box[0], taken[:, 0])
    h = np.minimum(box[3], taken[:, 3]) - np.maximum(box[1], taken[:, 1])
    return bool(((w > 0) & (h > 0)).any())


def _segment_hits(p: np.ndarray, q: np.ndarray, taken: np.ndarray) -> bool:
    """True if the segment p–q passes through any box of ``taken`` (sampled)."""
    if not len(taken):
        return False
    for f in np.linspace(0.0, 1.0, 9):
        x, y = p + (q - p) * f
        if ((taken[:, 0] < x) & (x < taken[:, 2]) & (taken[:, 1] < y) & (y < taken[:, 3])).any():
            return True
    return False


class _Measure:
    """Measures a label's box at each alignment once, with one hidden Text (exact, from the renderer)."""

    def __init__(self, ax: Axes, renderer: object) -> None:
        self.ax, self.renderer = ax, renderer
        self.cache: dict[tuple, tuple[float, float, float, float]] = {}

    def box(self, lab: LabelRequest, text: str, ha: str, va: str) -> tuple[float, float, float, float]:
        """Box of ``text`` aligned ``ha``/``va`` on the origin, in pixels relative to the anchor."""
        key = (text, lab.size, lab.weight, lab.style, ha, va)
        if key not in self.cache:
            artist = self.ax.annotate(text, (0, 0), xycoords="figure pixels", fontsize=lab.size, fontweight=lab.weight,
                                      fontstyle=lab.style, ha=ha, va=va, multialignment=_multialign(ha),
                                      linespacing=1.1)
            b = artist.get_window_extent(self.renderer)
            artist.remove()
            self.cache[key] = (b.x0, b.y0, b.x1, b.y1)
        return self.cache[key]


def _multialign(ha: str) -> str:
    return {"left": "left", "right": "right"}.get(ha, "center")


def _candidates(lab: LabelRequest, ax: Axes, px_per_pt: float, pad_pt: float
                ) -> list[tuple[float, float, str, str, bool]]:
    """(dx, dy in points, ha, va, leader) positions to try for ``lab``, best first."""
    if lab.inside:
        out = [(0.0, 0.0, "center", "center", False)]
        px0, py0 = ax.transData.transform((lab.x, lab.y))
        for ax_, ay_ in lab.anchors:  # other points inside the area, as offsets from the first anchor
            qx, qy = ax.transData.transform((ax_, ay_))
            out.append(((qx - px0) / px_per_pt, (qy - py0) / px_per_pt, "center", "center", False))
        return out
    r = lab.offset_pt + pad_pt  # the label's padded box starts just off the symbol
    out = [(ux * r, uy * r, ha, va, False) for ux, uy, ha, va in _DIRECTIONS]
    if lab.leader:
        k = lab.size / 6.0
        for extra in _LEADER_RINGS_PT:
            out += [(ux * (r + extra * k), uy * (r + extra * k), ha, va, True) for ux, uy, ha, va in _DIRECTIONS]
    return out


def place_labels(ctx: MapFrame, renderer: object, reserved: Sequence[mtransforms.Bbox]) -> PlacementReport:
    """Place the queued labels of ``ctx`` by priority; draw them with a halo and return what was placed and dropped."""
    ax = ctx.ax
    frame = ax.get_window_extent(renderer)
    px_per_pt = ax.figure.dpi / 72.0
    pad = 1.2 * ctx.k * px_per_pt  # the halo's half width and a little air
    symbols = symbol_boxes(ax)
    inside_frame = ((symbols[:, 2] > frame.x0) & (symbols[:, 0] < frame.x1) & (symbols[:, 3] > frame.y0)
                    & (symbols[:, 1] < frame.y1)) if len(symbols) else np.zeros(0, bool)
    fixed = [symbols[inside_frame]]
    fixed.append(np.array([[b.x0, b.y0, b.x1, b.y1] for b in reserved]).reshape(-1, 4))
    for x0, y0, x1, y1 in ctx.obstacles:  # small areas drawn as polygons, in data coordinates
        (a, b), (c, d) = ax.transData.transform([(x0, y0), (x1, y1)])
        fixed.append(np.array([[min(a, c), min(b, d), max(a, c), max(b, d)]]))
    obstacles = np.concatenate(fixed)
    labels = np.zeros((0, 4))
    measure = _Measure(ax, renderer)
    report = PlacementReport()
    order = sorted(ctx.labels, key=lambda lab: (PRIORITY.get(lab.priority, len(PRIORITY)), -lab.size))
    for lab in order:
        anchor = np.asarray(ax.transData.transform((lab.x, lab.y)))
        variants = [lab.text]
        if len(lab.text) > 22 and (two := two_lines(lab.text)):
            variants.append(two)
        found = None
        candidates = _candidates(lab, ax, px_per_pt, pad / px_per_pt + 0.4 * ctx.k)
        # Only the obstacles within reach of this label's positions can collide (a dense register has 100 000).
        reach = max(max(abs(dx), abs(dy)) for dx, dy, *_ in candidates) * px_per_pt + \
            max(max(abs(v) for v in measure.box(lab, text, "center", "center")) for text in variants) * 2 + pad
        near = obstacles[(obstacles[:, 2] > anchor[0] - reach) & (obstacles[:, 0] < anchor[0] + reach)
                         & (obstacles[:, 3] > anchor[1] - reach) & (obstacles[:, 1] < anchor[1] + reach)]
        for dx, dy, ha, va, leader in candidates:
            for text in variants:
                bx0, by0, bx1, by1 = measure.box(lab, text, ha, va)
                ox, oy = anchor[0] + dx * px_per_pt, anchor[1] + dy * px_per_pt
                box = np.array([ox + bx0 - pad, oy + by0 - pad, ox + bx1 + pad, oy + by1 + pad])
                if box[0] < frame.x0 or box[2] > frame.x1 or box[1] < frame.y0 or box[3] > frame.y1:
                    continue
                if _hits(box, labels) or _hits(box, near):
                    continue
                if lab.within is not None and not _box_within(ax, box, lab.within):
                    continue
                if leader:
                    start, end = _leader_ends(anchor, box, lab.offset_pt * px_per_pt * 0.8)
                    others = near[~_contains(near, anchor)] if len(near) else near
                    if _segment_hits(start, end, labels) or _segment_hits(start + (end - start) * 0.15, end, others):
                        continue
                found = (text, box, dx, dy, ha, va, leader)
                break
            if found:
                break
        if found is None:
            report.dropped.append(lab)
            continue
        text, box, dx, dy, ha, va, leader = found
        labels = np.vstack([labels, box])
        _draw(ax, lab, text, dx, dy, ha, va, ctx.k)
        if leader:
            start, end = _leader_ends(anchor, box, lab.offset_pt * px_per_pt * 0.8)
            inv = ax.transData.inverted()
            (sx, sy), (ex, ey) = inv.transform([start, end])
            ax.add_line(Line2D([sx, ex], [sy, ey], color="#555555", linewidth=0.45 * ctx.k, zorder=19, gid=LEADER_GID))
        report.placed.append(Placement(lab, text, mtransforms.Bbox([box[:2], box[2:]]), (dx, dy), ha, va, leader))
    ctx.shown.dropped_labels = [lab.text for lab in report.dropped]
    return report


def _box_within(ax: Axes, box: np.ndarray, area: shapely.Geometry) -> bool:
    """True if the pixel box lies inside ``area`` (map units)."""
    (x0, y0), (x1, y1) = ax.transData.inverted().transform([box[:2], box[2:]])
    shapely.prepare(area)
    return bool(area.contains(shapely.box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))))


def _contains(boxes: np.ndarray, p: np.ndarray) -> np.ndarray:
    return (boxes[:, 0] <= p[0]) & (p[0] <= boxes[:, 2]) & (boxes[:, 1] <= p[1]) & (p[1] <= boxes[:, 3])


def _leader_ends(anchor: np.ndarray, box: np.ndarray, r_px: float) -> tuple[np.ndarray, np.ndarray]:
    """A leader from the symbol's edge (``r_px`` from the anchor) to the nearest point of the label's box."""
    end = np.array([min(max(anchor[0], box[0]), box[2]), min(max(anchor[1], box[1]), box[3])])
    v = end - anchor
    d = float(np.hypot(*v)) or 1.0
    return anchor + v / d * min(r_px, d), end


def _draw(ax: Axes, lab: LabelRequest, text: str, dx: float, dy: float, ha: str, va: str, k: float) -> None:
    """Draw a label and, under it, a path-drawn white halo copy (so the text itself stays selectable text)."""
    common = {"xytext": (dx, dy), "textcoords": "offset points", "fontsize": lab.size, "fontweight": lab.weight,
              "fontstyle": lab.style, "ha": ha, "va": va, "multialignment": _multialign(ha),
              "annotation_clip": False, "clip_on": True, "linespacing": 1.1}
    ax.annotate(text, (lab.x, lab.y), color=lab.colour, zorder=21, gid=LABEL_GID, **common)
    shadow = ax.annotate(text, (lab.x, lab.y), color="white", zorder=20, gid=HALO_GID, **common)
    shadow.set_path_effects([path_effects.withStroke(linewidth=2.2 * k, foreground="white")])


def overlap_area(a: mtransforms.Bbox, b: mtransforms.Bbox) -> float:
    """Area of the intersection of two boxes (0 if they do not overlap)."""
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def mm_per_unit(ctx: MapFrame) -> float:
    """Millimetres on paper per map unit (metre)."""
    bbox = ctx.ax.get_position()
    fig_w_mm = ctx.ax.figure.get_figwidth() * 25.4
    return bbox.width * fig_w_mm / (ctx.extent[2] - ctx.extent[0])
