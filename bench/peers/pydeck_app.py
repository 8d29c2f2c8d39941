"""Peer app: pydeck's ScatterplotLayer (deck.gl, WebGL; bundled with Streamlit, works offline), sector filter.

``QTMAP_PROJECTS=FILE streamlit run bench/peers/pydeck_app.py``. One ScatterplotLayer of the filtered rows,
coloured by sector, the English name as tooltip, no base map: ``map_provider=None``, pydeck's documented way
(with ``map_style=None`` Streamlit's front end loads CARTO's style from its CDN, which is blocked offline).

On Debian's Chromium 156, headless, with WebGL on SwiftShader (no GPU), deck.gl's first frames draw
(``drawArraysInstanced`` with one instance per point) and then the page stops answering: the renderer waits on
the GPU process, whose SwiftShader threads keep running, at 1,000 points as at 10,000, on a quiet machine as under
load. bench/peers/measure.py's watchdog reports it ("page stopped answering during first draw"); with a GPU
this app is expected to draw.
"""

from __future__ import annotations

import pydeck as pdk
import streamlit as st

from bench.peers.common import CENTER, MAP_HEIGHT, ZOOM, filtered, read_register, sector_rgb

__all__ = ["register"]


@st.cache_resource
def register():
    df = read_register()
    return df.join(sector_rgb(df["sector"]))


st.set_page_config(page_title="peer: pydeck", layout="wide")
shown = filtered(st, register())
layer = pdk.Layer("ScatterplotLayer", data=shown[["lon", "lat", "r", "g", "b", "name_en"]], get_position=["lon", "lat"],
                  get_fill_color=["r", "g", "b"], get_radius=4, radius_units="pixels", pickable=True)
st.pydeck_chart(pdk.Deck(layers=[layer], map_provider=None, tooltip={"text": "{name_en}"},
                         initial_view_state=pdk.ViewState(latitude=CENTER[0], longitude=CENTER[1], zoom=ZOOM)),
                height=MAP_HEIGHT)
st.caption(f"{len(shown):,} points")
