r"""Numbers and coordinates as Vietnamese registers write them: decimal commas, dot or space thousands, DMS.

:func:`read_numbers` reads a column of number text and says how: which decimal
mark the column uses (``comma``: ``1.250,5``, ``1 250,5``, ``125,5``; ``dot``:
``1,250.5``, ``125.5``), and which cells are ambiguous (``1.250`` in a column
with no other clue: 1250 or 1.25?). :func:`read_coordinates` adds degrees,
minutes and seconds (``16°49'12"N``, ``16° 49' 12" N``, ``16 49 12``,
``16°49.2'``; S and W are negative). Nothing here decides silently: the
callers report every interpretation (see :class:`NumberReading`).

Examples
--------
>>> read_numbers(pd.Series(["1.250,5", "125,5", "1 250", ""])).values.tolist()
[1250.5, 125.5, 1250.0, nan]
>>> r = read_numbers(pd.Series(["1.250", "3"]))
>>> r.convention, r.values.tolist(), r.ambiguous.tolist()
('unknown', [1.25, 3.0], [True, False])
>>> read_coordinates(pd.Series(["16°49'12\"N", "16 49 12", "16°49.2'", "106,75"])).values.round(4).tolist()
[16.82, 16.82, 16.82, 106.75]

"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["NumberReading", "dms_to_degrees", "read_coordinates", "read_numbers", "to_floats"]

_SPACES = "\u00a0\u202f\u2009 "
# The patterns are written so that pyarrow's RE2 runs the column-wide matches (pandas goes cell by cell in Python for
# ``\d`` on non-ASCII text, ``\s`` or ``\u`` escapes): ASCII digits as [0-9], the spaces as the characters themselves.
# Unambiguous forms of each convention (after the sign and outer blanks are removed).
_COMMA_SURE = re.compile(r"^[0-9]{1,3}(?:[." + _SPACES + r"][0-9]{3})+,[0-9]+$|^[0-9]+,(?:[0-9]{1,2}|[0-9]{4,})$"
                         r"|^[0-9]{1,3}(?:\.[0-9]{3}){2,}$")  # 1.250.000: only thousands can repeat
_DOT_SURE = re.compile(r"^[0-9]{1,3}(?:[," + _SPACES + r"][0-9]{3})+\.[0-9]+$|^[0-9]+\.(?:[0-9]{1,2}|[0-9]{4,})$"
                       r"|^[0-9]{1,3}(?:,[0-9]{3}){2,}$")
_PLAIN = re.compile(r"^[0-9]+$")
_SPACE_GROUPS = re.compile(r"^[0-9]{1,3}(?:[" + _SPACES + r"][0-9]{3})+$")
_DOT_GROUPS = re.compile(r"^[0-9]{1,3}(?:\.[0-9]{3})+$")  # 1.250 or 1.250.000: thousands, or a decimal point?
_COMMA_GROUPS = re.compile(r"^[0-9]{1,3}(?:,[0-9]{3})+$")  # 1,250: thousands, or a decimal comma?
_COMMA_NUMBER = re.compile(r"^[0-9]{1,3}(?:[." + _SPACES + r"][0-9]{3})+(?:,[0-9]+)?$|^[0-9]+(?:,[0-9]+)?$")
_DOT_NUMBER = re.compile(r"^[0-9]{1,3}(?:[," + _SPACES + r"][0-9]{3})+(?:\.[0-9]+)?$|^[0-9]+(?:\.[0-9]+)?$")

_DMS = re.compile(
    r"""^(?P<pre>[NSEW])?\s*
    (?P<d>\d{1,3}(?:[.,]\d+)?)\s*(?:°|º|˚|d(?:eg)?|\s)\s*
    (?:(?P<m>\d{1,2}(?:[.,]\d+)?)\s*(?:'|′|’|m(?:in)?|\s)?\s*)?
    (?:(?P<s>\d{1,2}(?:[.,]\d+)?)\s*(?:"|″|”|''|′′|s(?:ec)?)?\s*)?
    (?P<post>[NSEW])?$""", re.VERBOSE | re.IGNORECASE)


@dataclass
class NumberReading:
    """How a column of number text was read.

    Attributes
    ----------
    values
        The numbers (NaN where blank or not a number).
    convention
        "comma" (decimal comma; dot or space thousands), "dot" (decimal point;
        comma or space thousands) or "unknown" (no cell tells; plain numbers are
        read as they are and ``1.250`` as 1.25).
    reformatted
        Cells whose text is not a plain number (``1.250,5``, ``125,5``, ``1 250``):
        read with ``convention``; the callers say so once per file.
    ambiguous
        Cells that could be read two ways (``1.250`` or ``1,250`` with no clue in
        the column); ``alternative`` holds the other reading.
    dms
        Cells written in degrees, minutes and seconds (coordinates only).

    """

    values: pd.Series
    convention: str
    reformatted: np.ndarray
    ambiguous: np.ndarray
    alternative: pd.Series
    dms: np.ndarray

    def example(self, text: pd.Series, mask: np.ndarray) -> tuple[str, float] | None:
        """Return the first (text, value) pair where ``mask`` is True, or None."""
        idx = np.flatnonzero(mask)
        return (str(text.iloc[idx[0]]), float(self.values.iloc[idx[0]])) if len(idx) else None


def to_floats(text: pd.Series) -> pd.Series:
    """``pd.to_numeric(text, errors="coerce")`` as floats; missing cells stay NaN.

    Arrow's cast reads a column of text in one pass, ten times faster; where a cell is not a number it raises,
    and pandas reads the column instead (the two agree on every cell Arrow reads).

    >>> to_floats(pd.Series(["1.5", None, "1e3"], dtype="str")).tolist(), to_floats(pd.Series(["2", " x"])).tolist()
    ([1.5, nan, 1000.0], [2.0, nan])
    """
    if isinstance(text.dtype, pd.StringDtype):
        try:
            return pd.Series(pc.cast(pa.array(text), pa.float64()).to_numpy(zero_copy_only=False), index=text.index)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    return pd.to_numeric(text, errors="coerce").astype(float)


def _clean(text: pd.Series) -> pd.Series:
    s = text.fillna("").astype(str).str.strip()
    return s.str.replace("\u2212", "-", regex=False).str.replace("\u2013", "-", regex=False)


def _convert(body: str, convention: str) -> float:
    """Read an unsigned number body under ``convention``; NaN when it is not one."""
    if _PLAIN.match(body):
        return float(body)
    if _SPACE_GROUPS.match(body):
        return float(re.sub(f"[{_SPACES}]", "", body))
    if convention == "comma" and _COMMA_NUMBER.match(body):
        return float(re.sub(f"[.{_SPACES}]", "", body).replace(",", "."))
    if convention in ("dot", "unknown") and _DOT_NUMBER.match(body):
        return float(re.sub(f"[,{_SPACES}]", "", body))
    if convention == "unknown" and _COMMA_NUMBER.match(body):
        return float(re.sub(f"[.{_SPACES}]", "", body).replace(",", "."))
    return float("nan")


def read_numbers(text: pd.Series) -> NumberReading:
    """Read a column of number text the way it is written (see the module docstring)."""
    s = _clean(text)
    plain_all = s.str.fullmatch(r"-?[0-9]+(?:\.[0-9]+)?|").to_numpy() \
        & ~s.str.fullmatch(r"-?[0-9]{1,3}\.[0-9]{3}").to_numpy()
    if plain_all.all():  # the common case, and a 100,000-row register's: plain numbers or blanks only
        values = to_floats(s.where(s != ""))
        none = np.zeros(len(s), bool)
        return NumberReading(values, "unknown", none, none.copy(), pd.Series(np.nan, index=text.index), none.copy())
    sign = np.where(s.str.startswith("-"), -1.0, 1.0)
    body = s.str.lstrip("+-").str.strip()
    comma = body.str.match(_COMMA_SURE.pattern).to_numpy()
    dot = body.str.match(_DOT_SURE.pattern).to_numpy()
    convention = "comma" if comma.any() and not dot.any() else "dot" if dot.any() and not comma.any() \
        else "mixed" if comma.any() else "unknown"
    dot_groups = body.str.match(_DOT_GROUPS.pattern).to_numpy()
    comma_groups = body.str.match(_COMMA_GROUPS.pattern).to_numpy()
    plain = body.str.fullmatch(r"[0-9]+(?:\.[0-9]+)?").to_numpy()
    values = to_floats(body.where(plain)).to_numpy(dtype=float, copy=True)
    alternative = np.full(len(s), np.nan)
    ambiguous = np.zeros(len(s), bool)
    todo = np.flatnonzero(~plain & (body != "").to_numpy() | dot_groups)
    bodies = body.to_numpy()
    for i in todo:  # only the cells that are not plain numbers
        b = bodies[i]
        own = "comma" if comma[i] else "dot" if dot[i] else convention
        if own == "mixed":
            own = "unknown"
        values[i] = _convert(b, own)
        if own == "unknown" and (dot_groups[i] or comma_groups[i]):
            ambiguous[i] = True
            alternative[i] = _convert(b, "comma") if dot_groups[i] else float(b.replace(",", ""))
    values = values * sign
    values[~np.isfinite(values)] = np.nan
    reformatted = (body != "").to_numpy() & ~plain & ~np.isnan(values) & ~ambiguous
    if convention == "unknown" and comma_groups.any() and not dot_groups.any():
        values[comma_groups] = sign[comma_groups] * alternative[comma_groups]  # 1,250: the comma groups thousands
        alternative[comma_groups] = sign[comma_groups] * np.array(
            [_convert(b, "comma") for b in body[comma_groups]])
    else:
        alternative = alternative * sign
    return NumberReading(pd.Series(values, index=text.index), "unknown" if convention == "mixed" else convention,
                         reformatted, ambiguous, pd.Series(alternative, index=text.index), np.zeros(len(s), bool))


def dms_to_degrees(text: str) -> float:
    r"""Read one coordinate in degrees, minutes and seconds; NaN when it is not one (or minutes/seconds ≥ 60).

    >>> dms_to_degrees("107°05'30\" E"), dms_to_degrees("S 16 30"), dms_to_degrees("16°75'")
    (107.09166666666667, -16.5, nan)
    """
    m = _DMS.match(str(text).strip())
    if not m or (m.group("m") is None and m.group("s") is None and not re.search(r"[°º˚dD]", text)):
        return float("nan")
    if m.group("pre") and m.group("post"):
        return float("nan")
    deg, minutes, seconds = (float((m.group(k) or "0").replace(",", ".")) for k in ("d", "m", "s"))
    if minutes >= 60 or seconds >= 60 or (m.group("s") and "." in (m.group("m") or "")):
        return float("nan")
    hemisphere = (m.group("pre") or m.group("post") or "").upper()
    return (-1 if hemisphere in ("S", "W") else 1) * (deg + minutes / 60 + seconds / 3600)


def read_coordinates(text: pd.Series) -> NumberReading:
    """Read a column of coordinates: numbers as :func:`read_numbers`, then degrees-minutes-seconds."""
    reading = read_numbers(text)
    s = _clean(text)
    todo = reading.values.isna().to_numpy() & (s != "").to_numpy()
    if todo.any():
        dms = np.array([dms_to_degrees(v) for v in s[todo]])
        values = reading.values.to_numpy().copy()
        values[todo] = dms
        reading.values = pd.Series(values, index=text.index)
        reading.dms = np.zeros(len(s), bool)
        reading.dms[np.flatnonzero(todo)[~np.isnan(dms)]] = True
    return reading
