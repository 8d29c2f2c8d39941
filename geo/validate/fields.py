"""Checks of the attribute table: records present, required columns, values, numbers, ids, sources, zone ids."""

from __future__ import annotations

from difflib import get_close_matches

import numpy as np
import pandas as pd

from geo.i18n import catalog, t
from geo.readers import _FALSE, _TRUE, text_values, to_floats
from geo.schema import VOCABULARIES, Field, codes, normalise_term, suggest_term
from geo.validate.context import SOFT_FIELDS, Context

__all__ = ["check_fields", "check_ids", "check_records", "check_required_columns", "check_sources",
           "check_zone_ids", "field_description", "vocab_message"]

# Units of schema fields said differently in Vietnamese (others, like ha and MW, read the same).
_UNIT_KEYS = {"bn VND": "val_unit_bn_vnd", "people": "val_unit_people"}


def field_description(f: Field, lang: str) -> str:
    """Say what a field holds: its schema description in English, its label (app catalog) in Vietnamese."""
    key = f"field_{f.name}"
    if lang == "en" or key not in catalog():
        return f.description
    return t(key, lang)


def _unit(f: Field, lang: str) -> str:
    if not f.unit or f.unit == "year":
        return ""
    return " " + (t(_UNIT_KEYS[f.unit], lang) if f.unit in _UNIT_KEYS else f.unit)


def _limit(value: float) -> str:
    # Limits are written as the file must write numbers (no grouping, '.' decimals): 100000, 1990, 0.5.
    return f"{value:g}"


def check_records(c: Context) -> None:
    """The file holds at least one record."""
    if len(c.frame) == 0:
        c.add(None, None, None, t("val_no_records", c.lang))


def check_required_columns(c: Context) -> None:
    """Every required column is present (soft fields only in strict mode); suggest a close column name."""
    names = {f.name for f in c.kind.fields}
    columns = [str(col) for col in c.frame.columns if col != c.frame.geometry.name and col not in names]
    for f in c.kind.fields:
        if not f.required or f.name in c.frame.columns or (f.name in SOFT_FIELDS and not c.strict):
            continue
        parts = [t("val_missing_column", c.lang, name=repr(f.name), desc=field_description(f, c.lang))]
        if f.type in VOCABULARIES:
            parts.append(t("val_values", c.lang, codes=", ".join(codes(f.type))))
        close = get_close_matches(f.name, columns, n=1, cutoff=0.6)
        if close:
            parts.append(t("val_rename_column", c.lang, column=repr(close[0]), name=repr(f.name)))
        c.add(None, None, None, "; ".join(parts))


def vocab_message(vocab: str, value: str, lang: str) -> str:
    """Say that ``value`` is not in vocabulary ``vocab``, with the nearest code if one is close."""
    near = suggest_term(vocab, value)
    if near:
        return t("val_unknown_term_near", lang, vocab=vocab, near=repr(near), codes=", ".join(codes(vocab)))
    return t("val_unknown_term", lang, vocab=vocab, codes=", ".join(codes(vocab)))


def _empty_message(f: Field, lang: str) -> str:
    if f.name == "id":
        return t("val_empty_id", lang)
    if f.name.startswith("name"):
        return t("val_empty_name", lang, name=f.name)
    if f.type in VOCABULARIES:
        return t("val_empty_vocab", lang, name=f.name, codes=", ".join(codes(f.type)))
    return t("val_empty_required", lang, name=f.name, desc=field_description(f, lang))


def check_fields(c: Context) -> None:
    """Check each schema field present: empty required values, vocabularies, numbers, booleans."""
    for f in c.kind.fields:
        if f.name not in c.frame.columns:
            continue
        col = c.frame[f.name]
        text = text_values(col)
        blank = (text == "").to_numpy()
        if f.required and not (f.name in SOFT_FIELDS and not c.strict):
            c.add_rows(blank, f.name, text, _empty_message(f, c.lang))
        if f.type in VOCABULARIES:
            bad = [v for v in text[~blank].unique() if normalise_term(f.type, v) is None]
            unknown = ~blank & text.isin(bad).to_numpy()
            c.add_rows(unknown, f.name, text, lambda v, vocab=f.type: vocab_message(vocab, v, c.lang))
        elif f.type in ("int", "float"):
            _check_number(c, f, col, text, blank)
        elif f.type == "bool":
            bad = ~blank & ~text.str.lower().isin(_TRUE | _FALSE).to_numpy()
            c.add_rows(bad, f.name, text, t("val_not_bool", c.lang))


def _check_number(c: Context, f: Field, col: pd.Series, text: pd.Series, blank: np.ndarray) -> None:
    """Check a numeric field: parses, whole for "int", within the field's minimum and maximum."""
    numeric = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
    num = col.astype(float) if numeric else to_floats(text.where(~blank))
    bad = ~blank & num.isna().to_numpy()
    c.add_rows(bad, f.name, text, lambda v: t("val_nan_comma", c.lang) if "," in v else t("val_nan", c.lang))
    ok = ~blank & ~bad
    unit = _unit(f, c.lang)
    if f.type == "int":
        c.add_rows(ok & (num != num.round()).to_numpy(), f.name, text, t("val_not_whole", c.lang))
    if f.minimum is not None:
        why = t("val_negative" if f.minimum == 0 else "val_check_value", c.lang)
        c.add_rows(ok & (num < f.minimum).to_numpy(), f.name, text,
                   t("val_below_min", c.lang, limit=_limit(f.minimum), unit=unit, why=why))
    if f.maximum is not None:
        c.add_rows(ok & (num > f.maximum).to_numpy(), f.name, text,  # an absurd magnitude: usable, worth a look
                   t("val_above_max", c.lang, limit=_limit(f.maximum), unit=unit), warning=True)


def check_ids(c: Context) -> None:
    """No two records share an id; the message names the first record that has it."""
    if "id" not in c.frame.columns:
        return
    ids = text_values(c.frame["id"])
    present = ids != ""
    dup = (present & ids.duplicated(keep="first")).to_numpy()
    if not dup.any():
        return
    first = pd.Series(np.arange(len(ids))).groupby(ids.to_numpy()).transform("min").to_numpy()
    for i in np.flatnonzero(dup):
        c.add(int(i), "id", ids.iloc[i], t("val_duplicate_id", c.lang, first=c.where(int(first[i]))))


def check_sources(c: Context) -> None:
    """Users' files: say where popups will show no source; strict mode: every key is a known source."""
    if "sources" not in {f.name for f in c.kind.fields}:
        return
    if "sources" not in c.frame.columns:
        if not c.strict:
            c.add(None, None, None, t("val_no_sources_column", c.lang), note=True)
        return
    text = text_values(c.frame["sources"])
    blank = (text == "").to_numpy()
    if not c.strict:
        if blank.any():
            c.add(None, None, None, t("val_sources_empty", c.lang, rows=c.rows_text(blank)), note=True)
        return
    known = c.refs.source_keys

    def unknown_keys(cell: str) -> list[str]:
        return [k for k in (s.strip() for s in cell.split(";")) if k and k not in known]

    unknown = text.map(unknown_keys)
    c.add_rows(unknown.map(bool).to_numpy(), "sources", text,
               lambda v: t("val_unknown_sources", c.lang, keys=", ".join(unknown_keys(v)), n=len(unknown_keys(v))))


def check_zone_ids(c: Context) -> None:
    """A project's zone_id names a known park, zone or cluster (a note: the zone filter would miss it)."""
    if "zone_id" not in c.frame.columns or c.kind.code != "project":
        return
    text = text_values(c.frame["zone_id"])
    unknown = ((text != "") & ~text.isin(list(c.refs.zone_ids))).to_numpy()
    for i in np.flatnonzero(unknown):
        c.add(int(i), "zone_id", text.iloc[i], t("val_unknown_zone", c.lang), note=True)
