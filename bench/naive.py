"""The naive folium baseline: one ``folium.Marker`` with a tooltip and a popup per project, ``m.save()``.

This is how most folium tutorials put a register on a map. It is written fairly:
the same CSV, every field in the popup (escaped, as it must be), the name as
tooltip, the same centre and zoom. It reads the CSV with pandas and does no
validation (qtmap's ``geo html`` validates the file and builds a search index).

Usage (prints one JSON line with the timings)::

    python -m bench.naive projects.csv out.html
"""

from __future__ import annotations

import html
import json
import sys
import time
from pathlib import Path

import pandas as pd

import folium

CENTER = (16.76, 106.98)
ZOOM = 10
SKIP = {"lon", "lat"}

__all__ = ["build_map", "run"]


def build_map(df: pd.DataFrame) -> folium.Map:
    """One folium.Marker per row, tooltip = name, popup = an HTML table of every non-empty field."""
    m = folium.Map(location=CENTER, zoom_start=ZOOM)
    columns = [c for c in df.columns if c not in SKIP]
    for row in df.itertuples(index=False):
        rec = row._asdict()
        cells = "".join(f"<tr><th>{html.escape(c)}</th><td>{html.escape(str(rec[c]))}</td></tr>"
                        for c in columns if rec[c] != "")
        popup = folium.Popup(f"<b>{html.escape(rec['name_vi'])}</b><table>{cells}</table>", max_width=420)
        folium.Marker([float(rec["lat"]), float(rec["lon"])], tooltip=html.escape(rec["name_vi"]),
                      popup=popup).add_to(m)
    return m


def run(csv: str | Path, out: str | Path) -> dict[str, float]:
    """Build and save the naive map; return the in-process timings (s) and the HTML size (bytes)."""
    t0 = time.perf_counter()
    df = pd.read_csv(csv, dtype=str, keep_default_na=False)
    t1 = time.perf_counter()
    m = build_map(df)
    t2 = time.perf_counter()
    m.save(str(out))
    t3 = time.perf_counter()
    return {"read_s": t1 - t0, "build_s": t2 - t1, "save_s": t3 - t2, "total_s": t3 - t0,
            "bytes": Path(out).stat().st_size, "n": len(df)}


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], sys.argv[2])))
