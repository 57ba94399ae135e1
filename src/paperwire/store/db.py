"""Engines and migrations. The one place that knows SQLite from PostgreSQL."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import orjson
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


# orjson: several times faster than the stdlib json SQLAlchemy uses by default.
_JSON_CODEC = {"json_serializer": lambda value: orjson.dumps(value).decode(), "json_deserializer": orjson.loads}
# A web worker runs its handlers on anyio's 40 threads, each holding at most one connection at
# a time: 40 connections never make a handler wait (PostgreSQL keeps 8 open when idle). A wait
# past POOL_TIMEOUT_S, or a SQLite file locked past BUSY_TIMEOUT_S, is answered 503 by the web.
POOL_SIZE, POOL_OVERFLOW, POOL_TIMEOUT_S = 8, 32, 10.0
BUSY_TIMEOUT_S = 30.0


def _pool() -> dict:
    return {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW, "pool_timeout": POOL_TIMEOUT_S}


class CatalogError(RuntimeError):
    """The catalog cannot be opened or used as asked."""


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get WAL, foreign keys and a busy timeout."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError with a terse message
        raise CatalogError(f"database URL {url!r} is not valid: {exc}") from None
    if parsed.drivername == "postgresql":  # psycopg 3, not the psycopg2 default
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        pool = _pool() if parsed.database and parsed.database != ":memory:" else {}  # in-memory: its own kind
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_S}, **pool, **_JSON_CODEC)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed, pool_pre_ping=True, **_pool(), **_JSON_CODEC)


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


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on an empty database)."""
    config = Config()
    config.set_main_option("script_location", str(files("paperwire.store") / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
