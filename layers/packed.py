"""The project register as one gzipped binary columnar blob, sent to the browser once per register version.

Layout (before gzip; all numbers little-endian)::

    b"QTM1"  uint32 H  header (H bytes of UTF-8 JSON, H a multiple of 4)  arrays (each 4-byte aligned)

The header holds ``n`` (located projects), ``opts`` (what qtmap.js needs to draw and describe
them: symbols, popup fields, the sources table...), ``lon``/``lat`` (where the Float32 arrays
are) and ``cols``: every column the popup, tooltip and symbols read, each as a dictionary of
its distinct values (``labels``, JSON: strings, numbers or null) and one code per row (Uint8,
Uint16 or Uint32 by the dictionary's size) at ``idx``. Vocabulary columns keep their labels in
vocabulary order (the symbol tables line up with the codes). Strings travel as data, never as
markup or script: qtmap.js puts them into the page with ``textContent``, as for every layer.

Rows are the located projects in register order; :mod:`layers.selection` sends a filter's result
as one bit per row of this order, so a filter change sends only that.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
from dataclasses import dataclass

import numpy as np
import pandas as pd

import geopandas as gpd

from geo.records import clean_nan
from geo.schema import VOCABULARIES, label
from layers.encoding import vocabulary_of
from layers.projects import BULK_ABOVE, prepare

__all__ = ["MAGIC", "Packed", "pack", "unpack", "version_of"]

MAGIC = b"QTM1"
_TYPES = {"f32": np.dtype("<f4"), "u8": np.dtype("u1"), "u16": np.dtype("<u2"), "u32": np.dtype("<u4")}


@dataclass(frozen=True)
class Packed:
    """A packed register: the gzipped ``blob``, its ``version`` and the register index of each packed row."""

    blob: bytes
    version: str
    index: pd.Index


def version_of(key: object) -> str:
    """A short stable version string for ``key`` (the register's source, year, language...)."""
    return hashlib.sha1(repr(key).encode("utf-8")).hexdigest()[:16]


def _codes(series: pd.Series, vocab: str | None, lang: str) -> tuple[list[object], np.ndarray]:
    """(labels, one code per row): the column's distinct values as a dictionary; missing values -> null."""
    if vocab:
        order = [term.code for term in VOCABULARIES[vocab]]
        found, uniques = pd.factorize(series)
        values = [str(u) for u in uniques]
        position = {code: i for i, code in enumerate(order)}
        extra = sorted(set(values) - set(position))
        for value in extra:
            position[value] = len(position)
        labels: list[object] = [label(vocab, c, lang) for c in order] + extra
        where = np.array([position[v] for v in values] + [len(labels)], dtype=np.int64)
        labels.append(None)  # code len(labels) - 1: none
        return labels, where[found]
    if series.dtype == bool:
        from geo.i18n import t

        series = series.map({True: t("yes", lang), False: t("no", lang)})
    elif pd.api.types.is_float_dtype(series):
        series = series.round(6)
    found, uniques = pd.factorize(series)
    labels = [clean_nan(v.item() if isinstance(v, np.generic) else v) for v in uniques]
    labels.append(None)
    found = np.where(found < 0, len(labels) - 1, found)
    return labels, found


def _width(n_labels: int) -> str:
    return "u8" if n_labels <= 1 << 8 else "u16" if n_labels <= 1 << 16 else "u32"


def pack(gdf: gpd.GeoDataFrame, lang: str, key: object, kind: str = "project",
         bulk_above: int | None = BULK_ABOVE, history: str | None = None) -> Packed:
    """Pack the located projects of ``gdf`` (as :func:`layers.projects.build` would draw them) for ``key``.

    ``history``: the text of a link in each popup to that record's history (the app, over a store), or None.
    """
    located, columns, opts = prepare(gdf, kind, lang, bulk_above)
    if history:
        opts["history_label"] = history  # text: qtmap.js puts it in with textContent, the id into the URL encoded
    if "id" in located.columns and "id" not in columns:
        columns.append("id")  # the record's id: what a test or a link names a drawn point by
    arrays: list[bytes] = []
    offset = 0

    def put(values: np.ndarray, type_: str) -> list[object]:
        nonlocal offset
        data = np.ascontiguousarray(values, dtype=_TYPES[type_]).tobytes()
        data += b"\0" * (-len(data) % 4)
        where = [offset, type_, int(len(values))]
        arrays.append(data)
        offset += len(data)
        return where

    header: dict[str, object] = {"n": len(located), "opts": opts}
    header["lon"] = put(located.geometry.x.to_numpy(), "f32")
    header["lat"] = put(located.geometry.y.to_numpy(), "f32")
    cols: dict[str, object] = {}
    for column in columns:
        if column not in located.columns:
            continue
        labels, codes_ = _codes(located[column], vocabulary_of(kind, column), lang)
        cols[column] = {"labels": labels, "idx": put(codes_, _width(len(labels)))}
    header["cols"] = cols
    text = json.dumps(header, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    text += b" " * (-len(text) % 4)
    raw = MAGIC + struct.pack("<I", len(text)) + text + b"".join(arrays)
    return Packed(gzip.compress(raw, compresslevel=6, mtime=0), version_of(key), located.index)


def unpack(blob: bytes) -> dict[str, object]:
    """Read a blob back (what qtmap.js does): ``{"n", "opts", "lon", "lat", "cols": {name: [values]}}``."""
    raw = gzip.decompress(blob)
    if raw[:4] != MAGIC:
        raise ValueError("not a packed qtmap register")
    (size,) = struct.unpack("<I", raw[4:8])
    header = json.loads(raw[8:8 + size].decode("utf-8"))
    base = 8 + size

    def get(where: list[object]) -> np.ndarray:
        start, type_, count = where
        return np.frombuffer(raw, dtype=_TYPES[type_], count=count, offset=base + start)

    cols = {name: [col["labels"][k] for k in get(col["idx"])] for name, col in header["cols"].items()}
    return {"n": header["n"], "opts": header["opts"], "lon": get(header["lon"]), "lat": get(header["lat"]),
            "cols": cols, "labels": {name: col["labels"] for name, col in header["cols"].items()}}
