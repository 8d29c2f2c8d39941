"""Writing a report sheet to PNG, PDF or SVG, with metadata, chosen by the file's suffix."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure

import geopandas as gpd

from geo import bundled
from geo.export.options import FORMATS, RC_PARAMS, ExportError, ExportOptions
from geo.export.sheet import render_map
from geo.filters import Filters
from geo.i18n import t

__all__ = ["save_figure", "check_out", "replacing", "export_map"]


def save_figure(fig: Figure, out: Path, options: ExportOptions, title: str) -> None:
    """Save ``fig`` to ``out`` in the format of its suffix, with title, creator and source metadata."""
    suffix = out.suffix.lower()
    metadata: dict[str, str] = {"Title": title}
    if suffix == ".pdf":
        metadata.update({"Creator": "qtmap", "Subject": bundled.ATTRIBUTION})
    elif suffix == ".png":
        metadata.update({"Software": "qtmap", "Source": bundled.ATTRIBUTION})
    elif suffix == ".svg":
        metadata.update({"Creator": "qtmap", "Source": bundled.ATTRIBUTION})
    fig.savefig(out, dpi=options.dpi, format=suffix[1:], metadata=metadata, facecolor="white")


def check_out(out: Path, allowed: tuple[str, ...]) -> Path:
    """Return ``out`` as a Path after checking its suffix against ``allowed``; create its folder."""
    out = Path(out)
    if out.suffix.lower() not in allowed:
        if not out.suffix:
            raise ExportError("export_no_format", name=out.name, valid=", ".join(allowed))
        raise ExportError("export_bad_format", suffix=repr(out.suffix), name=out.name, valid=", ".join(allowed))
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


@contextmanager
def replacing(out: Path) -> Iterator[Path]:
    """Yield a temporary file beside ``out`` that replaces ``out`` only if the block succeeds (all-or-nothing).

    A sheet or atlas that fails half-way leaves no partial file and an older ``out`` untouched.
    """
    tmp = out.with_name(f".{out.stem}-{uuid.uuid4().hex[:12]}{out.suffix}")  # created by the writer: usual mode
    try:
        yield tmp
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def export_map(out: Path, projects: gpd.GeoDataFrame, filters: Filters, options: ExportOptions) -> None:
    """Write a report map of the filtered ``projects`` to ``out`` (.png, .pdf or .svg, by suffix).

    ``options.extent`` is 'province' or the id of a feature to zoom to (ValueError if
    unknown or not located).
    """
    out = check_out(out, FORMATS)
    fig = render_map(projects, filters, options, raster=out.suffix.lower() == ".png")
    with matplotlib.rc_context(RC_PARAMS), replacing(out) as tmp:
        save_figure(fig, tmp, options, options.title or t("report_title", options.lang))
