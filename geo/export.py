"""Report maps: print-quality static maps (PNG, PDF, SVG) and multi-page atlases, fully offline.

Everything is drawn with matplotlib (no pyplot, no network) in VN-2000 / UTM zone 48N
(EPSG:3405), so the scale bar is true, with the colours and symbols of :mod:`geo.style`
(the same table the interactive map reads). A sheet carries what a planner expects of a
QGIS print layout: title and filter subtitle, legend of what is shown (with counts),
scale bar, north arrow, graticule with degree labels, inset locator map, sources,
data and export dates, and the note on approximate locations.

Projects are drawn with one scatter per sector × status × confidence group, so a
register of 100,000 projects exports in a few seconds.

Examples
--------
>>> ExportOptions().figsize(raster=True)[0] * 300 // 1
3508.0
>>> ExportOptions(paper="A3", orientation="portrait").page_mm
(297.0, 420.0)
>>> graticule_step(1.05)
0.2
>>> format_degree(107.0, 0.2, "E"), format_degree(16.85, 0.05, "N")
('107.0°E', '16.85°N')

"""

from __future__ import annotations

import datetime as _dt
import math
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import matplotlib
import matplotlib.patheffects as path_effects
import matplotlib.transforms as mtransforms
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Polygon, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.textpath import TextToPath
from matplotlib_scalebar.scalebar import ScaleBar

import geopandas as gpd
import shapely
from pyproj import Transformer

from geo import bundled, style
from geo.filters import Filters, apply_filters
from geo.i18n import t
from geo.schema import DISTRICTS, KINDS, label

MAP_CRS = "EPSG:3405"  # VN-2000 / UTM zone 48N: metres, so the scale bar is true
PAPER_MM: dict[str, tuple[float, float]] = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
FORMATS: tuple[str, ...] = (".png", ".pdf", ".svg")
ATLAS_KINDS: tuple[str, ...] = ("industrial_park", "economic_zone", "industrial_cluster", "district")
NEAR_KM = 3.0  # projects within this distance of a point feature belong to its atlas page
OUTSIDE_COLOUR = "#f1f0ec"  # land outside the bundled layers (Laos, beyond the clip box)
INK = "#222222"
FONT = "DejaVu Sans"  # shipped with matplotlib; covers Vietnamese
PX_TO_PT = 0.75  # style weights and dashes are CSS pixels (1/96 in); print uses points (1/72 in)

_RC = {
    "pdf.fonttype": 42,  # embed TrueType: PDF text stays real, selectable text
    "ps.fonttype": 42,
    "svg.fonttype": "none",  # SVG text stays <text>
    "font.family": FONT,
    "lines.scale_dashes": False,  # dash lengths are absolute (points), as in the style table
    "axes.unicode_minus": False,
    "path.simplify": True,
    "text.parse_math": False,  # names are data: "$5 and $10" must not become mathtext
}


# --------------------------------------------------------------------------- options
@dataclass(frozen=True)
class ExportOptions:
    """How a report map is laid out: paper, orientation, resolution, language, title, extent, layers."""

    paper: str = "A4"  # 'A4' or 'A3'
    orientation: str = "landscape"  # or 'portrait'
    dpi: int = 300
    lang: str = "vi"  # or 'en'
    title: str | None = None  # default: i18n report_title
    extent: str = "province"  # or the id of a park/zone/cluster/port/gate/district seat/project, or a district code
    layers: tuple[str, ...] | None = None  # layer kinds to draw (geo.schema.KINDS); None = all

    def __post_init__(self) -> None:
        """Reject values a report map cannot honour, with a message that says what is valid."""
        if self.paper not in PAPER_MM:
            raise ValueError(f"paper must be one of {', '.join(PAPER_MM)}, not {self.paper!r}")
        if self.orientation not in ("landscape", "portrait"):
            raise ValueError(f"orientation must be 'landscape' or 'portrait', not {self.orientation!r}")
        if not 10 <= int(self.dpi) <= 1200:
            raise ValueError(f"dpi must be between 10 and 1200, not {self.dpi}")
        if self.lang not in ("vi", "en"):
            raise ValueError(f"lang must be 'vi' or 'en', not {self.lang!r}")
        if isinstance(self.layers, str):  # 'road,project' from a form or a URL
            object.__setattr__(self, "layers", tuple(x.strip() for x in self.layers.split(",") if x.strip()))
        if self.layers is not None:
            unknown = [k for k in self.layers if k not in KINDS]
            if unknown:
                raise ValueError(f"unknown layer kind(s): {', '.join(unknown)}; valid: {', '.join(KINDS)}")

    @property
    def page_mm(self) -> tuple[float, float]:
        """Page width and height in millimetres."""
        long, short = PAPER_MM[self.paper]
        return (long, short) if self.orientation == "landscape" else (short, long)

    def figsize(self, raster: bool) -> tuple[float, float]:
        """Figure size in inches: exact for vector output, exact in whole pixels for raster output.

        matplotlib truncates ``inches × dpi`` to whole pixels, so a raster figure is sized
        to ``round(mm / 25.4 × dpi)`` pixels plus a quarter pixel (A4 at 300 dpi: 3508 × 2480).
        """
        w_mm, h_mm = self.page_mm
        if not raster:
            return w_mm / 25.4, h_mm / 25.4
        return tuple((round(mm / 25.4 * self.dpi) + 0.25) / self.dpi for mm in (w_mm, h_mm))  # type: ignore[return-value]

    def shows(self, kind: str) -> bool:
        """Return True if layer ``kind`` is drawn."""
        return self.layers is None or kind in self.layers


# --------------------------------------------------------------------------- small helpers
def _nfc(text: object) -> str:
    """Return ``text`` as an NFC string (decomposed Vietnamese would render badly)."""
    return unicodedata.normalize("NFC", "" if text is None else str(text))


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or str(value) == ""


def _dash(spec: str | None) -> str | tuple[float, tuple[float, ...]]:
    """Convert an SVG/Leaflet dash array in pixels ('5 4') to a matplotlib linestyle in points."""
    if not spec:
        return "solid"
    return (0.0, tuple(float(v) * PX_TO_PT for v in spec.replace(",", " ").split()))


def fmt_int(n: int, lang: str) -> str:
    """Format a count with the language's thousands separator.

    >>> fmt_int(29981, "vi"), fmt_int(29981, "en")
    ('29.981', '29,981')
    """
    text = f"{int(n):,}"
    return text.replace(",", ".") if lang == "vi" else text


def _rgba(colour: str, alpha: float) -> tuple[float, float, float, float]:
    r, g, b, _ = matplotlib.colors.to_rgba(colour)
    return (r, g, b, float(alpha))


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


_TEXT_TO_PATH = TextToPath()


@lru_cache(maxsize=20000)
def text_width_pt(text: str, size: float, weight: str = "normal", style_: str = "normal") -> float:
    """Width in points of ``text`` set in DejaVu Sans at ``size`` points."""
    prop = FontProperties(family=FONT, size=size, weight=weight, style=style_)
    # Agg's hinting sets text up to ~4 % wider than the outline metrics: keep a margin.
    return _TEXT_TO_PATH.get_text_width_height_descent(text, prop, ismath=False)[0] * 1.05


def wrap_text(text: str, size: float, width_mm: float, weight: str = "normal") -> list[str]:
    """Greedy word wrap of ``text`` to ``width_mm`` at ``size`` points (a too-long word gets its own line)."""
    limit = width_mm / 25.4 * 72
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if line and text_width_pt(candidate, size, weight) > limit:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def truncate_text(text: str, size: float, width_mm: float, weight: str = "normal") -> str:
    """Cut ``text`` with an ellipsis so it fits ``width_mm`` at ``size`` points."""
    limit = width_mm / 25.4 * 72
    if text_width_pt(text, size, weight) <= limit:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if text_width_pt(text[:mid].rstrip() + "…", size, weight) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


# --------------------------------------------------------------------------- data in the map CRS
@cache
def _projected(kind: str) -> gpd.GeoDataFrame:
    """Bundled layer ``kind`` in the map CRS (cached; callers must not modify it)."""
    return bundled.load_layer(kind).to_crs(MAP_CRS)


@cache
def _to_lonlat() -> Transformer:
    return Transformer.from_crs(MAP_CRS, "EPSG:4326", always_xy=True)


@cache
def _from_lonlat() -> Transformer:
    return Transformer.from_crs("EPSG:4326", MAP_CRS, always_xy=True)


def _located(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Mask of rows that have a non-empty geometry."""
    geom = gdf.geometry
    return (geom.notna() & ~geom.is_empty).to_numpy(dtype=bool) if len(gdf) else np.zeros(0, bool)


@cache
def _sea() -> shapely.Geometry:
    """Return the sea east of the coastline as a polygon in the map CRS (the base layers have no sea polygon).

    Built from the Natural Earth coastline closed far to the east, widened 3 km landwards
    and cut back to the province and neighbour outlines, so no sliver shows between the
    coarse coastline and the detailed outline.
    """
    far = 300_000.0
    merged = shapely.line_merge(shapely.union_all(_projected("coastline").geometry.to_numpy()))
    parts = list(getattr(merged, "geoms", [merged]))
    main = max(parts, key=lambda g: g.length)
    coords = np.asarray(main.coords)[:, :2]
    if coords[0, 1] > coords[-1, 1]:  # run from the south-east end to the north-west end
        coords = coords[::-1]
    (x_s, y_s), (x_n, y_n) = coords[0], coords[-1]
    ring = [*map(tuple, coords), (x_n, y_n + far), (x_s + far, y_n + far), (x_s + far, y_s - far),
            (x_s + 600.0, y_s - far), (x_s + 600.0, y_s)]
    sea = shapely.make_valid(shapely.Polygon(ring)).buffer(3000)
    return sea.difference(_land())


@cache
def _land() -> shapely.Geometry:
    """Return the province and its bundled neighbours as one geometry in the map CRS."""
    return shapely.union_all([*_projected("province").geometry.to_numpy(),
                              *_projected("neighbour").geometry.to_numpy()])


@cache
def _laos() -> shapely.Geometry:
    """Land west of the Viet Nam – Laos border (for its label only), in the map CRS."""
    far = 300_000.0
    line = shapely.line_merge(shapely.union_all(_projected("border").geometry.to_numpy()))
    parts = list(getattr(line, "geoms", [line]))
    coords = np.asarray(max(parts, key=lambda g: g.length).coords)[:, :2]
    if coords[0, 1] < coords[-1, 1]:  # run north to south
        coords = coords[::-1]
    (x_n, y_n), (x_s, y_s) = coords[0], coords[-1]
    ring = [*map(tuple, coords), (x_s, y_s - far), (x_n - far, y_s - far), (x_n - far, y_n)]
    return shapely.make_valid(shapely.Polygon(ring)).difference(_land())


@dataclass
class _Scene:
    """Everything one export draws, in the map CRS; shared by the pages of an atlas."""

    lang: str
    options: ExportOptions
    filters: Filters
    projects: gpd.GeoDataFrame  # filtered register, map CRS, unlocated rows kept
    located: np.ndarray  # mask over ``projects``
    x: np.ndarray  # coordinates of the located projects
    y: np.ndarray
    zone_names: dict[str, str]

    @property
    def n_filtered(self) -> int:
        return len(self.projects)


def _column(gdf: pd.DataFrame, name: str) -> pd.Series:
    """Column ``name`` as object strings (None where missing)."""
    if name not in gdf:
        return pd.Series([None] * len(gdf), index=gdf.index, dtype=object)
    col = gdf[name].astype(object)
    return col.where(col.notna(), None)


def _name(row: pd.Series | dict, lang: str) -> str:
    """Return the feature's name in ``lang`` (falling back to the Vietnamese name, then the id)."""
    get = row.get
    for key in (("name_en", "name_vi") if lang == "en" else ("name_vi", "name_en")):
        value = get(key)
        if not _blank(value):
            return _nfc(value)
    return _nfc(get("id", ""))


def _scene(projects: gpd.GeoDataFrame, filters: Filters, options: ExportOptions) -> _Scene:
    zones = bundled.load_zones()
    filtered = apply_filters(projects, filters, zones=zones)
    if filtered.crs is None:
        filtered = filtered.set_crs("EPSG:4326")
    located = _located(filtered)
    geom = filtered.geometry.copy()
    if located.any():
        pts = geom[located].to_crs(MAP_CRS)
        not_point = (pts.geom_type != "Point").to_numpy()
        if not_point.any():
            pts = pts.where(~not_point, pts.representative_point())
        x, y = shapely.get_x(pts.to_numpy()), shapely.get_y(pts.to_numpy())
        geom = gpd.GeoSeries([None] * len(filtered), index=filtered.index, crs=MAP_CRS)
        geom[located] = pts.to_numpy()
    else:
        x = y = np.zeros(0)
        geom = gpd.GeoSeries([None] * len(filtered), index=filtered.index, crs=MAP_CRS)
    out = gpd.GeoDataFrame(filtered.drop(columns=filtered.geometry.name), geometry=geom, crs=MAP_CRS)
    zone_names = {r["id"]: _name(r, options.lang) for r in zones.to_dict("records")}
    return _Scene(options.lang, options, filters, out, located, np.asarray(x, float), np.asarray(y, float),
                  zone_names)


# --------------------------------------------------------------------------- what a sheet shows (legend input)
@dataclass
class _Shown:
    """Tally of what is drawn inside the map frame, for a legend of what is shown only."""

    sectors: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    low_confidence: int = 0
    areas: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> {'polygon', 'approximate', 'point'}
    lines: list[str] = field(default_factory=list)
    facilities: Counter = field(default_factory=Counter)
    seats: int = 0
    search_radius: bool = False


@dataclass
class _Label:
    """A label request; placed after everything is drawn, avoiding other labels and symbols."""

    x: float
    y: float
    text: str
    size: float
    colour: str = INK
    weight: str = "normal"
    style: str = "normal"
    offset_pt: float = 5.0  # distance from the anchor (symbol radius)
    inside: bool = False  # centred on the anchor (large polygons)
    required: bool = True  # placed even when every position collides
    anchors: tuple[tuple[float, float], ...] = ()  # other anchors to try (points inside a large area)


@dataclass
class _Ctx:
    """Drawing context of one map frame."""

    ax: Axes
    lang: str
    k: float  # type scale (1 for A4, larger for A3)
    extent: tuple[float, float, float, float]
    shown: _Shown = field(default_factory=_Shown)
    labels: list[_Label] = field(default_factory=list)
    obstacles: list[tuple[float, float]] = field(default_factory=list)  # data points labels must not cover
    label_zones: bool = True
    label_clusters: bool = False
    label_projects: bool = False

    def in_view(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        x0, y0, x1, y1 = self.extent
        return (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)

    def clip(self, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """Rows of ``gdf`` with a geometry that intersects the view."""
        if not len(gdf):
            return gdf
        ok = _located(gdf)
        gdf = gdf[ok]
        box = shapely.box(*self.extent)
        return gdf[shapely.intersects(gdf.geometry.to_numpy(), box)]


# --------------------------------------------------------------------------- geometry → matplotlib collections
def _polygon_paths(geoms: Iterable[shapely.Geometry]) -> list[MplPath]:
    """One compound path (exterior and holes) per polygon part."""
    paths = []
    for geom in geoms:
        for poly in getattr(geom, "geoms", [geom]):
            if poly is None or poly.is_empty or poly.geom_type != "Polygon":
                continue
            verts, codes = [], []
            for ring in (poly.exterior, *poly.interiors):
                xy = np.asarray(ring.coords)[:, :2]
                c = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
                c[0], c[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
                verts.append(xy)
                codes.append(c)
            paths.append(MplPath(np.concatenate(verts), np.concatenate(codes)))
    return paths


def _line_segments(geoms: Iterable[shapely.Geometry]) -> list[np.ndarray]:
    segments = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            continue
        if geom.geom_type in ("Polygon", "MultiPolygon"):
            geom = geom.boundary
        for line in getattr(geom, "geoms", [geom]):
            segments.append(np.asarray(line.coords)[:, :2])
    return segments


def plot_polygon_collection(ax: Axes, geoms: Iterable[shapely.Geometry], *, facecolor: object, edgecolor: object,
                            linewidth: float, linestyle: object = "solid", zorder: float = 2) -> PathCollection | None:
    """Add polygons as one PathCollection (like geopandas' ``_plot_polygon_collection``)."""
    paths = _polygon_paths(geoms)
    if not paths:
        return None
    coll = PathCollection(paths, facecolors=[facecolor], edgecolors=[edgecolor], linewidths=[linewidth],
                          linestyles=[linestyle], zorder=zorder)
    coll.set_joinstyle("round")
    ax.add_collection(coll, autolim=False)
    return coll


def plot_line_collection(ax: Axes, geoms: Iterable[shapely.Geometry], *, colour: object, linewidth: float,
                         linestyle: object = "solid", zorder: float = 3) -> LineCollection | None:
    """Add lines as one LineCollection (like geopandas' ``_plot_linestring_collection``)."""
    segments = _line_segments(geoms)
    if not segments:
        return None
    coll = LineCollection(segments, colors=[colour], linewidths=[linewidth], linestyles=[linestyle], zorder=zorder,
                          capstyle="round", joinstyle="round")
    ax.add_collection(coll, autolim=False)
    return coll


def plot_point_collection(ax: Axes, x: np.ndarray, y: np.ndarray, *, marker: str, size_pt: float,
                          facecolor: object, edgecolor: object, linewidth: float, linestyle: object = "solid",
                          zorder: float = 8) -> PathCollection | None:
    """Add points as ONE scatter PathCollection (``size_pt`` is the marker diameter in points)."""
    if not len(x):
        return None
    return ax.scatter(x, y, s=size_pt ** 2, marker=marker, facecolors=[facecolor], edgecolors=[edgecolor],
                      linewidths=linewidth, linestyles=[linestyle], zorder=zorder, clip_on=True,
                      plotnonfinite=False)


# --------------------------------------------------------------------------- one plotter per layer kind
def plot_neighbour(ctx: _Ctx, gdf: gpd.GeoDataFrame) -> None:
    """Draw the neighbouring provinces (grey), with their names."""
    s = style.KIND_STYLES["neighbour"]
    gdf = ctx.clip(gdf)
    plot_polygon_collection(ctx.ax, gdf.geometry, facecolor=s.fill, edgecolor=s.colour,
                            linewidth=s.weight * PX_TO_PT, zorder=1.2)
    view = shapely.box(*ctx.extent)
    for row in gdf.to_dict("records"):
        part = row["geometry"].intersection(view)
        if part.area > 0.04 * view.area:
            p = part.representative_point()
            ctx.labels.append(_Label(p.x, p.y, _nfc(row.get("name_vi")).upper(), 7.5 * ctx.k, "#8a8a8a",
                                     style="italic", inside=True, required=False, anchors=_inner_anchors(part)))
    laos = _laos().intersection(view)
    if laos.area > 0.04 * view.area:
        parts = list(getattr(laos, "geoms", [laos]))
        p = max(parts, key=lambda g: g.area).representative_point()
        ctx.labels.append(_Label(p.x, p.y, t("report_laos", ctx.lang), 8.5 * ctx.k, "#8a8a8a", style="italic",
                                 inside=True, required=False,
                                 anchors=_inner_anchors(max(parts, key=lambda g: g.area))))


def plot_province(ctx: _Ctx, gdf: gpd.GeoDataFrame) -> None:
    """Draw the province outline (cream land)."""
    s = style.KIND_STYLES["province"]
    plot_polygon_collection(ctx.ax, gdf.geometry, facecolor=s.fill, edgecolor=s.colour,
                            linewidth=s.weight * PX_TO_PT, zorder=1.5)


def _inner_anchors(area: shapely.Geometry, n: int = 7) -> tuple[tuple[float, float], ...]:
    """Points spread inside ``area``, nearest to its representative point first (label positions to try)."""
    x0, y0, x1, y1 = area.bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, n + 2)[1:-1], np.linspace(y0, y1, n + 2)[1:-1])
    gx, gy = gx.ravel(), gy.ravel()
    keep = shapely.contains_xy(area, gx, gy)
    p = area.representative_point()
    order = np.argsort(np.hypot(gx[keep] - p.x, gy[keep] - p.y))
    return tuple(zip(gx[keep][order].tolist(), gy[keep][order].tolist(), strict=True))


def _plot_line_kind(ctx: _Ctx, gdf: gpd.GeoDataFrame, kind: str, zorder: float) -> None:
    s = style.KIND_STYLES[kind]
    gdf = ctx.clip(gdf)
    if plot_line_collection(ctx.ax, gdf.geometry, colour=s.colour, linewidth=s.weight * PX_TO_PT,
                            linestyle=_dash(s.dash), zorder=zorder):
        ctx.shown.lines.append(kind)


def plot_coastline(ctx: _Ctx, gdf: gpd.GeoDataFrame) -> None:
    """Draw the Natural Earth coastline."""
    _plot_line_kind(ctx, gdf, "coastline", 2.6)


def plot_road(ctx: _Ctx, gdf: gpd.GeoDataFrame) -> None:
    """Draw the national roads."""
    _plot_line_kind(ctx, gdf, "road", 5.0)


def plot_border(ctx: _Ctx, gdf: gpd.GeoDataFrame) -> None:
    """Draw the Viet Nam – Laos border."""
    _plot_line_kind(ctx, gdf, "border", 5.5)


def _plot_area_kind(ctx: _Ctx, gdf: gpd.GeoDataFrame, kind: str, zorder: float, label_names: bool) -> None:
    """Parks, zones or clusters: polygons (approximate footprints dashed) or, without a footprint, a point."""
    s = style.KIND_STYLES[kind]
    gdf = ctx.clip(gdf)
    if not len(gdf):
        return
    quality = _column(gdf, "geometry_quality").to_numpy()
    is_poly = gdf.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    approx = quality == "approximate"
    tally = ctx.shown.areas.setdefault(kind, {"polygon": 0, "approximate": 0, "point": 0})
    face = _rgba(s.fill or s.colour, s.fill_opacity)
    for mask, dash in ((is_poly & ~approx, None), (is_poly & approx, style.APPROXIMATE_DASH)):
        if mask.any():
            plot_polygon_collection(ctx.ax, gdf.geometry[mask], facecolor=face, edgecolor=s.colour,
                                    linewidth=s.weight * PX_TO_PT, linestyle=_dash(dash), zorder=zorder)
            tally["approximate" if dash else "polygon"] += int(mask.sum())
    points = ~is_poly
    if points.any():
        pts = gdf.geometry[points].representative_point()
        low = _column(gdf, "location_confidence").to_numpy()[points] == "low"
        for sub, is_low in ((~low, False), (low, True)):
            if sub.any():
                plot_point_collection(ctx.ax, shapely.get_x(pts.to_numpy()[sub]), shapely.get_y(pts.to_numpy()[sub]),
                                      marker="p", size_pt=8.5 * ctx.k,
                                      facecolor=_rgba(s.fill or s.colour, max(s.fill_opacity, 0.8)),
                                      edgecolor=_rgba(s.colour, style.LOW_CONFIDENCE_OPACITY if is_low else 1),
                                      linewidth=s.weight * PX_TO_PT,
                                      linestyle=_dash(style.APPROXIMATE_DASH if is_low else None), zorder=zorder + 2)
        tally["point"] += int(points.sum())
    if not label_names:
        return
    colour = matplotlib.colors.to_hex(np.array(matplotlib.colors.to_rgb(s.colour)) * 0.75)
    size_mm = _mm_per_unit(ctx)
    for row, poly in zip(gdf.to_dict("records"), is_poly, strict=True):
        geom = row["geometry"].intersection(shapely.box(*ctx.extent)) if poly else row["geometry"]
        if geom.is_empty:
            continue
        anchor = geom.representative_point() if poly else geom
        text = _nfc(_name(row, ctx.lang))
        x0, y0, x1, y1 = geom.bounds
        radius_pt = (max(x1 - x0, y1 - y0) / 2 * size_mm / 25.4 * 72) if poly else 4.5 * ctx.k
        inside = poly and radius_pt > 70
        ctx.labels.append(_Label(anchor.x, anchor.y, text, 6.5 * ctx.k, colour, weight="bold",
                                 offset_pt=0 if inside else radius_pt + 1.5, inside=inside,
                                 required=kind != "industrial_cluster",
                                 anchors=_inner_anchors(geom) if inside else ()))
        ctx.obstacles.append((anchor.x, anchor.y))


def plot_economic_zone(ctx: _Ctx, gdf: gpd.GeoDataFrame) -> None:
    """Draw economic zones (light blue, under the parks), labelled with their names."""
    _plot_area_kind(ctx, gdf, "economic_zone", 3.0, ctx.label_zones)


def plot_industrial_park(ctx: _Ctx, gdf: gpd.GeoDataFrame) -> None:
    """Draw industrial parks (purple), labelled with their names."""
    _plot_area_kind(ctx, gdf, "industrial_park", 3.4, ctx.label_zones)


def plot_industrial_cluster(ctx: _Ctx, gdf: gpd.GeoDataFrame) -> None:
    """Draw industrial clusters and craft villages (orange); labelled on zoomed maps only."""
    _plot_area_kind(ctx, gdf, "industrial_cluster", 3.6, ctx.label_clusters)


def plot_infrastructure(ctx: _Ctx, gdf: gpd.GeoDataFrame) -> None:
    """Draw ports (squares) and border gates (diamonds), labelled where there is room."""
    s = style.KIND_STYLES["infrastructure"]
    gdf = ctx.clip(gdf)
    if not len(gdf):
        return
    facility = _column(gdf, "facility").to_numpy()
    low = _column(gdf, "location_confidence").to_numpy() == "low"
    pts = gdf.geometry.representative_point().to_numpy()
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    for code, marker in style.FACILITY_MARKERS.items():
        for is_low in (False, True):
            m = (facility == code) & (low == is_low)
            plot_point_collection(ctx.ax, x[m], y[m], marker=marker, size_pt=(7.5 if marker == "s" else 8.5) * ctx.k,
                                  facecolor=s.fill, edgecolor=_rgba(s.colour, style.LOW_CONFIDENCE_OPACITY if is_low
                                                                    else 1.0),
                                  linewidth=s.weight * PX_TO_PT,
                                  linestyle=_dash(style.APPROXIMATE_DASH if is_low else None), zorder=8.5)
        n = int((facility == code).sum())
        if n:
            ctx.shown.facilities[code] += n
    for row, xi, yi in zip(gdf.to_dict("records"), x, y, strict=True):
        ctx.obstacles.append((xi, yi))
        ctx.labels.append(_Label(xi, yi, _name(row, ctx.lang), 5.5 * ctx.k, s.colour, style="italic",
                                 offset_pt=5.5 * ctx.k, required=False))


def plot_district_seat(ctx: _Ctx, gdf: gpd.GeoDataFrame) -> None:
    """Draw district seats: a town symbol (ringed dot) and the seat's name."""
    s = style.KIND_STYLES["district_seat"]
    gdf = ctx.clip(gdf)
    if not len(gdf):
        return
    pts = gdf.geometry.representative_point().to_numpy()
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    plot_point_collection(ctx.ax, x, y, marker="o", size_pt=6.5 * ctx.k, facecolor=s.fill, edgecolor=s.colour,
                          linewidth=s.weight * PX_TO_PT * 1.2, zorder=8)
    plot_point_collection(ctx.ax, x, y, marker="o", size_pt=2.4 * ctx.k, facecolor=s.colour, edgecolor=s.colour,
                          linewidth=0, zorder=8.1)
    ctx.shown.seats += len(gdf)
    for row, xi, yi in zip(gdf.to_dict("records"), x, y, strict=True):
        ctx.obstacles.append((xi, yi))
        ctx.labels.append(_Label(xi, yi, _name(row, ctx.lang), 7.5 * ctx.k, INK, offset_pt=4.5 * ctx.k))


def project_symbol(sector: str | None, status: str | None, low_confidence: bool) -> dict[str, object]:
    """Matplotlib scatter keywords of a project: sector colour; status fill, dash and marker; low confidence lighter.

    Matches the interactive map: a low-confidence location keeps its status fill but gets
    the approximate dash and an outline at ``LOW_CONFIDENCE_OPACITY``.

    >>> project_symbol("electricity", "planned", False)["facecolors"][0][3]
    0.0
    >>> project_symbol("electricity", "operating", True)["edgecolors"][0][3]
    0.55
    """
    colour = style.sector_colour(sector)
    sym = style.status_symbol(status)
    dash = style.APPROXIMATE_DASH if low_confidence else sym.dash
    return {"marker": sym.marker, "facecolors": [_rgba(colour, sym.fill_opacity)],
            "edgecolors": [_rgba(colour, style.LOW_CONFIDENCE_OPACITY if low_confidence else 1.0)],
            "linewidths": 1.5 * PX_TO_PT, "linestyles": [_dash(dash)]}


def plot_project(ctx: _Ctx, scene: _Scene) -> None:
    """Draw the filtered projects: ONE scatter per sector × status × confidence group, not one artist each."""
    if not len(scene.x):
        return
    rows = scene.projects[scene.located]
    inside = ctx.in_view(scene.x, scene.y)
    if not inside.any():
        return
    rows = rows[inside]
    x, y = scene.x[inside], scene.y[inside]
    frame = pd.DataFrame({"sector": _column(rows, "sector").to_numpy(), "status": _column(rows, "status").to_numpy(),
                          "low": (_column(rows, "location_confidence") == "low").to_numpy()})
    frame = frame.fillna({"sector": "", "status": ""})
    size = style.PROJECT_SIZE_PT * 2 * 0.72 * ctx.k  # PROJECT_SIZE_PT is a radius; printed at 72 %
    # Draw the commonest groups first so rare ones stay visible on top.
    groups = frame.groupby(["sector", "status", "low"], sort=False).indices
    for (sector, status, low), idx in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        kw = project_symbol(sector or None, status or None, bool(low))
        ctx.ax.scatter(x[idx], y[idx], s=size ** 2, zorder=9 + (0.1 if not low else 0), clip_on=True, gid="project",
                       **kw)
    ctx.shown.sectors.update(frame["sector"].replace("", None).dropna().to_list())
    ctx.shown.statuses.update(frame["status"].replace("", None).dropna().to_list())
    ctx.shown.low_confidence += int(frame["low"].sum())
    if len(x) <= 2000:  # keep labels off the project symbols (not worth it for dense registers)
        ctx.obstacles.extend(zip(x.tolist(), y.tolist(), strict=True))
    if ctx.label_projects and len(rows) <= 80:
        same_place: dict[tuple[float, float], list[str]] = {}
        for pid, xi, yi in zip(_column(rows, "id").to_numpy(), x, y, strict=True):
            if pid:
                same_place.setdefault((round(xi, 0), round(yi, 0)), []).append(_nfc(pid))
        for (xi, yi), ids in same_place.items():
            ctx.labels.append(_Label(xi, yi, ", ".join(ids), 5.5 * ctx.k, INK, offset_pt=size / 2 + 1,
                                     required=False))


# kind -> plotter; drawn in this order (bottom to top).
PLOTTERS: dict[str, Callable[[_Ctx, gpd.GeoDataFrame], None]] = {
    "neighbour": plot_neighbour,
    "province": plot_province,
    "coastline": plot_coastline,
    "economic_zone": plot_economic_zone,
    "industrial_park": plot_industrial_park,
    "industrial_cluster": plot_industrial_cluster,
    "road": plot_road,
    "border": plot_border,
    "district_seat": plot_district_seat,
    "infrastructure": plot_infrastructure,
}


# --------------------------------------------------------------------------- labels
def _place_labels(ctx: _Ctx, renderer: object, reserved: Sequence[mtransforms.Bbox]) -> None:
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
            overlap = sum(_overlap(box, other) for other in taken)
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


def _overlap(a: mtransforms.Bbox, b: mtransforms.Bbox) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def _mm_per_unit(ctx: _Ctx) -> float:
    """Millimetres on paper per map unit (metre)."""
    bbox = ctx.ax.get_position()
    fig_w_mm = ctx.ax.figure.get_figwidth() * 25.4
    return bbox.width * fig_w_mm / (ctx.extent[2] - ctx.extent[0])


# --------------------------------------------------------------------------- sheet furniture
def _draw_graticule(ctx: _Ctx) -> None:
    """Lines of constant longitude and latitude, drawn in the map CRS, labelled outside the frame."""
    ax = ctx.ax
    x0, y0, x1, y1 = ctx.extent
    xs = np.linspace(x0, x1, 40)
    ys = np.linspace(y0, y1, 40)
    bx = np.concatenate([xs, np.full(40, x1), xs[::-1], np.full(40, x0)])
    by = np.concatenate([np.full(40, y0), ys, np.full(40, y1), ys[::-1]])
    lon, lat = _to_lonlat().transform(bx, by)
    lon0, lon1, lat0, lat1 = lon.min(), lon.max(), lat.min(), lat.max()
    step = graticule_step(min(lon1 - lon0, lat1 - lat0))
    fwd = _from_lonlat()
    segments = []
    labels: list[tuple[str, float, str]] = []
    dense_lat = np.linspace(lat0 - step, lat1 + step, 200)
    for value in np.arange(math.ceil(lon0 / step) * step, lon1 + 1e-9, step):
        gx, gy = fwd.transform(np.full_like(dense_lat, value), dense_lat)
        segments.append(np.column_stack([gx, gy]))
        xb = float(np.interp(y0, gy, gx))
        if x0 + 0.02 * (x1 - x0) < xb < x1 - 0.02 * (x1 - x0):
            labels.append((format_degree(value, step, "E" if value >= 0 else "W"), xb, "bottom"))
    dense_lon = np.linspace(lon0 - step, lon1 + step, 200)
    for value in np.arange(math.ceil(lat0 / step) * step, lat1 + 1e-9, step):
        gx, gy = fwd.transform(dense_lon, np.full_like(dense_lon, value))
        segments.append(np.column_stack([gx, gy]))
        yl = float(np.interp(x0, gx, gy))
        if y0 + 0.02 * (y1 - y0) < yl < y1 - 0.02 * (y1 - y0):
            labels.append((format_degree(value, step, "N" if value >= 0 else "S"), yl, "left"))
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


def _draw_north_arrow(ctx: _Ctx, at: tuple[float, float]) -> None:
    """Draw a north arrow at axes fraction ``at``, turned by the grid convergence to point to true north."""
    ax = ctx.ax
    x0, y0, x1, y1 = ctx.extent
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    lon, lat = _to_lonlat().transform(cx, cy)
    nx, ny = _from_lonlat().transform(lon, lat + 0.05)
    angle = math.degrees(math.atan2(nx - cx, ny - cy))  # clockwise from grid north
    size = 1.0 * ctx.k
    fig = ax.figure
    tr = (mtransforms.Affine2D().rotate_deg(-angle).scale(size / 72) + fig.dpi_scale_trans
          + mtransforms.ScaledTranslation(at[0], at[1], ax.transAxes))
    ax.add_patch(Polygon([(0, 9), (-5, -7), (0, -3)], closed=True, transform=tr, facecolor=INK, edgecolor=INK,
                         linewidth=0.6, zorder=22, clip_on=False))
    ax.add_patch(Polygon([(0, 9), (5, -7), (0, -3)], closed=True, transform=tr, facecolor="white", edgecolor=INK,
                         linewidth=0.6, zorder=22, clip_on=False))
    ax.annotate("N", at, xycoords="axes fraction", xytext=(0, 10.5 * size), textcoords="offset points",
                ha="center", va="bottom", fontsize=9 * ctx.k, fontweight="bold", color=INK, zorder=22)


def _draw_scale_bar(ctx: _Ctx) -> None:
    ctx.ax.add_artist(ScaleBar(1, "m", dimension="si-length", location="lower left", length_fraction=0.22,
                               width_fraction=0.008, box_alpha=0.8, color=INK, scale_loc="top", border_pad=0.8,
                               pad=0.4, font_properties={"size": 6.5 * ctx.k, "family": FONT}))


def _draw_inset(ax: Axes, extent: tuple[float, float, float, float], k: float, lang: str) -> None:
    """Locator map: the province among its neighbours, with the main map's extent boxed."""
    ax.set_facecolor(OUTSIDE_COLOUR)
    sea = _sea()
    plot_polygon_collection(ax, [sea], facecolor=style.WATER_COLOUR, edgecolor="none", linewidth=0, zorder=1)
    s = style.KIND_STYLES["neighbour"]
    plot_polygon_collection(ax, _projected("neighbour").geometry, facecolor=s.fill, edgecolor=s.colour,
                            linewidth=0.4, zorder=2)
    s = style.KIND_STYLES["province"]
    plot_polygon_collection(ax, _projected("province").geometry, facecolor=s.fill, edgecolor=s.colour,
                            linewidth=0.6, zorder=3)
    bx0, by0, bx1, by1 = _projected("neighbour").total_bounds
    px0, py0, px1, py1 = _projected("province").total_bounds
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
    for row in _projected("neighbour").to_dict("records"):
        p = row["geometry"].representative_point()
        ax.text(p.x, p.y, _nfc(row.get("name_vi")), fontsize=5 * k, color="#777777", ha="center", va="center",
                fontstyle="italic", zorder=4, clip_on=True)
    p = _projected("province").geometry.iloc[0].representative_point()
    ax.text(p.x, p.y, _nfc(_projected("province").iloc[0].get("name_vi", "Quảng Trị")).upper(), fontsize=5.5 * k,
            color="#444444", ha="center", va="center", fontweight="bold", zorder=4, clip_on=True)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.6)
        spine.set_color("#555555")


# --------------------------------------------------------------------------- legend panel
@dataclass
class _Row:
    """One row of the legend panel: a heading, a symbol and its label, or a note."""

    kind: str  # 'heading' | 'item' | 'note' | 'gap'
    text: str = ""
    draw: Callable[[Axes, float, float, float], None] | None = None  # (ax, x_mm, y_mm, k): symbol centred at y


def _sym_marker(marker: str, size: float, face: object, edge: object, lw: float, ls: object = "solid"
                ) -> Callable[[Axes, float, float, float], None]:
    def draw(ax: Axes, x: float, y: float, k: float) -> None:
        ax.scatter([x + 2.5], [y], s=(size * k) ** 2, marker=marker, facecolors=[face], edgecolors=[edge],
                   linewidths=lw, linestyles=[ls], zorder=3, clip_on=False)
    return draw


def _sym_patch(kind: str, dashed: bool) -> Callable[[Axes, float, float, float], None]:
    s = style.KIND_STYLES[kind]

    def draw(ax: Axes, x: float, y: float, k: float) -> None:
        ax.add_patch(Rectangle((x, y - 1.3 * k), 5.0 * k, 2.6 * k, facecolor=_rgba(s.fill or s.colour, s.fill_opacity),
                               edgecolor=s.colour, linewidth=s.weight * PX_TO_PT,
                               linestyle=_dash(style.APPROXIMATE_DASH if dashed else None), zorder=3, clip_on=False))
    return draw


def _sym_line(kind: str) -> Callable[[Axes, float, float, float], None]:
    s = style.KIND_STYLES[kind]

    def draw(ax: Axes, x: float, y: float, k: float) -> None:
        ax.add_line(Line2D([x, x + 5.5 * k], [y, y], color=s.colour, linewidth=s.weight * PX_TO_PT,
                           linestyle=_dash(s.dash), zorder=3, clip_on=False))
    return draw


def _sym_seat() -> Callable[[Axes, float, float, float], None]:
    s = style.KIND_STYLES["district_seat"]

    def draw(ax: Axes, x: float, y: float, k: float) -> None:
        ax.scatter([x + 2.5], [y], s=(6.5 * k) ** 2, marker="o", facecolors=s.fill, edgecolors=s.colour,
                   linewidths=s.weight * PX_TO_PT * 1.2, zorder=3, clip_on=False)
        ax.scatter([x + 2.5], [y], s=(2.4 * k) ** 2, marker="o", facecolors=s.colour, linewidths=0, zorder=4,
                   clip_on=False)
    return draw


def _sym_circle(k_radius_mm: float) -> Callable[[Axes, float, float, float], None]:
    def draw(ax: Axes, x: float, y: float, k: float) -> None:
        ax.add_patch(Circle((x + 2.5, y), 1.2 * k, facecolor="none", edgecolor="#555555", linewidth=0.7,
                            linestyle=(0, (1, 1.5)), clip_on=False))
    return draw


def _legend_rows(shown: _Shown, scene: _Scene, k: float) -> list[_Row]:
    lang = scene.lang
    rows: list[_Row] = []
    psize = style.PROJECT_SIZE_PT * 2 * 0.72
    lw = 1.5 * PX_TO_PT
    sectors = [c for c in style.SECTOR_COLOURS if c in shown.sectors] + \
        sorted(c for c in shown.sectors if c not in style.SECTOR_COLOURS)
    if sectors:
        rows.append(_Row("heading", t("legend_sectors", lang)))
        for code in sectors:
            colour = style.sector_colour(code)
            rows.append(_Row("item", f"{label('sector', code, lang)} ({fmt_int(shown.sectors[code], lang)})",
                             _sym_marker("o", psize, _rgba(colour, 0.9), colour, lw)))
    statuses = [c for c in style.STATUS_SYMBOLS if c in shown.statuses] + \
        sorted(c for c in shown.statuses if c not in style.STATUS_SYMBOLS)
    if statuses:
        rows.append(_Row("heading", t("legend_statuses", lang)))
        for code in statuses:
            sym = style.status_symbol(code)
            rows.append(_Row("item", f"{label('status', code, lang)} ({fmt_int(shown.statuses[code], lang)})",
                             _sym_marker(sym.marker, psize, _rgba("#444444", sym.fill_opacity), "#444444", lw,
                                         _dash(sym.dash))))
        if shown.low_confidence:
            rows.append(_Row("item", f"{t('report_low_confidence', lang)} ({fmt_int(shown.low_confidence, lang)})",
                             _sym_marker("o", psize, _rgba("#444444", 0.45),
                                         _rgba("#444444", style.LOW_CONFIDENCE_OPACITY), lw,
                                         _dash(style.APPROXIMATE_DASH))))
    area_rows = []
    for kind in ("industrial_park", "economic_zone", "industrial_cluster"):
        tally = shown.areas.get(kind)
        if not tally:
            continue
        name = KINDS[kind].label(lang)
        if tally["polygon"]:
            area_rows.append(_Row("item", f"{name} ({tally['polygon']})", _sym_patch(kind, False)))
        if tally["approximate"]:
            area_rows.append(_Row("item", f"{name} – {label('geometry_quality', 'approximate', lang).lower()} "
                                          f"({tally['approximate']})", _sym_patch(kind, True)))
        if tally["point"]:
            s = style.KIND_STYLES[kind]
            area_rows.append(_Row("item", f"{name} – {label('geometry_quality', 'point', lang).lower()} "
                                          f"({tally['point']})",
                                  _sym_marker("p", 8.5, _rgba(s.fill or s.colour, max(s.fill_opacity, 0.8)),
                                              s.colour, s.weight * PX_TO_PT)))
    if area_rows:
        rows.append(_Row("heading", t("legend_areas", lang)))
        rows.extend(area_rows)
    base_rows = []
    if shown.search_radius:
        base_rows.append(_Row("item", f"{NEAR_KM:g} km", _sym_circle(1.0)))
    if shown.seats:
        base_rows.append(_Row("item", f"{KINDS['district_seat'].label(lang)} ({shown.seats})", _sym_seat()))
    s = style.KIND_STYLES["infrastructure"]
    for code, marker in style.FACILITY_MARKERS.items():
        if shown.facilities.get(code):
            base_rows.append(_Row("item", f"{label('facility', code, lang)} ({shown.facilities[code]})",
                                  _sym_marker(marker, 7.5 if marker == "s" else 8.5, s.fill, s.colour,
                                              s.weight * PX_TO_PT)))
    for kind in ("road", "border", "coastline"):
        if kind in shown.lines:
            base_rows.append(_Row("item", KINDS[kind].label(lang), _sym_line(kind)))
    if base_rows:
        rows.append(_Row("heading", t("report_base_layers", lang)))
        rows.extend(base_rows)
    return rows


def _layout_rows(rows: list[_Row], width_mm: float, height_mm: float, k: float, max_cols: int
                 ) -> tuple[float, int, list[tuple[_Row, list[str], int, float]]] | None:
    """Flow ``rows`` into columns; return (scale, columns, [(row, lines, column, y_top_mm)]) or None if they don't fit.

    The type shrinks (down to 62 %) and columns are added (up to ``max_cols``) until
    everything fits; a heading never ends a column.
    """
    for scale in (1.0, 0.92, 0.85, 0.78, 0.7, 0.62):
        s = k * scale
        for ncols in range(1, max_cols + 1):
            col_w = (width_mm - (ncols - 1) * 4) / ncols
            sized = []
            for row in rows:
                size, weight = _row_font(row, s)
                indent = 7.5 * s if row.kind == "item" else 0
                lines = wrap_text(row.text, size, col_w - indent, weight) if row.text else [""]
                line_h = size * 1.3 / 72 * 25.4
                h = {"heading": 1.6 * s + line_h * len(lines), "gap": 1.5 * s}.get(
                    row.kind, max(line_h * len(lines), 3.9 * s) + 0.5 * s)
                sized.append((row, lines, h))
            placed = []
            col, y = 0, 0.0
            for i, (row, lines, h) in enumerate(sized):
                need = h + (sized[i + 1][2] if row.kind == "heading" and i + 1 < len(sized) else 0)
                if y > 0 and y + need > height_mm:
                    col, y = col + 1, 0.0
                    if row.kind == "gap":
                        continue
                if col >= ncols or h > height_mm:
                    break
                placed.append((row, lines, col, y))
                y += h
            else:
                return s, ncols, placed
    return None


def _row_font(row: _Row, s: float) -> tuple[float, str]:
    if row.kind == "heading":
        return 7.3 * s, "bold"
    if row.kind == "note":
        return 5.8 * s, "normal"
    return 6.8 * s, "normal"


def _draw_rows(ax: Axes, rows: list[_Row], width_mm: float, height_mm: float, k: float, max_cols: int) -> bool:
    """Draw ``rows`` in a panel axes whose data units are millimetres; False if they cannot fit."""
    layout = _layout_rows(rows, width_mm, height_mm, k, max_cols)
    if layout is None:
        return False
    s, ncols, placed = layout
    col_w = (width_mm - (ncols - 1) * 4) / ncols
    for row, lines, col, y_top in placed:
        x = col * (col_w + 4)
        size, weight = _row_font(row, s)
        line_h = size * 1.3 / 72 * 25.4
        if row.kind == "heading":
            y_top += 1.6 * s
        if row.kind == "item":
            block_h = max(line_h * len(lines), 3.9 * s)
            yc = height_mm - y_top - block_h / 2
            if row.draw:
                row.draw(ax, x, yc, s)
            ax.text(x + 7.5 * s, yc, "\n".join(lines), fontsize=size, fontweight=weight, va="center", ha="left",
                    color=INK, linespacing=1.15, clip_on=False)
        elif row.text:
            ax.text(x, height_mm - y_top, "\n".join(lines), fontsize=size, fontweight=weight, va="top", ha="left",
                    color=INK if row.kind == "heading" else "#444444", linespacing=1.15, clip_on=False)
    return True


# --------------------------------------------------------------------------- the sheet
@dataclass
class _View:
    """What one sheet shows: extent, titles, and (atlas) the project table and rule note."""

    extent: tuple[float, float, float, float]
    title: str
    subtitle: str
    table: gpd.GeoDataFrame | None = None  # atlas: projects in or near the feature
    table_heading: str = ""
    notes: tuple[str, ...] = ()
    page: str = ""
    highlight: shapely.Geometry | None = None  # the atlas feature, outlined
    search_circle: shapely.Geometry | None = None
    zoomed: bool = False


def _mm_rect(fig: Figure, w_mm: float, h_mm: float, x: float, y: float, w: float, h: float) -> list[float]:
    return [x / w_mm, y / h_mm, w / w_mm, h / h_mm]


def _sheet_layout(options: ExportOptions, k: float, atlas: bool) -> dict[str, tuple[float, float, float, float]]:
    """Rectangles (x, y, w, h in mm from the bottom-left corner) of the title, map, panel and footer."""
    w, h = options.page_mm
    m = 8.0 * k
    title_h = 15.5 * k
    footer_h = 10.5 * k
    lab_left, lab_bottom = 4.5 * k, 4.5 * k
    top = h - m - title_h
    if options.orientation == "landscape":
        panel_w = (92.0 if not atlas else 100.0) * k
        map_x = m + lab_left
        map_y = m + footer_h + lab_bottom
        map_w = w - m - panel_w - 6 * k - map_x
        map_h = top - map_y
        panel = (w - m - panel_w, m + footer_h + 1 * k, panel_w, top - (m + footer_h + 1 * k))
    else:
        map_x = m + lab_left
        map_w = w - m - map_x
        map_h = min(map_w * 1.02, (h - 2 * m - title_h - footer_h) * 0.64)
        map_y = top - map_h
        panel_top = map_y - lab_bottom - 4 * k
        panel = (m, m + footer_h + 1 * k, w - 2 * m, panel_top - (m + footer_h + 1 * k))
    return {"title": (m, top, w - 2 * m, title_h), "map": (map_x, map_y, map_w, map_h), "panel": panel,
            "footer": (m, m, w - 2 * m, footer_h)}


def _fit_extent(extent: tuple[float, float, float, float], w_mm: float, h_mm: float
                ) -> tuple[float, float, float, float]:
    """Grow ``extent`` around its centre to the frame's aspect ratio."""
    x0, y0, x1, y1 = extent
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ew, eh = x1 - x0, y1 - y0
    aspect = w_mm / h_mm
    if ew / eh < aspect:
        ew = eh * aspect
    else:
        eh = ew / aspect
    return cx - ew / 2, cy - eh / 2, cx + ew / 2, cy + eh / 2


def _draw_sheet(fig: Figure, scene: _Scene, view: _View) -> None:
    """Compose one report sheet on ``fig`` (sized to the page)."""
    options = scene.options
    lang = scene.lang
    k = 1.0 if options.paper == "A4" else 1.25
    w_mm, h_mm = options.page_mm
    atlas = view.table is not None
    rects = _sheet_layout(options, k, atlas)
    fig.set_facecolor("white")

    # --- title block
    tx, ty, tw, th = rects["title"]
    title = _nfc(view.title)
    title_size = 15 * k
    while text_width_pt(title, title_size, "bold") > (tw - 30 * k) / 25.4 * 72 and title_size > 9 * k:
        title_size -= 0.5
    fig.text(tx / w_mm, (ty + th - 1 * k) / h_mm, title, fontsize=title_size, fontweight="bold", ha="left", va="top",
             color=INK)
    subtitle = truncate_text(_nfc(view.subtitle), 8.5 * k, tw - 30 * k)
    fig.text(tx / w_mm, (ty + th - 9.2 * k) / h_mm, subtitle, fontsize=8.5 * k, ha="left", va="top", color="#444444")
    if view.page:
        fig.text((tx + tw) / w_mm, (ty + th - 1 * k) / h_mm, view.page, fontsize=7.5 * k, ha="right", va="top",
                 color="#555555")
    fig.add_artist(Line2D([tx / w_mm, (tx + tw) / w_mm], [(ty + 0.8 * k) / h_mm] * 2, color="#888888",
                          linewidth=0.6))

    # --- main map
    mx, my, mw, mh = rects["map"]
    ax = fig.add_axes(_mm_rect(fig, w_mm, h_mm, mx, my, mw, mh))
    extent = _fit_extent(view.extent, mw, mh)
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal", adjustable="datalim")
    ax.apply_aspect()
    extent = (*ax.get_xlim(), *ax.get_ylim())
    extent = (extent[0], extent[2], extent[1], extent[3])
    ax.set_facecolor(OUTSIDE_COLOUR)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.8)
        spine.set_color(INK)
        spine.set_zorder(30)
    ctx = _Ctx(ax, lang, k, extent, label_clusters=view.zoomed, label_projects=view.zoomed)
    plot_polygon_collection(ax, [_sea()], facecolor=style.WATER_COLOUR, edgecolor="none", linewidth=0, zorder=1)
    for kind, plotter in PLOTTERS.items():
        if options.shows(kind):
            layer = _projected(kind)
            plotter(ctx, layer)
    if view.search_circle is not None:
        plot_line_collection(ax, [view.search_circle], colour="#555555", linewidth=0.7, linestyle=(0, (1, 1.5)),
                             zorder=7)
        ctx.shown.search_radius = True
    if view.highlight is not None and view.highlight.geom_type in ("Polygon", "MultiPolygon"):
        plot_line_collection(ax, [view.highlight], colour="#d62728", linewidth=1.4, linestyle=_dash("6 3"), zorder=7.5)
    if options.shows("project"):
        plot_project(ctx, scene)
    _draw_graticule(ctx)
    _draw_scale_bar(ctx)
    _draw_north_arrow(ctx, (0.045, 0.86))
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    px_per_mm = fig.dpi / 25.4
    reserved = [  # scale bar (lower left) and north arrow (upper left)
        mtransforms.Bbox([[frame.x0, frame.y0], [frame.x0 + 0.3 * frame.width, frame.y0 + 12 * k * px_per_mm]]),
        mtransforms.Bbox([[frame.x0, frame.y0 + 0.86 * frame.height - 5 * k * px_per_mm],
                          [frame.x0 + 0.045 * frame.width + 6 * k * px_per_mm, frame.y1]]),
    ]
    _place_labels(ctx, renderer, reserved)

    # --- panel: inset, legend (and the atlas table), notes
    px, py, pw, ph = rects["panel"]
    if options.orientation == "landscape":
        inset_h = min(pw * 0.78, ph * 0.36)
        inset = (px, py + ph - inset_h, pw, inset_h)
        legend = (px, py, pw, ph - inset_h - 5 * k)
        max_cols = 2
    else:
        inset_w = min(pw * 0.36, ph * 1.1)
        inset = (px, py + ph - min(ph, inset_w * 0.95), inset_w, min(ph, inset_w * 0.95))
        legend = (px + inset_w + 6 * k, py, pw - inset_w - 6 * k, ph)
        max_cols = 3
    iax = fig.add_axes(_mm_rect(fig, w_mm, h_mm, *inset))
    _draw_inset(iax, extent, k, lang)

    rows = _legend_rows(ctx.shown, scene, k)
    notes = list(view.notes)
    n_unlocated = int((~scene.located).sum())
    if scene.n_filtered and not len(scene.x) and not atlas:
        notes.insert(0, t("report_none", lang))
    elif not scene.n_filtered:
        notes.insert(0, t("report_no_projects", lang))
    if n_unlocated:
        notes.append(t("report_not_located", lang, n=fmt_int(n_unlocated, lang), m=fmt_int(scene.n_filtered, lang)))
    notes.append(t("legend_note_approx", lang))
    note_rows = [_Row("gap")] + [_Row("note", n) for n in notes]

    lx, ly, lw_, lh = legend
    lax = fig.add_axes(_mm_rect(fig, w_mm, h_mm, lx, ly, lw_, lh))
    lax.set_xlim(0, lw_)
    lax.set_ylim(0, lh)
    lax.set_axis_off()
    head = [_Row("heading", t("legend", lang))]
    if atlas:
        table_rows = _table_rows(view, scene, k)
        budget = len(table_rows)
        while True:
            shown_rows = table_rows[:budget]
            if budget < len(table_rows):
                more = t("report_more", lang, n=fmt_int(len(table_rows) - budget, lang))
                shown_rows = [*table_rows[:budget], _Row("note", more)]
            body = [_Row("heading", view.table_heading), *shown_rows, _Row("gap"), *head, *rows, *note_rows]
            if _layout_rows(body, lw_, lh, k, max_cols) is not None or budget == 0:
                break
            budget = max(0, budget - max(1, (len(table_rows) - budget) // 8 + 1))
        all_rows = body
    else:
        all_rows = [*head, *rows, *note_rows]
    if not _draw_rows(lax, all_rows, lw_, lh, k, max_cols):
        _draw_rows(lax, [*head, *rows], lw_, lh, k, max_cols)

    # --- footer: sources, dates, CRS
    fx, fy, fw, fh = rects["footer"]
    size = 5.6 * k
    today = _dt.date.today().isoformat()
    footer = [f"{t('report_sources', lang)}: {bundled.ATTRIBUTION}",
              f"{t('report_data_date', lang)}: {bundled.DATA_DATE} · {t('report_exported', lang)}: {today} · "
              f"{t('report_crs', lang)} · qtmap"]
    lines = [line for text in footer for line in wrap_text(text, size, fw)]
    fig.text(fx / w_mm, (fy + fh) / h_mm, "\n".join(lines[:4]), fontsize=size, ha="left", va="top", color="#555555",
             linespacing=1.25)


def _table_rows(view: _View, scene: _Scene, k: float) -> list[_Row]:
    """Atlas table: one row per project (its symbol, id, name and status)."""
    rows = []
    table = view.table
    if table is None or not len(table):
        return [_Row("note", t("report_no_projects", scene.lang))]
    psize = style.PROJECT_SIZE_PT * 2 * 0.6
    located = _located(table)
    lang = scene.lang
    for rec, loc in zip(table.to_dict("records"), located, strict=True):
        kw = project_symbol(rec.get("sector"), rec.get("status"), rec.get("location_confidence") == "low")
        status = label("status", rec.get("status"), lang)
        extra = "" if loc else f" ({t('report_not_drawn', lang)})"
        text = f"{_nfc(rec.get('id', ''))}  {_name(rec, lang)} – {status}{extra}"

        def draw(ax: Axes, x: float, y: float, s: float, kw: dict = kw, loc: bool = bool(loc)) -> None:
            if loc:
                ax.scatter([x + 2.5], [y], s=(psize * s) ** 2, clip_on=False, zorder=3, **kw)
        rows.append(_Row("item", text, draw))
    return rows


# --------------------------------------------------------------------------- extents and features
def _pad_extent(bounds: Sequence[float], frac: float, min_half: float) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in bounds)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    hw = max((x1 - x0) / 2 * (1 + frac), min_half)
    hh = max((y1 - y0) / 2 * (1 + frac), min_half)
    return cx - hw, cy - hh, cx + hw, cy + hh


def province_extent() -> tuple[float, float, float, float]:
    """Bounds of the province (with Cồn Cỏ) in the map CRS, with a small margin."""
    return _pad_extent(_projected("province").total_bounds, 0.05, 0)


_FEATURE_KINDS: tuple[str, ...] = ("industrial_park", "economic_zone", "industrial_cluster", "infrastructure",
                                   "district_seat")


def _find_feature(feature_id: str, scene: _Scene, projects: gpd.GeoDataFrame) -> tuple[str, dict]:
    """Return (kind, record in the map CRS) of the feature ``feature_id``; ValueError if unknown."""
    for kind in _FEATURE_KINDS:
        layer = _projected(kind)
        hit = layer[layer["id"] == feature_id]
        if len(hit):
            return kind, hit.iloc[0].to_dict()
    if "id" in projects:
        hit = projects[projects["id"].astype(str) == feature_id]
        if len(hit):
            one = hit.iloc[[0]]
            one = one.set_crs("EPSG:4326") if one.crs is None else one
            geom = one.geometry.iloc[0]
            rec = one.iloc[0].to_dict()
            rec["geometry"] = None if geom is None or geom.is_empty else one.to_crs(MAP_CRS).geometry.iloc[0]
            return "project", rec
    if feature_id in {d.code for d in DISTRICTS}:
        return "district", {"id": feature_id, "name_vi": label("district", feature_id, "vi"),
                            "name_en": label("district", feature_id, "en"), "geometry": _district_hull(feature_id,
                                                                                                      scene)}
    raise ValueError(f"unknown extent {feature_id!r}: use 'province' or the id of a park, zone, cluster, port or "
                     "border gate, district seat, project, or a district code")


def _district_hull(code: str, scene: _Scene) -> shapely.Geometry | None:
    """Return the district's located entities (seat, zones, infrastructure, filtered projects) as one geometry."""
    parts = []
    for kind in _FEATURE_KINDS:
        layer = _projected(kind)
        sel = layer[(_column(layer, "district") == code).to_numpy() & _located(layer)]
        parts.extend(sel.geometry.to_numpy())
    if len(scene.x):
        mask = (_column(scene.projects, "district") == code).to_numpy()[scene.located]
        if mask.any():
            parts.append(shapely.multipoints(np.column_stack([scene.x[mask], scene.y[mask]])))
    return shapely.union_all(parts) if parts else None


def _feature_extent(geom: shapely.Geometry, kind: str) -> tuple[float, float, float, float]:
    if geom.geom_type == "Point":
        return _pad_extent(geom.bounds, 0, NEAR_KM * 1000 * 1.35)
    return _pad_extent(geom.bounds, 0.35 if kind != "district" else 0.15, 4000)


def _projects_near(scene: _Scene, feature_id: str, geom: shapely.Geometry | None, kind: str) -> gpd.GeoDataFrame:
    """Return the filtered projects of an atlas page: in the polygon, with its zone_id, or near the point."""
    projects = scene.projects
    if kind == "district":
        return projects[(_column(projects, "district") == feature_id).to_numpy()]
    mask = np.array(_column(projects, "zone_id") == feature_id, dtype=bool)
    if geom is not None and len(scene.x):
        area = geom if geom.geom_type in ("Polygon", "MultiPolygon") else geom.buffer(NEAR_KM * 1000)
        inside = shapely.contains_xy(area, scene.x, scene.y)
        idx = np.flatnonzero(scene.located)[inside]
        mask[idx] = True
    return projects[mask]


# --------------------------------------------------------------------------- public API
def _save(fig: Figure, out: Path, options: ExportOptions, title: str) -> None:
    suffix = out.suffix.lower()
    metadata: dict[str, str] = {"Title": title}
    if suffix == ".pdf":
        metadata.update({"Creator": "qtmap", "Subject": bundled.ATTRIBUTION})
    elif suffix == ".png":
        metadata.update({"Software": "qtmap", "Source": bundled.ATTRIBUTION})
    elif suffix == ".svg":
        metadata.update({"Creator": "qtmap", "Source": bundled.ATTRIBUTION})
    fig.savefig(out, dpi=options.dpi, format=suffix[1:], metadata=metadata, facecolor="white")


def _check_out(out: Path, allowed: tuple[str, ...]) -> Path:
    out = Path(out)
    if out.suffix.lower() not in allowed:
        raise ValueError(f"unsupported output format {out.suffix or '(none)'!r} for {out.name}: "
                         f"use {', '.join(allowed)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def render_map(projects: gpd.GeoDataFrame, filters: Filters, options: ExportOptions, raster: bool = True
               ) -> Figure:
    """Return the report sheet as a matplotlib Figure (no pyplot), sized to the page.

    ``raster`` sizes the figure in whole pixels at ``options.dpi`` (PNG); otherwise the
    figure is exactly the paper size (PDF, SVG). Use it to preview a sheet in an app.
    """
    lang = options.lang
    with matplotlib.rc_context(_RC):
        scene = _scene(projects, filters, options)
        title = options.title or t("report_title", lang)
        subtitle = filters.describe(lang, scene.zone_names)
        zoomed = False
        if options.extent in ("", "province", None):
            extent = province_extent()
        else:
            kind, rec = _find_feature(options.extent, scene, projects)
            geom = rec.get("geometry")
            if geom is None or geom.is_empty:
                raise ValueError(f"cannot zoom to {options.extent!r}: it has no location in the data")
            extent = _feature_extent(geom, kind)
            subtitle = f"{_name(rec, lang)} · {subtitle}"
            zoomed = True
        fig = Figure(figsize=options.figsize(raster=raster), dpi=options.dpi)
        FigureCanvasAgg(fig)
        _draw_sheet(fig, scene, _View(extent, title, subtitle, zoomed=zoomed))
    return fig


def export_map(out: Path, projects: gpd.GeoDataFrame, filters: Filters, options: ExportOptions) -> None:
    """Write a report map of the filtered ``projects`` to ``out`` (.png, .pdf or .svg, by suffix).

    ``options.extent`` is 'province' or the id of a feature to zoom to (ValueError if
    unknown or not located).
    """
    out = _check_out(out, FORMATS)
    fig = render_map(projects, filters, options, raster=out.suffix.lower() == ".png")
    with matplotlib.rc_context(_RC):
        _save(fig, out, options, options.title or t("report_title", options.lang))


def atlas_features(atlas_kind: str, scene: _Scene) -> list[tuple[str, dict, shapely.Geometry | None]]:
    """Return the features of an atlas in data order: (id, record, geometry in the map CRS or None).

    A zone filter (for park/zone/cluster atlases) or a district filter (for the district
    atlas) restricts the pages to the chosen features.
    """
    if atlas_kind not in ATLAS_KINDS:
        raise ValueError(f"unknown atlas kind {atlas_kind!r}: use one of {', '.join(ATLAS_KINDS)}")
    features = []
    if atlas_kind == "district":
        wanted = scene.filters.districts
        for term in DISTRICTS:
            if wanted and term.code not in wanted:
                continue
            rec = {"id": term.code, "name_vi": term.vi, "name_en": term.en}
            features.append((term.code, rec, _district_hull(term.code, scene)))
        return features
    layer = _projected(atlas_kind)
    wanted = tuple(z for z in scene.filters.zones if z in set(layer["id"]))
    for rec, ok in zip(layer.to_dict("records"), _located(layer), strict=True):
        if wanted and rec["id"] not in wanted:
            continue
        features.append((rec["id"], rec, rec["geometry"] if ok else None))
    return features


def export_atlas(out: Path, atlas_kind: str, projects: gpd.GeoDataFrame, filters: Filters,
                 options: ExportOptions) -> int:
    """Write one map page per located feature of ``atlas_kind`` into the PDF ``out``; return the page count.

    Pages follow the data order. Features without a location get no map page: they are
    listed, with the projects that name them, on one final page (only when there are some).
    """
    out = _check_out(out, (".pdf",))
    lang = options.lang
    with matplotlib.rc_context(_RC):
        scene = _scene(projects, filters, options)
        features = atlas_features(atlas_kind, scene)
        located = [f for f in features if f[2] is not None and not f[2].is_empty]
        missing = [f for f in features if f[2] is None or f[2].is_empty]
        pages = len(located) + (1 if missing else 0)
        base_title = options.title or t("report_title", lang)
        description = filters.describe(lang, scene.zone_names)
        kind_label = KINDS[atlas_kind].label(lang) if atlas_kind in KINDS else t("filter_district", lang)
        title = f"{base_title} – {kind_label}"
        with PdfPages(out, metadata={"Title": title, "Creator": "qtmap", "Subject": bundled.ATTRIBUTION}) as pdf:
            for number, (fid, rec, geom) in enumerate(located, start=1):
                name = _name(rec, lang) if atlas_kind != "district" else label("district", fid, lang)
                table = _projects_near(scene, fid, geom, atlas_kind)
                is_point = geom.geom_type == "Point"
                note = t("report_district_rule", lang) if atlas_kind == "district" else \
                    t("report_near_rule", lang, km=f"{NEAR_KM:g}")
                heading = t("report_projects_in", lang, name=name) + f" ({fmt_int(len(table), lang)})"
                view = _View(_feature_extent(geom, atlas_kind), name, f"{kind_label} · {description} · {base_title}",
                             table=table, table_heading=heading,
                             notes=(note,), page=t("report_page", lang, page=number, pages=pages),
                             highlight=geom if atlas_kind != "district" else None,
                             search_circle=geom.buffer(NEAR_KM * 1000).exterior if is_point and
                             atlas_kind != "district" else None, zoomed=True)
                fig = Figure(figsize=options.figsize(raster=False), dpi=options.dpi)
                FigureCanvasAgg(fig)
                _draw_sheet(fig, scene, view)
                pdf.savefig(fig)
            if missing:
                fig = Figure(figsize=options.figsize(raster=False), dpi=options.dpi)
                FigureCanvasAgg(fig)
                _draw_unlocated_page(fig, scene, atlas_kind, missing, t("report_page", lang, page=pages, pages=pages),
                                     f"{kind_label} · {description} · {base_title}")
                pdf.savefig(fig)
    return pages


def _draw_unlocated_page(fig: Figure, scene: _Scene, atlas_kind: str,
                         missing: list[tuple[str, dict, shapely.Geometry | None]], page: str, subtitle: str) -> None:
    """Draw the atlas's last page: features without a location, and the filtered projects that name them."""
    options = scene.options
    lang = scene.lang
    k = 1.0 if options.paper == "A4" else 1.25
    w_mm, h_mm = options.page_mm
    rects = _sheet_layout(options, k, True)
    tx, ty, tw, th = rects["title"]
    fig.text(tx / w_mm, (ty + th - 1 * k) / h_mm, t("report_unlocated_title", lang), fontsize=15 * k,
             fontweight="bold", ha="left", va="top", color=INK)
    fig.text(tx / w_mm, (ty + th - 9.2 * k) / h_mm, truncate_text(_nfc(subtitle), 8.5 * k, tw - 30 * k),
             fontsize=8.5 * k, ha="left", va="top", color="#444444")
    fig.text((tx + tw) / w_mm, (ty + th - 1 * k) / h_mm, page, fontsize=7.5 * k, ha="right", va="top", color="#555555")
    body_top = ty - 4 * k
    body = (tx, rects["footer"][1] + rects["footer"][3] + 2 * k, tw, body_top - rects["footer"][1]
            - rects["footer"][3] - 2 * k)
    ax = fig.add_axes(_mm_rect(fig, w_mm, h_mm, *body))
    ax.set_xlim(0, body[2])
    ax.set_ylim(0, body[3])
    ax.set_axis_off()
    rows = [_Row("note", t("report_unlocated_note", lang))]
    for fid, rec, _geom in missing:
        name = _name(rec, lang) if atlas_kind != "district" else label("district", fid, lang)
        district = "" if _blank(rec.get("district")) else label("district", rec.get("district"), lang)
        rows.append(_Row("heading", f"{name} ({fid}{', ' + district if district else ''})"))
        table = _projects_near(scene, fid, None, atlas_kind)
        if not len(table):
            rows.append(_Row("note", t("report_no_projects", lang)))
        for prec in table.to_dict("records"):
            rows.append(_Row("note", f"{_nfc(prec.get('id', ''))}  {_name(prec, lang)} – "
                                     f"{label('status', prec.get('status'), lang)}"))
    _draw_rows(ax, rows, body[2], body[3], k * 1.3, 3)
