"""The area form's model: a park's, zone's or cluster's fields, the import checks, and drawn footprints.

An area's form has the fields of its kind (geo/schema.py: ``industrial_park``,
``economic_zone`` or ``industrial_cluster``), with the same widgets as the project
form (:class:`geo.editform.FormField`). :func:`check_area` checks what was typed as
an import of that kind would (:func:`geo.validate.run.validate_frame` on a one-row
table); :func:`check_footprint` checks a footprint drawn with Leaflet's draw tools
(valid, inside or near the province outline: the validator's geometry and location
checks), so the messages are the validator's, located, in the user's language.

A drawn footprint is an approximate one: its ``geometry_quality`` is "approximate"
unless the editor says it follows a survey ("surveyed"); "point" is only for points,
so a polygon never gets it (:data:`DRAWN_QUALITIES`).

Examples
--------
>>> [f.name for f in area_fields("economic_zone")][:4]
['name_vi', 'name_en', 'district', 'commune']
>>> drawn_geometry([{"type": "Feature", "geometry": {"type": "Polygon",
...     "coordinates": [[[107.0, 16.7], [107.1, 16.7], [107.1, 16.8], [107.0, 16.7]]]}}])[:10]
'0103000000'
>>> drawn_geometry([{"type": "Feature", "geometry": {"type": "Point", "coordinates": [107.0, 16.7]}}]) is None
True

"""

from __future__ import annotations

import pandas as pd

import shapely
from shapely.geometry import shape

from geo.editform import FormCheck, FormField, form_value
from geo.i18n import t
from geo.schema import KINDS
from geo.store.records import AREA_KINDS, GEOMETRY, records_from_frame

__all__ = ["DRAWN_QUALITIES", "area_fields", "area_form_values", "check_area", "check_footprint", "drawn_geometry",
           "footprint_values"]

DRAWN_QUALITIES: tuple[str, ...] = ("approximate", "surveyed")  # the first is the default of a drawn footprint


def area_fields(kind: str) -> tuple[FormField, ...]:
    """The form fields of an area kind (every schema field but the id), in the schema's order."""
    if kind not in AREA_KINDS:
        raise ValueError(kind)
    return tuple(FormField(f.name, f.type, f.required) for f in KINDS[kind].fields if f.name != "id")


def area_form_values(record: dict[str, object]) -> dict[str, object]:
    """The widget values of an area record (text, codes or booleans, keyed by field name)."""
    out: dict[str, object] = {}
    for f in area_fields(str(record["kind"])):
        value = record.get(f.name)
        out[f.name] = form_value(f, value)
    return out


def _row(record: dict[str, object], kind: str, values: dict[str, object] | None = None) -> dict[str, str]:
    values = area_form_values(record) if values is None else values
    row = {"id": str(record["id"])}
    for f in area_fields(kind):
        value = values.get(f.name)
        row[f.name] = ("true" if value else "false") if f.widget == "check" else str(value or "").strip()
    return row


def _validate(row: dict[str, str], kind: str, lang: str):
    from geo.register import bundled_references
    from geo.validate.run import validate_frame

    return validate_frame(pd.DataFrame([row]), kind, t("ar_form", lang), references=bundled_references(), lang=lang)


def _label(name: str | None, lang: str) -> str:
    if not name:
        return ""
    return t("ed_location", lang) if name == "geometry" or "/" in name else t(f"field_{name}", lang)


def check_area(values: dict[str, object], base: dict[str, object], lang: str) -> FormCheck:
    """Check the typed attributes of the area ``base`` (its stored record); return the record to save.

    Fields still as the form opened them keep their stored value, and problems in them do not block;
    the footprint is not changed here (see :func:`check_footprint`).
    """
    kind = str(base["kind"])
    opened = area_form_values(base)
    row = _row(base, kind, values)
    geometry = base.get(GEOMETRY)
    row["wkt"] = "" if geometry is None else shapely.to_wkt(shapely.from_wkb(geometry), rounding_precision=-1)
    report = _validate(row, kind, lang)
    unchanged = {n for n in opened if values.get(n) == opened[n]}
    errors, warnings = [], []
    for p in report.problems:
        if p.note or p.field in unchanged or p.field in ("geometry", "wkt") or (p.field and "/" in p.field):
            continue
        text = f"{_label(p.field, lang)}: {p.message}" if p.field else p.message
        (errors if p.is_error else warnings).append(text)
    if errors or report.data is None or not len(report.data):
        return FormCheck(None, errors or [t("ed_form_unreadable", lang)], warnings)
    names = tuple(f.name for f in area_fields(kind) if f.name in report.data.columns)
    record = records_from_frame(report.data, names)[str(base["id"])]
    for f in area_fields(kind):
        record.setdefault(f.name, None)
        if f.name in unchanged:
            record[f.name] = base.get(f.name)
    return FormCheck(record, [], warnings)


def drawn_geometry(drawings: list[dict[str, object]] | None) -> str | None:
    """The footprint of the polygons and rectangles drawn on the map (GeoJSON features), as hex WKB.

    Several polygons make one MultiPolygon; drawn points and lines are not footprints (None when
    nothing else was drawn).
    """
    polygons = []
    for feature in drawings or []:
        geom = shape(feature.get("geometry") or feature) if isinstance(feature, dict) else None
        if geom is not None and geom.geom_type in ("Polygon", "MultiPolygon"):
            polygons.extend(getattr(geom, "geoms", [geom]))
    if not polygons:
        return None
    geom = polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)
    return shapely.to_wkb(geom, hex=True, byte_order=1, output_dimension=2)


def check_footprint(base: dict[str, object], geometry: str, quality: str, lang: str) -> FormCheck:
    """Check a drawn footprint (hex WKB) for the area ``base``: valid, inside or near the province outline.

    Returns the values to save (the geometry and its ``geometry_quality``) or the located errors;
    warnings (for example a footprint just outside the outline) are said but do not block.
    """
    if quality not in DRAWN_QUALITIES:
        return FormCheck(None, [t("ar_quality_drawn", lang, allowed=", ".join(DRAWN_QUALITIES))])
    kind = str(base["kind"])
    row = _row({**base, "geometry_quality": quality}, kind)
    row["wkt"] = shapely.to_wkt(shapely.from_wkb(geometry), rounding_precision=-1)
    report = _validate(row, kind, lang)
    errors, warnings = [], []
    for p in report.problems:
        if p.note or not (p.field in (None, "geometry", "wkt", "geometry_quality") or "/" in (p.field or "")):
            continue  # the other fields' problems are the stored record's, not the drawing's
        text = f"{_label(p.field, lang)}: {p.message}" if p.field else p.message
        (errors if p.is_error else warnings).append(text)
    if errors:
        return FormCheck(None, errors, warnings)
    return FormCheck({GEOMETRY: geometry, "geometry_quality": quality}, [], warnings)


def footprint_values(base: dict[str, object], geometry: str, quality: str) -> dict[str, object]:
    """The changes a footprint makes to ``base``: the geometry and quality that differ."""
    return {k: v for k, v in ((GEOMETRY, geometry), ("geometry_quality", quality)) if base.get(k) != v}
