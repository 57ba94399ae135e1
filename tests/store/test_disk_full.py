"""A full disk is told apart from every other database error, whichever layer raises it."""

import sqlite3

import pytest
from sqlalchemy.exc import OperationalError

from paperwire.store.db import disk_full, out_of_space


def full_database_error(tmp_path) -> sqlite3.Error:
    """The error SQLite gives when its file may grow no further (SQLITE_FULL, as on a full disk)."""
    conn = sqlite3.connect(tmp_path / "small.db")
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0] + 2}")
    with pytest.raises(sqlite3.OperationalError) as caught:
        for _ in range(100):
            conn.execute("INSERT INTO t VALUES (?)", ["x" * 4000])
    conn.close()
    return caught.value


def test_sqlite_running_out_of_room_is_a_full_disk_raw_or_wrapped(tmp_path):
    error = full_database_error(tmp_path)
    assert disk_full(error, tmp_path)
    wrapped = OperationalError("INSERT INTO t ...", {}, error)
    assert out_of_space(wrapped, f"sqlite:///{tmp_path / 'small.db'}") == f"no space left on {tmp_path}"


def test_other_database_errors_are_not_a_full_disk(tmp_path):
    conn = sqlite3.connect(tmp_path / "ok.db")
    with pytest.raises(sqlite3.OperationalError) as caught:
        conn.execute("SELECT * FROM no_such_table")
    assert not disk_full(caught.value, tmp_path)
    # An I/O error with room to spare on the disk is an I/O error, not a full disk.
    io_error = sqlite3.OperationalError("disk I/O error")
    io_error.sqlite_errorcode = 10
    assert not disk_full(io_error, tmp_path)
