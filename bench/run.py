"""qtmap's benchmark: qtmap against the naive folium approach, on the same synthetic registers, in one run.

Run ``python -m bench.run`` from the checkout (README's benchmark command; ``make bench``). For each
size N it generates a synthetic register (bench/synth.py), then measures, with medians of
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

The jobs live in their own modules: bench/synth.py (registers), bench/cli_timing.py
(the command line and the app's server side), bench/browser_timing.py with bench/js/
(Chromium), bench/report.py (RESULTS.md); this module runs them. It writes
bench/RESULTS.md (tables, ratios, targets met or missed and why) and the raw numbers to
bench/out/results.json. ``--quick`` is a short run (1,000 and 10,000 rows, one repeat).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

if __name__ == "__main__" and not __package__:  # `python bench/run.py`: bench/ is not importable that way
    raise SystemExit("run the benchmark as a module from the checkout: python -m bench.run (--help lists options)")

from bench import browser_timing, cli_timing  # noqa: E402
from bench.common import BENCH, OUT, machine_info, worker  # noqa: E402
from bench.peers.measure import work_peer  # noqa: E402
from bench.peers.table import peers_section, splice  # noqa: E402
from bench.report import markdown  # noqa: E402
from bench.synth import ensure_register  # noqa: E402

__all__ = ["RESULTS", "STEPS", "main", "parse_args", "run", "run_size", "step_peers"]

RESULTS = BENCH / "RESULTS.md"
STEPS = ("html", "inproc", "filter", "naive", "app", "export", "browser", "browser_naive", "app_browser", "bundled_app",
         "bundled_app_browser", "peers")


def run_size(n: int, args: argparse.Namespace, log) -> dict[str, object]:
    """Generate (or reuse) the n-row register in ``args.out_dir`` and run the chosen steps on it."""
    out = Path(args.out_dir)
    steps = set(args.steps)
    res: dict[str, object] = {}
    t0 = time.perf_counter()
    csv = ensure_register(n, out, args.seed)
    res["register"] = {"csv": str(csv), "bytes": csv.stat().st_size, "generate_s": time.perf_counter() - t0}
    log(f"N={n}: register {csv.name} ({csv.stat().st_size / 1e6:.1f} MB)")
    naive_repeat = args.repeat if n <= args.naive_once_above else 1
    plan = [
        ("html", lambda: cli_timing.step_geo_html(csv, n, args.repeat, args.timeout, out)),
        ("inproc", lambda: worker("inproc", ["--csv", str(csv), "--repeat", str(args.repeat)], args.timeout)),
        ("filter", lambda: worker("filter", ["--csv", str(csv), "--repeat", str(args.repeat)], args.timeout)),
        ("naive", lambda: cli_timing.step_naive(csv, n, naive_repeat, args.naive_timeout, out)),
        ("app", lambda: cli_timing.step_app(csv, args.repeat, args.timeout)),
        ("export", lambda: cli_timing.step_export(csv, n, args.repeat, args.timeout, out)),
        ("browser", lambda: browser_timing.step_browser((res.get("html") or {}).get("html"), n, "qtmap",
                                                        args.repeat, args.browser_timeout)),
        ("browser_naive", lambda: browser_timing.step_browser((res.get("naive") or {}).get("html"), n, "naive",
                                                              naive_repeat, args.browser_timeout)),
        ("app_browser", lambda: browser_timing.step_app_browser(csv, args.browser_timeout)),
    ]
    plan.append(("peers", lambda: step_peers(csv, args, n)))
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


def step_peers(csv: Path, args: argparse.Namespace, n: int = 0) -> dict[str, object]:
    """qtmap, the peer apps and the floor in Chromium (bench/peers/measure.py), each in its own worker process."""
    from bench.peers.measure import KINDS, peer_budget_s

    out: dict[str, object] = {}
    hung = args.__dict__.setdefault("peers_hung", {})  # kind -> the size at which its page stopped answering
    repeat = args.peer_repeat if n < args.peer_large else min(args.peer_repeat, args.peer_repeat_large)
    for kind in KINDS:
        if kind in hung:
            out[kind] = {"error": f"not measured: its page stopped answering at {hung[kind]:,} points"}
            continue
        # the worker's own watchdog (peer_budget_s) fires first and says where the page stopped answering
        out[kind] = worker("peer", ["--csv", str(csv), "--kind", kind, "--peer-repeat", str(repeat),
                                    "--browser-timeout", str(args.peer_timeout)],
                           peer_budget_s(repeat, args.peer_timeout) + 60)
        why = str(out[kind].get("error", ""))
        if "stopped answering" in why or "process killed" in why:
            hung[kind] = n
    return out


def _brief(r: dict[str, object]) -> str:
    """A one-line summary of a step's result for the log."""
    if "error" in r:
        return "ERROR " + str(r["error"])
    keys = ("median_s", "bytes", "ready_ms", "ops_max_ms", "heap_mb", "layer_build_median_s", "page_render_median_s",
            "first_map_s")
    return ", ".join(f"{k}={r[k]:.3g}" for k in keys if isinstance(r.get(k), int | float))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line of ``python -m bench.run`` (``--help`` lists it)."""
    p = argparse.ArgumentParser(prog="python -m bench.run", description="qtmap benchmark (see bench/RESULTS.md)")
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
    p.add_argument("--peer-repeat", type=int, default=3, help="runs per app in the peers step (medians)")
    p.add_argument("--peer-timeout", type=float, default=120, help="seconds an app may take to show its points")
    p.add_argument("--peer-large", type=int, default=1_000_000,
                   help="from this size on the peers step runs --peer-repeat-large times (the caption says so)")
    p.add_argument("--peer-repeat-large", type=int, default=1, help="runs per app at sizes of --peer-large or more")
    p.add_argument("--readme", type=Path, default=BENCH.parent / "README.md",
                   help="README whose peers table (between <!-- peers-table --> markers) the peers step rewrites")
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
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    args.json = args.json or out / "results.json"
    results: dict[str, object] = {"meta": machine_info(), "args": {
        "sizes": args.sizes, "repeat": args.repeat, "steps": args.steps, "seed": args.seed,
        "naive_once_above": args.naive_once_above, "naive_timeout": args.naive_timeout, "timeout": args.timeout,
        "browser_timeout": args.browser_timeout, "peer_repeat": args.peer_repeat,
        "peer_timeout": args.peer_timeout, "peer_large": args.peer_large,
        "peer_repeat_large": args.peer_repeat_large}, "sizes": {}}
    t0 = time.perf_counter()
    for n in args.sizes:
        results["sizes"][str(n)] = run_size(n, args, log)
    if "bundled_app" in args.steps:
        from geo.bundled import load_layer

        results["bundled_n"] = len(load_layer("project"))
        results["bundled_app"] = cli_timing.step_app(None, args.repeat, args.timeout)
        log(f"bundled: app done: {_brief(results['bundled_app'])}")
    if "bundled_app_browser" in args.steps:
        results["bundled_app_browser"] = browser_timing.step_app_browser(None, args.browser_timeout)
        log(f"bundled: app in Chromium done: {_brief(results['bundled_app_browser'])}")
    results["total_s"] = time.perf_counter() - t0
    results["meta"]["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    write_report(results, args)
    log(f"wrote {args.results} and {args.json} in {results['total_s']:.0f} s")
    return results


def write_report(results: dict, args: argparse.Namespace) -> None:
    """RESULTS.md (and the README's peers table) from ``results``; a run of the peers alone keeps the rest as it is."""
    steps = set((results.get("args") or {}).get("steps") or ())
    if steps == {"peers"}:
        splice(args.results, peers_section(results))
    else:
        args.results.write_text(markdown(results), encoding="utf-8")
        if "peers" in steps:
            splice(args.results, peers_section(results))
    if "peers" in steps and args.readme.exists():
        splice(args.readme, peers_section(results))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or, with the hidden ``--worker NAME``, one measurement inside a worker process)."""
    args = parse_args(argv)
    if args.worker:
        fn = {"inproc": lambda: cli_timing.work_inproc(args.csv, args.repeat),
              "filter": lambda: cli_timing.work_filter(args.csv, args.repeat),
              "app": lambda: cli_timing.work_app(args.changes),
              "browser": lambda: browser_timing.work_browser(args.html, args.n, args.kind, args.repeat,
                                                             args.browser_timeout),
              "app_browser": lambda: browser_timing.work_app_browser(args.browser_timeout),
              "peer": lambda: work_peer(args.kind, str(args.csv), args.peer_repeat, args.browser_timeout),
              }[args.worker]
        print(json.dumps(fn()))
        return 0
    if args.report_only:
        raw = args.json or Path(args.out_dir) / "results.json"
        write_report(json.loads(raw.read_text(encoding="utf-8")), args)
        print(f"wrote {args.results} from {raw}")
        return 0
    run(args, log=lambda msg: print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
