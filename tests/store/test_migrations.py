"""Upgrading a catalog made by an older paperwire keeps every paper, author and category."""

import subprocess
import sys
from datetime import date
from importlib.resources import files

from alembic import command
from alembic.config import Config
from sqlalchemy import select, text

from paperwire.community import trending
from paperwire.store import browse, open_catalog
from paperwire.store.db import make_engine, migrate
from paperwire.store.schema import papers


def _upgrade_to(engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(files("paperwire.store") / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _insert_old_paper(conn, doc_id: int, **columns) -> None:
    """A papers row holding only the columns every revision has had (those of 0001), as an older
    paperwire wrote it: today's Catalog would write columns the old schema lacks."""
    row = {"doc_id": doc_id, "id": f"2601.{doc_id:05d}", "title_key": f"paper {doc_id}", "title": "A paper",
           "abstract": "", "authors": "[]", "authors_parsed": "[]", "categories": '["cs.CL"]', "classes": "[]",
           "code_links": "[]", "extra": "{}", "source": "test", "upvotes": 0, "num_comments": 0,
           "trending_score": 0, "deleted": False, "revision": 1, "imported_at": "2026-01-05",
           "listing_date": "2026-01-05", **columns}
    conn.execute(text(f"INSERT INTO papers ({', '.join(row)}) VALUES ({', '.join(':' + name for name in row)})"), row)


def test_upgrading_a_first_version_catalog_keeps_its_authors_and_categories(database_url):
    old = make_engine(database_url)
    _upgrade_to(old, "0001")  # the catalog as the first release made it
    with old.begin() as conn:
        _insert_old_paper(conn, 1, authors='["Ada Lovelace"]', upvotes=3)
        conn.execute(text("INSERT INTO paper_categories (doc_id, category, is_primary) VALUES (1, 'cs.CL', true)"))
        conn.execute(text("INSERT INTO paper_authors (doc_id, position, name, name_key)"
                          " VALUES (1, 0, 'Ada Lovelace', 'ada lovelace')"))
    old.dispose()

    catalog = open_catalog(database_url)  # migrates to the newest schema
    with catalog.engine.connect() as conn:
        counts = [conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                  for table in ("papers", "paper_categories", "paper_authors")]
    assert counts == [1, 1, 1]
    stored = catalog.get("2601.00001")
    assert (stored.paper.upvotes, stored.votes) == (3, 0)  # the source's count kept, no site votes yet
    catalog.engine.dispose()


def test_the_migrations_build_exactly_the_tables_the_code_declares(database_url):
    """A table or column added to a schema module without its migration fails here."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import paperwire.store.people_schema  # noqa: F401  (their tables join the metadata)
    import paperwire.store.reader_schema  # noqa: F401
    from paperwire.store.schema import metadata

    catalog = open_catalog(database_url)
    with catalog.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    catalog.engine.dispose()
    assert differences == []


OPEN_CATALOG = "import sys; from paperwire.store import open_catalog; print(open_catalog(sys.argv[1]).count())"


def test_nodes_and_workers_starting_at_once_on_a_new_postgresql_database_all_open_it(postgres_url):
    starting = [subprocess.Popen([sys.executable, "-c", OPEN_CATALOG, postgres_url], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(4)]
    answers = [process.communicate(timeout=120) for process in starting]
    assert [(process.returncode, out.strip()) for process, (out, _) in zip(starting, answers)] == [(0, "0")] * 4, \
        [err[-500:] for _, err in answers]


def test_upgrading_keeps_which_comment_each_reply_answers(database_url):
    old = make_engine(database_url)
    _upgrade_to(old, "0005")  # before replies recorded the comment they answer
    with old.begin() as conn:
        _insert_old_paper(conn, 1, num_comments=2)
        conn.execute(text(
            "INSERT INTO users (id, username, username_key, email, email_key, password_hash, role, created_at,"
            " password_changed_at) VALUES (1, 'ann', 'ann', 'ann@example.org', 'ann@example.org', 'x', 'member',"
            " '2026-01-05', '2026-01-05')"))
        for comment_id, parent in ((1, "NULL"), (2, "1")):
            conn.execute(text(
                "INSERT INTO comments (id, doc_id, user_id, parent_id, body, body_html, created_at)"
                f" VALUES ({comment_id}, 1, 1, {parent}, 'text', '<p>text</p>', '2026-01-05')"))
    old.dispose()

    catalog = open_catalog(database_url)
    with catalog.engine.connect() as conn:
        answers = conn.execute(text("SELECT id, answers_id FROM comments ORDER BY id")).all()
    assert [tuple(row) for row in answers] == [(1, None), (2, 1)]
    catalog.engine.dispose()


def test_upgrading_lists_papers_imported_before_by_the_submitter_their_source_named(database_url):
    old = make_engine(database_url)
    _upgrade_to(old, "0006")  # before the submitter had a column of its own
    with old.begin() as conn:
        for doc_id, extra in ((1, '{"submitted_by": "akhaliq"}'), (2, '{"submitted_by": 7}'), (3, '{}')):
            _insert_old_paper(conn, doc_id, extra=extra, source="hf-json")
    old.dispose()

    catalog = open_catalog(database_url)
    listed, total = browse.papers_submitted_by(catalog, "akhaliq", *browse.EVERY_DAY)
    assert [p.paper.id for p in listed] == ["2601.00001"] and total == 1
    assert browse.papers_submitted_by(catalog, "7", *browse.EVERY_DAY)[1] == 0  # a number is no user name
    catalog.engine.dispose()


def test_upgrading_a_catalog_scores_the_papers_it_already_holds(database_url):
    """Migration 0003 gives papers stored before it the score a new paper gets today."""
    engine = make_engine(database_url)
    _upgrade_to(engine, "0002")
    listed = date(2026, 6, 28)
    with engine.begin() as conn:  # as 0002's catalogs hold them: no scores yet
        _insert_old_paper(conn, 1, listing_date=listed)
        _insert_old_paper(conn, 2, listing_date=None)
    migrate(engine)
    with engine.connect() as conn:
        found = dict(conn.execute(select(papers.c.id, papers.c.trending_score)).all())
    engine.dispose()
    assert found == {"2601.00001": trending.listing_score(listed), "2601.00002": trending.NO_EVENTS}
