"""Shared pieces of the benchmark: paths, medians, running a process or a worker, the machine's description."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["BENCH", "OUT", "ROOT", "available", "env_without_projects", "error_line", "last_json", "machine_info",
           "median", "run_process", "worker"]

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"


def median(values: list[float]) -> float | None:
    """Median of the non-None values, or None."""
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def run_process(cmd: list[str], timeout: float, env: dict[str, str] | None = None) -> dict[str, object]:
    """Run ``cmd`` in its own process group; return wall time, exit code and the tails of its output.

    On timeout the whole group (the process and e.g. the Chromium it started) is killed by its id.
    """
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        return {"wall_s": None, "rc": None, "timeout": timeout, "stdout": "", "stderr": f"timed out after {timeout} s"}
    return {"wall_s": time.perf_counter() - t0, "rc": p.returncode, "stdout": out[-4000:], "stderr": err[-4000:]}


def last_json(text: str) -> dict[str, object]:
    """The JSON object printed on the last line of ``text`` (workers print one)."""
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError(f"no JSON in output: {text[-500:]}")


def worker(name: str, args: list[str], timeout: float, env: dict[str, str] | None = None) -> dict[str, object]:
    """Run worker ``name`` of ``python -m bench.run`` in a fresh interpreter; return its JSON (or an error)."""
    res = run_process([sys.executable, "-m", "bench.run", "--worker", name, *args], timeout, env)
    if res["rc"] is None:
        return {"error": f"not done within {timeout:.0f} s (process killed)", "timeout_s": timeout}
    if res["rc"] != 0:
        return {"error": error_line(res)}
    try:
        return last_json(str(res["stdout"]))
    except ValueError as exc:
        return {"error": str(exc)}


def error_line(res: dict[str, object]) -> str:
    """The last non-blank line of a finished process's stderr (or its exit code), for the report."""
    tail = [line for line in str(res.get("stderr", "")).strip().splitlines() if line.strip()]
    return (tail[-1] if tail else f"exit code {res.get('rc')}")[:300]


def available(module: str) -> str | None:
    """None if ``module`` imports in a fresh interpreter, else why not (e.g. not written yet)."""
    res = run_process([sys.executable, "-c", f"import {module}"], 120)
    return None if res["rc"] == 0 else f"not available ({error_line(res)})"


def env_without_projects() -> dict[str, str]:
    """This process's environment without QTMAP_PROJECTS, with the checkout on PYTHONPATH."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("QTMAP_PROJECTS", None)
    return env


def machine_info() -> dict[str, object]:
    """CPU model, cores, RAM, date, git commit and library versions."""
    from importlib.metadata import PackageNotFoundError, version

    cpu = "unknown"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    ram_gb = None
    try:
        kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
        ram_gb = round(kb / 1024 ** 2, 1)
    except (OSError, StopIteration):
        pass

    def git(*a: str) -> str:
        p = subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True)
        return p.stdout.strip()

    versions = {}
    for pkg in ("streamlit", "folium", "streamlit-folium", "geopandas", "pandas", "shapely", "pyogrio", "matplotlib",
                "playwright", "XStatic-Leaflet"):
        try:
            versions[pkg] = version(pkg)
        except PackageNotFoundError:
            versions[pkg] = None
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu, "cores": os.cpu_count(), "ram_gb": ram_gb, "os": platform.platform(),
        "python": platform.python_version(), "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(dirty), "versions": versions, "load_avg_start": [round(x, 2) for x in os.getloadavg()],
    }
