"""An upload in the app: checked under a generated file name, its workbook's sheets, its left-out rows, its problems.

The user's file name never reaches GDAL or the file system: the bytes are written
to a temporary directory as ``upload.SUFFIX`` and read from there; the name is
only the report's label.

Examples
--------
>>> sheets_of(b"not a workbook")
[]

"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from geo.i18n import t

__all__ = ["check_upload", "sheets_of", "left_out_bytes", "problems_table"]


def check_upload(data: bytes, name: str, kind: str, crs: str | None, lang: str, sheet: str | None = None,
                 multi: str | None = None, _progress: Callable[[int, int, str], None] | None = None):
    """Validate an uploaded file under a generated file name; ``_progress(done, total, stage)`` is told how far."""
    from geo.readers import ReadOptions
    from geo.register import bundled_references
    from geo.validate import validate_file

    with tempfile.TemporaryDirectory() as tmp:  # the user's file name never reaches GDAL
        path = Path(tmp) / ("upload" + Path(name).suffix.lower())
        path.write_bytes(data)
        return validate_file(path, kind=kind, crs=crs, label=name, references=bundled_references(), lang=lang,
                             options=ReadOptions(sheet=sheet or None, multi=multi or None), control="app",
                             progress=_progress)


def sheets_of(data: bytes) -> list[str]:
    """The sheet names of an uploaded workbook (for the sheet box); none when it is not one."""
    from geo.readers import ReadError, sheet_names

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.xlsx"
        path.write_bytes(data)
        try:
            return sheet_names(path)
        except ReadError:
            return []


def left_out_bytes(report) -> bytes:
    """The upload's rows with errors (its own columns plus a problem column) as a file to fix and upload again."""
    from geo.register import write_left_out

    with tempfile.TemporaryDirectory() as tmp:
        return write_left_out(report, Path(tmp) / "left_out.xlsx").read_bytes()


def problems_table(report, lang: str) -> pd.DataFrame:
    """The report's problems as the Upload tab lists them: where, column, value, severity, message."""
    return pd.DataFrame([{
        t("rd_up_col_where", lang): p.where, t("rd_up_col_column", lang): report.column_name(p.field),
        t("rd_up_col_value", lang): p.value, t("rd_up_col_severity", lang): t(f"rd_up_{p.severity}", lang),
        t("rd_up_col_message", lang): p.message} for p in report.problems])
