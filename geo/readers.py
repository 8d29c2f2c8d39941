"""Readers: every supported file format in, a schema-typed GeoDataFrame in EPSG:4326 out.

(Initial version: GeoJSON/GeoPackage through pyogrio and schema coercion. CSV/XLSX,
zipped shapefiles, encodings and VN-2000 CRSs are added by the readers work.)
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.schema import KINDS, VOCABULARIES, normalise_term

_TRUE = {"true", "1", "yes", "x", "có", "co", "đúng", "dung"}
_FALSE = {"false", "0", "no", "", "không", "khong", "sai"}


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == ""


def coerce_to_schema(gdf: gpd.GeoDataFrame, kind: str) -> gpd.GeoDataFrame:
    """Cast the schema fields of ``gdf`` to their types and vocabulary labels to codes.

    Values that cannot be cast are left as they are (the validator reports them);
    columns outside the schema are kept unchanged.
    """
    out = gdf.copy()
    for f in KINDS[kind].fields:
        if f.name not in out.columns:
            continue
        col = out[f.name]
        if f.type in ("int", "float"):
            num = pd.to_numeric(col.where(~col.map(_is_blank)), errors="coerce")
            if num.notna().sum() == (~col.map(_is_blank)).sum():  # only cast when every value parses
                out[f.name] = num.round().astype("Int64") if f.type == "int" else num.astype(float)
        elif f.type == "bool":
            folded = col.map(lambda v: str(v).strip().lower() if not _is_blank(v) else "")
            if folded.isin(_TRUE | _FALSE).all():
                out[f.name] = folded.isin(_TRUE)
        else:
            values = col.map(lambda v: None if _is_blank(v) else str(v).strip())
            if f.type in VOCABULARIES:
                values = values.map(lambda v: v if v is None else (normalise_term(f.type, v) or v))
            out[f.name] = values.astype(object)
    return out


def read_file(path: str | Path, kind: str = "project") -> gpd.GeoDataFrame:
    """Read ``path`` as a layer of ``kind``; the result is in EPSG:4326."""
    gdf = gpd.read_file(path, engine="pyogrio")
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs("EPSG:4326")
    return coerce_to_schema(gdf, kind)
