"""`paperwire digest send`: compose what is due into the outbox, then deliver it."""

from __future__ import annotations

import click


def add_commands(group: click.Group) -> None:
    pass
