"""Time-to-map and filter-change time of the Streamlit app, in headless Chromium, offline.

Usage: ``python -m bench.app_browser [--runs 5] [--projects FILE]``

Starts ``streamlit run app.py`` (bench/appserver.py, as the browser tests do), then for each run
opens a fresh page with every non-local request blocked and measures:
- time to map: from navigation start until the map iframe shows every located project
  (``qtmap.count(map)``) and is drawn (``qtmap.busy(map)`` false);
- filter change: from choosing "Sản xuất điện" (electricity) in the sector filter until the map
  shows only the electricity projects (the map is updated in place, not reloaded).
Prints medians and the individual runs.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench.appserver import CHROMIUM, CHROMIUM_ARGS, StreamlitServer, map_frame, wait_map_idle
from geo.i18n import t
from geo.register import load_register
from geo.schema import label

__all__ = ["main", "measure"]

LOCAL = ("http://127.0.0.1", "data:", "blob:", "about:")


def measure(runs: int, projects: Path | None) -> dict[str, list[float]]:
    """Return the measured seconds per run for 'time_to_map' and 'filter_change'."""
    from playwright.sync_api import sync_playwright

    register = load_register(projects)
    located = int(register.geometry.notna().sum())
    electricity = int(register[register["sector"] == "electricity"].geometry.notna().sum())
    option_name = label("sector", "electricity", "vi")
    out: dict[str, list[float]] = {"time_to_map": [], "filter_change": []}
    with StreamlitServer(projects) as server, sync_playwright() as p:
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
            wait_map_idle(frame, located, timeout=120_000, polling=20)
            out["time_to_map"].append(time.perf_counter() - start)
            page.get_by_role("combobox", name=t("filter_sector", "vi")).click()
            page.keyboard.type(option_name)
            option = page.get_by_role("option", name=option_name, exact=True)
            option.wait_for()
            start = time.perf_counter()
            option.click()
            wait_map_idle(frame, electricity, timeout=120_000, polling=20)
            out["filter_change"].append(time.perf_counter() - start)
            context.close()
        browser.close()
    return out


def main() -> None:
    """Run the measurement and print medians."""
    parser = argparse.ArgumentParser(prog="python -m bench.app_browser", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--projects", type=Path, default=None)
    args = parser.parse_args()
    results = measure(args.runs, args.projects)
    for name, values in results.items():
        runs = ", ".join(f"{v:.2f}" for v in values)
        print(f"{name}: median {statistics.median(values):.2f} s (runs: {runs})")


if __name__ == "__main__":
    main()
