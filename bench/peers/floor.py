"""The floor of the benchmark: a static page that stamps one circle image N times on a raw canvas.

No map library, no server, no tooltips: the register's points (Web Mercator, fitted to the canvas) are
inlined as numbers, drawn in one pass by ``drawImage`` of a pre-rendered circle, and re-drawn for a
sector filter. It bounds from below what any map of N points can do on this machine and browser.
``window.floor`` holds ``drawn`` (``performance.now()`` when the first draw was done, from navigation
start) and ``count``; ``floorFilter(codes)`` redraws the points of those sectors and resolves, after two
animation frames, to the time taken (ms).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["PAGE", "write_floor"]

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>floor: N points on a canvas</title>
<style>html,body{margin:0;height:100%}canvas{display:block}</style></head>
<body><canvas id="c" width="1400" height="950"></canvas>
<script id="data" type="application/json">__DATA__</script>
<script>
(function () {
  "use strict";
  var d = JSON.parse(document.getElementById("data").textContent);
  var n = d.x.length, cv = document.getElementById("c"), ctx = cv.getContext("2d");
  var x = new Float32Array(d.x), y = new Float32Array(d.y), s = new Uint8Array(d.s);
  var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity, i;
  for (i = 0; i < n; i++) {
    x0 = Math.min(x0, x[i]); x1 = Math.max(x1, x[i]); y0 = Math.min(y0, y[i]); y1 = Math.max(y1, y[i]);
  }
  var k = Math.min((cv.width - 20) / (x1 - x0 || 1), (cv.height - 20) / (y1 - y0 || 1));
  var px = new Float32Array(n), py = new Float32Array(n);
  for (i = 0; i < n; i++) {
    px[i] = 10 + (x[i] - x0) * k - 5; py[i] = cv.height - 10 - (y[i] - y0) * k - 5;
  }
  var stamp = document.createElement("canvas"); stamp.width = stamp.height = 10;
  var sc = stamp.getContext("2d"); sc.beginPath(); sc.arc(5, 5, 4, 0, 2 * Math.PI);
  sc.fillStyle = "#e69f00"; sc.fill(); sc.strokeStyle = "#333"; sc.stroke();
  function draw(keep) {
    ctx.clearRect(0, 0, cv.width, cv.height);
    var c = 0;
    for (var j = 0; j < n; j++) { if (!keep || keep[s[j]]) { ctx.drawImage(stamp, px[j], py[j]); c++; } }
    return c;
  }
  function frames() {
    return new Promise(function (r) { requestAnimationFrame(function () { requestAnimationFrame(r); }); });
  }
  window.floor = {count: draw(null), drawn: null, sectors: d.sectors};
  frames().then(function () { window.floor.drawn = performance.now(); });
  window.floorFilter = function (codes) {
    var t = performance.now(), keep = new Uint8Array(d.sectors.length);
    codes.forEach(function (c) { keep[d.sectors.indexOf(c)] = 1; });
    window.floor.count = draw(keep);
    return frames().then(function () { return performance.now() - t; });
  };
})();
</script></body></html>
"""


def write_floor(csv: str | Path, out: str | Path) -> Path:
    """Write the floor page for the located rows of register ``csv`` to ``out``; return ``out``."""
    df = pd.read_csv(csv, usecols=["sector", "lon", "lat"]).dropna(subset=["lon", "lat"])
    lon, lat = df["lon"].to_numpy(), df["lat"].to_numpy()
    merc_y = np.degrees(np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)))  # Web Mercator, in degrees of longitude
    sectors = sorted(df["sector"].astype(str).unique())
    codes = pd.Categorical(df["sector"].astype(str), categories=sectors).codes
    data = json.dumps({"x": np.round(lon, 5).tolist(), "y": np.round(merc_y, 5).tolist(), "s": codes.tolist(),
                       "sectors": sectors}, separators=(",", ":"))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(PAGE.replace("__DATA__", data.replace("</", "<\\/")), encoding="utf-8")
    return out
