"""Accounts fixtures: members on a migrated catalog, SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest

from paperwire.accounts.users import create_user

PASSWORD = "correct horse battery staple"


@pytest.fixture
def db(people_db):
    return people_db


@pytest.fixture
def alice(db):
    return create_user(db, "alice", "Alice@Example.org", PASSWORD)


@pytest.fixture
def bob(db):
    return create_user(db, "bob", "bob@example.org", "another long passphrase")
