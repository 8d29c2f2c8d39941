"""Peer app: streamlit-folium with folium's FastMarkerCluster (Leaflet.markercluster), sector filter.

``QTMAP_PROJECTS=FILE streamlit run bench/peers/cluster_app.py``. One FastMarkerCluster of the filtered
rows (folium's default callback: a plain marker per row), no tiles; folium's CDN assets are served by the
app from bench/vendor/ (bench/peers/common.py).
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

import folium
from folium.plugins import FastMarkerCluster

from bench.peers.common import CENTER, MAP_HEIGHT, ZOOM, filtered, localize, read_register

__all__ = ["register"]


@st.cache_resource
def register():
    return read_register()


st.set_page_config(page_title="peer: FastMarkerCluster", layout="wide")
shown = filtered(st, register())
# The cluster layer needs the map's maxZoom, which no tile layer sets here.
m = folium.Map(location=CENTER, zoom_start=ZOOM, tiles=None, maxZoom=18)
cluster = FastMarkerCluster(shown[["lat", "lon"]].to_numpy().tolist()).add_to(m)
localize(m, cluster)
st_folium(m, height=MAP_HEIGHT, use_container_width=True, returned_objects=[])
st.caption(f"{len(shown):,} points")
