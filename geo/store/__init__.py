"""The register store: an embedded GeoPackage (default) or PostGIS, with an append-only change-set history.

``open_store(location)`` returns a :class:`Store`; the location is a path to a
``.gpkg`` file or a ``postgresql://user@host:port/db`` URL, by default
``QTMAP_STORE`` or ``var/qtmap.gpkg`` in the repository. A store that does not
exist yet is created and seeded from the bundled data (``data/`` stays read-only).

Examples
--------
>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp:
...     store = open_store(pathlib.Path(tmp) / "r.gpkg")
...     print(len(store.load()), len(store.load_areas()), store.version())
26 19 (1, 1)

"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import cache
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from geo.i18n import t
from geo.store.core import ChangeSet, Store, parse_time, utc_now
from geo.store.records import AREA_FIELDS, AREA_KINDS, FIELDS, GEOMETRY, TIMELINE, records_from_frame
from geo.store.tx import StoreBusy, StoreConflict, StoreError

__all__ = ["open_store", "init_store", "default_location", "seed_records", "seed_areas", "Store", "StoreError",
           "StoreBusy", "StoreConflict", "ChangeSet", "parse_time", "utc_now", "DEFAULT_PATH"]

DEFAULT_PATH = Path(__file__).resolve().parent.parent.parent / "var" / "qtmap.gpkg"


def default_location() -> str:
    """Return QTMAP_STORE, or the default GeoPackage ``var/qtmap.gpkg``."""
    return os.environ.get("QTMAP_STORE") or str(DEFAULT_PATH)


def _is_url(location: str) -> bool:
    return location.startswith(("postgresql://", "postgresql+psycopg://", "postgres://"))


@cache
def _engine(location: str) -> sa.Engine:
    """One engine per location and process (connection pool)."""
    timeout = float(os.environ.get("QTMAP_STORE_TIMEOUT", "10"))
    if _is_url(location):
        try:
            import psycopg  # noqa: F401 - the driver SQLAlchemy's postgresql+psycopg dialect uses
        except ImportError as exc:
            raise StoreError(f"PostGIS stores need psycopg: pip install -r requirements.txt ({exc})") from None
        url = location.replace("postgres://", "postgresql://", 1).replace("postgresql://", "postgresql+psycopg://", 1)
        return sa.create_engine(url, pool_pre_ping=True)
    engine = sa.create_engine(f"sqlite:///{location}", connect_args={"timeout": timeout})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy's begin event below issues BEGIN itself

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        # A writer takes SQLite's write lock at the start (waiting up to the timeout), so the diff it computes
        # is the one it commits; readers start a deferred transaction and never block a writer.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("qtmap_write") else "BEGIN")

    return engine


def _store(location: str) -> Store:
    backend = "postgis" if _is_url(location) else "gpkg"
    return Store(_engine(location), backend, location)


def seed_areas() -> tuple[dict[str, dict[str, object]], str, str]:
    """Return the bundled parks, zones and clusters as canonical records (with ``kind``), their files and SHA-256.

    The SHA-256 is of the files' bytes one after the other, in the kinds' order (geo/schema.py).
    """
    from geo import bundled

    zones = bundled.load_zones()
    records = records_from_frame(zones, (*(n for n in AREA_FIELDS if n in zones.columns), GEOMETRY))
    paths = [bundled.DATA_DIR / bundled.FILES[kind] for kind in AREA_KINDS]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in paths)).hexdigest()
    return records, ", ".join(f"data/{p.name}" for p in paths), digest


def seed_records() -> tuple[dict[str, dict[str, object]], str, str]:
    """Return the bundled register and areas as canonical records (projects with their status timelines).

    Also the files' names and the SHA-256 of their bytes one after the other (projects first).
    A project without a row in the bundled timelines gets one from its status and status_year.
    """
    from geo import bundled

    data = bundled.load_layer("project")
    records = records_from_frame(data, (*FIELDS, GEOMETRY))
    for ident, rows in bundled.load_timeline().groupby("project_id", sort=False):  # data/status_timeline.csv
        if ident in records:
            records[ident][TIMELINE] = json.dumps(
                [[r.status, None if pd.isna(r.year) else int(r.year), r.source] for r in rows.itertuples()],
                ensure_ascii=False)
    path = bundled.DATA_DIR / bundled.FILES["project"]
    areas, names, _sha = seed_areas()
    data = path.read_bytes() + b"".join((bundled.DATA_DIR / bundled.FILES[kind]).read_bytes() for kind in AREA_KINDS)
    return {**records, **areas}, f"data/{bundled.FILES['project']}, {names}", hashlib.sha256(data).hexdigest()


def init_store(location: str | Path | None = None, force: bool = False) -> Store:
    """Create and seed a store; refuse to replace a non-empty one unless ``force``.

    A GeoPackage is built under a temporary name next to the target and moved into
    place in one step, so a crash never leaves a half-made store. On PostGIS the
    tables are dropped (with ``force``) and created in one transaction.
    """
    location = str(location or default_location())
    records, name, sha = seed_records()
    if _is_url(location):
        store = _store(location)
        if not store.is_empty() and not force:
            raise StoreError(t("store_not_empty", "en", location=location))
        with store._write() as conn:
            store.tables.meta.drop_all(conn)
        store.initialise(records, name, sha)
        return store
    path = Path(location)
    if path.exists() and not force and not _store(location).is_empty():
        raise StoreError(t("store_not_empty", "en", location=location))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".qtmap-", suffix=".gpkg", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)
    try:
        temp = _store(tmp)
        temp.initialise(records, name, sha)
        temp.engine.dispose()
        _engine.cache_clear()
        if force:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails if another process created it meanwhile: theirs is kept
    except FileExistsError:
        pass
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return _store(location)


def open_store(location: str | Path | None = None, create: bool = True) -> Store:
    """Return the store at ``location`` (default :func:`default_location`), creating and seeding it on first use."""
    location = str(location or default_location())
    if _is_url(location):
        store = _store(location)
        if store.schema_version() == 0:
            if not create:
                raise StoreError(t("store_missing", "en", location=location))
            return init_store(location)
        _migrate_if_needed(store)
        return store
    if not Path(location).exists():
        if not create:
            raise StoreError(t("store_missing", "en", location=location))
        return init_store(location)
    store = _store(location)
    _migrate_if_needed(store)
    return store


def _migrate_if_needed(store: Store) -> None:
    """Apply pending migrations (taking the write lock only when there are any)."""
    from geo.store.tables import SCHEMA_VERSION

    if store.schema_version() != SCHEMA_VERSION:
        store.migrate(seed_areas())
