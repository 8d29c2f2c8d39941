"""Status timelines: the bundled seed, the register in year Y, popup texts, statistics and the checks."""

import pandas as pd
import pytest

import geopandas as gpd
from shapely.geometry import Point

from geo.bundled import DATA_DIR, load_sources, load_timeline
from geo.filters import SEARCH_COLUMN
from geo.register import load_register
from geo.timeline import (
    check_against_register,
    check_timeline,
    empty_timeline,
    state_in_year,
    status_counts_by_year,
    timeline_of,
    timeline_text,
    with_timeline_text,
    year_range,
)


@pytest.fixture(scope="module")
def register():
    return load_register()


@pytest.fixture(scope="module")
def timeline():
    return load_timeline()


def status_of(state: pd.DataFrame, pid: str) -> tuple[str, int] | None:
    rows = state[state["id"] == pid]
    return (rows["status"].iloc[0], int(rows["status_year"].iloc[0])) if len(rows) else None


@pytest.mark.parametrize(("pid", "year", "expected"), [
    ("P01", 2001, None),                           # Rào Quán: not yet approved
    ("P01", 2002, ("licensed", 2002)),             # Decision 557/QĐ-TTg, Jul 2002
    ("P01", 2003, ("under_construction", 2003)),   # work began Aug 2003
    ("P01", 2006, ("under_construction", 2003)),
    ("P01", 2007, ("operating", 2007)),            # units generating from Sep 2007
    ("P01", 2024, ("operating", 2007)),
    ("P02", 2014, ("under_construction", 2011)),   # second addendum: still building in Feb 2014
    ("P03", 2011, ("under_construction", 2011)),   # the conclusion: being pushed
    ("P03", 2013, ("under_construction", 2011)),
    ("P03", 2014, ("operating", 2014)),            # second addendum: operating by Feb 2014
    ("P04", 2014, ("operating", 2014)),
    ("P11", 2005, ("under_construction", 2005)),   # Đông Hà clinker/cement plant begun late 2005
    ("P11", 2004, None),
    ("P07", 2009, ("licensed", 2009)),             # registered as an IP project by Dec 2009
    ("P07", 2011, ("operating", 2011)),
    ("P18", 2018, ("planned", 2011)),
    ("P18", 2019, ("operating", 2019)),            # realised as rooftop PV in 2019
    ("P20", 2023, None),
    ("P20", 2024, ("under_construction", 2024)),
    ("P26", 2018, None),
    ("P26", 2019, ("licensed", 2019)),
])
def test_bundled_state_in_year(register, timeline, pid, year, expected):
    assert status_of(state_in_year(register, timeline, year), pid) == expected


def test_an_undated_project_is_kept_in_every_year(register, timeline):
    # P23 (Từ Phong peanut oil): "operating (article undated)": no year to place it at.
    assert "P23" not in set(timeline["project_id"])
    for year in (1995, 2011, 2024):
        rows = state_in_year(register, timeline, year)
        assert rows.loc[rows["id"] == "P23", "status"].tolist() == ["operating"]


@pytest.mark.parametrize(("year", "expected"), [
    (2001, {"operating": 1}),  # only P23 (undated)
    (2002, {"licensed": 1, "operating": 1}),  # P01; P23 (undated)
    (2009, {"operating": 2, "licensed": 2, "under_construction": 1}),
    (2011, {"operating": 10, "under_construction": 7, "planned": 2}),
    (2024, {"operating": 18, "under_construction": 6, "licensed": 1, "planned": 1}),
])
def test_bundled_status_counts_by_year(register, timeline, year, expected):
    row = status_counts_by_year(register, timeline, [year]).loc[year]
    assert {k: v for k, v in row.items() if v} == expected


def test_counts_by_year_agree_with_state_in_year_year_by_year(register, timeline):
    # A synthetic register too: same-year rows (the later wins), undated rows, statuses that come back.
    reg = pd.DataFrame({"id": list("abcdef"), "status": ["operating", "planned", "stalled", "licensed", "planned",
                                                      "operating"],
                        "status_year": [2010, None, 2015, None, 2012, 2001],
                        "year": [2004, 2008, None, None, None, 2000]})
    tl = pd.DataFrame({"project_id": ["c", "c", "c", "c", "e", "e", "zz"],
                       "status": ["licensed", "planned", "under_construction", "stalled", "planned", "operating",
                                  "operating"],
                       "year": [2005, 2005, 2008, 2015, 2012, 2012, 2000], "source": ["S"] * 7})
    for frame, rows in ((register, timeline), (reg, tl), (reg, empty_timeline())):
        years = range(1999, 2026)
        table = status_counts_by_year(frame, rows, years)
        for year in years:
            expected = state_in_year(frame, rows, year)["status"].value_counts()
            assert table.loc[year].to_dict() == {s: int(expected.get(s, 0)) for s in table.columns}, year


def test_only_the_undated_project_has_no_timeline(register, timeline):
    assert set(register["id"]) - set(timeline["project_id"]) == {"P23"}
    assert year_range(register, timeline) == (2002, 2024)


def test_latest_year_differs_from_the_register_only_where_the_sources_say_so(register, timeline):
    state = state_in_year(register, timeline, 2024).set_index("id")
    assert list(state.index) == list(register["id"])  # every project, in register order
    changed = state["status"] != register.set_index("id")["status"]
    assert state.loc[changed, "status"].to_dict() == {"P03": "operating", "P04": "operating", "P18": "operating"}
    assert state.loc[changed, "status_note"].isna().all()  # the note worded the register's status
    assert state.loc["P01", "status_note"] == register.set_index("id").loc["P01", "status_note"]


@pytest.mark.parametrize("year", [2011, 2024])  # some projects left out; every project kept (a shallow copy)
def test_the_register_is_left_as_it_was(register, timeline, year):
    before = register.copy()
    state = state_in_year(register, timeline, year)
    state.loc[state.index[0], "name"] = "changed"
    pd.testing.assert_frame_equal(register, before)  # copy-on-write: the state's changes are its own


def test_state_keeps_the_frame_type_columns_and_order(register, timeline):
    state = state_in_year(register, timeline, 2011)
    assert isinstance(state, gpd.GeoDataFrame) and state.crs == register.crs
    assert list(state.columns) == list(register.columns) and SEARCH_COLUMN in state.columns
    assert str(state["status_year"].dtype) == "Int64"
    order = list(register["id"])
    assert list(state["id"]) == sorted(state["id"], key=order.index)
    assert status_of(register, "P01") == ("operating", 2011)  # the input is not changed


def test_without_timeline_rows_a_project_falls_back_to_its_own_year():
    reg = gpd.GeoDataFrame({"id": ["a", "b", "c", "d"], "status": ["operating", "planned", "licensed", "stalled"],
                            "status_year": [2010, None, None, 2015], "year": [2004, 2008, None, None]},
                           geometry=[Point(107, 16.8)] * 4, crs="EPSG:4326")
    tl = pd.DataFrame({"project_id": ["d", "d"], "status": ["licensed", "stalled"], "year": [2012, 2015],
                       "source": ["S1", "S2"]})
    assert state_in_year(reg, tl, 2007)["id"].tolist() == ["c"]          # a from 2010, b from 2008 (year), d 2012
    assert state_in_year(reg, tl, 2009)["id"].tolist() == ["b", "c"]
    got = state_in_year(reg, tl, 2013)[["id", "status", "status_year"]]
    assert got.astype(object).where(got.notna(), None).values.tolist() == [
        ["a", "operating", 2010], ["b", "planned", None], ["c", "licensed", None], ["d", "licensed", 2012]]
    assert state_in_year(reg, empty_timeline(), 2013)["status"].tolist() == ["operating", "planned", "licensed"]


def test_timeline_rows_of_other_registers_are_ignored():
    reg = pd.DataFrame({"id": ["x"], "status": ["planned"], "status_year": [2011]})
    tl = pd.DataFrame({"project_id": ["P01"], "status": ["operating"], "year": [2007], "source": ["S32"]})
    assert state_in_year(reg, tl, 2011)["status"].tolist() == ["planned"]


def test_timeline_of_one_project(timeline):
    assert timeline_of(timeline, "P01").to_dict("records") == [
        {"status": "licensed", "year": 2002, "source": "S31;S32"},
        {"status": "under_construction", "year": 2003, "source": "S31"},
        {"status": "operating", "year": 2007, "source": "S32;S33"},
    ]
    assert timeline_of(timeline, "P23").empty


def test_timeline_text_in_both_languages(timeline):
    assert timeline_text(timeline, "vi")["P01"] == "Đã cấp phép 2002 → Đang xây dựng 2003 → Đang hoạt động 2007"
    assert timeline_text(timeline, "en")["P03"] == "Under construction 2011 → Operating 2014"
    assert timeline_text(timeline, "en")["P05"] == "Operating 2011"


def test_popup_text_only_where_the_timeline_says_more_than_one_status(register, timeline):
    texts = with_timeline_text(register, timeline, "en").set_index("id")["status_timeline"]
    assert texts["P07"] == "Licensed 2009 → Operating 2011"
    assert pd.isna(texts["P05"]) and pd.isna(texts["P23"])
    assert set(texts[texts.notna()].index) == {"P01", "P03", "P04", "P07", "P09", "P18"}


def test_bundled_seed_passes_its_checks(register):
    src = pd.read_csv(DATA_DIR / "src" / "status_timeline.csv", dtype=str, keep_default_na=False)
    assert check_timeline(src, register["id"], load_sources()) == []
    assert check_against_register(src, register) == []
    assert (src["note"] != "").all()  # every row says what the source says
    built = load_timeline()
    assert built.columns.tolist() == ["project_id", "status", "year", "source"]
    assert built["project_id"].tolist() == src["project_id"].tolist()


@pytest.mark.parametrize(("row", "problem"), [
    ({"project_id": "P99"}, "line 3: unknown project id 'P99'"),
    ({"status": "finished"}, "line 3: unknown status 'finished' (known: licensed, operating, planned, stalled, "
                               "under_construction)"),
    ({"year": "c. 2005"}, "line 3: year 'c. 2005' is not a whole number"),
    ({"year": "2001"}, "line 3: year 2001 is earlier than the project's previous row (2002)"),
    ({"source": "S31;Z99"}, "line 3: unknown source key(s) Z99"),
    ({"source": ""}, "line 3: no source key"),
])
def test_check_timeline_locates_each_problem(register, row, problem):
    good = {"project_id": "P01", "status": "under_construction", "year": "2003", "source": "S31"}
    table = pd.DataFrame([{"project_id": "P01", "status": "licensed", "year": "2002", "source": "S31"},
                          {**good, **row}])
    assert check_timeline(table, register["id"], load_sources(), name="t.csv") == [f"t.csv {problem}"]


def test_check_timeline_names_missing_columns():
    assert check_timeline(pd.DataFrame({"project_id": ["P01"]}), ["P01"], [], name="t.csv") == [
        "t.csv: missing column(s) status, year, source (expected project_id, status, year, source)"]


def test_check_against_register_finds_a_contradiction(register):
    tl = pd.DataFrame({"project_id": ["P01", "P26"], "status": ["planned", "licensed"], "year": [2002, 2020],
                       "source": ["S31", "A15"]})
    assert check_against_register(tl, register) == [
        "P01: the register says 'operating' in 2011, the timeline 'planned'",
        "P26: the register says 'licensed' in 2019, before the timeline's first row",
    ]
