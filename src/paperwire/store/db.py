"""Engines and migrations. The one place that knows SQLite from PostgreSQL."""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path

import orjson
from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, NoSuchModuleError


# orjson: several times faster than the stdlib json SQLAlchemy uses by default.
_JSON_CODEC = {"json_serializer": lambda value: orjson.dumps(value).decode(), "json_deserializer": orjson.loads}
# A web worker runs its handlers on few threads (web.app.HANDLER_THREADS), each holding at most
# one connection at a time, so 40 leave ample room for the CLI's and jobs' own threads too
# (PostgreSQL keeps 8 open when idle). A wait past POOL_TIMEOUT_S, or a SQLite file locked past
# BUSY_TIMEOUT_S, is answered 503 by the web. The connection used last is handed out first: its
# SQLite page cache is the warm one (in turn, a burst's eight would each keep a cold cache).
POOL_SIZE, POOL_OVERFLOW, POOL_TIMEOUT_S = 8, 32, 10.0
BUSY_TIMEOUT_S = 30.0


def _pool() -> dict:
    return {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW, "pool_timeout": POOL_TIMEOUT_S, "pool_use_lifo": True}


# SQLite's primary result codes (sqlite3 errors carry them as ``sqlite_errorcode``).
_SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 10, 13, 14, 26
_POSTGRES_DISK_FULL = "53100"
# An I/O error with less free space than this beside the database is the disk filling up.
_NEARLY_FULL_BYTES = 1024 * 1024
FREE_SPACE = "free some space there, then run the command again"  # what to do, after "no space left on X"
_DRIVER_HELP = ("paperwire works with SQLite (leave database_url empty) and PostgreSQL "
                "(postgresql://..., after pip install 'paperwire[postgres]')")


class CatalogError(RuntimeError):
    """The catalog cannot be opened or used as asked."""


class CatalogFull(CatalogError):
    """No space is left where the catalog is stored; ``stored`` counts what was committed before."""

    def __init__(self, message: str, stored=None):
        super().__init__(message)
        self.stored = stored


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get WAL, foreign keys and a busy timeout."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError with a terse message
        raise CatalogError(f"database URL {url!r} is not valid: {exc}") from None
    if parsed.drivername == "postgresql":  # psycopg 3, not the psycopg2 default
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        return _create_engine(parsed)
    except (NoSuchModuleError, ImportError) as exc:
        raise CatalogError(f"database URL {shown(parsed)}: no driver for it here ({exc}); {_DRIVER_HELP}") from None


def _create_engine(parsed: URL) -> Engine:
    if parsed.get_backend_name() == "sqlite":
        directory = sqlite_directory(parsed)
        if directory is not None:
            try:
                directory.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CatalogError(f"cannot create the catalog's directory {directory}: {exc.strerror}; "
                                   f"choose a home directory you can write to") from None
        pool = _pool() if directory is not None else {}  # in-memory SQLite has a pool of its own kind
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_S}, **pool, **_JSON_CODEC)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed, pool_pre_ping=True, **_pool(), **_JSON_CODEC)


def shown(url: str | URL) -> str:
    """``url`` fit for a message: the file of a SQLite catalog, any other URL without its password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return parsed.database
    return parsed.render_as_string(hide_password=True)


def sqlite_directory(url: str | URL) -> Path | None:
    """The directory of a SQLite catalog's file; None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database).parent


def catalog_exists(url: str) -> bool:
    """Whether ``url`` holds a catalog already, found without creating one."""
    directory = sqlite_directory(url)
    if directory is not None:
        return Path(make_url(url).database).is_file()
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return inspect(conn).has_table("alembic_version")
    except DBAPIError as exc:
        raise CatalogError(cannot_open(exc, engine.url)) from None
    finally:
        engine.dispose()


def disk_full(exc: BaseException, directory: Path | None) -> bool:
    """Whether ``exc`` (a driver's error, or SQLAlchemy's around one) is the disk running out of
    space; ``directory``, where a SQLite file lies, tells a full disk behind a bare I/O error."""
    orig = getattr(exc, "orig", None) or exc
    code = (getattr(orig, "sqlite_errorcode", None) or 0) & 0xFF
    # A full disk is SQLITE_FULL on a write, a bare I/O error when SQLite cannot even
    # create its WAL index file to read.
    if code == _SQLITE_FULL or (code == _SQLITE_IOERR and directory is not None and _nearly_full(directory)):
        return True
    return getattr(orig, "sqlstate", None) == _POSTGRES_DISK_FULL


def out_of_space(exc: BaseException, url: str | URL) -> str | None:
    """"no space left on <where>" when ``exc`` is the catalog's database running out of disk, else None."""
    directory = sqlite_directory(url)
    if not disk_full(exc, directory):
        return None
    return f"no space left on {directory or f'the database server of {shown(url)}'}"


def cannot_open(exc: DBAPIError, url: str | URL) -> str:
    """One line saying why the catalog at ``url`` could not be opened, and what to do."""
    full = out_of_space(exc, url)
    if full:
        return f"{full}: {FREE_SPACE}"
    where = shown(url)
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    code = (getattr(getattr(exc, "orig", None), "sqlite_errorcode", None) or 0) & 0xFF
    if code == _SQLITE_NOTADB:
        return (f"{where} is not a SQLite database ({reason}): move it aside and import again, "
                f"or choose another home directory")
    if code == _SQLITE_CANTOPEN:
        return f"cannot open {where} ({reason}): the home must be a directory you can write to"
    return f"cannot open the catalog {where}: {reason}"


def _nearly_full(directory: Path) -> bool:
    try:
        return shutil.disk_usage(directory).free < _NEARLY_FULL_BYTES
    except OSError:
        return False


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # --- SQLite only: concurrent readers during imports, enforced foreign keys.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # 64 MB page cache (default 2 MB): imports insert into several indexes at random places.
    cursor.execute("PRAGMA cache_size=-65536")
    # Checkpoint the WAL every ~40 MB, not every 4 MB: index pages that successive import
    # batches touch are then copied into the database once, not once per batch.
    cursor.execute("PRAGMA wal_autocheckpoint=10000")
    cursor.close()


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


# The advisory lock key migrations hold on PostgreSQL ("pwmg").
_MIGRATION_LOCK = 0x70776D67


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on an empty database)."""
    config = Config()
    config.set_main_option("script_location", str(files("paperwire.store") / "migrations"))
    try:
        with engine.connect() as connection:
            if is_sqlite(engine):
                # A migration that rebuilds a table (Alembic's batch mode on SQLite) drops the
                # old one: with foreign keys on, that would cascade into every child row.
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                connection.commit()  # the pragma is a no-op inside a transaction
            with connection.begin():
                if not is_sqlite(engine):
                    # Processes starting at once on a new database (nodes, workers) take turns:
                    # the first migrates, the others then find the schema at head.
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
            if is_sqlite(engine):
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
    except DBAPIError as exc:  # the first connection: here a bad or unreachable catalog shows
        raise CatalogError(cannot_open(exc, engine.url)) from None
    except CommandError as exc:  # e.g. a schema revision this version does not know
        raise CatalogError(f"cannot open the catalog {shown(engine.url)}: {exc}; "
                           f"was it made by a newer paperwire?") from None
