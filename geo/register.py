"""The project register: the bundled one or a validated file, and the bundled reference data validation needs.

This is where the bundled data (:mod:`geo.bundled`) meets the validator
(:mod:`geo.validate`); neither imports the other.

Examples
--------
>>> refs = bundled_references()
>>> len(refs.province), "KL11" in refs.source_keys
(1, True)

"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import geopandas as gpd

from geo.bundled import load_layer, load_sources, zone_ids
from geo.filters import with_search_index
from geo.i18n import DEFAULT_LANG
from geo.validate import References, validate_file

__all__ = ["bundled_references", "load_register"]


@cache
def bundled_references() -> References:
    """Return the bundled province outline, park/zone/cluster ids and source keys (loaded once)."""
    return References(load_layer("province").geometry, frozenset(zone_ids()), frozenset(load_sources()))


def load_register(path: str | Path | None = None, crs: str | None = None, index: bool = True,
                  lang: str = DEFAULT_LANG) -> gpd.GeoDataFrame:
    """Return the project register: the bundled one, or the file at ``path`` if valid.

    ``index`` precomputes the text-search column (the app filters many times; a
    one-off export without a text query does not need it). Raises ValueError with
    the validator's report (one line per problem, in ``lang``) when the file has
    problems: nothing is loaded partially.
    """
    if path is None:
        data = load_layer("project")
    else:
        report = validate_file(path, kind="project", crs=crs, references=bundled_references(), lang=lang)
        if report.exit_code != 0:
            raise ValueError("\n".join(report.lines()))
        data = report.data
    return with_search_index(data) if index else data
