"""The shared record helpers (geo.records) and the kinds registry (geo.schema.KINDS) with its guard tests."""

import json

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
from shapely import wkt
from shapely.geometry import Point

from geo import bundled, style
from geo.i18n import t
from geo.records import clean_frame, clean_nan, display_name, located
from geo.schema import (
    ATLAS_KINDS,
    BASE_KINDS,
    ENTITY_KINDS,
    FILES,
    KINDS,
    LAYER_FAMILIES,
    VOCABULARIES,
    ZONE_KINDS,
    Kind,
)
from layers import maps
from layers.legend import legend_spec
from layers.projects import build as build_projects


def _point_and_empty() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "id": ["P1", "P2"], "name_vi": ["Nhà máy A", "Nhà máy B"], "sector": ["mining", "mining"],
        "status": ["operating", "operating"], "location_confidence": ["high", "high"], "sources": ["KL11", "KL11"],
    }, geometry=[Point(107.0, 16.8), wkt.loads("POINT EMPTY")], crs="EPSG:4326")


def test_located_counts_empty_geometry_as_unlocated():
    gdf = _point_and_empty()
    assert located(gdf).tolist() == [True, False]
    assert located(gdf.geometry).tolist() == [True, False]


def test_legend_and_layer_agree_on_point_empty():
    """One valid point and one POINT EMPTY: the legend counts 1 and the layer draws 1."""
    gdf = _point_and_empty()
    spec = legend_spec(gdf, "en")
    counts = [item["count"] for section in spec["sections"] for item in section["items"]]
    assert counts == [1, 1]  # one sector item, one status item
    layer = build_projects(gdf, "project", "en")
    data = json.loads("[" + layer.args + "]")[0]
    assert data["lon"] == [107.0]


def test_area_counts_skip_empty_geometry():
    zones = gpd.GeoDataFrame({"id": ["Z1", "Z2"], "name_vi": ["A", "B"]},
                             geometry=[Point(107.0, 16.8), wkt.loads("POLYGON EMPTY")], crs="EPSG:4326")
    assert maps.area_counts({"industrial_park": zones}) == {"industrial_park": 1}


@pytest.mark.parametrize(("lang", "expected"), [("en", ["Port", "Trạm B", "Trạm C", None]),
                                               ("vi", ["Cảng", "Trạm B", "Trạm C", None])])
def test_display_name_frame_falls_back_to_vietnamese(lang, expected):
    df = pd.DataFrame({"name_vi": ["Cảng", "Trạm B", "Trạm C", np.nan], "name_en": ["Port", None, "  ", np.nan]})
    assert display_name(df, lang).tolist() == expected


def test_display_name_of_one_record_and_of_a_namedtuple():
    df = pd.DataFrame({"id": ["Z1"], "name_vi": ["Khu kinh tế Đông Nam"], "name_en": [np.nan]})
    assert display_name(df.iloc[0], "en") == "Khu kinh tế Đông Nam"
    assert display_name(next(df.itertuples()), "en") == "Khu kinh tế Đông Nam"
    assert display_name({"name_vi": "A", "name_en": "B"}, "en") == "B"
    assert display_name({"name_vi": None}, "vi") is None
    assert display_name(pd.DataFrame({"x": [1]}), "en").tolist() == [None]


def test_clean_nan_and_clean_frame():
    assert [clean_nan(v) for v in (np.nan, pd.NA, pd.NaT, None)] == [None] * 4
    assert type(clean_nan(np.int64(2))) is int and type(clean_nan(np.float64(2.5))) is float
    assert clean_nan("") == ""
    out = clean_frame(pd.DataFrame({"a": [1.0, np.nan], "b": [pd.NA, "x"], "c": [1, 2]}))
    assert out.to_dict("records") == [{"a": 1.0, "b": None, "c": 1}, {"a": None, "b": "x", "c": 2}]
    assert out["c"].dtype == np.int64  # untouched without missing values


# --- the kinds registry: every kind has a file, a label, a style and a builder -----------------
@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_has_a_bundled_file(kind):
    assert KINDS[kind].file, f"{kind} has no bundled file"
    assert (bundled.DATA_DIR / KINDS[kind].file).is_file(), KINDS[kind].file


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_has_labels_in_both_languages(kind):
    assert KINDS[kind].label("vi").strip() and KINDS[kind].label("en").strip()
    assert KINDS[kind].label("vi") != kind and KINDS[kind].label("en") != kind


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_has_a_style(kind):
    if KINDS[kind].layer == "projects":  # drawn by sector colour and status symbol
        assert set(style.SECTOR_COLOURS) == {term.code for term in VOCABULARIES["sector"]}
        assert all(style.status_symbol(term.code) for term in VOCABULARIES["status"])
    else:
        assert kind in style.KIND_STYLES


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_has_a_builder_of_its_family(kind):
    assert KINDS[kind].layer in LAYER_FAMILIES
    assert maps.BUILDERS[kind] is maps.FAMILY_BUILDERS[KINDS[kind].layer]


@pytest.mark.parametrize("kind", [k for k in KINDS if KINDS[k].layer in ("areas", "places")])
def test_entity_layers_have_a_layer_name(kind):
    assert t(f"layer_{kind}", "vi") and t(f"layer_{kind}", "en")


def test_derived_tables_follow_the_registry():
    assert set(FILES) == set(KINDS) and len(set(FILES.values())) == len(FILES)
    assert set(ENTITY_KINDS) | set(BASE_KINDS) == set(KINDS) and not set(ENTITY_KINDS) & set(BASE_KINDS)
    assert set(ZONE_KINDS) <= set(ENTITY_KINDS)
    assert ZONE_KINDS == ("industrial_park", "economic_zone", "industrial_cluster")
    assert set(ATLAS_KINDS) == {k for k, v in KINDS.items() if v.atlas}
    assert bundled.FILES is FILES


def test_a_kind_with_an_unknown_role_or_family_is_refused():
    with pytest.raises(ValueError, match="role 'park'"):
        Kind("x", "X", "X", ("Point",), role="park")
    with pytest.raises(ValueError, match="layer 'heatmap'"):
        Kind("x", "X", "X", ("Point",), layer="heatmap")
