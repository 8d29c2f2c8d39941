r"""What every layer module shares: safe JSON for scripts, columnar tables, the layer element.

Data reaches the page only as JSON inside a script, with ``<``, ``>`` and ``&``
escaped (so no string can close the script tag), and layers/qtmap.js puts it into
the DOM with ``textContent`` (so no string is ever parsed as HTML).

Examples
--------
>>> script_json({"name": "</script><img src=x onerror=alert(1)>"})
'{"name":"\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e"}'

"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

import geopandas as gpd
from branca.element import Element, MacroElement
from folium.elements import ElementAddToElement
from folium.map import Layer
from folium.template import Template

from geo import style
from geo.i18n import t
from geo.schema import KINDS, VOCABULARIES, label

DICT_MIN_ROWS = 64  # string columns of at least this many rows may travel as labels + indexes
_JS_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


# "{{", "{%" and "{#" start Jinja syntax, and folium renders every element's script through
# Jinja again: data must never contain them. In compact JSON a structural "{" is followed by
# '"' or "}", so a "{" followed by one of these is always inside a string and can be escaped.
_JINJA_OPENERS = re.compile(r"\{(?=[{%#])")


def script_json(value: object) -> str:
    """Serialise ``value`` as compact JSON that is safe inside an HTML <script> and a Jinja template."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escape in _JS_ESCAPES.items():
        text = text.replace(char, escape)
    return _JINJA_OPENERS.sub(r"\\u007b", text)


def layer_name(text: str) -> str:
    """A layer-control label made from user text: Leaflet inserts labels as HTML, folium passes them to Jinja.

    >>> layer_name("<img src=x onerror=alert(1)>{{ 7*7 }}.csv")
    '&lt;img src=x onerror=alert(1)&gt; 7*7 .csv'
    """
    return html.escape(re.sub(r"[{}%#]", "", text), quote=True)


def _plain(value: object) -> object:
    """A JSON-ready scalar: NaN/NA → None, numpy numbers → Python numbers."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def vocabulary_of(kind: str, column: str) -> str | None:
    """Name of the vocabulary behind ``column`` in ``kind`` (e.g. 'sector'), or None."""
    spec = KINDS[kind].field(column) if kind in KINDS else None
    if spec is not None and spec.type in VOCABULARIES:
        return spec.type
    return column if column in VOCABULARIES else None


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


def columnar(df: pd.DataFrame, columns: Sequence[str], kind: str, lang: str) -> dict[str, object]:
    """Return ``df[columns]`` as a columnar table for qtmap.js .

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


# Popup rows come in this order (what a planner asks first), then the other fields in schema order.
POPUP_FIRST: tuple[str, ...] = (
    "sector", "subsector", "facility", "status", "status_year", "status_note", "status_timeline", "investor",
    "capacity", "capacity_mw", "capital_bn_vnd", "workers", "area_ha", "area_note", "year", "district", "commune",
    "zone_id",
)


def popup_fields(kind: str, df: pd.DataFrame, lang: str, skip: Sequence[str] = ()) -> list[list[str]]:
    """(label, column) pairs for the popup: the POPUP_FIRST fields, the rest of the schema, extra columns.

    Coordinate columns a reader turned into the geometry (lon/lat, X/Y, WKT) are not repeated.
    """
    from geo.readers import LAT_COLUMNS, LON_COLUMNS, WKT_COLUMNS, X_COLUMNS, Y_COLUMNS, column_key

    coordinates = {*LON_COLUMNS, *LAT_COLUMNS, *X_COLUMNS, *Y_COLUMNS, *WKT_COLUMNS}
    hidden = {"name_vi", "name_en", "sources", "location_confidence", "location_note", "geometry", *skip}
    hidden |= {c for c in df.columns if column_key(c) in coordinates}
    names = [n for n in POPUP_FIRST if n in df.columns]
    names += [f.name for f in KINDS[kind].fields if f.name not in names] if kind in KINDS else []
    names += [c for c in df.columns if c not in names and not c.startswith("_")]
    return [[field_label(n, lang), n] for n in names if n in df.columns and n not in hidden]


def field_label(name: str, lang: str) -> str:
    """The label of field ``name`` in ``lang`` (i18n ``field_<name>``, else the name)."""
    try:
        return t(f"field_{name}", lang)
    except KeyError:
        return name.replace("_", " ")


# Long generic words in names -> the abbreviations planners use on maps.
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("Khu Kinh tế – Thương mại đặc biệt", "KKT-TM đặc biệt"), ("Khu kinh tế", "KKT"), ("Khu công nghiệp", "KCN"),
    ("Cụm công nghiệp làng nghề", "CCN-LN"), ("Cụm công nghiệp", "CCN"), ("Cửa khẩu quốc tế", "CKQT"),
    ("Cửa khẩu", "CK"), ("Special Economic and Commercial Zone", "SECZ"), ("Economic Zone", "EZ"),
    ("Industrial Park", "IP"), ("industrial cluster", "cluster"), ("International Border Gate", "border gate"),
)


def short_name(name: str | None) -> str | None:
    """Abbreviate the generic part of a place name for map labels.

    >>> short_name("Khu công nghiệp Quán Ngang")
    'KCN Quán Ngang'
    """
    if not name:
        return name
    for long, short in ABBREVIATIONS:
        name = name.replace(long, short)
    return name.split(" (")[0]


def name_column(lang: str) -> str:
    """The column holding names in ``lang``."""
    return "name_en" if lang == "en" else "name_vi"


def display_names(df: pd.DataFrame, lang: str) -> pd.Series:
    """The name in ``lang``, falling back to the Vietnamese name ."""
    if "name_vi" not in df.columns:
        return pd.Series(None, index=df.index, dtype=object)
    name = df[name_column(lang)] if name_column(lang) in df.columns else df["name_vi"]
    return name.where(name.notna() & (name.astype(str) != ""), df["name_vi"])


def with_display_name(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Add ``_name`` (:func:`display_names`) and ``_label``, its abbreviated form for map labels."""
    out = df.copy()
    if "name_vi" in out.columns:
        out["_name"] = display_names(out, lang)
        out["_label"] = out["_name"].map(short_name)
    return out


def geojson_rows(gdf: gpd.GeoDataFrame, precision: int = 5) -> dict[str, object]:
    """GeoJSON of the located rows of ``gdf`` with only a ``row`` property (index into the table)."""
    features = []
    for row, geom in enumerate(gdf.geometry):
        if geom is None or geom.is_empty:
            continue
        geometry = json.loads(gpd.GeoSeries([geom]).to_json(drop_id=True, to_wgs84=False))["features"][0]["geometry"]
        features.append({"type": "Feature", "properties": {"row": row}, "geometry": _round(geometry, precision)})
    return {"type": "FeatureCollection", "features": features}


def _round(obj: object, precision: int) -> object:
    if isinstance(obj, float):
        return round(obj, precision)
    if isinstance(obj, list | tuple):
        return [_round(x, precision) for x in obj]
    if isinstance(obj, dict):
        return {k: _round(v, precision) for k, v in obj.items()}
    return obj


def area_style(kind: str) -> dict[str, object]:
    """The style-table entry of ``kind`` as a dict for qtmap.js."""
    s = style.KIND_STYLES[kind]
    return {"colour": s.colour, "fill": s.fill, "fill_opacity": s.fill_opacity, "weight": s.weight, "dash": s.dash}


def confidence_options() -> dict[str, object]:
    """How qtmap.js marks uncertain locations: which confidence indexes, dash and opacity."""
    order = [term.code for term in VOCABULARIES["location_confidence"]]
    return {"low_confidence": [order.index("low")], "low_dash": style.APPROXIMATE_DASH.replace(" ", ","),
            "low_opacity": style.LOW_CONFIDENCE_OPACITY}


class _RawScript(Element):
    """Script text put into the page as it is (not a Jinja template, unlike ``branca.Element``)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "RawScript"
        self.text = text

    def render(self, **kwargs: object) -> str:
        return self.text


class QtmapLayer(Layer):
    """A map layer drawn by a qtmap.js function: ``qtmap.<function>(<args as JSON>...)``.

    It is a folium ``Layer``, so it appears in the layer control and can be put in
    a ``FeatureGroup`` (which streamlit-folium sends without remounting the map).
    Unlike folium's elements, its script goes into the page as text: folium wraps
    each rendered script in a new Jinja template, which for a large register
    re-parses megabytes of JSON (data never holds Jinja syntax: see script_json).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = qtmap.{{ this.function }}({{ this.args }});
        {% endmacro %}
    """)

    def __init__(self, function: str, args: Sequence[object], name: str, overlay: bool = True,
                 control: bool = True, show: bool = True) -> None:
        super().__init__(name=name, overlay=overlay, control=control, show=show)
        self._name = "QtmapLayer"
        self.function = function
        self.args = ", ".join(script_json(a) for a in args)

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

    def fresh_copy(self) -> QtmapLayer:
        """A new, unattached layer drawing the same data (the serialised data is shared, not rebuilt)."""
        layer = QtmapLayer(self.function, [], self.layer_name, self.overlay, self.control, self.show)
        layer.args = self.args
        return layer


class QtmapLegend(MacroElement):
    """The legend control of a layer group: shown while the group is on the map.

    Filters replace the group, and with it the legend, so the legend always
    describes what is drawn.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (group) {
          var control = qtmap.legend({{ this.spec }});
          group.on("add", function () { control.addTo(group._map); });
          group.on("remove", function () { control.remove(); });
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, spec: dict[str, object]) -> None:
        super().__init__()
        self._name = "QtmapLegend"
        self.spec = script_json(spec)


class QtmapAttribution(MacroElement):
    """Adds the data sources' attribution text to the map's attribution control."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text }});
        {% endmacro %}
    """)

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "QtmapAttribution"
        self.text = script_json(html.escape(text))
