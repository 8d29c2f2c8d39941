"""Assembling the map: the stable base map, the project group that follows the filters, the standalone page.

The base map depends only on the bundled layers and the language, so its script is
identical across reruns and streamlit-folium never remounts it; everything that a
filter changes (projects, legend, uploads) travels in feature groups.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import folium
import geopandas as gpd
import xyzservices

from geo.extra import ExtraLayer
from geo.i18n import t
from geo.records import located
from geo.schema import KINDS
from layers import areas, base, places, projects
from layers.assets import inline_assets, link_assets
from layers.elements import QtmapAttribution, QtmapLayer, QtmapLegend
from layers.encoding import layer_name
from layers.legend import legend_spec

__all__ = [
    "AREA_KINDS", "BASE_ORDER", "BUILDERS", "CENTER", "FAMILY_BUILDERS", "TILES", "ZOOM", "app_map", "area_counts",
    "base_layers", "base_map", "extra_group", "live_group", "project_group", "standalone_map",
]

# The province (Cồn Cỏ included) fits a 600-px map at zoom 9.5, left of the legend.
CENTER: tuple[float, float] = (16.74, 107.14)
ZOOM = 9.5

# One builder per layer family (geo.schema.LAYER_FAMILIES); each kind names its family in geo.schema.KINDS.
FAMILY_BUILDERS = {"base": base.build, "areas": areas.build, "places": places.build, "projects": projects.build}
BUILDERS = {code: FAMILY_BUILDERS[kind.layer] for code, kind in KINDS.items()}
# Drawing order of the layers that do not change with the filters (bottom first).
BASE_ORDER: tuple[str, ...] = ("neighbour", "province", "coastline", "border", "road", "economic_zone",
                               "industrial_park", "industrial_cluster", "infrastructure", "district_seat")
AREA_KINDS: tuple[str, ...] = ("economic_zone", "industrial_park", "industrial_cluster", "infrastructure")

# Optional online basemaps: (i18n key, URL template, attribution). Off by default.
TILES: tuple[tuple[str, str, str], ...] = (
    ("tiles_osm", "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "© OpenStreetMap contributors"),
    ("tiles_light", "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
     "© OpenStreetMap contributors © CARTO"),
    ("tiles_satellite", "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
     "Tiles © Esri — Source: Esri, Maxar, Earthstar Geographics, and the GIS User Community"),
)


def base_layers(layers: Mapping[str, gpd.GeoDataFrame], lang: str) -> dict[str, QtmapLayer]:
    """Build the layers of the base map once (serialising their data); :func:`base_map` draws copies of them.

    The caller owns their lifetime: the app keeps them per language with
    ``st.cache_resource``, so reruns reuse the serialised data.
    """
    return {kind: BUILDERS[kind](layers[kind], kind, lang) for kind in BASE_ORDER if kind in layers}


def base_map(layers: Mapping[str, gpd.GeoDataFrame], lang: str, attribution: str = "",
             built: Mapping[str, QtmapLayer] | None = None) -> folium.Map:
    """Return the map with every bundled layer that filters do not change, and basemap choices.

    ``built``: the layers from :func:`base_layers` for ``layers`` and ``lang``, when the
    caller keeps them (else they are built here).
    """
    m = folium.Map(location=CENTER, zoom_start=ZOOM, tiles=None, prefer_canvas=True, control_scale=True,
                   min_zoom=6, max_zoom=18, zoom_snap=0.25, zoom_delta=0.5)
    folium.FeatureGroup(name=t("basemap_none", lang), overlay=False, control=True).add_to(m)
    for key, url, attr in TILES:
        # A TileProvider, not the URL: folium would look a string up among all of xyzservices' providers first.
        provider = xyzservices.TileProvider(name=key, url=url, attribution=attr)
        folium.TileLayer(provider, attr=attr, name=t(key, lang), overlay=False, show=False, max_zoom=18).add_to(m)
    built = base_layers(layers, lang) if built is None else built
    for kind in BASE_ORDER:
        if kind in built:
            built[kind].fresh_copy().add_to(m)  # an element has one parent: a new map needs new elements
    if attribution:
        _attribution(m, attribution)
    return m


def _attribution(m: folium.Map, text: str) -> None:
    """Put the data attribution in Leaflet's attribution control (escaped: it accepts HTML)."""
    QtmapAttribution(text).add_to(m)


def project_group(projects_gdf: gpd.GeoDataFrame, lang: str, area_counts: Mapping[str, int] | None = None,
                  name: str | None = None, extra: Sequence[ExtraLayer] = ()) -> folium.FeatureGroup:
    """Return the feature group of the (filtered) projects with the legend that describes them (and ``extra``)."""
    group = folium.FeatureGroup(name=name or t("layer_projects", lang), overlay=True)
    layer = projects.build(projects_gdf, "project", lang)
    layer.control = False
    layer.add_to(group)
    QtmapLegend(legend_spec(projects_gdf, lang, dict(area_counts or {}), extra)).add_to(group)
    return group


def extra_group(extra: ExtraLayer, lang: str) -> folium.FeatureGroup:
    """Return the feature group of an uploaded layer, drawn by its kind's builder, named "Uploaded: file"."""
    group = folium.FeatureGroup(name=layer_name(extra.title(lang)), overlay=True)
    layer = BUILDERS[extra.kind](extra.data, extra.kind, lang)
    layer.control = False
    layer.add_to(group)
    return group


def live_group(lang: str, name: str | None = None) -> folium.FeatureGroup:
    """The app's project group: one ``qtmap.live()`` layer fed by the app's feed component, with its legend.

    Its script depends only on the language, so the map's script stays the same whatever the filters
    (streamlit-folium then re-sends and re-renders nothing): the register arrives once through the feed
    (:mod:`layers.packed`), each filter change as a bitset (:mod:`layers.selection`) and a legend.
    """
    group = folium.FeatureGroup(name=name or t("layer_projects", lang), overlay=True)
    layer = QtmapLayer("live", [], name=name or t("layer_projects", lang))
    layer.control = False
    layer.add_to(group)
    return group


def area_counts(layers: Mapping[str, gpd.GeoDataFrame]) -> dict[str, int]:
    """Located features per area kind, for the legend."""
    return {k: int(located(layers[k]).sum()) for k in AREA_KINDS if k in layers}


def standalone_map(layers: Mapping[str, gpd.GeoDataFrame], projects_gdf: gpd.GeoDataFrame, lang: str,
                   attribution: str = "", extra: Sequence[ExtraLayer] = ()) -> folium.Map:
    """Return a complete map with inlined assets, for a single offline HTML file (with the uploaded ``extra``)."""
    m = base_map(layers, lang, attribution)
    project_group(projects_gdf, lang, area_counts(layers), extra=extra).add_to(m)
    for layer in extra:
        extra_group(layer, lang).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    inline_assets(m)
    return m


def app_map(layers: Mapping[str, gpd.GeoDataFrame], lang: str, attribution: str = "",
            built: Mapping[str, QtmapLayer] | None = None) -> folium.Map:
    """Return the app's base map, loading its assets from the app's static route (``built``: see base_map)."""
    m = base_map(layers, lang, attribution, built)
    link_assets(m)
    return m
