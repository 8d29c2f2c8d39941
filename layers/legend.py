"""The legend: only what is shown, with counts; the same structure feeds the map and the app."""

from __future__ import annotations

import geopandas as gpd

from geo import style
from geo.i18n import t
from geo.records import located as located_mask
from geo.schema import VOCABULARIES, label

__all__ = ["legend_spec"]


def legend_spec(projects: gpd.GeoDataFrame, lang: str, areas: dict[str, int] | None = None) -> dict[str, object]:
    """Return the legend for the (filtered) ``projects`` and the area layers shown (kind -> count)."""
    located = projects[located_mask(projects)]
    sectors = located["sector"].value_counts() if "sector" in located else {}
    statuses = located["status"].value_counts() if "status" in located else {}
    sections = []
    items = [{"label": label("sector", term.code, lang), "count": int(sectors[term.code]),
              "colour": style.sector_colour(term.code), "fill": style.sector_colour(term.code)}
             for term in VOCABULARIES["sector"] if term.code in sectors]
    if items:
        sections.append({"title": t("legend_sectors", lang), "items": items})
    items = []
    for term in VOCABULARIES["status"]:
        if term.code in statuses:
            sym = style.status_symbol(term.code)
            items.append({"label": label("status", term.code, lang), "count": int(statuses[term.code]),
                          "colour": "#444444", "fill": "#444444" if sym.fill_opacity >= 0.5 else
                          ("#bbbbbb" if sym.fill_opacity > 0 else None), "dash": bool(sym.dash)})
    if items:
        sections.append({"title": t("legend_statuses", lang), "items": items})
    items = [{"label": t(f"layer_{kind}", lang), "count": n, "colour": style.KIND_STYLES[kind].colour,
              "fill": style.KIND_STYLES[kind].fill, "shape": "square"}
             for kind, n in (areas or {}).items() if n]
    if items:
        sections.append({"title": t("legend_areas", lang), "items": items})
    return {"title": t("legend", lang), "sections": sections, "note": t("legend_note_approx", lang),
            "toggle": t("legend_toggle", lang)}
