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

import shapely

from geo import style
from geo.export.frame import LabelRequest, MapFrame
from geo.export.geometry import plot_polygon_collection
from geo.export.labels import inner_anchors, place_labels
from geo.export.options import FONT, INK
from geo.export.scene import from_lonlat, projected, to_lonlat
from geo.export.text import nfc
from geo.i18n import t

__all__ = [
    "graticule_step", "format_degree", "draw_graticule", "draw_north_arrow", "draw_scale_bar", "INSET_LONLAT",
    "INSET_EAST_LIMIT", "INSET_WEST_LIMIT", "INSET_CENTRE_LAT", "INSET_NAMES", "inset_extent", "draw_inset",
]


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


# The inset's window, in longitude/latitude: mainland South-East Asia around Viet Nam, never east of 110°E
# (the Natural Earth 1:110m countries have no offshore islands, so nothing east of the coast may show).
INSET_LONLAT = (100.0, 8.2, 110.0, 23.6)
INSET_EAST_LIMIT = 110.0
INSET_WEST_LIMIT = 97.0  # a wide frame grows westwards to here, then shows less of the north and south
INSET_CENTRE_LAT = 16.4
# Countries named in the inset (ISO 3166 alpha-3 -> i18n key); the others are drawn unnamed.
INSET_NAMES: dict[str, str] = {"VNM": "report_country_vnm", "LAO": "report_country_lao", "THA": "report_country_tha",
                               "KHM": "report_country_khm", "CHN": "report_country_chn"}
HIGHLIGHT = "#d62728"


def inset_extent(aspect: float) -> tuple[float, float, float, float]:
    """The inset's extent in the map CRS for a frame of ``aspect`` (width / height), its east edge ≤ 110°E."""
    lon0, lat0, lon1, lat1 = INSET_LONLAT
    fwd = from_lonlat()
    xs, ys = fwd.transform([lon0, lon1, lon0, lon1], [lat0, lat0, lat1, lat1])
    x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
    w, h = x1 - x0, y1 - y0
    if w / h < aspect:  # wider frame: grow westwards (the east edge stays on the limit), then crop north and south
        west = fwd.transform(INSET_WEST_LIMIT, INSET_CENTRE_LAT)[0]
        x0 = max(x1 - h * aspect, west)
        h = (x1 - x0) / aspect
        cy = fwd.transform(105.0, INSET_CENTRE_LAT)[1]
        y0, y1 = cy - h / 2, cy + h / 2
    else:  # taller frame: grow north and south
        cy, h = (y0 + y1) / 2, w / aspect
        y0, y1 = cy - h / 2, cy + h / 2
    east = min(fwd.transform(np.full(20, INSET_EAST_LIMIT), np.linspace(lat0 - 10, lat1 + 10, 20))[0])
    shift = max(0.0, x1 - east)
    return x0 - shift, y0, x1 - shift, y1


def draw_inset(ax: Axes, extent: tuple[float, float, float, float], k: float, lang: str) -> None:
    """Locator map: the province (red) within Viet Nam and its neighbours, named, with the main map's extent."""
    pos = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    view = inset_extent((pos.width * fig_w) / (pos.height * fig_h))
    ax.set_xlim(view[0], view[2])
    ax.set_ylim(view[1], view[3])
    ax.set_facecolor(style.WATER_COLOUR)
    box = shapely.box(*view)
    countries = projected("country")
    s = style.KIND_STYLES["country"]
    ctx = MapFrame(ax, lang, k, view)
    for row in countries.to_dict("records"):
        geom = row["geometry"].intersection(box)
        if geom.is_empty:
            continue
        home = row.get("iso_a3") == "VNM"
        plot_polygon_collection(ax, [geom], facecolor=style.KIND_STYLES["province"].fill if home else s.fill,
                                edgecolor="#555555" if home else s.colour, linewidth=(0.6 if home else 0.4) * k,
                                zorder=3 if home else 2)
        key = INSET_NAMES.get(str(row.get("iso_a3")))
        if key:
            part = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
            p = part.representative_point()
            ctx.labels.append(LabelRequest(p.x, p.y, t(key, lang), 5.2 * k, "#555555" if home else "#777777",
                                           weight="bold" if home else "normal", style="normal" if home else "italic",
                                           inside=True, priority="context", anchors=inner_anchors(part, 15),
                                           within=part.buffer(-1000)))
    province = projected("province")
    plot_polygon_collection(ax, province.geometry, facecolor=HIGHLIGHT, edgecolor=HIGHLIGHT, linewidth=0.5 * k,
                            zorder=5)
    x0, y0, x1, y1 = extent
    ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, facecolor="none", edgecolor=INK, linewidth=0.5 * k,
                           zorder=6))
    px0, py0, px1, py1 = province.total_bounds
    ctx.obstacles.append((min(px0, x0), min(py0, y0), max(px1, x1), max(py1, y1)))
    c = province.geometry.iloc[0].representative_point()
    ctx.labels.append(LabelRequest(c.x, c.y, nfc(province.iloc[0].get("name_vi") or "Quảng Trị"), 5.5 * k, HIGHLIGHT,
                                   weight="bold", offset_pt=max(x1 - x0, px1 - px0) / 2 / (view[2] - view[0])
                                   * pos.width * fig_w * 72, priority="zone"))
    place_labels(ctx, ax.figure.canvas.get_renderer(), [])
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.6)
        spine.set_color("#555555")
