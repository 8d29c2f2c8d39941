"""What only a browser shows: the map renders offline, URL filters, the view survives a filter, no XSS.

Each test drives Debian's Chromium (headless, through Playwright) against a Streamlit
server the tests start; every request that is not local is blocked.
"""

from __future__ import annotations

import pytest
from conftest import ARTIFACTS, StreamlitServer

from geo.register import load_register

pytestmark = pytest.mark.browser

EVIL = "<img src=x onerror=alert(1)>"

# JS run inside the map's iframe: how many project markers are on the map.
COUNT_PROJECTS = """() => {
  let n = 0;
  (window.feature_group || []).forEach(g => {
    if (!window.map.hasLayer(g)) return;
    g.eachLayer(l => { if (l.eachLayer) { l.eachLayer(m => { if (m._qtmapRow !== undefined) n += 1; }); } });
  });
  return n;
}"""


def map_frame(page, timeout: float = 30_000):
    """Wait for the st_folium iframe to draw the map; return its frame."""
    page.wait_for_selector("iframe[title*='st_folium']", timeout=timeout)
    frame = page.frame_locator("iframe[title*='st_folium']")
    frame.locator(".leaflet-container").wait_for(timeout=timeout)
    handle = next(f for f in page.frames if "st_folium" in f.url)
    handle.wait_for_function("() => window.map && window.feature_group && window.feature_group.length > 0",
                             timeout=timeout)
    return handle


def located(sector: str | None = None) -> int:
    projects = load_register()
    if sector:
        projects = projects[projects["sector"] == sector]
    return int(projects.geometry.notna().sum())


def test_map_renders_offline_with_every_layer(server, offline_page):
    page = offline_page
    page.goto(server.url)
    frame = map_frame(page)
    frame.wait_for_function(f"({COUNT_PROJECTS})() === {located()}")
    overlays = frame.evaluate("() => Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))"
                              ".map(l => l.textContent.trim())")
    for name in ("Quốc lộ", "Khu công nghiệp", "Khu kinh tế", "Cụm công nghiệp, làng nghề", "Cảng, cửa khẩu",
                 "Huyện lỵ (2011)", "Dự án"):
        assert name in overlays
    labels = frame.evaluate("() => Array.from(document.querySelectorAll('.qtmap-label')).map(l => l.textContent)")
    assert "KCN Quán Ngang" in labels and "KCN Nam Đông Hà" in labels
    assert frame.locator(".qtmap-legend").inner_text().count("(") >= 3  # categories with counts
    page.screenshot(path=str(ARTIFACTS / "app_vi.png"))
    assert page.blocked == []  # nothing was even requested from outside


def test_url_filter_shows_only_electricity_projects(server, offline_page):
    page = offline_page
    page.goto(f"{server.url}/?lang=en&sector=electricity")
    frame = map_frame(page)
    expected = located("electricity")
    assert 0 < expected < located()
    frame.wait_for_function(f"({COUNT_PROJECTS})() === {expected}")
    legend = frame.locator(".qtmap-legend").inner_text()
    assert "Electricity" in legend and "Mining" not in legend
    page.screenshot(path=str(ARTIFACTS / "app_en_electricity.png"))


def test_changing_a_filter_keeps_the_view_and_the_map(server, offline_page):
    page = offline_page
    page.goto(f"{server.url}/?lang=en")
    frame = map_frame(page)
    frame.wait_for_function(f"({COUNT_PROJECTS})() === {located()}")
    frame.evaluate("() => { window.map.setView([16.88, 107.1], 13, {animate: false}); window.__kept = 'yes'; }")
    page.get_by_test_id("stMultiSelect").first.click()
    page.keyboard.type("Electricity")
    page.get_by_role("option", name="Electricity", exact=True).click()
    page.keyboard.press("Escape")
    frame.wait_for_function(f"({COUNT_PROJECTS})() === {located('electricity')}", timeout=30_000)
    page.wait_for_timeout(500)
    view = frame.evaluate("() => [window.map.getZoom(), window.map.getCenter().lat, window.map.getCenter().lng,"
                          " window.__kept]")
    assert view[0] == 13 and abs(view[1] - 16.88) < 1e-6 and abs(view[2] - 107.1) < 1e-6
    assert view[3] == "yes"  # the iframe was not reloaded
    assert page.url.endswith("sector=electricity")


def test_project_named_like_html_shows_as_text_and_runs_nothing(tmp_path, offline_page):
    register = tmp_path / "evil.csv"
    register.write_text(
        "id,name_vi,sector,status,investor,lon,lat,location_confidence,sources\n"
        f'X1,"{EVIL}",electricity,operating,"{EVIL}",106.8,16.98,high,KL11\n', encoding="utf-8")
    evil_server = StreamlitServer(register)
    try:
        page = offline_page
        page.goto(evil_server.url)
        frame = map_frame(page)
        frame.wait_for_function(f"({COUNT_PROJECTS})() === 1")
        # A real user's hover and click on the marker (drawn on canvas), at its screen position. The map is
        # scrolled fully into view first: focusing a half-hidden map scrolls the page between mousedown and up.
        page.locator("iframe[title*='st_folium']").scroll_into_view_if_needed()
        x, y = frame.evaluate("""() => { window.map.setView([16.98, 106.8], 12, {animate: false});
            const p = window.map.latLngToContainerPoint([16.98, 106.8]); return [p.x, p.y]; }""")
        box = page.frame_locator("iframe[title*='st_folium']").locator(".leaflet-container").bounding_box()
        page.mouse.move(box["x"] + x, box["y"] + y)
        frame.locator(".qtmap-tip").wait_for(timeout=10_000)
        page.mouse.click(box["x"] + x, box["y"] + y)
        frame.locator(".qtmap-popup").wait_for(timeout=10_000)
        assert frame.locator(".qtmap-popup h4").inner_text() == EVIL
        assert EVIL in frame.locator(".qtmap-tip").inner_text()
        assert frame.locator(".leaflet-popup img, .leaflet-tooltip img").count() == 0
        page.wait_for_timeout(500)
        assert page.dialogs == []
    finally:
        evil_server.stop()


def test_download_panel_gives_the_current_view(server, offline_page, tmp_path):
    page = offline_page
    page.goto(f"{server.url}/?lang=en&sector=electricity")
    map_frame(page)
    page.get_by_role("tab", name="Download map and data").click()
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="PNG image (A4, 300 dpi)").click()
    png = tmp_path / "map.png"
    info.value.save_as(png)
    from PIL import Image

    assert Image.open(png).size == (3508, 2480)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="CSV").click()
    rows = (tmp_path / "x.csv")
    info.value.save_as(rows)
    import pandas as pd

    exported = pd.read_csv(rows, encoding="utf-8-sig")
    assert sorted(exported["id"]) == sorted(load_register().query("sector == 'electricity'")["id"])
