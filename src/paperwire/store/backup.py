"""A consistent backup of a SQLite home while it serves (`paperwire backup`).

The catalog is copied with SQLite's online backup API, in steps, from a connection that holds
one read transaction throughout: the backup is the catalog as it was when it began, and since
the catalog is in WAL mode its writers are never blocked (without that transaction, every
write between two steps would restart the backup, which on a busy site might never end). The
settings file and the site secret go beside it, so the backup directory is itself a home;
the search indexes do not, as they are rebuilt from the catalog by `paperwire index`.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import URL, make_url

from paperwire.accounts.secret import SECRET_FILE
from paperwire.config import CONFIG_FILE, Settings
from paperwire.store.db import BUSY_TIMEOUT_S, CatalogError, shown

CATALOG_FILE = "catalog.db"
PAGES_PER_STEP = 4096  # 16 MB of 4 KB pages between two progress reports

# progress(bytes copied, bytes in all), after each step.
Progress = Callable[[int, int], None]


class BackupRefused(CatalogError):
    """The backup cannot be made as asked; the message says why and what to do."""


@dataclass(frozen=True)
class BackupReport:
    catalog: Path
    beside: list[Path]  # the settings file and site secret, where the home has them
    size: int  # bytes
    seconds: float


def read_only_uri(path: Path) -> str:
    """The URI that opens the SQLite file ``path`` for reading only."""
    return f"file:{quote(str(path.resolve()))}?mode=ro"


def pg_dump_command(url: str, dest: Path) -> str:
    """The command that backs up the PostgreSQL catalog at ``url``, its password left out."""
    given = make_url(url)
    libpq = URL.create("postgresql", username=given.username, host=given.host, port=given.port,
                       database=given.database, query=given.query)
    return shlex.join(["pg_dump", "-Fc", "--file", str(dest / "paperwire.dump"),
                       libpq.render_as_string(hide_password=False)])


def backup_home(settings: Settings, dest: Path, force: bool = False,
                progress: Progress | None = None) -> BackupReport:
    """Back up the SQLite home of ``settings`` into the directory ``dest``."""
    if settings.database_url:
        raise BackupRefused(f"the catalog is the PostgreSQL database {shown(settings.database_url)}: back it up "
                            f"with\n  {pg_dump_command(settings.database_url, dest)}\n(the password from "
                            f"PGPASSWORD or ~/.pgpass; restore with pg_restore --clean --if-exists -d URL FILE)")
    source = settings.home / CATALOG_FILE
    if not source.is_file():
        raise BackupRefused(f"no catalog in {settings.home} (no {CATALOG_FILE} there): check --home")
    if dest.exists() and not dest.is_dir():
        raise BackupRefused(f"{dest} is a file: give a directory for the backup (it becomes a home of its own)")
    target = dest / CATALOG_FILE
    if target.exists() and not force:
        raise BackupRefused(f"{target} exists: choose another directory, or give --force to replace that backup")
    if dest.resolve() == settings.home.resolve():
        raise BackupRefused(f"{dest} is the home itself: give another directory")
    started = time.monotonic()
    dest.mkdir(parents=True, exist_ok=True)
    partial = dest / f".{CATALOG_FILE}.partial"  # DEST/catalog.db appears whole or not at all
    try:
        _copy_catalog(source, partial, progress)
        for stale in (target.with_name(f"{CATALOG_FILE}-wal"), target.with_name(f"{CATALOG_FILE}-shm")):
            stale.unlink(missing_ok=True)  # a replaced backup's WAL would be replayed into the new one
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    beside = []
    for name in (CONFIG_FILE, SECRET_FILE):
        if (settings.home / name).is_file():
            beside.append(Path(shutil.copy2(settings.home / name, dest / name)))  # keeps the secret's mode 0600
    return BackupReport(target, beside, target.stat().st_size, time.monotonic() - started)


def _copy_catalog(source: Path, partial: Path, progress: Progress | None) -> None:
    partial.unlink(missing_ok=True)
    reader = sqlite3.connect(read_only_uri(source), uri=True, isolation_level=None,
                             timeout=BUSY_TIMEOUT_S)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM sqlite_master")  # the first read takes the snapshot
        page_size = reader.execute("PRAGMA page_size").fetchone()[0]
        writer = sqlite3.connect(partial)
        try:
            def step(_status, remaining: int, total: int) -> None:
                if progress:
                    progress((total - remaining) * page_size, total * page_size)

            reader.backup(writer, pages=PAGES_PER_STEP, progress=step, sleep=0)
        finally:
            writer.close()
    except sqlite3.Error as exc:
        raise CatalogError(f"cannot back up {source}: {exc}") from None
    finally:
        reader.close()
