"""Digest fixtures: the community tests' world (a migrated catalog on SQLite and PostgreSQL,
the site's Policy, members made through the accounts layer, papers), reused as it is."""

from __future__ import annotations

from community.conftest import add_papers, catalog, db, member, policy, rules  # noqa: F401
