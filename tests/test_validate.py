"""The validator: one bad file per kind of bad input, each problem located (file, row, field, value, hint)."""

from __future__ import annotations

import json
import re
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import to_cp1258

import geopandas as gpd
from pyproj import Transformer
from shapely.geometry import Point, box

from geo.i18n import catalog
from geo.register import bundled_references, load_register
from geo.schema import KINDS, VOCABULARIES, codes
from geo.validate import Problem, References, Report, guess_kind, suggest_crs, validate_file, validate_frame

REFS = bundled_references()


def check(path, **options) -> Report:
    """Validate ``path`` against the bundled references, messages in English (the table below is English)."""
    return validate_file(path, references=REFS, lang=options.pop("lang", "en"), **options)

# A valid project register as a planner would type it (all text). Row i is spreadsheet row i + 2.
GOOD = [
    {"id": "P1", "name_vi": "Nhà máy gỗ MDF VRG Quảng Trị", "sector": "processing", "status": "operating",
     "status_year": "2011", "district": "huong_hoa", "capital_bn_vnd": "850", "workers": "300", "year": "2008",
     "in_conclusion": "true", "lon": "106.7321", "lat": "16.6453", "location_confidence": "low",
     "geometry_quality": "point", "sources": "KL11"},
    {"id": "P2", "name_vi": "Nhà máy xi măng Đông Hà", "sector": "building_materials", "status": "under_construction",
     "status_year": "2011", "district": "dong_ha", "capital_bn_vnd": "1117.5", "workers": "", "year": "",
     "in_conclusion": "false", "lon": "107.0912", "lat": "16.8134", "location_confidence": "medium",
     "geometry_quality": "point", "sources": "S01;S02"},
    {"id": "P3", "name_vi": "Thủy điện Rào Quán", "sector": "electricity", "status": "operating",
     "status_year": "2011", "district": "huong_hoa", "capital_bn_vnd": "", "workers": "", "year": "2002",
     "in_conclusion": "true", "lon": "106.7604", "lat": "16.6702", "location_confidence": "low",
     "geometry_quality": "point", "sources": "KL11"},
    {"id": "P4", "name_vi": "Nhà máy tinh bột sắn Hướng Hóa", "sector": "processing", "status": "planned",
     "status_year": "2011", "district": "huong_hoa", "capital_bn_vnd": "", "workers": "", "year": "",
     "in_conclusion": "false", "lon": "", "lat": "", "location_confidence": "none", "geometry_quality": "",
     "sources": "KL11"},
]


def rows(edits: dict[int, dict[str, str]] | None = None, drop: tuple[str, ...] = ()) -> pd.DataFrame:
    """GOOD with ``edits`` applied ({spreadsheet row: {column: value}}) and ``drop`` columns removed."""
    records = [dict(r) for r in GOOD]
    for row, changes in (edits or {}).items():
        records[row - 2].update(changes)
    return pd.DataFrame(records).drop(columns=list(drop))


def csv(df: pd.DataFrame, name: str = "du_an.csv", encoding: str = "utf-8") -> Callable:
    def make(tmp_path):
        path = tmp_path / name
        text = df.to_csv(index=False, sep="\t" if encoding == "utf-16" else ",")
        path.write_bytes(to_cp1258(text) if encoding == "cp1258" else text.encode(encoding))
        return path
    return make


def xlsx(df: pd.DataFrame, name: str = "du_an.xlsx") -> Callable:
    def make(tmp_path):
        df.to_excel(tmp_path / name, index=False)
        return tmp_path / name
    return make


def geojson(features: list[dict], name: str = "du_an.geojson") -> Callable:
    def make(tmp_path):
        path = tmp_path / name
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False))
        return path
    return make


def raw_bytes(data: bytes, name: str) -> Callable:
    def make(tmp_path):
        (tmp_path / name).write_bytes(data)
        return tmp_path / name
    return make


def feature(props: dict, geometry: dict | None) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def point_features(swap: bool = False, crs: str | None = None) -> list[dict]:
    """GOOD as GeoJSON features; ``crs`` writes projected coordinates (as if the file had no CRS)."""
    out = []
    for r in GOOD:
        props = {k: v for k, v in r.items() if k not in ("lon", "lat")}
        geom = None
        if r["lon"]:
            x, y = float(r["lon"]), float(r["lat"])
            if crs:
                x, y = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(x, y)
            geom = {"type": "Point", "coordinates": [y, x] if swap else [x, y]}
        out.append(feature(props, geom))
    return out


def projected(crs: str, xcol: str = "x", ycol: str = "y", swap: bool = False) -> pd.DataFrame:
    """GOOD with lon/lat replaced by X/Y in ``crs`` (swapped like a surveyor's X = northing if ``swap``)."""
    df = rows()
    located = df["lon"] != ""
    x, y = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(
        df.loc[located, "lon"].astype(float).to_numpy(), df.loc[located, "lat"].astype(float).to_numpy())
    if swap:
        x, y = y, x
    df = df.drop(columns=["lon", "lat"])
    df[xcol], df[ycol] = "", ""
    df.loc[located, xcol] = [f"{v:.3f}" for v in x]
    df.loc[located, ycol] = [f"{v:.3f}" for v in y]
    return df


def shapefile_zip(crs: str, drop_prj: bool) -> Callable:
    def make(tmp_path):
        df = rows()
        points = [Point(float(a), float(b)) if a else None for a, b in zip(df.lon, df.lat, strict=True)]
        gdf = gpd.GeoDataFrame(df.drop(columns=["lon", "lat"]), geometry=points, crs="EPSG:4326").to_crs(crs)
        folder = tmp_path / "shp"
        folder.mkdir()
        with warnings.catch_warnings():  # field names are cut to 10 characters, as in every real shapefile
            warnings.simplefilter("ignore")
            gdf.to_file(folder / "du_an.shp", engine="pyogrio")
        path = tmp_path / "du_an.zip"
        with zipfile.ZipFile(path, "w") as zf:
            for part in folder.iterdir():
                if not (drop_prj and part.suffix == ".prj"):
                    zf.write(part, part.name)
        return path
    return make


PARK = {"id": "ip_a", "name_vi": "KCN A", "status": "operating", "location_confidence": "low",
        "geometry_quality": "approximate", "sources": "KL11"}
SQUARE = {"type": "Polygon", "coordinates": [[[107.10, 16.80], [107.12, 16.80], [107.12, 16.82], [107.10, 16.82],
                                              [107.10, 16.80]]]}
LINE = {"type": "LineString", "coordinates": [[107.10, 16.80], [107.12, 16.82]]}
BOWTIE = {"type": "Polygon", "coordinates": [[[107.10, 16.80], [107.12, 16.82], [107.12, 16.80], [107.10, 16.82],
                                              [107.10, 16.80]]]}


@dataclass
class Case:
    id: str
    make: Callable
    expect: tuple[str, ...]  # substrings of one and the same line
    exit_code: int = 1
    kind: str | None = None
    crs: str | None = None
    records: int | None = 4  # records report.data must hold (no silent drop); None: unreadable


CASES = [
    Case("missing_required_column", csv(rows(drop=("status",))),
         ("du_an.csv: missing required column 'status'", "add it", "operating")),
    Case("missing_required_column_close_name", csv(rows().rename(columns={"sector": "sectors"})),
         ("missing required column 'sector'", "rename it to 'sector'", "'sectors'")),
    Case("empty_name", csv(rows({3: {"name_vi": " "}})), ("du_an.csv:row 3: name_vi=''", "empty", "Vietnamese name")),
    Case("empty_id", csv(rows({5: {"id": ""}})), ("du_an.csv:row 5: id=''", "empty", "its own id")),
    Case("unknown_sector_cp1258", csv(rows({4: {"sector": "Cơ khíí"}}), encoding="cp1258"),
         ("du_an.csv:row 4: sector='Cơ khíí'", "unknown sector", "did you mean 'mechanical'?",
          ", ".join(codes("sector")))),
    Case("unknown_sector_no_suggestion", csv(rows({2: {"sector": "xyz"}})),
         ("row 2: sector='xyz'", "unknown sector. Use one of: processing")),  # no "did you mean"
    Case("unknown_status_utf16", csv(rows({5: {"status": "dang hoat dongg"}}), "du_an.txt", "utf-16"),
         ("du_an.txt:row 5: status='dang hoat dongg'", "unknown status", "did you mean 'operating'?")),
    Case("unknown_district_xlsx", xlsx(rows({2: {"district": "Vinh Linhh"}})),
         ("du_an.xlsx:row 2: district='Vinh Linhh'", "unknown district", "did you mean 'vinh_linh'?")),
    Case("unknown_confidence", csv(rows({3: {"location_confidence": "sure"}})),
         ("row 3: location_confidence='sure'", "unknown location_confidence", "high, medium, low, none")),
    Case("empty_required_vocab", csv(rows({3: {"status": ""}})),
         ("row 3: status=''", "status is empty: use one of: operating, under_construction")),
    Case("duplicate_id", csv(rows({4: {"id": "P1"}})),
         ("du_an.csv:row 4: id='P1'", "duplicate id", "row 2 has it too")),
    Case("unparseable_lon", csv(rows({3: {"lon": "107°75'"}})),
         ("du_an.csv:row 3: lon=\"107°75'\"", "not a number", "decimal degrees")),
    Case("half_a_location", csv(rows({2: {"lat": ""}})),
         ("row 2: lat=''", "lat is empty but lon is given", "both")),
    Case("lat_out_of_range", csv(rows({3: {"lat": "95.2"}})), ("row 3: lat='95.2'", "outside −90..90")),
    Case("lon_out_of_range", csv(rows({3: {"lon": "190.5"}})), ("row 3: lon='190.5'", "outside −180..180")),
    Case("lonlat_swapped", csv(rows({4: {"lon": "16.6702", "lat": "106.7604"}})),
         ("row 4: lon/lat='16.6702, 106.7604'", "look swapped", "swap")),
    Case("lonlat_swapped_in_range", csv(rows({4: {"lon": "16.6702", "lat": "16.6702"}})),
         ("row 4: lon/lat='16.6702, 16.6702'", "outside Quảng Trị province (about ", " km outside its boundary)")),
    Case("outside_province_hanoi", csv(rows({2: {"lon": "105.8542", "lat": "21.0285"}})),
         ("du_an.csv:row 2: lon/lat='105.8542, 21.0285'", "outside Quảng Trị province", "check the coordinates")),
    Case("lonlat_columns_hold_metres", csv(projected("EPSG:3405", "lon", "lat")),
         ("du_an.csv: columns 'lon'/'lat' are not longitude/latitude degrees", "VN-2000 / UTM zone 48N metres",
          "name the columns x/y and add --crs vn2000-utm48")),
    Case("xy_utm48_without_crs", csv(projected("EPSG:3405")),
         ("du_an.csv: the X/Y columns 'x'/'y' have no CRS", "VN-2000 / UTM zone 48N", "add --crs vn2000-utm48")),
    Case("xy_tm3_without_crs", csv(projected("EPSG:9212", "toa_do_x", "toa_do_y")),
         ("'toa_do_x'/'toa_do_y' have no CRS", "VN-2000 / TM-3 106-15", "add --crs vn2000-tm3-quangtri")),
    Case("xy_swapped_without_crs", csv(projected("EPSG:3405", swap=True)),
         ("have no CRS", "X and Y swapped", "--crs vn2000-utm48")),
    Case("xy_swapped_with_crs", csv(projected("EPSG:3405", swap=True)),
         ("du_an.csv:row 3: x/y=", "X and Y look swapped for VN-2000 / UTM zone 48N", "easting"),
         crs="vn2000-utm48"),
    Case("xy_wrong_crs", csv(projected("EPSG:9212")),
         ("most locations fall outside Quảng Trị in VN-2000 / UTM zone 48N", "--crs vn2000-tm3-quangtri"),
         crs="vn2000-utm48"),
    Case("xy_degrees_without_crs", csv(rows().rename(columns={"lon": "x", "lat": "y"})),
         ("have no CRS", "longitude/latitude degrees", "name the columns lon/lat")),
    Case("lonlat_with_projected_crs", csv(rows()),
         ("--crs vn2000-utm48 is a projected CRS", "'lon'/'lat'", "leave out --crs"), crs="vn2000-utm48"),
    Case("negative_capital", csv(rows({3: {"capital_bn_vnd": "-5"}})),
         ("row 3: capital_bn_vnd='-5'", "below the minimum 0 bn VND", "negative")),
    Case("absurd_workers", csv(rows({2: {"workers": "3000000"}})),  # an absurd magnitude: a warning, row usable
         ("row 2: warning: workers='3000000'", "above the maximum 100000 people"), exit_code=0),
    Case("non_numeric_capital", csv(rows({4: {"capital_bn_vnd": "khoảng 500"}})),
         ("row 4: capital_bn_vnd='khoảng 500'", "not a number", "digits")),
    Case("thousands_separator", csv(rows({4: {"capital_bn_vnd": "1,1,17"}})),
         ("row 4: capital_bn_vnd='1,1,17'", "not a number", "decimal separator")),
    Case("non_whole_year", csv(rows({2: {"year": "2008.5"}})), ("row 2: year='2008.5'", "not a whole number")),
    Case("year_too_early", csv(rows({2: {"status_year": "1890"}})),
         ("row 2: status_year='1890'", "below the minimum 1990")),
    Case("bad_boolean", csv(rows({3: {"in_conclusion": "maybe"}})), ("row 3: in_conclusion='maybe'", "true or false")),
    Case("no_location_but_confident", csv(rows({5: {"location_confidence": "high"}})),
         ("row 5: location_confidence='high'", "no location", "set it to 'none'")),
    Case("location_but_confidence_none", csv(rows({2: {"location_confidence": "none"}})),
         ("row 2: location_confidence='none'", "has a location", "high, medium or low")),
    Case("no_coordinate_columns", csv(rows(drop=("lon", "lat"))),
         ("du_an.csv: no coordinate columns", "kinhdo", "rows 2, 3, 4", "'none'")),
    Case("quality_point_on_polygon", geojson([feature(dict(PARK, geometry_quality="point"), SQUARE)]),
         ("du_an.geojson:feature 1 (id ip_a): geometry_quality='point'", "not a point"),
         kind="industrial_park", records=1),
    Case("invalid_geometry", geojson([feature(PARK, SQUARE), feature(dict(PARK, id="ip_b"), BOWTIE)]),
         ("du_an.geojson:feature 2 (id ip_b): geometry", "invalid geometry", "Self-intersection at lon 107.11",
          "lat 16.81", "Fix Geometries"), kind="industrial_park", records=2),
    Case("wrong_geometry_type", geojson([*point_features()[:3], feature(GOOD[3] | {"location_confidence": "low"},
                                                                        LINE)]),
         ("du_an.geojson:feature 4 (id P4): geometry", "geometry is a LineString", "must be Point", "centroid")),
    Case("geojson_lat_lon_order", geojson(point_features(swap=True)),
         ("du_an.geojson: the coordinates are not longitude/latitude degrees", "features 1, 2, 3",
          "latitude, longitude (swapped)", "write every position as lon, lat")),
    Case("geojson_one_feature_lat_lon", geojson(point_features()[:2] + point_features(swap=True)[2:]),
         ("du_an.geojson:feature 3 (id P3): geometry", "look swapped (lat, lon)", "lon, lat")),
    Case("geojson_with_utm_coordinates", geojson(point_features(crs="EPSG:3405")),
         ("du_an.geojson: the coordinates are not longitude/latitude degrees", "features 1, 2, 3",
          "add --crs vn2000-utm48")),
    Case("shapefile_without_prj", shapefile_zip("EPSG:3405", drop_prj=True),
         ("du_an.zip: the shapefile has no .prj", "VN-2000 / UTM zone 48N metres", "add --crs vn2000-utm48")),
    Case("unknown_facility", csv(pd.DataFrame([{"id": "c1", "name_vi": "Cảng A", "facility": "sân bay",
                                                "status": "operating", "lon": "107.18", "lat": "16.9",
                                                "location_confidence": "low", "sources": "S02"}]), "ha_tang.csv"),
         ("ha_tang.csv:row 2: facility='sân bay'", "unknown facility", "port, border_gate"), records=1),
    Case("header_only", raw_bytes(b"id,name_vi,sector,status,lon,lat\n", "du_an.csv"),
         ("du_an.csv: the file has no records",), records=0),
    # Cannot be read at all: exit 2, one line, no data.
    Case("empty_file", raw_bytes(b"", "du_an.csv"), ("du_an.csv: cannot read: the file is empty",), 2, records=None),
    Case("unsupported_suffix", raw_bytes(b"x", "du_an.shp"),
         ("du_an.shp: cannot read", "unsupported", ".geojson", "zip the .shp"), 2, records=None),
    Case("corrupt_geopackage", raw_bytes(b"not a database" * 50, "du_an.gpkg"),
         ("du_an.gpkg: cannot read", "export it again"), 2, records=None),
    Case("corrupt_xlsx", raw_bytes(b"PK\x03\x04 broken", "du_an.xlsx"),
         ("du_an.xlsx: cannot read", "not a valid .xlsx workbook"), 2, records=None),  # not just the file name
    Case("not_geojson", raw_bytes(b'{"hello": "world"}', "du_an.json"),
         ("du_an.json: cannot read", "not a readable GeoJSON file", "export it again"), 2, records=None),
    Case("not_a_zip", raw_bytes(b"plain text", "du_an.zip"), ("du_an.zip: cannot read", "not a valid zip file"), 2,
         records=None),
    Case("unknown_crs", csv(projected("EPSG:3405")), ("cannot read", "unknown CRS 'utm'", "vn2000-utm48"), 2,
         crs="utm", records=None),
    Case("unknown_kind", csv(rows()), ("cannot read", "unknown kind 'park'", "industrial_park"), 2, kind="park",
         records=None),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_located(tmp_path, case):
    report = check(case.make(tmp_path), kind=case.kind, crs=case.crs)
    lines = report.lines()
    assert report.exit_code == case.exit_code, lines
    assert any(all(part in line for part in case.expect) for line in lines), "\n".join(lines)
    if case.records is None:
        assert report.data is None and len(lines) == 1
    else:
        assert len(report.data) == case.records  # every record is returned, none dropped
        assert report.data.crs.to_epsg() == 4326


def test_label_names_the_file_in_messages(tmp_path):
    path = csv(rows({2: {"sector": "thep"}}), "upload.csv")(tmp_path)
    assert check(path, label="Dự án 2024.csv").lines()[0].startswith("Dự án 2024.csv:row 2: sector='thep'")


def test_valid_file_has_one_summary_line(tmp_path):
    report = check(csv(rows())(tmp_path))
    assert report.exit_code == 0
    assert report.lines() == ["du_an.csv: OK, 4 features (project)"]
    assert report.problems == [] and report.notes == []


@pytest.mark.parametrize("make", [csv(rows(), encoding="cp1258"), csv(rows(), "du_an.txt", "utf-16"), xlsx(rows()),
                                  geojson(point_features())], ids=["cp1258", "utf16", "xlsx", "geojson"])
def test_valid_file_in_every_format(tmp_path, make):
    report = check(make(tmp_path))
    assert report.lines() == [f"{make(tmp_path).name}: OK, 4 features (project)"]
    assert report.data["name_vi"].tolist() == [r["name_vi"] for r in GOOD]


@pytest.mark.parametrize(("crs", "epsg"), [("vn2000-utm48", "EPSG:3405"), ("vn2000-tm3-quangtri", "EPSG:9212")])
def test_projected_file_with_crs_is_valid(tmp_path, crs, epsg):
    report = check(csv(projected(epsg))(tmp_path), crs=crs)
    assert report.exit_code == 0, report.lines()
    np.testing.assert_allclose(report.data.geometry.x.dropna(), [float(r["lon"]) for r in GOOD if r["lon"]],
                               atol=1e-6)


def test_shapefile_in_vn2000_with_prj_is_valid(tmp_path):
    report = check(shapefile_zip("EPSG:3405", drop_prj=False)(tmp_path))
    assert report.exit_code == 0, report.lines()
    assert report.lines()[0] == "du_an.zip: OK, 4 features (project)"
    assert "'location_c' as 'location_confidence'" in report.lines()[1]  # 10-character shapefile field names
    assert report.data["location_confidence"].tolist() == [r["location_confidence"] for r in GOOD]
    assert report.data["status_year"].tolist() == [2011] * 4
    np.testing.assert_allclose(report.data.geometry.y.dropna(), [float(r["lat"]) for r in GOOD if r["lat"]],
                               atol=1e-6)


def test_a_file_with_problems_keeps_every_row_unaltered(tmp_path):
    bad = rows({2: {"sector": "thep"}, 3: {"lon": "abc"}, 4: {"id": "P1", "capital_bn_vnd": "-1"},
                5: {"status": "Đang hoạt động"}})
    report = check(csv(bad, encoding="cp1258")(tmp_path))
    assert report.exit_code == 1
    assert {p.row for p in report.problems} == {2, 3, 4}
    data = report.data
    assert data["id"].tolist() == bad["id"].tolist()
    assert data["name_vi"].tolist() == bad["name_vi"].tolist()
    assert data["sector"].tolist() == ["thep", "building_materials", "electricity", "processing"]  # kept as given
    assert data["status"].tolist()[3] == "operating"  # label → code, the documented normalisation
    assert data["lon"].tolist() == bad["lon"].tolist()  # the cells as typed
    assert data["capital_bn_vnd"].tolist()[2] == -1  # reported, not changed
    assert data.geometry.isna().tolist() == [False, True, False, True]


def test_missing_confidence_and_quality_are_defaulted_with_a_note(tmp_path):
    report = check(csv(rows(drop=("location_confidence", "geometry_quality", "sources")))(tmp_path))
    assert report.exit_code == 0
    lines = report.lines()
    assert lines[0] == "du_an.csv: OK, 4 features (project)"
    assert any("note: no location_confidence column" in line and "'low' for 3 located" in line
               and "'none' for 1 unlocated" in line for line in lines)
    assert any("note: no geometry_quality column" in line for line in lines)
    assert any("note: no sources column" in line for line in lines)
    assert report.data["location_confidence"].tolist() == ["low", "low", "low", "none"]
    assert report.data["geometry_quality"].tolist()[:3] == ["point"] * 3


def test_strict_mode_requires_sources_and_confidence(tmp_path):
    path = csv(rows({3: {"sources": "S01;NOPE"}}, drop=("location_confidence",)))(tmp_path)
    lines = check(path, strict=True).lines()
    assert any("missing required column 'location_confidence'" in line for line in lines)
    # the message names the unknown key (not only the cell's value) and leaves out the known one
    assert "du_an.csv:row 3: sources='S01;NOPE': unknown source key NOPE: add it to data/sources.csv or fix the key" \
        in lines
    assert not any("S01," in line or "key S01" in line for line in lines)
    assert check(path).exit_code == 0  # a user's file: defaulted with a note


def test_columns_differing_in_case_are_read_with_a_note(tmp_path):
    df = rows().rename(columns={"sector": "Sector", "name_vi": "Name VI"})
    report = check(csv(df)(tmp_path))
    assert report.exit_code == 0, report.lines()
    assert "sector" in report.data.columns
    assert any("'Sector' as 'sector'" in line for line in report.lines())


@pytest.mark.parametrize(("columns", "name", "kind"), [
    (["id", "name_vi", "facility"], "a.csv", "infrastructure"),
    (["id", "name_vi", "sector", "status"], "a.csv", "project"),
    (["id", "legal_basis", "area_ha"], "a.csv", "economic_zone"),
    (["id", "occupancy_note", "area_ha"], "a.csv", "industrial_park"),
    (["id", "area_ha"], "my_industrial_clusters.xlsx", "industrial_cluster"),
    (["id", "unit_type", "seat"], "a.csv", "district_seat"),
    (["name", "ref"], "roads_national.geojson", "road"),
    (["id", "name_vi"], "a.csv", "project"),
])
def test_guess_kind(columns, name, kind):
    assert guess_kind(columns, name) == kind


def test_vietnamese_column_headers_are_read_as_schema_fields(tmp_path):
    df = rows().rename(columns={"name_vi": "Tên dự án", "sector": "Ngành", "status": "Tình trạng",
                                "district": "Huyện", "capital_bn_vnd": "Vốn đầu tư (tỷ đồng)"})
    report = check(csv(df)(tmp_path))
    assert report.exit_code == 0, report.lines()
    assert {"name_vi", "sector", "status", "district", "capital_bn_vnd"} <= set(report.data.columns)
    assert any("'Ngành' as 'sector'" in line for line in report.lines())


@pytest.mark.parametrize(("crs", "swap", "expected"), [
    ("EPSG:3405", False, ("vn2000-utm48", False)),
    ("EPSG:3405", True, ("vn2000-utm48", True)),
    ("EPSG:9212", False, ("vn2000-tm3-quangtri", False)),
    ("EPSG:4326", False, ("EPSG:4326", False)),
])
def test_suggest_crs(crs, swap, expected):
    lon, lat = np.array([106.73, 107.09, 107.2]), np.array([16.64, 16.81, 16.75])
    x, y = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(lon, lat)
    if swap:
        x, y = y, x
    assert suggest_crs(gpd.GeoSeries(gpd.points_from_xy(x, y)), REFS) == expected
    assert suggest_crs(gpd.GeoSeries(gpd.points_from_xy(x + 5e6, y)), REFS) is None


def test_problem_line_format():
    assert Problem("a.csv", 7, "sector", "thep", "unknown sector").line() == \
        "a.csv:row 7: sector='thep': unknown sector"
    assert Problem("a.gpkg", 3, "geometry", None, "invalid", "feature", "P03").line() == \
        "a.gpkg:feature 3 (id P03): geometry: invalid"
    assert Problem("a.csv", None, None, None, "no records").line() == "a.csv: no records"
    assert Report("a.csv", "project", [], None).exit_code == 2


def test_frames_validate_like_files():
    report = validate_frame(rows({2: {"sector": "thep"}}), "project", "upload.csv", references=REFS, lang="en")
    assert report.exit_code == 1
    assert report.lines()[0].startswith("upload.csv:row 2: sector='thep': unknown sector")
    gdf = gpd.GeoDataFrame(rows().drop(columns=["lon", "lat"]), geometry=[Point(107.1, 16.8)] * 3 + [None],
                           crs="EPSG:4326")
    assert validate_frame(gdf.assign(id=["a", "b", "c", "d"]), "project", references=REFS).exit_code == 0


def test_100k_rows_are_all_read_and_the_one_bad_row_is_found(tmp_path):
    """Every row of a national-size register is read (speed is measured in bench/, not here)."""
    n = 100_000
    rng = np.random.default_rng(1)
    df = pd.DataFrame([GOOD[i % 3] for i in range(n)])
    df["id"] = [f"Q{i}" for i in range(n)]
    df["lon"] = (df["lon"].astype(float) + rng.normal(0, 0.002, n)).round(6).astype(str)
    df["lat"] = (df["lat"].astype(float) + rng.normal(0, 0.002, n)).round(6).astype(str)
    df.loc[n - 1, "sector"] = "thep"
    path = tmp_path / "big.csv"
    df.to_csv(path, index=False)
    report = check(path)
    assert len(report.data) == n
    assert [p.row for p in report.problems] == [n + 1]


# --- messages in Vietnamese (the default language), plurals, counts ------------------------------------------------

BY_ID = {c.id: c for c in CASES}


def _english_words() -> set[str]:
    """Words of the validator's English texts that its Vietnamese texts never use (codes like 'none' excluded)."""
    entries = [e for e in catalog().values() if e.domain == "validate"]

    def words(text: str) -> set[str]:
        return {w.lower() for w in re.findall(r"\b[A-Za-z]{3,}\b", re.sub(r"{\w+}", " ", text))}

    english = {w for e in entries for text in e.en for w in words(text)}
    kept = {w for e in entries for text in e.vi for w in words(text)}
    return english - kept


ENGLISH_WORDS = _english_words()
CODES = set(KINDS) | {term.code for terms in VOCABULARIES.values() for term in terms}  # identifiers, in any language


def english_in(text: str) -> list[str]:
    """English words of the validator's catalog in ``text``, outside quoted values, codes and CRS names."""
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "", text)
    text = re.sub(r"VN-2000 / [^:;]*|WGS 84[^:;]*", "", text)
    return [w for w in re.findall(r"\b[A-Za-z]+\b", text) if w.lower() in ENGLISH_WORDS and w not in CODES]


def test_the_english_word_list_can_catch_a_leak():
    assert len(ENGLISH_WORDS) > 100
    assert english_in("dòng 3: name_vi is empty: give the Vietnamese name") == ["empty", "give", "the",
                                                                               "Vietnamese", "name"]
    assert english_in("dòng 3: name_vi để trống: hãy ghi tên tiếng Việt") == []


VI_CASES = [
    ("empty_name", "du_an.csv:dòng 3: name_vi='': name_vi để trống: hãy ghi tên tiếng Việt"),
    ("unknown_sector_cp1258", "du_an.csv:dòng 4: sector='Cơ khíí': sector không có trong danh mục; có phải là "
                              "'mechanical'? Hãy dùng một trong: " + ", ".join(codes("sector"))),
    ("duplicate_id", "du_an.csv:dòng 4: id='P1': id bị trùng: dòng 2 cũng có mã này; hãy cho mỗi bản ghi một mã riêng"),
    ("missing_required_column", "du_an.csv: thiếu cột bắt buộc 'status' (Tình trạng): hãy thêm cột này; "
                                "các giá trị: " + ", ".join(codes("status"))),
    ("negative_capital", "du_an.csv:dòng 3: capital_bn_vnd='-5': nhỏ hơn mức tối thiểu 0 tỷ đồng: "
                         "không thể có giá trị âm"),
    ("absurd_workers", "du_an.csv:dòng 2: cảnh báo: workers='3000000': lớn hơn mức tối đa 100000 người: "
                       "hãy kiểm tra lại giá trị và đơn vị"),
    ("thousands_separator", "du_an.csv:dòng 4: capital_bn_vnd='1,1,17': không phải là số: hãy dùng dấu '.' làm dấu "
                            "thập phân và không dùng dấu phân cách hàng nghìn, ví dụ 1117.5"),
    ("lonlat_swapped", "du_an.csv:dòng 4: lon/lat='16.6702, 106.7604': lon và lat có vẻ bị đảo: hãy đổi chỗ hai giá "
                       "trị (hoặc hai cột)"),
    ("lat_out_of_range", "du_an.csv:dòng 3: lat='95.2': lat nằm ngoài khoảng −90..90: không phải là độ; "
                         "hãy kiểm tra lại giá trị"),
    ("no_location_but_confident", "du_an.csv:dòng 5: location_confidence='high': không có vị trí nhưng độ tin cậy "
                                  "là 'high': hãy ghi tọa độ, hoặc đặt là 'none'"),
    ("invalid_geometry", "du_an.geojson:đối tượng 2 (mã ip_b): geometry: hình học không hợp lệ: tự cắt tại "
                         "lon 107.110000, lat 16.810000; hãy sửa (QGIS: Vector ▸ Geometry Tools ▸ Fix Geometries) "
                         "rồi xuất lại"),
    ("wrong_geometry_type", "du_an.geojson:đối tượng 4 (mã P4): geometry: hình học là LineString, nhưng dự án phải "
                            "là Point: hãy dùng một Point (ví dụ tâm của hình)"),
    ("shapefile_without_prj", "du_an.zip: shapefile không có tệp .prj nên các tọa độ chưa có hệ tọa độ; có vẻ là "
                              "tọa độ mét theo VN-2000 / UTM zone 48N: hãy thêm --crs vn2000-utm48"),
    ("geojson_lat_lon_order", "du_an.geojson: các tọa độ không phải kinh độ/vĩ độ tính bằng độ (đối tượng 1, 2, 3); "
                              "có vẻ là vĩ độ, kinh độ (bị đảo thứ tự): hãy ghi mỗi vị trí theo thứ tự lon, lat "
                              "(kinh độ, vĩ độ)"),
    ("header_only", "du_an.csv: tệp không có bản ghi nào: hãy ghi mỗi bản ghi trên một dòng (hoặc một đối tượng)"),
    ("unknown_kind", "du_an.csv: không đọc được: không có loại dữ liệu 'park': hãy dùng một trong " + ", ".join(KINDS)),
]


@pytest.mark.parametrize(("case_id", "expected"), VI_CASES, ids=[c for c, _ in VI_CASES])
def test_messages_in_vietnamese(tmp_path, case_id, expected):
    case = BY_ID[case_id]
    report = check(case.make(tmp_path), kind=case.kind, crs=case.crs, lang="vi")
    lines = report.lines()
    assert report.exit_code == case.exit_code
    assert expected in lines, "\n".join(lines)
    # not one English sentence or word of the validator's catalog in what the validator itself says
    # (file-level messages of the readers are still English: none of these cases has one)
    leaks = {line: english_in(line) for line in lines if english_in(line)}
    assert not leaks, leaks


def test_outside_the_province_in_vietnamese(tmp_path):
    report = check(BY_ID["outside_province_hanoi"].make(tmp_path), lang="vi")
    line = report.lines()[0]
    assert re.fullmatch(r"du_an\.csv:dòng 2: lon/lat='105\.8542, 21\.0285': nằm ngoài tỉnh Quảng Trị \(cách ranh giới "
                        r"tỉnh khoảng \d+ km\): hãy kiểm tra lại tọa độ", line), line
    assert english_in(line) == []


def test_notes_and_summary_in_vietnamese(tmp_path):
    df = rows(drop=("location_confidence", "geometry_quality", "sources")).rename(columns={"sector": "Ngành"})
    report = check(csv(df)(tmp_path), lang="vi")
    assert report.exit_code == 0
    assert report.lines() == [
        "du_an.csv: hợp lệ, 4 đối tượng (dự án)",
        "du_an.csv: ghi chú: đã đọc cột 'Ngành' là 'sector'",
        "du_an.csv: ghi chú: không có cột location_confidence: đã đặt 'low' cho 3 bản ghi có vị trí và 'none' cho 1 "
        "bản ghi chưa có vị trí; hãy thêm cột này (high, medium, low, none) để cho biết mức chắc chắn của từng vị trí",
        "du_an.csv: ghi chú: không có cột geometry_quality: đã đặt 'point' cho các điểm và 'approximate' cho các hình "
        "khác; hãy thêm cột này (surveyed, approximate, point) để cho biết mức chính xác của từng hình học",
        "du_an.csv: ghi chú: không có cột sources: cửa sổ thông tin sẽ không ghi nguồn; hãy thêm cột này (các khóa "
        "trong data/sources.csv hoặc địa chỉ URL, cách nhau bằng ';')",
    ]
    assert all(english_in(line) == [] for line in report.lines())


def test_the_language_changes_the_words_not_the_findings(tmp_path):
    path = csv(rows({2: {"sector": "thep"}, 3: {"lon": "abc"}, 4: {"id": "P1"}}))(tmp_path)
    en, vi = check(path, lang="en"), check(path, lang="vi")
    key = [(p.row, p.field, p.value) for p in en.problems]
    assert key == [(p.row, p.field, p.value) for p in vi.problems] and len(key) == 3
    assert [p.message for p in en.problems] != [p.message for p in vi.problems]
    assert en.data.equals(vi.data)


@pytest.mark.parametrize(("n_bad", "en", "vi"), [
    (1, "du_an.csv: the file has 1 problem", "du_an.csv: tệp có 1 lỗi"),
    (2, "du_an.csv: the file has 2 problems", "du_an.csv: tệp có 2 lỗi"),
])
def test_problem_count_is_plural_correct(tmp_path, n_bad, en, vi):
    path = csv(rows({row: {"sector": "thep"} for row in range(2, 2 + n_bad)}))(tmp_path)
    assert check(path, lang="en").summary() == en
    assert check(path, lang="vi").summary() == vi


@pytest.mark.parametrize(("n", "en", "vi"), [
    (1, "upload.csv: OK, 1 feature (project)", "upload.csv: hợp lệ, 1 đối tượng (dự án)"),
    (2, "upload.csv: OK, 2 features (project)", "upload.csv: hợp lệ, 2 đối tượng (dự án)"),
    (1250, "upload.csv: OK, 1,250 features (project)", "upload.csv: hợp lệ, 1.250 đối tượng (dự án)"),
])
def test_feature_count_is_plural_correct_and_written_the_languages_way(n, en, vi):
    df = pd.DataFrame([GOOD[0]] * n).assign(id=[f"Q{i}" for i in range(n)])
    assert validate_frame(df, "project", "upload.csv", references=REFS, lang="en").lines() == [en]
    assert validate_frame(df, "project", "upload.csv", references=REFS, lang="vi").lines() == [vi]


def test_row_lists_are_plural_correct(tmp_path):
    one = check(csv(rows({2: {"sources": ""}}))(tmp_path), lang="en").lines()
    assert "du_an.csv: note: sources is empty on row 2: those popups will show no source" in one
    many = check(csv(pd.DataFrame([GOOD[0]] * 11).assign(id=[f"Q{i}" for i in range(11)], sources=""))(tmp_path),
                 lang="en").lines()
    assert "du_an.csv: note: sources is empty on rows 2, 3, 4, 5, 6, 7, 8, 9 (and 3 more): those popups will show " \
           "no source" in many
    many_vi = check(csv(pd.DataFrame([GOOD[0]] * 11).assign(id=[f"Q{i}" for i in range(11)], sources=""))(tmp_path),
                    lang="vi").lines()
    assert "du_an.csv: ghi chú: sources để trống ở dòng 2, 3, 4, 5, 6, 7, 8, 9 (và 3 dòng khác): cửa sổ thông tin " \
           "của các bản ghi này sẽ không ghi nguồn" in many_vi


def test_renamed_columns_are_plural_correct(tmp_path):
    one = check(csv(rows().rename(columns={"sector": "Ngành"}))(tmp_path)).lines()
    two = check(csv(rows().rename(columns={"sector": "Ngành", "status": "Tình trạng"}))(tmp_path)).lines()
    assert "du_an.csv: note: read column 'Ngành' as 'sector'" in one
    assert "du_an.csv: note: read columns 'Ngành' as 'sector', 'Tình trạng' as 'status'" in two


# --- the reference data is an argument ---------------------------------------------------------------------------


def test_validation_checks_against_the_references_it_is_given(tmp_path):
    """An outline around Hà Nội instead of Quảng Trị: the Hà Nội row is inside, the Quảng Trị rows are not."""
    hanoi = References(gpd.GeoSeries([box(105.7, 20.9, 106.0, 21.2)], crs="EPSG:4326"),
                       zone_ids=frozenset({"hn_zone"}), source_keys=frozenset({"HN1"}))
    df = rows({2: {"lon": "105.8542", "lat": "21.0285", "sources": "HN1"}}).assign(zone_id=["hn_zone", "ip_nam_dong_ha",
                                                                                            "", ""])
    path = csv(df)(tmp_path)
    bundled = {(p.row, p.field) for p in check(path).problems + check(path).notes}
    assert (2, "lon/lat") in bundled and (2, "zone_id") in bundled and (3, "zone_id") not in bundled
    report = validate_file(path, references=hanoi, lang="en", strict=True)
    found = {(p.row, p.field) for p in report.problems + report.notes}
    assert (2, "lon/lat") not in found and (3, "lon/lat") in found and (4, "lon/lat") in found
    assert (2, "zone_id") not in found and (3, "zone_id") in found  # zone ids from the references, not data/
    assert (2, "sources") not in found and (3, "sources") in found  # KL11 is not one of these references' keys


def test_load_register_refuses_a_bad_file_in_the_users_language(tmp_path):
    path = csv(rows({3: {"sector": "thep"}}))(tmp_path)
    with pytest.raises(ValueError) as vi:
        load_register(path)
    assert str(vi.value).splitlines()[0] == "du_an.csv:dòng 3: sector='thep': sector không có trong danh mục. " \
                                            "Hãy dùng một trong: " + ", ".join(codes("sector"))
    with pytest.raises(ValueError) as en:
        load_register(path, lang="en")
    assert str(en.value).splitlines()[0].startswith("du_an.csv:row 3: sector='thep': unknown sector. Use one of: ")
    good = load_register(csv(rows())(tmp_path), index=False)
    assert good["id"].tolist() == [r["id"] for r in GOOD]


def test_every_validator_catalog_entry_is_used_and_every_key_used_exists():
    """validate.po holds exactly the keys geo/validate/ asks for (including keys chosen at run time from tables)."""
    root = Path(__file__).resolve().parent.parent
    source = "".join(p.read_text(encoding="utf-8") for p in sorted((root / "geo" / "validate").glob("*.py")))
    used = set(re.findall(r"""["'](val_[a-z0-9_]+)["']""", source))
    defined = {key for key, entry in catalog().items() if entry.domain == "validate"}
    assert len(used) > 90
    assert used - defined == set(), "keys without an entry in validate.po"
    assert defined - used == set(), "entries in validate.po that no code asks for"
