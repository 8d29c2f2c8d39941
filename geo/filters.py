"""Filtering the project register: one pure implementation for the app, the exports and the CLI.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> gdf = gpd.GeoDataFrame({"id": ["a", "b"], "name_vi": ["Nhà máy Quán Ngang", "Trạm B"],
...     "sector": ["processing", "electricity"], "status": ["operating", "planned"]},
...     geometry=[Point(107.1, 16.88), Point(107.0, 16.8)], crs="EPSG:4326")
>>> list(apply_filters(gdf, Filters(query="quan ngang"))["id"])
['a']
>>> list(apply_filters(gdf, Filters(sectors=("electricity",)))["id"])
['b']
>>> Filters.from_query_params({"sector": "electricity,bogus", "q": "đông hà"}).to_query_params()
{'sector': 'electricity', 'q': 'đông hà'}
>>> old = Filters.from_query_params({"years": "2004-2011"})  # links from before the year state
>>> old.year, old.legacy_years, old.to_query_params()
(2011, '2004-2011', {'year': '2011'})

"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

import geopandas as gpd

from geo.i18n import t
from geo.records import located
from geo.schema import codes, fold, label
from geo.timeline import registered_by

__all__ = [
    "SEARCH_COLUMN", "SEARCH_FIELDS", "Filters", "apply_filters", "filter_mask", "fold_series", "search_index",
    "with_search_index",
]

SEARCH_FIELDS: tuple[str, ...] = ("name_vi", "name_en", "investor", "subsector")
SEARCH_COLUMN = "_search"


@dataclass(frozen=True)
class Filters:
    """A set of filters; empty tuples and None mean "no restriction"."""

    sectors: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()  # ids of parks, economic zones or clusters
    year: int | None = None  # the state in this year (None: the latest); see geo.timeline.state_in_year
    query: str = ""
    _unknown: tuple[str, ...] = field(default=(), compare=False, repr=False)
    _legacy_years: str = field(default="", compare=False, repr=False)

    def is_empty(self) -> bool:
        """True when no filter restricts the register."""
        return not (self.sectors or self.statuses or self.districts or self.zones or self.year is not None
                    or self.query)

    @property
    def ignored(self) -> tuple[str, ...]:
        """Query-parameter values that were not known codes and were ignored."""
        return self._unknown

    @property
    def legacy_years(self) -> str:
        """The ``years=A-B`` range of an old link that this filter's ``year`` (B) replaced, else ''."""
        return self._legacy_years

    def to_query_params(self) -> dict[str, str]:
        """Return the URL query parameters that restore these filters."""
        params: dict[str, str] = {}
        for key, values in (("sector", self.sectors), ("status", self.statuses),
                            ("district", self.districts), ("zone", self.zones)):
            if values:
                params[key] = ",".join(values)
        if self.year is not None:
            params["year"] = str(self.year)
        if self.query:
            params["q"] = self.query
        return params

    @classmethod
    def from_query_params(cls, params: Mapping[str, str | list[str]], zone_ids: tuple[str, ...] = ()) -> Filters:
        """Build filters from URL query parameters, ignoring (and remembering) unknown codes.

        ``zone_ids`` lists the valid zone ids; when empty, any zone id is accepted.
        ``year=Y`` gives the state in year Y; an old link's ``years=A-B`` range is read as
        ``year=B`` (and kept in :attr:`legacy_years`, so the caller can say so).
        """
        unknown: list[str] = []

        def pick(key: str, allowed: list[str] | tuple[str, ...]) -> tuple[str, ...]:
            raw = params.get(key, "")
            raw = ",".join(raw) if isinstance(raw, list) else raw
            out = []
            for value in (v.strip() for v in raw.split(",")):
                if not value:
                    continue
                if allowed and value not in allowed:
                    unknown.append(f"{key}={value}")
                elif value not in out:
                    out.append(value)
            return tuple(out)

        def first(key: str) -> str:
            raw = params.get(key, "")
            return (raw[0] if raw else "") if isinstance(raw, list) else raw

        year, legacy = None, ""
        if raw_year := first("year").strip():
            try:
                year = int(raw_year)
            except ValueError:
                unknown.append(f"year={raw_year}")
        if raw_years := first("years").strip():
            try:
                bounds = [int(x) for x in raw_years.split("-", 1)]
            except ValueError:
                unknown.append(f"years={raw_years}")
            else:
                if year is None and not raw_year:
                    year, legacy = max(bounds), raw_years
                else:  # a link with both: year= wins
                    unknown.append(f"years={raw_years}")
        return cls(pick("sector", codes("sector")), pick("status", codes("status")),
                   pick("district", codes("district")), pick("zone", zone_ids), year, first("q").strip(),
                   tuple(unknown), legacy)

    def describe(self, lang: str = "vi", zone_names: Mapping[str, str] | None = None) -> str:
        """Return a one-line human description (used as the subtitle of report maps)."""
        parts = []
        if self.sectors:
            parts.append(f"{t('filter_sector', lang)}: " + ", ".join(label("sector", c, lang) for c in self.sectors))
        if self.statuses:
            parts.append(f"{t('filter_status', lang)}: " + ", ".join(label("status", c, lang) for c in self.statuses))
        if self.districts:
            parts.append(f"{t('filter_district', lang)}: "
                         + ", ".join(label("district", c, lang) for c in self.districts))
        if self.zones:
            names = zone_names or {}
            parts.append(f"{t('filter_zone', lang)}: " + ", ".join(names.get(z, z) for z in self.zones))
        if self.year is not None:
            parts.append(t("describe_year", lang, year=self.year))
        if self.query:
            parts.append(f"“{self.query}”")
        return " · ".join(parts) if parts else t("report_all_projects", lang)

    def with_(self, **changes: object) -> Filters:
        """Return a copy with ``changes`` applied."""
        return replace(self, **changes)


# Written with the characters themselves (no ``\u`` escape, no ``\s``) so that pandas hands them to pyarrow's RE2
# rather than going cell by cell in Python: combining marks, and "_", "-" or any character Python's ``\s`` matches.
_COMBINING = "[\u0300-\u036f]"
_BREAKS = "[_\\-" + "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + "]+"


def fold_series(values: pd.Series) -> pd.Series:
    """Vectorised :func:`geo.schema.fold` over a Series of strings (None becomes '').

    Each distinct value is folded once (an investor, a subsector or a district repeats over many rows).
    """
    codes, distinct = pd.factorize(values.fillna("").astype(str))
    s = pd.Series(distinct).str.replace("đ", "d").str.replace("Đ", "D")
    s = s.str.normalize("NFD").str.replace(_COMBINING, "", regex=True).str.lower()
    folded = s.str.replace(_BREAKS, " ", regex=True)
    return pd.Series(folded.to_numpy()[codes], index=values.index, dtype=folded.dtype)


def search_index(gdf: pd.DataFrame) -> pd.Series:
    """Return the folded text that free-text search matches against, one string per row."""
    cols = [c for c in SEARCH_FIELDS if c in gdf.columns]
    if not cols:
        return pd.Series("", index=gdf.index)
    text = fold_series(gdf[cols[0]])
    for c in cols[1:]:
        text = text + " | " + fold_series(gdf[c])
    return text


def with_search_index(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return ``gdf`` with the search column precomputed (do this once, after loading)."""
    out = gdf.copy(deep=False)  # copy-on-write: the new column is the only new data
    out[SEARCH_COLUMN] = search_index(out)
    return out


def _in_zones(projects: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, zone_ids: tuple[str, ...]) -> np.ndarray:
    """Mask of projects that name one of ``zone_ids`` or lie inside its geometry."""
    if "zone_id" in projects:
        mask = np.array(projects["zone_id"].isin(zone_ids).to_numpy(), dtype=bool)
    else:
        mask = np.zeros(len(projects), dtype=bool)
    chosen = zones[zones["id"].isin(zone_ids) & located(zones)]
    chosen = chosen[chosen.geom_type.isin(["Polygon", "MultiPolygon"])]
    if len(chosen) and located(projects).any():
        hits = projects.sindex.query(chosen.geometry, predicate="intersects")[1]
        mask[np.unique(hits)] = True
    return mask


def apply_filters(projects: gpd.GeoDataFrame, filters: Filters,
                  zones: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Return the rows of ``projects`` that pass every filter (order and columns kept).

    ``zones`` (parks, economic zones and clusters with an ``id`` column) is needed for
    the zone filter to use geometry; without it only the ``zone_id`` field is used. With
    it, a search that names a zone ("quan ngang") also finds the projects in that zone.
    """
    return projects[filter_mask(projects, filters, zones)]


def filter_mask(projects: gpd.GeoDataFrame, filters: Filters, zones: gpd.GeoDataFrame | None = None,
                haystack: pd.Series | None = None) -> np.ndarray:
    """The boolean mask (one per row of ``projects``) of :func:`apply_filters`, without copying the rows.

    ``haystack``: the rows' search text (:func:`search_index`), where the caller keeps it apart from the rows (the
    app makes it on the first text search); else the rows' search column, else it is made here.

    >>> import pandas as pd
    >>> filter_mask(pd.DataFrame({"sector": ["electricity", "mining"]}), Filters(sectors=("mining",))).tolist()
    [False, True]
    """
    mask = np.ones(len(projects), dtype=bool)
    for column, wanted in (("sector", filters.sectors), ("status", filters.statuses),
                           ("district", filters.districts)):
        if wanted:
            mask &= projects[column].isin(wanted).to_numpy() if column in projects else False
    if filters.zones:
        if zones is None:
            mask &= projects["zone_id"].isin(filters.zones).to_numpy() if "zone_id" in projects else False
        else:
            mask &= _in_zones(projects, zones, filters.zones)
    if filters.year is not None:
        mask &= registered_by(projects, filters.year)
    if filters.query:
        needle = fold(filters.query)
        if haystack is None:
            haystack = projects[SEARCH_COLUMN] if SEARCH_COLUMN in projects else search_index(projects)
        found = haystack.str.contains(needle, regex=False).to_numpy()
        if zones is not None and len(zones) and needle:  # a park or zone found by name brings its projects
            named = search_index(zones).str.contains(needle, regex=False).to_numpy()
            if named.any():
                found = found | _in_zones(projects, zones, tuple(zones.loc[named, "id"]))
        mask &= found
    return mask
