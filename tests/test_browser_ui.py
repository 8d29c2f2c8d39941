"""A map a planner trusts at a laptop's 1366×768: clicks land where aimed, stacks open, controls stay reachable.

Debian's Chromium through Playwright against the app the tests start; every non-local
request is blocked. The map is partly below the fold in these windows.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from bench.appserver import ARTIFACTS, SCRIPT_STATE, open_tab
from geo.i18n import t
from geo.register import load_register

pytestmark = pytest.mark.browser

FRAME = "iframe[title*='st_folium']"
LAPTOP = {"width": 1366, "height": 657}  # a 1366×768 screen less Chromium's toolbars and the taskbar


@pytest.fixture()
def laptop(browser):
    """The page of a 1366×768 laptop's browser, offline."""
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    local = ("http://127.0.0.1", "http://localhost", "file:", "data:", "blob:", "about:")
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(local) else r.abort())
    yield page
    context.close()


def open_map(page, url, points=True):
    page.goto(url)
    page.wait_for_selector(FRAME, timeout=30_000)
    page.frame_locator(FRAME).locator(".leaflet-container").wait_for(timeout=30_000)
    frame = next(f for f in page.frames if "st_folium" in f.url)
    frame.wait_for_function("() => window.map && window.qtmap && window.feature_group && window.layer_control",
                            timeout=30_000)
    if points:
        frame.wait_for_function("() => window.qtmap.count(window.map) > 0", timeout=30_000)
        frame.wait_for_selector(".qtmap-legend")
    return frame


def map_box(page):
    return page.frame_locator(FRAME).locator(".leaflet-container").bounding_box()


def screen_point(page, frame, lat, lon):
    """Where (lat, lon) is on the page, in page coordinates."""
    x, y = frame.evaluate(f"() => {{ const p = window.map.latLngToContainerPoint([{lat}, {lon}]);"
                          " return [p.x, p.y]; }")
    box = map_box(page)
    return box["x"] + x, box["y"] + y


def names(ids, lang="vi"):
    projects = load_register().set_index("id")
    return [projects.loc[i, "name_vi" if lang == "vi" else "name_en"] for i in ids]


def stack_of_three():
    """The projects that share one position (the bundled register has three at Quán Ngang)."""
    p = load_register()
    p = p[p.geometry.notna()]
    key = p.geometry.x.round(6).astype(str) + "," + p.geometry.y.round(6).astype(str)
    sizes = key.value_counts()
    spot = sizes.index[0]
    assert sizes.iloc[0] >= 3
    rows = p[key == spot]
    return float(rows.geometry.y.iloc[0]), float(rows.geometry.x.iloc[0]), list(rows["id"])


def test_one_click_on_a_stack_reaches_every_project(server, laptop):
    page = laptop
    frame = open_map(page, f"{server.url}/?lang=en")
    lat, lon, ids = stack_of_three()
    frame.evaluate(f"() => {{ window.map.setView([{lat}, {lon}], 13, {{animate: false}}); }}")
    assert frame.locator(".qtmap-stack span").first.inner_text() == str(len(ids))  # the symbol says "several"
    page.locator(FRAME).scroll_into_view_if_needed()
    x, y = screen_point(page, frame, lat, lon)
    page.mouse.click(x, y)
    page.screenshot(path=str(ARTIFACTS / "stack_click.png"))
    items = frame.locator(".qtmap-stack-item b")
    items.first.wait_for()
    assert sorted(items.all_inner_texts()) == sorted(names(ids, "en"))
    page.screenshot(path=str(ARTIFACTS / "stack_en.png"))
    for name in names(ids, "en"):
        frame.locator(".qtmap-stack-item", has_text=name).click()
        assert frame.locator(".qtmap-popup h4").inner_text() == name
        frame.locator(".qtmap-stack-back").click()
        items.first.wait_for()


def test_a_click_on_a_visible_project_opens_it_without_scrolling_the_page(server, laptop):
    page = laptop
    frame = open_map(page, f"{server.url}/?lang=en&sector=electricity")
    box = map_box(page)
    assert box["y"] + box["height"] > LAPTOP["height"]  # the map runs below the fold, as on a laptop
    p = load_register()
    row = p[(p["sector"] == "electricity") & p.geometry.notna()].iloc[0]
    lat, lon = row.geometry.y, row.geometry.x
    # Put the project in the visible top part of the map, then click it as a user would.
    frame.evaluate(f"""() => {{ const m = window.map, z = 12;
        const c = m.unproject(m.project([{lat}, {lon}], z).add([0, 150]), z);
        m.setView(c, z, {{animate: false}}); }}""")
    x, y = screen_point(page, frame, lat, lon)
    assert y < LAPTOP["height"] - 20
    before = page.evaluate("() => document.querySelector('section.stMain, .main, [data-testid=stMain]').scrollTop")
    page.mouse.click(x, y)
    frame.locator(".qtmap-popup h4").wait_for(timeout=10_000)
    assert frame.locator(".qtmap-popup h4").inner_text() == row["name_en"]
    after = page.evaluate("() => document.querySelector('section.stMain, .main, [data-testid=stMain]').scrollTop")
    assert after == before


CLICKABLE = """() => {
  const ctl = document.querySelector('.leaflet-control-layers');
  const labels = Array.from(ctl.querySelectorAll('label'));
  return labels.map(l => { const r = l.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + Math.min(r.width / 2, 30), r.top + r.height / 2);
    return [l.textContent.trim(), r.height > 0 && l.contains(hit)]; });
}"""


@pytest.mark.parametrize("legend_open", [True, False])
def test_every_layer_control_entry_is_clickable(server, laptop, legend_open):
    page = laptop
    frame = open_map(page, server.url)
    legend = frame.locator(".qtmap-legend")
    if ("qtmap-legend-closed" in legend.get_attribute("class")) == legend_open:
        frame.locator(".qtmap-legend-head").click()
    assert ("qtmap-legend-closed" in legend.get_attribute("class")) != legend_open
    frame.locator(".leaflet-control-layers").hover()
    frame.locator(".leaflet-control-layers-expanded").wait_for()
    frame.wait_for_function("() => { const c = document.querySelector('.leaflet-control-layers-expanded');"
                            " const l = document.querySelector('.qtmap-legend');"
                            " return c.getBoundingClientRect().bottom <= l.getBoundingClientRect().top; }")
    entries = frame.evaluate(CLICKABLE)
    assert len(entries) >= 12
    assert [name for name, ok in entries if not ok] == []
    page.screenshot(path=str(ARTIFACTS / f"layer_control_legend_{'open' if legend_open else 'closed'}.png"))


def test_a_layer_switched_off_stays_off_after_a_filter_change(server, laptop):
    page = laptop
    frame = open_map(page, f"{server.url}/?lang=en")
    frame.locator(".leaflet-control-layers").hover()
    frame.locator(".leaflet-control-layers-overlays label", has_text="Projects").locator("input").click()
    frame.wait_for_function("() => window.qtmap.count(window.map) === 0")
    page.mouse.move(5, 5)
    page.get_by_test_id("stMultiSelect").first.click()
    page.keyboard.type("Electricity")
    page.get_by_role("option", name="Electricity", exact=True).click()
    page.keyboard.press("Escape")
    page.wait_for_function("() => location.search.includes('sector=electricity')")
    p = load_register()
    electricity = int(((p["sector"] == "electricity") & p.geometry.notna()).sum())
    # The new project group (electricity only) has arrived, and it is listed but not on the map.
    frame.wait_for_function("""(n) => { const obj = (window.layer_control._layers || [])
        .find(o => o.overlay && o.name.includes('Projects'));
      if (!obj) return false; let pts = 0;
      obj.layer.eachLayer(l => { if (l._qtmapPoints !== undefined) pts += l._qtmapPoints; });
      return pts === n && !window.map.hasLayer(obj.layer); }""", arg=electricity)
    label = frame.locator(".leaflet-control-layers-overlays label", has_text="Projects")
    assert not label.locator("input").is_checked()
    assert frame.evaluate("() => window.qtmap.count(window.map)") == 0


@pytest.mark.parametrize("query", [
    "years=2000-2011", "year=abc&lang=xx", "sector=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&zone=..%2F..",
    "view=91,500,99&q=%00%E2%80%AE" + "x" * 300, "district=,,,&status=-1&years=9999999999999999999-1",
])
def test_a_malformed_link_still_renders_the_page(server, laptop, query):
    page = laptop
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_map(page, f"{server.url}/?{query}", points=False)
    assert page.get_by_test_id("stException").count() == 0
    assert page.get_by_role("heading", level=1).inner_text() in ("Bản đồ quy hoạch công nghiệp tỉnh Quảng Trị",
                                                                 "Quảng Trị industrial planning map")
    assert dialogs == []


def test_a_png_downloaded_after_zooming_shows_the_zoomed_view(server, laptop, tmp_path):
    import numpy as np
    from PIL import Image

    from geo.export import ExportOptions, export_map
    from geo.filters import Filters

    page = laptop
    frame = open_map(page, f"{server.url}/?lang=en")

    def idle():  # a rerun (the map reports each move) replaces the download buttons: click between reruns
        page.wait_for_function(SCRIPT_STATE, arg="notRunning")

    def download(name):
        open_tab(page, "Download map and data")  # (it waits for the script to be idle first)
        idle()
        with page.expect_download(timeout=120_000) as info:
            page.get_by_role("button", name="PNG image (A4, 300 dpi)").click()
        info.value.save_as(tmp_path / name)
        open_tab(page, "Map")
        return np.asarray(Image.open(tmp_path / name).convert("L"), dtype=float)

    province = download("province.png")
    frame.evaluate("() => { window.map.setView([16.82, 107.1], 12, {animate: false}); }")
    page.wait_for_function("() => location.search.includes('view=16.82')")
    bounds = frame.evaluate("() => { const b = window.map.getBounds();"
                            " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }")
    zoomed = download("zoomed.png")
    assert np.mean(np.abs(zoomed - province) > 40) > 0.05  # another map, not the province again
    export_map(tmp_path / "expected.png", load_register(), Filters(), ExportOptions(lang="en", bbox=tuple(bounds)))
    expected = np.asarray(Image.open(tmp_path / "expected.png").convert("L"), dtype=float)
    assert np.mean(np.abs(zoomed - expected) > 40) < 0.01  # the sheet of exactly that view


def _overlapping(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_map_labels_are_thinned_by_priority_and_come_back_when_zoomed_in(server, laptop):
    page = laptop
    frame = open_map(page, server.url)
    frame.wait_for_function("() => window.qtmap.labels(window.map).length > 10")
    frame.evaluate("() => window.qtmap.declutter(window.map)")
    labels = frame.evaluate("() => window.qtmap.labels(window.map)")
    shown = [lab for lab in labels if not lab["hidden"] and lab["box"][2] > lab["box"][0]]
    hidden = [lab for lab in labels if lab["hidden"]]
    # No two labels on screen overlap.
    clashes = [(a["text"], b["text"]) for i, a in enumerate(shown) for b in shown[i + 1:]
               if _overlapping(a["box"], b["box"])]
    assert not clashes, clashes
    # At the province view the crowded names around Đông Hà give way, each to a label of higher or equal rank.
    assert hidden, [lab["text"] for lab in labels]
    for lab in hidden:
        pad = [lab["box"][0] - 2, lab["box"][1] - 2, lab["box"][2] + 2, lab["box"][3] + 2]
        assert any(_overlapping(pad, s["box"]) and s["prio"] <= lab["prio"] for s in shown), lab["text"]
    assert all(lab["prio"] > 0 for lab in hidden) or not [s for s in shown if s["prio"] > 0]
    # Zoomed in on Đông Hà, labels hidden there before have room again.
    before = {lab["text"] for lab in hidden}
    frame.evaluate("() => { window.map.setView([16.81, 107.1], 13, {animate: false}); }")
    frame.wait_for_function("""(before) => window.qtmap.labels(window.map).some(
        (l) => before.includes(l.text) && !l.hidden && l.box[2] > l.box[0])""", arg=sorted(before))


# English words that must not show in the Vietnamese interface: the English side of every catalog entry whose
# Vietnamese differs (three words or more, so names and codes shared by both languages do not count), and
# Streamlit's own widget texts.
STREAMLIT_ENGLISH = ("Choose an option", "Drag and drop file here", "Browse files", "No results", "Press Enter")


def _english_texts():
    from geo.i18n import catalog

    out = set(STREAMLIT_ENGLISH)
    for entry in catalog().values():
        if entry.domain in ("app", "ui"):
            for en in entry.en:
                plain = en.split("{")[0].strip(" :.,(")
                if len(plain.split()) >= 3 and plain not in entry.vi[0]:
                    out.add(plain)
    return sorted(out)


def test_vietnamese_interface_shows_no_english_in_any_tab(server, laptop):
    page = laptop
    frame = open_map(page, server.url)
    english = _english_texts()
    assert len(english) > 50
    found = {}
    tabs = [t("tab_map", "vi"), t("stats", "vi"), t("upload", "vi"), t("downloads", "vi")]
    for name in tabs:
        open_tab(page, name)
        page.wait_for_function(SCRIPT_STATE, arg="notRunning")
        text = page.evaluate("() => document.body.innerText") + "\n" + frame.evaluate("() => document.body.innerText")
        hits = [e for e in english if e in text]
        if hits:
            found[name] = hits
    assert not found, found


def test_a_search_without_diacritics_lists_the_park(server, laptop):
    page = laptop
    open_map(page, server.url)
    box = page.get_by_role("textbox", name=t("filter_search", "vi"))
    box.fill("quan ngang")
    box.press("Enter")
    expect(page.get_by_role("button", name=re.compile("Khu công nghiệp Quán Ngang"))).to_be_visible()
