"""Status timelines (valid time): the statuses a project entered, with the year each began, and the register in year Y.

A timeline is a table ``status_timeline(project_id, status, year, source)``: one row per
status a project entered, the (int) year it began, and the ``;``-separated keys of
``data/sources.csv`` that say so. The bundled seed is ``data/status_timeline.csv``
(built from ``data/src/status_timeline.csv``); a register store keeps the same table.

Examples
--------
>>> import pandas as pd
>>> register = pd.DataFrame({"id": ["P1", "P2", "P3"], "status": ["operating", "licensed", "planned"],
...     "status_year": [2011, 2019, None], "status_note": ["running", "approved", None]})
>>> timeline = pd.DataFrame({"project_id": ["P1", "P1", "P1", "P2"],
...     "status": ["licensed", "under_construction", "operating", "licensed"],
...     "year": [2004, 2005, 2007, 2019], "source": ["S1", "S2", "S3", "S4"]})
>>> state = state_in_year(register, timeline, 2006)   # P2 is not registered yet in 2006
>>> state[["id", "status", "status_year"]].to_dict("records")[0]
{'id': 'P1', 'status': 'under_construction', 'status_year': 2005}
>>> state[["id", "status"]].to_dict("records")[1]
{'id': 'P3', 'status': 'planned'}
>>> timeline_text(timeline, "en")["P1"]
'Licensed 2004 → Under construction 2005 → Operating 2007'
>>> status_counts_by_year(register, timeline, [2004, 2019]).loc[2004].to_dict()
{'operating': 0, 'under_construction': 0, 'licensed': 1, 'planned': 1, 'stalled': 0}

"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from geo.schema import codes, label

__all__ = [
    "COLUMNS", "TIMELINE_COLUMN", "check_against_register", "check_timeline", "empty_timeline", "registered_by",
    "state_in_year",
    "status_counts_by_year", "timeline_of", "timeline_text", "with_timeline_text", "year_range",
]

COLUMNS: tuple[str, ...] = ("project_id", "status", "year", "source")
# The popup column :func:`with_timeline_text` adds (label: i18n ``field_status_timeline``).
TIMELINE_COLUMN = "status_timeline"


def empty_timeline() -> pd.DataFrame:
    """A timeline with no rows (every project then falls back to its own status and status_year)."""
    return pd.DataFrame({"project_id": pd.Series(dtype=object), "status": pd.Series(dtype=object),
                         "year": pd.Series(dtype="Int64"), "source": pd.Series(dtype=object)})


def _sorted(timeline: pd.DataFrame) -> pd.DataFrame:
    """The dated rows, ordered by project and year (rows of one year keep their order: the later one wins)."""
    tl = timeline.loc[:, list(COLUMNS[:3])].copy()
    tl["project_id"] = tl["project_id"].astype(str).astype(object)  # object: isin() uses a hash table
    tl["year"] = pd.to_numeric(tl["year"], errors="coerce")
    tl = tl[tl["year"].notna()]
    tl["year"] = tl["year"].astype(int)
    return tl.sort_values(["project_id", "year"], kind="stable")


def _ids(projects: pd.DataFrame) -> pd.Series:
    """The project ids as Python strings (object dtype, for fast ``isin`` against a large register)."""
    return projects["id"].astype(str).astype(object)


def _own_year(projects: pd.DataFrame) -> pd.Series:
    """A project's own year: status_year, else year (licence or start), else missing (float, NaN when missing)."""
    own = pd.Series(float("nan"), index=projects.index)
    for column in ("year", "status_year"):
        if column in projects.columns:
            own = pd.to_numeric(projects[column], errors="coerce").astype(float).fillna(own)
    return own


def registered_by(projects: pd.DataFrame, year: int) -> np.ndarray:
    """Mask of the projects whose own year (status_year, else year) is ``year`` or earlier, or unknown.

    This is :func:`state_in_year`'s rule for a project without timeline rows; after
    :func:`state_in_year` every row passes it.

    >>> import pandas as pd
    >>> registered_by(pd.DataFrame({"status_year": [2010, None, None], "year": [None, 2012, None]}), 2011).tolist()
    [True, False, True]
    """
    own = _own_year(projects)
    return (own.isna() | (own <= int(year))).to_numpy(dtype=bool)


def state_in_year(projects: pd.DataFrame, timeline: pd.DataFrame, year: int) -> pd.DataFrame:
    """Return ``projects`` as they were in ``year``: each with the status in force then, later ones hidden.

    For a project with timeline rows, ``status`` and ``status_year`` become those of its
    last row dated ``year`` or earlier (the status in force, and the year it began); a
    project whose first row is later than ``year`` is left out (not yet registered).
    Where the status differs from the register's own, ``status_note`` (which words the
    register's status) is blanked.

    A project with **no timeline rows** falls back to one row made of its own ``status``
    and ``status_year`` (else ``year``): it is left out before that year and keeps its
    status from then on. A project with neither year cannot be placed in time and is
    kept in every year, with its status as recorded.

    Row order, the other columns and the frame's type (a GeoDataFrame stays one) are kept.

    >>> import pandas as pd
    >>> reg = pd.DataFrame({"id": ["a"], "status": ["operating"], "status_year": [2010]})
    >>> len(state_in_year(reg, empty_timeline(), 2009)), len(state_in_year(reg, empty_timeline(), 2010))
    (0, 1)
    """
    ids = _ids(projects)
    tl = _sorted(timeline)
    tl = tl[tl["project_id"].isin(set(ids))]
    in_force = tl[tl["year"] <= int(year)].groupby("project_id", sort=False).tail(1).set_index("project_id")
    has_timeline = ids.isin(set(tl["project_id"])).to_numpy()
    keep = (has_timeline & ids.isin(set(in_force.index)).to_numpy()) | (~has_timeline & registered_by(projects, year))
    out = projects.copy(deep=False) if keep.all() else projects[keep]  # copy-on-write: changed columns are copied
    out_ids = _ids(out)
    from_timeline = out_ids.isin(set(in_force.index))
    if from_timeline.any():
        status = out_ids[from_timeline].map(in_force["status"])
        began = out_ids[from_timeline].map(in_force["year"])
        if "status_note" in out.columns:
            changed = from_timeline & (out["status"].astype(object) != out_ids.map(in_force["status"]))
            out.loc[changed, "status_note"] = None
        out.loc[from_timeline, "status"] = status
        if "status_year" in out.columns:
            dtype = out["status_year"].dtype
            target = dtype if pd.api.types.is_extension_array_dtype(dtype) else "Int64"
            out["status_year"] = out["status_year"].astype(target)
            out.loc[from_timeline, "status_year"] = began.astype(target)
        else:
            out["status_year"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
            out.loc[from_timeline, "status_year"] = began
    return out


def timeline_of(timeline: pd.DataFrame, project_id: str) -> pd.DataFrame:
    """The timeline rows of one project, oldest first (columns ``status, year, source``; empty if none).

    >>> import pandas as pd
    >>> tl = pd.DataFrame({"project_id": ["a", "a"], "status": ["operating", "licensed"],
    ...                    "year": [2007, 2004], "source": ["S2", "S1"]})
    >>> timeline_of(tl, "a").to_dict("records")
    [{'status': 'licensed', 'year': 2004, 'source': 'S1'}, {'status': 'operating', 'year': 2007, 'source': 'S2'}]
    """
    rows = timeline[timeline["project_id"].astype(str) == str(project_id)]
    rows = rows.assign(year=pd.to_numeric(rows["year"], errors="coerce").astype("Int64"))
    rows = rows.sort_values("year", kind="stable").reset_index(drop=True)
    return rows.loc[:, ["status", "year", "source"]].astype({"year": object})


def timeline_text(timeline: pd.DataFrame, lang: str = "vi", min_rows: int = 1) -> dict[str, str]:
    """Project id -> its timeline in words, ``"Licensed 2004 → Under construction 2005 → …"`` (labels in ``lang``).

    Only projects with at least ``min_rows`` dated rows are listed.
    """
    out: dict[str, str] = {}
    for pid, rows in _sorted(timeline).groupby("project_id", sort=False):
        if len(rows) >= min_rows:
            out[pid] = " → ".join(f"{label('status', s, lang)} {y}" for s, y in zip(rows["status"], rows["year"],
                                                                                   strict=True))
    return out


def with_timeline_text(projects: pd.DataFrame, timeline: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Return a copy of ``projects`` with :data:`TIMELINE_COLUMN`, the timeline in words, for popups.

    Only projects whose timeline has two or more rows get a text (one row says no more
    than the status and status year the popup already shows); when none has, ``projects``
    itself is returned.
    """
    texts = timeline_text(timeline, lang, min_rows=2)
    if not texts:  # nothing to add (a register without timelines): no copy
        return projects
    out = projects.copy(deep=False)  # copy-on-write: only the new column is new data
    out[TIMELINE_COLUMN] = out["id"].astype(str).map(texts)
    return out


def status_counts_by_year(projects: pd.DataFrame, timeline: pd.DataFrame,
                          years: Iterable[int] | None = None) -> pd.DataFrame:
    """Projects per status in each year (rows: years; columns: status codes in vocabulary order).

    Year Y counts the projects of :func:`state_in_year` for Y (computed at once for all
    years: each status is in force from its year to the project's next one); ``years``
    defaults to every year of :func:`year_range`.
    """
    if years is None:
        lo, hi = year_range(projects, timeline)
        years = range(lo, hi + 1)
    years = np.asarray([int(y) for y in years], dtype=float)
    ids = _ids(projects)
    tl = _sorted(timeline)
    tl = tl[tl["project_id"].isin(set(ids))]
    own = ~ids.isin(set(tl["project_id"])).to_numpy()
    starts = np.concatenate([tl["year"].to_numpy(dtype=float), _own_year(projects).to_numpy()[own]])
    starts[np.isnan(starts)] = -np.inf  # undated: in force in every year
    ends = np.concatenate([tl.groupby("project_id", sort=False)["year"].shift(-1).to_numpy(dtype=float),
                           np.full(int(own.sum()), np.inf)])
    ends[np.isnan(ends)] = np.inf
    status = np.concatenate([tl["status"].to_numpy(dtype=object), projects["status"].to_numpy(dtype=object)[own]])
    statuses = codes("status")
    counts = {}
    for code in statuses:
        chosen = status == code
        begun = np.searchsorted(np.sort(starts[chosen]), years, side="right")
        ended = np.searchsorted(np.sort(ends[chosen]), years, side="right")
        counts[code] = (begun - ended).astype(int)
    table = pd.DataFrame(counts, index=pd.Index(years.astype(int), name="year"), columns=statuses)
    table.columns.name = "status"
    return table


def year_range(projects: pd.DataFrame, timeline: pd.DataFrame,
               default: tuple[int, int] = (2004, 2020)) -> tuple[int, int]:
    """The first and last year of the timeline rows and the projects' own years (for a year slider).

    >>> import pandas as pd
    >>> year_range(pd.DataFrame({"id": ["a"], "status_year": [2011], "year": [2002]}), empty_timeline())
    (2002, 2011)
    """
    years = [pd.to_numeric(timeline["year"], errors="coerce")]
    years += [pd.to_numeric(projects[c], errors="coerce") for c in ("status_year", "year") if c in projects.columns]
    values = pd.concat(years).dropna()
    return (int(values.min()), int(values.max())) if len(values) else default


def check_timeline(timeline: pd.DataFrame, project_ids: Iterable[str], source_keys: Iterable[str],
                   name: str = "status_timeline.csv") -> list[str]:
    """Problems of a timeline table, one located line each (``name line N: ...``); empty when valid.

    Checks: the columns; known project ids and status codes; an integer year; years
    that never decrease within a project (in file order); source keys that exist.
    """
    missing = [c for c in COLUMNS if c not in timeline.columns]
    if missing:
        return [f"{name}: missing column(s) {', '.join(missing)} (expected {', '.join(COLUMNS)})"]
    ids, keys, statuses = set(project_ids), set(source_keys), set(codes("status"))
    problems: list[str] = []
    last: dict[str, int] = {}
    for line, row in enumerate(timeline.itertuples(index=False), start=2):  # line 1 is the header
        where = f"{name} line {line}"
        pid, status, year, source = (str(row.project_id), row.status, row.year, row.source)
        if pid not in ids:
            problems.append(f"{where}: unknown project id {pid!r}")
        if status not in statuses:
            problems.append(f"{where}: unknown status {status!r} (known: {', '.join(sorted(statuses))})")
        try:
            year = int(str(year))
        except ValueError:
            problems.append(f"{where}: year {year!r} is not a whole number")
            year = None
        if year is not None:
            if pid in last and year < last[pid]:
                problems.append(f"{where}: year {year} is earlier than the project's previous row ({last[pid]})")
            last[pid] = max(year, last.get(pid, year))
        cited = [k.strip() for k in str(source if isinstance(source, str) else "").split(";") if k.strip()]
        if not cited:
            problems.append(f"{where}: no source key")
        unknown = [k for k in cited if k not in keys]
        if unknown:
            problems.append(f"{where}: unknown source key(s) {', '.join(unknown)}")
    return problems


def check_against_register(timeline: pd.DataFrame, projects: pd.DataFrame) -> list[str]:
    """Projects whose timeline contradicts the register: the status in force at its status_year is another one.

    >>> import pandas as pd
    >>> reg = pd.DataFrame({"id": ["a"], "status": ["operating"], "status_year": [2011]})
    >>> tl = pd.DataFrame({"project_id": ["a"], "status": ["planned"], "year": [2010], "source": ["S1"]})
    >>> check_against_register(tl, reg)
    ["a: the register says 'operating' in 2011, the timeline 'planned'"]
    """
    problems = []
    dated = projects[pd.to_numeric(projects["status_year"], errors="coerce").notna()]
    has_timeline = set(_sorted(timeline)["project_id"])
    for row in dated[dated["id"].astype(str).isin(has_timeline)].itertuples(index=False):
        state = state_in_year(pd.DataFrame([row._asdict()]), timeline, int(row.status_year))
        found = state["status"].iloc[0] if len(state) else None
        if found != row.status:
            problems.append(f"{row.id}: the register says {row.status!r} in {int(row.status_year)}, "
                            f"the timeline {found!r}" if found else
                            f"{row.id}: the register says {row.status!r} in {int(row.status_year)}, "
                            "before the timeline's first row")
    return problems
