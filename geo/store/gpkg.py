"""GeoPackage plumbing for the embedded store: geometry blobs and the gpkg_* metadata tables.

A GeoPackage is an SQLite file with a few metadata tables (OGC 12-128r18). The store
writes its feature rows with plain SQL inside the same SQLite transaction as the change
set that records them, so a write is all-or-nothing; pyogrio cannot share a
transaction with ``sqlite3``. The geometry blob is the GeoPackage header (magic
``GP``, version, flags, SRS id, optional envelope) followed by standard WKB.

Examples
--------
>>> from shapely.geometry import Point
>>> blob = to_gpkg_blob(Point(107.1, 16.8))
>>> blob[:2], from_gpkg_blob(blob).wkt
(b'GP', 'POINT (107.1 16.8)')
>>> to_gpkg_blob(None) is None
True

"""

from __future__ import annotations

import struct

import shapely

__all__ = ["APPLICATION_ID", "USER_VERSION", "metadata_ddl", "register_table", "to_gpkg_blob", "from_gpkg_blob",
           "from_gpkg_blobs"]

APPLICATION_ID = 0x47504B47  # "GPKG"
USER_VERSION = 10300  # GeoPackage 1.3
SRS_ID = 4326
# Envelope indicator (flags bits 1-3) -> envelope size in bytes.
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}

_WGS84_WKT = ('GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],'
              'AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],'
              'UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],'
              'AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]')


def metadata_ddl() -> list[str]:
    """Return the statements that create the mandatory GeoPackage tables and their SRS rows."""
    return [
        f"PRAGMA application_id = {APPLICATION_ID}",
        f"PRAGMA user_version = {USER_VERSION}",
        "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, "
        "organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, "
        "description TEXT)",
        "INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', NULL), "
        "('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', NULL), "
        f"('WGS 84 geodetic', 4326, 'EPSG', 4326, '{_WGS84_WKT}', 'longitude/latitude coordinates in decimal degrees')",
        "CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, "
        "identifier TEXT UNIQUE, description TEXT DEFAULT '', "
        "last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), "
        "min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER, "
        "CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))",
        "CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, "
        "geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, "
        "CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), "
        "CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), "
        "CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))",
    ]


def register_table(table: str, description: str, geometry: tuple[str, str] | None = None) -> list[str]:
    """Statements that list ``table`` in gpkg_contents (features when ``geometry`` = (column, type))."""
    if geometry is None:
        return [f"INSERT INTO gpkg_contents (table_name, data_type, identifier, description) "
                f"VALUES ('{table}', 'attributes', '{table}', '{description}')"]
    column, kind = geometry
    return [f"INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
            f"VALUES ('{table}', 'features', '{table}', '{description}', {SRS_ID})",
            f"INSERT INTO gpkg_geometry_columns VALUES ('{table}', '{column}', '{kind}', {SRS_ID}, 0, 0)"]


def to_gpkg_blob(geom: shapely.Geometry | None) -> bytes | None:
    """Return the GeoPackage geometry blob of ``geom`` (little-endian, no envelope), None for no geometry."""
    if geom is None or geom.is_empty:
        return None
    return b"GP" + struct.pack("<BBi", 0, 0b00000001, SRS_ID) + shapely.to_wkb(geom, byte_order=1)


def _wkb_part(blob: bytes) -> bytes:
    """Return the WKB that follows the header of a GeoPackage blob."""
    if blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry blob (no 'GP' magic)")
    flags = blob[3]
    return blob[8 + _ENVELOPE_BYTES[(flags >> 1) & 0b111]:]


def from_gpkg_blob(blob: bytes | None) -> shapely.Geometry | None:
    """Return the geometry of a GeoPackage blob (None for NULL)."""
    return None if blob is None else shapely.from_wkb(_wkb_part(bytes(blob)))


def from_gpkg_blobs(blobs: list[bytes | None]) -> list[bytes | None]:
    """Return the WKB of each blob (None kept), for vectorised decoding with ``shapely.from_wkb``."""
    return [None if b is None else _wkb_part(bytes(b)) for b in blobs]
