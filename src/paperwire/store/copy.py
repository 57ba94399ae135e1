"""A SQLite home's whole catalog copied into an empty PostgreSQL database (`paperwire db copy`).

Reading: the SQLite file opened read-only, every table read inside one read transaction, so the
copy is one consistent snapshot even while the home serves (in WAL mode its writers carry on;
only the WAL cannot be checkpointed past that snapshot until the copy ends, so it grows
meanwhile).

Writing: table by table in foreign-key order, in committed batches of rows upserted on their
primary key (binary COPY into a temporary table, then INSERT ... ON CONFLICT from it), so a copy interrupted at any point and run again resumes without duplicating a
row, and rows the home changed in between are brought up to date. Sequences then continue
after the highest id ever given, and every table's rows are counted on both sides.

The target remembers its source in ``paperwire_copy_source`` (a table of this module's own,
created beside the catalog's), so that only a copy from the same home may continue in it.
"""

from __future__ import annotations

import socket
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import orjson
from pgvector import HalfVector as PgHalfVector
from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Engine,
    MetaData,
    Table,
    Text,
    create_engine,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from paperwire.accounts.timestamps import as_utc, utc_now
from paperwire.store import people_schema, reader_schema  # noqa: F401  (their tables join the metadata)
from paperwire.store.backup import read_only_uri
from paperwire.store.db import CatalogError, cannot_open, make_engine, migrate, shown
from paperwire.store.schema import metadata
from paperwire.store.vector_column import HalfVector

BATCH_ROWS = 5000

# Which home a target database holds (or is being filled from): "host:/path/to/catalog.db".
copy_source = Table(
    "paperwire_copy_source",
    MetaData(),
    Column("source", Text, primary_key=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
)

# progress(table, rows copied so far, rows it has): called as each table starts and after each batch.
Progress = Callable[[str, int, int], None]


class CopyRefused(CatalogError):
    """The source or the target cannot take part in a copy; the message says why and what to do."""


@dataclass(frozen=True)
class TableCount:
    table: str
    source: int
    target: int

    @property
    def equal(self) -> bool:
        return self.source == self.target


@dataclass(frozen=True)
class CopyReport:
    counts: list[TableCount]
    seconds: float
    resumed: bool  # the target already held part of a copy from this source

    @property
    def rows(self) -> int:
        return sum(count.source for count in self.counts)

    @property
    def differing(self) -> list[TableCount]:
        return [count for count in self.counts if not count.equal]


def catalog_tables() -> list[Table]:
    """Every table of the catalog, parents before the tables whose foreign keys name them."""
    return list(metadata.sorted_tables)


def copy_catalog(source: Path, target_url: str, batch_rows: int = BATCH_ROWS,
                 progress: Progress | None = None) -> CopyReport:
    """Copy the SQLite catalog file ``source`` into the PostgreSQL database at ``target_url``."""
    started = time.monotonic()
    if make_url(target_url).get_backend_name() != "postgresql":
        raise CopyRefused(f"copy to {shown(target_url)}: the target must be a PostgreSQL database "
                          f"(postgresql://user@host/dbname); to copy a SQLite home, use `paperwire backup`")
    if not source.is_file():
        raise CopyRefused(f"no catalog at {source}: give the --home of the SQLite home to copy")
    identity = f"{socket.gethostname()}:{source.resolve()}"
    reader, target = _read_only(source), make_engine(target_url)
    try:
        with reader.connect() as snapshot:
            snapshot.exec_driver_sql("BEGIN")  # one read transaction: every table from one moment
            revision = _revision(snapshot, source)
            resumed = _claim(target, identity, target_url)
            _check_revision(target, revision, source, target_url)
            tables = catalog_tables()
            for table in tables:
                _copy_table(snapshot, target, table, batch_rows, progress)
            _continue_sequences(snapshot, target, tables)
            counts = [TableCount(t.name, _count(snapshot, t), _count_in(target, t)) for t in tables]
            snapshot.exec_driver_sql("ROLLBACK")
        if all(count.equal for count in counts):
            with target.begin() as conn:
                conn.execute(copy_source.update().where(copy_source.c.source == identity)
                             .values(finished_at=utc_now()))
        return CopyReport(counts, time.monotonic() - started, resumed)
    except DBAPIError as exc:
        if isinstance(exc.orig, sqlite3.Error):  # the source's; the target's are the caller's to explain
            raise CatalogError(f"cannot read {source}: {exc.orig}") from None
        raise
    finally:
        reader.dispose()
        target.dispose()


def _read_only(source: Path) -> Engine:
    # AUTOCOMMIT hands transactions to us: pysqlite would otherwise begin none for a SELECT,
    # and each table would be read at a moment of its own.
    return create_engine(f"sqlite:///{read_only_uri(source)}&uri=true", isolation_level="AUTOCOMMIT", json_deserializer=orjson.loads)


def _revision(snapshot: Connection, source: Path) -> str:
    if not inspect(snapshot).has_table("alembic_version"):
        raise CopyRefused(f"{source} is not a paperwire catalog (it has no alembic_version table)")
    return snapshot.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one()


def _claim(target: Engine, identity: str, target_url: str) -> bool:
    """Record ``identity`` as the target's source; True when a copy from it was already begun.

    Refuses a database holding anything else: another home's copy, a catalog with rows in it,
    or tables that are not paperwire's."""
    try:
        target.connect().close()
    except DBAPIError as exc:
        raise CatalogError(cannot_open(exc, target_url)) from None
    with target.begin() as conn:
        names = set(inspect(conn).get_table_names())
        if copy_source.name in names:
            recorded = conn.execute(select(copy_source.c.source)).scalars().all()
            if recorded and recorded != [identity]:
                raise CopyRefused(f"{shown(target_url)} holds a copy of another home ({', '.join(recorded)}): "
                                  f"copy into an empty database (createdb NAME), or drop this one first")
            if recorded:
                return True
        held = _rows_held(conn, names)
        if held:
            raise CopyRefused(f"{shown(target_url)} is not empty: it holds {held}; copy into an empty "
                              f"database (createdb NAME)")
    migrate(target)
    with target.begin() as conn:
        copy_source.create(conn, checkfirst=True)
        conn.execute(copy_source.insert().values(source=identity, started_at=utc_now()))
    return False


def _rows_held(conn: Connection, names: set[str]) -> str:
    """What the database holds that a copy must not mix with ("" when nothing)."""
    ours = {table.name: table for table in catalog_tables()}
    foreign = sorted(names - set(ours) - {"alembic_version", copy_source.name})
    if foreign:
        return f"tables paperwire does not know ({', '.join(foreign[:5])}{', ...' if len(foreign) > 5 else ''})"
    filled = [(name, _count(conn, ours[name])) for name in sorted(names & set(ours))]
    return ", ".join(f"{rows} {name}" for name, rows in filled if rows)


def _check_revision(target: Engine, revision: str, source: Path, target_url: str) -> None:
    with target.connect() as conn:
        newest = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one()
    if newest != revision:
        raise CopyRefused(f"{source} has schema revision {revision}, {shown(target_url)} {newest}: open the home "
                          f"once with this paperwire (e.g. `paperwire --home HOME stats`) to upgrade it, "
                          f"then copy")


def _copy_table(snapshot: Connection, target: Engine, table: Table, batch_rows: int,
                progress: Progress | None) -> None:
    """Each batch goes into a temporary table by binary COPY (several times faster than INSERTs,
    most of all for vectors), then into ``table`` by one upsert, and is committed."""
    from pgvector.psycopg import register_vector  # psycopg: the optional `postgres` extra
    from psycopg.types.json import set_json_dumps

    total = _count(snapshot, table)
    if progress:
        progress(table.name, 0, total)
    key = list(table.primary_key.columns)
    stage = Table(f"copy_stage_{table.name}", MetaData(), *[Column(c.name, c.type) for c in table.columns],
                  prefixes=["TEMPORARY"], postgresql_on_commit="DELETE ROWS")
    upsert = pg_insert(table).from_select([c.name for c in table.columns], select(stage))
    others = [c.name for c in table.columns if not c.primary_key]
    upsert = (upsert.on_conflict_do_update(index_elements=key, set_={name: upsert.excluded[name] for name in others})
              if others else upsert.on_conflict_do_nothing(index_elements=key))
    convert = _converters(table)
    rows = snapshot.execute(select(table).order_by(*key))
    done = 0
    with target.connect() as conn:
        driver = conn.connection.driver_connection
        register_vector(driver)
        set_json_dumps(_json_text, driver)
        stage.create(conn)
        types = [column.type_code for column in conn.execute(select(stage).limit(0)).cursor.description]
        while batch := rows.fetchmany(batch_rows):
            with driver.cursor() as cursor, cursor.copy(f"COPY {stage.name} FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                for row in batch:
                    copy.write_row([value if value is None or how is None else how(value)
                                    for value, how in zip(row, convert)])
            conn.execute(upsert)
            conn.commit()
            done += len(batch)
            if progress:
                progress(table.name, done, total)
        stage.drop(conn)
        conn.commit()


def _converters(table: Table) -> list[Callable | None]:
    """For each column, what turns its value as read from SQLite into one COPY writes as it was."""
    def converter(column: Column) -> Callable | None:
        if isinstance(column.type, HalfVector):
            return PgHalfVector  # the form pgvector's binary dumper takes
        if isinstance(column.type, DateTime) and column.type.timezone:
            # SQLite hands timestamps back without their zone (they are all UTC): say so,
            # or PostgreSQL would read them in the session's time zone.
            return as_utc
        return None

    return [converter(column) for column in table.columns]


def _json_text(value) -> str:
    return orjson.dumps(value).decode()


def _continue_sequences(snapshot: Connection, target: Engine, tables: list[Table]) -> None:
    """Each serial id goes on after the highest the home ever gave: for tables made with
    AUTOINCREMENT (accounts, subscriptions) SQLite remembers ids of deleted rows too, and
    those must never be given again."""
    given: dict[str, int] = {}
    if inspect(snapshot).has_table("sqlite_sequence"):
        given = dict(snapshot.exec_driver_sql("SELECT name, seq FROM sqlite_sequence").all())
    with target.begin() as conn:
        for table in tables:
            column = table.autoincrement_column
            if column is None:
                continue
            sequence = conn.execute(select(func.pg_get_serial_sequence(table.name, column.name))).scalar()
            if sequence is None:
                continue
            highest = max(conn.execute(select(func.coalesce(func.max(column), 0))).scalar_one(),
                          given.get(table.name, 0))
            conn.execute(text("SELECT setval(:sequence, :next, false)"), {"sequence": sequence, "next": highest + 1})


def _count(conn: Connection, table: Table) -> int:
    return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _count_in(engine: Engine, table: Table) -> int:
    with engine.connect() as conn:
        return _count(conn, table)
