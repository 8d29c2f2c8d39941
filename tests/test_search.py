"""Search over everything named: places and projects without diacritics, zoom to a hit, suggestions."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import bundled
from geo.filters import Filters, apply_filters
from geo.i18n import t
from geo.register import load_register
from geo.search import NAMED_KINDS, closest_names, name_index, search_names

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture(scope="module")
def index():
    return name_index({**bundled.load_all(), "project": load_register()}, "vi")


@pytest.mark.parametrize(("query", "kind", "name"), [
    ("quan ngang", "industrial_park", "Khu công nghiệp Quán Ngang"),
    ("QUÁN NGANG", "industrial_park", "Khu công nghiệp Quán Ngang"),
    ("dien sanh", "industrial_cluster", "Cụm công nghiệp làng nghề Diên Sanh"),
    ("lao bao", "economic_zone", None),
    ("krong klang", "district_seat", "Krông Klang"),
    ("cua viet", "infrastructure", None),
    ("la la", "project", "Thủy điện La La"),
])
def test_every_kind_of_named_thing_is_found_without_diacritics(index, query, kind, name):
    hits = search_names(index, query)
    assert any(h.kind == kind and (name is None or h.name == name) for h in hits), hits
    assert {h.kind for h in hits} <= set(NAMED_KINDS)


def test_a_miss_suggests_the_closest_names(index):
    assert search_names(index, "quan ngnag") == []
    assert "Khu công nghiệp Quán Ngang" in closest_names(index, "quan ngnag")
    assert closest_names(index, "zzzzzzzz") == []


def test_a_park_found_by_name_brings_its_projects():
    projects, zones = load_register(), bundled.load_zones()
    in_park = apply_filters(projects, Filters(zones=("ip_quan_ngang",)), zones)
    found = apply_filters(projects, Filters(query="quan ngang"), zones)
    assert len(in_park) >= 3 and set(in_park["id"]) <= set(found["id"])
    assert len(apply_filters(projects, Filters(query="quan ngang"))) < len(found)  # names alone find fewer


def test_the_page_lists_hits_zooms_to_one_and_suggests_on_a_miss():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["q"] = "quan ngang"
    at.run()
    assert not at.exception
    buttons = [b for b in at.button if b.key and b.key.startswith("hit_")]
    park = next(b for b in buttons if b.key == "hit_industrial_park_ip_quan_ngang")
    assert "Quán Ngang" in park.label
    park.click().run()
    args = json.loads(at.get("component_instance")[0].proto.json_args)
    lat, lon = args["center"]
    assert abs(lat - 16.89) < 0.05 and abs(lon - 107.08) < 0.05 and args["zoom"] >= 11
    at.text_input(key="q").set_value("quan ngnag").run()
    info = " ".join(i.value for i in at.info)
    assert t("search_none", "vi", query="quan ngnag") in info and "Quán Ngang" in info


def test_standalone_page_has_a_title_and_a_heading_that_states_the_filters():
    from layers.htmlmap import render_html

    evil = "{{ 7*7 }}<b>x</b>"
    page = render_html(load_register(), Filters(sectors=("electricity",), query=evil), "en")
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert t("report_title", "en") in title and "Electricity" in title
    heading = page.split('class="qtmap-heading"', 1)[1].split("</div>", 1)[0]
    assert "Electricity" in heading and "<b>x</b>" not in heading and "49" not in heading
    assert "&lt;b&gt;x&lt;/b&gt;" in heading
