"""Check a data file against the qtmap schema: one located problem per line.

:func:`validate_file` reads a file with :func:`geo.readers.read_raw` and returns a
:class:`Report`: the problems (file, row or feature, field, value, what is wrong
and what to do), remarks that do not make the file invalid ("notes"), and the
data itself, every record, schema-coerced and in EPSG:4326.  Exit codes: 0 valid,
1 problems, 2 cannot be read at all.

Checks: missing required columns; empty names and ids; unknown vocabulary values
(with the nearest code); duplicate ids; numbers that do not parse, are not whole
or lie outside the field's range; unparseable, out-of-range or swapped
coordinates; projected coordinates without a CRS (with the CRS that fits);
locations outside Quảng Trị province (its outline buffered by 2 km); invalid
geometry (with the place); the wrong geometry type for the kind; a record
without location whose ``location_confidence`` is not ``none``, and a located
one whose confidence is ``none``.  Base layers (province, roads, ...) have no
fields: only their geometry is checked.

Decisions for files from users (``strict=False``, the default):

- ``location_confidence`` and ``geometry_quality`` may be missing or empty; they
  are then *defaulted with a note*, never silently: a located record gets
  confidence ``low`` (the map draws it dashed, as inferred) and a record without
  location ``none``; a located point gets quality ``point`` and any other
  located geometry ``approximate`` (nothing claims a survey it does not have).
- ``sources`` may be missing or empty (a planner's own register may have none);
  a note says the popups will show no source.
- Columns whose names differ from the schema's only in case, diacritics or
  separators (``Sector``, ``Name VI``) are read as the schema's names, with a note.

With ``strict=True`` (the bundled data, tests/test_data.py) these three fields
are required like the schema says, and every ``sources`` key must resolve in
data/sources.csv.  Apart from these documented defaults and the label → code
normalisation of :func:`geo.readers.coerce_to_schema`, ``Report.data`` is the
file as read: no row is dropped or changed (only fully blank table rows, which
are not records, are skipped).  When the coordinates have no CRS (X/Y columns
without ``crs``, a shapefile without .prj), the records are returned without
geometry and a problem says which CRS to give.

``Report.lines()`` gives the problems, or for a valid file the summary line
``file.csv: OK, 26 features (project)``, followed by any notes.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"id": ["P1", "P1"], "name_vi": ["Nhà máy A", ""], "sector": ["Cơ khí", "co khii"],
...     "status": ["operating", "operating"], "lon": ["107.1", "107.12"], "lat": ["16.8", "16.81"]})
>>> report = validate_frame(df, "project", "du_an.csv")
>>> report.exit_code
1
>>> for line in report.lines():
...     print(line[:72].rstrip())
du_an.csv:row 3: name_vi='': name_vi is empty: give the Vietnamese name
du_an.csv:row 3: sector='co khii': unknown sector; did you mean 'mechani
du_an.csv:row 3: id='P1': duplicate id: row 2 has it too; give every rec
du_an.csv: note: no location_confidence column: set to 'low' for 2 locat
du_an.csv: note: no geometry_quality column: set to 'point' for points a
du_an.csv: note: no sources column: the popups will show no source; add

"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import get_close_matches
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely
from pyproj import CRS, Transformer
from shapely.validation import explain_validity

from geo.readers import (
    _FALSE,
    _TRUE,
    CRS_ALIASES,
    LAT_COLUMNS,
    LON_COLUMNS,
    X_COLUMNS,
    Y_COLUMNS,
    RawLayer,
    ReadError,
    coerce_to_schema,
    column_key,
    layer_from_frame,
    layer_from_table,
    parse_crs,
    parse_numbers,
    read_raw,
    text_values,
)
from geo.schema import BASE_KINDS, FIELD_ALIASES, KINDS, VOCABULARIES, Field, Kind, codes, normalise_term, suggest_term

# Columns that tell the layer kinds apart, first match wins (see guess_kind).
KIND_HINTS: tuple[tuple[str, str], ...] = (
    ("facility", "infrastructure"),
    ("sector", "project"),
    ("legal_basis", "economic_zone"),
    ("occupancy_note", "industrial_park"),
    ("unit_type", "district_seat"),
    ("seat", "district_seat"),
)
DEFAULT_KIND = "project"

# CRSs tried, in this order, when coordinates come without one (short names of CRS_ALIASES or EPSG codes).
CRS_CANDIDATES: tuple[str, ...] = ("EPSG:4326", "vn2000-utm48", "vn2000-tm3-quangtri", "EPSG:32648")
PROVINCE_BUFFER_M = 2_000  # locations this close to the outline count as inside (boundary precision)
METRIC_CRS = "EPSG:3405"  # VN-2000 / UTM zone 48N, for distances

# Fields a user's file may leave out or empty: the value used instead (see the module docstring).
SOFT_FIELDS: tuple[str, ...] = ("location_confidence", "geometry_quality", "sources")
_LOCATED_CONFIDENCES = ("high", "medium", "low")
_MAX_LISTED_ROWS = 8


@dataclass(frozen=True)
class Problem:
    """One problem (or note) found in a file, located as its user would look for it.

    ``row`` is the spreadsheet row for tables (header = row 1, first record = row 2)
    and the 1-based feature number for GeoJSON, GeoPackage and shapefiles
    (``unit="feature"``); None for the file as a whole.
    """

    file: str
    row: int | None
    field: str | None
    value: str | None
    message: str
    unit: str = "row"
    record_id: str | None = None
    note: bool = False

    @property
    def where(self) -> str:
        """Return where the problem is: "row 7", "feature 3 (id P03)" or ""."""
        if self.row is None:
            return ""
        ident = f" (id {self.record_id})" if self.record_id and self.unit == "feature" else ""
        return f"{self.unit} {self.row}{ident}"

    def line(self) -> str:
        """Return the problem as one line: ``file:row 7: field='value': message``."""
        head = f"{self.file}:{self.where}" if self.where else self.file
        what = ""
        if self.field is not None:
            shown = self.value if self.value is None or len(self.value) <= 60 else self.value[:57] + "..."
            what = self.field if shown is None else f"{self.field}={shown!r}"
            what += ": "
        return f"{head}: {'note: ' if self.note else ''}{what}{self.message}"


@dataclass
class Report:
    """The outcome of validating one file."""

    file: str
    kind: str | None
    problems: list[Problem] = field(default_factory=list)
    data: gpd.GeoDataFrame | None = None
    notes: list[Problem] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """Return 0 when valid, 1 when there are problems, 2 when the file cannot be read."""
        if self.data is None:
            return 2
        return 1 if self.problems else 0

    def lines(self) -> list[str]:
        """Return one line per problem (then the notes); for a valid file, a summary line first."""
        if self.data is None:
            return [p.line() for p in self.problems]
        if self.problems:
            return [p.line() for p in self.problems] + [n.line() for n in self.notes]
        n = len(self.data)
        summary = f"{self.file}: OK, {n} feature{'' if n == 1 else 's'} ({self.kind})"
        return [summary] + [note.line() for note in self.notes]


# --- the province outline and CRS guesses ----------------------------------------------------------------------------


@cache
def _outline() -> tuple[shapely.Geometry, shapely.Geometry]:
    """Return (the province buffered by PROVINCE_BUFFER_M in EPSG:4326, the province in METRIC_CRS)."""
    from geo.bundled import load_layer

    metric = load_layer("province").to_crs(METRIC_CRS).geometry.union_all()
    buffered = gpd.GeoSeries([metric.buffer(PROVINCE_BUFFER_M)], crs=METRIC_CRS).to_crs("EPSG:4326").iloc[0]
    shapely.prepare(buffered)
    shapely.prepare(metric)
    return buffered, metric


def inside_province(geoms: gpd.GeoSeries) -> np.ndarray:
    """Return, per EPSG:4326 geometry, whether it lies inside the (buffered) province outline."""
    outline, _ = _outline()
    arr = geoms.to_numpy()
    ok = np.zeros(len(arr), bool)
    present = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    ok[present] = shapely.covers(outline, arr[present])
    return ok


def _km_from_province(geoms: gpd.GeoSeries) -> np.ndarray:
    """Return the distance in km of EPSG:4326 geometries from the province outline."""
    _, metric = _outline()
    with np.errstate(invalid="ignore"):
        return shapely.distance(metric, geoms.to_crs(METRIC_CRS).to_numpy()) / 1000


def _crs_name(crs_text: str) -> str:
    return CRS.from_user_input(CRS_ALIASES.get(crs_text, crs_text)).name


def suggest_crs(geoms: gpd.GeoSeries, sample: int = 500) -> tuple[str, bool] | None:
    """Return (CRS short name, swapped) under which most ``geoms`` fall inside the province, or None.

    The coordinates are taken as they are in the file (their CRS is ignored); each
    of ``CRS_CANDIDATES`` is tried as it is and with X and Y swapped.
    """
    arr = geoms.to_numpy()
    arr = arr[~(shapely.is_missing(arr) | shapely.is_empty(arr))]
    if len(arr) == 0:
        return None
    step = max(1, len(arr) // sample)
    xy = shapely.get_coordinates(shapely.centroid(arr[::step]))
    xy = xy[np.isfinite(xy).all(axis=1)]
    if len(xy) == 0:
        return None
    outline, _ = _outline()
    best: tuple[float, str, bool] | None = None
    for swapped in (False, True):
        x, y = (xy[:, 1], xy[:, 0]) if swapped else (xy[:, 0], xy[:, 1])
        for name in CRS_CANDIDATES:
            crs = parse_crs(name)
            if crs.is_geographic and not ((np.abs(x) <= 180) & (np.abs(y) <= 90)).all():
                continue
            lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(x, y)
            share = float(shapely.contains_xy(outline, np.asarray(lon), np.asarray(lat)).mean())
            if share >= 0.5 and (best is None or share > best[0]):
                best = (share, name, swapped)
    return (best[1], best[2]) if best else None


def _crs_hint(geoms: gpd.GeoSeries, mode: str) -> str:
    """Say which --crs to give for coordinates without a (right) CRS; ``mode``: "lonlat", "xy", "wkt" or "vector"."""
    guess = suggest_crs(geoms)
    if guess is None:
        return (f"give the CRS with --crs ({', '.join(n for n in CRS_ALIASES if n != 'wgs84')} or EPSG:nnnn); "
                "none of the usual ones places these coordinates in Quảng Trị")
    name, swapped = guess
    if name == "EPSG:4326" and swapped:
        fix = "swap the two columns" if mode in ("lonlat", "xy") else "write every position as lon, lat"
        return f"they look like latitude, longitude (swapped): {fix}"
    if name == "EPSG:4326":
        what = "longitude/latitude degrees"
        fix = "name the columns lon/lat, or add --crs EPSG:4326" if mode == "xy" else "add --crs EPSG:4326"
    else:
        what = f"{_crs_name(name)} metres"
        fix = f"name the columns x/y and add --crs {name}" if mode == "lonlat" else f"add --crs {name}"
    if swapped:
        return f"they look like {what} with X and Y swapped: swap the two and {fix}"
    return f"they look like {what}: {fix}"


# --- kinds and columns -----------------------------------------------------------------------------------------------


def guess_kind(columns: list[str], file_name: str = "") -> str:
    """Guess the layer kind of a file from its columns (``KIND_HINTS``), else its name, else project.

    >>> guess_kind(["id", "name_vi", "facility"])
    'infrastructure'
    >>> guess_kind(["name", "iso_3166_2"], "province.geojson")
    'province'
    """
    keys = {column_key(c) for c in columns}
    for column, kind in KIND_HINTS:
        if column_key(column) in keys:
            return kind
    from geo.bundled import FILES

    stem = column_key(Path(file_name).stem)
    for kind in sorted(KINDS, key=len, reverse=True):
        if column_key(kind) in stem:
            return kind
    by_name = {Path(name).name: kind for kind, name in FILES.items()}
    return by_name.get(Path(file_name).name, DEFAULT_KIND)


def _schema_renames(columns: list[str], kind: Kind, shapefile: bool = False) -> dict[str, str]:
    """Map columns that match a schema field (or its FIELD_ALIASES) but for case, diacritics or separators.

    A shapefile's field names are cut to 10 characters, so there ``location_c``
    is ``location_confidence``.
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


# --- the checks ------------------------------------------------------------------------------------------------------


@dataclass
class _Check:
    """What every check needs: the layer, the kind, and where to put problems and notes."""

    layer: RawLayer
    kind: Kind
    file: str
    strict: bool
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    ids: np.ndarray | None = None

    @property
    def frame(self) -> gpd.GeoDataFrame:
        return self.layer.frame

    @property
    def unit(self) -> str:
        return "row" if self.layer.is_table else "feature"

    def add(self, i: int | None, fld: str | None, value: object, message: str, note: bool = False) -> None:
        """Record a problem (or note) on record ``i`` (position in the frame; None: the whole file)."""
        row = None if i is None else int(self.layer.rows[i])
        record_id = None if i is None or self.ids is None or not self.ids[i] else str(self.ids[i])
        shown = None if value is None else str(value)
        item = Problem(self.file, row, fld, shown, message, self.unit, record_id, note)
        (self.notes if note else self.problems).append(item)

    def add_rows(self, mask: np.ndarray | pd.Series, fld: str | None, values: pd.Series | None, message) -> None:
        """Record one problem per True of ``mask``; ``message`` is a string or a function of the value."""
        for i in np.flatnonzero(np.asarray(mask)):
            value = None if values is None else values.iloc[i]
            self.add(int(i), fld, value, message(value) if callable(message) else message)

    def rows_text(self, mask: np.ndarray) -> str:
        """Say which rows ``mask`` marks: "rows 3, 5, 9 (and 12 more)"."""
        rows = [str(r) for r in self.layer.rows[np.asarray(mask)]]
        more = f" (and {len(rows) - _MAX_LISTED_ROWS} more)" if len(rows) > _MAX_LISTED_ROWS else ""
        return f"{self.unit}{'s' if len(rows) > 1 else ''} {', '.join(rows[:_MAX_LISTED_ROWS])}{more}"


def _check_required_columns(c: _Check) -> None:
    names = {f.name for f in c.kind.fields}
    columns = [str(col) for col in c.frame.columns if col != c.frame.geometry.name and col not in names]
    for f in c.kind.fields:
        if not f.required or f.name in c.frame.columns or (f.name in SOFT_FIELDS and not c.strict):
            continue
        close = get_close_matches(f.name, columns, n=1, cutoff=0.6)
        hint = f"; the file has a column {close[0]!r}: rename it to {f.name!r}" if close else ""
        values = f"; values: {', '.join(codes(f.type))}" if f.type in VOCABULARIES else ""
        c.add(None, None, None, f"missing required column {f.name!r} ({f.description}): add it{values}{hint}")


def _vocab_message(vocab: str, value: str) -> str:
    near = suggest_term(vocab, value)
    mean = f"; did you mean {near!r}?" if near else "."
    return f"unknown {vocab}{mean} Use one of: {', '.join(codes(vocab))}"


def _check_fields(c: _Check) -> None:
    """Check each schema field present: empty required values, vocabularies, numbers, booleans."""
    for f in c.kind.fields:
        if f.name not in c.frame.columns:
            continue
        col = c.frame[f.name]
        text = text_values(col)
        blank = (text == "").to_numpy()
        if f.required and not (f.name in SOFT_FIELDS and not c.strict):
            if f.name == "id":
                msg = "id is empty: give every record its own id (e.g. P27)"
            elif f.name.startswith("name"):
                msg = f"{f.name} is empty: give the Vietnamese name"
            elif f.type in VOCABULARIES:
                msg = f"{f.name} is empty: use one of: {', '.join(codes(f.type))}"
            else:
                msg = f"{f.name} is empty: it is required ({f.description})"
            c.add_rows(blank, f.name, text, msg)
        if f.type in VOCABULARIES:
            known = {v: normalise_term(f.type, v) is not None for v in text[~blank].unique()}
            unknown = ~blank & ~text.map(known).fillna(True).astype(bool).to_numpy()
            c.add_rows(unknown, f.name, text, lambda v, vocab=f.type: _vocab_message(vocab, v))
        elif f.type in ("int", "float"):
            _check_number(c, f, col, text, blank)
        elif f.type == "bool":
            bad = ~blank & ~text.str.lower().isin(_TRUE | _FALSE).to_numpy()
            c.add_rows(bad, f.name, text, "not yes/no: write true or false (có/không)")


def _check_number(c: _Check, f: Field, col: pd.Series, text: pd.Series, blank: np.ndarray) -> None:
    """Check a numeric field: parses, whole for "int", within the field's minimum and maximum."""
    numeric = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
    num = col.astype(float) if numeric else pd.to_numeric(text.where(~blank), errors="coerce").astype(float)
    bad = ~blank & num.isna().to_numpy()
    c.add_rows(bad, f.name, text, lambda v: "not a number: " + (
        "use '.' as the decimal separator and no thousands separators, e.g. 1117.5" if "," in v
        else "write digits only, e.g. 1117.5"))
    ok = ~blank & ~bad
    unit = f" {f.unit}" if f.unit and f.unit != "year" else ""
    if f.type == "int":
        c.add_rows(ok & (num != num.round()).to_numpy(), f.name, text, "not a whole number: write an integer")
    if f.minimum is not None:
        low = "negative values are not possible" if f.minimum == 0 else "check the value"
        c.add_rows(ok & (num < f.minimum).to_numpy(), f.name, text,
                   f"below the minimum {f.minimum:g}{unit}: {low}")
    if f.maximum is not None:
        c.add_rows(ok & (num > f.maximum).to_numpy(), f.name, text,
                   f"above the maximum {f.maximum:g}{unit}: check the value and its unit")


def _check_ids(c: _Check) -> None:
    if "id" not in c.frame.columns:
        return
    ids = text_values(c.frame["id"])
    present = ids != ""
    dup = (present & ids.duplicated(keep="first")).to_numpy()
    if not dup.any():
        return
    first = pd.Series(np.arange(len(ids))).groupby(ids.to_numpy()).transform("min").to_numpy()
    for i in np.flatnonzero(dup):
        c.add(int(i), "id", ids.iloc[i],
              f"duplicate id: {c.unit} {c.layer.rows[first[i]]} has it too; give every record its own id")


def _source_numbers(c: _Check) -> tuple[str, str, pd.Series, pd.Series] | None:
    coords = c.layer.coords
    if not coords or coords[0] == "wkt":
        return None
    _, xcol, ycol = coords
    return xcol, ycol, text_values(c.frame[xcol]), text_values(c.frame[ycol])


def _check_coordinate_text(c: _Check) -> np.ndarray:
    """Check the coordinate cells of a table; return the rows already reported."""
    n = len(c.frame)
    bad = np.zeros(n, bool)
    coords = c.layer.coords
    if coords and coords[0] == "wkt":
        text = text_values(c.frame[coords[1]])
        bad = (text != "").to_numpy() & c.layer.source_geometry.isna().to_numpy()
        c.add_rows(bad, coords[1], text, "not valid WKT geometry: write e.g. POINT (107.1 16.8)")
        return bad
    parts = _source_numbers(c)
    if parts is None:
        return bad
    xcol, ycol, xt, yt = parts
    degrees = coords[0] == "lonlat" or c.layer.source_geometry.crs is not None and \
        c.layer.source_geometry.crs.is_geographic
    example = "decimal degrees, e.g. 107.1234" if degrees else "metres, e.g. 723612.04"
    for col, text, other, other_text in ((xcol, xt, ycol, yt), (ycol, yt, xcol, xt)):
        empty = ((text == "") & (other_text != "")).to_numpy()
        c.add_rows(empty, col, text, f"{col} is empty but {other} is given: give both, or neither")
        unparsed = ((text != "") & parse_numbers(text).isna()).to_numpy()
        c.add_rows(unparsed & ~bad, col, text, f"not a number: write {example}")
        bad |= empty | unparsed
    return bad


def _swap(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    return gpd.GeoSeries(shapely.transform(geoms.to_numpy(), lambda xy: xy[:, ::-1]), crs=geoms.crs)


def _not_degrees(source: gpd.GeoSeries) -> np.ndarray:
    """Return, per geometry, whether any coordinate lies outside lon −180..180, lat −90..90."""
    b = shapely.bounds(source.to_numpy())
    with np.errstate(invalid="ignore"):
        return (np.abs(b[:, [0, 2]]) > 180).any(axis=1) | (np.abs(b[:, [1, 3]]) > 90).any(axis=1)


def _outside_message(c: _Check, i: int, swapped: bool, km: float) -> tuple[str, str | None, str]:
    """Return (field, value, message) for record ``i``, which lies outside the province."""
    mode, crs = _mode(c.layer), c.layer.source_geometry.crs
    parts = _source_numbers(c)
    fld, value = (f"{parts[0]}/{parts[1]}", f"{parts[2].iloc[i]}, {parts[3].iloc[i]}") if parts else ("geometry", None)
    if swapped and mode == "lonlat":
        return fld, value, f"{parts[0]} and {parts[1]} look swapped: swap the two values (or columns)"
    if swapped and mode == "xy":
        return fld, value, (f"X and Y look swapped for {crs.name}: {parts[0]} must be the easting and {parts[1]} "
                            "the northing; swap the two columns (surveyors' X is often the northing)")
    if swapped:
        return fld, value, "the coordinates look swapped (lat, lon): write every position as lon, lat"
    if crs.is_geographic and _not_degrees(c.layer.source_geometry.iloc[[i]])[0]:
        if parts and mode == "lonlat":
            xv = parse_numbers(parts[2].iloc[[i]]).iloc[0]
            col, val, limits = (parts[0], parts[2].iloc[i], "−180..180") if abs(xv) > 180 \
                else (parts[1], parts[3].iloc[i], "−90..90")
            return col, val, f"{col} is outside {limits}: not degrees; check the value"
        return fld, value, "not longitude/latitude degrees (lon −180..180, lat −90..90): check the coordinates"
    dist = f"about {km:.0f} km" if np.isfinite(km) and km >= 1 else "less than 1 km"
    check = "check the coordinates" + (" and --crs" if mode == "xy" or c.layer.crs_origin == "argument" else "")
    return fld, value, f"outside Quảng Trị province ({dist} outside its boundary): {check}"


def _mode(layer: RawLayer) -> str:
    """How a layer's coordinates were given: "lonlat", "xy", "wkt" (tables) or "vector"."""
    return layer.coords[0] if layer.coords else ("vector" if not layer.is_table else "none")


def _check_location(c: _Check, bad: np.ndarray, located: np.ndarray) -> None:
    """Check ranges, swaps and the province outline, for records whose CRS is known."""
    source, mode = c.layer.source_geometry, _mode(c.layer)
    todo = located & ~bad
    if not todo.any():
        return
    out_of_range = todo & _not_degrees(source) if source.crs.is_geographic else np.zeros(len(source), bool)
    if out_of_range.sum() > todo.sum() / 2 and c.layer.crs_origin != "argument":
        parts = _source_numbers(c)
        what = f"columns {parts[0]!r}/{parts[1]!r}" if parts else "the coordinates"
        c.add(None, None, None, f"{what} are not longitude/latitude degrees ({c.rows_text(out_of_range)}); "
                                f"{_crs_hint(source[out_of_range], mode)}")
        todo &= ~out_of_range
        out_of_range[:] = False
    if c.kind.code in BASE_KINDS:  # base layers reach beyond the province: only their coordinates are checked
        outside = out_of_range
    else:
        inside = np.zeros(len(source), bool)
        inside[todo] = inside_province(c.frame.geometry[todo])
        outside = todo & ~inside
    if not outside.any():
        return
    idx = np.flatnonzero(outside)
    swapped = inside_province(_swap(source.iloc[idx]).to_crs("EPSG:4326"))
    km = _km_from_province(c.frame.geometry.iloc[idx])
    for j, i in enumerate(idx):
        c.add(int(i), *_outside_message(c, int(i), bool(swapped[j]), float(km[j])))
    elsewhere = outside.copy()
    elsewhere[idx[swapped]] = False
    if c.layer.crs_origin == "argument" and elsewhere.sum() > todo.sum() / 2:
        guess = suggest_crs(source[outside])
        if guess and parse_crs(guess[0]) != source.crs:
            c.add(None, None, None, f"most locations fall outside Quảng Trị in {source.crs.name} (--crs); "
                                    f"{_crs_hint(source[outside], mode)}")


def _check_geometry(c: _Check, located: np.ndarray) -> None:
    geoms = c.frame.geometry
    arr = geoms.to_numpy()
    invalid = located & ~shapely.is_valid(np.where(located, arr, None))
    for i in np.flatnonzero(invalid):
        reason = explain_validity(arr[i])
        m = re.match(r"(.*?)\[\s*(\S+) (\S+)\s*\]", reason)
        if m:
            reason = f"{m.group(1)} at lon {float(m.group(2)):.6f}, lat {float(m.group(3)):.6f}"
        c.add(int(i), "geometry", None, f"invalid geometry: {reason}; fix it (QGIS: Vector ▸ Geometry Tools "
                                        "▸ Fix Geometries) and export again")
    allowed = c.kind.geometry
    types = geoms.geom_type.to_numpy()
    wrong = located & ~np.isin(types, allowed)
    hint = ": give a Point (e.g. the centroid)" if allowed == ("Point",) else ""
    for i in np.flatnonzero(wrong):
        c.add(int(i), "geometry", None,
              f"geometry is a {types[i]}, but {c.kind.en.lower()} must be {' or '.join(allowed)}{hint}")


def _to_codes(vocab: str, text: pd.Series) -> np.ndarray:
    """Return the code of every value of ``text`` (None where unknown or blank)."""
    mapping = {v: normalise_term(vocab, v) for v in text.unique()}
    return np.array([mapping[v] for v in text], dtype=object) if len(text) else np.array([], dtype=object)


def _fill_blanks(c: _Check, name: str, raw: pd.Series, codes_: np.ndarray, blank: np.ndarray,
                 default: np.ndarray, what_was_done: str) -> np.ndarray:
    """Fill the blank ``name`` cells of a user's file with ``default``, say so in a note; return the codes."""
    what = f"no {name} column" if name not in c.frame.columns else f"{name} is empty on {c.rows_text(blank)}"
    c.frame[name] = np.where(blank, default, raw.to_numpy(dtype=object))
    c.add(None, None, None, f"{what}: {what_was_done}", note=True)
    return np.where(blank, default, codes_)


def _check_confidence(c: _Check, located: np.ndarray, bad: np.ndarray) -> None:
    """Check location_confidence and geometry_quality against the geometry; default them for users' files."""
    frame, names = c.frame, set(c.frame.columns)
    if "location_confidence" in {f.name for f in c.kind.fields}:
        raw = text_values(frame["location_confidence"]) if "location_confidence" in names \
            else pd.Series([""] * len(frame))
        conf = _to_codes("location_confidence", raw)
        blank = (raw == "").to_numpy()
        if not c.strict and blank.any():
            conf = _fill_blanks(c, "location_confidence", raw, conf, blank, np.where(located, "low", "none"),
                                f"set to 'low' for {int((blank & located).sum())} located and "
                                f"'none' for {int((blank & ~located).sum())} unlocated records; add it "
                                "(high, medium, low, none) to say how sure each location is")
        has_columns = c.layer.coords is not None or not c.layer.is_table
        claims = ~located & ~bad & np.isin(conf, _LOCATED_CONFIDENCES)
        if claims.any() and not has_columns:
            looked = ", ".join(LON_COLUMNS + LAT_COLUMNS + X_COLUMNS + Y_COLUMNS)
            c.add(None, None, None, f"no coordinate columns (looked for {looked}, ignoring case and diacritics) "
                                    f"but {c.rows_text(claims)} have a location_confidence other than 'none': add "
                                    "the coordinates, or set the confidence to 'none'")
        elif claims.any():
            c.add_rows(claims, "location_confidence", pd.Series(conf),
                       lambda v: f"no location but confidence {v!r}: give the coordinates, or set it to 'none'")
        c.add_rows(located & (conf == "none"), "location_confidence", pd.Series(conf),
                   "has a location but confidence 'none': use high, medium or low")
    if "geometry_quality" in {f.name for f in c.kind.fields}:
        raw = text_values(frame["geometry_quality"]) if "geometry_quality" in names else pd.Series([""] * len(frame))
        quality = _to_codes("geometry_quality", raw)
        points = (c.frame.geometry.geom_type == "Point").to_numpy()
        blank = located & (raw == "").to_numpy()
        if blank.any() and c.strict:
            c.add_rows(blank, "geometry_quality", raw, "geometry_quality is empty: use surveyed, approximate or point")
        elif blank.any():
            quality = _fill_blanks(c, "geometry_quality", raw, quality, blank,
                                   np.where(points, "point", "approximate"),
                                   "set to 'point' for points and 'approximate' for other shapes; add "
                                   "it (surveyed, approximate, point) to say how exact each geometry is")
        c.add_rows(located & points & np.isin(quality, ("surveyed", "approximate")), "geometry_quality",
                   pd.Series(quality), lambda v: f"{v!r} but the geometry is a point: use 'point'")
        c.add_rows(located & ~points & (quality == "point"), "geometry_quality", pd.Series(quality),
                   "'point' but the geometry is not a point: use 'surveyed' or 'approximate'")


def _check_sources(c: _Check) -> None:
    if "sources" not in {f.name for f in c.kind.fields}:
        return
    if "sources" not in c.frame.columns:
        if not c.strict:
            c.add(None, None, None, "no sources column: the popups will show no source; add one (keys of "
                                    "data/sources.csv, or URLs, separated by ';')", note=True)
        return
    text = text_values(c.frame["sources"])
    blank = (text == "").to_numpy()
    if not c.strict:
        if blank.any():
            c.add(None, None, None, f"sources is empty on {c.rows_text(blank)}: those popups will show no source",
                  note=True)
        return
    from geo.bundled import load_sources

    known = set(load_sources())
    unknown = text.map(lambda v: [k for k in (s.strip() for s in v.split(";")) if k and k not in known])
    c.add_rows(unknown.map(bool).to_numpy(), "sources", text,
               lambda v: f"unknown source key(s) {', '.join(k for k in v.split(';') if k.strip() not in known)}: "
                         "add them to data/sources.csv or fix the keys")


def _check_zone_ids(c: _Check) -> None:
    if "zone_id" not in c.frame.columns or c.kind.code != "project":
        return
    from geo.bundled import zone_ids

    known = set(zone_ids())
    text = text_values(c.frame["zone_id"])
    unknown = ((text != "") & ~text.isin(known)).to_numpy()
    for i in np.flatnonzero(unknown):
        c.add(int(i), "zone_id", text.iloc[i], "not the id of a bundled park, zone or cluster: the zone filter "
                                               "will not find this record by its zone_id", note=True)


def validate_layer(layer: RawLayer, kind: str | None = None, file_label: str = "data", *,
                   strict: bool = False) -> Report:
    """Validate a layer read by :func:`geo.readers.read_raw`; see :func:`validate_file`."""
    columns = [str(col) for col in layer.frame.columns if col != layer.frame.geometry.name]
    kind = kind or guess_kind(columns, file_label)
    spec = KINDS[kind]
    renames = _schema_renames(columns, spec, layer.driver == "ESRI Shapefile")
    if renames:
        layer.frame = layer.frame.rename(columns=renames)
    c = _Check(layer, spec, file_label, strict)
    if "id" in layer.frame.columns:
        c.ids = text_values(layer.frame["id"]).to_numpy(dtype=object)
    for message in layer.problems:
        c.add(None, None, None, message)
    for message in layer.notes:
        c.add(None, None, None, message, note=True)
    if renames:
        c.add(None, None, None, "read column(s) " + ", ".join(f"{a!r} as {b!r}" for a, b in renames.items()),
              note=True)
    if len(layer.frame) == 0:
        c.add(None, None, None, "the file has no records: add one row (or feature) per record")
    _check_required_columns(c)
    _check_fields(c)
    _check_ids(c)
    bad = _check_coordinate_text(c)
    source = layer.source_geometry.to_numpy()
    in_file = ~(shapely.is_missing(source) | shapely.is_empty(source))
    if layer.crs_origin == "unknown" and in_file.any():
        what = {"CSV": "X/Y columns", "XLSX": "X/Y columns", "ESRI Shapefile": "the shapefile has no .prj and its "
                "coordinates"}.get(layer.driver, "the coordinates")
        if layer.coords and layer.coords[0] == "xy":
            what = f"the X/Y columns {layer.coords[1]!r}/{layer.coords[2]!r}"
        c.add(None, None, None, f"{what} have no CRS; {_crs_hint(layer.source_geometry, _mode(layer))}")
        bad |= in_file
    geoms = layer.frame.geometry.to_numpy()
    located = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if layer.crs_origin != "unknown":
        _check_location(c, bad, located)
        _check_geometry(c, located)
    _check_confidence(c, located, bad)
    _check_sources(c)
    _check_zone_ids(c)
    data = coerce_to_schema(layer.frame, kind) if spec.fields else layer.frame
    order = sorted(range(len(c.problems)), key=lambda k: (c.problems[k].row or 0, k))
    return Report(file_label, kind, [c.problems[k] for k in order], data, c.notes)


def _unreadable(file_label: str, kind: str | None, message: str) -> Report:
    message = " ".join(str(message).split())
    return Report(file_label, kind, [Problem(file_label, None, None, None, f"cannot read: {message}")], None)


def validate_file(path: str | Path, kind: str | None = None, crs: str | None = None, *,
                  strict: bool = False, label: str | None = None) -> Report:
    """Read and check the file at ``path``; never raises for a bad file.

    Parameters
    ----------
    path
        Any file :func:`geo.readers.read_raw` reads (GeoJSON, GeoPackage, zipped
        shapefile, CSV/TSV/TXT, XLSX).
    kind
        Layer kind (a key of ``geo.schema.KINDS``); None guesses it (:func:`guess_kind`).
    crs
        CRS of projected X/Y columns, or of a file that declares none
        (``vn2000-utm48``, ``vn2000-tm3-quangtri`` or ``EPSG:nnnn``).
    strict
        Require ``sources``, ``location_confidence`` and ``geometry_quality`` and
        check the source keys, as for the bundled data (see the module docstring).
    label
        File name to show in the messages (default: the name of ``path``), e.g. the
        name of an upload saved under a generated temporary name.

    Returns
    -------
    Report
        ``exit_code`` 0 (valid), 1 (problems) or 2 (cannot be read; ``data`` is None).

    """
    label = label or Path(path).name
    try:
        if kind is not None and kind not in KINDS:
            raise ReadError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
        layer = read_raw(path, crs)
    except ReadError as exc:
        return _unreadable(label, kind, str(exc))
    except Exception as exc:  # noqa: BLE001 - a user's file must never produce a traceback
        return _unreadable(label, kind, f"{type(exc).__name__}: {exc}; check that it is a valid "
                                        f"{Path(path).suffix or 'data'} file, or export it again")
    try:
        return validate_layer(layer, kind, label, strict=strict)
    except Exception as exc:  # noqa: BLE001
        return _unreadable(label, kind, f"unexpected error while checking ({type(exc).__name__}: {exc}); "
                                        "please report it with the file")


def validate_frame(frame: pd.DataFrame | gpd.GeoDataFrame, kind: str | None = None, file_label: str = "data", *,
                   crs: str | None = None, strict: bool = False) -> Report:
    """Check an in-memory table (text cells, coordinate columns) or GeoDataFrame like :func:`validate_file`."""
    if isinstance(frame, gpd.GeoDataFrame):
        layer = layer_from_frame(frame, crs, "GeoDataFrame")
    else:
        layer = layer_from_table(frame, crs, "CSV")
    return validate_layer(layer, kind, file_label, strict=strict)
