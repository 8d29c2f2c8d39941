"""Statistics of the (filtered) register, and the dataset against the conclusion's reported figures.

Examples
--------
>>> import geopandas as gpd
>>> gdf = gpd.GeoDataFrame({"sector": ["water", "water", "mining"]}, geometry=[None] * 3)
>>> count_by(gdf, "sector", "en").to_dict("records")[0]
{'code': 'mining', 'label': 'Mining and minerals', 'count': 1}

"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

import geopandas as gpd

from geo.filters import Filters, apply_filters
from geo.i18n import t
from geo.records import display_name, located
from geo.schema import KINDS, VOCABULARIES, label

__all__ = ["UNIT_KEYS", "count_by", "count_by_zone", "indicators", "reported_vs_dataset", "unit_label", "unlocated"]


def count_by(projects: pd.DataFrame, column: str, lang: str) -> pd.DataFrame:
    """Counts per code of vocabulary ``column``, in vocabulary order, zero counts left out."""
    counts = projects[column].value_counts() if column in projects else pd.Series(dtype=int)
    rows = [{"code": term.code, "label": label(column, term.code, lang), "count": int(counts[term.code])}
            for term in VOCABULARIES[column] if term.code in counts]
    rows += [{"code": str(c), "label": str(c), "count": int(n)} for c, n in counts.items()
             if c not in {term.code for term in VOCABULARIES[column]}]
    return pd.DataFrame(rows, columns=["code", "label", "count"])


def count_by_zone(projects: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, lang: str) -> pd.DataFrame:
    """Projects inside (or assigned to) each park, zone and cluster; zones with none left out."""
    rows = []
    for zone in zones.itertuples():
        n = len(apply_filters(projects, Filters(zones=(zone.id,)), zones))
        if n:
            rows.append({"code": zone.id, "label": display_name(zone, lang) or zone.id, "count": n})
    return pd.DataFrame(rows, columns=["code", "label", "count"])


def _matching(df: pd.DataFrame, condition: str) -> pd.DataFrame:
    """Rows of ``df`` meeting ``condition`` written as ``column=value|value`` (empty: all rows)."""
    if not condition:
        return df
    column, _, values = condition.partition("=")
    wanted = values.split("|")
    if df[column].dtype == bool:
        return df[df[column] == (wanted[0] == "true")]
    return df[df[column].isin(wanted)]


def reported_vs_dataset(aggregates: pd.DataFrame, layers: Mapping[str, gpd.GeoDataFrame], lang: str) -> pd.DataFrame:
    """The conclusion's countable figures beside what the dataset holds and locates, with the gap."""
    rows = []
    for a in aggregates.itertuples():
        if not a.compare_kind:
            continue
        records = _matching(layers[a.compare_kind], a.compare_filter)
        reported = int(float(a.value))
        rows.append({
            t("stats_indicator", lang): a.label_vi if lang == "vi" else a.label_en,
            t("stats_col_reported", lang): reported,
            t("stats_mapped", lang): len(records),
            t("stats_located", lang): int(located(records).sum()),
            t("stats_gap", lang): reported - len(records),
        })
    return pd.DataFrame(rows)


# The units of data/src/aggregates.csv -> their text key (ui.po), so each language writes its own.
UNIT_KEYS: dict[str, str] = {
    "projects": "unit_projects", "parks": "unit_parks", "zones": "unit_zones", "clusters": "unit_clusters",
    "%/yr": "unit_pct_year", "% of GDP": "unit_pct_gdp", "% of industry": "unit_pct_industry",
}


def unit_label(unit: str, lang: str) -> str:
    """The unit ``unit`` of aggregates.csv in ``lang`` (an unknown unit as written)."""
    return t(UNIT_KEYS[unit], lang) if unit in UNIT_KEYS else unit


def indicators(aggregates: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The conclusion's growth and structure indicators (not countable on the map)."""
    rows = aggregates[aggregates["compare_kind"] == ""]
    return pd.DataFrame({
        t("stats_indicator", lang): rows["label_vi"] if lang == "vi" else rows["label_en"],
        t("stats_value", lang): rows["value"].astype(float),
        t("stats_unit", lang): rows["unit"].map(lambda u: unit_label(u, lang)),
        t("stats_period", lang): rows["period"], t("popup_sources", lang): rows["source"],
    }).reset_index(drop=True)


def unlocated(layers: Mapping[str, gpd.GeoDataFrame], lang: str) -> pd.DataFrame:
    """Every known entity without a location: kind, id, name, district, sources."""
    parts = []
    for kind, gdf in layers.items():
        if KINDS[kind].fields and "location_confidence" in gdf:
            missing = gdf[~located(gdf)]
            if len(missing):
                parts.append(pd.DataFrame({
                    "kind": KINDS[kind].label(lang), "id": missing["id"],
                    "name": display_name(missing, lang),
                    "district": missing["district"].map(lambda c: label("district", c, lang) if pd.notna(c) else ""),
                    "sources": missing["sources"],
                }))
    columns = ["kind", "id", "name", "district", "sources"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
