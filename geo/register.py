"""The project register: the bundled one or a validated file, and the bundled reference data validation needs.

This is where the bundled data (:mod:`geo.bundled`) meets the validator
(:mod:`geo.validate`); neither imports the other.

Examples
--------
>>> refs = bundled_references()
>>> len(refs.province), "KL11" in refs.source_keys
(1, True)

"""

from __future__ import annotations

import os
import tempfile
from functools import cache
from pathlib import Path

import pandas as pd

import geopandas as gpd

from geo.bundled import load_layer, load_sources, zone_ids
from geo.filters import with_search_index
from geo.i18n import DEFAULT_LANG
from geo.readers import ReadOptions
from geo.validate import References, Report, validate_file

__all__ = ["bundled_references", "left_out_path", "load_register", "load_usable", "write_left_out"]


@cache
def bundled_references() -> References:
    """Return the bundled province outline, park/zone/cluster ids and source keys (loaded once)."""
    return References(load_layer("province").geometry, frozenset(zone_ids()), frozenset(load_sources()))


def load_register(path: str | Path | None = None, crs: str | None = None, index: bool = True,
                  lang: str = DEFAULT_LANG) -> gpd.GeoDataFrame:
    """Return the project register: the bundled one, or the file at ``path`` if valid.

    ``index`` precomputes the text-search column (the app filters many times; a
    one-off export without a text query does not need it). Raises ValueError with
    the validator's report (one line per problem, in ``lang``) when the file has
    problems: nothing is loaded partially.
    """
    if path is None:
        data = load_layer("project")
    else:
        report = validate_file(path, kind="project", crs=crs, references=bundled_references(), lang=lang)
        if report.exit_code != 0:
            raise ValueError("\n".join(report.lines()))
        data = report.data
    return with_search_index(data) if index else data


def load_usable(path: str | Path, crs: str | None = None, *, index: bool = True, lang: str = DEFAULT_LANG,
                options: ReadOptions | None = None, control: str = "cli") -> tuple[gpd.GeoDataFrame, Report]:
    """Return the records of the register at ``path`` that have no error, and the report.

    Rows with errors are left out (``Report.left_out`` holds them with a problem
    column; say so with ``Report.left_out_lines``). Raises ValueError with the
    report's lines when nothing can be used (a file-level error, or every row bad).
    """
    report = validate_file(path, kind="project", crs=crs, references=bundled_references(), lang=lang,
                           options=options, control=control)
    usable = report.usable
    if usable is None:
        raise ValueError("\n".join(report.lines()))
    return (with_search_index(usable) if index else usable), report


def left_out_path(source: str | Path, report: Report) -> Path:
    """Where the left-out rows of ``source`` go by default: beside it, ``NAME.left_out.xlsx`` (``.geojson``)."""
    source = Path(source)
    suffix = ".geojson" if isinstance(report.original, gpd.GeoDataFrame) and not _is_table(report) else ".xlsx"
    return source.with_name(f"{source.stem}.left_out{suffix}")


def _is_table(report: Report) -> bool:
    return Path(report.file).suffix.lower() in (".csv", ".txt", ".tsv", ".xlsx")


def write_left_out(report: Report, out: str | Path) -> Path:
    """Write the left-out rows (the file's own columns plus a problem column) to ``out``, all or nothing.

    Tables go to ``.xlsx`` (text cells exactly as read, never a formula), vector
    files to ``.geojson`` with their geometry.
    """
    from openpyxl import Workbook  # here: openpyxl costs ~0.2 s of every app start that reads no workbook

    from geo.dataexport import xlsx_row

    out = Path(out)
    frame = report.left_out()
    fd, tmp = tempfile.mkstemp(prefix=".qtmap-", suffix=out.suffix, dir=out.parent)
    os.close(fd)
    try:
        if out.suffix.lower() == ".geojson":
            gpd.GeoDataFrame(frame, geometry=frame.geometry.name, crs="EPSG:4326").to_file(
                tmp, driver="GeoJSON", engine="pyogrio")
        else:
            table = pd.DataFrame(frame).drop(columns=["geometry"], errors="ignore")
            wb = Workbook(write_only=True)
            ws = wb.create_sheet("left_out")
            ws.append(xlsx_row(ws, [str(c) for c in table.columns]))
            for row in table.itertuples(index=False, name=None):
                ws.append(xlsx_row(ws, list(row)))
            wb.save(tmp)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out
