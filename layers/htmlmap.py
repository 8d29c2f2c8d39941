"""The standalone interactive map: one HTML file, assets inlined, that works offline from disk."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
from branca.element import Element

from geo.bundled import ATTRIBUTION_SHORT, load_all, load_zones
from geo.extra import ExtraLayer
from geo.filters import Filters, apply_filters
from geo.i18n import t
from geo.records import display_name
from layers.maps import standalone_map

__all__ = ["HEADING_CSS", "page_text", "render_html", "write_html"]

HEADING_CSS = ("position:absolute;top:10px;left:50%;transform:translateX(-50%);z-index:1000;max-width:60%;"
               "background:rgba(255,255,255,.92);padding:4px 12px;border-radius:4px;"
               "box-shadow:0 1px 4px rgba(0,0,0,.3);"
               "font:13px/1.3 'DejaVu Sans',Arial,sans-serif;text-align:center")


def page_text(text: str) -> str:
    """``text`` for the page's HTML: escaped, and with braces as entities (folium renders elements as Jinja)."""
    return html.escape(text).replace("{", "&#123;").replace("}", "&#125;")


def render_html(projects: gpd.GeoDataFrame, filters: Filters, lang: str = "vi", extra: Sequence[ExtraLayer] = ()
                ) -> str:
    """Return the page for the filtered ``projects`` over every bundled layer, with the uploaded ``extra`` layers."""
    layers = {k: v for k, v in load_all().items() if k != "project"}
    zones = load_zones()
    shown = apply_filters(projects, filters, zones)
    m = standalone_map(layers, shown, lang, ATTRIBUTION_SHORT, extra)
    title = t("report_title", lang)
    subtitle = filters.describe(lang, dict(zip(zones["id"], display_name(zones, lang), strict=True)))
    subtitle = " · ".join([subtitle, *(layer.caption(lang) for layer in extra)])
    root = m.get_root()
    root.title = page_text(f"{title} – {subtitle}")
    root.html.add_child(Element(f'<div class="qtmap-heading" style="{HEADING_CSS}"><b>{page_text(title)}</b>'
                                f"<br>{page_text(subtitle)}</div>"))
    return root.render()


def write_html(out: str | Path, projects: gpd.GeoDataFrame, filters: Filters, lang: str = "vi",
               extra: Sequence[ExtraLayer] = ()) -> int:
    """Write the standalone map to ``out`` (all or nothing: nothing is written if rendering fails); return its size."""
    data = render_html(projects, filters, lang, extra).encode("utf-8")
    Path(out).write_bytes(data)
    return len(data)
