"""The Edit tab's area mode over a session's state: pick a park, zone or cluster, correct it, save a drawn footprint.

As :mod:`geo.editsession` (a mapping, no streamlit here; the tests pass a dict): app.py
draws the widgets, these functions do the work through :mod:`geo.editing`, which
checks the session's editor itself. Keys: ``ar_record`` (the picked area's id),
``ar_base`` (the area as opened: the conflict base), ``ar_f_NAME`` per form field,
``ar_quality``, ``ar_reason``, ``ar_conflict``, ``ar_messages``.

Examples
--------
>>> s = {"ar_messages": []}
>>> area_at(None, {"lng": 107.1, "lat": 16.8}) is None
True

"""

from __future__ import annotations

from collections.abc import MutableMapping

import geopandas as gpd
import shapely

from geo import areaform, editing
from geo.i18n import t
from geo.store import StoreError
from geo.users import NotSignedIn

__all__ = ["PICK_KM", "area_at", "open_area", "pick_at", "save_area", "save_drawn", "resolve_area_conflict"]

State = MutableMapping[str, object]
PICK_KM = 1.0  # a click this close to a park's footprint (or a cluster's point) picks it


def area_at(areas: gpd.GeoDataFrame | None, click: object) -> str | None:
    """The id of the area a map click (``{"lng", "lat"}``) falls in, else the nearest within :data:`PICK_KM`."""
    if areas is None or not isinstance(click, dict) or not len(areas):
        return None
    point = shapely.Point(float(click["lng"]), float(click["lat"]))
    located = areas[areas.geometry.notna() & ~areas.geometry.is_empty]
    inside = located[located.geometry.contains(point)]
    if len(inside):
        return str(inside.loc[inside.to_crs("EPSG:32648").area.idxmin(), "id"])  # the smallest: a park in a zone
    metric = located.to_crs("EPSG:32648")
    distance = metric.geometry.distance(gpd.GeoSeries([point], crs="EPSG:4326").to_crs("EPSG:32648").iloc[0])
    if not len(distance) or distance.min() > PICK_KM * 1000:
        return None
    return str(located.loc[distance.idxmin(), "id"])


def open_area(s: State, store) -> None:
    """Load the picked area into the form's widgets, remembering it as the conflict base."""
    ident = s.get("ar_record")
    base = store.current_areas(ids=[ident]).get(ident) if ident else None
    s.update(ar_base=base, ar_conflict=None, ar_reason="")
    if base is not None:
        opened = areaform.area_form_values(base)
        s.update({f"ar_f_{name}": value for name, value in opened.items()})
        quality = base.get("geometry_quality")
        s["ar_quality"] = quality if quality in areaform.DRAWN_QUALITIES else areaform.DRAWN_QUALITIES[0]


def pick_at(s: State, store, areas: gpd.GeoDataFrame, click: object) -> None:
    """A click on the map in area mode picks the park, zone or cluster there (once per new click)."""
    if click == s.get("ar_click"):
        return
    s["ar_click"] = click
    ident = area_at(areas, click)
    if ident is not None and ident != s.get("ar_record"):
        s["ar_record"] = ident
        open_area(s, store)


def _done(s: State, store, result, lang: str) -> None:
    if isinstance(result, editing.Conflict):
        s.update(ar_conflict=result, ar_messages=[])
        return
    messages = [m for m in s.get("ar_messages") or [] if m[0] == "warning"]
    open_area(s, store)
    s["ar_messages"] = [("success", t("ed_saved", lang, id=result.changeset_id, record=result.record_id)),
                        *messages]


def _guarded(s: State, store, write, lang: str) -> None:
    try:
        _done(s, store, write(), lang)
    except (NotSignedIn, StoreError, ValueError) as exc:
        s["ar_messages"] = [*(s.get("ar_messages") or []), ("error", str(exc))]


def save_area(s: State, store, lang: str) -> None:
    """Save the typed attributes: the import checks, then a save against the version the form opened."""
    base = s["ar_base"]
    values = {f.name: s.get(f"ar_f_{f.name}") for f in areaform.area_fields(str(base["kind"]))}
    check = areaform.check_area(values, base, lang)
    s["ar_messages"] = [("error", m) for m in check.errors] + [("warning", m) for m in check.warnings]
    if check.record is None:
        return
    mine = {k: v for k, v in check.record.items() if v != base.get(k)}
    _guarded(s, store, lambda: editing.save_record(store, s.get("editor"), base["id"], base, mine,
                                                   s.get("ar_reason", ""), lang), lang)


def save_drawn(s: State, store, drawings: list[dict[str, object]] | None, lang: str) -> None:
    """Save the polygons drawn on the map as the opened area's footprint, with the chosen geometry quality."""
    base = s["ar_base"]
    s["ar_messages"] = []
    geometry = areaform.drawn_geometry(drawings)
    if geometry is not None:
        warnings = areaform.check_footprint(base, geometry, s.get("ar_quality", "approximate"), lang).warnings
        s["ar_messages"] = [("warning", m) for m in warnings]
    _guarded(s, store, lambda: editing.save_footprint(store, s.get("editor"), base["id"], base, geometry,
                                                      s.get("ar_quality", "approximate"), s.get("ar_reason", ""),
                                                      lang), lang)


def resolve_area_conflict(s: State, store, lang: str, choice: str) -> None:
    """Keep theirs (reload), take mine or merge, saved against the newer version."""
    c = s["ar_conflict"]
    values = c.resolve(choice, {f.field: s.get(f"ar_pick_{f.field}", "mine") for f in c.fields})
    if not values:
        open_area(s, store)
        s["ar_messages"] = [("info", t("ed_kept_theirs", lang))]
        return
    _guarded(s, store, lambda: editing.save_record(store, s.get("editor"), c.record_id, c.theirs, values,
                                                   s.get("ar_reason", ""), lang), lang)

