"""The legend panel: rows of what is shown (with counts), flowed into columns; the atlas project table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from matplotlib.axes import Axes

import geopandas as gpd

from geo import style
from geo.export.frame import Shown
from geo.export.options import INK, NEAR_KM, PX_TO_PT
from geo.export.scene import Scene, label_text, located_mask
from geo.export.symbols import mpl_dash, project_symbol, rgba, sym_circle, sym_line, sym_marker, sym_patch, sym_seat
from geo.export.text import fmt_int, nfc, wrap_text
from geo.i18n import t
from geo.schema import KINDS, ZONE_KINDS, label

__all__ = ["Row", "legend_rows", "layout_rows", "row_font", "draw_rows", "atlas_table_rows"]


@dataclass
class Row:
    """One row of the legend panel: a heading, a symbol and its label, or a note."""

    kind: str  # 'heading' | 'item' | 'note' | 'gap'
    text: str = ""
    draw: Callable[[Axes, float, float, float], None] | None = None  # (ax, x_mm, y_mm, k): symbol centred at y



def legend_rows(shown: Shown, scene: Scene, k: float) -> list[Row]:
    """Legend rows of what the frame shows: sectors, statuses, areas and base layers, with counts."""
    lang = scene.lang
    rows: list[Row] = []
    psize = style.PROJECT_SIZE_PT * 2 * 0.72
    lw = 1.5 * PX_TO_PT
    sectors = [c for c in style.SECTOR_COLOURS if c in shown.sectors] + \
        sorted(c for c in shown.sectors if c not in style.SECTOR_COLOURS)
    if sectors:
        rows.append(Row("heading", t("legend_sectors", lang)))
        for code in sectors:
            colour = style.sector_colour(code)
            rows.append(Row("item", f"{label('sector', code, lang)} ({fmt_int(shown.sectors[code], lang)})",
                            sym_marker("o", psize, rgba(colour, 0.9), colour, lw)))
    statuses = [c for c in style.STATUS_SYMBOLS if c in shown.statuses] + \
        sorted(c for c in shown.statuses if c not in style.STATUS_SYMBOLS)
    if statuses:
        rows.append(Row("heading", t("legend_statuses", lang)))
        for code in statuses:
            sym = style.status_symbol(code)
            rows.append(Row("item", f"{label('status', code, lang)} ({fmt_int(shown.statuses[code], lang)})",
                            sym_marker(sym.marker, psize, rgba("#444444", sym.fill_opacity), "#444444", lw,
                                        mpl_dash(sym.dash))))
        if shown.low_confidence:
            rows.append(Row("item", f"{t('report_low_confidence', lang)} ({fmt_int(shown.low_confidence, lang)})",
                            sym_marker("o", psize, rgba("#444444", 0.45),
                                        rgba("#444444", style.LOW_CONFIDENCE_OPACITY), lw,
                                        mpl_dash(style.APPROXIMATE_DASH))))
    area_rows = []
    for kind in ZONE_KINDS:
        tally = shown.areas.get(kind)
        if not tally:
            continue
        name = KINDS[kind].label(lang)
        if tally["polygon"]:
            area_rows.append(Row("item", f"{name} ({tally['polygon']})", sym_patch(kind, False)))
        if tally["approximate"]:
            area_rows.append(Row("item", f"{name} – {label('geometry_quality', 'approximate', lang).lower()} "
                                          f"({tally['approximate']})", sym_patch(kind, True)))
        if tally["point"]:
            s = style.KIND_STYLES[kind]
            area_rows.append(Row("item", f"{name} – {label('geometry_quality', 'point', lang).lower()} "
                                          f"({tally['point']})",
                                 sym_marker("p", 8.5, rgba(s.fill or s.colour, max(s.fill_opacity, 0.8)),
                                             s.colour, s.weight * PX_TO_PT)))
    if area_rows:
        rows.append(Row("heading", t("legend_areas", lang)))
        rows.extend(area_rows)
    base_rows = []
    if shown.search_radius:
        base_rows.append(Row("item", t("report_search_radius", lang, km=f"{NEAR_KM:g}"), sym_circle(1.0)))
    if shown.seats:
        base_rows.append(Row("item", f"{KINDS['district_seat'].label(lang)} ({shown.seats})", sym_seat()))
    s = style.KIND_STYLES["infrastructure"]
    for code, marker in style.FACILITY_MARKERS.items():
        if shown.facilities.get(code):
            base_rows.append(Row("item", f"{label('facility', code, lang)} ({shown.facilities[code]})",
                                 sym_marker(marker, 7.5 if marker == "s" else 8.5, s.fill, s.colour,
                                             s.weight * PX_TO_PT)))
    for kind in ("road", "border", "coastline"):
        if kind in shown.lines:
            base_rows.append(Row("item", KINDS[kind].label(lang), sym_line(kind)))
    if base_rows:
        rows.append(Row("heading", t("report_base_layers", lang)))
        rows.extend(base_rows)
    return rows


def layout_rows(rows: list[Row], width_mm: float, height_mm: float, k: float, max_cols: int
                ) -> tuple[float, int, list[tuple[Row, list[str], int, float]]] | None:
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
                size, weight = row_font(row, s)
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


def row_font(row: Row, s: float) -> tuple[float, str]:
    """Font size and weight of a legend row at type scale ``s``."""
    if row.kind == "heading":
        return 7.3 * s, "bold"
    if row.kind == "note":
        return 5.8 * s, "normal"
    return 6.8 * s, "normal"


def draw_rows(ax: Axes, rows: list[Row], width_mm: float, height_mm: float, k: float, max_cols: int) -> bool:
    """Draw ``rows`` in a panel axes whose data units are millimetres; False if they cannot fit."""
    layout = layout_rows(rows, width_mm, height_mm, k, max_cols)
    if layout is None:
        return False
    s, ncols, placed = layout
    col_w = (width_mm - (ncols - 1) * 4) / ncols
    for row, lines, col, y_top in placed:
        x = col * (col_w + 4)
        size, weight = row_font(row, s)
        line_h = size * 1.3 / 72 * 25.4
        if row.kind == "heading":
            y_top += 1.6 * s
        if row.kind == "item":
            block_h = max(line_h * len(lines), 3.9 * s)
            yc = height_mm - y_top - block_h / 2
            if row.draw:
                row.draw(ax, x, yc, s)
            text = ax.text(x + 7.5 * s, yc, "\n".join(lines), fontsize=size, fontweight=weight, va="center",
                           ha="left", color=INK, linespacing=1.15, clip_on=False)
        elif row.text:
            text = ax.text(x, height_mm - y_top, "\n".join(lines), fontsize=size, fontweight=weight, va="top",
                           ha="left", color=INK if row.kind == "heading" else "#444444", linespacing=1.15,
                           clip_on=False)
        else:
            continue
        _fit_width(ax, text, x + col_w)
    return True


def _fit_width(ax: Axes, text: object, right_mm: float) -> None:
    """Shrink ``text`` a little if the renderer sets it wider than its column (hinted type at a low dpi)."""
    renderer = ax.figure.canvas.get_renderer()
    right = ax.transData.transform((right_mm, 0))[0]
    for _ in range(3):
        box = text.get_window_extent(renderer)
        if box.x1 <= right or box.width <= 0:
            return
        text.set_fontsize(text.get_fontsize() * max(0.5, (right - box.x0) / box.width * 0.99))


def atlas_table_rows(table: gpd.GeoDataFrame | None, lang: str) -> list[Row]:
    """Atlas table: one row per project of ``table`` (its symbol, id, name and status)."""
    rows = []
    if table is None or not len(table):
        return [Row("note", t("report_no_projects", lang))]
    psize = style.PROJECT_SIZE_PT * 2 * 0.6
    located = located_mask(table)
    for rec, loc in zip(table.to_dict("records"), located, strict=True):
        kw = project_symbol(rec.get("sector"), rec.get("status"), rec.get("location_confidence") == "low")
        status = label("status", rec.get("status"), lang)
        extra = "" if loc else f" ({t('report_not_drawn', lang)})"
        text = f"{nfc(rec.get('id', ''))}  {label_text(rec, lang)} – {status}{extra}"

        def draw(ax: Axes, x: float, y: float, s: float, kw: dict = kw, loc: bool = bool(loc)) -> None:
            if loc:
                ax.scatter([x + 2.5], [y], s=(psize * s) ** 2, clip_on=False, zorder=3, **kw)
        rows.append(Row("item", text, draw))
    return rows
