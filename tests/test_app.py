"""The Streamlit page, run headless with AppTest: filters, URL state, language, statistics, uploads."""

import json
from pathlib import Path

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from geo.i18n import t
from geo.register import load_register
from geo.schema import codes, fold, label
from layers.packed import unpack
from layers.selection import rows_of

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def run(params=None, env_projects=None, monkeypatch=None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def open_tab(at, name: str, lang: str = "vi") -> AppTest:
    """Switch to the tab of i18n key ``name`` (the statistics and downloads tabs run only while open)."""
    at.session_state["tab"] = t(name, lang)
    return at.run()


def test_the_statistics_run_only_while_their_tab_is_open():
    at = run({"lang": "en"})
    assert not at.get("vega_lite_chart") and t("stats_reported", "en") not in [h.value for h in at.subheader]
    open_tab(at, "stats", "en")
    assert at.get("vega_lite_chart") and t("stats_reported", "en") in [h.value for h in at.subheader]
    assert map_caption(at)  # the map tab still runs (its iframe stays mounted)


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
    # In the latest year both Rào Quán (P01) and Hạ Rào Quán (P03, operating by 2014) operate.
    projects = load_register()
    assert map_caption(at) == expected_caption("vi", projects[projects["id"].isin(["P01", "P03"])])


def test_switching_language_translates_the_page():
    at = run()
    at.radio(key="lang").set_value("en").run()
    assert at.title[0].value == t("app_title", "en")
    assert at.query_params["lang"] == "en"
    assert [tab.label for tab in at.tabs][:2] == [t("tab_map", "en"), t("stats", "en")]


def test_statistics_compare_the_conclusion_with_the_dataset():
    at = open_tab(run({"lang": "en"}), "stats", "en")
    tables = [df.value for df in at.dataframe]
    reported = next(tb for tb in tables if t("stats_col_reported", "en") in tb.columns)
    row = reported[reported[t("stats_indicator", "en")] == "Registered investment projects"].iloc[0]
    assert row[t("stats_col_reported", "en")] == 98
    assert row[t("stats_mapped", "en")] == len(load_register())
    assert row[t("stats_gap", "en")] == 98 - len(load_register())
    headers = {t("col_kind", "en"), t("field_id", "en"), t("col_name", "en"), t("field_sources", "en")}
    unlocated = next(tb for tb in tables if headers <= set(tb.columns))
    assert "P04" in set(unlocated[t("field_id", "en")])  # La La hydropower: named, not located


_REGISTERS: dict[str, dict] = {}  # version -> unpacked register, as the page keeps it (sent once per version)


def map_feed(at) -> tuple[dict, list[int]]:
    """The packed register the map holds and the rows the filters select (AppTest does not run components)."""
    feed = next(c for c in at.get("component_instance") if c.proto.component_name.endswith("qtmap_feed"))
    args = json.loads(feed.proto.json_args)
    special = {a.key: a.bytes for a in feed.proto.special_args}
    if special.get("blob"):
        _REGISTERS[args["version"]] = unpack(special["blob"])
    register = _REGISTERS[args["version"]]
    return register, list(rows_of(special["bits"], register["n"]))


def map_feature_group(at) -> str:
    """Every text of the projects the map shows (the register's cells of the selected rows), and its labels."""
    register, rows = map_feed(at)
    cells = [str(values[i]) for values in register["cols"].values() for i in rows]
    labels = [str(p[0]) for p in register["opts"]["popup"]]
    return "\n".join(cells + labels)


def test_the_map_script_does_not_change_with_the_filters():
    """streamlit-folium gets the same map (so re-renders nothing); only the feed's bitset changes."""
    at = run()
    script = at.get("component_instance")[0].proto.json_args
    register, rows = map_feed(at)
    at.multiselect(key="sector").set_value(["electricity"]).run()
    assert at.get("component_instance")[0].proto.json_args == script
    register2, rows2 = map_feed(at)
    assert register2 is register and 0 < len(rows2) < len(rows)
    assert {register["cols"]["sector"][i] for i in rows2} == {label("sector", "electricity", "vi")}


def status_chart(at, lang="vi") -> dict[str, int]:
    """The statistics tab's bar chart of projects by status: label -> count."""
    statuses = {label("status", c, lang) for c in codes("status")}
    for chart in at.get("vega_lite_chart"):
        for dataset in chart.proto.datasets:
            table = pa.ipc.open_stream(dataset.data.data).read_all().to_pandas()
            if "label" in table and set(table["label"]) <= statuses:
                return dict(zip(table["label"], table["count"].astype(int), strict=True))
    raise AssertionError("no status chart")


def test_year_slider_shows_the_state_in_that_year():
    at = run()
    assert at.slider(key="year").value == 2024  # the latest year of the timelines
    assert "year" not in at.query_params
    latest = map_feature_group(at)
    assert "Hà Nội–Quảng Trị Beer" in latest and "Rào Quán" in latest
    open_tab(at, "stats")
    assert status_chart(at) == {"Đang hoạt động": 18, "Đang xây dựng": 6, "Đã cấp phép": 1, "Quy hoạch": 1}

    at.slider(key="year").set_value(2005).run()
    assert not at.exception
    assert at.query_params["year"] == "2005"
    in_2005 = map_feature_group(at)
    assert "Rào Quán" in in_2005 and "Hà Nội–Quảng Trị Beer" not in in_2005  # the beer JSC comes in 2018
    # Rào Quán and the Đông Hà clinker plant are being built; Từ Phong (undated) is shown as recorded.
    assert status_chart(at) == {"Đang xây dựng": 2, "Đang hoạt động": 1}
    assert map_caption(at).endswith(f" · {t('n_projects', 'vi', n=3)}")  # exactly 3 (13 would not match)
    assert t("stats_filtered", "vi", n=3) in [h.value for h in at.subheader]


def test_popups_carry_the_status_timeline():
    at = run({"lang": "en", "year": "2005"})
    assert "Licensed 2002 → Under construction 2003 → Operating 2007" in map_feature_group(at)
    assert t("field_status_timeline", "en") in map_feature_group(at)


def test_statistics_count_statuses_year_by_year():
    at = open_tab(run({"lang": "en"}), "stats", "en")
    table = next(df.value for df in at.dataframe if df.value.index.name == t("field_year", "en"))
    assert table.loc[2011].to_dict() == {"Operating": 10, "Under construction": 7, "Licensed": 0, "Planned": 2,
                                         "Stalled": 0}
    assert table.index.min() == 2002 and table.index.max() == 2024


def test_old_links_with_a_year_range_show_its_last_year_with_a_warning():
    at = run({"years": "2004-2009"})
    assert not at.exception
    assert at.slider(key="year").value == 2009
    assert any(t("url_years_replaced", "vi", years="2004-2009", year=2009) == w.value for w in at.warning)
    assert at.query_params["year"] == "2009" and "years" not in at.query_params


def test_a_year_outside_the_data_is_ignored_with_a_warning():
    at = run({"year": "1990"})
    assert at.slider(key="year").value == 2024
    assert any("year=1990" in w.value for w in at.warning)


BAD_CSV = (
    "id,name_vi,sector,status,lon,lat,location_confidence,sources\n"
    "U1,Nhà máy A,processing,operating,107.1,16.8,high,KL11\n"
    "U2,Nhà máy B,steel,operating,107.2,16.7,high,KL11\n"
).encode()


def test_upload_with_an_error_row_shows_the_rest_and_offers_the_left_out_rows():
    at = run({"lang": "en"})
    at.file_uploader(key="upload").upload("register.csv", BAD_CSV, "text/csv").run()
    assert not at.exception
    assert [w.value for w in at.warning] == [t("rd_up_partial", "en", n=1, m=1)]
    assert not at.error
    problems = next(df.value for df in at.dataframe if "Where" in df.value.columns)
    # one problem, located as the user looks for it: spreadsheet row 3, the file's column, the value
    assert problems[["Where", "Column", "Value", "Severity"]].to_dict("records") == [
        {"Where": "row 3", "Column": "sector", "Value": "steel", "Severity": "error"}]
    assert problems["Problem"].iloc[0].startswith("unknown sector")
    assert [b.proto.label for b in at.get("download_button") if b.proto.label.startswith("Download the left")] \
        == [t("rd_up_left_out", "en")]
    # the register itself is not replaced: the upload is an extra layer, named in the caption with its usable record
    assert map_caption(at) == expected_caption("en", load_register()) + " · " + t(
        "extra_caption", "en", title=t("layer_uploaded", "en", name="register.csv"), n=1, m=1)


def test_upload_messages_and_table_in_vietnamese_with_the_planners_own_headers():
    data = ("Mã dự án;Tên dự án;Ngành;Tình trạng;Kinh độ;Vĩ độ\n"
            "U1;Nhà máy A;Chế biến;Đang hoạt động;107,1;16,8\n"
            "U2;Nhà máy B;thep;Đang hoạt động;107°12'N;16,7\n").encode()
    at = run({"lang": "vi"})
    at.file_uploader(key="upload").upload("so_lieu.csv", data, "text/csv").run()
    assert not at.exception
    problems = next(df.value for df in at.dataframe if "Vị trí" in df.value.columns)
    assert list(problems.columns) == ["Vị trí", "Cột", "Giá trị", "Mức độ", "Vấn đề"]
    assert problems["Cột"].tolist()[:1] == ["Ngành"]
    assert set(problems["Vị trí"]) == {"dòng 3"} and set(problems["Mức độ"]) == {"lỗi"}
    shown = "\n".join([w.value for w in at.warning] + [i.value for i in at.info] + problems["Vấn đề"].tolist())
    assert t("rd_up_partial", "vi", n=1, m=1) in shown
    for english in ("row ", "note:", "unknown", "column", "read as", "warning", "--crs"):
        assert english not in shown, english


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
