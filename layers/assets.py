"""Leaflet and qtmap assets, from installed packages, served by the app or inlined: never a CDN.

Leaflet comes from the ``xstatic-leaflet`` package; qtmap's own JS/CSS sit beside
this module; Leaflet.draw (the editors' draw tools) is vendored in ``layers/vendor/leaflet_draw``.
The app copies them into ``static/qtmap/`` (Streamlit serves ./static
at /app/static/); the standalone HTML export inlines them.
"""

from __future__ import annotations

import base64
import re
import shutil
from pathlib import Path

import xstatic.pkg.leaflet as xs_leaflet

import folium
from branca.element import Element

__all__ = [
    "CSS_FILES", "FEED_DIR", "HERE", "JS_FILES", "LEAFLET_DIR", "STATIC_SUBDIR", "STATIC_URL", "inline_assets",
    "install_static", "link_assets",
]

HERE = Path(__file__).resolve().parent
FEED_DIR = HERE / "feed"  # the app's feed component (index.html): hands the packed register and selection to the map
LEAFLET_DIR = Path(xs_leaflet.BASE_DIR)

# (name, file) in load order.
JS_FILES: tuple[tuple[str, Path], ...] = (("leaflet", LEAFLET_DIR / "leaflet.js"), ("qtmap", HERE / "qtmap.js"))
CSS_FILES: tuple[tuple[str, Path], ...] = (
    ("leaflet_css", LEAFLET_DIR / "leaflet.css"), ("qtmap_css", HERE / "qtmap.css"))
STATIC_SUBDIR = "qtmap"
STATIC_URL = "/app/static/qtmap/"


def _css_with_inline_images(path: Path) -> str:
    """Return the CSS at ``path`` with ``url(images/x.png)`` replaced by data URIs."""
    def inline(match: re.Match[str]) -> str:
        image = path.parent / match.group(1)
        data = base64.b64encode(image.read_bytes()).decode()
        return f"url(data:image/png;base64,{data})"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", inline, path.read_text(encoding="utf-8"))


def install_static(static_dir: Path) -> Path:
    """Copy the assets into ``static_dir/qtmap`` (idempotent); return that folder."""
    target = static_dir / STATIC_SUBDIR
    target.mkdir(parents=True, exist_ok=True)
    for name, path in JS_FILES:
        dest = target / f"{name}.js"
        if not dest.exists() or dest.stat().st_mtime < path.stat().st_mtime:
            shutil.copyfile(path, dest)
    for name, path in CSS_FILES:
        (target / f"{name}.css").write_text(_css_with_inline_images(path), encoding="utf-8")
    from layers.draw import DRAW_JS, draw_css  # an editor's draw tools (vendored Leaflet.draw, MIT)

    shutil.copyfile(DRAW_JS, target / "leaflet_draw.js")
    (target / "leaflet_draw.css").write_text(draw_css(), encoding="utf-8")
    return target


def link_assets(m: folium.Map, base_url: str = STATIC_URL) -> None:
    """Make ``m`` load its assets from ``base_url`` (the app's static route) instead of CDNs."""
    m.default_js = [(name, f"{base_url}{name}.js") for name, _ in JS_FILES]
    m.default_css = [(name, f"{base_url}{name}.css") for name, _ in CSS_FILES]


def inline_assets(m: folium.Map) -> None:
    """Embed the assets in ``m``'s page, for a single file that works offline from disk."""
    m.default_js, m.default_css = [], []
    css = "\n".join(_css_with_inline_images(path) for _, path in CSS_FILES)
    js = "\n".join(path.read_text(encoding="utf-8") for _, path in JS_FILES)
    js = js.replace("</script", "<\\/script")
    root = m.get_root()
    root.header.add_child(Element(f"<style>{css}</style>"), name="qtmap_inline_css")
    root.header.add_child(Element(f"<script>{js}</script>"), name="qtmap_inline_js")
