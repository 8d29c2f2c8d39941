"""Start the Streamlit app on a free local port and find its map in Chromium: shared by tests and benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path

__all__ = ["ARTIFACTS", "CHROMIUM", "CHROMIUM_ARGS", "MAP_IFRAME", "ROOT", "StreamlitServer", "free_port", "map_frame",
           "sign_in", "wait_map_idle"]

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
# Debian's Chromium, headless, as the tests and benchmarks launch it (no sandbox: it runs as root in CI).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--enable-precise-memory-info"]
MAP_IFRAME = "iframe[title*='st_folium']"
# True once the map iframe's Leaflet map and qtmap.js's public API (layers/qtmap.js) are there.
_MAP_READY = "() => !!(window.map && window.qtmap && window.qtmap.count && window.qtmap.busy)"
# True when the map shows exactly n project points and no point layer is still drawing.
_SHOWS = "(n) => window.qtmap.count(window.map) === n && !window.qtmap.busy(window.map)"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """``streamlit run app.py`` on a free local port, with an optional project register and extra environment.

    ``projects`` sets ``QTMAP_PROJECTS`` (a register read at start; any inherited value is dropped);
    ``env`` adds or overrides variables (e.g. a temporary register store). The server's output goes to
    ``log`` (tests/artifacts/streamlit-PORT.log by default). ``script`` is the Streamlit script to run,
    relative to the checkout (``app.py`` by default; the benchmark's peer apps live in bench/peers/, and
    the checkout is put on ``PYTHONPATH`` so that they import ``bench``). Use as a context manager or
    call ``stop()``.
    """

    def __init__(self, projects: Path | None = None, env: Mapping[str, str] | None = None,
                 log: Path | None = None, start_timeout: float = 60, script: str = "app.py") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        full_env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        full_env.pop("QTMAP_PROJECTS", None)
        if projects:
            full_env["QTMAP_PROJECTS"] = str(projects)
        if script != "app.py":
            full_env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), full_env.get("PYTHONPATH")) if p)
        full_env.update(env or {})
        self.log = log or ARTIFACTS / f"streamlit-{self.port}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(self.port),
                 "--server.address", "127.0.0.1", "--server.headless", "true"],
                cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + start_timeout
        while time.monotonic() < deadline:  # polling the health endpoint: there is no event to wait on
            if self.proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"streamlit did not start; see {self.log}")

    def stop(self) -> None:
        """Terminate the server (kill it if it does not stop within 10 s)."""
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)

    def __enter__(self) -> StreamlitServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def map_frame(page, timeout: float = 60_000):
    """Wait until the app's map iframe holds a Leaflet map and qtmap.js; return that frame."""
    page.wait_for_selector(MAP_IFRAME, timeout=timeout)
    frame = page.locator(MAP_IFRAME).element_handle(timeout=timeout).content_frame()
    frame.wait_for_function(_MAP_READY, timeout=timeout)
    return frame


# The app's script state in the page: "initial", "running" or "notRunning" (a JS expression).
_STATE = "document.querySelector('[data-testid=stApp]').getAttribute('data-test-script-state')"
# True when the app's script is in STATE ("running" or "notRunning"): page.wait_for_function(SCRIPT_STATE, arg=STATE).
SCRIPT_STATE = f"(state) => {_STATE} === state"


# True once the app's script has not been running for MS milliseconds on end (polled; the clock starts at the
# first poll, so it always waits MS): page.wait_for_function(SCRIPT_QUIET, arg=MS, polling=50).
SCRIPT_QUIET = f"""(ms) => {{ const now = performance.now();
  const running = {_STATE} === 'running';
  if (running || window.__qtmapQuietSince === undefined) {{ window.__qtmapQuietSince = now; }}
  const quiet = !running && now - window.__qtmapQuietSince >= ms;
  if (quiet) {{ delete window.__qtmapQuietSince; }}
  return quiet; }}"""


def wait_quiet(page, ms: float = 600, timeout: float = 60_000) -> None:
    """Wait until the app's script has been idle for ``ms`` on end: past a rerun that a map move, a drawing or a
    click started a moment ago (streamlit-folium reports the map's state after a short debounce)."""
    page.wait_for_function(SCRIPT_QUIET, arg=ms, timeout=timeout, polling=50)


def open_tab(page, name: str, timeout: float = 30_000):
    """Click the app's tab NAME once the script has been idle a moment (a click during a rerun, for example the
    one a map drawing starts, can be undone by that rerun), retrying until the tab is selected; return the tab."""
    from playwright.sync_api import expect

    tab = page.get_by_role("tab", name=name, exact=True)
    for attempt in range(3):
        wait_quiet(page, timeout=timeout)
        tab.click()
        try:
            expect(tab).to_have_attribute("aria-selected", "true", timeout=timeout / 3)
            return tab
        except AssertionError:
            if attempt == 2:
                raise


def sign_in(page, name: str, password: str):
    """Fill the app's Vietnamese sign-in form (opening it if closed) and submit; return the password box."""
    from geo.i18n import t

    user = page.get_by_label(t("ed_user_name", "vi"), exact=True)
    if not user.is_visible():  # the Sign in button opens the form (it stays open after a refusal)
        page.get_by_role("button", name=t("ed_sign_in", "vi"), exact=True).first.click()
    user.fill(name)
    box = page.get_by_label(t("ed_password", "vi"), exact=True)
    box.fill(password)
    page.get_by_test_id("stFormSubmitButton").get_by_role("button").click()
    return box


def wait_map_idle(frame, points: int, timeout: float = 60_000, polling: str | float = "raf") -> None:
    """Wait until the map in ``frame`` shows exactly ``points`` project points, drawn (``qtmap.busy`` false)."""
    frame.wait_for_function(_SHOWS, arg=points, timeout=timeout, polling=polling)
