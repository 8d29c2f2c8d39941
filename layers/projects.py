"""The project register: one canvas point layer, coloured by sector, filled by status.

The layer reaches the page as one columnar table (see :func:`table`). Registers of
100,000 projects stay light because:

- only the columns the map shows travel (title, tooltip, popup fields, sources,
  location confidence and note: every field the popup shows, nothing it does not);
- repeated strings (investors, sub-sectors, notes, ...) travel once, as a categorical
  ``{"labels", "idx"}`` column, like the vocabularies (qtmap.js reads both forms);
- the script goes into the page as text, never through Jinja (folium would parse
  megabytes of data as a template, and run any ``{{ ... }}`` in it);
- above :data:`BULK_ABOVE` points qtmap.js draws them as one bulk canvas layer
  instead of one Leaflet circle marker each (same symbols, tooltip and popup).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

import geopandas as gpd
from branca.element import Element
from folium.elements import ElementAddToElement

from geo import style
from geo.i18n import t
from geo.schema import VOCABULARIES, label
from layers.areas import info_options
from layers.common import QtmapLayer, _plain, confidence_options, name_column, vocabulary_of

BULK_ABOVE = 5_000  # more located projects than this: one bulk canvas layer in qtmap.js
DICT_MIN_ROWS = 64  # string columns of at least this many rows may travel as labels + indexes
# Columns qtmap.js reads besides the title, tooltip and popup fields.
INFO_COLUMNS: tuple[str, ...] = ("sector", "status", "sources", "location_confidence", "location_note")


def symbol_options() -> dict[str, object]:
    """Sector colours and status symbols in vocabulary order (they line up with the label indexes)."""
    return {
        "colour_by": "sector", "status_by": "status",
        "colours": [style.sector_colour(term.code) for term in VOCABULARIES["sector"]],
        "symbols": [{"fill_opacity": s.fill_opacity, "dash": s.dash.replace(" ", ",") if s.dash else None}
                    for s in (style.status_symbol(term.code) for term in VOCABULARIES["status"])],
        "default_colour": style.UNKNOWN_COLOUR,
        "default_symbol": {"fill_opacity": 0.9, "dash": None},
        "radius": style.PROJECT_RADIUS_PX,
    }


def _vocabulary_column(series: pd.Series, vocab: str, lang: str) -> dict[str, object]:
    """Labels in vocabulary order (unknown codes after them, as themselves) and one index per row (-1: none)."""
    codes_ = [term.code for term in VOCABULARIES[vocab]]
    position = {code: i for i, code in enumerate(codes_)}
    found, uniques = pd.factorize(series)
    values = [str(u) for u in uniques]
    extra = sorted(set(values) - set(position))
    for value in extra:
        position[value] = len(position)
    where = np.array([position[v] for v in values] + [-1], dtype=np.int64)  # found == -1 picks the last
    return {"labels": [label(vocab, c, lang) for c in codes_] + extra, "idx": where[found].tolist()}


_PLAIN_KINDS = {"string", "empty", "integer", "floating", "mixed-integer-float"}


def _plain_list(series: pd.Series) -> list[object]:
    """JSON-ready values: floats rounded to 6 decimals, missing values None, numpy scalars as Python ones."""
    if pd.api.types.is_float_dtype(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        out = np.round(values, 6).tolist()
        for i in np.flatnonzero(np.isnan(values)):
            out[i] = None
        return out
    values = series.astype(object).where(series.notna(), None).tolist()
    if pd.api.types.infer_dtype(values, skipna=True) in _PLAIN_KINDS:
        return values
    return [_plain(v) for v in values]


def display_names(df: pd.DataFrame, lang: str) -> pd.Series:
    """The name in ``lang``, falling back to the Vietnamese name (as ``with_display_name``'s ``_name``)."""
    if "name_vi" not in df.columns:
        return pd.Series(None, index=df.index, dtype=object)
    name = df[name_column(lang)] if name_column(lang) in df.columns else df["name_vi"]
    return name.where(name.notna() & (name.astype(str) != ""), df["name_vi"])


def table(df: pd.DataFrame, columns: Sequence[str], kind: str, lang: str) -> dict[str, object]:
    """Return ``df[columns]`` as a columnar table for qtmap.js (the format of ``layers.common.columnar``).

    Vocabulary columns become ``{"labels": [...], "idx": [...]}`` with the labels in
    vocabulary order; booleans become yes/no in ``lang``; missing values become null.
    Other columns of at least :data:`DICT_MIN_ROWS` rows with at most half as many
    distinct values as rows are sent the same way (labels in order of first
    appearance); qtmap.js resolves both forms to the same cell values.
    """
    out: dict[str, object] = {}
    n = len(df)
    for column in columns:
        if column not in df.columns:
            continue
        series = df[column]
        vocab = vocabulary_of(kind, column)
        if vocab:
            out[column] = _vocabulary_column(series, vocab, lang)
            continue
        if series.dtype == bool:
            series = series.map({True: t("yes", lang), False: t("no", lang)})
        elif pd.api.types.is_float_dtype(series):
            series = series.round(6)
        if n >= DICT_MIN_ROWS and not pd.api.types.is_float_dtype(series):
            idx, uniques = pd.factorize(series)
            if 2 * len(uniques) <= n:
                out[column] = {"labels": [_plain(v) for v in uniques], "idx": idx.tolist()}
                continue
        out[column] = _plain_list(series)
    return out


class _RawScript(Element):
    """Script text put into the page as it is (not a Jinja template, unlike ``branca.Element``)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "RawScript"
        self.text = text

    def render(self, **kwargs: object) -> str:
        return self.text


class PointsLayer(QtmapLayer):
    """The project layer; renders like a folium ``Layer``, but its script never goes through Jinja.

    folium's ``MacroElement.render`` wraps each rendered script in a new Jinja
    template: for a large register that re-parses megabytes of JSON, and a name
    like ``{{ 7*7 }}`` would be evaluated on the server.
    """

    def render(self, **kwargs: object) -> None:
        """Add the script to the page (as text) and the add-to-parent call, like ``folium.map.Layer``."""
        if self.show:
            self.add_child(ElementAddToElement(element_name=self.get_name(),
                                               element_parent_name=self._parent.get_name()),
                           name=self.get_name() + "_add")
        figure = self.get_root()
        script = self._template.module.__dict__["script"](self, kwargs)
        figure.script.add_child(_RawScript(script), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


def build(gdf: gpd.GeoDataFrame, kind: str = "project", lang: str = "vi", name: str | None = None,
          bulk_above: int | None = BULK_ABOVE) -> QtmapLayer:
    """Return the located projects of ``gdf`` as one layer (rows without geometry are skipped).

    ``bulk_above``: above this many located projects qtmap.js draws them as one bulk
    canvas layer (None: always one circle marker per project).
    """
    geometry = gdf.geometry
    located = gdf[geometry.notna().to_numpy() & ~geometry.is_empty.to_numpy()].copy()
    located["_name"] = display_names(located, lang)
    info = info_options(kind, located, lang)
    wanted = {"_name", *(c for _, c in info["popup"]), *INFO_COLUMNS, "sector", "status"}
    columns = ["_name", *[c for c in located.columns if c in wanted and c != "_name"]]
    data = {
        "lon": located.geometry.x.round(6).tolist(),
        "lat": located.geometry.y.round(6).tolist(),
        "cols": table(located, columns, kind, lang),
    }
    opts = {**symbol_options(), **confidence_options(), **info}
    opts["tooltip"] = ["sector", "status"]
    opts["bulk_above"] = bulk_above
    return PointsLayer("points", [data, opts], name=name or t("layer_projects", lang))
