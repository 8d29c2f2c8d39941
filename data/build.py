"""Build the bundled GeoJSON layers in data/ from the curated tables in data/src/.

Run ``python -m data.build`` from the repository root after editing data/src/*.csv
(``python -m data.build OUTDIR`` writes the same files under OUTDIR instead of data/).
It reads the openly licensed base layers and the fact sheets in ../shared/, and
writes deterministic output, so ``git diff`` shows exactly what a change did
(tests/test_data.py checks that the committed files are up to date).

Geometry rules (nothing is invented):
- a record with lon/lat becomes a point;
- a park or cluster with a documented ``area_ha`` becomes a disc of that area
  around its point, clipped to the province, flagged ``geometry_quality=approximate``;
- the Lao Bảo zone becomes a corridor along QL.9 from the border gate to Khe Sanh,
  and the South-East zone a coastal strip, each with its documented area;
- a record without lon/lat keeps no geometry (``location_confidence=none``).

Status timelines: ``data/src/status_timeline.csv`` holds, per project, each status it
entered with the year it began (or the earliest year a source attests it, as its
``note`` says), transcribed from projects.csv and the fact sheets (the second addendum's
corrections applied). A project with no dated status (P23) has no row. The build checks
it (known ids, status codes and source keys, years that never decrease per project, and
agreement with each project's own status at its status_year) and writes
``data/status_timeline.csv`` with the columns ``project_id, status, year, source``.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import pandas as pd

import geopandas as gpd
import shapely
from shapely.geometry import Point, box

from geo.readers import coerce_to_schema
from geo.schema import ENTITY_KINDS, FILES
from geo.timeline import COLUMNS as TIMELINE_COLUMNS
from geo.timeline import check_against_register, check_timeline

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parent

__all__ = ["main"]

SHARED = REPO.parent / "shared"
METRIC = "EPSG:3405"  # VN-2000 / UTM zone 48N

# Lao Bảo zone corridor: from the border gate east along QL.9 to Khe Sanh (fact sheet, section 2).
LAO_BAO_SPAN = (106.56, 106.76)
# South-East zone: the coast from Cửa Việt south to the Thừa Thiên Huế border (fact sheet, section 2).
SOUTH_EAST_SPAN = (16.55, 16.905)


def _province_metric() -> shapely.Geometry:
    gdf = gpd.read_file(SHARED / "data/base/province_quang_tri_odm.geojson").to_crs(METRIC)
    return gdf.geometry.union_all()


def _buffer_to_area(core: shapely.Geometry, within: shapely.Geometry, area_ha: float) -> shapely.Geometry:
    """Buffer ``core`` (metric CRS) so that its part inside ``within`` has ``area_ha``."""
    target = area_ha * 10_000
    lo, hi = 1.0, 50_000.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if core.buffer(mid, 32).intersection(within).area < target:
            lo = mid
        else:
            hi = mid
    return core.buffer(hi, 32).intersection(within)


def _disc(lon: float, lat: float, area_ha: float, province: shapely.Geometry) -> shapely.Geometry:
    point = gpd.GeoSeries([Point(lon, lat)], crs="EPSG:4326").to_crs(METRIC).iloc[0]
    return _buffer_to_area(point, province, area_ha)


def _lao_bao_corridor(area_ha: float, province: shapely.Geometry) -> shapely.Geometry:
    roads = gpd.read_file(SHARED / "data/base/roads_national_osm.geojson")
    ql9 = roads[roads["ref"].str.split(";").apply(lambda refs: "QL.9" in refs)]
    span = box(LAO_BAO_SPAN[0], 16.5, LAO_BAO_SPAN[1], 16.75)
    core = gpd.GeoSeries([ql9.geometry.union_all().intersection(span)], crs="EPSG:4326").to_crs(METRIC).iloc[0]
    return _buffer_to_area(core, province, area_ha)


def _coastal_strip(area_ha: float, province: shapely.Geometry) -> shapely.Geometry:
    coast = gpd.read_file(SHARED / "data/base/coastline.geojson").geometry.union_all()
    core = coast.intersection(box(106.9, SOUTH_EAST_SPAN[0], 107.6, SOUTH_EAST_SPAN[1]))
    core = gpd.GeoSeries([core], crs="EPSG:4326").to_crs(METRIC).iloc[0]
    return _buffer_to_area(core, province, area_ha)


def _entity_layer(kind: str, province: shapely.Geometry) -> gpd.GeoDataFrame:
    df = pd.read_csv(ROOT / "src" / (Path(FILES[kind]).stem + ".csv"), dtype=str, keep_default_na=False)
    geoms, quality = [], []
    for row in df.itertuples():
        if not row.lon:
            geoms.append(None)
            quality.append("")
            continue
        lon, lat = float(row.lon), float(row.lat)
        area = float(getattr(row, "area_ha", "") or 0)
        if row.id == "ez_lao_bao":
            geom = _lao_bao_corridor(area, province)
        elif row.id == "ez_dong_nam":
            geom = _coastal_strip(area, province)
        elif area and kind in ("industrial_park", "industrial_cluster"):
            geom = _disc(lon, lat, area, province)
        else:
            geoms.append(Point(lon, lat))
            quality.append("point")
            continue
        geom = gpd.GeoSeries([geom], crs=METRIC).to_crs("EPSG:4326").iloc[0]
        geoms.append(shapely.set_precision(geom, 1e-6))
        quality.append("approximate")
    df.insert(df.columns.get_loc("location_confidence") + 1, "geometry_quality", quality)
    gdf = gpd.GeoDataFrame(df.drop(columns=["lon", "lat"]), geometry=geoms, crs="EPSG:4326")
    gdf["anchor_lon"] = pd.to_numeric(df["lon"]).round(6)
    gdf["anchor_lat"] = pd.to_numeric(df["lat"]).round(6)
    return coerce_to_schema(gdf, kind)


def _base_layers() -> dict[str, gpd.GeoDataFrame]:
    base = SHARED / "data/base"
    adm1 = gpd.read_file(base / "provinces_adm1.geojson")
    return {
        "province": gpd.read_file(base / "province_quang_tri_odm.geojson"),
        "neighbour": adm1[adm1["role"] == "neighbour"].reset_index(drop=True),
        "border": gpd.read_file(base / "border_vnm_lao.geojson"),
        "coastline": gpd.read_file(base / "coastline.geojson"),
        "road": gpd.read_file(base / "roads_national_osm.geojson"),
        # Natural Earth 1:110m admin-0 (public domain), for the locator inset: copied with its name and ISO code.
        "country": gpd.read_file(base / "countries_region_ne110m.geojson")[["name", "iso_a3", "geometry"]],
    }


_SOURCE_LINE = re.compile(r"^- ([SAB]\d\d) (.+)$")


def _sources() -> list[dict[str, str]]:
    """Parse the source lists of the fact sheet and its two addenda."""
    rows = [{"key": "KL11", "url": "", "description":
             "Kết luận số 11-KL/TU (12/01/2012) của Tỉnh ủy Quảng Trị, tổng kết 7 năm thực hiện Nghị quyết 13-NQ/TU "
             "(text in shared/research/conclusion-11-KL-TU-2012.txt)"}]
    for name in ("quangtri_facts.md", "quangtri_facts_addendum.md", "quangtri_facts_addendum2.md"):
        for line in (SHARED / "research" / name).read_text(encoding="utf-8").splitlines():
            m = _SOURCE_LINE.match(line.strip())
            if m:
                key, rest = m.groups()
                url, _, desc = rest.partition(" ")
                if not url.startswith("http"):
                    url, desc = "", rest
                rows.append({"key": key, "url": url, "description": desc.strip()})
    return _reviewed(rows)


def _reviewed(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Apply data/src/source_review.csv: a page that is not a source loses its link, a doubtful one says why.

    Every reviewed key must exist; the records may not cite a key found not to be a source (tests/test_data.py).
    """
    review = pd.read_csv(ROOT / "src" / "source_review.csv", dtype=str, keep_default_na=False)
    by_key = {row["key"]: row for row in rows}
    for line, r in enumerate(review.itertuples(), start=2):
        if r.key not in by_key or r.verdict not in ("not_a_source", "mislabelled"):
            sys.exit(f"data/src/source_review.csv line {line}: unknown key {r.key!r} or verdict {r.verdict!r}")
        row = by_key[r.key]
        if r.verdict == "not_a_source":
            row["description"] = f"NOT A SOURCE ({r.note}); page was {row['url']}"
            row["url"] = ""
        else:
            row["description"] = f"MISLABELLED: {r.note}" + (f" {row['description']}" if row["description"] else "")
    return rows


def _timeline(source_keys: set[str]) -> pd.DataFrame:
    """The checked status timeline (data/src/status_timeline.csv without its notes); exits listing any problem."""
    table = pd.read_csv(ROOT / "src" / "status_timeline.csv", dtype=str, keep_default_na=False)
    projects = pd.read_csv(ROOT / "src" / "projects.csv", dtype=str, keep_default_na=False)
    problems = check_timeline(table, projects["id"], source_keys, name="data/src/status_timeline.csv")
    if not problems:
        projects["status_year"] = pd.to_numeric(projects["status_year"]).astype("Int64")
        problems = [f"data/src/status_timeline.csv: {p}" for p in check_against_register(table, projects)]
    if problems:
        raise SystemExit("\n".join(problems))
    return table.loc[:, list(TIMELINE_COLUMNS)]


def _write_geojson(gdf: gpd.GeoDataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    gdf.to_file(path, driver="GeoJSON", engine="pyogrio", COORDINATE_PRECISION=6, WRITE_NAME="NO")


def main(out: Path = ROOT) -> None:
    """Write every bundled layer and sources.csv into ``out`` (default: data/)."""
    out = Path(out)
    province = _province_metric()
    for kind, gdf in _base_layers().items():
        _write_geojson(gdf, out / FILES[kind])
    for kind in ENTITY_KINDS:
        _write_geojson(_entity_layer(kind, province), out / FILES[kind])
    with open(out / "sources.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, ["key", "url", "description"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(sources := _sources())
    _timeline({row["key"] for row in sources}).to_csv(out / "status_timeline.csv", index=False, lineterminator="\n")
    print(f"wrote {len(FILES)} layers, sources.csv and status_timeline.csv to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT)
