"""The `paperwire` command as a whole: every command explains itself and fails in one line saying what to do."""

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from paperwire.cli import main


def all_commands(group: click.Group, path=()):
    for name, command in group.commands.items():
        yield (*path, name)
        if isinstance(command, click.Group):
            yield from all_commands(command, (*path, name))


@pytest.mark.parametrize("path", list(all_commands(main)), ids=" ".join)
def test_every_command_has_help_with_an_example_and_takes_home(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0
    assert "--home" in result.output
    assert "paperwire " in result.output.split("Options:")[0]  # an example command line


FIXTURE = Path(__file__).parent / "fixtures" / "arxiv_listing.jsonl"


def run(home, *args, env=None):
    return CliRunner().invoke(main, ["--home", str(home), *args], env=env)


def one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.output.count("\n") == 1, result.output
    return result.output


@pytest.mark.parametrize("command", [["stats"], ["search", "anything"], ["similar", "2601.00001"], ["serve"],
                                     ["index"], ["embed"]], ids=lambda command: command[0])
def test_reading_a_home_without_a_catalog_says_so_and_how_to_make_one(tmp_path, command):
    home = tmp_path / "mistyped-home"
    output = one_line_error(run(home, *command))
    assert f"no catalog in {home}" in output
    assert f"paperwire --home {home} import FILE" in output and "make demo" in output
    assert not home.exists()  # a read makes no empty catalog


def test_import_makes_the_home_it_is_given(tmp_path):
    home = tmp_path / "new" / "home"
    assert run(home, "import", "-q", str(FIXTURE)).exit_code == 0
    assert "papers: 3" in run(home, "stats").output


def test_a_home_that_is_a_file_is_refused_in_one_line(tmp_path):
    home = tmp_path / "papers.jsonl"
    home.write_text("{}\n")
    for command in (["stats"], ["import", str(FIXTURE)]):
        assert f"home {home} is a file, not a directory" in one_line_error(run(home, *command))


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs Linux's /proc")
def test_a_home_nobody_may_write_in_is_refused_in_one_line():
    assert "no catalog in /proc" in one_line_error(run("/proc", "stats"))
    output = one_line_error(run("/proc", "import", str(FIXTURE)))
    assert "cannot open /proc/catalog.db" in output and "a directory you can write to" in output


def test_a_damaged_catalog_file_is_named_with_what_to_do(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "catalog.db").write_bytes(bytes(range(256)) * 64)
    for command in (["stats"], ["import", str(FIXTURE)]):
        output = one_line_error(run(home, *command))
        assert f"{home / 'catalog.db'} is not a SQLite database" in output and "move it aside" in output


@pytest.mark.parametrize("url", ["mysql://paperwire:s3cret@db.example.org/papers", "nosuchdb://db.example.org/x"])
def test_a_database_url_without_its_driver_is_refused_in_one_line(tmp_path, url):
    env = {"PAPERWIRE_DATABASE_URL": url}
    for command in (["stats"], ["import", str(FIXTURE)]):
        output = one_line_error(run(tmp_path / "home", *command, env=env))
        assert "no driver for it here" in output and "SQLite" in output and "paperwire[postgres]" in output
        assert "s3cret" not in output


def numeric_options(group: click.Group, path=()):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from numeric_options(command, (*path, name))
            continue
        for param in command.params:
            if isinstance(param.type, (click.types.IntParamType, click.types.FloatParamType)):
                yield pytest.param(param, id=f"{' '.join((*path, name))} {param.opts[0]}")


@pytest.mark.parametrize("option", list(numeric_options(main)))
def test_every_numeric_option_says_what_range_it_takes(option):
    assert isinstance(option.type, (click.IntRange, click.FloatRange)), f"{option.opts[0]} takes any number"


@pytest.mark.parametrize("args, option", [
    (["search", "x", "-k", "0"], "'-k' / '--limit': 0 is not in the range x>=1"),
    (["search", "x", "-k", "-5"], "'-k' / '--limit': -5 is not in the range x>=1"),
    (["search", "x", "-k", "201"], "'-k' / '--limit': 201 is more than the 200 results one page may hold"),
    (["search", "x", "--offset", "-10"], "'--offset': -10 is not in the range x>=0"),
    (["search", "x", "--offset", "1000"], "'--offset': search ranks the first 1000 results"),
    (["similar", "2601.00001", "-k", "0"], "'-k' / '--limit': 0 is not in the range x>=1"),
    (["bench", "search", "--queries", "0"], "'--queries': 0 is not in the range x>=1"),
    (["bench", "search", "--size", "-1"], "'--size': -1 is not in the range x>=0"),
], ids=lambda value: " ".join(value) if isinstance(value, list) else "refused")
def test_numbers_out_of_range_are_refused_not_clamped(tmp_path, args, option):
    result = run(tmp_path / "home", *args)
    assert result.exit_code == 2  # a usage error
    assert f"Invalid value for {option}" in result.output
