"""Kind guessing and column matching: which layer kind a file holds, which of its columns are schema fields."""

from __future__ import annotations

from pathlib import Path

from geo.readers import column_key
from geo.schema import FIELD_ALIASES, KINDS, Kind

__all__ = ["DEFAULT_KIND", "KIND_HINTS", "guess_kind", "schema_renames"]

# Columns that tell the layer kinds apart, first match wins (see guess_kind).
KIND_HINTS: tuple[tuple[str, str], ...] = (
    ("facility", "infrastructure"),
    ("sector", "project"),
    ("legal_basis", "economic_zone"),
    ("occupancy_note", "industrial_park"),
    ("unit_type", "district_seat"),
    ("seat", "district_seat"),
    ("iso_a3", "country"),
)
DEFAULT_KIND = "project"


def guess_kind(columns: list[str], file_name: str = "") -> str:
    """Guess the layer kind of a file from its columns (``KIND_HINTS``), else its name, else project.

    Every bundled file's name holds its kind (``roads_national.geojson``: road).

    >>> guess_kind(["id", "name_vi", "facility"])
    'infrastructure'
    >>> guess_kind(["name", "iso_3166_2"], "province.geojson")
    'province'
    """
    keys = {column_key(c) for c in columns}
    for column, kind in KIND_HINTS:
        if column_key(column) in keys:
            return kind
    stem = column_key(Path(file_name).stem)
    for kind in sorted(KINDS, key=len, reverse=True):
        if column_key(kind) in stem:
            return kind
    return DEFAULT_KIND


def schema_renames(columns: list[str], kind: Kind, shapefile: bool = False) -> dict[str, str]:
    """Map columns that match a schema field (or its FIELD_ALIASES) but for case, diacritics or separators.

    A shapefile's field names are cut to 10 characters, so there ``location_c``
    is ``location_confidence``.

    >>> schema_renames(["Tên dự án", "Ngành", "lon"], KINDS["project"])
    {'Tên dự án': 'name_vi', 'Ngành': 'sector'}
    """
    present = set(columns)
    by_key = {column_key(f.name): f.name for f in kind.fields}
    for f in kind.fields:
        for alias in FIELD_ALIASES.get(f.name, ()):
            by_key.setdefault(column_key(alias), f.name)
    if shapefile:
        for f in kind.fields:
            by_key.setdefault(column_key(f.name[:10]), f.name)
    renames: dict[str, str] = {}
    for col in columns:
        name = by_key.get(column_key(col))
        if name and name != col and name not in present and name not in renames.values():
            renames[col] = name
    return renames
