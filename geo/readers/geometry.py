"""Geometry as it comes: one-point MultiPoints become points; multi-site records become what the user chose.

:func:`normalise_geometry` works on a layer as read (before validation), on the
placed geometry and on the geometry in the file's own coordinates alike, and
adds a note for each change. ``MULTI_CHOICES`` are the choices for a record with
several sites: its first site, the centroid of its sites, or one record per site
(ids get ``-1``, ``-2``, ... and the rows repeat).

Examples
--------
>>> from shapely.geometry import MultiPoint
>>> split_sites(MultiPoint([(107.0, 16.8), (107.5, 16.9)]), "centroid").wkt
'POINT (107.25 16.85)'

"""

from __future__ import annotations

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from geo.readers.messages import Message

__all__ = ["MULTI_CHOICES", "normalise_geometry", "site_counts", "split_sites"]

MULTI_CHOICES: tuple[str, ...] = ("first", "centroid", "explode")


def site_counts(geoms: np.ndarray) -> np.ndarray:
    """Return, per geometry, the number of points of a MultiPoint (0 for anything else)."""
    types = shapely.get_type_id(geoms)
    return np.where(types == shapely.GeometryType.MULTIPOINT, shapely.get_num_geometries(geoms), 0)


def split_sites(geom: shapely.Geometry, multi: str) -> shapely.Geometry:
    """Return the first site or the centroid of a MultiPoint."""
    return shapely.get_geometry(geom, 0) if multi == "first" else shapely.centroid(geom)


def _apply(arr: np.ndarray, mask: np.ndarray, fn) -> np.ndarray:
    out = arr.copy()
    out[mask] = [fn(g) for g in arr[mask]]
    return out


def normalise_geometry(layer, multi: str | None = None):
    """Make one-point MultiPoints points; apply ``multi`` (see ``MULTI_CHOICES``) to multi-site records.

    ``layer`` is a :class:`geo.readers.RawLayer` (not imported here: the package imports this module).
    """
    placed = layer.frame.geometry.to_numpy()
    source = layer.source_geometry.to_numpy()
    counts = site_counts(np.where(pd.isna(source), None, source))
    single = counts == 1
    if single.any():
        first = lambda g: shapely.get_geometry(g, 0)  # noqa: E731
        layer.frame = layer.frame.set_geometry(gpd.GeoSeries(_apply(placed, single, first), crs=layer.frame.crs))
        layer.source_geometry = gpd.GeoSeries(_apply(source, single, first), crs=layer.source_geometry.crs)
        layer.notes.append(Message("rd_single_multipoint", {"n": int(single.sum())}))
    several = counts > 1
    if multi is None or not several.any():
        return layer
    if multi not in MULTI_CHOICES:
        raise ValueError(f"multi must be one of {', '.join(MULTI_CHOICES)}")
    placed, source = layer.frame.geometry.to_numpy(), layer.source_geometry.to_numpy()  # one-point ones done
    if multi in ("first", "centroid"):
        layer.frame = layer.frame.set_geometry(gpd.GeoSeries(
            _apply(placed, several, lambda g: split_sites(g, multi)), crs=layer.frame.crs))
        layer.source_geometry = gpd.GeoSeries(_apply(source, several, lambda g: split_sites(g, multi)),
                                              crs=layer.source_geometry.crs)
    else:
        repeat = np.where(several, counts, 1)
        idx = np.repeat(np.arange(len(counts)), repeat)
        part = np.concatenate([np.arange(n) for n in repeat])

        def explode(arr: np.ndarray) -> np.ndarray:
            pairs = zip(idx, part, strict=True)
            return np.array([shapely.get_geometry(arr[i], k) if several[i] else arr[i] for i, k in pairs], dtype=object)

        frame = layer.frame.iloc[idx].reset_index(drop=True)
        if "id" in frame.columns:
            ids = frame["id"].astype(object).to_numpy()
            suffix = np.where(several[idx], [f"-{k + 1}" for k in part], "")
            pairs = zip(ids, suffix, strict=True)
            frame["id"] = [f"{v}{s}" if s and isinstance(v, str) and v else v for v, s in pairs]
        layer.frame = frame.set_geometry(gpd.GeoSeries(explode(placed), crs=layer.frame.crs))
        layer.source_geometry = gpd.GeoSeries(explode(source), crs=layer.source_geometry.crs)
        layer.rows = layer.rows[idx]
    layer.notes.append(Message(f"rd_multi_{multi}", {"n": int(several.sum()), "sites": int(counts[several].sum())}))
    return layer
