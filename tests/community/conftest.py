"""Community fixtures: a migrated catalog on SQLite and PostgreSQL (``people_db`` from
tests/conftest.py), the site's rules, members made through the accounts layer, and papers.
"""

from __future__ import annotations

import dataclasses

import pytest

from paperwire.accounts import users
from paperwire.community.rules import Policy
from paperwire.paper import Paper
from paperwire.store import Catalog

from .community_support import PASSWORD


@pytest.fixture
def db(people_db):
    return people_db


@pytest.fixture
def catalog(db) -> Catalog:
    return Catalog(db)


@pytest.fixture
def rules(settings):
    """``rules(**settings)``: the site's Policy with some settings changed."""
    return lambda **changes: Policy(dataclasses.replace(settings, **changes))


@pytest.fixture
def policy(rules) -> Policy:
    return rules()


@pytest.fixture
def member(db):
    """``member("ann", role="moderator", verified=True)``: a new account, as sign-up makes it."""

    def make(username: str, role: str = "member", verified: bool = True):
        return users.create_user(db, username, f"{username}@example.org", PASSWORD, role=role, verified=verified)

    return make


@pytest.fixture
def add_papers(catalog):
    """``add_papers(paper, ...)`` stores papers and answers their doc_ids, in order."""

    def store(*items: Paper) -> list[int]:
        catalog.store(list(items))
        return [catalog.get(p.id).doc_id for p in items]

    return store
