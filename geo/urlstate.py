"""Reading a shared link: every query parameter validated, bad values ignored or clamped and listed.

A link is user input: it may be malformed, hostile or from an older version of the
app. :func:`read_url_state` never raises on any mapping of strings; what it cannot use
it leaves out and lists in :attr:`UrlState.ignored` (``key=value``, shortened), so the
page can say so and still render.

Examples
--------
>>> s = read_url_state({"lang": "fr", "sector": "electricity", "year": "1900", "view": "16.8,107.1,12"},
...                    years=(2004, 2024))
>>> s.lang, s.filters.sectors, s.filters.year, s.view
('vi', ('electricity',), None, (16.8, 107.1, 12.0))
>>> s.ignored
('lang=fr', 'year=1900')
>>> read_url_state({"view": "91,500,99", "utm_source": "x"}).ignored
('utm_source=x', 'view=91,500,99')

"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from geo.filters import Filters

__all__ = ["MAX_ID", "MAX_QUERY", "PARAMS", "VIEW_BOUNDS", "UrlState", "read_url_state", "view_param"]

# Every parameter a link may carry (anything else is listed as ignored).
PARAMS: tuple[str, ...] = ("lang", "sector", "status", "district", "zone", "year", "years", "q", "view", "history")
MAX_QUERY = 100  # characters of free-text search kept from a link
MAX_ID = 64  # characters of a record id in history=ID
MAX_SHOWN = 40  # characters of an ignored value repeated in the warning
# The views a link may ask for: (lat min, lat max, lon min, lon max, zoom min, zoom max), around the province.
VIEW_BOUNDS: tuple[float, float, float, float, float, float] = (14.5, 19.0, 104.5, 109.5, 6.0, 18.0)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


@dataclass(frozen=True)
class UrlState:
    """What a link asks for, reduced to what the data allows."""

    lang: str
    filters: Filters
    view: tuple[float, float, float] | None  # (lat, lon, zoom) or None for the default view
    ignored: tuple[str, ...]
    legacy_years: str = ""  # an old link's years=A-B range, shown as the state in year B
    history: str = ""  # the record whose history a popup's link opens (the app checks it is in the register)


def _shown(key: str, value: str) -> str:
    value = _CONTROL.sub("", value)
    return f"{key}={value[:MAX_SHOWN]}…" if len(value) > MAX_SHOWN else f"{key}={value}"


def _first(value: object) -> str:
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""  # as Streamlit: the last of repeated parameters
    return value if isinstance(value, str) else ""


def _view(raw: str) -> tuple[float, float, float] | None:
    """``lat,lon,zoom`` inside :data:`VIEW_BOUNDS`, else None."""
    parts = raw.split(",")
    if len(parts) != 3:
        return None
    try:
        lat, lon, zoom = (float(p) for p in parts)
    except ValueError:
        return None
    lat0, lat1, lon0, lon1, z0, z1 = VIEW_BOUNDS
    if not all(map(math.isfinite, (lat, lon, zoom))):
        return None
    if not (lat0 <= lat <= lat1 and lon0 <= lon <= lon1 and z0 <= zoom <= z1):
        return None
    return (lat, lon, zoom)


def view_param(view: tuple[float, float, float]) -> str:
    """The ``view`` parameter for (lat, lon, zoom), rounded to what a screen shows.

    >>> view_param((16.812345678, 107.1, 12.25))
    '16.8123,107.1,12.25'
    """
    lat, lon, zoom = view
    return f"{round(lat, 4):g},{round(lon, 4):g},{round(zoom, 2):g}"


def read_url_state(params: Mapping[str, object], zone_ids: tuple[str, ...] = (),
                   years: tuple[int, int] | None = None, langs: tuple[str, ...] = ("vi", "en"),
                   default_lang: str = "vi") -> UrlState:
    """Validate every parameter of ``params`` (a query string as a mapping); never raises.

    ``zone_ids``: the valid zone ids (empty: any); ``years``: the first and last year of
    the data (a year outside it is ignored); ``langs``: the interface languages.
    """
    ignored: list[str] = []
    clean: dict[str, str] = {}
    for key, value in params.items():
        key = key if isinstance(key, str) else str(key)
        if key not in PARAMS:
            ignored.append(_shown(key, _first(value)))
        else:
            clean[key] = _first(value)
    lang = clean.get("lang", default_lang).strip()
    if lang not in langs:
        ignored.append(_shown("lang", clean["lang"]))
        lang = default_lang
    query = clean.get("q", "")
    safe = " ".join(_CONTROL.sub(" ", query).split())[:MAX_QUERY]
    if safe != " ".join(query.split()):  # control characters removed or the text cut
        ignored.append(_shown("q", query))
    clean["q"] = safe
    f = Filters.from_query_params(clean, zone_ids)
    ignored += [_shown(*item.split("=", 1)) for item in f.ignored]
    year, legacy = f.year, f.legacy_years
    if year is not None and years is not None and not years[0] <= year <= years[1]:
        ignored.append(_shown("year", str(year)))
        year, legacy = None, ""
    view = None
    if raw_view := clean.get("view", "").strip():
        view = _view(raw_view)
        if view is None:
            ignored.append(_shown("view", raw_view))
    history = clean.get("history", "").strip()
    if history and (len(history) > MAX_ID or _CONTROL.search(history)):
        ignored.append(_shown("history", history))
        history = ""
    return UrlState(lang, f.with_(year=year), view, tuple(ignored), legacy, history)
