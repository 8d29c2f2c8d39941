"""Leaflet's draw tools for an editor's footprints, served by the app (vendored Leaflet.draw 1.0.4, MIT).

:func:`draw_control` is folium's ``Draw`` plugin with its assets pointed at the app's
static route instead of cdnjs, offering only what a footprint is made of (polygon,
rectangle), its toolbar texts in the user's language. streamlit-folium returns what
was drawn (``all_drawings``) to the app, which checks and saves it
(:func:`geo.editing.save_footprint`).
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

from branca.element import MacroElement, Template
from folium.plugins import Draw

from geo.i18n import t

__all__ = ["DRAW_DIR", "DRAW_JS", "DRAW_CSS", "draw_control", "draw_css", "DrawTexts"]

DRAW_DIR = Path(__file__).resolve().parent / "vendor" / "leaflet_draw"
DRAW_JS = DRAW_DIR / "leaflet.draw.js"
DRAW_CSS = DRAW_DIR / "leaflet.draw.css"
_MIME = {".png": "image/png", ".svg": "image/svg+xml"}


def draw_css() -> str:
    """Leaflet.draw's CSS with its toolbar images inlined as data URIs (nothing else to serve or fetch)."""
    def inline(match: re.Match[str]) -> str:
        image = DRAW_DIR / match.group(1)
        return f"url(data:{_MIME[image.suffix]};base64,{base64.b64encode(image.read_bytes()).decode()})"

    return re.sub(r"url\(['\"]?(images/[\w.-]+\.(?:png|svg))['\"]?\)", inline, DRAW_CSS.read_text(encoding="utf-8"))


class DrawTexts(MacroElement):
    """Set Leaflet.draw's toolbar texts (``L.drawLocal``) in the user's language, before the control is made."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "DrawTexts"
        texts = {key: t(f"ar_draw_{key}", lang) for key in ("polygon", "rectangle", "start", "cont", "end", "finish",
                                                              "cancel", "undo", "edit", "remove", "save")}
        data = json.dumps(texts, ensure_ascii=True).replace("<", "\\u003c")  # no "</script>" from a catalog
        self.script = "L.drawLocal && (function (d, x) {" \
            "d.draw.toolbar.buttons.polygon = x.polygon; d.draw.toolbar.buttons.rectangle = x.rectangle;" \
            "d.draw.toolbar.actions.text = x.cancel; d.draw.toolbar.finish.text = x.finish;" \
            "d.draw.toolbar.undo.text = x.undo; d.draw.handlers.polygon.tooltip.start = x.start;" \
            "d.draw.handlers.polygon.tooltip.cont = x.cont; d.draw.handlers.polygon.tooltip.end = x.end;" \
            "d.draw.handlers.rectangle.tooltip.start = x.start; d.edit.toolbar.buttons.edit = x.edit;" \
            "d.edit.toolbar.buttons.remove = x.remove; d.edit.toolbar.actions.save.text = x.save;" \
            "d.edit.toolbar.actions.cancel.text = x.cancel;" \
            f"}})(L.drawLocal, {data});"

    # A script macro (streamlit-folium renders each element's script macro; folium renders it in order too).
    _template = Template("{% macro script(this, kwargs) %}{{ this.script }}{% endmacro %}")


def _served(draw: Draw, base_url: str) -> Draw:
    draw.default_js = [("leaflet_draw_js", f"{base_url}leaflet_draw.js")]
    draw.default_css = [("leaflet_draw_css", f"{base_url}leaflet_draw.css")]
    return draw


def draw_control(lang: str, base_url: str) -> list[MacroElement]:
    """The elements to add to the map: the toolbar texts and the Draw control (polygon and rectangle only)."""
    draw = Draw(position="topleft", show_geometry_on_click=False,
                draw_options={"polyline": False, "circle": False, "circlemarker": False, "marker": False,
                              "polygon": {"allowIntersection": False, "showArea": True}, "rectangle": {}},
                edit_options={"edit": True, "remove": True})
    return [DrawTexts(lang), _served(draw, base_url)]
