"""Data export (geo/dataexport.py): exact GeoJSON/GeoPackage, spreadsheet-safe CSV/XLSX."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import geopandas as gpd
import pyogrio

from geo import bundled, register
from geo.dataexport import neutralise, write_data
from geo.filters import SEARCH_COLUMN, Filters, apply_filters
from geo.validate import validate_file

FORMULAS = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tcmd", "\r=1+1", "  =1+1"]


@pytest.fixture(scope="module")
def projects() -> gpd.GeoDataFrame:
    return register.load_register()


@pytest.fixture(scope="module")
def hostile(projects: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The register with formula-like names and investors in its first rows."""
    out = projects.copy()
    for i, text in enumerate(FORMULAS):
        out.loc[out.index[i], "name_vi"] = text
        out.loc[out.index[i], "investor"] = text
    return out


def _same(a: object, b: object) -> bool:
    """Equality that treats None/NaN/NA alike and ints/floats by value."""
    missing_a = a is None or a is pd.NA or (isinstance(a, float) and math.isnan(a))
    missing_b = b is None or b is pd.NA or (isinstance(b, float) and math.isnan(b))
    if missing_a or missing_b:
        return missing_a and missing_b
    if isinstance(a, (int, float, np.number)) and not isinstance(a, bool):
        return float(a) == float(b)
    return a == b


def _assert_same_records(written: gpd.GeoDataFrame, expected: gpd.GeoDataFrame) -> None:
    expected = expected.drop(columns=[SEARCH_COLUMN])
    assert list(written["id"]) == list(expected["id"])
    assert set(written.columns) == set(expected.columns)
    for column in expected.columns:
        if column == expected.geometry.name:
            continue
        for got, want in zip(written[column].tolist(), expected[column].tolist(), strict=True):
            assert _same(got, want), (column, got, want)
    for got, want in zip(written.geometry, expected.geometry, strict=True):
        if want is None:
            assert got is None or got.is_empty
        else:
            assert got.equals_exact(want, 1e-9)


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg"])
def test_gis_formats_read_back_with_the_same_records(tmp_path: Path, hostile: gpd.GeoDataFrame, suffix: str) -> None:
    out = tmp_path / f"projects{suffix}"
    n = write_data(out, hostile, Filters())
    written = pyogrio.read_dataframe(out)
    assert n == len(written) == len(hostile)
    _assert_same_records(written, hostile)  # exact: formula-like text is NOT neutralised here
    assert SEARCH_COLUMN not in written.columns


def test_geopackage_is_a_gdal_layer_with_point_geometry(tmp_path: Path, projects: gpd.GeoDataFrame) -> None:
    out = tmp_path / "projects.gpkg"
    write_data(out, projects, Filters())
    layers = pyogrio.list_layers(out)
    assert [list(x) for x in layers] == [["projects", "Point"]]
    info = pyogrio.read_info(out)
    assert info["crs"] == "EPSG:4326"
    assert dict(zip(info["fields"], info["dtypes"], strict=True))["status_year"] == "int64"
    write_data(out, projects.iloc[:3], Filters())  # overwriting replaces the file, not adds a layer
    assert len(pyogrio.list_layers(out)) == 1 and pyogrio.read_info(out)["features"] == 3


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".csv", ".xlsx"])
def test_filters_apply_to_every_format(tmp_path: Path, projects: gpd.GeoDataFrame, suffix: str) -> None:
    filters = Filters(sectors=("electricity", "processing"), statuses=("operating",))
    expected = apply_filters(projects, filters, zones=bundled.load_zones())
    out = tmp_path / f"f{suffix}"
    assert write_data(out, projects, filters) == len(expected) > 0
    if suffix == ".csv":
        ids = list(pd.read_csv(out, encoding="utf-8-sig")["id"])
    elif suffix == ".xlsx":
        ids = list(pd.read_excel(out, sheet_name="projects")["id"])
    else:
        ids = list(pyogrio.read_dataframe(out)["id"])
    assert ids == list(expected["id"])


def test_zone_filter_uses_geometry_too(tmp_path: Path, projects: gpd.GeoDataFrame) -> None:
    filters = Filters(zones=("ip_quan_ngang",))
    expected = apply_filters(projects, filters, zones=bundled.load_zones())
    assert write_data(tmp_path / "z.geojson", projects, filters) == len(expected)


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_csv_has_all_fields_and_lon_lat(tmp_path: Path, projects: gpd.GeoDataFrame) -> None:
    out = tmp_path / "p.csv"
    write_data(out, projects, Filters())
    rows = _csv_rows(out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    expected_cols = [c for c in projects.columns if c not in (SEARCH_COLUMN, projects.geometry.name)]
    assert list(rows[0]) == [*expected_cols, "lon", "lat"]
    for row, (_, rec) in zip(rows, projects.iterrows(), strict=True):
        assert row["name_vi"] == rec["name_vi"]  # diacritics kept
        if rec.geometry is None:
            assert row["lon"] == row["lat"] == ""
        else:
            assert float(row["lon"]) == pytest.approx(rec.geometry.x, abs=1e-7)
            assert float(row["lat"]) == pytest.approx(rec.geometry.y, abs=1e-7)


def test_csv_neutralises_formulas(tmp_path: Path, hostile: gpd.GeoDataFrame) -> None:
    out = tmp_path / "h.csv"
    write_data(out, hostile, Filters())
    rows = _csv_rows(out)
    for row, text in zip(rows, FORMULAS, strict=False):
        for column in ("name_vi", "investor"):
            assert row[column].startswith("'"), (column, row[column])
            assert row[column][1:] == text
    plain = rows[len(FORMULAS)]
    assert not plain["name_vi"].startswith("'")
    numbers = [r["capacity_mw"] for r in rows if r["capacity_mw"]]
    assert numbers and all(not n.startswith("'") for n in numbers)


def test_xlsx_keeps_formula_like_text_exactly_and_writes_no_formula(tmp_path: Path,
                                                                   hostile: gpd.GeoDataFrame) -> None:
    out = tmp_path / "h.xlsx"
    assert write_data(out, hostile, Filters()) == len(hostile)
    wb = openpyxl.load_workbook(out)
    ws = wb["projects"]
    header = [c.value for c in ws[1]]
    assert "lon" in header and "lat" in header and SEARCH_COLUMN not in header
    name_col = header.index("name_vi") + 1
    investor_col = header.index("investor") + 1
    for i, text in enumerate(FORMULAS, start=2):
        for col in (name_col, investor_col):
            cell = ws.cell(row=i, column=col)
            assert cell.data_type == "s", (cell.coordinate, cell.data_type)
            assert cell.value == text.replace("\r", "\n")  # no apostrophe inserted; XML reads CR back as LF
    assert not any(cell.data_type == "f" for row in ws.iter_rows() for cell in row)
    assert ws.cell(row=len(FORMULAS) + 2, column=name_col).value == hostile.iloc[len(FORMULAS)]["name_vi"]
    mw_col = header.index("capacity_mw") + 1
    values = [ws.cell(row=r, column=mw_col).value for r in range(2, ws.max_row + 1)]
    assert any(isinstance(v, int | float) for v in values)  # numbers stay numbers
    assert not any(isinstance(v, str) for v in values)


def test_xlsx_survives_control_characters(tmp_path: Path, projects: gpd.GeoDataFrame) -> None:
    odd = projects.copy()
    odd.loc[odd.index[0], "notes"] = "bell\x07 and \x01=1+1"
    out = tmp_path / "odd.xlsx"
    write_data(out, odd, Filters())
    ws = openpyxl.load_workbook(out)["projects"]
    header = [c.value for c in ws[1]]
    value = ws.cell(row=2, column=header.index("notes") + 1).value
    assert value == "bell and =1+1"


def test_neutralise_only_touches_text() -> None:
    assert neutralise(-2) == -2
    assert neutralise(None) is None
    assert neutralise("Nhà máy A-2") == "Nhà máy A-2"
    assert neutralise("") == ""
    for text in FORMULAS:
        assert neutralise(text) == "'" + text


def test_empty_result_and_bad_suffix(tmp_path: Path, projects: gpd.GeoDataFrame) -> None:
    nothing = Filters(query="zzz no such project")
    for suffix in (".geojson", ".gpkg", ".csv", ".xlsx"):
        assert write_data(tmp_path / f"empty{suffix}", projects, nothing) == 0
    assert len(pyogrio.read_dataframe(tmp_path / "empty.gpkg")) == 0
    assert _csv_rows(tmp_path / "empty.csv") == []
    with pytest.raises(ValueError, match="unsupported"):
        write_data(tmp_path / "p.shp", projects, Filters())


def test_xlsx_export_reads_back_as_the_same_records(tmp_path: Path, hostile: gpd.GeoDataFrame) -> None:
    """export → import: the sheet 'projects' is found (about and codes sheets passed over), every value is the same."""
    out = tmp_path / "round.xlsx"
    write_data(out, hostile, Filters())
    report = validate_file(out, kind="project", references=register.bundled_references(), lang="en")
    assert report.errors == [], report.lines()
    back = report.data
    expected = hostile.drop(columns=[SEARCH_COLUMN]).reset_index(drop=True)
    assert back["id"].tolist() == expected["id"].tolist()
    for column in expected.columns:
        if column == expected.geometry.name:
            continue
        for got, want in zip(back[column].tolist(), expected[column].tolist(), strict=True):
            want = want.replace("\r", "\n").strip() if isinstance(want, str) else want  # readers trim blanks
            if isinstance(got, str) and isinstance(want, int | float | np.number):
                got = float(got) if got else None  # a column outside the schema is read back as text
            assert _same(got, want), (column, got, want)
    located = expected.geometry.notna().to_numpy()
    assert np.allclose(back.geometry[located].x, expected.geometry[located].x, atol=1e-7)
    assert back.geometry[~located].isna().all()
    codes_sheet = openpyxl.load_workbook(out)["codes"]
    rows = [[c.value for c in r] for r in codes_sheet.iter_rows()]
    assert rows[0] == ["field", "code", "vi", "en"]
    assert ["sector", "building_materials", "Vật liệu xây dựng", "Building materials"] in rows  # labels by codes
