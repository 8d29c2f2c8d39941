"""Timing of qtmap's command line and app server side: `geo html`, the naive baseline, `geo export`, filters, AppTest.

The ``step_*`` functions run in the parent (``python -m bench.run``) and start whole processes; the
``work_*`` functions run inside a worker process (``python -m bench.run --worker NAME``), so each
measurement starts with clean caches and its own memory.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from bench.common import ROOT, available, env_without_projects, error_line, last_json, median, run_process, worker

__all__ = ["FILTER_CASES", "SECTOR_CHANGES", "profile_threads", "step_app", "step_export", "step_geo_html",
           "step_naive", "top_functions", "work_app", "work_filter", "work_inproc"]

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


# --------------------------------------------------------------------------------------------------------------
# steps (run in the parent; heavy ones delegate to a worker process)
def step_geo_html(csv: Path, n: int, repeat: int, timeout: float, out_dir: Path) -> dict[str, object]:
    """``python -m geo html --projects FILE --out F`` as a whole process."""
    why = available("geo.validate")
    if why:
        return {"error": why}
    out = out_dir / f"qtmap_{n}.html"
    walls = []
    for _ in range(repeat):
        res = run_process([sys.executable, "-m", "geo", "html", "--projects", str(csv), "--out", str(out)], timeout,
                          env_without_projects())
        if res["rc"] != 0:
            return {"error": error_line(res)}
        walls.append(res["wall_s"])
    return {"wall_s": walls, "median_s": median(walls), "bytes": out.stat().st_size, "html": str(out)}


def step_naive(csv: Path, n: int, repeat: int, timeout: float, out_dir: Path) -> dict[str, object]:
    """bench/naive.py as a whole process (wall time), with its in-process build/save split."""
    out = out_dir / f"naive_{n}.html"
    runs = []
    for _ in range(repeat):
        res = run_process([sys.executable, "-m", "bench.naive", str(csv), str(out)], timeout,
                          env_without_projects())
        if res["rc"] is None:
            return {"error": f"timed out after {timeout:.0f} s", "timeout_s": timeout}
        if res["rc"] != 0:
            return {"error": error_line(res)}
        runs.append({**last_json(str(res["stdout"])), "wall_s": res["wall_s"]})
    return {"runs": len(runs), "wall_s": [r["wall_s"] for r in runs], "median_s": median([r["wall_s"] for r in runs]),
            "build_s": median([r["build_s"] for r in runs]), "save_s": median([r["save_s"] for r in runs]),
            "inproc_s": median([r["build_s"] + r["save_s"] for r in runs]), "bytes": runs[-1]["bytes"],
            "html": str(out)}


def step_export(csv: Path, n: int, repeat: int, timeout: float, out_dir: Path) -> dict[str, object]:
    """``python -m geo export --projects FILE --out x.png`` (A4, 300 dpi) as a whole process."""
    why = available("geo.export") or available("geo.validate")
    if why:
        return {"error": why}
    out = out_dir / f"export_{n}.png"
    walls = []
    for _ in range(repeat):
        res = run_process([sys.executable, "-m", "geo", "export", "--projects", str(csv), "--out", str(out),
                           "--paper", "A4", "--dpi", "300"], timeout, env_without_projects())
        if res["rc"] != 0:
            return {"error": error_line(res)}
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


