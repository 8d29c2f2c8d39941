"""The register as the map's binary blob (layers/packed.py) and a filter's bitset (layers/selection.py)."""

from __future__ import annotations

import gzip
import json
import struct

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
from shapely.geometry import Point

from geo.filters import Filters, apply_filters
from geo.register import load_register
from geo.schema import VOCABULARIES, label
from layers.packed import MAGIC, pack, unpack, version_of
from layers.selection import rows_of, selection_bits

EVIL = '</script><script>alert(1)</script><img src=x onerror=alert(2)>{{ 7*7 }}"'


def register(n: int = 300) -> gpd.GeoDataFrame:
    """[SYNTHETIC] n projects, a few without a location, one named like markup."""
    rng = np.random.default_rng(7)
    sectors = [term.code for term in VOCABULARIES["sector"]]
    rows = []
    for i in range(n):
        rows.append({"id": f"SYN-{i:04d}", "name_vi": f"[SYNTHETIC] Dự án {i}", "name_en": f"[SYNTHETIC] Project {i}",
                     "sector": sectors[i % len(sectors)], "status": "operating" if i % 3 else "planned",
                     "investor": f"[SYNTHETIC] Công ty {i % 7}", "capacity_mw": float(i % 5) if i % 4 else np.nan,
                     "location_confidence": "low" if i % 10 == 0 else "high", "sources": "SYNTHETIC"})
    rows[5]["name_vi"] = rows[5]["investor"] = EVIL
    geoms = [None if i % 50 == 3 else Point(106.5 + rng.random(), 16.3 + rng.random()) for i in range(n)]
    return gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")


def test_round_trip_keeps_every_located_row_and_its_values():
    gdf = register()
    p = pack(gdf, "vi", ("test", 1))
    back = unpack(p.blob)
    located = gdf[gdf.geometry.notna()]
    assert back["n"] == len(p.index) == len(located) == len(gdf) - 6
    assert list(p.index) == list(located.index)
    assert back["cols"]["id"] == list(located["id"])
    assert back["cols"]["_name"] == list(located["name_vi"])
    assert np.allclose(back["lon"], located.geometry.x, atol=1e-5)  # Float32: better than a metre
    assert np.allclose(back["lat"], located.geometry.y, atol=1e-5)
    assert back["cols"]["sector"] == [label("sector", c, "vi") for c in located["sector"]]
    caps = back["cols"]["capacity_mw"]
    assert [c is None for c in caps] == list(located["capacity_mw"].isna())
    assert back["opts"]["popup"] and back["opts"]["bulk_above"] == 5_000


def test_vocabulary_columns_keep_vocabulary_order_and_small_codes():
    p = pack(register(), "en", ("test", 2))
    raw = gzip.decompress(p.blob)
    assert raw[:4] == MAGIC
    (size,) = struct.unpack("<I", raw[4:8])
    header = json.loads(raw[8:8 + size])
    sector = header["cols"]["sector"]
    vocabulary = [label("sector", term.code, "en") for term in VOCABULARIES["sector"]]
    assert sector["labels"][:len(vocabulary)] == vocabulary
    assert sector["labels"][-1] is None  # the code of "none"
    assert sector["idx"][1] == "u8"
    names = header["cols"]["_name"]
    assert names["idx"][1] == "u16"  # 295 distinct names: two bytes a row
    investors = header["cols"]["investor"]
    assert len(investors["labels"]) == 9  # 7 companies, the hostile one, none: each string once
    assert header["lon"][1] == "f32" and size % 4 == 0


def test_hostile_names_travel_as_data_never_as_markup():
    p = pack(register(), "vi", ("test", 3))
    back = unpack(p.blob)
    assert EVIL in back["cols"]["_name"] and EVIL in back["cols"]["investor"]  # exactly as written
    # The blob is binary data for qtmap.js (textContent), never a script: no HTML is built from it here.
    assert b"<script>" not in p.blob  # and it is compressed, not pasted into a page


def test_version_is_stable_and_follows_its_key():
    assert version_of(("store", "x", 3, 2024, "vi")) == version_of(("store", "x", 3, 2024, "vi"))
    assert version_of(("store", "x", 3, 2024, "vi")) != version_of(("store", "x", 4, 2024, "vi"))
    assert pack(register(), "vi", "k").blob == pack(register(), "vi", "k").blob  # deterministic (no gzip mtime)


def test_selection_bits_are_exactly_the_filtered_rows():
    gdf = register()
    p = pack(gdf, "vi", ("test", 4))
    shown = apply_filters(gdf, Filters(sectors=("electricity", "mining")))
    bits = selection_bits(p.index, shown.index)
    assert len(bits) == (len(p.index) + 7) // 8
    rows = rows_of(bits, len(p.index))
    assert set(unpack(p.blob)["cols"]["id"][i] for i in rows) == set(shown[shown.geometry.notna()]["id"])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_bundled_register_packs_with_its_popup_texts(lang):
    gdf = load_register()
    back = unpack(pack(gdf, lang, ("bundled", lang)).blob)
    assert back["n"] == int(gdf.geometry.notna().sum())
    assert set(back["cols"]["id"]) == set(gdf[gdf.geometry.notna()]["id"])
    assert all(isinstance(v, str) for v in back["cols"]["_name"])


def test_selection_of_nothing_and_everything():
    idx = pd.RangeIndex(20)
    assert list(rows_of(selection_bits(idx, idx[:0]), 20)) == []
    assert list(rows_of(selection_bits(idx, idx), 20)) == list(range(20))
