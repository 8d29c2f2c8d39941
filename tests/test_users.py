"""Editor accounts (store table and TOML file), the user command, throttled sign-in and idle expiry."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from geo.store import open_store
from geo.users import (
    ACCOUNT_LIMIT,
    CLIENT_LIMIT,
    MAX_WAIT,
    Editor,
    FileAccounts,
    NotSignedIn,
    SignInRefused,
    StoreAccounts,
    Throttle,
    accounts_for,
    idle_seconds,
    oidc_editor,
    oidc_providers,
    require_editor,
    sign_in,
)

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse 42"  # [SYNTHETIC]


@pytest.fixture(params=["store", "file"])
def accounts(request, tmp_path):
    if request.param == "file":
        return FileAccounts(tmp_path / "users.toml")
    return StoreAccounts(open_store(tmp_path / "r.gpkg"))


def test_accounts_keep_a_hash_never_the_password(accounts, tmp_path):
    accounts.add("Nguyễn Thị Hà", PASSWORD)  # [SYNTHETIC] name
    accounts.add("lan", PASSWORD + "x")
    assert [a.name for a in accounts.list()] == ["Nguyễn Thị Hà", "lan"]
    account = accounts.list()[0]
    assert account.hash.startswith("$argon2id$") and PASSWORD not in account.hash
    assert accounts.verify("Nguyễn Thị Hà", PASSWORD) and not accounts.verify("Nguyễn Thị Hà", "wrong")
    assert not accounts.verify("nobody", PASSWORD)
    for path in tmp_path.iterdir():  # neither the store nor the TOML file holds the password
        assert PASSWORD.encode() not in path.read_bytes()
    assert accounts.remove("lan") and not accounts.remove("lan")
    assert not accounts.exists("lan") and accounts.exists("Nguyễn Thị Hà")


def test_bad_names_and_short_passwords_are_refused(accounts):
    for name in ("", " ", "a\nb", "<script>", "x" * 80):
        with pytest.raises(ValueError):
            accounts.add(name, PASSWORD)
    with pytest.raises(ValueError, match="8 characters"):
        accounts.add("ana", "short")


def test_qtmap_users_selects_the_toml_file(tmp_path, monkeypatch):
    store = open_store(tmp_path / "r.gpkg")
    assert isinstance(accounts_for(store), StoreAccounts)
    monkeypatch.setenv("QTMAP_USERS", str(tmp_path / "u.toml"))
    accounts = accounts_for(store)
    assert isinstance(accounts, FileAccounts)
    accounts.add("tên lạ.x@so-1", PASSWORD)
    assert FileAccounts(tmp_path / "u.toml").verify("tên lạ.x@so-1", PASSWORD)
    assert oct((tmp_path / "u.toml").stat().st_mode & 0o777) == "0o600"


def test_user_command_adds_lists_and_removes(tmp_path):
    store = str(tmp_path / "r.gpkg")

    def run(*args, stdin=""):
        return subprocess.run([sys.executable, "-m", "geo", "user", *args, "--store", store], cwd=ROOT,
                              input=stdin, capture_output=True, text=True, timeout=120,
                              env={k: v for k, v in os.environ.items() if k != "QTMAP_USERS"})

    added = run("add", "ana", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert PASSWORD not in added.stdout + added.stderr
    assert StoreAccounts(open_store(store)).verify("ana", PASSWORD)
    listed = run("list")
    assert listed.returncode == 0 and listed.stdout.startswith("ana  ")
    assert run("add", "bo", "--password-stdin", stdin="short\n").returncode == 1
    assert run("remove", "ana").returncode == 0
    assert run("remove", "ana").returncode == 1
    assert run("list").stdout == ""


def test_sign_in_throttles_per_account_with_a_growing_wait(accounts):
    accounts.add("ana", PASSWORD)
    throttle = Throttle()
    for i in range(ACCOUNT_LIMIT):
        with pytest.raises(SignInRefused) as refused:
            sign_in(accounts, throttle, "ana", "wrong", "client-1", now=float(i))
    assert refused.value.wait == 30 and "30 s" in str(refused.value)
    with pytest.raises(SignInRefused, match="wait 30 s"):  # even the right password waits
        sign_in(accounts, throttle, "ana", PASSWORD, "client-2", now=4.0)
    with pytest.raises(SignInRefused) as refused:  # after the wait, another failure doubles it
        sign_in(accounts, throttle, "ana", "wrong", "client-1", now=40.0)
    assert refused.value.wait == 60
    assert throttle.wait("ana", "c", now=40.0 + 10_000) == 0
    throttle.failures["account", "ana"] = [ACCOUNT_LIMIT + 20, 0.0]
    assert throttle.wait("ana", "c", now=0.0) == MAX_WAIT
    editor = sign_in(accounts, throttle, "ana", PASSWORD, "client-1", now=10_000.0)
    assert editor.name == "ana" and throttle.wait("ana", "client-1", now=10_000.0) == 0


def test_sign_in_throttles_per_client_across_accounts(accounts):
    throttle = Throttle()
    for i in range(CLIENT_LIMIT):
        with pytest.raises(SignInRefused):
            sign_in(accounts, throttle, f"user{i}", "wrong", "10.0.0.9", now=float(i))
    assert throttle.wait("someone-else", "10.0.0.9", now=CLIENT_LIMIT) > 0
    assert throttle.wait("someone-else", "10.0.0.10", now=CLIENT_LIMIT) == 0


def test_editors_expire_when_idle_and_cannot_be_forged(accounts, monkeypatch):
    accounts.add("ana", PASSWORD)
    editor = sign_in(accounts, Throttle(), "ana", PASSWORD, "c")
    assert require_editor(editor) is editor
    with pytest.raises(NotSignedIn):
        require_editor(None)
    with pytest.raises(NotSignedIn):
        require_editor(Editor("ana", editor.since, editor.last_seen, "0" * 64))  # not made by sign_in
    with pytest.raises(NotSignedIn):
        require_editor(Editor("bob", editor.since, editor.last_seen, editor.seal))  # another name, same seal
    monkeypatch.setenv("QTMAP_IDLE_MINUTES", "1")
    editor.last_seen -= 61
    with pytest.raises(NotSignedIn, match="expired"):
        require_editor(editor)


# --- OpenID Connect: st.user -> Editor, only for listed editors -----------------------------------
def _oidc_accounts(tmp_path):
    accounts = FileAccounts(tmp_path / "users.toml")
    accounts.add("Lan.Nguyen@SoKHDT.example", "a long password 1")  # [SYNTHETIC] an e-mail as the account name
    accounts.add("Minh", "a long password 2")
    return accounts


@pytest.mark.parametrize(("user", "name"), [
    ({"is_logged_in": True, "email": "lan.nguyen@sokhdt.example", "name": "Lan"}, "Lan.Nguyen@SoKHDT.example"),
    ({"is_logged_in": True, "email": " LAN.NGUYEN@sokhdt.example ", "email_verified": True},
     "Lan.Nguyen@SoKHDT.example"),
    ({"is_logged_in": True, "email": "minh@other.example", "name": "Minh"}, "Minh"),  # by name
    ({"is_logged_in": True, "email": "lan.nguyen@sokhdt.example", "email_verified": False}, None),  # unverified
    ({"is_logged_in": True, "email": "x@sokhdt.example", "name": "minh"}, None),  # names compare exactly
    ({"is_logged_in": True, "email": "lan.nguyen@sokhdt.example.evil", "name": "Lan"}, None),
    ({"is_logged_in": False, "email": "lan.nguyen@sokhdt.example"}, None),  # not signed in
    ({"is_logged_in": "true", "email": "lan.nguyen@sokhdt.example"}, None),
    ({"is_logged_in": True, "email": ["lan.nguyen@sokhdt.example"], "name": None}, None),
    ({}, None),
    (None, None),
])
def test_an_oidc_user_is_an_editor_only_when_listed(tmp_path, user, name):
    editor = oidc_editor(user, _oidc_accounts(tmp_path))
    assert (editor.name if editor else None) == name
    if editor is not None:  # a real session editor: valid, expires when idle, accepted by the write paths' check
        assert editor.valid() and require_editor(editor) is editor
        editor.last_seen -= idle_seconds() + 1
        assert not editor.valid()


def test_oidc_providers_come_from_the_auth_section_only():
    assert oidc_providers(None) == oidc_providers({}) == oidc_providers({"auth": "x"}) == ()
    assert oidc_providers({"auth": {"redirect_uri": "u", "cookie_secret": "c", "client_id": "i"}}) == (None,)
    both = {"auth": {"redirect_uri": "u", "client_id": "i", "google": {"client_id": "g"}, "entra": {"client_id": "e"}}}
    assert oidc_providers(both) == ("google", "entra", None)
