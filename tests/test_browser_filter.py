"""After a filter change the map holds exactly the filtered projects, and a popup shows the right record.

The app sends the register once (layers/packed.py) and each filter's result as a bitset
(layers/selection.py); qtmap.js draws the selection (circle markers up to 5,000 points, one bulk canvas
layer above). Both paths run here, in Debian's Chromium through Playwright, offline: the bundled register
and a [SYNTHETIC] one of 6,000 projects (bench/synth.py). The set of ids drawn (``qtmap.ids(map)``) is
compared with ``geo.filters`` on the same register — the set, not a timing.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bench.appserver import MAP_IFRAME, StreamlitServer, map_frame, wait_map_idle
from bench.synth import synth_register, write_csv
from geo.filters import Filters, apply_filters
from geo.i18n import t
from geo.register import load_register
from geo.schema import label

pytestmark = pytest.mark.browser
expect.set_options(timeout=60_000)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """[SYNTHETIC] 6,000 projects (above qtmap.js's bulk threshold of 5,000) and a server showing them."""
    path = write_csv(synth_register(6_000, seed=13), tmp_path_factory.mktemp("synth") / "synthetic_6000.csv")
    with StreamlitServer(path) as s:
        yield s, path


def choose(page, sector: str) -> None:
    page.get_by_role("combobox", name=t("filter_sector", "en")).click()
    name = label("sector", sector, "en")
    page.keyboard.type(name[:12])
    page.get_by_role("option", name=name, exact=True).click()
    page.keyboard.press("Escape")


def drawn_ids(frame) -> list[str]:
    return frame.evaluate("() => window.qtmap.ids(window.map)")


def open_popup_of(page, frame, row) -> None:
    """Zoom to the project ``row`` and click it where it is drawn, as a user would."""
    lat, lon = row.geometry.y, row.geometry.x
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    x, y = frame.evaluate(f"""() => {{ window.map.setView([{lat}, {lon}], 16, {{animate: false}});
        const p = window.map.latLngToContainerPoint([{lat}, {lon}]); return [p.x, p.y]; }}""")
    frame.wait_for_function("() => !window.qtmap.busy(window.map)", polling="raf")
    box = page.frame_locator(MAP_IFRAME).locator(".leaflet-container").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


@pytest.mark.parametrize("which", ["bundled", "synthetic_6000"])
def test_after_a_filter_change_the_map_holds_exactly_the_filtered_points(which, server, synthetic, offline_page):
    app, path = (server, None) if which == "bundled" else synthetic
    projects = load_register(path)
    located = projects[projects.geometry.notna()]
    page = offline_page
    page.goto(f"{app.url}/?lang=en")
    frame = map_frame(page, timeout=120_000)
    wait_map_idle(frame, len(located), timeout=120_000)
    assert sorted(drawn_ids(frame)) == sorted(located["id"])

    sectors = list(located["sector"].value_counts().index[:2])
    for k in (1, 2):  # one sector, then two: each change sends only the new selection
        choose(page, sectors[k - 1])
        shown = apply_filters(projects, Filters(sectors=tuple(sectors[:k])))
        expected = shown[shown.geometry.notna()]
        assert 0 < len(expected) < len(located)
        wait_map_idle(frame, len(expected), timeout=120_000)
        assert sorted(drawn_ids(frame)) == sorted(expected["id"])
        first = int((expected["sector"] == sectors[0]).sum())
        expect(frame.locator(".qtmap-legend")).to_contain_text(f"{label('sector', sectors[0], 'en')} ({first})")

    # A popup opened after the change shows the record clicked.
    row = expected.iloc[len(expected) // 2]
    open_popup_of(page, frame, row)
    expect(frame.locator(".qtmap-popup h4, .qtmap-stack-item b").first).to_be_visible()
    titles = frame.locator(".qtmap-popup h4, .qtmap-stack-item b").all_inner_texts()
    assert row["name_en"] in titles
    # A project the filter left out draws nothing and opens nothing where it is.
    out = located[~located["id"].isin(expected["id"])].iloc[0]
    frame.evaluate("() => { window.map.closePopup(); }")
    open_popup_of(page, frame, out)
    assert out["name_en"] not in frame.locator(".qtmap-popup h4, .qtmap-stack-item b").all_inner_texts()
    assert out["id"] not in drawn_ids(frame)


PIXELS = """async (rasterAbove) => {
    let bulk = null;
    window.map.eachLayer((g) => { if (g._qtmapBulk) { bulk = g._qtmapBulk; } });
    bulk.options.rasterAbove = rasterAbove;
    bulk._reset();
    while (bulk.isDrawing()) { await new Promise((done) => requestAnimationFrame(done)); }
    const c = bulk._front;
    return {drawn: bulk._drawn, raster: rasterAbove <= bulk._drawn, width: c.width, height: c.height,
            pixels: Array.from(c.getContext("2d").getImageData(0, 0, c.width, c.height).data)};
}"""


def test_the_pixel_buffer_stamps_what_drawimage_stamps(synthetic, offline_page):
    """The bulk layer's JavaScript stamping (used from 12,000 points in view) against the canvas's drawImage."""
    import numpy as np

    app, _ = synthetic
    page = offline_page
    page.goto(f"{app.url}/?lang=en")
    frame = map_frame(page, timeout=120_000)
    wait_map_idle(frame, 6_000, timeout=120_000)
    canvas = frame.evaluate(PIXELS, 10**9)
    raster = frame.evaluate(PIXELS, 0)
    assert (canvas["raster"], raster["raster"]) == (False, True)
    assert canvas["drawn"] == raster["drawn"] == 6_000
    a = np.array(canvas["pixels"], dtype=int).reshape(-1, 4)
    b = np.array(raster["pixels"], dtype=int).reshape(-1, 4)
    assert a.shape == b.shape and (a[:, 3] > 0).sum() > 50_000  # many overlapping points were drawn
    # What shows over the base map is the premultiplied colour (a faint edge pixel's own colour hardly counts).
    seen_a = np.concatenate([a[:, :3] * a[:, 3:] / 255, a[:, 3:]], axis=1)
    seen_b = np.concatenate([b[:, :3] * b[:, 3:] / 255, b[:, 3:]], axis=1)
    diff = np.abs(seen_a - seen_b)
    # Canvas composites in 8 bits at every stamp, the buffer in floats: a few units apart, nowhere visibly.
    assert diff.max() <= 8 and np.percentile(diff, 99.9) <= 3 and diff.mean() < 0.2, (diff.max(), diff.mean())
