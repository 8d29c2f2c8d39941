"""``--year Y`` on export, html and data: the register drawn and written as it was in year Y."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from geo.cli import main


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"id": str, "status": str, "status_year": "Int64"}, encoding="utf-8-sig")


def test_data_in_a_year_holds_that_years_projects_and_statuses(tmp_path: Path, capsys) -> None:
    out = tmp_path / "2005.csv"
    assert main(["data", "--out", str(out), "--year", "2005"]) == 0
    assert f"wrote {out} (3 records)" in capsys.readouterr().out
    table = read_csv(out)
    # Rào Quán building since 2003, the Đông Hà clinker plant since late 2005, P23 undated.
    assert table["id"].tolist() == ["P01", "P11", "P23"]
    assert table["status"].tolist() == ["under_construction", "under_construction", "operating"]
    assert table["status_year"].tolist()[:2] == [2003, 2005] and pd.isna(table["status_year"].iloc[2])


def test_status_filter_applies_to_the_years_status(tmp_path: Path) -> None:
    out = tmp_path / "op.csv"
    assert main(["data", "--out", str(out), "--year", "2013", "--status", "operating", "--sector", "electricity"]) == 0
    assert read_csv(out)["id"].tolist() == ["P01"]
    assert main(["data", "--out", str(out), "--year", "2014", "--status", "operating", "--sector", "electricity"]) == 0
    assert read_csv(out)["id"].tolist() == ["P01", "P03", "P04"]  # small hydropower operating by Feb 2014


def test_without_year_the_latest_state_is_written(tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    assert main(["data", "--out", str(out)]) == 0
    table = read_csv(out).set_index("id")
    assert len(table) == 26
    assert table.loc["P03", "status"] == "operating" and table.loc["P02", "status"] == "under_construction"


def test_old_years_range_means_its_last_year_with_a_warning(tmp_path: Path, capsys) -> None:
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    assert main(["data", "--out", str(old), "--years", "2004-2005"]) == 0
    assert "--years 2004-2005 is replaced by --year" in capsys.readouterr().err
    assert main(["data", "--out", str(new), "--year", "2005"]) == 0
    assert old.read_bytes() == new.read_bytes()


def test_bad_year_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["data", "--out", str(tmp_path / "x.csv"), "--year", "soon"])
    assert exc.value.code == 2


def test_html_in_a_year_draws_that_year_with_timelines_in_popups(tmp_path: Path) -> None:
    early, late = tmp_path / "2005.html", tmp_path / "latest.html"
    assert main(["html", "--out", str(early), "--year", "2005", "--lang", "en"]) == 0
    assert main(["html", "--out", str(late), "--lang", "en"]) == 0
    early_html, late_html = early.read_text(encoding="utf-8"), late.read_text(encoding="utf-8")
    beer = "Hà Nội–Quảng Trị Beer JSC"  # P24, located, anchor investor in 2018
    assert beer not in early_html and beer in late_html
    assert "Licensed 2002 → Under construction 2003 → Operating 2007" in early_html
    assert "Status timeline" in early_html


def test_export_subtitle_names_the_year(tmp_path: Path) -> None:
    out = tmp_path / "2011.svg"
    assert main(["export", "--out", str(out), "--year", "2011", "--dpi", "40", "--lang", "vi"]) == 0
    assert "Hiện trạng năm 2011" in out.read_text(encoding="utf-8")
