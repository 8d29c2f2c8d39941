"""The Streamlit page, run headless with AppTest: filters, URL state, language, statistics, uploads."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.bundled import load_register
from geo.i18n import t
from geo.schema import fold

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def run(params=None, env_projects=None, monkeypatch=None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def map_caption(at) -> str:
    """The caption above the map: how many located projects are shown, and how many match."""
    captions = [c.value for c in at.tabs[0].caption]
    assert len(captions) == 1, captions
    return captions[0]


def expected_caption(lang: str, matching, register=None) -> str:
    """The caption for the rows ``matching`` of the register (exact, so "1 project" cannot match "11 projects")."""
    register = load_register() if register is None else register
    located = int(matching.geometry.notna().sum())
    return (f"{t('n_shown', lang, shown=located, total=int(register.geometry.notna().sum()))}"
            f" · {t('n_projects', lang, n=len(matching))}")


def text_matches(projects, query: str):
    """Rows whose name, investor or subsector contain ``query``, ignoring case and diacritics."""
    text = projects[["name_vi", "name_en", "investor", "subsector"]].fillna("").agg(" ".join, axis=1).map(fold)
    return text.str.contains(fold(query), regex=False)


def test_default_page_is_vietnamese_and_lists_every_located_project():
    at = run()
    assert not at.exception
    assert at.title[0].value == t("app_title", "vi")
    assert map_caption(at) == expected_caption("vi", load_register())
    assert at.query_params["lang"] == "vi"


def test_url_restores_language_and_filters():
    at = run({"lang": "en", "sector": "electricity", "q": "quang tri"})
    assert not at.exception
    assert at.title[0].value == t("app_title", "en")
    assert at.multiselect(key="sector").value == ["electricity"]
    assert at.text_input(key="q").value == "quang tri"
    projects = load_register()
    expected = projects[(projects["sector"] == "electricity") & text_matches(projects, "quang tri")]
    assert 0 < len(expected) < len(projects[projects["sector"] == "electricity"])  # both filters bite
    assert map_caption(at) == expected_caption("en", expected)


def test_unknown_url_values_are_ignored_with_a_warning():
    at = run({"sector": "steel,electricity"})
    assert not at.exception
    assert at.multiselect(key="sector").value == ["electricity"]
    assert [w.value for w in at.warning] == [t("url_ignored", "vi", values="sector=steel")]


def test_changing_a_filter_updates_the_url():
    at = run()
    at.multiselect(key="sector").set_value(["electricity", "processing"]).run()
    at.multiselect(key="status").set_value(["operating"]).run()
    at.text_input(key="q").set_value("Rào Quán").run()
    assert not at.exception
    assert at.query_params["sector"] == "electricity,processing"
    assert at.query_params["status"] == "operating"
    assert at.query_params["q"] == "Rào Quán"
    projects = load_register()
    expected = projects[projects["sector"].isin(["electricity", "processing"]) & (projects["status"] == "operating")
                        & text_matches(projects, "Rào Quán")]
    assert len(expected) == 1
    assert map_caption(at) == expected_caption("vi", expected)


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
    expected = projects[(year >= 2018) & (year <= hi)]
    assert 0 < len(expected) < len(projects)
    assert map_caption(at) == expected_caption("vi", expected)


BAD_CSV = (
    "id,name_vi,sector,status,lon,lat,location_confidence,sources\n"
    "U1,Nhà máy A,processing,operating,107.1,16.8,high,KL11\n"
    "U2,Nhà máy B,steel,operating,107.2,16.7,high,KL11\n"
).encode()


def test_upload_with_problems_is_listed_row_by_row_and_not_shown():
    at = run({"lang": "en"})
    at.file_uploader(key="upload").upload("register.csv", BAD_CSV, "text/csv").run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("upload_problems", "en", n=1)]
    problems = next(df.value for df in at.dataframe if "row" in df.value.columns)
    errors = problems[~problems["note"].astype(bool)]
    # one problem, located as the user looks for it: the uploaded file's name, spreadsheet row 3, field sector
    assert errors[["file", "row", "field", "value", "record_id"]].to_dict("records") == [
        {"file": "register.csv", "row": 3, "field": "sector", "value": "steel", "record_id": "U2"}]
    assert "sector" in errors["message"].iloc[0]
    assert map_caption(at) == expected_caption("en", load_register())  # the map still shows the bundled register


def test_valid_upload_is_accepted():
    good = BAD_CSV.replace(b"steel", b"mining")
    at = run({"lang": "en"})
    at.file_uploader(key="upload").upload("register.csv", good, "text/csv").run()
    assert not at.exception
    assert [s.value for s in at.success] == [t("upload_ok", "en", n=2)]


@pytest.mark.parametrize("register_env", [True])
def test_qtmap_projects_replaces_the_register(tmp_path, monkeypatch, register_env):
    path = tmp_path / "mine.csv"
    path.write_bytes(BAD_CSV.replace(b"steel", b"electricity"))
    monkeypatch.setenv("QTMAP_PROJECTS", str(path))
    at = run({"lang": "en"})
    assert not at.exception
    assert map_caption(at) == f"{t('n_shown', 'en', shown=2, total=2)} · {t('n_projects', 'en', n=2)}"
