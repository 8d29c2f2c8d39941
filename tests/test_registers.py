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
from geo.readers import ReadOptions, read_coordinates, read_numbers
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


# --- 3. Geometry as it comes -----------------------------------------------------------------------------------------


def located_frame(geoms=None, crs="EPSG:4326") -> gpd.GeoDataFrame:
    attrs = LOCATED[["id", "name_vi", "sector", "status", "district"]].copy()
    points = gpd.points_from_xy(LOCATED["lon"].astype(float), LOCATED["lat"].astype(float), crs="EPSG:4326")
    gdf = gpd.GeoDataFrame(attrs, geometry=list(geoms) if geoms is not None else points, crs="EPSG:4326")
    return gdf.to_crs(crs) if crs != "EPSG:4326" else gdf


def zip_shapefile(gdf: gpd.GeoDataFrame, path: Path, drop: tuple[str, ...] = ()) -> Path:
    folder = path.parent / (path.stem + "_parts")
    folder.mkdir()
    gdf.to_file(folder / "du_an.shp", engine="pyogrio")
    with zipfile.ZipFile(path, "w") as zf:
        for part in sorted(folder.iterdir()):
            if part.suffix not in drop:
                zf.write(part, f"du_an/{part.name}")
    return path


def test_zipped_shapefile_with_prj_gives_the_records(tmp_path):
    report = check(zip_shapefile(located_frame(crs=METRIC_CRS), tmp_path / "du_an.zip"))
    assert report.errors == [], report.lines()
    assert report.data["id"].tolist() == LOCATED["id"].tolist()
    assert np.allclose(report.data.geometry.x, LOCATED["lon"].astype(float), atol=1e-6)


def test_a_shapefile_without_prj_names_the_control_the_user_has(tmp_path):
    path = zip_shapefile(located_frame(crs=METRIC_CRS), tmp_path / "du_an.zip", drop=(".prj",))
    cli = check(path)
    app = check(path, control="app")
    assert cli.exit_code == app.exit_code == 1
    assert cli.lines()[0].endswith("add --crs vn2000-utm48")
    assert app.lines()[0].endswith("choose vn2000-utm48 in the 'CRS (for projected X/Y)' box")
    assert "--crs" not in app.lines()[0]
    app_vi = check(path, control="app", lang="vi")
    assert app_vi.lines()[0].endswith("chọn vn2000-utm48 trong ô 'Hệ tọa độ (nếu X/Y phẳng)'")
    given = check(path, crs="vn2000-utm48")
    assert given.errors == [] and np.allclose(given.data.geometry.y, LOCATED["lat"].astype(float), atol=1e-6)
    assert any("the shapefile has no .prj: coordinates read in VN-2000 / UTM zone 48N (--crs)" == n.message
               for n in given.notes)


def write_geojson(path: Path, gdf: gpd.GeoDataFrame) -> Path:
    gdf.to_file(path, driver="GeoJSON", engine="pyogrio")
    return path


def test_a_project_polygon_keeps_its_footprint_and_is_drawn_at_a_point_inside(tmp_path):
    footprints = [box(float(x) - 0.002, float(y) - 0.002, float(x) + 0.002, float(y) + 0.002)
                  for x, y in zip(LOCATED["lon"], LOCATED["lat"], strict=True)]
    report = check(write_geojson(tmp_path / "nha_may.geojson", located_frame(footprints)))
    assert report.errors == [], report.lines()
    data = report.data
    assert (data.geometry.geom_type == "Point").all()
    assert all(shapely.from_wkt(w).contains(p) for w, p in zip(data["footprint_wkt"], data.geometry, strict=True))
    assert shapely.from_wkt(data["footprint_wkt"][0]).equals_exact(footprints[0], 1e-7)
    assert data["geometry_quality"].tolist() == ["approximate"] * len(LOCATED)
    assert any(n.message.startswith(f"{len(LOCATED)} records are polygons: drawn at a point inside each")
               for n in report.notes)


def test_multipoints_one_site_is_a_point_several_sites_need_a_choice(tmp_path):
    x, y = LOCATED["lon"].astype(float).tolist(), LOCATED["lat"].astype(float).tolist()
    geoms = [MultiPoint([(x[i], y[i])]) for i in range(len(x))]
    geoms[1] = MultiPoint([(x[1], y[1]), (x[2], y[2]), (x[3], y[3])])  # one project, three sites
    path = write_geojson(tmp_path / "nhieu_diem.geojson", located_frame(geoms))
    report = check(path)
    assert [(p.row, p.field) for p in report.errors] == [(2, "geometry")]
    assert report.errors[0].message == (
        "geometry is a MultiPoint with 3 sites, but a record of projects is one point: choose its first site, the "
        "centroid of its sites, or one record per site (--multi first|centroid|explode)")
    assert f"{len(x) - 1} MultiPoints with a single point read as points" in [n.message for n in report.notes]
    assert report.usable["id"].tolist() == [i for k, i in enumerate(LOCATED["id"]) if k != 1]
    first = check(path, options=ReadOptions(multi="first"))
    assert first.errors == [] and (first.data.geometry.x[1], first.data.geometry.y[1]) == (x[1], y[1])
    centroid = check(path, options=ReadOptions(multi="centroid"))
    assert centroid.data.geometry.x[1] == pytest.approx(np.mean(x[1:4]))
    explode = check(path, options=ReadOptions(multi="explode"))
    assert explode.errors == [], explode.lines()
    ids = explode.data["id"].tolist()
    assert ids[:5] == [LOCATED["id"][0], f"{LOCATED['id'][1]}-1", f"{LOCATED['id'][1]}-2", f"{LOCATED['id'][1]}-3",
                       LOCATED["id"][2]]
    assert explode.rows.tolist()[:5] == [1, 2, 2, 2, 3]  # each site says which feature of the file it came from


def test_a_geojson_legacy_crs_member_is_honoured_with_a_note(tmp_path):
    metric = located_frame(crs=METRIC_CRS)
    features = [{"type": "Feature", "properties": {k: r[k] for k in ("id", "name_vi", "sector", "status")},
                 "geometry": {"type": "Point", "coordinates": [r.geometry.x, r.geometry.y]}}
                for _, r in metric.iterrows()]
    doc = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3405"}},
           "features": features}
    path = tmp_path / "vn2000.geojson"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    report = check(path)
    assert report.errors == [], report.lines()
    assert np.allclose(report.data.geometry.x, LOCATED["lon"].astype(float), atol=1e-6)
    assert ("the GeoJSON declares its CRS in a legacy 'crs' member (EPSG:3405): coordinates converted to WGS 84"
            in [n.message for n in report.notes])


# --- 4. Severity and partial use ----------------------------------------------------------------------------------


def ring_points(km: float, n: int) -> list[Point]:
    """``n`` points exactly ``km`` outside the province outline (on its buffered outer ring), in EPSG:4326."""
    outline = REFS.metric_outline
    parts = list(getattr(outline, "geoms", [outline]))
    main = max(parts, key=lambda g: g.area).buffer(km * 1000)
    ring = getattr(main, "exterior", None) or max(main.geoms, key=lambda g: g.area).exterior
    pts = [ring.interpolate(i / n, normalized=True) for i in range(n)]
    return list(gpd.GeoSeries(pts, crs=METRIC_CRS).to_crs("EPSG:4326"))


def big_register(path: Path, n: int = 10_000) -> dict[str, list[int]]:
    """A 10,000-row register: 3 % of rows 1–3 km outside the outline, errors in 36 rows. Returns the rows by case."""
    base = LOCATED.iloc[np.arange(n) % len(LOCATED)].reset_index(drop=True)
    df = pd.DataFrame({"id": [f"{i}-{k:05d}" for k, i in enumerate(base["id"])], "name_vi": base["name_vi"],
                       "sector": base["sector"], "status": base["status"], "lon": base["lon"], "lat": base["lat"]})
    rng = np.random.default_rng(9)
    picks = rng.permutation(n)
    near, bad_sector, bad_lon, no_name = picks[:300], picks[300:320], picks[320:330], picks[330:336]
    for i, p in zip(near, ring_points(1.0, 150) + ring_points(2.8, 150), strict=True):
        df.loc[i, ["lon", "lat"]] = [f"{p.x:.6f}", f"{p.y:.6f}"]
    df.loc[bad_sector, "sector"] = "thep"
    df.loc[bad_lon, "lon"] = "không rõ"
    df.loc[no_name, "name_vi"] = ""
    df.to_csv(path, index=False)
    return {"near": sorted(int(i) + 2 for i in near), "errors": sorted(int(i) + 2 for i in picks[300:336])}


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    path = tmp_path_factory.mktemp("big") / "so_dau_tu.csv"
    return path, big_register(path)


def test_a_big_register_with_a_few_dozen_bad_rows_names_each_and_stays_usable(big):
    path, rows = big
    report = check(path)
    assert report.exit_code == 1
    assert sorted({p.row for p in report.errors}) == rows["errors"]
    warned = sorted(p.row for p in report.warnings)
    assert warned == rows["near"]  # every row outside the outline has a message; none is silent
    kms = sorted(float(p.message.split(" km ")[0]) for p in report.warnings)
    assert kms[0] >= 0.9 and kms[-1] <= 2.9 and kms[-1] <= OUTSIDE_WARNING_KM
    assert len(report.usable) == 10_000 - 36
    left = report.left_out()
    assert len(left) == 36
    assert list(left.columns) == ["id", "name_vi", "sector", "status", "lon", "lat", "problem"]
    assert left.loc[left["sector"] == "thep", "problem"].str.contains("unknown sector").all()


def test_cli_data_and_html_write_the_usable_rows_and_name_the_rest(big, tmp_path):
    path, rows = big
    out = tmp_path / "ra.csv"
    left = tmp_path / "bo_ra.xlsx"
    res = subprocess.run([sys.executable, "-m", "geo", "data", "--projects", str(path), "--out", str(out),
                          "--left-out", str(left), "--lang", "en"], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.strip() == f"wrote {out} (9,964 records)"  # counts as English writes them
    err = res.stderr.splitlines()
    assert "so_dau_tu.csv: 36 records with errors left out (listed above); 9,964 used" in err
    assert f"the records left out, with a problem column, are in {left}: fix them and load the file again" in err
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(written) == 10_000 - 36 and not written["sector"].eq("thep").any()
    back = pd.read_excel(left, dtype=str, keep_default_na=False)
    assert len(back) == 36 and back.columns[-1] == "problem"
    html = tmp_path / "ban_do.html"
    res = subprocess.run([sys.executable, "-m", "geo", "html", "--projects", str(path), "--out", str(html)],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "so_dau_tu.csv: bỏ ra 36 bản ghi có lỗi (liệt kê ở trên); dùng 9.964 bản ghi" in res.stderr.splitlines()
    assert left_out_path(path, check(path)).exists()  # the default: beside the register


def test_a_file_with_no_usable_row_still_fails(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("id,name_vi,lon,lat\nP1,A,107.1,16.8\n", encoding="utf-8")  # no sector, no status columns
    with pytest.raises(ValueError, match="missing required column 'sector'"):
        load_usable(path, lang="en")
    report = check(path)
    assert report.usable is None and len(report.left_out()) == 1


def test_the_left_out_file_round_trips(tmp_path):
    rows = register_rows()
    rows[0][3] = "Luyện thép"
    report = check(office_xlsx(tmp_path / "sai.xlsx", rows=rows))
    out = write_left_out(report, tmp_path / "sai.left_out.xlsx")
    again = check(out)  # fix nothing, load again: the same record, the same problem
    assert again.data["name_vi"].tolist() == [LOCATED["name_vi"][0]]
    assert capital_values(again.data) == expected_capital()[:1]
    assert again.original.columns[-1] == "problem"
    assert again.original["problem"][0].startswith("Ngành='Luyện thép': unknown sector")  # the file's header
    assert [(p.row, p.field) for p in again.errors] == [(2, "sector")]


# --- 5. The user's language -------------------------------------------------------------------------------------------


def _english_words() -> set[str]:
    entries = [e for e in catalog().values() if e.domain in ("readers", "validate")]
    en = {w for e in entries for text in e.en for w in __import__("re").findall(r"[a-z]{4,}", text)}
    vi = {w for e in entries for text in e.vi for w in __import__("re").findall(r"[a-z]{4,}", text)}
    return en - vi - {"none", "point", "approximate", "surveyed", "first", "centroid", "explode", "multi",
                        "district", "sector", "status"}  # field codes, written as codes in both languages


def test_an_office_register_in_vietnamese_has_no_english(tmp_path):
    rows = register_rows(coords="dms")
    rows[2][3] = "thep"
    report = check(office_xlsx(tmp_path / "danh_muc.xlsx", rows=rows), lang="vi", control="app")
    lines = report.lines() + report.left_out_lines("tep_bo_ra.xlsx")
    text = "\n".join(lines)
    assert "dòng tiêu đề là dòng 3" in text and "dòng 16 là dòng tổng cộng hoặc cộng nhóm: bỏ qua" in text
    words = {w for w in __import__("re").findall(r"[a-z]{4,}", text.lower())}
    english = words & _english_words()
    assert english == set(), english



def test_cli_validate_of_the_big_register_exits_1_naming_each_bad_row(big):
    path, rows = big
    res = subprocess.run([sys.executable, "-m", "geo", "validate", str(path), "--lang", "en"], capture_output=True,
                         text=True, cwd=ROOT)
    assert res.returncode == 1, res.stderr[-2000:]
    lines = res.stdout.splitlines()
    errors = sorted({int(line.split(":row ")[1].split(":")[0]) for line in lines
                     if ":row " in line and ": warning:" not in line})
    assert errors == rows["errors"]  # each of the 36 rows with an error is named
    assert sorted(int(line.split(":row ")[1].split(":")[0]) for line in lines if ": warning:" in line) == rows["near"]
