"""The register store: one :class:`Store` over a GeoPackage file or a PostGIS database.

Every write is one database transaction that records a change set (id, UTC time,
author, reason, source file and SHA-256 for imports) and, per record and field,
the old and new value; the feature table then holds the current state, and
``status_timeline`` the current timelines. History is append-only: nothing is
deleted, retiring is a change of the ``retired`` field with a reason. Each record
has a version (the number of change sets that touched it); a write that names an
``expected_version`` is refused when the record has moved on (optimistic check),
and every update checks the versions it read, so two concurrent writers never
overwrite each other silently.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import sqlalchemy as sa

import geopandas as gpd
import shapely

from geo.i18n import t
from geo.store import gpkg
from geo.store.frames import frame_from_arrow, records_frame, typed_frame
from geo.store.history import ChangeSet, History, parse_time, utc_now
from geo.store.records import (
    AREA_FIELDS,
    AREA_KINDS,
    FIELDS,
    GEOMETRY,
    RETIRED,
    TIMELINE,
    TRACKED,
    Diff,
    canon,
    classify,
    dumps,
    is_area,
    next_timeline,
    seed_timeline,
    timeline_rows,
    tracked_of,
)
from geo.store.tables import AREAS, FEATURES, Tables, migrate, schema_version
from geo.store.tx import StoreBusy, StoreConflict, StoreError, WriteTx, pause

__all__ = ["Store", "StoreError", "StoreBusy", "StoreConflict", "ChangeSet", "utc_now", "parse_time",
           "typed_frame", "AREAS_SEEDED"]

AREAS_SEEDED = "seeded from the bundled data"  # the reason of the change set that seeds the areas (and the first one)


class Store(History):
    """The project register and the areas in a database (use :func:`geo.store.open_store`)."""

    def __init__(self, engine: sa.Engine, backend: str, location: str) -> None:
        self.engine, self.backend, self.location = engine, backend, location
        self.tables = Tables(backend)

    def __repr__(self) -> str:
        return f"Store({self.backend}: {self.location})"

    # --- transactions ---------------------------------------------------------------------------------------------
    def _write(self) -> WriteTx:
        """A connection whose transaction takes the write lock (SQLite BEGIN IMMEDIATE; PostgreSQL lock_timeout)."""
        return WriteTx(self.engine, self.backend, self.location)

    def _encode(self, value: str | None) -> object:
        if value is None:
            return None
        geom = shapely.from_wkb(value)
        if self.backend == "gpkg":
            return gpkg.to_gpkg_blob(geom)
        return f"SRID=4326;{shapely.to_wkt(geom, rounding_precision=-1)}"

    def _geom_column(self, table: sa.Table | None = None):
        c = (self.tables.features if table is None else table).c.geom
        if self.backend == "postgis":
            return sa.type_coerce(sa.func.ST_AsBinary(c), sa.LargeBinary).label("geom")
        return c

    def _decode_all(self, values: list[object]) -> list[str | None]:
        """Canonical (hex WKB) values of stored geometries, decoded in one vectorised call."""
        wkb = gpkg.from_gpkg_blobs(values) if self.backend == "gpkg" else [None if v is None else bytes(v)
                                                                             for v in values]
        geoms = shapely.from_wkb(np.array(wkb, dtype=object))
        return list(shapely.to_wkb(geoms, hex=True, byte_order=1, output_dimension=2))

    # --- reading ----------------------------------------------------------------------------------------------------
    def schema_version(self) -> int:
        """Return the schema version of the store."""
        with self.engine.connect() as conn:
            return schema_version(conn, self.tables)

    def is_empty(self) -> bool:
        """True when the store has no schema or no change set."""
        with self.engine.connect() as conn:
            if schema_version(conn, self.tables) == 0:
                return True
            return conn.execute(sa.select(sa.func.count()).select_from(self.tables.changesets)).scalar() == 0

    def version(self) -> tuple[int, int]:
        """Return (number of change sets, latest change-set id): changes whenever anything is committed."""
        cs = self.tables.changesets
        with self.engine.connect() as conn:
            n, last = conn.execute(sa.select(sa.func.count(), sa.func.max(cs.c.id))).one()
        return int(n), int(last or 0)

    def areas_version(self) -> int:
        """The latest change set that touched a park, zone or cluster (the key of everything drawn from them)."""
        ch, a = self.tables.changes, self.tables.areas
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.max(ch.c.changeset_id)).where(
                ch.c.record_id.in_(sa.select(a.c.id).scalar_subquery()))).scalar() or 0)

    def _rows(self, conn: sa.Connection, table: sa.Table, fields: tuple[str, ...], ids: list[str] | None
              ) -> dict[str, dict[str, object]]:
        """Return id -> canonical record (fields, version, retired, geometry) of one feature table."""
        cols = [table.c[name] for name in fields] + [table.c.version, table.c.retired, self._geom_column(table)]
        query = sa.select(*cols).order_by(table.c.fid)
        if ids is not None:
            query = query.where(table.c.id.in_(ids))
        rows = conn.execute(query).all()
        out: dict[str, dict[str, object]] = {}
        for row, geom in zip(rows, self._decode_all([r.geom for r in rows]), strict=True):
            rec = {name: canon(name, row[i]) for i, name in enumerate(fields)}
            rec.update(version=row.version, retired=bool(row.retired), geometry=geom)
            out[rec["id"]] = rec
        return out

    def current(self, conn: sa.Connection | None = None, ids: list[str] | None = None) -> dict[str, dict[str, object]]:
        """Return id -> canonical record of every stored project (retired ones too; only ``ids`` if given)."""
        tl = self.tables.timeline
        own = conn is None
        conn = conn or self.engine.connect()
        try:
            out = self._rows(conn, self.tables.features, FIELDS, ids)
            for rec in out.values():
                rec[TIMELINE] = None
            tl_query = sa.select(tl.c.project_id, tl.c.status, tl.c.year, tl.c.source).order_by(tl.c.fid)
            if ids is not None:
                tl_query = tl_query.where(tl.c.project_id.in_(ids))
            timelines: dict[str, list[list[object]]] = {}
            for row in conn.execute(tl_query):
                timelines.setdefault(row.project_id, []).append([row.status, row.year, row.source])
            for ident, rows in timelines.items():
                if ident in out:
                    out[ident][TIMELINE] = json.dumps(rows, ensure_ascii=False)
            return out
        finally:
            if own:
                conn.close()

    def current_areas(self, conn: sa.Connection | None = None, ids: list[str] | None = None
                      ) -> dict[str, dict[str, object]]:
        """Return id -> canonical record of every stored park, zone and cluster (retired ones too)."""
        if conn is not None:
            return self._rows(conn, self.tables.areas, AREA_FIELDS, ids)
        with self.engine.connect() as own:
            return self._rows(own, self.tables.areas, AREA_FIELDS, ids)

    def current_all(self, conn: sa.Connection | None = None, ids: list[str] | None = None
                    ) -> dict[str, dict[str, object]]:
        """Projects and areas together (their ids never clash): what an edit or a revert may touch."""
        if conn is not None:
            return {**self.current(conn, ids), **self.current_areas(conn, ids)}
        with self.engine.connect() as own:
            return {**self.current(own, ids), **self.current_areas(own, ids)}

    def load(self, as_of: str | None = None) -> gpd.GeoDataFrame:
        """Return the register (records not retired) as a GeoDataFrame, now or as recorded at ``as_of``."""
        if as_of is not None:
            return records_frame([r for r in self.replayed(as_of).values() if not r.get(RETIRED)], FIELDS)
        if self.backend == "gpkg":
            import pyogrio

            meta, table = pyogrio.read_arrow(self.location, layer=FEATURES, columns=list(FIELDS),
                                             where="retired = 0")
            return frame_from_arrow(table, meta.get("geometry_name") or "geom")
        query = f"SELECT {', '.join(FIELDS)}, ST_AsBinary(geom) FROM {FEATURES} WHERE NOT retired ORDER BY fid"
        with self.engine.connect() as conn, conn.connection.driver_connection.cursor(binary=True) as cur:
            cur.execute(query)  # psycopg's binary protocol: about half the time of pandas.read_sql at 100,000 rows
            rows = cur.fetchall()
        cols = list(zip(*rows, strict=True)) if rows else [()] * (len(FIELDS) + 1)
        geoms = shapely.from_wkb(np.array(cols[-1], dtype=object))
        return typed_frame({name: np.array(cols[i], dtype=object) for i, name in enumerate(FIELDS)}, geoms)

    def load_areas(self, as_of: str | None = None) -> gpd.GeoDataFrame:
        """Return the parks, zones and clusters not retired (a ``kind`` column, as :func:`geo.bundled.load_zones`)."""
        records = self.replayed(as_of, areas=True) if as_of is not None else self.current_areas()
        return records_frame([r for r in records.values() if not r.get(RETIRED)], AREA_FIELDS)

    def timeline(self, as_of: str | None = None) -> pd.DataFrame:
        """Return the status timelines: one row per status a project entered (project_id, status, year, source)."""
        if as_of is None:
            tl, f = self.tables.timeline, self.tables.features
            query = (sa.select(tl.c.project_id, tl.c.status, tl.c.year, tl.c.source)
                     .join(f, f.c.id == tl.c.project_id).where(sa.not_(f.c.retired)).order_by(tl.c.fid))
            with self.engine.connect() as conn:
                rows = [tuple(r) for r in conn.execute(query)]
        else:
            rows = [(ident, *row) for ident, rec in self.replayed(as_of).items() if not rec.get(RETIRED)
                    for row in timeline_rows(rec.get(TIMELINE))]
        frame = pd.DataFrame(rows, columns=["project_id", "status", "year", "source"])
        frame["year"] = frame["year"].astype("Int64")
        return frame

    # --- writing ----------------------------------------------------------------------------------------------------
    def initialise(self, seed: dict[str, dict[str, object]], source_name: str, sha256: str) -> int:
        """Create the schema (migrations) and record ``seed`` (projects and areas) as the first change set."""
        with self._write() as conn:
            migrate(conn, self.tables, utc_now())
            if conn.execute(sa.select(sa.func.count()).select_from(self.tables.changesets)).scalar():
                raise StoreError(t("store_not_empty", "en", location=self.location))
            diff = classify({}, seed, TRACKED)
            return self._commit(conn, diff, "qtmap", AREAS_SEEDED, "seed", source_name, sha256)

    def migrate(self, areas: tuple[dict[str, dict[str, object]], str, str] | None = None) -> int:
        """Apply pending schema migrations; return the schema version.

        A store from before the areas table gets it with the bundled parks, zones and clusters
        (``areas``: records, source name, SHA-256) as one change set, in the same transaction.
        """
        with self._write() as conn:
            before = schema_version(conn, self.tables)
            version = migrate(conn, self.tables, utc_now())
            if 0 < before < 3 and areas is not None and areas[0]:
                self._commit(conn, Diff(new=dict(areas[0])), "qtmap", AREAS_SEEDED, "seed", areas[1], areas[2])
            return version

    def import_records(self, incoming: dict[str, dict[str, object]], fields: tuple[str, ...], *, by: str,
                       reason: str, source_name: str | None = None, sha256: str | None = None,
                       retire_absent: bool = False, dry_run: bool = False) -> tuple[int | None, Diff]:
        """Merge ``incoming`` (id -> canonical record over ``fields``) as one change set; return (id, diff)."""
        _require(by, reason)
        with self._write() as conn:
            current = self.current(conn)
            _refuse_area_ids(self.current_areas(conn, ids=list(incoming)))
            diff = classify(current, incoming, fields, retire_absent)
            _derive_timelines(diff.changed, current)
            if dry_run or diff.empty():
                conn.info["rollback_only"] = True
                return None, diff
            ident = self._commit(conn, diff, by, reason, "import", source_name, sha256, current=current)
            return ident, diff

    def plan_import(self, incoming: dict[str, dict[str, object]], fields: tuple[str, ...],
                    retire_absent: bool = False) -> Diff:
        """Return what importing ``incoming`` would change, without writing."""
        current = self.current()
        diff = classify(current, incoming, fields, retire_absent)
        _derive_timelines(diff.changed, current)
        return diff

    def edit(self, record_id: str, values: dict[str, object], *, by: str, reason: str,
             expected_version: int | None = None, action: str = "edit") -> int:
        """Change fields of one record (canonical values) as one change set; return its id."""
        _require(by, reason)
        with self._write() as conn:
            current = self.current_all(conn, ids=[record_id])
            old = current.get(record_id)
            if old is None:
                raise StoreError(t("store_no_record", "en", id=record_id))
            unknown = sorted(set(values) - set(tracked_of(old)) | ({"kind"} & set(values)))
            if unknown:  # an area's kind is fixed: a park that becomes a cluster is a new record
                raise StoreError(t("store_unknown_fields", "en", fields=", ".join(unknown)))
            if expected_version is not None and old["version"] != expected_version:
                raise StoreConflict(t("store_stale_version", "en", id=record_id, version=old["version"],
                                      expected=expected_version))
            changes = {k: (old.get(k), v) for k, v in values.items() if old.get(k) != v}
            diff = Diff(changed={record_id: changes} if changes else {}, unchanged=[] if changes else [record_id])
            if not changes:
                raise StoreError(t("store_edit_nothing", "en", id=record_id))
            return self._commit(conn, diff, by, reason, action, current=current)

    def add(self, record: dict[str, object], *, by: str, reason: str) -> int:
        """Add one new record (canonical values with its ``id``) as one change set; refuse an id already used.

        A record with a ``kind`` (industrial_park, economic_zone, industrial_cluster) is an area.
        """
        _require(by, reason)
        unknown = sorted(set(record) - set(tracked_of(record)))
        if is_area(record) and record["kind"] not in AREA_KINDS:
            unknown.append("kind")
        if unknown:
            raise StoreError(t("store_unknown_fields", "en", fields=", ".join(unknown)))
        with self._write() as conn:
            if self.current_all(conn, ids=[str(record["id"])]):
                raise StoreConflict(t("store_id_taken", "en", id=record["id"]))
            return self._commit(conn, Diff(new={str(record["id"]): dict(record)}), by, reason, "add")

    def retire(self, record_id: str, *, by: str, reason: str, expected_version: int | None = None) -> int:
        """Retire one record (kept, with its history; no longer in the register)."""
        return self.edit(record_id, {RETIRED: True}, by=by, reason=reason, expected_version=expected_version,
                         action="retire")

    def set_timeline(self, record_id: str, rows: list[tuple[str, int | None, str | None]], *, by: str, reason: str,
                     expected_version: int | None = None) -> int:
        """Replace one project's status timeline ``[(status, year, source), ...]`` as a change set."""
        value = json.dumps([list(r) for r in rows], ensure_ascii=False) if rows else None
        return self.edit(record_id, {TIMELINE: value}, by=by, reason=reason, expected_version=expected_version,
                         action="timeline")

    def revert(self, changeset_id: int, *, by: str, reason: str) -> tuple[int | None, list[str]]:
        """Undo one change set as a new one; fields changed later are left alone and reported.

        Returns (new change-set id or None when nothing could be undone, the conflict lines).
        """
        _require(by, reason)
        self.changeset(changeset_id)  # a clear error for an unknown id
        ch = self.tables.changes
        with self._write() as conn:
            current = self.current_all(conn)
            later = {(r.record_id, r.field): r.changeset_id for r in conn.execute(
                sa.select(ch.c.record_id, ch.c.field, sa.func.max(ch.c.changeset_id).label("changeset_id"))
                .where(ch.c.changeset_id > changeset_id).group_by(ch.c.record_id, ch.c.field))}
            rows = self.changes_of(changeset_id)
            created = {r for r, name, old, _new in rows if name == "id" and old is None}
            diff, conflicts = Diff(), []
            for record_id, name, old, _new in rows:
                if record_id in created:  # undoing a creation retires the record (nothing is deleted)
                    if name != "id":
                        continue
                    name, old = RETIRED, True
                if (record_id, name) in later:
                    conflicts.append(f"{record_id}.{name}: changed again in change set {later[record_id, name]}; "
                                     "kept (revert that one first, or edit the record)")
                    continue
                have = current[record_id].get(name)
                if (bool(have) != bool(old)) if name == RETIRED else (have != old):
                    diff.changed.setdefault(record_id, {})[name] = (have, old)
            if diff.empty():
                conn.info["rollback_only"] = True
                return None, conflicts
            return self._commit(conn, diff, by, reason, "revert", reverts=changeset_id, current=current), conflicts

    def _commit(self, conn: sa.Connection, diff: Diff, by: str, reason: str, action: str,
                source_name: str | None = None, sha256: str | None = None, reverts: int | None = None,
                current: dict[str, dict[str, object]] | None = None) -> int:
        """Write ``diff`` (projects and areas) as one change set in ``conn``'s transaction; return its id."""
        t = self.tables
        current = current or {}
        retired = {i: {RETIRED: (False, True)} for i in diff.absent} if diff.retire else {}
        changed = {**diff.changed, **{i: {**diff.changed.get(i, {}), **c} for i, c in retired.items()}}
        areas = {i for i in changed if is_area(current[i])}
        _derive_timelines({i: c for i, c in changed.items() if i not in areas}, current)
        new = {i: rec if is_area(rec) else {**rec, TIMELINE: rec.get(TIMELINE) or seed_timeline(rec)}
               for i, rec in diff.new.items()}
        n_retired = sum(1 for c in changed.values() if c.get(RETIRED, (None, False))[1] is True)
        cs_id = conn.execute(t.changesets.insert().values(
            time=utc_now(), author=by, reason=reason, action=action, source_name=source_name, source_sha256=sha256,
            reverts=reverts, n_new=len(new), n_changed=len(changed) - n_retired, n_retired=n_retired,
        ).returning(t.changesets.c.id)).scalar_one()
        rows = [(cs_id, i, k, None, dumps(v)) for i, rec in new.items() for k, v in rec.items()
                if v is not None and k != RETIRED]
        rows += [(cs_id, i, k, dumps(o), dumps(n)) for i, fields in changed.items() for k, (o, n) in fields.items()]
        self._bulk_insert(conn, "changes", ("changeset_id", "record_id", "field", "old", "new"), rows)
        pause("changes-written")
        for table, fields, ours in ((FEATURES, FIELDS, False), (AREAS, AREA_FIELDS, True)):
            records = [rec for rec in new.values() if is_area(rec) == ours]
            self._bulk_insert(conn, table, (*fields, "version", "retired", "geom"), [
                (*(rec.get(name) for name in fields), 1, False, self._encode(rec.get(GEOMETRY))) for rec in records])
        for table, ids in ((t.features, [i for i in changed if i not in areas]), (t.areas, sorted(areas))):
            if ids:
                self._update(conn, table, {i: changed[i] for i in ids}, {i: current[i]["version"] for i in ids})
        timelines = {i: rec[TIMELINE] for i, rec in new.items() if not is_area(rec)}
        timelines.update({i: f[TIMELINE][1] for i, f in changed.items() if TIMELINE in f})
        if timelines:
            ids = list(timelines)
            for start in range(0, len(ids), 5000):
                conn.execute(t.timeline.delete().where(t.timeline.c.project_id.in_(ids[start:start + 5000])))
            self._bulk_insert(conn, "status_timeline", ("project_id", "status", "year", "source"),
                              [(i, *row) for i, value in timelines.items() for row in timeline_rows(value)])
        pause("rows-written")
        return int(cs_id)

    def _update(self, conn: sa.Connection, table: sa.Table, changed: dict[str, dict[str, tuple[object, object]]],
                versions: dict[str, int]) -> None:
        """Update the changed rows of one feature table (after checking the versions they were computed from)."""
        self._check_versions(conn, table, versions)
        batches: dict[tuple[str, ...], list[dict[str, object]]] = {}
        for ident, fields in changed.items():  # one executemany per set of changed columns
            values = {("geom" if k == GEOMETRY else k): (self._encode(n) if k == GEOMETRY else n)
                      for k, (_o, n) in fields.items() if k != TIMELINE}
            batches.setdefault(tuple(sorted(values)), []).append({"_id": ident, **{f"_{k}": v
                                                                                   for k, v in values.items()}})
        for columns, params in batches.items():
            statement = (table.update().where(table.c.id == sa.bindparam("_id"))
                         .values(version=table.c.version + 1, **{c: sa.bindparam(f"_{c}") for c in columns}))
            conn.execute(statement, params)

    def _bulk_insert(self, conn: sa.Connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        """Insert many rows in ``conn``'s transaction through the driver: COPY on PostgreSQL, executemany on SQLite.

        (SQLAlchemy's per-row parameter handling costs more than the database's work at 100,000 rows.)
        """
        if not rows:
            return
        names = ", ".join(columns)
        if self.backend == "postgis":
            with conn.connection.driver_connection.cursor() as cur, \
                    cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            conn.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})", rows)

    def _check_versions(self, conn: sa.Connection, f: sa.Table, expected: dict[str, int]) -> None:
        """Refuse the write when a record's version is not the one the change was computed from (locks the rows)."""
        ids = list(expected)
        found: dict[str, int] = {}
        for start in range(0, len(ids), 5000):
            query = sa.select(f.c.id, f.c.version).where(f.c.id.in_(ids[start:start + 5000]))
            if self.backend == "postgis":
                query = query.with_for_update()
            found.update({r.id: r.version for r in conn.execute(query)})
        moved = [i for i in ids if found.get(i) != expected[i]]
        if moved:
            raise StoreConflict(t("store_moved", "en", n=len(moved),
                                  ids=", ".join(moved[:5]) + ("…" if len(moved) > 5 else "")))


def _derive_timelines(changed: dict[str, dict[str, tuple[object, object]]],
                      current: dict[str, dict[str, object]]) -> None:
    """A change of status extends the record's timeline, in the same change set (adds the ``timeline`` change)."""
    for ident, fields in changed.items():
        if "status" in fields and TIMELINE not in fields:
            timeline = next_timeline(current[ident], {k: v[1] for k, v in fields.items()})
            if timeline != current[ident].get(TIMELINE):
                fields[TIMELINE] = (current[ident].get(TIMELINE), timeline)


def _refuse_area_ids(areas: dict[str, dict[str, object]]) -> None:
    """An import of projects may not reuse the id of a park, zone or cluster (one change log for both)."""
    if areas:
        raise StoreConflict(t("store_id_taken", "en", id=", ".join(sorted(areas)[:5])))


def _require(by: str, reason: str) -> None:
    if not (by or "").strip() or not (reason or "").strip():
        raise StoreError(t("store_need_author", "en"))
