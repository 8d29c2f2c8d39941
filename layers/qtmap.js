/* qtmap map helpers: build Leaflet layers from the data that layers/*.py embed or the app feeds.
 *
 * Every string that comes from data is put into the page with textContent, never
 * innerHTML, so a record whose name is an HTML tag shows as text and runs nothing.
 * Points are drawn as circle markers on one shared canvas renderer, with one
 * tooltip and one popup bound to the whole group (not one per marker); above
 * opts.bulk_above points (layers/projects.py) as one bulk canvas layer with no
 * Leaflet object per point, so a register of 100,000 projects stays interactive.
 * In the app, the project layer is qtmap.live(): the register arrives once as a packed binary blob
 * (layers/packed.py) and each filter change as a bitset of its rows (layers/selection.py), handed over
 * by the feed component (layers/feed/index.html); the map's own script never changes with the filters.
 *
 * Public API (window.qtmap). The names are stable: layers/*.py emit calls to the first four, the feed
 * component calls receive(), and the tests (tests/test_browser*.py, tests/test_bench.py) and benchmarks
 * (bench/) rely on the last three, whatever the drawing becomes.
 *   qtmap.points(data, opts) -> L.FeatureGroup   project points from columnar data (layers/projects.py)
 *   qtmap.shapes(geojson, cols, opts), qtmap.legend(spec)   areas and places; the legend (layers/)
 *   qtmap.labels(map), qtmap.declutter(map)       permanent labels (text, prio, hidden, box); thin them now
 *   qtmap.live() -> L.FeatureGroup                the app's project layer, drawn from the feed (layers/maps.py)
 *   qtmap.receive()                               the feed changed (window.parent.__qtmapFeed): redraw
 *   qtmap.count(map) -> number                    project points drawn on `map`: every point of a
 *                                                 qtmap.points() group on the map; for a bulk layer,
 *                                                 the points its last finished redraw stamped (those in
 *                                                 the view and its padding); 0 for a layer switched off
 *   qtmap.busy(map) -> boolean                    true while a point layer on `map` is still drawing (a bulk
 *                                                 layer's redraw after a pan, zoom, new selection or adding
 *                                                 it; a live layer waiting for or decoding its register;
 *                                                 circle markers are drawn by Leaflet's canvas on the next
 *                                                 frame); wait for false before reading count() or ids()
 *                                                 or taking a screenshot; also true (and fixed on the spot)
 *                                                 while labels or the legend no longer fit what is drawn
 *   qtmap.ids(map) -> [id]                        the ids (column "id") of the points count() counts
 */
(function () {
  "use strict";
  var renderer = null;

  function canvas() {
    if (!renderer) { renderer = L.canvas({ padding: 0.3, tolerance: 4 }); }
    return renderer;
  }

  /* A click on a half-visible map must act where it was aimed: Leaflet focuses its container on
   * mousedown, and a plain focus() makes the browser scroll the page (the iframe into view) between
   * mousedown and mouseup. Focus without scrolling instead. */
  if (L.Map.Keyboard) {
    L.Map.Keyboard.prototype._onMouseDown = function () {
      if (this._focused) { return; }
      try { this._map._container.focus({ preventScroll: true }); } catch (e) { /* old browsers: no focus */ }
    };
  }

  /* What the user switched in the layer control and the legend survives a rerun, which re-creates the
   * project group, the legend and the control (and, in the same tab, a remount of the map). */
  var STORE = "qtmap-ui";
  var ui = (function () {
    try { return JSON.parse(window.sessionStorage.getItem(STORE)) || {}; } catch (e) { return {}; }
  })();
  ui.hidden = ui.hidden || {};
  function saveUi() { try { window.sessionStorage.setItem(STORE, JSON.stringify(ui)); } catch (e) { /* none */ } }

  if (L.Control.Layers) {
    var onInputClick = L.Control.Layers.prototype._onInputClick;
    L.Control.Layers.prototype._onInputClick = function () {
      var inputs = this._layerControlInputs || [];
      for (var i = 0; i < inputs.length; i++) {  // only a user's click records a layer as switched off
        var obj = this._getLayer(inputs[i].layerId);
        if (obj && obj.overlay) {
          if (inputs[i].checked) { delete ui.hidden[obj.name]; } else { ui.hidden[obj.name] = 1; }
        }
      }
      saveUi();
      return onInputClick.apply(this, arguments);
    };
    var onAdd = L.Control.Layers.prototype.onAdd;
    L.Control.Layers.prototype.onAdd = function (map) {
      var box = onAdd.apply(this, arguments), ctl = this;
      var hide = function () {
        ctl._layers.forEach(function (obj) {
          if (obj.overlay && ui.hidden[obj.name] && map.hasLayer(obj.layer)) { map.removeLayer(obj.layer); }
        });
      };
      hide();
      setTimeout(hide, 0);  // layers added right after the control
      L.DomEvent.on(box, "mouseenter mouseleave click", function () { setTimeout(function () { layout(map); }, 0); });
      setTimeout(function () { layout(map); }, 0);
      return box;
    };
  }

  /* The sizes the legend's fit depends on: the map's frame and the control stack above it. */
  function legendFrame(map) {
    return [map.getContainer().getBoundingClientRect().height,
            map._controlCorners.topright.getBoundingClientRect().height].join();
  }

  /* Keep the legend (bottom right) clear of the layer control (top right) at any map size: the legend
   * gets the height left below the control, and folds to its title when too little is left. */
  function layout(map) {
    var c = map && map._controlCorners;
    if (!c) { return; }
    var legendBox = c.bottomright.querySelector(".qtmap-legend");
    if (!legendBox) { return; }
    var body = legendBox.querySelector(".qtmap-legend-body");
    var top = c.topright.getBoundingClientRect(), h = map.getContainer().getBoundingClientRect();
    var below = c.bottomright.getBoundingClientRect().bottom - legendBox.getBoundingClientRect().bottom;
    var free = h.bottom - below - (top.height ? top.bottom : h.top) - 12;  // px between the two stacks
    var head = legendBox.querySelector(".qtmap-legend-head").offsetHeight + 16;
    var tooSmall = free - head < 40;
    map._qtmapLayoutFor = legendFrame(map);  // what the legend was fitted to
    body.style.maxHeight = Math.max(0, free - head) + "px";
    legendBox.classList.toggle("qtmap-legend-squeezed", tooSmall);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  /* Resolve column `name` of a columnar table at row i (categorical columns carry
   * {labels: [...], idx: [...]}, plain ones are arrays). */
  function cell(cols, name, i) {
    var col = cols[name];
    if (!col) { return null; }
    if (col.idx) { var k = col.idx[i]; return k < 0 ? null : col.labels[k]; }
    return col[i];
  }

  /* True when row i has a location confidence the style draws as uncertain. */
  function isLow(cols, i, opts) {
    var c = cols.location_confidence;
    return !!(c && c.idx && opts.low_confidence && opts.low_confidence.indexOf(c.idx[i]) >= 0);
  }

  function tooltipNode(title, lines) {
    var box = el("div", "qtmap-tip");
    box.appendChild(el("b", null, title));
    lines.forEach(function (line) { if (line) { box.appendChild(el("div", null, line)); } });
    return box;
  }

  /* A popup: title, a table of (label, value) rows, source links, a confidence note. */
  function popupNode(title, rows, sources, note) {
    var box = el("div", "qtmap-popup");
    box.appendChild(el("h4", null, title));
    var table = el("table");
    rows.forEach(function (r) {
      if (r[1] === null || r[1] === undefined || r[1] === "") { return; }
      var tr = el("tr");
      tr.appendChild(el("th", null, r[0]));
      tr.appendChild(el("td", null, r[1]));
      table.appendChild(tr);
    });
    box.appendChild(table);
    if (sources && sources.length) {
      var p = el("div", "qtmap-sources");
      sources.forEach(function (s, j) {
        if (j) { p.appendChild(document.createTextNode(" · ")); }
        if (/^https?:\/\//.test(s.url)) {
          var a = el("a", null, s.key);
          a.href = s.url; a.target = "_blank"; a.rel = "noopener noreferrer"; a.title = s.url;
          p.appendChild(a);
        } else {
          p.appendChild(el("span", null, s.key)).title = s.url || "";
        }
      });
      box.appendChild(p);
    }
    if (note) { box.appendChild(el("div", "qtmap-note", note)); }
    return box;
  }

  function sourcesOf(keys, table) {
    if (!keys) { return []; }
    return String(keys).split(";").map(function (k) {
      k = k.trim();
      return { key: k, url: table[k] || "" };
    }).filter(function (s) { return s.key; });
  }

  /* The drawing style of point i: sector colour, status symbol, dashed and faded when uncertain. */
  function pointStyle(cols, opts, i, colourIdx, statusIdx) {
    var colour = opts.colours[colourIdx ? colourIdx[i] : -1] || opts.default_colour;
    var sym = opts.symbols[statusIdx ? statusIdx[i] : -1] || opts.default_symbol;
    var low = isLow(cols, i, opts);
    return { radius: opts.radius, color: colour, weight: low ? 1.5 : 2, opacity: low ? opts.low_opacity : 1,
             dashArray: low ? opts.low_dash : sym.dash, fillColor: colour, fillOpacity: sym.fill_opacity };
  }

  /* Points from a columnar table.
   * data = {lon: [...], lat: [...], cols: {...}}
   * opts = {colour_by, colours, status_by, symbols, radius, title: column, tooltip: [columns],
   *         popup: [[label, column]...], sources: {key: url}, bulk_above: n, ...}
   * Up to opts.bulk_above points: one circle marker each on the shared canvas; above it, one BulkPoints
   * layer (same symbols, tooltip and popup) that stays fast with 100,000 points. */
  function points(data, opts, rows) {
    var group = L.featureGroup();
    var cols = data.cols, n = rows ? rows.length : data.lon.length, r = canvas();
    var colourIdx = cols[opts.colour_by] && cols[opts.colour_by].idx;
    var statusIdx = cols[opts.status_by] && cols[opts.status_by].idx;
    group._qtmapPoints = n;
    group._qtmapData = data;
    if (opts.bulk_above !== undefined && opts.bulk_above !== null && data.lon.length > opts.bulk_above) {
      group._qtmapBulk = new BulkPoints(data, opts, colourIdx, statusIdx, rows);
      group.addLayer(group._qtmapBulk);
      return group;
    }
    var stacks = stacksOf(data, rows), badges = L.featureGroup();
    for (var j = 0; j < n; j++) {
      var i = rows ? rows[j] : j;
      var style = pointStyle(cols, opts, i, colourIdx, statusIdx);
      style.renderer = r;
      style.bubblingMouseEvents = true;
      var m = L.circleMarker([data.lat[i], data.lon[i]], style);
      m._qtmapRow = i;
      m._qtmapStack = stacks[i];
      group.addLayer(m);
      if (stacks[i] && stacks[i][stacks[i].length - 1] === i) {  // one badge per stack, on its top point
        badges.addLayer(L.marker([data.lat[i], data.lon[i]], { interactive: false, keyboard: false,
          icon: L.divIcon({ className: "qtmap-stack", html: el("span", null, stacks[i].length), iconSize: null,
                            iconAnchor: [-opts.radius + 2, opts.radius + 12] }) }));
      }
    }
    // The badges follow the group on and off the map (not inside it: Leaflet's tooltip binding needs
    // every member of the group to be a single layer).
    group.on("add", function () { badges.addTo(group._map); });
    group.on("remove", function () { badges.remove(); });
    bindInfo(group, cols, opts);
    return group;
  }

  /* Rows that share one position, per row (null when alone): stacked projects all stay reachable.
   * `rows`: only these rows (the selection), else all. */
  function stacksOf(data, rows) {
    var at = {}, out = new Array(data.lon.length), i, j, key, n = rows ? rows.length : data.lon.length;
    for (j = 0; j < n; j++) {
      i = rows ? rows[j] : j;
      key = data.lat[i] + "," + data.lon[i];
      (at[key] = at[key] || []).push(i);
    }
    for (j = 0; j < n; j++) {
      i = rows ? rows[j] : j;
      var same = at[data.lat[i] + "," + data.lon[i]];
      out[i] = same.length > 1 ? same : null;
    }
    return out;
  }

  /* The popup of a stack: "N projects at this spot" and one button per project; a button shows that
   * project's popup (with a way back to the list) in the same popup. */
  function stackPopup(cols, opts, rows, popup) {
    var box = el("div", "qtmap-stack-popup");
    function refit() {  // fit the open popup to its new content (update() would rebuild it from the list)
      var p = popup();
      if (box.isConnected && p && p._map) { p._updateLayout(); p._updatePosition(); p._adjustPan(); }
    }
    function list() {
      box.textContent = "";
      box.appendChild(el("h4", null, (opts.stack_title || "{n}").replace("{n}", rows.length)));
      var ul = el("ul", "qtmap-stack-list");
      rows.slice().reverse().forEach(function (i) {  // the top point first
        var li = el("li"), b = el("button", "qtmap-stack-item");
        b.type = "button";
        b.appendChild(el("b", null, cell(cols, opts.title, i)));
        var sub = opts.tooltip.map(function (c) { return cell(cols, c, i); }).filter(Boolean).join(" · ");
        if (sub) { b.appendChild(el("span", null, sub)); }
        L.DomEvent.on(b, "click", function (ev) { L.DomEvent.stop(ev); one(i); });
        li.appendChild(b); ul.appendChild(li);
      });
      box.appendChild(ul);
      refit();
    }
    function one(i) {
      box.textContent = "";
      var back = el("button", "qtmap-stack-back", "← " + (opts.stack_back || "").replace("{n}", rows.length));
      back.type = "button";
      L.DomEvent.on(back, "click", function (ev) { L.DomEvent.stop(ev); list(); });
      box.appendChild(back);
      box.appendChild(popupFor(cols, opts, i));
      refit();
    }
    list();
    return box;
  }

  function stackTooltip(cols, opts, rows) {
    return tooltipNode((opts.stack_title || "{n}").replace("{n}", rows.length),
                       rows.slice().reverse().map(function (i) { return cell(cols, opts.title, i); }));
  }

  /* True while a bulk point layer on the map is still drawing (a redraw after a pan or zoom). */
  function busy(map) {
    var drawing = false;
    map.eachLayer(function (g) {
      if ((g._qtmapBulk && g._qtmapBulk.isDrawing()) || (g._qtmapLive && g._live.pending)) { drawing = true; }
    });
    // Labels that moved or changed size since they were last thinned (a late layout, a font, a slow machine)
    // are thinned again now, and the map counts as busy until they stay put.
    if (map._qtmapLabels && labelSignature(labelItems(map)) !== map._qtmapLabelSig) { declutter(map); drawing = true; }
    // Likewise a legend fitted to a frame size that has since changed.
    if (map._qtmapLayout && map._controlCorners && legendFrame(map) !== map._qtmapLayoutFor) {
      layout(map); drawing = true;
    }
    return drawing;
  }

  /* How many project points the map shows (circle markers on the map, or bulk points drawn in view). */
  function count(map) {
    var c = 0;
    map.eachLayer(function (g) {
      if (g._qtmapPoints === undefined || g._qtmapLive) { return; }  // a live layer's points are in its inner group
      if (g._qtmapBulk) { c += g._qtmapBulk._map ? g._qtmapBulk._drawn : 0; return; }
      g.eachLayer(function (m) { if (m._map && m._qtmapRow !== undefined) { c += 1; } });
    });
    return c;
  }

  /* A pixel buffer that composites sprites as drawImage does (source-over, premultiplied alpha), in
   * JavaScript: with no call into the canvas per stamp it is several times faster than drawImage for many
   * small stamps under a software renderer. The sprites are stamped front to back (the topmost first, see
   * BulkPoints._drawSlice), each one *under* what is already there: colour += (1 - alpha) * sprite, the same
   * result as stamping back to front *over* it. A pixel that is already opaque (under 1/512 of it left
   * uncovered: everything beneath changes it by under half a unit in 255) is skipped, so where 100,000 points
   * pile up most of their pixels cost one comparison. stamp() composites one sprite at integer device pixels
   * (clipped to the buffer); paint() puts the result on a canvas. The sprite's pixels come from
   * StampRaster.pixels. */
  var OPAQUE = 1 / 512, RASTER_KEEP_MS = 5000;
  function StampRaster(width, height, previous) {
    var size = width * height * 4;
    this.w = width; this.h = height;
    this.buf = previous && previous.buf.length === size ? previous.buf.fill(0) : new Float32Array(size);  // 16 B/px
  }
  /* The non-transparent pixels of a sprite drawn on `g` (size × size): offsets and premultiplied RGBA. */
  StampRaster.pixels = function (g, size) {
    var d = g.getImageData(0, 0, size, size).data, dx = [], dy = [], rgba = [];
    for (var y = 0; y < size; y++) {
      for (var x = 0; x < size; x++) {
        var o = (y * size + x) * 4, a = d[o + 3] / 255;
        if (a === 0) { continue; }
        dx.push(x); dy.push(y); rgba.push(d[o] * a, d[o + 1] * a, d[o + 2] * a, a);
      }
    }
    return { dx: Int32Array.from(dx), dy: Int32Array.from(dy), rgba: Float32Array.from(rgba), size: size,
             off: null, offW: 0 };
  };
  /* Put sprite `sprite` under what is drawn, its top left corner at device pixel (x0, y0). */
  StampRaster.prototype.stamp = function (sprite, x0, y0) {
    var p = sprite.pixels, dx = p.dx, dy = p.dy, c = p.rgba, n = dx.length, buf = this.buf, w = this.w;
    var j, q, o, f;
    if (x0 >= 0 && y0 >= 0 && x0 + p.size <= w && y0 + p.size <= this.h) {  // wholly inside: no clipping
      if (p.offW !== w) {  // the pixels' offsets in this buffer's rows, once per sprite and width
        p.off = new Int32Array(n); p.offW = w;
        for (j = 0; j < n; j++) { p.off[j] = dy[j] * w + dx[j]; }
      }
      var off = p.off, base = y0 * w + x0;
      for (j = 0, q = 0; j < n; j++, q += 4) {
        o = (base + off[j]) * 4; f = 1 - buf[o + 3];
        if (f < OPAQUE) { continue; }
        buf[o] += c[q] * f; buf[o + 1] += c[q + 1] * f; buf[o + 2] += c[q + 2] * f; buf[o + 3] += c[q + 3] * f;
      }
      return;
    }
    for (j = 0, q = 0; j < n; j++, q += 4) {
      var x = x0 + dx[j], y = y0 + dy[j];
      if (x < 0 || y < 0 || x >= w || y >= this.h) { continue; }
      o = (y * w + x) * 4; f = 1 - buf[o + 3];
      if (f < OPAQUE) { continue; }
      buf[o] += c[q] * f; buf[o + 1] += c[q + 1] * f; buf[o + 2] += c[q + 2] * f; buf[o + 3] += c[q + 3] * f;
    }
  };
  StampRaster.prototype.paint = function (ctx) {
    var img = ctx.createImageData(this.w, this.h), d = img.data, buf = this.buf;
    for (var o = 0, n = buf.length; o < n; o += 4) {
      var a = buf[o + 3];
      if (a <= 0) { continue; }
      d[o] = buf[o] / a; d[o + 1] = buf[o + 1] / a; d[o + 2] = buf[o + 2] / a; d[o + 3] = a * 255;
    }
    ctx.putImageData(img, 0, 0);
  };

  /* Many points as one layer: no Leaflet object per point. Each point is stamped from a pre-drawn image
   * of its style (drawn as Leaflet draws a circle marker) in row order, so later rows lie on top as with
   * circle markers. Drawing goes to a back canvas in slices of a few milliseconds (the page keeps
   * responding to input while 100,000 points are drawn) and is shown when complete, so a pan or zoom
   * never shows a blank or half-drawn layer. The canvases sit in a pane above the areas with
   * pointer-events: none (the areas keep their own hover and clicks); a grid of the points in view finds
   * the one under the mouse for the tooltip (mousemove) and the popup (click). */
  var BulkPoints = L.Layer.extend({
    // rasterAbove: from this many points in view, stamp into a pixel buffer (StampRaster) rather than with
    // drawImage, whose per-call cost dominates in software rendering. Measured in headless Chromium (a
    // 1128 x 672 layer): 10,000 points 58-76 ms with drawImage, 38-63 ms with the buffer; 5,000 points 21-35
    // against 31-42 ms (the buffer's fixed cost: clearing and painting it); 100,000 points 541-723 against
    // 171-202 ms. The buffer holds 16 bytes a pixel (~12 MB for that layer): below 12,000 points, where it
    // saves at most ~20 ms a redraw, the memory is not worth it.
    options: { pane: "qtmapPoints", padding: 0.1, tolerance: 4, sliceMs: 30, rasterAbove: 12000 },

    initialize: function (data, opts, colourIdx, statusIdx, rows) {
      var n = data.lon.length, styles = [], byKey = {}, byCode = {}, i;
      this._data = data; this._opts = opts; this._n = n; this._drawn = 0; this._drawnRows = null;
      this._style = new Uint16Array(n);
      var conf = data.cols.location_confidence, low = opts.low_confidence || [];
      var lowIdx = conf && conf.idx && low.length ? conf.idx : null;
      for (i = 0; i < n; i++) {  // a point's style follows from its (colour, status, low) codes: one lookup each
        var code = ((colourIdx ? colourIdx[i] : 65535) * 65536 + (statusIdx ? statusIdx[i] : 65535)) * 2
          + (lowIdx && low.indexOf(lowIdx[i]) >= 0 ? 1 : 0);
        var k = byCode[code];
        if (k === undefined) {
          var s = pointStyle(data.cols, opts, i, colourIdx, statusIdx);
          var key = s.color + "|" + s.weight + "|" + s.opacity + "|" + s.dashArray + "|" + s.fillOpacity;
          if (byKey[key] === undefined) {
            byKey[key] = styles.length;
            s.dash = s.dashArray ? String(s.dashArray).split(",").map(Number) : [];
            styles.push(s);
          }
          k = byCode[code] = byKey[key];
        }
        this._style[i] = k;
      }
      this._styles = styles;
      if (!rows) { rows = new Int32Array(n); for (i = 0; i < n; i++) { rows[i] = i; } }
      this._rows = rows;
      this._hit = opts.radius + 1 + this.options.tolerance;  // as Leaflet's canvas: radius + weight/2 + tolerance
    },

    onAdd: function (map) {
      var pane = map.getPane(this.options.pane);
      if (!pane) {
        pane = map.createPane(this.options.pane);
        pane.style.zIndex = 450;  // above the overlay pane (areas, 400), below markers and labels (600)
        pane.style.pointerEvents = "none";
      }
      projected(this._data, map);
      this._x0 = this._data._x0; this._y0 = this._data._y0;  // projected at zoom 0
      this._bbox = this._data._bbox;
      this._front = this._newCanvas(pane); this._back = this._newCanvas(pane);
      this._back.style.display = "none";
      this._tip = L.tooltip({ sticky: true, direction: "top" });
      this._popup = L.popup({ maxWidth: 420, maxHeight: 360 });
      this._view = null; this._hover = null;
      this._redraw();
    },

    _newCanvas: function (pane) {
      var c = L.DomUtil.create("canvas", "qtmap-bulk-points", pane);
      c.style.pointerEvents = "none";
      if (this._zoomAnimated) { L.DomUtil.addClass(c, "leaflet-zoom-animated"); }
      return c;
    },

    onRemove: function (map) {
      this._cancel();
      map.closeTooltip(this._tip);
      map.closePopup(this._popup);
      if (this._hover !== null) { map.getContainer().style.cursor = ""; }
      L.DomUtil.remove(this._front); L.DomUtil.remove(this._back);
      this._front = this._back = this._x0 = this._y0 = this._cells = this._todo = this._view = this._raster = null;
      clearTimeout(this._rasterTimer);
      this._drawn = 0; this._hover = null;
    },

    getEvents: function () {
      var ev = { viewreset: this._reset, moveend: this._reset, resize: this._reset, zoom: this._onZoom,
                 mousemove: this._onMouseMove, mouseout: this._onMouseOut, click: this._onClick };
      if (this._zoomAnimated) { ev.zoomanim = this._onAnimZoom; }
      return ev;
    },

    getBounds: function () { return this._bbox || L.latLngBounds([]); },

    /* Draw only `rows` (ascending row numbers, the filter's result) from now on. */
    setRows: function (rows) {
      this._rows = rows;
      if (!this._map) { return; }
      this._map.closePopup(this._popup);
      this._onMouseOut();
      this._cancel();
      this._reset();
    },

    /* True while a redraw is scheduled or under way. */
    isDrawing: function () { return !!(this._frame || this._todo); },

    /* Zoom: scale the shown canvas as Leaflet's own renderers do, until the redraw replaces it. */
    _onAnimZoom: function (ev) { this._updateTransform(ev.center, ev.zoom); },
    _onZoom: function () { this._updateTransform(this._map.getCenter(), this._map.getZoom()); },
    _updateTransform: function (center, zoom) {
      var map = this._map, v = this._view;
      if (!v) { return; }
      var scale = map.getZoomScale(zoom, v.zoom);
      var offset = map.getSize().multiplyBy(0.5 + this.options.padding).multiplyBy(-scale)
        .add(map.project(v.center, zoom)).subtract(map._getNewPixelOrigin(center, zoom));
      if (L.Browser.any3d) { L.DomUtil.setTransform(this._front, offset, scale); }
      else { L.DomUtil.setPosition(this._front, offset); }
    },

    _cancel: function () {
      if (this._frame) { L.Util.cancelAnimFrame(this._frame); this._frame = null; }
      this._todo = null;
    },

    /* Redraw on the next frame (the viewreset, zoomend and moveend of one change draw once). */
    _reset: function () {
      if (this._frame || !this._map) { return; }
      this._todo = null;
      this._frame = L.Util.requestAnimFrame(function () { this._frame = null; this._redraw(); }, this);
    },

    /* Start a redraw for the current view: positions and hit grid now, the drawing in slices. */
    _redraw: function () {
      var map = this._map;
      if (!map) { return; }
      if (map._animatingZoom) { this._reset(); return; }
      var p = this.options.padding, size = map.getSize(), r = this._opts.radius;
      var min = map.containerPointToLayerPoint(size.multiplyBy(-p)).round();
      var b = L.bounds(min, min.add(size.multiplyBy(1 + p * 2)).round()), k = L.Browser.retina ? 2 : 1;
      var zoom = map.getZoom(), scale = map.getZoomScale(zoom, 0), o = map.getPixelOrigin(), pad = r + 2;
      var minX = b.min.x - pad, minY = b.min.y - pad, maxX = b.max.x + pad, maxY = b.max.y + pad;
      var n = this._n, x0 = this._x0, y0 = this._y0, rows = this._rows, nr = rows.length;
      var lx = this._lx && this._lx.length === n ? this._lx : new Float32Array(n);
      var ly = this._ly && this._ly.length === n ? this._ly : new Float32Array(n);
      var order = new Int32Array(nr), m = 0;
      for (var j = 0; j < nr; j++) {
        var i = rows[j];
        var x = Math.round(x0[i] * scale) - o.x, y = Math.round(y0[i] * scale) - o.y;
        if (x < minX || x > maxX || y < minY || y > maxY) { continue; }
        lx[i] = x; ly[i] = y; order[m++] = i;
      }
      this._lx = lx; this._ly = ly;
      this._index(b, order, m);
      var c = this._back, dim = b.getSize();
      c.width = k * dim.x; c.height = k * dim.y;  // (this also clears it)
      c.style.width = dim.x + "px"; c.style.height = dim.y + "px";
      this._makeSprites(k);
      this._todo = { order: order, m: m, next: 0, bounds: b, k: k, center: map.getCenter(), zoom: zoom,
                     raster: m >= this.options.rasterAbove ? new StampRaster(c.width, c.height, this._raster) : null };
      this._drawSlice();
    },

    /* Stamp points for about sliceMs, then yield to the page; show the back canvas when done. */
    _drawSlice: function () {
      var job = this._todo;
      if (!job) { return; }
      var ctx = this._back.getContext("2d"), sprites = this._spriteList, style = this._style;
      var lx = this._lx, ly = this._ly, ox = job.bounds.min.x, oy = job.bounds.min.y, k = job.k;
      var order = job.order, t0 = Date.now(), budget = this.options.sliceMs, raster = job.raster;
      while (job.next < job.m) {
        var end = Math.min(job.m, job.next + 1000), j, i, sp;
        if (raster) {  // front to back: the last row (the topmost point) first
          for (j = job.next; j < end; j++) {
            i = order[job.m - 1 - j]; sp = sprites[style[i]];
            raster.stamp(sp, (lx[i] - ox) * k - sp.half, (ly[i] - oy) * k - sp.half);
          }
        } else {
          for (j = job.next; j < end; j++) {
            i = order[j]; sp = sprites[style[i]];
            ctx.drawImage(sp.image, (lx[i] - ox) * k - sp.half, (ly[i] - oy) * k - sp.half);
          }
        }
        job.next = end;
        if (Date.now() - t0 > budget) { break; }
      }
      if (job.next < job.m || (raster && !job.last)) {  // the raster's paint gets a slice of its own
        job.last = job.next >= job.m;
        this._frame = L.Util.requestAnimFrame(function () { this._frame = null; this._drawSlice(); }, this);
        return;
      }
      if (raster) {  // its buffer is kept for the next redraw (clearing it is cheaper than a new one) while
        // redraws follow each other, and let go after RASTER_KEEP_MS without one (~12 MB for a 1128 x 672 map)
        raster.paint(ctx); this._raster = raster;
        clearTimeout(this._rasterTimer);
        this._rasterTimer = setTimeout(function () { this._raster = null; }.bind(this), RASTER_KEEP_MS);
      }
      this._todo = null;
      var shown = this._front;  // swap: the finished canvas goes in front
      this._front = this._back; this._back = shown;
      L.DomUtil.setPosition(this._front, job.bounds.min);
      this._front.style.display = ""; this._back.style.display = "none";
      this._view = { center: job.center, zoom: job.zoom };
      this._drawn = job.m;
      this._drawnRows = job.order.subarray(0, job.m);
      this.fire("drawn", { count: job.m });
    },

    /* One image per style in device pixels, drawn like Leaflet's circle marker: fill, then outline. */
    _makeSprites: function (k) {
      if (this._spriteScale === k) { return; }
      var r = this._opts.radius;
      this._spriteScale = k;
      this._spriteList = this._styles.map(function (st) {
        var half = Math.ceil((r + st.weight / 2 + 1) * k), c = document.createElement("canvas");
        var g = c.getContext("2d");
        c.width = 2 * half; c.height = 2 * half;
        g.scale(k, k);
        g.beginPath();
        g.arc(half / k, half / k, r, 0, Math.PI * 2, false);
        if (st.fillOpacity > 0) { g.globalAlpha = st.fillOpacity; g.fillStyle = st.fillColor; g.fill(); }
        g.setLineDash(st.dash); g.globalAlpha = st.opacity; g.lineWidth = st.weight;
        g.lineCap = "round"; g.lineJoin = "round"; g.strokeStyle = st.color; g.stroke();
        return { image: c, half: half, pixels: StampRaster.pixels(g, 2 * half) };
      });
    },

    /* A grid (cells of 2 × hit radius) over the points in view, as flat arrays (counting sort). */
    _index: function (b, order, m) {
      var cell = this._cell = 2 * this._hit, lx = this._lx, ly = this._ly, j, at;
      var gw = this._gw = Math.ceil((b.max.x - b.min.x) / cell) + 3, gh = Math.ceil((b.max.y - b.min.y) / cell) + 3;
      var ox = this._gx = b.min.x - cell, oy = this._gy = b.min.y - cell;
      var start = new Int32Array(gw * gh + 1), rows = new Int32Array(m), cellOf = new Int32Array(m);
      for (j = 0; j < m; j++) {
        var i = order[j];
        at = Math.floor((ly[i] - oy) / cell) * gw + Math.floor((lx[i] - ox) / cell);
        cellOf[j] = at; start[at + 1] += 1;
      }
      for (j = 0; j < gw * gh; j++) { start[j + 1] += start[j]; }
      var fill = start.slice(0, gw * gh);
      for (j = 0; j < m; j++) { rows[fill[cellOf[j]]++] = order[j]; }  // row order kept within a cell
      this._cells = { start: start, rows: rows, gh: gh };
    },

    /* The row of the point nearest to layer point p within the hit radius (the later row on ties), or null. */
    _rowAt: function (p) {
      var g = this._cells;
      if (!g) { return null; }
      var cx = Math.floor((p.x - this._gx) / this._cell), cy = Math.floor((p.y - this._gy) / this._cell);
      var best = null, bestD = this._hit * this._hit, lx = this._lx, ly = this._ly;
      for (var y = cy - 1; y <= cy + 1; y++) {
        if (y < 0 || y >= g.gh) { continue; }
        for (var x = cx - 1; x <= cx + 1; x++) {
          if (x < 0 || x >= this._gw) { continue; }
          for (var k = g.start[y * this._gw + x]; k < g.start[y * this._gw + x + 1]; k++) {
            var i = g.rows[k], dx = lx[i] - p.x, dy = ly[i] - p.y, d = dx * dx + dy * dy;
            if (d < bestD || (d === bestD && (best === null || i > best))) { best = i; bestD = d; }
          }
        }
      }
      return best;
    },

    /* The drawn rows at the very position of row i (ascending), or null when it is alone there. */
    _stackAt: function (i) {
      var g = this._cells;
      if (!g) { return null; }
      var x0 = this._x0, y0 = this._y0, lx = this._lx, ly = this._ly, out = [];
      var cx = Math.floor((lx[i] - this._gx) / this._cell), cy = Math.floor((ly[i] - this._gy) / this._cell);
      var at = cy * this._gw + cx;
      for (var k = g.start[at]; k < g.start[at + 1]; k++) {
        var r = g.rows[k];
        if (x0[r] === x0[i] && y0[r] === y0[i]) { out.push(r); }
      }
      return out.length > 1 ? out.sort(function (a, b) { return a - b; }) : null;
    },

    _onMouseMove: function (e) {
      var map = this._map;
      if (map._animatingZoom || (map.dragging && map.dragging.moving())) { return; }
      var i = this._rowAt(e.layerPoint);
      if (i === null) { this._onMouseOut(); return; }
      if (i !== this._hover) {
        this._hover = i;
        var stack = this._stackAt(i);
        this._tip.setContent(stack ? stackTooltip(this._data.cols, this._opts, stack)
          : tooltipFor(this._data.cols, this._opts, i));
        map.getContainer().style.cursor = "pointer";
      }
      this._tip.setLatLng(e.latlng);
      if (!map.hasLayer(this._tip)) { map.openTooltip(this._tip); }
    },

    _onMouseOut: function () {
      if (this._hover === null) { return; }
      this._hover = null;
      if (this._map) { this._map.closeTooltip(this._tip); this._map.getContainer().style.cursor = ""; }
    },

    _onClick: function (e) {
      var i = this._rowAt(e.layerPoint);
      if (i === null) { return; }
      var popup = this._popup, stack = this._stackAt(i);
      popup.setLatLng(e.latlng).setContent(stack ? stackPopup(this._data.cols, this._opts, stack, function () {
        return popup; }) : popupFor(this._data.cols, this._opts, i)).openOn(this._map);
    }
  });

  function tooltipFor(cols, opts, i) {
    return tooltipNode(cell(cols, opts.title, i), opts.tooltip.map(function (c) { return cell(cols, c, i); }));
  }

  function popupFor(cols, opts, i) {
    var rows = opts.popup.map(function (p) { return [p[0], cell(cols, p[1], i)]; });
    var conf = cell(cols, "location_confidence", i), note = cell(cols, "location_note", i);
    var noteText = conf ? opts.confidence_label + ": " + conf + (note ? " — " + note : "") : note;
    var box = popupNode(cell(cols, opts.title, i), rows, sourcesOf(cell(cols, "sources", i), opts.sources), noteText);
    var id = cell(cols, "id", i);
    if (opts.history_label && id !== null && id !== undefined) { box.appendChild(historyLink(opts.history_label, id)); }
    return box;
  }

  /* The app's link from a popup to the record's history: the app's URL with history=ID (encoded; a new tab or a
   * shared link opens it there), and in this page a message through the app's feed frame (no reload: the
   * session and its sign-in stay). */
  function historyLink(text, id) {
    var a = el("a", "qtmap-history", text), top = window.parent;
    try { var url = new URL(top.location.href); url.searchParams.set("history", String(id)); a.href = url.href; }
    catch (e) { a.href = "?history=" + encodeURIComponent(String(id)); }
    a.target = "_top";
    a.addEventListener("click", function (ev) {
      for (var k = 0; k < top.frames.length; k++) {
        try {
          if (top.frames[k].qtmapAsk) { top.frames[k].qtmapAsk({ history: String(id) }); ev.preventDefault(); return; }
        } catch (err) { /* a frame of another origin */ }
      }
    });
    return a;
  }

  function bindInfo(group, cols, opts) {
    group.bindTooltip(function (layer) {
      if (layer._qtmapStack) { return stackTooltip(cols, opts, layer._qtmapStack); }
      return tooltipFor(cols, opts, layer._qtmapRow);
    }, { sticky: true, direction: "top" });
    group.bindPopup(function (layer) {
      if (layer._qtmapStack) { return stackPopup(cols, opts, layer._qtmapStack, function () { return group.getPopup(); }); }
      return popupFor(cols, opts, layer._qtmapRow);
    }, { maxWidth: 420, maxHeight: 360 });
  }

  /* Polygons and points of one area kind from GeoJSON whose feature properties hold
   * only "row" (an index into the columnar `cols`); optional permanent name labels. */
  function shapes(geojson, cols, opts) {
    var s = opts.style, group = L.featureGroup();
    var geo = L.geoJSON(geojson, {
      style: function (f) {
        var approx = cell(cols, "geometry_quality", f.properties.row) === opts.approx_value;
        return { renderer: canvas(), color: s.colour, weight: s.weight, fillColor: s.fill || s.colour,
                 fillOpacity: s.fill_opacity, dashArray: approx ? opts.approx_dash : s.dash };
      },
      pointToLayer: function (f, latlng) {
        var low = isLow(cols, f.properties.row, opts);
        return L.circleMarker(latlng, { renderer: canvas(), radius: opts.point_radius, color: s.colour,
          weight: s.weight, fillColor: s.fill || s.colour, fillOpacity: 1, dashArray: low ? opts.low_dash : null,
          opacity: low ? opts.low_opacity : 1 });
      },
      onEachFeature: function (f, layer) { layer._qtmapRow = f.properties.row; }
    });
    geo.eachLayer(function (layer) {
      group.addLayer(layer);
      var text = opts.label_column && cell(cols, opts.label_column, layer._qtmapRow);
      if (text) {
        var at = layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter();
        group.addLayer(L.marker(at, { interactive: false, keyboard: false, icon: L.divIcon({
          className: "qtmap-label qtmap-prio-" + (opts.label_priority === undefined ? 9 : opts.label_priority) +
            " " + (opts.label_class || ""), html: el("span", null, text), iconSize: null,
          iconAnchor: opts.label_anchor || [0, 0] }) }));
      }
    });
    if (opts.popup) { bindInfo(group, cols, opts); }
    group.on("add", function () { watchLabels(group._map); });
    return group;
  }

  /* Labels thinned by priority (geo/export/labels.py's order: zones and parks, district seats, clusters, ports
   * and gates, land names): after each zoom, pan or layer switch, a label whose box touches a label of higher
   * (or equal, earlier) priority is hidden; zooming in gives the hidden ones room again. */
  function labelItems(map) {
    var nodes = map.getContainer().querySelectorAll(".qtmap-label"), out = [];
    for (var i = 0; i < nodes.length; i++) {
      var m = /qtmap-prio-(\d+)/.exec(nodes[i].className), span = nodes[i].firstChild;
      out.push({ node: nodes[i], prio: m ? +m[1] : 9, text: span ? span.textContent : "",
                 hidden: nodes[i].classList.contains("qtmap-label-hidden"),
                 rect: span ? span.getBoundingClientRect() : nodes[i].getBoundingClientRect() });
    }
    return out;
  }

  function declutter(map) {
    if (!map) { return 0; }
    var items = labelItems(map), kept = [], hidden = 0;
    items.forEach(function (it, i) { it.order = i; });
    items.sort(function (a, b) { return a.prio - b.prio || a.order - b.order; });
    items.forEach(function (it) {
      var r = it.rect, pad = 2;
      var hit = r.width > 0 && kept.some(function (k) {
        return r.left - pad < k.right && k.left < r.right + pad && r.top - pad < k.bottom && k.top < r.bottom + pad;
      });
      it.node.classList.toggle("qtmap-label-hidden", hit);
      if (hit) { hidden++; } else if (r.width > 0) { kept.push(r); }
    });
    map._qtmapLabelSig = labelSignature(items);  // hiding keeps a label's box (visibility), so this stays true
    return hidden;
  }

  /* Where and how big every label is, to tell whether the thinning still fits what is drawn. */
  function labelSignature(items) {
    return items.map(function (it) {
      var r = it.rect;
      return [it.text, Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)].join(",");
    }).sort().join("|");
  }

  function watchLabels(map) {
    if (!map) { return; }
    var run = function () { declutter(map); };
    if (!map._qtmapLabels) {
      map._qtmapLabels = true;
      map.on("zoomend moveend overlayadd overlayremove resize", function () { setTimeout(run, 0); });
      if (document.fonts && document.fonts.ready) { document.fonts.ready.then(run); }  // text widths change
      window.addEventListener("load", run);
    }
    setTimeout(run, 0);
  }

  /* The map's labels as drawn: text, priority, hidden, box (for tests and the bench). */
  function labels(map) {
    return labelItems(map).map(function (it) {
      var r = it.rect;
      return { text: it.text, prio: it.prio, hidden: it.hidden, box: [r.left, r.top, r.right, r.bottom] };
    });
  }

  /* A legend control from a plain structure; all text goes in with textContent. */
  function legend(spec) {
    var ctl = L.control({ position: spec.position || "bottomright" });
    ctl.onAdd = function (map) {
      var box = el("div", "qtmap-legend leaflet-control"), body = el("div", "qtmap-legend-body");
      var head = el("button", "qtmap-legend-head"), size = map.getSize();
      head.type = "button";
      head.appendChild(el("h4", null, spec.title));
      head.title = spec.toggle || "";
      var screen = { x: size.x, y: size.y };  // the window (the app's page), else the map
      try { screen = { x: window.top.innerWidth || size.x, y: window.top.innerHeight || size.y }; } catch (e) { /* */ }
      // Folded by default on small screens (a laptop's 768 px or less), open on larger ones; then as the user set it.
      var open = ui.legendOpen === undefined ? (screen.x >= 1024 && screen.y > 800) : ui.legendOpen;
      var show = function (on) {
        box.classList.toggle("qtmap-legend-closed", !on);
        head.setAttribute("aria-expanded", on ? "true" : "false");
      };
      show(open);
      L.DomEvent.on(head, "click", function (ev) {
        L.DomEvent.stop(ev);
        ui.legendOpen = box.classList.contains("qtmap-legend-closed");
        saveUi(); show(ui.legendOpen); layout(map);
      });
      box.appendChild(head);
      box.appendChild(body);
      spec.sections.forEach(function (sec) {
        body.appendChild(el("div", "qtmap-legend-section", sec.title));
        sec.items.forEach(function (it) {
          var row = el("div", "qtmap-legend-item");
          var sw = el("span", "qtmap-swatch " + (it.shape || "circle"));
          sw.style.background = it.fill || "transparent";
          sw.style.borderColor = it.colour;
          if (it.dash) { sw.style.borderStyle = "dashed"; }
          row.appendChild(sw);
          row.appendChild(el("span", null, it.label + (it.count !== undefined ? " (" + it.count + ")" : "")));
          body.appendChild(row);
        });
      });
      if (spec.note) { body.appendChild(el("div", "qtmap-note", spec.note)); }
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      setTimeout(function () { layout(map); }, 0);
      if (!map._qtmapLayout) {
        map._qtmapLayout = true;
        // The frame can change size without Leaflet noticing (the page sizes the map's iframe after it drew):
        // watch the container itself, which also covers Leaflet's own resizes; Leaflet's event where it cannot.
        if (window.ResizeObserver) {
          new ResizeObserver(function () { layout(map); }).observe(map.getContainer());
        } else {
          map.on("resize", function () { layout(map); });
        }
      }
      return box;
    };
    return ctl;
  }

  /* Positions at zoom 0 (Web Mercator, as map.project(latlng, 0)) and the bounds of `data`, computed once per
   * data set and kept on it (a redraw, a toggle or a new selection reuses them). */
  function projected(data, map) {
    if (data._x0) { return; }
    var n = data.lon.length, lon = data.lon, lat = data.lat, x0 = new Float64Array(n), y0 = new Float64Array(n);
    var minLat = 90, maxLat = -90, minLon = 180, maxLon = -180, MAX = 1 - 1e-15, D = Math.PI / 180;
    var crs = map.options.crs;
    var mercator = crs === L.CRS.EPSG3857;
    for (var i = 0; i < n; i++) {
      var la = lat[i], lo = lon[i];
      if (mercator) {
        var sn = Math.max(Math.min(MAX, Math.sin(la * D)), -MAX);
        x0[i] = 256 * (lo / 360 + 0.5);
        y0[i] = 256 * (0.5 - Math.log((1 + sn) / (1 - sn)) / (4 * Math.PI));
      } else {
        var p = map.project([la, lo], 0); x0[i] = p.x; y0[i] = p.y;
      }
      if (la < minLat) { minLat = la; } if (la > maxLat) { maxLat = la; }
      if (lo < minLon) { minLon = lo; } if (lo > maxLon) { maxLon = lo; }
    }
    data._x0 = x0; data._y0 = y0;
    data._bbox = n ? L.latLngBounds([minLat, minLon], [maxLat, maxLon]) : null;
  }

  /* --- The live project layer of the app: the register arrives once, a filter change sends its result. ---
   * The app (app.py) hands both to the page through a tiny Streamlit component (layers/feed/index.html),
   * which keeps them in the app's page as window.parent.__qtmapFeed = {version, blob, blobVersion, bits,
   * legend, seq} and calls qtmap.receive() in every frame: `blob` is the gzipped packed register of
   * `version` (layers/packed.py), `bits` one bit per packed row (layers/selection.py), `legend` the legend
   * of the filtered projects. The map's script never changes with the filters, so streamlit-folium
   * never re-renders the map: the view, the layer control and the legend's state stay as they are. */
  var lives = [], decoded = { version: null, promise: null };

  function feedStore() { try { return window.parent.__qtmapFeed || null; } catch (e) { return null; } }

  /* The packed register (layers/packed.py) from its gzipped bytes: typed arrays over one buffer. */
  function decode(blob) {
    var stream = new Blob([blob]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).arrayBuffer().then(function (buf) {
      var u8 = new Uint8Array(buf), dv = new DataView(buf);
      if (String.fromCharCode(u8[0], u8[1], u8[2], u8[3]) !== "QTM1") { throw new Error("qtmap: not a packed register"); }
      var size = dv.getUint32(4, true), base = 8 + size;
      var header = JSON.parse(new TextDecoder().decode(u8.subarray(8, base)));
      var TYPES = { f32: Float32Array, u8: Uint8Array, u16: Uint16Array, u32: Uint32Array };
      var arr = function (w) { return new TYPES[w[1]](buf, base + w[0], w[2]); };
      var cols = {};
      Object.keys(header.cols).forEach(function (name) {
        cols[name] = { labels: header.cols[name].labels, idx: arr(header.cols[name].idx) };
      });
      return { lon: arr(header.lon), lat: arr(header.lat), cols: cols, opts: header.opts, n: header.n };
    });
  }

  /* The rows a bitset selects (bit i of byte i >> 3, least significant first), ascending. */
  function rowsOf(bits, n) {
    var out = new Int32Array(n), m = 0;
    for (var i = 0; i < n; i++) { if (bits[i >> 3] & (1 << (i & 7))) { out[m++] = i; } }
    return out.subarray(0, m);
  }

  /* Bring a live layer up to date with the feed: decode a new register, then show the selection. */
  function feedLive(group, feed) {
    var s = group._live;
    if (!feed || !feed.bits) { return; }
    if (feed.version !== s.version) {
      s.pending = true;
      if (feed.blobVersion !== feed.version || !feed.blob) { return; }  // the feed asks the app for it
      if (decoded.version !== feed.version) {
        decoded = { version: feed.version, promise: decode(feed.blob) };
      }
      var version = feed.version;
      decoded.promise.then(function (data) {
        if (s.version === version || decoded.version !== version) { return; }
        s.version = version; s.data = data; s.seq = null;
        feedLive(group, feedStore());
      }, function (err) { if (window.console) { window.console.error(err); } });
      return;
    }
    if (feed.seq === s.seq) { return; }
    s.seq = feed.seq;
    showLive(group, s.data, rowsOf(feed.bits, s.data.n), feed.legend);
  }

  function showLive(group, data, rows, spec) {
    var s = group._live, opts = data.opts;
    var bulk = opts.bulk_above !== undefined && opts.bulk_above !== null && data.n > opts.bulk_above;
    if (bulk && s.inner && s.inner._qtmapData === data) {
      s.inner._qtmapPoints = rows.length;
      s.inner._qtmapBulk.setRows(rows);
    } else {
      if (s.inner) { group.removeLayer(s.inner); }
      s.inner = points(data, opts, rows);
      s.inner._qtmapInLive = true;
      group.addLayer(s.inner);
    }
    group._qtmapPoints = rows.length;
    group._qtmapGen += 1;
    s.pending = false;
    var text = JSON.stringify(spec || null);
    if (text !== s.legendText) {
      s.legendText = text;
      if (s.control) { s.control.remove(); }
      s.control = spec ? legend(spec) : null;
      if (s.control && group._map) { s.control.addTo(group._map); }
    }
  }

  /* The app's project layer: drawn from the feed (see above), with its legend; replaces an earlier one. */
  function live() {
    var group = L.featureGroup();
    group._qtmapLive = true; group._qtmapPoints = 0; group._qtmapGen = 0;
    group._live = { version: null, data: null, seq: null, pending: true, inner: null, control: null, legendText: null };
    group.on("add", function () { if (group._live.control) { group._live.control.addTo(group._map); } });
    group.on("remove", function () { if (group._live.control) { group._live.control.remove(); } });
    lives = [group];
    feedLive(group, feedStore());
    return group;
  }

  /* Called by the feed component when the register or the selection changed. */
  function receive() {
    var feed = feedStore();
    lives.forEach(function (g) { feedLive(g, feed); });
  }

  /* The ids (column "id") of the project points drawn on `map` (a test hook: the set, not the order). */
  function ids(map) {
    var out = [];
    map.eachLayer(function (g) {
      if (g._qtmapPoints === undefined || g._qtmapLive || !g._qtmapData) { return; }
      var cols = g._qtmapData.cols;
      if (g._qtmapBulk) {
        var rows = g._qtmapBulk._map && g._qtmapBulk._drawnRows;
        for (var j = 0; rows && j < rows.length; j++) { out.push(cell(cols, "id", rows[j])); }
        return;
      }
      g.eachLayer(function (m) { if (m._map && m._qtmapRow !== undefined) { out.push(cell(cols, "id", m._qtmapRow)); } });
    });
    return out;
  }

  window.qtmap = { points: points, shapes: shapes, legend: legend, count: count, busy: busy, layout: layout,
                   live: live, receive: receive, ids: ids, labels: labels, declutter: declutter };
})();
