"""`db copy`'s logic: a SQLite home with every kind of data, moved into PostgreSQL, answers as
before; values arrive exactly; an interrupted copy finishes when run again; a database holding
anything else is refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from home_support import PASSWORD, Writer, empty_postgres, fill_home, home_settings  # noqa: F401  (a fixture)
from sqlalchemy import inspect, select
from sqlalchemy.engine import make_url

from paperwire.accounts import users
from paperwire.accounts.timestamps import as_utc
from paperwire.importer import import_files
from paperwire.store import open_catalog
from paperwire.store.copy import CopyRefused, catalog_tables, copy_catalog
from paperwire.store.db import CatalogError, make_engine
from paperwire.store import people_schema, reader_schema
from paperwire.store.schema import harvest_state, paper_authors, papers
from paperwire.web.app import create_app


@pytest.fixture
def home(tmp_path, sample_lines):
    return fill_home(tmp_path / "home", sample_lines)


def source_of(home) -> Path:
    return home.settings.home / "catalog.db"


def rows_of(url: str, table) -> list[tuple]:
    """Every row of ``table``, in key order, timestamps in UTC and vectors as lists, to compare."""
    def plain(value):
        if isinstance(value, np.ndarray):
            return value.tolist()
        return as_utc(value) if hasattr(value, "tzinfo") and hasattr(value, "hour") else value

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            found = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
    finally:
        engine.dispose()
    return [tuple(plain(value) for value in row) for row in found]


def test_the_copy_covers_every_table_the_migrations_make(tmp_path):
    catalog = open_catalog(f"sqlite:///{tmp_path / 'catalog.db'}")
    with catalog.engine.connect() as conn:
        made = set(inspect(conn).get_table_names()) - {"alembic_version"}
    catalog.engine.dispose()
    assert {table.name for table in catalog_tables()} == made


def test_every_table_arrives_with_every_row_and_value_exactly(home, empty_postgres):
    target = empty_postgres()
    report = copy_catalog(source_of(home), target, batch_rows=7)

    assert report.differing == [] and not report.resumed
    assert all(count.source > 0 for count in report.counts), "the home has every kind of data"
    for table in catalog_tables():  # JSON, zoned timestamps, booleans, floats, bytes, vectors
        assert rows_of(target, table) == rows_of(home.settings.catalog_url, table), table.name


def test_stored_vectors_read_back_as_they_were_stored(home, empty_postgres):
    from paperwire.search.embedding_store import EmbeddingStore

    target = empty_postgres()
    copy_catalog(source_of(home), target)
    engine = make_engine(target)
    stored = EmbeddingStore(engine).get(list(home.vectors))
    engine.dispose()

    assert all(np.array_equal(stored[doc_id][1], vector) for doc_id, vector in home.vectors.items())


def test_timestamps_keep_their_instant_whatever_the_servers_time_zone(home, empty_postgres, postgres_server):
    target = empty_postgres()
    postgres_server.psql(f"ALTER DATABASE {make_url(target).database} SET timezone TO 'Pacific/Auckland';")
    copy_catalog(source_of(home), target)

    for table in (people_schema.users, people_schema.sessions, reader_schema.outbox):
        assert rows_of(target, table) == rows_of(home.settings.catalog_url, table), table.name


def test_the_copy_answers_the_same_pages_and_api_calls(home, empty_postgres, tmp_path):
    target = empty_postgres()
    copy_catalog(source_of(home), target)
    node = home_settings(tmp_path / "node", database_url=target)  # another machine's home
    bob = {"Authorization": f"Bearer {home.token}"}
    asked = [
        ("/?date=2026-06-15", {}),
        (f"/papers/{home.paper_id}", {}),
        (f"/api/v1/papers/{home.paper_id}", {}),
        ("/api/v1/papers?date=2026-06-15", {}),
        ("/api/v1/trending", {}),
        (f"/users/ann/collections/{home.collection_slug}.json", {}),
        ("/users/carol", {}),
        ("/api/v1/me", bob),
        ("/api/v1/me/follows", bob),
        ("/api/v1/me/saved-searches", bob),
        ("/api/v1/me/digest", bob),
        (f"/feeds/private/{home.feed_key}/following.atom", {}),
        ("/moderation/audit", {"Cookie": f"paperwire_session={home.cookie}"}),
        ("/api/v1/admin/outbox", {"Cookie": f"paperwire_session={home.cookie}"}),
    ]
    answers = []
    for settings in (home.settings, node):
        app = create_app(settings)
        with TestClient(app, base_url=settings.base_url) as client:
            answers.append([(path, client.get(path, headers=headers)) for path, headers in asked])
        app.state.catalog.engine.dispose()

    for (path, before), (_, after) in zip(*answers):
        assert before.status_code == 200, (path, before.status_code)
        assert (after.status_code, after.text) == (before.status_code, before.text), path


def test_new_ids_go_on_after_the_highest_the_home_ever_gave(home, empty_postgres):
    target = empty_postgres()
    copy_catalog(source_of(home), target)
    engine = make_engine(target)
    newcomer = users.create_user(engine, "erin", "erin@example.org", PASSWORD)
    engine.dispose()
    # ann, bob, carol are 1-3; dave was 4 and deleted: his id is never given to anyone else.
    assert newcomer.id == 5


def test_a_home_written_to_during_the_copy_is_copied_as_it_was_when_the_copy_began(home, empty_postgres):
    target = empty_postgres()
    writer = Writer(home.settings.catalog_url)
    writer.start()
    writer.wait_for(3)
    before = set(writer.committed)

    def while_copying(table: str, done: int, _total: int) -> None:
        if table == "papers" and done == 0:  # harvest checkpoints are copied by now; more arrive
            writer.wait_for(len(writer.committed) + 5)

    report = copy_catalog(source_of(home), target, progress=while_copying)
    writer.stop.set()
    writer.join()
    writer.engine.dispose()

    assert report.differing == []
    copied = {row[0] for row in rows_of(target, harvest_state)} - {"oai:cs"}
    assert before <= copied and copied == set(writer.committed[:len(copied)])
    assert len(copied) < len(writer.committed)


class Stop(Exception):
    pass


def test_an_interrupted_copy_run_again_finishes_with_no_row_twice(home, empty_postgres):
    target = empty_postgres()

    def stop_in_paper_authors(table: str, done: int, _total: int) -> None:
        if table == "paper_authors" and done >= 100:
            raise Stop()

    with pytest.raises(Stop):
        copy_catalog(source_of(home), target, batch_rows=50, progress=stop_in_paper_authors)
    engine = make_engine(target)
    with engine.connect() as conn:
        assert conn.execute(select(papers.c.doc_id)).all()  # what was committed is kept
        assert len(conn.execute(select(paper_authors)).all()) == 100
    engine.dispose()

    # The home carries on meanwhile: a paper's upvotes change, and the rerun brings them over.
    source = open_catalog(home.settings.catalog_url)
    with source.engine.begin() as conn:
        conn.execute(papers.update().where(papers.c.id == home.paper_id).values(votes=9))
    source.engine.dispose()
    report = copy_catalog(source_of(home), target, batch_rows=50)

    assert report.resumed and report.differing == []
    for table in catalog_tables():
        assert rows_of(target, table) == rows_of(home.settings.catalog_url, table), table.name


def test_a_database_holding_another_homes_copy_is_refused(home, empty_postgres, tmp_path, sample_lines):
    target = empty_postgres()
    copy_catalog(source_of(home), target)
    other = fill_home(tmp_path / "other", sample_lines)

    with pytest.raises(CopyRefused, match=r"holds a copy of another home \(.*/home/catalog\.db\)"):
        copy_catalog(source_of(other), target)


def test_a_database_with_papers_or_foreign_tables_is_refused_and_left_alone(home, empty_postgres, tmp_path,
                                                                            small_sample_file):
    filled = empty_postgres()
    import_files(open_catalog(filled), [small_sample_file], progress=False)
    with pytest.raises(CopyRefused, match=r"is not empty: it holds .*200 papers"):
        copy_catalog(source_of(home), filled)

    foreign = empty_postgres()
    engine = make_engine(foreign)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE invoices (id integer primary key)")
    with pytest.raises(CopyRefused, match=r"tables paperwire does not know \(invoices\)"):
        copy_catalog(source_of(home), foreign)
    with engine.connect() as conn:
        assert inspect(conn).get_table_names() == ["invoices"]  # no catalog made beside them
    engine.dispose()


def test_only_a_postgresql_database_is_a_target(home, tmp_path):
    with pytest.raises(CopyRefused, match="the target must be a PostgreSQL database"):
        copy_catalog(source_of(home), f"sqlite:///{tmp_path / 'copy.db'}")


def test_a_source_that_is_not_a_database_and_an_unreachable_target_are_named(home, tmp_path, empty_postgres):
    broken = tmp_path / "catalog.db"
    broken.write_text("not a database")
    with pytest.raises(CatalogError, match=r"cannot read .*catalog\.db: file is not a database"):
        copy_catalog(broken, empty_postgres())

    nowhere = "postgresql://paperwire:hunter2@127.0.0.1:1/papers"
    with pytest.raises(CatalogError, match=r"cannot open the catalog postgresql://paperwire:\*\*\*@127.0.0.1:1/papers"):
        copy_catalog(source_of(home), nowhere)
