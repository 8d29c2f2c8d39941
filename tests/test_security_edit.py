"""Issue 11's security items: XSRF protection stays on, and the change log only grows (the app edits no entry)."""

from __future__ import annotations

import re
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.appserver import StreamlitServer
from geo import editsession as session
from geo.store import open_store
from geo.users import StoreAccounts, Throttle, sign_in

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "editor password 1"  # [SYNTHETIC]


def test_the_server_config_leaves_xsrf_protection_on():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    server = config.get("server", {})
    assert server.get("enableXsrfProtection", True) is True, server
    assert server.get("enableCORS", True) is True, server  # Streamlit turns XSRF off when CORS is off


@pytest.mark.browser
def test_the_running_server_refuses_an_upload_without_its_xsrf_token(tmp_path):
    with StreamlitServer(env={"QTMAP_STORE": str(tmp_path / "r.gpkg")}) as server:
        with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=30) as page:
            cookies = page.headers.get_all("Set-Cookie") or []
        assert any(c.startswith("_streamlit_xsrf=") for c in cookies), cookies  # the server hands out its token
        request = urllib.request.Request(f"{server.url}/_stcore/upload_file/some-session/some-file", method="PUT",
                                         data=b"--x--", headers={"Content-Type": "multipart/form-data; boundary=x"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 403, refused.value.code
        assert "xsrf" in refused.value.read().decode("utf-8", "replace").lower()


def _log(store) -> tuple[list[tuple], list[tuple]]:
    """Every row of the change-set log and of the field changes, in id order."""
    t = store.tables
    with store.engine.connect() as conn:
        return ([tuple(r) for r in conn.execute(sa.select(t.changesets).order_by(t.changesets.c.id))],
                [tuple(r) for r in conn.execute(sa.select(t.changes).order_by(*t.changes.primary_key.columns))])


def test_every_app_write_only_adds_to_the_change_log(tmp_path):
    store = open_store(str(tmp_path / "r.gpkg"))
    StoreAccounts(store).add("ana", PASSWORD)
    s: dict = {"editor": sign_in(StoreAccounts(store), Throttle(), "ana", PASSWORD, "test"), "ed_mode": "correct",
               "ed_record": "P02"}
    sets, changes = _log(store)
    session.open_record(s, store)
    s.update(ed_f_investor="Nhà đầu tư X [SYNTHETIC]", ed_reason="sửa (thử)")
    session.save_form(s, store, "en")  # correct a record
    s.update(ed_status="operating", ed_status_year=2024, ed_reason="vận hành (thử)")
    session.save_status(s, store, "en")  # a status-timeline entry
    s.update(ed_merge_reason="tải lên (thử)", hist_reason="hoàn tác (thử)")
    session.commit_merge(s, store, {"P03": {"investor": "Y [SYNTHETIC]"}}, ("investor",), "f.csv", "0" * 64, False,
                         "en")
    session.revert_now(s, store, store.changesets()[0].id, "en")  # a revert is a new change set
    session.open_record(s, store)
    s["ed_reason"] = "trùng (thử)"
    session.retire(s, store, "en")
    after_sets, after_changes = _log(store)
    assert len(after_sets) == len(sets) + 5, s
    assert after_sets[:len(sets)] == sets and after_changes[:len(changes)] == changes  # nothing old touched


def test_no_code_updates_or_deletes_change_log_rows():
    """Only :meth:`Store._commit` writes the log, by inserting; no module updates or deletes its rows."""
    hostile = re.compile(r"(changesets|\.changes)\s*\.\s*(update|delete)\s*\(|(UPDATE|DELETE\s+FROM)\s+\"?(changesets|"
                         r"changes)\b", re.IGNORECASE)
    files = [ROOT / "app.py", *ROOT.glob("geo/**/*.py"), *ROOT.glob("layers/**/*.py")]
    found = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in files for m in hostile.finditer(p.read_text("utf-8"))]
    assert found == []
