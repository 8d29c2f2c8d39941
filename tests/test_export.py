"""Report maps (geo/export/): paper sizes, real text, legend, filters, atlas, speed."""

from __future__ import annotations

import re
import unicodedata
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pypdf import PdfReader

import geopandas as gpd
import shapely

from geo import bundled, register
from geo.export import ExportOptions, export_atlas, export_map, render_map
from geo.filters import Filters, apply_filters, with_search_index
from geo.schema import codes, label

MM_PER_INCH = 25.4
PT_PER_INCH = 72.0
ISO_216_MM = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}  # short, long side


def _page_mm(paper: str, orientation: str) -> tuple[float, float]:
    short, long = ISO_216_MM[paper]
    return (long, short) if orientation == "landscape" else (short, long)


def _norm(text: str) -> str:
    """NFC-normalise and collapse whitespace (labels may wrap onto two lines)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _pdf_text(path: Path) -> list[str]:
    return [_norm(page.extract_text()) for page in PdfReader(path).pages]


def _pixels(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.int16)


@pytest.fixture(scope="module")
def projects() -> gpd.GeoDataFrame:
    return register.load_register()


@pytest.fixture(scope="module")
def located(projects: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return projects[projects.geometry.notna() & ~projects.geometry.is_empty]


@pytest.fixture(scope="module")
def vi_pdf(tmp_path_factory: pytest.TempPathFactory, projects: gpd.GeoDataFrame) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "report_vi.pdf"
    export_map(out, projects, Filters(), ExportOptions(dpi=72))
    return out


@pytest.fixture(scope="module")
def pngs(tmp_path_factory: pytest.TempPathFactory, projects: gpd.GeoDataFrame) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("png")
    out = {"all": base / "all.png", "electricity": base / "electricity.png"}
    export_map(out["all"], projects, Filters(), ExportOptions(dpi=60))
    export_map(out["electricity"], projects, Filters(sectors=("electricity",)), ExportOptions(dpi=60))
    return out


# --------------------------------------------------------------------------- paper and resolution
@pytest.mark.parametrize(("paper", "orientation", "dpi"), [
    ("A4", "landscape", 50), ("A4", "portrait", 40), ("A3", "landscape", 30), ("A3", "portrait", 36),
    ("A4", "landscape", 72), ("A4", "portrait", 96),
])
def test_png_size_matches_paper_and_dpi(tmp_path: Path, projects: gpd.GeoDataFrame, paper: str, orientation: str,
                                        dpi: int) -> None:
    out = tmp_path / "map.png"
    export_map(out, projects, Filters(), ExportOptions(paper=paper, orientation=orientation, dpi=dpi))
    w_mm, h_mm = _page_mm(paper, orientation)
    assert Image.open(out).size == (round(w_mm / MM_PER_INCH * dpi), round(h_mm / MM_PER_INCH * dpi))


def test_a4_landscape_300_dpi_is_3508_by_2480(tmp_path: Path, projects: gpd.GeoDataFrame) -> None:
    out = tmp_path / "a4.png"
    export_map(out, projects, Filters(), ExportOptions(dpi=300))
    image = Image.open(out)
    assert image.size == (3508, 2480)
    assert round(image.info["dpi"][0]) == 300


@pytest.mark.parametrize(("paper", "orientation"), [("A4", "landscape"), ("A3", "portrait")])
def test_pdf_page_is_true_paper_size(tmp_path: Path, projects: gpd.GeoDataFrame, paper: str,
                                     orientation: str) -> None:
    out = tmp_path / "map.pdf"
    export_map(out, projects, Filters(), ExportOptions(paper=paper, orientation=orientation, dpi=72))
    box = PdfReader(out).pages[0].mediabox
    w_mm, h_mm = _page_mm(paper, orientation)
    assert float(box.width) == pytest.approx(w_mm / MM_PER_INCH * PT_PER_INCH, abs=0.01)
    assert float(box.height) == pytest.approx(h_mm / MM_PER_INCH * PT_PER_INCH, abs=0.01)


def test_a4_landscape_pdf_is_841_89_by_595_28(vi_pdf: Path) -> None:
    box = PdfReader(vi_pdf).pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == (841.89, 595.28)


# --------------------------------------------------------------------------- text is real text, with diacritics
def test_pdf_text_has_title_legend_and_names_with_diacritics(vi_pdf: Path, located: gpd.GeoDataFrame,
                                                             projects: gpd.GeoDataFrame) -> None:
    text = _pdf_text(vi_pdf)[0]
    assert "Bản đồ công nghiệp tỉnh Quảng Trị" in text  # default vi title
    assert "Khu công nghiệp Nam Đông Hà" in text
    assert "Quán Ngang" in text
    for kind in ("industrial_park", "economic_zone"):
        layer = bundled.load_layer(kind)
        for name in layer[layer.geometry.notna()]["name_vi"]:
            assert _norm(name) in text, name
    for code in located["sector"].dropna().unique():  # legend: every sector shown, and only those
        assert _norm(label("sector", code, "vi")) in text
    for code in set(codes("sector")) - set(located["sector"].dropna()):
        assert _norm(label("sector", code, "vi")) not in text
    for code in located["status"].dropna().unique():
        assert _norm(label("status", code, "vi")) in text
    n_unlocated = len(projects) - len(located)
    assert f"{n_unlocated}/{len(projects)}" in text  # "N of M filtered projects not located"
    assert _norm(bundled.DATA_DATE) in text
    assert "Open Development Mekong" in text


def test_legend_counts_follow_the_data(vi_pdf: Path, located: gpd.GeoDataFrame) -> None:
    text = _pdf_text(vi_pdf)[0]
    for code, n in located["sector"].value_counts().items():
        assert f"{_norm(label('sector', code, 'vi'))} ({n})" in text


def test_english_subtitle_states_the_filters(tmp_path: Path, projects: gpd.GeoDataFrame) -> None:
    out = tmp_path / "en.pdf"
    filters = Filters(sectors=("electricity",), statuses=("planned", "operating"))
    export_map(out, projects, filters, ExportOptions(lang="en", dpi=72, title="Power in Quảng Trị"))
    text = _pdf_text(out)[0]
    assert "Power in Quảng Trị" in text
    assert _norm(filters.describe("en")) in text
    assert "Projects by sector" in text and "Electricity" in text
    assert "Mechanical" not in text  # legend of what is shown only


def test_no_missing_glyph_warnings(tmp_path: Path, projects: gpd.GeoDataFrame) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for lang in ("vi", "en"):
            export_map(tmp_path / f"{lang}.png", projects, Filters(), ExportOptions(lang=lang, dpi=40))
    problems = [str(w.message) for w in caught if "glyph" in str(w.message).lower() or "font" in str(w.message)]
    assert not problems


def test_svg_keeps_text_as_text(tmp_path: Path, projects: gpd.GeoDataFrame) -> None:
    out = tmp_path / "map.svg"
    export_map(out, projects, Filters(), ExportOptions(dpi=72))
    root = ET.parse(out).getroot()
    texts = [_norm("".join(el.itertext())) for el in root.iter("{http://www.w3.org/2000/svg}text")]
    assert len(texts) > 30
    joined = " | ".join(texts)
    assert "Bản đồ công nghiệp tỉnh Quảng Trị" in joined
    assert "Khu công nghiệp Quán Ngang" in joined
    assert 'id="project' in out.read_text(encoding="utf-8")  # project groups are named in the SVG


# --------------------------------------------------------------------------- the picture itself
def test_png_is_not_blank(pngs: dict[str, Path]) -> None:
    pixels = _pixels(pngs["all"])
    assert pixels.std() > 20
    colours = np.unique(pixels.reshape(-1, 3), axis=0)
    assert len(colours) > 200


def test_png_changes_with_the_filters(pngs: dict[str, Path]) -> None:
    a, b = _pixels(pngs["all"]), _pixels(pngs["electricity"])
    assert a.shape == b.shape
    differing = np.any(a != b, axis=2).mean()
    assert differing > 0.002  # markers and legend rows differ


def _near(pixels: np.ndarray, colour: str, tol: int = 24) -> int:
    """Number of pixels within ``tol`` (per channel) of ``colour``."""
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    return int(np.all(np.abs(pixels - rgb) <= tol, axis=2).sum())


def test_sector_colours_come_from_the_style_table(pngs: dict[str, Path]) -> None:
    from geo.style import SECTOR_COLOURS

    everything, electricity = _pixels(pngs["all"]), _pixels(pngs["electricity"])
    assert _near(electricity, SECTOR_COLOURS["electricity"]) > 20
    for sector in ("light_industry", "chemicals", "processing"):  # drawn in the full map, gone when filtered
        assert _near(everything, SECTOR_COLOURS[sector]) > 20, sector
        assert _near(electricity, SECTOR_COLOURS[sector]) < 0.1 * _near(everything, SECTOR_COLOURS[sector]), sector


def test_one_scatter_per_sector_status_group(projects: gpd.GeoDataFrame, located: gpd.GeoDataFrame) -> None:
    fig = render_map(projects, Filters(), ExportOptions(dpi=30))
    colls = [c for ax in fig.axes for c in ax.collections if c.get_gid() == "project"]
    groups = located.assign(low=located["location_confidence"].eq("low")).groupby(["sector", "status", "low"])
    assert len(colls) == groups.ngroups
    assert sum(len(c.get_offsets()) for c in colls) == len(located)


def test_extent_zooms_to_a_feature(tmp_path: Path, projects: gpd.GeoDataFrame) -> None:
    province, park = tmp_path / "province.png", tmp_path / "park.png"
    export_map(province, projects, Filters(), ExportOptions(dpi=40))
    export_map(park, projects, Filters(), ExportOptions(dpi=40, extent="ip_quan_ngang"))
    assert np.any(_pixels(province) != _pixels(park), axis=2).mean() > 0.05
    with pytest.raises(ValueError, match="unknown extent"):
        export_map(tmp_path / "x.png", projects, Filters(), ExportOptions(dpi=40, extent="no_such_id"))
    parks = bundled.load_layer("industrial_park")
    unlocated = parks[parks.geometry.isna()]["id"].iloc[0]
    with pytest.raises(ValueError, match="no location"):
        export_map(tmp_path / "x.png", projects, Filters(), ExportOptions(dpi=40, extent=unlocated))


def test_layers_restrict_what_is_drawn(tmp_path: Path, projects: gpd.GeoDataFrame) -> None:
    fig = render_map(projects, Filters(), ExportOptions(dpi=30, layers=("province", "road")))
    assert not [c for ax in fig.axes for c in ax.collections if c.get_gid() == "project"]
    out = tmp_path / "layers.pdf"
    export_map(out, projects, Filters(), ExportOptions(dpi=72, layers=("province", "road")))
    text = _pdf_text(out)[0]
    assert "Quốc lộ" in text
    assert "Khu công nghiệp Quán Ngang" not in text and "Dự án theo ngành" not in text
    with pytest.raises(ValueError, match="unknown layer"):
        ExportOptions(layers=("roads",))


def test_bad_options_and_suffix_are_refused(tmp_path: Path, projects: gpd.GeoDataFrame) -> None:
    with pytest.raises(ValueError, match=r"^paper must be one of A4, A3, not 'A5'$"):
        ExportOptions(paper="A5")
    with pytest.raises(ValueError, match=r"^orientation must be 'landscape' or 'portrait', not 'diagonal'$"):
        ExportOptions(orientation="diagonal")
    with pytest.raises(ValueError, match=r"^dpi must be between 10 and 1200, not 5$"):
        ExportOptions(dpi=5)
    with pytest.raises(ValueError, match=r"^unsupported output format '\.jpg' for map\.jpg: use \.png, \.pdf, \.svg$"):
        export_map(tmp_path / "map.jpg", projects, Filters(), ExportOptions(dpi=30))
    with pytest.raises(ValueError, match=r"^map has no file suffix"):
        export_map(tmp_path / "map", projects, Filters(), ExportOptions(dpi=30))
    assert not list(tmp_path.iterdir())  # nothing written


def test_export_date_is_printed_and_checked(tmp_path: Path, projects: gpd.GeoDataFrame, vi_pdf: Path) -> None:
    import datetime as dt

    assert f"{dt.date.today().isoformat()} · " in _pdf_text(vi_pdf)[0]  # default: the day of the export
    out = tmp_path / "dated.pdf"
    export_map(out, projects, Filters(), ExportOptions(dpi=72, exported="2025-07-01"))
    text = _pdf_text(out)[0]
    assert "2025-07-01 · " in text and dt.date.today().isoformat() not in text
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        ExportOptions(exported="1/7/2025")


def test_empty_selection_still_makes_a_sheet(tmp_path: Path, projects: gpd.GeoDataFrame) -> None:
    out = tmp_path / "none.pdf"
    export_map(out, projects, Filters(query="zzz no such project"), ExportOptions(dpi=72))
    assert "Không có dự án nào theo bộ lọc" in _pdf_text(out)[0]


# --------------------------------------------------------------------------- atlas
def _expected_pages(kind: str) -> int:
    layer = bundled.load_layer(kind)
    with_geom = int((layer.geometry.notna() & ~layer.geometry.is_empty).sum())
    return with_geom + (1 if with_geom < len(layer) else 0)  # rule: one page per located feature + list page


@pytest.fixture(scope="module")
def atlases(tmp_path_factory: pytest.TempPathFactory, projects: gpd.GeoDataFrame) -> dict[str, tuple[Path, int]]:
    base = tmp_path_factory.mktemp("atlas")
    out = {}
    for kind in ("industrial_park", "industrial_cluster", "economic_zone"):
        path = base / f"{kind}.pdf"
        out[kind] = (path, export_atlas(path, kind, projects, Filters(), ExportOptions(dpi=72)))
    return out


@pytest.mark.parametrize("kind", ["industrial_park", "industrial_cluster", "economic_zone"])
def test_atlas_has_one_page_per_located_feature(atlases: dict[str, tuple[Path, int]], kind: str) -> None:
    out, pages = atlases[kind]
    reader = PdfReader(out)
    assert pages == len(reader.pages) == _expected_pages(kind)
    for page in reader.pages:
        assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == (841.89, 595.28)
    layer = bundled.load_layer(kind)
    texts = _pdf_text(out)
    located_names = list(layer[layer.geometry.notna()]["name_vi"])
    for text, name in zip(texts, located_names, strict=False):
        assert f"Dự án trong hoặc gần {_norm(name)}" in text  # page order = data order
    if pages > len(located_names):
        for name in layer[layer.geometry.isna()]["name_vi"]:
            assert _norm(name) in texts[-1]


def test_atlas_tables_list_the_projects_of_each_park(atlases: dict[str, tuple[Path, int]],
                                                     projects: gpd.GeoDataFrame) -> None:
    texts = _pdf_text(atlases["industrial_park"][0])
    parks = bundled.load_layer("industrial_park")
    parks = parks[parks.geometry.notna()].reset_index(drop=True)
    for i, park in parks.iterrows():
        members = projects[projects["zone_id"] == park["id"]]
        for pid in members["id"]:
            assert pid in texts[i], (park["id"], pid)
        others = projects[projects["zone_id"].notna() & (projects["zone_id"] != park["id"])
                          & projects.geometry.isna()]
        for pid in others["id"]:  # unlocated projects of other parks are not listed here
            assert f"{pid} " not in texts[i]


def test_district_atlas_follows_the_district_filter(tmp_path: Path, projects: gpd.GeoDataFrame) -> None:
    out = tmp_path / "districts.pdf"
    pages = export_atlas(out, "district", projects, Filters(districts=("hai_lang",)), ExportOptions(dpi=72))
    assert pages == len(PdfReader(out).pages) == 1
    text = _pdf_text(out)[0]
    assert "Dự án trong hoặc gần Hải Lăng" in text  # the page's table heading names the district
    for pid in apply_filters(projects, Filters(districts=("hai_lang",)))["id"]:
        assert pid in text


def test_atlas_needs_pdf_and_known_kind(tmp_path: Path, projects: gpd.GeoDataFrame) -> None:
    with pytest.raises(ValueError, match=r"^unsupported output format '\.png' for a\.png: use \.pdf$"):
        export_atlas(tmp_path / "a.png", "industrial_park", projects, Filters(), ExportOptions())
    with pytest.raises(ValueError, match=r"^unknown atlas kind 'province': use one of industrial_park, "):
        export_atlas(tmp_path / "a.pdf", "province", projects, Filters(), ExportOptions())


# --------------------------------------------------------------------------- scale
def _synthetic_register(n: int, seed: int = 7) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    province = bundled.load_layer("province").geometry.iloc[0]
    x0, y0, x1, y1 = province.bounds
    geom = shapely.points(rng.uniform(x0, x1, n), rng.uniform(y0, y1, n))
    geom[rng.random(n) < 0.05] = None
    frame = pd.DataFrame({
        "id": [f"S{i:06d}" for i in range(n)], "name_vi": [f"Dự án {i}" for i in range(n)],
        "sector": rng.choice(codes("sector"), n), "status": rng.choice(codes("status"), n),
        "location_confidence": rng.choice(["high", "medium", "low"], n), "zone_id": None,
        "district": rng.choice(codes("district"), n),
    })
    return with_search_index(gpd.GeoDataFrame(frame, geometry=geom, crs="EPSG:4326"))


@pytest.mark.slow
def test_100k_projects_export_a4_300dpi(tmp_path: Path) -> None:
    """A national-size register still makes a sheet (its speed is measured in bench/, not here)."""
    big = _synthetic_register(100_000)
    out = tmp_path / "big.png"
    export_map(out, big, Filters(), ExportOptions(dpi=300))
    assert Image.open(out).size == (3508, 2480)


def test_big_register_legend_counts(tmp_path: Path) -> None:
    big = _synthetic_register(3000, seed=3)
    out = tmp_path / "big.pdf"
    export_map(out, big, Filters(sectors=("water", "mining")), ExportOptions(dpi=72))
    text = _pdf_text(out)[0]
    chosen = apply_filters(big, Filters(sectors=("water", "mining")))
    placed = chosen[chosen.geometry.notna()]
    for code, n in placed["sector"].value_counts().items():
        count = f"{n:,}".replace(",", ".")
        assert re.search(re.escape(f"{_norm(label('sector', code, 'vi'))} ({count})"), text)
    unlocated = len(chosen) - len(placed)
    assert f"{unlocated:,}".replace(",", ".") + "/" + f"{len(chosen):,}".replace(",", ".") in text


def test_dollar_signs_in_names_stay_text_not_mathtext(tmp_path: Path) -> None:
    from shapely.geometry import Point

    name = "Giá $5 và $10 \\frac{a}{b}"
    gdf = gpd.GeoDataFrame({"id": ["M1"], "name_vi": [name], "sector": ["water"], "status": ["planned"],
                            "location_confidence": ["low"], "sources": ["KL11"], "zone_id": [None],
                            "district": ["dong_ha"]}, geometry=[Point(107.1, 16.8)], crs="EPSG:4326")
    out = tmp_path / "m.pdf"
    export_map(out, with_search_index(gdf), Filters(), ExportOptions(dpi=50, extent="M1"))
    assert any(_norm(name) in line for line in _pdf_text(out))


def test_a_failed_atlas_leaves_the_old_file_and_no_partial_one(tmp_path: Path, projects: gpd.GeoDataFrame,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import geo.export.atlas as atlas_module

    out = tmp_path / "atlas.pdf"
    out.write_bytes(b"the previous atlas")
    calls = []
    real_draw = atlas_module.draw_sheet

    def draw_then_fail(fig, scene, view):  # fault injection: the second page fails while the PDF is being written
        calls.append(view.title)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        real_draw(fig, scene, view)

    monkeypatch.setattr(atlas_module, "draw_sheet", draw_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        export_atlas(out, "industrial_park", projects, Filters(), ExportOptions(dpi=30))
    assert len(calls) == 2
    assert out.read_bytes() == b"the previous atlas"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atlas.pdf"]  # no temporary file left


def test_a_written_sheet_replaces_the_old_file(tmp_path: Path, projects: gpd.GeoDataFrame) -> None:
    out = tmp_path / "map.png"
    out.write_bytes(b"old")
    export_map(out, projects, Filters(), ExportOptions(dpi=20))
    assert Image.open(out).size == (round(297 / MM_PER_INCH * 20), round(210 / MM_PER_INCH * 20))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.png"]
    assert out.stat().st_mode & 0o044  # the usual mode (group/other can read), not a private temp file's 0600
