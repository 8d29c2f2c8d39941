"""Checks that location_confidence and geometry_quality agree with the geometry; defaults for users' files."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.i18n import t
from geo.readers import LAT_COLUMNS, LON_COLUMNS, X_COLUMNS, Y_COLUMNS, map_distinct, text_values
from geo.schema import normalise_term
from geo.validate.context import Context

__all__ = ["check_confidence", "check_quality"]

_LOCATED_CONFIDENCES = ("high", "medium", "low")


def _to_codes(vocab: str, text: pd.Series) -> np.ndarray:
    """Return the code of every value of ``text`` (None where unknown or blank)."""
    return map_distinct(text, lambda v: normalise_term(vocab, v))


def _column(c: Context, name: str) -> pd.Series:
    """The cells of column ``name`` as text; all blank when the file has no such column."""
    return text_values(c.frame[name]) if name in c.frame.columns else pd.Series([""] * len(c.frame))


def _fill_blanks(c: Context, name: str, raw: pd.Series, codes_: np.ndarray, blank: np.ndarray,
                 default: np.ndarray, what_was_done: str) -> np.ndarray:
    """Fill the blank ``name`` cells of a user's file with ``default``, say so in a note; return the codes."""
    if name not in c.frame.columns:
        what = t("val_no_column", c.lang, name=name)
    else:
        what = t("val_empty_on", c.lang, name=name, rows=c.rows_text(blank))
    c.frame[name] = np.where(blank, default, raw.to_numpy(dtype=object))
    c.add(None, None, None, f"{what}: {what_was_done}", note=True)
    return np.where(blank, default, codes_)


def check_confidence(c: Context) -> None:
    """A located record has confidence high/medium/low, an unlocated one none; users' blanks are defaulted."""
    if "location_confidence" not in {f.name for f in c.kind.fields}:
        return
    located, bad = c.located, c.bad
    raw = _column(c, "location_confidence")
    conf = _to_codes("location_confidence", raw)
    blank = (raw == "").to_numpy()
    if not c.strict and blank.any():
        done = t("val_confidence_defaulted", c.lang, m=int((blank & located).sum()), n=int((blank & ~located).sum()))
        conf = _fill_blanks(c, "location_confidence", raw, conf, blank, np.where(located, "low", "none"), done)
    has_columns = c.layer.coords is not None or not c.layer.is_table
    claims = ~located & ~bad & np.isin(conf, _LOCATED_CONFIDENCES)
    if claims.any() and not has_columns:
        looked = ", ".join(LON_COLUMNS + LAT_COLUMNS + X_COLUMNS + Y_COLUMNS)
        c.add(None, None, None, t("val_no_coordinate_columns", c.lang, looked=looked, rows=c.rows_text(claims),
                                  n=int(claims.sum())))
    elif claims.any():
        c.add_rows(claims, "location_confidence", pd.Series(conf),
                   lambda v: t("val_confident_without_location", c.lang, value=repr(v)))
    c.add_rows(located & (conf == "none"), "location_confidence", pd.Series(conf),
               t("val_located_confidence_none", c.lang))


def check_quality(c: Context) -> None:
    """geometry_quality is 'point' exactly for points; users' blanks are defaulted (strict: reported)."""
    if "geometry_quality" not in {f.name for f in c.kind.fields}:
        return
    located = c.located
    raw = _column(c, "geometry_quality")
    quality = _to_codes("geometry_quality", raw)
    points = (c.frame.geometry.geom_type == "Point").to_numpy()
    if "footprint_wkt" in c.frame.columns:  # a polygon drawn at a point inside it (geo.validate.interpret)
        points = points & (text_values(c.frame["footprint_wkt"]) == "").to_numpy()
    blank = located & (raw == "").to_numpy()
    if blank.any() and c.strict:
        c.add_rows(blank, "geometry_quality", raw, t("val_quality_empty", c.lang))
    elif blank.any():
        quality = _fill_blanks(c, "geometry_quality", raw, quality, blank, np.where(points, "point", "approximate"),
                               t("val_quality_defaulted", c.lang))
    c.add_rows(located & points & np.isin(quality, ("surveyed", "approximate")), "geometry_quality",
               pd.Series(quality), lambda v: t("val_quality_not_point", c.lang, value=repr(v)))
    c.add_rows(located & ~points & (quality == "point"), "geometry_quality", pd.Series(quality),
               t("val_quality_point", c.lang))
