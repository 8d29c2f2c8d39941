"""The output formats: one table (suffix, MIME type, label, writer) for the CLI, write_data and the app's downloads.

Writers are given by dotted name (``module:function``) and imported only when a file
is written, so looking a format up never loads matplotlib (the report stack) or the
web layers. The ``html`` writer lives in ``layers`` (geo never imports it): only the
callers that own the web layers (app.py, the CLI's ``html`` command) resolve it.

Examples
--------
>>> FORMATS[".gpkg"].mime
'application/geopackage+sqlite3'
>>> suffixes("data")
('.geojson', '.gpkg', '.csv', '.xlsx')
>>> format_for("plan.PDF").family
'report'

"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["FAMILIES", "FORMATS", "OutputFormat", "format_for", "suffixes"]

# data: the records with all fields (geo.dataexport); report: a print map (geo.export); html: the offline web map.
FAMILIES: tuple[str, ...] = ("report", "html", "data")


@dataclass(frozen=True)
class OutputFormat:
    """One output format: file suffix, MIME type, label, family and writer (``module:function``).

    ``label_key`` is the i18n key of the download button's label, where the label is
    translated (else ``label`` is shown as it is).
    """

    suffix: str
    mime: str
    label: str
    family: str
    writer: str
    label_key: str | None = None

    def load_writer(self) -> Callable[..., object]:
        """Import and return the writer function (its module is imported only now)."""
        module, _, name = self.writer.partition(":")
        return getattr(importlib.import_module(module), name)


FORMATS: dict[str, OutputFormat] = {f.suffix: f for f in (
    OutputFormat(".png", "image/png", "PNG", "report", "geo.export:export_map", "download_png"),
    OutputFormat(".pdf", "application/pdf", "PDF", "report", "geo.export:export_map", "download_pdf"),
    OutputFormat(".svg", "image/svg+xml", "SVG", "report", "geo.export:export_map"),
    OutputFormat(".html", "text/html", "HTML", "html", "layers.htmlmap:write_html", "download_html"),
    OutputFormat(".geojson", "application/geo+json", "GeoJSON", "data", "geo.dataexport:write_data"),
    OutputFormat(".gpkg", "application/geopackage+sqlite3", "GeoPackage", "data", "geo.dataexport:write_data"),
    OutputFormat(".csv", "text/csv", "CSV", "data", "geo.dataexport:write_data"),
    OutputFormat(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (XLSX)", "data",
                 "geo.dataexport:write_data"),
)}


def suffixes(family: str) -> tuple[str, ...]:
    """The suffixes of ``family`` ("report", "html" or "data"), in table order."""
    if family not in FAMILIES:
        raise ValueError(f"unknown output family {family!r}: use one of {', '.join(FAMILIES)}")
    return tuple(s for s, f in FORMATS.items() if f.family == family)


def format_for(path: str | Path, family: str | None = None) -> OutputFormat:
    """The format of ``path`` by its suffix (any case); ValueError naming the supported suffixes if unknown.

    >>> format_for("x.tif", "report")
    Traceback (most recent call last):
    ...
    ValueError: unsupported report format '.tif' for x.tif: use .png, .pdf, .svg
    """
    path = Path(path)
    allowed = suffixes(family) if family else tuple(FORMATS)
    suffix = path.suffix.lower()
    if suffix not in allowed:
        raise ValueError(f"unsupported {family or 'output'} format {path.suffix or '(none)'!r} for {path.name}: "
                         f"use {', '.join(allowed)}")
    return FORMATS[suffix]
