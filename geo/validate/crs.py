"""CRS inference: which CRS (and axis order) places coordinates without one inside the province, and what to say.

Examples
--------
>>> from shapely.geometry import box
>>> refs = References(gpd.GeoSeries([box(106.5, 16.3, 107.5, 17.2)], crs="EPSG:4326"))
>>> suggest_crs(gpd.GeoSeries.from_xy([16.8, 16.7], [107.1, 107.0]), refs)
('EPSG:4326', True)

"""

from __future__ import annotations

import numpy as np

import geopandas as gpd
import shapely
from pyproj import CRS, Transformer

from geo.i18n import t
from geo.readers import CRS_ALIASES, parse_crs
from geo.validate.references import References

__all__ = ["CONTROL_KEYS", "CRS_CANDIDATES", "crs_hint", "crs_name", "suggest_crs"]

# The texts that name where a CRS is given, per surface: the CLI's --crs or the app's CRS box.
CONTROL_KEYS: dict[str, dict[str, str]] = {
    "cli": {"none_fits": "val_crs_none_fits", "name_lonlat": "val_fix_name_lonlat", "add": "val_fix_add_crs",
            "name_xy": "val_fix_name_xy", "wrong": "val_wrong_crs", "check": "val_check_coordinates_crs"},
    "app": {"none_fits": "val_crs_none_fits_app", "name_lonlat": "val_fix_name_lonlat_app",
            "add": "val_fix_add_crs_app", "name_xy": "val_fix_name_xy_app", "wrong": "val_wrong_crs_app",
            "check": "val_check_coordinates_crs_app"},
}

# CRSs tried, in this order, when coordinates come without one (short names of CRS_ALIASES or EPSG codes).
CRS_CANDIDATES: tuple[str, ...] = ("EPSG:4326", "vn2000-utm48", "vn2000-tm3-quangtri", "EPSG:32648")


def crs_name(crs_text: str) -> str:
    """Return the full name of a CRS given by short name or code: "VN-2000 / UTM zone 48N"."""
    return CRS.from_user_input(CRS_ALIASES.get(crs_text, crs_text)).name


def suggest_crs(geoms: gpd.GeoSeries, refs: References, sample: int = 500) -> tuple[str, bool] | None:
    """Return (CRS short name, swapped) under which most ``geoms`` fall inside the province, or None.

    The coordinates are taken as they are in the file (their CRS is ignored); each
    of ``CRS_CANDIDATES`` is tried as it is and with X and Y swapped.
    """
    arr = geoms.to_numpy()
    arr = arr[~(shapely.is_missing(arr) | shapely.is_empty(arr))]
    if len(arr) == 0:
        return None
    step = max(1, len(arr) // sample)
    xy = shapely.get_coordinates(shapely.centroid(arr[::step]))
    xy = xy[np.isfinite(xy).all(axis=1)]
    if len(xy) == 0:
        return None
    outline = refs.buffered_outline
    best: tuple[float, str, bool] | None = None
    for swapped in (False, True):
        x, y = (xy[:, 1], xy[:, 0]) if swapped else (xy[:, 0], xy[:, 1])
        for name in CRS_CANDIDATES:
            crs = parse_crs(name)
            if crs.is_geographic and not ((np.abs(x) <= 180) & (np.abs(y) <= 90)).all():
                continue
            lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(x, y)
            share = float(shapely.contains_xy(outline, np.asarray(lon), np.asarray(lat)).mean())
            if share >= 0.5 and (best is None or share > best[0]):
                best = (share, name, swapped)
    return (best[1], best[2]) if best else None


def crs_hint(geoms: gpd.GeoSeries, mode: str, refs: References, lang: str, control: str = "cli") -> str:
    """Say which CRS to give (``control``: "cli" --crs, "app" the CRS box); ``mode``: lonlat, xy, wkt or vector."""
    keys = CONTROL_KEYS[control]
    guess = suggest_crs(geoms, refs)
    if guess is None:
        return t(keys["none_fits"], lang, names=", ".join(n for n in CRS_ALIASES if n != "wgs84"))
    name, swapped = guess
    if name == "EPSG:4326" and swapped:
        fix = t("val_fix_swap_columns", lang) if mode in ("lonlat", "xy") else t("val_fix_write_lonlat", lang)
        return t("val_crs_latlon", lang, fix=fix)
    if name == "EPSG:4326":
        what = t("val_what_degrees", lang)
        fix = t(keys["name_lonlat"], lang) if mode == "xy" else t(keys["add"], lang, crs="EPSG:4326")
    else:
        what = t("val_what_metres", lang, crs=crs_name(name))
        fix = t(keys["name_xy"], lang, crs=name) if mode == "lonlat" else t(keys["add"], lang, crs=name)
    if swapped:
        return t("val_crs_looks_swapped", lang, what=what, fix=fix)
    return t("val_crs_looks", lang, what=what, fix=fix)
