"""What only a browser shows: the map renders offline and as before, URL filters, the view survives a filter, no XSS.

Each test drives Debian's Chromium (headless, through Playwright) against a Streamlit server the tests
start (bench/appserver.py); every request that is not local is blocked. Points are counted with
qtmap.js's public API (``qtmap.count(map)``, ``qtmap.busy(map)``), widgets are found by their label, and
waits are web-first (``expect(...)``, ``wait_for_function``), never fixed sleeps.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import expect

from bench.appserver import ARTIFACTS, MAP_IFRAME, SCRIPT_STATE, StreamlitServer, map_frame, open_tab, wait_map_idle
from geo.i18n import t
from geo.register import load_register
from geo.schema import label

pytestmark = pytest.mark.browser
expect.set_options(timeout=30_000)  # web-first assertions retry up to this long (2 cores shared with the server)

EVIL = "<img src=x onerror=alert(1)>"
BASELINES = Path(__file__).resolve().parent / "baselines"
# A pixel "differs" when one of its channels differs by more than PIXEL_TOLERANCE (of 255); the picture
# differs when more than AREA_TOLERANCE of its pixels do. Anti-aliasing and font hinting move a few edge
# pixels by one; hiding the district seats' labels changes 0.27 % of the map, hiding the project points 2.4 %.
PIXEL_TOLERANCE = 48
AREA_TOLERANCE = 0.001
# True when the element's box is where it was one animation frame ago (the page's layout has settled).
STILL = """(selector) => {
  const r = document.querySelector(selector).getBoundingClientRect(), box = [r.x, r.y, r.width, r.height].join();
  const same = window.__qtmapLastBox === box;
  window.__qtmapLastBox = box;
  return same;
}"""


def located(sector: str | None = None) -> int:
    projects = load_register()
    if sector:
        projects = projects[projects["sector"] == sector]
    return int(projects.geometry.notna().sum())


def choose_sector(page, lang: str, sector: str) -> None:
    """Pick ``sector`` in the sidebar's sector filter, found by its label, as a user would."""
    page.get_by_role("combobox", name=t("filter_sector", lang)).click()
    name = label("sector", sector, lang)
    page.keyboard.type(name)
    page.get_by_role("option", name=name, exact=True).click()
    page.keyboard.press("Escape")


def _worst_channel(a: Image.Image, b: Image.Image) -> Image.Image:
    channels = ImageChops.difference(a, b).split()
    worst = channels[0]
    for ch in channels[1:]:
        worst = ImageChops.lighter(worst, ch)
    return worst


def _nearest_difference(a: Image.Image, b: Image.Image) -> Image.Image:
    """Per pixel of ``a``: the smallest difference to ``b`` at the same place or one of its 8 neighbours."""
    best = None
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            worst = _worst_channel(a, ImageChops.offset(b, dx, dy))
            best = worst if best is None else ImageChops.darker(best, worst)
    return best


def image_difference(actual: Image.Image, expected: Image.Image) -> tuple[float, Image.Image]:
    """Share of pixels that differ, and an image marking them red.

    A pixel differs when one of its channels differs by more than PIXEL_TOLERANCE from the other image at
    the same place and at each of its 8 neighbours, looked at both ways (so a thin line or a label that
    is missing from either image counts): an edge drawn one pixel over does not count, a missing or
    moved symbol does.
    """
    a, e = actual.convert("RGB"), expected.convert("RGB")
    if a.size != e.size:
        return 1.0, a
    both = ImageChops.lighter(_nearest_difference(a, e), _nearest_difference(e, a))
    mask = both.point(lambda v: 255 if v > PIXEL_TOLERANCE else 0)
    share = mask.histogram()[255] / (a.size[0] * a.size[1])
    marked = Image.blend(a, Image.new("RGB", a.size, "white"), 0.6)
    marked.paste(Image.new("RGB", a.size, (255, 0, 0)), mask=mask)
    return share, marked


def assert_matches_baseline(png: bytes, name: str) -> None:
    """Compare a screenshot with tests/baselines/NAME; QTMAP_UPDATE_BASELINES=1 rewrites the baseline.

    On failure the screenshot and a diff image (differing pixels in red) are saved in tests/artifacts/.
    """
    baseline = BASELINES / name
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    actual_path = ARTIFACTS / name
    actual_path.write_bytes(png)
    if os.environ.get("QTMAP_UPDATE_BASELINES") == "1":
        BASELINES.mkdir(parents=True, exist_ok=True)
        baseline.write_bytes(png)
        return
    assert baseline.is_file(), f"no baseline {baseline}: run with QTMAP_UPDATE_BASELINES=1 and commit it"
    actual, expected = Image.open(actual_path), Image.open(baseline)
    assert actual.size == expected.size, f"screenshot {actual.size} != baseline {expected.size} ({actual_path})"
    share, marked = image_difference(actual, expected)
    diff_path = ARTIFACTS / name.replace(".png", ".diff.png")
    if share > AREA_TOLERANCE:
        marked.save(diff_path)
    assert share <= AREA_TOLERANCE, (f"{share:.3%} of pixels differ by more than {PIXEL_TOLERANCE}/255 from {baseline} "
                                     f"(allowed {AREA_TOLERANCE:.1%}); see {actual_path} and {diff_path}")


def test_image_difference_finds_a_changed_patch_and_ignores_faint_noise():
    base = Image.new("RGB", (200, 100), (240, 240, 230))
    faint = base.copy()
    faint.paste((240 + PIXEL_TOLERANCE // 2, 240, 230), (0, 0, 200, 100))  # every pixel, but faintly
    assert image_difference(faint, base)[0] == 0
    patch = base.copy()
    patch.paste((200, 30, 30), (10, 10, 20, 20))  # 100 of 20,000 pixels = 0.5 %
    share, marked = image_difference(patch, base)
    assert share == pytest.approx(100 / 20_000)
    assert marked.getpixel((15, 15)) == (255, 0, 0) and marked.getpixel((100, 50)) != (255, 0, 0)
    assert image_difference(base.resize((100, 100)), base)[0] == 1.0
    stripes = Image.new("RGB", (200, 100), "white")
    for x in range(0, 200, 6):
        stripes.paste((0, 0, 0), (x, 0, x + 2, 100))  # sharp edges everywhere
    assert image_difference(ImageChops.offset(stripes, 1, 0), stripes)[0] == 0  # one pixel off: the same picture
    assert image_difference(ImageChops.offset(stripes, 3, 0), stripes)[0] > 0.3  # three pixels off: not
    line = stripes.copy()
    line.paste((255, 255, 255), (0, 0, 2, 100))  # one thin stripe gone: 200 of 20,000 pixels
    assert image_difference(line, stripes)[0] == pytest.approx(200 / 20_000)
    assert image_difference(stripes, line)[0] == pytest.approx(200 / 20_000)


def test_map_renders_offline_with_every_layer(server, offline_page):
    page = offline_page
    page.goto(server.url)
    frame = map_frame(page)
    wait_map_idle(frame, located())
    overlays = frame.locator(".leaflet-control-layers-overlays label")
    for name in ("Quốc lộ", "Khu công nghiệp", "Khu kinh tế", "Cụm công nghiệp, làng nghề", "Cảng, cửa khẩu",
                 "Huyện lỵ (2011)", "Dự án"):
        expect(overlays.filter(has_text=re.compile(rf"^\s*{re.escape(name)}\s*$"))).to_have_count(1)
    labels = frame.locator(".qtmap-label")
    expect(labels.filter(has_text=re.compile(r"^KCN Quán Ngang$"))).to_have_count(1)
    expect(labels.filter(has_text=re.compile(r"^KCN Nam Đông Hà$"))).to_have_count(1)
    # every sector on the map is in the legend with its count, e.g. "Sản xuất điện (4)"
    projects = load_register()
    counts = projects[projects.geometry.notna()]["sector"].value_counts()
    legend = frame.locator(".qtmap-legend")
    for sector, n in counts.items():
        expect(legend).to_contain_text(f"{label('sector', sector, 'vi')} ({n})")
    assert page.blocked == []  # nothing was even requested from outside


def test_map_looks_like_its_baseline(server, offline_page):
    """The map as drawn (base layers, areas, labels, points, legend) against tests/baselines/app_map_vi.png.

    The same map without its project points must not pass the comparison: the tolerance is tight enough
    to see one layer go missing.
    """
    page = offline_page
    page.goto(server.url)
    frame = map_frame(page)
    wait_map_idle(frame, located())
    page.mouse.move(0, 0)  # no hover tooltip

    def screenshot() -> bytes:
        frame.wait_for_function("() => !window.qtmap.busy(window.map)", polling="raf")
        page.wait_for_function(STILL, arg=MAP_IFRAME, polling="raf")
        return page.locator(MAP_IFRAME).screenshot(animations="disabled", caret="hide")

    assert_matches_baseline(screenshot(), "app_map_vi.png")
    if os.environ.get("QTMAP_UPDATE_BASELINES") == "1":
        return
    projects = frame.locator(".leaflet-control-layers-overlays label").filter(has_text=re.compile(r"^\s*Dự án\s*$"))
    projects.locator("input").dispatch_event("click")  # the layer control's own handler switches the layer off
    expect(projects.locator("input")).not_to_be_checked()
    wait_map_idle(frame, 0)
    without = ARTIFACTS / "app_map_vi_without_projects.png"
    without.write_bytes(screenshot())
    share, marked = image_difference(Image.open(without), Image.open(BASELINES / "app_map_vi.png"))
    marked.save(ARTIFACTS / "app_map_vi_without_projects.diff.png")
    assert share > AREA_TOLERANCE, f"the map without its project points passes as the baseline ({share:.3%})"


def test_url_filter_shows_only_electricity_projects(server, offline_page):
    page = offline_page
    page.goto(f"{server.url}/?lang=en&sector=electricity")
    frame = map_frame(page)
    expected = located("electricity")
    assert 0 < expected < located()
    wait_map_idle(frame, expected)
    legend = frame.locator(".qtmap-legend")
    expect(legend).to_contain_text(f"Electricity ({expected})")
    expect(legend).not_to_contain_text("Mining")
    expect(page.get_by_role("combobox", name="Sector")).to_be_visible()


def test_changing_a_filter_keeps_the_view_and_the_map(server, offline_page):
    page = offline_page
    page.goto(f"{server.url}/?lang=en")
    frame = map_frame(page)
    wait_map_idle(frame, located())
    frame.evaluate("() => { window.map.setView([16.88, 107.1], 13, {animate: false}); window.__kept = 'yes'; }")
    choose_sector(page, "en", "electricity")
    wait_map_idle(frame, located("electricity"))
    expect(page).to_have_url(re.compile(r"[?&]sector=electricity$"))
    view = frame.evaluate("() => [window.map.getZoom(), window.map.getCenter().lat, window.map.getCenter().lng,"
                          " window.__kept]")
    assert view[0] == 13 and abs(view[1] - 16.88) < 1e-6 and abs(view[2] - 107.1) < 1e-6
    assert view[3] == "yes"  # the iframe was not reloaded


def test_project_named_like_html_shows_as_text_and_runs_nothing(tmp_path, offline_page):
    register = tmp_path / "evil.csv"
    register.write_text(
        "id,name_vi,sector,status,investor,lon,lat,location_confidence,sources\n"
        f'X1,"{EVIL}",electricity,operating,"{EVIL}",106.8,16.98,high,KL11\n', encoding="utf-8")
    with StreamlitServer(register) as evil_server:
        page = offline_page
        page.goto(evil_server.url)
        frame = map_frame(page)
        wait_map_idle(frame, 1)
        # A real user's hover and click on the marker (drawn on canvas), at its screen position. The map is
        # scrolled fully into view first: focusing a half-hidden map scrolls the page between mousedown and up.
        page.locator(MAP_IFRAME).scroll_into_view_if_needed()
        x, y = frame.evaluate("""() => { window.map.setView([16.98, 106.8], 12, {animate: false});
            const p = window.map.latLngToContainerPoint([16.98, 106.8]); return [p.x, p.y]; }""")
        frame.wait_for_function("() => !window.qtmap.busy(window.map)", polling="raf")
        box = page.frame_locator(MAP_IFRAME).locator(".leaflet-container").bounding_box()
        page.mouse.move(box["x"] + x, box["y"] + y)
        expect(frame.locator(".qtmap-tip")).to_contain_text(EVIL)
        page.mouse.click(box["x"] + x, box["y"] + y)
        expect(frame.locator(".qtmap-popup h4")).to_have_text(EVIL)
        expect(frame.locator(".leaflet-popup img, .leaflet-tooltip img")).to_have_count(0)
        assert page.dialogs == []


def test_download_panel_gives_the_current_view(server, offline_page, tmp_path):
    page = offline_page
    page.goto(f"{server.url}/?lang=en&sector=electricity")
    map_frame(page)
    # The map reports its view once drawn (a rerun, which replaces the download buttons): click after it.
    open_tab(page, "Download map and data")
    page.wait_for_function(SCRIPT_STATE, arg="notRunning")
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="PNG image (A4, 300 dpi)").click()
    png = tmp_path / "map.png"
    info.value.save_as(png)
    assert Image.open(png).size == (3508, 2480)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="CSV").click()
    rows = (tmp_path / "x.csv")
    info.value.save_as(rows)
    import pandas as pd

    exported = pd.read_csv(rows, encoding="utf-8-sig")
    assert sorted(exported["id"]) == sorted(load_register().query("sector == 'electricity'")["id"])


def _register_with_bad_rows(path: Path) -> tuple[int, list[str]]:
    """A planner's register of the 12 located bundled projects, twice over, with 3 bad rows: (good, bad ids)."""
    import pandas as pd

    src = pd.read_csv(Path(__file__).resolve().parent.parent / "data" / "src" / "projects.csv", dtype=str,
                      keep_default_na=False)
    src = src[src["lon"] != ""]
    rows = pd.concat([src, src], ignore_index=True)
    rows["id"] = [f"{i}-{k}" for k, i in enumerate(rows["id"])]
    rows.loc[[2, 9], "sector"] = "thep"
    rows.loc[15, "lon"] = "không rõ"
    table = pd.DataFrame({"Mã dự án": rows["id"], "Tên dự án": rows["name_vi"], "Ngành": rows["sector"],
                          "Tình trạng": rows["status"], "Kinh độ": rows["lon"].str.replace(".", ",", regex=False),
                          "Vĩ độ": rows["lat"].str.replace(".", ",", regex=False)})
    table.to_csv(path, sep=";", index=False, encoding="utf-8")
    return len(table) - 3, [rows["id"][k] for k in (2, 9, 15)]


def _upload(page, lang: str, path: Path) -> None:
    open_tab(page, t("upload", lang))
    page.locator("input[type=file]").set_input_files(str(path))


def test_vietnamese_upload_of_a_bad_file_shows_no_english(server, offline_page, tmp_path):
    page = offline_page
    path = tmp_path / "so_lieu.csv"
    good, bad_ids = _register_with_bad_rows(path)
    bad = len(bad_ids)
    page.goto(server.url)  # Vietnamese, the default
    map_frame(page)
    _upload(page, "vi", path)
    warning = page.get_by_text(t("rd_up_partial", "vi", n=bad, m=good))
    expect(warning).to_be_visible()
    panel = page.locator("[role=tabpanel]:visible")
    expect(panel.get_by_text("ghi chú:").first).to_be_visible()
    text = panel.inner_text()
    for english in ("row ", "note:", "unknown", "column", "read as", "warning", "--crs", "error", "records",
                    "Download", "Several sites", "Sheet", "outside", "must be", "not a number"):
        assert english not in text, (english, text)
    expect(page.get_by_role("button", name=t("rd_up_left_out", "vi"))).to_be_visible()


def test_an_upload_with_bad_rows_shows_the_rest_and_the_left_out_rows_download(server, offline_page, tmp_path):
    page = offline_page
    path = tmp_path / "so_lieu.csv"
    good, bad_ids = _register_with_bad_rows(path)
    bad = len(bad_ids)
    page.goto(f"{server.url}/?lang=en")
    frame = map_frame(page)
    wait_map_idle(frame, located())
    _upload(page, "en", path)
    expect(page.get_by_text(t("rd_up_partial", "en", n=bad, m=good))).to_be_visible()
    page.get_by_text(t("upload_replace", "en")).click()  # the upload replaces the register on the map
    wait_map_idle(frame, good)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=t("rd_up_left_out", "en")).click()
    out = tmp_path / "left_out.xlsx"
    info.value.save_as(out)
    import openpyxl

    rows = [[c.value for c in r] for r in openpyxl.load_workbook(out).active.iter_rows()]
    assert rows[0] == ["Mã dự án", "Tên dự án", "Ngành", "Tình trạng", "Kinh độ", "Vĩ độ", "problem"]
    assert [r[0] for r in rows[1:]] == bad_ids
    assert [r[-1].split(":")[0] for r in rows[1:]] == ["Ngành='thep'", "Ngành='thep'", "Kinh độ='không rõ'"]
