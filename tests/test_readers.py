"""Readers: real files in every format and text encoding, coordinate columns, CRSs, vocabulary labels."""

from __future__ import annotations

import unicodedata
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import to_cp1258

import geopandas as gpd
from pyproj import Transformer
from shapely.geometry import Point

from geo.readers import (
    _EXTENSION_TO_DRIVER,
    CRS_ALIASES,
    ReadError,
    coerce_to_schema,
    decode_text,
    parse_crs,
    read_file,
    read_raw,
    sniff_delimiter,
)

# Records as a planner would type them: Vietnamese names and vocabulary labels, not codes.
RECORDS = [
    {"id": "P1", "name_vi": "Nhà máy gỗ MDF VRG Quảng Trị", "sector": "Chế biến nông, lâm, thủy sản, thực phẩm",
     "status": "Đang hoạt động", "district": "Hướng Hóa", "lon": 106.7321, "lat": 16.6453},
    {"id": "P2", "name_vi": "Nhà máy xi măng Đông Hà", "sector": "vat lieu xay dung", "status": "dang xay dung",
     "district": "TP Đông Hà", "lon": 107.0912, "lat": 16.8134},
    {"id": "P3", "name_vi": "Thủy điện Rào Quán", "sector": "ĐIỆN", "status": "Quy hoạch",
     "district": "huong hoa", "lon": 106.7604, "lat": 16.6702},
]
CODES = [("processing", "operating", "huong_hoa"), ("building_materials", "under_construction", "dong_ha"),
         ("electricity", "planned", "huong_hoa")]


def frame(records=RECORDS) -> pd.DataFrame:
    df = pd.DataFrame(records)
    return df.assign(lon=df["lon"].map(repr), lat=df["lat"].map(repr))


def table_text(df: pd.DataFrame, sep: str = ",", newline: str = "\n") -> str:
    return df.to_csv(index=False, sep=sep, lineterminator=newline)


def geo_frame(records=RECORDS, crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    df = pd.DataFrame(records)
    gdf = gpd.GeoDataFrame(df.drop(columns=["lon", "lat"]), geometry=gpd.points_from_xy(df.lon, df.lat),
                           crs="EPSG:4326")
    return gdf.to_crs(crs)


def zip_shapefile(gdf: gpd.GeoDataFrame, path, drop: tuple[str, ...] = ()) -> None:
    folder = path.parent / (path.stem + "_parts")
    folder.mkdir()
    gdf.to_file(folder / "du_an.shp", engine="pyogrio")
    with zipfile.ZipFile(path, "w") as zf:
        for part in sorted(folder.iterdir()):
            if part.suffix not in drop:
                zf.write(part, f"du_an/{part.name}")


# --- writers: one real file per format and encoding -------------------------------------------------------------------


def write_geojson(tmp_path):
    path = tmp_path / "du_an.geojson"
    geo_frame().to_file(path, engine="pyogrio")
    return path


def write_gpkg(tmp_path):
    path = tmp_path / "du_an.gpkg"
    geo_frame().to_file(path, layer="du_an", engine="pyogrio")
    return path


def write_shp_zip_wgs84(tmp_path):
    path = tmp_path / "du_an_wgs84.zip"
    zip_shapefile(geo_frame(), path)
    return path


def write_shp_zip_vn2000(tmp_path):
    path = tmp_path / "du_an_vn2000.zip"
    zip_shapefile(geo_frame(crs=CRS_ALIASES["vn2000-utm48"]), path)
    return path


def write_csv_utf8(tmp_path):
    path = tmp_path / "du_an.csv"
    path.write_bytes(table_text(frame()).encode("utf-8"))
    return path


def write_csv_utf8_bom(tmp_path):
    path = tmp_path / "du_an_bom.csv"
    path.write_bytes(table_text(frame(), newline="\r\n").encode("utf-8-sig"))
    return path


def write_utf16_tab(tmp_path):
    """Excel's "Unicode text": UTF-16 LE with BOM, tab-separated, CRLF."""
    path = tmp_path / "du_an_unicode.txt"
    path.write_bytes(table_text(frame(), sep="\t", newline="\r\n").encode("utf-16"))
    return path


def write_csv_cp1258(tmp_path):
    path = tmp_path / "du_an_ansi.csv"
    path.write_bytes(to_cp1258(table_text(frame(), newline="\r\n")))
    return path


def write_csv_semicolon_decimal_comma(tmp_path):
    path = tmp_path / "du_an_semicolon.csv"
    df = frame()
    df["lon"] = df["lon"].str.replace(".", ",")
    df["lat"] = df["lat"].str.replace(".", ",")
    path.write_text(table_text(df, sep=";"), encoding="utf-8")
    return path


def write_tsv(tmp_path):
    path = tmp_path / "du_an.tsv"
    path.write_text(table_text(frame(), sep="\t"), encoding="utf-8")
    return path


def write_xlsx(tmp_path):
    """A workbook typed as in Excel: numbers as numbers, text as text (written with openpyxl)."""
    path = tmp_path / "du_an.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Dự án"
    ws.append(list(RECORDS[0]))
    for r in RECORDS:
        ws.append(list(r.values()))
    wb.save(path)
    return path


WRITERS = {
    "geojson": (write_geojson, "GeoJSON"),
    "gpkg": (write_gpkg, "GPKG"),
    "shp_zip_wgs84": (write_shp_zip_wgs84, "ESRI Shapefile"),
    "shp_zip_vn2000_utm48": (write_shp_zip_vn2000, "ESRI Shapefile"),
    "csv_utf8": (write_csv_utf8, "CSV"),
    "csv_utf8_bom": (write_csv_utf8_bom, "CSV"),
    "txt_utf16_tab": (write_utf16_tab, "CSV"),
    "csv_cp1258": (write_csv_cp1258, "CSV"),
    "csv_semicolon_decimal_comma": (write_csv_semicolon_decimal_comma, "CSV"),
    "tsv": (write_tsv, "CSV"),
    "xlsx": (write_xlsx, "XLSX"),
}


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_every_format_reads_the_same_records(tmp_path, fmt):
    writer, driver = WRITERS[fmt]
    path = writer(tmp_path)
    assert read_raw(path).driver == driver
    gdf = read_file(path, "project")
    assert gdf.crs.to_epsg() == 4326
    assert list(gdf["id"]) == [r["id"] for r in RECORDS]
    assert list(gdf["name_vi"]) == [r["name_vi"] for r in RECORDS]  # exact, NFC
    assert all(unicodedata.is_normalized("NFC", name) for name in gdf["name_vi"])
    assert list(zip(gdf["sector"], gdf["status"], gdf["district"], strict=True)) == CODES
    np.testing.assert_allclose(gdf.geometry.x, [r["lon"] for r in RECORDS], atol=1e-6)
    np.testing.assert_allclose(gdf.geometry.y, [r["lat"] for r in RECORDS], atol=1e-6)


@pytest.mark.parametrize(("fmt", "encoding"), [
    ("csv_utf8", "utf-8"), ("csv_utf8_bom", "utf-8-sig"), ("txt_utf16_tab", "utf-16"), ("csv_cp1258", "cp1258"),
])
def test_text_encodings_are_detected(tmp_path, fmt, encoding):
    data = WRITERS[fmt][0](tmp_path).read_bytes()
    text, found = decode_text(data)
    assert found == encoding
    assert "Nhà máy gỗ MDF VRG Quảng Trị" in text


def test_cp1258_file_really_uses_combining_tone_marks(tmp_path):
    data = write_csv_cp1258(tmp_path).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    decoded = data.decode("cp1258")
    assert "Quảng Trị" not in decoded  # decomposed as Windows writes it ...
    assert "Quảng Trị" in unicodedata.normalize("NFC", decoded)  # ... and equal once NFC-normalised


@pytest.mark.parametrize(("text", "suffix", "delimiter"), [
    ("id,name,lon\n1,a,107.1\n", ".csv", ","),
    ("id;name;lon\n1;a;107,1\n", ".csv", ";"),
    ("id\tname\tlon\n1\ta,b\t107.1\n", ".txt", "\t"),
    ('"id","tên, đầy đủ","lon"\n', ".csv", ","),
    ("id,name\n", ".tsv", "\t"),
])
def test_delimiter_is_sniffed(text, suffix, delimiter):
    assert sniff_delimiter(text, suffix) == delimiter


LONLAT_SPELLINGS = [
    ("lon", "lat"), ("lng", "lat"), ("long", "lat"), ("longitude", "latitude"), ("Longitude", "Latitude"),
    ("LON", "LAT"), ("kinh_do", "vi_do"), ("Kinh độ", "Vĩ độ"), ("KINH ĐỘ", "VĨ ĐỘ"), ("kinh do", "vi do"),
    ("Kinh độ (°)", "Vĩ độ (°)"), ("longitude_dd", "latitude_dd"),
]


@pytest.mark.parametrize(("lon", "lat"), LONLAT_SPELLINGS)
def test_lonlat_column_spellings(tmp_path, lon, lat):
    path = tmp_path / "du_an.csv"
    path.write_text(table_text(frame().rename(columns={"lon": lon, "lat": lat})), encoding="utf-8")
    if lon == "longitude_dd":  # not a spelling we know: the records have no location
        assert read_raw(path).coords is None
        return
    layer = read_raw(path)
    assert layer.coords == ("lonlat", lon, lat)
    np.testing.assert_allclose(layer.frame.geometry.x, [r["lon"] for r in RECORDS], atol=1e-9)
    np.testing.assert_allclose(layer.frame.geometry.y, [r["lat"] for r in RECORDS], atol=1e-9)


def test_x_y_columns_are_not_lonlat_without_a_geographic_crs(tmp_path):
    path = tmp_path / "du_an.csv"
    path.write_text(table_text(frame().rename(columns={"lon": "x", "lat": "y"})), encoding="utf-8")
    layer = read_raw(path)
    assert layer.coords == ("xy", "x", "y")
    assert layer.crs_origin == "unknown" and layer.frame.geometry.isna().all()
    with pytest.raises(ReadError, match="crs"):
        read_file(path)
    placed = read_file(path, crs="EPSG:4326")  # a geographic CRS makes x/y longitude/latitude
    np.testing.assert_allclose(placed.geometry.x, [r["lon"] for r in RECORDS], atol=1e-9)


@pytest.mark.parametrize(("crs", "epsg", "xcol", "ycol"), [
    ("vn2000-utm48", 3405, "x", "y"),
    ("vn2000-utm48", 3405, "Easting", "Northing"),
    ("vn2000-tm3-quangtri", 9212, "toa_do_x", "toa_do_y"),
    ("vn2000-tm3-quangtri", 9212, "Tọa độ X (m)", "Tọa độ Y (m)"),
    ("EPSG:3405", 3405, "X", "Y"),
    ("EPSG:9212", 9212, "x", "y"),
])
def test_projected_xy_with_vn2000(tmp_path, crs, epsg, xcol, ycol):
    lon = np.array([r["lon"] for r in RECORDS])
    lat = np.array([r["lat"] for r in RECORDS])
    x, y = Transformer.from_crs("EPSG:4326", f"EPSG:{epsg}", always_xy=True).transform(lon, lat)
    df = frame().drop(columns=["lon", "lat"]).assign(**{xcol: [f"{v:.4f}" for v in x], ycol: [f"{v:.4f}" for v in y]})
    path = tmp_path / "du_an_xy.csv"
    path.write_text(table_text(df), encoding="utf-8")
    layer = read_raw(path, crs=crs)
    assert layer.coords == ("xy", xcol, ycol)
    assert layer.source_geometry.crs.to_epsg() == epsg
    gdf = read_file(path, crs=crs)
    np.testing.assert_allclose(gdf.geometry.x, lon, atol=1e-6)
    np.testing.assert_allclose(gdf.geometry.y, lat, atol=1e-6)
    assert list(gdf[xcol]) == list(df[xcol])  # the cells themselves are kept as text


def test_crs_short_names():
    assert CRS_ALIASES["vn2000-utm48"] == "EPSG:3405"
    assert CRS_ALIASES["vn2000-tm3-quangtri"] == "EPSG:9212"
    assert parse_crs("vn2000-utm48").name == "VN-2000 / UTM zone 48N"
    assert parse_crs("VN2000-TM3-QUANGTRI").name == "VN-2000 / TM-3 106-15"
    params = {p.name: p.value for p in parse_crs("vn2000-tm3-quangtri").coordinate_operation.params}
    assert params["Longitude of natural origin"] == 106.25
    assert parse_crs("epsg:4756").is_geographic
    assert parse_crs("3405").to_epsg() == 3405
    for bad in ("utm48", "EPSG:0", "+proj=longlat", "/etc/passwd"):
        with pytest.raises(ReadError, match="vn2000-utm48"):
            parse_crs(bad)


@pytest.mark.parametrize("name", ["du_an.shp", "du_an.xls", "du_an.kml", "du_an"])
def test_unsupported_suffix_names_the_supported_ones(tmp_path, name):
    path = tmp_path / name
    path.write_text("x")
    with pytest.raises(ValueError) as err:
        read_raw(path)
    for suffix in _EXTENSION_TO_DRIVER:
        assert suffix in str(err.value)
    if name.endswith(".shp"):
        assert "zip" in str(err.value)


@pytest.mark.parametrize(("vocab", "label", "code"), [
    ("sector", "Vật liệu xây dựng", "building_materials"),
    ("sector", "VẬT LIỆU XÂY DỰNG", "building_materials"),
    ("sector", "vat lieu xay dung", "building_materials"),
    ("sector", "Cơ khí, sản phẩm kim loại", "mechanical"),
    ("sector", "May mặc", "light_industry"),
    ("status", "đang hoạt động", "operating"),
    ("status", "Đã cấp phép", "licensed"),
    ("status", "DINH TRE", "stalled"),
    ("district", "TP Đông Hà", "dong_ha"),
    ("district", "Đakrông", "dakrong"),
    ("district", "vinh linh", "vinh_linh"),
    ("location_confidence", "Trung bình", "medium"),
    ("location_confidence", "Chưa định vị", "none"),
    ("geometry_quality", "Phạm vi ước tính", "approximate"),
])
def test_vietnamese_labels_become_codes(tmp_path, vocab, label, code):
    df = frame(RECORDS[:1]).assign(**{vocab: label})
    path = tmp_path / "du_an.csv"
    path.write_bytes(to_cp1258(table_text(df)))
    assert read_file(path)[vocab].tolist() == [code]


def test_facility_labels_become_codes(tmp_path):
    df = pd.DataFrame({"id": ["c1", "c2"], "name_vi": ["Cảng Cửa Việt", "Cửa khẩu Lao Bảo"],
                       "facility": ["Cảng biển", "cua khau"], "status": ["operating"] * 2,
                       "lon": ["107.18", "106.585"], "lat": ["16.9", "16.623"]})
    path = tmp_path / "ha_tang.xlsx"
    df.to_excel(path, index=False)
    assert read_file(path, "infrastructure")["facility"].tolist() == ["port", "border_gate"]


def test_cells_are_read_as_text_until_coerced(tmp_path):
    path = tmp_path / "du_an.csv"
    path.write_text("id,name_vi,status_year,capital_bn_vnd,lon,lat,notes\n"
                    "007,Nhà máy A,2011,1117.50,107.1,16.8,NA\n"
                    "008,Nhà máy B,,,,,null\n", encoding="utf-8")
    raw = read_raw(path).frame
    assert raw["id"].tolist() == ["007", "008"]
    assert raw["capital_bn_vnd"].tolist() == ["1117.50", ""]
    assert raw["notes"].tolist() == ["NA", "null"]  # not turned into missing values
    typed = coerce_to_schema(raw, "project")
    assert typed["status_year"].tolist()[0] == 2011 and typed["status_year"].isna().tolist() == [False, True]
    assert typed["capital_bn_vnd"].tolist()[0] == 1117.5
    assert typed["id"].tolist() == ["007", "008"]


def test_blank_rows_are_skipped_but_rows_keep_their_spreadsheet_numbers(tmp_path):
    path = tmp_path / "du_an.csv"
    text = table_text(frame())
    lines = text.splitlines()
    path.write_text("\n".join([lines[0], lines[1], "", ",,,,,,", lines[2], lines[3], ""]) + "\n", encoding="utf-8")
    layer = read_raw(path)
    assert layer.frame["id"].tolist() == ["P1", "P2", "P3"]
    assert layer.rows.tolist() == [2, 5, 6]


def test_xlsx_reads_the_first_sheet_and_says_so(tmp_path):
    path = write_xlsx(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Ghi chú").append(["not records"])
    wb.save(path)
    layer = read_raw(path)
    assert layer.frame["id"].tolist() == ["P1", "P2", "P3"]
    assert "read sheet 'Dự án' (the workbook has 2 sheets)" in [str(note) for note in layer.notes]


def test_shapefile_without_prj_has_unknown_crs(tmp_path):
    path = tmp_path / "no_prj.zip"
    zip_shapefile(geo_frame(crs="EPSG:3405"), path, drop=(".prj",))
    layer = read_raw(path)
    assert layer.crs_origin == "unknown" and layer.frame.geometry.isna().all()
    assert layer.source_geometry.notna().all()  # kept, so the validator can say which CRS fits
    with pytest.raises(ReadError, match="CRS"):
        read_file(path)
    gdf = read_file(path, crs="vn2000-utm48")
    np.testing.assert_allclose(gdf.geometry.x, [r["lon"] for r in RECORDS], atol=1e-6)


@pytest.mark.parametrize("cpg", [None, "CP1258", "1258"])
def test_shapefile_in_windows_1258(tmp_path, cpg):
    path = tmp_path / "ansi.zip"
    folder = tmp_path / "ansi"
    folder.mkdir()
    geo_frame().to_file(folder / "a.shp", engine="pyogrio", encoding="cp1258")
    assert "Qua\xd2ng" in (folder / "a.dbf").read_bytes().decode("latin-1")  # really Windows-1258 bytes
    (folder / "a.cpg").unlink(missing_ok=True)
    if cpg:
        (folder / "a.cpg").write_text(cpg)
    with zipfile.ZipFile(path, "w") as zf:
        for part in folder.iterdir():
            zf.write(part, part.name)
    assert read_file(path)["name_vi"].tolist() == [r["name_vi"] for r in RECORDS]


@pytest.mark.parametrize(("members", "match"), [
    ({"a.shp": b"", "b.shp": b"", "a.dbf": b"", "a.shx": b""}, "exactly one shapefile"),
    ({"readme.txt": b"hello"}, "exactly one shapefile"),
    ({"a.shp": b"", "a.prj": b""}, r"\.shx \+ \.dbf"),
])
def test_bad_zips_are_read_errors(tmp_path, members, match):
    path = tmp_path / "bad.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    with pytest.raises(ReadError, match=match):
        read_raw(path)


def test_geojson_in_another_crs_is_reprojected(tmp_path):
    path = tmp_path / "utm.geojson"
    geo_frame(crs="EPSG:3405").to_file(path, engine="pyogrio", RFC7946="NO")
    assert '"crs"' in path.read_text()
    gdf = read_file(path)
    assert gdf.crs.to_epsg() == 4326
    np.testing.assert_allclose(gdf.geometry.y, [r["lat"] for r in RECORDS], atol=1e-6)


def test_gpkg_with_two_layers_reads_the_first_and_says_so(tmp_path):
    path = write_gpkg(tmp_path)
    gpd.GeoDataFrame({"id": ["x"]}, geometry=[Point(107, 16.8)], crs="EPSG:4326").to_file(
        path, layer="other", engine="pyogrio")
    layer = read_raw(path)
    assert layer.frame["id"].tolist() == ["P1", "P2", "P3"]
    assert any("2 layers" in note for note in map(str, layer.notes))


def test_wkt_column(tmp_path):
    path = tmp_path / "kcn.csv"
    square = "POLYGON ((107.1 16.8, 107.11 16.8, 107.11 16.81, 107.1 16.8))"
    pd.DataFrame({"id": ["ip1"], "name_vi": ["KCN A"], "status": ["operating"], "geometry": [square]}).to_csv(
        path, index=False)
    gdf = read_file(path, "industrial_park")
    assert gdf.geometry.iloc[0].geom_type == "Polygon"
    assert gdf.crs.to_epsg() == 4326


def test_bundled_loader_semantics_are_unchanged():
    """coerce_to_schema still types the bundled source tables the way data/build.py expects."""
    from geo.bundled import DATA_DIR

    gdf = read_file(DATA_DIR / "src" / "projects.csv")
    assert str(gdf["status_year"].dtype) == "Int64"
    assert gdf["capital_bn_vnd"].dtype == float
    assert gdf["in_conclusion"].dtype == bool
    assert set(gdf["sector"]) <= {"processing", "building_materials", "mining", "chemicals", "mechanical",
                                  "electricity", "water", "light_industry"}


# --- the fast paths read what the exact paths read ------------------------------------------------------------------

FAST_CSV_TEXTS = [
    "id,name,lon,lat\n1,Nhà máy A,106.7,16.8\n2,B,106.8,16.9\n",
    "id;name\r\n1;A\r\n\r\n2;B\r\n",  # CRLF and a blank line: the blank row keeps its place
    "a,b,\n,,\n1,2,3\n",  # a trailing delimiter, an empty row
    " id , name \n 1 ,\tA \n",  # blanks around cells (stripped later, by table_from_grid)
    "x\n\ny\n",  # one column
]
SLOW_CSV_TEXTS = [
    'id,name\n1,"Công ty A, B"\n',  # a quote: Python's csv (it reports malformed quoting)
    "DANH MỤC\nid,name\n1,A\n",  # a title row narrower than the table
    "id,name\n1\n",  # a short row
    "id,name\n1,A,extra\n",  # a long row
    "id,name\n1,A\x00\n",  # a NUL, which csv reports
]


@pytest.mark.parametrize("text", FAST_CSV_TEXTS + SLOW_CSV_TEXTS)
def test_arrow_csv_reads_the_cells_csv_reads_or_declines(text):
    import csv
    import io

    from geo.readers.header import columns_of
    from geo.readers.text import _arrow_columns

    fast = _arrow_columns(text.encode("utf-8"), ";" if ";" in text else ",")
    if text in SLOW_CSV_TEXTS:
        assert fast is None
        return
    exact = columns_of(csv.reader(io.StringIO(text), delimiter=";" if ";" in text else ","))
    assert [c.tolist() for c in fast] == [c.tolist() for c in exact]
    assert all(c.dtype == "str" for c in fast)


def test_a_malformed_quote_is_still_reported(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text('id,name\n1,"A"B\n', encoding="utf-8")
    with pytest.raises(ReadError) as err:
        read_raw(path)
    assert err.value.message.key == "rd_bad_table"


def test_columns_of_pads_short_rows_across_chunks():
    from geo.readers.header import columns_of

    cols = columns_of([["a"], ["b", "c"], ["d"], ["e", "f", "g"], []], chunk=2)
    assert [c.tolist() for c in cols] == [["a", "b", "d", "e", ""], ["", "c", "", "f", ""], ["", "", "", "g", ""]]


def test_to_floats_agrees_with_pandas_on_every_cell():
    from geo.readers.numbers import to_floats

    cells = ["1", "1.5", "+3", "-4", "1e5", "inf", "nan", ".5", "5.", "00012", " 2 ", "1,5", "0x10", "1_000", "abc"]
    for column in ([c] for c in cells):  # one cell per column: Arrow reads it, or pandas does
        text = pd.Series(column, dtype="str")
        assert np.array_equal(to_floats(text), pd.to_numeric(text, errors="coerce").astype(float), equal_nan=True)
    mixed = pd.Series(cells + [None], dtype="str")
    assert np.array_equal(to_floats(mixed), pd.to_numeric(mixed, errors="coerce").astype(float), equal_nan=True)


def test_the_search_fold_matches_pythons_regex_on_every_space():
    import re

    from geo.filters import fold_series

    spaces = "".join(chr(c) for c in range(0x110000) if re.match(r"\s", chr(c)))
    values = pd.Series([f"Nhà{c}máy_A-{c}B" for c in spaces] + ["Đông Hà", "e\u0301"], dtype="str")
    expected = [re.sub(r"[_\-\s]+", " ", re.sub(r"[\u0300-\u036f]", "", unicodedata.normalize(
        "NFD", v.replace("đ", "d").replace("Đ", "D")).lower())) for v in values]
    assert fold_series(values).tolist() == expected
