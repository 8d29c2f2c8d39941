"""Industrial parks, economic zones and clusters: polygons (approximate ones dashed) or points."""

from __future__ import annotations

import geopandas as gpd

from geo import style
from geo.bundled import load_sources
from geo.i18n import t
from geo.records import located as located_mask
from geo.schema import label
from layers.elements import QtmapLayer
from layers.encoding import columnar, geojson_rows
from layers.popups import popup_fields, with_display_name
from layers.symbols import area_style, confidence_options

__all__ = ["build", "info_options"]


def _used_sources(gdf: gpd.GeoDataFrame) -> dict[str, str]:
    """Source key -> URL for the keys that ``gdf`` cites (not the whole table)."""
    table = load_sources()
    keys = set()
    if "sources" in gdf.columns:
        for value in gdf["sources"].dropna().unique():
            keys.update(k.strip() for k in str(value).split(";"))
    return {k: table[k] for k in sorted(keys) if k in table}


def info_options(kind: str, gdf: gpd.GeoDataFrame, lang: str) -> dict[str, object]:
    """Tooltip and popup options shared by every entity layer."""
    return {
        "title": "_name",
        "tooltip": [c for c in ("status", "sector", "facility", "district") if c in gdf.columns][:2],
        "popup": popup_fields(kind, gdf, lang, skip=("anchor_lon", "anchor_lat")),
        "sources": _used_sources(gdf),
        "confidence_label": t("popup_confidence", lang),
    }


def build(gdf: gpd.GeoDataFrame, kind: str, lang: str) -> QtmapLayer:
    """Return the layer of ``kind`` (industrial_park, economic_zone or industrial_cluster), labelled."""
    gdf = with_display_name(gdf, lang)
    located = gdf[located_mask(gdf)].reset_index(drop=True)
    columns = ["_name", "_label", *[c for c in located.columns if c not in ("geometry", "_name", "_label")]]
    opts = {
        "style": area_style(kind),
        "label_column": "_label" if kind != "industrial_cluster" else None,
        "label_class": f"qtmap-label-{kind}",
        "label_priority": style.LABEL_PRIORITY[style.KIND_LABEL_CLASS[kind]],
        "point_radius": 6,
        "approx_value": label("geometry_quality", "approximate", lang),
        "approx_dash": style.APPROXIMATE_DASH.replace(" ", ","),
        **confidence_options(),
        **info_options(kind, located, lang),
    }
    return QtmapLayer("shapes", [geojson_rows(located), columnar(located, columns, kind, lang), opts],
                      name=t(f"layer_{kind}", lang))
