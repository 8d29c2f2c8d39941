"""Running the checks: the table of checks, and validate_layer / validate_file / validate_frame."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from geo.i18n import DEFAULT_LANG, t
from geo.progress import Progress, report
from geo.readers import (
    RawLayer,
    ReadError,
    ReadOptions,
    coerce_to_schema,
    layer_from_frame,
    layer_from_table,
    read_raw,
    text_of,
    text_values,
)
from geo.schema import KINDS
from geo.validate.confidence import check_confidence, check_quality
from geo.validate.context import Context
from geo.validate.fields import (
    check_fields,
    check_ids,
    check_records,
    check_required_columns,
    check_sources,
    check_zone_ids,
)
from geo.validate.interpret import derive_ids, footprints, keep_unit_renames, read_number_fields
from geo.validate.kinds import guess_kind, schema_renames
from geo.validate.location import check_coordinate_text, check_crs_known, check_geometry, check_location
from geo.validate.references import References
from geo.validate.report import Problem, Report

__all__ = ["CHECKS", "Check", "validate_file", "validate_frame", "validate_layer"]


@dataclass(frozen=True)
class Check:
    """One row of the table of checks: a name and a function that adds problems and notes to a Context."""

    name: str
    run: Callable[[Context], None]


# In order: the coordinate checks mark the records already reported (Context.bad) before the location checks.
CHECKS: tuple[Check, ...] = (
    Check("records", check_records),
    Check("required_columns", check_required_columns),
    Check("fields", check_fields),
    Check("ids", check_ids),
    Check("coordinate_text", check_coordinate_text),
    Check("crs_known", check_crs_known),
    Check("location", check_location),
    Check("geometry", check_geometry),
    Check("confidence", check_confidence),
    Check("quality", check_quality),
    Check("sources", check_sources),
    Check("zone_ids", check_zone_ids),
)


def validate_layer(layer: RawLayer, kind: str | None = None, file_label: str = "data", *, references: References,
                   strict: bool = False, lang: str = DEFAULT_LANG, control: str = "cli",
                   progress: Progress | None = None) -> Report:
    """Validate a layer read by :func:`geo.readers.read_raw`; see :func:`validate_file`."""
    original = pd.DataFrame(layer.frame.drop(columns=layer.frame.geometry.name)) if layer.is_table \
        else layer.frame.copy()
    columns = [str(col) for col in layer.frame.columns if col != layer.frame.geometry.name]
    kind = kind or guess_kind(columns, file_label)
    spec = KINDS[kind]
    renames, kept_out = keep_unit_renames(schema_renames(columns, spec, layer.driver == "ESRI Shapefile"), spec)
    if renames:
        layer.frame = layer.frame.rename(columns=renames)
    geoms = layer.frame.geometry.to_numpy()
    c = Context(layer, spec, file_label, references, strict, lang, bad=np.zeros(len(geoms), bool),
                located=~(shapely.is_missing(geoms) | shapely.is_empty(geoms)), control=control)
    if "id" in layer.frame.columns:
        c.ids = text_values(layer.frame["id"]).to_numpy(dtype=object)
    for message in layer.problems:
        c.add(None, None, None, text_of(message, lang, control))
    for message in layer.notes:
        c.add(None, None, None, text_of(message, lang, control), note=True)
    if renames:
        pairs = ", ".join(t("val_rename_pair", lang, a=repr(a), b=repr(b)) for a, b in renames.items())
        c.add(None, None, None, t("val_read_columns", lang, pairs=pairs, n=len(renames)), note=True)
    for col, name, unit in kept_out:
        c.add(None, None, None, t("val_unit_not_converted", lang, column=repr(col), unit=unit, name=name,
                                  field_unit=spec.field(name).unit), note=True)
    if spec.fields:
        footprints(c)
        derive_ids(c)
        read_number_fields(c, {new: old for old, new in renames.items()})
    for done, check in enumerate(CHECKS, start=2):
        check.run(c)
        report(progress, done, len(CHECKS) + 2, check.name)
    data = coerce_to_schema(layer.frame, kind) if spec.fields else layer.frame
    order = sorted(range(len(c.problems)), key=lambda k: (c.problems[k].row or 0, k))
    result = Report(file_label, kind, [c.problems[k] for k in order], data, c.notes, lang,
                    original=original, rows=np.asarray(layer.rows), renamed={new: old for old, new in renames.items()})
    report(progress, len(CHECKS) + 2, len(CHECKS) + 2, "done")
    return result


def _unreadable(file_label: str, kind: str | None, message: str, lang: str) -> Report:
    message = " ".join(str(message).split())
    problem = Problem(file_label, None, None, None, t("val_cannot_read", lang, reason=message), lang=lang)
    return Report(file_label, kind, [problem], None, lang=lang)


def validate_file(path: str | Path, kind: str | None = None, crs: str | None = None, *, references: References,
                  strict: bool = False, label: str | None = None, lang: str = DEFAULT_LANG,
                  options: ReadOptions | None = None, control: str = "cli", progress: Progress | None = None) -> Report:
    """Read and check the file at ``path``; never raises for a bad file.

    Parameters
    ----------
    path
        Any file :func:`geo.readers.read_raw` reads (GeoJSON, GeoPackage, zipped
        shapefile, CSV/TSV/TXT, XLSX).
    kind
        Layer kind (a key of ``geo.schema.KINDS``); None guesses it (:func:`geo.validate.guess_kind`).
    crs
        CRS of projected X/Y columns, or of a file that declares none
        (``vn2000-utm48``, ``vn2000-tm3-quangtri`` or ``EPSG:nnnn``).
    references
        What the records are checked against (province outline, zone ids, source
        keys): :func:`geo.register.bundled_references` for the bundled data.
    strict
        Require ``sources``, ``location_confidence`` and ``geometry_quality`` and
        check the source keys, as for the bundled data (see :mod:`geo.validate`).
    label
        File name to show in the messages (default: the name of ``path``), e.g. the
        name of an upload saved under a generated temporary name.
    lang
        Language of the messages and notes: "vi" (default) or "en".
    options
        Which sheet of a workbook, what a multi-site record becomes (:class:`geo.readers.ReadOptions`).
    control
        Where the user makes these choices, named in the messages: "cli" (``--crs``,
        ``--sheet``, ``--multi``) or "app" (the upload's boxes).
    progress
        Called as ``progress(done, total, stage)`` once the file is read, after each check and at
        the end (:mod:`geo.progress`); None: no calls.

    Returns
    -------
    Report
        ``exit_code`` 0 (valid), 1 (problems) or 2 (cannot be read; ``data`` is None).

    """
    label = label or Path(path).name
    if kind is not None and kind not in KINDS:
        return _unreadable(label, kind, t("val_unknown_kind", lang, kind=repr(kind), kinds=", ".join(KINDS)), lang)
    try:
        layer = read_raw(path, crs, options)
        report(progress, 1, len(CHECKS) + 2, "read")
    except ReadError as exc:
        return _unreadable(label, kind, exc.text(lang, control), lang)
    except Exception as exc:  # noqa: BLE001 - a user's file must never produce a traceback
        suffix = Path(path).suffix or t("val_data_suffix", lang)
        return _unreadable(label, kind, t("val_read_failed", lang, error=f"{type(exc).__name__}: {exc}",
                                          suffix=suffix), lang)
    try:
        return validate_layer(layer, kind, label, references=references, strict=strict, lang=lang, control=control,
                              progress=progress)
    except Exception as exc:  # noqa: BLE001
        return _unreadable(label, kind, t("val_unexpected", lang, error=f"{type(exc).__name__}: {exc}"), lang)


def validate_frame(frame: pd.DataFrame | gpd.GeoDataFrame, kind: str | None = None, file_label: str = "data", *,
                   references: References, crs: str | None = None, strict: bool = False,
                   lang: str = DEFAULT_LANG) -> Report:
    """Check an in-memory table (text cells, coordinate columns) or GeoDataFrame like :func:`validate_file`."""
    if isinstance(frame, gpd.GeoDataFrame):
        layer = layer_from_frame(frame, crs, "GeoDataFrame")
    else:
        layer = layer_from_table(frame, crs, "CSV")
    return validate_layer(layer, kind, file_label, references=references, strict=strict, lang=lang)
