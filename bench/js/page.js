/* Measuring functions for a qtmap page (or the naive folium page) opened in Chromium by bench/browser_timing.py.
 *
 * Installed as an init script (before the page's own scripts), so it also records long tasks from the start.
 * Call them through bench/js/call.js with their arguments. Points are counted with qtmap.js's public API,
 * qtmap.count(map) and qtmap.busy(map) (see layers/qtmap.js); the naive page's markers are counted as L.Marker.
 */
(function () {
  "use strict";
  var B = window.qtmapBench = window.qtmapBench || {};

  // Long tasks (main thread blocked >= 50 ms) seen by a PerformanceObserver: how long the page stops responding.
  window.__longtasks = [];
  try {
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) { window.__longtasks.push(e.duration); });
    }).observe({ type: "longtask", buffered: true });
  } catch (e) { /* no long-task timing in this browser: the figures stay 0 */ }

  /* Start a new list of long tasks. */
  B.resetLongtasks = function () { window.__longtasks = []; };
  /* The longest task (ms) since the last reset. */
  B.longest = function () { return window.__longtasks.reduce(function (a, b) { return Math.max(a, b); }, 0); };

  /* The page's Leaflet map (folium names it map_<id>), or null before it exists. */
  B.findMap = function () {
    if (B._map) { return B._map; }
    if (!window.L) { return null; }
    for (var k of Object.keys(window)) {
      if (k.startsWith("map_") && window[k] instanceof L.Map) { B._map = window[k]; return B._map; }
    }
    return null;
  };

  /* How many project points the map holds: qtmap.count(map) on a qtmap page, every L.Marker on the naive page. */
  B.count = function (kind) {
    var M = B.findMap();
    if (!M) { return -1; }
    if (kind === "qtmap") { return window.qtmap ? window.qtmap.count(M) : -1; }
    var c = 0;
    M.eachLayer(function (l) { if (l instanceof L.Marker) { c++; } });
    return c;
  };

  /* performance.now() once the map holds at least n points, else false (for wait_for_function). */
  B.ready = function (kind, n) { return B.count(kind) >= n ? performance.now() : false; };

  /* Resolves two animation frames from now, with performance.now(). */
  B.frames = function () {
    return new Promise(function (r) {
      requestAnimationFrame(function () { requestAnimationFrame(function () { r(performance.now()); }); });
    });
  };

  /* Calls done() two animation frames after qtmap.busy(M) turns false (the naive page is never busy). */
  B.settle = function (M, done) {
    var idle = function () { return !(window.qtmap && window.qtmap.busy(M)); };
    var wait = function () {
      if (idle()) { requestAnimationFrame(function () { requestAnimationFrame(done); }); }
      else { requestAnimationFrame(wait); }
    };
    wait();
  };

  /* Resolves with performance.now() once the map is drawn. */
  B.drawn = function () {
    return new Promise(function (res) { B.settle(B.findMap(), function () { res(performance.now()); }); });
  };

  /* One view change (zoom_in, zoom_out, pan, pan_back): resolves with [ms until redrawn, ms of its synchronous
   * part] (the event handlers, during which the page cannot respond). */
  B.viewOp = function (op) {
    return new Promise(function (res) {
      var M = B.findMap(), t = performance.now(), sync = null;
      M.once("moveend", function () { B.settle(M, function () { res([performance.now() - t, sync]); }); });
      if (op === "zoom_in") { M.setZoom(M.getZoom() + 1, { animate: false }); }
      else if (op === "zoom_out") { M.setZoom(M.getZoom() - 1, { animate: false }); }
      else if (op === "pan") { M.panBy([300, 150], { animate: false }); }
      else if (op === "pan_back") { M.panBy([-300, -150], { animate: false }); }
      else { throw new Error("unknown view operation " + op); }
      sync = performance.now() - t;
    });
  };

  /* The project group qtmap.points() made (it carries _qtmapPoints), or null. */
  B.projectGroup = function (M) {
    var g = null;
    M.eachLayer(function (l) { if (!g && l._qtmapPoints !== undefined) { g = l; } });
    return g;
  };

  /* Toggle the project layer off and on (what the layer control does): resolves with ms until drawn again. */
  B.toggle = function () {
    return new Promise(function (res) {
      var M = B.findMap(), g = B.projectGroup(M);
      if (!g) { res(null); return; }
      var t = performance.now();
      M.removeLayer(g); M.addLayer(g);
      B.settle(M, function () { res(performance.now() - t); });
    });
  };

  /* Re-run the page's qtmap.points(...) call (JSON parse + layer build + draw): what the browser does when a
   * filter change in the app sends a new project group. Resolves with [ms until drawn, ms synchronous];
   * the new layer is then removed again. */
  B.rebuild = function () {
    return new Promise(function (res) {
      var M = B.findMap();
      // The call layers/projects.py emits passes the data as an object literal: "qtmap.points({" (the
      // inlined qtmap.js only mentions "qtmap.points(data, opts)" in its comments).
      var s = Array.from(document.scripts).map(function (x) { return x.text; })
        .find(function (x) { return x.includes("qtmap.points({"); });
      if (!s) { res(null); return; }
      var a = s.indexOf("qtmap.points({"), b = s.indexOf(");\n", a);
      var call = s.slice(a, b + 1), t = performance.now();
      var g = (0, eval)(call);
      g.addTo(M);
      var sync = performance.now() - t;
      B.settle(M, function () { var ms = performance.now() - t; M.removeLayer(g); res([ms, sync]); });
    });
  };

  /* The centre of the map in container pixels, [x, y]. */
  B.centre = function () { var c = B.findMap().getSize(); return [c.x / 2, c.y / 2]; };
})();
