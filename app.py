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

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components
from streamlit_folium import st_folium

import folium
import geopandas as gpd

from geo import bundled, editform, editing, stats
from geo.extra import ExtraLayer
from geo.filters import Filters, apply_filters, with_search_index
from geo.formats import FAMILIES, FORMATS, OutputFormat, suffixes
from geo.i18n import DEFAULT_LANG, LANGS, t
from geo.readers import READ_SUFFIXES
from geo.readers.geometry import MULTI_CHOICES
from geo.records import display_name, located
from geo.register import bundled_references, load_register
from geo.schema import ENTITY_KINDS, KINDS, codes, label
from geo.search import closest_names, name_index, search_names, view_of
from geo.store import StoreError, default_location, open_store
from geo.timeline import empty_timeline, state_in_year, status_counts_by_year, with_timeline_text, year_range
from geo.urlstate import read_url_state, view_param
from geo.users import Editor, NotSignedIn, SignInRefused, Throttle, accounts_for, sign_in
from geo.validate import CRS_CANDIDATES
from layers.assets import FEED_DIR, install_static
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
@st.cache_resource(show_spinner=False)
def load_layers() -> dict[str, gpd.GeoDataFrame]:
    """Every bundled layer except the project register."""
    return {k: v for k, v in bundled.load_all().items() if k != "project"}


def register_source() -> tuple[object, ...]:
    """Where the register comes from, as the key of every cache below.

    ``("file", PATH)`` for QTMAP_PROJECTS=FILE (read-only, no store), else ``("store", location,
    change sets, latest id)``: one cheap query, so a change committed elsewhere shows on the next rerun.
    """
    if os.environ.get("QTMAP_PROJECTS"):
        return ("file", os.environ["QTMAP_PROJECTS"])
    store = open_store(default_location())
    return ("store", store.location, *store.version())


@st.cache_resource(show_spinner=False, max_entries=2)
def load_projects(source: tuple[object, ...]) -> gpd.GeoDataFrame:
    """The project register (the store's, or QTMAP_PROJECTS), with its search index."""
    if source[0] == "file":
        return load_register(source[1])
    return with_search_index(open_store(source[1]).load())


@st.cache_resource(show_spinner=False)
def load_base_layers(lang: str) -> dict:
    """The base map's layers, serialised once per language and process (the map draws copies of them)."""
    return base_layers(load_layers(), lang)


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
    return name_index({**load_layers(), "project": load_projects(source)}, lang)


@st.cache_resource(show_spinner=False)
def load_zones() -> gpd.GeoDataFrame:
    """Parks, economic zones and clusters, for the zone filter."""
    return bundled.load_zones()


@st.cache_resource(show_spinner=False, max_entries=16)
def filtered(source: tuple[object, ...], year: int, key: tuple[tuple[str, str], ...], _filters: Filters
             ) -> gpd.GeoDataFrame:
    """The register of ``year`` through the filters (``key``: their query parameters), shared read-only."""
    return apply_filters(projects_in_year(source, year), _filters, load_zones())


@st.cache_resource(show_spinner=False, max_entries=4)
def packed_register(key: tuple[object, ...], _projects: gpd.GeoDataFrame, _timeline: pd.DataFrame,
                    lang: str) -> Packed:
    """The register as the map's binary blob (layers/packed.py), built once per (source, year, language)."""
    return pack(with_timeline_text(_projects, _timeline, lang), lang, key)


@st.cache_resource(show_spinner=False, max_entries=32)
def map_selection(key: tuple[object, ...], _packed: Packed, _shown: gpd.GeoDataFrame, lang: str
                  ) -> tuple[bytes, dict[str, object]]:
    """The filter's result as the packed rows' bitset, and the legend of what it shows (per register and filter)."""
    return selection_bits(_packed.index, _shown.index), legend_spec(_shown, lang, area_counts(load_layers()))


@st.cache_resource(show_spinner=False, max_entries=32)
def filtered_counts(key: tuple[object, ...], _shown: gpd.GeoDataFrame, lang: str) -> list[pd.DataFrame]:
    """The statistics tab's counts of the filtered projects (per sector, status, district, zone)."""
    return [stats.count_by(_shown, "sector", lang), stats.count_by(_shown, "status", lang),
            stats.count_by(_shown, "district", lang), stats.count_by_zone(_shown, load_zones(), lang)]


@st.cache_resource(show_spinner=False, max_entries=8)
def register_tables(key: tuple[object, ...], _projects: gpd.GeoDataFrame, lang: str
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The statistics tab's tables that follow the register and year, not the filters: reported vs mapped, unlocated."""
    all_layers = {**load_layers(), "project": _projects}
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


def check_upload(data: bytes, name: str, kind: str, crs: str | None, lang: str, sheet: str | None = None,
                 multi: str | None = None, _progress=None):
    """Validate an uploaded file under a generated file name; ``_progress(done, total, stage)`` is told how far."""
    from geo.readers import ReadOptions
    from geo.validate import validate_file

    with tempfile.TemporaryDirectory() as tmp:  # the user's file name never reaches GDAL
        path = Path(tmp) / ("upload" + Path(name).suffix.lower())
        path.write_bytes(data)
        return validate_file(path, kind=kind, crs=crs, label=name, references=bundled_references(), lang=lang,
                             options=ReadOptions(sheet=sheet or None, multi=multi or None), control="app",
                             progress=_progress)


validate_upload = st.cache_data(show_spinner=False, max_entries=8)(check_upload)  # once per content and choices


def checked_upload(choices: tuple, digest: str) -> object:
    """The upload's report, checked once per session and choices with a progress bar (st.progress can't be cached).

    ``digest``: the SHA-256 of the file (``choices[0]``), computed once per rerun by the upload tab.
    """
    key = (digest, *choices[1:])
    if st.session_state.get("upload_checked", (None,))[0] != key:
        reading = t("rd_up_reading", choices[4], name=choices[1])
        bar = st.progress(0.0, text=reading)  # real progress: the file read, then each check of geo.validate
        st.session_state.upload_checked = (key, check_upload(*choices, lambda d, n, _s: bar.progress(d / n, reading)))
        bar.empty()
    return st.session_state.upload_checked[1]


@st.cache_data(show_spinner=False, max_entries=8)
def upload_sheets(data: bytes) -> list[str]:
    """The sheet names of an uploaded workbook (for the sheet box)."""
    from geo.readers import ReadError, sheet_names

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.xlsx"
        path.write_bytes(data)
        try:
            return sheet_names(path)
        except ReadError:
            return []


@st.cache_data(show_spinner=False, max_entries=8)
def left_out_bytes(data: bytes, name: str, kind: str, crs: str | None, lang: str, sheet: str | None,
                   multi: str | None) -> bytes:
    """The upload's rows with errors (its own columns plus a problem column) as a file to fix and upload again."""
    from geo.register import write_left_out

    report = validate_upload(data, name, kind, crs, lang, sheet, multi)
    with tempfile.TemporaryDirectory() as tmp:
        return write_left_out(report, Path(tmp) / "left_out.xlsx").read_bytes()


@st.cache_resource(show_spinner=False)
def static_assets() -> Path:
    """Copy Leaflet and qtmap assets to ./static (served at /app/static/) once per process."""
    return install_static(HERE / "static")


# --- state: URL query string <-> widgets ----------------------------------------------------------
def init_state(zone_ids: tuple[str, ...], years: tuple[int, int]) -> None:
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
    click = value.get("last_clicked")  # an editor's click on the map fills the edit form's longitude/latitude
    if st.session_state.get("editor") and isinstance(click, dict) and click != st.session_state.get("ed_click"):
        st.session_state.update(ed_click=click, ed_coord_mode="lonlat", ed_a=f"{click['lng']:.6f}",
                                ed_b=f"{click['lat']:.6f}")
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


def bar_chart(table: pd.DataFrame, lang: str):
    """Horizontal bars of ``table`` (label, count): axis titles in ``lang``, whole labels, bars readable alone."""
    import altair as alt

    count = t("chart_count", lang)
    return alt.Chart(table).mark_bar(size=18).encode(
        x=alt.X("count:Q", title=count, axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("label:N", title=None, sort="-x", axis=alt.Axis(labelLimit=0)),
        tooltip=[alt.Tooltip("label:N", title=t("chart_category", lang)), alt.Tooltip("count:Q", title=count)],
    ).properties(height=alt.Step(26))  # 26 px per bar, whatever the number of bars


def unlocated_headers(lang: str) -> dict[str, str]:
    """Column headers of the table of unlocated items in ``lang``."""
    return {"kind": t("col_kind", lang), "id": t("field_id", lang), "name": t("col_name", lang),
            "district": t("field_district", lang), "sources": t("field_sources", lang)}


# --- editing: sign-in (geo.users), the write paths (geo.editing, each checks the editor), the form (geo.editform)
@st.cache_resource(show_spinner=False)
def sign_in_throttle() -> Throttle:
    """Failed sign-ins of every session of this process, per account and per client."""
    return Throttle()


def current_editor() -> Editor | None:
    """The session's signed-in editor; None when anonymous or signed out after the idle time."""
    editor = st.session_state.get("editor")
    if editor is not None and not editor.valid():
        st.session_state.update(editor=None, ed_expired=True)
        return None
    if editor is not None:
        editor.touch()
    return editor


def do_sign_in(store, lang: str) -> None:
    """Check the sign-in form (throttled); the password box is emptied whatever the outcome."""
    s = st.session_state
    try:
        s.editor = sign_in(accounts_for(store), sign_in_throttle(), s.ed_user, s.ed_password,
                           st.context.ip_address or "local", lang)
        s.ed_signin_error = None
    except SignInRefused as exc:
        s.ed_signin_error = str(exc)
    s.ed_password = ""


def sign_in_box(store, lang: str) -> Editor | None:
    """Sidebar: Sign in (user name, password) or "Signed in as NAME" and Sign out."""
    editor = current_editor()
    if editor is not None:
        st.markdown(t("ed_signed_in", lang, name=md_text(editor.name)))
        st.button(t("ed_sign_out", lang), key="ed_sign_out", on_click=lambda: st.session_state.update(editor=None))
        return editor
    if st.session_state.pop("ed_expired", False):
        st.info(t("ed_session_expired", lang))
    with st.popover(t("ed_sign_in", lang)), st.form("ed_sign_in_form", border=False):
        st.text_input(t("ed_user_name", lang), key="ed_user")
        st.text_input(t("ed_password", lang), type="password", key="ed_password")
        st.form_submit_button(t("ed_sign_in", lang), on_click=do_sign_in, args=(store, lang))
    if st.session_state.get("ed_signin_error"):
        st.error(st.session_state.ed_signin_error)
    return None


def open_record(store) -> None:
    """Load the picked record (or a blank form) into the form's widgets, remembering it as the conflict base."""
    s = st.session_state
    ident = s.get("ed_record") if s.get("ed_mode", "new") != "new" else None
    base = store.current(ids=[ident]).get(ident) if ident else None
    opened = editform.form_values(base)
    s.update({f"ed_f_{f.name}": opened[f.name] for f in editform.FORM_FIELDS})
    s.update(ed_base=base, ed_opened=opened, ed_coord_mode="lonlat", ed_a=opened["lon"], ed_b=opened["lat"],
             ed_conflict=None, ed_reason="")


def show_result(result, lang: str, store) -> None:
    """After a write: a message, and the form reopened on the record as now stored."""
    s = st.session_state
    if isinstance(result, editing.Conflict):
        s.update(ed_conflict=result, ed_messages=[])
        return
    s.ed_messages = [("success", t("ed_saved", lang, id=result.changeset_id, record=result.record_id))]
    if s.get("ed_mode") != "new":
        s.ed_record = result.record_id
    open_record(store)


def guarded(write, lang: str, store) -> None:
    """Run one write; refusals (not signed in, a check, the store) become messages, nothing typed is lost."""
    try:
        show_result(write(), lang, store)
    except (NotSignedIn, StoreError, ValueError) as exc:
        st.session_state.ed_messages = [("error", str(exc))]


def save_form(store, lang: str) -> None:
    """Save: the import checks on what was typed, then add or save against the version the form opened."""
    s = st.session_state
    base = s.get("ed_base")
    check = editform.check_form({f.name: s.get(f"ed_f_{f.name}") for f in editform.FORM_FIELDS},
                                editform.Coordinates(s.ed_coord_mode, s.ed_a, s.ed_b, s.get("ed_crs")), lang,
                                base=base, opened=s.get("ed_opened"))
    s.ed_messages = [("error", m) for m in check.errors] + [("warning", m) for m in check.warnings]
    if check.record is None:
        return
    if base is None:
        guarded(lambda: editing.add_project(store, s.get("editor"), check.record, s.ed_reason, lang), lang, store)
    else:
        guarded(lambda: editing.save_record(store, s.get("editor"), base["id"], base, check.record, s.ed_reason,
                                            lang), lang, store)


def resolve_conflict(store, lang: str, choice: str) -> None:
    """Keep theirs (reload), take mine or merge: saved against the newer version (another conflict if it moved)."""
    s = st.session_state
    c = s.ed_conflict
    values = c.resolve(choice, {f.field: s.get(f"ed_pick_{f.field}", "mine") for f in c.fields})
    if not values:
        s.ed_record = c.record_id
        open_record(store)
        s.ed_messages = [("info", t("ed_kept_theirs", lang))]
        return
    guarded(lambda: editing.save_record(store, s.get("editor"), c.record_id, c.theirs, values, s.ed_reason, lang),
            lang, store)


def project_form(store, lang: str) -> None:
    """New project / correct or move: one widget per schema field, coordinates, reason and Save."""
    s = st.session_state
    conflict = s.get("ed_conflict")
    if conflict is not None:
        st.warning(t("ed_conflict", lang, id=conflict.record_id, authors=md_text(", ".join(conflict.authors))))
        st.dataframe(editform.conflict_table(conflict, lang), hide_index=True, width="stretch")
        for c in (c for c in conflict.fields if c.both_changed):
            st.radio(t("ed_pick", lang, field=editform.field_label(c.field, lang)), ("mine", "theirs"),
                     horizontal=True, key=f"ed_pick_{c.field}", format_func=lambda k: t(f"ed_col_{k}", lang))
        cols = st.columns(3)
        for col, choice in zip(cols, ("theirs", "mine", "merge"), strict=True):
            col.button(t(f"ed_choose_{choice}", lang), key=f"ed_choose_{choice}", on_click=resolve_conflict,
                       args=(store, lang, choice))
    st.caption(t("ed_click_hint", lang) + " " + t("ed_required_note", lang))
    cols = st.columns(3)
    cols[0].radio(t("ed_coord_mode", lang), editform.COORD_MODES, key="ed_coord_mode",
                  format_func=lambda m: t(f"ed_{m}", lang))
    vn = s.get("ed_coord_mode") == "vn2000"
    cols[1].text_input(t("ed_x" if vn else "ed_lon", lang), key="ed_a")
    cols[2].text_input(t("ed_y" if vn else "ed_lat", lang), key="ed_b")
    if vn:
        cols[0].selectbox(t("ed_crs", lang), editform.VN2000_CRS, key="ed_crs")
    cols = st.columns(3)
    for i, f in enumerate(editform.FORM_FIELDS):
        key, col = f"ed_f_{f.name}", cols[i % 3]
        if f.widget == "select":
            col.selectbox(f.label(lang), f.choices(), key=key,
                          format_func=lambda c, f=f: label(f.type, c, lang) if c else "—")
        elif f.widget == "check":
            col.checkbox(f.label(lang), key=key)
        else:
            col.text_input(f.label(lang), key=key)
    st.text_input(t("ed_reason", lang) + " *", key="ed_reason")
    st.button(t("ed_save", lang), key="ed_save", type="primary", on_click=save_form, args=(store, lang))


def edit_tab(store, lang: str) -> None:
    """The Edit tab: new project, correct or move, a status change, retire."""
    s = st.session_state
    st.radio(t("ed_mode", lang), ("new", "correct", "status", "retire"), key="ed_mode", horizontal=True,
             format_func=lambda m: t(f"ed_mode_{m}", lang), on_change=open_record, args=(store,))
    if "ed_base" not in s:
        open_record(store)
    if s.ed_mode != "new":
        current = load_projects(register)
        names = dict(zip(current["id"], display_name(current, lang), strict=True))
        st.selectbox(t("ed_record", lang), ["", *names], key="ed_record", on_change=open_record, args=(store,),
                     format_func=lambda i: f"{i} – {names[i]}" if i else "—")
        if not s.get("ed_record") or s.get("ed_base") is None:
            return
    base = s.ed_base
    if s.ed_mode in ("new", "correct"):
        project_form(store, lang)
    elif s.ed_mode == "status":
        st.selectbox(t("ed_new_status", lang), codes("status"), key="ed_status",
                     format_func=lambda c: label("status", c, lang))
        st.number_input(t("ed_status_from", lang), 1990, 2035, value=None, step=1, key="ed_status_year")
        st.text_input(t("ed_reason", lang) + " *", key="ed_reason")
        st.button(t("ed_save", lang), key="ed_save_status", type="primary", on_click=guarded, args=(
            lambda: editing.add_status(store, s.get("editor"), base["id"], s.ed_status, s.ed_status_year,
                                       s.ed_reason, base["version"], lang=lang), lang, store))
    else:
        st.text_input(t("ed_reason", lang) + " *", key="ed_reason")
        st.button(t("ed_retire", lang), key="ed_retire", type="primary", on_click=guarded, args=(
            lambda: editing.retire_record(store, s.get("editor"), base["id"], s.ed_reason, base["version"], lang),
            lang, store))
    for kind, text in s.get("ed_messages", []):
        getattr(st, kind)(text)


def history_tab(store, editor: Editor | None, lang: str) -> None:
    """Change sets with author and reason (for everyone), one set's or one record's changes; revert for editors."""
    sets = store.changesets()
    st.dataframe(editform.changeset_table(sets, lang), hide_index=True, width="stretch")
    cols = st.columns(2)
    pick = cols[0].selectbox(t("ed_show_set", lang), [cs.id for cs in sets], key="hist_set")
    record = cols[1].selectbox(t("ed_record_history", lang), ["", *load_projects(register)["id"]], key="hist_record",
                               format_func=lambda i: i or "—")
    if record:
        rows = [(cs.id, cs.author, record, *change) for cs, *change in store.record_history(record)[::-1]]
    else:
        rows = [(pick, store.changeset(pick).author, *change) for change in store.changes_of(pick)] if pick else []
    st.dataframe(editform.changes_table(rows, lang), hide_index=True, width="stretch")
    if editor is not None and pick:
        st.text_input(t("ed_reason", lang) + " *", key="hist_reason")
        st.button(t("ed_revert", lang, id=pick), key="hist_revert", on_click=revert_now, args=(store, pick, lang))
    for kind, text in st.session_state.get("hist_messages", []):
        getattr(st, kind)(text)


def revert_now(store, changeset: int, lang: str) -> None:
    """Revert one change set (as a new one) for a signed-in editor; fields changed later are kept and listed."""
    s = st.session_state
    try:
        new, conflicts = editing.revert_changeset(store, s.get("editor"), changeset, s.hist_reason, lang)
        s.hist_messages = [("info", line) for line in conflicts] + (
            [("success", t("ed_reverted", lang, id=changeset, new=new))] if new else
            [("warning", t("store_revert_nothing", lang, id=changeset))])
    except (NotSignedIn, StoreError) as exc:
        s.hist_messages = [("error", str(exc))]


def merge_box(store, report, uploaded, digest: str, lang: str) -> None:
    """Upload tab, for editors: the preview (new / changed / unchanged / absent) and Commit with a reason."""
    s = st.session_state
    incoming, fields = editform.upload_records(report)
    st.subheader(t("ed_merge_title", lang))
    retire_absent = st.checkbox(t("ed_retire_absent", lang), key="ed_retire_absent")
    diff = editing.preview_upload(store, incoming, fields, retire_absent)
    st.markdown(t("ed_preview_counts", lang, **diff.counts()))
    current = load_projects(register)
    names = dict(zip(current["id"], current["name_vi"], strict=True))
    st.dataframe(editform.preview_table(diff, lang, names), hide_index=True, width="stretch")
    st.text_input(t("ed_reason", lang) + " *", key="ed_merge_reason")

    def commit() -> None:
        with st.spinner(t("ed_committing", lang)):
            try:
                ident, _ = editing.merge_upload(store, s.get("editor"), incoming, fields, s.ed_merge_reason,
                                                uploaded.name, digest,
                                                retire_absent, lang)
                s.ed_merge_message = ("success", t("ed_committed", lang, id=ident))
            except (NotSignedIn, StoreError) as exc:
                s.ed_merge_message = ("error", str(exc))

    st.button(t("ed_commit", lang), key="ed_commit", type="primary", on_click=commit, disabled=diff.empty())
    if s.get("ed_merge_message"):
        getattr(st, s.ed_merge_message[0])(s.ed_merge_message[1])


# --- page -----------------------------------------------------------------------------------------
st.set_page_config(page_title="qtmap – Quảng Trị", page_icon="🗺️", layout="wide")
static_assets()
st.markdown(PAGE_CSS, unsafe_allow_html=True)
layers = load_layers()
zones = load_zones()
register = register_source()
timeline = load_timeline(register)
years = year_range(load_projects(register), timeline)
init_state(tuple(zones["id"]), years)
store = open_store(register[1]) if register[0] == "store" else None  # a register from a file is read-only

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
shown = filtered(register, year, filter_key, filters)
n_located = int(located(shown).sum())

st.title(t("app_title", lang))
st.caption(t("app_caption", lang))
tab_map, tab_stats, tab_upload, tab_download, *tab_more = st.tabs(
    [t("tab_map", lang), t("stats", lang), t("upload", lang), t("downloads", lang)]
    + ([t("tab_edit", lang)] if editor else []) + ([t("tab_history", lang)] if store is not None else []))

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
            st.download_button(t("rd_up_left_out", lang), lambda: left_out_bytes(*choices),
                               f"{Path(uploaded.name).stem}.left_out.xlsx", on_click="ignore", key="dl_left_out")
        else:
            st.error(t("upload_problems", lang, n=len(report.errors) or 1))
        if report.problems:
            st.dataframe(pd.DataFrame([{
                t("rd_up_col_where", lang): p.where, t("rd_up_col_column", lang): report.column_name(p.field),
                t("rd_up_col_value", lang): p.value, t("rd_up_col_severity", lang): t(f"rd_up_{p.severity}", lang),
                t("rd_up_col_message", lang): p.message} for p in report.problems]), hide_index=True, width="stretch")
        if report.notes:
            st.info("\n".join(f"- {note.line()}" for note in report.notes))
        if editor is not None and up_kind == "project" and user_layer is not None:
            merge_box(store, report, uploaded, upload_sha256, lang)

replaced = user_layer is not None and up_kind == "project" and replace
data_key: tuple[object, ...] = (register, year, lang)  # what the packed register and the selections depend on
if replaced:
    data_key = ("upload", upload_sha256, uploaded.name, up_crs, up_multi, up_sheet, year, lang)
    timeline = empty_timeline()
    projects = state_in_year(with_search_index(user_layer), timeline, year)
    shown = apply_filters(projects, filters, zones)
    n_located = int(located(shown).sum())
# An upload drawn as an extra layer is part of the map: legend, caption, statistics and every download.
extra = (ExtraLayer(uploaded.name, up_kind, user_layer),) if user_layer is not None and not replaced else ()

with tab_map:
    st.caption(t("n_shown", lang, shown=n_located, total=int(located(projects).sum()))
               + f" · {t('n_projects', lang, n=len(shown))}" + "".join(f" · {x.caption(lang)}" for x in extra))
    m = app_map(layers, lang, bundled.ATTRIBUTION_SHORT, load_base_layers(lang))
    groups = [live_group(lang), *(extra_group(x, lang) for x in extra)]  # the live group: the map renders once
    if editor is not None and st.session_state.get("ed_click"):
        st.caption(t("ed_clicked", lang, lon=st.session_state.ed_a, lat=st.session_state.ed_b))
    view0 = st.session_state.get("map_view0")  # a link's view, or the view before a language switch
    st_folium(m, feature_group_to_add=groups, layer_control=folium.LayerControl(collapsed=True),
              # last_clicked always: the component keeps the list it mounted with (a sign-in does not remount)
              returned_objects=["center", "zoom", "bounds", "last_clicked"],
              height=MAP_HEIGHT, use_container_width=True, key="map",
              center=view0[:2] if view0 else None, zoom=view0[2] if view0 else None, on_change=map_moved)
    packed = packed_register(data_key, projects, timeline, lang)
    bits, legend = map_selection((*data_key, filter_key), packed, shown, lang)
    legend = {**legend, "sections": [*legend["sections"], *(extra_section(x, lang) for x in extra)]}  # not cached
    feed_map(packed, bits, legend)

with tab_stats:
    reported, unlocated = register_tables(data_key, projects, lang)
    st.subheader(t("stats_reported", lang))
    st.dataframe(reported, hide_index=True, width="stretch")
    st.caption(t("stats_gap_note", lang))
    st.dataframe(stats.indicators(bundled.load_aggregates(), lang), hide_index=True, width="stretch")
    st.subheader(t("stats_filtered", lang, n=len(shown)))
    cols = st.columns(2)
    titles = [t("filter_sector", lang), t("filter_status", lang), t("filter_district", lang), t("filter_zone", lang)]
    for i, (title, table) in enumerate(zip(titles, filtered_counts((*data_key, filter_key), shown, lang),
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

                view = bounds if use_view and bounds else None  # the map's view on screen (west, south, east, north)
                write(out, projects, filters, ExportOptions(lang=lang, bbox=view, extra=extra,
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
if store is not None:
    with tab_more[-1]:
        history_tab(store, editor, lang)
