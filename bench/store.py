"""Benchmark of the register store on GeoPackage and PostGIS (not a timed test; figures go to bench/RESULTS.md).

Measures, on each backend:

- import-merge of a 10,000-row file into a store holding those 10,000 (half of them
  changed: investor, and status for one in five of those), split into validating the
  file (``geo.validate.validate_file``, as ``import`` does) and the merge + commit;
- loading 100,000 records for the app (``Store.load``), against a plain
  ``geopandas.read_file`` of a GeoPackage holding the same records;
- one single-record change set (``Store.edit`` with ``expected_version``), median of 20.

Synthetic registers from bench/synth.py (``[SYNTHETIC]`` names). PostGIS: ``--postgis URL``,
else a throwaway server is started with initdb/pg_ctl (tests/pgserver.py).

Usage::

    PYTHONPATH=$PWD .venv/bin/python bench/store.py [--rows 10000] [--load-rows 100000] [--postgis URL]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import geopandas as gpd

from bench.synth import synth_register, write_csv
from geo.store import init_store
from geo.store.records import FIELDS, GEOMETRY, records_from_frame
from geo.validate import validate_file

OUT = Path(__file__).resolve().parent / "out"


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def _records(path: Path):
    elapsed, report = _timed(lambda: validate_file(path, kind="project"))
    assert report.exit_code == 0, report.lines()[:5]
    return elapsed, report.data, records_from_frame(report.data, (*FIELDS, GEOMETRY))


def _changed_half(n: int, tmp: Path) -> Path:
    df = synth_register(n)
    half = df.index % 2 == 0
    df.loc[half, "investor"] = df.loc[half, "investor"] + " (đổi chủ)"
    df.loc[df.index % 10 == 0, "status"] = "stalled"
    return write_csv(df, tmp / f"changed_{n}.csv")


def bench_backend(location: str, rows: int, load_rows: int, tmp: Path, log) -> dict[str, object]:
    """All three measurements on one backend (a fresh store at ``location``)."""
    fields = (*FIELDS, GEOMETRY)
    res: dict[str, object] = {}
    store = init_store(location, force=True)
    _, _, base = _records(write_csv(synth_register(rows), tmp / f"base_{rows}.csv"))
    res["initial_import_s"], _ = _timed(lambda: store.import_records(base, fields, by="bench", reason="base"))
    validate_s, _, changed = _records(_changed_half(rows, tmp))
    merge_s, (ident, diff) = _timed(lambda: store.import_records(changed, fields, by="bench", reason="half changed"))
    res.update(merge_validate_s=validate_s, merge_commit_s=merge_s, merge_total_s=validate_s + merge_s,
               merge_counts=diff.counts())
    log(f"  import-merge {rows:,} (half changed): validate {validate_s:.2f} s + merge/commit {merge_s:.2f} s "
        f"{diff.counts()}")
    versions = {i: r["version"] for i, r in store.current().items()}
    times = []
    for i, rec_id in enumerate(list(versions)[:20]):  # 20 records, each changed once, with its version checked
        elapsed, _ = _timed(lambda rec_id=rec_id, n=1000 + i: store.edit(
            rec_id, {"workers": n}, by="bench", reason="one field", expected_version=versions[rec_id]))
        times.append(elapsed)
    res["single_change_median_s"] = statistics.median(times)
    log(f"  single-record change set: median {res['single_change_median_s'] * 1000:.1f} ms of 20")

    store = init_store(location, force=True)
    _, data, big = _records(write_csv(synth_register(load_rows), tmp / f"load_{load_rows}.csv"))
    res["load_setup_import_s"], _ = _timed(lambda: store.import_records(big, fields, by="bench", reason="load"))
    loads = [_timed(store.load)[0] for _ in range(3)]
    plain = tmp / f"plain_{load_rows}.gpkg"
    data.to_file(plain, driver="GPKG", engine="pyogrio")
    reads = [_timed(lambda: gpd.read_file(plain))[0] for _ in range(3)]
    res.update(load_rows=len(store.load()), load_median_s=statistics.median(loads),
               read_file_median_s=statistics.median(reads))
    res["load_ratio"] = res["load_median_s"] / res["read_file_median_s"]
    log(f"  load {res['load_rows']:,} records: {res['load_median_s']:.2f} s; plain read_file "
        f"{res['read_file_median_s']:.2f} s (ratio {res['load_ratio']:.2f})")
    res["check_ok"] = store.check() == []
    return res


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rows", type=int, default=10_000)
    p.add_argument("--load-rows", type=int, default=100_000)
    p.add_argument("--postgis", default=None, help="postgresql:// URL of an empty database (default: start one)")
    p.add_argument("--backends", default="gpkg,postgis")
    args = p.parse_args(argv)
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        server = None
        for backend in args.backends.split(","):
            print(f"{backend}:", flush=True)
            if backend == "gpkg":
                location = str(tmp / "bench.gpkg")
            else:
                location = args.postgis
                if location is None:
                    from tests.pgserver import PostgisServer

                    pg_root = Path(tempfile.mkdtemp(prefix="qtmap-bench-pg-"))
                    server = PostgisServer(pg_root)
                    location = server.new_database()
            load_before = os.getloadavg()
            results[backend] = bench_backend(location, args.rows, args.load_rows, tmp, lambda m: print(m, flush=True))
            results[backend]["load_average_start_end"] = [round(x, 2) for x in (*load_before, *os.getloadavg())]
        if server is not None:
            server.stop()
    OUT.mkdir(exist_ok=True)
    (OUT / f"store_{'_'.join(results)}.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
