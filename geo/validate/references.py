"""The reference data a file is checked against (province outline, zone ids, source keys), given by the caller.

The validator never loads the bundled data itself: :func:`geo.register.bundled_references`
builds a :class:`References` from data/, a test can build one from anything.

Examples
--------
>>> from shapely.geometry import box
>>> refs = References(gpd.GeoSeries([box(107.0, 16.7, 107.2, 16.9)], crs="EPSG:4326"), frozenset({"ip_a"}))
>>> inside_province(gpd.GeoSeries.from_xy([107.1, 105.8], [16.8, 21.0], crs="EPSG:4326"), refs).tolist()
[True, False]

"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

import geopandas as gpd
import shapely

__all__ = ["METRIC_CRS", "OUTLINE_NOISE_M", "OUTSIDE_WARNING_KM", "PROVINCE_BUFFER_M", "References", "inside_province",
           "km_from_province"]

PROVINCE_BUFFER_M = 2_000  # CRS guessing: coordinates this close to the outline count as inside
# A location outside the province outline by up to this distance is a warning (usable, said with its distance:
# a boundary traced at 1:100,000, a port on the shore, a factory across a district line); farther, an error.
OUTSIDE_WARNING_KM = 5
OUTLINE_NOISE_M = 1  # floating-point noise of shapes clipped to the outline (0.1 m seen): not "outside"
METRIC_CRS = "EPSG:3405"  # VN-2000 / UTM zone 48N, for distances


@dataclass(frozen=True, eq=False)
class References:
    """What a file is checked against.

    Attributes
    ----------
    province
        The province outline (any number of parts, any CRS): locations must lie
        inside it, buffered by ``PROVINCE_BUFFER_M``.
    zone_ids
        Ids of the known parks, zones and clusters (a project's ``zone_id``).
    source_keys
        Keys of the known sources (``sources`` cells, checked in strict mode).

    """

    province: gpd.GeoSeries
    zone_ids: frozenset[str] = frozenset()
    source_keys: frozenset[str] = frozenset()

    @cached_property
    def metric_outline(self) -> shapely.Geometry:
        """The province as one geometry in ``METRIC_CRS``, prepared."""
        metric = self.province.to_crs(METRIC_CRS).union_all()
        shapely.prepare(metric)
        return metric

    @cached_property
    def exact_outline(self) -> shapely.Geometry:
        """The province in ``METRIC_CRS``, grown by ``OUTLINE_NOISE_M`` only (footprints clipped to it stay in)."""
        outline = self.metric_outline.buffer(OUTLINE_NOISE_M)
        shapely.prepare(outline)
        return outline

    @cached_property
    def buffered_outline(self) -> shapely.Geometry:
        """The province buffered by ``PROVINCE_BUFFER_M``, in EPSG:4326, prepared."""
        buffered = gpd.GeoSeries([self.metric_outline.buffer(PROVINCE_BUFFER_M)], crs=METRIC_CRS)
        outline = buffered.to_crs("EPSG:4326").iloc[0]
        shapely.prepare(outline)
        return outline


def inside_province(geoms: gpd.GeoSeries, refs: References, buffer_m: float = PROVINCE_BUFFER_M) -> np.ndarray:
    """Return, per EPSG:4326 geometry, whether it lies inside the province outline (buffered by ``buffer_m``)."""
    arr = geoms.to_numpy()
    ok = np.zeros(len(arr), bool)
    present = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    if not buffer_m:
        metric = gpd.GeoSeries(arr[present], crs=geoms.crs or "EPSG:4326").to_crs(METRIC_CRS).to_numpy()
        ok[present] = shapely.covers(refs.exact_outline, metric)
        return ok
    ok[present] = shapely.covers(refs.buffered_outline, arr[present])
    return ok


def km_from_province(geoms: gpd.GeoSeries, refs: References) -> np.ndarray:
    """Return the distance in km of EPSG:4326 geometries from the province outline."""
    with np.errstate(invalid="ignore"):
        return shapely.distance(refs.metric_outline, geoms.to_crs(METRIC_CRS).to_numpy()) / 1000
