"""A record's popup links to its history (Chromium, offline, a fresh store): who, when, why, old → new.

The record has a hostile id and name (HTML, quotes, ``&`` and ``=``): the popup shows them as text,
the link carries the id URL-encoded, and the History view opened by the link lists that record's
change sets, for an anonymous session as for an editor; nothing runs.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from bench.appserver import ARTIFACTS, MAP_IFRAME, StreamlitServer, map_frame, open_tab, sign_in, wait_quiet
from bench.synth import synth_register, write_csv
from geo.i18n import t
from geo.store import open_store
from geo.users import StoreAccounts

pytestmark = pytest.mark.browser

EVIL_ID = 'X1"><img src=x onerror=alert(1)>&history=P01'  # [SYNTHETIC]
EVIL_NAME = "<img src=x onerror=alert(2)> Nhà máy ‘thử’ & <b>đậm</b> [SYNTHETIC]"
PASSWORD = "mật khẩu thử 2026"  # [SYNTHETIC]
LARGE = 10_000  # rows of the [SYNTHETIC] upload whose checking shows a progress bar
LON, LAT = 106.52, 17.18  # [SYNTHETIC] a spot no bundled project shares (no stacked popup)


@pytest.fixture(scope="module")
def history_server(tmp_path_factory):
    """A fresh store with one hostile record, added and then corrected by "ana" with a reason."""
    import shapely

    location = str(tmp_path_factory.mktemp("history") / "register.gpkg")
    store = open_store(location)
    base = next(iter(store.current().values()))
    record = {k: v for k, v in base.items() if k not in ("version", "retired")}
    record.update(id=EVIL_ID, name_vi=EVIL_NAME, name_en=None, investor="Cũ <i>A</i> [SYNTHETIC]",
                  geometry=shapely.Point(LON, LAT).wkb_hex)
    store.add(record, by="ana", reason="thêm <script>alert(3)</script> (thử)")
    store.edit(EVIL_ID, {"investor": "Mới <i>B</i> [SYNTHETIC]"}, by="binh", reason="giấy phép 2026 & sửa (thử)")
    StoreAccounts(store).add("ana", PASSWORD)
    with StreamlitServer(env={"QTMAP_STORE": location}) as server:
        server.location = location
        yield server


def open_popup(page, frame):
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    x, y = frame.evaluate(f"""() => {{ window.map.setView([{LAT}, {LON}], 14, {{animate: false}});
        const p = window.map.latLngToContainerPoint([{LAT}, {LON}]); return [p.x, p.y]; }}""")
    frame.wait_for_function("() => !window.qtmap.busy(window.map)", polling="raf")
    box = page.frame_locator(MAP_IFRAME).locator(".leaflet-container").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    expect(frame.locator(".qtmap-popup h4")).to_have_text(EVIL_NAME)


def test_a_popup_links_to_its_records_history(history_server, offline_page):
    page = offline_page
    page.goto(history_server.url)
    frame = map_frame(page)
    open_popup(page, frame)
    link = frame.locator(".qtmap-popup a.qtmap-history")
    expect(link).to_have_text(t("hi_popup_link", "vi"))
    query = parse_qs(urlparse(link.get_attribute("href")).query)
    assert query["history"] == [EVIL_ID], query  # the id travels encoded: its & and = split nothing
    expect(frame.locator(".leaflet-popup img")).to_have_count(0)

    link.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=30_000)
    expect(dialog).to_contain_text(t("hi_title", "vi", id=EVIL_ID))  # the id as text, not markup
    grid = dialog.get_by_test_id("stDataFrame")
    expect(grid).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "popup_history.png"), full_page=False)
    # The table is drawn on a canvas; its cells are also in the grid's accessible table (what a screen reader reads).
    cells = grid.locator("[role=gridcell]")
    expect(cells.first).to_be_attached()
    text = "\n".join(cells.all_text_contents())
    for wanted in ("binh", "ana", "giấy phép 2026 & sửa (thử)", "Cũ <i>A</i> [SYNTHETIC]", "Mới <i>B</i> [SYNTHETIC]"):
        assert wanted in text, (wanted, text[:2000])
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", text), text[:500]  # when
    expect(page.locator("[role=dialog] img")).to_have_count(0)
    assert page.dialogs == []  # nothing ran (no alert)
    # The History tab has the record picked; Revert stays for editors (this session is anonymous).
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    search = page.get_by_label(t("filter_search", "vi"), exact=True)  # a rerun: the dismissed dialog stays closed
    search.fill("khong co ten nay")
    search.press("Enter")
    expect(page.get_by_text(t("search_none", "vi", query="khong co ten nay"))).to_be_visible(timeout=30_000)
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile(t("ed_revert", "vi", id=1)[:8]))).to_have_count(0)


def test_a_history_link_opens_that_records_history(history_server, offline_page):
    page = offline_page
    page.goto(f"{history_server.url}/?history=" + "X1%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E%26history%3DP01")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=60_000)
    expect(dialog).to_contain_text(t("hi_title", "vi", id=EVIL_ID))
    expect(dialog.get_by_test_id("stDataFrame")).to_be_visible()
    assert page.dialogs == []
    page.goto(f"{history_server.url}/?history=NOPE")  # not a record: said, and nothing opens
    expect(page.get_by_text("history=NOPE")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_an_upload_merge_can_be_cancelled_without_writing_and_a_large_file_shows_progress(
        history_server, offline_page, tmp_path):
    store = open_store(history_server.location)
    before, absent = store.version(), len(store.current())
    path = write_csv(synth_register(LARGE, seed=29), tmp_path / "lon.csv")  # [SYNTHETIC] ids none of the store's
    page = offline_page
    page.goto(history_server.url)
    map_frame(page)
    sign_in(page, "ana", PASSWORD)
    expect(page.get_by_text(t("ed_signed_in", "vi", name="ana"))).to_be_visible()
    open_tab(page, t("upload", "vi"))
    page.locator("input[type=file]").set_input_files(str(path))
    panel = page.locator("[role=tabpanel]:visible")
    expect(panel.get_by_test_id("stProgress")).to_be_visible(timeout=60_000)  # the check's progress, as it runs
    expect(panel.get_by_text(re.compile(t("rd_up_reading", "vi", name="lon.csv")[:20]))).to_be_visible()
    counts = t("ed_preview_counts", "vi", new=LARGE, changed=0, unchanged=0, absent=absent).replace("**", "")
    expect(panel.get_by_text(counts)).to_be_visible(timeout=180_000)
    expect(panel.get_by_test_id("stProgress")).to_have_count(0)
    commit = panel.get_by_role("button", name=t("ed_commit", "vi"))
    expect(commit).to_be_enabled()
    panel.get_by_label(t("ed_reason", "vi") + " *", exact=True).fill("không gộp (thử)")
    panel.get_by_label(t("ed_reason", "vi") + " *", exact=True).press("Enter")
    expect(page.get_by_text("Press Enter to apply")).to_have_count(0)
    expect(panel.get_by_text(counts)).to_be_visible(timeout=60_000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    wait_quiet(page)  # the reason's rerun is over: the preview is drawn once
    expect(panel.get_by_role("button", name=t("hi_merge_cancel", "vi"), exact=True)).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / "merge_cancel.png"), full_page=True)
    panel.get_by_role("button", name=t("hi_merge_cancel", "vi"), exact=True).click()
    expect(panel.get_by_text(t("hi_merge_cancelled", "vi"))).to_be_visible(timeout=60_000)
    expect(panel.get_by_role("button", name=t("ed_commit", "vi"))).to_have_count(0)
    assert store.version() == before  # nothing written
    panel.get_by_role("button", name=t("hi_merge_again", "vi")).click()  # the same file's preview comes back
    expect(panel.get_by_text(counts)).to_be_visible(timeout=180_000)
    expect(panel.get_by_label(t("ed_reason", "vi") + " *", exact=True)).to_have_value("")
    assert store.version() == before
