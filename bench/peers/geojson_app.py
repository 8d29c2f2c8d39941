"""Peer app: streamlit-folium with one folium GeoJson layer of circle markers, sector filter.

``QTMAP_PROJECTS=FILE streamlit run bench/peers/geojson_app.py``. The filtered rows as one GeoJSON
FeatureCollection drawn as ``L.circleMarker``s on a canvas renderer, the English name as tooltip, no
tiles; folium's CDN assets are served by the app from bench/vendor/ (bench/peers/common.py).
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

import folium

from bench.peers.common import CENTER, MAP_HEIGHT, ZOOM, filtered, localize, read_register

__all__ = ["collection", "register"]


@st.cache_resource
def register():
    return read_register()


def collection(df) -> dict:
    """A GeoJSON FeatureCollection of the rows (name and sector as properties)."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
         "properties": {"name": name, "sector": sector}}
        for lon, lat, name, sector in zip(df["lon"], df["lat"], df["name_en"], df["sector"].astype(str), strict=True)]}


st.set_page_config(page_title="peer: GeoJson", layout="wide")
shown = filtered(st, register())
m = folium.Map(location=CENTER, zoom_start=ZOOM, tiles=None, prefer_canvas=True)
folium.GeoJson(collection(shown), name="projects", marker=folium.CircleMarker(radius=4, fill=True, weight=1),
               tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False)).add_to(m)
localize(m)
st_folium(m, height=MAP_HEIGHT, use_container_width=True, returned_objects=[])
st.caption(f"{len(shown):,} points")
