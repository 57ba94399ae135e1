"""A PostgreSQL database of its own for one evaluation or benchmark run, dropped when it ends."""

from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import text
from sqlalchemy.engine import make_url

from paperwire.store.db import CatalogError, make_engine, shown


@contextmanager
def scratch_database(server_url: str, prefix: str) -> Iterator[str]:
    """The URL of a new, empty database on the server ``server_url`` reaches (any database there
    the user may connect to), dropped afterwards, even after an error or Ctrl-C."""
    parsed = make_url(server_url)
    if parsed.get_backend_name() != "postgresql":
        raise CatalogError(f"{shown(server_url)} is not a PostgreSQL URL (postgresql://user@host/dbname)")
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    admin = make_engine(server_url).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield parsed.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
