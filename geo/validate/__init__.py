"""Check a data file against the qtmap schema: one located problem per line, in the user's language.

:func:`validate_file` reads a file with :func:`geo.readers.read_raw` and returns a
:class:`Report`: the problems (file, row or feature, field, value, what is wrong
and what to do), remarks that do not make the file invalid ("notes"), and the
data itself, every record, schema-coerced and in EPSG:4326.  Exit codes: 0 valid,
1 problems, 2 cannot be read at all.  Messages come from the text catalog
(geo/locale/vi/LC_MESSAGES/validate.po) in ``lang``: "vi" (default) or "en".

The reference data (province outline, zone ids, source keys) is an argument,
:class:`References`; :func:`geo.register.bundled_references` builds it from data/.

Where each job lives: :mod:`~geo.validate.report` (Problem, Report, lines, exit
code), :mod:`~geo.validate.references` (References, inside the province),
:mod:`~geo.validate.crs` (which CRS fits), :mod:`~geo.validate.kinds` (kind
guessing, column names), :mod:`~geo.validate.run` (the table of checks, CHECKS,
and the entry points); the checks themselves in :mod:`~geo.validate.fields`,
:mod:`~geo.validate.location` and :mod:`~geo.validate.confidence`.

Checks: missing required columns; empty names and ids; unknown vocabulary values
(with the nearest code); duplicate ids; numbers that do not parse, are not whole
or lie outside the field's range; unparseable, out-of-range or swapped
coordinates; projected coordinates without a CRS (with the CRS that fits);
locations outside Quảng Trị province (every one, with its distance; see below); invalid
geometry (with the place); the wrong geometry type for the kind; a record
without location whose ``location_confidence`` is not ``none``, and a located
one whose confidence is ``none``.  Base layers (province, roads, ...) have no
fields: only their geometry is checked.

Decisions for files from users (``strict=False``, the default):

- ``location_confidence`` and ``geometry_quality`` may be missing or empty; they
  are then *defaulted with a note*, never silently: a located record gets
  confidence ``low`` (the map draws it dashed, as inferred) and a record without
  location ``none``; a located point gets quality ``point`` and any other
  located geometry ``approximate`` (nothing claims a survey it does not have).
- ``sources`` may be missing or empty (a planner's own register may have none);
  a note says the popups will show no source.
- Columns whose names differ from the schema's only in case, diacritics or
  separators (``Sector``, ``Name VI``) are read as the schema's names, with a note.

With ``strict=True`` (the bundled data, tests/test_data.py) these three fields
are required like the schema says, and every ``sources`` key must be one of
``References.source_keys``.  Apart from these documented defaults and the label →
code normalisation of :func:`geo.readers.coerce_to_schema`, ``Report.data`` is the
file as read: no row is dropped or changed (only fully blank table rows, which
are not records, are skipped).  When the coordinates have no CRS (X/Y columns
without ``crs``, a shapefile without .prj), the records are returned without
geometry and a problem says which CRS to give.

Severity and partial use: each problem is an *error* (the record cannot be used:
no name, unparseable coordinates, an unknown code, farther than
``OUTSIDE_WARNING_KM`` = 5 km outside the outline, ...) or a *warning* (usable,
worth a look: up to 5 km outside the outline, said with its distance; a magnitude
above the field's maximum; a number that reads two ways). ``exit_code`` is 1 when
there are errors; ``Report.usable`` is the records without errors (None when a
file-level error such as a missing column leaves nothing usable) and
``Report.left_out()`` the others, the file's own columns plus a problem column.
Before the checks, :mod:`~geo.validate.interpret` reads numbers as written
(``1.250,5``), units in headers, derives ids for a register without them, and keeps
polygon footprints of point kinds, each with a note.

``control`` ("cli" or "app") makes the messages name the control the user has:
``--crs`` / ``--multi`` or the app's CRS and "Several sites" boxes.

Counts in messages are written the language's way (``1.250`` / ``1,250``); the
limits and examples a cell must follow (``100000``, ``1117.5``, years) are written
as the file must write them.  The readers' messages come from readers.po in the
same language.

``Report.lines()`` gives the problems, or for a valid file the summary line
``file.csv: OK, 26 features (project)``, followed by any notes.

Examples
--------
>>> import pandas as pd
>>> from geo.register import bundled_references
>>> df = pd.DataFrame({"id": ["P1", "P1"], "name_vi": ["Nhà máy A", ""], "sector": ["Cơ khí", "co khii"],
...     "status": ["operating", "operating"], "lon": ["107.1", "107.12"], "lat": ["16.8", "16.81"]})
>>> report = validate_frame(df, "project", "du_an.csv", references=bundled_references(), lang="en")
>>> report.exit_code
1
>>> for line in report.lines():
...     print(line[:72].rstrip())
du_an.csv:row 3: name_vi='': name_vi is empty: give the Vietnamese name
du_an.csv:row 3: sector='co khii': unknown sector; did you mean 'mechani
du_an.csv:row 3: id='P1': duplicate id: row 2 has it too; give every rec
du_an.csv: note: no location_confidence column: set to 'low' for 2 locat
du_an.csv: note: no geometry_quality column: set to 'point' for points a
du_an.csv: note: no sources column: the popups will show no source; add
>>> print(validate_frame(df, "project", "du_an.csv", references=bundled_references()).lines()[0])
du_an.csv:dòng 3: name_vi='': name_vi để trống: hãy ghi tên tiếng Việt

"""

from geo.validate.crs import CRS_CANDIDATES, suggest_crs
from geo.validate.kinds import DEFAULT_KIND, KIND_HINTS, guess_kind
from geo.validate.references import METRIC_CRS, PROVINCE_BUFFER_M, References, inside_province
from geo.validate.report import Problem, Report
from geo.validate.run import CHECKS, validate_file, validate_frame, validate_layer

__all__ = [
    "CHECKS", "CRS_CANDIDATES", "DEFAULT_KIND", "KIND_HINTS", "METRIC_CRS", "PROVINCE_BUFFER_M", "Problem",
    "References", "Report", "guess_kind", "inside_province", "suggest_crs", "validate_file", "validate_frame",
    "validate_layer",
]
