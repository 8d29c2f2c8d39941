"""An uploaded extra layer is part of the map: legend, caption, report sheet, standalone HTML and data downloads.

The uploaded layers are [SYNTHETIC]: names made up here, placed at the bundled register's located
coordinates (data/src/projects.csv) or as boxes around them, so they fall inside the province.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

import geopandas as gpd
import pyogrio
from shapely.geometry import Point, box

from geo import register, style
from geo.dataexport import LAYER_COLUMN, write_data
from geo.export import ExportOptions, export_map, render_map
from geo.extra import ExtraLayer
from geo.filters import Filters
from layers.htmlmap import render_html
from layers.legend import legend_spec

ROOT = Path(__file__).resolve().parent.parent
SRC = pd.read_csv(ROOT / "data" / "src" / "projects.csv", dtype=str, keep_default_na=False)
LOCATED = SRC[SRC["lon"] != ""].reset_index(drop=True)


def extra_projects(n: int = 5, name: str = "Dự án bổ sung.xlsx") -> ExtraLayer:
    """[SYNTHETIC] n uploaded projects: 3 water, the rest electricity, one unlocated."""
    rows = LOCATED.iloc[:n]
    sectors = ["water"] * 3 + ["electricity"] * (n - 3)
    geoms = [Point(float(x), float(y)) for x, y in zip(rows["lon"], rows["lat"], strict=True)]
    gdf = gpd.GeoDataFrame({"id": [f"X{i}" for i in range(n + 1)],
                            "name_vi": [f"[SYNTHETIC] Dự án tải lên {i}" for i in range(n + 1)],
                            "sector": [*sectors, "water"], "status": ["operating"] * (n + 1)},
                           geometry=[*geoms, None], crs="EPSG:4326")
    return ExtraLayer(name, "project", gdf)


def extra_parks() -> ExtraLayer:
    """[SYNTHETIC] two uploaded industrial-park footprints (2 km boxes) in VN-2000 / UTM 48N, as a surveyor sends."""
    pts = gpd.GeoSeries([Point(float(x), float(y)) for x, y in zip(LOCATED["lon"][:2], LOCATED["lat"][:2],
                                                                   strict=True)], crs="EPSG:4326").to_crs("EPSG:3405")
    gdf = gpd.GeoDataFrame({"id": ["KCN-A", "KCN-B"], "name_vi": ["[SYNTHETIC] KCN A", "[SYNTHETIC] KCN B"]},
                           geometry=[box(p.x - 1000, p.y - 1000, p.x + 1000, p.y + 1000) for p in pts],
                           crs="EPSG:3405")
    return ExtraLayer("khu_cong_nghiep.zip", "industrial_park", gdf)


@pytest.fixture(scope="module")
def projects() -> gpd.GeoDataFrame:
    return register.load_register()


def test_an_extra_layer_counts_its_records_by_category():
    extra = extra_projects()
    assert extra.n_located == 5 and len(extra.data) == 6
    assert extra.counts("en").to_dict("records") == [
        {"code": "electricity", "label": "Electricity", "count": 2},
        {"code": "water", "label": "Water supply", "count": 3}]
    assert extra.caption("vi") == "Dữ liệu tải lên: Dự án bổ sung.xlsx: 5/6 đối tượng có vị trí"
    assert extra.caption("en") == "Uploaded: Dự án bổ sung.xlsx: 5 located of 6"
    assert extra.layer_id == "uploaded_du_an_bo_sung"
    parks = extra_parks()
    assert parks.data.crs.to_epsg() == 4326  # kept in WGS 84 whatever the file's CRS
    assert parks.counts("vi").to_dict("records") == [{"code": "industrial_park", "label": "Khu công nghiệp",
                                                     "count": 2}]


def test_a_long_or_odd_file_name_gives_a_plain_layer_id():
    gdf = gpd.GeoDataFrame({"id": ["a"]}, geometry=[Point(107.1, 16.8)], crs="EPSG:4326")
    layer = ExtraLayer("Danh mục [2025] / bản cuối cùng của Sở Kế hoạch và Đầu tư.csv", "project", gdf)
    assert re.fullmatch(r"[a-z0-9_]{1,31}", layer.layer_id), layer.layer_id
    with pytest.raises(ValueError, match="unknown layer kind"):
        ExtraLayer("a.csv", "river", gdf)


def test_the_legend_has_a_section_for_the_upload_with_counts_in_the_style_tables_symbols(projects):
    spec = legend_spec(projects, "en", {}, [extra_projects(), extra_parks()])
    titles = [s["title"] for s in spec["sections"]]
    assert titles[-2:] == ["Uploaded: Dự án bổ sung.xlsx", "Uploaded: khu_cong_nghiep.zip"]
    items = spec["sections"][-2]["items"]
    assert [(i["label"], i["count"], i["colour"]) for i in items] == [
        ("Electricity", 2, style.SECTOR_COLOURS["electricity"]), ("Water supply", 3, style.SECTOR_COLOURS["water"])]
    park = spec["sections"][-1]["items"][0]
    assert (park["label"], park["count"], park["colour"], park["fill"]) == (
        "Industrial parks", 2, style.KIND_STYLES["industrial_park"].colour, style.KIND_STYLES["industrial_park"].fill)
    assert legend_spec(projects, "en", {})["sections"] == legend_spec(projects, "en", {}, [])["sections"]


def test_the_standalone_page_draws_the_upload_and_names_it_in_legend_and_heading(projects):
    evil = extra_projects(name="<img src=x onerror=alert(1)>{{7*7}}.csv")
    page = render_html(projects, Filters(), "en", [evil])
    assert "<img src=x" not in page  # escaped in the heading, the layer control and the legend
    assert "[SYNTHETIC] Dự án tải lên 0" in page or "[SYNTHETIC] D\\u1ef1 \\u00e1n t\\u1ea3i l\\u00ean 0" in page
    heading = re.search(r'<div class="qtmap-heading"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert "Uploaded: &lt;img src=x onerror=alert(1)&gt;" in heading and "5 located of 6" in heading
    legend = json.loads(re.search(r"qtmap\.legend\((\{.*?\})\);", page, re.S).group(1))
    section = legend["sections"][-1]
    assert section["title"].startswith("Uploaded: <img") and [i["count"] for i in section["items"]] == [2, 3]
    assert page.count("qtmap.shapes(") + page.count("qtmap.points(") > render_html(projects, Filters(), "en").count(
        "qtmap.shapes(") + render_html(projects, Filters(), "en").count("qtmap.points(")


def _project_offsets(fig) -> int:
    return sum(len(c.get_offsets()) for ax in fig.axes for c in ax.collections if c.get_gid() == "project")


def _texts(fig) -> list[str]:
    return [unicodedata.normalize("NFC", " ".join(t.get_text().split())) for ax in fig.axes for t in ax.texts]


def test_the_report_sheet_draws_the_upload_and_lists_it_in_its_legend(projects):
    plain = render_map(projects, Filters(), ExportOptions(lang="en", dpi=40, exported="2026-12-02"))
    both = render_map(projects, Filters(), ExportOptions(lang="en", dpi=40, exported="2026-12-02",
                                                         extra=(extra_projects(), extra_parks())))
    assert _project_offsets(both) == _project_offsets(plain) + 5  # the 5 located uploads, drawn as projects
    texts = _texts(both)
    assert "Uploaded: Dự án bổ sung.xlsx" in texts and "Uploaded: khu_cong_nghiep.zip" in texts
    after = texts[texts.index("Uploaded: Dự án bổ sung.xlsx"):]
    assert "Electricity (2)" in after and "Water supply (3)" in after
    assert "Industrial parks (2)" in texts[texts.index("Uploaded: khu_cong_nghiep.zip"):]
    assert "Uploaded: Dự án bổ sung.xlsx" not in _texts(plain)


def test_the_pdf_sheet_carries_the_upload_as_text(projects, tmp_path):
    out = tmp_path / "ban_do.pdf"
    export_map(out, projects, Filters(), ExportOptions(lang="vi", extra=extra_parks(), exported="2026-12-02"))
    text = " ".join(unicodedata.normalize("NFC", p.extract_text()) for p in PdfReader(out).pages)
    assert "Dữ liệu tải lên: khu_cong_nghiep.zip" in " ".join(text.split())


def test_data_downloads_carry_the_upload_as_its_own_layer_sheet_or_rows(projects, tmp_path):
    extra = extra_projects()
    n = write_data(tmp_path / "a.gpkg", projects, Filters(), [extra, extra_parks()])
    layers = dict(pyogrio.list_layers(tmp_path / "a.gpkg").tolist())
    assert set(layers) == {"projects", "uploaded_du_an_bo_sung", "uploaded_khu_cong_nghiep"}
    up = gpd.read_file(tmp_path / "a.gpkg", layer="uploaded_du_an_bo_sung")
    assert up["name_vi"].tolist() == extra.data["name_vi"].tolist()
    parks = gpd.read_file(tmp_path / "a.gpkg", layer="uploaded_khu_cong_nghiep")
    assert parks.geom_type.tolist() == ["Polygon", "Polygon"] and parks.crs.to_epsg() == 4326
    assert len(gpd.read_file(tmp_path / "a.gpkg", layer="projects")) == n == len(projects)

    write_data(tmp_path / "a.xlsx", projects, Filters(sectors=("mining",)), [extra])
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert wb.sheetnames == ["projects", "uploaded_du_an_bo_sung", "about", "codes"]
    sheet = pd.read_excel(tmp_path / "a.xlsx", sheet_name="uploaded_du_an_bo_sung", dtype=str)
    assert sheet["name_vi"].tolist() == extra.data["name_vi"].tolist()  # not filtered: every record of the upload
    assert sheet["lon"].notna().sum() == 5

    for suffix in (".csv", ".geojson"):
        out = tmp_path / f"a{suffix}"
        write_data(out, projects, Filters(), [extra])
        table = pd.read_csv(out, dtype=str, keep_default_na=False) if suffix == ".csv" else gpd.read_file(out)
        assert table.columns[0] == LAYER_COLUMN
        assert table[LAYER_COLUMN].value_counts().to_dict() == {"projects": len(projects),
                                                                "uploaded_du_an_bo_sung": 6}
        assert table[table[LAYER_COLUMN] == "uploaded_du_an_bo_sung"]["name_vi"].tolist() == \
            extra.data["name_vi"].tolist()
        write_data(out, projects, Filters())
        plain = pd.read_csv(out, dtype=str) if suffix == ".csv" else gpd.read_file(out)
        assert LAYER_COLUMN not in plain.columns  # without an upload the files are as before


def test_reading_and_checking_report_real_progress_to_a_callback(tmp_path):
    from geo.register import bundled_references
    from geo.validate import validate_file
    from geo.validate.run import CHECKS

    path = tmp_path / "du_an.csv"
    extra_projects().data.assign(lon=lambda d: d.geometry.x, lat=lambda d: d.geometry.y).drop(
        columns="geometry").to_csv(path, index=False)
    calls = []
    report = validate_file(path, kind="project", references=bundled_references(), lang="en",
                           progress=lambda done, total, stage: calls.append((done, total, stage)))
    assert report.data is not None
    total = len(CHECKS) + 2
    assert calls == [(1, total, "read"), *((k + 2, total, c.name) for k, c in enumerate(CHECKS)),
                     (total, total, "done")]


def test_the_cli_draws_a_progress_bar_only_on_a_terminal(tmp_path):
    import io
    import subprocess
    import sys

    from geo.progress import TextProgress, terminal_progress

    assert terminal_progress(io.StringIO()) is None  # a pipe or a log gets no bar
    path = tmp_path / "du_an.csv"
    path.write_text("id,name_vi,sector,status,lon,lat\nU1,A,water,operating,107.1,16.8\n", encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "geo", "validate", str(path), "--lang", "en"], capture_output=True,
                         text=True, cwd=ROOT)
    assert "%" not in res.stderr and "[#" not in res.stderr
    out = io.StringIO()
    bar = TextProgress(out, width=4)
    for done in range(1, 5):
        bar(done, 4, "x")
    assert out.getvalue().endswith("\r[####] 100 % x\n")
