"""The Streamlit page, run headless with AppTest: filters, URL state, language, statistics, uploads."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.i18n import t
from geo.register import load_register
from geo.schema import fold

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def run(params=None, env_projects=None, monkeypatch=None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def caption_texts(at):
    return [c.value for c in at.caption]


def test_default_page_is_vietnamese_and_lists_every_located_project():
    at = run()
    assert not at.exception
    assert at.title[0].value == t("app_title", "vi")
    located = int(load_register().geometry.notna().sum())
    assert t("n_shown", "vi", shown=located, total=located) in " ".join(caption_texts(at))
    assert at.query_params["lang"] == "vi"


def test_url_restores_language_and_filters():
    at = run({"lang": "en", "sector": "electricity", "q": "quang tri"})
    assert not at.exception
    assert at.title[0].value == t("app_title", "en")
    assert at.multiselect(key="sector").value == ["electricity"]
    assert at.text_input(key="q").value == "quang tri"
    projects = load_register()
    text = projects[["name_vi", "name_en", "investor", "subsector"]].fillna("").agg(" ".join, axis=1).map(fold)
    expected = projects[(projects["sector"] == "electricity") & text.str.contains("quang tri")]
    assert t("n_projects", "en", n=len(expected)) in " ".join(caption_texts(at))


def test_unknown_url_values_are_ignored_with_a_warning():
    at = run({"sector": "steel,electricity"})
    assert not at.exception
    assert at.multiselect(key="sector").value == ["electricity"]
    assert any("sector=steel" in w.value for w in at.warning)


def test_changing_a_filter_updates_the_url():
    at = run()
    at.multiselect(key="sector").set_value(["electricity", "processing"]).run()
    at.multiselect(key="status").set_value(["operating"]).run()
    at.text_input(key="q").set_value("Rào Quán").run()
    assert not at.exception
    assert at.query_params["sector"] == "electricity,processing"
    assert at.query_params["status"] == "operating"
    assert at.query_params["q"] == "Rào Quán"
    assert t("n_projects", "vi", n=1) in " ".join(caption_texts(at))


def test_switching_language_translates_the_page():
    at = run()
    at.radio(key="lang").set_value("en").run()
    assert at.title[0].value == t("app_title", "en")
    assert at.query_params["lang"] == "en"
    assert [tab.label for tab in at.tabs][:2] == [t("tab_map", "en"), t("stats", "en")]


def test_statistics_compare_the_conclusion_with_the_dataset():
    at = run({"lang": "en"})
    tables = [df.value for df in at.dataframe]
    reported = next(tb for tb in tables if t("stats_col_reported", "en") in tb.columns)
    row = reported[reported[t("stats_indicator", "en")] == "Registered investment projects"].iloc[0]
    assert row[t("stats_col_reported", "en")] == 98
    assert row[t("stats_mapped", "en")] == len(load_register())
    assert row[t("stats_gap", "en")] == 98 - len(load_register())
    unlocated = next(tb for tb in tables if "kind" in tb.columns and "sources" in tb.columns)
    assert "P04" in set(unlocated["id"])  # La La hydropower: named, not located


def test_year_slider_filters_and_reaches_the_url():
    at = run()
    lo, hi = at.slider(key="years").value
    at.slider(key="years").set_value((2018, hi)).run()
    assert at.query_params["years"] == f"2018-{hi}"
    projects = load_register()
    year = projects["status_year"].fillna(projects["year"])
    assert t("n_projects", "vi", n=int(((year >= 2018) & (year <= hi)).sum())) in " ".join(caption_texts(at))


BAD_CSV = (
    "id,name_vi,sector,status,lon,lat,location_confidence,sources\n"
    "U1,Nhà máy A,processing,operating,107.1,16.8,high,KL11\n"
    "U2,Nhà máy B,steel,operating,107.2,16.7,high,KL11\n"
).encode()


def test_upload_with_problems_is_listed_row_by_row_and_not_shown():
    at = run({"lang": "en"})
    at.file_uploader(key="upload").upload("register.csv", BAD_CSV, "text/csv").run()
    assert not at.exception
    assert at.error and t("upload_problems", "en", n=1).split(" ")[0] in at.error[0].value
    problems = next(df.value for df in at.dataframe if "row" in df.value.columns)
    assert (problems["row"].astype(str).str.contains("3")).any()
    assert "steel" in " ".join(problems.astype(str).agg(" ".join, axis=1))


def test_valid_upload_is_accepted():
    good = BAD_CSV.replace(b"steel", b"mining")
    at = run({"lang": "en"})
    at.file_uploader(key="upload").upload("register.csv", good, "text/csv").run()
    assert not at.exception
    assert at.success and t("upload_ok", "en", n=2) in at.success[0].value


@pytest.mark.parametrize("register_env", [True])
def test_qtmap_projects_replaces_the_register(tmp_path, monkeypatch, register_env):
    path = tmp_path / "mine.csv"
    path.write_bytes(BAD_CSV.replace(b"steel", b"electricity"))
    monkeypatch.setenv("QTMAP_PROJECTS", str(path))
    at = run({"lang": "en"})
    assert not at.exception
    assert t("n_shown", "en", shown=2, total=2) in " ".join(caption_texts(at))
