"""The project register: one canvas point layer, coloured by sector, filled by status.

The layer reaches the page as one columnar table (``layers.encoding.columnar``). Registers
of 100,000 projects stay light because:

- only the columns the map shows travel (title, tooltip, popup fields, sources,
  location confidence and note: every field the popup shows, nothing it does not);
- repeated strings (investors, sub-sectors, notes, ...) travel once, as a categorical
  ``{"labels", "idx"}`` column, like the vocabularies (qtmap.js reads both forms);
- the script goes into the page as text, never through Jinja (``layers.elements.QtmapLayer.render``);
- above :data:`BULK_ABOVE` points qtmap.js draws them as one bulk canvas layer
  instead of one Leaflet circle marker each (same symbols, tooltip and popup).
"""

from __future__ import annotations

from functools import cache

import geopandas as gpd

from geo import bundled, style
from geo.i18n import t
from geo.records import display_name
from geo.records import located as located_mask
from geo.schema import VOCABULARIES
from layers.areas import info_options
from layers.elements import QtmapLayer
from layers.encoding import columnar
from layers.popups import ENGLISH_ONLY, mark_english
from layers.symbols import confidence_options

__all__ = ["BULK_ABOVE", "INFO_COLUMNS", "build", "prepare", "symbol_options", "zone_names"]

BULK_ABOVE = 5_000  # more located projects than this: one bulk canvas layer in qtmap.js
# Columns qtmap.js reads besides the title, tooltip and popup fields.
INFO_COLUMNS: tuple[str, ...] = ("sector", "status", "sources", "location_confidence", "location_note")


@cache
def zone_names(lang: str) -> dict[str, str]:
    """Bundled park, zone and cluster ids -> their names in ``lang`` (popups show names, not codes)."""
    zones = bundled.load_zones()
    return dict(zip(zones["id"], display_name(zones, lang), strict=True))


def symbol_options() -> dict[str, object]:
    """Sector colours and status symbols in vocabulary order (they line up with the label indexes)."""
    return {
        "colour_by": "sector", "status_by": "status",
        "colours": [style.sector_colour(term.code) for term in VOCABULARIES["sector"]],
        "symbols": [{"fill_opacity": s.fill_opacity, "dash": s.dash.replace(" ", ",") if s.dash else None}
                    for s in (style.status_symbol(term.code) for term in VOCABULARIES["status"])],
        "default_colour": style.UNKNOWN_COLOUR,
        "default_symbol": {"fill_opacity": 0.9, "dash": None},
        "radius": style.PROJECT_RADIUS_PX,
    }


def prepare(gdf: gpd.GeoDataFrame, kind: str = "project", lang: str = "vi",
            bulk_above: int | None = BULK_ABOVE) -> tuple[gpd.GeoDataFrame, list[str], dict[str, object]]:
    """The located projects of ``gdf`` ready for the map, the columns qtmap.js reads, and its options.

    Shared by :func:`build` (one layer as script) and :mod:`layers.packed` (the register as a binary blob).
    """
    located = gdf[located_mask(gdf)].copy()
    located["_name"] = display_name(located, lang)
    if "zone_id" in located.columns:  # zones by name (an id this register does not know stays as written)
        located["zone_id"] = located["zone_id"].map(zone_names(lang)).fillna(located["zone_id"])
    for column in ENGLISH_ONLY:
        if column in located.columns:
            located[column] = mark_english(located[column], lang)
    info = info_options(kind, located, lang)
    wanted = {"_name", *(c for _, c in info["popup"]), *INFO_COLUMNS, "sector", "status"}
    columns = ["_name", *[c for c in located.columns if c in wanted and c != "_name"]]
    opts = {**symbol_options(), **confidence_options(), **info}
    opts["tooltip"] = ["sector", "status"]
    opts["bulk_above"] = bulk_above
    # Several projects at one spot: a count on the symbol and one popup that lists them ("{n}" filled in qtmap.js).
    opts["stack_title"], opts["stack_back"] = t("stack_title", lang), t("stack_back", lang)
    return located, columns, opts


def build(gdf: gpd.GeoDataFrame, kind: str = "project", lang: str = "vi", name: str | None = None,
          bulk_above: int | None = BULK_ABOVE) -> QtmapLayer:
    """Return the located projects of ``gdf`` as one layer (rows without geometry are skipped).

    ``bulk_above``: above this many located projects qtmap.js draws them as one bulk
    canvas layer (None: always one circle marker per project).
    """
    located, columns, opts = prepare(gdf, kind, lang, bulk_above)
    data = {
        "lon": located.geometry.x.round(6).tolist(),
        "lat": located.geometry.y.round(6).tolist(),
        "cols": columnar(located, columns, kind, lang),
    }
    return QtmapLayer("points", [data, opts], name=name or t("layer_projects", lang))
