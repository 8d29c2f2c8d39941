"""Shared fixtures: a Streamlit server started by the tests (bench/appserver.py), and headless Debian Chromium."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from bench.appserver import CHROMIUM, CHROMIUM_ARGS, StreamlitServer

TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Encode like Windows code page 1258: base letters precomposed, tone marks combining."""
    out = []
    for ch in text:
        try:
            ch.encode("cp1258")
            out.append(ch)
        except UnicodeEncodeError:
            nfd = unicodedata.normalize("NFD", ch)
            out.append(unicodedata.normalize("NFC", "".join(c for c in nfd if c not in TONES))
                       + "".join(c for c in nfd if c in TONES))
    return "".join(out).encode("cp1258")


@pytest.fixture(scope="session")
def server():
    s = StreamlitServer()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def browser():
    # No skip: a browser test that cannot run must fail CI.
    assert Path(CHROMIUM).exists(), "Debian chromium is required: apt-get install chromium (make test does it)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def offline_page(browser):
    """A page whose every non-local request is blocked and recorded in ``page.blocked``."""
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    page = context.new_page()
    page.blocked = []
    page.dialogs = []
    local = ("http://127.0.0.1", "http://localhost", "file:", "data:", "blob:", "about:")

    def route(r):
        if r.request.url.startswith(local):
            r.continue_()
        else:
            page.blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    context.close()
