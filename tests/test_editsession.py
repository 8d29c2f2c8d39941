"""The app's actions over a session's state (geo.editsession): refused without an editor, history from a popup link."""

from __future__ import annotations

import pytest

from geo import editsession as session
from geo.editform import record_history_table
from geo.i18n import t
from geo.store import open_store
from geo.users import StoreAccounts, Throttle, sign_in
from layers.packed import pack, unpack

PASSWORD = "editor password 1"  # [SYNTHETIC]
NEW = {"name_vi": "Nhà máy thử nghiệm [SYNTHETIC]", "sector": "processing", "status": "planned",
       "location_confidence": "high", "sources": "KL11"}


@pytest.fixture()
def store(tmp_path):
    store = open_store(str(tmp_path / "r.gpkg"))
    StoreAccounts(store).add("ana", PASSWORD)
    return store


def _form(s: dict, store, mode: str = "new", record: str | None = None) -> dict:
    """A session whose Edit form is open on a new project (or ``record``), filled in, with a reason."""
    s.update(ed_mode=mode, ed_record=record)
    session.open_record(s, store)
    if mode == "new":
        s.update({f"ed_f_{k}": v for k, v in NEW.items()}, ed_a="107.1", ed_b="16.75")
    else:
        s["ed_f_investor"] = "Nhà đầu tư X [SYNTHETIC]"
    s.update(ed_reason="thử", ed_status="operating", ed_status_year=2024, hist_reason="thử", ed_merge_reason="thử")
    return s


def _actions(store):
    """Every write action the app's widgets call, with what each needs in the session."""
    return {
        "save new": lambda s: session.save_form(_form(s, store), store, "en"),
        "save": lambda s: session.save_form(_form(s, store, "correct", "P02"), store, "en"),
        "status": lambda s: session.save_status(_form(s, store, "status", "P02"), store, "en"),
        "retire": lambda s: session.retire(_form(s, store, "retire", "P02"), store, "en"),
        "revert": lambda s: session.revert_now(_form(s, store), store, 1, "en"),
        "merge": lambda s: session.commit_merge(_form(s, store), store, {"P02": {"investor": "Y"}}, ("investor",),
                                                "f.xlsx", "0" * 64, False, "en"),
    }


@pytest.mark.parametrize("name", list(_actions(None)))
def test_every_app_action_is_refused_without_a_signed_in_editor(store, name):
    before = store.version()
    s: dict = {"editor": None}
    _actions(store)[name](s)
    assert store.version() == before
    message = s.get("ed_messages") or s.get("hist_messages") or [s.get("ed_merge_message")]
    assert message[0][0] == "error" and "sign" in message[0][1].lower(), message


@pytest.mark.parametrize("name", list(_actions(None)))
def test_every_app_action_writes_for_an_editor(store, name):
    before = store.version()
    s: dict = {"editor": sign_in(StoreAccounts(store), Throttle(), "ana", PASSWORD, "test")}
    _actions(store)[name](s)
    assert store.version() != before, s
    assert store.changesets()[0].author == "ana"


def test_sign_in_refusal_and_success_empty_the_password_box(store):
    s: dict = {"ed_user": "ana", "ed_password": "wrong"}
    session.do_sign_in(s, store, Throttle(), "1.2.3.4", "en")
    assert s["editor"] is None if "editor" in s else True
    assert s["ed_signin_error"] and s["ed_password"] == ""
    s.update(ed_password=PASSWORD)
    session.do_sign_in(s, store, Throttle(), "1.2.3.4", "en")
    assert session.current_editor(s).name == "ana" and s["ed_signin_error"] is None and s["ed_password"] == ""
    session.sign_out(s)
    assert session.current_editor(s) is None


def test_a_popup_link_asks_once_per_click_and_only_for_a_record_of_the_register():
    ids = {"P01", "P02"}
    s: dict = {"qtmap_feed": {"history": "P02", "at": 1}}
    assert session.history_asked(s, ids) == "P02" and s["hist_record"] == "P02"
    assert session.history_asked(s, ids) is None  # the same click, seen on the next rerun
    s["qtmap_feed"] = {"history": "P02", "at": 2}  # the same link clicked again
    assert session.history_asked(s, ids) == "P02"
    for value in ({"history": "<img src=x>", "at": 3}, {"history": ["P01"], "at": 4}, {"have": "v1"}, None, "P01"):
        s["qtmap_feed"] = value
        assert session.history_asked(s, ids) is None, value
    assert s["hist_record"] == "P02"


def test_a_records_history_lists_who_when_why_and_old_new_newest_first(store):
    editor = sign_in(StoreAccounts(store), Throttle(), "ana", PASSWORD, "test")
    s = _form({"editor": editor}, store, "correct", "P02")
    session.save_form(s, store, "en")
    table = session.history_table(store, "P02", None, "en")
    assert list(table.columns) == [t(f"ed_col_{c}", "en") for c in ("set", "time", "author", "reason", "field",
                                                                      "old", "new")]
    first = table.iloc[0]
    assert (first[t("ed_col_author", "en")], first[t("ed_col_reason", "en")]) == ("ana", "thử")
    assert first[t("ed_col_new", "en")] == "Nhà đầu tư X [SYNTHETIC]"
    assert first[t("ed_col_set", "en")] == table[t("ed_col_set", "en")].max()  # newest first
    assert len(record_history_table(store.record_history("NOPE"), "en")) == 0
    assert len(session.history_table(store, None, 1, "en")) > 0  # one change set's changes


def test_the_packed_register_carries_the_history_link_only_when_asked(store):
    projects = store.load()
    with_link = unpack(pack(projects, "vi", "k", history=t("hi_popup_link", "vi")).blob)
    assert with_link["opts"]["history_label"] == t("hi_popup_link", "vi") and "id" in with_link["cols"]
    assert "history_label" not in unpack(pack(projects, "vi", "k").blob)["opts"]


def test_a_map_click_fills_the_coordinates_once(store):
    s: dict = {}
    session.click_to_form(s, {"lng": 107.123456789, "lat": 16.5})
    assert (s["ed_a"], s["ed_b"], s["ed_coord_mode"]) == ("107.123457", "16.500000", "lonlat")
    s["ed_a"] = "typed"
    session.click_to_form(s, {"lng": 107.123456789, "lat": 16.5})  # the same click reported again
    assert s["ed_a"] == "typed"
    session.click_to_form(s, None)
    assert s["ed_a"] == "typed"


def test_the_merge_preview_is_kept_per_file_and_register_version_and_cancel_writes_nothing(store):
    s: dict = {"editor": sign_in(StoreAccounts(store), Throttle(), "ana", PASSWORD, "test"), "ed_merge_reason": "x"}
    incoming, fields = {"P02": {"investor": "Y [SYNTHETIC]"}}, ("investor",)
    first = session.merge_preview(s, store, incoming, fields, False, "a" * 64)
    assert session.merge_preview(s, store, incoming, fields, False, "a" * 64) is first  # a rerun reuses it
    assert first.counts()["changed"] == 1
    before = store.version()
    session.merge_cancel(s, "a" * 64)
    assert (s["ed_merge_cancelled"], s["ed_merge_reason"], store.version()) == ("a" * 64, "", before)
    session.merge_again(s)
    assert s["ed_merge_cancelled"] is None
    s["ed_merge_reason"] = "số liệu mới (thử)"
    session.commit_merge(s, store, incoming, fields, "f.csv", "a" * 64, False, "en")
    assert s["ed_merge_message"][0] == "success" and store.version() != before
    again = session.merge_preview(s, store, incoming, fields, False, "a" * 64)  # the register moved: computed anew
    assert again is not first and again.counts()["changed"] == 0


AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "s" * 32,  # [SYNTHETIC]
        "client_id": "qtmap", "client_secret": "x", "server_metadata_url": "http://127.0.0.1:9/.well-known/x"}


@pytest.mark.parametrize("configured", [False, True])
def test_the_sign_in_box_offers_st_login_only_where_auth_is_configured(configured):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=60)
    if configured:
        at.secrets["auth"] = AUTH
    at.run()
    assert not at.exception
    login = t("hi_oidc_login", "vi", provider=t("hi_oidc_default", "vi"))
    assert (login in [b.label for b in at.sidebar.button]) == configured


def test_an_oidc_user_becomes_the_sessions_editor_only_when_listed(store):
    s: dict = {}
    assert session.oidc_sign_in(s, store, {"is_logged_in": True, "email": "nobody@example.org"}) is None
    assert session.current_editor(s) is None
    editor = session.oidc_sign_in(s, store, {"is_logged_in": True, "email": "x@example.org", "name": "ana"})
    assert editor is not None and session.current_editor(s).name == "ana"
    _actions(store)["status"](s)  # and writes as that account
    assert store.changesets()[0].author == "ana"
