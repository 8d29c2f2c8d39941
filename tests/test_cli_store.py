"""The store commands of ``python -m geo`` (store init|check, import, history, revert, --as-of, --against-store)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

import geopandas as gpd

from geo import bundled
from geo.cli import main
from geo.store import open_store


@pytest.fixture(params=["gpkg", "postgis"])
def store_arg(request, tmp_path):
    if request.param == "gpkg":
        return str(tmp_path / "cli.gpkg")
    return request.getfixturevalue("postgis").new_database()


def _update(tmp_path: Path) -> Path:
    gdf = bundled.load_layer("project")
    gdf.loc[gdf["id"] == "P01", "status"] = "stalled"
    gdf.loc[gdf["id"] == "P02", "capital_bn_vnd"] = 600.0
    new = gdf.iloc[[3]].copy()
    new["id"], new["name_vi"] = "Q1", "Nhà máy thử nghiệm"
    gdf = pd.concat([gdf[gdf["id"] != "P05"], new])
    path = tmp_path / "update.geojson"
    gdf.to_file(path, driver="GeoJSON")
    return path


def run(capsys, *args: str) -> tuple[int, list[str], str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out.splitlines(), out.err


def test_init_check_import_history_revert(store_arg, tmp_path, capsys):
    code, out, _ = run(capsys, "store", "init", "--store", store_arg)
    assert code == 0 and out == [f"created {store_arg} ({'postgis' if '://' in store_arg else 'gpkg'}): 26 records, "
                                 "seeded from the bundled data"]
    code, _, err = run(capsys, "store", "init", "--store", store_arg)
    assert code == 1 and "--force" in err
    path = _update(tmp_path)

    code, out, _ = run(capsys, "import", str(path), "--store", store_arg, "--by", "ann", "--reason", "q3", "--dry-run")
    assert code == 0
    assert "update.geojson: 1 new, 2 changed, 23 unchanged, 1 absent from the file" in out
    assert "+ Q1: Nhà máy thử nghiệm" in out
    p01 = next(line for line in out if line.startswith("~ P01: "))
    assert p01.startswith('~ P01: status: "operating" → "stalled"; timeline: licensed 2002, ') and \
        p01.endswith(", operating 2007, stalled 2011"), p01
    assert "~ P02: capital_bn_vnd: 510.0 → 600.0" in out
    assert "- P05: absent from the file (kept; --retire-absent retires it)" in out
    assert out[-1] == "dry run: nothing written"
    assert open_store(store_arg).version()[0] == 1

    code, out, _ = run(capsys, "validate", str(path), "--against-store", "--store", store_arg)
    assert code == 0 and "update.geojson: 1 new, 2 changed, 23 unchanged, 1 absent from the file" in out

    code, out, _ = run(capsys, "import", str(path), "--store", store_arg, "--by", "ann", "--reason", "q3")
    assert code == 0 and re.fullmatch(r"committed change set (\d+) to .*", out[-1])
    imported = int(re.search(r"change set (\d+)", out[-1]).group(1))

    code, out, _ = run(capsys, "history", "--store", store_arg)
    assert code == 0 and len(out) == 2
    assert re.match(rf"{imported}  \d{{4}}-\d\d-\d\dT[\d:.]+Z  ann  import  \+1 ~2 ×0  q3  "
                    r"\[update.geojson sha256:[0-9a-f]{12}\]$", out[0]), out[0]
    assert out[1].startswith("1  ") and "qtmap  seed  +45 ~0 ×0" in out[1]  # 26 projects, 19 parks, zones and clusters

    code, out, _ = run(capsys, "history", "--store", store_arg, "--id", "P01")
    assert code == 0
    assert any(line.startswith(f"{imported}  ") and 'status: "operating" → "stalled"  (q3)' in line for line in out)

    code, out, _ = run(capsys, "revert", str(imported), "--store", store_arg, "--by", "bob", "--reason", "wrong file")
    assert code == 0 and re.fullmatch(rf"reverted change set {imported} as change set \d+ \(4 field changes\)", out[-1])
    register = open_store(store_arg).load().set_index("id")
    assert register.loc["P01", "status"] == "operating" and "Q1" not in register.index

    code, out, _ = run(capsys, "store", "check", "--store", store_arg)
    assert code == 0 and out == [f"{store_arg}: OK, 3 change sets replay to the 27 records held"]


def test_check_exits_1_listing_discrepancies(store_arg, capsys):
    store = open_store(store_arg)
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE projects SET workers = 7 WHERE id = 'P03'"))
    code, out, _ = run(capsys, "store", "check", "--store", store_arg)
    assert code == 1
    assert out[0] == "P03.workers: history gives None, the table holds 7"
    assert out[-1] == f"{store_arg}: 1 discrepancy between the history and the current state"


def test_as_of_on_data_and_html(store_arg, tmp_path, capsys):
    store = open_store(store_arg)
    seeded = store.changesets()[0].time
    store.retire("P01", by="t", reason="closed")
    now, then = tmp_path / "now.csv", tmp_path / "then.csv"
    assert run(capsys, "data", "--out", str(now), "--store", store_arg)[1] == [f"đã ghi {now} (25 bản ghi)"]
    assert run(capsys, "data", "--out", str(then), "--store", store_arg, "--as-of", seeded)[1] == [
        f"đã ghi {then} (26 bản ghi)"]
    assert run(capsys, "data", "--out", str(tmp_path / "x.csv"), "--store", store_arg, "--as-of", "2001-01-01")[1] == [
        f"đã ghi {tmp_path / 'x.csv'} (0 bản ghi)"]
    html = tmp_path / "then.html"
    code, out, _ = run(capsys, "html", "--out", str(html), "--store", store_arg, "--as-of", seeded)
    assert code == 0 and "P01" in html.read_text(encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["data", "--out", str(then), "--store", store_arg, "--as-of", "last tuesday"])
    assert exc.value.code == 1 and "cannot read the time 'last tuesday'" in capsys.readouterr().err


def test_import_refuses_an_invalid_file_and_writes_nothing(store_arg, tmp_path, capsys):
    open_store(store_arg)
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name_vi,sector,status,lon,lat\nZ1,,steel,operating,107.1,16.8\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["import", str(bad), "--store", store_arg, "--by", "a", "--reason", "r", "--lang", "en"])
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert "bad.csv:row 2: name_vi=''" in err and "sector='steel'" in err
    assert open_store(store_arg).version()[0] == 1


def test_a_csv_without_optional_columns_keeps_the_stored_values(tmp_path, capsys):
    store_arg = str(tmp_path / "s.gpkg")
    open_store(store_arg)
    gdf = bundled.load_layer("project")
    located = gdf[gdf.geometry.notna()].iloc[:2]
    table = pd.DataFrame({"id": located["id"], "name_vi": located["name_vi"], "sector": located["sector"],
                          "status": located["status"], "lon": located.geometry.x, "lat": located.geometry.y})
    path = tmp_path / "few.csv"
    table.to_csv(path, index=False)
    code, out, _ = run(capsys, "import", str(path), "--store", store_arg, "--by", "a", "--reason", "r")
    assert code == 0 and out[0] == "few.csv: 0 new, 0 changed, 2 unchanged, 24 absent from the file", out
    assert out[-1] == "nothing to change: no change set written"
    assert isinstance(gpd.read_file(store_arg, layer="projects"), gpd.GeoDataFrame)
