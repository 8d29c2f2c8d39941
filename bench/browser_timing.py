"""Timing in headless Chromium, offline: a standalone page (qtmap's or the naive one) and the app itself.

The JavaScript lives in bench/js/ (page.js for standalone pages, app.js for the app's map iframe), is
installed as init scripts and called through bench/js/call.js with its parameters as arguments. Points
are counted with qtmap.js's public API, ``qtmap.count(map)`` / ``qtmap.busy(map)``.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from bench.appserver import CHROMIUM, CHROMIUM_ARGS, MAP_IFRAME, StreamlitServer
from bench.common import BENCH, available, env_without_projects, median, worker

__all__ = ["JS", "VIEWPORT", "browser_once", "call", "offline_route", "step_app_browser", "step_browser",
           "work_app_browser", "work_browser"]

JS = BENCH / "js"
VIEWPORT = {"width": 1280, "height": 800}
JQUERY = Path("/usr/share/javascript/jquery/jquery.min.js")  # Debian's libjs-jquery (a Chromium dependency here)


def _js(name: str) -> str:
    return (JS / name).read_text(encoding="utf-8")


def call(target, name: str, *args: object) -> object:
    """Evaluate ``qtmapBench[name](*args)`` in ``target`` (a page or a frame) and return its value."""
    return target.evaluate(_js("call.js"), [name, list(args)])


def wait_for(target, name: str, *args: object, timeout_s: float, polling: float | str = "raf"):
    """Wait until ``qtmapBench[name](*args)`` is truthy in ``target``; return its value."""
    return target.wait_for_function(_js("call.js"), arg=[name, list(args)], polling=polling,
                                    timeout=timeout_s * 1000).json_value()


def offline_route(blocked: list[str]):
    """A route handler: local files pass; the naive page's CDN Leaflet is answered from the local xstatic
    package (the same Leaflet 1.9.3 qtmap inlines) and its jQuery (folium's popups call ``$``) from Debian's
    libjs-jquery; every other request is blocked (never sent) and listed in ``blocked``."""
    import xstatic.pkg.leaflet as xs

    def handle(route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            return route.continue_()
        m = re.search(r"/leaflet@[^/]+/dist/([\w./-]+)$", url)
        if m and (Path(xs.BASE_DIR) / m.group(1)).is_file():
            return route.fulfill(path=str(Path(xs.BASE_DIR) / m.group(1)))
        if re.search(r"/jquery-[\d.]+(\.min)?\.js$", url) and JQUERY.is_file():
            return route.fulfill(path=str(JQUERY), content_type="application/javascript")
        blocked.append(url)
        return route.abort()

    return handle


def browser_once(browser, html: Path, n: int, kind: str, timeout_s: float) -> dict[str, object]:
    """Open ``html`` from disk offline; time until it holds N points and is drawn; view ops; heap."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    blocked: list[str] = []
    page.route("**/*", offline_route(blocked))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)[:200]))
    page.add_init_script(path=str(JS / "page.js"))
    try:
        t0 = time.perf_counter()
        page.goto(html.resolve().as_uri(), wait_until="commit", timeout=timeout_s * 1000)
        try:
            ready = wait_for(page, "ready", kind, n, polling=100, timeout_s=timeout_s)
        except Exception as exc:  # noqa: BLE001 - playwright's TimeoutError; the page may also have crashed
            what = "crashed" if "crash" in str(exc).lower() else f"not ready within {timeout_s:.0f} s"
            return {"error": f"{what} (the page never held all {n:,} points)", "timeout_s": timeout_s,
                    "page_errors": errors[:3]}
        drawn = call(page, "drawn")
        wall = time.perf_counter() - t0
        load_longest = call(page, "longest")
        ops, ops_longest = {}, {}
        for op in ("zoom_in", "pan", "pan_back", "zoom_out"):
            call(page, "resetLongtasks")
            ops[op], sync = call(page, "viewOp", op)
            call(page, "frames")  # long-task entries arrive just after the task
            ops_longest[op] = max(sync, call(page, "longest"))
        hover = None
        if kind == "qtmap":
            x, y = call(page, "centre")
            box = page.locator(".leaflet-container").first.bounding_box()
            t1 = time.perf_counter()
            for k in range(10):  # ten mouse moves across the centre (hit-testing of the points)
                page.mouse.move(box["x"] + x + 3 * k, box["y"] + y + 2 * k)
            call(page, "frames")
            hover = (time.perf_counter() - t1) / 10 * 1e3
        toggle = rebuild = rebuild_longest = None
        if kind == "qtmap":
            toggle = call(page, "toggle")
            call(page, "resetLongtasks")
            rebuild, sync = call(page, "rebuild") or (None, None)
            call(page, "frames")
            rebuild_longest = None if sync is None else max(sync, call(page, "longest"))
        cdp = context.new_cdp_session(page)
        cdp.send("HeapProfiler.collectGarbage")
        cdp.send("Performance.enable")
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        return {"ready_ms": ready, "drawn_ms": drawn, "wall_s": wall, "ops_ms": ops, "ops_longest_task_ms": ops_longest,
                "load_longest_task_ms": load_longest, "hover_ms": hover, "toggle_ms": toggle, "rebuild_ms": rebuild,
                "rebuild_longest_task_ms": rebuild_longest, "heap_mb": metrics.get("JSHeapUsedSize", 0) / 1e6,
                "dom_nodes": metrics.get("Nodes"), "blocked": len(blocked),
                "page_errors": errors[:3]}
    finally:
        context.close()


def step_browser(html: str | None, n: int, kind: str, repeat: int, timeout_s: float) -> dict[str, object]:
    """:func:`work_browser` in a worker process, killed (with its Chromium) if it overruns."""
    if not html or not Path(html).exists():
        return {"error": "no HTML to open (the build step failed or was skipped)"}
    if not Path(CHROMIUM).exists():
        return {"error": f"not available ({CHROMIUM} missing)"}
    res = worker("browser", ["--html", str(html), "--n", str(n), "--kind", kind, "--repeat", str(repeat),
                             "--browser-timeout", str(timeout_s)], repeat * (timeout_s + 90) + 30)
    if "timeout_s" in res and "not done" in str(res.get("error")):
        res["error"] = f"not ready within {timeout_s:.0f} s (page still busy; Chromium killed)"
        res["timeout_s"] = timeout_s
    return res


def work_browser(html: str, n: int, kind: str, repeat: int, timeout_s: float) -> dict[str, object]:
    """Median over ``repeat`` fresh pages of :func:`browser_once`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            runs = []
            for _ in range(repeat):
                r = browser_once(browser, Path(html), n, kind, timeout_s)
                if "error" in r:
                    return {**r, "chromium": browser.version}
                runs.append(r)
            version = browser.version
        finally:
            browser.close()

    def med(key: str) -> float | None:
        return median([r[key] for r in runs])

    ops = {op: median([r["ops_ms"][op] for r in runs]) for op in runs[0]["ops_ms"]}
    longest = {op: median([r["ops_longest_task_ms"][op] for r in runs]) for op in runs[0]["ops_ms"]}
    return {"runs": len(runs), "ready_ms": med("ready_ms"), "drawn_ms": med("drawn_ms"), "wall_s": med("wall_s"),
            "ops_ms": ops, "ops_max_ms": max(ops.values()), "ops_longest_task_ms": longest,
            "ops_longest_task_max_ms": max(longest.values()), "load_longest_task_ms": med("load_longest_task_ms"),
            "hover_ms": med("hover_ms"), "toggle_ms": med("toggle_ms"), "rebuild_ms": med("rebuild_ms"),
            "rebuild_longest_task_ms": med("rebuild_longest_task_ms"), "heap_mb": med("heap_mb"),
            "dom_nodes": runs[-1]["dom_nodes"], "blocked": runs[-1]["blocked"], "page_errors": runs[-1]["page_errors"],
            "chromium": version}


def step_app_browser(csv: Path | None, timeout_s: float) -> dict[str, object]:
    """:func:`work_app_browser` in a worker process (killed with its server and Chromium if it overruns)."""
    if csv is not None:
        why = available("geo.validate")
        if why:
            return {"error": why}
    if not Path(CHROMIUM).exists():
        return {"error": f"not available ({CHROMIUM} missing)"}
    env = env_without_projects()
    if csv is not None:
        env["QTMAP_PROJECTS"] = str(csv)
    return worker("app_browser", ["--browser-timeout", str(timeout_s)], 4 * timeout_s + 120, env)


def work_app_browser(timeout_s: float) -> dict[str, object]:
    """The app in Chromium, offline: first map with every point, then sector changes until their points show.

    Starts ``streamlit run app.py`` (QTMAP_PROJECTS from the environment) through bench/appserver.py; the
    time of a change runs from the click on the option to the moment the map iframe holds the filtered
    points and qtmap.js has drawn them: server rerun, transfer, the component's update and the drawing.
    """
    import os

    from playwright.sync_api import sync_playwright

    from geo.i18n import t
    from geo.register import load_register
    from geo.schema import label

    projects = load_register(os.environ.get("QTMAP_PROJECTS") or None)
    located = projects[projects.geometry.notna()]
    with StreamlitServer(os.environ.get("QTMAP_PROJECTS") or None, log=Path(os.devnull)) as server, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 950})
        context.add_init_script(path=str(JS / "app.js"))  # runs in every frame, the map iframe included
        blocked: list[str] = []
        local = ("http://127.0.0.1", "file:", "data:", "blob:", "about:")
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(local)
                      else (blocked.append(r.request.url), r.abort()))
        page = context.new_page()
        t0 = time.perf_counter()
        page.goto(f"{server.url}/?lang=en", timeout=timeout_s * 1000)
        frame = page.locator(MAP_IFRAME).element_handle(timeout=timeout_s * 1000).content_frame()
        wait_for(frame, "shows", len(located), polling=50, timeout_s=timeout_s)
        first = time.perf_counter() - t0
        changes, counts = [], []
        # The three most common sectors, added one by one (each change shows more points).
        sectors = list(located["sector"].value_counts().index[:3])
        sector_box = page.get_by_role("combobox", name=t("filter_sector", "en"))
        for k in range(len(sectors)):
            chosen = sectors[: k + 1]
            expected = int(located["sector"].isin(chosen).sum())
            sector_box.click()
            name = label("sector", chosen[-1], "en")
            page.keyboard.type(name[:12])
            option = page.get_by_role("option", name=name, exact=True)
            option.wait_for(timeout=timeout_s * 1000)
            call(frame, "mark")
            t1 = time.perf_counter()
            option.click()
            wait_for(frame, "shows", expected, polling=20, timeout_s=timeout_s)
            changes.append(time.perf_counter() - t1)
            counts.append(expected)
            page.keyboard.press("Escape")
            page.get_by_role("listbox").wait_for(state="hidden", timeout=timeout_s * 1000)
        shown = call(frame, "appCount")
        version = browser.version
        browser.close()
    return {"first_map_s": first, "change_s": changes, "median_s": median(changes), "max_s": max(changes),
            "counts": counts, "sectors": sectors, "total": len(located), "shown": shown, "blocked": len(blocked),
            "chromium": version}
