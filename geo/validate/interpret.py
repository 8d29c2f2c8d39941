"""Reading a register as its author meant it, said in notes: numbers, units in headers, ids, polygon footprints.

These steps run before the checks (:data:`geo.validate.run.CHECKS`) and change
the records only in ways a note reports, once per file:

- numbers written the Vietnamese way (``1.250,5``, ``1 250,5``, ``125,5``) are
  read as numbers (:func:`geo.readers.read_numbers`); a cell that reads two ways
  (``1.250``: 1250 or 1.25?) is a warning showing the value it became and the other;
- a unit in a header (``Vốn đầu tư (tỷ đồng)``, ``Diện tích (ha)``) that is the
  field's unit is kept; ``triệu đồng`` is converted to ``tỷ đồng`` (÷ 1000); a
  unit with no fixed conversion (``triệu USD``) keeps the column out of the field;
- a register with no id column gets ids derived from the Vietnamese name and
  district (``P-`` and 8 hex digits, the same each time the file is read);
- a polygon given for a point kind (a factory footprint) keeps its outline in
  ``footprint_wkt`` and is drawn at a representative point inside it, with
  ``geometry_quality`` ``approximate`` where the file gives none.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from geo.i18n import fmt_number, t
from geo.readers import read_numbers, text_values
from geo.readers.header import unit_of
from geo.schema import Kind, fold
from geo.validate.context import Context

__all__ = ["FOOTPRINT_COLUMN", "UNIT_FACTORS", "derive_ids", "footprints", "keep_unit_renames", "read_number_fields"]

FOOTPRINT_COLUMN = "footprint_wkt"
# (unit in the header, unit of the field) -> factor; the same unit is factor 1. Others: no conversion is assumed.
UNIT_FACTORS: dict[tuple[str, str], float] = {("mn VND", "bn VND"): 0.001}


def keep_unit_renames(renames: dict[str, str], kind: Kind) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Drop renames of columns whose header unit cannot become the field's; return (renames, dropped)."""
    kept, dropped = {}, []
    for col, name in renames.items():
        f = kind.field(name)
        unit = unit_of(col)
        if f is not None and f.unit and unit and unit != f.unit and (unit, f.unit) not in UNIT_FACTORS \
                and not (f.unit == "year"):
            dropped.append((col, name, unit))
        else:
            kept[col] = name
    return kept, dropped


def _fmt(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def read_number_fields(c: Context, sources: dict[str, str]) -> None:
    """Read the numeric fields of a table as written (decimal comma, grouping, header units), with notes.

    ``sources`` maps a field to the file's own column name (after renames).
    """
    if not c.layer.is_table:
        return
    for f in c.kind.fields:
        if f.type not in ("int", "float") or f.name not in c.frame.columns:
            continue
        text = text_values(c.frame[f.name])
        reading = read_numbers(text)
        values = reading.values.copy()
        column = sources.get(f.name, f.name)
        unit = unit_of(column)
        factor = UNIT_FACTORS.get((unit, f.unit), 1.0) if unit and f.unit else 1.0
        changed = reading.reformatted | reading.ambiguous | (factor != 1.0) & values.notna().to_numpy()
        if not changed.any() and unit is None:
            continue
        example = reading.example(text, reading.reformatted)
        if example:
            key = "val_read_comma" if reading.convention == "comma" else "val_read_grouped"
            c.add(None, None, None, t(key, c.lang, column=repr(column), n=int(reading.reformatted.sum()),
                                        example=repr(example[0]), value=_fmt(example[1])), note=True)
        for i in np.flatnonzero(reading.ambiguous):
            c.add(int(i), f.name, text.iloc[i], t("val_ambiguous_number", c.lang, value=_fmt(values.iloc[i]),
                                                   other=_fmt(reading.alternative.iloc[i])), warning=True)
        if unit and f.unit and unit != "year":
            if factor != 1.0:
                values = values * factor
                c.add(None, None, None, t("val_unit_converted", c.lang, column=repr(column), unit=unit,
                                            field_unit=f.unit, factor=fmt_number(factor, c.lang)), note=True)
            else:
                c.add(None, None, None, t("val_unit_kept", c.lang, column=repr(column), unit=f.unit), note=True)
        parsed = values.notna().to_numpy()
        new = text.copy()
        new[parsed] = [_fmt(v) for v in values[parsed]]
        c.layer.frame[f.name] = new.where(parsed | (text == ""), text)


def derive_ids(c: Context) -> None:
    """Give a register without an id column ids derived from name_vi (and district), with a note saying how."""
    if c.kind.field("id") is None or "id" in c.frame.columns or "name_vi" not in c.frame.columns:
        return
    names = text_values(c.frame["name_vi"])
    district = text_values(c.frame["district"]) if "district" in c.frame.columns else pd.Series([""] * len(names))
    prefix = c.kind.code[:1].upper()
    base = [f"{prefix}-{hashlib.sha1(f'{fold(n)}|{fold(d)}'.encode()).hexdigest()[:8]}" if n else ""
            for n, d in zip(names, district, strict=True)]
    seen: dict[str, int] = {}
    ids = []
    for b in base:
        seen[b] = seen.get(b, 0) + 1
        ids.append(b if not b or seen[b] == 1 else f"{b}-{seen[b]}")
    c.layer.frame.insert(0, "id", pd.Series(ids, index=c.frame.index, dtype=object))
    c.ids = np.asarray(ids, dtype=object)
    example = next((i for i in ids if i), "")
    c.add(None, None, None, t("val_ids_derived", c.lang, example=example, n=sum(1 for i in ids if i)), note=True)


def footprints(c: Context) -> None:
    """For a point kind, keep polygon footprints in FOOTPRINT_COLUMN and place the record at a point inside."""
    if c.kind.geometry != ("Point",):
        return
    arr = c.frame.geometry.to_numpy()
    types = shapely.get_type_id(arr)
    poly = np.isin(types, [shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON])
    poly &= shapely.is_valid(np.where(poly, arr, None))
    if not poly.any():
        return
    wkt = np.full(len(arr), None, dtype=object)
    wkt[poly] = shapely.to_wkt(arr[poly], rounding_precision=7)
    c.layer.frame[FOOTPRINT_COLUMN] = wkt
    placed = arr.copy()
    placed[poly] = shapely.point_on_surface(arr[poly])
    source = c.layer.source_geometry.to_numpy().copy()
    src_poly = poly & ~pd.isna(source)
    source[src_poly] = shapely.point_on_surface(source[src_poly])
    c.layer.frame = c.layer.frame.set_geometry(gpd.GeoSeries(placed, crs=c.frame.crs))
    c.layer.source_geometry = gpd.GeoSeries(source, crs=c.layer.source_geometry.crs)
    filled = 0
    if "geometry_quality" in c.frame.columns:
        quality = text_values(c.frame["geometry_quality"])
        blank = poly & (quality == "").to_numpy()
        c.layer.frame.loc[blank, "geometry_quality"] = "approximate"
        filled = int(blank.sum())
    else:
        c.layer.frame["geometry_quality"] = np.where(poly, "approximate", None)
        filled = int(poly.sum())
    c.add(None, None, None, t("val_footprints", c.lang, n=int(poly.sum()), column=FOOTPRINT_COLUMN,
                              filled=filled), note=True)
