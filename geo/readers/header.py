"""Tables as offices make them: title rows, blank rows, merged cells, a header on row 3, a units row, totals rows.

:func:`table_from_grid` turns the cells of a sheet (a list of rows of text, as a
spreadsheet shows them) into a DataFrame and the spreadsheet row number of each
record, with a :class:`~geo.readers.messages.Message` for every decision:

- the header is the row among the first ``HEADER_SEARCH_ROWS`` whose cells name
  most known columns (schema fields, their Vietnamese aliases, coordinate names,
  a serial column); rows above it (titles) are left out, and a note names it;
- a second header row that only carries units (``tỷ đồng``, ``ha``) or names
  under a merged group cell (``Tọa độ`` over ``Kinh độ`` / ``Vĩ độ``) is joined
  to the first;
- a serial column (``STT``, ``TT``) is the row number in the register, not an
  identifier (a note says so);
- totals and subtotal rows (``Tổng cộng``, ``Cộng``, ``Tổng số``, ``Total``) and
  notes under the table (``Ghi chú: ...``) are left out, named by row;
- fully blank rows are skipped (they are not records).

Examples
--------
>>> grid = [["DANH MỤC DỰ ÁN", "", ""], ["", "", ""], ["STT", "Tên dự án", "Vốn đầu tư"],
...         ["", "", "tỷ đồng"], ["1", "Nhà máy A", "125,5"], ["", "Tổng cộng", "125,5"]]
>>> t = table_from_grid(grid)
>>> list(t.frame.columns), t.rows.tolist(), [m.key for m in t.notes]
(['STT', 'Tên dự án', 'Vốn đầu tư (tỷ đồng)'], [5], ['rd_header_row', 'rd_units_row', 'rd_serial', 'rd_totals'])

"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice, zip_longest

import numpy as np
import pandas as pd

from geo.readers.messages import Message
from geo.schema import FIELD_ALIASES, KINDS, LAT_COLUMNS, LON_COLUMNS, WKT_COLUMNS, X_COLUMNS, Y_COLUMNS, fold

__all__ = ["HEADER_SEARCH_ROWS", "SERIAL_COLUMNS", "UNITS", "Table", "columns_of", "header_score", "is_serial_column",
           "known_column_keys", "table_from_grid", "unit_of"]

HEADER_SEARCH_ROWS = 30
SERIAL_COLUMNS: tuple[str, ...] = ("stt", "tt", "sott", "sothutu")
# Units a header may carry, as folded words -> the unit as written in the schema (None: no schema unit).
UNITS: dict[str, str | None] = {
    "ty dong": "bn VND", "ty vnd": "bn VND", "ty": "bn VND", "trieu dong": "mn VND", "trieu vnd": "mn VND",
    "trieu usd": "mn USD", "usd": "USD", "ha": "ha", "hecta": "ha", "m2": "m2", "mw": "MW", "kw": "kW",
    "nguoi": "people", "lao dong": "people", "nam": "year",
}
_TOTALS = re.compile(r"^(tổng cộng|tổng số|tổng|cộng|total|subtotal|sub-total|grand total)"
                     r"(\s+([ivxlc]+|\d+|[a-z]))?\s*[:.]?\s*(\(.*\))?$")
_FOOT = re.compile(r"^(ghi chú|chú thích|nguồn|lưu ý|ghi chu|chu thich|nguon|note|notes|source)\s*[:.-]")


def _key(text: object) -> str:
    name = re.sub(r"[(\[].*?[)\]]", "", str(text))
    return re.sub(r"[^a-z0-9]", "", fold(name))


def known_column_keys() -> frozenset[str]:
    """Keys (see :func:`geo.readers.column_key`) of every column name a register may use."""
    keys = {_key(f.name) for kind in KINDS.values() for f in kind.fields}
    keys |= {_key(a) for aliases in FIELD_ALIASES.values() for a in aliases}
    keys |= set(LON_COLUMNS + LAT_COLUMNS + X_COLUMNS + Y_COLUMNS + WKT_COLUMNS + SERIAL_COLUMNS)
    return frozenset(keys)


def header_score(row: list[str], keys: frozenset[str] | None = None) -> int:
    """Return how many cells of ``row`` name a known column."""
    keys = keys or known_column_keys()
    return sum(1 for cell in row if cell and _key(cell) in keys)


def is_serial_column(name: str) -> bool:
    """True for a serial-number column (``STT``, ``TT``, ``Số TT``)."""
    return _key(name) in SERIAL_COLUMNS


def unit_of(text: str) -> str | None:
    """Return the schema unit a header or units cell names (``Vốn (tỷ đồng)`` → "bn VND"), or None.

    >>> unit_of("Vốn đầu tư (tỷ đồng)"), unit_of("(triệu USD)"), unit_of("Diện tích, ha"), unit_of("Tên")
    ('bn VND', 'mn USD', 'ha', None)
    """
    folded = fold(str(text)).strip()
    inner = re.findall(r"[(\[]([^)\]]*)[)\]]", folded)
    candidates = [c.strip() for c in inner] + [folded.strip("() "), folded.rsplit(",", 1)[-1].strip()]
    for c in candidates:
        c = re.sub(r"\s+", " ", c)
        if c in UNITS:
            return UNITS[c]
    return None


@dataclass
class Table:
    """A sheet read as a table: records, their spreadsheet rows, and what was decided on the way."""

    frame: pd.DataFrame
    rows: np.ndarray
    header_row: int
    notes: list[Message] = field(default_factory=list)
    left_out: dict[str, list[int]] = field(default_factory=dict)

    def as_frame(self) -> pd.DataFrame:
        """The records, with ``attrs``: the spreadsheet row of each (``rows``), the header row, notes, rows left out."""
        df = self.frame
        df.attrs.update(rows=self.rows, header_row=self.header_row, notes=list(self.notes), left_out=self.left_out)
        return df


def _names(header: list[str], sub: list[str] | None, merged_from: dict[int, int]) -> tuple[list[str], str | None]:
    """Column names from the header row (and a units / sub-header row); return (names, kind of sub row)."""
    names = list(header)
    how = None
    if sub is not None:
        units = [bool(c) and unit_of(c) is not None and _key(c) not in known_column_keys() for c in sub]
        if all(u or not c for u, c in zip(units, sub, strict=True)):
            names = [f"{h} ({c.strip('() ')})" if c else h for h, c in zip(header, sub, strict=True)]
            how = "units"
        else:
            names = [s if s and (merged_from.get(i) is not None or not h) else (f"{h} {s}".strip() if s else h)
                     for i, (h, s) in enumerate(zip(header, sub, strict=True))]
            how = "sub"
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names):
        name = unicodedata.normalize("NFC", " ".join(str(name).split())) or f"column {i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out, how


def _is_sub_header(row: list[str], keys: frozenset[str]) -> bool:
    """A row under the header that carries units or names (no data): no digit-only cell, something known."""
    cells = [c for c in row if c]
    if not cells or any(re.fullmatch(r"[\d.,\s°'\"NSEW-]+", c) for c in cells):
        return False
    return all(unit_of(c) is not None or _key(c) in keys for c in cells)


def columns_of(rows: Iterable[list[str]], chunk: int = 65_536) -> list[pd.Series]:
    """Transpose ``rows`` (short rows padded with "") into one text column each, ``chunk`` rows at a time.

    Columns of Arrow strings hold a 1,000,000-row register in a fraction of the memory of its rows as lists of
    Python strings, so a reader streams rows in here rather than holding the whole grid.
    """
    parts: list[list[pd.Series]] = []
    done = 0
    rows = iter(rows)
    while block := list(islice(rows, chunk)):
        cols = [pd.Series(c, dtype="str") for c in zip_longest(*block, fillvalue="")]
        while len(parts) < len(cols):  # a wider row: the column is blank above it
            parts.append([pd.Series([""] * done, dtype="str")] if done else [])
        for j, part in enumerate(parts):
            part.append(cols[j] if j < len(cols) else pd.Series([""] * len(block), dtype="str"))
        done += len(block)
    return [pd.concat(p, ignore_index=True) if len(p) > 1 else p[0].reset_index(drop=True) for p in parts]


def table_from_grid(grid: list[list[str]] | list[pd.Series], merged_header: dict[int, int] | None = None,
                    first_row: int = 1) -> Table:
    """Find the header of ``grid`` and return its records (see the module docstring).

    ``grid`` is the sheet's rows, or its columns as :func:`columns_of` gives them (text Series of one length: the
    list's items are replaced by their stripped text);
    ``merged_header`` maps a column to the column whose merged cell covers it in the header row (XLSX);
    ``first_row`` is the spreadsheet number of ``grid[0]``. Everything runs column by column: only the rows
    that may be the header, a totals row or a note are looked at one by one.
    """
    cols = grid if grid and isinstance(grid[0], pd.Series) else columns_of(grid)
    for i, c in enumerate(cols):  # in place, a column at a time: the unstripped text goes as its copy comes
        cols[i] = c.fillna("").str.strip()
    n = len(cols[0]) if cols else 0
    filled = np.array([(c != "").to_numpy() for c in cols]).reshape(len(cols), n)
    nonblank = np.flatnonzero(filled.any(axis=0))
    if not len(nonblank):
        return Table(pd.DataFrame(), np.array([], int), first_row)

    def row(i: int) -> list[str]:
        return [c.iat[i] for c in cols]

    keys = known_column_keys()
    scores = [(header_score(row(i), keys), -i, i) for i in nonblank[:HEADER_SEARCH_ROWS]]
    best = max(scores)
    h = int(best[2] if best[0] >= 2 else nonblank[0])
    notes: list[Message] = []
    left_out: dict[str, list[int]] = {}
    header = row(h)
    merged = merged_header or {}
    for col, src in merged.items():
        if not header[col]:
            header[col] = header[src]
    above = nonblank[nonblank < h]
    if len(above):
        title = next((c for c in row(int(above[0])) if c), "")
        notes.append(Message("rd_header_row", {"row": h + first_row, "n": len(above), "title": repr(title[:60])}))
    start = h + 1
    sub = None
    if start < n and _is_sub_header(row(start), keys):
        sub = row(start)
        start += 1
    names, how = _names(header, sub, merged)
    if how:
        notes.append(Message("rd_units_row" if how == "units" else "rd_sub_header", {"row": start - 1 + first_row}))
    serial = next((n for n in names if is_serial_column(n)), None)
    if serial:
        notes.append(Message("rd_serial", {"column": repr(serial)}))
    body = np.arange(start, n)
    used = filled[:, start:]
    lead = _lead_cells([c.iloc[start:] for c in cols[:4]], used[:4])
    maybe = np.flatnonzero(lead.str.slice(0, 1).isin(list("TtCcGgSs")).to_numpy())
    lowered = lead.iloc[maybe].str.lower().tolist()
    totals_rows = [j for j, text in zip(maybe, lowered, strict=True) if _TOTALS.match(text)]
    alone = np.setdiff1d(np.flatnonzero((lead != "").to_numpy() & (used.sum(axis=0) == 1)), totals_rows)
    lowered = lead.iloc[alone].str.lower().tolist()
    foot_rows = [j for j, text in zip(alone, lowered, strict=True) if _FOOT.match(text)]
    keep = used.any(axis=0)
    keep[totals_rows] = False
    keep[foot_rows] = False
    for key, found in (("rd_totals", totals_rows), ("rd_footnotes", foot_rows)):
        if found:
            rows = [int(start + j + first_row) for j in found]
            notes.append(Message(key, {"rows": ", ".join(map(str, rows)), "n": len(rows)}))
            left_out[key] = rows
    taken = body[keep]
    picked = slice(start, n) if keep.all() else taken  # a slice is a view (copy-on-write): 1,000,000 rows not copied
    frame = pd.DataFrame({name: c.iloc[picked].reset_index(drop=True) for name, c in zip(names, cols, strict=True)})
    return Table(frame, (taken + first_row).astype(int), h + first_row, notes, left_out)


def _lead_cells(first: list[pd.Series], used: np.ndarray) -> pd.Series:
    """Per row, its first non-blank cell among ``first`` (the first four columns) that does not start with a digit."""
    lead = pd.Series([""] * (len(first[0]) if first else 0), dtype="str")
    for c, filled in zip(reversed(first), reversed(used), strict=True):
        initial = c.str.slice(0, 1)
        codes, distinct = pd.factorize(initial)
        digit = np.array([d.isdigit() for d in distinct], dtype=bool)[codes] if len(distinct) else codes < 0
        lead = pd.Series(np.where(filled & ~digit, c.to_numpy(object), lead.to_numpy(object)), dtype="str")
    return lead
