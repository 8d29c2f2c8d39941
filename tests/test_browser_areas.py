"""Drawing a cluster's footprint in Chromium (offline, a fresh store): Leaflet.draw served by the app, saved, seen.

A signed-in editor picks a cluster in the Edit tab's area mode, draws its footprint with the
rectangle tool and saves it with a reason; another session then sees the footprint on its map,
and ``python -m geo history`` lists the change under the editor's name and reason.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from bench.appserver import ARTIFACTS, MAP_IFRAME, ROOT, StreamlitServer, map_frame, open_tab, sign_in, wait_quiet
from geo.i18n import t
from geo.store import open_store
from geo.users import StoreAccounts

pytestmark = pytest.mark.browser

PASSWORD = "mật khẩu thử 2026"  # [SYNTHETIC]
LOCAL = ("http://127.0.0.1", "http://localhost", "file:", "data:", "blob:", "about:")
# The rectangle drawn around the Cam Hiếu cluster's point (107.03, 16.81): south-west and north-east. [SYNTHETIC]
SW, NE = (16.800, 107.020), (16.818, 107.042)


@pytest.fixture(scope="module")
def store_server(tmp_path_factory):
    location = str(tmp_path_factory.mktemp("areas") / "register.gpkg")
    StoreAccounts(open_store(location)).add("ana", PASSWORD)
    with StreamlitServer(env={"QTMAP_STORE": location}) as server:
        server.location = location
        yield server


@pytest.fixture()
def session(browser):
    """Offline browser sessions; every request that would leave localhost is recorded and refused."""
    contexts, outside = [], []

    def route(r):
        if r.request.url.startswith(LOCAL):
            return r.continue_()
        outside.append(r.request.url)
        return r.abort()

    def new():
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.route("**/*", route)
        contexts.append(context)
        return context.new_page()

    yield new
    for context in contexts:
        context.close()
    assert outside == [], f"requests left localhost: {outside}"


# How many rectangles the map holds is ARG (the drawn footprint, once drawn).
RECTANGLES = "(n) => { let k = 0; window.map.eachLayer(l => { if (l instanceof L.Rectangle) k++; }); return k === n; }"
# What the map looked like when a drawing was not seen: its size, its layers, and the script's state.
DRAW_STATE = """() => { let r = 0, n = 0; window.map.eachLayer(l => { n++; if (l instanceof L.Rectangle) r++; });
  const s = window.map.getSize(), c = window.map.getContainer().getBoundingClientRect();
  return {size: [s.x, s.y], container: [c.width, c.height], layers: n, rectangles: r, zoom: window.map.getZoom(),
          script: window.parent.document.querySelector('[data-testid=stApp]').getAttribute('data-test-script-state')};
}"""


def _container_point(frame, lat, lon):
    return frame.evaluate(f"() => {{ const p = window.map.latLngToContainerPoint([{lat}, {lon}]);"
                          " return [p.x, p.y]; }")


def test_an_editor_draws_a_clusters_footprint_and_another_session_sees_it(store_server, session):
    page = session()
    page.goto(store_server.url)
    map_frame(page)
    sign_in(page, "ana", PASSWORD)
    expect(page.get_by_text(t("ed_signed_in", "vi", name="ana"))).to_be_visible()
    open_tab(page, t("tab_edit", "vi"))
    panel = page.locator("[role=tabpanel]:visible")
    panel.get_by_text(t("ed_mode_area", "vi"), exact=True).click()
    page.get_by_role("combobox", name=t("ar_record", "vi")).click()
    page.keyboard.type("Cam Hiếu")
    page.get_by_role("option", name=re.compile("Cam Hiếu")).click()
    expect(panel.get_by_label(t("field_area_ha", "vi"), exact=True)).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "edit_area.png"), full_page=True)

    open_tab(page, t("tab_map", "vi"))  # draw on the map, save in the Edit tab
    frame = map_frame(page)
    rectangle = frame.locator(".leaflet-draw-draw-rectangle")  # the draw tools, from the app's static route
    expect(rectangle).to_have_attribute("title", t("ar_draw_rectangle", "vi"))
    frame.evaluate(f"() => {{ window.map.fitBounds([[{SW[0]}, {SW[1]}], [{NE[0]}, {NE[1]}]], "
                   "{padding: [120, 120], animate: false}); }")
    wait_quiet(page)  # the move's rerun (streamlit-folium reports the new view) is over before the drawing starts
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    box = page.locator(MAP_IFRAME).bounding_box()
    (x0, y0), (x1, y1) = _container_point(frame, *SW), _container_point(frame, *NE)
    rectangle.click()
    # Drag as a hand does: the areas' canvas renderer passes on at most one mousemove per 32 ms, so a drag of
    # two instant moves can reach Leaflet.draw as a press and a release with no move between (no rectangle).
    page.mouse.move(box["x"] + x0, box["y"] + y0)
    page.mouse.down()
    for k in range(1, 9):
        page.wait_for_timeout(40)
        page.mouse.move(box["x"] + x0 + (x1 - x0) * k / 8, box["y"] + y0 + (y1 - y0) * k / 8)
    page.wait_for_timeout(40)
    page.mouse.up()
    try:
        frame.wait_for_function(RECTANGLES, arg=1, timeout=30_000)
    except PlaywrightTimeout:
        page.screenshot(path=str(ARTIFACTS / "edit_draw_lost.png"), full_page=True)
        raise AssertionError(f"the drawn rectangle never appeared: iframe {box}, points {(x0, y0, x1, y1)}, "
                             f"map {frame.evaluate(DRAW_STATE)}") from None
    page.screenshot(path=str(ARTIFACTS / "edit_draw.png"), full_page=True)
    open_tab(page, t("tab_edit", "vi"))
    panel = page.locator("[role=tabpanel]:visible")
    expect(panel.get_by_text(t("ar_draw_hint", "vi", n=1))).to_be_visible(timeout=30_000)
    reason = panel.get_by_label(t("ed_reason", "vi") + " *", exact=True)
    reason.fill("vẽ theo quy hoạch (thử)")
    reason.press("Enter")
    expect(page.get_by_text("Press Enter to apply")).to_have_count(0)
    panel.get_by_role("button", name=t("ar_save_drawing", "vi"), exact=True).click()
    expect(panel.get_by_text(re.compile(r"Đã lưu: tập thay đổi \d+ \(ccn_cam_hieu\)"))).to_be_visible(
        timeout=60_000)

    rec = open_store(store_server.location).current_areas(ids=["ccn_cam_hieu"])["ccn_cam_hieu"]
    assert rec["geometry_quality"] == "approximate"  # a drawn footprint: approximate unless the editor says surveyed
    other = session()  # another, anonymous session draws the new footprint on its map
    other.goto(store_server.url)
    frame2 = map_frame(other)
    found = frame2.wait_for_function(
        """([s, w, n, e]) => { let hit = null; window.map.eachLayer(l => {
             if (l.getBounds && !l.getLatLng && l.getLatLngs) { const b = l.getBounds();
               if (Math.abs(b.getSouth() - s) < 2e-3 && Math.abs(b.getWest() - w) < 2e-3
                   && Math.abs(b.getNorth() - n) < 2e-3 && Math.abs(b.getEast() - e) < 2e-3) { hit = true; } } });
           return hit; }""", arg=[SW[0], SW[1], NE[0], NE[1]], timeout=30_000)
    assert found.json_value()
    history = subprocess.run([sys.executable, "-m", "geo", "history", "--store", store_server.location], cwd=ROOT,
                             capture_output=True, text=True, timeout=120, env=dict(os.environ))
    assert history.returncode == 0, history.stderr
    assert re.search(r"^\d+  \S+  ana  edit  .*vẽ theo quy hoạch \(thử\)", history.stdout, re.M), history.stdout

