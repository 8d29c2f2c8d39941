"""The qtmap command line: ``python -m geo validate|export|html|data|store|import|history|revert|user``.

Each command parses its arguments and hands the work to one plain function in
geo/; user errors exit non-zero with a message that says what to do.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo.filters import Filters
from geo.formats import suffixes
from geo.i18n import LANGS, fmt_number, t
from geo.readers.geometry import MULTI_CHOICES
from geo.schema import ATLAS_KINDS, KINDS, codes
from geo.store.cli import add_commands as add_store_commands
from geo.store.cli import add_store_options

__all__ = [
    "ATLAS_CHOICES", "build_parser", "cmd_data", "cmd_export", "cmd_html", "cmd_validate", "filters_from_args",
    "load_projects_or_exit", "main",
]

# One atlas page per feature of an atlas kind (geo.schema.KINDS), or per 2011 district (a vocabulary, not a kind).
ATLAS_CHOICES: tuple[str, ...] = (*ATLAS_KINDS, "district")


def _add_read_options(p: argparse.ArgumentParser) -> None:
    """How to read a register: which sheet of a workbook, what a project with several sites becomes."""
    p.add_argument("--sheet", help="sheet of an .xlsx to read, by name or number (default: the first with a header)")
    p.add_argument("--multi", choices=MULTI_CHOICES, help="a record with several sites (MultiPoint): its first site, "
                   "the centroid of its sites, or one record per site (default: reported as an error)")


def _add_filter_options(p: argparse.ArgumentParser) -> None:
    """Options shared by every command that draws or writes the project register."""
    p.add_argument("--projects", type=Path, metavar="FILE",
                   help="project register to use instead of the bundled one (any format `validate` reads)")
    p.add_argument("--crs", help="CRS of projected X/Y columns in --projects (e.g. vn2000-utm48, vn2000-tm3-quangtri)")
    _add_read_options(p)
    p.add_argument("--left-out", type=Path, metavar="FILE", help="where rows of --projects with errors are written "
                   "(with a problem column) to fix and load again (default: beside it, NAME.left_out.xlsx)")
    p.add_argument("--sector", default="", help="comma-separated sector codes: " + ", ".join(codes("sector")))
    p.add_argument("--status", default="", help="comma-separated status codes: " + ", ".join(codes("status")))
    p.add_argument("--district", default="", help="comma-separated district codes: " + ", ".join(codes("district")))
    p.add_argument("--zone", default="", help="comma-separated park/zone/cluster ids (projects inside them)")
    p.add_argument("--year", type=int, default=None,
                   help="draw the register as it was in this year (status timelines; default: the latest year)")
    p.add_argument("--years", default="", help=argparse.SUPPRESS)  # before --year: A-B now means --year B
    p.add_argument("-q", "--query", default="", help="text search over names and investors (ignores diacritics)")
    p.add_argument("--lang", choices=LANGS, default="vi", help="language of labels (default: vi)")
    add_store_options(p)


def filters_from_args(args: argparse.Namespace) -> Filters:
    """Build :class:`Filters` from parsed options; unknown codes are a usage error."""
    from geo.bundled import zone_ids

    params = {"sector": args.sector, "status": args.status, "district": args.district, "zone": args.zone,
              "year": "" if args.year is None else str(args.year), "years": args.years, "q": args.query}
    filters = Filters.from_query_params(params, zone_ids())
    if filters.ignored:
        raise SystemExit(t("cli_unknown_filters", args.lang, values=", ".join(filters.ignored)))
    if filters.legacy_years:
        print(t("cli_years_replaced", args.lang, years=filters.legacy_years, year=filters.year), file=sys.stderr)
    return filters


def _progress(path: Path, lang: str) -> None:
    """Say on stderr, when it is a terminal, that a (possibly large) file is being read and checked."""
    if sys.stderr.isatty():
        print(t("rd_up_reading", lang, name=Path(path).name), file=sys.stderr, flush=True)


def load_projects_or_exit(path: Path | None, crs: str | None = None, query: str = "", lang: str = "vi",
                          args: argparse.Namespace | None = None, store: str | None = None,
                          as_of: str | None = None):
    """Load the register at ``path`` (or the store's): every usable row.

    Rows with errors are left out loudly: their problems and a count go to stderr,
    and the rows themselves (with a problem column) to ``--left-out`` (default:
    beside the register). Exits 1 listing the problems (in ``lang``) when no row is usable.
    """
    from geo.readers import ReadOptions
    from geo.register import left_out_path, load_usable, write_left_out

    if path is None:
        from geo.filters import with_search_index
        from geo.store.cli import load_from_store

        data = load_from_store(store, as_of)
        return with_search_index(data) if query else data
    if store or as_of:
        raise SystemExit(t("cli_projects_or_store", lang))
    options = ReadOptions(sheet=getattr(args, "sheet", None), multi=getattr(args, "multi", None))
    _progress(path, lang)
    try:
        usable, report = load_usable(path, crs, index=bool(query), lang=lang, options=options)
    except ValueError as exc:  # a report of problems, already formatted
        print(str(exc), file=sys.stderr)
        raise SystemExit(1) from None
    if report.errors:
        for line in report.lines():
            print(line, file=sys.stderr)
        out = write_left_out(report, getattr(args, "left_out", None) or left_out_path(path, report))
        for line in report.left_out_lines(out):
            print(line, file=sys.stderr)
    return usable


def register_in_year(args: argparse.Namespace, filters: Filters, popups_lang: str | None = None):
    """The register of ``--projects`` (or the store's) as it was in ``filters.year`` (default: the latest).

    The store's register follows its status timelines; a register from a file, its own
    status and status_year. ``popups_lang`` adds the timeline text the map popups show.
    """
    from geo.timeline import empty_timeline, state_in_year, with_timeline_text, year_range

    if args.projects is None:  # the store's register and timelines (as recorded at --as-of)
        from geo.store.cli import register_from_store

        projects, timeline = register_from_store(args.store, args.as_of, args.query)
    else:
        projects = load_projects_or_exit(args.projects, args.crs, args.query, args.lang, args, args.store,
                                         args.as_of)
        timeline = empty_timeline()
    year = filters.year if filters.year is not None else year_range(projects, timeline)[1]
    state = state_in_year(projects, timeline, year)
    return with_timeline_text(state, timeline, popups_lang) if popups_lang else state


def cmd_validate(args: argparse.Namespace) -> int:
    """Check a data file against the qtmap schema; one line per problem."""
    from geo.progress import terminal_progress
    from geo.readers import ReadOptions
    from geo.register import bundled_references
    from geo.validate import validate_file

    _progress(args.file, args.lang)
    report = validate_file(args.file, kind=args.kind, crs=args.crs, references=bundled_references(), lang=args.lang,
                           options=ReadOptions(sheet=args.sheet, multi=args.multi),
                           progress=terminal_progress(sys.stderr))
    for line in report.lines():
        print(line)
    if report.exit_code == 1:
        print(report.summary(), file=sys.stderr)
    if args.against_store and report.exit_code == 0:
        from geo.store.cli import run_guarded, validate_against_store

        return run_guarded(lambda: print("\n".join(validate_against_store(report, args.store))) or 0)
    return report.exit_code


def cmd_export(args: argparse.Namespace) -> int:
    """Write a print-quality report map (PNG, PDF or SVG), or an atlas PDF."""
    from geo.export import ExportError, ExportOptions, export_atlas, export_map

    filters = filters_from_args(args)
    projects = register_in_year(args, filters)
    try:
        options = ExportOptions(paper=args.paper, orientation=args.orientation, dpi=args.dpi, lang=args.lang,
                                title=args.title, extent=args.extent,
                                layers=tuple(x.strip() for x in args.layers.split(",") if x.strip())
                                if args.layers else None)
        if args.atlas:
            pages = export_atlas(args.out, args.atlas, projects, filters, options)
            print(t("cli_wrote_pages", args.lang, path=args.out, n=pages))
        else:
            export_map(args.out, projects, filters, options)
            print(t("cli_wrote", args.lang, path=args.out))
    except ValueError as exc:  # bad option, unknown extent id, wrong suffix: say what to do
        message = exc.text(args.lang) if isinstance(exc, ExportError) else str(exc)
        print(t("cli_error", args.lang, message=message), file=sys.stderr)
        return 2
    return 0


def cmd_html(args: argparse.Namespace) -> int:
    """Write a single self-contained interactive map that works offline from disk."""
    from layers.htmlmap import write_html  # the one import of layers from geo (import-linter allows only this)

    filters = filters_from_args(args)
    projects = register_in_year(args, filters, popups_lang=args.lang)
    size = write_html(args.out, projects, filters, lang=args.lang)
    print(t("cli_wrote_size", args.lang, path=args.out, size=fmt_number(size / 1e6, args.lang, digits=1)))
    return 0


def cmd_data(args: argparse.Namespace) -> int:
    """Write the filtered records with all fields (GeoJSON, GeoPackage, CSV or XLSX: see geo.formats)."""
    from geo.dataexport import write_data

    filters = filters_from_args(args)
    projects = register_in_year(args, filters)
    try:
        n = write_data(args.out, projects, filters)
    except ValueError as exc:  # unsupported suffix
        print(t("cli_error", args.lang, message=exc), file=sys.stderr)
        return 2
    print(t("cli_wrote_records", args.lang, path=args.out, n=n))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``python -m geo``."""
    parser = argparse.ArgumentParser(prog="python -m geo", description="qtmap: Quảng Trị industrial planning map")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help=cmd_validate.__doc__, description=cmd_validate.__doc__)
    p.add_argument("file", type=Path)
    p.add_argument("--kind", choices=sorted(KINDS), default=None,
                   help="layer kind of the file (default: guessed from its columns, else project)")
    p.add_argument("--crs", help="CRS of projected X/Y columns (e.g. vn2000-utm48, vn2000-tm3-quangtri, EPSG:3405)")
    _add_read_options(p)
    p.add_argument("--lang", choices=LANGS, default="vi", help="language of the messages (default: vi)")
    p.add_argument("--against-store", action="store_true", help="also list what importing the file would change")
    add_store_options(p, as_of=False)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("export", help=cmd_export.__doc__, description=cmd_export.__doc__)
    p.add_argument("--out", type=Path, required=True,
                   help="output file: " + ", ".join(suffixes("report")) + " (.pdf for --atlas)")
    _add_filter_options(p)
    p.add_argument("--layers", default="", help="comma-separated layer kinds to draw (default: all): "
                   + ", ".join(KINDS))
    p.add_argument("--paper", choices=("A4", "A3"), default="A4")
    p.add_argument("--orientation", choices=("landscape", "portrait"), default="landscape")
    p.add_argument("--dpi", type=int, default=300)
    p.add_argument("--title", default=None, help="map title (default: a title in --lang)")
    p.add_argument("--extent", default="province", help="'province' or the id of a feature to zoom to")
    p.add_argument("--atlas", choices=ATLAS_CHOICES,
                   help="one page per feature of this kind, into one multi-page PDF")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("html", help=cmd_html.__doc__, description=cmd_html.__doc__)
    p.add_argument("--out", type=Path, required=True, help="output .html file")
    _add_filter_options(p)
    p.set_defaults(func=cmd_html)

    p = sub.add_parser("data", help=cmd_data.__doc__, description=cmd_data.__doc__)
    p.add_argument("--out", type=Path, required=True, help="output file: " + ", ".join(suffixes("data")))
    _add_filter_options(p)
    p.set_defaults(func=cmd_data)
    add_store_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    args = build_parser().parse_args(argv)
    return args.func(args)
