"""Editing in Chromium (offline, a fresh store): sign-in, throttling, adding by a map click, conflicts, upload merge.

Each test drives the app the way an editor would (labels, buttons, the map) and waits on
web-first expectations of the final text, never on sleeps.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pandas as pd
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from bench.appserver import ARTIFACTS, ROOT, SCRIPT_STATE, StreamlitServer, map_frame, open_tab, wait_quiet
from bench.appserver import sign_in as signed_in
from geo.i18n import t
from geo.schema import label
from geo.store import open_store
from geo.users import StoreAccounts

pytestmark = pytest.mark.browser

PASSWORD = "mật khẩu thử 2026"  # [SYNTHETIC]
LOCAL = ("http://127.0.0.1", "http://localhost", "file:", "data:", "blob:", "about:")


@pytest.fixture(scope="module")
def store_server(tmp_path_factory):
    """A server over a fresh GeoPackage store with two editor accounts (and one for the throttling test)."""
    location = str(tmp_path_factory.mktemp("edit") / "register.gpkg")
    accounts = StoreAccounts(open_store(location))
    for name in ("ana", "binh", "chi"):
        accounts.add(name, PASSWORD)
    with StreamlitServer(env={"QTMAP_STORE": location}) as server:
        server.location = location
        yield server


@pytest.fixture()
def session(browser):
    """Open offline browser sessions (each its own context: its own Streamlit session)."""
    contexts = []

    def new():
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL) else r.abort())
        contexts.append(context)
        return context.new_page()

    yield new
    for context in contexts:
        context.close()


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"edit_{name}.png"), full_page=True)


def open_app(page, server):
    page.goto(server.url)
    return map_frame(page)


def sign_in(page, name, password=PASSWORD):
    return signed_in(page, name, password)


def type_in(box, text):
    """Fill a text box and apply it (Enter), waiting until the app has taken the value and its rerun is over
    (a button clicked during that rerun can be lost: CI saw a Save that neither saved nor showed the conflict)."""
    box.fill(text)
    box.press("Enter")
    expect(box.page.get_by_text("Press Enter to apply")).to_have_count(0)
    wait_quiet(box.page)


def choose(page, field_label, option):
    """Pick ``option`` in the select box labelled ``field_label`` (typing, as a user would)."""
    page.get_by_role("combobox", name=field_label, exact=True).click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()


def edit_tab(page):
    open_tab(page, t("tab_edit", "vi"))
    return page.locator("[role=tabpanel]:visible")


def field(name):
    from geo.editform import FIELDS_BY_NAME

    return FIELDS_BY_NAME[name].label("vi")


def test_anonymous_sessions_have_no_write_control(store_server, session):
    page = session()
    open_app(page, store_server)
    expect(page.get_by_role("button", name=t("ed_sign_in", "vi"), exact=True)).to_be_visible()
    expect(page.get_by_role("tab", name=t("tab_edit", "vi"))).to_have_count(0)
    open_tab(page, t("tab_history", "vi"))
    panel = page.locator("[role=tabpanel]:visible")
    expect(panel.get_by_test_id("stDataFrame").first).to_be_visible()
    for key in ("ed_save", "ed_commit", "ed_retire", "ed_sign_out"):
        expect(page.get_by_role("button", name=t(key, "vi"))).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile(t("ed_revert", "vi", id=1)))).to_have_count(0)


def test_a_wrong_password_is_refused_and_repeated_failures_are_throttled(store_server, session):
    page = session()
    open_app(page, store_server)
    expect(sign_in(page, "chi", "wrong password")).to_have_value("")  # refused: the password box is emptied
    expect(page.get_by_text(t("ed_wrong_password", "vi"))).to_be_visible()
    for _ in range(4):
        expect(sign_in(page, "chi", "wrong password")).to_have_value("")
    expect(page.get_by_text(t("ed_throttled", "vi", seconds=30), exact=False)).to_be_visible()
    sign_in(page, "chi")  # the right password must wait too
    expect(page.get_by_text(re.compile(r"hãy đợi \d+ giây"))).to_be_visible()
    expect(page.get_by_text(t("ed_signed_in", "vi", name="chi"))).to_have_count(0)
    shot(page, "throttled")


def test_an_editor_adds_a_project_by_clicking_the_map_and_another_session_finds_it(store_server, session):
    page = session()
    frame = open_app(page, store_server)
    sign_in(page, "ana")
    expect(page.get_by_text(t("ed_signed_in", "vi", name="ana"))).to_be_visible()
    expect(page.get_by_role("tab", name=t("tab_edit", "vi"))).to_be_visible()
    frame = map_frame(page)
    lat, lon = 16.62, 107.02
    frame.evaluate(f"() => {{ window.map.setView([{lat}, {lon}], 12, {{animate: false}}); }}")
    x, y = frame.evaluate(f"() => {{ const p = window.map.latLngToContainerPoint([{lat}, {lon}]);"
                          " return [p.x, p.y]; }")
    page.locator("iframe[title*='st_folium']").scroll_into_view_if_needed()
    box = page.locator("iframe[title*='st_folium']").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    clicked = page.get_by_text(re.compile(r"Đã bấm tại 10\d\.\d{6}, 16\.\d{6}"))
    expect(clicked).to_be_visible()
    got_lon, got_lat = (float(v) for v in re.findall(r"1\d\d?\.\d{6}", clicked.inner_text())[:2])
    assert abs(got_lon - lon) < 0.01 and abs(got_lat - lat) < 0.01
    panel = edit_tab(page)
    expect(panel.get_by_label(t("ed_lon", "vi"), exact=True)).to_have_value(f"{got_lon:.6f}")
    expect(panel.get_by_label(t("ed_lat", "vi"), exact=True)).to_have_value(f"{got_lat:.6f}")
    name = "Nhà máy thử nghiệm bấm bản đồ [SYNTHETIC]"
    panel.get_by_label(field("name_vi"), exact=True).fill(name)
    choose(page, field("sector"), label("sector", "processing", "vi"))
    choose(page, field("status"), label("status", "planned", "vi"))
    choose(page, field("location_confidence"), label("location_confidence", "high", "vi"))
    panel.get_by_label(field("sources"), exact=True).fill("KL11")
    type_in(panel.get_by_label(t("ed_reason", "vi") + " *", exact=True), "giấy phép mới (thử)")
    shot(page, "form")
    panel.get_by_role("button", name=t("ed_save", "vi"), exact=True).click()
    expect(panel.get_by_text(re.compile(r"Đã lưu: tập thay đổi \d+ \(P27\)"))).to_be_visible(timeout=60_000)

    other = session()  # another, anonymous session
    frame2 = open_app(other, store_server)
    found = frame2.wait_for_function(
        """([lat, lon]) => { let hit = null; window.map.eachLayer(l => {
             if (l._qtmapRow !== undefined && l.getLatLng) { const p = l.getLatLng();
               if (Math.abs(p.lat - lat) < 1e-5 && Math.abs(p.lng - lon) < 1e-5) { hit = [p.lat, p.lng]; } } });
           return hit; }""", arg=[got_lat, got_lon], timeout=30_000)
    assert found.json_value()
    history = subprocess.run([sys.executable, "-m", "geo", "history", "--store", store_server.location], cwd=ROOT,
                             capture_output=True, text=True, timeout=120, env=dict(os.environ))
    assert history.returncode == 0, history.stderr
    assert re.search(r"^\d+  \S+  ana  add  \+1 .*giấy phép mới \(thử\)", history.stdout, re.M), history.stdout


def _open_record(page, ident, mode="ed_mode_correct"):
    panel = edit_tab(page)
    panel.get_by_text(t(mode, "vi"), exact=True).click()
    page.get_by_role("combobox", name=t("ed_record", "vi")).click()
    page.keyboard.type(ident)
    page.get_by_role("option", name=re.compile(f"^{ident} – ")).click()
    expect(panel.get_by_label(field("investor"), exact=True)).to_be_visible()
    return panel


def test_two_editors_save_the_same_record_and_the_second_sees_the_conflict(store_server, session):
    first, second = session(), session()
    for page, name in ((first, "ana"), (second, "binh")):
        open_app(page, store_server)
        sign_in(page, name)
        expect(page.get_by_text(t("ed_signed_in", "vi", name=name))).to_be_visible()
    p1, p2 = _open_record(first, "P07"), _open_record(second, "P07")  # both open the same record
    p1.get_by_label(field("investor"), exact=True).fill("Nhà đầu tư A [SYNTHETIC]")
    type_in(p1.get_by_label(t("ed_reason", "vi") + " *", exact=True), "sửa của ana")
    p1.get_by_role("button", name=t("ed_save", "vi"), exact=True).click()
    expect(p1.get_by_text(re.compile(r"Đã lưu: tập thay đổi \d+ \(P07\)"))).to_be_visible(timeout=60_000)
    typed = "Nhà đầu tư B [SYNTHETIC]"
    p2.get_by_label(field("investor"), exact=True).fill(typed)
    p2.get_by_label(field("notes"), exact=True).fill("ghi chú của binh")
    type_in(p2.get_by_label(t("ed_reason", "vi") + " *", exact=True), "sửa của binh")
    p2.get_by_role("button", name=t("ed_save", "vi"), exact=True).click()
    expect(p2.get_by_text(re.compile("ana đã sửa P07 sau khi bạn mở"))).to_be_visible(timeout=60_000)
    grid = p2.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    expect(p2.get_by_label(field("investor"), exact=True)).to_have_value(typed)  # nothing typed is lost
    expect(p2.get_by_label(field("notes"), exact=True)).to_have_value("ghi chú của binh")
    shot(second, "conflict")
    store = open_store(store_server.location)
    assert store.current(ids=["P07"])["P07"]["investor"] == "Nhà đầu tư A [SYNTHETIC]"  # not overwritten
    p2.get_by_role("button", name=t("ed_choose_merge", "vi")).click()  # investor: "mine" is the default pick
    expect(p2.get_by_text(re.compile(r"Đã lưu: tập thay đổi \d+ \(P07\)"))).to_be_visible(timeout=60_000)
    now = store.current(ids=["P07"])["P07"]
    assert (now["investor"], now["notes"]) == (typed, "ghi chú của binh")


def test_an_upload_preview_lists_the_right_counts_and_its_commit_is_in_the_history(store_server, session, tmp_path):
    store = open_store(store_server.location)
    current = store.load().sort_values("id")
    rows = current.head(5)
    table = pd.DataFrame({"id": rows["id"], "name_vi": rows["name_vi"], "sector": rows["sector"],
                          "status": rows["status"], "investor": rows["investor"],
                          "lon": rows.geometry.x.round(6), "lat": rows.geometry.y.round(6),
                          "location_confidence": rows["location_confidence"], "sources": rows["sources"]})
    table.loc[table.index[0], "investor"] = "Nhà đầu tư mới [SYNTHETIC]"
    table.loc[table.index[1], "investor"] = "Nhà đầu tư khác [SYNTHETIC]"
    new = {"id": "P90", "name_vi": "Dự án tải lên [SYNTHETIC]", "sector": "mining", "status": "planned",
           "investor": None, "lon": 106.95, "lat": 16.7, "location_confidence": "low", "sources": "KL11"}
    table = pd.concat([table, pd.DataFrame([new])], ignore_index=True)
    path = tmp_path / "cap_nhat.csv"
    table.to_csv(path, index=False)
    page = session()
    open_app(page, store_server)
    sign_in(page, "ana")
    expect(page.get_by_text(t("ed_signed_in", "vi", name="ana"))).to_be_visible()
    open_tab(page, t("upload", "vi"))
    page.locator("input[type=file]").set_input_files(str(path))
    panel = page.locator("[role=tabpanel]:visible")
    absent = len(current) - 5
    expected = t("ed_preview_counts", "vi", new=1, changed=2, unchanged=3 - 1, absent=absent).replace("**", "")
    # geometry rounding may count as a change: wait for the final text, then read the counts
    summary = panel.get_by_text(re.compile(r"^Xem trước: "))
    expect(summary).to_be_visible(timeout=60_000)
    expect(summary).to_have_text(re.compile(r"1 mới, \d+ thay đổi, \d+ không đổi, " + str(absent) + " không có"))
    text = summary.inner_text()
    changed, unchanged = (int(v) for v in re.findall(r"(\d+) (?:thay đổi|không đổi)", text))
    assert changed + unchanged == 5 and changed >= 2, (text, expected)
    type_in(panel.get_by_label(t("ed_reason", "vi") + " *", exact=True), "số liệu Sở KH&ĐT (thử)")
    shot(page, "upload_preview")
    panel.get_by_role("button", name=t("ed_commit", "vi")).click()
    committed = panel.get_by_text(re.compile(r"Đã ghi vào sổ: tập thay đổi (\d+)\."))
    expect(committed).to_be_visible(timeout=60_000)
    ident = int(re.search(r"(\d+)\.", committed.inner_text()).group(1))
    cs = store.changeset(ident)
    assert (cs.author, cs.reason, cs.source_name, cs.n_new, cs.n_changed) == (
        "ana", "số liệu Sở KH&ĐT (thử)", "cap_nhat.csv", 1, changed)
    open_tab(page, t("tab_history", "vi"))
    history = page.locator("[role=tabpanel]:visible")
    choose(page, t("ed_show_set", "vi"), str(ident))  # the list shows it; its changes and Revert below
    expect(history.get_by_role("button", name=t("ed_revert", "vi", id=ident))).to_be_visible(timeout=30_000)
    shot(page, "history")


def test_an_editor_drags_the_opened_projects_marker_and_saves_the_moved_point(store_server, session):
    import shapely

    page = session()
    open_app(page, store_server)
    sign_in(page, "ana")
    expect(page.get_by_text(t("ed_signed_in", "vi", name="ana"))).to_be_visible()
    store = open_store(store_server.location)
    was = shapely.from_wkb(store.current(ids=["P11"])["P11"]["geometry"])
    panel = _open_record(page, "P11")
    opened_lon = panel.get_by_label(t("ed_lon", "vi"), exact=True).input_value()
    assert abs(float(opened_lon) - was.x) < 1e-5
    open_tab(page, t("tab_map", "vi"))
    frame = map_frame(page)
    marker = "(() => { let m = null; window.map.eachLayer(l => { if (l.options && l.options.draggable) m = l; });" \
             " return m; })()"
    frame.wait_for_function(f"() => {marker} !== null", timeout=30_000)
    frame.evaluate(f"() => {{ window.map.setView({marker}.getLatLng(), 13, {{animate: false}}); }}")
    x, y = frame.evaluate(f"() => {{ const p = window.map.latLngToContainerPoint({marker}.getLatLng());"
                          " return [p.x, p.y]; }")
    page.locator("iframe[title*='st_folium']").scroll_into_view_if_needed()
    box = page.locator("iframe[title*='st_folium']").bounding_box()
    start = (box["x"] + x, box["y"] + y - 12)  # on the pin, above its tip
    page.mouse.move(*start)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(start[0] + 12 * step, start[1] + 8 * step)
    page.mouse.up()
    to_lon, to_lat = frame.evaluate(f"() => {{ const p = {marker}.getLatLng(); return [p.lng, p.lat]; }}")
    assert to_lon > was.x and to_lat < was.y  # dragged east and south
    # The map sends the dragged point with a rerun; switching tabs before that rerun ends can lose it.
    try:  # wait for that rerun to start (it may already be over: then the tab switch below is safe)
        page.wait_for_function(SCRIPT_STATE, arg="running", timeout=5_000, polling=50)
    except PlaywrightTimeout:
        pass
    panel = edit_tab(page)
    expect(panel.get_by_label(t("ed_lon", "vi"), exact=True)).to_have_value(f"{to_lon:.6f}", timeout=30_000)
    expect(panel.get_by_label(t("ed_lat", "vi"), exact=True)).to_have_value(f"{to_lat:.6f}")
    type_in(panel.get_by_label(t("ed_reason", "vi") + " *", exact=True), "dời vị trí theo bản đồ (thử)")
    shot(page, "dragged")
    panel.get_by_role("button", name=t("ed_save", "vi"), exact=True).click()
    expect(panel.get_by_text(re.compile(r"Đã lưu: tập thay đổi \d+ \(P11\)"))).to_be_visible(timeout=60_000)
    now = shapely.from_wkb(store.current(ids=["P11"])["P11"]["geometry"])
    assert abs(now.x - to_lon) < 1e-6 and abs(now.y - to_lat) < 1e-6, (now, to_lon, to_lat)
    history = subprocess.run([sys.executable, "-m", "geo", "history", "--store", store_server.location, "--id", "P11"],
                             cwd=ROOT, capture_output=True, text=True, timeout=120, env=dict(os.environ))
    assert history.returncode == 0, history.stderr
    assert "ana" in history.stdout and "dời vị trí theo bản đồ (thử)" in history.stdout, history.stdout
    assert re.search(r"geometry", history.stdout), history.stdout
