"""Search over everything named on the map (projects, parks, zones, clusters, ports and gates, district seats).

Names are matched without diacritics or case (``quan ngang`` finds "Khu công nghiệp Quán
Ngang"); a search that finds nothing suggests the closest names.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> parks = gpd.GeoDataFrame({"id": ["ip_qn"], "name_vi": ["Khu công nghiệp Quán Ngang"],
...     "name_en": ["Quán Ngang Industrial Park"]}, geometry=[Point(107.08, 16.89)], crs="EPSG:4326")
>>> index = name_index({"industrial_park": parks}, "vi")
>>> [(h.kind, h.id, h.name) for h in search_names(index, "quan ngang")]
[('industrial_park', 'ip_qn', 'Khu công nghiệp Quán Ngang')]
>>> search_names(index, "quan ngnag"), closest_names(index, "quan ngnag")
([], ['Khu công nghiệp Quán Ngang'])

"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

import geopandas as gpd

from geo.filters import fold_series
from geo.records import display_name, located
from geo.schema import fold

__all__ = ["NAMED_KINDS", "Hit", "closest_names", "name_index", "search_names", "view_of"]

# What the search covers, in the order results are listed.
NAMED_KINDS: tuple[str, ...] = ("industrial_park", "economic_zone", "industrial_cluster", "infrastructure",
                                "district_seat", "project")


@dataclass(frozen=True)
class Hit:
    """One named feature found: its kind, id, name in the language, and bounds (None when not located)."""

    kind: str
    id: str
    name: str
    bounds: tuple[float, float, float, float] | None  # (west, south, east, north)


def name_index(layers: Mapping[str, gpd.GeoDataFrame], lang: str) -> pd.DataFrame:
    """One row per named feature of ``layers`` (kinds of :data:`NAMED_KINDS`): kind, id, name, folded text, bounds."""
    parts = []
    for kind in NAMED_KINDS:
        gdf = layers.get(kind)
        if gdf is None or not len(gdf) or "name_vi" not in gdf:
            continue
        names = display_name(gdf, lang)
        text = fold_series(gdf["name_vi"])
        if "name_en" in gdf:
            text = text + " | " + fold_series(gdf["name_en"])
        mask = located(gdf).to_numpy()
        bounds = [tuple(float(v) for v in geom.bounds) if ok else None for geom, ok in zip(gdf.geometry, mask,
                                                                                          strict=True)]
        parts.append(pd.DataFrame({"kind": kind, "id": gdf["id"].astype(str).to_numpy(), "name": names.to_numpy(),
                                   "text": text.to_numpy(), "bounds": bounds}))
    columns = ["kind", "id", "name", "text", "bounds"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def search_names(index: pd.DataFrame, query: str, limit: int = 8) -> list[Hit]:
    """The features whose name contains ``query`` (folded), at most ``limit``, in :data:`NAMED_KINDS` order."""
    needle = fold(query)
    if not needle or not len(index):
        return []
    found = index[index["text"].str.contains(needle, regex=False)]
    return [Hit(r.kind, r.id, r.name, r.bounds) for r in found.head(limit).itertuples()]


def closest_names(index: pd.DataFrame, query: str, n: int = 3) -> list[str]:
    """The ``n`` names closest to ``query`` (folded, by similarity), for "did you mean"."""
    needle = fold(query)
    if not needle or not len(index):
        return []
    folded = {fold(name): name for name in index["name"] if isinstance(name, str)}
    words = {}
    for key, name in folded.items():  # also match the query against each name's own words run
        words[key] = name
        parts = key.split()
        for size in range(1, min(4, len(parts)) + 1):
            for start in range(len(parts) - size + 1):
                words.setdefault(" ".join(parts[start:start + size]), name)
    out: list[str] = []
    for match in difflib.get_close_matches(needle, list(words), n=n * 4, cutoff=0.6):
        if words[match] not in out:
            out.append(words[match])
    return out[:n]


def view_of(bounds: tuple[float, float, float, float], width_px: int = 900, height_px: int = 560,
            max_zoom: float = 14.0) -> tuple[float, float, float]:
    """(lat, lon, zoom) showing ``bounds`` whole in a map of the given size (Web Mercator, 256-px tiles).

    >>> view_of((107.08, 16.89, 107.08, 16.89))
    (16.89, 107.08, 14.0)
    """
    west, south, east, north = bounds
    lat, lon = (south + north) / 2, (west + east) / 2

    def merc(y: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(y) / 2))

    dx = max(east - west, 1e-9) / 360
    dy = max(merc(north) - merc(south), 1e-9) / (2 * math.pi)
    zoom = min(math.log2(width_px * 0.8 / 256 / dx), math.log2(height_px * 0.8 / 256 / dy), max_zoom)
    return (round(lat, 6), round(lon, 6), round(max(zoom, 6.0) * 4) / 4)
