"""qtmap's benchmark: qtmap against the naive folium approach, on the same synthetic registers, in one run.

Run ``python bench/run.py`` (README's benchmark command). For each size N it
generates a synthetic register (bench/synth.py), then measures, with medians of
``--repeat`` runs:

- naive: one ``folium.Marker`` with tooltip and popup per project, ``m.save()``
  (bench/naive.py) as a whole process: time and HTML bytes;
- ``python -m geo html --projects FILE --out F`` as a whole process, and in
  process: loading (read + validate, search index), the project layer build and
  the page render;
- filtering in ``geo/`` (sector + status + district + text, search index precomputed);
- a filter change in the app (Streamlit AppTest, ``QTMAP_PROJECTS=FILE``), and on
  the bundled data;
- the report export ``python -m geo export`` (A4, 300 dpi);
- in headless Chromium, offline: time until the map holds all N points and is
  drawn, pan/zoom timings, re-building the project layer (what a filter change
  does in the browser), JS heap; the naive page too, with its CDN Leaflet served
  from the local xstatic package.

It writes bench/RESULTS.md (tables, ratios, targets met or missed and why) and
the raw numbers to bench/out/results.json. ``--quick`` is a short run
(1,000 and 10,000 rows, one repeat).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
RESULTS = BENCH / "RESULTS.md"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

STEPS = ("html", "inproc", "filter", "naive", "app", "export", "browser", "browser_naive", "app_browser", "bundled_app",
         "bundled_app_browser")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--enable-precise-memory-info"]
VIEWPORT = {"width": 1280, "height": 800}

# Filter changes applied to the app's sector multiselect, in turn.
SECTOR_CHANGES: tuple[tuple[str, ...], ...] = (
    ("processing",), ("electricity", "water"), ("light_industry",), ("building_materials", "mining"),
    ("chemicals",), ("mechanical", "processing"), ("water",),
)
# The filter the geo/ filtering step applies (every kind of filter at once), and single ones.
FILTER_CASES: dict[str, dict[str, object]] = {
    "sector+status+district+text": {"sectors": ("processing", "light_industry"), "statuses": ("operating", "licensed"),
                                    "districts": ("dong_ha", "cam_lo", "trieu_phong"), "query": "thu nghiem 001"},
    "sector": {"sectors": ("processing",)},
    "text": {"query": "thu nghiem 0004"},
    "none": {},
}

TARGETS = {  # (label, size or None, key in the summary, limit, comparison)
    "t10_speed": ("10,000: `geo html` ≥ 10× faster than naive (whole process)", 10_000),
    "t10_size": ("10,000: `geo html` HTML ≥ 4× smaller than naive", 10_000),
    "t10_browser": ("10,000: Chromium shows all points within 2 s, offline", 10_000),
    "t100_html": ("100,000: `geo html` under 5 s", 100_000),
    "t100_bytes": ("100,000: `geo html` under 20 MB", 100_000),
    "t100_browser": ("100,000: Chromium shows the map and responds (pan/zoom/filter) within 5 s", 100_000),
    "t100_filter": ("100,000: filtering under 50 ms", 100_000),
    "t100_app": ("100,000: app filter change under 1 s", 100_000),
    "t100_export": ("100,000: A4 300-dpi export under 10 s", 100_000),
    "tb_app": ("bundled data: app filter change under 0.3 s", None),
}


# --------------------------------------------------------------------------------------------------------------
# helpers
def median(values: list[float]) -> float | None:
    """Median of the non-None values, or None."""
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def run_process(cmd: list[str], timeout: float, env: dict[str, str] | None = None) -> dict[str, object]:
    """Run ``cmd`` in its own process group; return wall time, exit code and the tails of its output.

    On timeout the whole group (the process and e.g. the Chromium it started) is killed by its id.
    """
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        return {"wall_s": None, "rc": None, "timeout": timeout, "stdout": "", "stderr": f"timed out after {timeout} s"}
    return {"wall_s": time.perf_counter() - t0, "rc": p.returncode, "stdout": out[-4000:], "stderr": err[-4000:]}


def last_json(text: str) -> dict[str, object]:
    """The JSON object printed on the last line of ``text`` (workers print one)."""
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError(f"no JSON in output: {text[-500:]}")


def worker(name: str, args: list[str], timeout: float, env: dict[str, str] | None = None) -> dict[str, object]:
    """Run one of this file's workers in a fresh interpreter; return its JSON (or an error)."""
    res = run_process([sys.executable, str(Path(__file__).resolve()), "--worker", name, *args], timeout, env)
    if res["rc"] is None:
        return {"error": f"not done within {timeout:.0f} s (process killed)", "timeout_s": timeout}
    if res["rc"] != 0:
        return {"error": _error_line(res)}
    try:
        return last_json(str(res["stdout"]))
    except ValueError as exc:
        return {"error": str(exc)}


def _error_line(res: dict[str, object]) -> str:
    tail = [line for line in str(res.get("stderr", "")).strip().splitlines() if line.strip()]
    return (tail[-1] if tail else f"exit code {res.get('rc')}")[:300]


def available(module: str) -> str | None:
    """None if ``module`` imports in a fresh interpreter, else why not (e.g. not written yet)."""
    res = run_process([sys.executable, "-c", f"import {module}"], 120)
    return None if res["rc"] == 0 else f"not available ({_error_line(res)})"


def env_without_projects() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("QTMAP_PROJECTS", None)
    return env


# --------------------------------------------------------------------------------------------------------------
# machine and versions
def machine_info() -> dict[str, object]:
    """CPU model, cores, RAM, date, git commit and library versions."""
    from importlib.metadata import PackageNotFoundError, version

    cpu = "unknown"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    ram_gb = None
    try:
        kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
        ram_gb = round(kb / 1024 ** 2, 1)
    except (OSError, StopIteration):
        pass

    def git(*a: str) -> str:
        p = subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True)
        return p.stdout.strip()

    versions = {}
    for pkg in ("streamlit", "folium", "streamlit-folium", "geopandas", "pandas", "shapely", "pyogrio", "matplotlib",
                "playwright", "XStatic-Leaflet"):
        try:
            versions[pkg] = version(pkg)
        except PackageNotFoundError:
            versions[pkg] = None
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu, "cores": os.cpu_count(), "ram_gb": ram_gb, "os": platform.platform(),
        "python": platform.python_version(), "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(dirty), "versions": versions, "load_avg_start": [round(x, 2) for x in os.getloadavg()],
    }


# --------------------------------------------------------------------------------------------------------------
# steps (run in the parent; heavy ones delegate to a worker process)
def step_geo_html(csv: Path, n: int, repeat: int, timeout: float) -> dict[str, object]:
    """``python -m geo html --projects FILE --out F`` as a whole process."""
    why = available("geo.validate")
    if why:
        return {"error": why}
    out = OUT / f"qtmap_{n}.html"
    walls = []
    for _ in range(repeat):
        res = run_process([sys.executable, "-m", "geo", "html", "--projects", str(csv), "--out", str(out)], timeout,
                          env_without_projects())
        if res["rc"] != 0:
            return {"error": _error_line(res)}
        walls.append(res["wall_s"])
    return {"wall_s": walls, "median_s": median(walls), "bytes": out.stat().st_size, "html": str(out)}


def step_naive(csv: Path, n: int, repeat: int, timeout: float) -> dict[str, object]:
    """bench/naive.py as a whole process (wall time), with its in-process build/save split."""
    out = OUT / f"naive_{n}.html"
    runs = []
    for _ in range(repeat):
        res = run_process([sys.executable, str(BENCH / "naive.py"), str(csv), str(out)], timeout,
                          env_without_projects())
        if res["rc"] is None:
            return {"error": f"timed out after {timeout:.0f} s", "timeout_s": timeout}
        if res["rc"] != 0:
            return {"error": _error_line(res)}
        runs.append({**last_json(str(res["stdout"])), "wall_s": res["wall_s"]})
    return {"runs": len(runs), "wall_s": [r["wall_s"] for r in runs], "median_s": median([r["wall_s"] for r in runs]),
            "build_s": median([r["build_s"] for r in runs]), "save_s": median([r["save_s"] for r in runs]),
            "inproc_s": median([r["build_s"] + r["save_s"] for r in runs]), "bytes": runs[-1]["bytes"],
            "html": str(out)}


def step_export(csv: Path, n: int, repeat: int, timeout: float) -> dict[str, object]:
    """``python -m geo export --projects FILE --out x.png`` (A4, 300 dpi) as a whole process."""
    why = available("geo.export") or available("geo.validate")
    if why:
        return {"error": why}
    out = OUT / f"export_{n}.png"
    walls = []
    for _ in range(repeat):
        res = run_process([sys.executable, "-m", "geo", "export", "--projects", str(csv), "--out", str(out),
                           "--paper", "A4", "--dpi", "300"], timeout, env_without_projects())
        if res["rc"] != 0:
            return {"error": _error_line(res)}
        walls.append(res["wall_s"])
    return {"wall_s": walls, "median_s": median(walls), "bytes": out.stat().st_size}


def step_app(csv: Path | None, repeat: int, timeout: float) -> dict[str, object]:
    """Streamlit AppTest: first run, then the sector multiselect changed ``repeat`` (≥ 5) times."""
    if csv is not None:
        why = available("geo.validate")
        if why:
            return {"error": why}
    env = env_without_projects()
    if csv is not None:
        env["QTMAP_PROJECTS"] = str(csv)
    return worker("app", ["--changes", str(max(repeat, 5))], timeout, env)


# --------------------------------------------------------------------------------------------------------------
# workers (each in its own interpreter: clean caches, its own memory)
def work_inproc(csv: Path, repeat: int) -> dict[str, object]:
    """Stages of ``geo html`` in process: read+validate, search index, filter, layer build, page render."""
    t0 = time.perf_counter()
    import folium  # noqa: F401

    from geo.bundled import ATTRIBUTION_SHORT, load_all, load_zones
    from geo.filters import Filters, apply_filters, with_search_index
    from geo.register import bundled_references
    from geo.validate import validate_file
    from layers import projects as project_layer
    from layers.maps import standalone_map

    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = validate_file(csv, kind="project", references=bundled_references(), lang="en")
    t_validate = time.perf_counter() - t0
    if report.exit_code != 0:
        raise SystemExit("invalid register: " + "; ".join(report.lines()[:3]))
    t0 = time.perf_counter()
    gdf = with_search_index(report.data)
    t_index = time.perf_counter() - t0
    layers = {k: v for k, v in load_all().items() if k != "project"}
    zones = load_zones()
    t0 = time.perf_counter()
    shown = apply_filters(gdf, Filters(), zones)
    t_filter = time.perf_counter() - t0
    builds, renders, sizes = [], [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        project_layer.build(shown, "project", "vi")
        builds.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        page = standalone_map(layers, shown, "vi", ATTRIBUTION_SHORT).get_root().render()
        renders.append(time.perf_counter() - t0)
        sizes.append(len(page.encode("utf-8")))
    return {"import_s": t_import, "validate_s": t_validate, "search_index_s": t_index, "filter_all_s": t_filter,
            "layer_build_s": builds, "layer_build_median_s": median(builds), "page_render_s": renders,
            "page_render_median_s": median(renders), "bytes": sizes[-1]}


def work_filter(csv: Path, repeat: int) -> dict[str, object]:
    """apply_filters on the register with its search index precomputed (as the app holds it)."""
    from geo.bundled import load_zones
    from geo.filters import Filters, apply_filters
    from geo.register import load_register

    projects = load_register(csv)
    zones = load_zones()
    out: dict[str, object] = {"n": len(projects)}
    runs = max(repeat, 21)
    for name, kwargs in FILTER_CASES.items():
        f = Filters(**kwargs)
        apply_filters(projects, f, zones)  # warm-up
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            shown = apply_filters(projects, f, zones)
            times.append(time.perf_counter() - t0)
        out[name] = {"median_ms": median(times) * 1e3, "max_ms": max(times) * 1e3, "rows": len(shown), "runs": runs}
    return out


def work_app(changes: int) -> dict[str, object]:
    """AppTest of app.py: first run, then ``changes`` sector changes; times of ``at.run()``."""
    from streamlit.testing.v1 import AppTest

    os.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=1200)
    t0 = time.perf_counter()
    at.run()
    first = time.perf_counter() - t0
    if at.exception:
        raise SystemExit(f"app raised: {at.exception[0].message}")
    times, values = [], []
    for k in range(changes):
        value = list(SECTOR_CHANGES[k % len(SECTOR_CHANGES)])
        t0 = time.perf_counter()
        at.multiselect(key="sector").set_value(value).run()
        times.append(time.perf_counter() - t0)
        values.append(value)
        if at.exception:
            raise SystemExit(f"app raised after sector={value}: {at.exception[0].message}")
    profile = profile_threads(lambda: at.multiselect(key="sector").set_value(list(SECTOR_CHANGES[0])).run())
    caption = next((c.value for c in at.caption if "·" in c.value), "")
    return {"first_run_s": first, "change_s": times, "median_s": median(times), "max_s": max(times),
            "changes": values, "last_caption": caption[:200], "register": os.environ.get("QTMAP_PROJECTS", "bundled"),
            "profile": top_functions(profile)}


def profile_threads(fn) -> list[object]:
    """Run ``fn`` with every thread it starts profiled (AppTest runs the script in its own thread)."""
    import cProfile
    import threading

    profiles: list[cProfile.Profile] = []
    original = threading.Thread.run

    def run(self) -> None:
        profile = cProfile.Profile()
        profiles.append(profile)
        profile.enable()
        try:
            original(self)
        finally:
            profile.disable()

    threading.Thread.run = run
    try:
        fn()
    finally:
        threading.Thread.run = original
    return profiles


def top_functions(profiles: list[object], limit: int = 12) -> list[list[object]]:
    """[cumulative s, 'file:line(function)'] of the costliest calls in qtmap's code and the map libraries."""
    import pstats

    if not profiles:
        return []
    stats = pstats.Stats(*profiles).stats  # {(file, line, func): (cc, nc, tt, ct, callers)}
    libs = ("/streamlit_folium/", "/folium/", "/branca/", "/json/")
    rows = []
    for (file, line, func), (_, _, _, cum, _) in stats.items():
        ours = file.startswith(str(ROOT) + "/") and "/.venv/" not in file
        if ours or any(k in file for k in libs):
            short = file.replace(str(ROOT) + "/", "").split("site-packages/")[-1]
            rows.append([round(cum, 4), f"{short}:{line}({func})"])
    rows.sort(key=lambda r: -r[0])
    return rows[:limit]


# --------------------------------------------------------------------------------------------------------------
# Chromium
FIND_MAP = """() => {
  if (window.__benchMap) return window.__benchMap;
  if (!window.L) return null;
  for (const k of Object.keys(window)) {
    if (k.startsWith('map_') && window[k] instanceof L.Map) { window.__benchMap = window[k]; return window[k]; }
  }
  return null;
}"""
def js(text: str) -> str:
    """Page JavaScript with the shared snippets ($FIND_MAP, $COUNT, $SETTLE) filled in."""
    for name in ("$FIND_MAP", "$COUNT", "$SETTLE"):
        value = globals().get(name[1:])
        if value is not None:
            text = text.replace(name, value)
    return text


# How many project points the map holds: qtmap.count(map) when qtmap.js offers it, else the circle markers
# qtmap.js tags with _qtmapRow (radius 7 = project markers), else (naive page) every L.Marker.
COUNT = js("""(kind) => {
  const M = ($FIND_MAP)();
  if (!M) return -1;
  if (kind === 'qtmap' && window.qtmap && window.qtmap.count) return window.qtmap.count(M);
  let c = 0;
  for (const k in M._layers) {
    const l = M._layers[k];
    if (kind === 'qtmap' ? (l._qtmapRow !== undefined && l instanceof L.CircleMarker && l.options.radius === 7)
                         : (l instanceof L.Marker)) c++;
  }
  return c;
}""")
READY = js("([kind, n]) => { const c = ($COUNT)(kind); return c >= n ? performance.now() : false; }")
FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"
# Resolves once the map is drawn: two animation frames after qtmap.js reports no point layer still drawing.
SETTLE = """(M, done) => {
  const idle = () => !(window.qtmap && window.qtmap.busy && window.qtmap.busy(M));
  const wait = () => {
    if (idle()) requestAnimationFrame(() => requestAnimationFrame(done)); else requestAnimationFrame(wait);
  };
  wait();
}"""
# Long tasks (main thread blocked ≥ 50 ms) seen by a PerformanceObserver: how long the page stops responding.
# (The observer is installed by an init script, see OBSERVE_LONGTASKS; this starts a new list.)
OBSERVE_LONGTASKS = ("window.__longtasks = []; new PerformanceObserver(l => l.getEntries().forEach("
                     "e => window.__longtasks.push(e.duration))).observe({type: 'longtask', buffered: true});")
LONGTASKS = "() => { window.__longtasks = []; }"
LONGEST = "() => (window.__longtasks || []).reduce((a, b) => Math.max(a, b), 0)"
DRAWN = js("() => new Promise(res => { const M = ($FIND_MAP)(); ($SETTLE)(M, () => res(performance.now())); })")
# One view change: run it, wait for 'moveend' and until the points are redrawn (plus two frames), return ms.
VIEW_OP = js("""(op) => new Promise(res => {
  const M = ($FIND_MAP)();
  const t = performance.now();
  let sync = null;
  M.once('moveend', () => ($SETTLE)(M, () => res([performance.now() - t, sync])));
  if (op === 'zoom_in') M.setZoom(M.getZoom() + 1, {animate: false});
  else if (op === 'zoom_out') M.setZoom(M.getZoom() - 1, {animate: false});
  else if (op === 'pan') M.panBy([300, 150], {animate: false});
  else if (op === 'pan_back') M.panBy([-300, -150], {animate: false});
  sync = performance.now() - t;  // the synchronous part (event handlers): the page cannot respond meanwhile
})""")
# Toggle the project layer off and on (what the layer control does), ms until drawn again.
TOGGLE = js("""() => new Promise(res => {
  const M = ($FIND_MAP)();
  let g = null;
  M.eachLayer(l => { if (!g && l._qtmapPoints !== undefined) g = l; });
  if (!g) { M.eachLayer(l => { if (!g && l.getLayers && l.getLayers().some(x => x._qtmapRow !== undefined
                                   && x.options && x.options.radius === 7)) g = l; }); }
  if (!g) return res(null);
  const t = performance.now();
  M.removeLayer(g); M.addLayer(g);
  ($SETTLE)(M, () => res(performance.now() - t));
})""")
# Re-run the page's qtmap.points(...) call (JSON parse + layer build + draw): what the browser does when a
# filter change in the app sends a new project group. The new layer is then removed again.
REBUILD = js("""() => new Promise(res => {
  const M = ($FIND_MAP)();
  const s = Array.from(document.scripts).map(x => x.text).find(x => x.includes('qtmap.points('));
  if (!s) return res(null);
  const a = s.indexOf('qtmap.points(');
  const b = s.indexOf(');\\n', a);
  const call = s.slice(a, b + 1);
  const t = performance.now();
  const g = (0, eval)(call);
  g.addTo(M);
  const sync = performance.now() - t;
  ($SETTLE)(M, () => { const ms = performance.now() - t; M.removeLayer(g); res([ms, sync]); });
})""")
HOVER = js("() => { const M = ($FIND_MAP)(); const c = M.getSize(); return [c.x / 2, c.y / 2]; }")


JQUERY = Path("/usr/share/javascript/jquery/jquery.min.js")  # Debian's libjs-jquery (a Chromium dependency here)


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
    page.add_init_script(OBSERVE_LONGTASKS)
    try:
        t0 = time.perf_counter()
        page.goto(html.resolve().as_uri(), wait_until="commit", timeout=timeout_s * 1000)
        try:
            ready = page.wait_for_function(READY, arg=[kind, n], polling=100, timeout=timeout_s * 1000).json_value()
        except Exception as exc:  # noqa: BLE001 - playwright's TimeoutError; the page may also have crashed
            what = "crashed" if "crash" in str(exc).lower() else f"not ready within {timeout_s:.0f} s"
            return {"error": f"{what} (the page never held all {n:,} points)", "timeout_s": timeout_s,
                    "page_errors": errors[:3]}
        drawn = page.evaluate(DRAWN)
        wall = time.perf_counter() - t0
        load_longest = page.evaluate(LONGEST)
        ops, ops_longest = {}, {}
        for op in ("zoom_in", "pan", "pan_back", "zoom_out"):
            page.evaluate(LONGTASKS)
            ops[op], sync = page.evaluate(VIEW_OP, op)
            page.wait_for_timeout(50)  # long-task entries arrive just after the task
            ops_longest[op] = max(sync, page.evaluate(LONGEST))
        hover = None
        if kind == "qtmap":
            x, y = page.evaluate(HOVER)
            box = page.locator(".leaflet-container").first.bounding_box()
            t1 = time.perf_counter()
            for k in range(10):  # ten mouse moves across the centre (hit-testing of the points)
                page.mouse.move(box["x"] + x + 3 * k, box["y"] + y + 2 * k)
            page.evaluate(FRAMES)
            hover = (time.perf_counter() - t1) / 10 * 1e3
        toggle = rebuild = rebuild_longest = None
        if kind == "qtmap":
            toggle = page.evaluate(TOGGLE)
            page.evaluate(LONGTASKS)
            rebuild, sync = page.evaluate(REBUILD) or (None, None)
            page.wait_for_timeout(50)
            rebuild_longest = None if sync is None else max(sync, page.evaluate(LONGEST))
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

    Starts ``streamlit run app.py`` (QTMAP_PROJECTS from the environment) on a free local port; the time of
    a change runs from the click on the option to the moment the map iframe holds the filtered points and
    qtmap.js has drawn them: server rerun, transfer, the component's update and the drawing.
    """
    import socket
    import urllib.request

    from playwright.sync_api import sync_playwright

    from geo.register import load_register
    from geo.schema import label

    projects = load_register(os.environ.get("QTMAP_PROJECTS") or None)
    located = projects[projects.geometry.notna()]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                               "--server.address", "127.0.0.1", "--server.headless", "true"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("streamlit did not start") from None
                time.sleep(0.3)
        count = "() => window.map && window.qtmap && window.qtmap.count ? window.qtmap.count(window.map) : -1"
        # The map shows n project points from a project group the previous change did not leave (see mark).
        shows = """(n) => {
          if (!window.map || !window.qtmap || !window.qtmap.count) return false;
          let fresh = false, old = false;
          window.map.eachLayer(l => {
            if (l._qtmapPoints !== undefined) { if (l.__benchOld) old = true; else fresh = true; }
          });
          return fresh && !old && window.qtmap.count(window.map) === n && !window.qtmap.busy(window.map);
        }"""
        mark = "() => { window.map.eachLayer(l => { if (l._qtmapPoints !== undefined) l.__benchOld = true; }); }"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 950})
            blocked: list[str] = []
            local = ("http://127.0.0.1", "file:", "data:", "blob:", "about:")
            context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(local)
                          else (blocked.append(r.request.url), r.abort()))
            page = context.new_page()
            t0 = time.perf_counter()
            page.goto(f"{url}/?lang=en", timeout=timeout_s * 1000)
            page.wait_for_selector("iframe[title*='st_folium']", timeout=timeout_s * 1000)
            frame = None
            while frame is None and time.perf_counter() - t0 < timeout_s:
                frame = next((f for f in page.frames if "st_folium" in f.url), None)
                page.wait_for_timeout(50)
            frame.wait_for_function(shows, arg=len(located), polling=50, timeout=timeout_s * 1000)
            first = time.perf_counter() - t0
            changes, counts = [], []
            # The three most common sectors, added one by one (each change shows more points).
            sectors = list(located["sector"].value_counts().index[:3])
            for k in range(len(sectors)):
                chosen = sectors[: k + 1]
                expected = int(located["sector"].isin(chosen).sum())
                page.get_by_test_id("stMultiSelect").first.locator("input").click()
                name = label("sector", chosen[-1], "en")
                page.keyboard.type(name[:12])
                option = page.get_by_role("option", name=name, exact=True)
                option.wait_for(timeout=timeout_s * 1000)
                frame.evaluate(mark)
                t1 = time.perf_counter()
                option.click()
                frame.wait_for_function(shows, arg=expected, polling=20, timeout=timeout_s * 1000)
                changes.append(time.perf_counter() - t1)
                counts.append(expected)
                page.keyboard.press("Escape")
                page.wait_for_timeout(300)
            shown = frame.evaluate(count)
            version = browser.version
            browser.close()
        return {"first_map_s": first, "change_s": changes, "median_s": median(changes), "max_s": max(changes),
                "counts": counts, "sectors": sectors, "total": len(located), "shown": shown, "blocked": len(blocked),
                "chromium": version}
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


# --------------------------------------------------------------------------------------------------------------
# the run
def run_size(n: int, args: argparse.Namespace, log) -> dict[str, object]:
    from synth import ensure_register

    steps = set(args.steps)
    res: dict[str, object] = {}
    t0 = time.perf_counter()
    csv = ensure_register(n, OUT, args.seed)
    res["register"] = {"csv": str(csv), "bytes": csv.stat().st_size, "generate_s": time.perf_counter() - t0}
    log(f"N={n}: register {csv.name} ({csv.stat().st_size / 1e6:.1f} MB)")
    naive_repeat = args.repeat if n <= args.naive_once_above else 1
    plan = [
        ("html", lambda: step_geo_html(csv, n, args.repeat, args.timeout)),
        ("inproc", lambda: worker("inproc", ["--csv", str(csv), "--repeat", str(args.repeat)], args.timeout)),
        ("filter", lambda: worker("filter", ["--csv", str(csv), "--repeat", str(args.repeat)], args.timeout)),
        ("naive", lambda: step_naive(csv, n, naive_repeat, args.naive_timeout)),
        ("app", lambda: step_app(csv, args.repeat, args.timeout)),
        ("export", lambda: step_export(csv, n, args.repeat, args.timeout)),
        ("browser", lambda: step_browser((res.get("html") or {}).get("html"), n, "qtmap", args.repeat,
                                         args.browser_timeout)),
        ("browser_naive", lambda: step_browser((res.get("naive") or {}).get("html"), n, "naive", naive_repeat,
                                               args.browser_timeout)),
        ("app_browser", lambda: step_app_browser(csv, args.browser_timeout)),
    ]
    for name, fn in plan:
        if name not in steps:
            continue
        t1 = time.perf_counter()
        try:
            res[name] = fn()
        except Exception as exc:  # noqa: BLE001 - one failed step must not lose the others
            res[name] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        log(f"N={n}: {name} done in {time.perf_counter() - t1:.1f} s: {_brief(res[name])}")
    return res


def _brief(r: dict[str, object]) -> str:
    if "error" in r:
        return "ERROR " + str(r["error"])
    keys = ("median_s", "bytes", "ready_ms", "ops_max_ms", "heap_mb", "layer_build_median_s", "page_render_median_s",
            "first_map_s")
    return ", ".join(f"{k}={r[k]:.3g}" for k in keys if isinstance(r.get(k), int | float))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="qtmap benchmark (see bench/RESULTS.md)")
    p.add_argument("--sizes", default="1000,10000,100000", help="comma-separated register sizes")
    p.add_argument("--repeat", type=int, default=3, help="runs per measurement (medians are reported)")
    p.add_argument("--quick", action="store_true", help="sizes 1000,10000 and one repeat")
    p.add_argument("--steps", default=",".join(STEPS), help="comma-separated subset of: " + ", ".join(STEPS))
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--timeout", type=float, default=900, help="timeout (s) of one qtmap process")
    p.add_argument("--naive-timeout", type=float, default=1200, help="timeout (s) of one naive baseline process")
    p.add_argument("--naive-once-above", type=int, default=10_000,
                   help="above this size the naive baseline (and its browser step) runs once")
    p.add_argument("--browser-timeout", type=float, default=180, help="seconds a page may take to show its points")
    p.add_argument("--results", type=Path, default=RESULTS, help="Markdown report to write")
    p.add_argument("--out-dir", type=Path, default=OUT, help="where registers, pages and images go (bench/out)")
    p.add_argument("--json", type=Path, default=None, help="raw results to write (default: OUT-DIR/results.json)")
    p.add_argument("--report-only", action="store_true",
                   help="only rewrite --results from the raw results (--json) of an earlier run")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--changes", type=int, default=5, help=argparse.SUPPRESS)
    p.add_argument("--html", help=argparse.SUPPRESS)
    p.add_argument("--n", type=int, help=argparse.SUPPRESS)
    p.add_argument("--kind", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.quick:
        args.sizes, args.repeat = "1000,10000", 1
    args.sizes = [int(s) for s in str(args.sizes).split(",") if s.strip()]
    args.steps = [s.strip() for s in str(args.steps).split(",") if s.strip()]
    unknown = set(args.steps) - set(STEPS)
    if unknown:
        p.error(f"unknown steps: {', '.join(sorted(unknown))}")
    return args


def run(args: argparse.Namespace, log=print) -> dict[str, object]:
    """Run every size and step; return the results (also written as JSON and Markdown)."""
    global OUT
    OUT = Path(args.out_dir)
    OUT.mkdir(parents=True, exist_ok=True)
    args.json = args.json or OUT / "results.json"
    results: dict[str, object] = {"meta": machine_info(), "args": {
        "sizes": args.sizes, "repeat": args.repeat, "steps": args.steps, "seed": args.seed,
        "naive_once_above": args.naive_once_above, "naive_timeout": args.naive_timeout, "timeout": args.timeout,
        "browser_timeout": args.browser_timeout}, "sizes": {}}
    t0 = time.perf_counter()
    for n in args.sizes:
        results["sizes"][str(n)] = run_size(n, args, log)
    if "bundled_app" in args.steps:
        from geo.bundled import load_layer

        results["bundled_n"] = len(load_layer("project"))
        results["bundled_app"] = step_app(None, args.repeat, args.timeout)
        log(f"bundled: app done: {_brief(results['bundled_app'])}")
    if "bundled_app_browser" in args.steps:
        results["bundled_app_browser"] = step_app_browser(None, args.browser_timeout)
        log(f"bundled: app in Chromium done: {_brief(results['bundled_app_browser'])}")
    results["total_s"] = time.perf_counter() - t0
    results["meta"]["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    from report import markdown

    args.results.write_text(markdown(results), encoding="utf-8")
    log(f"wrote {args.results} and {args.json} in {results['total_s']:.0f} s")
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        fn = {"inproc": lambda: work_inproc(args.csv, args.repeat),
              "filter": lambda: work_filter(args.csv, args.repeat), "app": lambda: work_app(args.changes),
              "browser": lambda: work_browser(args.html, args.n, args.kind, args.repeat, args.browser_timeout),
              "app_browser": lambda: work_app_browser(args.browser_timeout),
              }[args.worker]
        print(json.dumps(fn()))
        return 0
    if args.report_only:
        from report import markdown

        raw = args.json or Path(args.out_dir) / "results.json"
        args.results.write_text(markdown(json.loads(raw.read_text(encoding="utf-8"))), encoding="utf-8")
        print(f"wrote {args.results} from {raw}")
        return 0
    run(args, log=lambda msg: print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
