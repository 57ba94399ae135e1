"""Fetch one page and parse it, fetching again when the body arrives unreadable (cut short)."""

from __future__ import annotations

from typing import Callable, Mapping, TypeVar

from paperwire.harvest.errors import HarvestError
from paperwire.harvest.http import PoliteClient
from paperwire.sources import FormatError

Page = TypeVar("Page")

PARSE_ATTEMPTS = 3


def fetch_page(client: PoliteClient, url: str, params: Mapping[str, str], parse: Callable[[bytes, str], Page],
               origin: str, *, attempts: int = PARSE_ATTEMPTS,
               final_errors: tuple[type[Exception], ...] = ()) -> Page:
    """``parse(body, origin)`` of ``url``.

    A body the parser rejects (FormatError) is fetched again, up to ``attempts`` times in
    all; ``final_errors`` are answers, not accidents (an API error entry): no refetch.
    """
    reason = ""
    for _ in range(attempts):
        fetched = client.get(url, params)
        try:
            return parse(fetched.content, origin)
        except final_errors as exc:
            raise HarvestError(f"{fetched.url}: {exc}") from None
        except FormatError as exc:
            # Usually a response cut short in transit though its length looked right: a refetch cures it.
            reason = str(exc)
    raise HarvestError(f"{fetched.url}: response unreadable after {attempts} tries ({reason}); "
                       "rerun later (an OAI harvest resumes from its checkpoint)")
