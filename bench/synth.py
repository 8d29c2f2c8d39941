"""Synthetic project registers for the benchmark: N schema-valid rows, every one marked synthetic.

Every name starts with ``[SYNTHETIC]`` and every row cites the source ``SYNTHETIC``,
so a synthetic record can never be mistaken for a real project. Points are drawn
inside the province outline by rejection sampling (half spread over the province,
half clustered around the bundled parks, zones, clusters and district seats, as a
real register would be), with a fixed seed: the same N and seed give the same file.
The district is the one of the nearest district seat; ``zone_id`` is set when the
point falls inside a bundled park, zone or cluster polygon.

Usage::

    python -m bench.synth 100000 bench/out/projects_100000.csv [--geojson]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from geo.bundled import load_layer, load_zones
from geo.schema import codes

__all__ = ["MARK", "SOURCE", "ensure_register", "main", "sample_points", "synth_register", "write_csv",
           "write_geojson"]

MARK = "[SYNTHETIC]"
SOURCE = "SYNTHETIC"
YEARS = (2004, 2020)

# Shares of a plausible provincial register (processing and building materials dominate).
SECTOR_WEIGHTS: dict[str, float] = {
    "processing": 0.30, "building_materials": 0.17, "mining": 0.08, "chemicals": 0.06,
    "mechanical": 0.12, "electricity": 0.09, "water": 0.04, "light_industry": 0.14,
}
STATUS_WEIGHTS: dict[str, float] = {
    "operating": 0.45, "under_construction": 0.15, "licensed": 0.20, "planned": 0.12, "stalled": 0.08,
}
CONFIDENCE_WEIGHTS: dict[str, float] = {"high": 0.2, "medium": 0.35, "low": 0.45}
SUBSECTORS: dict[str, tuple[str, ...]] = {
    "processing": ("tinh bột sắn", "chế biến gỗ", "chế biến cà phê", "thức ăn chăn nuôi", "chế biến thủy sản"),
    "building_materials": ("gạch tuynel", "xi măng", "bê tông", "đá xây dựng", "gạch không nung"),
    "mining": ("cát trắng", "titan", "đá vôi", "sét"),
    "chemicals": ("phân bón", "sơ chế cao su", "bao bì nhựa"),
    "mechanical": ("kết cấu thép", "sửa chữa ô tô", "cơ khí chế tạo"),
    "electricity": ("thủy điện", "điện gió", "điện mặt trời", "điện sinh khối"),
    "water": ("nhà máy nước", "trạm cấp nước"),
    "light_industry": ("may mặc", "giày da", "linh kiện điện tử", "đồ gỗ mỹ nghệ"),
}
INVESTOR_FORMS = ("Công ty TNHH", "Công ty cổ phần", "Doanh nghiệp tư nhân", "Hợp tác xã")
NOTES = (
    f"{MARK} Bản ghi tổng hợp để đo hiệu năng; không phải dự án thật.",
    f"{MARK} Synthetic record for benchmarking; not a real project.",
)
LOCATION_NOTES = {
    "high": f"{MARK} random point (synthetic)",
    "medium": f"{MARK} random point near a park or seat (synthetic)",
    "low": f"{MARK} random point; treat as inferred (synthetic)",
}


def _weighted(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=p / p.sum())]


def sample_points(n: int, rng: np.random.Generator, clustered: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Return ``n`` (lon, lat) points inside the province outline (rejection sampling)."""
    outline = shapely.union_all(load_layer("province").geometry.to_numpy())
    shapely.prepare(outline)
    x0, y0, x1, y1 = outline.bounds
    zones = load_zones()
    seats = load_layer("district_seat")
    anchors = np.vstack([shapely.get_coordinates(shapely.centroid(zones.geometry.to_numpy())),
                         shapely.get_coordinates(seats.geometry.to_numpy())])
    lon = np.empty(0)
    lat = np.empty(0)
    while len(lon) < n:
        m = max(2 * (n - len(lon)), 1000)
        near = rng.random(m) < clustered
        cx = rng.uniform(x0, x1, m)
        cy = rng.uniform(y0, y1, m)
        pick = rng.integers(0, len(anchors), m)
        cx[near] = anchors[pick[near], 0] + rng.normal(0, 0.03, near.sum())  # ~3 km
        cy[near] = anchors[pick[near], 1] + rng.normal(0, 0.03, near.sum())
        keep = shapely.contains_xy(outline, cx, cy)
        lon = np.concatenate([lon, cx[keep]])
        lat = np.concatenate([lat, cy[keep]])
    return lon[:n].round(6), lat[:n].round(6)


def nearest_district(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """District code of the nearest district seat (equirectangular distance), per point."""
    seats = load_layer("district_seat")
    sx = seats.geometry.x.to_numpy()
    sy = seats.geometry.y.to_numpy()
    k = np.cos(np.radians(16.75))
    best = np.zeros(len(lon), dtype=int)
    best_d = np.full(len(lon), np.inf)
    for j in range(len(seats)):
        d = ((lon - sx[j]) * k) ** 2 + (lat - sy[j]) ** 2
        closer = d < best_d
        best[closer] = j
        best_d[closer] = d[closer]
    return seats["district"].to_numpy(dtype=object)[best]


def zone_of(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Id of the bundled park/zone/cluster polygon each point lies in, else None."""
    zones = load_zones()
    zones = zones[zones.geom_type.isin(["Polygon", "MultiPolygon"])].reset_index(drop=True)
    out = np.full(len(lon), None, dtype=object)
    points = shapely.points(lon, lat)
    tree = shapely.STRtree(zones.geometry.to_numpy())
    pi, zi = tree.query(points, predicate="intersects")
    out[pi] = zones["id"].to_numpy(dtype=object)[zi]  # the last hit wins where zones overlap
    return out


def synth_register(n: int, seed: int = 42) -> pd.DataFrame:
    """Return ``n`` synthetic project rows (text cells and lon/lat columns), deterministic in ``seed``."""
    rng = np.random.default_rng(seed)
    lon, lat = sample_points(n, rng)
    num = np.arange(1, n + 1)
    width = max(5, len(str(n)))
    serial = [str(i).zfill(width) for i in num]
    sector = _weighted(rng, SECTOR_WEIGHTS, n)
    status = _weighted(rng, STATUS_WEIGHTS, n)
    confidence = _weighted(rng, CONFIDENCE_WEIGHTS, n)
    year = rng.integers(YEARS[0], YEARS[1] + 1, n)
    status_year = np.minimum(year + rng.integers(0, 6, n), YEARS[1])
    sub_pick = rng.integers(0, 5, n)
    subsector = np.array([SUBSECTORS[s][k % len(SUBSECTORS[s])] for s, k in zip(sector, sub_pick, strict=True)],
                         dtype=object)
    n_investors = max(10, n // 5)  # an investor has about five projects
    investor_no = rng.integers(1, n_investors + 1, n)
    forms = rng.integers(0, len(INVESTOR_FORMS), n_investors + 1)
    investor = np.array([f"{MARK} {INVESTOR_FORMS[forms[i]]} Thử nghiệm {i:05d}" for i in investor_no], dtype=object)
    capital = np.round(rng.lognormal(3.5, 1.4, n), 1).clip(0.1, 50_000)  # bn VND, median ~33
    workers = np.round(rng.lognormal(3.8, 1.1, n)).astype(int).clip(1, 20_000)
    is_power = sector == "electricity"
    capacity_mw = np.where(is_power, np.round(rng.lognormal(2.5, 1.0, n), 1).clip(0.1, 2_000), np.nan)
    df = pd.DataFrame({
        "id": [f"SYN-{s}" for s in serial],
        "name_vi": [f"{MARK} Dự án thử nghiệm {s}" for s in serial],
        "name_en": [f"{MARK} Test project {s}" for s in serial],
        "sector": sector,
        "subsector": subsector,
        "status": status,
        "status_year": status_year,
        "status_note": None,
        "district": nearest_district(lon, lat),
        "commune": None,
        "zone_id": zone_of(lon, lat),
        "investor": investor,
        "capacity": np.where(is_power, [f"{c:g} MW" for c in np.nan_to_num(capacity_mw)], None),
        "capacity_mw": capacity_mw,
        "capital_bn_vnd": capital,
        "workers": workers,
        "year": year,
        "lon": lon,
        "lat": lat,
        "location_confidence": confidence,
        "geometry_quality": "point",
        "location_note": [LOCATION_NOTES[c] for c in confidence],
        "in_conclusion": "false",
        "sources": SOURCE,
        "notes": np.array(NOTES, dtype=object)[rng.integers(0, len(NOTES), n)],
    })
    assert set(df["sector"]) <= set(codes("sector")) and set(df["status"]) <= set(codes("status"))
    return df


def write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write the register as UTF-8 CSV (lon/lat columns); return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, encoding="utf-8")
    return path


def write_geojson(df: pd.DataFrame, path: str | Path) -> Path:
    """Write the register as GeoJSON points (EPSG:4326); return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    gdf = gpd.GeoDataFrame(df.drop(columns=["lon", "lat"]), geometry=gpd.points_from_xy(df["lon"], df["lat"]),
                           crs="EPSG:4326")
    gdf.to_file(path, driver="GeoJSON", engine="pyogrio")
    return path


def ensure_register(n: int, out_dir: str | Path, seed: int = 42) -> Path:
    """Return the CSV of the ``n``-row register in ``out_dir``, generating it if missing."""
    path = Path(out_dir) / f"projects_{n}_s{seed}.csv"
    if not path.exists():
        tmp = path.with_suffix(".tmp.csv")
        write_csv(synth_register(n, seed), tmp)
        tmp.replace(path)
    return path


def main(argv: list[str] | None = None) -> int:
    """Write one synthetic register (``python -m bench.synth --help``)."""
    p = argparse.ArgumentParser(prog="python -m bench.synth", description=__doc__.split("\n")[0])
    p.add_argument("n", type=int, help="number of rows")
    p.add_argument("out", type=Path, help="output .csv (or .geojson)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--geojson", action="store_true", help="also write a .geojson beside the CSV")
    args = p.parse_args(argv)
    df = synth_register(args.n, args.seed)
    if args.out.suffix.lower() in (".geojson", ".json"):
        write_geojson(df, args.out)
    else:
        write_csv(df, args.out)
        if args.geojson:
            write_geojson(df, args.out.with_suffix(".geojson"))
    print(f"wrote {args.out} ({args.n} synthetic rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
