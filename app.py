"""qtmap: the interactive planning map of Quảng Trị's industry (run: ``streamlit run app.py``).

A thin page: it reads keyed widgets (restored from and written to the URL), calls
``geo`` for loading, filtering and statistics, builds the map from ``layers`` and
hands it to streamlit-folium. The register comes from the store (QTMAP_STORE, default var/qtmap.gpkg);
QTMAP_PROJECTS=FILE uses that file instead, read-only.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

import folium
import geopandas as gpd

from geo import bundled, stats
from geo.filters import Filters, apply_filters, with_search_index
from geo.filters import year_span as filters_year_span
from geo.htmlmap import render_html
from geo.i18n import DEFAULT_LANG, LANGS, t
from geo.schema import KINDS, codes, label
from geo.store import default_location, open_store
from layers.assets import install_static
from layers.common import layer_name
from layers.maps import BUILDERS, app_map, area_counts, project_group

HERE = Path(__file__).resolve().parent
UPLOAD_TYPES = ["geojson", "json", "gpkg", "zip", "csv", "txt", "tsv", "xlsx"]
CRS_CHOICES = ["", "vn2000-utm48", "vn2000-tm3-quangtri", "EPSG:4326", "EPSG:32648"]
LANG_NAMES = {"vi": "Tiếng Việt", "en": "English"}


# --- data: loaded once per process, shared read-only by every session ---------------------------
@st.cache_resource(show_spinner=False)
def load_layers() -> dict[str, gpd.GeoDataFrame]:
    """Every bundled layer except the project register."""
    return {k: v for k, v in bundled.load_all().items() if k != "project"}


@st.cache_resource(show_spinner=False)
def load_projects(path: str | None) -> gpd.GeoDataFrame:
    """The project register (QTMAP_PROJECTS or the bundled one), with its search index."""
    return bundled.load_register(path)


@st.cache_resource(show_spinner=False, max_entries=2)
def load_store_projects(location: str, version: tuple[int, int]) -> gpd.GeoDataFrame:
    """The register held by the store, with its search index; ``version`` (change sets) keys the cache."""
    return with_search_index(open_store(location).load())


def current_projects() -> gpd.GeoDataFrame:
    """QTMAP_PROJECTS=FILE (read-only, no store), else the store: reloaded when a change set was committed."""
    if os.environ.get("QTMAP_PROJECTS"):
        return load_projects(os.environ["QTMAP_PROJECTS"])
    store = open_store(default_location())
    return load_store_projects(store.location, store.version())


@st.cache_resource(show_spinner=False)
def load_zones() -> gpd.GeoDataFrame:
    """Parks, economic zones and clusters, for the zone filter."""
    return bundled.load_zones()


@st.cache_data(show_spinner=False, max_entries=8)
def validate_upload(data: bytes, name: str, kind: str, crs: str | None):
    """Validate an uploaded file once per (content, kind, CRS), under a generated file name."""
    from geo.validate import validate_file

    with tempfile.TemporaryDirectory() as tmp:  # the user's file name never reaches GDAL
        path = Path(tmp) / ("upload" + Path(name).suffix.lower())
        path.write_bytes(data)
        return validate_file(path, kind=kind, crs=crs, label=name)


@st.cache_resource(show_spinner=False)
def static_assets() -> Path:
    """Copy Leaflet and qtmap assets to ./static (served at /app/static/) once per process."""
    return install_static(HERE / "static")


# --- state: URL query string <-> widgets ----------------------------------------------------------
def init_state(zone_ids: tuple[str, ...], year_span: tuple[int, int]) -> None:
    """On a session's first run, set the widgets from the URL (unknown values are ignored)."""
    if "qtmap_init" in st.session_state:
        return
    params = st.query_params.to_dict()
    f = Filters.from_query_params(params, zone_ids)
    lang = params.get("lang", DEFAULT_LANG)
    st.session_state.update(
        lang=lang if lang in LANGS else DEFAULT_LANG, sector=list(f.sectors), status=list(f.statuses),
        district=list(f.districts), zone=list(f.zones), q=f.query,
        years=f.years or year_span, qtmap_init=True, ignored=f.ignored,
    )


def current_filters(year_span: tuple[int, int]) -> Filters:
    """The filters the widgets hold now."""
    s = st.session_state
    years = tuple(s.years) if tuple(s.years) != year_span else None
    return Filters(tuple(s.sector), tuple(s.status), tuple(s.district), tuple(s.zone), years, s.q.strip())


def sync_url(filters: Filters, lang: str) -> None:
    """Write the filters and language to the URL, so a copied link restores them."""
    wanted = {"lang": lang, **filters.to_query_params()}
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


# --- page -----------------------------------------------------------------------------------------
st.set_page_config(page_title="qtmap – Quảng Trị", page_icon="🗺️", layout="wide")
static_assets()
layers = load_layers()
zones = load_zones()
projects = current_projects()
year_span = filters_year_span(projects)
init_state(tuple(zones["id"]), year_span)

with st.sidebar:
    lang = st.radio("Ngôn ngữ / Language", LANGS, key="lang", format_func=LANG_NAMES.get, horizontal=True)
    zone_names = dict(zip(zones["id"], zones["name_en" if lang == "en" else "name_vi"].fillna(zones["name_vi"]),
                          strict=True))
    st.header(t("filters", lang))
    st.multiselect(t("filter_sector", lang), codes("sector"), key="sector", placeholder=t("choose", lang),
                   format_func=lambda c: label("sector", c, lang))
    st.multiselect(t("filter_status", lang), codes("status"), key="status", placeholder=t("choose", lang),
                   format_func=lambda c: label("status", c, lang))
    st.multiselect(t("filter_district", lang), codes("district"), key="district", placeholder=t("choose", lang),
                   format_func=lambda c: label("district", c, lang))
    st.multiselect(t("filter_zone", lang), list(zones["id"]), key="zone", format_func=zone_names.get,
                   placeholder=t("choose", lang))
    st.slider(t("filter_years", lang), year_span[0], year_span[1], key="years")
    st.text_input(t("filter_search", lang), key="q", help=t("filter_search_help", lang))
    if st.session_state.ignored:
        st.warning(t("url_ignored", lang, values=", ".join(st.session_state.ignored)))

filters = current_filters(year_span)
sync_url(filters, lang)
shown = apply_filters(projects, filters, zones)
n_located = int(shown.geometry.notna().sum())

st.title(t("app_title", lang))
st.caption(t("app_caption", lang))
tab_map, tab_stats, tab_upload, tab_download = st.tabs(
    [t("tab_map", lang), t("stats", lang), t("upload", lang), t("downloads", lang)])

with tab_upload:
    uploaded = st.file_uploader(t("upload_help", lang), type=UPLOAD_TYPES, key="upload")
    up_kind = st.selectbox(t("upload_kind", lang), ["project", "industrial_park", "economic_zone",
                           "industrial_cluster", "infrastructure", "district_seat"], key="upload_kind",
                           format_func=lambda k: KINDS[k].label(lang))
    up_crs = st.selectbox(t("upload_crs", lang), CRS_CHOICES, key="upload_crs")
    replace = st.checkbox(t("upload_replace", lang), key="upload_replace", disabled=up_kind != "project")
    user_layer = None
    if uploaded is not None:
        report = validate_upload(uploaded.getvalue(), uploaded.name, up_kind, up_crs or None)
        if report.exit_code == 0:
            st.success(t("upload_ok", lang, n=len(report.data)))
            if report.notes:
                st.info("\n".join(f"- {note.line()}" for note in report.notes))
            user_layer = report.data
        else:
            st.error(t("upload_problems", lang, n=len(report.problems) or 1))
            st.dataframe(pd.DataFrame([asdict(p) for p in report.problems]), hide_index=True, width="stretch")
            st.code("\n".join(report.lines()), language=None)

if user_layer is not None and up_kind == "project" and replace:
    projects = with_search_index(user_layer)
    shown = apply_filters(projects, filters, zones)
    n_located = int(shown.geometry.notna().sum())

with tab_map:
    st.caption(t("n_shown", lang, shown=n_located, total=int(projects.geometry.notna().sum()))
               + f" · {t('n_projects', lang, n=len(shown))}")
    m = app_map(layers, lang, bundled.ATTRIBUTION_SHORT)
    groups = [project_group(shown, lang, area_counts(layers))]
    if user_layer is not None and not (up_kind == "project" and replace):
        extra = folium.FeatureGroup(name=layer_name(t("layer_uploaded", lang, name=uploaded.name)))
        layer = BUILDERS[up_kind](user_layer, up_kind, lang)
        layer.control = False
        layer.add_to(extra)
        groups.append(extra)
    st_folium(m, feature_group_to_add=groups, layer_control=folium.LayerControl(collapsed=True),
              returned_objects=[], height=600, use_container_width=True, key="map")

with tab_stats:
    all_layers = {**layers, "project": projects}
    st.subheader(t("stats_reported", lang))
    st.dataframe(stats.reported_vs_dataset(bundled.load_aggregates(), all_layers, lang), hide_index=True,
                 width="stretch")
    st.caption(t("stats_gap_note", lang))
    st.dataframe(stats.indicators(bundled.load_aggregates(), lang), hide_index=True, width="stretch")
    st.subheader(t("stats_filtered", lang, n=len(shown)))
    cols = st.columns(2)
    for i, (title, table) in enumerate([
        (t("filter_sector", lang), stats.count_by(shown, "sector", lang)),
        (t("filter_status", lang), stats.count_by(shown, "status", lang)),
        (t("filter_district", lang), stats.count_by(shown, "district", lang)),
        (t("filter_zone", lang), stats.count_by_zone(shown, zones, lang)),
    ]):
        with cols[i % 2]:
            st.markdown(f"**{title}**")
            if len(table):
                st.bar_chart(table, x="label", y="count", horizontal=True, height=60 + 28 * len(table))
            else:
                st.caption(t("report_none", lang))
    st.subheader(t("stats_unlocated", lang))
    st.dataframe(stats.unlocated(all_layers, lang), hide_index=True, width="stretch")

with tab_download:
    st.caption(filters.describe(lang, zone_names))
    name = "qtmap-" + ("-".join(f"{k}_{v}" for k, v in filters.to_query_params().items())[:60] or "all")

    def _export(suffix: str, **options: object) -> bytes:
        """Render the current view to a file in a temp dir and return its bytes (runs on click)."""
        from geo.dataexport import write_data
        from geo.export import ExportOptions, export_map

        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / f"export{suffix}"
            if suffix in (".png", ".pdf", ".svg"):
                export_map(out, projects, filters, ExportOptions(lang=lang, **options))
            else:
                write_data(out, projects, filters)
            return out.read_bytes()

    cols = st.columns(3)
    cols[0].download_button(t("download_png", lang), lambda: _export(".png"), f"{name}.png", "image/png",
                            on_click="ignore", key="dl_png")
    cols[0].download_button(t("download_pdf", lang), lambda: _export(".pdf", paper="A3"), f"{name}.pdf",
                            "application/pdf", on_click="ignore", key="dl_pdf")
    cols[1].download_button(t("download_html", lang), lambda: render_html(projects, filters, lang).encode("utf-8"),
                            f"{name}.html", "text/html", on_click="ignore", key="dl_html")
    cols[2].download_button("GeoJSON", lambda: _export(".geojson"), f"{name}.geojson", "application/geo+json",
                            on_click="ignore", key="dl_geojson")
    cols[2].download_button("CSV", lambda: _export(".csv"), f"{name}.csv", "text/csv", on_click="ignore",
                            key="dl_csv")
    cols[2].download_button("Excel (XLSX)", lambda: _export(".xlsx"), f"{name}.xlsx",
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore",
                            key="dl_xlsx")
    cols[2].download_button("GeoPackage", lambda: _export(".gpkg"), f"{name}.gpkg", "application/geopackage+sqlite3",
                            on_click="ignore", key="dl_gpkg")
