"""Checks of where records are: coordinate cells, a known CRS, degree ranges, swaps, the province, geometry."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely
from shapely.validation import explain_validity

from geo.i18n import fmt_number, t
from geo.readers import parse_crs, parse_numbers, text_values
from geo.schema import BASE_KINDS
from geo.validate.context import Context
from geo.validate.crs import CONTROL_KEYS, crs_hint, suggest_crs
from geo.validate.references import OUTSIDE_WARNING_KM, inside_province, km_from_province
from geo.validate.report import kind_name

__all__ = ["check_coordinate_text", "check_crs_known", "check_geometry", "check_location", "geos_reason"]

# GEOS's reasons for invalid geometry, said in the user's language (others are shown as GEOS gives them).
_GEOS_KEYS = {
    "Self-intersection": "val_geos_self_intersection",
    "Ring Self-intersection": "val_geos_ring_self_intersection",
    "Too few points in geometry component": "val_geos_too_few_points",
    "Hole lies outside shell": "val_geos_hole_outside",
    "Holes are nested": "val_geos_nested_holes",
    "Interior is disconnected": "val_geos_disconnected",
    "Nested shells": "val_geos_nested_shells",
    "Duplicate Rings": "val_geos_duplicate_rings",
    "Invalid Coordinate": "val_geos_invalid_coordinate",
    "Ring is not closed": "val_geos_not_closed",
}


def _source_numbers(c: Context) -> tuple[str, str, pd.Series, pd.Series] | None:
    coords = c.layer.coords
    if not coords or coords[0] == "wkt":
        return None
    _, xcol, ycol = coords
    return xcol, ycol, text_values(c.frame[xcol]), text_values(c.frame[ycol])


def check_coordinate_text(c: Context) -> None:
    """Check the coordinate cells of a table (WKT, numbers, both or neither); mark the rows reported as bad."""
    coords = c.layer.coords
    if coords and coords[0] == "wkt":
        text = text_values(c.frame[coords[1]])
        bad = (text != "").to_numpy() & c.layer.source_geometry.isna().to_numpy()
        c.add_rows(bad, coords[1], text, t("val_bad_wkt", c.lang))
        c.bad |= bad
        return
    parts = _source_numbers(c)
    if parts is None:
        return
    xcol, ycol, xt, yt = parts
    degrees = coords[0] == "lonlat" or c.layer.source_geometry.crs is not None and \
        c.layer.source_geometry.crs.is_geographic
    example = t("val_example_degrees" if degrees else "val_example_metres", c.lang)
    bad = np.zeros(len(c.frame), bool)
    for col, text, other, other_text in ((xcol, xt, ycol, yt), (ycol, yt, xcol, xt)):
        empty = ((text == "") & (other_text != "")).to_numpy()
        c.add_rows(empty, col, text, t("val_half_location", c.lang, col=col, other=other))
        unparsed = ((text != "") & parse_numbers(text).isna()).to_numpy()
        c.add_rows(unparsed, col, text, t("val_coordinate_nan", c.lang, example=example))  # both columns
        bad |= empty | unparsed
    c.bad |= bad


def check_crs_known(c: Context) -> None:
    """Coordinates whose CRS is unknown (X/Y without --crs, a shapefile without .prj): say which CRS fits."""
    layer = c.layer
    source = layer.source_geometry.to_numpy()
    in_file = ~(shapely.is_missing(source) | shapely.is_empty(source))
    if layer.crs_origin != "unknown" or not in_file.any():
        return
    if layer.coords and layer.coords[0] == "xy":
        what = t("val_what_xy_named", c.lang, x=repr(layer.coords[1]), y=repr(layer.coords[2]))
    elif layer.driver in ("CSV", "XLSX"):
        what = t("val_what_xy_columns", c.lang)
    elif layer.driver == "ESRI Shapefile":
        what = t("val_what_shapefile", c.lang)
    else:
        what = t("val_the_coordinates", c.lang)
    c.add(None, None, None, t("val_no_crs", c.lang, what=what,
                              hint=crs_hint(layer.source_geometry, c.mode, c.refs, c.lang, c.control)))
    c.bad |= in_file


def _swap(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    return gpd.GeoSeries(shapely.transform(geoms.to_numpy(), lambda xy: xy[:, ::-1]), crs=geoms.crs)


def _not_degrees(source: gpd.GeoSeries) -> np.ndarray:
    """Return, per geometry, whether any coordinate lies outside lon −180..180, lat −90..90."""
    b = shapely.bounds(source.to_numpy())
    with np.errstate(invalid="ignore"):
        return (np.abs(b[:, [0, 2]]) > 180).any(axis=1) | (np.abs(b[:, [1, 3]]) > 90).any(axis=1)


def _outside_message(c: Context, i: int, swapped: bool, km: float) -> tuple[str, str | None, str]:
    """Return (field, value, message) for record ``i``, which lies more than OUTSIDE_WARNING_KM outside."""
    mode, crs, lang = c.mode, c.layer.source_geometry.crs, c.lang
    parts = _source_numbers(c)
    fld, value = (f"{parts[0]}/{parts[1]}", f"{parts[2].iloc[i]}, {parts[3].iloc[i]}") if parts else ("geometry", None)
    if swapped and mode == "lonlat":
        return fld, value, t("val_lonlat_swapped", lang, x=parts[0], y=parts[1])
    if swapped and mode == "xy":
        return fld, value, t("val_xy_swapped", lang, crs=crs.name, x=parts[0], y=parts[1])
    if swapped:
        return fld, value, t("val_positions_swapped", lang)
    if crs.is_geographic and _not_degrees(c.layer.source_geometry.iloc[[i]])[0]:
        if parts and mode == "lonlat":
            xv = parse_numbers(parts[2].iloc[[i]]).iloc[0]
            col, val, limits = (parts[0], parts[2].iloc[i], "−180..180") if abs(xv) > 180 \
                else (parts[1], parts[3].iloc[i], "−90..90")
            return col, val, t("val_out_of_range", lang, col=col, limits=limits)
        return fld, value, t("val_not_degrees", lang)
    dist = t("val_km_about", lang, km=fmt_number(km, lang, digits=0)) if np.isfinite(km) and km >= 1 \
        else t("val_km_less", lang)
    with_crs = mode == "xy" or c.layer.crs_origin == "argument"
    check = t(CONTROL_KEYS[c.control]["check"] if with_crs else "val_check_coordinates", lang)
    return fld, value, t("val_outside", lang, dist=dist, check=check)


def _near_message(c: Context, i: int, km: float) -> tuple[str, str | None, str]:
    """Return (field, value, message) for record ``i``, ``km`` (≤ OUTSIDE_WARNING_KM) outside the province."""
    parts = _source_numbers(c)
    fld, value = (f"{parts[0]}/{parts[1]}", f"{parts[2].iloc[i]}, {parts[3].iloc[i]}") if parts else ("geometry", None)
    shown = fmt_number(max(km, 0.1), c.lang, digits=1)
    return fld, value, t("val_near_outside", c.lang, km=shown, tolerance=OUTSIDE_WARNING_KM)


def check_location(c: Context) -> None:
    """Check degree ranges, swaps and the province outline, for located records whose CRS is known."""
    if c.layer.crs_origin == "unknown":
        return
    source = c.layer.source_geometry
    todo = c.located & ~c.bad
    if not todo.any():
        return
    out_of_range = todo & _not_degrees(source) if source.crs.is_geographic else np.zeros(len(source), bool)
    if out_of_range.sum() > todo.sum() / 2 and c.layer.crs_origin != "argument":
        parts = _source_numbers(c)
        what = t("val_columns_pair", c.lang, x=repr(parts[0]), y=repr(parts[1])) if parts \
            else t("val_the_coordinates", c.lang)
        c.add(None, None, None, t("val_not_degrees_many", c.lang, what=what, rows=c.rows_text(out_of_range),
                                  hint=crs_hint(source[out_of_range], c.mode, c.refs, c.lang, c.control)))
        todo &= ~out_of_range
        out_of_range[:] = False
    if c.kind.code in BASE_KINDS:  # base layers reach beyond the province: only their coordinates are checked
        outside = out_of_range
    else:
        inside = np.zeros(len(source), bool)
        inside[todo] = inside_province(c.frame.geometry[todo], c.refs, buffer_m=0)
        outside = todo & ~inside
    if not outside.any():
        return
    idx = np.flatnonzero(outside)
    km = km_from_province(c.frame.geometry.iloc[idx], c.refs)
    near = np.isfinite(km) & (km <= OUTSIDE_WARNING_KM) & ~out_of_range[idx]
    for j in np.flatnonzero(near):  # usable, worth a look: said with its distance, never silently accepted
        c.add(int(idx[j]), *_near_message(c, int(idx[j]), float(km[j])), warning=True)
    outside[idx[near]] = False
    idx = idx[~near]
    if not len(idx):
        return
    km = km[~near]
    swapped = inside_province(_swap(source.iloc[idx]).to_crs("EPSG:4326"), c.refs)
    for j, i in enumerate(idx):
        c.add(int(i), *_outside_message(c, int(i), bool(swapped[j]), float(km[j])))
    elsewhere = outside.copy()
    elsewhere[idx[swapped]] = False
    if c.layer.crs_origin == "argument" and elsewhere.sum() > todo.sum() / 2:
        guess = suggest_crs(source[outside], c.refs)
        if guess and parse_crs(guess[0]) != source.crs:
            c.add(None, None, None, t(CONTROL_KEYS[c.control]["wrong"], c.lang, crs=source.crs.name,
                                      hint=crs_hint(source[outside], c.mode, c.refs, c.lang, c.control)))


def geos_reason(reason: str, lang: str) -> str:
    """Say GEOS's reason for an invalid geometry in ``lang``, with the place as lon/lat.

    >>> geos_reason("Self-intersection[107.11 16.81]", "vi")
    'tự cắt tại lon 107.110000, lat 16.810000'
    """
    m = re.match(r"(.*?)\[\s*(\S+) (\S+)\s*\]", reason)
    what = m.group(1) if m else reason
    what = t(_GEOS_KEYS[what], lang) if what in _GEOS_KEYS else what
    if not m:
        return what
    return t("val_geos_at", lang, what=what, lon=f"{float(m.group(2)):.6f}", lat=f"{float(m.group(3)):.6f}")


def check_geometry(c: Context) -> None:
    """Valid geometry (GEOS's reason and place), of a type the kind allows."""
    if c.layer.crs_origin == "unknown":
        return
    located = c.located
    geoms = c.frame.geometry
    arr = geoms.to_numpy()
    invalid = located & ~shapely.is_valid(np.where(located, arr, None))
    for i in np.flatnonzero(invalid):
        c.add(int(i), "geometry", None, t("val_invalid_geometry", c.lang,
                                          reason=geos_reason(explain_validity(arr[i]), c.lang)))
    allowed = c.kind.geometry
    types = geoms.geom_type.to_numpy()
    wrong = located & ~np.isin(types, allowed)
    key = "val_wrong_geometry_point" if allowed == ("Point",) else "val_wrong_geometry"
    kind = c.kind.en.lower() if c.lang == "en" else kind_name(c.kind.code, c.lang)
    if allowed == ("Point",):
        sites = np.where(types == "MultiPoint", shapely.get_num_geometries(np.where(located, arr, None)), 0)
        multi = wrong & (sites > 1)
        control = t("val_multi_control_app" if c.control == "app" else "val_multi_control_cli", c.lang)
        for i in np.flatnonzero(multi):
            c.add(int(i), "geometry", None, t("val_multi_sites", c.lang, n=int(sites[i]), kind=kind, control=control))
        wrong &= ~multi
    for i in np.flatnonzero(wrong):
        c.add(int(i), "geometry", None, t(key, c.lang, type=types[i], kind=kind,
                                          allowed=f" {t('val_or', c.lang)} ".join(allowed)))
