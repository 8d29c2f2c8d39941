"""Time-to-map and filter-change time of the Streamlit app, in headless Chromium, offline.

Usage: ``python bench/app_browser.py [--runs 5] [--projects FILE]``

Starts ``streamlit run app.py`` (like the browser tests), then for each run opens a
fresh page with every non-local request blocked and measures:
- time to map: from navigation start until the map iframe holds every located project;
- filter change: from choosing "Electricity" in the sector filter until the map holds
  only the electricity projects (the map is updated in place, not reloaded).
Prints medians and the individual runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from conftest import CHROMIUM, CHROMIUM_ARGS, StreamlitServer  # noqa: E402
from test_browser import COUNT_PROJECTS, map_frame  # noqa: E402

from geo.register import load_register  # noqa: E402

LOCAL = ("http://127.0.0.1", "data:", "blob:", "about:")


def measure(runs: int, projects: Path | None) -> dict[str, list[float]]:
    """Return the measured seconds per run for 'time_to_map' and 'filter_change'."""
    from playwright.sync_api import sync_playwright

    register = load_register(projects)
    located = int(register.geometry.notna().sum())
    electricity = int(register[register["sector"] == "electricity"].geometry.notna().sum())
    server = StreamlitServer(projects)
    out: dict[str, list[float]] = {"time_to_map": [], "filter_change": []}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page0 = browser.new_page()
            page0.goto(server.url)  # warm the server's caches once; not measured
            map_frame(page0, timeout=120_000)
            page0.close()
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1400, "height": 950})
                context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL) else r.abort())
                page = context.new_page()
                start = time.perf_counter()
                page.goto(server.url)
                frame = map_frame(page, timeout=120_000)
                frame.wait_for_function(f"({COUNT_PROJECTS})() === {located}", timeout=120_000, polling=20)
                out["time_to_map"].append(time.perf_counter() - start)
                page.get_by_test_id("stMultiSelect").first.click()
                page.keyboard.type("Sản xuất điện")
                option = page.get_by_role("option", name="Sản xuất điện", exact=True)
                option.wait_for()
                start = time.perf_counter()
                option.click()
                frame.wait_for_function(f"({COUNT_PROJECTS})() === {electricity}", timeout=120_000, polling=20)
                out["filter_change"].append(time.perf_counter() - start)
                context.close()
            browser.close()
    finally:
        server.stop()
    return out


def main() -> None:
    """Run the measurement and print medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--projects", type=Path, default=None)
    args = parser.parse_args()
    results = measure(args.runs, args.projects)
    for name, values in results.items():
        runs = ", ".join(f"{v:.2f}" for v in values)
        print(f"{name}: median {statistics.median(values):.2f} s (runs: {runs})")


if __name__ == "__main__":
    main()
