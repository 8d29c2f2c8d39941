"""The store's tables (built from geo/schema.py) and its versioned schema with ordered migrations.

Migrations are a ``schema_version`` table plus the ordered list :data:`MIGRATIONS`
of plain functions, each run once, in its own transaction, on both backends. We
chose this over Alembic because the store has two backends of which one is a
GeoPackage: a GeoPackage change must also update the ``gpkg_contents`` /
``gpkg_geometry_columns`` metadata that Alembic does not know, the schema is a
handful of tables, and a list of functions needs no extra dependency, config
directory or ``env.py``. A store newer than this code is refused.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.types import UserDefinedType

from geo.i18n import t
from geo.store import gpkg
from geo.store.records import AREA_FIELD_TYPES, AREA_FIELDS, FIELD_TYPES, FIELDS

__all__ = ["FEATURES", "AREAS", "Tables", "MIGRATIONS", "SCHEMA_VERSION", "migrate", "schema_version"]

FEATURES = "projects"  # the feature table (a GeoPackage layer QGIS and pyogrio open)
AREAS = "areas"  # parks, economic zones and clusters (a second GeoPackage layer: polygons, multipolygons, points)


class GpkgPoint(UserDefinedType):
    """A GeoPackage POINT column: the value bound and read is the GeoPackage blob (see geo.store.gpkg)."""

    cache_ok = True

    def get_col_spec(self, **kw: object) -> str:
        """Return the column type GeoPackage readers expect."""
        return "POINT"


class GpkgGeometry(GpkgPoint):
    """A GeoPackage GEOMETRY column (any type: the areas' polygons, multipolygons and points)."""

    cache_ok = True

    def get_col_spec(self, **kw: object) -> str:
        """Return the column type GeoPackage readers expect."""
        return "GEOMETRY"


def _column_type(kind: str) -> sa.types.TypeEngine:
    return {"int": sa.Integer(), "float": sa.Double(), "bool": sa.Boolean()}.get(kind, sa.Text())


class Tables:
    """The SQLAlchemy tables of one backend ("gpkg" or "postgis")."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self.meta = sa.MetaData()
        if backend == "postgis":
            from geoalchemy2 import Geometry

            geom_type: sa.types.TypeEngine = Geometry("POINT", srid=4326, spatial_index=True)
            area_geom: sa.types.TypeEngine = Geometry("GEOMETRY", srid=4326, spatial_index=True)
        else:
            geom_type, area_geom = GpkgPoint(), GpkgGeometry()
        self.features = sa.Table(
            FEATURES, self.meta,
            sa.Column("fid", sa.Integer, primary_key=True, autoincrement=True),
            *[sa.Column(name, _column_type(FIELD_TYPES[name]), unique=name == "id", nullable=name != "id")
              for name in FIELDS],
            sa.Column("version", sa.Integer, nullable=False),
            sa.Column("retired", sa.Boolean, nullable=False),
            sa.Column("geom", geom_type, nullable=True),
        )
        self.areas = sa.Table(
            AREAS, self.meta,
            sa.Column("fid", sa.Integer, primary_key=True, autoincrement=True),
            *[sa.Column(name, _column_type(AREA_FIELD_TYPES[name]), unique=name == "id",
                        nullable=name not in ("id", "kind")) for name in AREA_FIELDS],
            sa.Column("version", sa.Integer, nullable=False),
            sa.Column("retired", sa.Boolean, nullable=False),
            sa.Column("geom", area_geom, nullable=True),
        )
        self.changesets = sa.Table(
            "changesets", self.meta,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("time", sa.Text, nullable=False),  # UTC, ISO 8601 with microseconds and Z: sorts as text
            sa.Column("author", sa.Text, nullable=False),
            sa.Column("reason", sa.Text, nullable=False),
            sa.Column("action", sa.Text, nullable=False),  # seed, import, edit, retire, timeline, revert
            sa.Column("source_name", sa.Text),
            sa.Column("source_sha256", sa.Text),
            sa.Column("reverts", sa.Integer),
            sa.Column("n_new", sa.Integer, nullable=False),
            sa.Column("n_changed", sa.Integer, nullable=False),
            sa.Column("n_retired", sa.Integer, nullable=False),
        )
        self.changes = sa.Table(
            "changes", self.meta,
            sa.Column("fid", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("changeset_id", sa.Integer, nullable=False, index=True),
            sa.Column("record_id", sa.Text, nullable=False, index=True),
            sa.Column("field", sa.Text, nullable=False),
            sa.Column("old", sa.Text),  # JSON of the canonical value (geo.store.records)
            sa.Column("new", sa.Text),
        )
        self.timeline = sa.Table(
            "status_timeline", self.meta,
            sa.Column("fid", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("project_id", sa.Text, nullable=False, index=True),
            sa.Column("status", sa.Text, nullable=False),
            sa.Column("year", sa.Integer),
            sa.Column("source", sa.Text),
        )
        self.editors = sa.Table(  # editor accounts (geo.users): the name and an argon2 hash, never a password
            "editors", self.meta,
            sa.Column("name", sa.Text, primary_key=True),
            sa.Column("hash", sa.Text, nullable=False),
            sa.Column("created", sa.Text, nullable=False),
        )
        self.version = sa.Table(
            "schema_version", self.meta,
            sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("applied", sa.Text, nullable=False),
        )


def _m1_create(conn: sa.Connection, tables: Tables) -> None:
    """Version 1: the feature table, change sets, changes, status timeline (and GeoPackage metadata)."""
    if tables.backend == "postgis":
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
    tables.meta.create_all(conn, tables=[tables.features, tables.changesets, tables.changes, tables.timeline])
    if tables.backend == "gpkg":
        statements = gpkg.register_table(FEATURES, "qtmap project register (current state)", ("geom", "POINT"))
        for name, text in (("changesets", "change sets: who, when, why"),
                           ("changes", "per record and field: old and new value (JSON)"),
                           ("status_timeline", "status of each project and the year it began"),
                           ("schema_version", "store schema migrations applied")):
            statements += gpkg.register_table(name, text)
        for statement in statements:
            conn.exec_driver_sql(statement)


def _m2_editors(conn: sa.Connection, tables: Tables) -> None:
    """Version 2: the editor accounts of the app's sign-in (name, argon2 hash, created)."""
    tables.editors.create(conn)
    if tables.backend == "gpkg":
        for statement in gpkg.register_table("editors", "editor accounts: name and argon2 password hash"):
            conn.exec_driver_sql(statement)


def _m3_areas(conn: sa.Connection, tables: Tables) -> None:
    """Version 3: the areas table (parks, zones, clusters); :meth:`Store.migrate` seeds it as one change set."""
    tables.areas.create(conn)
    if tables.backend == "gpkg":
        for statement in gpkg.register_table(AREAS, "qtmap parks, economic zones and clusters (current state)",
                                             ("geom", "GEOMETRY")):
            conn.exec_driver_sql(statement)


MIGRATIONS: tuple[Callable[[sa.Connection, Tables], None], ...] = (_m1_create, _m2_editors, _m3_areas)
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: sa.Connection, tables: Tables) -> int:
    """Return the schema version of the store (0 when it has no schema yet)."""
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(sa.select(sa.func.max(tables.version.c.version))).scalar() or 0


def migrate(conn: sa.Connection, tables: Tables, now: str) -> int:
    """Apply the pending migrations inside the caller's transaction; return the resulting version."""
    current = schema_version(conn, tables)
    if current > SCHEMA_VERSION:
        raise RuntimeError(t("store_schema_newer", "en", found=current, known=SCHEMA_VERSION))
    if current == 0:
        if tables.backend == "gpkg" and not sa.inspect(conn).has_table("gpkg_contents"):
            for statement in gpkg.metadata_ddl():
                conn.exec_driver_sql(statement)
        tables.version.create(conn)
    for number in range(current + 1, SCHEMA_VERSION + 1):
        MIGRATIONS[number - 1](conn, tables)
        conn.execute(tables.version.insert().values(version=number, applied=now))
    return SCHEMA_VERSION
