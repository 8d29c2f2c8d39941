"""What a report draws, in the map CRS: bundled layers, filtered projects, sea and Laos, extents, features."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely
from pyproj import Transformer

from geo import bundled, records
from geo.export.options import MAP_CRS, NEAR_KM, ExportError, ExportOptions
from geo.export.text import nfc
from geo.extra import ExtraLayer
from geo.filters import Filters, apply_filters
from geo.schema import DISTRICTS, ENTITY_KINDS, label

__all__ = [
    "projected", "to_lonlat", "from_lonlat", "located_mask", "sea_polygon", "land_union", "laos_polygon",
    "Scene", "column", "label_text", "build_scene", "pad_extent", "province_extent", "FEATURE_KINDS",
    "find_feature", "district_hull", "feature_extent", "projects_near", "extra_in_map_crs",
]


@cache
def projected(kind: str) -> gpd.GeoDataFrame:
    """Bundled layer ``kind`` in the map CRS (cached; callers must not modify it)."""
    return bundled.load_layer(kind).to_crs(MAP_CRS)


@cache
def to_lonlat() -> Transformer:
    """Transformer from the map CRS to longitude/latitude (cached)."""
    return Transformer.from_crs(MAP_CRS, "EPSG:4326", always_xy=True)


@cache
def from_lonlat() -> Transformer:
    """Transformer from longitude/latitude to the map CRS (cached)."""
    return Transformer.from_crs("EPSG:4326", MAP_CRS, always_xy=True)


def located_mask(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """:func:`geo.records.located` as a numpy mask (rows with a geometry neither missing nor empty)."""
    return records.located(gdf).to_numpy(dtype=bool)


@cache
def sea_polygon() -> shapely.Geometry:
    """Return the sea east of the coastline as a polygon in the map CRS (the base layers have no sea polygon).

    Built from the Natural Earth coastline closed far to the east, widened 3 km landwards
    and cut back to the province and neighbour outlines, so no sliver shows between the
    coarse coastline and the detailed outline.
    """
    far = 300_000.0
    merged = shapely.line_merge(shapely.union_all(projected("coastline").geometry.to_numpy()))
    parts = list(getattr(merged, "geoms", [merged]))
    main = max(parts, key=lambda g: g.length)
    coords = np.asarray(main.coords)[:, :2]
    if coords[0, 1] > coords[-1, 1]:  # run from the south-east end to the north-west end
        coords = coords[::-1]
    (x_s, y_s), (x_n, y_n) = coords[0], coords[-1]
    ring = [*map(tuple, coords), (x_n, y_n + far), (x_s + far, y_n + far), (x_s + far, y_s - far),
            (x_s + 600.0, y_s - far), (x_s + 600.0, y_s)]
    sea = shapely.make_valid(shapely.Polygon(ring)).buffer(3000)
    return sea.difference(land_union())


@cache
def land_union() -> shapely.Geometry:
    """Return the province and its bundled neighbours as one geometry in the map CRS."""
    return shapely.union_all([*projected("province").geometry.to_numpy(),
                              *projected("neighbour").geometry.to_numpy()])


@cache
def laos_polygon() -> shapely.Geometry:
    """Land west of the Viet Nam – Laos border (for its label only), in the map CRS."""
    far = 300_000.0
    line = shapely.line_merge(shapely.union_all(projected("border").geometry.to_numpy()))
    parts = list(getattr(line, "geoms", [line]))
    coords = np.asarray(max(parts, key=lambda g: g.length).coords)[:, :2]
    if coords[0, 1] < coords[-1, 1]:  # run north to south
        coords = coords[::-1]
    (x_n, y_n), (x_s, y_s) = coords[0], coords[-1]
    ring = [*map(tuple, coords), (x_s, y_s - far), (x_n - far, y_s - far), (x_n - far, y_n)]
    return shapely.make_valid(shapely.Polygon(ring)).difference(land_union())


@dataclass
class Scene:
    """Everything one export draws, in the map CRS; shared by the pages of an atlas."""

    lang: str
    options: ExportOptions
    filters: Filters
    projects: gpd.GeoDataFrame  # filtered register, map CRS, unlocated rows kept
    located: np.ndarray  # mask over ``projects``
    x: np.ndarray  # coordinates of the located projects
    y: np.ndarray
    zone_names: dict[str, str]

    def layer(self, kind: str) -> gpd.GeoDataFrame:
        """Layer ``kind`` in the map CRS: the filtered projects for 'project', the options' areas, else the bundled."""
        if kind == "project":
            return self.projects
        areas = self.options.areas
        if areas is not None and kind in bundled.ZONE_KINDS:
            return bundled.split_zones(areas)[kind].to_crs(MAP_CRS)
        return projected(kind)

    @property
    def n_filtered(self) -> int:
        """Number of projects that pass the filters (located or not)."""
        return len(self.projects)


def column(gdf: pd.DataFrame, name: str) -> pd.Series:
    """Column ``name`` as object strings (None where missing)."""
    if name not in gdf:
        return pd.Series([None] * len(gdf), index=gdf.index, dtype=object)
    col = gdf[name].astype(object)
    return col.where(col.notna(), None)


def label_text(row: pd.Series | dict, lang: str) -> str:
    """A feature's name as printed: :func:`geo.records.display_name` in ``lang``, NFC, else its id."""
    return nfc(records.display_name(row, lang) or row.get("id", ""))


def build_scene(projects: gpd.GeoDataFrame, filters: Filters, options: ExportOptions) -> Scene:
    """Filter ``projects`` and bring them into the map CRS, with the zone names in the sheet's language."""
    zones = bundled.load_zones() if options.areas is None else options.areas
    filtered = apply_filters(projects, filters, zones=zones)
    if filtered.crs is None:
        filtered = filtered.set_crs("EPSG:4326")
    located = located_mask(filtered)
    geom = filtered.geometry.copy()
    if located.any():
        pts = geom[located].to_crs(MAP_CRS)
        not_point = (pts.geom_type != "Point").to_numpy()
        if not_point.any():
            pts = pts.where(~not_point, pts.representative_point())
        x, y = shapely.get_x(pts.to_numpy()), shapely.get_y(pts.to_numpy())
        geom = gpd.GeoSeries([None] * len(filtered), index=filtered.index, crs=MAP_CRS)
        geom[located] = pts.to_numpy()
    else:
        x = y = np.zeros(0)
        geom = gpd.GeoSeries([None] * len(filtered), index=filtered.index, crs=MAP_CRS)
    out = gpd.GeoDataFrame(filtered.drop(columns=filtered.geometry.name), geometry=geom, crs=MAP_CRS)
    zone_names = {r["id"]: label_text(r, options.lang) for r in zones.to_dict("records")}
    return Scene(options.lang, options, filters, out, located, np.asarray(x, float), np.asarray(y, float),
                 zone_names)


def pad_extent(bounds: Sequence[float], frac: float, min_half: float) -> tuple[float, float, float, float]:
    """Grow ``bounds`` by ``frac`` of its size around its centre, to at least ``min_half`` each side."""
    x0, y0, x1, y1 = (float(v) for v in bounds)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    hw = max((x1 - x0) / 2 * (1 + frac), min_half)
    hh = max((y1 - y0) / 2 * (1 + frac), min_half)
    return cx - hw, cy - hh, cx + hw, cy + hh


def province_extent() -> tuple[float, float, float, float]:
    """Bounds of the province (with Cồn Cỏ) in the map CRS, with a small margin."""
    return pad_extent(projected("province").total_bounds, 0.05, 0)


# Kinds whose features a sheet can zoom to by id (the fact sheet's entities; projects are looked up separately).
FEATURE_KINDS: tuple[str, ...] = tuple(k for k in ENTITY_KINDS if k != "project")


def find_feature(feature_id: str, scene: Scene, projects: gpd.GeoDataFrame) -> tuple[str, dict]:
    """Return (kind, record in the map CRS) of the feature ``feature_id``; ValueError if unknown."""
    for kind in FEATURE_KINDS:
        layer = projected(kind)
        hit = layer[layer["id"] == feature_id]
        if len(hit):
            return kind, hit.iloc[0].to_dict()
    if "id" in projects:
        hit = projects[projects["id"].astype(str) == feature_id]
        if len(hit):
            one = hit.iloc[[0]]
            one = one.set_crs("EPSG:4326") if one.crs is None else one
            geom = one.geometry.iloc[0]
            rec = one.iloc[0].to_dict()
            rec["geometry"] = None if geom is None or geom.is_empty else one.to_crs(MAP_CRS).geometry.iloc[0]
            return "project", rec
    if feature_id in {d.code for d in DISTRICTS}:
        return "district", {"id": feature_id, "name_vi": label("district", feature_id, "vi"),
                            "name_en": label("district", feature_id, "en"), "geometry": district_hull(feature_id,
                                                                                                      scene)}
    raise ExportError("export_unknown_extent", value=repr(feature_id))


def district_hull(code: str, scene: Scene) -> shapely.Geometry | None:
    """Return the district's located entities (seat, zones, infrastructure, filtered projects) as one geometry."""
    parts = []
    for kind in FEATURE_KINDS:
        layer = projected(kind)
        sel = layer[(column(layer, "district") == code).to_numpy() & located_mask(layer)]
        parts.extend(sel.geometry.to_numpy())
    if len(scene.x):
        mask = (column(scene.projects, "district") == code).to_numpy()[scene.located]
        if mask.any():
            parts.append(shapely.multipoints(np.column_stack([scene.x[mask], scene.y[mask]])))
    return shapely.union_all(parts) if parts else None


def feature_extent(geom: shapely.Geometry, kind: str) -> tuple[float, float, float, float]:
    """Extent of a sheet zoomed to ``geom`` (points get a frame that holds their search circle)."""
    if geom.geom_type == "Point":
        return pad_extent(geom.bounds, 0, NEAR_KM * 1000 * 1.35)
    return pad_extent(geom.bounds, 0.35 if kind != "district" else 0.15, 4000)


def projects_near(scene: Scene, feature_id: str, geom: shapely.Geometry | None, kind: str) -> gpd.GeoDataFrame:
    """Return the filtered projects of an atlas page: in the polygon, with its zone_id, or near the point."""
    projects = scene.projects
    if kind == "district":
        return projects[(column(projects, "district") == feature_id).to_numpy()]
    mask = np.array(column(projects, "zone_id") == feature_id, dtype=bool)
    if geom is not None and len(scene.x):
        area = geom if geom.geom_type in ("Polygon", "MultiPolygon") else geom.buffer(NEAR_KM * 1000)
        inside = shapely.contains_xy(area, scene.x, scene.y)
        idx = np.flatnonzero(scene.located)[inside]
        mask[idx] = True
    return projects[mask]


def extra_in_map_crs(extra: ExtraLayer) -> gpd.GeoDataFrame:
    """The located records of an uploaded layer in the map CRS, as its kind's plotter takes them.

    Projects become points (a footprint's representative point, as for the register); the other
    kinds keep their geometry.
    """
    gdf = extra.located.to_crs(MAP_CRS)
    if extra.kind == "project" and len(gdf):
        not_point = (gdf.geom_type != "Point").to_numpy()
        if not_point.any():
            gdf = gdf.set_geometry(gdf.geometry.where(~not_point, gdf.geometry.representative_point()))
    return gdf.reset_index(drop=True)
