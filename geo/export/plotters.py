"""One plotter per layer kind, keyed by kind code in PLOTTERS (the drawing order, bottom to top)."""

from __future__ import annotations

from collections.abc import Callable

import matplotlib
import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from geo import style
from geo.export.frame import LabelRequest, MapFrame
from geo.export.geometry import plot_line_collection, plot_point_collection, plot_polygon_collection
from geo.export.labels import inner_anchors, mm_per_unit
from geo.export.options import INK, PX_TO_PT
from geo.export.scene import column, label_text, laos_polygon, located_mask
from geo.export.symbols import mpl_dash, project_symbol, rgba
from geo.export.text import nfc
from geo.i18n import t

__all__ = [
    "plot_neighbour", "plot_province", "plot_line_kind", "plot_coastline", "plot_road", "plot_border",
    "plot_area_kind", "plot_economic_zone", "plot_industrial_park", "plot_industrial_cluster",
    "plot_infrastructure", "plot_district_seat", "plot_project", "Plotter", "PLOTTERS",
]


def plot_neighbour(ctx: MapFrame, gdf: gpd.GeoDataFrame) -> None:
    """Draw the neighbouring provinces (grey), with their names."""
    s = style.KIND_STYLES["neighbour"]
    gdf = ctx.clip(gdf)
    plot_polygon_collection(ctx.ax, gdf.geometry, facecolor=s.fill, edgecolor=s.colour,
                            linewidth=s.weight * PX_TO_PT, zorder=1.2)
    view = shapely.box(*ctx.extent)
    for row in gdf.to_dict("records"):
        part = row["geometry"].intersection(view)
        if part.area > 0.04 * view.area:
            p = part.representative_point()
            ctx.labels.append(LabelRequest(p.x, p.y, nfc(row.get("name_vi")).upper(), 7.5 * ctx.k, "#8a8a8a",
                                           style="italic", inside=True, priority="context",
                                           anchors=inner_anchors(part)))
    laos = laos_polygon().intersection(view)
    if laos.area > 0.04 * view.area:
        parts = list(getattr(laos, "geoms", [laos]))
        p = max(parts, key=lambda g: g.area).representative_point()
        ctx.labels.append(LabelRequest(p.x, p.y, t("report_laos", ctx.lang), 8.5 * ctx.k, "#8a8a8a", style="italic",
                                       inside=True, priority="context",
                                       anchors=inner_anchors(max(parts, key=lambda g: g.area))))


def plot_province(ctx: MapFrame, gdf: gpd.GeoDataFrame) -> None:
    """Draw the province outline (cream land)."""
    s = style.KIND_STYLES["province"]
    plot_polygon_collection(ctx.ax, gdf.geometry, facecolor=s.fill, edgecolor=s.colour,
                            linewidth=s.weight * PX_TO_PT, zorder=1.5)


def plot_line_kind(ctx: MapFrame, gdf: gpd.GeoDataFrame, kind: str, zorder: float) -> None:
    """Draw a line layer (coastline, road, border) in its style and note it for the legend."""
    s = style.KIND_STYLES[kind]
    gdf = ctx.clip(gdf)
    if plot_line_collection(ctx.ax, gdf.geometry, colour=s.colour, linewidth=s.weight * PX_TO_PT,
                            linestyle=mpl_dash(s.dash), zorder=zorder):
        ctx.shown.lines.append(kind)


def plot_coastline(ctx: MapFrame, gdf: gpd.GeoDataFrame) -> None:
    """Draw the Natural Earth coastline."""
    plot_line_kind(ctx, gdf, "coastline", 2.6)


def plot_road(ctx: MapFrame, gdf: gpd.GeoDataFrame) -> None:
    """Draw the national roads."""
    plot_line_kind(ctx, gdf, "road", 5.0)


def plot_border(ctx: MapFrame, gdf: gpd.GeoDataFrame) -> None:
    """Draw the Viet Nam – Laos border."""
    plot_line_kind(ctx, gdf, "border", 5.5)


def plot_area_kind(ctx: MapFrame, gdf: gpd.GeoDataFrame, kind: str, zorder: float, label_names: bool) -> None:
    """Parks, zones or clusters: polygons (approximate footprints dashed) or, without a footprint, a point."""
    s = style.KIND_STYLES[kind]
    gdf = ctx.clip(gdf)
    if not len(gdf):
        return
    quality = column(gdf, "geometry_quality").to_numpy()
    is_poly = gdf.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    approx = quality == "approximate"
    tally = ctx.shown.areas.setdefault(kind, {"polygon": 0, "approximate": 0, "point": 0})
    face = rgba(s.fill or s.colour, s.fill_opacity)
    for mask, dash in ((is_poly & ~approx, None), (is_poly & approx, style.APPROXIMATE_DASH)):
        if mask.any():
            plot_polygon_collection(ctx.ax, gdf.geometry[mask], facecolor=face, edgecolor=s.colour,
                                    linewidth=s.weight * PX_TO_PT, linestyle=mpl_dash(dash), zorder=zorder)
            tally["approximate" if dash else "polygon"] += int(mask.sum())
    points = ~is_poly
    if points.any():
        pts = gdf.geometry[points].representative_point()
        low = column(gdf, "location_confidence").to_numpy()[points] == "low"
        for sub, is_low in ((~low, False), (low, True)):
            if sub.any():
                plot_point_collection(ctx.ax, shapely.get_x(pts.to_numpy()[sub]), shapely.get_y(pts.to_numpy()[sub]),
                                      marker="p", size_pt=8.5 * ctx.k,
                                      facecolor=rgba(s.fill or s.colour, max(s.fill_opacity, 0.8)),
                                      edgecolor=rgba(s.colour, style.LOW_CONFIDENCE_OPACITY if is_low else 1),
                                      linewidth=s.weight * PX_TO_PT,
                                      linestyle=mpl_dash(style.APPROXIMATE_DASH if is_low else None), zorder=zorder + 2)
        tally["point"] += int(points.sum())
    if not label_names:
        return
    colour = matplotlib.colors.to_hex(np.array(matplotlib.colors.to_rgb(s.colour)) * 0.75)
    size_mm = mm_per_unit(ctx)
    for row, poly in zip(gdf.to_dict("records"), is_poly, strict=True):
        geom = row["geometry"].intersection(shapely.box(*ctx.extent)) if poly else row["geometry"]
        if geom.is_empty:
            continue
        anchor = geom.representative_point() if poly else geom
        text = nfc(label_text(row, ctx.lang))
        x0, y0, x1, y1 = geom.bounds
        radius_pt = (max(x1 - x0, y1 - y0) / 2 * size_mm / 25.4 * 72) if poly else 4.5 * ctx.k
        inside = poly and radius_pt > 70
        ctx.labels.append(LabelRequest(anchor.x, anchor.y, text, 6.5 * ctx.k, colour, weight="bold",
                                       offset_pt=0 if inside else radius_pt + 1.5, inside=inside,
                                       priority="cluster" if kind == "industrial_cluster" else "zone",
                                       anchors=inner_anchors(geom) if inside else ()))
        if poly and radius_pt <= 10 * ctx.k:  # an area this small is a symbol at this scale: labels keep off it
            ctx.obstacles.append(tuple(geom.bounds))


def plot_economic_zone(ctx: MapFrame, gdf: gpd.GeoDataFrame) -> None:
    """Draw economic zones (light blue, under the parks), labelled with their names."""
    plot_area_kind(ctx, gdf, "economic_zone", 3.0, ctx.label_zones)


def plot_industrial_park(ctx: MapFrame, gdf: gpd.GeoDataFrame) -> None:
    """Draw industrial parks (purple), labelled with their names."""
    plot_area_kind(ctx, gdf, "industrial_park", 3.4, ctx.label_zones)


def plot_industrial_cluster(ctx: MapFrame, gdf: gpd.GeoDataFrame) -> None:
    """Draw industrial clusters and craft villages (orange); labelled on zoomed maps only."""
    plot_area_kind(ctx, gdf, "industrial_cluster", 3.6, ctx.label_clusters)


def plot_infrastructure(ctx: MapFrame, gdf: gpd.GeoDataFrame) -> None:
    """Draw ports (squares) and border gates (diamonds), labelled where there is room."""
    s = style.KIND_STYLES["infrastructure"]
    gdf = ctx.clip(gdf)
    if not len(gdf):
        return
    facility = column(gdf, "facility").to_numpy()
    low = column(gdf, "location_confidence").to_numpy() == "low"
    pts = gdf.geometry.representative_point().to_numpy()
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    for code, marker in style.FACILITY_MARKERS.items():
        for is_low in (False, True):
            m = (facility == code) & (low == is_low)
            plot_point_collection(ctx.ax, x[m], y[m], marker=marker, size_pt=(7.5 if marker == "s" else 8.5) * ctx.k,
                                  facecolor=s.fill, edgecolor=rgba(s.colour, style.LOW_CONFIDENCE_OPACITY if is_low
                                                                   else 1.0),
                                  linewidth=s.weight * PX_TO_PT,
                                  linestyle=mpl_dash(style.APPROXIMATE_DASH if is_low else None), zorder=8.5)
        n = int((facility == code).sum())
        if n:
            ctx.shown.facilities[code] += n
    for row, xi, yi in zip(gdf.to_dict("records"), x, y, strict=True):
        ctx.labels.append(LabelRequest(xi, yi, label_text(row, ctx.lang), 5.5 * ctx.k, s.colour, style="italic",
                                       offset_pt=5.5 * ctx.k, priority="place"))


def plot_district_seat(ctx: MapFrame, gdf: gpd.GeoDataFrame) -> None:
    """Draw district seats: a town symbol (ringed dot) and the seat's name."""
    s = style.KIND_STYLES["district_seat"]
    gdf = ctx.clip(gdf)
    if not len(gdf):
        return
    pts = gdf.geometry.representative_point().to_numpy()
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    plot_point_collection(ctx.ax, x, y, marker="o", size_pt=6.5 * ctx.k, facecolor=s.fill, edgecolor=s.colour,
                          linewidth=s.weight * PX_TO_PT * 1.2, zorder=8)
    plot_point_collection(ctx.ax, x, y, marker="o", size_pt=2.4 * ctx.k, facecolor=s.colour, edgecolor=s.colour,
                          linewidth=0, zorder=8.1)
    ctx.shown.seats += len(gdf)
    for row, xi, yi in zip(gdf.to_dict("records"), x, y, strict=True):
        ctx.labels.append(LabelRequest(xi, yi, label_text(row, ctx.lang), 7.5 * ctx.k, INK, offset_pt=4.5 * ctx.k,
                                       priority="seat"))


def plot_project(ctx: MapFrame, gdf: gpd.GeoDataFrame) -> None:
    """Draw the filtered projects: ONE scatter per sector × status × confidence group, not one artist each.

    ``gdf`` is the scene's register (:attr:`Scene.projects`): points in the map CRS, unlocated rows kept.
    """
    located = located_mask(gdf)
    if not located.any():
        return
    points = gdf.geometry.to_numpy()[located]
    x_all, y_all = shapely.get_x(points), shapely.get_y(points)
    inside = ctx.in_view(x_all, y_all)
    if not inside.any():
        return
    rows = gdf[located][inside]
    x, y = x_all[inside], y_all[inside]
    frame = pd.DataFrame({"sector": column(rows, "sector").to_numpy(), "status": column(rows, "status").to_numpy(),
                          "low": (column(rows, "location_confidence") == "low").to_numpy()})
    frame = frame.fillna({"sector": "", "status": ""})
    size = style.PROJECT_SIZE_PT * 2 * 0.72 * ctx.k  # PROJECT_SIZE_PT is a radius; printed at 72 %
    # Draw the commonest groups first so rare ones stay visible on top.
    groups = frame.groupby(["sector", "status", "low"], sort=False).indices
    for (sector, status, low), idx in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        kw = project_symbol(sector or None, status or None, bool(low))
        ctx.ax.scatter(x[idx], y[idx], s=size ** 2, zorder=9 + (0.1 if not low else 0), clip_on=True, gid="project",
                       **kw)
    ctx.shown.sectors.update(frame["sector"].replace("", None).dropna().to_list())
    ctx.shown.statuses.update(frame["status"].replace("", None).dropna().to_list())
    ctx.shown.low_confidence += int(frame["low"].sum())
    if ctx.label_projects and len(rows) <= 80:
        same_place: dict[tuple[float, float], list[str]] = {}
        for pid, xi, yi in zip(column(rows, "id").to_numpy(), x, y, strict=True):
            if pid:
                same_place.setdefault((round(xi, 0), round(yi, 0)), []).append(nfc(pid))
        for (xi, yi), ids in same_place.items():
            ctx.labels.append(LabelRequest(xi, yi, ", ".join(ids), 5.5 * ctx.k, INK, offset_pt=size / 2 + 1,
                                           priority="project"))


Plotter = Callable[[MapFrame, gpd.GeoDataFrame], None]

# kind code -> plotter of that layer (given Scene.layer(kind)); drawn in this order, bottom to top.
PLOTTERS: dict[str, Plotter] = {
    "neighbour": plot_neighbour,
    "province": plot_province,
    "coastline": plot_coastline,
    "economic_zone": plot_economic_zone,
    "industrial_park": plot_industrial_park,
    "industrial_cluster": plot_industrial_cluster,
    "road": plot_road,
    "border": plot_border,
    "district_seat": plot_district_seat,
    "infrastructure": plot_infrastructure,
    "project": plot_project,
}
