"""GeoDataFrames out of the store: the register and the areas with the dtypes of the bundled layers.

Examples
--------
>>> typed_frame({"kind": ["industrial_park"], "id": ["ip_x"], "area_ha": [None]}, [None],
...             fields=("kind", "id", "area_ha")).dtypes["area_ha"]
dtype('float64')

"""

from __future__ import annotations

import pandas as pd

import geopandas as gpd
import shapely

from geo.store.records import AREA_FIELD_TYPES, FIELD_TYPES, FIELDS

__all__ = ["typed_frame", "frame_from_arrow", "records_frame"]

_TYPES = {**AREA_FIELD_TYPES, **FIELD_TYPES}


def typed_frame(columns: dict[str, object], geometry: object, fields: tuple[str, ...] = FIELDS) -> gpd.GeoDataFrame:
    """Build a GeoDataFrame of ``fields`` with the dtypes of the bundled one (Int64, float, bool, object with None)."""
    data: dict[str, object] = {}
    for name in fields:
        col = pd.Series(columns[name])
        kind = _TYPES[name]
        if kind == "int":
            data[name] = pd.to_numeric(col.astype(object).where(col.notna(), None)).astype("Int64")
        elif kind == "float":
            data[name] = pd.to_numeric(col.astype(object).where(col.notna(), None)).astype(float)
        elif kind == "bool" and col.notna().all() and len(col):
            data[name] = col.astype(bool)
        else:
            data[name] = col.astype(object).where(col.notna(), None)
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geometry, crs="EPSG:4326"), crs="EPSG:4326")


def frame_from_arrow(table, geometry_column: str) -> gpd.GeoDataFrame:
    """The register from an Arrow table read by pyogrio (columns converted by Arrow, not value by value)."""
    data: dict[str, object] = {}
    for name in FIELDS:
        col = table.column(name)
        kind = FIELD_TYPES[name]
        if kind == "int":
            data[name] = pd.array(col.to_pandas(), dtype="Int64")
        elif kind == "float":
            data[name] = col.to_numpy(zero_copy_only=False).astype(float)
        elif kind == "bool" and col.null_count == 0:
            data[name] = col.to_numpy(zero_copy_only=False).astype(bool)
        else:
            data[name] = pd.Series(col.to_numpy(zero_copy_only=False), dtype=object)
    geometry = shapely.from_wkb(table.column(geometry_column).to_numpy(zero_copy_only=False))
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geometry, crs="EPSG:4326"), crs="EPSG:4326")


def records_frame(records: list[dict[str, object]], fields: tuple[str, ...]) -> gpd.GeoDataFrame:
    """A typed GeoDataFrame of canonical records (geometry as hex WKB) over ``fields``."""
    columns = {name: [r.get(name) for r in records] for name in fields}
    geoms = [None if r.get("geometry") is None else shapely.from_wkb(r["geometry"]) for r in records]
    return typed_frame(columns, geoms, fields)
