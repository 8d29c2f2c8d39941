"""Paths and loaders of the datasets bundled in data/.

Examples
--------
>>> load_layer("district_seat").shape[0]
10

"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

import geopandas as gpd

from geo.schema import ENTITY_KINDS, FILES, ZONE_KINDS

__all__ = [
    "ATTRIBUTION", "ATTRIBUTION_SHORT", "DATA_DATE", "DATA_DIR", "FILES", "ZONE_KINDS", "load_aggregates", "load_all",
    "load_layer", "load_sources", "load_timeline", "load_zones", "split_zones", "zone_ids",
]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# Layer kind -> file under data/ (one file per kind): FILES, from the kinds registry geo.schema.KINDS.

# Attribution to show with each bundled base layer (see data/SOURCES.md).
ATTRIBUTION = (
    "Province outline: Open Development Mekong / Department of Survey and Mapping (Viet Nam), via geoBoundaries "
    "(Runfola et al. 2020), CC BY-SA 4.0 · Neighbours: geoBoundaries.org · Border, coastline: Made with Natural Earth "
    "· Roads: © OpenStreetMap contributors (ODbL) · Industrial data: Conclusion 11-KL/TU (2012) and the qtmap fact "
    "sheet (many locations inferred)"
)
# The same, short enough for the interactive map's attribution line.
ATTRIBUTION_SHORT = (
    "Outline: ODM/DSM via geoBoundaries, CC BY-SA 4.0 · Natural Earth · © OpenStreetMap contributors (ODbL) · "
    "Data: Conclusion 11-KL/TU (2012), qtmap fact sheet (many locations inferred)"
)
DATA_DATE = "2011 (Conclusion 11-KL/TU, 12 Jan 2012), with later context to 2025"


@cache
def _read(kind: str) -> gpd.GeoDataFrame:
    from geo.readers import coerce_to_schema

    gdf = gpd.read_file(DATA_DIR / FILES[kind], engine="pyogrio")
    return coerce_to_schema(gdf, kind) if kind in ENTITY_KINDS else gdf


def load_layer(kind: str) -> gpd.GeoDataFrame:
    """Return a copy of the bundled layer ``kind`` (EPSG:4326)."""
    return _read(kind).copy()


def load_all() -> dict[str, gpd.GeoDataFrame]:
    """Return every bundled layer, keyed by kind."""
    return {kind: load_layer(kind) for kind in FILES}


def load_sources() -> dict[str, str]:
    """Return source key -> URL (or description where no URL exists)."""
    df = pd.read_csv(DATA_DIR / "sources.csv", dtype=str, keep_default_na=False)
    return {r.key: (r.url or r.description) for r in df.itertuples()}


def load_timeline() -> pd.DataFrame:
    """Return the bundled status timelines (data/status_timeline.csv): project_id, status, year, source."""
    return pd.read_csv(DATA_DIR / "status_timeline.csv", dtype={"project_id": str, "status": str, "year": "Int64",
                                                                "source": str}, keep_default_na=False)


def load_aggregates() -> pd.DataFrame:
    """Return the conclusion's reported figures (data/src/aggregates.csv)."""
    return pd.read_csv(DATA_DIR / "src" / "aggregates.csv", dtype={"compare_filter": str}, keep_default_na=False)


def load_zones() -> gpd.GeoDataFrame:
    """Return parks, economic zones and clusters as one layer with a ``kind`` column."""
    parts = []
    for kind in ZONE_KINDS:
        gdf = load_layer(kind)
        gdf.insert(0, "kind", kind)
        parts.append(gdf)
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs="EPSG:4326")


def split_zones(zones: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """The layers of a ``kind``-column table of areas (the store's), one per zone kind with that kind's fields."""
    from geo.schema import KINDS

    out = {}
    for kind in ZONE_KINDS:
        names = [f.name for f in KINDS[kind].fields if f.name in zones.columns]
        part = zones[zones["kind"] == kind]
        out[kind] = gpd.GeoDataFrame(part[names].reset_index(drop=True), geometry=part.geometry.reset_index(drop=True),
                                     crs="EPSG:4326")
    return out


def zone_ids() -> tuple[str, ...]:
    """Ids of every bundled park, economic zone and cluster."""
    return tuple(load_zones()["id"])
