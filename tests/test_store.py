"""The register store, the same tests on a GeoPackage and on a real PostGIS server started by the tests."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

import geopandas as gpd
import pyogrio

from geo import bundled
from geo.store import StoreConflict, StoreError, init_store, open_store, parse_time
from geo.store.records import FIELDS, GEOMETRY, records_from_frame
from geo.store.tables import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(params=["gpkg", "postgis"])
def location(request, tmp_path):
    """A store location that does not exist yet: a .gpkg path or an empty PostGIS database."""
    if request.param == "gpkg":
        return str(tmp_path / "register.gpkg")
    return request.getfixturevalue("postgis").new_database()


def _bundled() -> pd.DataFrame:
    return bundled.load_layer("project")


def _frame(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """Comparable values: schema fields in schema order, blanks as None, geometry as WKT."""
    out = pd.DataFrame(gdf[list(FIELDS)]).astype(object)
    out = out.where(out.notna(), None)
    out["wkt"] = [None if g is None else g.wkt for g in gdf.geometry]
    return out.reset_index(drop=True)


def _file(tmp_path: Path, gdf: gpd.GeoDataFrame, name: str = "update.geojson") -> Path:
    path = tmp_path / name
    gdf.to_file(path, driver="GeoJSON")
    return path


def _import(location: str, path: Path, *extra: str, env: dict[str, str] | None = None, **kw):
    return subprocess.run([sys.executable, "-m", "geo", "import", str(path), "--store", location, "--by", "tester",
                           "--reason", "test import", *extra], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120, **kw)


def _incoming(gdf: gpd.GeoDataFrame) -> dict[str, dict[str, object]]:
    return records_from_frame(gdf, (*FIELDS, GEOMETRY))


def test_first_use_seeds_the_bundled_register_with_one_change_set(location):
    store = open_store(location)
    assert store.version() == (1, 1)
    assert store.schema_version() == SCHEMA_VERSION
    pd.testing.assert_frame_equal(_frame(store.load()), _frame(_bundled()))
    seed = store.changesets()[0]
    assert (seed.action, seed.n_new) == ("seed", 26 + 19)  # the register and the parks, zones and clusters
    assert seed.source_name.split(", ") == ["data/projects.geojson", "data/industrial_parks.geojson",
                                            "data/economic_zones.geojson", "data/industrial_clusters.geojson"]
    assert len(seed.source_sha256) == 64
    assert store.check() == []
    timeline = store.timeline()
    assert list(timeline.columns) == ["project_id", "status", "year", "source"]
    seeded = bundled.load_timeline()  # the bundled timelines are the seed, row for row
    assert [tuple(r) for r in timeline.astype(object).itertuples(index=False)] == \
        [tuple(r) for r in seeded.astype(object).itertuples(index=False)]


def test_the_geopackage_is_one_that_gdal_and_qgis_open(tmp_path):
    path = tmp_path / "r.gpkg"
    open_store(path)
    layers = dict(pyogrio.list_layers(path))
    assert layers["projects"] == "Point"
    assert {"changesets", "changes", "status_timeline", "schema_version"} <= set(layers)
    gdf = gpd.read_file(path, layer="projects")
    assert gdf.crs.to_epsg() == 4326 and len(gdf) == 26
    assert gdf.geometry.notna().sum() == _bundled().geometry.notna().sum()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_import_merge_classifies_commits_one_change_set_and_as_of_sees_before(location, tmp_path):
    store = open_store(location)
    before = parse_time(pd.Timestamp.now(tz="UTC").isoformat())
    gdf = _bundled()
    gdf.loc[gdf["id"] == "P01", "status"] = "stalled"
    gdf.loc[gdf["id"] == "P02", "capital_bn_vnd"] = 123.5
    new = gdf.iloc[[2]].copy()
    new["id"], new["name_vi"] = "NEW1", "Dự án mới"
    gdf = pd.concat([gdf[gdf["id"] != "P05"], new])
    time.sleep(0.01)
    ident, diff = store.import_records(_incoming(gdf), (*FIELDS, GEOMETRY), by="ann", reason="update",
                                       source_name="u.geojson", sha256="0" * 64)
    assert diff.counts() == {"new": 1, "changed": 2, "unchanged": 23, "absent": 1}
    assert set(diff.changed["P01"]) == {"status", "timeline"}
    assert set(diff.changed["P02"]) == {"capital_bn_vnd"}
    assert store.version() == (2, ident)
    now = store.load().set_index("id")
    assert now.loc["P01", "status"] == "stalled" and now.loc["P02", "capital_bn_vnd"] == 123.5
    assert "P05" in now.index and "NEW1" in now.index  # absent records are kept
    old = store.load(as_of=before).set_index("id")
    assert old.loc["P01", "status"] == "operating" and "NEW1" not in old.index
    seeded = list(bundled.load_timeline().query("project_id == 'P01'")["status"])
    assert list(store.timeline().query("project_id == 'P01'")["status"]) == [*seeded, "stalled"]
    assert list(store.timeline(as_of=before).query("project_id == 'P01'")["status"]) == seeded
    history = store.record_history("P01")
    assert [(cs.id, f, o, n) for cs, f, o, n in history if f == "status"] == [
        (1, "status", None, "operating"), (ident, "status", "operating", "stalled")]
    assert store.check() == []


def test_dry_run_and_an_unchanged_file_write_nothing(location):
    store = open_store(location)
    gdf = _bundled()
    gdf.loc[gdf["id"] == "P03", "name_vi"] = "Đổi tên"
    ident, diff = store.import_records(_incoming(gdf), (*FIELDS, GEOMETRY), by="a", reason="r", dry_run=True)
    assert ident is None and diff.counts()["changed"] == 1
    ident, diff = store.import_records(_incoming(_bundled()), (*FIELDS, GEOMETRY), by="a", reason="r")
    assert ident is None and diff.counts()["unchanged"] == 26
    assert store.version() == (1, 1)


def test_retiring_keeps_the_record_and_its_history(location):
    store = open_store(location)
    gdf = _bundled()
    ident, diff = store.import_records(_incoming(gdf[gdf["id"] != "P07"]), (*FIELDS, GEOMETRY), by="a",
                                       reason="closed", retire_absent=True)
    assert diff.absent == ["P07"]
    assert "P07" not in set(store.load()["id"])
    assert store.current()["P07"]["retired"] is True  # still stored
    assert store.changesets()[0].n_retired == 1
    assert [f for _cs, f, _o, _n in store.record_history("P07")][-1] == "retired"
    assert store.check() == []
    assert "P07" in set(store.load(as_of=store.changesets()[1].time)["id"])


def test_expected_version_refuses_a_stale_edit_and_writes_nothing(location):
    store = open_store(location)
    assert store.current()["P04"]["version"] == 1
    store.edit("P04", {"investor": "A"}, by="a", reason="r", expected_version=1)
    with pytest.raises(StoreConflict, match="version 2, not 1"):
        store.edit("P04", {"investor": "B"}, by="b", reason="r", expected_version=1)
    assert store.current()["P04"]["investor"] == "A" and store.version()[0] == 2
    with pytest.raises(StoreError, match="author and a reason"):
        store.edit("P04", {"investor": "C"}, by="", reason="r")


def test_revert_undoes_a_change_set_and_reports_later_changes(location):
    store = open_store(location)
    first = store.edit("P06", {"investor": "X", "workers": 40}, by="a", reason="r")
    store.edit("P06", {"workers": 50}, by="b", reason="later")
    ident, conflicts = store.revert(first, by="c", reason="wrong")
    assert ident is not None and len(conflicts) == 1 and "P06.workers" in conflicts[0]
    rec = store.current()["P06"]
    assert rec["investor"] == _bundled().set_index("id").loc["P06", "investor"]
    assert rec["workers"] == 50  # the later change is kept
    assert store.changeset(ident).reverts == first
    assert store.check() == []


def test_reverting_an_import_retires_the_records_it_created(location):
    store = open_store(location)
    new = _bundled().iloc[[0]].copy()
    new["id"] = "NEW2"
    ident, _ = store.import_records(_incoming(pd.concat([_bundled(), new])), (*FIELDS, GEOMETRY), by="a", reason="r")
    store.revert(ident, by="a", reason="undo")
    assert "NEW2" not in set(store.load()["id"]) and "NEW2" in store.current()
    assert store.check() == []


def test_check_finds_a_table_edited_behind_the_history(location):
    store = open_store(location)
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE projects SET name_vi = 'tampered' WHERE id = 'P02'"))
    problems = store.check()
    assert len(problems) == 1 and problems[0].startswith("P02.name_vi: history gives")


def test_init_refuses_a_non_empty_store_unless_forced(location):
    store = open_store(location)
    store.edit("P01", {"notes": "x"}, by="a", reason="r")
    with pytest.raises(StoreError, match="--force"):
        init_store(location)
    store = init_store(location, force=True)
    assert store.version() == (1, 1)


def test_a_newer_schema_is_refused(location):
    store = open_store(location)
    with store.engine.begin() as conn:
        conn.execute(store.tables.version.insert().values(version=SCHEMA_VERSION + 1, applied="x"))
    with pytest.raises(RuntimeError, match="newer than this qtmap"):
        open_store(location)


def _changed_file(tmp_path: Path, name: str, ids: list[str], value: str) -> Path:
    gdf = _bundled()
    gdf.loc[gdf["id"].isin(ids), "investor"] = value
    return _file(tmp_path, gdf, name)


def _wait_paused(proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    line = ""
    while time.monotonic() < deadline and "paused at" not in line:
        line = proc.stderr.readline()
        if not line and proc.poll() is not None:
            raise AssertionError(f"import ended before pausing: {proc.stdout.read()}")
    assert "paused at" in line, line


@pytest.mark.parametrize("point", ["changes-written", "rows-written"])
def test_sigkill_mid_import_leaves_the_store_as_it_was(location, tmp_path, point):
    store = open_store(location)
    before = _frame(store.load())
    path = _changed_file(tmp_path, "kill.geojson", ["P01", "P02", "P03"], "Killed Co.")
    proc = subprocess.Popen([sys.executable, "-m", "geo", "import", str(path), "--store", location, "--by", "t",
                             "--reason", "kill"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "QTMAP_STORE_PAUSE": point})
    _wait_paused(proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    store.engine.dispose()
    time.sleep(0.2)  # PostgreSQL notices the dead client and rolls back
    after = open_store(location)
    assert after.version() == (1, 1)
    assert after.check() == []
    pd.testing.assert_frame_equal(_frame(after.load()), before)
    done = _import(location, path)  # the same import, not killed, commits fully
    assert done.returncode == 0, done.stderr
    assert after.version()[0] == 2 and after.check() == []  # (PostgreSQL does not reuse the killed id)
    assert (after.load().set_index("id").loc[["P01", "P02", "P03"], "investor"] == "Killed Co.").all()


def test_two_imports_at_once_both_commit_or_one_is_refused_cleanly(location, tmp_path):
    open_store(location)
    a = _changed_file(tmp_path, "a.geojson", ["P01", "P02"], "Writer A")
    b = _changed_file(tmp_path, "b.geojson", ["P01", "P03"], "Writer B")  # P01 in both
    procs = [subprocess.Popen([sys.executable, "-m", "geo", "import", str(p), "--store", location, "--by", n,
                               "--reason", "race"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for p, n in ((a, "A"), (b, "B"))]
    results = [(p.wait(120), p.stdout.read(), p.stderr.read()) for p in procs]
    codes = sorted(r[0] for r in results)
    assert codes in ([0, 0], [0, 3]), results
    for code, _out, err in results:
        if code == 3:
            assert "busy" in err or "meanwhile" in err, err
    store = open_store(location)
    assert store.check() == []
    assert store.version()[0] == 1 + codes.count(0)


def test_a_writer_waiting_too_long_is_told_busy_try_again(location, tmp_path):
    open_store(location)
    a = _changed_file(tmp_path, "a.geojson", ["P01"], "Holder")
    b = _changed_file(tmp_path, "b.geojson", ["P01"], "Waiter")
    holder = subprocess.Popen([sys.executable, "-m", "geo", "import", str(a), "--store", location, "--by", "A",
                               "--reason", "hold"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "QTMAP_STORE_PAUSE": "rows-written",
                                   "QTMAP_STORE_PAUSE_SECONDS": "40"})
    try:
        _wait_paused(holder)
        waiter = _import(location, b, env={"QTMAP_STORE_TIMEOUT": "1"})
        holder_still_writing = holder.poll() is None
    finally:
        holder.wait(90)
    assert waiter.returncode == 3, (waiter.stdout, waiter.stderr)
    assert "busy" in waiter.stderr and "try again" in waiter.stderr
    assert holder_still_writing  # a bounded wait, not until the holder finished
    assert holder.returncode == 0
    store = open_store(location)
    assert store.version()[0] == 2 and store.check() == []


def test_the_app_shows_a_change_committed_elsewhere_on_the_next_rerun(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    location = str(tmp_path / "app.gpkg")
    monkeypatch.setenv("QTMAP_STORE", location)
    monkeypatch.delenv("QTMAP_PROJECTS", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception

    def shown() -> str:
        return next(c.value for c in at.caption if re.search(r"\d+/\d+", c.value))

    before = shown()
    assert not before.startswith("Hiển thị 0/0"), before
    store = open_store(location)
    store.import_records({}, FIELDS, by="t", reason="all closed", retire_absent=True)  # one change set
    at.run()
    assert not at.exception
    assert shown().startswith("Hiển thị 0/0"), shown()
