"""The output-format table (geo.formats): every row resolves to a writer, and the CLI, write_data and the app use it."""

import inspect
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import dataexport
from geo.cli import build_parser
from geo.filters import Filters
from geo.formats import FAMILIES, FORMATS, format_for, suffixes
from geo.i18n import DEFAULT_LANG, t
from geo.readers import READ_SUFFIXES
from geo.register import load_register

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.mark.parametrize("suffix", list(FORMATS))
def test_every_format_has_a_mime_type_a_label_and_a_writer(suffix):
    fmt = FORMATS[suffix]
    assert re.fullmatch(r"[a-z]+/[a-z0-9.+-]+", fmt.mime), fmt.mime
    assert fmt.label.strip() and fmt.family in FAMILIES and fmt.suffix == suffix
    writer = fmt.load_writer()
    assert callable(writer)
    assert list(inspect.signature(writer).parameters)[:3] == ["out", "projects", "filters"]


def test_write_data_accepts_exactly_the_data_rows(tmp_path):
    projects = load_register(index=False)
    assert dataexport.FORMATS == suffixes("data") == (".geojson", ".gpkg", ".csv", ".xlsx")
    for suffix in (*suffixes("report"), *suffixes("html"), ".txt"):
        with pytest.raises(ValueError, match="unsupported data format"):
            dataexport.write_data(tmp_path / f"x{suffix}", projects, Filters())


def test_format_for_ignores_case_and_names_the_supported_suffixes():
    assert format_for("A.GeoJSON").suffix == ".geojson"
    with pytest.raises(ValueError, match=r"use \.png, \.pdf, \.svg$"):
        format_for("a.geojson", "report")
    with pytest.raises(ValueError, match="unknown output family"):
        suffixes("video")


def test_cli_help_lists_the_table_suffixes():
    sub = build_parser()._subparsers._group_actions[0].choices
    data_help = next(a.help for a in sub["data"]._actions if a.dest == "out")
    export_help = next(a.help for a in sub["export"]._actions if a.dest == "out")
    assert all(s in data_help for s in suffixes("data")) and ".png" not in data_help
    assert all(s in export_help for s in suffixes("report")) and ".csv" not in export_help


def test_app_offers_one_download_per_format_and_uploads_what_the_readers_read():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and not at.get("download_button")  # the downloads tab runs only while open
    at.session_state["tab"] = t("downloads", DEFAULT_LANG)
    at.run()
    buttons = at.get("download_button")
    keys = sorted(b.key for b in buttons)
    assert keys == sorted(f"dl_{s[1:]}" for s in FORMATS)
    uploader = at.get("file_uploader")[0]
    assert sorted(uploader.proto.type) == sorted(READ_SUFFIXES)
