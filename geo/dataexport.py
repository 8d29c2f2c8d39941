r"""Data export: the filtered project register with all its fields, as GeoJSON, GeoPackage, CSV or XLSX.

GeoJSON and GeoPackage keep every value exactly (they are data formats, read by GDAL).
CSV and XLSX are opened by spreadsheets, so they get ``lon``/``lat`` columns from the point
geometry. In CSV, any text a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) is neutralised with a leading ``'``
(OWASP "CSV injection"). In XLSX every text is a string cell (``t="inlineStr"``), so no
cell is ever a formula and the text stays exactly as it was: an export read back gives
the same records. CSV is written as UTF-8 with a byte-order mark so that Excel shows
Vietnamese diacritics.

Uploaded extra layers (:class:`geo.extra.ExtraLayer`, given as ``extra``) go with the register,
unfiltered: in a GeoPackage each is its own layer and in an XLSX its own sheet, both named by
its ``layer_id`` (``uploaded_<file stem>``); CSV and GeoJSON hold one table, so their rows
follow the register's with a first column ``layer`` (``projects`` or the layer id). Without an
extra layer the files are exactly as before (no ``layer`` column).

Examples
--------
>>> neutralise('=HYPERLINK("http://x")')
'\'=HYPERLINK("http://x")'
>>> neutralise("Nhà máy -2"), neutralise("-2"), neutralise(-2)
('Nhà máy -2', "'-2", -2)

"""

from __future__ import annotations

import csv
import datetime as _dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

import geopandas as gpd
import shapely

from geo import bundled
from geo.extra import ExtraLayer, extra_layers
from geo.filters import SEARCH_COLUMN, Filters, apply_filters
from geo.formats import format_for, suffixes
from geo.records import clean_nan, in_wgs84
from geo.records import located as located_mask
from geo.schema import VOCABULARIES

__all__ = ["FORMATS", "FORMULA_TRIGGERS", "LAYER_COLUMN", "LAYER_NAME", "neutral_text", "neutralise", "with_layers",
           "write_data", "xlsx_row"]

FORMATS: tuple[str, ...] = suffixes("data")  # from the output-format table geo.formats.FORMATS
LAYER_NAME = "projects"
LAYER_COLUMN = "layer"  # CSV and GeoJSON with extra layers: which layer a row belongs to
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Prefix text that a spreadsheet would evaluate as a formula with ``'``; other values are returned unchanged.

    Text is caught when it starts with a trigger character, or with blanks followed by one
    (some spreadsheets trim leading blanks before evaluating).
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_TRIGGERS) or value.lstrip(" \n").startswith(FORMULA_TRIGGERS[:4]):
        return "'" + value
    return value


def _filtered(projects: gpd.GeoDataFrame, filters: Filters | None) -> gpd.GeoDataFrame:
    """Return the filtered register (all of it for ``filters=None``) in EPSG:4326, without internal columns."""
    out = apply_filters(projects, filters, zones=bundled.load_zones()) if filters is not None else projects
    return in_wgs84(out.drop(columns=[c for c in out.columns if c == SEARCH_COLUMN]))


def _table(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """Attributes plus lon/lat of the point geometry (representative point of other shapes), no geometry column."""
    geom = gdf.geometry
    located = located_mask(gdf).to_numpy()
    lon = np.full(len(gdf), np.nan)
    lat = np.full(len(gdf), np.nan)
    if located.any():
        pts = shapely.point_on_surface(geom.to_numpy()[located])
        lon[located], lat[located] = shapely.get_x(pts), shapely.get_y(pts)
    table = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    table = table.drop(columns=[c for c in ("lon", "lat") if c in table.columns])
    table["lon"] = np.round(lon, 7)
    table["lat"] = np.round(lat, 7)
    return table


def _cell(value: object) -> object:
    """Return a spreadsheet-safe Python value: missing → None, numpy scalars → Python, text neutralised."""
    value = clean_nan(value)
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, list | tuple | dict):
        return neutralise(str(value))
    return value


def _write_csv(out: Path, table: pd.DataFrame) -> None:
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_MINIMAL)
        writer.writerow([neutralise(str(c)) for c in table.columns])
        for row in table.itertuples(index=False, name=None):
            writer.writerow(["" if (v := _cell(x)) is None else v for x in row])


def _xlsx_text(value: object) -> object:
    """Drop the control characters XLSX cannot store (openpyxl would refuse the whole file)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def xlsx_row(ws, values: list[object]) -> list[object]:
    """Cells for ``ws.append``: text as string cells (never a formula, no apostrophe added), numbers as numbers."""
    cells = []
    for value in values:
        value = _xlsx_text(_cell(value) if not isinstance(value, str) else value)
        if isinstance(value, str):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"  # openpyxl would make "=..." a formula
            value = cell
        cells.append(value)
    return cells


def _write_sheet(wb: Workbook, name: str, table: pd.DataFrame) -> None:
    ws = wb.create_sheet(name)
    ws.freeze_panes = "A2"
    widths = [max(8, min(50, len(str(c)) + 2)) for c in table.columns]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.append(xlsx_row(ws, [str(c) for c in table.columns]))
    for row in table.itertuples(index=False, name=None):
        ws.append(xlsx_row(ws, [neutral_text(v) for v in row]))


def _write_xlsx(out: Path, table: pd.DataFrame, filters: Filters,
                extras: Sequence[tuple[ExtraLayer, pd.DataFrame]] = ()) -> None:
    wb = Workbook(write_only=True)
    _write_sheet(wb, LAYER_NAME, table)
    for layer, extra_table in extras:
        _write_sheet(wb, layer.layer_id, extra_table)
    info = wb.create_sheet("about")
    about = [("records", len(table)), ("filters", filters.describe("en"))]
    about += [(f"sheet {layer.layer_id}", f"{layer.name} ({layer.kind}, {len(extra_table)} records, uploaded, "
                                          "not filtered)") for layer, extra_table in extras]
    for key, value in (*about, ("exported", _dt.date.today().isoformat()), ("data", bundled.DATA_DATE),
                       ("sources", bundled.ATTRIBUTION), ("coordinates", "lon/lat: WGS 84 (EPSG:4326)")):
        info.append(xlsx_row(info, [key, value]))
    codes_sheet = wb.create_sheet("codes")
    codes_sheet.append(xlsx_row(codes_sheet, ["field", "code", "vi", "en"]))
    columns = set(table.columns).union(*(t.columns for _, t in extras))
    for name, terms in VOCABULARIES.items():
        if name in columns:
            for term in terms:
                codes_sheet.append(xlsx_row(codes_sheet, [name, term.code, term.vi, term.en]))
    wb.save(out)


def neutral_text(value: object) -> object:
    """A table value as a spreadsheet cell value, text unchanged (lists and dicts as their text)."""
    if isinstance(value, list | tuple | dict):
        return str(value)
    return value


def _write_ogr(out: Path, gdf: gpd.GeoDataFrame, driver: str, layer: str = LAYER_NAME, append: bool = False) -> None:
    geom = gdf.geometry
    kinds = set(geom[geom.notna()].geom_type)
    extra: dict[str, object] = {}
    if kinds <= {"Point"}:
        extra["geometry_type"] = "Point"  # also for an empty or unlocated result
    if out.exists() and not append:
        out.unlink()  # a stale GeoPackage would otherwise gain a second layer
    if driver == "GPKG":
        extra["layer"] = layer
    if append:
        extra["mode"] = "a"
    gdf.to_file(out, driver=driver, engine="pyogrio", **extra)


def with_layers(gdf: gpd.GeoDataFrame, extras: Sequence[tuple[ExtraLayer, gpd.GeoDataFrame]]) -> gpd.GeoDataFrame:
    """The register's rows, then each extra layer's, in one frame with a first column ``layer`` (CSV, GeoJSON)."""
    parts = [gdf.assign(**{LAYER_COLUMN: LAYER_NAME})]
    parts += [part.assign(**{LAYER_COLUMN: layer.layer_id}) for layer, part in extras]
    both = pd.concat(parts, ignore_index=True)
    both = gpd.GeoDataFrame(both, geometry=gdf.geometry.name, crs="EPSG:4326")
    return both[[LAYER_COLUMN, *(c for c in both.columns if c != LAYER_COLUMN)]]


def write_data(out: Path, projects: gpd.GeoDataFrame, filters: Filters, extra: Sequence[ExtraLayer] = ()) -> int:
    """Write the filtered ``projects`` with all their fields to ``out``; return the number of register records.

    The format follows the suffix: .geojson, .gpkg (layer ``projects``), .csv (UTF-8 with
    BOM) or .xlsx (sheet ``projects`` plus an ``about`` sheet with the filters and sources).
    Uploaded ``extra`` layers follow, unfiltered: their own GeoPackage layer or XLSX sheet,
    or rows after the register's with a ``layer`` column in CSV and GeoJSON.
    """
    out = Path(out)
    suffix = format_for(out, "data").suffix
    out.parent.mkdir(parents=True, exist_ok=True)
    gdf = _filtered(projects, filters)
    extras = [(layer, _filtered(layer.data.rename_geometry(gdf.geometry.name)
                                if layer.data.geometry.name != gdf.geometry.name else layer.data, None))
              for layer in extra_layers(extra)]
    if suffix == ".geojson":
        _write_ogr(out, with_layers(gdf, extras) if extras else gdf, "GeoJSON")
    elif suffix == ".gpkg":
        _write_ogr(out, gdf, "GPKG")
        for layer, part in extras:
            _write_ogr(out, part, "GPKG", layer.layer_id, append=True)
    elif suffix == ".csv":
        _write_csv(out, _table(with_layers(gdf, extras) if extras else gdf))
    else:
        _write_xlsx(out, _table(gdf), filters, [(layer, _table(part)) for layer, part in extras])
    return len(gdf)
