"""Editor accounts, sign-in with throttling, and the signed-in :class:`Editor` every write path asks for.

Accounts live in the store's ``editors`` table, or, when ``QTMAP_USERS`` names a TOML
file, in that file (``[editors."NAME"]`` with ``hash`` and ``created``). Passwords are
hashed with argon2id (argon2-cffi); a plain password is never stored, logged or kept
after :func:`sign_in` returns.

Throttling (:class:`Throttle`): after 5 failed sign-ins for one account, or 20 from
one client, each further attempt must wait 30 s, doubling with each failure up to
15 min; the refusal says how long. A session is signed out after ``QTMAP_IDLE_MINUTES``
(default 30) without activity.

OpenID Connect: where ``.streamlit/secrets.toml`` has an ``[auth]`` section
(:func:`oidc_providers`), the app also offers Streamlit's ``st.login``; a user signed in
there becomes an editor only when their e-mail or name is an account
(:func:`oidc_editor`), under that account's name. Without ``[auth]`` nothing changes.

Examples
--------
>>> throttle = Throttle()
>>> for _ in range(5):
...     throttle.failed("ana", "1.2.3.4", now=0.0)
>>> throttle.wait("ana", "1.2.3.4", now=10.0)
20.0
>>> throttle.wait("bob", "1.2.3.4", now=10.0)
0.0

"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
import time
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from geo.i18n import t

__all__ = ["Account", "Accounts", "StoreAccounts", "FileAccounts", "accounts_for", "Throttle", "Editor",
           "SignInRefused", "NotSignedIn", "sign_in", "require_editor", "check_name", "idle_seconds",
           "oidc_editor", "oidc_providers", "ACCOUNT_LIMIT", "CLIENT_LIMIT", "FIRST_WAIT", "MAX_WAIT"]

ACCOUNT_LIMIT = 5  # failures per account before a wait
CLIENT_LIMIT = 20  # failures per client before a wait
FIRST_WAIT = 30.0  # seconds, doubling with each further failure
MAX_WAIT = 15 * 60.0
_NAME = re.compile(r"^[\w][\w .@-]{0,62}[\w]$|^\w$")
_HASHER = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """A hash verified against for unknown names (same cost, no hint); made on first use, not at import (~0.15 s)."""
    return _HASHER.hash(secrets.token_hex(16))


_SEAL_KEY = secrets.token_bytes(32)  # per process: an Editor made outside sign_in() is not valid


class SignInRefused(PermissionError):
    """A sign-in that failed: wrong name or password, or throttled (``wait`` seconds)."""

    def __init__(self, message: str, wait: float = 0.0) -> None:
        super().__init__(message)
        self.wait = wait


class NotSignedIn(PermissionError):
    """A write without a valid signed-in editor (anonymous, signed out, expired or forged)."""


def check_name(name: str) -> str:
    """Return the account name stripped; ValueError for an empty or odd one (letters, digits, ' .@-_')."""
    name = (name or "").strip()
    if not _NAME.fullmatch(name):
        raise ValueError(t("ed_bad_name", "en", name=name))
    return name


def idle_seconds() -> float:
    """The idle time after which a session is signed out: QTMAP_IDLE_MINUTES (default 30), in seconds."""
    return float(os.environ.get("QTMAP_IDLE_MINUTES", "30")) * 60


@dataclass(frozen=True)
class Account:
    """One editor account (the hash only)."""

    name: str
    hash: str
    created: str


class Accounts:
    """Where accounts are kept: add, remove, list and verify (subclasses store the rows)."""

    def _rows(self) -> dict[str, Account]:
        raise NotImplementedError

    def _put(self, account: Account) -> None:
        raise NotImplementedError

    def _delete(self, name: str) -> bool:
        raise NotImplementedError

    def list(self) -> list[Account]:
        """Every account, by name."""
        return sorted(self._rows().values(), key=lambda a: a.name)

    def exists(self, name: str) -> bool:
        """True when ``name`` has an account."""
        return name in self._rows()

    def add(self, name: str, password: str) -> Account:
        """Add an account (or set a new password for an existing one); the password is hashed, never kept."""
        name = check_name(name)
        if len(password or "") < 8:
            raise ValueError(t("ed_short_password", "en"))
        account = Account(name, _HASHER.hash(password), dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        self._put(account)
        return account

    def remove(self, name: str) -> bool:
        """Remove an account; False when there was none."""
        return self._delete(name.strip())

    def verify(self, name: str, password: str) -> bool:
        """True when ``password`` is the account's (constant work for unknown names)."""
        account = self._rows().get((name or "").strip())
        try:
            return _HASHER.verify(account.hash if account else _dummy_hash(), password or "") and account is not None
        except (VerificationError, InvalidHashError):
            return False


class StoreAccounts(Accounts):
    """Accounts in the store's ``editors`` table."""

    def __init__(self, store) -> None:
        self.store = store

    def _rows(self) -> dict[str, Account]:
        e = self.store.tables.editors
        with self.store.engine.connect() as conn:
            return {r.name: Account(r.name, r.hash, r.created) for r in conn.execute(e.select())}

    def _put(self, account: Account) -> None:
        e = self.store.tables.editors
        with self.store._write() as conn:
            conn.execute(e.delete().where(e.c.name == account.name))
            conn.execute(e.insert().values(name=account.name, hash=account.hash, created=account.created))

    def _delete(self, name: str) -> bool:
        e = self.store.tables.editors
        with self.store._write() as conn:
            return conn.execute(e.delete().where(e.c.name == name)).rowcount > 0


class FileAccounts(Accounts):
    """Accounts in a TOML file (``QTMAP_USERS``), written atomically with owner-only permissions."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def _rows(self) -> dict[str, Account]:
        if not self.path.exists():
            return {}
        with self.path.open("rb") as fh:
            data = tomllib.load(fh).get("editors", {})
        return {name: Account(name, str(row["hash"]), str(row.get("created", ""))) for name, row in data.items()}

    def _write(self, rows: dict[str, Account]) -> None:
        lines = ["# qtmap editor accounts (python -m geo user add|remove|list): argon2 hashes, no passwords", ""]
        for a in sorted(rows.values(), key=lambda a: a.name):  # JSON strings are valid TOML basic strings
            lines += [f"[editors.{json.dumps(a.name, ensure_ascii=False)}]", f"hash = {json.dumps(a.hash)}",
                      f"created = {json.dumps(a.created)}", ""]
        tmp = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}")
        tmp.write_text("\n".join(lines), encoding="utf-8")
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)

    def _put(self, account: Account) -> None:
        self._write({**self._rows(), account.name: account})

    def _delete(self, name: str) -> bool:
        rows = self._rows()
        if rows.pop(name, None) is None:
            return False
        self._write(rows)
        return True


def accounts_for(store) -> Accounts:
    """The accounts of a deployment: the TOML file of QTMAP_USERS if set, else the store's table."""
    path = os.environ.get("QTMAP_USERS")
    return FileAccounts(path) if path else StoreAccounts(store)


@dataclass
class Throttle:
    """Failed sign-ins per account and per client, and the wait they impose (one per process, shared)."""

    failures: dict[tuple[str, str], list[float]] = field(default_factory=dict)  # key -> [count, last failure]

    def _wait_of(self, key: tuple[str, str], limit: int, now: float) -> float:
        count, last = self.failures.get(key, (0, 0.0))
        if count < limit:
            return 0.0
        wait = min(FIRST_WAIT * 2 ** (count - limit), MAX_WAIT)
        return max(0.0, last + wait - now)

    def wait(self, name: str, client: str, now: float | None = None) -> float:
        """Seconds before the next attempt for this account from this client is allowed (0: now)."""
        now = time.monotonic() if now is None else now
        return max(self._wait_of(("account", name), ACCOUNT_LIMIT, now),
                   self._wait_of(("client", client), CLIENT_LIMIT, now))

    def failed(self, name: str, client: str, now: float | None = None) -> None:
        """Count one failure for the account and the client."""
        now = time.monotonic() if now is None else now
        for key in (("account", name), ("client", client)):
            count = self.failures.get(key, (0, 0.0))[0]
            self.failures[key] = [count + 1, now]

    def succeeded(self, name: str) -> None:
        """Forget the account's failures (the client's stay)."""
        self.failures.pop(("account", name), None)


def _seal(name: str, since: float) -> str:
    return hmac.new(_SEAL_KEY, f"{name}\x00{since!r}".encode(), hashlib.sha256).hexdigest()


@dataclass
class Editor:
    """A signed-in editor (made by :func:`sign_in` only): the name recorded as the author of each change."""

    name: str
    since: float
    last_seen: float
    seal: str = field(repr=False)

    def valid(self, now: float | None = None) -> bool:
        """True when made by this process's sign_in and not idle for longer than :func:`idle_seconds`."""
        now = time.monotonic() if now is None else now
        return hmac.compare_digest(self.seal, _seal(self.name, self.since)) and now - self.last_seen <= idle_seconds()

    def touch(self, now: float | None = None) -> None:
        """Record activity (the idle time starts again)."""
        self.last_seen = time.monotonic() if now is None else now


def sign_in(accounts: Accounts, throttle: Throttle, name: str, password: str, client: str, lang: str = "en",
            now: float | None = None) -> Editor:
    """Check name and password; return an :class:`Editor` or raise :class:`SignInRefused` (throttled: ``wait``)."""
    now = time.monotonic() if now is None else now
    name = (name or "").strip()
    wait = throttle.wait(name, client, now)
    if wait > 0:
        raise SignInRefused(t("ed_throttled", lang, seconds=int(wait + 0.999)), wait)
    if not name or not accounts.verify(name, password):
        throttle.failed(name, client, now)
        wait = throttle.wait(name, client, now)
        message = t("ed_wrong_password", lang)
        if wait > 0:
            message += " " + t("ed_throttled", lang, seconds=int(wait + 0.999))
        raise SignInRefused(message, wait)
    throttle.succeeded(name)
    return Editor(name, now, now, _seal(name, now))


def require_editor(editor: object, lang: str = "en") -> Editor:
    """Return ``editor`` if it is a valid signed-in editor (and count it as activity); else raise NotSignedIn."""
    if not isinstance(editor, Editor):
        raise NotSignedIn(t("ed_not_signed_in", lang))
    if not editor.valid():
        raise NotSignedIn(t("ed_session_expired", lang))
    editor.touch()
    return editor


def oidc_providers(secrets: Mapping[str, object] | None) -> tuple[str | None, ...]:
    """The OpenID Connect providers a deployment's secrets configure, for ``st.login(provider)``.

    Each ``[auth.NAME]`` table is one (``NAME``), and ``[auth]`` holding ``client_id`` itself is the
    default one (``None``). Without an ``[auth]`` section: none, and the app offers passwords only.

    >>> oidc_providers({}), oidc_providers({"auth": {"client_id": "x", "redirect_uri": "u"}})
    ((), (None,))
    >>> oidc_providers({"auth": {"redirect_uri": "u", "microsoft": {"client_id": "x"}}})
    ('microsoft',)
    """
    auth = secrets.get("auth") if isinstance(secrets, Mapping) else None
    if not isinstance(auth, Mapping):
        return ()
    named = tuple(str(k) for k, v in auth.items() if isinstance(v, Mapping))
    return named + ((None,) if "client_id" in auth else ())


def oidc_editor(user: Mapping[str, object] | None, accounts: Accounts, now: float | None = None) -> Editor | None:
    """The :class:`Editor` for a user signed in through OpenID Connect (``st.user`` as a mapping), or None.

    Only a listed editor becomes one, under the account's name (the author of their change sets):
    the account named by the user's e-mail (any case; not when the provider says
    ``email_verified`` is false), else by their name (exactly). Anyone else stays a viewer.
    """
    if not isinstance(user, Mapping) or user.get("is_logged_in") is not True:
        return None
    names = {a.name for a in accounts.list()}
    by_mail = {n.casefold(): n for n in names if "@" in n}
    email, name, match = user.get("email"), user.get("name"), None
    if isinstance(email, str) and email.strip() and user.get("email_verified") is not False:
        match = by_mail.get(email.strip().casefold())
    if match is None and isinstance(name, str) and name.strip() in names:
        match = name.strip()
    if match is None:
        return None
    now = time.monotonic() if now is None else now
    return Editor(match, now, now, _seal(match, now))
