"""What the peer apps share: the register they read, the sidebar sector filter, and folium's assets served locally.

The peer apps are Streamlit scripts run as ``streamlit run bench/peers/<app>.py`` from the checkout (so
the checkout's .streamlit/config.toml applies: static serving on). Streamlit serves the ``static/``
folder beside the script at ``/app/static/``; :func:`serve_vendor` copies bench/vendor/ there and
:func:`localize` points folium's CDN URLs at it ("CDN assets served locally").
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd

from geo.i18n import t
from geo.schema import codes, label
from geo.style import sector_colour

__all__ = ["CDN", "CENTER", "HERE", "LANG", "MAP_HEIGHT", "STATIC", "VENDOR", "ZOOM", "filtered", "localize",
           "read_register", "sector_rgb", "serve_vendor"]

HERE = Path(__file__).resolve().parent
VENDOR = HERE.parent / "vendor"
STATIC = HERE / "static"
STATIC_URL = "/app/static/vendor/"
LANG = "en"
CENTER = (16.75, 107.0)
ZOOM = 9
MAP_HEIGHT = 700

# folium 0.20's CDN URLs -> the vendored copies (bench/vendor/README.md says where each comes from).
CDN: dict[str, str | None] = {
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet/leaflet.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": "leaflet/leaflet.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/jquery.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js":
        "bootstrap/js/bootstrap.bundle.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": "bootstrap/css/bootstrap.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js":
        "leaflet.awesome-markers/js/leaflet.awesome-markers.js",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css":
        "leaflet.awesome-markers/css/leaflet.awesome-markers.css",
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css":
        "fontawesome-free/css/all.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js":
        "leaflet.markercluster/leaflet.markercluster.js",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css":
        "leaflet.markercluster/MarkerCluster.css",
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css":
        "leaflet.markercluster/MarkerCluster.Default.css",
    # Not on npm in this form (Bootstrap 3's glyphicons CSS, folium's rotate CSS from GitHub): left out.
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": None,
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css": None,
}


def serve_vendor() -> Path:
    """Copy bench/vendor/ to the static folder Streamlit serves beside the peer scripts (idempotent)."""
    target = STATIC / "vendor"
    if not (target / "leaflet" / "leaflet.js").is_file():
        tmp = STATIC / f".vendor-{os.getpid()}"
        shutil.copytree(VENDOR, tmp, dirs_exist_ok=True)
        if not target.exists():
            tmp.replace(target)
        else:
            shutil.rmtree(tmp)
    return target


def _local(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for name, url in pairs:
        if url not in CDN:
            raise KeyError(f"an asset with no vendored copy: {url} (add it to bench/vendor and CDN)")
        if CDN[url] is not None:
            out.append((name, STATIC_URL + CDN[url]))
    return out


def localize(*elements: object) -> None:
    """Point the CDN assets of folium ``elements`` (a map, a plugin) at the vendored copies."""
    serve_vendor()
    for el in elements:
        el.default_js = _local(list(getattr(el, "default_js", [])))
        el.default_css = _local(list(getattr(el, "default_css", [])))


def read_register(path: str | None = None) -> pd.DataFrame:
    """The located rows of the register CSV (``QTMAP_PROJECTS``): id, English name, sector, lon, lat."""
    path = path or os.environ.get("QTMAP_PROJECTS")
    if not path:
        raise SystemExit("set QTMAP_PROJECTS to a register CSV (python -m bench.synth N FILE writes one)")
    df = pd.read_csv(path, usecols=["id", "name_en", "sector", "lon", "lat"], dtype={"sector": "category"})
    return df[df["lon"].notna() & df["lat"].notna()].reset_index(drop=True)


def sector_rgb(sector: pd.Series) -> pd.DataFrame:
    """r, g, b columns (0-255) of qtmap's sector colours."""
    rgb = {c: tuple(int(sector_colour(c)[i:i + 2], 16) for i in (1, 3, 5)) for c in codes("sector")}
    cols = pd.DataFrame([rgb.get(s, (80, 80, 80)) for s in sector.cat.categories], columns=["r", "g", "b"],
                        index=sector.cat.categories)
    return cols.loc[sector.to_numpy()].reset_index(drop=True)


def filtered(st, df: pd.DataFrame) -> pd.DataFrame:
    """The sidebar sector filter qtmap has (same label, options and key; none chosen = all); the rows it keeps."""
    chosen = st.sidebar.multiselect(t("filter_sector", LANG), codes("sector"), key="sector",
                                    placeholder=t("choose", LANG), format_func=lambda c: label("sector", c, LANG))
    return df[df["sector"].isin(chosen)].reset_index(drop=True) if chosen else df
