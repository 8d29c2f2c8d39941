"""The drawing context of one map frame: axes, extent, type scale, what is shown, queued labels."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from matplotlib.axes import Axes

import geopandas as gpd
import shapely

from geo.export.options import INK
from geo.export.scene import located_mask

__all__ = ["Shown", "LabelRequest", "MapFrame"]


@dataclass
class Shown:
    """Tally of what is drawn inside the map frame, for a legend of what is shown only."""

    sectors: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    low_confidence: int = 0
    areas: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> {'polygon', 'approximate', 'point'}
    lines: list[str] = field(default_factory=list)
    facilities: Counter = field(default_factory=Counter)
    seats: int = 0
    search_radius: bool = False
    dropped_labels: list[str] = field(default_factory=list)  # labels left out for lack of room (legend note)


@dataclass
class LabelRequest:
    """A label request; placed after everything is drawn, avoiding other labels and symbols."""

    x: float
    y: float
    text: str
    size: float
    colour: str = INK
    weight: str = "normal"
    style: str = "normal"
    offset_pt: float = 5.0  # distance from the anchor (symbol radius)
    inside: bool = False  # centred on the anchor (large polygons)
    priority: str = "project"  # class in geo.export.labels.PRIORITY: zone, seat, cluster, place, project, context
    leader: bool = True  # may move farther out with a leader line when no position beside the symbol is free
    anchors: tuple[tuple[float, float], ...] = ()  # other anchors to try (points inside a large area)
    within: shapely.Geometry | None = None  # an area label's box must lie inside this area (map units)


@dataclass
class MapFrame:
    """Drawing context of one map frame."""

    ax: Axes
    lang: str
    k: float  # type scale (1 for A4, larger for A3)
    extent: tuple[float, float, float, float]
    shown: Shown = field(default_factory=Shown)
    labels: list[LabelRequest] = field(default_factory=list)
    # boxes (x0, y0, x1, y1, map units) labels must not cover, besides the point symbols: small areas
    obstacles: list[tuple[float, float, float, float]] = field(default_factory=list)
    label_zones: bool = True
    label_clusters: bool = False
    label_projects: bool = False

    def in_view(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Mask of the points ``x, y`` inside the frame's extent."""
        x0, y0, x1, y1 = self.extent
        return (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)

    def clip(self, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """Rows of ``gdf`` with a geometry that intersects the view."""
        if not len(gdf):
            return gdf
        ok = located_mask(gdf)
        gdf = gdf[ok]
        box = shapely.box(*self.extent)
        return gdf[shapely.intersects(gdf.geometry.to_numpy(), box)]
