"""The benchmark harness, smoke-run at 1,000 projects, and the bulk point layer it led to.

The full benchmark (``python -m bench.run``) takes minutes; here the synthetic
register is checked for what makes it usable (valid, inside the province,
unmistakably synthetic, deterministic), the harness is run once on 1,000 rows to
see that every step yields numbers and the report its tables, and the bulk
canvas layer that qtmap.js uses for large registers is driven in Chromium.
"""

from __future__ import annotations

import json
import re
from argparse import Namespace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import shapely

from bench import report, synth
from bench import run as bench
from bench.browser_timing import JS
from geo.bundled import ATTRIBUTION_SHORT, load_all, load_layer
from geo.register import bundled_references
from geo.schema import codes
from geo.validate import validate_file
from layers import maps
from layers import projects as project_layer

N = 1000
EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def register(tmp_path_factory) -> tuple[pd.DataFrame, Path]:
    out = tmp_path_factory.mktemp("bench")
    df = synth.synth_register(N, seed=7)
    return df, synth.write_csv(df, out / "synthetic.csv")


def test_synthetic_register_is_valid_for_kind_project(register):
    _, csv = register
    report_ = validate_file(csv, kind="project", references=bundled_references())
    assert report_.exit_code == 0, report_.lines()[:5]
    assert [p for p in report_.problems if not p.note] == []
    data = report_.data
    assert len(data) == N and data.geometry.notna().all()
    assert set(data["sector"]) == set(codes("sector")) and set(data["status"]) == set(codes("status"))
    assert set(data["district"]) <= set(codes("district")) and data["district"].nunique() >= 5


def test_every_synthetic_record_says_so(register):
    df, _ = register
    for column in ("name_vi", "name_en", "investor", "notes", "location_note"):
        assert df[column].str.startswith("[SYNTHETIC]").all(), column
    assert (df["sources"] == "SYNTHETIC").all()
    assert df["id"].is_unique and df["id"].str.startswith("SYN-").all()


def test_synthetic_points_lie_inside_the_province_and_take_the_nearest_seat(register):
    df, _ = register
    outline = shapely.union_all(load_layer("province").geometry.to_numpy())
    assert shapely.contains_xy(outline, df["lon"].to_numpy(), df["lat"].to_numpy()).all()
    seats = load_layer("district_seat")
    k = np.cos(np.radians(16.75))
    for row in df.sample(50, random_state=1).itertuples():
        d = ((seats.geometry.x - row.lon) * k) ** 2 + (seats.geometry.y - row.lat) ** 2
        assert seats["district"].iloc[int(np.argmin(d.to_numpy()))] == row.district


def test_synthetic_values_are_plausible_and_deterministic(register):
    df, _ = register
    assert df["year"].between(2004, 2020).all() and (df["status_year"] >= df["year"]).all()
    assert df["status_year"].max() <= 2020
    assert (df["capital_bn_vnd"] > 0).all() and df["location_confidence"].isin(["high", "medium", "low"]).all()
    assert df["capacity_mw"].notna().eq(df["sector"] == "electricity").all()
    share = df["sector"].value_counts(normalize=True)
    assert share["processing"] > share["water"]  # a realistic mix, not uniform
    pd.testing.assert_frame_equal(df, synth.synth_register(N, seed=7))
    assert not df.equals(synth.synth_register(N, seed=8))


@pytest.mark.browser
def test_harness_measures_every_step_and_writes_the_report(register, tmp_path):
    _, csv = register
    args = bench.parse_args(["--sizes", str(N), "--repeat", "1", "--out-dir", str(tmp_path),
                             "--results", str(tmp_path / "RESULTS.md"),
                             "--steps", "html,inproc,filter,naive,app,browser,app_browser"])
    assert isinstance(args, Namespace) and args.sizes == [N]
    results = bench.run(args, log=lambda msg: None)
    res = results["sizes"][str(N)]
    for step in ("html", "inproc", "filter", "naive", "app", "browser", "app_browser"):
        assert "error" not in res[step], (step, res[step])
    assert res["register"]["bytes"] > 100_000
    assert 0 < res["html"]["median_s"] < 60 and res["html"]["bytes"] > 100_000
    assert 0 < res["naive"]["median_s"] < 60 and res["naive"]["bytes"] > res["html"]["bytes"]
    assert res["inproc"]["layer_build_median_s"] > 0 and res["inproc"]["validate_s"] > 0
    assert res["filter"]["sector"]["rows"] == pytest.approx(0.3 * N, rel=0.3)
    assert res["filter"]["sector"]["median_ms"] > 0
    assert res["app"]["first_run_s"] > 0 and len(res["app"]["change_s"]) >= 5
    browser = res["browser"]
    assert browser["blocked"] == 0 and browser["page_errors"] == []  # offline, and no script error
    assert 0 < browser["drawn_ms"] < 30_000 and browser["heap_mb"] > 0
    assert set(browser["ops_ms"]) == {"zoom_in", "pan", "pan_back", "zoom_out"}
    assert all(v > 0 for v in browser["ops_ms"].values()) and browser["rebuild_ms"] > 0
    e2e = res["app_browser"]  # the app in Chromium: the map shows the filtered points after each change
    assert e2e["blocked"] == 0 and e2e["total"] == N and e2e["shown"] == e2e["counts"][-1]
    assert e2e["counts"] == sorted(e2e["counts"]) and len(e2e["change_s"]) == 3 and e2e["median_s"] > 0
    assert results["meta"]["cores"] and results["meta"]["versions"]["folium"]
    saved = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert saved["sizes"][str(N)]["html"]["bytes"] == res["html"]["bytes"]
    text = (tmp_path / "RESULTS.md").read_text(encoding="utf-8")
    for heading in ("## Machine", "## For the README", "## Targets", "## Map build (HTML)", "## Chromium"):
        assert heading in text
    row = next(line for line in text.splitlines() if line.startswith("| 1,000 |"))
    assert re.search(r"\d+(\.\d+)?× / \d+(\.\d+)?×", row)  # speed-up and size ratio against the baseline
    assert "*" not in row  # no step reported an error


def test_report_says_why_a_target_is_missed():
    fake = {"sizes": {"100000": {"html": {"median_s": 7.0, "bytes": 25e6},
                                 "inproc": {"import_s": 0.5, "validate_s": 3.0, "search_index_s": 1.0,
                                            "page_render_median_s": 2.0, "layer_build_median_s": 1.0}}}}
    rows = {r[0]: r for r in report.targets(fake)}
    html = rows["100,000: `geo html` under 5 s"]
    assert html[2] == "**missed**" and "read + validate 3 s" in html[3]
    assert rows["100,000: `geo html` under 20 MB"][2] == "**missed**"


# --- the bulk layer (what qtmap.js draws above layers.projects.BULK_ABOVE points), in Chromium --------
def _bulk_page(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    df = synth.synth_register(300, seed=3)
    df.loc[0, "name_vi"] = EVIL
    df.loc[1, "name_vi"] = "{{ 7*7 }}"
    df.loc[0, "investor"] = EVIL
    csv = synth.write_csv(df, tmp_path / "bulk.csv")
    gdf = validate_file(csv, kind="project", references=bundled_references()).data
    layers = {k: v for k, v in load_all().items() if k != "project"}
    m = maps.base_map(layers, "vi", ATTRIBUTION_SHORT)
    group = maps.project_group(gdf, "vi", maps.area_counts(layers))
    group._children.clear()  # replace the layer by one that is forced into the bulk path
    group.add_child(project_layer.build(gdf, "project", "vi", bulk_above=0))
    group.add_to(m)
    maps.inline_assets(m)
    html = m.get_root().render()
    assert EVIL not in html and "{{" not in html  # data, never a template
    assert "\\u007b{ 7*7 }}" in html  # the name is there, with its Jinja opener escaped
    page = tmp_path / "bulk.html"
    page.write_text(html, encoding="utf-8")
    return page, gdf


@pytest.mark.browser
def test_bulk_layer_draws_every_point_with_escaped_tooltip_and_popup(tmp_path, offline_page):
    path, gdf = _bulk_page(tmp_path)
    page = offline_page
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(path=str(JS / "page.js"))  # qtmapBench.findMap(): the page's folium map
    page.goto(path.as_uri())
    page.wait_for_function("(n) => { const M = qtmapBench.findMap(); return !!M && qtmap.count(M) === n; }",
                           arg=len(gdf))
    assert page.evaluate("() => { let b = 0; qtmapBench.findMap().eachLayer(l => { if (l._qtmapBulk) b += 1; });"
                         " return b; }") == 1

    def point(i: int) -> tuple[float, float]:
        lat, lon = gdf.geometry.y.iloc[i], gdf.geometry.x.iloc[i]
        p = page.evaluate("([a, o]) => { const M = qtmapBench.findMap(); M.setView([a, o], 15, {animate: false});"
                          " const c = M.latLngToContainerPoint([a, o]); return [c.x, c.y]; }", [lat, lon])
        page.wait_for_function("() => !qtmap.busy(qtmapBench.findMap())")
        box = page.locator(".leaflet-container").first.bounding_box()
        return box["x"] + p[0], box["y"] + p[1]

    x, y = point(0)
    page.mouse.move(x, y)
    page.locator(".qtmap-tip").wait_for(timeout=5000)
    assert page.locator(".qtmap-tip b").inner_text() == EVIL
    page.mouse.click(x, y)
    page.locator(".qtmap-popup").wait_for(timeout=5000)
    assert page.locator(".qtmap-popup h4").inner_text() == EVIL
    popup = page.locator(".qtmap-popup").inner_text()
    assert EVIL in popup and "SYN-" in popup and "SYNTHETIC" in popup  # investor, id, source
    assert page.locator(".leaflet-popup img, .leaflet-tooltip img").count() == 0
    # the sector colour is on the canvas where the point is
    colour = page.evaluate("""([x, y]) => {
      const c = Array.from(document.querySelectorAll('canvas.qtmap-bulk-points')).find(c => c.style.display !== 'none');
      const r = c.getBoundingClientRect(), px = c.getContext('2d').getImageData(x - r.left + 7, y - r.top, 1, 1).data;
      return Array.from(px); }""", [x, y])
    assert colour[3] > 0
    x, y = point(1)
    page.mouse.move(x + 2, y)
    page.wait_for_function("() => document.querySelector('.qtmap-tip b') && "
                           "document.querySelector('.qtmap-tip b').textContent === '{{ 7*7 }}'", timeout=5000)
    assert errors == [] and page.blocked == [] and page.dialogs == []


# --- the peers step (issue 13, item 5): bench/peers/ -------------------------------------------------------
def test_peer_helpers_count_websocket_bytes_and_process_memory():
    import base64
    import os

    from bench.peers.measure import tree_memory, ws_bytes

    payload = bytes(range(256)) * 3
    assert ws_bytes({"response": {"opcode": 2, "payloadData": base64.b64encode(payload).decode()}}) == len(payload)
    assert ws_bytes({"response": {"opcode": 1, "payloadData": "ngành"}}) == len("ngành".encode())
    mem = tree_memory(os.getpid())
    assert mem["rss"] > 10e6 and mem["hwm"] >= mem["rss"] and mem["processes"] >= 1


def test_peers_table_has_a_row_per_figure_and_says_what_failed(tmp_path):
    from bench.peers import table

    ok = {"first_s": 2.0, "change_s": 0.5, "sent_bytes": 2e6, "heap_bytes": 80e6, "server": {"rss": 300e6}}
    results = {"meta": {"date": "d", "commit": "c", "cores": 2, "load_avg_start": [1.0, 1.0, 1.0],
                        "load_avg_end": [2.0, 2.0, 2.0]}, "args": {"peer_repeat": 1},
               "sizes": {"10000": {"peers": {"qtmap": {**ok, "first_s": 1.0}, "pydeck": {**ok, "first_s": 4.0},
                                             "cluster": {"error": "first draw not within 90 s"},
                                             "geojson": ok, "floor": {**ok, "sent_bytes": None}}}}}
    rows = table.peers_table(results)
    first = next(r for r in rows if r.startswith("| 10,000 — first draw"))
    assert "fails: first draw not within 90 s" in first and first.endswith("| 0.50× |")  # 1.0 s vs the best 2.0 s
    assert len([r for r in rows if r.startswith("| 10,000")]) == len(table.ROWS)
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{table.BEGIN}\nold\n{table.END}\nrest\n", encoding="utf-8")
    table.splice(readme, table.peers_section(results))
    text = readme.read_text(encoding="utf-8")
    assert "old" not in text and text.startswith("intro\n") and text.endswith("rest\n") and "| 10,000 —" in text
    assert "Medians of 1 run(s) " in text
    results["args"] = {"peer_repeat": 3, "peer_large": 1_000_000, "peer_repeat_large": 1}
    results["sizes"]["1000000"] = results["sizes"]["10000"]
    assert "Medians of 3 run(s), 1 at 1,000,000 (to keep the run short)" in table.peers_section(results)
    assert "a quiet machine at the start" in table.peers_section(results)  # 1.0 at the start on 2 cores
    results["meta"]["load_avg_start"] = [1.5, 1.0, 1.0]
    assert "other work ran just before or alongside" in table.peers_section(results)


def test_a_report_of_the_peers_alone_keeps_the_rest_of_the_results(tmp_path):
    import argparse

    from bench.peers import table
    from bench.run import write_report

    ok = {"first_s": 2.0, "change_s": 0.5, "sent_bytes": 2e6, "heap_bytes": 80e6, "server": {"rss": 300e6}}
    results = {"meta": {"date": "d", "commit": "c", "cores": 2}, "args": {"peer_repeat": 1, "steps": ["peers"]},
               "sizes": {"10000": {"peers": dict.fromkeys(("qtmap", "cluster"), ok)}}}
    files = argparse.Namespace(results=tmp_path / "RESULTS.md", readme=tmp_path / "README.md")
    for path in (files.results, files.readme):
        path.write_text(f"{path.stem} top\n{table.BEGIN}\nold\n{table.END}\n{path.stem} tail\n", encoding="utf-8")
    write_report(results, files)  # python -m bench.run --report-only after a run of --steps peers
    for path in (files.results, files.readme):
        text = path.read_text(encoding="utf-8")
        assert text.startswith(f"{path.stem} top\n") and text.endswith(f"{path.stem} tail\n")
        assert "old" not in text and "| 10,000 — first draw" in text


@pytest.mark.browser
def test_floor_draws_every_point_and_redraws_the_filtered_ones(register, tmp_path, browser):
    from bench.peers.measure import measure_floor

    _, csv = register
    res = measure_floor(csv, repeat=1, timeout_s=60, out_dir=tmp_path, browser=browser)
    assert res["shown"] == res["n"] == N  # the first draw drew every point (measure_floor checks each filter)
    assert 0 < res["first_s"] < 60 and 0 < res["change_s"] < 10 and res["heap_bytes"] > 0


@pytest.mark.browser
def test_a_peer_app_draws_all_its_points_and_a_filter_change_sends_bytes(tmp_path, browser):
    from bench.peers.measure import measure_app

    df = synth.synth_register(300, seed=5)
    csv = synth.write_csv(df, tmp_path / "peer.csv")
    res = measure_app("geojson", csv, repeat=1, timeout_s=150, browser=browser)
    assert "error" not in res, res.get("error")
    assert res["n"] == 300 and res["blocked"] == 0 and res["page_errors"] == []  # all drawn, offline
    assert len(res["all_runs"][0]["change_s"]) == 3 and res["sent_bytes"] > 0 and res["heap_bytes"] > 0
    assert res["server"]["rss"] > 0
