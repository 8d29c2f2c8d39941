/* Measuring functions for the app's map iframe (streamlit-folium keeps the map as window.map), used by
 * bench/browser_timing.py through bench/js/call.js. A filter change replaces the project group; mark()
 * tags the groups on the map now, so shows(n) waits for a group that was not there before the change (or,
 * for the app's live layer, which stays on the map, one that has shown a new selection since).
 */
(function () {
  "use strict";
  var B = window.qtmapBench = window.qtmapBench || {};

  /* Tag every project group now on the map as old (a live layer, which stays, by the selection it shows). */
  B.mark = function () {
    window.map.eachLayer(function (l) {
      if (l._qtmapPoints !== undefined) { l.__benchOld = true; l.__benchGen = l._qtmapGen; }
    });
  };

  /* True for a project group mark() tagged and that shows the same selection as then. */
  function isOld(l) { return l.__benchOld && (l._qtmapGen === undefined || l._qtmapGen === l.__benchGen); }

  /* True when the map shows exactly n project points, drawn, from a project group mark() did not tag. */
  B.shows = function (n) {
    if (!window.map || !window.qtmap) { return false; }
    var fresh = false, old = false;
    window.map.eachLayer(function (l) {
      if (l._qtmapPoints !== undefined && !l._qtmapInLive) { if (isOld(l)) { old = true; } else { fresh = true; } }
    });
    return fresh && !old && window.qtmap.count(window.map) === n && !window.qtmap.busy(window.map);
  };

  /* qtmap.count(window.map), or -1 before the map and qtmap.js are there. */
  B.appCount = function () { return window.map && window.qtmap ? window.qtmap.count(window.map) : -1; };
})();
