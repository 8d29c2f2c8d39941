"""qtmap: the interactive planning map of Quảng Trị's industry (run: ``streamlit run app.py``).

A thin page: it reads keyed widgets (restored from and written to the URL), calls
``geo`` for loading, filtering and statistics, builds the map from ``layers`` and
hands it to streamlit-folium, once: its script does not change with the filters. The projects go
beside it through the feed component (layers/feed): the packed register once per session and
version, then each filter's bitset and legend (layers/packed.py, layers/selection.py).
The register comes from the store (QTMAP_STORE, default var/qtmap.gpkg);
QTMAP_PROJECTS=FILE shows that file instead, read-only (no store written).
The year control shows the register as it was in year Y (``geo.timeline.state_in_year``,
applied right after loading): the store's register follows its status timelines, a register
from a file its own status and status_year.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st
import streamlit.components.v1 as components
from streamlit.errors import StreamlitAuthError
from streamlit_folium import st_folium

import folium
import geopandas as gpd

from geo import areaform, bundled, editform, stats
from geo import areasession as area_session
from geo import editsession as session
from geo.extra import ExtraLayer
from geo.filters import Filters, filter_mask, search_index
from geo.formats import FAMILIES, FORMATS, OutputFormat, suffixes
from geo.i18n import DEFAULT_LANG, LANGS, t
from geo.memory import release_freed_memory
from geo.readers import READ_SUFFIXES
from geo.readers.geometry import MULTI_CHOICES
from geo.records import display_name, located
from geo.register import load_register
from geo.schema import ENTITY_KINDS, KINDS, codes, label
from geo.search import closest_names, name_index, search_names, view_of
from geo.store import default_location, open_store
from geo.timeline import empty_timeline, state_in_year, status_counts_by_year, with_timeline_text, year_range
from geo.uploads import check_upload, left_out_bytes, problems_table, sheets_of
from geo.urlstate import read_url_state, view_param
from geo.users import Editor, Throttle, accounts_for, oidc_editor, oidc_providers
from geo.validate import CRS_CANDIDATES
from layers.assets import FEED_DIR, STATIC_URL, install_static
from layers.charts import bar_chart
from layers.draw import drag_marker, draw_control
from layers.htmlmap import render_html
from layers.legend import extra_section, legend_spec
from layers.maps import CENTER, ZOOM, app_map, area_counts, base_layers, extra_group, live_group
from layers.packed import Packed, pack
from layers.selection import selection_bits

HERE = Path(__file__).resolve().parent
UPLOAD_TYPES = [suffix.lstrip(".") for suffix in READ_SUFFIXES]  # what the readers read
CRS_CHOICES = ["", *CRS_CANDIDATES]  # "": guessed by the validator, else the CRSs it tries, in its order
LANG_NAMES = {"vi": "Tiếng Việt", "en": "English"}
# Hands the packed register (once per session and version) and each filter's bitset to the map (layers/feed).
feed_component = components.declare_component("qtmap_feed", path=str(FEED_DIR))
MAP_HEIGHT = 560  # px
# A compact page head, so that at a laptop's 1366×768 most of the map shows without scrolling (constant CSS only).
PAGE_CSS = """<style>
[data-testid="stMainBlockContainer"], .block-container { padding-top: 2.2rem; padding-bottom: 1rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 1.75rem; padding: 0 0 0.2rem; }
</style>"""


# --- data: loaded once per process, shared read-only by every session ---------------------------
@st.cache_resource(show_spinner=False, max_entries=2)
def load_layers(areas: tuple[object, ...] = ("bundled",)) -> dict[str, gpd.GeoDataFrame]:
    """Every bundled layer but the register; the parks, zones and clusters from the store for a store source."""
    layers = {k: v for k, v in bundled.load_all().items() if k != "project"}
    return {**layers, **bundled.split_zones(load_zones(areas))} if areas[0] == "store" else layers


def areas_source(store) -> tuple[object, ...]:
    """Where the areas come from: ("bundled",) beside a register from a file, else the store and its areas' version."""
    return ("bundled",) if store is None else ("store", store.location, store.areas_version())


def register_source(store) -> tuple[object, ...]:
    """Where the register comes from, as the key of every cache below.

    ``("file", PATH)`` for QTMAP_PROJECTS=FILE (read-only, no store), else ``("store", location,
    change sets, latest id)``: one cheap query, so a change committed elsewhere shows on the next rerun.
    """
    return ("file", os.environ["QTMAP_PROJECTS"]) if store is None else ("store", store.location, *store.version())


@st.cache_resource(show_spinner=False, max_entries=2)
def load_projects(source: tuple[object, ...]) -> gpd.GeoDataFrame:
    """The project register (the store's, or QTMAP_PROJECTS); its search text is made on the first text search.

    Reading it allocates several times what it keeps: the allocators give the rest back (geo/memory.py).
    """
    projects = load_register(source[1], index=False) if source[0] == "file" else open_store(source[1]).load()
    release_freed_memory()
    return projects


@st.cache_resource(show_spinner=False, max_entries=2)
def search_text(source: tuple[object, ...]) -> pd.Series:
    """The register's folded search text, one per row (geo.filters.search_index), made on the first text search.

    Not with the first page: at 1,000,000 projects it takes ~4 s and ~0.3 GB that the map does not need.
    """
    return search_index(load_projects(source))


@st.cache_resource(show_spinner=False)
def load_base_layers(lang: str, areas: tuple[object, ...]) -> dict:
    """The base map's layers, serialised once per language and areas' version (the map draws copies of them)."""
    return base_layers(load_layers(areas), lang)


@st.cache_resource(show_spinner=False, max_entries=2)
def load_timeline(source: tuple[object, ...]) -> pd.DataFrame:
    """The status timelines of the register: the store's, none for a register from a file."""
    return empty_timeline() if source[0] == "file" else open_store(source[1]).timeline()


@st.cache_resource(show_spinner=False, max_entries=8)
def projects_in_year(source: tuple[object, ...], year: int) -> gpd.GeoDataFrame:
    """The register as it was in ``year`` (shared read-only, like the register itself)."""
    return state_in_year(load_projects(source), load_timeline(source), year)


@st.cache_resource(show_spinner=False, max_entries=2)
def counts_by_year(source: tuple[object, ...]) -> pd.DataFrame:
    """Projects per status in each year of the register's timelines, for the statistics."""
    return status_counts_by_year(load_projects(source), load_timeline(source))


@st.cache_resource(show_spinner=False)
def load_name_index(lang: str, source: tuple[object, ...]) -> pd.DataFrame:
    """Everything named on the map (bundled layers and the register), for the name search."""
    return name_index({**load_layers(AREAS), "project": load_projects(source)}, lang)


@st.cache_resource(show_spinner=False, max_entries=2)
def load_zones(areas: tuple[object, ...] = ("bundled",)) -> gpd.GeoDataFrame:
    """Parks, economic zones and clusters (``kind`` column): the bundled ones or the store's."""
    return open_store(areas[1]).load_areas() if areas[0] == "store" else bundled.load_zones()


@st.cache_resource(show_spinner=False, max_entries=2)
def register_years(source: tuple[object, ...]) -> tuple[int, int]:
    """The first and last year of the register and its timelines (the year slider's range)."""
    return year_range(load_projects(source), load_timeline(source))


@st.cache_resource(show_spinner=False, max_entries=2)
def register_ids(source: tuple[object, ...]) -> frozenset[str]:
    """The ids of the register's projects (history links and edits name them)."""
    return frozenset(load_projects(source)["id"])


@st.cache_resource(show_spinner=False, max_entries=8)
def located_in_year(source: tuple[object, ...], year: int) -> np.ndarray:
    """Which rows of the register of ``year`` have a location (a boolean mask; the map draws only those)."""
    return located(projects_in_year(source, year)).to_numpy()


@st.cache_resource(show_spinner=False, max_entries=32)
def filtered(source: tuple[object, ...], year: int, key: tuple[tuple[str, str], ...], _filters: Filters
             ) -> np.ndarray:
    """Which rows of the register of ``year`` pass the filters (``key``: their query parameters): a boolean mask.

    A mask, not the rows: the map needs only which rows and how many (a copy of 600,000 of 1,000,000 rows took
    ~0.4 s of a filter change and ~130 MB per cached filter); the statistics take their rows themselves.
    """
    projects = projects_in_year(source, year)
    haystack = search_text(source).loc[projects.index] if _filters.query else None
    return filter_mask(projects, _filters, load_zones(AREAS), haystack)


@st.cache_resource(show_spinner=False, max_entries=4)
def packed_register(key: tuple[object, ...], _projects: gpd.GeoDataFrame, _timeline: pd.DataFrame,
                    lang: str, history: bool) -> Packed:
    """The register as the map's blob (layers/packed.py), once per (source, year, language); history: popup links."""
    packed = pack(with_timeline_text(_projects, _timeline, lang), lang, key,
                  history=t("hi_popup_link", lang) if history else None)
    release_freed_memory()
    return packed


@st.cache_resource(show_spinner=False, max_entries=32)
def map_selection(key: tuple[object, ...], _packed: Packed, _projects: gpd.GeoDataFrame, _keep: np.ndarray, lang: str
                  ) -> tuple[bytes, dict[str, object]]:
    """The filter's result as the packed rows' bitset, and the legend of what it shows (per register and filter).

    ``_keep``: the rows of ``_projects`` the filter keeps (the legend counts those with a location itself).
    """
    counted = [c for c in ("sector", "status") if c in _projects] + [_projects.geometry.name]  # what the legend reads
    return (selection_bits(_packed.index, _projects.index[_keep]),
            legend_spec(_projects.loc[_keep, counted], lang, area_counts(load_layers(AREAS))))


@st.cache_resource(show_spinner=False, max_entries=32)
def filtered_counts(key: tuple[object, ...], _projects: gpd.GeoDataFrame, _keep: np.ndarray, lang: str
                    ) -> list[pd.DataFrame]:
    """The statistics tab's counts of the filtered projects (``_keep`` of ``_projects``: per sector, status, ...)."""
    _shown = _projects[_keep]
    return [stats.count_by(_shown, "sector", lang), stats.count_by(_shown, "status", lang),
            stats.count_by(_shown, "district", lang), stats.count_by_zone(_shown, load_zones(AREAS), lang)]


@st.cache_resource(show_spinner=False, max_entries=8)
def register_tables(key: tuple[object, ...], _projects: gpd.GeoDataFrame, lang: str
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The statistics tab's tables that follow the register and year, not the filters: reported vs mapped, unlocated."""
    all_layers = {**load_layers(AREAS), "project": _projects}
    return (stats.reported_vs_dataset(bundled.load_aggregates(), all_layers, lang),
            stats.unlocated(all_layers, lang).rename(columns=unlocated_headers(lang)))


def feed_map(packed: Packed, bits: bytes, legend: dict[str, object]) -> None:
    """Send the map what it draws: the register once per session and version, and the filter's bitset."""
    s = st.session_state
    asked = (s.get("qtmap_feed") or {}).get("missing") == packed.version  # the page lost it: send it again
    resend = s.get("qtmap_feed_sent") != packed.version or asked
    feed_component(version=packed.version, blob=packed.blob if resend else None, bits=bits, legend=legend,
                   key="qtmap_feed", default=None)
    s.qtmap_feed_sent = packed.version


validate_upload = st.cache_data(show_spinner=False, max_entries=8)(check_upload)  # once per content and choices
upload_sheets = st.cache_data(show_spinner=False, max_entries=8)(sheets_of)


def checked_upload(choices: tuple, digest: str) -> object:
    """The upload's report, checked once per session and choices with a progress bar (st.progress can't be cached).

    ``digest``: the SHA-256 of the file (``choices[0]``), computed once per rerun by the upload tab.
    """
    key = (digest, *choices[1:])
    slot = st.empty()  # in every run, so the elements below keep their places (no stale copies during a rerun)
    if st.session_state.get("upload_checked", (None,))[0] != key:
        reading = t("rd_up_reading", choices[4], name=choices[1])
        bar = slot.progress(0.0, text=reading)  # real progress: the file read, then each check of geo.validate
        st.session_state.upload_checked = (key, check_upload(*choices, lambda d, n, _s: bar.progress(d / n, reading)))
        slot.empty()
    return st.session_state.upload_checked[1]


@st.cache_data(show_spinner=False, max_entries=8)
def left_out_file(data: bytes, name: str, kind: str, crs: str | None, lang: str, sheet: str | None,
                  multi: str | None) -> bytes:
    """The upload's rows with errors as a file to fix and upload again (geo.uploads)."""
    return left_out_bytes(validate_upload(data, name, kind, crs, lang, sheet, multi))


@st.cache_resource(show_spinner=False)
def static_assets() -> Path:
    """Copy Leaflet and qtmap assets to ./static (served at /app/static/) once per process."""
    return install_static(HERE / "static")


# --- state: URL query string <-> widgets ----------------------------------------------------------
def init_state(zone_ids: tuple[str, ...], years: tuple[int, int], ids: frozenset[str]) -> None:
    """On a session's first run, set the widgets from the URL (``geo.urlstate``: every parameter checked).

    Values the data does not allow (unknown codes, a year outside ``years``, a view off the
    province, unknown parameters) are left out and listed in a warning; the page always renders.
    """
    if "qtmap_init" in st.session_state:
        return
    state = read_url_state(st.query_params.to_dict(), zone_ids, years, LANGS, DEFAULT_LANG)
    f = state.filters
    st.session_state.update(
        lang=state.lang, sector=list(f.sectors), status=list(f.statuses),
        district=list(f.districts), zone=list(f.zones), q=f.query,
        year=years[1] if f.year is None else f.year, qtmap_init=True, ignored=state.ignored,
        legacy_years=state.legacy_years, map_view0=state.view, map_view=state.view,
    )
    if state.history in ids:  # a history=ID link: that record's history opens (ids: none without a store)
        st.session_state.update(hist_record=state.history, hist_dialog=state.history)
    elif state.history:
        st.session_state.ignored = (*state.ignored, f"history={state.history[:40]}")


def current_filters(latest: int) -> Filters:
    """The filters the widgets hold now (the latest year is the default, left out of the URL)."""
    s = st.session_state
    year = int(s.year) if int(s.year) != latest else None
    return Filters(tuple(s.sector), tuple(s.status), tuple(s.district), tuple(s.zone), year, s.q.strip())


def sync_url(filters: Filters, lang: str) -> None:
    """Write the filters, language and the map's view (once moved) to the URL, so a copied link restores them."""
    wanted = {"lang": lang}
    view = st.session_state.get("map_view")
    if view and (abs(view[0] - CENTER[0]) > 1e-3 or abs(view[1] - CENTER[1]) > 1e-3 or view[2] != ZOOM):
        wanted["view"] = view_param(view)  # only once the map has moved from its opening view
    wanted.update(filters.to_query_params())
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def map_moved() -> None:
    """Keep the view the map reports (center and zoom), for the URL, the exports and a remount."""
    value = st.session_state.get("map") or {}
    center, zoom = value.get("center"), value.get("zoom")
    if isinstance(center, dict) and isinstance(zoom, int | float):
        st.session_state.map_view = (float(center["lat"]), float(center["lng"]), float(zoom))
    if st.session_state.get("editor") and st.session_state.get("ed_mode") == "area":  # a click picks an area
        if not value.get("all_drawings"):  # (not while drawing its footprint)
            area_session.pick_at(st.session_state, open_store(default_location()), load_zones(AREAS),
                                 value.get("last_clicked"))
    elif st.session_state.get("editor"):  # an editor's click, or the opened marker's drag, fills lon/lat
        session.map_to_form(st.session_state, value)
    bounds = value.get("bounds") or {}
    try:
        sw, ne = bounds["_southWest"], bounds["_northEast"]
        st.session_state.map_bounds = (float(sw["lng"]), float(sw["lat"]), float(ne["lng"]), float(ne["lat"]))
    except (KeyError, TypeError, ValueError):
        pass


def zoom_to(bounds: tuple[float, float, float, float]) -> None:
    """Move the map to a feature found by name (streamlit-folium sets the view without reloading the map)."""
    st.session_state.map_view0 = st.session_state.map_view = view_of(bounds, height_px=MAP_HEIGHT)


def md_text(text: str) -> str:
    """``text`` from data with Markdown's special characters escaped (button labels are Markdown)."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()#+-.!|<>~$:" else ch for ch in str(text))


def name_search(lang: str, source: tuple[object, ...]) -> None:
    """Below the search box: the places and projects whose name matches, each a button that zooms to it."""
    query = st.session_state.q.strip()
    if not query:
        return
    index = load_name_index(lang, source)
    hits = search_names(index, query)
    if not hits:
        close = closest_names(index, query)
        st.info(t("search_none", lang, query=query)
                + (" " + t("search_suggest", lang, names=", ".join(close)) if close else ""))
        return
    st.caption(t("search_found", lang))
    for hit in hits:
        text = f"{KINDS[hit.kind].label(lang)}: {hit.name}"
        if hit.bounds is None:
            text += f" ({t('search_not_located', lang)})"
        st.button(md_text(text), key=f"hit_{hit.kind}_{hit.id}", on_click=zoom_to, args=(hit.bounds,),
                  disabled=hit.bounds is None, width="stretch")


def language_changed() -> None:
    """The base map is rebuilt in the new language (a remount): it opens where the old one was."""
    st.session_state.map_view0 = st.session_state.get("map_view")


def unlocated_headers(lang: str) -> dict[str, str]:
    """Column headers of the table of unlocated items in ``lang``."""
    return {"kind": t("col_kind", lang), "id": t("field_id", lang), "name": t("col_name", lang),
            "district": t("field_district", lang), "sources": t("field_sources", lang)}


# --- editing: sign-in (geo.users), the write paths (geo.editing, each checks the editor), their state (geo.editsession)
@st.cache_resource(show_spinner=False)
def sign_in_throttle() -> Throttle:
    """Failed sign-ins of every session of this process, per account and per client."""
    return Throttle()


def sign_in_box(store, lang: str) -> Editor | None:
    """Sidebar: Sign in (user name, password) or "Signed in as NAME" and Sign out."""
    s = st.session_state
    editor = session.current_editor(s)
    if editor is not None:
        st.markdown(t("ed_signed_in", lang, name=md_text(editor.name)))
        st.button(t("ed_sign_out", lang), key="ed_sign_out", on_click=session.sign_out, args=(s,))
        return editor
    if s.pop("ed_expired", False):
        st.info(t("ed_session_expired", lang))
    with st.popover(t("ed_sign_in", lang)), st.form("ed_sign_in_form", border=False):
        st.text_input(t("ed_user_name", lang), key="ed_user")
        st.text_input(t("ed_password", lang), type="password", key="ed_password")
        st.form_submit_button(t("ed_sign_in", lang), on_click=session.do_sign_in,
                              args=(s, store, sign_in_throttle(), st.context.ip_address or "local", lang))
    if s.get("ed_signin_error"):
        st.error(s.ed_signin_error)
    oidc_box(store, lang)
    return None


def oidc_box(store, lang: str) -> None:
    """With [auth] in .streamlit/secrets.toml: st.login per provider; a listed editor then edits as their account."""
    try:
        providers = oidc_providers(st.secrets)
    except FileNotFoundError:  # no secrets.toml: accounts with passwords only
        return
    user = st.user.to_dict() if providers else {}
    if providers and user.get("is_logged_in") is not True:
        for p in providers:
            if st.button(t("hi_oidc_login", lang, provider=md_text(p) if p else t("hi_oidc_default", lang)),
                         key=f"ed_oidc_{p or 'default'}"):
                try:
                    st.login(p)
                except StreamlitAuthError as exc:  # the provider's settings are incomplete, or Authlib is missing
                    st.error(str(exc))
    elif providers:
        who = md_text(str(user.get("email") or user.get("name") or "?"))
        if (oidc := oidc_editor(user, accounts_for(store))) is not None:
            st.button(t("hi_oidc_as", lang, name=md_text(oidc.name)), key="ed_oidc_as", on_click=session.oidc_sign_in,
                      args=(st.session_state, store, user))
        else:
            st.caption(t("hi_oidc_viewer", lang, who=who))
        if st.button(t("hi_oidc_logout", lang, who=who), key="ed_oidc_logout"):
            st.logout()


def messages(key: str) -> None:
    """The (kind, text) messages an action left in the session state under ``key``."""
    for kind, text in st.session_state.get(key) or []:
        getattr(st, kind)(text)


def conflict_box(conflict, prefix: str, resolve, store, lang: str) -> None:
    """Show a save that met another editor's change: who, both versions, a pick per field both changed.

    Then the three ways on (keep theirs, keep mine, merge), keyed PREFIX+choose_*; ``resolve`` carries one out.
    """
    s = st.session_state
    st.warning(t("ed_conflict", lang, id=conflict.record_id, authors=md_text(", ".join(conflict.authors))))
    st.dataframe(editform.conflict_table(conflict, lang), hide_index=True, width="stretch")
    for c in (c for c in conflict.fields if c.both_changed):
        st.radio(t("ed_pick", lang, field=editform.field_label(c.field, lang)), ("mine", "theirs"),
                 horizontal=True, key=f"{prefix}pick_{c.field}", format_func=lambda k: t(f"ed_col_{k}", lang))
    for col, choice in zip(st.columns(3), ("theirs", "mine", "merge"), strict=True):
        col.button(t(f"ed_choose_{choice}", lang), key=f"{prefix}choose_{choice}", on_click=resolve,
                   args=(s, store, lang, choice))


def project_form(store, lang: str) -> None:
    """New project / correct or move: one widget per schema field, coordinates, reason and Save."""
    s = st.session_state
    if (conflict := s.get("ed_conflict")) is not None:
        conflict_box(conflict, "ed_", session.resolve_conflict, store, lang)
    st.caption(t("ed_click_hint", lang) + " " + t("ed_required_note", lang))
    cols = st.columns(3)
    cols[0].radio(t("ed_coord_mode", lang), editform.COORD_MODES, key="ed_coord_mode",
                  format_func=lambda m: t(f"ed_{m}", lang))
    vn = s.get("ed_coord_mode") == "vn2000"
    cols[1].text_input(t("ed_x" if vn else "ed_lon", lang), key="ed_a")
    cols[2].text_input(t("ed_y" if vn else "ed_lat", lang), key="ed_b")
    if vn:
        cols[0].selectbox(t("ed_crs", lang), editform.VN2000_CRS, key="ed_crs")
    field_widgets(editform.FORM_FIELDS, "ed_f_", lang)
    st.text_input(t("ed_reason", lang) + " *", key="ed_reason")
    st.button(t("ed_save", lang), key="ed_save", type="primary", on_click=session.save_form, args=(s, store, lang))


def field_widgets(fields, prefix: str, lang: str) -> None:
    """A form's schema fields in three columns: select boxes for vocabularies, checkboxes, text; keys PREFIX+name."""
    cols = st.columns(3)
    for i, f in enumerate(fields):
        key, col = prefix + f.name, cols[i % 3]
        if f.widget == "select":
            col.selectbox(f.label(lang), f.choices(), key=key,
                          format_func=lambda c, f=f: label(f.type, c, lang) if c else "—")
        elif f.widget == "check":
            col.checkbox(f.label(lang), key=key)
        else:
            col.text_input(f.label(lang), key=key)


def area_form(store, lang: str) -> None:
    """Area mode: pick a park, zone or cluster (here or on the map), correct its fields, save a drawn footprint."""
    s = st.session_state
    names = dict(zip(zones["id"], [f"{KINDS[k].label(lang)}: {n}" for k, n in zip(
        zones["kind"], display_name(zones, lang), strict=True)], strict=True))
    st.selectbox(t("ar_record", lang), ["", *names], key="ar_record", on_change=area_session.open_area,
                 args=(s, store), format_func=lambda i: names.get(i, i) if i else "—", help=t("ar_pick_hint", lang))
    if (s.get("ar_base") or {}).get("id") != s.get("ar_record"):
        area_session.open_area(s, store)
    base = s.get("ar_base")
    if base is None:
        return
    if (conflict := s.get("ar_conflict")) is not None:
        conflict_box(conflict, "ar_", area_session.resolve_area_conflict, store, lang)
    st.caption(t("ed_required_note", lang))
    field_widgets(areaform.area_fields(str(base["kind"])), "ar_f_", lang)
    st.text_input(t("ed_reason", lang) + " *", key="ar_reason")
    st.button(t("ed_save", lang), key="ar_save", type="primary", on_click=area_session.save_area, args=(s, store, lang))
    st.subheader(t("ar_footprint", lang))
    drawings = (s.get("map") or {}).get("all_drawings") or []
    st.caption(t("ar_draw_hint", lang, n=len(drawings)))
    st.radio(t("field_geometry_quality", lang), areaform.DRAWN_QUALITIES, key="ar_quality", horizontal=True,
             format_func=lambda q: label("geometry_quality", q, lang), help=t("ar_quality_help", lang))
    st.button(t("ar_save_drawing", lang), key="ar_save_drawing", disabled=not drawings,
              on_click=area_session.save_drawn, args=(s, store, drawings, lang))


def edit_tab(store, lang: str) -> None:
    """The Edit tab: new project, correct or move, a status change, retire."""
    s = st.session_state
    st.radio(t("ed_mode", lang), ("new", "correct", "status", "retire", "area"), key="ed_mode", horizontal=True,
             format_func=lambda m: t(f"ed_mode_{m}", lang), on_change=session.open_record, args=(s, store))
    if s.ed_mode == "area":
        area_form(store, lang)
        return messages("ar_messages")
    if "ed_base" not in s:
        session.open_record(s, store)
    if s.ed_mode != "new":
        current = load_projects(register)
        names = dict(zip(current["id"], display_name(current, lang), strict=True))
        st.selectbox(t("ed_record", lang), ["", *names], key="ed_record", on_change=session.open_record,
                     args=(s, store), format_func=lambda i: f"{i} – {names[i]}" if i else "—")
        if not s.get("ed_record") or s.get("ed_base") is None:
            return
    if s.ed_mode in ("new", "correct"):
        project_form(store, lang)
    elif s.ed_mode == "status":
        st.selectbox(t("ed_new_status", lang), codes("status"), key="ed_status",
                     format_func=lambda c: label("status", c, lang))
        st.number_input(t("ed_status_from", lang), 1990, 2035, value=None, step=1, key="ed_status_year")
        st.text_input(t("ed_reason", lang) + " *", key="ed_reason")
        st.button(t("ed_save", lang), key="ed_save_status", type="primary", on_click=session.save_status,
                  args=(s, store, lang))
    else:
        st.text_input(t("ed_reason", lang) + " *", key="ed_reason")
        st.button(t("ed_retire", lang), key="ed_retire", type="primary", on_click=session.retire, args=(s, store, lang))
    messages("ed_messages")


def history_tab(store, editor: Editor | None, lang: str) -> None:
    """Change sets with author and reason (for everyone), one set's or one record's changes; revert for editors."""
    sets = store.changesets()
    st.dataframe(editform.changeset_table(sets, lang), hide_index=True, width="stretch")
    cols = st.columns(2)
    pick = cols[0].selectbox(t("ed_show_set", lang), [cs.id for cs in sets], key="hist_set")
    record = cols[1].selectbox(t("ed_record_history", lang), ["", *load_projects(register)["id"], *zones["id"]],
                               key="hist_record", format_func=lambda i: i or "—")
    st.dataframe(session.history_table(store, record, pick, lang), hide_index=True, width="stretch")
    if editor is not None and pick:
        st.text_input(t("ed_reason", lang) + " *", key="hist_reason")
        st.button(t("ed_revert", lang, id=pick), key="hist_revert", on_click=session.revert_now,
                  args=(st.session_state, store, pick, lang))
    messages("hist_messages")


def record_history(store, ident: str, lang: str) -> None:
    """A dialog over the map, opened by a popup's link (or a history=ID link): that record's changes, for anyone."""
    def body() -> None:
        history = store.record_history(ident)
        if history:
            st.dataframe(editform.record_history_table(history, lang), hide_index=True, width="stretch")
        else:
            st.info(t("hi_none", lang, id=md_text(ident)))
        st.caption(t("hi_see_tab", lang))

    st.dialog(t("hi_title", lang, id=md_text(ident)), width="large",
              on_dismiss=lambda: session.close_history(st.session_state))(body)()


def merge_box(store, report, uploaded, digest: str, lang: str) -> None:
    """Upload tab, for editors: the preview (new / changed / unchanged / absent), Commit with a reason, or Cancel."""
    s = st.session_state
    st.subheader(t("ed_merge_title", lang))
    if s.get("ed_merge_cancelled") == digest:  # this file's preview was cancelled: nothing written
        st.info(t("hi_merge_cancelled", lang))
        st.button(t("hi_merge_again", lang), key="ed_merge_again", on_click=session.merge_again, args=(s,))
        return
    incoming, fields = editform.upload_records(report)
    retire_absent = st.checkbox(t("ed_retire_absent", lang), key="ed_retire_absent")
    with st.spinner(t("hi_previewing", lang, n=len(incoming))):
        diff = session.merge_preview(s, store, incoming, fields, retire_absent, digest)
    st.markdown(t("ed_preview_counts", lang, **diff.counts()))
    current = load_projects(register)
    names = dict(zip(current["id"], current["name_vi"], strict=True))
    st.dataframe(editform.preview_table(diff, lang, names), hide_index=True, width="stretch")
    st.text_input(t("ed_reason", lang) + " *", key="ed_merge_reason")

    def commit() -> None:
        with st.spinner(t("ed_committing", lang)):
            session.commit_merge(s, store, incoming, fields, uploaded.name, digest, retire_absent, lang)

    cols = st.columns([1, 1, 6])
    cols[0].button(t("ed_commit", lang), key="ed_commit", type="primary", on_click=commit, disabled=diff.empty())
    cols[1].button(t("hi_merge_cancel", lang), key="ed_merge_cancel", on_click=session.merge_cancel, args=(s, digest))
    if s.get("ed_merge_message"):
        getattr(st, s.ed_merge_message[0])(s.ed_merge_message[1])


# --- page -----------------------------------------------------------------------------------------
# Streamlit's own icon: an emoji loads its emoji catalog (~0.2 s of the first visit), a Material icon comes from
# Google's servers (the page must not ask the internet for anything).
st.set_page_config(page_title="qtmap – Quảng Trị", layout="wide")
static_assets()
st.html(PAGE_CSS)
store = None if os.environ.get("QTMAP_PROJECTS") else open_store(default_location())  # a file is read-only
register = register_source(store)
AREAS = areas_source(store)  # the cached functions above read it: their keys hold the register's version
layers = load_layers(AREAS)
zones = load_zones(AREAS)
timeline = load_timeline(register)
years = register_years(register)
record_ids = register_ids(register) | frozenset(zones["id"]) if store is not None else frozenset()
init_state(tuple(zones["id"]), years, record_ids)

with st.sidebar:
    lang = st.radio("Ngôn ngữ / Language", LANGS, key="lang", format_func=LANG_NAMES.get, horizontal=True,
                    on_change=language_changed)
    editor = sign_in_box(store, lang) if store is not None else None
    zone_names = dict(zip(zones["id"], display_name(zones, lang), strict=True))
    st.header(t("filters", lang))
    st.multiselect(t("filter_sector", lang), codes("sector"), key="sector", placeholder=t("choose", lang),
                   format_func=lambda c: label("sector", c, lang))
    st.multiselect(t("filter_status", lang), codes("status"), key="status", placeholder=t("choose", lang),
                   format_func=lambda c: label("status", c, lang))
    st.multiselect(t("filter_district", lang), codes("district"), key="district", placeholder=t("choose", lang),
                   format_func=lambda c: label("district", c, lang))
    st.multiselect(t("filter_zone", lang), list(zones["id"]), key="zone", format_func=zone_names.get,
                   placeholder=t("choose", lang))
    st.slider(t("filter_year", lang), years[0], years[1], key="year", help=t("filter_year_help", lang))
    st.text_input(t("filter_search", lang), key="q", help=t("filter_search_help", lang))
    name_search(lang, register)
    if st.session_state.ignored:
        st.warning(t("url_ignored", lang, values=", ".join(st.session_state.ignored)))
    if st.session_state.legacy_years:
        st.warning(t("url_years_replaced", lang, years=st.session_state.legacy_years, year=st.session_state.year))

filters = current_filters(years[1])
sync_url(filters, lang)
year = int(st.session_state.year)
projects = projects_in_year(register, year)
filter_key = tuple(sorted(filters.to_query_params().items()))
keep = filtered(register, year, filter_key, filters)  # the rows of `projects` the filters keep
on_map = located_in_year(register, year)  # the rows of `projects` with a location

st.title(t("app_title", lang))
st.caption(t("app_caption", lang))
session.history_asked(st.session_state, record_ids)  # a popup's history link was clicked
if store is not None and st.session_state.get("hist_dialog") in record_ids:  # until dismissed (or a history=ID link)
    record_history(store, st.session_state.hist_dialog, lang)
tab_map, tab_stats, tab_upload, tab_download, *tab_more = st.tabs(
    [t("tab_map", lang), t("stats", lang), t("upload", lang), t("downloads", lang)]
    + ([t("tab_edit", lang)] if editor else []) + ([t("tab_history", lang)] if store is not None else []),
    key="tab", on_change="rerun")  # lazy: the statistics, downloads and history run only while their tab is open
for widget in ("dl_view", "hist_set", "hist_record", "hist_reason"):  # a closed tab's widgets keep their state
    if widget in st.session_state:
        st.session_state[widget] = st.session_state[widget]

with tab_upload:
    uploaded = st.file_uploader(t("upload_help", lang), type=UPLOAD_TYPES, key="upload")
    up_kind = st.selectbox(t("upload_kind", lang), ENTITY_KINDS, key="upload_kind",
                           format_func=lambda k: KINDS[k].label(lang))
    up_crs = st.selectbox(t("upload_crs", lang), CRS_CHOICES, key="upload_crs")
    replace = st.checkbox(t("upload_replace", lang), key="upload_replace", disabled=up_kind != "project")
    up_multi = st.selectbox(t("rd_up_multi", lang), ["", *MULTI_CHOICES], key="upload_multi",
                            format_func=lambda k: t(f"rd_up_multi_{k or 'report'}", lang))
    user_layer = None
    if uploaded is not None:
        up_sheet = None
        if uploaded.name.lower().endswith(".xlsx"):
            up_sheet = st.selectbox(t("rd_up_sheet", lang), ["", *upload_sheets(uploaded.getvalue())],
                                    key="upload_sheet", format_func=lambda s: s or t("rd_up_sheet_auto", lang))
        choices = (uploaded.getvalue(), uploaded.name, up_kind, up_crs or None, lang, up_sheet, up_multi)
        upload_sha256 = hashlib.sha256(choices[0]).hexdigest()  # once per rerun: cache keys and the change set
        report = checked_upload(choices, upload_sha256)
        user_layer = report.usable
        if report.exit_code == 0:
            st.success(t("upload_ok", lang, n=len(report.data)))
        elif user_layer is not None:  # some rows with errors: the rest is used, loudly
            st.warning(t("rd_up_partial", lang, n=int(report.unusable().sum()), m=len(user_layer)))
            st.download_button(t("rd_up_left_out", lang), lambda: left_out_file(*choices),
                               f"{Path(uploaded.name).stem}.left_out.xlsx", on_click="ignore", key="dl_left_out")
        else:
            st.error(t("upload_problems", lang, n=len(report.errors) or 1))
        if report.problems:
            st.dataframe(problems_table(report, lang), hide_index=True, width="stretch")
        if report.notes:
            st.info("\n".join(f"- {note.line()}" for note in report.notes))
        if editor is not None and up_kind == "project" and user_layer is not None:
            merge_box(store, report, uploaded, upload_sha256, lang)

replaced = user_layer is not None and up_kind == "project" and replace
data_key: tuple[object, ...] = (register, year, lang)  # what the packed register and the selections depend on
if replaced:
    data_key = ("upload", upload_sha256, uploaded.name, up_crs, up_multi, up_sheet, year, lang)
    timeline = empty_timeline()
    projects = state_in_year(user_layer, timeline, year)  # filter_mask makes its search text for a text search
    keep, on_map = filter_mask(projects, filters, zones), located(projects).to_numpy()
# An upload drawn as an extra layer is part of the map: legend, caption, statistics and every download.
extra = (ExtraLayer(uploaded.name, up_kind, user_layer),) if user_layer is not None and not replaced else ()

with tab_map:
    st.caption(t("n_shown", lang, shown=int((keep & on_map).sum()), total=int(on_map.sum()))
               + f" · {t('n_projects', lang, n=int(keep.sum()))}" + "".join(f" · {x.caption(lang)}" for x in extra))
    m = app_map(layers, lang, bundled.ATTRIBUTION_SHORT, load_base_layers(lang, AREAS))
    if editor is not None and st.session_state.get("ed_mode") == "area":  # Leaflet.draw, served by the app
        for element in draw_control(lang, STATIC_URL):
            element.add_to(m)
    groups = [live_group(lang), *(extra_group(x, lang) for x in extra)]  # the live group: the map renders once
    if editor is not None and (point := session.drag_point(st.session_state)):  # Correct or move: drag it
        groups.append(drag_marker(*point, t("ed_drag_marker", lang)))
    if editor is not None and st.session_state.get("ed_click"):
        st.caption(t("ed_clicked", lang, lon=st.session_state.ed_a, lat=st.session_state.ed_b))
    view0 = st.session_state.get("map_view0")  # a link's view, or the view before a language switch
    st_folium(m, feature_group_to_add=groups, layer_control=folium.LayerControl(collapsed=True),
              # last_clicked always: the component keeps the list it mounted with (a sign-in does not remount)
              returned_objects=["center", "zoom", "bounds", "last_clicked", "all_drawings",
                                "last_active_drawing"],
              height=MAP_HEIGHT, use_container_width=True, key="map",
              center=view0[:2] if view0 else None, zoom=view0[2] if view0 else None, on_change=map_moved)
    packed = packed_register(data_key, projects, timeline, lang, store is not None and not replaced)
    bits, legend = map_selection((*data_key, filter_key), packed, projects, keep, lang)
    legend = {**legend, "sections": [*legend["sections"], *(extra_section(x, lang) for x in extra)]}  # not cached
    feed_map(packed, bits, legend)

with tab_stats:
    if tab_stats.open:
        reported, unlocated = register_tables(data_key, projects, lang)
        st.subheader(t("stats_reported", lang))
        st.dataframe(reported, hide_index=True, width="stretch")
        st.caption(t("stats_gap_note", lang))
        st.dataframe(stats.indicators(bundled.load_aggregates(), lang), hide_index=True, width="stretch")
        st.subheader(t("stats_filtered", lang, n=int(keep.sum())))
        cols = st.columns(2)
        titles = [t(f"filter_{name}", lang) for name in ("sector", "status", "district", "zone")]
        for i, (title, table) in enumerate(zip(titles, filtered_counts((*data_key, filter_key), projects, keep, lang),
                                               strict=True)):
            with cols[i % 2]:
                st.markdown(f"**{title}**")
                if len(table):
                    st.altair_chart(bar_chart(table, lang), width="stretch")
                else:
                    st.caption(t("report_none", lang))
        for x in extra:
            st.subheader(t("extra_stats", lang, title=x.title(lang)))
            st.caption(t("extra_stats_note", lang))
            if len(table := x.counts(lang)):
                st.altair_chart(bar_chart(table, lang), width="stretch")
        st.subheader(t("stats_by_year", lang))
        by_year = status_counts_by_year(user_layer, timeline) if replaced else counts_by_year(register)
        st.dataframe(by_year.rename(columns=lambda c: label("status", c, lang)).rename_axis(t("field_year", lang)),
                     width="stretch")
        st.subheader(t("stats_unlocated", lang))
        st.dataframe(unlocated, hide_index=True, width="stretch")

with tab_download:
    if tab_download.open:
        st.caption(filters.describe(lang, zone_names))
        name = "qtmap-" + ("-".join(f"{k}_{v}" for k, v in filters.to_query_params().items())[:60] or "all")

        # Report options per format where the download differs from the defaults (the PDF is for printing, on A3).
        REPORT_OPTIONS: dict[str, dict[str, object]] = {".pdf": {"paper": "A3"}}

        bounds = st.session_state.get("map_bounds")
        use_view = st.checkbox(t("download_view", lang), value=True, key="dl_view", disabled=bounds is None)

        def _export(fmt: OutputFormat) -> bytes:
            """Write the current view in format ``fmt`` to a temp dir and return the bytes (runs on click)."""
            if fmt.family == "html":
                return render_html(with_timeline_text(projects, timeline, lang), filters, lang, extra).encode("utf-8")
            write = fmt.load_writer()
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / f"export{fmt.suffix}"
                if fmt.family == "report":
                    from geo.export import ExportOptions

                    view = bounds if use_view and bounds else None  # the map's view (west, south, east, north)
                    write(out, projects, filters, ExportOptions(lang=lang, bbox=view, extra=extra, areas=zones,
                                                                **REPORT_OPTIONS.get(fmt.suffix, {})))
                else:
                    write(out, projects, filters, extra=extra)
                return out.read_bytes()

        cols = st.columns(len(FAMILIES))
        for column, family in zip(cols, FAMILIES, strict=True):
            for suffix in suffixes(family):
                fmt = FORMATS[suffix]
                column.download_button(t(fmt.label_key, lang) if fmt.label_key else fmt.label,
                                       lambda fmt=fmt: _export(fmt), f"{name}{suffix}", fmt.mime, on_click="ignore",
                                       key=f"dl_{suffix[1:]}")

if editor is not None:
    with tab_more[0]:
        edit_tab(store, lang)
if store is not None and tab_more[-1].open:
    with tab_more[-1]:
        history_tab(store, editor, lang)
