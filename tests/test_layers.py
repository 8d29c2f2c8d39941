"""Layer builders: GeoDataFrame in, folium layer out; rendered to HTML and checked for snippets."""

import json
import re

import pytest

import folium
import geopandas as gpd
from shapely.geometry import Point

from geo import style
from geo.bundled import load_all
from geo.i18n import t
from geo.records import located
from geo.register import load_register
from geo.schema import KINDS, VOCABULARIES
from layers import assets, maps
from layers.encoding import columnar, script_json
from layers.legend import legend_spec
from layers.popups import short_name

EVIL = "<img src=x onerror=alert(1)>"
BREAKOUT = "</script><script>alert(2)</script>"
TEMPLATE = "`${alert(3)}`"


def evil_projects():
    return gpd.GeoDataFrame({
        "id": ["E1", "E2", "E3"],
        "name_vi": [EVIL, BREAKOUT, TEMPLATE],
        "investor": [EVIL, None, None],
        "sector": ["electricity", "processing", "mining"],
        "status": ["operating", "planned", "operating"],
        "location_confidence": ["high", "low", "none"],
        "sources": ["KL11", "S01;<b>x</b>", "KL11"],
    }, geometry=[Point(107.0, 16.8), Point(107.1, 16.9), None], crs="EPSG:4326")


def render(layer) -> str:
    m = folium.Map(tiles=None)
    layer.add_to(m)
    return m.get_root().render()


def layer_args(html: str, function: str) -> list:
    """The JSON arguments of the qtmap.<function>(...) call in ``html``."""
    call = re.search(rf"qtmap\.{function}\((.*?)\);\n", html, re.S).group(1)
    return json.loads(f"[{call}]")


def test_script_json_cannot_close_a_script_or_open_a_tag():
    text = script_json([EVIL, BREAKOUT, "a&b", "\u2028"])
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == [EVIL, BREAKOUT, "a&b", "\u2028"]


@pytest.mark.parametrize("kind", ["project"])
def test_project_layer_escapes_every_data_string(kind):
    html = render(maps.BUILDERS[kind](evil_projects(), kind, "en"))
    for raw in (EVIL, BREAKOUT, "<b>x</b>", "onerror=alert(1)>"):
        assert raw not in html
    data, _ = layer_args(html, "points")
    assert data["cols"]["_name"] == [EVIL, BREAKOUT]  # the text survives, as data


def test_project_layer_skips_unlocated_rows_and_keeps_coordinates():
    data, opts = layer_args(render(maps.BUILDERS["project"](evil_projects(), "project", "vi")), "points")
    assert data["lon"] == [107.0, 107.1] and data["lat"] == [16.8, 16.9]
    assert data["cols"]["id"] == ["E1", "E2"]


def test_project_layer_colours_follow_the_style_table():
    data, opts = layer_args(render(maps.BUILDERS["project"](evil_projects(), "project", "en")), "points")
    sectors = data["cols"]["sector"]
    assert sectors["labels"][sectors["idx"][0]] == "Electricity"
    assert opts["colours"][sectors["idx"][0]] == style.SECTOR_COLOURS["electricity"]
    statuses = data["cols"]["status"]
    planned = opts["symbols"][statuses["idx"][1]]
    assert planned["fill_opacity"] == style.STATUS_SYMBOLS["planned"].fill_opacity
    assert opts["low_confidence"] == [[t.code for t in VOCABULARIES["location_confidence"]].index("low")]


def test_popup_lists_every_schema_field_present_and_sources_resolve():
    projects = load_register()
    data, opts = layer_args(render(maps.BUILDERS["project"](projects, "project", "en")), "points")
    popup_columns = {column for _, column in opts["popup"]}
    assert {"sector", "status", "investor", "capital_bn_vnd", "district"} <= popup_columns
    assert opts["sources"]["S31"].startswith("http")
    assert "KL11" in opts["sources"]


@pytest.mark.parametrize("kind", ["industrial_park", "economic_zone", "industrial_cluster", "infrastructure",
                                  "district_seat", "province", "neighbour", "border", "coastline", "road"])
def test_every_bundled_layer_builds_and_has_only_located_features(kind):
    gdf = load_all()[kind]
    html = render(maps.BUILDERS[kind](gdf, kind, "vi"))
    geojson, table, opts = layer_args(html, "shapes")
    assert len(geojson["features"]) == int(located(gdf).sum()) > 0
    assert opts["style"]["colour"] == style.KIND_STYLES[kind].colour


def test_approximate_footprints_are_marked_for_dashing():
    gdf = load_all()["industrial_park"]
    geojson, table, opts = layer_args(render(maps.BUILDERS["industrial_park"](gdf, "industrial_park", "en")), "shapes")
    quality = table["geometry_quality"]
    approx = [quality["labels"][i] for i in quality["idx"]]
    assert approx.count(opts["approx_value"]) == int((gdf["geometry_quality"] == "approximate").sum()) > 0
    assert opts["approx_dash"]


def test_area_labels_are_abbreviated_names():
    geojson, table, opts = layer_args(render(maps.BUILDERS["industrial_park"](load_all()["industrial_park"],
                                                                               "industrial_park", "vi")), "shapes")
    assert opts["label_column"] == "_label"
    assert "KCN Quán Ngang" in table["_label"]
    assert short_name("Khu Kinh tế – Thương mại đặc biệt Lao Bảo") == "KKT-TM đặc biệt Lao Bảo"


def test_columnar_keeps_unknown_codes_visible():
    df = gpd.GeoDataFrame({"sector": ["water", "steel", None]}, geometry=[None] * 3)
    table = columnar(df, ["sector"], "project", "en")["sector"]
    assert [table["labels"][i] if i >= 0 else None for i in table["idx"]] == ["Water supply", "steel", None]


def test_legend_mirrors_the_filtered_projects():
    spec = legend_spec(evil_projects(), "en", {"industrial_park": 4, "economic_zone": 0})
    sectors = spec["sections"][0]["items"]
    assert [(i["label"], i["count"]) for i in sectors] == [
        ("Agro-forestry-fishery and food processing", 1), ("Electricity", 1)]
    labels = [i["label"] for s in spec["sections"] for i in s["items"]]
    assert "Mining and minerals" not in labels  # E3 (mining) has no location: not on the map
    assert "Economic zones" not in labels  # zero count: not shown
    assert "Industrial parks" in labels
    assert spec["note"] == t("legend_note_approx", "en")


def test_standalone_map_has_no_external_asset_and_inlines_leaflet():
    html = maps.standalone_map({k: v for k, v in load_all().items() if k != "project"}, evil_projects(), "en")
    html = html.get_root().render()
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', html)
    # Leaflet and qtmap.js are inside, whole (the old check, "L.Map" or "L.map", was true of any folium page)
    for name, path in assets.JS_FILES:
        source = path.read_text(encoding="utf-8").replace("</script", "<\\/script")
        assert len(source) > 10_000 and source in html, f"{name} is not inlined whole"
    for _, path in assets.JS_FILES:  # (qtmap.js names its own API in its header comment)
        html = html.replace(path.read_text(encoding="utf-8").replace("</script", "<\\/script"), "")
    assert html.count("qtmap.points(") == 1  # the project layer, drawn by the inlined qtmap.js
    assert EVIL not in html and BREAKOUT not in html


def test_app_map_links_assets_to_the_apps_static_route():
    m = maps.app_map({"province": load_all()["province"]}, "vi")
    html = m.get_root().render()
    srcs = re.findall(r'<script src="([^"]+)"', html) + re.findall(r'<link[^>]+href="([^"]+)"', html)
    assert srcs and all(s.startswith(assets.STATIC_URL) for s in srcs), srcs


def test_base_map_is_identical_across_builds():
    """streamlit-folium remounts the map when its script changes; filters must not change it."""
    from streamlit_folium import _get_map_string

    layers = {k: v for k, v in load_all().items() if k != "project"}
    first = _get_map_string(maps.app_map(layers, "vi"))
    second = _get_map_string(maps.app_map(layers, "vi"))
    assert re.sub(r"_[a-f0-9]{32}", "", first) == re.sub(r"_[a-f0-9]{32}", "", second)


def test_prebuilt_base_layers_draw_the_same_map_twice():
    """The app keeps base_layers() per language (st.cache_resource); each rerun's map gets copies of them."""
    from streamlit_folium import _get_map_string

    layers = {k: v for k, v in load_all().items() if k != "project"}
    built = maps.base_layers(layers, "vi")
    assert list(built) == [k for k in maps.BASE_ORDER if k in layers]
    fresh = re.sub(r"_[a-f0-9]{32}", "", _get_map_string(maps.app_map(layers, "vi")))
    for _ in range(2):  # the same built layers serve two maps: each map draws its own copies
        again = re.sub(r"_[a-f0-9]{32}", "", _get_map_string(maps.app_map(layers, "vi", built=built)))
        assert again == fresh
    assert all(layer._parent is None for layer in built.values())  # the kept layers are never attached


def test_install_static_copies_assets_with_inlined_images(tmp_path):
    target = assets.install_static(tmp_path)
    assert (target / "leaflet.js").stat().st_size > 100_000
    css = (target / "leaflet_css.css").read_text()
    assert "url(images/" not in css and "data:image/png;base64," in css


def test_every_kind_and_category_has_a_style_and_label():
    for code in (term.code for term in VOCABULARIES["sector"]):
        assert code in style.SECTOR_COLOURS
    for code in (term.code for term in VOCABULARIES["status"]):
        assert code in style.STATUS_SYMBOLS
    assert set(maps.BUILDERS) == set(KINDS)
    assert set(style.KIND_STYLES) == set(KINDS) - {"project"}  # projects: sector colours and status symbols


JINJA = "{{ 7*7 }} {% if true %}x{% endif %} {# c #}"


@pytest.mark.parametrize("kind", ["project", "industrial_park", "infrastructure"])
def test_template_syntax_in_data_is_not_evaluated(kind):
    """folium renders scripts through Jinja again: data with {{ }} must reach the page as text."""
    gdf = gpd.GeoDataFrame({"id": ["J1"], "name_vi": [JINJA], "sector": ["water"], "status": ["planned"],
                            "facility": ["port"], "location_confidence": ["low"], "sources": ["KL11"]},
                           geometry=[Point(107.0, 16.8)], crs="EPSG:4326")
    html = render(maps.BUILDERS[kind](gdf, kind, "vi"))
    assert "{{" not in html and "{%" not in html and "{#" not in html
    args = layer_args(html, "points" if kind == "project" else "shapes")
    table = args[0]["cols"] if kind == "project" else args[1]
    assert table["_name"] == [JINJA]


def test_popup_does_not_repeat_coordinate_columns():
    from layers.popups import popup_fields

    df = gpd.GeoDataFrame({"id": ["a"], "name_vi": ["x"], "Kinh độ": [107.0], "vi_do": [16.8], "X": [1.0],
                           "investor": ["y"], "note_extra": ["z"]}, geometry=[Point(107.0, 16.8)])
    columns = [c for _, c in popup_fields("project", df, "en")]
    assert columns[:1] == ["investor"] and "note_extra" in columns and "id" in columns
    assert not {"Kinh độ", "vi_do", "X"} & set(columns)


def test_streamlit_folium_sends_the_project_layer_script():
    """streamlit-folium builds feature groups from each element's script macro: the layer must be in it, once."""
    from streamlit_folium import _get_feature_group_string

    m = maps.app_map({"province": load_all()["province"]}, "en")
    sent = _get_feature_group_string(maps.project_group(evil_projects(), "en"), m)
    assert sent.count("qtmap.points(") == 1 and sent.count("qtmap.legend(") == 1
