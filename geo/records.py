"""Record helpers every module shares: which rows are located, a record's name in a language, NaN cleaning.

One definition each, so the legend, the layers, the statistics and the exports agree
(with one valid point and one ``POINT EMPTY`` every one of them counts 1 located row).

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> gdf = gpd.GeoDataFrame({"name_vi": ["Cảng Cửa Việt", "Trạm B", "Trạm C"],
...                         "name_en": ["Cua Viet port", None, ""]},
...                        geometry=[Point(107.2, 16.9), Point(), None])
>>> located(gdf).tolist()
[True, False, False]
>>> display_name(gdf, "en").tolist()
['Cua Viet port', 'Trạm B', 'Trạm C']
>>> display_name(gdf.iloc[1], "en")
'Trạm B'
>>> clean_nan(float("nan")) is None, clean_nan(np.int64(3))
(True, 3)

"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

__all__ = ["NAME_COLUMNS", "blank", "clean_frame", "clean_nan", "display_name", "in_wgs84", "located", "name_column"]

# The name column of each language; names fall back to Vietnamese (the register's required name).
NAME_COLUMNS: dict[str, str] = {"vi": "name_vi", "en": "name_en"}
_FALLBACK = "name_vi"


def located(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.Series:
    """Boolean mask (aligned with ``gdf``) of the rows with a geometry that is neither missing nor empty.

    >>> from shapely.geometry import Point
    >>> located(gpd.GeoSeries([Point(1, 2), Point(), None])).tolist()
    [True, False, False]
    """
    geometry = gdf.geometry if isinstance(gdf, gpd.GeoDataFrame) else gdf
    values = geometry.to_numpy()
    mask = ~(shapely.is_missing(values) | shapely.is_empty(values))
    return pd.Series(mask, index=geometry.index, dtype=bool)


def in_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``gdf`` in EPSG:4326: reprojected from another CRS, declared so when it has none (taken as lon/lat)."""
    if gdf.crs is None:
        return gdf.set_crs("EPSG:4326")
    return gdf if gdf.crs.to_epsg() == 4326 else gdf.to_crs("EPSG:4326")


def clean_nan(value: object) -> object:
    """Return ``value`` as a plain Python value: NaN, NA and NaT become None, numpy scalars Python ones.

    >>> [clean_nan(v) for v in (None, pd.NA, pd.NaT, np.nan, np.float32("nan"), np.bool_(True), "x")]
    [None, None, None, None, None, True, 'x']
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def clean_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``df`` whose missing cells are None (columns with any become ``object``).

    >>> clean_frame(pd.DataFrame({"a": [1.5, np.nan], "b": ["x", "y"]})).to_dict("records")
    [{'a': 1.5, 'b': 'x'}, {'a': None, 'b': 'y'}]
    """
    out = df.copy()
    for column in out.columns:
        if column == getattr(df, "_geometry_column_name", None):
            continue
        series = out[column]
        if series.isna().any():
            out[column] = series.astype(object).where(series.notna(), None)
    return out


def blank(value: object) -> bool:
    """True for a missing value or an empty/blank string.

    >>> blank(np.nan), blank("  "), blank(0)
    (True, True, False)
    """
    value = clean_nan(value)
    return value is None or (isinstance(value, str) and not value.strip())


def name_column(lang: str) -> str:
    """The column holding names in ``lang`` ('vi' or 'en').

    >>> name_column("en")
    'name_en'
    """
    return NAME_COLUMNS.get(lang, _FALLBACK)


def display_name(obj: pd.DataFrame | pd.Series | Mapping | tuple, lang: str) -> pd.Series | str | None:
    """The name in ``lang``, falling back to the Vietnamese name.

    For a frame: a Series of names (None where neither name is given; all None without
    a ``name_vi`` column). For one record (a row Series, a mapping or a namedtuple from
    ``itertuples``): the name as a string, or None.

    >>> display_name({"name_vi": "Khu kinh tế Đông Nam", "name_en": " "}, "en")
    'Khu kinh tế Đông Nam'
    """
    wanted = name_column(lang)
    if isinstance(obj, pd.DataFrame):
        if _FALLBACK not in obj.columns:
            return pd.Series([None] * len(obj), index=obj.index, dtype=object)
        fallback = obj[_FALLBACK].astype(object).where(obj[_FALLBACK].notna(), None)
        if wanted not in obj.columns or wanted == _FALLBACK:
            return fallback
        name = obj[wanted].astype(object)
        given = name.notna() & (name.astype(str).str.strip() != "")
        return name.where(given, fallback)
    get = obj.get if hasattr(obj, "get") else lambda key, default=None: getattr(obj, key, default)
    for key in (wanted, _FALLBACK):
        value = get(key, None)
        if not blank(value):
            return str(value)
    return None
