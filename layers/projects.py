"""The project register: one canvas point layer, coloured by sector, filled by status."""

from __future__ import annotations

import geopandas as gpd

from geo import style
from geo.i18n import t
from geo.schema import VOCABULARIES
from layers.areas import info_options
from layers.common import QtmapLayer, columnar, confidence_options, with_display_name


def symbol_options() -> dict[str, object]:
    """Sector colours and status symbols in vocabulary order (they line up with the label indexes)."""
    return {
        "colour_by": "sector", "status_by": "status",
        "colours": [style.sector_colour(term.code) for term in VOCABULARIES["sector"]],
        "symbols": [{"fill_opacity": s.fill_opacity, "dash": s.dash.replace(" ", ",") if s.dash else None}
                    for s in (style.status_symbol(term.code) for term in VOCABULARIES["status"])],
        "default_colour": style.UNKNOWN_COLOUR,
        "default_symbol": {"fill_opacity": 0.9, "dash": None},
        "radius": style.PROJECT_RADIUS_PX,
    }


def build(gdf: gpd.GeoDataFrame, kind: str = "project", lang: str = "vi", name: str | None = None) -> QtmapLayer:
    """Return the located projects of ``gdf`` as one layer (rows without geometry are skipped)."""
    gdf = with_display_name(gdf, lang)
    located = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    columns = ["_name", *[c for c in located.columns if c != "geometry" and not c.startswith("_")]]
    data = {
        "lon": located.geometry.x.round(6).tolist(),
        "lat": located.geometry.y.round(6).tolist(),
        "cols": columnar(located, columns, kind, lang),
    }
    opts = {**symbol_options(), **confidence_options(), **info_options(kind, located, lang)}
    opts["tooltip"] = ["sector", "status"]
    return QtmapLayer("points", [data, opts], name=name or t("layer_projects", lang))
