"""Write transactions of the store: the write lock with a bounded wait, busy/conflict errors, a test pause hook."""

from __future__ import annotations

import os
import sys
import time

import sqlalchemy as sa

from geo.i18n import t

__all__ = ["StoreError", "StoreBusy", "StoreConflict", "WriteTx", "pause"]


class StoreError(RuntimeError):
    """A store operation that cannot be done as asked; the message says what to do."""


class StoreBusy(StoreError):
    """Another writer held the store for longer than the bounded wait."""


class StoreConflict(StoreError):
    """A record changed since it was read (its version moved on)."""


def pause(point: str) -> None:
    """Test hook: with QTMAP_STORE_PAUSE=point, stop here (inside the transaction) so a test can kill us."""
    if os.environ.get("QTMAP_STORE_PAUSE") == point:
        print(f"qtmap-store: paused at {point}", file=sys.stderr, flush=True)
        time.sleep(float(os.environ.get("QTMAP_STORE_PAUSE_SECONDS", "120")))


class WriteTx:
    """Context manager: a connection in a write transaction, committed on success unless ``rollback_only``."""

    def __init__(self, engine: sa.Engine, backend: str, location: str) -> None:
        self.engine, self.backend, self.location = engine, backend, location

    def __enter__(self) -> sa.Connection:
        self.conn = self.engine.connect().execution_options(qtmap_write=True)
        self.conn.info["rollback_only"] = False
        try:
            self.tx = self.conn.begin()
            if self.backend == "postgis":
                timeout = float(os.environ.get("QTMAP_STORE_TIMEOUT", "10"))
                self.conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(timeout * 1000)}ms'")
        except sa.exc.OperationalError as exc:
            self.conn.close()
            raise _translate(exc, self.location) from None
        return self.conn

    def __exit__(self, kind, exc, tb) -> bool:
        try:
            if kind is None and not self.conn.info["rollback_only"]:
                self.tx.commit()
            else:
                self.tx.rollback()
        except sa.exc.OperationalError as err:
            raise _translate(err, self.location) from None
        finally:
            self.conn.close()
        if isinstance(exc, sa.exc.IntegrityError):
            raise StoreConflict(t("store_added_meanwhile", "en", detail=str(exc.orig).splitlines()[0])) from None
        if isinstance(exc, sa.exc.OperationalError):
            raise _translate(exc, self.location) from None
        return False


def _translate(exc: sa.exc.OperationalError, location: str) -> StoreError:
    text = str(exc.orig)
    if "locked" in text or "lock timeout" in text or "LockNotAvailable" in type(exc.orig).__name__:
        return StoreBusy(t("store_busy", "en", location=location))
    return StoreError(f"{location}: {text.splitlines()[0]}")
