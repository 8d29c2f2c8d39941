"""Pure record logic of the store: canonical values, the import diff, and replaying change sets.

A record is a dict of canonical values, one per stored field: ``str``, ``int``,
``float``, ``bool`` or None, with the geometry as hex WKB and the status timeline
as a JSON list of ``[status, year, source]``. Change rows hold these values as JSON
text, so replaying the history in change-set order gives back every record exactly.

Examples
--------
>>> diff = classify({"A": {"name_vi": "x"}, "B": {"name_vi": "y"}},
...                 {"A": {"name_vi": "x"}, "C": {"name_vi": "z"}}, fields=("name_vi",))
>>> diff.counts()
{'new': 1, 'changed': 0, 'unchanged': 1, 'absent': 1}
>>> replay([(1, "A", "name_vi", None, '"x"'), (2, "A", "name_vi", '"x"', '"y"')])["A"]
{'version': 2, 'name_vi': 'y'}

"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import pandas as pd

import shapely

from geo.schema import KINDS, ZONE_KINDS

__all__ = ["KIND", "FIELDS", "FIELD_TYPES", "GEOMETRY", "TIMELINE", "RETIRED", "TRACKED", "AREA_KINDS", "AREA_FIELDS",
           "AREA_FIELD_TYPES", "AREA_TRACKED", "is_area", "tracked_of", "canon", "dumps", "loads",
           "records_from_frame", "timeline_rows", "seed_timeline", "next_timeline", "Diff", "classify", "replay",
           "geometry_of", "show_value"]

KIND = "project"
FIELDS: tuple[str, ...] = tuple(f.name for f in KINDS[KIND].fields)  # the single definition: geo/schema.py
FIELD_TYPES: dict[str, str] = {f.name: f.type for f in KINDS[KIND].fields}
GEOMETRY = "geometry"
TIMELINE = "timeline"
RETIRED = "retired"
TRACKED: tuple[str, ...] = (*FIELDS, GEOMETRY, TIMELINE, RETIRED)  # every versioned field of a record

# Parks, economic zones and clusters: one "areas" table, a ``kind`` column and the union of their kinds' fields
# (geo/schema.py; a field a kind lacks stays None). Their ids share the change log with the projects' ids.
AREA_KINDS: tuple[str, ...] = ZONE_KINDS
AREA_FIELD_TYPES: dict[str, str] = {"kind": "str", **{f.name: f.type for k in AREA_KINDS for f in KINDS[k].fields}}
AREA_FIELDS: tuple[str, ...] = tuple(AREA_FIELD_TYPES)
AREA_TRACKED: tuple[str, ...] = (*AREA_FIELDS, GEOMETRY, RETIRED)  # no status timeline: areas keep status, status_year
_TYPES = {**AREA_FIELD_TYPES, **FIELD_TYPES}
assert all(AREA_FIELD_TYPES[n] == FIELD_TYPES[n] for n in set(AREA_FIELD_TYPES) & set(FIELD_TYPES)), \
    "a field shared by projects and areas has one type"


def is_area(record: dict[str, object]) -> bool:
    """True for a park, zone or cluster record (it has a ``kind``; projects have none)."""
    return record.get("kind") is not None


def tracked_of(record: dict[str, object]) -> tuple[str, ...]:
    """The versioned fields of ``record``: a project's or an area's."""
    return AREA_TRACKED if is_area(record) else TRACKED


def canon(name: str, value: object) -> object:
    """Return the canonical value of field ``name`` (None for blanks, NaN and NA)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if name == GEOMETRY:
        if isinstance(value, str):
            return value
        return None if value.is_empty else shapely.to_wkb(value, hex=True, byte_order=1, output_dimension=2)
    kind = _TYPES.get(name, "bool" if name == RETIRED else "str")
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "bool":
        return bool(value)
    text = str(value)
    return text if text != "" else None


# One encoder for every value (json.dumps with ensure_ascii=False builds a new one per call).
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def dumps(value: object) -> str | None:
    """Return ``value`` as the JSON text of a change row (None stays SQL NULL)."""
    return None if value is None else _ENCODE(value)


def loads(text: str | None) -> object:
    """Inverse of :func:`dumps`."""
    return None if text is None else json.loads(text)


def geometry_of(value: str | None) -> shapely.Geometry | None:
    """Return the geometry of a canonical (hex WKB) value."""
    return None if value is None else shapely.from_wkb(value)


def show_value(name: str, value: object) -> str:
    """Return a value as a person reads it in history and diffs (geometry as WKT)."""
    if value is None:
        return "∅"
    if name == GEOMETRY:
        return shapely.to_wkt(geometry_of(value), rounding_precision=6)
    if name == TIMELINE:
        return ", ".join(f"{status} {'?' if year is None else year}" for status, year, _src in timeline_rows(value))
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def records_from_frame(gdf: pd.DataFrame, fields: tuple[str, ...]) -> dict[str, dict[str, object]]:
    """Return id -> canonical record for the given ``fields`` (and the geometry, if ``GEOMETRY`` is listed)."""
    out: dict[str, dict[str, object]] = {}
    columns = {name: gdf[name].tolist() if name != GEOMETRY else list(gdf.geometry.array) for name in fields}
    for i, ident in enumerate(gdf["id"].tolist()):
        out[str(ident)] = {name: canon(name, columns[name][i]) for name in fields}
    return out


def timeline_rows(value: str | None) -> list[list[object]]:
    """Return the ``[status, year, source]`` rows of a canonical timeline value."""
    return [] if value is None else json.loads(value)


def seed_timeline(record: dict[str, object]) -> str | None:
    """A timeline of one row: the record's status and status year.

    None without both (geo.timeline keeps a project without timeline rows and without a year in every year).
    """
    if record.get("status") is None or record.get("status_year") is None:
        return None
    return json.dumps([[record["status"], record.get("status_year"), record.get("sources")]], ensure_ascii=False)


def next_timeline(old: dict[str, object], new: dict[str, object]) -> str | None:
    """The timeline after a change of status: a row is appended when the status differs from the last one."""
    rows = timeline_rows(old.get(TIMELINE))
    status = new.get("status", old.get("status"))
    if status is None or (rows and rows[-1][0] == status):
        return old.get(TIMELINE)
    rows.append([status, new.get("status_year", old.get("status_year")), new.get("sources", old.get("sources"))])
    return json.dumps(rows, ensure_ascii=False)


@dataclass
class Diff:
    """What an import would change: per record id, the changed fields as (old, new)."""

    new: dict[str, dict[str, object]] = field(default_factory=dict)
    changed: dict[str, dict[str, tuple[object, object]]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    retire: bool = False

    def counts(self) -> dict[str, int]:
        """Return the four counts of the summary line."""
        return {"new": len(self.new), "changed": len(self.changed), "unchanged": len(self.unchanged),
                "absent": len(self.absent)}

    def empty(self) -> bool:
        """True when committing would change nothing."""
        return not (self.new or self.changed or (self.retire and self.absent))


def classify(current: dict[str, dict[str, object]], incoming: dict[str, dict[str, object]],
             fields: tuple[str, ...], retire_absent: bool = False) -> Diff:
    """Match ``incoming`` records to ``current`` ones by id and classify them (retired records count as absent).

    Only ``fields`` are compared (the columns the file has); a retired record that
    comes back is changed (``retired`` True -> False).
    """
    diff = Diff(retire=retire_absent)
    for ident, rec in incoming.items():
        old = current.get(ident)
        if old is None:
            diff.new[ident] = rec
            continue
        changes = {f: (old.get(f), rec.get(f)) for f in fields if old.get(f) != rec.get(f)}
        if old.get(RETIRED):
            changes[RETIRED] = (True, False)
        if changes:
            diff.changed[ident] = changes
        else:
            diff.unchanged.append(ident)
    diff.absent = sorted(i for i, rec in current.items() if i not in incoming and not rec.get(RETIRED))
    return diff


def replay(changes) -> dict[str, dict[str, object]]:
    """Apply change rows ``(changeset_id, record_id, field, old_json, new_json)`` in order; return the records.

    Each record also gets ``version``: the number of change sets that touched it.
    """
    state: dict[str, dict[str, object]] = {}
    last: dict[str, object] = {}
    for changeset, ident, name, _old, new in changes:
        rec = state.setdefault(ident, {"version": 0})
        if last.get(ident) != changeset:
            rec["version"] += 1
            last[ident] = changeset
        rec[name] = loads(new)
    return state
