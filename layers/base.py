"""Base layers: province and neighbours (polygons), border, coastline and roads (lines)."""

from __future__ import annotations

import geopandas as gpd

from geo import style
from geo.i18n import t
from layers.elements import QtmapLayer
from layers.encoding import columnar, geojson_rows
from layers.symbols import area_style

__all__ = ["build"]

# kind -> (layer-name key, label column or None, tooltip columns)
_BASE: dict[str, tuple[str, str | None]] = {
    "province": ("layer_base", None),
    "neighbour": ("layer_base", "name_vi"),
    "border": ("layer_border", None),
    "coastline": ("layer_coastline", None),
    "road": ("layer_road", None),
}


def build(gdf: gpd.GeoDataFrame, kind: str, lang: str) -> QtmapLayer:
    """Return the base layer ``kind`` (always drawn from bundled vector data, offline)."""
    name_key, label_column = _BASE[kind]
    columns = ["name_vi", "name", "ref"]
    table = columnar(gdf, [c for c in columns if c in gdf.columns], kind, lang)
    opts = {
        "style": area_style(kind), "label_column": label_column, "label_class": "qtmap-label-muted",
        "label_priority": style.LABEL_PRIORITY["context"],
        "point_radius": 4, "approx_value": None, "approx_dash": None,
        # roads carry their route numbers as tooltips
        "popup": None,
    }
    if kind == "road":
        opts.update(popup=[], title="ref", tooltip=["name_vi"], sources={}, confidence_label="")
    return QtmapLayer("shapes", [geojson_rows(gdf), table, opts], name=t(name_key, lang),
                      control=kind not in ("province", "neighbour"))
