/* qtmap map helpers: build Leaflet layers from the data that layers/*.py embed.
 *
 * Every string that comes from data is put into the page with textContent, never
 * innerHTML, so a record whose name is an HTML tag shows as text and runs nothing.
 * Points are drawn as circle markers on one shared canvas renderer, with one
 * tooltip and one popup bound to the whole group (not one per marker), so a
 * register of 100,000 projects stays light.
 */
(function () {
  "use strict";
  var renderer = null;

  function canvas() {
    if (!renderer) { renderer = L.canvas({ padding: 0.3, tolerance: 4 }); }
    return renderer;
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

  /* Points from a columnar table.
   * data = {lon: [...], lat: [...], cols: {...}}
   * opts = {style: {colour column, colours: {...}, status column, statuses: {...}},
   *         title: column, tooltip: [columns], popup: [[label, column]...],
   *         sources: {key: url}, labels: {...}} */
  function points(data, opts) {
    var group = L.featureGroup();
    var cols = data.cols, n = data.lon.length, r = canvas();
    var colourIdx = cols[opts.colour_by] && cols[opts.colour_by].idx;
    var statusIdx = cols[opts.status_by] && cols[opts.status_by].idx;
    for (var i = 0; i < n; i++) {
      var colour = opts.colours[colourIdx ? colourIdx[i] : -1] || opts.default_colour;
      var sym = opts.symbols[statusIdx ? statusIdx[i] : -1] || opts.default_symbol;
      var low = isLow(cols, i, opts);
      var m = L.circleMarker([data.lat[i], data.lon[i]], {
        renderer: r, radius: opts.radius, color: colour, weight: low ? 1.5 : 2,
        opacity: low ? opts.low_opacity : 1, dashArray: low ? opts.low_dash : sym.dash,
        fillColor: colour, fillOpacity: sym.fill_opacity, bubblingMouseEvents: true
      });
      m._qtmapRow = i;
      group.addLayer(m);
    }
    bindInfo(group, cols, opts);
    return group;
  }

  function bindInfo(group, cols, opts) {
    group.bindTooltip(function (layer) {
      var i = layer._qtmapRow;
      return tooltipNode(cell(cols, opts.title, i), opts.tooltip.map(function (c) { return cell(cols, c, i); }));
    }, { sticky: true, direction: "top" });
    group.bindPopup(function (layer) {
      var i = layer._qtmapRow;
      var rows = opts.popup.map(function (p) { return [p[0], cell(cols, p[1], i)]; });
      var conf = cell(cols, "location_confidence", i), note = cell(cols, "location_note", i);
      var noteText = conf ? opts.confidence_label + ": " + conf + (note ? " — " + note : "") : note;
      return popupNode(cell(cols, opts.title, i), rows, sourcesOf(cell(cols, "sources", i), opts.sources), noteText);
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
          className: "qtmap-label " + (opts.label_class || ""), html: el("span", null, text), iconSize: null,
          iconAnchor: opts.label_anchor || [0, 0] }) }));
      }
    });
    if (opts.popup) { bindInfo(group, cols, opts); }
    return group;
  }

  /* A legend control from a plain structure; all text goes in with textContent. */
  function legend(spec) {
    var ctl = L.control({ position: spec.position || "bottomright" });
    ctl.onAdd = function () {
      var box = el("div", "qtmap-legend leaflet-control");
      box.appendChild(el("h4", null, spec.title));
      spec.sections.forEach(function (sec) {
        box.appendChild(el("div", "qtmap-legend-section", sec.title));
        sec.items.forEach(function (it) {
          var row = el("div", "qtmap-legend-item");
          var sw = el("span", "qtmap-swatch " + (it.shape || "circle"));
          sw.style.background = it.fill || "transparent";
          sw.style.borderColor = it.colour;
          if (it.dash) { sw.style.borderStyle = "dashed"; }
          row.appendChild(sw);
          row.appendChild(el("span", null, it.label + (it.count !== undefined ? " (" + it.count + ")" : "")));
          box.appendChild(row);
        });
      });
      if (spec.note) { box.appendChild(el("div", "qtmap-note", spec.note)); }
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    return ctl;
  }

  window.qtmap = { points: points, shapes: shapes, legend: legend };
})();
