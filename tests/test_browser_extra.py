"""In Chromium: an upload drawn as an extra layer shows in the map's legend (with its counts) and in the caption.

Drives Debian's Chromium through Playwright against the app (bench/appserver.py), offline; web-first waits
only. The upload is [SYNTHETIC]: made-up names at coordinates inside the province.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bench.appserver import ARTIFACTS, map_frame, open_tab, wait_map_idle
from geo.i18n import t
from geo.register import load_register

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)

UPLOAD = ("id,name_vi,sector,status,lon,lat\n"
          "U1,[SYNTHETIC] Nhà máy nước A,water,operating,107.10,16.80\n"
          "U2,[SYNTHETIC] Nhà máy nước B,water,planned,107.20,16.70\n"
          "U3,[SYNTHETIC] Điện mặt trời C,electricity,operating,106.90,16.75\n")


def test_an_uploaded_extra_layer_is_in_the_legend_and_the_caption(server, offline_page, tmp_path):
    page = offline_page
    path = tmp_path / "du_an_moi.csv"
    path.write_text(UPLOAD, encoding="utf-8")
    page.goto(f"{server.url}/?lang=en")
    frame = map_frame(page)
    wait_map_idle(frame, int(load_register().geometry.notna().sum()))
    open_tab(page, t("upload", "en"))
    page.locator("input[type=file]").set_input_files(str(path))
    expect(page.get_by_text(t("upload_ok", "en", n=3))).to_be_visible()
    title = t("layer_uploaded", "en", name="du_an_moi.csv")
    open_tab(page, t("tab_map", "en"))
    expect(page.get_by_text(t("extra_caption", "en", title=title, n=3, m=3))).to_be_visible()
    frame = map_frame(page)
    legend = frame.locator(".qtmap-legend-body")
    expect(legend.get_by_text(title, exact=True)).to_be_visible()
    section = legend.locator(".qtmap-legend-section", has_text=title)
    rows = section.locator("xpath=following-sibling::div[contains(@class,'qtmap-legend-item')]")
    expect(rows.nth(0)).to_have_text("Electricity (1)")
    expect(rows.nth(1)).to_have_text("Water supply (2)")
    expect(frame.locator(".leaflet-control-layers-overlays")).to_contain_text(title)  # its own switch
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "extra_layer_legend.png"))  # to look at
