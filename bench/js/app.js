/* Measuring functions for the app's map iframe (streamlit-folium keeps the map as window.map), used by
 * bench/browser_timing.py through bench/js/call.js. A filter change replaces the project group; mark()
 * tags the groups on the map now, so shows(n) waits for a group that was not there before the change.
 */
(function () {
  "use strict";
  var B = window.qtmapBench = window.qtmapBench || {};

  /* Tag every project group now on the map as old. */
  B.mark = function () {
    window.map.eachLayer(function (l) { if (l._qtmapPoints !== undefined) { l.__benchOld = true; } });
  };

  /* True when the map shows exactly n project points, drawn, from a project group mark() did not tag. */
  B.shows = function (n) {
    if (!window.map || !window.qtmap) { return false; }
    var fresh = false, old = false;
    window.map.eachLayer(function (l) {
      if (l._qtmapPoints !== undefined) { if (l.__benchOld) { old = true; } else { fresh = true; } }
    });
    return fresh && !old && window.qtmap.count(window.map) === n && !window.qtmap.busy(window.map);
  };

  /* qtmap.count(window.map), or -1 before the map and qtmap.js are there. */
  B.appCount = function () { return window.map && window.qtmap ? window.qtmap.count(window.map) : -1; };
})();
