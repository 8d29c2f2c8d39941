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
        return f"{head}: {t('val_note', self.lang, text=text) if self.note else text}"


def kind_name(kind: str | None, lang: str) -> str:
    """Return how a report names a layer kind: its code in English, its label in Vietnamese."""
    if kind is None or kind not in KINDS or lang == "en":
        return str(kind)
    label = KINDS[kind].label(lang)
    return label[:1].lower() + label[1:]


@dataclass
class Report:
    """The outcome of validating one file; its messages are written in ``lang``."""

    file: str
    kind: str | None
    problems: list[Problem] = field(default_factory=list)
    data: gpd.GeoDataFrame | None = None
    notes: list[Problem] = field(default_factory=list)
    lang: str = "en"

    @property
    def exit_code(self) -> int:
        """Return 0 when valid, 1 when there are problems, 2 when the file cannot be read."""
        if self.data is None:
            return 2
        return 1 if self.problems else 0

    def summary(self) -> str:
        """Return one line on the whole file: "a.csv: OK, 4 features (project)" or "a.csv: the file has 2 problems".

        >>> Report("a.csv", "project", [Problem("a.csv", 2, None, None, "x")] * 2, data=gpd.GeoDataFrame()).summary()
        'a.csv: the file has 2 problems'
        >>> Report("a.csv", "project", [], data=gpd.GeoDataFrame({"a": [1]}), lang="vi").summary()
        'a.csv: hợp lệ, 1 đối tượng (dự án)'
        """
        if self.data is None:
            return t("val_summary_unreadable", self.lang, file=self.file)
        if self.problems:
            return t("val_summary_problems", self.lang, file=self.file, n=len(self.problems))
        return t("val_summary_ok", self.lang, file=self.file, n=len(self.data), kind=kind_name(self.kind, self.lang))

    def lines(self) -> list[str]:
        """Return one line per problem (then the notes); for a valid file, the summary line first."""
        if self.data is None:
            return [p.line() for p in self.problems]
        if self.problems:
            return [p.line() for p in self.problems] + [n.line() for n in self.notes]
        return [self.summary()] + [note.line() for note in self.notes]
