"""Every write the app makes to the register, each refused without a signed-in :class:`geo.users.Editor`.

The write paths: :func:`add_project`, :func:`save_record` (correct fields or move a
project; correct a park's, zone's or cluster's fields), :func:`save_footprint` (a
footprint drawn on the map, checked as an import would be), :func:`add_status` (a
status-timeline entry with its year), :func:`retire_record`, :func:`merge_upload`
and :func:`revert_changeset`. Each checks the editor itself
(:func:`geo.users.require_editor`, and that the account still exists), so hiding a
widget is never the only guard; the editor's name is the author of the change set.

Conflicts: a form remembers the record as it was opened (its ``version`` and
values, the *base*). :func:`save_record` writes only when the stored version is
still the base's; otherwise it writes nothing and returns a :class:`Conflict`
listing, field by field, the base, *mine* (typed) and *theirs* (stored now).
:meth:`Conflict.resolve` gives the values to save for "keep theirs", "take mine"
or a per-field merge, to be saved against the newer version.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from geo.i18n import t
from geo.store import Store, StoreConflict, StoreError
from geo.store.records import AREA_FIELDS, FIELDS, GEOMETRY, TIMELINE, Diff, is_area, timeline_rows
from geo.users import Editor, NotSignedIn, accounts_for, require_editor

__all__ = ["FieldConflict", "Conflict", "Saved", "guard", "next_id", "add_project", "save_record", "add_status",
           "retire_record", "preview_upload", "merge_upload", "revert_changeset", "save_footprint", "EDITABLE",
           "AREA_EDITABLE", "editable_of"]

EDITABLE: tuple[str, ...] = (*FIELDS, GEOMETRY)  # what a form may change (timeline and retired have their own paths)
AREA_EDITABLE: tuple[str, ...] = (*(n for n in AREA_FIELDS if n not in ("id", "kind")), GEOMETRY)  # an area's


def editable_of(record: dict[str, object]) -> tuple[str, ...]:
    """The fields a form may change in ``record``: a project's or an area's (whose kind is fixed)."""
    return AREA_EDITABLE if is_area(record) else EDITABLE


@dataclass(frozen=True)
class FieldConflict:
    """One field that differs between what I typed and what is stored now."""

    field: str
    base: object
    mine: object
    theirs: object

    @property
    def both_changed(self) -> bool:
        """True when both sides changed it from the base, differently (the editor must choose)."""
        return self.mine != self.base and self.theirs != self.base and self.mine != self.theirs


@dataclass
class Conflict:
    """The record moved on since the form was opened: nothing was written."""

    record_id: str
    version: int  # the stored (their) version, to save against once resolved
    theirs: dict[str, object]
    fields: list[FieldConflict] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)  # who changed it since the base

    def resolve(self, choice: str, picks: dict[str, str] | None = None) -> dict[str, object]:
        """Return the values to save: "theirs" (nothing of mine), "mine" (all I typed) or "merge".

        A merge takes each field I changed and they did not, each field they changed and I did
        not, and for fields both changed the side named in ``picks`` (field -> "mine"/"theirs",
        default "mine").
        """
        if choice not in ("theirs", "mine", "merge"):
            raise ValueError(choice)
        out: dict[str, object] = {}
        for c in self.fields:
            if choice == "mine" or (choice == "merge" and c.mine != c.base and (
                    not c.both_changed or (picks or {}).get(c.field, "mine") == "mine")):
                out[c.field] = c.mine
        return out


@dataclass(frozen=True)
class Saved:
    """A write that was committed."""

    changeset_id: int
    record_id: str


def guard(store: Store, editor: object, lang: str = "en") -> Editor:
    """Return the editor if signed in, valid and still an account of this deployment; raise NotSignedIn."""
    editor = require_editor(editor, lang)
    if not accounts_for(store).exists(editor.name):
        raise NotSignedIn(t("ed_no_account", lang, name=editor.name))
    return editor


def _reason(reason: str, lang: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise StoreError(t("ed_need_reason", lang))
    return reason


def next_id(store: Store) -> str:
    """The next free project id of the register's pattern (P01 … P26 → P27), retired ids counted."""
    numbers = [int(m.group(1)) for i in store.current() if (m := re.fullmatch(r"P(\d+)", i))]
    return f"P{max(numbers, default=0) + 1:02d}"


def add_project(store: Store, editor: object, record: dict[str, object], reason: str, lang: str = "en") -> Saved:
    """Add a new project (canonical values; ``id`` given or the next free one) as one change set."""
    who = guard(store, editor, lang)
    reason = _reason(reason, lang)
    record = {k: v for k, v in record.items() if k in EDITABLE and v is not None}
    for _attempt in range(3):  # another editor may take the same next id meanwhile
        ident = str(record.get("id") or next_id(store))
        try:
            return Saved(store.add({**record, "id": ident}, by=who.name, reason=reason), ident)
        except StoreConflict:
            if record.get("id"):
                raise
    raise StoreConflict(t("store_id_taken", lang, id=ident))


def _conflict(store: Store, record_id: str, base: dict[str, object], mine: dict[str, object],
              theirs: dict[str, object]) -> Conflict:
    names = [n for n in editable_of(theirs) if mine.get(n, base.get(n)) != base.get(n) or theirs.get(n) != base.get(n)]
    fields = [FieldConflict(n, base.get(n), mine.get(n, base.get(n)), theirs.get(n)) for n in names
              if mine.get(n, base.get(n)) != theirs.get(n) or theirs.get(n) != base.get(n)]
    sets = list(dict.fromkeys((cs.id, cs.author) for cs, _f, _o, _n in store.record_history(record_id)))
    authors = sorted({author for _id, author in sets[int(base["version"]):]})  # the change sets after the base
    return Conflict(record_id, int(theirs["version"]), theirs, fields, authors)


def save_record(store: Store, editor: object, record_id: str, base: dict[str, object], mine: dict[str, object],
                reason: str, lang: str = "en") -> Saved | Conflict:
    """Save the fields I changed from ``base`` (the record as the form opened it, with its ``version``).

    Returns :class:`Saved`, or a :class:`Conflict` (nothing written) when the record moved on.
    """
    who = guard(store, editor, lang)
    reason = _reason(reason, lang)
    theirs = store.current_all(ids=[record_id]).get(record_id)
    if theirs is None:
        raise StoreError(t("store_no_record", lang, id=record_id))
    unknown = sorted(set(mine) - set(editable_of(theirs)))
    if unknown:
        raise StoreError(t("store_unknown_fields", lang, fields=", ".join(unknown)))
    changes = {k: v for k, v in mine.items() if v != base.get(k)}
    if not changes:
        raise StoreError(t("ed_nothing_changed", lang))
    if theirs["version"] != base["version"]:
        return _conflict(store, record_id, base, mine, theirs)
    try:
        return Saved(store.edit(record_id, changes, by=who.name, reason=reason, expected_version=int(base["version"])),
                     record_id)
    except StoreConflict:  # changed between our read and the write: show what changed
        return _conflict(store, record_id, base, mine, store.current_all(ids=[record_id])[record_id])


def save_footprint(store: Store, editor: object, record_id: str, base: dict[str, object], geometry: str | None,
                   quality: str, reason: str, lang: str = "en") -> Saved | Conflict:
    """Save a footprint drawn for the area ``base`` (hex WKB) with its ``geometry_quality``, as one change set.

    The footprint is checked first (:func:`geo.areaform.check_footprint`: valid, inside or near the
    province); a StoreError lists the located problems and nothing is written. Conflicts as
    :func:`save_record`.
    """
    from geo.areaform import check_footprint, footprint_values

    guard(store, editor, lang)
    if not is_area(base):
        raise StoreError(t("ar_not_area", lang, id=record_id))
    if geometry is None:
        raise StoreError(t("ar_need_drawing", lang))
    checked = check_footprint(base, geometry, quality, lang)
    if checked.record is None:
        raise StoreError("\n".join(checked.errors))
    changes = footprint_values(base, geometry, quality)
    if not changes:
        raise StoreError(t("ed_nothing_changed", lang))
    return save_record(store, editor, record_id, base, changes, reason, lang)


def add_status(store: Store, editor: object, record_id: str, status: str, year: int | None, reason: str,
               version: int, source: str | None = None, lang: str = "en") -> Saved:
    """Add a status-timeline entry (the status from ``year`` on); the latest entry sets status and status_year."""
    who = guard(store, editor, lang)
    reason = _reason(reason, lang)
    rec = store.current(ids=[record_id]).get(record_id)
    if rec is None:
        raise StoreError(t("store_no_record", lang, id=record_id))
    rows = timeline_rows(rec.get(TIMELINE)) + [[status, year, source or rec.get("sources")]]
    rows.sort(key=lambda r: -1 if r[1] is None else r[1])  # stable: same year keeps the order entered
    values: dict[str, object] = {TIMELINE: json.dumps(rows, ensure_ascii=False)}
    if rows[-1][0] == status and rows[-1][1] == year:
        values.update(status=status, status_year=year)
    values = {k: v for k, v in values.items() if rec.get(k) != v}
    if not values:
        raise StoreError(t("ed_nothing_changed", lang))
    return Saved(store.edit(record_id, values, by=who.name, reason=reason, expected_version=version,
                            action="timeline"), record_id)


def retire_record(store: Store, editor: object, record_id: str, reason: str, version: int,
                  lang: str = "en") -> Saved:
    """Retire a record (kept with its history, no longer on the map) with a reason."""
    who = guard(store, editor, lang)
    reason = _reason(reason, lang)
    return Saved(store.retire(record_id, by=who.name, reason=reason, expected_version=version), record_id)


def preview_upload(store: Store, incoming: dict[str, dict[str, object]], fields: tuple[str, ...],
                   retire_absent: bool = False) -> Diff:
    """What merging an upload would change (read only: new / changed / unchanged / absent)."""
    return store.plan_import(incoming, fields, retire_absent)


def merge_upload(store: Store, editor: object, incoming: dict[str, dict[str, object]], fields: tuple[str, ...],
                 reason: str, source_name: str, sha256: str, retire_absent: bool = False,
                 lang: str = "en") -> tuple[int | None, Diff]:
    """Merge an upload into the register as one change set (as ``python -m geo import``); return (id, diff)."""
    who = guard(store, editor, lang)
    reason = _reason(reason, lang)
    return store.import_records(incoming, fields, by=who.name, reason=reason, source_name=source_name,
                                sha256=sha256, retire_absent=retire_absent)


def revert_changeset(store: Store, editor: object, changeset_id: int, reason: str,
                     lang: str = "en") -> tuple[int | None, list[str]]:
    """Undo a change set as a new one (as ``python -m geo revert``); return (new id or None, conflict lines)."""
    who = guard(store, editor, lang)
    reason = _reason(reason, lang)
    return store.revert(changeset_id, by=who.name, reason=reason)

