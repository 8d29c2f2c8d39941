"""The legend: only what is shown, with counts; the same structure feeds the map and the app."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd

from geo import style
from geo.extra import ExtraLayer
from geo.i18n import t
from geo.records import located as located_mask
from geo.schema import VOCABULARIES, label

__all__ = ["extra_section", "legend_spec"]


def extra_section(extra: ExtraLayer, lang: str) -> dict[str, object]:
    """The legend section of an uploaded layer: its title and one row per category, with counts.

    Symbols come from the style table: projects in their sector's colour, other kinds in their kind's style.
    """
    items = []
    kind_style = style.KIND_STYLES.get(extra.kind)
    for row in extra.counts(lang).to_dict("records"):
        if extra.kind == "project":
            colour = style.sector_colour(row["code"] or None)
            item = {"colour": colour, "fill": colour}
        else:
            item = {"colour": kind_style.colour, "fill": kind_style.fill,
                    "shape": "circle" if extra.kind == "district_seat" else "square"}
        items.append({"label": row["label"], "count": int(row["count"]), **item})
    return {"title": extra.title(lang), "items": items}


def legend_spec(projects: gpd.GeoDataFrame, lang: str, areas: dict[str, int] | None = None,
                extra: Sequence[ExtraLayer] = ()) -> dict[str, object]:
    """Return the legend for the (filtered) ``projects`` and the area layers shown (kind -> count).

    Each uploaded layer of ``extra`` gets its own section, after the register's.
    """
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
    sections += [extra_section(layer, lang) for layer in extra]
    return {"title": t("legend", lang), "sections": sections, "note": t("legend_note_approx", lang),
            "toggle": t("legend_toggle", lang)}
