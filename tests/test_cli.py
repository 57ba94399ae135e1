"""The `paperwire` command as a whole: every command explains itself."""

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
