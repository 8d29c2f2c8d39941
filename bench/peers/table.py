"""The peers table (issue 13, item 5): qtmap, the peer stacks and the floor, per size, from bench.run's results."""

from __future__ import annotations

import re
from pathlib import Path

from bench.peers.measure import KINDS, LABELS

__all__ = ["BEGIN", "END", "peers_section", "peers_table", "splice"]

BEGIN, END = "<!-- peers-table -->", "<!-- /peers-table -->"
PEERS = ("pydeck", "cluster", "geojson")
# (row label, result key, unit, scale)
ROWS = (("first draw", "first_s", "s", 1),
        ("first draw, first visit after the server started", "first_cold_s", "s", 1),
        ("filter change seen", "change_s", "s", 1),
        ("sent per filter change", "sent_bytes", "MB", 1e-6),
        ("browser heap (JS + ArrayBuffers)", "heap_bytes", "MB", 1e-6),
        ("server memory (RSS after the runs)", "server_rss", "MB", 1e-6))


def _value(d: dict, key: str) -> float | None:
    if key == "server_rss":
        return (d.get("server") or {}).get("rss") if "error" not in d else None
    return d.get(key) if "error" not in d else None


def _cell(d: object, key: str, unit: str, scale: float) -> str:
    if not isinstance(d, dict):
        return "—"
    if "error" in d:
        if key == "first_s" and d.get("first_s"):  # drawn, then a filter change failed
            return f"{d['first_s']:.3g} s"
        if key in ("first_s", "first_cold_s", "change_s"):
            return "fails: " + str(d["error"]).replace("|", "/")[:120]
        return "—"
    v = _value(d, key)
    if v is None:
        return "—" if key != "sent_bytes" else "0 (static page)"
    v *= scale
    return f"{v:.3g} {unit}" if v < 1000 else f"{v:,.0f} {unit}"


def peers_table(results: dict) -> list[str]:
    """Markdown rows: one per size and figure; columns qtmap, the peers, the floor, qtmap / best peer."""
    lines = ["| | " + " | ".join(LABELS[k] for k in KINDS) + " | qtmap / best peer |",
             "|---|" + "---:|" * (len(KINDS) + 1)]
    for n, res in results.get("sizes", {}).items():
        peers = res.get("peers") or {}
        if not peers:
            continue
        for name, key, unit, scale in ROWS:
            cells = [_cell(peers.get(k), key, unit, scale) for k in KINDS]
            q = _value(peers.get("qtmap") or {}, key)
            best = [v for v in (_value(peers.get(k) or {}, key) for k in PEERS) if v]
            ratio = f"{q / min(best):.2f}×" if q and best else "—"
            lines.append(f"| {int(n):,} — {name} | " + " | ".join(cells) + f" | {ratio} |")
    return lines


def _chromium(results: dict) -> str:
    for res in (results.get("sizes") or {}).values():
        for d in (res.get("peers") or {}).values():
            if isinstance(d, dict) and d.get("chromium"):
                return str(d["chromium"])
    return "?"


def _quiet(meta: dict) -> str:
    """What the load average says of the machine: quiet at the start (at most half its cores busy) or not.

    The figure at the end counts the benchmark's own server and browser, so only the start's says whether other
    work ran (its 1-minute average also counts work that ended just before).
    """
    start = meta.get("load_avg_start")
    if isinstance(start, list) and start and start[0] <= 0.5 * (meta.get("cores") or 1):
        return "a quiet machine at the start; the end figure counts the benchmark's own server and browser"
    return ("the start figure says other work ran just before or alongside, which every figure may include; the end "
            "figure counts the benchmark's own server and browser")


def _repeats(results: dict) -> str:
    """How many runs each figure is the median of, per size (fewer at the largest sizes)."""
    a = results.get("args") or {}
    r, large, r_large = a.get("peer_repeat"), a.get("peer_large"), a.get("peer_repeat_large")
    sizes = [int(n) for n in results.get("sizes", {})]
    big = [n for n in sizes if large and n >= large]
    if big and r_large is not None and r is not None and r_large < r:
        return f"{r} run(s), {r_large} at " + ", ".join(f"{n:,}" for n in big) + " (to keep the run short)"
    return f"{r} run(s)"


def peers_section(results: dict) -> str:
    """The section for RESULTS.md (and the README), between the peers markers."""
    meta = results.get("meta") or {}
    load = " / ".join(" ".join(f"{x:.2f}" for x in v) for v in (meta.get("load_avg_start"), meta.get("load_avg_end"))
                      if isinstance(v, list))
    dirty = " (with uncommitted changes)" if meta.get("dirty") else ""
    body = [BEGIN, "## qtmap and the peer stacks (Chromium, offline; CDN assets served locally)", "",
            *peers_table(results), "",
            f"Run on {meta.get('date')}, commit {meta.get('commit')}{dirty}, {meta.get('cpu')}, "
            f"{meta.get('cores')} cores, {meta.get('ram_gb')} GB RAM, Chromium {_chromium(results)}; load average "
            f"(1/5/15 min) at start / end: {load} — {_quiet(meta)}. Medians of {_repeats(results)} (each run: a fresh "
            "page; "
            "three filter changes: the three most common sectors added one by one). `python -m bench.run --steps peers "
            "--sizes N,...`; raw numbers in bench/out/results.json. qtmap / best peer < 1 means qtmap is ahead. "
            "How it is measured: bench/peers/measure.py (first draw = navigation until every point is drawn, the "
            "median over the runs; the first visit after the server started is the first run alone: it pays the "
            "app's imports and its first, cached reading of the register; filter "
            "change = click on the sector until the filtered set is drawn; bytes = websocket frames received "
            "meanwhile; heap = CDP Runtime.getHeapUsage after a GC, JS heap plus ArrayBuffer backing stores, WebGL "
            "buffers not included). The peer apps are bench/peers/*_app.py; folium's CDN assets are vendored in "
            "bench/vendor/ and served by the app (\"CDN assets served locally\"). The floor is a static page "
            "stamping one circle image N times on a canvas (bench/peers/floor.py).", END]
    return "\n".join(body)


def splice(path: Path, section: str) -> None:
    """Replace the peers section of ``path`` (between the markers), or append it."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")
