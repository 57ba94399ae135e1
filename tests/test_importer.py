"""`paperwire import`: files of any format into the catalog, safely and repeatably."""

import gzip
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, event

from paperwire import importer
from paperwire.cli import main
from paperwire.importer import import_files
from paperwire.store import Catalog


def run_cli(settings, *args):
    return CliRunner().invoke(main, ["--home", str(settings.home), *args], catch_exceptions=False)


def test_import_then_reimport_changes_nothing_and_says_so(settings, small_sample_file):
    first = run_cli(settings, "import", "-q", str(small_sample_file))
    assert first.exit_code == 0, first.output
    assert "added 200" in first.output
    second = run_cli(settings, "import", "-q", str(small_sample_file))
    assert second.exit_code == 0
    assert "added 0, updated 0, unchanged 200" in second.output
    assert "nothing changed" in second.output


def test_gzip_is_read_by_content_not_by_name(catalog, tmp_path, sample_lines):
    path = tmp_path / "papers.data"
    path.write_bytes(gzip.compress(b"".join(sample_lines[:10])))
    [report] = import_files(catalog, [path], progress=False)
    assert (report.format, report.result.added) == ("arxiv-jsonl", 10)


def test_bad_records_are_reported_with_file_and_line_and_the_rest_imports(settings, tmp_path, sample_lines):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(sample_lines[0] + b'{"id": "2601.99999", "title": \n' + sample_lines[1]
                     + b'{"id": "2601.99998", "title": "", "abstract": "x"}\n')
    result = run_cli(settings, "import", "-q", str(path))
    assert result.exit_code == 1
    assert "added 2" in result.output
    assert f"{path}:line 2" in result.output
    assert f"{path}:line 4" in result.output and "title" in result.output
    stats = run_cli(settings, "stats")
    assert f"{path}:line 2" in stats.output


def test_a_file_in_no_known_format_is_refused_with_the_formats_named(settings, tmp_path):
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    result = run_cli(settings, "import", "-q", str(path))
    assert result.exit_code == 1
    assert "cannot tell the format" in result.output and "--format" in result.output


def test_a_damaged_gzip_keeps_what_came_before_the_damage(catalog, tmp_path, sample_lines, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_SIZE", 50)
    data = gzip.compress(b"".join(sample_lines))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) * 2 // 3])
    [report] = import_files(catalog, [path], progress=False)
    assert report.errors and "cannot read past record" in report.errors[-1][1]
    assert 0 < catalog.count() < 200


def test_an_interrupted_import_keeps_committed_batches_and_a_rerun_completes_it(catalog: Catalog, small_sample_file,
                                                                                 monkeypatch):
    monkeypatch.setattr(importer, "BATCH_SIZE", 50)
    real_store = Catalog.store
    calls = []

    def crash_on_third_batch(self, items):
        calls.append(len(items))
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_store(self, items)

    monkeypatch.setattr(Catalog, "store", crash_on_third_batch)
    with pytest.raises(KeyboardInterrupt):
        import_files(catalog, [small_sample_file], progress=False)
    assert catalog.count() == 100
    assert catalog.stats()["runs"][0]["status"] == "interrupted"

    monkeypatch.setattr(Catalog, "store", real_store)
    [report] = import_files(catalog, [small_sample_file], progress=False)
    assert (report.result.added, report.result.unchanged) == (100, 100)
    assert catalog.count() == 200


def test_stats_show_papers_by_source_category_and_month(settings, small_sample_file):
    run_cli(settings, "import", "-q", str(small_sample_file))
    output = run_cli(settings, "stats").output
    assert "papers: 200" in output
    assert "arxiv-jsonl" in output
    assert "2026-06" in output
    assert "cs." in output or "astro-ph" in output




def test_the_four_seed_captures_give_453_unique_papers(catalog, shared_path):
    seeds = sorted(shared_path("seeds").glob("*.txt"))
    [*reports] = import_files(catalog, seeds, progress=False)
    assert sum(r.read for r in reports) == 509
    assert catalog.count() == 453


def test_home_may_be_given_before_or_after_the_command(tmp_path, small_sample_file):
    runner = CliRunner()
    runner.invoke(main, ["import", "-q", str(small_sample_file), "--home", str(tmp_path / "a")])
    assert "papers: 200" in runner.invoke(main, ["--home", str(tmp_path / "a"), "stats"]).output
    assert "papers: 200" in runner.invoke(main, ["stats", "--home", str(tmp_path / "a")]).output
    assert "no catalog in" in runner.invoke(main, ["stats", "--home", str(tmp_path / "b")]).output


def test_a_first_record_near_the_size_limit_is_still_recognised(settings, tmp_path, sample_lines):
    # A collaboration paper's author list can make one record most of a megabyte.
    record = orjson.loads(sample_lines[0])
    record["authors"] = [f"Author Number {n}" for n in range(45_000)]
    path = tmp_path / "collaboration.jsonl"
    path.write_bytes(orjson.dumps(record) + b"\n" + b"".join(sample_lines[1:5]))
    assert 800_000 < len(orjson.dumps(record)) < 1_000_000
    result = run_cli(settings, "import", "-q", str(path))
    assert result.exit_code == 0, result.output
    assert "[arxiv-jsonl]" in result.output and "added 5" in result.output


@pytest.mark.parametrize("encoding, named", [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16LE"),
                                             ("utf-16-be", "UTF-16BE"), ("utf-32", "UTF-32")])
def test_utf16_and_utf32_input_is_named_with_how_to_convert_it(settings, tmp_path, sample_lines, encoding, named):
    path = tmp_path / "papers.jsonl"
    path.write_bytes(b"".join(sample_lines[:3]).decode("utf-8").encode(encoding))
    result = run_cli(settings, "import", "-q", str(path))
    assert result.exit_code == 1
    assert f"{path}: this file is {named}" in result.output
    assert f"iconv -f {named} -t UTF-8" in result.output


def test_an_unreadable_file_is_named_once_in_the_error_and_in_stats(settings, tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    result = run_cli(settings, "import", "-q", str(path))
    assert result.exit_code == 1
    assert f"error: {path}: the input is empty" in result.output
    assert f"{path}: {path}" not in result.output
    stats = run_cli(settings, "stats").output
    assert f"{path}: the input is empty" in stats and f"{path}: {path}" not in stats


@contextmanager
def database_full_at(pages: int):
    """SQLite connections opened within may grow their database to ``pages`` pages and no more.

    Past that SQLite fails writes with SQLITE_FULL ("database or disk is full"), the very
    error a full disk gives, through the same driver, engine and catalog code.
    """
    def cap(dbapi_connection, _record):
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(Engine, "connect", cap)
    try:
        yield
    finally:
        event.remove(Engine, "connect", cap)


def pages_of(catalog: Catalog) -> int:
    with catalog.engine.connect() as conn:
        return conn.exec_driver_sql("PRAGMA page_count").scalar()


def test_a_full_disk_stops_the_import_in_one_line_with_true_counts(settings, catalog, small_sample_file,
                                                                   monkeypatch):
    monkeypatch.setattr(importer, "BATCH_SIZE", 50)
    with database_full_at(pages_of(catalog) + 70):  # room for about half of the 200 papers
        result = CliRunner().invoke(main, ["--home", str(settings.home), "import", "-q",
                                               str(small_sample_file)])
        stats = run_cli(settings, "stats")
    assert result.exit_code == 2
    assert f"could not finish: no space left on {settings.home}" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    stored = catalog.count()
    assert 0 < stored < 200
    assert f"added {stored}," in result.stdout
    [run] = catalog.stats()["runs"]
    assert (run["status"], run["added"]) == ("failed", stored)
    assert stats.exit_code == 0 and f"added {stored}," in stats.output  # reading still works

    # Once there is room again, the same command completes the import.
    rerun = run_cli(settings, "import", "-q", str(small_sample_file))
    assert rerun.exit_code == 0 and f"added {200 - stored}, updated 0, unchanged {stored}" in rerun.output


PAPERWIRE = Path(sys.executable).with_name("paperwire")  # the installed command


@contextmanager
def import_waiting_for_more(settings, catalog: Catalog, tmp_path, lines: list[bytes]):
    """A real `paperwire import` process, its run started, that has read ``lines`` from a pipe
    and waits for more."""
    pipe = tmp_path / "papers.jsonl"
    os.mkfifo(pipe)
    process = subprocess.Popen([PAPERWIRE, "--home", str(settings.home), "import", "-q", str(pipe)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    try:
        writer = None
        while writer is None:  # the pipe opens for writing once the import opens it for reading
            assert process.poll() is None and time.monotonic() < deadline, process.communicate()
            try:
                writer = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                time.sleep(0.05)
        os.set_blocking(writer, True)
        os.write(writer, b"".join(lines))
        while not any(run["status"] == "running" for run in catalog.stats()["runs"]):
            assert time.monotonic() < deadline, "the import never started its run"
            time.sleep(0.05)
        yield process
    finally:
        process.kill()
        process.wait(timeout=30)
        if writer is not None:
            os.close(writer)


def test_sigterm_stops_an_import_as_ctrl_c_does_and_records_it_interrupted(settings, catalog, tmp_path,
                                                                            sample_lines):
    with import_waiting_for_more(settings, catalog, tmp_path, sample_lines[:100]) as process:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM
    assert "interrupted: every batch committed so far is kept" in stderr and "Traceback" not in stderr
    assert catalog.stats()["runs"][0]["status"] == "interrupted"


def test_an_import_killed_outright_shows_as_interrupted_at_the_next_start(settings, catalog, tmp_path,
                                                                          sample_lines):
    with import_waiting_for_more(settings, catalog, tmp_path, sample_lines[:100]) as process:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    with catalog.engine.connect() as conn:  # the killed process could record nothing
        assert conn.exec_driver_sql("SELECT status FROM import_runs").scalar() == "running"
    assert "#1 interrupted" in run_cli(settings, "stats").output
