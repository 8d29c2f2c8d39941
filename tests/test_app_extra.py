"""The app with an upload drawn as an extra layer (AppTest): caption, legend, layer control, statistics.

The uploads are [SYNTHETIC]: made-up names at coordinates inside the province.
"""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from geo.i18n import t

APP = str(Path(__file__).resolve().parent.parent / "app.py")
UPLOAD = ("id,name_vi,sector,status,lon,lat\n"
          "U1,[SYNTHETIC] Nhà máy nước A,water,operating,107.10,16.80\n"
          "U2,[SYNTHETIC] Nhà máy nước B,water,planned,107.20,16.70\n"
          "U3,[SYNTHETIC] Điện mặt trời C,electricity,operating,106.90,16.75\n"
          "U4,[SYNTHETIC] Nhà máy D,steel,operating,107.00,16.70\n").encode()
PARKS = ("id,name_vi,status,lon,lat\n"
         "K1,[SYNTHETIC] Khu công nghiệp mới,operating,107.05,16.78\n").encode()


def upload(lang: str, data: bytes = UPLOAD, name: str = "Dự án mới.csv", kind: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = lang
    at.run()
    if kind:
        at.selectbox(key="upload_kind").select(kind).run()
    at.file_uploader(key="upload").upload(name, data, "text/csv").run()
    assert not at.exception
    return at


def component_args(at: AppTest, key: str) -> dict:
    """The arguments the app passed to the component that takes ``key`` (the map, or the feed beside it)."""
    (args,) = [a for c in at.get("component_instance") if key in (a := json.loads(c.proto.json_args))]
    return args


def map_args(at: AppTest) -> dict:
    """The arguments the app passed to the map component (its script, feature groups, layer control)."""
    return component_args(at, "feature_group")


def legend(at: AppTest) -> dict:
    """The legend spec the map draws, as the app sends it through the map's feed."""
    return component_args(at, "legend")["legend"]


def test_an_extra_layer_is_in_the_caption_the_legend_the_layer_control_and_the_statistics():
    at = upload("en")
    title = t("layer_uploaded", "en", name="Dự án mới.csv")
    caption = [c.value for c in at.tabs[0].caption][0]
    assert caption.endswith(" · " + t("extra_caption", "en", title=title, n=3, m=3))  # U4 (steel) is left out
    section = legend(at)["sections"][-1]
    assert section["title"] == title
    assert [(i["label"], i["count"]) for i in section["items"]] == [("Electricity", 1), ("Water supply", 2)]
    assert f"{json.dumps(title)} :" in map_args(at)["layer_control"]  # its own switch in the layer control
    at.session_state["tab"] = t("stats", "en")  # the statistics run only while their tab is open
    at.run()
    assert t("extra_stats", "en", title=title) in [s.value for s in at.subheader]


def test_in_vietnamese_the_extra_layer_is_named_in_vietnamese():
    at = upload("vi")
    title = t("layer_uploaded", "vi", name="Dự án mới.csv")
    assert [c.value for c in at.tabs[0].caption][0].endswith(f" · {title}: 3/3 đối tượng có vị trí")
    section = legend(at)["sections"][-1]
    assert section["title"] == "Dữ liệu tải lên: Dự án mới.csv"
    assert [i["label"] for i in section["items"]] == ["Sản xuất điện", "Sản xuất nước sạch"]


def test_an_uploaded_park_layer_gets_its_kinds_legend_row():
    at = upload("en", PARKS, "kcn.csv", kind="industrial_park")
    section = legend(at)["sections"][-1]
    assert section["title"] == t("layer_uploaded", "en", name="kcn.csv")
    assert [(i["label"], i["count"], i["shape"]) for i in section["items"]] == [("Industrial parks", 1, "square")]


def test_an_upload_that_replaces_the_register_is_no_extra_layer():
    at = upload("en")
    at.checkbox(key="upload_replace").check().run()
    at.session_state["tab"] = t("stats", "en")
    at.run()
    assert not at.exception
    title = t("layer_uploaded", "en", name="Dự án mới.csv")
    assert title not in [c.value for c in at.tabs[0].caption][0]
    assert all(s["title"] != title for s in legend(at)["sections"])
    assert t("extra_stats", "en", title=title) not in [s.value for s in at.subheader]


def test_a_text_search_finds_the_projects_of_an_upload_that_replaces_the_register():
    at = upload("en")
    at.checkbox(key="upload_replace").check().run()
    at.text_input(key="q").set_value("nha may nuoc").run()  # folded: "Nhà máy nước" A and B
    assert not at.exception
    caption = [c.value for c in at.tabs[0].caption][0]
    assert caption.startswith(t("n_shown", "en", shown=2, total=3)), caption  # U4 ("steel", no sector code) is left out
    at.text_input(key="q").set_value("").run()
    assert [c.value for c in at.tabs[0].caption][0].startswith(t("n_shown", "en", shown=3, total=3))


def test_an_area_conflict_offers_a_pick_per_field_both_editors_changed(tmp_path, monkeypatch):
    """Two editors change a cluster's notes; the second gets the conflict box with a pick for notes.

    A merge with "theirs" picked keeps the first editor's notes and the second's other change (the area form
    once merged with "mine" without asking).
    """
    from geo import editing
    from geo.store import open_store
    from geo.users import StoreAccounts, Throttle, sign_in

    password = "mật khẩu thử 2026"  # [SYNTHETIC]
    store = open_store(str(tmp_path / "r.gpkg"))
    for name in ("ana", "binh"):
        StoreAccounts(store).add(name, password)
    monkeypatch.setenv("QTMAP_STORE", str(tmp_path / "r.gpkg"))
    monkeypatch.delenv("QTMAP_PROJECTS", raising=False)
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.text_input(key="ed_user").input("ana")
    at.text_input(key="ed_password").input(password)
    next(b for b in at.button if b.label == t("ed_sign_in", "vi")).click().run()
    at.radio(key="ed_mode").set_value("area").run()
    at.selectbox(key="ar_record").set_value("ccn_cam_hieu").run()
    base = store.current_areas(ids=["ccn_cam_hieu"])["ccn_cam_hieu"]
    binh = sign_in(StoreAccounts(store), Throttle(), "binh", password, "test")
    editing.save_record(store, binh, "ccn_cam_hieu", base, {"notes": "ghi chú của binh [SYNTHETIC]"}, "thử", "vi")

    at.text_input(key="ar_f_notes").input("ghi chú của ana [SYNTHETIC]")
    at.text_input(key="ar_f_area_note").input("theo ana [SYNTHETIC]")  # a field only ana changed
    at.text_input(key="ar_reason").input("sửa của ana")
    at.button(key="ar_save").click().run()
    assert not at.exception
    assert [w.key for w in at.radio if w.key.startswith("ar_pick_")] == ["ar_pick_notes"]
    at.radio(key="ar_pick_notes").set_value("theirs").run()
    at.button(key="ar_choose_merge").click().run()
    now = store.current_areas(ids=["ccn_cam_hieu"])["ccn_cam_hieu"]
    assert (now["notes"], now["area_note"]) == ("ghi chú của binh [SYNTHETIC]", "theo ana [SYNTHETIC]")
    assert store.changesets()[0].author == "ana"
