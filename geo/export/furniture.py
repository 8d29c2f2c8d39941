"""Map furniture: graticule with degree labels, north arrow to true north, scale bar, inset locator map."""

from __future__ import annotations

import math

import matplotlib.transforms as mtransforms
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon, Rectangle
from matplotlib_scalebar.scalebar import ScaleBar

from geo import style
from geo.export.frame import MapFrame
from geo.export.geometry import plot_polygon_collection
from geo.export.options import FONT, INK, OUTSIDE_COLOUR
from geo.export.scene import from_lonlat, projected, sea_polygon, to_lonlat
from geo.export.text import nfc
from geo.i18n import t

__all__ = ["graticule_step", "format_degree", "draw_graticule", "draw_north_arrow", "draw_scale_bar", "draw_inset"]


def graticule_step(span_deg: float) -> float:
    """Return the largest 'nice' graticule interval giving at least four lines across ``span_deg`` degrees."""
    for step in (1.0, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001):
        if span_deg / step >= 4:
            return step
    return 0.001


def format_degree(value: float, step: float, hemi: str) -> str:
    """Format a graticule value like ``16.8°N`` with as many decimals as ``step`` needs."""
    decimals = max(1, -int(math.floor(math.log10(step) + 1e-9))) if step < 1 else 1
    return f"{abs(value):.{decimals}f}°{hemi}"


def draw_graticule(ctx: MapFrame) -> None:
    """Lines of constant longitude and latitude, drawn in the map CRS, labelled outside the frame."""
    ax = ctx.ax
    x0, y0, x1, y1 = ctx.extent
    xs = np.linspace(x0, x1, 40)
    ys = np.linspace(y0, y1, 40)
    bx = np.concatenate([xs, np.full(40, x1), xs[::-1], np.full(40, x0)])
    by = np.concatenate([np.full(40, y0), ys, np.full(40, y1), ys[::-1]])
    lon, lat = to_lonlat().transform(bx, by)
    lon0, lon1, lat0, lat1 = lon.min(), lon.max(), lat.min(), lat.max()
    step = graticule_step(min(lon1 - lon0, lat1 - lat0))
    fwd = from_lonlat()
    segments = []
    labels: list[tuple[str, float, str]] = []
    hemi = {h: t(f"report_hemisphere_{h.lower()}", ctx.lang) for h in "NSEW"}  # 16.8°N, 107.2°E
    dense_lat = np.linspace(lat0 - step, lat1 + step, 200)
    for value in np.arange(math.ceil(lon0 / step) * step, lon1 + 1e-9, step):
        gx, gy = fwd.transform(np.full_like(dense_lat, value), dense_lat)
        segments.append(np.column_stack([gx, gy]))
        xb = float(np.interp(y0, gy, gx))
        if x0 + 0.02 * (x1 - x0) < xb < x1 - 0.02 * (x1 - x0):
            labels.append((format_degree(value, step, hemi["E" if value >= 0 else "W"]), xb, "bottom"))
    dense_lon = np.linspace(lon0 - step, lon1 + step, 200)
    for value in np.arange(math.ceil(lat0 / step) * step, lat1 + 1e-9, step):
        gx, gy = fwd.transform(dense_lon, np.full_like(dense_lon, value))
        segments.append(np.column_stack([gx, gy]))
        yl = float(np.interp(x0, gx, gy))
        if y0 + 0.02 * (y1 - y0) < yl < y1 - 0.02 * (y1 - y0):
            labels.append((format_degree(value, step, hemi["N" if value >= 0 else "S"]), yl, "left"))
    ax.add_collection(LineCollection(segments, colors=[(0.35, 0.4, 0.45, 0.55)], linewidths=0.35 * ctx.k,
                                     zorder=2.5), autolim=False)
    bottom = mtransforms.blended_transform_factory(ax.transData, ax.transAxes)
    left = mtransforms.blended_transform_factory(ax.transAxes, ax.transData)
    size = 6 * ctx.k
    for text, pos, side in labels:
        if side == "bottom":
            ax.annotate(text, (pos, 0), xycoords=bottom, xytext=(0, -2), textcoords="offset points", ha="center",
                        va="top", fontsize=size, color="#333333", annotation_clip=False)
            ax.add_line(Line2D([pos, pos], [0, -0.006], transform=bottom, color="#333333", lw=0.5, clip_on=False))
        else:
            ax.annotate(text, (0, pos), xycoords=left, xytext=(-2.5, 0), textcoords="offset points", ha="right",
                        va="center", rotation=90, fontsize=size, color="#333333", annotation_clip=False)


def draw_north_arrow(ctx: MapFrame, at: tuple[float, float]) -> None:
    """Draw a north arrow at axes fraction ``at``, turned by the grid convergence to point to true north."""
    ax = ctx.ax
    x0, y0, x1, y1 = ctx.extent
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    lon, lat = to_lonlat().transform(cx, cy)
    nx, ny = from_lonlat().transform(lon, lat + 0.05)
    angle = math.degrees(math.atan2(nx - cx, ny - cy))  # clockwise from grid north
    size = 1.0 * ctx.k
    fig = ax.figure
    tr = (mtransforms.Affine2D().rotate_deg(-angle).scale(size / 72) + fig.dpi_scale_trans
          + mtransforms.ScaledTranslation(at[0], at[1], ax.transAxes))
    ax.add_patch(Polygon([(0, 9), (-5, -7), (0, -3)], closed=True, transform=tr, facecolor=INK, edgecolor=INK,
                         linewidth=0.6, zorder=22, clip_on=False))
    ax.add_patch(Polygon([(0, 9), (5, -7), (0, -3)], closed=True, transform=tr, facecolor="white", edgecolor=INK,
                         linewidth=0.6, zorder=22, clip_on=False))
    ax.annotate(t("report_north_arrow", ctx.lang), at, xycoords="axes fraction", xytext=(0, 10.5 * size),
                textcoords="offset points", ha="center", va="bottom", fontsize=9 * ctx.k, fontweight="bold", color=INK,
                zorder=22)


def draw_scale_bar(ctx: MapFrame) -> None:
    """Draw a true scale bar (the map CRS is in metres) in the lower left corner."""
    ctx.ax.add_artist(ScaleBar(1, "m", dimension="si-length", location="lower left", length_fraction=0.22,
                               width_fraction=0.008, box_alpha=0.8, color=INK, scale_loc="top", border_pad=0.8,
                               pad=0.4, font_properties={"size": 6.5 * ctx.k, "family": FONT}))


def draw_inset(ax: Axes, extent: tuple[float, float, float, float], k: float, lang: str) -> None:
    """Locator map: the province among its neighbours, with the main map's extent boxed."""
    ax.set_facecolor(OUTSIDE_COLOUR)
    sea = sea_polygon()
    plot_polygon_collection(ax, [sea], facecolor=style.WATER_COLOUR, edgecolor="none", linewidth=0, zorder=1)
    s = style.KIND_STYLES["neighbour"]
    plot_polygon_collection(ax, projected("neighbour").geometry, facecolor=s.fill, edgecolor=s.colour,
                            linewidth=0.4, zorder=2)
    s = style.KIND_STYLES["province"]
    plot_polygon_collection(ax, projected("province").geometry, facecolor=s.fill, edgecolor=s.colour,
                            linewidth=0.6, zorder=3)
    bx0, by0, bx1, by1 = projected("neighbour").total_bounds
    px0, py0, px1, py1 = projected("province").total_bounds
    bx0, by0, bx1, by1 = min(bx0, px0), min(by0, py0), max(bx1, px1), max(by1, py1)
    x0, y0, x1, y1 = extent
    w, h = max(bx1, x1) - min(bx0, x0), max(by1, y1) - min(by0, y0)
    cx, cy = (max(bx1, x1) + min(bx0, x0)) / 2, (max(by1, y1) + min(by0, y0)) / 2
    pos = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    aspect = (pos.width * fig_w) / (pos.height * fig_h)
    half_w = max(w, h * aspect) / 2 * 1.03
    half_h = half_w / aspect
    ax.set_xlim(cx - half_w, cx + half_w)
    ax.set_ylim(cy - half_h, cy + half_h)
    ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, facecolor="none", edgecolor="#d62728", linewidth=1.1,
                           zorder=5))
    if (x1 - x0) < 0.08 * 2 * half_w:  # a small box is hard to see: mark its centre too
        ax.scatter([(x0 + x1) / 2], [(y0 + y1) / 2], s=30, marker="o", facecolors="none", edgecolors="#d62728",
                   linewidths=1.0, zorder=5)
    for row in projected("neighbour").to_dict("records"):
        p = row["geometry"].representative_point()
        ax.text(p.x, p.y, nfc(row.get("name_vi")), fontsize=5 * k, color="#777777", ha="center", va="center",
                fontstyle="italic", zorder=4, clip_on=True)
    p = projected("province").geometry.iloc[0].representative_point()
    ax.text(p.x, p.y, nfc(projected("province").iloc[0].get("name_vi", "Quảng Trị")).upper(), fontsize=5.5 * k,
            color="#444444", ha="center", va="center", fontweight="bold", zorder=4, clip_on=True)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.6)
        spine.set_color("#555555")
