"""Label placement: each queued label at the first free position around its anchor, with a white halo."""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.patheffects as path_effects
import matplotlib.transforms as mtransforms
import numpy as np

import shapely

from geo.export.frame import MapFrame

__all__ = ["inner_anchors", "place_labels", "overlap_area", "mm_per_unit"]


def inner_anchors(area: shapely.Geometry, n: int = 7) -> tuple[tuple[float, float], ...]:
    """Points spread inside ``area``, nearest to its representative point first (label positions to try)."""
    x0, y0, x1, y1 = area.bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, n + 2)[1:-1], np.linspace(y0, y1, n + 2)[1:-1])
    gx, gy = gx.ravel(), gy.ravel()
    keep = shapely.contains_xy(area, gx, gy)
    p = area.representative_point()
    order = np.argsort(np.hypot(gx[keep] - p.x, gy[keep] - p.y))
    return tuple(zip(gx[keep][order].tolist(), gy[keep][order].tolist(), strict=True))



def place_labels(ctx: MapFrame, renderer: object, reserved: Sequence[mtransforms.Bbox]) -> None:
    """Place the queued labels, required ones first, each at the first free position around its anchor."""
    ax = ctx.ax
    frame = ax.get_window_extent(renderer)
    pad = 1.5
    taken: list[mtransforms.Bbox] = list(reserved)
    dpi_scale = ax.figure.dpi / 72.0
    for ox, oy in ctx.obstacles:
        px, py = ax.transData.transform((ox, oy))
        r = 4.0 * ctx.k * dpi_scale
        taken.append(mtransforms.Bbox([[px - r, py - r], [px + r, py + r]]))
    halo = [path_effects.withStroke(linewidth=2.2 * ctx.k, foreground="white")]
    order = sorted(ctx.labels, key=lambda lab: (not lab.required, lab.inside, -lab.size))
    for lab in order:
        r = lab.offset_pt
        d = r * 0.72
        if lab.inside:
            candidates = [(0, 0, "center", "center"), (0, 8, "center", "center"), (0, -8, "center", "center")]
            px0, py0 = ax.transData.transform((lab.x, lab.y))
            for ax_, ay_ in lab.anchors:  # other points inside the area, as offsets from the first anchor
                qx, qy = ax.transData.transform((ax_, ay_))
                candidates.append(((qx - px0) / dpi_scale, (qy - py0) / dpi_scale, "center", "center"))
        else:
            candidates = [(r, 0, "left", "center"), (-r, 0, "right", "center"), (0, r, "center", "bottom"),
                          (0, -r, "center", "top"), (d, d, "left", "bottom"), (d, -d, "left", "top"),
                          (-d, d, "right", "bottom"), (-d, -d, "right", "top")]
        text = ax.annotate(lab.text, (lab.x, lab.y), xytext=(0, 0), textcoords="offset points", fontsize=lab.size,
                           color=lab.colour, fontweight=lab.weight, fontstyle=lab.style, zorder=21,
                           annotation_clip=False, clip_on=True)
        best, best_cost = None, math.inf
        for dx, dy, ha, va in candidates:
            text.set_position((dx, dy))
            text.set_ha(ha)
            text.set_va(va)
            box = text.get_window_extent(renderer).padded(pad * dpi_scale)
            out = max(0.0, frame.x0 - box.x0) + max(0.0, box.x1 - frame.x1) + \
                max(0.0, frame.y0 - box.y0) + max(0.0, box.y1 - frame.y1)
            overlap = sum(overlap_area(box, other) for other in taken)
            cost = overlap + out * 1e4
            if cost < best_cost:
                best, best_cost = (dx, dy, ha, va, box), cost
            if cost == 0:
                break
        if best is None or (best_cost > 0 and not lab.required):
            text.remove()
            continue
        dx, dy, ha, va, box = best
        text.set_position((dx, dy))
        text.set_ha(ha)
        text.set_va(va)
        taken.append(box)
        # The halo is a separate, path-drawn copy under the text, so the text itself stays selectable text.
        shadow = ax.annotate(lab.text, (lab.x, lab.y), xytext=(dx, dy), textcoords="offset points",
                             fontsize=lab.size, color="white", fontweight=lab.weight, fontstyle=lab.style, ha=ha,
                             va=va, zorder=20, annotation_clip=False, clip_on=True)
        shadow.set_path_effects(halo)


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
