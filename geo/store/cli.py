"""The store's commands of ``python -m geo``: store init|check, import, history, revert, and --store/--as-of.

Output is English (like the rest of the command line) through the ``store`` text
catalog. Exit codes: 0 done, 1 problems (invalid file, discrepancies, nothing
reverted), 2 usage error, 3 the store is busy or a record changed meanwhile (try again).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from geo.i18n import t
from geo.schema import KINDS

__all__ = ["add_commands", "add_store_options", "given_fields", "load_from_store", "plan_lines",
           "register_from_store", "run_guarded", "validate_against_store"]

LANG = "en"


def add_store_options(p: argparse.ArgumentParser, as_of: bool = True) -> None:
    """``--store`` (and ``--as-of``) on a command that reads the register."""
    p.add_argument("--store", default=None, metavar="S",
                   help="register store: a .gpkg path or postgresql://user@host:port/db "
                        "(default: QTMAP_STORE, else var/qtmap.gpkg, created on first use)")
    if as_of:
        p.add_argument("--as-of", default=None, metavar="TIME",
                       help="the register as recorded at TIME (ISO date or date-time, UTC; a date means its end)")


def run_guarded(fn, *args) -> int:
    """Run a store command; turn store errors into a message on stderr and an exit code."""
    from geo.store import StoreBusy, StoreConflict, StoreError

    try:
        return fn(*args)
    except (StoreBusy, StoreConflict) as exc:
        print(t("store_error", LANG, message=str(exc)), file=sys.stderr)
        return 3
    except StoreError as exc:
        print(t("store_error", LANG, message=str(exc)), file=sys.stderr)
        return 1


def load_from_store(location: str | None, as_of: str | None):
    """Return the register held by the store (as recorded at ``as_of``); exit 1 with a message if impossible."""
    from geo.store import StoreError, open_store, parse_time

    try:
        return open_store(location).load(parse_time(as_of) if as_of else None)
    except StoreError as exc:
        print(t("store_error", LANG, message=str(exc)), file=sys.stderr)
        raise SystemExit(1) from None


def register_from_store(location: str | None, as_of: str | None, query: str = ""):
    """The store's register (with its search index when ``query``) and status timelines, now or at ``as_of``."""
    from geo.filters import with_search_index
    from geo.store import StoreError, open_store, parse_time

    try:
        store = open_store(location)
        moment = parse_time(as_of) if as_of else None
        projects, timeline = store.load(moment), store.timeline(moment)
    except StoreError as exc:
        print(t("store_error", LANG, message=str(exc)), file=sys.stderr)
        raise SystemExit(1) from None
    return (with_search_index(projects) if query else projects), timeline


def _given_fields(report) -> tuple[str, ...]:
    """The schema fields the file itself has (columns the validator only defaulted are not given), and geometry."""
    from geo.store.records import FIELDS, GEOMETRY

    defaulted = {n.field or "" for n in report.notes} | {name for name in FIELDS for n in report.notes
                                                         if n.message.startswith(f"no {name} column")}
    given = tuple(name for name in FIELDS if name in report.data.columns and name not in defaulted)
    return (*given, GEOMETRY) if report.data.geometry.notna().any() else given


given_fields = _given_fields  # public name for the app's upload merge (geo.editform)


def plan_lines(diff, label: str, fields: tuple[str, ...]) -> list[str]:
    """The summary line with the four counts, then one line per change (``diff``: a geo.store.records.Diff)."""
    from geo.store.records import FIELDS, show_value

    counts = diff.counts()
    lines = [t("store_import_summary", LANG, file=label, **counts)]
    for ident, rec in diff.new.items():
        lines.append(f"+ {ident}: {rec.get('name_vi') or ''}")
    for ident, changes in diff.changed.items():
        parts = [f"{name}: {show_value(name, old)} → {show_value(name, new)}" for name, (old, new) in changes.items()]
        lines.append(f"~ {ident}: " + "; ".join(parts))
    absent = t("store_absent_retired", LANG) if diff.retire else t("store_absent_kept", LANG)
    lines += [f"- {ident}: {absent}" for ident in diff.absent]
    missing = [f for f in FIELDS if f not in fields]
    if missing and (diff.new or diff.changed):
        lines.append(t("store_fields_kept", LANG, fields=", ".join(missing)))
    return lines


def _read_import(file: Path, kind: str | None, crs: str | None, lang: str = "vi"):
    """Validate ``file`` exactly as ``validate`` does; return (report, records, fields) or exit with the problems."""
    from geo.register import bundled_references
    from geo.store.records import FIELDS, KIND, records_from_frame
    from geo.validate import validate_file

    if kind not in (None, KIND):
        raise SystemExit(t("store_kind_only", LANG, kind=kind, store_kind=KIND))
    report = validate_file(file, kind=KIND, crs=crs, references=bundled_references(), lang=lang)
    if report.exit_code != 0:
        for line in report.lines():
            print(line, file=sys.stderr)
        raise SystemExit(report.exit_code)
    fields = _given_fields(report)
    from geo.readers import coordinate_columns

    coords = coordinate_columns([str(c) for c in report.data.columns]) or ()  # became the geometry
    extra = [c for c in report.data.columns if c not in FIELDS and c != report.data.geometry.name
             and c not in coords]
    if extra:
        print(t("store_extra_columns", LANG, file=report.file, columns=", ".join(map(str, extra))))
    return report, records_from_frame(report.data, (*fields,)), fields


def cmd_import(args: argparse.Namespace) -> int:
    """Merge a project register file into the store as one change set (match by id; see --dry-run)."""
    from geo.store import open_store

    report, incoming, fields = _read_import(args.file, args.kind, args.crs, args.lang)
    sha = hashlib.sha256(args.file.read_bytes()).hexdigest()
    store = open_store(args.store)
    ident, diff = store.import_records(incoming, fields, by=args.by, reason=args.reason, source_name=args.file.name,
                                       sha256=sha, retire_absent=args.retire_absent, dry_run=args.dry_run)
    for line in plan_lines(diff, report.file, fields):
        print(line)
    if args.dry_run:
        print(t("store_dry_run", LANG))
    elif ident is None:
        print(t("store_nothing", LANG))
    else:
        print(t("store_committed", LANG, id=ident, location=store.location))
    return 0


def validate_against_store(report, location: str | None) -> list[str]:
    """What importing a valid file would change in the store (``validate --against-store``)."""
    from geo.store import open_store
    from geo.store.records import records_from_frame

    fields = _given_fields(report)
    incoming = records_from_frame(report.data, fields)
    return plan_lines(open_store(location).plan_import(incoming, fields), report.file, fields)


def cmd_history(args: argparse.Namespace) -> int:
    """List the change sets, newest first, or one record's field history (--id)."""
    from geo.store import StoreError, open_store
    from geo.store.records import show_value

    store = open_store(args.store)
    if args.id:
        rows = store.record_history(args.id)
        if not rows:
            raise StoreError(t("store_no_record", LANG, id=args.id))
        for cs, name, old, new in reversed(rows):
            print(f"{cs.id}  {cs.time}  {cs.author}  {name}: {show_value(name, old)} → {show_value(name, new)}"
                  f"  ({cs.reason})")
        return 0
    for cs in store.changesets():
        source = f"  [{cs.source_name} sha256:{cs.source_sha256[:12]}]" if cs.source_sha256 else ""
        reverts = f" of {cs.reverts}" if cs.reverts else ""
        print(f"{cs.id}  {cs.time}  {cs.author}  {cs.action}{reverts}  "
              + t("store_counts", LANG, new=cs.n_new, changed=cs.n_changed, retired=cs.n_retired)
              + f"  {cs.reason}{source}")
    return 0


def cmd_revert(args: argparse.Namespace) -> int:
    """Undo one change set as a new change set; fields changed again later are kept and listed."""
    from geo.store import open_store

    store = open_store(args.store)
    ident, conflicts = store.revert(args.changeset, by=args.by, reason=args.reason)
    for line in conflicts:
        print(line)
    if ident is None:
        print(t("store_revert_nothing", LANG, id=args.changeset))
        return 1
    print(t("store_reverted", LANG, id=args.changeset, new=ident, n=len(store.changes_of(ident))))
    return 0


def cmd_store_init(args: argparse.Namespace) -> int:
    """Create a store and seed it from the bundled data (refuses a non-empty store without --force)."""
    from geo.store import init_store

    store = init_store(args.store, force=args.force)
    print(t("store_created", LANG, location=store.location, n=len(store.load()), backend=store.backend))
    return 0


def cmd_store_check(args: argparse.Namespace) -> int:
    """Verify that replaying the history gives the current state; exit 1 listing the discrepancies."""
    from geo.store import open_store

    store = open_store(args.store, create=False)
    problems = store.check()
    for line in problems:
        print(line)
    if problems:
        print(t("store_check_bad", LANG, location=store.location, n=len(problems)))
        return 1
    n_sets, _ = store.version()
    print(t("store_check_ok", LANG, location=store.location, n=n_sets, records=len(store.current())))
    return 0


def _writer_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--by", required=True, metavar="NAME", help="who makes the change (recorded)")
    p.add_argument("--reason", required=True, metavar="TEXT", help="why (recorded)")


def cmd_user(args: argparse.Namespace) -> int:
    """Manage editor accounts (in the store, or in the TOML file QTMAP_USERS names): add, remove, list."""
    from geo.store import open_store
    from geo.users import accounts_for

    accounts = accounts_for(open_store(args.store))
    if args.user_command == "list":
        for account in accounts.list():
            print(f"{account.name}  {account.created}")
        return 0
    if args.user_command == "remove":
        if not accounts.remove(args.name):
            print(t("ed_user_unknown", LANG, name=args.name), file=sys.stderr)
            return 1
        print(t("ed_user_removed", LANG, name=args.name))
        return 0
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        import getpass

        password = getpass.getpass(t("ed_password_prompt", LANG, name=args.name))
        if getpass.getpass(t("ed_password_again", LANG)) != password:
            print(t("ed_password_mismatch", LANG), file=sys.stderr)
            return 1
    try:
        account = accounts.add(args.name, password)
    except ValueError as exc:
        print(t("store_error", LANG, message=str(exc)), file=sys.stderr)
        return 1
    print(t("ed_user_added", LANG, name=account.name))
    return 0


def _add_user_commands(sub) -> None:
    p = sub.add_parser("user", help=cmd_user.__doc__, description=cmd_user.__doc__)
    usub = p.add_subparsers(dest="user_command", required=True)
    q = usub.add_parser("add", help="add an editor (or set a new password); the password is hashed (argon2)")
    q.add_argument("name")
    q.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    q = usub.add_parser("remove", help="remove an editor account")
    q.add_argument("name")
    usub.add_parser("list", help="list the editor accounts")
    for q in usub.choices.values():
        add_store_options(q, as_of=False)
        q.set_defaults(func=lambda a: run_guarded(cmd_user, a))


def add_commands(sub) -> None:
    """Add store, import, history, revert and user to the ``python -m geo`` subparsers."""
    p = sub.add_parser("store", help="create or check the register store", description="create or check the store")
    ssub = p.add_subparsers(dest="store_command", required=True)
    q = ssub.add_parser("init", help=cmd_store_init.__doc__, description=cmd_store_init.__doc__)
    add_store_options(q, as_of=False)
    q.add_argument("--force", action="store_true", help="replace a store that already holds a register")
    q.set_defaults(func=lambda a: run_guarded(cmd_store_init, a))
    q = ssub.add_parser("check", help=cmd_store_check.__doc__, description=cmd_store_check.__doc__)
    add_store_options(q, as_of=False)
    q.set_defaults(func=lambda a: run_guarded(cmd_store_check, a))

    p = sub.add_parser("import", help=cmd_import.__doc__, description=cmd_import.__doc__)
    p.add_argument("file", type=Path)
    add_store_options(p, as_of=False)
    _writer_options(p)
    p.add_argument("--dry-run", action="store_true", help="print what would change; write nothing")
    p.add_argument("--kind", choices=sorted(KINDS), default=None, help="layer kind of the file (the store holds "
                   "the project register)")
    p.add_argument("--crs", help="CRS of projected X/Y columns (e.g. vn2000-utm48, EPSG:3405)")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of the validator's messages "
                   "(default: vi, as for validate)")
    p.add_argument("--retire-absent", action="store_true", help="retire records the file does not have (kept "
                   "otherwise)")
    p.set_defaults(func=lambda a: run_guarded(cmd_import, a))

    p = sub.add_parser("history", help=cmd_history.__doc__, description=cmd_history.__doc__)
    add_store_options(p, as_of=False)
    p.add_argument("--id", default=None, help="one record's field history (old → new, who, when, why)")
    p.set_defaults(func=lambda a: run_guarded(cmd_history, a))

    p = sub.add_parser("revert", help=cmd_revert.__doc__, description=cmd_revert.__doc__)
    p.add_argument("changeset", type=int, metavar="CHANGESET")
    add_store_options(p, as_of=False)
    _writer_options(p)
    p.set_defaults(func=lambda a: run_guarded(cmd_revert, a))
    _add_user_commands(sub)




