"""What a feature's tooltip and popup show: field order and labels, and place names for map labels."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from geo.i18n import t
from geo.records import display_name
from geo.schema import KINDS, LAT_COLUMNS, LON_COLUMNS, WKT_COLUMNS, X_COLUMNS, Y_COLUMNS, column_key

__all__ = [
    "ABBREVIATIONS", "ENGLISH_ONLY", "POPUP_FIRST", "field_label", "mark_english", "popup_fields", "short_name",
    "with_display_name",
]


# Popup rows come in this order (what a planner asks first), then the other fields in schema order.
POPUP_FIRST: tuple[str, ...] = (
    "sector", "subsector", "facility", "status", "status_year", "status_note", "status_timeline", "investor",
    "capacity", "capacity_mw", "capital_bn_vnd", "workers", "area_ha", "area_note", "year", "district", "commune",
    "zone_id",
)


def popup_fields(kind: str, df: pd.DataFrame, lang: str, skip: Sequence[str] = ()) -> list[list[str]]:
    """(label, column) pairs for the popup: the POPUP_FIRST fields, the rest of the schema, extra columns.

    Coordinate columns a reader turned into the geometry (lon/lat, X/Y, WKT) are not repeated.
    """
    coordinates = {*LON_COLUMNS, *LAT_COLUMNS, *X_COLUMNS, *Y_COLUMNS, *WKT_COLUMNS}
    hidden = {"name_vi", "name_en", "sources", "location_confidence", "location_note", "geometry", *skip}
    hidden |= {c for c in df.columns if column_key(c) in coordinates}
    names = [n for n in POPUP_FIRST if n in df.columns]
    names += [f.name for f in KINDS[kind].fields if f.name not in names] if kind in KINDS else []
    names += [c for c in df.columns if c not in names and not c.startswith("_")]
    return [[field_label(n, lang), n] for n in names if n in df.columns and n not in hidden]


def field_label(name: str, lang: str) -> str:
    """The label of field ``name`` in ``lang`` (i18n ``field_<name>``, else the name)."""
    try:
        return t(f"field_{name}", lang)
    except KeyError:
        return name.replace("_", " ")


# Long generic words in names -> the abbreviations planners use on maps.
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("Khu Kinh tế – Thương mại đặc biệt", "KKT-TM đặc biệt"), ("Khu kinh tế", "KKT"), ("Khu công nghiệp", "KCN"),
    ("Cụm công nghiệp làng nghề", "CCN-LN"), ("Cụm công nghiệp", "CCN"), ("Cửa khẩu quốc tế", "CKQT"),
    ("Cửa khẩu", "CK"), ("Special Economic and Commercial Zone", "SECZ"), ("Economic Zone", "EZ"),
    ("Industrial Park", "IP"), ("industrial cluster", "cluster"), ("International Border Gate", "border gate"),
)


def short_name(name: str | None) -> str | None:
    """Abbreviate the generic part of a place name for map labels.

    >>> short_name("Khu công nghiệp Quán Ngang")
    'KCN Quán Ngang'
    """
    if not name:
        return name
    for long, short in ABBREVIATIONS:
        name = name.replace(long, short)
    return name.split(" (")[0]


def with_display_name(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Add ``_name`` (:func:`geo.records.display_name`) and ``_label``, its abbreviated form for map labels."""
    out = df.copy()
    if "name_vi" in out.columns:
        out["_name"] = display_name(out, lang)
        out["_label"] = out["_name"].map(short_name)
    return out


# Free-text fields that the sources gave (and data/src holds) mostly in English only.
ENGLISH_ONLY: tuple[str, ...] = ("subsector", "facility", "capacity", "status_note", "area_note", "occupancy_note",
                                 "sectors_note", "location_note", "notes")
_VIETNAMESE = re.compile(r"[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z]{3,}")


def mark_english(values: pd.Series, lang: str) -> pd.Series:
    """In the Vietnamese interface, mark text that is in English only ("hydropower" → "hydropower (tiếng Anh)").

    A value counts as English when it has a word of three Latin letters or more and no Vietnamese letter.

    >>> list(mark_english(pd.Series(["hydropower and irrigation", "đang xây dựng", "21 MW", ""]), "vi"))
    ['hydropower and irrigation (tiếng Anh)', 'đang xây dựng', '21 MW', '']
    """
    if lang != "vi":
        return values
    marker = t("english_marker", lang)

    english = values.map(lambda v: isinstance(v, str) and bool(_WORD.search(v)) and not _VIETNAMESE.search(v))
    out = values.copy()
    out[english.astype(bool)] = values[english.astype(bool)].astype(str) + f" {marker}"
    return out
