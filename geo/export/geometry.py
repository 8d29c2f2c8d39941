"""Shapely geometries to matplotlib collections: one collection per call, not one artist per feature."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.path import Path as MplPath

import shapely

__all__ = ["polygon_paths", "line_segments", "plot_polygon_collection", "plot_line_collection", "plot_point_collection"]


def polygon_paths(geoms: Iterable[shapely.Geometry]) -> list[MplPath]:
    """One compound path (exterior and holes) per polygon part."""
    paths = []
    for geom in geoms:
        for poly in getattr(geom, "geoms", [geom]):
            if poly is None or poly.is_empty or poly.geom_type != "Polygon":
                continue
            verts, codes = [], []
            for ring in (poly.exterior, *poly.interiors):
                xy = np.asarray(ring.coords)[:, :2]
                c = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
                c[0], c[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
                verts.append(xy)
                codes.append(c)
            paths.append(MplPath(np.concatenate(verts), np.concatenate(codes)))
    return paths


def line_segments(geoms: Iterable[shapely.Geometry]) -> list[np.ndarray]:
    """One vertex array per line part (polygons give their rings)."""
    segments = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            continue
        if geom.geom_type in ("Polygon", "MultiPolygon"):
            geom = geom.boundary
        for line in getattr(geom, "geoms", [geom]):
            segments.append(np.asarray(line.coords)[:, :2])
    return segments


def plot_polygon_collection(ax: Axes, geoms: Iterable[shapely.Geometry], *, facecolor: object, edgecolor: object,
                            linewidth: float, linestyle: object = "solid", zorder: float = 2) -> PathCollection | None:
    """Add polygons as one PathCollection (like geopandas' ``_plot_polygon_collection``)."""
    paths = polygon_paths(geoms)
    if not paths:
        return None
    coll = PathCollection(paths, facecolors=[facecolor], edgecolors=[edgecolor], linewidths=[linewidth],
                          linestyles=[linestyle], zorder=zorder)
    coll.set_joinstyle("round")
    ax.add_collection(coll, autolim=False)
    return coll


def plot_line_collection(ax: Axes, geoms: Iterable[shapely.Geometry], *, colour: object, linewidth: float,
                         linestyle: object = "solid", zorder: float = 3) -> LineCollection | None:
    """Add lines as one LineCollection (like geopandas' ``_plot_linestring_collection``)."""
    segments = line_segments(geoms)
    if not segments:
        return None
    coll = LineCollection(segments, colors=[colour], linewidths=[linewidth], linestyles=[linestyle], zorder=zorder,
                          capstyle="round", joinstyle="round")
    ax.add_collection(coll, autolim=False)
    return coll


def plot_point_collection(ax: Axes, x: np.ndarray, y: np.ndarray, *, marker: str, size_pt: float,
                          facecolor: object, edgecolor: object, linewidth: float, linestyle: object = "solid",
                          zorder: float = 8, gid: str = "symbol") -> PathCollection | None:
    """Add points as ONE scatter PathCollection (``size_pt`` is the marker diameter in points).

    ``gid`` tags the collection: labels keep off the markers of "symbol" collections (geo.export.labels).
    """
    if not len(x):
        return None
    return ax.scatter(x, y, s=size_pt ** 2, marker=marker, facecolors=[facecolor], edgecolors=[edgecolor],
                      linewidths=linewidth, linestyles=[linestyle], zorder=zorder, clip_on=True,
                      plotnonfinite=False, gid=gid)
