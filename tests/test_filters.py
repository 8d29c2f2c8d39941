"""Filters: one pure implementation shared by the app, the exports and the CLI."""

import pytest

import geopandas as gpd
from shapely.geometry import Point, box

from geo.bundled import load_zones
from geo.filters import Filters, apply_filters, filter_mask, fold_series, search_index, with_search_index
from geo.register import load_register
from geo.schema import fold


@pytest.fixture()
def register():
    gdf = gpd.GeoDataFrame({
        "id": ["a", "b", "c", "d"],
        "name_vi": ["Nhà máy Quán Ngang", "Thủy điện Đông Hà", "Xưởng ĐÀ NẴNG", "Trạm nghiền"],
        "name_en": [None, "Dong Ha hydro", None, None],
        "investor": [None, None, "Công ty Hòa Thọ", None],
        "sector": ["processing", "electricity", "light_industry", "building_materials"],
        "status": ["operating", "planned", "operating", "under_construction"],
        "district": ["gio_linh", "dong_ha", "dong_ha", None],
        "zone_id": [None, None, None, "zone_b"],
        "status_year": [2011, 2015, None, 2009],
        "year": [2004, None, 2008, None],
    }, geometry=[Point(107.1, 16.88), Point(107.0, 16.8), Point(106.9, 16.7), None], crs="EPSG:4326")
    return gdf


ZONES = gpd.GeoDataFrame({"id": ["zone_a", "zone_b"]}, geometry=[box(107.05, 16.85, 107.15, 16.95), None],
                         crs="EPSG:4326")


@pytest.mark.parametrize(("filters", "expected"), [
    (Filters(), ["a", "b", "c", "d"]),
    (Filters(sectors=("electricity",)), ["b"]),
    (Filters(sectors=("electricity", "processing")), ["a", "b"]),
    (Filters(statuses=("operating",)), ["a", "c"]),
    (Filters(districts=("dong_ha",)), ["b", "c"]),
    (Filters(statuses=("operating",), districts=("dong_ha",)), ["c"]),
    (Filters(query="quan ngang"), ["a"]),          # no diacritics finds diacritics
    (Filters(query="QUÁN NGANG"), ["a"]),          # case and diacritics ignored
    (Filters(query="dong ha"), ["b"]),             # đ folds to d
    (Filters(query="da nang"), ["c"]),
    (Filters(query="hoa tho"), ["c"]),             # investors are searched
    (Filters(query="hydro"), ["b"]),               # English names are searched
    (Filters(query="nothing like it"), []),
    (Filters(year=2011), ["a", "c", "d"]),         # registered by 2011: status_year first, else year
    (Filters(year=2008), ["c"]),
    (Filters(year=2003), []),
    (Filters(year=2015), ["a", "b", "c", "d"]),
    (Filters(zones=("zone_a",)), ["a"]),           # inside the polygon
    (Filters(zones=("zone_b",)), ["d"]),           # by zone_id (zone without geometry)
])
def test_apply_filters(register, filters, expected):
    assert list(apply_filters(register, filters, ZONES)["id"]) == expected


def test_precomputed_search_index_gives_the_same_result(register):
    indexed = with_search_index(register)
    for q in ("quan ngang", "dong", "hoa tho", "x"):
        expected = list(apply_filters(register, Filters(query=q))["id"])
        assert list(apply_filters(indexed, Filters(query=q))["id"]) == expected


def test_a_search_text_kept_apart_gives_the_same_result(register):
    haystack = search_index(register)  # as the app keeps it: made on the first text search
    for q in ("quan ngang", "dong", "hoa tho", "x"):
        expected = filter_mask(register, Filters(query=q), ZONES)
        assert expected.any() or q == "x"
        assert (filter_mask(register, Filters(query=q), ZONES, haystack) == expected).all()
    blank = haystack.where(haystack.index != haystack.index[0], "")  # the haystack is what is searched
    assert filter_mask(register, Filters(query="quan ngang"), ZONES, blank).sum() < \
        filter_mask(register, Filters(query="quan ngang"), ZONES, haystack).sum()


def test_fold_series_matches_fold():
    names = ["Quán Ngang", "ĐAKRÔNG", "Hướng Hóa", "Cồn Cỏ", "Triệu  Phong_x-y", None]
    assert list(fold_series(gpd.pd.Series(names))) == [fold(n) if n else "" for n in names]


def test_search_index_covers_names_and_investors(register):
    idx = search_index(register)
    assert "hoa tho" in idx.iloc[2] and "quan ngang" in idx.iloc[0]


@pytest.mark.parametrize(("params", "sectors", "statuses", "ignored"), [
    ({"sector": "electricity,processing"}, ("electricity", "processing"), (), ()),
    ({"sector": ["electricity", "mining"]}, ("electricity", "mining"), (), ()),
    ({"sector": "steel", "status": "operating"}, (), ("operating",), ("sector=steel",)),
    ({"status": "operating,operating"}, (), ("operating",), ()),
])
def test_from_query_params(params, sectors, statuses, ignored):
    f = Filters.from_query_params(params)
    assert f.sectors == sectors and f.statuses == statuses and f.ignored == ignored


@pytest.mark.parametrize("filters", [
    Filters(),
    Filters(sectors=("water",), statuses=("planned", "stalled"), districts=("con_co",), zones=("ip_quan_ngang",),
            year=2011, query="Quán Ngang"),
])
def test_query_params_round_trip(filters):
    assert Filters.from_query_params(filters.to_query_params(), ("ip_quan_ngang",)) == filters


def test_year_reaches_the_url():
    assert Filters(year=2011).to_query_params() == {"year": "2011"}
    assert Filters().to_query_params() == {}


@pytest.mark.parametrize(("params", "year", "legacy", "ignored"), [
    ({"year": "2011"}, 2011, "", ()),
    ({"year": ["2007"]}, 2007, "", ()),
    ({"years": "2004-2011"}, 2011, "2004-2011", ()),     # an old link: the end of its range
    ({"years": "2011-2004"}, 2011, "2011-2004", ()),
    ({"years": "2009"}, 2009, "2009", ()),
    ({"year": "2010", "years": "2004-2011"}, 2010, "", ("years=2004-2011",)),  # year= wins
    ({"year": "soon"}, None, "", ("year=soon",)),
    ({"years": "soon"}, None, "", ("years=soon",)),
])
def test_year_from_query_params(params, year, legacy, ignored):
    f = Filters.from_query_params(params)
    assert (f.year, f.legacy_years, f.ignored) == (year, legacy, ignored)


def test_undated_projects_pass_the_year_filter(register):
    undated = register.assign(status_year=None, year=None)
    assert list(apply_filters(undated, Filters(year=1990))["id"]) == ["a", "b", "c", "d"]


def test_describe_names_the_filters_in_both_languages():
    f = Filters(sectors=("electricity",), statuses=("operating",), query="x")
    assert "Electricity" in f.describe("en") and "Operating" in f.describe("en")
    assert "Sản xuất điện" in f.describe("vi")
    assert Filters().describe("en") == "All projects"
    assert Filters(year=2011).describe("vi") == "Hiện trạng năm 2011"
    assert Filters(sectors=("water",), year=2011).describe("en") == "Sector: Water supply · State in 2011"


def test_bundled_electricity_filter_is_a_proper_subset():
    projects = load_register()
    shown = apply_filters(projects, Filters(sectors=("electricity",)), load_zones())
    assert 0 < len(shown) < len(projects)
    assert set(shown["sector"]) == {"electricity"}


def test_bundled_zone_filter_uses_polygons_and_zone_ids():
    projects, zones = load_register(), load_zones()
    quan_ngang = apply_filters(projects, Filters(zones=("ip_quan_ngang",)), zones)
    assert {"P07", "P24", "P25"} <= set(quan_ngang["id"])
