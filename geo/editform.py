"""The edit form's model: fields from geo/schema.py, coordinates in three notations, the import checks, previews.

The app draws one widget per :data:`FORM_FIELDS` entry (a select box for a
vocabulary, a checkbox for a yes/no field, a text box otherwise) with the field's
label in the user's language (``*`` marks a required one). :func:`check_form` runs
the very checks an import runs (:func:`geo.validate.run.validate_frame` on a
one-row table) on what was typed, so messages are the validator's, in the user's
language; coordinates are longitude/latitude in decimal degrees or
degrees-minutes-seconds (``107°06'00" E``), or VN-2000 X (easting) / Y (northing) in
metres in one of the validator's VN-2000 systems. Fields left as the form opened
them keep their stored value exactly (no round trip through text).

Examples
--------
>>> [f.name for f in FORM_FIELDS][:4]
['name_vi', 'name_en', 'sector', 'subsector']
>>> FIELDS_BY_NAME["sector"].widget, FIELDS_BY_NAME["sector"].label("en")
('select', 'Sector *')
>>> point_text(None), point_text("01010000006666666666C65A400000000000003040")
(('', ''), ('107.100000', '16.000000'))

"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

import shapely

from geo.i18n import t
from geo.schema import KINDS, VOCABULARIES, codes, label
from geo.store.records import FIELDS, GEOMETRY, records_from_frame, show_value
from geo.validate import CRS_CANDIDATES

__all__ = ["form_text", "form_value", "FormField", "FORM_FIELDS", "FIELDS_BY_NAME", "COORD_MODES", "VN2000_CRS",
           "Coordinates", "FormCheck",
           "form_values", "point_text", "check_form", "upload_records", "preview_table", "field_label",
           "conflict_table", "shown", "changeset_table", "changes_table", "record_history_table"]

COORD_MODES: tuple[str, ...] = ("lonlat", "vn2000")
VN2000_CRS: tuple[str, ...] = tuple(c for c in CRS_CANDIDATES if c.startswith("vn2000"))
# Form order: what a licence says first (name, sector, status, investor, capital), then place and sources.
_ORDER = ("name_vi", "name_en", "sector", "subsector", "status", "status_year", "status_note", "investor",
          "capital_bn_vnd", "capacity", "capacity_mw", "workers", "year", "district", "commune", "zone_id",
          "location_confidence", "geometry_quality", "location_note", "sources", "notes", "in_conclusion")


@dataclass(frozen=True)
class FormField:
    """One field of the project form."""

    name: str
    type: str
    required: bool

    @property
    def widget(self) -> str:
        """"select" (a vocabulary), "check" (yes/no) or "text"."""
        return "select" if self.type in VOCABULARIES else "check" if self.type == "bool" else "text"

    def label(self, lang: str) -> str:
        """The field's name in ``lang``, with `` *`` when it is required."""
        return t(f"field_{self.name}", lang) + (" *" if self.required else "")

    def choices(self) -> list[str]:
        """The codes a select box offers ("" first: not given)."""
        return ["", *codes(self.type)]


_SCHEMA = {f.name: f for f in KINDS["project"].fields}
assert set(_ORDER) == set(FIELDS) - {"id"}, "every project field (but the id) has its place in the form"
FORM_FIELDS: tuple[FormField, ...] = tuple(FormField(n, _SCHEMA[n].type, _SCHEMA[n].required) for n in _ORDER)
FIELDS_BY_NAME: dict[str, FormField] = {f.name: f for f in FORM_FIELDS}


def field_label(name: str, lang: str) -> str:
    """How a field is named in tables (schema fields, the location, the timeline)."""
    key = {GEOMETRY: "ed_location", "timeline": "field_status_timeline", "retired": "ed_retired_field"}.get(
        name, f"field_{name}")
    return t(key, lang)


def shown(name: str, value: object, lang: str) -> str:
    """A stored value as a person reads it: vocabulary labels in ``lang``, the location as lon/lat."""
    if value is None:
        return ""
    ff = FIELDS_BY_NAME.get(name)
    if ff is not None and ff.widget == "select":
        return label(ff.type, str(value), lang)
    if name == GEOMETRY:
        return ", ".join(point_text(str(value)))
    if isinstance(value, bool):
        return t("ed_yes" if value else "ed_no", lang)
    return show_value(name, value).strip('"')


def point_text(geometry: str | None) -> tuple[str, str]:
    """The longitude and latitude text boxes for a stored (hex WKB) point: six decimals, or blank."""
    if geometry is None:
        return "", ""
    point = shapely.from_wkb(geometry)
    if point.is_empty or point.geom_type != "Point":
        point = point.representative_point()
    return f"{point.x:.6f}", f"{point.y:.6f}"


def form_value(f: FormField, value: object) -> object:
    """A stored value as field ``f``'s widget takes it: a bool, a vocabulary code ("" for none) or text."""
    return bool(value) if f.widget == "check" else (value or "") if f.widget == "select" else form_text(value)


def form_text(value: object) -> str:
    """A stored value as a form's text box shows it (whole floats without ".0", None as empty)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def form_values(record: dict[str, object] | None) -> dict[str, object]:
    """The widget values of a record (text, codes or booleans, keyed by field name; ``lon``/``lat``)."""
    record = record or {}
    out: dict[str, object] = {}
    for f in FORM_FIELDS:
        value = record.get(f.name)
        out[f.name] = form_value(f, value)
    out["lon"], out["lat"] = point_text(record.get(GEOMETRY))  # type: ignore[arg-type]
    return out


@dataclass(frozen=True)
class Coordinates:
    """What the coordinate boxes hold: ``mode`` "lonlat" (a = lon, b = lat) or "vn2000" (a = X, b = Y, ``crs``)."""

    mode: str
    a: str
    b: str
    crs: str | None = None

    def blank(self) -> bool:
        """True when neither box is filled."""
        return not (self.a.strip() or self.b.strip())


@dataclass
class FormCheck:
    """The outcome of :func:`check_form`: the canonical record (None when an error blocks it) and the messages."""

    record: dict[str, object] | None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _message_field(name: str | None, lang: str) -> str:
    if name in (None, ""):
        return ""
    if "/" in name:
        return t("ed_location", lang)
    return FIELDS_BY_NAME[name].label(lang).rstrip(" *") if name in FIELDS_BY_NAME else name


def check_form(values: dict[str, object], coords: Coordinates, lang: str, *, record_id: str = "P00",
               base: dict[str, object] | None = None, opened: dict[str, object] | None = None) -> FormCheck:
    """Check the typed ``values`` as an import would; return the canonical record over the form's fields.

    ``base`` / ``opened``: the stored record and the widget values the form opened with; fields
    still as opened keep their stored value, and problems in them (already stored) do not block.
    """
    from geo.register import bundled_references
    from geo.validate.run import validate_frame

    opened = opened or {}
    row: dict[str, str] = {"id": record_id}
    for f in FORM_FIELDS:
        value = values.get(f.name)
        row[f.name] = ("true" if value else "false") if f.widget == "check" else str(value or "").strip()
    unchanged = {n for n in opened if n in values and values[n] == opened[n]} if base is not None else set()
    moved = not (base is not None and (coords.mode, coords.a, coords.b) == ("lonlat", opened.get("lon"),
                                                                           opened.get("lat")))
    if coords.blank():
        if base is None or base.get(GEOMETRY) is not None:
            return FormCheck(None, [t("ed_need_coords", lang)])
    elif coords.mode == "vn2000":
        row.update(x=coords.a.strip(), y=coords.b.strip())
    else:
        row.update(lon=coords.a.strip(), lat=coords.b.strip())
    report = validate_frame(pd.DataFrame([row]), "project", t("ed_form", lang), references=bundled_references(),
                            crs=coords.crs if coords.mode == "vn2000" else None, lang=lang)
    errors, warnings = [], []
    for p in report.problems:
        if p.note or (p.field in unchanged) or (p.field and "/" in p.field and not moved):
            continue
        text = f"{_message_field(p.field, lang)}: {p.message}" if p.field else p.message
        (errors if p.is_error else warnings).append(text)
    if errors or report.data is None or not len(report.data):
        return FormCheck(None, errors or [t("ed_form_unreadable", lang)], warnings)
    names = tuple(n for n in FIELDS if n != "id" and n in report.data.columns)
    record = records_from_frame(report.data, (*names, GEOMETRY))[record_id]
    for name in FIELDS_BY_NAME:
        record.setdefault(name, None)
        if name in unchanged:
            record[name] = base.get(name)  # type: ignore[union-attr]
    if not moved or coords.blank():
        record[GEOMETRY] = base.get(GEOMETRY) if base is not None else None
    return FormCheck(record, [], warnings)


def upload_records(report) -> tuple[dict[str, dict[str, object]], tuple[str, ...]]:
    """The records of a checked upload (its usable rows) and the fields the file gives, for the merge."""
    from geo.store.cli import given_fields

    data = report.usable if report.usable is not None else report.data
    fields = given_fields(report)
    return records_from_frame(data, fields), fields


def preview_table(diff, lang: str, names: dict[str, str], limit: int = 1000) -> pd.DataFrame:
    """One row per new / changed / absent record (at most ``limit``): what, id, name, changes old → new."""
    rows = []
    for ident, rec in diff.new.items():
        rows.append(("new", ident, rec.get("name_vi") or "", ""))
    for ident, changes in diff.changed.items():
        rows.append(("changed", ident, names.get(ident, ""), "; ".join(
            f"{field_label(n, lang)}: {shown(n, o, lang) or '∅'} → {shown(n, v, lang) or '∅'}"
            for n, (o, v) in changes.items())))
    rows += [("absent", ident, names.get(ident, ""), t("ed_absent_retired" if diff.retire else "ed_absent_kept",
                                                       lang)) for ident in diff.absent]
    frame = pd.DataFrame(rows[:limit], columns=["kind", "id", "name", "changes"])
    frame["kind"] = [t(f"ed_kind_{k}", lang) for k in frame["kind"]]
    return frame.rename(columns={"kind": t("ed_col_what", lang), "id": t("field_id", lang),
                                 "name": t("col_name", lang), "changes": t("ed_col_changes", lang)})


def conflict_table(conflict, lang: str) -> pd.DataFrame:
    """The fields of a conflict: name, as opened, mine, theirs (stored now)."""
    return pd.DataFrame([(field_label(c.field, lang), shown(c.field, c.base, lang), shown(c.field, c.mine, lang),
                          shown(c.field, c.theirs, lang)) for c in conflict.fields],
                        columns=[t("ed_col_field", lang), t("ed_col_base", lang), t("ed_col_mine", lang),
                                 t("ed_col_theirs", lang)])


def changeset_table(changesets, lang: str) -> pd.DataFrame:
    """The History view's list: change set, time (UTC), editor, action, reason, counts."""
    return pd.DataFrame([(cs.id, cs.time[:19].replace("T", " "), cs.author, t(f"ed_action_{cs.action}", lang),
                          cs.reason, t("ed_counts", lang, new=cs.n_new, changed=cs.n_changed, retired=cs.n_retired))
                         for cs in changesets],
                        columns=[t(f"ed_col_{c}", lang) for c in ("set", "time", "author", "action", "reason",
                                                                   "counts")])


def changes_table(rows, lang: str, limit: int = 1000) -> pd.DataFrame:
    """Rows (change set, editor, record, field, old, new) as a table of old → new values people read."""
    return pd.DataFrame([(cs, author, ident, field_label(name, lang), shown(name, old, lang), shown(name, new, lang))
                         for cs, author, ident, name, old, new in rows[:limit]],
                        columns=[t(f"ed_col_{c}", lang) for c in ("set", "author", "record", "field", "old", "new")])


def record_history_table(history, lang: str, limit: int = 1000) -> pd.DataFrame:
    """One record's changes, newest first: change set, time (UTC), editor, reason, field, old → new.

    ``history``: :meth:`geo.store.Store.record_history` rows (change set, field, old, new), oldest first.
    """
    rows = history[::-1][:limit]
    return pd.DataFrame([(cs.id, cs.time[:19].replace("T", " "), cs.author, cs.reason, field_label(name, lang),
                          shown(name, old, lang), shown(name, new, lang)) for cs, name, old, new in rows],
                        columns=[t(f"ed_col_{c}", lang) for c in ("set", "time", "author", "reason", "field", "old",
                                                                   "new")])
