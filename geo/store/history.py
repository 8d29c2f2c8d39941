"""Reading the store's history: change sets, one record's or one set's changes, replay (as-of) and the check.

A mixin of :class:`geo.store.core.Store` (it needs ``engine``, ``tables`` and ``current_all``);
projects and areas share one change log (their ids never clash), so these work for both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from geo.i18n import t
from geo.store.records import RETIRED, is_area, loads, replay, tracked_of
from geo.store.tables import schema_version
from geo.store.tx import StoreError

__all__ = ["ChangeSet", "History", "utc_now", "parse_time"]


@dataclass(frozen=True)
class ChangeSet:
    """One row of the change-set log."""

    id: int
    time: str
    author: str
    reason: str
    action: str
    source_name: str | None
    source_sha256: str | None
    reverts: int | None
    n_new: int
    n_changed: int
    n_retired: int


def utc_now() -> str:
    """Return the current UTC time as stored (ISO 8601, microseconds, ``Z``)."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> str:
    """Return an ``--as-of`` value in the stored form; a bare date means the end of that day (UTC).

    >>> parse_time("2026-12-01")
    '2026-12-01T23:59:59.999999Z'
    >>> parse_time("2026-12-01T08:30+07:00")
    '2026-12-01T01:30:00.000000Z'
    """
    text = text.strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            moment = dt.datetime.combine(day, dt.time.max, dt.UTC)
        else:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            moment = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    except ValueError:
        raise StoreError(t("store_bad_time", "en", text=repr(text))) from None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class History:
    """The read-only history methods of the store."""

    engine: sa.Engine

    def replayed(self, as_of: str | None = None, areas: bool | None = False) -> dict[str, dict[str, object]]:
        """Return the records obtained by replaying the history (up to ``as_of``, a stored-form UTC time).

        ``areas``: False for the projects, True for the parks, zones and clusters, None for both.
        """
        ch, cs = self.tables.changes, self.tables.changesets
        query = (sa.select(ch.c.changeset_id, ch.c.record_id, ch.c.field, ch.c.old, ch.c.new)
                 .join(cs, cs.c.id == ch.c.changeset_id).order_by(ch.c.changeset_id, ch.c.fid))
        if as_of is not None:
            query = query.where(cs.c.time <= as_of)
        with self.engine.connect() as conn:
            records = replay(conn.execute(query))
        return records if areas is None else {i: r for i, r in records.items() if is_area(r) == areas}

    def changesets(self) -> list[ChangeSet]:
        """Return every change set, newest first."""
        cs = self.tables.changesets
        with self.engine.connect() as conn:
            return [ChangeSet(**r._mapping) for r in conn.execute(sa.select(cs).order_by(cs.c.id.desc()))]

    def changeset(self, ident: int) -> ChangeSet:
        """Return one change set; StoreError if there is none with that id."""
        cs = self.tables.changesets
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(cs).where(cs.c.id == ident)).first()
        if row is None:
            raise StoreError(t("store_no_changeset", "en", id=ident))
        return ChangeSet(**row._mapping)

    def record_history(self, record_id: str) -> list[tuple[ChangeSet, str, object, object]]:
        """Return one record's field changes, oldest first: (change set, field, old, new)."""
        ch, cs = self.tables.changes, self.tables.changesets
        query = (sa.select(cs, ch.c.field, ch.c.old, ch.c.new).join(ch, ch.c.changeset_id == cs.c.id)
                 .where(ch.c.record_id == record_id).order_by(cs.c.id, ch.c.fid))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        names = [c.name for c in cs.c]
        return [(ChangeSet(**{n: r._mapping[n] for n in names}), r.field, loads(r.old), loads(r.new)) for r in rows]

    def changes_of(self, changeset_id: int) -> list[tuple[str, str, object, object]]:
        """Return the (record id, field, old, new) rows of one change set."""
        ch = self.tables.changes
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(ch.c.record_id, ch.c.field, ch.c.old, ch.c.new)
                                .where(ch.c.changeset_id == changeset_id).order_by(ch.c.fid)).all()
        return [(r.record_id, r.field, loads(r.old), loads(r.new)) for r in rows]

    def check(self) -> list[str]:
        """Return the discrepancies between the replayed history and the current state (empty: consistent)."""
        problems: list[str] = []
        with self.engine.connect() as conn:
            version = schema_version(conn, self.tables)
        if version == 0:
            return [f"{self.location}: no store schema: run `python -m geo store init`"]
        replayed, current = self.replayed(areas=None), self.current_all()
        for ident in sorted(set(replayed) | set(current)):
            a, b = replayed.get(ident), current.get(ident)
            if a is None:
                problems.append(f"{ident}: in the feature table but no change set created it")
                continue
            if b is None:
                problems.append(f"{ident}: created by the history but missing from the feature table")
                continue
            for name in tracked_of(b):
                want, have = a.get(name), b.get(name)
                if name == RETIRED:
                    want, have = bool(want), bool(have)
                if want != have:
                    problems.append(f"{ident}.{name}: history gives {want!r}, the table holds {have!r}")
            if a["version"] != b["version"]:
                problems.append(f"{ident}.version: history gives {a['version']}, the table holds {b['version']}")
        return problems
