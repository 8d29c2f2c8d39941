"""Point places: ports and border gates, and district seats (labelled)."""

from __future__ import annotations

import geopandas as gpd

from geo import style
from geo.i18n import t
from geo.records import located as located_mask
from layers.areas import info_options
from layers.elements import QtmapLayer
from layers.encoding import columnar, geojson_rows
from layers.popups import with_display_name
from layers.symbols import area_style, confidence_options

__all__ = ["build"]


def build(gdf: gpd.GeoDataFrame, kind: str, lang: str) -> QtmapLayer:
    """Return the layer of ``kind`` (infrastructure or district_seat)."""
    gdf = with_display_name(gdf, lang)
    located = gdf[located_mask(gdf)].reset_index(drop=True)
    columns = ["_name", "_label", *[c for c in located.columns if c not in ("geometry", "_name", "_label")]]
    seat = kind == "district_seat"
    opts = {
        "style": area_style(kind),
        "label_column": "_label",
        "label_class": "qtmap-label-seat" if seat else "qtmap-label-place",
        "label_priority": style.LABEL_PRIORITY[style.KIND_LABEL_CLASS[kind]],
        "label_anchor": [-6, 8],
        "point_radius": 4 if seat else 6,
        "approx_value": None, "approx_dash": None,
        **confidence_options(),
        **info_options(kind, located, lang),
    }
    return QtmapLayer("shapes", [geojson_rows(located), columnar(located, columns, kind, lang), opts],
                      name=t(f"layer_{kind}", lang))
