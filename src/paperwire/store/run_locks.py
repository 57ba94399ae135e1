"""Which import runs are still going: each live run holds a lock that its process's end releases.

A run killed outright (kill -9, a crash, power loss) cannot record that it stopped, but
its lock goes with its process, so the next look at the runs tells it from one that is
still going. SQLite catalogs (one machine) use a lock file per run beside the catalog;
PostgreSQL ones a session advisory lock, which the server drops with the session.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection

from paperwire.store.db import is_sqlite, sqlite_directory

LOCK_DIR = "run-locks"
# The first key of paperwire's advisory locks ("pwir"), the second being the run's id.
_ADVISORY_NAMESPACE = 0x70776972


class RunLocks(Protocol):
    def hold(self, run_id: int) -> None:
        """Take run ``run_id``'s lock, for as long as this process runs it."""

    def try_hold(self, run_id: int) -> bool:
        """Take run ``run_id``'s lock if no live process holds it: whether it was taken."""

    def release(self, run_id: int) -> None:
        """Let go of a lock taken by :meth:`hold` or :meth:`try_hold` (nothing if not held here)."""

    def held(self, run_id: int) -> bool:
        """Whether some live process, this one included, holds run ``run_id``'s lock."""


def run_locks(engine: Engine) -> RunLocks:
    if is_sqlite(engine):
        directory = sqlite_directory(engine.url)
        return FileRunLocks(directory / LOCK_DIR if directory else None)
    return AdvisoryRunLocks(engine)


class FileRunLocks:
    """One flock-ed file per live run; an in-memory catalog lives and dies with this process."""

    def __init__(self, directory: Path | None):
        self.directory = directory
        self._held: dict[int, IO | None] = {}

    def _path(self, run_id: int) -> Path:
        return self.directory / f"import-run-{run_id}.lock"

    def hold(self, run_id: int) -> None:
        self._take(run_id, fcntl.LOCK_EX)

    def try_hold(self, run_id: int) -> bool:
        if self.directory is None:
            if run_id in self._held:
                return False
            self._held[run_id] = None
            return True
        try:
            self._take(run_id, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _take(self, run_id: int, mode: int) -> None:
        handle = None
        if self.directory is not None:
            self.directory.mkdir(exist_ok=True)
            path = self._path(run_id)
            while True:
                handle = open(path, "a")  # "a": never truncate a file another process holds
                try:
                    fcntl.flock(handle, mode)
                except BaseException:
                    handle.close()
                    raise
                # A releaser unlinks the file: a lock won on the unlinked one locks nothing
                # that the next process opening the path would see. Then take the new file.
                if _same_file(handle, path):
                    break
                handle.close()
        self._held[run_id] = handle

    def release(self, run_id: int) -> None:
        if run_id not in self._held:
            return
        handle = self._held.pop(run_id)
        if handle is not None:
            self._path(run_id).unlink(missing_ok=True)
            handle.close()

    def held(self, run_id: int) -> bool:
        if self.directory is None:
            return run_id in self._held
        try:
            handle = open(self._path(run_id), "a")
        except FileNotFoundError:  # released, or never taken (a run recorded before locks)
            return False
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            self._path(run_id).unlink(missing_ok=True)  # left by a process that is gone
            return False


def _same_file(handle: IO, path: Path) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
    except FileNotFoundError:
        return False


class AdvisoryRunLocks:
    """A PostgreSQL session advisory lock per live run, on a connection kept for the run."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._held: dict[int, Connection] = {}

    def _call(self, conn: Connection, function: str, run_id: int):
        value = conn.execute(text(f"SELECT {function}(:namespace, :run_id)"),
                             {"namespace": _ADVISORY_NAMESPACE, "run_id": run_id}).scalar()
        conn.commit()  # a session lock outlives the transaction, which must not stay open
        return value

    def hold(self, run_id: int) -> None:
        conn = self.engine.connect()
        self._call(conn, "pg_advisory_lock", run_id)
        self._held[run_id] = conn

    def try_hold(self, run_id: int) -> bool:
        conn = self.engine.connect()
        if not self._call(conn, "pg_try_advisory_lock", run_id):
            conn.close()
            return False
        self._held[run_id] = conn
        return True

    def release(self, run_id: int) -> None:
        conn = self._held.pop(run_id, None)
        if conn is not None:
            with conn:
                self._call(conn, "pg_advisory_unlock", run_id)

    def held(self, run_id: int) -> bool:
        with self.engine.connect() as conn:
            if not self._call(conn, "pg_try_advisory_lock", run_id):
                return True
            self._call(conn, "pg_advisory_unlock", run_id)
            return False
