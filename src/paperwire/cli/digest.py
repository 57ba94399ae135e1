"""`paperwire digest ...`: subscriptions (digest_subscribe) and sending (digest_send)."""

from __future__ import annotations

import click


def register(main: click.Group) -> None:
    from paperwire.cli import digest_send, digest_subscribe

    @main.group("digest")
    def digest_group() -> None:
        """Daily and weekly e-mail digests: subscribe readers, compose and send what is due.

        \b
        Examples:
          paperwire digest subscribe ann --period daily --sections trending,for-you
          paperwire digest send --period daily --dry-run
        """

    digest_subscribe.add_commands(digest_group)
    digest_send.add_commands(digest_group)
