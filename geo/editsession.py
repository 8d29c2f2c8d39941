"""The app's sign-in, Edit, History and merge actions over a session's state (a mapping; no streamlit here).

app.py draws the widgets and hands these functions its ``st.session_state`` (any
mutable mapping works: the tests pass a dict). Each write goes through
:mod:`geo.editing`, which checks the session's editor itself; refusals (not
signed in, a failed check, the store) become messages in the state, and nothing
typed is lost. Keys: ``editor`` (the signed-in :class:`geo.users.Editor`),
``ed_*`` for the sign-in box and the Edit tab (``ed_f_NAME`` per form field),
``hist_*`` for the History view, ``ed_merge_*`` for the upload's merge.

Examples
--------
>>> s = {}
>>> current_editor(s) is None
True
>>> click_to_form(s, {"lng": 107.1, "lat": 16.75})
>>> s["ed_a"], s["ed_b"]
('107.100000', '16.750000')

"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping

from geo import editform, editing
from geo.i18n import t
from geo.store import StoreError
from geo.users import Editor, NotSignedIn, SignInRefused, Throttle, accounts_for, oidc_editor, sign_in

__all__ = ["current_editor", "do_sign_in", "oidc_sign_in", "sign_out", "click_to_form", "open_record", "guarded",
           "save_form",
           "resolve_conflict", "save_status", "retire", "revert_now", "commit_merge", "merge_preview", "merge_cancel",
           "merge_again", "history_table", "history_asked", "close_history"]

State = MutableMapping[str, object]


def current_editor(s: State) -> Editor | None:
    """The session's signed-in editor; None when anonymous or signed out after the idle time."""
    editor = s.get("editor")
    if editor is not None and not editor.valid():
        s.update(editor=None, ed_expired=True)
        return None
    if editor is not None:
        editor.touch()
    return editor


def do_sign_in(s: State, store, throttle: Throttle, client: str, lang: str) -> None:
    """Check the sign-in form (throttled); the password box is emptied whatever the outcome."""
    try:
        s["editor"] = sign_in(accounts_for(store), throttle, s["ed_user"], s["ed_password"], client, lang)
        s["ed_signin_error"] = None
    except SignInRefused as exc:
        s["ed_signin_error"] = str(exc)
    s["ed_password"] = ""


def oidc_sign_in(s: State, store, user: dict) -> Editor | None:
    """A user signed in through OpenID Connect (``st.user``) becomes the session's editor if listed as one."""
    editor = oidc_editor(user, accounts_for(store))
    if editor is not None:
        s.update(editor=editor, ed_signin_error=None)
    return editor


def sign_out(s: State) -> None:
    """Forget the session's editor (the page shows Sign in again)."""
    s["editor"] = None


def click_to_form(s: State, click: object) -> None:
    """A click on the map (``{"lng", "lat"}``) fills the edit form's longitude/latitude, once per new click."""
    if isinstance(click, dict) and click != s.get("ed_click"):
        s.update(ed_click=click, ed_coord_mode="lonlat", ed_a=f"{click['lng']:.6f}", ed_b=f"{click['lat']:.6f}")


def open_record(s: State, store) -> None:
    """Load the picked record (or a blank form) into the form's widgets, remembering it as the conflict base."""
    ident = s.get("ed_record") if s.get("ed_mode", "new") != "new" else None
    base = store.current(ids=[ident]).get(ident) if ident else None
    opened = editform.form_values(base)
    s.update({f"ed_f_{f.name}": opened[f.name] for f in editform.FORM_FIELDS})
    s.update(ed_base=base, ed_opened=opened, ed_coord_mode="lonlat", ed_a=opened["lon"], ed_b=opened["lat"],
             ed_conflict=None, ed_reason="")


def _show_result(s: State, result, lang: str, store) -> None:
    """After a write: a message, and the form reopened on the record as now stored (or the conflict shown)."""
    if isinstance(result, editing.Conflict):
        s.update(ed_conflict=result, ed_messages=[])
        return
    s["ed_messages"] = [("success", t("ed_saved", lang, id=result.changeset_id, record=result.record_id))]
    if s.get("ed_mode") != "new":
        s["ed_record"] = result.record_id
    open_record(s, store)


def guarded(s: State, write: Callable[[], object], lang: str, store) -> None:
    """Run one write; refusals (not signed in, a check, the store) become messages, nothing typed is lost."""
    try:
        _show_result(s, write(), lang, store)
    except (NotSignedIn, StoreError, ValueError) as exc:
        s["ed_messages"] = [("error", str(exc))]


def save_form(s: State, store, lang: str) -> None:
    """Save: the import checks on what was typed, then add or save against the version the form opened."""
    base = s.get("ed_base")
    check = editform.check_form({f.name: s.get(f"ed_f_{f.name}") for f in editform.FORM_FIELDS},
                                editform.Coordinates(s["ed_coord_mode"], s["ed_a"], s["ed_b"], s.get("ed_crs")),
                                lang, base=base, opened=s.get("ed_opened"))
    s["ed_messages"] = [("error", m) for m in check.errors] + [("warning", m) for m in check.warnings]
    if check.record is None:
        return
    if base is None:
        guarded(s, lambda: editing.add_project(store, s.get("editor"), check.record, s["ed_reason"], lang), lang,
                store)
    else:
        guarded(s, lambda: editing.save_record(store, s.get("editor"), base["id"], base, check.record,
                                               s["ed_reason"], lang), lang, store)


def resolve_conflict(s: State, store, lang: str, choice: str) -> None:
    """Keep theirs (reload), take mine or merge: saved against the newer version (another conflict if it moved)."""
    c = s["ed_conflict"]
    values = c.resolve(choice, {f.field: s.get(f"ed_pick_{f.field}", "mine") for f in c.fields})
    if not values:
        s["ed_record"] = c.record_id
        open_record(s, store)
        s["ed_messages"] = [("info", t("ed_kept_theirs", lang))]
        return
    guarded(s, lambda: editing.save_record(store, s.get("editor"), c.record_id, c.theirs, values, s["ed_reason"],
                                           lang), lang, store)


def save_status(s: State, store, lang: str) -> None:
    """Add the status-timeline entry typed in the Edit tab to the opened record."""
    base = s["ed_base"]
    guarded(s, lambda: editing.add_status(store, s.get("editor"), base["id"], s["ed_status"], s["ed_status_year"],
                                          s["ed_reason"], base["version"], lang=lang), lang, store)


def retire(s: State, store, lang: str) -> None:
    """Retire the opened record with the typed reason."""
    base = s["ed_base"]
    guarded(s, lambda: editing.retire_record(store, s.get("editor"), base["id"], s["ed_reason"], base["version"],
                                             lang), lang, store)


def revert_now(s: State, store, changeset: int, lang: str) -> None:
    """Revert one change set (as a new one) for a signed-in editor; fields changed later are kept and listed."""
    try:
        new, conflicts = editing.revert_changeset(store, s.get("editor"), changeset, s["hist_reason"], lang)
        s["hist_messages"] = [("info", line) for line in conflicts] + (
            [("success", t("ed_reverted", lang, id=changeset, new=new))] if new else
            [("warning", t("store_revert_nothing", lang, id=changeset))])
    except (NotSignedIn, StoreError) as exc:
        s["hist_messages"] = [("error", str(exc))]


def commit_merge(s: State, store, incoming: dict[str, dict[str, object]], fields: tuple[str, ...], source: str,
                 digest: str, retire_absent: bool, lang: str) -> None:
    """Commit the previewed upload as one change set with the typed reason (refusals become the message)."""
    try:
        ident, _ = editing.merge_upload(store, s.get("editor"), incoming, fields, s["ed_merge_reason"], source, digest,
                                        retire_absent, lang)
        s["ed_merge_message"] = ("success", t("ed_committed", lang, id=ident))
    except (NotSignedIn, StoreError) as exc:
        s["ed_merge_message"] = ("error", str(exc))


def merge_preview(s: State, store, incoming: dict[str, dict[str, object]], fields: tuple[str, ...],
                  retire_absent: bool, digest: str):
    """What merging the upload would change, computed once per file, choice and register version (reruns reuse it)."""
    key = (digest, fields, retire_absent, store.location, store.version())
    kept = s.get("ed_merge_preview")
    if not (isinstance(kept, tuple) and kept[0] == key):
        kept = (key, editing.preview_upload(store, incoming, fields, retire_absent))
        s["ed_merge_preview"] = kept
    return kept[1]


def merge_cancel(s: State, digest: str) -> None:
    """Cancel: the previewed upload (by its SHA-256) is set aside without writing; its reason box is emptied."""
    s.update(ed_merge_cancelled=digest, ed_merge_reason="", ed_merge_message=None)


def merge_again(s: State) -> None:
    """Show the merge preview of the upload again after a Cancel."""
    s["ed_merge_cancelled"] = None


def history_table(store, record: str | None, changeset: int | None, lang: str):
    """The History view's changes, as a table people read.

    One record's (change set, time, editor, reason, field, old → new; newest first), else one change set's
    (change set, editor, record, field, old → new).
    """
    if record:
        return editform.record_history_table(store.record_history(record), lang)
    rows = []
    if changeset:
        author = store.changeset(changeset).author
        rows = [(changeset, author, *change) for change in store.changes_of(changeset)]
    return editform.changes_table(rows, lang)


def history_asked(s: State, ids) -> str | None:
    """The record whose history a popup's link asked for (once per click), or None.

    The map's feed component sets its value to ``{"history": ID, "at": N}`` when a popup's
    history link is clicked; ``ids`` (the register's) bounds what may be asked for. The record
    is also picked in the History tab, and ``hist_dialog`` holds it until the dialog is dismissed.
    """
    value = s.get("qtmap_feed")
    if not isinstance(value, dict) or value.get("at") is None or value.get("at") == s.get("hist_asked"):
        return None
    s["hist_asked"] = value.get("at")
    ident = value.get("history")
    if not isinstance(ident, str) or ident not in set(ids):
        return None
    s.update(hist_record=ident, hist_dialog=ident)
    return ident


def close_history(s: State) -> None:
    """The record's history dialog was dismissed: it stays closed on the next reruns."""
    s["hist_dialog"] = None
