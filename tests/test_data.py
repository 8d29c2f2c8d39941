"""The bundled data: sourced, located honestly, reproducible from data/src, and valid by its own validator."""

from __future__ import annotations

import importlib.util
import os

import pandas as pd
import pytest

import shapely

from geo.bundled import DATA_DIR, FILES, load_layer, load_sources, zone_ids
from geo.readers import read_file
from geo.register import bundled_references
from geo.schema import BASE_KINDS, ENTITY_KINDS, codes
from geo.validate import validate_file

METRIC = "EPSG:3405"  # VN-2000 / UTM zone 48N
BOUNDARY_TOLERANCE_M = 1_000


def source_table(kind: str) -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / "src" / (FILES[kind].rsplit("/", 1)[-1].replace(".geojson", ".csv")), dtype=str,
                       keep_default_na=False)


@pytest.fixture(scope="module")
def province():
    return load_layer("province").to_crs(METRIC).geometry.union_all().buffer(BOUNDARY_TOLERANCE_M)


@pytest.mark.parametrize("kind", ENTITY_KINDS)
def test_every_record_has_sources_that_resolve(kind):
    known = set(load_sources())
    for record in load_layer(kind).itertuples():
        keys = [k.strip() for k in (record.sources or "").split(";") if k.strip()]
        assert keys, f"{kind} {record.id}: no sources"
        assert set(keys) <= known, f"{kind} {record.id}: unknown source keys {set(keys) - known}"


@pytest.mark.parametrize("kind", ENTITY_KINDS)
def test_every_record_has_a_location_confidence(kind):
    gdf = load_layer(kind)
    assert gdf["location_confidence"].isin(codes("location_confidence")).all(), \
        gdf.loc[~gdf["location_confidence"].isin(codes("location_confidence")), "id"].tolist()


@pytest.mark.parametrize("kind", ENTITY_KINDS)
def test_located_features_lie_inside_the_province_or_are_flagged(kind, province):
    gdf = load_layer(kind)
    located = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    inside = shapely.covers(province, located.to_crs(METRIC).geometry.to_numpy())
    flagged = located["location_note"].fillna("").str.contains("outside the province")
    assert (inside | flagged).all(), located.loc[~(inside | flagged), "id"].tolist()


@pytest.mark.parametrize("kind", ENTITY_KINDS)
def test_confidence_none_exactly_when_there_is_no_geometry(kind):
    gdf = load_layer(kind)
    missing = gdf.geometry.isna() | gdf.geometry.is_empty
    assert (gdf.loc[missing, "location_confidence"] == "none").all(), gdf.loc[missing, "id"].tolist()
    assert (gdf.loc[~missing, "location_confidence"] != "none").all()
    assert gdf.loc[missing, "geometry_quality"].isna().all()


@pytest.mark.parametrize("kind", ENTITY_KINDS)
def test_footprints_are_flagged_approximate_and_points_as_points(kind):
    gdf = load_layer(kind)
    located = gdf[gdf.geometry.notna()]
    areas = located.geom_type != "Point"
    # build.py derives every footprint from a documented area or a corridor: none is surveyed.
    assert (located.loc[areas, "geometry_quality"] == "approximate").all(), located.loc[areas, "id"].tolist()
    assert (located.loc[~areas, "geometry_quality"] == "point").all()


@pytest.mark.parametrize("kind", ENTITY_KINDS)
def test_counts_match_the_source_tables(kind):
    src = source_table(kind)
    gdf = load_layer(kind)
    assert len(gdf) == len(src)
    assert gdf["id"].tolist() == src["id"].tolist()


NEAR_THE_BOUNDARY = {"infrastructure": {"bg_lao_bao": "0.4", "port_my_thuy": "0.1"}}


@pytest.mark.parametrize("kind", list(FILES))
def test_bundled_files_pass_their_own_validator(kind):
    report = validate_file(DATA_DIR / FILES[kind], kind=kind, strict=True, references=bundled_references(),
                           lang="en")
    assert report.exit_code == 0, "\n".join(report.lines())
    n = len(load_layer(kind))
    ok = f"{FILES[kind].rsplit('/', 1)[-1]}: OK, {n} feature{'' if n == 1 else 's'} ({kind})"
    near = NEAR_THE_BOUNDARY.get(kind, {})
    assert report.lines()[0] == (ok + f", {len(near)} warnings" if near else ok)
    # The border gate and the port sit on the boundary line / the shore, a few hundred metres outside the outline:
    # warnings that give the distance (nothing outside the outline is silent), not errors.
    assert {p.record_id: p.message.split(" km ")[0] for p in report.problems} == near
    assert all(p.severity == "warning" for p in report.problems)


@pytest.mark.parametrize("kind", list(FILES))
def test_bundled_files_pass_with_a_guessed_kind(kind):
    report = validate_file(DATA_DIR / FILES[kind], references=bundled_references())
    assert (report.kind, report.exit_code) == (kind, 0), report.lines()


@pytest.mark.parametrize("kind", ENTITY_KINDS)
def test_source_tables_pass_the_validator(kind):
    """data/src/*.csv are registers like a planner's: they validate (geometry_quality is added by build.py)."""
    name = FILES[kind].replace(".geojson", ".csv")
    report = validate_file(DATA_DIR / "src" / name, kind=kind, references=bundled_references())
    assert report.exit_code == 0, report.lines()


@pytest.mark.parametrize("kind", ENTITY_KINDS)
def test_readers_load_the_bundled_files_like_bundled(kind):
    assert read_file(DATA_DIR / FILES[kind], kind)["id"].tolist() == load_layer(kind)["id"].tolist()


def test_project_zone_ids_exist():
    zones = set(zone_ids())
    used = set(load_layer("project")["zone_id"].dropna())
    assert used and used <= zones, used - zones


def test_sources_csv_keys_are_unique():
    keys = pd.read_csv(DATA_DIR / "sources.csv", dtype=str, keep_default_na=False)["key"]
    assert not keys.duplicated().any(), keys[keys.duplicated()].tolist()
    assert (keys != "").all()


def test_base_layers_are_the_base_kinds():
    assert set(FILES) == set(ENTITY_KINDS) | set(BASE_KINDS)


def test_build_reproduces_the_committed_files(tmp_path):
    spec = importlib.util.spec_from_file_location("qtmap_data_build", DATA_DIR / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    inputs = build.SHARED / "data" / "base"
    if not inputs.is_dir():
        # CI has ../shared beside the clone: there a missing input is a broken checkout, not a reason to skip.
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(f"CI is set but the data-build inputs are missing: {inputs} is not a directory")
        pytest.skip(f"the data-build inputs are not here ({inputs} is missing; CI would fail, not skip)")
    build.main(tmp_path)
    for name in [*FILES.values(), "sources.csv", "status_timeline.csv"]:
        assert (tmp_path / name).read_bytes() == (DATA_DIR / name).read_bytes(), \
            f"data/{name} is out of date: run `python data/build.py` and commit the result"


@pytest.mark.parametrize("kind", ENTITY_KINDS)
def test_no_record_cites_a_page_found_not_to_be_a_source(kind):
    review = pd.read_csv(DATA_DIR / "src" / "source_review.csv", dtype=str, keep_default_na=False)
    junk = set(review.loc[review["verdict"] == "not_a_source", "key"])
    assert junk  # the review found some (a football-shirt shop among them)
    for record in load_layer(kind).itertuples():
        keys = {k.strip() for k in (record.sources or "").split(";")}
        assert not keys & junk, f"{kind} {record.id} cites {keys & junk}"
    table = pd.read_csv(DATA_DIR / "sources.csv", dtype=str, keep_default_na=False).set_index("key")
    assert (table.loc[sorted(junk), "url"] == "").all()  # no link to them is left for the popups
    assert table.loc[sorted(junk), "description"].str.startswith("NOT A SOURCE").all()


def test_second_addendum_corrections():
    projects = load_layer("project").set_index("id")
    assert projects.loc["P04", "district"] == "huong_hoa" and projects.loc["P04", "commune"] == "xã Tân Lập"
    assert projects.loc["P03", "capacity_mw"] == 6.4 and "S34" not in projects.loc["P03", "sources"]
    parks = load_layer("industrial_park").set_index("id")
    assert parks.loc["ip_quan_ngang", "location_confidence"] == "medium"
    zones = load_layer("economic_zone").set_index("id")
    assert "42/2015/QĐ-TTg" in zones.loc["ez_dong_nam", "legal_basis"]
