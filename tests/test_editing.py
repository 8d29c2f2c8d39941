"""The write paths of the app (geo.editing), on a GeoPackage and on PostGIS: guarded, recorded, conflict-safe."""

from __future__ import annotations

import pytest

import shapely

from geo import editing
from geo.store import StoreConflict, StoreError, open_store
from geo.store.records import GEOMETRY, TIMELINE, canon, timeline_rows
from geo.users import Editor, NotSignedIn, StoreAccounts, Throttle, sign_in

PASSWORD = "editor password 1"  # [SYNTHETIC]


@pytest.fixture(params=["gpkg", "postgis"])
def store(request, tmp_path):
    location = str(tmp_path / "r.gpkg") if request.param == "gpkg" else request.getfixturevalue(
        "postgis").new_database()
    store = open_store(location)
    accounts = StoreAccounts(store)
    accounts.add("ana", PASSWORD)
    accounts.add("binh", PASSWORD)
    return store


def _editor(store, name="ana") -> Editor:
    return sign_in(StoreAccounts(store), Throttle(), name, PASSWORD, "test")


NEW = {"name_vi": "Nhà máy thử nghiệm [SYNTHETIC]", "sector": "processing", "status": "planned",
       "location_confidence": "high", "sources": "KL11", "geometry": canon(GEOMETRY, shapely.Point(107.1, 16.75))}


def _write_paths(store, editor):
    """Every write path of geo.editing, called with ``editor``."""
    rec = store.current(ids=["P02"])["P02"]
    return {
        "add": lambda: editing.add_project(store, editor, NEW, "new factory"),
        "save": lambda: editing.save_record(store, editor, "P02", rec, {"investor": "X"}, "correct"),
        "status": lambda: editing.add_status(store, editor, "P02", "operating", 2024, "started", rec["version"]),
        "retire": lambda: editing.retire_record(store, editor, "P02", "duplicate", rec["version"]),
        "merge": lambda: editing.merge_upload(store, editor, {"P02": {"investor": "Y"}}, ("investor",), "upload",
                                              "f.xlsx", "0" * 64),
        "revert": lambda: editing.revert_changeset(store, editor, 1, "undo"),
    }


@pytest.mark.parametrize("who", ["anonymous", "forged", "expired", "removed"])
def test_every_write_path_refuses_without_a_signed_in_editor(store, who, monkeypatch):
    editor = None
    if who == "forged":
        editor = Editor("ana", 0.0, 1e12, "f" * 64)
    elif who == "expired":
        editor = _editor(store)
        editor.last_seen -= 31 * 60
    elif who == "removed":
        editor = _editor(store, "binh")
        StoreAccounts(store).remove("binh")
    before = store.version()
    for name, call in _write_paths(store, editor).items():
        with pytest.raises(NotSignedIn):
            call()
        assert store.version() == before, name


def test_add_records_the_editor_and_reason(store):
    saved = editing.add_project(store, _editor(store), NEW, "licence 12/GP of 2025")
    assert saved.record_id == "P27"
    rec = store.current(ids=["P27"])["P27"]
    assert rec["name_vi"] == NEW["name_vi"] and rec["version"] == 1
    assert timeline_rows(rec[TIMELINE]) == [] or timeline_rows(rec[TIMELINE])[0][0] == "planned"
    cs = store.changeset(saved.changeset_id)
    assert (cs.author, cs.reason, cs.action, cs.n_new) == ("ana", "licence 12/GP of 2025", "add", 1)
    assert "P27" in set(store.load()["id"])
    with pytest.raises(StoreError, match="reason"):
        editing.add_project(store, _editor(store), NEW, "  ")
    with pytest.raises(StoreConflict):
        editing.add_project(store, _editor(store), {**NEW, "id": "P01"}, "same id")


def test_correct_and_move_then_retire(store):
    ana = _editor(store)
    base = store.current(ids=["P03"])["P03"]
    moved = canon(GEOMETRY, shapely.Point(107.0, 16.8))
    saved = editing.save_record(store, ana, "P03", base, {"investor": "Công ty A", GEOMETRY: moved}, "survey")
    assert isinstance(saved, editing.Saved)
    now = store.current(ids=["P03"])["P03"]
    assert now["investor"] == "Công ty A" and now[GEOMETRY] == moved and now["version"] == base["version"] + 1
    with pytest.raises(StoreError, match="Nothing changed"):
        editing.save_record(store, ana, "P03", now, {"investor": "Công ty A"}, "again")
    editing.retire_record(store, ana, "P03", "merged into P04", now["version"])
    assert "P03" not in set(store.load()["id"]) and store.current(ids=["P03"])["P03"]["retired"]
    with pytest.raises(StoreConflict):  # retiring an outdated version is refused
        editing.retire_record(store, ana, "P05", "x", 99)


def test_a_status_entry_extends_the_timeline_and_sets_the_latest_status(store):
    rec = store.current(ids=["P05"])["P05"]
    rows = timeline_rows(rec[TIMELINE])
    editing.add_status(store, _editor(store), "P05", "operating", 2030, "commissioned", rec["version"])
    now = store.current(ids=["P05"])["P05"]
    assert timeline_rows(now[TIMELINE])[:len(rows)] == rows
    assert timeline_rows(now[TIMELINE])[-1][:2] == ["operating", 2030]
    assert (now["status"], now["status_year"]) == ("operating", 2030)
    assert store.changesets()[0].action == "timeline" and store.check() == []


def test_the_second_save_gets_a_field_by_field_conflict_and_loses_nothing(store):
    ana, binh = _editor(store, "ana"), _editor(store, "binh")
    base = store.current(ids=["P06"])["P06"]  # both open the form
    assert isinstance(editing.save_record(store, ana, "P06", base, {"investor": "A", "workers": 10}, "ana"),
                      editing.Saved)
    before = store.version()
    mine = {"investor": "B", "notes": "typed by binh"}
    conflict = editing.save_record(store, binh, "P06", base, mine, "binh")
    assert isinstance(conflict, editing.Conflict) and store.version() == before  # nothing written
    fields = {c.field: c for c in conflict.fields}
    assert set(fields) == {"investor", "workers", "notes"}
    assert (fields["investor"].base, fields["investor"].mine, fields["investor"].theirs) == (
        base["investor"], "B", "A")
    assert fields["investor"].both_changed and not fields["notes"].both_changed
    assert conflict.authors == ["ana"] and conflict.version == base["version"] + 1
    assert conflict.resolve("theirs") == {}
    assert conflict.resolve("mine") == {"investor": "B", "workers": base["workers"], "notes": "typed by binh"}
    merged = conflict.resolve("merge", {"investor": "theirs"})
    assert merged == {"notes": "typed by binh"}
    saved = editing.save_record(store, binh, "P06", conflict.theirs, merged, "binh, merged")
    assert isinstance(saved, editing.Saved)
    now = store.current(ids=["P06"])["P06"]
    assert (now["investor"], now["workers"], now["notes"]) == ("A", 10, "typed by binh")


def test_merge_upload_previews_then_commits_and_revert_undoes_it(store):
    ana = _editor(store)
    incoming = {"P01": {"investor": "EVN (2025)"}, "P02": {"investor": store.current(ids=["P02"])["P02"]["investor"]},
                "P90": {"id": "P90", "name_vi": "Mới [SYNTHETIC]", "investor": "Z"}}
    before = store.version()
    diff = editing.preview_upload(store, incoming, ("investor",))
    assert diff.counts() == {"new": 1, "changed": 1, "unchanged": 1, "absent": 24}
    assert store.version() == before  # the preview writes nothing
    ident, _ = editing.merge_upload(store, ana, incoming, ("investor",), "investment dept. 2025", "dpi.xlsx", "a" * 64)
    cs = store.changeset(ident)
    assert (cs.author, cs.reason, cs.source_name, cs.n_new, cs.n_changed) == ("ana", "investment dept. 2025",
                                                                             "dpi.xlsx", 1, 1)
    new, conflicts = editing.revert_changeset(store, ana, ident, "wrong file")
    assert new is not None and conflicts == []
    assert store.current(ids=["P01"])["P01"]["investor"] != "EVN (2025)"
    assert store.changeset(new).author == "ana" and store.check() == []
