"""Planners' real files: office Excel registers, CSVs in three encodings, shapefiles, polygons and MultiPoints.

Every file is built here as a planner would have it (openpyxl with merged title cells, a totals row and a
notes sheet; CSVs with decimal commas and degrees-minutes-seconds), from the bundled register's located
records (data/src/projects.csv), and each test asserts the records that come out, not only the exit code.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import to_cp1258

import geopandas as gpd
import shapely
from shapely.geometry import MultiPoint, Point, box

from geo.i18n import catalog, fmt_number
from geo.readers import ReadOptions, read_coordinates, read_numbers, read_raw
from geo.readers.numbers import dms_to_degrees
from geo.register import bundled_references, left_out_path, load_usable, write_left_out
from geo.schema import VOCABULARIES
from geo.validate import validate_file
from geo.validate.references import METRIC_CRS, OUTSIDE_WARNING_KM

ROOT = Path(__file__).resolve().parent.parent
REFS = bundled_references()
SRC = pd.read_csv(ROOT / "data" / "src" / "projects.csv", dtype=str, keep_default_na=False)
LOCATED = SRC[SRC["lon"] != ""].reset_index(drop=True)  # the 12 located records of the bundled register


def label(vocab: str, code: str) -> str:
    """The Vietnamese label a register writes for a code (Ngành 'Điện', not 'electricity')."""
    return next(t.vi for t in VOCABULARIES[vocab] if t.code == code) if code else ""


def vn(value: str) -> str:
    """A number as a Vietnamese office writes it: 2.097,1."""
    return fmt_number(float(value), "vi") if value else ""


def dms(value: str, pos: str, neg: str, form: int) -> str:
    """Degrees as degrees-minutes-seconds, in one of the forms registers use."""
    x = float(value)
    hemi = pos if x >= 0 else neg
    x = abs(x)
    total = round(x * 3600, 2)
    d, m, s = int(total // 3600), int(total % 3600 // 60), round(total % 60, 2)
    if form == 0:
        return f"{d}°{m}'{s}\"{hemi}"
    if form == 1:
        return f"{d}° {m}' {s}\" {hemi}"
    if form == 2:
        return f"{d} {m} {s}"
    return f"{d}°{(x - d) * 60:.4f}'"


HEADER = ["STT", "Mã dự án", "Tên dự án", "Ngành", "Tình trạng", "Huyện", "Vốn đầu tư (tỷ đồng)", "Kinh độ", "Vĩ độ"]


def register_rows(src: pd.DataFrame = LOCATED, coords: str = "comma") -> list[list[str]]:
    """The register's records as cells: labels, capital the Vietnamese way, coordinates as asked."""
    out = []
    for i, r in enumerate(src.itertuples(index=False), start=1):
        if coords == "comma":
            lon, lat = r.lon.replace(".", ","), r.lat.replace(".", ",")
        elif coords == "dms":
            lon, lat = dms(r.lon, "E", "W", i % 4), dms(r.lat, "N", "S", (i + 1) % 4)
        else:
            lon, lat = r.lon, r.lat
        out.append([str(i), r.id, r.name_vi, label("sector", r.sector), label("status", r.status),
                    label("district", r.district), vn(r.capital_bn_vnd), lon, lat])
    return out


def capital_sum() -> str:
    return vn(str(sum(float(v) for v in LOCATED["capital_bn_vnd"] if v)))


def office_xlsx(path: Path, header: list[str] = HEADER, rows: list[list[str]] | None = None,
                units_row: list[str] | None = None) -> Path:
    """An Excel register as offices make them: a guide sheet first, a merged title, a blank row, the header on
    row 3, a totals row, a notes sheet."""
    wb = openpyxl.Workbook()
    guide = wb.active
    guide.title = "Hướng dẫn"
    guide.append(["Biểu mẫu danh mục dự án; điền từ dòng 4 của trang 'Danh mục'."])
    ws = wb.create_sheet("Danh mục")
    ws.append(["DANH MỤC DỰ ÁN TRÊN ĐỊA BÀN TỈNH QUẢNG TRỊ"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append([])
    ws.append(header)
    if units_row:
        ws.append(units_row)
    for row in rows if rows is not None else register_rows():
        ws.append(row)
    ws.append(["", "", "Tổng cộng", "", "", "", capital_sum(), "", ""])
    notes = wb.create_sheet("Ghi chú")
    notes.append(["Ghi chú"])
    notes.append(["Vốn đầu tư theo giấy chứng nhận đầu tư."])
    wb.save(path)
    return path


def check(path, lang="en", **kw):
    return validate_file(path, kind="project", references=REFS, lang=lang, **kw)


def expected_capital() -> list[float | None]:
    return [float(v) if v else None for v in LOCATED["capital_bn_vnd"]]


def capital_values(data) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in data["capital_bn_vnd"]]


# --- 1. Excel and CSV as they come -----------------------------------------------------------------------------------


def test_an_office_excel_register_is_read_with_its_header_on_row_3(tmp_path):
    report = check(office_xlsx(tmp_path / "danh_muc.xlsx"))
    assert report.errors == [], report.lines()
    data = report.data
    assert data["id"].tolist() == LOCATED["id"].tolist()
    assert data["name_vi"].tolist() == LOCATED["name_vi"].tolist()
    assert data["sector"].tolist() == LOCATED["sector"].tolist()  # labels read as codes
    assert data["status"].tolist() == LOCATED["status"].tolist()
    assert capital_values(data) == expected_capital()  # 2.097,1 → 2097.1
    assert np.allclose(data.geometry.x, LOCATED["lon"].astype(float))
    assert np.allclose(data.geometry.y, LOCATED["lat"].astype(float))
    assert report.rows.tolist() == list(range(4, 4 + len(LOCATED)))  # spreadsheet rows: header on row 3
    notes = [n.message for n in report.notes]
    totals_row = 4 + len(LOCATED)
    assert "read sheet 'Danh mục' (the workbook has 3 sheets)" in notes
    assert "sheets 'Hướng dẫn', 'Ghi chú' have no header row with known column names: not read" not in notes
    assert "sheet 'Hướng dẫn' has no header row with known column names: not read" in notes
    assert "header on row 3: 1 row above it (title 'DANH MỤC DỰ ÁN TRÊN ĐỊA BÀN TỈNH QUẢNG TRỊ') left out" in notes
    assert f"row {totals_row} is a total or subtotal row: left out" in notes
    assert "column 'STT' is the serial number of the register: not used as an identifier" in notes
    assert any(n.startswith("'Vốn đầu tư (tỷ đồng)': 1 number written with a decimal comma") for n in notes), notes
    assert "'Vốn đầu tư (tỷ đồng)' is in bn VND, the unit of the field: kept as written" in notes


def test_the_sheet_can_be_chosen_by_name_or_number(tmp_path):
    path = office_xlsx(tmp_path / "danh_muc.xlsx")
    by_name = check(path, options=ReadOptions(sheet="Danh mục"))
    by_number = check(path, options=ReadOptions(sheet="2"))
    assert by_name.data["id"].tolist() == by_number.data["id"].tolist() == LOCATED["id"].tolist()
    missing = check(path, options=ReadOptions(sheet="Sheet9"))
    assert missing.exit_code == 2
    assert "the workbook has no sheet 'Sheet9': choose one of 'Hướng dẫn', 'Danh mục', 'Ghi chú'" in missing.lines()[0]
    guide = check(path, options=ReadOptions(sheet=1))  # the guide sheet holds no register
    assert guide.exit_code == 1 and len(guide.data) <= 1


def test_cli_sheet_option(tmp_path):
    path = office_xlsx(tmp_path / "danh_muc.xlsx")
    out = subprocess.run([sys.executable, "-m", "geo", "validate", str(path), "--sheet", "Danh mục", "--lang", "en"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.splitlines()[0] == f"danh_muc.xlsx: OK, {len(LOCATED)} features (project)"


def test_a_register_without_ids_gets_stable_derived_ids(tmp_path):
    header = [h for h in HEADER if h != "Mã dự án"]
    rows = [r[:1] + r[2:] for r in register_rows()]
    first = check(office_xlsx(tmp_path / "a.xlsx", header, rows))
    again = check(office_xlsx(tmp_path / "b.xlsx", header, list(reversed(rows))))
    assert first.errors == [], first.lines()
    ids = first.data["id"].tolist()
    assert all(i.startswith("P-") and len(i) in (10, 12) for i in ids)
    assert len(set(ids)) == len(ids)
    # the same record gets the same id however the rows are ordered
    assert dict(zip(first.data["name_vi"] + first.data["district"].fillna(""), ids, strict=True)) == \
        dict(zip(again.data["name_vi"] + again.data["district"].fillna(""), again.data["id"], strict=True))
    assert any(n.message.startswith(f"no id column: {len(ids)} ids derived from the Vietnamese name and district")
               for n in first.notes)


def test_a_two_row_header_whose_second_row_carries_units(tmp_path):
    header = HEADER[:6] + ["Vốn đầu tư", "Kinh độ", "Vĩ độ"]
    units = ["", "", "", "", "", "", "triệu đồng", "", ""]
    rows = register_rows()
    for r, v in zip(rows, LOCATED["capital_bn_vnd"], strict=True):
        r[6] = vn(str(float(v) * 1000)) if v else ""  # the same capital, in million dong
    report = check(office_xlsx(tmp_path / "trieu.xlsx", header, rows, units))
    assert report.errors == [], report.lines()
    assert np.allclose([v or 0 for v in capital_values(report.data)], [v or 0 for v in expected_capital()])
    notes = [n.message for n in report.notes]
    assert "row 4 carries the units of the columns: joined to the header" in notes
    assert "'Vốn đầu tư (triệu đồng)' is in mn VND: converted to bn VND (× 0.001)" in notes
    assert report.rows.tolist()[0] == 5


def test_capital_in_million_usd_is_not_converted_without_a_rate(tmp_path):
    header = HEADER[:6] + ["Vốn đầu tư (triệu USD)", "Kinh độ", "Vĩ độ"]
    report = check(office_xlsx(tmp_path / "usd.xlsx", header))
    assert "capital_bn_vnd" not in report.data.columns
    assert report.data["Vốn đầu tư (triệu USD)"].tolist()[0] == vn(LOCATED["capital_bn_vnd"][0])
    assert ("'Vốn đầu tư (triệu USD)' is in mn USD, not bn VND: not read as capital_bn_vnd (no conversion is "
            "assumed); kept as a column of its own") in [n.message for n in report.notes]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1258"])
def test_csv_registers_with_decimal_commas_and_dms(tmp_path, encoding):
    lines = ["DANH MỤC DỰ ÁN", ""] + [";".join(HEADER)]
    lines += [";".join(r) for r in register_rows(coords="dms")]
    lines += [";".join(["", "", "Cộng", "", "", "", capital_sum(), "", ""]), "Ghi chú: vốn theo giấy phép"]
    text = "\r\n".join(lines) + "\r\n"
    path = tmp_path / "danh_muc.csv"
    path.write_bytes(to_cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    report = check(path)
    assert report.errors == [], report.lines()
    data = report.data
    assert data["name_vi"].tolist() == LOCATED["name_vi"].tolist()
    assert np.allclose(data.geometry.x, LOCATED["lon"].astype(float), atol=1e-5)
    assert np.allclose(data.geometry.y, LOCATED["lat"].astype(float), atol=1e-5)
    assert capital_values(data) == expected_capital()
    notes = [n.message for n in report.notes]
    n = len(LOCATED)
    assert f"rows {n + 4}, {n + 5} are total or subtotal rows: left out" not in notes
    assert f"row {n + 4} is a total or subtotal row: left out" in notes
    assert f"row {n + 5} is a note under the table: left out" in notes
    assert any(m.startswith(f"'Kinh độ': {n} cells in degrees-minutes-seconds read as decimal degrees") for m in notes)
    assert any(m.startswith(f"'Vĩ độ': {n} cells in degrees-minutes-seconds read as decimal degrees") for m in notes)


def test_decimal_comma_coordinates_are_reported_once(tmp_path):
    path = tmp_path / "phay.csv"
    path.write_text("\n".join([";".join(HEADER)] + [";".join(r) for r in register_rows()]) + "\n", encoding="utf-8")
    report = check(path)
    assert np.allclose(report.data.geometry.x, LOCATED["lon"].astype(float))
    comma = [n.message for n in report.notes if "decimal comma or grouped digits" in n.message]
    assert [m.split(":")[0] for m in comma] == ["'Kinh độ'", "'Vĩ độ'"]


# --- 2. Numbers and coordinates as Vietnamese write them ------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [
    ("1.250,5", 1250.5), ("1 250,5", 1250.5), ("125,5", 125.5), ("2.097,1", 2097.1), ("1\u00a0250", 1250.0),
    ("-3,25", -3.25), ("450", 450.0), ("1,250.5", 1250.5),
])
def test_numbers_as_written(text, value):
    assert read_numbers(pd.Series([text])).values.tolist() == [value]


def test_a_column_decides_how_its_ambiguous_cells_read():
    assert read_numbers(pd.Series(["1.250", "125,5"])).values.tolist() == [1250.0, 125.5]  # comma column
    assert read_numbers(pd.Series(["1,250", "125.5"])).values.tolist() == [1250.0, 125.5]  # dot column
    alone = read_numbers(pd.Series(["1.250", "3"]))
    assert alone.ambiguous.tolist() == [True, False]
    assert (alone.values.tolist()[0], alone.alternative.tolist()[0]) == (1.25, 1250.0)


def test_an_ambiguous_capital_is_a_warning_that_shows_the_value(tmp_path):
    rows = register_rows()
    rows[1][6] = "1.250"
    for r in rows[2:]:
        r[6] = ""
    rows[0][6] = "2097"
    report = check(office_xlsx(tmp_path / "mo_ho.xlsx", rows=rows))
    assert report.exit_code == 0
    [warning] = report.warnings
    assert (warning.row, warning.field, warning.value) == (5, "capital_bn_vnd", "1.250")
    assert warning.message.startswith("could be read two ways: read as 1.25 (it would be 1250 with the other")
    assert capital_values(report.data)[1] == 1.25


@pytest.mark.parametrize(("text", "value"), [
    ("16°49'12\"N", 16.82), ("16° 49' 12\" N", 16.82), ("16 49 12", 16.82), ("16°49.2'", 16.82),
    ("N 16°49'12\"", 16.82), ("107°05'30\" E", 107.091667), ("16°49'12\"S", -16.82), ("16º49′12″", 16.82),
])
def test_dms_forms(text, value):
    assert dms_to_degrees(text) == pytest.approx(value, abs=1e-6)


@pytest.mark.parametrize("text", ["16°75'", "16°49'75\"", "abc", "16°49'12\"NS", ""])
def test_not_dms(text):
    assert np.isnan(dms_to_degrees(text))


def test_an_unreadable_coordinate_names_the_cell_and_both_columns_stay_checked(tmp_path):
    rows = register_rows(coords="dms")
    rows[2][7], rows[2][8] = "107°75'", "16 49 99"
    report = check(office_xlsx(tmp_path / "dms.xlsx", rows=rows))
    bad = [(p.row, p.field) for p in report.errors]
    assert bad == [(6, "Kinh độ"), (6, "Vĩ độ")]
    assert all("not a number" in p.message for p in report.errors)
    assert report.usable["id"].tolist() == [i for k, i in enumerate(LOCATED["id"]) if k != 2]


def test_coordinates_reading_is_vectorised_over_plain_columns():
    assert read_coordinates(pd.Series(["107.1", "", "16.8"])).values.tolist()[::2] == [107.1, 16.8]
