"""`paperwire backup`'s logic: a SQLite home backed up while it is written to is the catalog of one
moment, whole; the backup is a home of its own; nothing is overwritten unasked; a PostgreSQL
catalog is answered with the pg_dump command."""

from __future__ import annotations

import sqlite3

import pytest
from home_support import Writer, fill_home, home_settings
from sqlalchemy import select

from paperwire.store import backup, open_catalog
from paperwire.store.backup import BackupRefused, backup_home
from paperwire.store.schema import harvest_state, papers


@pytest.fixture
def home(tmp_path, sample_lines):
    return fill_home(tmp_path / "home", sample_lines)


def names_in(url: str) -> set[str]:
    engine = open_catalog(url).engine
    with engine.connect() as conn:
        found = set(conn.execute(select(harvest_state.c.name)).scalars())
    engine.dispose()
    return found


def test_a_backup_taken_while_another_connection_writes_is_the_catalog_as_it_began(home, tmp_path, monkeypatch):
    monkeypatch.setattr(backup, "PAGES_PER_STEP", 1)  # many steps, with writes between them
    writer = Writer(home.settings.catalog_url)
    writer.start()
    writer.wait_for(5)
    before = set(writer.committed)
    during: list[str] = []

    def while_copying(_done: int, _total: int) -> None:
        # After the first step the writer commits more: it is not blocked by the backup.
        if not during:
            seen = len(writer.committed)
            writer.wait_for(seen + 5)
            # The writer lists a row just after committing it: the next one may have been
            # committed before the backup's snapshot and listed only now.
            during.extend(writer.committed[seen + 1:])

    report = backup_home(home.settings, tmp_path / "backup", progress=while_copying)
    writer.stop.set()
    writer.join()
    writer.engine.dispose()

    with sqlite3.connect(report.catalog) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    backed_up = names_in(f"sqlite:///{report.catalog}")
    assert before <= backed_up  # every row committed before it began
    assert during and not backed_up & set(during)  # none committed after it began
    written = backed_up - {"oai:cs"}
    assert written == set(writer.committed[:len(written)])  # the writer's rows up to one moment


def test_the_backup_is_a_home_with_its_settings_and_secret_and_no_indexes(tmp_path, sample_lines):
    home = fill_home(tmp_path / "home", sample_lines)
    (home.settings.home / "paperwire.toml").write_text('site_name = "Vision Lab Papers"\n', encoding="utf-8")
    (home.settings.home / "secret_key").write_text("s" * 64, encoding="utf-8")
    (home.settings.home / "secret_key").chmod(0o600)
    (home.settings.index_dir / "keyword-000001").mkdir(parents=True)

    report = backup_home(home.settings, tmp_path / "backup")

    assert sorted(path.name for path in report.beside) == ["paperwire.toml", "secret_key"]
    assert (tmp_path / "backup" / "secret_key").stat().st_mode & 0o777 == 0o600
    assert not (tmp_path / "backup" / "indexes").exists()
    restored = home_settings(tmp_path / "backup")
    assert restored.site_name == "Vision Lab Papers"
    catalog = open_catalog(restored.catalog_url)
    assert catalog.get(home.paper_id).votes == 1
    catalog.engine.dispose()


def test_a_backup_already_in_dest_is_replaced_only_with_force(home, tmp_path):
    dest = tmp_path / "backup"
    backup_home(home.settings, dest)
    catalog = open_catalog(home.settings.catalog_url)
    with catalog.engine.begin() as conn:
        conn.execute(papers.update().where(papers.c.id == home.paper_id).values(votes=7))
    catalog.engine.dispose()

    with pytest.raises(BackupRefused, match=r"backup/catalog\.db exists: choose another directory, or give --force"):
        backup_home(home.settings, dest)
    (dest / "catalog.db-wal").write_bytes(b"a stale WAL of the backup it replaces")
    backup_home(home.settings, dest, force=True)

    assert not (dest / "catalog.db-wal").exists()
    replaced = open_catalog(f"sqlite:///{dest / 'catalog.db'}")
    assert replaced.get(home.paper_id).votes == 7
    replaced.engine.dispose()


def test_dest_must_be_a_directory_other_than_the_home(home, tmp_path):
    (tmp_path / "a-file").write_text("")
    with pytest.raises(BackupRefused, match="a-file is a file: give a directory"):
        backup_home(home.settings, tmp_path / "a-file")
    with pytest.raises(BackupRefused, match="is the home itself"):
        backup_home(home.settings, home.settings.home, force=True)


def test_a_home_without_a_catalog_is_named(tmp_path):
    with pytest.raises(BackupRefused, match=r"no catalog in .*nowhere \(no catalog\.db there\)"):
        backup_home(home_settings(tmp_path / "nowhere"), tmp_path / "backup")


def test_a_postgresql_catalog_is_answered_with_the_pg_dump_command_without_its_password(tmp_path):
    settings = home_settings(tmp_path / "node",
                             database_url="postgresql+psycopg://paperwire:hunter2@db.example.org:5433/papers")

    with pytest.raises(BackupRefused) as refused:
        backup_home(settings, tmp_path / "backup")

    message = str(refused.value)
    assert (f"pg_dump -Fc --file {tmp_path / 'backup' / 'paperwire.dump'} "
            f"postgresql://paperwire@db.example.org:5433/papers") in message
    assert "hunter2" not in message
