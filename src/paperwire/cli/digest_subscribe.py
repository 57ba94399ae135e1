"""`paperwire digest subscribe` and the other subscription commands."""

from __future__ import annotations

import click


def add_commands(group: click.Group) -> None:
    pass
