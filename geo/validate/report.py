"""The validator's result: located problems and notes, the report's lines and exit code.

Examples
--------
>>> Problem("a.csv", 7, "sector", "thep", "unknown sector").line()
"a.csv:row 7: sector='thep': unknown sector"
>>> Problem("a.csv", 7, "sector", "thep", "ngành không có trong danh mục", lang="vi").line()
"a.csv:dòng 7: sector='thep': ngành không có trong danh mục"

"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

import geopandas as gpd

from geo.i18n import t
from geo.schema import KINDS

__all__ = ["Problem", "Report", "kind_name"]


@dataclass(frozen=True)
class Problem:
    """One problem (or note) found in a file, located as its user would look for it.

    ``row`` is the spreadsheet row for tables (header = row 1, first record = row 2)
    and the 1-based feature number for GeoJSON, GeoPackage and shapefiles
    (``unit="feature"``); None for the file as a whole. ``message`` is written in
    ``lang``, and so are the words around it ("row", "note").
    """

    file: str
    row: int | None
    field: str | None
    value: str | None
    message: str
    unit: str = "row"
    record_id: str | None = None
    note: bool = False
    lang: str = "en"
    severity: str = "error"  # "error": the record cannot be used; "warning": usable, worth a look

    @property
    def where(self) -> str:
        """Return where the problem is: "row 7", "feature 3 (id P03)" or "" (in ``lang``)."""
        if self.row is None:
            return ""
        if self.unit == "feature" and self.record_id:
            return t("val_where_feature_id", self.lang, row=self.row, id=self.record_id)
        return t("val_where_feature" if self.unit == "feature" else "val_where_row", self.lang, row=self.row)

    def line(self) -> str:
        """Return the problem as one line: ``file:row 7: field='value': message``."""
        head = f"{self.file}:{self.where}" if self.where else self.file
        what = ""
        if self.field is not None:
            shown = self.value if self.value is None or len(self.value) <= 60 else self.value[:57] + "..."
            what = self.field if shown is None else f"{self.field}={shown!r}"
            what += ": "
        text = what + self.message
        if self.note:
            text = t("val_note", self.lang, text=text)
        elif self.severity == "warning":
            text = t("val_warning", self.lang, text=text)
        return f"{head}: {text}"

    @property
    def is_error(self) -> bool:
        """True for an error (not a warning or a note)."""
        return not self.note and self.severity == "error"


def kind_name(kind: str | None, lang: str) -> str:
    """Return how a report names a layer kind: its code in English, its label in Vietnamese."""
    if kind is None or kind not in KINDS or lang == "en":
        return str(kind)
    label = KINDS[kind].label(lang)
    return label[:1].lower() + label[1:]


@dataclass
class Report:
    """The outcome of validating one file; its messages are written in ``lang``.

    ``problems`` holds errors and warnings (see :attr:`Problem.severity`);
    ``original`` is the file's own columns as read (for the left-out rows).
    """

    file: str
    kind: str | None
    problems: list[Problem] = field(default_factory=list)
    data: gpd.GeoDataFrame | None = None
    notes: list[Problem] = field(default_factory=list)
    lang: str = "en"
    original: object = None
    rows: object = None
    renamed: dict[str, str] = field(default_factory=dict)  # schema field -> the file's own column name

    def column_name(self, fld: str | None) -> str | None:
        """The file's own name for a field (``Ngành`` for sector), as the user wrote it."""
        return self.renamed.get(fld, fld) if fld else fld

    @property
    def errors(self) -> list[Problem]:
        """The problems that make a record (or the file) unusable."""
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that leave a record usable."""
        return [p for p in self.problems if not p.is_error]

    @property
    def exit_code(self) -> int:
        """Return 0 when valid (warnings allowed), 1 when there are errors, 2 when the file cannot be read."""
        if self.data is None:
            return 2
        return 1 if self.errors else 0

    @property
    def file_errors(self) -> list[Problem]:
        """Errors about the file as a whole (a missing column, coordinates without CRS): nothing is usable."""
        return [p for p in self.errors if p.row is None]

    def unusable(self):
        """Return a boolean array: which records have an error (all of them when the file has a file-level error)."""
        n = 0 if self.data is None else len(self.data)
        if self.file_errors or self.data is None:
            return np.ones(n, bool)
        bad_rows = {p.row for p in self.errors}
        return np.isin(np.asarray(self.rows), list(bad_rows)) if bad_rows else np.zeros(n, bool)

    @property
    def usable(self) -> gpd.GeoDataFrame | None:
        """The records without errors, or None when none can be used (file-level error or no such record)."""
        if self.data is None or self.file_errors:
            return None
        keep = ~self.unusable()
        return self.data[keep].reset_index(drop=True) if keep.any() else None

    def left_out(self):
        """The records with errors as the file had them: its own columns plus a problem column (in ``lang``)."""
        if self.data is None or self.original is None:
            return None
        bad = self.unusable()
        frame = pd.DataFrame(self.original)[bad].reset_index(drop=True)
        by_row: dict[int, list[str]] = {}
        for p in self.errors:
            if p.row is not None:
                name = self.column_name(p.field)  # the file's own header, as the user will look for it
                shown = f"{name}={p.value!r}: {p.message}" if p.field and p.value is not None else p.message
                by_row.setdefault(p.row, []).append(shown)
        file_level = [p.message for p in self.file_errors]
        rows = list(map(int, pd.Series(self.rows)[bad])) if self.rows is not None else []
        frame[t("val_problem_column", self.lang)] = ["; ".join(file_level + by_row.get(r, [])) for r in rows]
        return frame

    def left_out_lines(self, path: object = None) -> list[str]:
        """Say loudly how many records were left out and used, and where the left-out ones were written."""
        n = int(self.unusable().sum())
        lines = [t("val_left_out", self.lang, file=self.file, n=n, m=len(self.data) - n)]
        if path is not None:
            lines.append(t("val_left_out_file", self.lang, path=str(path)))
        return lines

    def summary(self) -> str:
        """Return one line on the whole file: "a.csv: OK, 4 features (project)" or "a.csv: the file has 2 problems".

        >>> Report("a.csv", "project", [Problem("a.csv", 2, None, None, "x")] * 2, data=gpd.GeoDataFrame()).summary()
        'a.csv: the file has 2 problems'
        >>> Report("a.csv", "project", [], data=gpd.GeoDataFrame({"a": [1]}), lang="vi").summary()
        'a.csv: hợp lệ, 1 đối tượng (dự án)'
        """
        if self.data is None:
            return t("val_summary_unreadable", self.lang, file=self.file)
        if self.errors:
            return t("val_summary_problems", self.lang, file=self.file, n=len(self.errors))
        ok = t("val_summary_ok", self.lang, file=self.file, n=len(self.data), kind=kind_name(self.kind, self.lang))
        return t("val_summary_warnings", self.lang, summary=ok, n=len(self.problems)) if self.problems else ok

    def lines(self) -> list[str]:
        """Return one line per problem (then the notes); for a valid file, the summary line first."""
        if self.data is None:
            return [p.line() for p in self.problems]
        if self.errors:
            return [p.line() for p in self.problems] + [n.line() for n in self.notes]
        return [self.summary()] + [p.line() for p in self.problems] + [note.line() for note in self.notes]
