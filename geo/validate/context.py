"""What every check works on: the layer being checked, the references, and where problems and notes go."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

import geopandas as gpd

from geo.i18n import t
from geo.readers import RawLayer
from geo.schema import Kind
from geo.validate.references import References
from geo.validate.report import Problem

__all__ = ["MAX_LISTED_ROWS", "SOFT_FIELDS", "Context", "coordinate_mode"]

# Fields a user's file may leave out or empty: the value used instead (see geo.validate's docstring).
SOFT_FIELDS: tuple[str, ...] = ("location_confidence", "geometry_quality", "sources")
MAX_LISTED_ROWS = 8


def coordinate_mode(layer: RawLayer) -> str:
    """How a layer's coordinates were given: "lonlat", "xy", "wkt" (tables), "vector" or "none"."""
    return layer.coords[0] if layer.coords else ("vector" if not layer.is_table else "none")


@dataclass
class Context:
    """The layer, its kind and the references; the problems and notes found so far, in ``lang``.

    ``bad`` marks the records whose coordinates are already reported (later checks
    skip them) and ``located`` those with a geometry; both are set by the checks
    that find out (see :data:`geo.validate.run.CHECKS`).
    """

    layer: RawLayer
    kind: Kind
    file: str
    refs: References
    strict: bool = False
    lang: str = "en"
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    ids: np.ndarray | None = None
    bad: np.ndarray | None = None
    located: np.ndarray | None = None
    control: str = "cli"  # where the user gives a CRS and other reading choices: "cli" or "app"

    @property
    def frame(self) -> gpd.GeoDataFrame:
        """The records as read (renamed to schema names)."""
        return self.layer.frame

    @property
    def unit(self) -> str:
        """What a record is called in this file: "row" (tables) or "feature"."""
        return "row" if self.layer.is_table else "feature"

    @property
    def mode(self) -> str:
        """How the coordinates were given (:func:`coordinate_mode`)."""
        return coordinate_mode(self.layer)

    def add(self, i: int | None, fld: str | None, value: object, message: str, note: bool = False,
            warning: bool = False) -> None:
        """Record a problem (an error, or a warning), or a note, on record ``i`` (None: the whole file)."""
        row = None if i is None else int(self.layer.rows[i])
        record_id = None if i is None or self.ids is None or not self.ids[i] else str(self.ids[i])
        shown = None if value is None else str(value)
        item = Problem(self.file, row, fld, shown, message, self.unit, record_id, note, self.lang,
                       "warning" if warning else "error")
        (self.notes if note else self.problems).append(item)

    def add_rows(self, mask: np.ndarray | pd.Series, fld: str | None, values: pd.Series | None, message,
                 warning: bool = False) -> None:
        """Record one problem per True of ``mask``; ``message`` is a string or a function of the value."""
        for i in np.flatnonzero(np.asarray(mask)):
            value = None if values is None else values.iloc[i]
            self.add(int(i), fld, value, message(value) if callable(message) else message, warning=warning)

    def where(self, i: int) -> str:
        """Name record ``i`` as the user finds it: "row 7" or "feature 3"."""
        key = "val_where_row" if self.unit == "row" else "val_where_feature"
        return t(key, self.lang, row=int(self.layer.rows[i]))

    def rows_text(self, mask: np.ndarray) -> str:
        """Say which rows ``mask`` marks: "rows 3, 5, 9 (and 12 more)"."""
        rows = [str(r) for r in self.layer.rows[np.asarray(mask)]]
        listed = ", ".join(rows[:MAX_LISTED_ROWS])
        if self.unit == "row":
            text = t("val_rows", self.lang, n=len(rows), rows=listed)
            more = "val_and_more_rows"
        else:
            text = t("val_features", self.lang, n=len(rows), rows=listed)
            more = "val_and_more_features"
        if len(rows) > MAX_LISTED_ROWS:
            text = t(more, self.lang, listed=text, n=len(rows) - MAX_LISTED_ROWS)
        return text
