"""Measure qtmap, the peer apps and the floor in headless Chromium, offline, on one synthetic register.

For each app (qtmap's app.py, bench/peers/pydeck_app.py, cluster_app.py, geojson_app.py) one Streamlit
server (bench/appserver.py, ``QTMAP_PROJECTS=FILE``) and, per run (``repeat`` runs, a fresh browser
context each):

- **first draw**: ``page.goto`` until the app shows all N points (bench/js/peers.js: qtmap's
  ``qtmap.count``/``qtmap.busy``; the markers held by the marker-cluster layer; the layers of the GeoJson
  layer; the instance count of deck.gl's instanced WebGL draw call) and two animation frames passed;
- **filter change seen**: the three most common sectors picked one by one in the sidebar multiselect,
  from the click on the option until the app shows that many points, drawn;
- **sent per change**: the bytes of the websocket frames the page received meanwhile
  (CDP ``Network.webSocketFrameReceived``; binary frames arrive base64-encoded and are counted decoded);
- **browser heap** after the changes and a forced GC: CDP ``Runtime.getHeapUsage`` of the page's isolate
  (its same-origin map iframes included): the JS heap plus ArrayBuffer backing stores
  (``backingStorageSize``); WebGL buffers and canvases are not in it;
- **server memory**: the RSS of the Streamlit process (and children), after the runs, and its peak (VmHWM).

Every request that is not to 127.0.0.1 (or file:, data:, blob:) is aborted: the peers' CDN assets come
from bench/vendor/, served by their app. The floor (bench/peers/floor.py) is a file:// page.
A timeout is reported as "not within T s", with the app's error message if it showed one (e.g. Streamlit's
"exceeds the message size limit"). A page whose renderer stops answering blocks every Playwright call, its
timeouts included; in bench.run's worker a watchdog then kills the worker's process group (worker, Streamlit,
Chromium) and says at which stage (``page stopped answering during ...``), and bench.run does not try that
app at the larger sizes.
"""

from __future__ import annotations

import base64
import os
import signal
import statistics
import sys
import threading
import time
from pathlib import Path

import pandas as pd

from bench.appserver import CHROMIUM, CHROMIUM_ARGS, StreamlitServer
from bench.common import OUT
from bench.peers.floor import write_floor

__all__ = ["APPS", "CHANGES", "JS", "KINDS", "LABELS", "STAGE", "VIEWPORT", "expected_counts", "measure_app",
           "measure_floor", "peer_budget_s", "tree_memory", "work_peer", "ws_bytes"]

JS = Path(__file__).resolve().parent.parent / "js" / "peers.js"
APPS = {"qtmap": "app.py", "pydeck": "bench/peers/pydeck_app.py", "cluster": "bench/peers/cluster_app.py",
        "geojson": "bench/peers/geojson_app.py"}
KINDS = (*APPS, "floor")
LABELS = {"qtmap": "qtmap", "pydeck": "pydeck ScatterplotLayer", "cluster": "FastMarkerCluster",
          "geojson": "GeoJson circle markers", "floor": "floor (raw canvas)"}
CHANGES = 3
VIEWPORT = {"width": 1400, "height": 950}
LOCAL = ("http://127.0.0.1", "file:", "data:", "blob:", "about:")
# What the measurement is doing right now (for the watchdog's message when a page stops answering).
STAGE: dict[str, object] = {"now": "starting the app", "until": None}
GRACE_S = 30  # a stage may overrun its Playwright timeout by this much before the watchdog kills the worker


def _stage(name: str, timeout_s: float) -> None:
    STAGE["now"], STAGE["until"] = name, time.monotonic() + timeout_s + GRACE_S


def ws_bytes(event: dict) -> int:
    """Payload bytes of one CDP webSocketFrameReceived event (binary payloads are base64 in CDP)."""
    resp = event.get("response") or {}
    data = resp.get("payloadData") or ""
    if resp.get("opcode") == 2:
        return len(base64.b64decode(data)) if data else 0
    return len(data.encode("utf-8"))


def tree_memory(pid: int) -> dict[str, int]:
    """RSS and peak RSS (VmHWM) in bytes of process ``pid`` and its descendants, from /proc."""
    todo, seen, rss, hwm = [pid], set(), 0, 0
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            status = Path(f"/proc/{p}/status").read_text()
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        rss += int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
        hwm += int(fields.get("VmHWM", "0 kB").split()[0]) * 1024
    return {"rss": rss, "hwm": hwm, "processes": len(seen)}


def expected_counts(csv: str | Path) -> tuple[int, list[str], list[int]]:
    """N located rows, the three most common sectors, and the rows shown as each is added to the filter."""
    df = pd.read_csv(csv, usecols=["sector", "lon", "lat"]).dropna(subset=["lon", "lat"])
    sectors = list(df["sector"].value_counts().index[:CHANGES])
    return len(df), sectors, [int(df["sector"].isin(sectors[: k + 1]).sum()) for k in range(len(sectors))]


def _median(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _why(page, log: Path) -> str:
    """The app's own error message, if it shows one (Streamlit's exception box), else the server log's last error."""
    try:
        box = page.locator("[data-testid='stException'], [data-testid='stAlert']")
        if box.count():
            return " ".join(box.first.inner_text(timeout=2000).split())[:200]
    except Exception:  # noqa: BLE001 - the page may have crashed
        return "the page crashed"
    try:
        lines = [ln for ln in log.read_text(errors="replace").splitlines() if "Error" in ln or "exceed" in ln]
        return lines[-1].strip()[:200] if lines else ""
    except OSError:
        return ""


def _pick(page, sector: str, timeout_ms: float) -> object:
    """Open the sector multiselect, type the sector's name, and return its option (not clicked yet)."""
    from geo.schema import label

    box = page.get_by_role("combobox", name="Sector")
    box.click(timeout=timeout_ms)
    name = label("sector", sector, "en")
    page.keyboard.type(name[:12])
    option = page.get_by_role("option", name=name, exact=True)
    option.wait_for(timeout=timeout_ms)
    return option


def _run_once(browser, kind: str, url: str, n: int, sectors: list[str], counts: list[int], timeout_s: float,
              log: Path) -> dict[str, object]:
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(path=str(JS))
    blocked: list[str] = []
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL)
                  else (blocked.append(r.request.url), r.abort()))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)[:200]))
    cdp = context.new_cdp_session(page)
    frames: list[tuple[float, int]] = []
    cdp.on("Network.webSocketFrameReceived", lambda e: frames.append((time.perf_counter(), ws_bytes(e))))
    cdp.send("Network.enable")
    timeout_ms = timeout_s * 1000

    def shows(count: int) -> None:
        page.wait_for_function("([k, c]) => window.qtmapPeers && window.qtmapPeers.shows(k, c)", arg=[kind, count],
                               timeout=timeout_ms, polling="raf")
        page.evaluate("() => window.qtmapPeers.frames()")

    try:
        _stage("first draw", timeout_s)
        t0 = time.perf_counter()
        page.goto(url, timeout=timeout_ms)
        try:
            shows(n)
        except Exception as exc:  # noqa: BLE001 - playwright's TimeoutError, or a crash
            why = "crashed" if "crash" in str(exc).lower() else f"not within {timeout_s:.0f} s"
            return {"error": f"first draw {why}" + (f": {_why(page, log)}" if _why(page, log) else ""),
                    "timeout_s": timeout_s, "page_errors": errors[:3]}
        first = time.perf_counter() - t0
        first_bytes = sum(b for _, b in frames)
        changes, sent = [], []
        for k, sector in enumerate(sectors):
            _stage(f"filter change {k + 1}", timeout_s)
            option = _pick(page, sector, timeout_ms)
            page.evaluate("() => window.qtmapPeers.frames()")
            t1 = time.perf_counter()
            option.click()
            try:
                shows(counts[k])
            except Exception as exc:  # noqa: BLE001
                why = "crashed" if "crash" in str(exc).lower() else f"not within {timeout_s:.0f} s"
                return {"error": f"filter change {why}" + (f": {_why(page, log)}" if _why(page, log) else ""),
                        "timeout_s": timeout_s, "first_s": first, "page_errors": errors[:3]}
            t2 = time.perf_counter()
            changes.append(t2 - t1)
            sent.append(sum(b for t, b in frames if t1 <= t <= t2))
            page.keyboard.press("Escape")
            try:  # at 1,000,000 the page can be too busy to close the sector list
                page.get_by_role("listbox").wait_for(state="hidden", timeout=timeout_ms)
            except Exception:  # noqa: BLE001 - playwright's TimeoutError, or a crash
                return {"error": f"the sector list did not close within {timeout_s:.0f} s after filter change {k + 1} "
                        f"(seen in {changes[-1]:.1f} s)", "timeout_s": timeout_s, "first_s": first,
                        "change_s": changes, "sent_bytes": sent, "page_errors": errors[:3]}
        _stage("reading the heap", timeout_s)
        cdp.send("HeapProfiler.collectGarbage")
        heap = cdp.send("Runtime.getHeapUsage")
        return {"first_s": first, "first_bytes": first_bytes, "change_s": changes, "sent_bytes": sent,
                "heap_used": heap.get("usedSize"), "heap_buffers": heap.get("backingStorageSize"),
                "heap_dom": heap.get("embedderHeapUsedSize"), "blocked": len(blocked), "page_errors": errors[:3],
                "gl_calls": page.evaluate("() => window.qtmapPeers.glCalls()")}
    finally:
        context.close()


def _summary(runs: list[dict], extra: dict) -> dict[str, object]:
    heap = [(r["heap_used"] or 0) + (r["heap_buffers"] or 0) for r in runs]
    return {**extra, "runs": len(runs), "first_s": _median([r["first_s"] for r in runs]),
            "first_cold_s": runs[0]["first_s"],
            "change_s": _median([c for r in runs for c in r["change_s"]]),
            "change_max_s": max(c for r in runs for c in r["change_s"]),
            "sent_bytes": _median([b for r in runs for b in r["sent_bytes"]]),
            "first_bytes": _median([r.get("first_bytes") for r in runs]),
            "heap_bytes": _median(heap), "heap_js_bytes": _median([r["heap_used"] for r in runs]),
            "heap_buffers_bytes": _median([r["heap_buffers"] for r in runs]),
            "blocked": max(r["blocked"] for r in runs), "page_errors": runs[-1]["page_errors"], "all_runs": runs}


def _in_own_browser(measure, *args) -> dict[str, object]:
    """``measure(*args, browser=...)`` in a Chromium started for this call and closed after it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        own = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            return measure(*args, browser=own)
        finally:
            own.close()


def measure_app(kind: str, csv: str | Path, repeat: int = 3, timeout_s: float = 120,
                browser=None) -> dict[str, object]:
    """First draw, filter changes, bytes, heap and server memory of app ``kind`` on register ``csv``.

    ``browser``: a Playwright Chromium already running in this process (the tests' session browser: one sync
    Playwright per process); without it one is started and closed here.
    """
    if browser is None:
        return _in_own_browser(measure_app, kind, csv, repeat, timeout_s)
    n, sectors, counts = expected_counts(csv)
    log = OUT / "peers" / f"{kind}-{n}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    extra = {"n": n, "sectors": sectors, "counts": counts}
    with StreamlitServer(Path(csv), script=APPS[kind], log=log, start_timeout=120) as server:
        url = f"{server.url}/?lang=en" if kind == "qtmap" else server.url
        runs = []
        for _ in range(repeat):
            r = _run_once(browser, kind, url, n, sectors, counts, timeout_s, log)
            if "error" in r:
                return {**extra, **r, "server": tree_memory(server.proc.pid), "chromium": browser.version}
            runs.append(r)
        return {**_summary(runs, extra), "server": tree_memory(server.proc.pid), "chromium": browser.version}


def measure_floor(csv: str | Path, repeat: int = 3, timeout_s: float = 120, out_dir: Path = OUT,
                  browser=None) -> dict[str, object]:
    """First draw and filtered redraws of the floor page (bench/peers/floor.py) for register ``csv``.

    ``browser``: a Playwright Chromium already running in this process (the tests' session browser: one sync
    Playwright per process); without it one is started and closed here.
    """
    if browser is None:
        return _in_own_browser(measure_floor, csv, repeat, timeout_s, out_dir)
    n, sectors, counts = expected_counts(csv)
    page_path = write_floor(csv, Path(out_dir) / "peers" / f"floor_{n}.html")
    runs = []
    for _ in range(repeat):
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        try:
            page.goto(page_path.resolve().as_uri(), timeout=timeout_s * 1000)
            page.wait_for_function("() => window.floor && window.floor.drawn !== null",
                                   timeout=timeout_s * 1000)
            first_ms, shown = page.evaluate("() => [window.floor.drawn, window.floor.count]")
            changes = []
            for k in range(len(sectors)):
                changes.append(page.evaluate("(c) => window.floorFilter(c)", sectors[: k + 1]) / 1e3)
                assert page.evaluate("() => window.floor.count") == counts[k]
            cdp = context.new_cdp_session(page)
            cdp.send("HeapProfiler.collectGarbage")
            heap = cdp.send("Runtime.getHeapUsage")
            runs.append({"first_s": first_ms / 1e3, "shown": shown, "change_s": changes, "sent_bytes": [],
                         "heap_used": heap.get("usedSize"), "heap_buffers": heap.get("backingStorageSize"),
                         "heap_dom": heap.get("embedderHeapUsedSize"), "blocked": 0, "page_errors": []})
        finally:
            context.close()
    version = browser.version
    res = _summary(runs, {"n": n, "sectors": sectors, "counts": counts, "page_bytes": page_path.stat().st_size})
    res["sent_bytes"] = None  # a static page: nothing is sent on a filter change
    return {**res, "shown": runs[-1]["shown"], "chromium": version}


def peer_budget_s(repeat: int, timeout_s: float) -> float:
    """Seconds one app's measurement may take: server start, ``repeat`` runs of a first draw, three changes, heap."""
    return 60 + repeat * (5 * (timeout_s + GRACE_S))


def _watchdog(stop: threading.Event) -> threading.Thread:
    """Kill this worker's process group (it, its Streamlit server, its Chromium) once a stage overruns its deadline.

    A page whose renderer stops answering blocks every Playwright call (its timeouts included, and closing the
    context), so the worker would hang until bench.run kills it without a word; this says where it stopped.
    """
    def watch() -> None:
        while not stop.wait(1.0):
            until = STAGE["until"]
            if until is not None and time.monotonic() > until:
                sys.stderr.write(f"page stopped answering during {STAGE['now']} (Playwright's own timeout did not "
                                 "return): worker, server and browser killed\n")
                sys.stderr.flush()
                os.killpg(os.getpgrp(), signal.SIGKILL)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def work_peer(kind: str, csv: str, repeat: int, timeout_s: float) -> dict[str, object]:
    """One app (or the floor) measured, for bench.run's worker process (its own process group), under a watchdog."""
    stop = threading.Event()
    if os.getpgrp() == os.getpid():  # bench.run's worker leads its own group: the watchdog may kill it
        _watchdog(stop)
    try:
        if kind == "floor":
            return measure_floor(csv, repeat, timeout_s)
        return measure_app(kind, csv, repeat, timeout_s)
    finally:
        stop.set()


if __name__ == "__main__":  # a quick look: python -m bench.peers.measure KIND CSV
    import json
    import sys

    print(json.dumps(work_peer(sys.argv[1], sys.argv[2], 1, float(os.environ.get("PEER_TIMEOUT", "120"))),
                     indent=1)[:4000])
