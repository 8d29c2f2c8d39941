"""Parks, zones and clusters in the store (GeoPackage and PostGIS): seeded, edited, drawn, history, as-of, revert."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

import shapely

from geo import areaform, bundled, editing
from geo.store import open_store
from geo.store.records import GEOMETRY, canon
from geo.store.tables import SCHEMA_VERSION
from geo.users import NotSignedIn, StoreAccounts, Throttle, sign_in

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "editor password 1"  # [SYNTHETIC]
# A rectangle inside the province near Đông Hà, and one in the sea far off the coast. [SYNTHETIC]
INSIDE = canon(GEOMETRY, shapely.box(107.05, 16.78, 107.08, 16.80))
AT_SEA = canon(GEOMETRY, shapely.box(108.5, 17.5, 108.6, 17.6))


@pytest.fixture(params=["gpkg", "postgis"])
def store(request, tmp_path):
    location = str(tmp_path / "r.gpkg") if request.param == "gpkg" else request.getfixturevalue(
        "postgis").new_database()
    store = open_store(location)
    StoreAccounts(store).add("ana", PASSWORD)
    StoreAccounts(store).add("binh", PASSWORD)
    return store


def _editor(store, name="ana"):
    return sign_in(StoreAccounts(store), Throttle(), name, PASSWORD, "test")


def test_the_store_is_seeded_with_the_bundled_areas(store):
    areas = store.load_areas()
    zones = bundled.load_zones()
    assert list(areas["id"]) == list(zones["id"]) and list(areas["kind"]) == list(zones["kind"])
    assert list(areas["name_vi"]) == list(zones["name_vi"])
    assert list(areas.geometry.to_wkb()) == list(zones.geometry.to_wkb())  # polygons, points, none: exactly
    assert areas["area_ha"].dtype == float and str(areas["year"].dtype) == "Int64"
    assert len(store.load()) == 26  # the register stays the projects only
    assert store.check() == []


def test_editing_an_area_is_a_change_set_with_history_as_of_and_revert(store):
    editor = _editor(store)
    base = store.current_all(ids=["ip_quan_ngang"])["ip_quan_ngang"]
    seeded = store.changesets()[0].time
    saved = editing.save_record(store, editor, "ip_quan_ngang", base, {"area_ha": 250.5, "status": "stalled"},
                                "decision 123/QĐ-UBND")
    assert isinstance(saved, editing.Saved)
    cs = store.changeset(saved.changeset_id)
    assert (cs.author, cs.reason, cs.action, cs.n_changed) == ("ana", "decision 123/QĐ-UBND", "edit", 1)
    assert {(f, o, n) for f, o, n in [c[1:] for c in store.changes_of(cs.id)]} >= {
        ("area_ha", base["area_ha"], 250.5), ("status", base["status"], "stalled")}
    row = store.load_areas().set_index("id").loc["ip_quan_ngang"]
    assert row["area_ha"] == 250.5 and row["status"] == "stalled"
    assert store.load_areas(seeded).set_index("id").loc["ip_quan_ngang", "area_ha"] == base["area_ha"]
    assert store.timeline()["project_id"].isin(["ip_quan_ngang"]).sum() == 0  # areas keep no timeline rows
    history = [(c.id, f) for c, f, _o, _n in store.record_history("ip_quan_ngang")]
    assert (cs.id, "area_ha") in history
    new, conflicts = editing.revert_changeset(store, editor, cs.id, "wrong decision")
    assert new and not conflicts
    assert store.current_areas(ids=["ip_quan_ngang"])["ip_quan_ngang"]["area_ha"] == base["area_ha"]
    assert store.check() == []


def test_a_drawn_footprint_is_checked_saved_and_marked_approximate(store):
    editor = _editor(store)
    base = store.current_all(ids=["ip_bac_ho_xa"])["ip_bac_ho_xa"]  # bundled without a footprint
    assert base[GEOMETRY] is None
    with pytest.raises(editing.StoreError, match="Quảng Trị|province|tỉnh"):  # in the sea: refused, located
        editing.save_footprint(store, editor, "ip_bac_ho_xa", base, AT_SEA, "approximate", "drawn", "vi")
    with pytest.raises(editing.StoreError):
        editing.save_footprint(store, editor, "ip_bac_ho_xa", base, INSIDE, "point", "drawn")
    saved = editing.save_footprint(store, editor, "ip_bac_ho_xa", base, INSIDE, "approximate", "drawn from the plan")
    rec = store.current_areas(ids=["ip_bac_ho_xa"])["ip_bac_ho_xa"]
    assert rec[GEOMETRY] == INSIDE and rec["geometry_quality"] == "approximate" and rec["version"] == 2
    fields = {f for _r, f, _o, _n in store.changes_of(saved.changeset_id)}
    assert fields == {GEOMETRY, "geometry_quality"}
    shown = store.load_areas().set_index("id").loc["ip_bac_ho_xa"]
    assert shown.geometry.equals(shapely.from_wkb(INSIDE))
    assert store.check() == []


def test_two_editors_on_one_area_conflict_field_by_field(store):
    base = store.current_all(ids=["ccn_hai_le"])["ccn_hai_le"]
    editing.save_record(store, _editor(store, "binh"), "ccn_hai_le", base, {"notes": "theirs"}, "binh's fix")
    out = editing.save_footprint(store, _editor(store), "ccn_hai_le", base, INSIDE, "surveyed", "survey 2025")
    assert isinstance(out, editing.Conflict) and out.authors == ["binh"]
    assert {c.field for c in out.fields} == {"notes", GEOMETRY, "geometry_quality"}
    merged = out.resolve("merge")
    assert merged == {GEOMETRY: INSIDE, "geometry_quality": "surveyed"}
    again = editing.save_record(store, _editor(store), "ccn_hai_le", {**out.theirs}, merged, "survey 2025")
    rec = store.current_areas(ids=["ccn_hai_le"])["ccn_hai_le"]
    assert isinstance(again, editing.Saved) and rec["notes"] == "theirs" and rec["geometry_quality"] == "surveyed"


@pytest.mark.parametrize("who", ["anonymous", "removed"])
def test_the_area_write_paths_refuse_without_an_editor(store, who):
    editor = None
    if who == "removed":
        editor = _editor(store, "binh")
        StoreAccounts(store).remove("binh")
    base = store.current_all(ids=["ez_lao_bao"])["ez_lao_bao"]
    before = store.version()
    for call in (lambda: editing.save_record(store, editor, "ez_lao_bao", base, {"notes": "x"}, "r"),
                 lambda: editing.save_footprint(store, editor, "ez_lao_bao", base, INSIDE, "approximate", "r"),
                 lambda: editing.retire_record(store, editor, "ez_lao_bao", "r", base["version"])):
        with pytest.raises(NotSignedIn):
            call()
    assert store.version() == before


def test_an_areas_kind_and_unknown_fields_cannot_be_changed(store):
    base = store.current_all(ids=["ez_lao_bao"])["ez_lao_bao"]
    with pytest.raises(editing.StoreError, match="kind"):
        editing.save_record(store, _editor(store), "ez_lao_bao", base, {"kind": "industrial_park"}, "r")
    with pytest.raises(editing.StoreError, match="sector"):
        editing.save_record(store, _editor(store), "ez_lao_bao", base, {"sector": "mining"}, "r")


def test_a_project_import_may_not_take_an_area_id(store):
    with pytest.raises(editing.StoreConflict, match="ip_quan_ngang"):
        store.import_records({"ip_quan_ngang": {"id": "ip_quan_ngang", "name_vi": "x"}}, ("id", "name_vi"),
                             by="ana", reason="r")


def test_the_area_form_checks_typed_values_as_an_import(store):
    base = store.current_all(ids=["ip_nam_dong_ha"])["ip_nam_dong_ha"]
    values = {**areaform.area_form_values(base), "area_ha": "abc"}
    checked = areaform.check_area(values, base, "en")
    assert checked.record is None and any("Area" in e for e in checked.errors)
    values = {**areaform.area_form_values(base), "occupancy_note": "60% [SYNTHETIC]"}
    checked = areaform.check_area(values, base, "vi")
    assert checked.errors == [] and checked.record["occupancy_note"] == "60% [SYNTHETIC]"
    assert checked.record["area_ha"] == base["area_ha"]  # untouched fields keep their stored value exactly


def test_a_store_from_before_the_areas_table_is_migrated_with_one_seed_change_set(tmp_path):
    location = str(tmp_path / "old.gpkg")
    store = open_store(location)
    ids = list(bundled.zone_ids())
    with store._write() as conn:  # make it the store the previous schema (version 2) wrote
        ch = store.tables.changes
        conn.execute(ch.delete().where(ch.c.record_id.in_(ids)))
        conn.execute(store.tables.changesets.update().values(n_new=26))
        conn.exec_driver_sql("DROP TABLE areas")
        conn.exec_driver_sql("DELETE FROM gpkg_geometry_columns WHERE table_name = 'areas'")
        conn.exec_driver_sql("DELETE FROM gpkg_contents WHERE table_name = 'areas'")
        conn.exec_driver_sql("DELETE FROM schema_version WHERE version = 3")
    assert store.schema_version() == 2
    store = open_store(location)
    assert store.schema_version() == SCHEMA_VERSION
    sets = store.changesets()
    assert len(sets) == 2 and (sets[0].action, sets[0].n_new, sets[0].reason) == (
        "seed", len(ids), "seeded from the bundled data")
    assert list(store.load_areas()["id"]) == ids and store.check() == []
    with sa.create_engine(f"sqlite:///{location}").connect() as conn:
        assert conn.exec_driver_sql("SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name='areas'"
                                    ).scalar() == "GEOMETRY"


def test_gdal_opens_the_areas_layer(tmp_path):
    import pyogrio

    location = str(tmp_path / "r.gpkg")
    open_store(location)
    layers = dict(pyogrio.list_layers(location))
    assert "areas" in layers
    assert len(pyogrio.read_dataframe(location, layer="areas")) == len(bundled.zone_ids())


def test_cli_history_lists_an_area_change(store):
    base = store.current_all(ids=["ccn_hai_chanh"])["ccn_hai_chanh"]
    editing.save_footprint(store, _editor(store), "ccn_hai_chanh", base, INSIDE, "approximate", "redrawn [SYNTHETIC]")
    out = subprocess.run([sys.executable, "-m", "geo", "history", "--store", store.location], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert "ana" in out.splitlines()[0] and "redrawn [SYNTHETIC]" in out.splitlines()[0]
    out = subprocess.run([sys.executable, "-m", "geo", "history", "--store", store.location, "--id", "ccn_hai_chanh"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "geometry_quality" in out and "POLYGON" in out


def test_a_map_click_picks_the_area_it_falls_in_and_the_form_saves_through_the_session(store):
    from geo import areasession

    s = {"editor": _editor(store)}
    areasession.pick_at(s, store, store.load_areas(), {"lng": 106.98, "lat": 17.08})  # inside KCN Tây Bắc Hồ Xá
    assert s["ar_record"] == "ip_tay_bac_ho_xa" and s["ar_base"]["id"] == "ip_tay_bac_ho_xa"
    s["ar_f_notes"], s["ar_reason"] = "checked on site [SYNTHETIC]", "site visit"
    areasession.save_area(s, store, "en")
    assert s["ar_messages"][0][0] == "success", s["ar_messages"]
    assert store.current_areas(ids=["ip_tay_bac_ho_xa"])["ip_tay_bac_ho_xa"]["notes"] == "checked on site [SYNTHETIC]"
    drawn = [{"type": "Feature", "geometry": shapely.geometry.mapping(shapely.from_wkb(INSIDE))}]
    s["ar_reason"] = "redrawn"
    areasession.save_drawn(s, store, drawn, "en")
    assert s["ar_messages"][0][0] == "success" and s["ar_base"][GEOMETRY] == INSIDE
    s["editor"] = None  # signed out: refused, said, nothing written
    before = store.version()
    areasession.save_drawn(s, store, [{"type": "Feature", "geometry": shapely.geometry.mapping(
        shapely.from_wkb(INSIDE).buffer(0.001))}], "en")
    assert s["ar_messages"][-1][0] == "error" and store.version() == before


def test_report_sheets_draw_the_stores_areas(store):
    from geo.export.options import ExportOptions
    from geo.export.scene import build_scene
    from geo.filters import Filters

    base = store.current_all(ids=["ccn_cam_hieu"])["ccn_cam_hieu"]
    editing.save_footprint(store, _editor(store), "ccn_cam_hieu", base, INSIDE, "approximate", "drawn")
    scene = build_scene(store.load(), Filters(), ExportOptions(areas=store.load_areas()))
    layer = scene.layer("industrial_cluster").set_index("id")
    assert layer.loc["ccn_cam_hieu"].geometry.geom_type == "Polygon"  # the bundled one is a point
    assert build_scene(store.load(), Filters(), ExportOptions()).layer("industrial_cluster").set_index(
        "id").loc["ccn_cam_hieu"].geometry.geom_type == "Point"


def test_the_draw_tools_are_served_by_the_app_never_a_cdn(tmp_path):
    import folium

    from layers.assets import STATIC_URL, install_static, link_assets
    from layers.draw import draw_control

    target = install_static(tmp_path)
    css = (target / "leaflet_draw.css").read_text(encoding="utf-8")
    assert (target / "leaflet_draw.js").stat().st_size > 50_000 and "url(images/" not in css
    assert "url('images/" not in css and "data:image/svg+xml;base64," in css
    m = folium.Map()
    for element in draw_control("vi", STATIC_URL):
        element.add_to(m)
    link_assets(m)
    html = m.get_root().render()
    assert "/app/static/qtmap/leaflet_draw.js" in html and "cdnjs" not in html and "https://" not in html.split(
        "<body>")[0].replace("https://leafletjs.com", "")
    assert "Vẽ phạm vi (hình chữ nhật)".encode("unicode_escape").decode() in html or "V\\u1ebd" in html
