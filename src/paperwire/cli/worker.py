"""`paperwire worker`: the whole day on a schedule (harvest, import, index, trending, compose, deliver)."""

from __future__ import annotations

import click


def register(main: click.Group) -> None:
    pass
