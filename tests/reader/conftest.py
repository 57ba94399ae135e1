"""The reader tests run on the community's fixtures: a migrated catalog on SQLite and
PostgreSQL, the site's rules, members made through the accounts layer, and papers."""

from community.conftest import add_papers, catalog, db, member, policy, rules  # noqa: F401 (fixtures)
