"""A throwaway PostgreSQL + PostGIS server for the tests: initdb/pg_ctl on a temporary directory, as a non-root user."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import uuid
from pathlib import Path

__all__ = ["PG_BIN", "PostgisServer"]

PG_BIN = Path("/usr/lib/postgresql/15/bin")
USER = "qtmap"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgisServer:
    """``initdb`` + ``pg_ctl start`` on ``root`` (root runs them as the ``postgres`` system user); fresh databases."""

    def __init__(self, root: Path) -> None:
        self.root, self.data, self.port = root, root / "data", _free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(root, "postgres")
        self._run(PG_BIN / "initdb", "-D", self.data, "-A", "trust", "-U", USER, "-E", "UTF8", "--no-sync")
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-l", root / "server.log", "-w", "-t", "60", "-o",
                  f"-p {self.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60",
                  "start")
        self.psql("postgres", "CREATE DATABASE template_qtmap")
        self.psql("template_qtmap", "CREATE EXTENSION postgis")

    def _run(self, *cmd: object) -> str:
        done = subprocess.run([*self.as_user, *map(str, cmd)], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            log = self.root / "server.log"
            raise RuntimeError(f"{cmd[0]} failed: {done.stderr or done.stdout}"
                               + (log.read_text()[-2000:] if log.exists() else ""))
        return done.stdout

    def psql(self, db: str, sql: str) -> str:
        """Run ``sql`` in database ``db``; return psql's output."""
        return self._run(PG_BIN / "psql", "-h", "127.0.0.1", "-p", self.port, "-U", USER, "-d", db, "-v",
                         "ON_ERROR_STOP=1", "-qAt", "-c", sql)

    def new_database(self) -> str:
        """Create an empty PostGIS database; return its URL."""
        name = "t_" + uuid.uuid4().hex[:12]
        self.psql("postgres", f"CREATE DATABASE {name} TEMPLATE template_qtmap")
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        """Stop the server (its directory goes with the test's temporary directory)."""
        subprocess.run([*self.as_user, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)
