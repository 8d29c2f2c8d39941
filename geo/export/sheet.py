"""Sheet composition: title and subtitle, main map, inset, legend panel and footer, on a page-sized Figure."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib
import matplotlib.transforms as mtransforms
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

import geopandas as gpd
import shapely

from geo import bundled, style
from geo.export.frame import MapFrame, Shown
from geo.export.furniture import draw_graticule, draw_inset, draw_north_arrow, draw_scale_bar
from geo.export.geometry import plot_line_collection, plot_polygon_collection
from geo.export.labels import place_labels
from geo.export.legend import Row, atlas_table_rows, draw_rows, layout_rows, legend_rows
from geo.export.options import INK, OUTSIDE_COLOUR, RC_PARAMS, ExportError, ExportOptions
from geo.export.plotters import PLOTTERS
from geo.export.scene import (
    Scene,
    build_scene,
    extra_in_map_crs,
    feature_extent,
    find_feature,
    from_lonlat,
    label_text,
    province_extent,
    sea_polygon,
)
from geo.export.symbols import mpl_dash
from geo.export.text import nfc, text_width_pt, truncate_text, wrap_text
from geo.filters import Filters
from geo.i18n import t

__all__ = ["View", "mm_rect", "sheet_layout", "fit_extent", "draw_sheet", "render_map"]


@dataclass
class View:
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


def mm_rect(fig: Figure, w_mm: float, h_mm: float, x: float, y: float, w: float, h: float) -> list[float]:
    """Figure-fraction rectangle of a box given in millimetres on a ``w_mm`` × ``h_mm`` page."""
    return [x / w_mm, y / h_mm, w / w_mm, h / h_mm]


def sheet_layout(options: ExportOptions, k: float, atlas: bool) -> dict[str, tuple[float, float, float, float]]:
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


def fit_extent(extent: tuple[float, float, float, float], w_mm: float, h_mm: float
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


def draw_sheet(fig: Figure, scene: Scene, view: View) -> None:
    """Compose one report sheet on ``fig`` (sized to the page)."""
    options = scene.options
    lang = scene.lang
    k = 1.0 if options.paper == "A4" else 1.25
    w_mm, h_mm = options.page_mm
    atlas = view.table is not None
    rects = sheet_layout(options, k, atlas)
    fig.set_facecolor("white")

    # --- title block
    tx, ty, tw, th = rects["title"]
    title = nfc(view.title)
    title_size = 15 * k
    while text_width_pt(title, title_size, "bold") > (tw - 30 * k) / 25.4 * 72 and title_size > 9 * k:
        title_size -= 0.5
    fig.text(tx / w_mm, (ty + th - 1 * k) / h_mm, title, fontsize=title_size, fontweight="bold", ha="left", va="top",
             color=INK)
    subtitle = truncate_text(nfc(view.subtitle), 8.5 * k, tw - 30 * k)
    fig.text(tx / w_mm, (ty + th - 9.2 * k) / h_mm, subtitle, fontsize=8.5 * k, ha="left", va="top", color="#444444")
    if view.page:
        fig.text((tx + tw) / w_mm, (ty + th - 1 * k) / h_mm, view.page, fontsize=7.5 * k, ha="right", va="top",
                 color="#555555")
    fig.add_artist(Line2D([tx / w_mm, (tx + tw) / w_mm], [(ty + 0.8 * k) / h_mm] * 2, color="#888888",
                          linewidth=0.6))

    # --- main map
    mx, my, mw, mh = rects["map"]
    ax = fig.add_axes(mm_rect(fig, w_mm, h_mm, mx, my, mw, mh))
    extent = fit_extent(view.extent, mw, mh)
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
    ctx = MapFrame(ax, lang, k, extent, label_clusters=view.zoomed, label_projects=view.zoomed)
    plot_polygon_collection(ax, [sea_polygon()], facecolor=style.WATER_COLOUR, edgecolor="none", linewidth=0, zorder=1)
    # Atlas overlays: the search circle of a point feature and the outline of the page's feature.
    if view.search_circle is not None:
        plot_line_collection(ax, [view.search_circle], colour="#555555", linewidth=0.7, linestyle=(0, (1, 1.5)),
                             zorder=7)
        ctx.shown.search_radius = True
    if view.highlight is not None and view.highlight.geom_type in ("Polygon", "MultiPolygon"):
        plot_line_collection(ax, [view.highlight], colour="#d62728", linewidth=1.4, linestyle=mpl_dash("6 3"),
                             zorder=7.5)
    for kind, plotter in PLOTTERS.items():
        if options.shows(kind):
            plotter(ctx, scene.layer(kind))
    extra_shown = []  # each uploaded layer over the register, in its kind's style, tallied apart for its legend
    for layer in options.extra:
        register_shown, ctx.shown = ctx.shown, Shown()
        PLOTTERS[layer.kind](ctx, extra_in_map_crs(layer))
        extra_shown.append((layer, ctx.shown))
        ctx.shown = register_shown
    draw_graticule(ctx)
    draw_scale_bar(ctx)
    draw_north_arrow(ctx, (0.045, 0.86))
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    px_per_mm = fig.dpi / 25.4
    reserved = [  # scale bar (lower left) and north arrow (upper left)
        mtransforms.Bbox([[frame.x0, frame.y0], [frame.x0 + 0.3 * frame.width, frame.y0 + 12 * k * px_per_mm]]),
        mtransforms.Bbox([[frame.x0, frame.y0 + 0.86 * frame.height - 5 * k * px_per_mm],
                          [frame.x0 + 0.045 * frame.width + 6 * k * px_per_mm, frame.y1]]),
    ]
    place_labels(ctx, renderer, reserved)

    # --- panel: inset, legend (and the atlas table), notes
    px, py, pw, ph = rects["panel"]
    if options.orientation == "landscape":
        inset_h = min(pw * 0.85, ph * 0.44)
        inset_w = min(pw, inset_h)  # about square: Viet Nam and its neighbours, not the Andaman Sea
        inset = (px + pw - inset_w, py + ph - inset_h, inset_w, inset_h)
        legend = (px, py, pw, ph - inset_h - 5 * k)
        max_cols = 2
    else:
        inset_w = min(pw * 0.36, ph * 1.1)
        inset = (px, py + ph - min(ph, inset_w * 0.95), inset_w, min(ph, inset_w * 0.95))
        legend = (px + inset_w + 6 * k, py, pw - inset_w - 6 * k, ph)
        max_cols = 3
    iax = fig.add_axes(mm_rect(fig, w_mm, h_mm, *inset))
    draw_inset(iax, extent, k, lang)

    rows = legend_rows(ctx.shown, scene, k)
    for layer, shown in extra_shown:
        if extra_rows := legend_rows(shown, scene, k):  # nothing of it in the frame: no legend rows
            rows += [Row("heading", nfc(layer.title(lang))), *extra_rows]
    notes = list(view.notes)
    n_unlocated = int((~scene.located).sum())
    if scene.n_filtered and not len(scene.x) and not atlas:
        notes.insert(0, t("report_none", lang))
    elif not scene.n_filtered:
        notes.insert(0, t("report_no_projects", lang))
    if n_unlocated:
        notes.append(t("report_not_located", lang, n=n_unlocated, m=scene.n_filtered))
    if ctx.shown.dropped_labels:  # never dropped silently
        names = ", ".join(ctx.shown.dropped_labels[:6]) + (", …" if len(ctx.shown.dropped_labels) > 6 else "")
        notes.append(t("report_labels_dropped", lang, n=len(ctx.shown.dropped_labels), names=names))
    notes.append(t("legend_note_approx", lang))
    note_rows = [Row("gap")] + [Row("note", n) for n in notes]

    lx, ly, lw_, lh = legend
    lax = fig.add_axes(mm_rect(fig, w_mm, h_mm, lx, ly, lw_, lh))
    lax.set_xlim(0, lw_)
    lax.set_ylim(0, lh)
    lax.set_axis_off()
    head = [Row("heading", t("legend", lang))]
    if atlas:
        table_rows = atlas_table_rows(view.table, lang)
        budget = len(table_rows)
        while True:
            shown_rows = table_rows[:budget]
            if budget < len(table_rows):
                more = t("report_more", lang, n=len(table_rows) - budget)
                shown_rows = [*table_rows[:budget], Row("note", more)]
            body = [Row("heading", view.table_heading), *shown_rows, Row("gap"), *head, *rows, *note_rows]
            if layout_rows(body, lw_, lh, k, max_cols) is not None or budget == 0:
                break
            budget = max(0, budget - max(1, (len(table_rows) - budget) // 8 + 1))
        all_rows = body
    else:
        all_rows = [*head, *rows, *note_rows]
    if not draw_rows(lax, all_rows, lw_, lh, k, max_cols):
        draw_rows(lax, [*head, *rows], lw_, lh, k, max_cols)

    # --- footer: sources, dates, CRS
    fx, fy, fw, fh = rects["footer"]
    size = 5.6 * k
    today = options.export_date
    footer = [f"{t('report_sources', lang)}: {bundled.ATTRIBUTION}",
              f"{t('report_data_date', lang)}: {bundled.DATA_DATE} · {t('report_exported', lang)}: {today} · "
              f"{t('report_crs', lang)} · qtmap"]
    lines = [line for text in footer for line in wrap_text(text, size, fw)]
    fig.text(fx / w_mm, (fy + fh) / h_mm, "\n".join(lines[:4]), fontsize=size, ha="left", va="top", color="#555555",
             linespacing=1.25)


def render_map(projects: gpd.GeoDataFrame, filters: Filters, options: ExportOptions, raster: bool = True
               ) -> Figure:
    """Return the report sheet as a matplotlib Figure (no pyplot), sized to the page.

    ``raster`` sizes the figure in whole pixels at ``options.dpi`` (PNG); otherwise the
    figure is exactly the paper size (PDF, SVG). Use it to preview a sheet in an app.
    """
    lang = options.lang
    with matplotlib.rc_context(RC_PARAMS):
        scene = build_scene(projects, filters, options)
        title = options.title or t("report_title", lang)
        subtitle = filters.describe(lang, scene.zone_names)
        zoomed = False
        if options.bbox is not None:  # the map's view on screen
            west, south, east, north = options.bbox
            xs, ys = from_lonlat().transform([west, east, west, east], [south, south, north, north])
            extent = (min(xs), min(ys), max(xs), max(ys))
            subtitle = f"{t('report_current_view', lang)} · {subtitle}"
            zoomed = True
        elif options.extent in ("", "province", None):
            extent = province_extent()
        else:
            kind, rec = find_feature(options.extent, scene, projects)
            geom = rec.get("geometry")
            if geom is None or geom.is_empty:
                raise ExportError("export_no_location", value=repr(options.extent))
            extent = feature_extent(geom, kind)
            subtitle = f"{label_text(rec, lang)} · {subtitle}"
            zoomed = True
        fig = Figure(figsize=options.figsize(raster=raster), dpi=options.dpi)
        FigureCanvasAgg(fig)
        draw_sheet(fig, scene, View(extent, title, subtitle, zoomed=zoomed))
    return fig
