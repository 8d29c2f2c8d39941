"""Atlases: one PDF page per park, zone, cluster or district, and a last page for those without a location."""

from __future__ import annotations

from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

import geopandas as gpd
import shapely

from geo import bundled, records, schema
from geo.export.legend import Row, draw_rows
from geo.export.options import INK, NEAR_KM, RC_PARAMS, ExportError, ExportOptions
from geo.export.save import check_out, replacing
from geo.export.scene import (
    Scene,
    build_scene,
    district_hull,
    feature_extent,
    label_text,
    located_mask,
    projected,
    projects_near,
)
from geo.export.sheet import View, draw_sheet, mm_rect, sheet_layout
from geo.export.text import fmt_int, nfc, truncate_text
from geo.filters import Filters
from geo.i18n import t
from geo.schema import DISTRICTS, KINDS, label

__all__ = ["ATLAS_KINDS", "atlas_features", "export_atlas", "draw_unlocated_page"]


# One page per feature of an atlas kind of the registry, or per 2011 district (a vocabulary, not a kind).
ATLAS_KINDS: tuple[str, ...] = (*schema.ATLAS_KINDS, "district")

def atlas_features(atlas_kind: str, scene: Scene) -> list[tuple[str, dict, shapely.Geometry | None]]:
    """Return the features of an atlas in data order: (id, record, geometry in the map CRS or None).

    A zone filter (for park/zone/cluster atlases) or a district filter (for the district
    atlas) restricts the pages to the chosen features.
    """
    if atlas_kind not in ATLAS_KINDS:
        raise ExportError("export_unknown_atlas", value=repr(atlas_kind), valid=", ".join(ATLAS_KINDS))
    features = []
    if atlas_kind == "district":
        wanted = scene.filters.districts
        for term in DISTRICTS:
            if wanted and term.code not in wanted:
                continue
            rec = {"id": term.code, "name_vi": term.vi, "name_en": term.en}
            features.append((term.code, rec, district_hull(term.code, scene)))
        return features
    layer = projected(atlas_kind)
    wanted = tuple(z for z in scene.filters.zones if z in set(layer["id"]))
    for rec, ok in zip(layer.to_dict("records"), located_mask(layer), strict=True):
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
    out = check_out(out, (".pdf",))
    lang = options.lang
    with matplotlib.rc_context(RC_PARAMS):
        scene = build_scene(projects, filters, options)
        features = atlas_features(atlas_kind, scene)
        located = [f for f in features if f[2] is not None and not f[2].is_empty]
        missing = [f for f in features if f[2] is None or f[2].is_empty]
        pages = len(located) + (1 if missing else 0)
        base_title = options.title or t("report_title", lang)
        description = filters.describe(lang, scene.zone_names)
        kind_label = KINDS[atlas_kind].label(lang) if atlas_kind in KINDS else t("filter_district", lang)
        title = f"{base_title} – {kind_label}"
        with replacing(out) as tmp, PdfPages(tmp, metadata={"Title": title, "Creator": "qtmap",
                                                             "Subject": bundled.ATTRIBUTION}) as pdf:
            for number, (fid, rec, geom) in enumerate(located, start=1):
                name = label_text(rec, lang) if atlas_kind != "district" else label("district", fid, lang)
                table = projects_near(scene, fid, geom, atlas_kind)
                is_point = geom.geom_type == "Point"
                note = t("report_district_rule", lang) if atlas_kind == "district" else \
                    t("report_near_rule", lang, km=f"{NEAR_KM:g}")
                heading = t("report_projects_in", lang, name=name) + f" ({fmt_int(len(table), lang)})"
                view = View(feature_extent(geom, atlas_kind), name, f"{kind_label} · {description} · {base_title}",
                            table=table, table_heading=heading,
                            notes=(note,), page=t("report_page", lang, page=number, pages=pages),
                            highlight=geom if atlas_kind != "district" else None,
                            search_circle=geom.buffer(NEAR_KM * 1000).exterior if is_point and
                            atlas_kind != "district" else None, zoomed=True)
                fig = Figure(figsize=options.figsize(raster=False), dpi=options.dpi)
                FigureCanvasAgg(fig)
                draw_sheet(fig, scene, view)
                pdf.savefig(fig)
            if missing:
                fig = Figure(figsize=options.figsize(raster=False), dpi=options.dpi)
                FigureCanvasAgg(fig)
                draw_unlocated_page(fig, scene, atlas_kind, missing, t("report_page", lang, page=pages, pages=pages),
                                    f"{kind_label} · {description} · {base_title}")
                pdf.savefig(fig)
    return pages


def draw_unlocated_page(fig: Figure, scene: Scene, atlas_kind: str,
                        missing: list[tuple[str, dict, shapely.Geometry | None]], page: str, subtitle: str) -> None:
    """Draw the atlas's last page: features without a location, and the filtered projects that name them."""
    options = scene.options
    lang = scene.lang
    k = 1.0 if options.paper == "A4" else 1.25
    w_mm, h_mm = options.page_mm
    rects = sheet_layout(options, k, True)
    tx, ty, tw, th = rects["title"]
    fig.text(tx / w_mm, (ty + th - 1 * k) / h_mm, t("report_unlocated_title", lang), fontsize=15 * k,
             fontweight="bold", ha="left", va="top", color=INK)
    fig.text(tx / w_mm, (ty + th - 9.2 * k) / h_mm, truncate_text(nfc(subtitle), 8.5 * k, tw - 30 * k),
             fontsize=8.5 * k, ha="left", va="top", color="#444444")
    fig.text((tx + tw) / w_mm, (ty + th - 1 * k) / h_mm, page, fontsize=7.5 * k, ha="right", va="top", color="#555555")
    body_top = ty - 4 * k
    body = (tx, rects["footer"][1] + rects["footer"][3] + 2 * k, tw, body_top - rects["footer"][1]
            - rects["footer"][3] - 2 * k)
    ax = fig.add_axes(mm_rect(fig, w_mm, h_mm, *body))
    ax.set_xlim(0, body[2])
    ax.set_ylim(0, body[3])
    ax.set_axis_off()
    rows = [Row("note", t("report_unlocated_note", lang))]
    for fid, rec, _geom in missing:
        name = label_text(rec, lang) if atlas_kind != "district" else label("district", fid, lang)
        district = "" if records.blank(rec.get("district")) else label("district", rec.get("district"), lang)
        rows.append(Row("heading", f"{name} ({fid}{', ' + district if district else ''})"))
        table = projects_near(scene, fid, None, atlas_kind)
        if not len(table):
            rows.append(Row("note", t("report_no_projects", lang)))
        for prec in table.to_dict("records"):
            rows.append(Row("note", f"{nfc(prec.get('id', ''))}  {label_text(prec, lang)} – "
                                     f"{label('status', prec.get('status'), lang)}"))
    draw_rows(ax, rows, body[2], body[3], k * 1.3, 3)
