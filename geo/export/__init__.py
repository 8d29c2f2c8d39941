"""Report maps: print-quality static maps (PNG, PDF, SVG) and multi-page atlases, fully offline.

Everything is drawn with matplotlib (no pyplot, no network) in VN-2000 / UTM zone 48N
(EPSG:3405), so the scale bar is true, with the colours and symbols of :mod:`geo.style`
(the same table the interactive map reads). A sheet carries what a planner expects of a
QGIS print layout: title and filter subtitle, legend of what is shown (with counts),
scale bar, north arrow, graticule with degree labels, inset locator map, sources,
data and export dates, and the note on approximate locations.

Projects are drawn with one scatter per sector × status × confidence group, so a
register of 100,000 projects exports in a few seconds.

One module per job: :mod:`~geo.export.options` (paper, CRS, constants),
:mod:`~geo.export.text` (text metrics), :mod:`~geo.export.scene` (what is drawn, extents),
:mod:`~geo.export.frame` (drawing context), :mod:`~geo.export.geometry` (collections),
:mod:`~geo.export.symbols` (style table → matplotlib), :mod:`~geo.export.plotters`
(one plotter per kind), :mod:`~geo.export.labels` (placement), :mod:`~geo.export.furniture`
(graticule, north arrow, scale bar, inset), :mod:`~geo.export.legend`,
:mod:`~geo.export.sheet` (composition), :mod:`~geo.export.save` and :mod:`~geo.export.atlas`.
matplotlib is imported by this package only.

Examples
--------
>>> ExportOptions().figsize(raster=True)[0] * 300 // 1
3508.0
>>> ExportOptions(paper="A3", orientation="portrait").page_mm
(297.0, 420.0)
>>> graticule_step(1.05)
0.2
>>> format_degree(107.0, 0.2, "E"), format_degree(16.85, 0.05, "N")
('107.0°E', '16.85°N')

"""

from __future__ import annotations

from geo.export.atlas import ATLAS_KINDS, atlas_features, export_atlas
from geo.export.furniture import format_degree, graticule_step
from geo.export.geometry import plot_line_collection, plot_point_collection, plot_polygon_collection
from geo.export.options import FONT, FORMATS, INK, MAP_CRS, NEAR_KM, PAPER_MM, PX_TO_PT, ExportError, ExportOptions
from geo.export.plotters import PLOTTERS
from geo.export.save import export_map
from geo.export.scene import province_extent
from geo.export.sheet import render_map
from geo.export.symbols import project_symbol
from geo.export.text import fmt_int, text_width_pt, truncate_text, wrap_text

__all__ = [
    "ATLAS_KINDS", "FONT", "FORMATS", "INK", "MAP_CRS", "NEAR_KM", "PAPER_MM", "PLOTTERS", "PX_TO_PT",
    "ExportError", "ExportOptions", "atlas_features", "export_atlas", "export_map", "fmt_int", "format_degree",
    "graticule_step", "plot_line_collection", "plot_point_collection", "plot_polygon_collection",
    "project_symbol", "province_extent", "render_map", "text_width_pt", "truncate_text", "wrap_text",
]
