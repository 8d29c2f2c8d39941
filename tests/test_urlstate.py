"""Shared links never crash: every query parameter fuzzed with malformed, hostile and out-of-range values."""

import random
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.i18n import t
from geo.schema import codes
from geo.urlstate import MAX_ID, MAX_QUERY, PARAMS, VIEW_BOUNDS, read_url_state

APP = str(Path(__file__).resolve().parent.parent / "app.py")
YEARS = (2004, 2024)
ZONES = ("ip_quan_ngang", "ez_dong_nam")

HOSTILE = [
    "", " ", ",", ",,,", "-", "--", "1-", "-1", "2000-2011", "2011-2000", "2000-", "1e3", "nan", "inf", "-inf",
    "0x7e7", "99999999999999999999999999", "-99999999999999999999", "²⁰¹¹", "٢٠١١", "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>", "${7*7}", "{{7*7}}", "`", "'; DROP TABLE x; --", "\x00", "\x1b[31m", "\u202e",
    "\ufeff", "%00", "%%", "../../etc/passwd", "x" * 5000, "Đông Hà", "a,b,c,d,e,f,g,h", "16.8,107.1",
    "16.8,107.1,12,1", "91,107.1,12", "16.8,200,12", "16.8,107.1,99", "nan,nan,nan", "electricity,electricity",
    "ELECTRICITY", "year", "None", "null", "[]", "{}", "true", "😀",
]


def random_values(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = "0123456789,-.:; eE+ xXnaNiIf<>/\"'`${}[]\\%&=?#\x00\x7f\u0300đĐáạ\u202e😀"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(n)]


@pytest.mark.parametrize("key", PARAMS)
def test_every_parameter_takes_any_value_without_raising(key):
    for value in HOSTILE + random_values(hash(key) % 1000, 300):
        s = read_url_state({key: value}, ZONES, YEARS)
        assert s.lang in ("vi", "en")
        f = s.filters
        assert set(f.sectors) <= set(codes("sector")) and set(f.statuses) <= set(codes("status"))
        assert set(f.districts) <= set(codes("district")) and set(f.zones) <= set(ZONES)
        assert f.year is None or YEARS[0] <= f.year <= YEARS[1]
        assert len(f.query) <= MAX_QUERY and "\x00" not in f.query and "\u202e" not in f.query
        if s.view is not None:
            lat, lon, zoom = s.view
            assert VIEW_BOUNDS[0] <= lat <= VIEW_BOUNDS[1] and VIEW_BOUNDS[4] <= zoom <= VIEW_BOUNDS[5]
        assert all(len(item) <= 60 for item in s.ignored)
        assert len(s.history) <= MAX_ID and not any(ch in s.history for ch in "\x00\x7f\u202e")


@pytest.mark.parametrize(("params", "ignored"), [
    ({"years": "2000-2011"}, []),  # an old range: its last year is shown (and said so by the app)
    ({"years": "2000-2030"}, ["year=2030"]),
    ({"year": "1900"}, ["year=1900"]),
    ({"year": "2011", "years": "2004-2009"}, ["years=2004-2009"]),
    ({"lang": "fr"}, ["lang=fr"]),
    ({"zone": "ip_quan_ngang,nowhere"}, ["zone=nowhere"]),
    ({"view": "16.8,107.1"}, ["view=16.8,107.1"]),
    ({"view": "16.8,107.1,40"}, ["view=16.8,107.1,40"]),
    ({"q": "a\x00b"}, ["q=ab"]),
    ({"q": "x" * 500}, ["q=" + "x" * 40 + "…"]),
    ({"utm_source": "mail"}, ["utm_source=mail"]),
    ({"history": "P\x0007"}, ["history=P07"]),
    ({"history": "P" * 65}, ["history=" + "P" * 40 + "…"]),
])
def test_values_outside_the_data_are_listed(params, ignored):
    assert list(read_url_state(params, ZONES, YEARS).ignored) == ignored


def test_good_values_are_kept():
    s = read_url_state({"lang": "en", "sector": "electricity", "zone": "ez_dong_nam", "year": "2011",
                        "q": "  quan   ngang ", "view": "16.8,107.1,12.5"}, ZONES, YEARS)
    assert (s.lang, s.filters.sectors, s.filters.zones, s.filters.year) == ("en", ("electricity",),
                                                                               ("ez_dong_nam",), 2011)
    assert s.filters.query == "quan ngang" and s.view == (16.8, 107.1, 12.5) and s.ignored == ()
    assert read_url_state({"history": " P07 "}).history == "P07"  # a popup's link: the app checks the register


# The page itself, run headless: one link per parameter carrying its worst values, and one with all at once.
PAGE_CASES = [{key: value} for key in PARAMS for value in ("2000-2011", "<img src=x onerror=alert(1)>\x00",
                                                           "9" * 40)]
PAGE_CASES.append({key: "${7*7},\u202e,-1,nan" for key in PARAMS} | {"bogus": "1"})


@pytest.mark.parametrize("params", PAGE_CASES[::3] + PAGE_CASES[-1:], ids=lambda p: ",".join(p))
def test_the_page_renders_whatever_the_link(params):
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    assert at.title[0].value in (t("app_title", "vi"), t("app_title", "en"))
    state = read_url_state(params, years=YEARS)
    if state.ignored:  # what was left out is said, value by value
        warned = " ".join(w.value for w in at.warning)
        assert all(item.split("=", 1)[0] + "=" in warned for item in state.ignored)
