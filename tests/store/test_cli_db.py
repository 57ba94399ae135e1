"""`paperwire db copy` and `paperwire backup` as an admin types them: what they print, their exit
status, and a password that never shows."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from home_support import empty_postgres, fill_home, home_settings  # noqa: F401  (a fixture)

from paperwire.accounts.users import member_by_username
from paperwire.cli import main
from paperwire.community.rules import Policy
from paperwire.community.votes import remove_upvote
from paperwire.importer import import_files
from paperwire.store import open_catalog

PASSWORD_IN_URL = "hunter2-in-the-url"


@pytest.fixture
def home(tmp_path, sample_lines):
    return fill_home(tmp_path / "home", sample_lines)


@pytest.fixture
def target(empty_postgres):
    """An empty database's URL, with a password in it (the tests' server does not check it)."""
    return empty_postgres().replace("postgres:@", f"postgres:{PASSWORD_IN_URL}@")


def paperwire(home, *args: str):
    # The home's secret as it was made with; the output holds stdout and stderr both.
    return CliRunner().invoke(main, ["--home", str(home.settings.home), *args],
                              env={"PAPERWIRE_SECRET_KEY": home.settings.secret_key})


def test_db_copy_prints_every_tables_counts_and_the_settings_line_without_the_password(home, target):
    result = paperwire(home, "db", "copy", "--to", target, "--quiet")

    assert result.exit_code == 0, result.output
    assert [line.split() for line in result.output.splitlines() if line.startswith(("papers ", "votes "))] == [
        ["papers", "40", "40"], ["votes", "1", "1"]]
    assert "rows/s" in result.output
    assert 'database_url = "postgresql://postgres:***@/paperwire_test_' in result.output
    assert "the password in place of ***" in result.output
    assert PASSWORD_IN_URL not in result.output


def test_db_copy_into_a_database_that_holds_papers_is_refused_with_status_1(home, target, small_sample_file):
    filled = open_catalog(target)
    import_files(filled, [small_sample_file], progress=False)
    filled.engine.dispose()

    result = paperwire(home, "db", "copy", "--to", target, "--quiet")

    assert result.exit_code == 1
    assert "is not empty: it holds" in result.output and "200 papers" in result.output
    assert "postgres:***@" in result.output and PASSWORD_IN_URL not in result.output


def test_a_row_the_home_deleted_after_an_earlier_copy_fails_the_count_check(home, target):
    assert paperwire(home, "db", "copy", "--to", target, "--quiet").exit_code == 0
    catalog = open_catalog(home.settings.catalog_url)
    remove_upvote(catalog.engine, Policy(home.settings), member_by_username(catalog.engine, "bob"),
                  catalog.get(home.paper_id).doc_id)
    catalog.engine.dispose()

    result = paperwire(home, "db", "copy", "--to", target, "--quiet")

    assert result.exit_code == 1
    assert "votes                              0           1   DIFFERS" in result.output
    assert "counts differ: votes (0 here, 1 there)" in result.output
    assert "database_url =" not in result.output


def test_db_copy_of_a_home_already_on_postgresql_is_refused(tmp_path, target):
    settings = home_settings(tmp_path / "node")
    result = CliRunner().invoke(main, ["--home", str(settings.home), "db", "copy", "--to", target],
                                env={"PAPERWIRE_DATABASE_URL": target})

    assert result.exit_code == 1
    assert "this home's catalog is already the database postgresql://postgres:***@" in result.output


def test_backup_writes_a_home_and_refuses_to_overwrite_it_without_force(home, tmp_path):
    dest = tmp_path / "backups" / "today"

    first = paperwire(home, "backup", str(dest), "--quiet")
    again = paperwire(home, "backup", str(dest), "--quiet")
    forced = paperwire(home, "backup", str(dest), "--quiet", "--force")

    assert first.exit_code == 0, first.output
    assert f"backed up {dest / 'catalog.db'}" in first.output
    assert f"paperwire --home {dest} index" in first.output
    assert again.exit_code == 1 and "exists: choose another directory, or give --force" in again.output
    assert forced.exit_code == 0


def test_backup_of_a_postgresql_catalog_prints_the_pg_dump_command(tmp_path, target):
    result = CliRunner().invoke(main, ["--home", str(tmp_path / "node"), "backup", str(tmp_path / "dump")],
                                env={"PAPERWIRE_DATABASE_URL": target})

    assert result.exit_code == 1
    assert f"pg_dump -Fc --file {tmp_path / 'dump' / 'paperwire.dump'} 'postgresql://postgres@/" in result.output
    assert PASSWORD_IN_URL not in result.output


def test_help_says_what_is_left_out_and_how_to_restore():
    backup_help = CliRunner().invoke(main, ["backup", "--help"]).output
    copy_help = CliRunner().invoke(main, ["db", "copy", "--help"]).output

    assert "Not backed up: the search indexes" in backup_help and "To restore:" in backup_help
    assert "paperwire --home papers db copy --to postgresql://" in copy_help
