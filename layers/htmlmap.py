"""The standalone interactive map: one HTML file, assets inlined, that works offline from disk."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from geo.bundled import ATTRIBUTION_SHORT, load_all, load_zones
from geo.filters import Filters, apply_filters
from layers.maps import standalone_map

__all__ = ["render_html", "write_html"]


def render_html(projects: gpd.GeoDataFrame, filters: Filters, lang: str = "vi") -> str:
    """Return the page for the filtered ``projects`` over every bundled layer."""
    layers = {k: v for k, v in load_all().items() if k != "project"}
    shown = apply_filters(projects, filters, load_zones())
    return standalone_map(layers, shown, lang, ATTRIBUTION_SHORT).get_root().render()


def write_html(out: str | Path, projects: gpd.GeoDataFrame, filters: Filters, lang: str = "vi") -> int:
    """Write the standalone map to ``out`` (all or nothing: nothing is written if rendering fails); return its size."""
    data = render_html(projects, filters, lang).encode("utf-8")
    Path(out).write_bytes(data)
    return len(data)
