"""`python -m geo validate` as a user runs it: exit codes 0/1/2, located lines, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pyproj import Transformer

from geo.bundled import DATA_DIR

REPO = Path(__file__).resolve().parent.parent
CRS_NAMES = {"vn2000-utm48": "VN-2000 / UTM zone 48N", "vn2000-tm3-quangtri": "VN-2000 / TM-3 106-15"}
HEADER = "id,name_vi,sector,status,location_confidence,sources"
ROWS = [("P1", "Nhà máy gỗ MDF VRG Quảng Trị", "processing", "operating", "low", "KL11", 106.7321, 16.6453),
        ("P2", "Nhà máy xi măng Đông Hà", "Vật liệu xây dựng", "đang xây dựng", "medium", "S01", 107.0912, 16.8134)]


def run(*args: str) -> subprocess.CompletedProcess:
    """``python -m geo validate ARGS``, in English unless ARGS give --lang."""
    lang = () if "--lang" in args else ("--lang", "en")
    result = subprocess.run([sys.executable, "-m", "geo", "validate", *args, *lang], cwd=REPO, capture_output=True,
                            text=True, timeout=120)
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    return result


def lonlat_csv(path: Path, sector: str | None = None) -> Path:
    lines = [HEADER + ",lon,lat"]
    for i, (*cells, lon, lat) in enumerate(ROWS):
        if sector and i == 1:
            cells[2] = sector
        lines.append(",".join(cells) + f",{lon},{lat}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def xy_csv(path: Path, epsg: str) -> Path:
    to_xy = Transformer.from_crs("EPSG:4326", epsg, always_xy=True)
    lines = [HEADER + ",x,y"]
    for *cells, lon, lat in ROWS:
        x, y = to_xy.transform(lon, lat)
        lines.append(",".join(cells) + f",{x:.3f},{y:.3f}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_valid_bundled_file_exits_0():
    result = run(str(DATA_DIR / "projects.geojson"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "projects.geojson: OK, 26 features (project)"


def test_kind_option():
    result = run(str(DATA_DIR / "infrastructure.geojson"), "--kind", "infrastructure")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].startswith("infrastructure.geojson: OK, ")
    assert result.stdout.splitlines()[0].endswith(" features (infrastructure), 2 warnings")


def test_problems_exit_1_with_located_lines(tmp_path):
    result = run(str(lonlat_csv(tmp_path / "du_an.csv", sector="thep khi")))
    assert result.returncode == 1
    assert "du_an.csv:row 3: sector='thep khi': unknown sector" in result.stdout


@pytest.mark.parametrize(("crs", "epsg"), [("vn2000-utm48", "EPSG:3405"), ("vn2000-tm3-quangtri", "EPSG:9212")])
def test_crs_option(tmp_path, crs, epsg):
    path = xy_csv(tmp_path / "toa_do.csv", epsg)
    without = run(str(path))
    assert without.returncode == 1
    assert f"toa_do.csv: the X/Y columns 'x'/'y' have no CRS; they look like {CRS_NAMES[crs]} metres: add --crs {crs}" \
        in without.stdout.splitlines()
    with_crs = run(str(path), "--crs", crs)
    assert with_crs.returncode == 0, with_crs.stdout
    assert with_crs.stdout.startswith("toa_do.csv: OK, 2 features (project)")


@pytest.mark.parametrize(("name", "data", "args", "expected"), [
    ("empty.csv", b"", (), "empty.csv: cannot read: the file is empty"),
    ("broken.gpkg", b"SQLite format 3\x00" + b"\x00" * 200, (), "broken.gpkg: cannot read"),
    ("du_an.kml", b"<kml/>", (), "unsupported file type '.kml'"),
    ("du_an.csv", b"id,x,y\n1,700000,1850000\n", ("--crs", "utm-48"), "unknown CRS 'utm-48'"),
])
def test_unreadable_exits_2_with_one_line(tmp_path, name, data, args, expected):
    path = tmp_path / name
    path.write_bytes(data)
    result = run(str(path), *args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert expected in result.stdout
    assert len(result.stdout.strip().splitlines()) == 1


def test_missing_file_exits_2(tmp_path):
    result = run(str(tmp_path / "khong_co.csv"))
    assert result.returncode == 2
    assert "khong_co.csv: cannot read: file not found" in result.stdout


def test_unknown_kind_is_a_usage_error():
    result = run(str(DATA_DIR / "projects.geojson"), "--kind", "park")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_messages_are_vietnamese_by_default(tmp_path):
    path = lonlat_csv(tmp_path / "du_an.csv", sector="thep khi")
    result = run(str(path), "--lang", "vi")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith(
        "du_an.csv:dòng 3: sector='thep khi': sector không có trong danh mục")
    assert result.stderr.strip() == "du_an.csv: tệp có 1 lỗi"
    default = subprocess.run([sys.executable, "-m", "geo", "validate", str(path)], cwd=REPO, capture_output=True,
                             text=True, timeout=120)
    assert (default.stdout, default.stderr) == (result.stdout, result.stderr)


def test_valid_file_in_vietnamese():
    result = run(str(DATA_DIR / "projects.geojson"), "--lang", "vi")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "projects.geojson: hợp lệ, 26 đối tượng (dự án)"
    assert result.stderr == ""


def test_problem_count_on_stderr_is_plural_correct(tmp_path):
    one = run(str(lonlat_csv(tmp_path / "a.csv", sector="thep")))
    assert one.stderr.strip() == "a.csv: the file has 1 problem"
    lines = lonlat_csv(tmp_path / "b.csv", sector="thep").read_text(encoding="utf-8").replace("processing", "xyz")
    (tmp_path / "b.csv").write_text(lines, encoding="utf-8")
    two = run(str(tmp_path / "b.csv"))
    assert two.stderr.strip() == "b.csv: the file has 2 problems"
