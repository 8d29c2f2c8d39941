r"""Encoding data for the page: JSON safe inside a <script> and a Jinja template, columnar tables, GeoJSON rows.

Data reaches the page only as JSON inside a script, with ``<``, ``>`` and ``&``
escaped (so no string can close the script tag), and layers/qtmap.js puts it into
the DOM with ``textContent`` (so no string is ever parsed as HTML).

Examples
--------
>>> script_json({"name": "</script><img src=x onerror=alert(1)>"})
'{"name":"\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e"}'

"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely.geometry

from geo.i18n import t
from geo.records import clean_nan, located
from geo.schema import KINDS, VOCABULARIES, label

__all__ = ["DICT_MIN_ROWS", "columnar", "geojson_rows", "layer_name", "script_json", "vocabulary_of"]

DICT_MIN_ROWS = 64  # string columns of at least this many rows may travel as labels + indexes
_JS_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


# "{{", "{%" and "{#" start Jinja syntax, and folium renders every element's script through
# Jinja again: data must never contain them. In compact JSON a structural "{" is followed by
# '"' or "}", so a "{" followed by one of these is always inside a string and can be escaped.
_JINJA_OPENERS = re.compile(r"\{(?=[{%#])")


def script_json(value: object) -> str:
    """Serialise ``value`` as compact JSON that is safe inside an HTML <script> and a Jinja template."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escape in _JS_ESCAPES.items():
        text = text.replace(char, escape)
    return _JINJA_OPENERS.sub(r"\\u007b", text)


def layer_name(text: str) -> str:
    """A layer-control label made from user text: Leaflet inserts labels as HTML, folium passes them to Jinja.

    >>> layer_name("<img src=x onerror=alert(1)>{{ 7*7 }}.csv")
    '&lt;img src=x onerror=alert(1)&gt; 7*7 .csv'
    """
    return html.escape(re.sub(r"[{}%#]", "", text), quote=True)


def vocabulary_of(kind: str, column: str) -> str | None:
    """Name of the vocabulary behind ``column`` in ``kind`` (e.g. 'sector'), or None."""
    spec = KINDS[kind].field(column) if kind in KINDS else None
    if spec is not None and spec.type in VOCABULARIES:
        return spec.type
    return column if column in VOCABULARIES else None


def _vocabulary_column(series: pd.Series, vocab: str, lang: str) -> dict[str, object]:
    """Labels in vocabulary order (unknown codes after them, as themselves) and one index per row (-1: none)."""
    codes_ = [term.code for term in VOCABULARIES[vocab]]
    position = {code: i for i, code in enumerate(codes_)}
    found, uniques = pd.factorize(series)
    values = [str(u) for u in uniques]
    extra = sorted(set(values) - set(position))
    for value in extra:
        position[value] = len(position)
    where = np.array([position[v] for v in values] + [-1], dtype=np.int64)  # found == -1 picks the last
    return {"labels": [label(vocab, c, lang) for c in codes_] + extra, "idx": where[found].tolist()}


_PLAIN_KINDS = {"string", "empty", "integer", "floating", "mixed-integer-float"}


def _plain_list(series: pd.Series) -> list[object]:
    """JSON-ready values: floats rounded to 6 decimals, missing values None, numpy scalars as Python ones."""
    if pd.api.types.is_float_dtype(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        out = np.round(values, 6).tolist()
        for i in np.flatnonzero(np.isnan(values)):
            out[i] = None
        return out
    values = series.astype(object).where(series.notna(), None).tolist()
    if pd.api.types.infer_dtype(values, skipna=True) in _PLAIN_KINDS:
        return values
    return [clean_nan(v) for v in values]


def columnar(df: pd.DataFrame, columns: Sequence[str], kind: str, lang: str) -> dict[str, object]:
    """Return ``df[columns]`` as a columnar table for qtmap.js .

    Vocabulary columns become ``{"labels": [...], "idx": [...]}`` with the labels in
    vocabulary order; booleans become yes/no in ``lang``; missing values become null.
    Other columns of at least :data:`DICT_MIN_ROWS` rows with at most half as many
    distinct values as rows are sent the same way (labels in order of first
    appearance); qtmap.js resolves both forms to the same cell values.
    """
    out: dict[str, object] = {}
    n = len(df)
    for column in columns:
        if column not in df.columns:
            continue
        series = df[column]
        vocab = vocabulary_of(kind, column)
        if vocab:
            out[column] = _vocabulary_column(series, vocab, lang)
            continue
        if series.dtype == bool:
            series = series.map({True: t("yes", lang), False: t("no", lang)})
        elif pd.api.types.is_float_dtype(series):
            series = series.round(6)
        if n >= DICT_MIN_ROWS and not pd.api.types.is_float_dtype(series):
            idx, uniques = pd.factorize(series)
            if 2 * len(uniques) <= n:
                out[column] = {"labels": [clean_nan(v) for v in uniques], "idx": idx.tolist()}
                continue
        out[column] = _plain_list(series)
    return out


def geojson_rows(gdf: gpd.GeoDataFrame, precision: int = 5) -> dict[str, object]:
    """GeoJSON of the located rows of ``gdf`` with only a ``row`` property (index into the table)."""
    features = []
    mask = located(gdf).to_numpy()
    for row, geom in enumerate(gdf.geometry):
        if not mask[row]:
            continue
        geometry = _round(shapely.geometry.mapping(geom), precision)  # the same GeoJSON as GeoSeries.to_json
        features.append({"type": "Feature", "properties": {"row": row}, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


def _round(obj: object, precision: int) -> object:
    if isinstance(obj, float):
        return round(obj, precision)
    if isinstance(obj, list | tuple):
        return [_round(x, precision) for x in obj]
    if isinstance(obj, dict):
        return {k: _round(v, precision) for k, v in obj.items()}
    return obj
