"""Readers: every supported file format in, a schema-typed GeoDataFrame in EPSG:4326 out.

Two layers, like geopandas' ``io/file.py``:

- :func:`read_raw` does the format-neutral work: it picks a reader through the
  module-level table ``_EXTENSION_TO_DRIVER`` (GeoJSON, GeoPackage, zipped
  shapefile, CSV/TSV/TXT, XLSX), places the coordinates, and returns a
  :class:`RawLayer`: every record as read, the geometry in EPSG:4326, plus what
  the validator (:mod:`geo.validate`) needs to say where a problem is.
- :func:`read_file` is :func:`read_raw` followed by :func:`coerce_to_schema`;
  it raises :class:`ReadError` when the locations cannot be placed.

Tables (CSV, XLSX) are read cell by cell as text, so nothing changes before
validation.  Text files may be UTF-8 (with or without BOM), UTF-16 (Excel's
"Unicode text") or Windows-1258; the delimiter (comma, semicolon, tab) is
sniffed.  Points come from longitude/latitude columns (degrees) or projected
X/Y columns with a CRS (``crs="vn2000-utm48"`` etc., see ``CRS_ALIASES``); X is
always read as the easting: swapped columns are left for the validator to
report.  Fully blank table rows are skipped (they are not records).

Examples
--------
>>> parse_crs("vn2000-utm48").to_epsg()
3405
>>> coordinate_columns(["ID", "Kinh độ", "Vĩ độ"])
('lonlat', 'Kinh độ', 'Vĩ độ')
>>> coordinate_columns(["id", "toa_do_x", "toa_do_y"])
('xy', 'toa_do_x', 'toa_do_y')

"""

from __future__ import annotations

import datetime as _dt
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

import geopandas as gpd
import pyogrio
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from geo.readers.geometry import normalise_geometry
from geo.readers.header import HEADER_SEARCH_ROWS as HEADER_LINES
from geo.readers.header import header_score, is_serial_column, table_from_grid
from geo.readers.messages import Message, ReadError, text_of
from geo.readers.numbers import NumberReading, read_coordinates, read_numbers, to_floats
from geo.readers.text import decode_text, read_text_table, sniff_delimiter
from geo.schema import (  # the column names and column_key are re-exported (see __all__)
    KINDS,
    LAT_COLUMNS,
    LON_COLUMNS,
    VOCABULARIES,
    WKT_COLUMNS,
    X_COLUMNS,
    Y_COLUMNS,
    column_key,
    normalise_term,
)

__all__ = [
    "CRS_ALIASES", "HEADER_LINES", "LAT_COLUMNS", "LON_COLUMNS", "MAX_UNZIPPED_BYTES", "READ_SUFFIXES",
    "TABLE_DRIVERS",
    "WKT_COLUMNS", "X_COLUMNS", "Y_COLUMNS", "Message", "NumberReading", "RawLayer", "ReadError", "ReadOptions",
    "coerce_to_schema", "column_key",
    "coordinate_columns", "decode_text", "driver_for", "layer_from_frame", "layer_from_table", "parse_crs",
    "parse_numbers", "read_coordinates", "read_file", "read_numbers", "read_raw", "read_text_table",
    "read_xlsx_table", "sheet_names", "sniff_delimiter", "map_distinct", "text_of", "text_values", "to_floats",
]

# File suffix -> driver; one reader per driver (see _READERS at the end of the module).
_EXTENSION_TO_DRIVER: dict[str, str] = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GPKG",
    ".zip": "ESRI Shapefile",
    ".csv": "CSV",
    ".txt": "CSV",
    ".tsv": "CSV",
    ".xlsx": "XLSX",
}
READ_SUFFIXES: tuple[str, ...] = tuple(_EXTENSION_TO_DRIVER)  # every suffix read_raw accepts (the app's uploads)
TABLE_DRIVERS: tuple[str, ...] = ("CSV", "XLSX")

# Short names of the CRSs Vietnamese survey data comes in (value: anything pyproj.CRS accepts).
CRS_ALIASES: dict[str, str] = {
    "vn2000-utm48": "EPSG:3405",  # VN-2000 / UTM zone 48N
    "vn2000-tm3-quangtri": "EPSG:9212",  # VN-2000 / TM-3 106-15, Quảng Trị's provincial zone (106°15′)
    "wgs84": "EPSG:4326",
}

# Coordinate column names (LON_COLUMNS, ...) and column_key live in geo.schema.

MAX_UNZIPPED_BYTES = 1_000_000_000  # refuse zip members larger than this in total (zip bombs)

_TRUE = {"true", "1", "yes", "x", "có", "co", "đúng", "dung"}
_FALSE = {"false", "0", "no", "", "không", "khong", "sai"}


@dataclass(frozen=True)
class ReadOptions:
    """Choices a user makes about a file: which sheet of a workbook, what a multi-site project becomes."""

    sheet: str | int | None = None
    multi: str | None = None  # None (report), "first", "centroid" or "explode" (see geo.readers.geometry)


@dataclass
class RawLayer:
    """A file as read: every record, its geometry in EPSG:4326, and how it was placed.

    Attributes
    ----------
    frame
        Every record, cells as read (tables: text); geometry in EPSG:4326,
        None where there is none or the CRS is unknown.
    driver
        "GeoJSON", "GPKG", "ESRI Shapefile", "CSV" or "XLSX".
    rows
        The number a user would look for, per record: the spreadsheet row
        (header = 1) for tables, the 1-based feature number otherwise.
    source_geometry
        The geometry in the file's own coordinates (CRS None when unknown).
    crs_origin
        Where ``source_geometry.crs`` came from: "file", "argument",
        "default" (GeoJSON / lon-lat columns are EPSG:4326) or "unknown".
    coords
        For tables: ("lonlat" | "xy" | "wkt", column, column-or-None), or None
        when the table has no coordinate columns.
    problems, notes
        File-level problems and remarks found while reading (:class:`Message`).
    left_out
        Rows of a table that are not records (totals, notes under the table), by reason.

    """

    frame: gpd.GeoDataFrame
    driver: str
    rows: np.ndarray
    source_geometry: gpd.GeoSeries
    crs_origin: str
    coords: tuple[str, str, str | None] | None = None
    problems: list[Message] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)
    left_out: dict[str, list[int]] = field(default_factory=dict)

    @property
    def is_table(self) -> bool:
        """True for CSV and XLSX files (rows, not features)."""
        return self.driver in TABLE_DRIVERS


# --- small helpers ---------------------------------------------------------------------------------------------------


def text_values(col: pd.Series) -> pd.Series:
    """Return ``col`` as stripped text, with "" for missing values.

    >>> list(text_values(pd.Series([" a ", None, 2.5])))
    ['a', '', '2.5']
    """
    if isinstance(col.dtype, pd.StringDtype):  # text as read from a table: stay vectorised
        return col.fillna("").str.strip()
    text = col.astype(object).where(col.notna(), "")
    return text.map(str).str.strip()


def map_distinct(values: pd.Series, fn: Callable[[object], object]) -> np.ndarray:
    """``fn`` of every cell as an object array, called once per distinct value (missing cells give None).

    >>> map_distinct(pd.Series(["a", "b", "a", None]), str.upper).tolist()
    ['A', 'B', 'A', None]
    """
    codes, distinct = pd.factorize(values)
    return np.array([*(fn(v) for v in distinct.tolist()), None], dtype=object)[codes]


def parse_numbers(text: pd.Series) -> pd.Series:
    """Parse coordinate text to floats (NaN where blank or not one): decimal point or comma, or DMS.

    >>> list(parse_numbers(pd.Series(["106,75", " 16.8", "abc", "", "−1"])))
    [106.75, 16.8, nan, nan, -1.0]
    """
    return read_coordinates(text_values(text)).values


def parse_crs(text: str) -> CRS:
    """Return the CRS named by a short name of ``CRS_ALIASES`` or by "EPSG:nnnn".

    Raises
    ------
    ReadError
        For anything else, naming the accepted forms.

    """
    key = str(text).strip()
    alias = CRS_ALIASES.get(key.lower())
    if re.fullmatch(r"\d{4,6}", key):
        key = f"EPSG:{key}"
    try:
        if alias or re.fullmatch(r"(?i)epsg:\d{4,6}", key):
            return CRS.from_user_input(alias or key.upper())
    except CRSError:
        pass
    raise ReadError("rd_unknown_crs", crs=repr(text), names=", ".join(CRS_ALIASES))


def coordinate_columns(columns: list[str], crs: CRS | None = None) -> tuple[str, str, str | None] | None:
    """Find the coordinate columns of a table: ("lonlat"|"xy", x, y), ("wkt", column, None) or None.

    Longitude/latitude columns win unless ``crs`` is projected and X/Y columns exist.
    """
    keys = [(col, column_key(col)) for col in columns]

    def first(names: tuple[str, ...]) -> str | None:
        return next((col for col, key in keys if key in names), None)

    lon, lat, x, y = first(LON_COLUMNS), first(LAT_COLUMNS), first(X_COLUMNS), first(Y_COLUMNS)
    projected = crs is not None and not crs.is_geographic
    if lon and lat and not (projected and x and y):
        return ("lonlat", lon, lat)
    if x and y:
        return ("xy", x, y)
    wkt = first(WKT_COLUMNS)
    return ("wkt", wkt, None) if wkt else None


# --- text tables: geo.readers.text; spreadsheets ----------------------------------------------------------------------


def _cell_text(value: object) -> str:
    """A spreadsheet value as the text the user sees: 2004 not 2004.0, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value))


def _open_workbook(path: Path):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, InvalidFileException) as exc:
        raise ReadError("rd_bad_xlsx", error=str(exc)) from None


def sheet_names(path: str | Path) -> list[str]:
    """Return the sheet names of an XLSX workbook (for a sheet chooser)."""
    book = _open_workbook(Path(path))
    return list(book.sheetnames)


def _sheet_grid(ws) -> tuple[list[list[str]], dict[int, dict[int, int]], int]:
    """Cells of a sheet as text, merged ranges filled; (grid, header merges per row, merged ranges filled)."""
    grid = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    merges: dict[int, dict[int, int]] = {}
    filled = 0
    for rng in ws.merged_cells.ranges:
        r0, c0 = rng.min_row - 1, rng.min_col - 1
        if r0 >= len(grid):
            continue
        value = grid[r0][c0] if c0 < len(grid[r0]) else ""
        for r in range(r0, min(rng.max_row, len(grid))):
            for c in range(c0, rng.max_col):
                if (r, c) != (r0, c0) and c < len(grid[r]):
                    merges.setdefault(r, {})[c] = c0
                    if rng.max_row > rng.min_row:  # merged down the table (a sector over its projects): fill
                        grid[r][c] = value
                        filled += 1
    return grid, merges, filled


def read_xlsx_table(path: Path, sheet: str | int | None = None) -> pd.DataFrame:
    """Read one sheet of an XLSX workbook as text cells.

    ``sheet`` is a name or a 1-based number; by default the first sheet whose top
    holds a recognisable header (notes and codes sheets are passed over, and a
    note names them).
    """
    book = _open_workbook(path)
    names = list(book.sheetnames)
    notes: list[Message] = []
    if sheet is not None:
        key = str(sheet).strip()
        if key in names:
            chosen = key
        elif key.isdigit() and 1 <= int(key) <= len(names):
            chosen = names[int(key) - 1]
        else:
            raise ReadError("rd_no_such_sheet", sheet=repr(key), sheets=", ".join(map(repr, names)))
        candidates = [chosen]
    else:
        candidates = names
    table = None
    skipped: list[str] = []
    for name in candidates:
        grid, merges, filled = _sheet_grid(book[name])
        top = [r for r in grid if any(r)][:HEADER_LINES]
        if sheet is None and max((header_score(r) for r in top), default=0) < 2 and len(candidates) > 1:
            skipped.append(name)
            continue
        h = next((i for i, r in enumerate(grid) if any(r)), 0)
        scores = [(header_score(r), -i) for i, r in enumerate(grid[:HEADER_LINES]) if any(r)]
        if scores and max(scores)[0] >= 2:
            h = -max(scores)[1]
        table = table_from_grid(grid, merges.get(h, {}))
        chosen = name
        if filled:
            notes.append(Message("rd_merged_filled", {"n": filled}))
        break
    if table is None:
        raise ReadError("rd_no_header_sheet", sheets=", ".join(map(repr, names)))
    if len(names) > 1:
        notes.insert(0, Message("rd_sheet_used", {"sheet": repr(chosen), "n": len(names)}))
    if skipped:
        notes.insert(1, Message("rd_sheets_skipped", {"sheets": ", ".join(map(repr, skipped)), "n": len(skipped)}))
    df = table.as_frame()
    df.attrs["notes"] = notes + df.attrs["notes"]
    df.attrs.update(sheet=chosen, sheets=len(names))
    return df


def _points(x: pd.Series, y: pd.Series) -> np.ndarray:
    """Points from float columns; None where either value is missing."""
    ok = (x.notna() & y.notna()).to_numpy()
    geoms = np.full(len(x), None, dtype=object)
    geoms[ok] = shapely.points(x.to_numpy()[ok], y.to_numpy()[ok])
    return geoms


def _coordinate_notes(col: str, text: pd.Series, reading: NumberReading) -> list[Message]:
    """One note per way the coordinate cells of ``col`` were read that is not a plain number."""
    notes = []
    for key, mask in (("rd_coord_dms", reading.dms), ("rd_coord_comma", reading.reformatted)):
        example = reading.example(text, mask)
        if example:
            notes.append(Message(key, {"column": repr(col), "n": int(mask.sum()), "example": repr(example[0]),
                                       "value": f"{example[1]:.6f}".rstrip("0").rstrip(".")}))
    return notes


def layer_from_table(df: pd.DataFrame, crs: str | CRS | None = None, driver: str = "CSV") -> RawLayer:
    """Place the rows of a text table and return them as a :class:`RawLayer`.

    Rows that are entirely blank are skipped; ``rows`` keeps the spreadsheet row
    numbers of the others (``df.attrs["rows"]`` when the reader found them, else
    header = row 1). Coordinates may be decimal degrees (decimal point or comma)
    or degrees-minutes-seconds; a note says how they were read.
    """
    rows_in = df.attrs.get("rows")
    reader_notes = list(df.attrs.get("notes", []))
    df = df.copy(deep=False)  # copy-on-write: the caller's table stays as it was, no cell is copied
    df.columns = [str(c).strip() for c in df.columns]
    if "geometry" in df.columns and "wkt" not in df.columns:
        df = df.rename(columns={"geometry": "wkt"})  # WKT text; the placed geometry takes the name
    keep = np.zeros(len(df), bool)
    for column in range(len(df.columns)):  # a column at a time: 1,000,000 rows are not held twice
        keep |= (text_values(df.iloc[:, column]) != "").to_numpy()
    rows = (np.asarray(rows_in) if rows_in is not None and len(rows_in) == len(df) else np.arange(len(df)) + 2)[keep]
    df = (df if keep.all() else df[keep]).reset_index(drop=True)
    given = parse_crs(crs) if isinstance(crs, str) else crs
    coords = coordinate_columns([c for c in df.columns if not is_serial_column(c)], given)
    problems: list[Message] = []
    origin, source_crs = "default", CRS.from_epsg(4326)
    geoms = np.full(len(df), None, dtype=object)
    if coords and coords[0] == "wkt":
        text = text_values(df[coords[1]])
        parsed = shapely.from_wkt(text.where(text != "").to_numpy(dtype=object), on_invalid="ignore")
        geoms = np.asarray(parsed, dtype=object)
        if given is not None:
            origin, source_crs = "argument", given
    elif coords:
        mode, xcol, ycol = coords
        xr, yr = read_coordinates(text_values(df[xcol])), read_coordinates(text_values(df[ycol]))
        geoms = _points(xr.values, yr.values)
        for col, reading in ((xcol, xr), (ycol, yr)):
            reader_notes.extend(_coordinate_notes(col, text_values(df[col]), reading))
        if mode == "lonlat" and given is not None and not given.is_geographic:
            problems.append(Message("rd_projected_lonlat", {"crs": crs, "x": repr(xcol), "y": repr(ycol)}))
        elif given is not None:
            origin, source_crs = "argument", given
        elif mode == "xy":
            origin, source_crs = "unknown", None
    source = gpd.GeoSeries(geoms, crs=source_crs)
    frame = df.drop(columns=["geometry"], errors="ignore")
    layer = _finish(frame, source, origin, driver, rows)
    layer.coords = coords
    layer.problems.extend(problems)
    layer.notes[:0] = reader_notes
    return layer


def _read_csv(path: Path, crs: str | None, options: ReadOptions) -> RawLayer:
    return layer_from_table(read_text_table(path), crs, "CSV")


def _read_xlsx(path: Path, crs: str | None, options: ReadOptions) -> RawLayer:
    return layer_from_table(read_xlsx_table(path, options.sheet), crs, "XLSX")


# --- vector files ----------------------------------------------------------------------------------------------------


def _finish(frame: pd.DataFrame, source: gpd.GeoSeries, origin: str, driver: str,
            rows: np.ndarray | None = None) -> RawLayer:
    """Build a RawLayer: ``frame``'s attributes with ``source`` placed in EPSG:4326."""
    if origin == "unknown" or source.crs is None:
        placed = gpd.GeoSeries([None] * len(source), crs="EPSG:4326")
        origin = "unknown"
    else:
        placed = source.to_crs("EPSG:4326") if source.crs.to_epsg() != 4326 else source.set_crs("EPSG:4326",
                                                                                                    allow_override=True)
    out = gpd.GeoDataFrame(pd.DataFrame(frame).reset_index(drop=True),
                           geometry=placed.reset_index(drop=True).to_numpy(), crs="EPSG:4326")
    if rows is None:
        rows = np.arange(1, len(out) + 1)
    return RawLayer(out, driver, np.asarray(rows), source.reset_index(drop=True), origin)


def layer_from_frame(gdf: gpd.GeoDataFrame, crs: str | CRS | None = None, driver: str = "GeoJSON") -> RawLayer:
    """Return a GeoDataFrame read from a vector file as a :class:`RawLayer`.

    ``crs`` places coordinates when the file declares no CRS; GeoJSON (EPSG:4326 by
    specification) takes it only when its coordinates are not degrees.
    """
    given = parse_crs(crs) if isinstance(crs, str) else crs
    notes: list[str] = []
    source = gpd.GeoSeries(gdf.geometry.to_numpy(), crs=gdf.crs)
    origin = "default" if driver == "GeoJSON" else "file"
    if gdf.crs is None:
        origin = "unknown" if given is None else "argument"
        source = source.set_crs(given) if given is not None else source
    elif given is not None and not given.equals(gdf.crs):
        if driver == "GeoJSON" and not _looks_like_degrees(source):
            origin, source = "argument", source.set_crs(given, allow_override=True)
        else:
            notes.append(Message("rd_crs_ignored", {"crs": crs, "declared": gdf.crs.name}))
    layer = _finish(gdf.drop(columns=gdf.geometry.name), source, origin, driver)
    layer.notes.extend(notes)
    return layer


def _looks_like_degrees(geoms: gpd.GeoSeries) -> bool:
    coords = shapely.get_coordinates(geoms.to_numpy())
    coords = coords[np.isfinite(coords).all(axis=1)]
    return bool(len(coords) == 0 or ((np.abs(coords[:, 0]) <= 180) & (np.abs(coords[:, 1]) <= 90)).all())


def _nfc_text_columns(df: pd.DataFrame) -> pd.DataFrame:
    for col in df.columns:
        if df[col].dtype == object or pd.api.types.is_string_dtype(df[col]):
            df[col] = df[col].map(lambda v: unicodedata.normalize("NFC", v) if isinstance(v, str) else v)
    return df


def _read_pyogrio(path: Path, layer: str | None = None, encoding: str | None = None) -> gpd.GeoDataFrame:
    try:
        gdf = pyogrio.read_dataframe(path, layer=layer, encoding=encoding)
    except pyogrio.errors.DataSourceError as exc:
        what = _EXTENSION_TO_DRIVER.get(path.suffix.lower(), "vector").replace("GPKG", "GeoPackage")
        raise ReadError("rd_bad_vector", what=what, error=_gdal_message(exc)) from None
    except (pyogrio.errors.DataLayerError, pyogrio.errors.GeometryError, pyogrio.errors.FieldError) as exc:
        raise ReadError("rd_bad_records", error=_gdal_message(exc)) from None
    if not isinstance(gdf, gpd.GeoDataFrame):  # a table without geometry
        gdf = gpd.GeoDataFrame(gdf, geometry=[None] * len(gdf), crs=None)
    return gdf


def _gdal_message(exc: Exception) -> str:
    """Return the first line of a GDAL error, without the temporary path."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    text = text.split("; It might help")[0]
    text = re.sub(r"'?(/[^\s:'\"]+)+'?\s*", "", text).strip(" .;:")
    return text[:200] or type(exc).__name__


def _read_geojson(path: Path, crs: str | None, options: ReadOptions) -> RawLayer:
    gdf = _nfc_text_columns(_read_pyogrio(path))
    layer = layer_from_frame(gdf, crs, "GeoJSON")
    if gdf.crs is not None and not gdf.crs.equals(CRS.from_epsg(4326)) and gdf.crs.to_string() != "OGC:CRS84":
        layer.notes.append(Message("rd_geojson_crs", {"crs": gdf.crs.to_string()}))
    return layer


def _read_gpkg(path: Path, crs: str | None, options: ReadOptions) -> RawLayer:
    try:
        layers = pyogrio.list_layers(path)
    except pyogrio.errors.DataSourceError as exc:
        raise ReadError("rd_bad_gpkg", error=_gdal_message(exc)) from None
    if len(layers) == 0:
        raise ReadError("rd_gpkg_empty")
    spatial = [name for name, geom_type in layers if geom_type]
    name = spatial[0] if spatial else layers[0][0]
    layer = layer_from_frame(_nfc_text_columns(_read_pyogrio(path, layer=name)), crs, "GPKG")
    if len(layers) > 1:
        layer.notes.append(Message("rd_gpkg_layers", {"layer": repr(name), "n": len(layers)}))
    return layer


_SHAPEFILE_PARTS: tuple[str, ...] = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def _from_latin1(gdf: gpd.GeoDataFrame, encoding: str) -> gpd.GeoDataFrame:
    """Re-decode text read as Latin-1 (byte for byte) in ``encoding``: column names and values."""

    def fix(v: object) -> object:
        return v.encode("latin-1").decode(encoding, errors="replace") if isinstance(v, str) else v

    gdf = gdf.rename(columns={c: fix(c) for c in gdf.columns if c != gdf.geometry.name})
    for col in gdf.columns:
        if col != gdf.geometry.name and (gdf[col].dtype == object or pd.api.types.is_string_dtype(gdf[col])):
            gdf[col] = gdf[col].map(fix)
    return gdf


def _dbf_encoding(dbf: bytes) -> str:
    """Guess the encoding of a .dbf without .cpg: UTF-8 if its records decode as UTF-8, else Windows-1258."""
    start = int.from_bytes(dbf[8:10], "little") if len(dbf) >= 10 else 0
    try:
        dbf[start:].decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1258"


def _read_zipped_shapefile(path: Path, crs: str | None, options: ReadOptions) -> RawLayer:
    """Read the one shapefile in a zip, extracted under generated names into a temporary directory."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ReadError("rd_bad_zip") from None
    with archive:
        members = [m for m in archive.infolist()
                   if not m.is_dir() and "__MACOSX" not in m.filename and not Path(m.filename).name.startswith(".")]
        shps = [m for m in members if m.filename.lower().endswith(".shp")]
        if len(shps) != 1:
            found = ", ".join(Path(m.filename).name for m in shps) or "—"
            raise ReadError("rd_zip_shp_count", found=found)
        stem = shps[0].filename[:-4].lower()
        parts = {m.filename[len(stem):].lower(): m for m in members
                 if m.filename.lower().startswith(stem) and m.filename[len(stem):].lower() in _SHAPEFILE_PARTS}
        missing = [s for s in (".shx", ".dbf") if s not in parts]
        if missing:
            raise ReadError("rd_zip_missing", parts=" + ".join(missing), n=len(missing))
        if sum(m.file_size for m in parts.values()) > MAX_UNZIPPED_BYTES:
            raise ReadError("rd_zip_too_large", mb=MAX_UNZIPPED_BYTES // 10**6)
        with tempfile.TemporaryDirectory(prefix="qtmap-shp-") as tmp:
            for suffix, member in parts.items():
                (Path(tmp) / f"layer{suffix}").write_bytes(archive.read(member))
            cpg = Path(tmp) / "layer.cpg"
            declared = cpg.read_text(errors="replace").strip() if cpg.exists() else ""
            encoding = declared or _dbf_encoding((Path(tmp) / "layer.dbf").read_bytes())
            if re.fullmatch(r"(?i)(cp|windows-?)?1258", encoding):
                # GDAL's CP1258 recoding drops the last letter of each value: read bytes as Latin-1, decode here.
                cpg.write_text("ISO-8859-1")
                gdf = _from_latin1(_read_pyogrio(Path(tmp) / "layer.shp"), "cp1258")
            else:
                if not declared:
                    cpg.write_text("UTF-8")
                gdf = _read_pyogrio(Path(tmp) / "layer.shp")
            gdf = _nfc_text_columns(gdf)
    layer = layer_from_frame(gdf, crs, "ESRI Shapefile")
    if layer.crs_origin == "argument":
        layer.notes.append(Message("rd_no_prj_given", {"crs": layer.source_geometry.crs.name}))
    return layer


# --- the public readers ----------------------------------------------------------------------------------------------

_READERS: dict[str, Callable[[Path, str | None, ReadOptions], RawLayer]] = {
    "GeoJSON": _read_geojson,
    "GPKG": _read_gpkg,
    "ESRI Shapefile": _read_zipped_shapefile,
    "CSV": _read_csv,
    "XLSX": _read_xlsx,
}


def driver_for(path: str | Path) -> str:
    """Return the driver of ``path`` from its suffix.

    Raises
    ------
    ValueError
        For an unsupported suffix, naming the supported ones.

    >>> driver_for("du_an.XLSX")
    'XLSX'

    """
    suffix = Path(path).suffix.lower()
    if suffix in _EXTENSION_TO_DRIVER:
        return _EXTENSION_TO_DRIVER[suffix]
    hint = suffix in (".shp", ".dbf", ".shx")
    raise ReadError("rd_unsupported_shp" if hint else "rd_unsupported", suffix=repr(suffix or "(no suffix)"),
                    suffixes=", ".join(_EXTENSION_TO_DRIVER))


def read_raw(path: str | Path, crs: str | None = None, options: ReadOptions | None = None) -> RawLayer:
    """Read every record of ``path`` without schema checks (see :class:`RawLayer`).

    Parameters
    ----------
    path
        A file with one of the suffixes of ``_EXTENSION_TO_DRIVER``.
    crs
        CRS of projected X/Y columns, or of a vector file that declares none: a
        short name of ``CRS_ALIASES`` or "EPSG:nnnn".
    options
        The sheet of a workbook, what a multi-site project becomes (:class:`ReadOptions`).

    Raises
    ------
    ReadError
        When the file cannot be read at all (the message says what to do).

    """
    path = Path(path)
    driver = driver_for(path)
    if crs is not None:
        parse_crs(crs)
    if not path.is_file():
        raise ReadError("rd_file_not_found")
    options = options or ReadOptions()
    layer = _READERS[driver](path, crs, options)
    return normalise_geometry(layer, options.multi)


def coerce_to_schema(gdf: gpd.GeoDataFrame, kind: str) -> gpd.GeoDataFrame:
    """Cast the schema fields of ``gdf`` to their types and vocabulary labels to codes.

    Values that cannot be cast are left as they are (the validator reports them):
    a numeric column is cast only when every value parses (an "int" column only
    when every value is whole), a boolean one only when every value is yes/no.
    Columns outside the schema are kept unchanged.

    Examples
    --------
    >>> df = pd.DataFrame({"sector": ["Cơ khí", "thep"], "year": ["2004", ""]})
    >>> out = coerce_to_schema(df, "project")
    >>> list(out["sector"]), out["year"].tolist()
    (['mechanical', 'thep'], [2004, <NA>])

    """
    out = gdf.copy(deep=False)  # copy-on-write: only the columns cast below are new
    for f in KINDS[kind].fields:
        if f.name not in out.columns:
            continue
        col = out[f.name]
        text = text_values(col)
        blank = text == ""
        if f.type in ("int", "float"):
            num = col.astype(float) if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col) \
                else to_floats(text.where(~blank))
            if num.notna().sum() == (~blank).sum():  # only cast when every value parses
                if f.type == "float":
                    out[f.name] = num
                elif (num.dropna() == num.dropna().round()).all():
                    out[f.name] = num.astype("Int64")
        elif f.type == "bool":
            folded = text.str.lower()
            if folded.isin(_TRUE | _FALSE).all():
                out[f.name] = folded.isin(_TRUE)
        else:  # one Python string per distinct value, shared by its cells (a 1,000,000-row register repeats a lot)
            vocab = f.type if f.type in VOCABULARIES else None
            terms = map_distinct(text, lambda v, vocab=vocab: None if v == "" else
                                 (normalise_term(vocab, v) or v if vocab else v))
            out[f.name] = pd.Series(terms, index=out.index, dtype=object)
    return out


def read_file(path: str | Path, kind: str = "project", crs: str | None = None) -> gpd.GeoDataFrame:
    """Read ``path`` as a layer of ``kind``; the result is in EPSG:4326.

    No checks beyond reading: use :func:`geo.validate.validate_file` for files
    from users.

    Raises
    ------
    ReadError
        When the file cannot be read or its coordinates cannot be placed
        (e.g. X/Y columns without ``crs``).

    """
    layer = read_raw(path, crs)
    if layer.crs_origin == "unknown" and layer.source_geometry.notna().any():
        raise ReadError("rd_no_crs_read_file", file=Path(path).name)
    if layer.problems:
        raise ReadError("rd_in_file", file=Path(path).name, text=str(layer.problems[0]))
    return coerce_to_schema(layer.frame, kind)
