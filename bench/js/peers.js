/* Completion signals for the peer benchmark (bench/peers/measure.py), installed in every frame by
 * context.add_init_script. window.qtmapPeers.count(kind) in the top page returns how many points the app
 * shows right now, drawn, or -1 while something is not there yet:
 *  - qtmap: qtmap.count(map) of the map iframe (its public API), -1 while qtmap.busy(map);
 *  - cluster: the markers held by the L.MarkerClusterGroup on the map iframe's Leaflet map;
 *  - geojson: the layers of the L.GeoJSON layer(s) on the map;
 *  - pydeck: the instance count of the last instanced WebGL draw call in the page (deck.gl draws a
 *    ScatterplotLayer as one instanced call with one instance per point), wrapped below.
 * Several map iframes (an old one not yet removed) add up, so a stale map never matches the new count.
 */
(function () {
  "use strict";
  var G = window.__benchGL = {calls: 0, last: -1, t: 0};
  function wrap(proto, name, idx) {
    var f = proto && proto[name];
    if (!f) { return; }
    proto[name] = function () {
      var r = f.apply(this, arguments);
      G.calls += 1; G.last = arguments[idx]; G.t = performance.now();
      return r;
    };
  }
  if (window.WebGL2RenderingContext) {
    wrap(WebGL2RenderingContext.prototype, "drawArraysInstanced", 3);
    wrap(WebGL2RenderingContext.prototype, "drawElementsInstanced", 4);
  }
  if (window.top !== window) { return; }

  function leaflet(w, kind) {
    if (kind === "qtmap") {
      if (!w.map || !w.qtmap || !w.qtmap.count) { return -1; }
      return w.qtmap.busy(w.map) ? -1 : w.qtmap.count(w.map);
    }
    if (!w.map || !w.L) { return -1; }
    var n = 0, found = false;
    w.map.eachLayer(function (l) {
      if (kind === "cluster" && w.L.MarkerClusterGroup && l instanceof w.L.MarkerClusterGroup) {
        n += l.getLayers().length; found = true;
      } else if (kind === "geojson" && l instanceof w.L.GeoJSON) {
        n += l.getLayers().length; found = true;
      }
    });
    return found ? n : -1;
  }

  window.qtmapPeers = {
    count: function (kind) {
      if (kind === "pydeck") { return G.last; }
      var frames = document.querySelectorAll("iframe"), total = 0, maps = 0;
      for (var i = 0; i < frames.length; i++) {
        var w;
        try { w = frames[i].contentWindow; if (!w || !w.document) { continue; } } catch (e) { continue; }
        if (!w.map && !(frames[i].title || "").match(/st_folium/)) { continue; }
        var c = leaflet(w, kind);
        if (c < 0) { return -1; }
        total += c; maps += 1;
      }
      return maps ? total : -1;
    },
    /* True when count(kind) === n. */
    shows: function (kind, n) { return window.qtmapPeers.count(kind) === n; },
    /* Resolves after two animation frames of the top page and of every iframe (what was drawn is on screen). */
    frames: function () {
      var wins = [window];
      document.querySelectorAll("iframe").forEach(function (f) { try { if (f.contentWindow) { wins.push(f.contentWindow); } } catch (e) { /* cross-origin */ } });
      return Promise.all(wins.map(function (w) {
        return new Promise(function (res) { w.requestAnimationFrame(function () { w.requestAnimationFrame(res); }); });
      }));
    },
    glCalls: function () { return G.calls; }
  };
})();
