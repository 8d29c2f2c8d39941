"""bench/RESULTS.md from the raw results of ``python -m bench.run``: tables, ratios, targets met or missed and why."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["cell", "err", "fmt", "fx", "markdown", "mb", "ratio", "readme_table", "summary", "targets"]

Num = float | int | None

# What "responsive" means for the Chromium target (see the method notes in the report).
PAN_ZOOM_DONE_MS = 500  # a pan or zoom has its points redrawn within this
BLOCK_MS = 100  # and never blocks the page longer than this (RAIL: respond to input within 100 ms)
FILTER_DONE_MS = 1000  # a filter change (the layer rebuilt with every point) is drawn within this


def _get(d: object, *path: str) -> object:
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return None
        d = d[key]
    return d


def fmt(value: Num, unit: str = "", digits: int = 3) -> str:
    """A number with ~3 significant digits and a unit, or '—'."""
    if value is None:
        return "—"
    if isinstance(value, int) and not unit:
        return f"{value:,}"
    v = float(value)
    text = f"{v:.{digits}g}" if abs(v) < 10 ** digits else f"{v:,.0f}"
    return f"{text} {unit}".strip()


def mb(b: Num) -> str:
    return "—" if b is None else f"{b / 1e6:.2f} MB" if b < 1e7 else f"{b / 1e6:.1f} MB"


def ratio(a: Num, b: Num) -> Num:
    return None if a in (None, 0) or b in (None, 0) else a / b


def fx(value: Num) -> str:
    return "—" if value is None else f"{value:.1f}×"


def err(d: object) -> str | None:
    return d.get("error") if isinstance(d, dict) and "error" in d else None


def cell(d: object, show: Callable[[dict], str]) -> str:
    """``show(d)``, or the step's error, or '—' when the step was not run."""
    if not isinstance(d, dict):
        return "—"
    if "error" in d:
        return f"*{d['error']}*"
    return show(d)


# --------------------------------------------------------------------------------------------------------------
def summary(res: dict[str, object]) -> dict[str, object]:
    """The headline numbers of one size."""
    html, naive, inproc = res.get("html") or {}, res.get("naive") or {}, res.get("inproc") or {}
    br, brn = res.get("browser") or {}, res.get("browser_naive") or {}
    return {
        "naive_s": naive.get("median_s"), "naive_bytes": naive.get("bytes"), "naive_inproc_s": naive.get("inproc_s"),
        "html_s": html.get("median_s"), "html_bytes": html.get("bytes"),
        "render_s": inproc.get("page_render_median_s"), "build_s": inproc.get("layer_build_median_s"),
        "validate_s": inproc.get("validate_s"), "index_s": inproc.get("search_index_s"),
        "import_s": inproc.get("import_s"),
        "filter_ms": _get(res, "filter", "sector+status+district+text", "median_ms"),
        "app_s": _get(res, "app", "median_s"), "app_first_s": _get(res, "app", "first_run_s"),
        "app_e2e_s": _get(res, "app_browser", "median_s"), "app_e2e_max_s": _get(res, "app_browser", "max_s"),
        "export_s": _get(res, "export", "median_s"),
        "ready_ms": br.get("drawn_ms"), "ops_max_ms": br.get("ops_max_ms"), "rebuild_ms": br.get("rebuild_ms"),
        "ops_block_ms": br.get("ops_longest_task_max_ms"),
        "toggle_ms": br.get("toggle_ms"), "heap_mb": br.get("heap_mb"), "hover_ms": br.get("hover_ms"),
        "naive_ready_ms": brn.get("drawn_ms"), "naive_ops_max_ms": brn.get("ops_max_ms"),
        "naive_heap_mb": brn.get("heap_mb"), "naive_browser_error": brn.get("error"),
    }


def readme_table(results: dict[str, object]) -> list[str]:
    lines = ["| Projects | naive folium: build / HTML | qtmap `geo html`: build / HTML | faster / smaller "
             "| Chromium offline, all points drawn: qtmap / naive | qtmap pan/zoom: redrawn / longest block "
             "| filter in `geo/` | app filter change: script / seen in Chromium | A4 300-dpi export |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n, res in results["sizes"].items():
        s = summary(res)
        naive_ready = fmt(s["naive_ready_ms"] / 1e3, "s") if s["naive_ready_ms"] else (
            "not within " + fmt(_get(res, "browser_naive", "timeout_s"), "s") if _get(res, "browser_naive", "timeout_s")
            else "—")
        lines.append(
            f"| {int(n):,} | {fmt(s['naive_s'], 's')} / {mb(s['naive_bytes'])} | {fmt(s['html_s'], 's')} / "
            f"{mb(s['html_bytes'])} | {fx(ratio(s['naive_s'], s['html_s']))} / "
            f"{fx(ratio(s['naive_bytes'], s['html_bytes']))} | "
            f"{fmt(s['ready_ms'] and s['ready_ms'] / 1e3, 's')} / {naive_ready} | "
            f"≤ {fmt(s['ops_max_ms'], 'ms')} / {fmt(s['ops_block_ms'], 'ms')} | {fmt(s['filter_ms'], 'ms')} | "
            f"{fmt(s['app_s'], 's')} / {fmt(s['app_e2e_s'], 's')} | {fmt(s['export_s'], 's')} |")
    b, be = results.get("bundled_app"), results.get("bundled_app_browser")
    if isinstance(b, dict) or isinstance(be, dict):
        lines.append(f"| bundled ({_bundled_n(results)}) | | | | | | | {fmt(_get(b, 'median_s'), 's')} / "
                     f"{fmt(_get(be, 'median_s'), 's')} | |")
    return lines


def _bundled_n(results: dict[str, object]) -> str:
    n = results.get("bundled_n")
    return "—" if n is None else f"{n:,}"


# --------------------------------------------------------------------------------------------------------------
def targets(results: dict[str, object]) -> list[tuple[str, str, str, str]]:
    """(target, measured, met?, why) rows."""
    sizes = results["sizes"]
    rows: list[tuple[str, str, str, str]] = []

    def add(label: str, value: str, ok: bool | None, why: str = "") -> None:
        rows.append((label, value, "—" if ok is None else ("**met**" if ok else "**missed**"), why if not ok else ""))

    def size(n: int) -> tuple[dict, dict] | None:
        res = sizes.get(str(n))
        return (res, summary(res)) if res else None

    got = size(10_000)
    if got:
        res, s = got
        r = ratio(s["naive_s"], s["html_s"])
        add("10,000: `geo html` ≥ 10× faster than the naive baseline (whole process)",
            f"{fmt(s['html_s'], 's')} vs {fmt(s['naive_s'], 's')} = {fx(r)}", None if r is None else r >= 10,
            _why_html(res, s) + f" In process: page render {fmt(s['render_s'], 's')} vs naive build+save "
            f"{fmt(s['naive_inproc_s'], 's')} = {fx(ratio(s['naive_inproc_s'], s['render_s']))}."
            if r is not None else err(res.get("html")) or err(res.get("naive")) or "not measured")
        r = ratio(s["naive_bytes"], s["html_bytes"])
        add("10,000: HTML ≥ 4× smaller than the naive baseline", f"{mb(s['html_bytes'])} vs {mb(s['naive_bytes'])}"
            f" = {fx(r)}", None if r is None else r >= 4, "")
        ok = None if s["ready_ms"] is None else s["ready_ms"] <= 2000
        add("10,000: Chromium shows all points within 2 s, offline", fmt(s["ready_ms"], "ms"), ok,
            err(res.get("browser")) or "")
    got = size(100_000)
    if got:
        res, s = got
        ok = None if s["html_s"] is None else s["html_s"] < 5
        add("100,000: `geo html` under 5 s", fmt(s["html_s"], "s"), ok,
            err(res.get("html")) or _why_html(res, s))
        ok = None if s["html_bytes"] is None else s["html_bytes"] < 20e6
        add("100,000: `geo html` under 20 MB", mb(s["html_bytes"]), ok, err(res.get("html")) or "")
        br = res.get("browser") or {}
        label = "100,000: Chromium shows the map and stays responsive (pan/zoom/filter) within 5 s"
        if "drawn_ms" in br:
            ops, block = br["ops_ms"], br.get("ops_longest_task_ms") or {}
            checks = [(br["drawn_ms"] <= 5000, f"drawing all points takes {fmt(br['drawn_ms'], 'ms')}"),
                      (br["ops_max_ms"] <= PAN_ZOOM_DONE_MS,
                       f"a pan/zoom needs up to {fmt(br['ops_max_ms'], 'ms')} to redraw the points"),
                      (max(block.values() or [0]) <= BLOCK_MS,
                       f"a pan/zoom blocks the page for up to {fmt(max(block.values() or [0]), 'ms')}"),
                      ((br.get("rebuild_ms") or 0) <= FILTER_DONE_MS,
                       f"re-building the layer (a filter change) takes {fmt(br.get('rebuild_ms'), 'ms')}")]
            total = br["drawn_ms"] + sum(ops.values()) + (br.get("rebuild_ms") or 0)
            value = (f"all points drawn {fmt(br['drawn_ms'], 'ms')}; pan/zoom redrawn in "
                     f"{', '.join(fmt(v, 'ms') for v in ops.values())} (longest block "
                     f"{fmt(max(block.values() or [0]), 'ms')}); filter (layer rebuild) "
                     f"{fmt(br.get('rebuild_ms'), 'ms')} (block {fmt(br.get('rebuild_longest_task_ms'), 'ms')}); "
                     f"load + all of these {fmt(total, 'ms')}")
            add(label, value, all(ok for ok, _ in checks), "; ".join(why for ok, why in checks if not ok))
        else:
            add(label, "—", None, err(br) or "not measured")
        ok = None if s["filter_ms"] is None else s["filter_ms"] < 50
        add("100,000: filtering under 50 ms", fmt(s["filter_ms"], "ms"), ok, err(res.get("filter")) or "")
        ok = None if s["app_s"] is None else s["app_s"] < 1
        add("100,000: app filter change under 1 s (AppTest: the script's rerun)", fmt(s["app_s"], "s"), ok,
            err(res.get("app")) or _why_profile(res.get("app")))
        e2e = res.get("app_browser")
        if e2e is not None:
            ok = None if s["app_e2e_s"] is None else s["app_e2e_s"] < 1
            add("100,000: … and seen in Chromium (click → filtered points drawn), under 1 s",
                f"median {fmt(s['app_e2e_s'], 's')}, max {fmt(s['app_e2e_max_s'], 's')} "
                f"({', '.join(f'{c:,}' for c in e2e.get('counts', []))} points)" if "median_s" in e2e else "—", ok,
                err(e2e) or _why_e2e(res, s))
        ok = None if s["export_s"] is None else s["export_s"] < 10
        add("100,000: A4 300-dpi export under 10 s", fmt(s["export_s"], "s"), ok,
            err(res.get("export")) or (f"the whole process includes reading and validating the register "
                                       f"({fmt(s['validate_s'], 's')} in process)"))
    b = results.get("bundled_app")
    if isinstance(b, dict):
        ok = None if "median_s" not in b else b["median_s"] < 0.3
        add("bundled data: app filter change under 0.3 s (AppTest)", fmt(b.get("median_s"), "s"), ok,
            err(b) or _why_profile(b))
    be = results.get("bundled_app_browser")
    if isinstance(be, dict):
        ok = None if "median_s" not in be else be["median_s"] < 0.3
        add("bundled data: … and seen in Chromium, under 0.3 s",
            f"median {fmt(be.get('median_s'), 's')}, max {fmt(be.get('max_s'), 's')}", ok,
            err(be) or "the rerun, the transfer and the component's update add up")
    return rows


def _why_html(res: dict, s: dict) -> str:
    if s["html_s"] is None:
        return ""
    return (f"Whole process {fmt(s['html_s'], 's')}; in-process stages: imports {fmt(s['import_s'], 's')}, "
            f"read + validate {fmt(s['validate_s'], 's')}, search index {fmt(s['index_s'], 's')}, "
            f"page render {fmt(s['render_s'], 's')} (of which project layer build {fmt(s['build_s'], 's')}).")


def _why_e2e(res: dict, s: dict) -> str:
    """Split the end-to-end filter change into the script rerun, the browser's share and the rest."""
    e2e, rebuild = s["app_e2e_s"], s["rebuild_ms"]
    if e2e is None or s["app_s"] is None:
        return ""
    shown = max(_get(res, "app_browser", "counts") or [0])
    total = _get(res, "app_browser", "total") or 0
    part = f" ≈ {mb(s['html_bytes'] * shown / total)} of layer script" if s["html_bytes"] and total else ""
    browser = "" if rebuild is None else (f"; in the page, re-building and drawing all {total:,} points takes "
                                          f"{fmt(rebuild, 'ms')} (less for the {shown:,} shown)")
    return (f"The script's rerun takes {fmt(s['app_s'], 's')} (AppTest, max {fmt(_get(res, 'app', 'max_s'), 's')})"
            f"{browser}; the rest is Streamlit sending the new project group to the browser{part} and the map "
            "component replacing it, with the server and Chromium sharing the machine's cores.")


def _why_profile(app: object) -> str:
    prof = _get(app, "profile")
    if not prof:
        return ""
    top = [f"{name} {fmt(cum, 's')}" for cum, name in prof[:6]]
    return "Profile of one change (cumulative): " + "; ".join(top)


# --------------------------------------------------------------------------------------------------------------
def markdown(results: dict[str, object]) -> str:
    meta = results["meta"]
    args = results["args"]
    v = meta["versions"]
    out = [
        "# qtmap benchmark results",
        "",
        "Generated by `python -m bench.run` (bench/run.py; raw numbers in bench/out/results.json). Synthetic "
        "registers from bench/synth.py: every name starts with `[SYNTHETIC]`, source `SYNTHETIC`, points inside "
        "the province outline, seed " + str(args["seed"]) + ". Medians of " + str(args["repeat"]) + " runs unless "
        "stated; the naive baseline runs once above " + f"{args['naive_once_above']:,}" + " projects.",
        "",
        "## Machine",
        "",
        "| | |", "|---|---|",
        f"| date | {meta['date']} |",
        f"| CPU | {meta['cpu']} ({meta['cores']} cores) |",
        f"| RAM | {meta['ram_gb']} GB |",
        f"| OS | {meta['os']} |",
        f"| git commit | {meta['commit']}{' + uncommitted changes' if meta['dirty'] else ''} |",
        f"| Python / Streamlit / folium / streamlit-folium | {meta['python']} / {v.get('streamlit')} / "
        f"{v.get('folium')} / {v.get('streamlit-folium')} |",
        f"| GeoPandas / pandas / Shapely / matplotlib | {v.get('geopandas')} / {v.get('pandas')} / "
        f"{v.get('shapely')} / {v.get('matplotlib')} |",
        f"| Leaflet (xstatic) / Chromium | {v.get('XStatic-Leaflet')} / {_chromium(results)} |",
        f"| total run time | {fmt(results.get('total_s'), 's')} |",
        f"| load average (1/5/15 min) at start / end | {_load(meta.get('load_avg_start'))} / "
        f"{_load(meta.get('load_avg_end'))} (other work on the machine during the run shows here) |",
        "",
        "## For the README",
        "",
        *readme_table(results),
        "",
        "## Targets",
        "",
        "| Target | Measured | | Why (if missed) |",
        "|---|---|---|---|",
        *[f"| {a} | {b} | {c} | {d} |" for a, b, c, d in targets(results)],
        "",
    ]
    out += _detail_tables(results)
    out += _method_notes()
    return "\n".join(out) + "\n"


def _load(values: object) -> str:
    return " ".join(f"{v:.2f}" for v in values) if isinstance(values, list) else "—"


def _chromium(results: dict[str, object]) -> str:
    for res in results["sizes"].values():
        c = _get(res, "browser", "chromium")
        if c:
            return str(c)
    return "—"


def _detail_tables(results: dict[str, object]) -> list[str]:
    sizes = results["sizes"]
    out = ["## Map build (HTML)", "",
           "| Projects | naive: process | naive: build + save in process | naive HTML | `geo html`: process "
           "| qtmap: page render in process | qtmap: project layer build | qtmap HTML | process speed-up "
           "| in-process speed-up | size ratio |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n, res in sizes.items():
        s = summary(res)
        runs = _get(res, "naive", "runs")
        out.append(
            f"| {int(n):,} | {cell(res.get('naive'), lambda d: fmt(d['median_s'], 's'))}"
            f"{' (1 run)' if runs == 1 else ''} | {fmt(s['naive_inproc_s'], 's')} | {mb(s['naive_bytes'])} | "
            f"{cell(res.get('html'), lambda d: fmt(d['median_s'], 's'))} | "
            f"{cell(res.get('inproc'), lambda d: fmt(d['page_render_median_s'], 's'))} | {fmt(s['build_s'], 's')} | "
            f"{mb(s['html_bytes'])} | {fx(ratio(s['naive_s'], s['html_s']))} | "
            f"{fx(ratio(s['naive_inproc_s'], s['render_s']))} | {fx(ratio(s['naive_bytes'], s['html_bytes']))} |")
    out += ["", "Stages of `geo html` measured in one process (the whole-process time also includes the "
            "interpreter start):", "",
            "| Projects | imports | read + validate | search index | filter (none) | project layer build "
            "| page render (incl. layer build) |", "|---:|---:|---:|---:|---:|---:|---:|"]
    for n, res in sizes.items():
        d = res.get("inproc")
        out.append(f"| {int(n):,} | " + cell(d, lambda d: " | ".join([
            fmt(d["import_s"], "s"), fmt(d["validate_s"], "s"), fmt(d["search_index_s"], "s"),
            fmt(d["filter_all_s"] * 1e3, "ms"), fmt(d["layer_build_median_s"], "s"),
            fmt(d["page_render_median_s"], "s")])) + " |")
    out += ["", "## Filtering in `geo/` (search index precomputed, as the app holds it)", "",
            "| Projects | " + " | ".join(_filter_cases(sizes)) + " |", "|---:|" + "---:|" * len(_filter_cases(sizes))]
    for n, res in sizes.items():
        f = res.get("filter")
        out.append(f"| {int(n):,} | " + cell(f, lambda f: " | ".join(
            f"{fmt(f[c]['median_ms'], 'ms')} ({f[c]['rows']:,} rows)" for c in _filter_cases(sizes))) + " |")
    out += ["", "## App: a filter change (Streamlit AppTest, `at.run()` after changing the sector multiselect)", "",
            "| Register | first run (loads the register) | filter change: median | max | changes |",
            "|---|---:|---:|---:|---:|"]
    for n, res in sizes.items():
        a = res.get("app")
        out.append(f"| {int(n):,} synthetic | " + cell(a, lambda a: f"{fmt(a['first_run_s'], 's')} | "
                   f"{fmt(a['median_s'], 's')} | {fmt(a['max_s'], 's')} | {len(a['change_s'])}") + " |")
    b = results.get("bundled_app")
    if b is not None:
        out.append("| bundled | " + cell(b, lambda a: f"{fmt(a['first_run_s'], 's')} | {fmt(a['median_s'], 's')} | "
                                                       f"{fmt(a['max_s'], 's')} | {len(a['change_s'])}") + " |")
    rows = [(f"{int(n):,} synthetic", res.get("app_browser")) for n, res in sizes.items()]
    rows.append(("bundled", results.get("bundled_app_browser")))
    if any(d is not None for _, d in rows):
        out += ["", "The same in Chromium, offline (`streamlit run app.py`, the three most common sectors added one by "
                "one in the sector multiselect; from the click on the option until the map shows the filtered points, "
                "drawn):", "",
                "| Register | first map with every point (from opening the page; loads the register) "
                "| filter change: median | max | points shown after each change |", "|---|---:|---:|---:|---|"]
        def show(a: dict) -> str:
            return (f"{fmt(a['first_map_s'], 's')} | {fmt(a['median_s'], 's')} | {fmt(a['max_s'], 's')} | "
                    + ", ".join(f"{c:,}" for c in a["counts"]))

        out += [f"| {name} | " + cell(d, show) + " |" for name, d in rows if d is not None]
    out += ["", "## Report export (`python -m geo export --projects FILE --out x.png --paper A4 --dpi 300`)", "",
            "| Projects | whole process | PNG |", "|---:|---:|---:|"]
    for n, res in sizes.items():
        e = res.get("export")
        out.append(f"| {int(n):,} | " + cell(e, lambda e: f"{fmt(e['median_s'], 's')} | {mb(e['bytes'])}") + " |")
    out += ["", "## Chromium (headless, offline: every non-file request blocked)", "",
            "Times until the points are drawn again; in brackets the longest time the page was blocked "
            "(main-thread task) meanwhile.", "",
            "| Projects | page | all points drawn (block) | zoom in | pan | pan back | zoom out "
            "| hover (per mouse move) | layer off/on | filter: layer rebuild | JS heap | DOM nodes "
            "| blocked requests |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n, res in sizes.items():
        for key, name in (("browser", "qtmap `geo html`"), ("browser_naive", "naive (local Leaflet)")):
            d = res.get(key)
            if d is None:
                continue
            out.append(f"| {int(n):,} | {name} | " + cell(d, lambda d: " | ".join([
                f"{fmt(d['drawn_ms'], 'ms')} ({fmt(d.get('load_longest_task_ms'), 'ms')})",
                *(f"{fmt(d['ops_ms'][k], 'ms')} ({fmt((d.get('ops_longest_task_ms') or {}).get(k), 'ms')})"
                  for k in ("zoom_in", "pan", "pan_back", "zoom_out")),
                fmt(d.get("hover_ms"), "ms"), fmt(d.get("toggle_ms"), "ms"),
                f"{fmt(d.get('rebuild_ms'), 'ms')} ({fmt(d.get('rebuild_longest_task_ms'), 'ms')})",
                fmt(d["heap_mb"], "MB"), fmt(d["dom_nodes"]), fmt(d["blocked"])])) + " |")
    return out + [""]


def _filter_cases(sizes: dict[str, object]) -> list[str]:
    for res in sizes.values():
        f = res.get("filter")
        if isinstance(f, dict) and "error" not in f:
            return [k for k in f if k != "n"]
    return []


def _method_notes() -> list[str]:
    return [
        "## How it is measured",
        "",
        "- **naive**: bench/naive.py, a whole process: pandas reads the CSV, one `folium.Marker` per row with the "
        "name as tooltip and every non-empty field (escaped) in a `folium.Popup`, `m.save()`. Its page loads "
        "Leaflet, jQuery, Bootstrap and Font Awesome from CDNs.",
        "- **`geo html`**: `python -m geo html --projects FILE --out F`, a whole process (interpreter start, "
        "imports, reading + validating the file, search index, page render, write). The in-process stages come "
        "from a separate worker process.",
        "- **filtering**: `geo.filters.apply_filters` on the loaded register (`geo.register.load_register`, which "
        "precomputes the search index); median of ≥ 21 runs after one warm-up.",
        "- **app**: `AppTest.from_file('app.py')` with `QTMAP_PROJECTS=FILE` (or the bundled data); the first "
        "`at.run()` loads and caches the register; then `at.multiselect(key='sector').set_value([...]).run()` "
        "with a different selection each time. AppTest runs the script (filters, map and component arguments, "
        "stats) but not the browser side of the map component.",
        "- **Chromium**: Debian Chromium, headless, `--disable-gpu`, 1280×800; every request that is not a local "
        "file is blocked by a Playwright route, except that the naive page's CDN Leaflet URLs are answered with "
        "the same local Leaflet (xstatic) qtmap inlines, and its jQuery (folium's popups call `$`) with Debian's "
        "libjs-jquery 3.6 (Bootstrap, Font Awesome, awesome-markers and the OSM tiles stay blocked: the naive map "
        "draws its markers without them). *All points drawn* = `performance.now()` (from navigation "
        "start) when the map holds N project points and qtmap.js reports no drawing under way, after two "
        "animation frames. Pan/zoom: `setZoom`/`panBy` without animation, until `moveend`, the points redrawn "
        "and two frames. *Layer rebuild* re-runs the page's `qtmap.points(...)` call (JSON parse, layer build, "
        "draw): the browser-side work of a filter change that keeps every point. *Block*: the longest "
        "main-thread task (PerformanceObserver `longtask`, ≥ 50 ms, or the synchronous part of the call), i.e. "
        "how long the page could not respond to input. JS heap: CDP `Performance.getMetrics` after a forced GC. "
        "*Hover*: ten `page.mouse.move` over the map centre (tooltip hit-testing), per move, including "
        "Playwright's round trip.",
        f"- The Chromium responsiveness target counts as met when all points are drawn within 5 s, each pan/zoom "
        f"has its points redrawn within {PAN_ZOOM_DONE_MS} ms without blocking the page for more than "
        f"{BLOCK_MS} ms (RAIL's response budget), and a filter change (layer rebuild) is drawn within "
        f"{FILTER_DONE_MS / 1000:g} s.",
        "",
    ]
