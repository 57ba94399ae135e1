"""What a page of cards shows beyond the papers themselves: the reader's own marks (voted,
saved, not interested, seen) and who submitted each paper, fetched for the whole page at once.

The part of a card that is the same for everyone (title, authors, abstract) comes from the
card cache; this is the rest, in a constant number of queries a page however many cards it
holds. Page handlers put ``cards_for(request, papers)`` in their context as ``cards``, and
the ``card`` macro reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable
from urllib.parse import quote, urlencode

from fastapi import Request
from markupsafe import Markup

from paperwire.accounts.members import Member
from paperwire.community.cards import CardState, card_states
from paperwire.store.catalog import StoredPaper
from paperwire.web.auth.csrf import page_token
from paperwire.web.auth.viewer import current_viewer
from paperwire.web.community.common import db

NO_STATE = CardState()


@dataclass
class Cards:
    """The per-reader side of one page's cards."""

    member: Member | None
    here: str  # this page's path and query: where the cards' forms come back to
    csrf_token: str | None  # the session's, for the cards' forms (None when signed out)
    states: dict[int, CardState] = field(default_factory=dict)

    def of(self, stored: StoredPaper) -> CardState:
        return self.states.get(stored.doc_id, NO_STATE)

    @cached_property
    def form_fields(self) -> Markup:
        """The hidden fields every card form holds (its CSRF token, the way back), escaped once a page."""
        return Markup('<input type="hidden" name="csrf_token" value="{}"><input type="hidden" name="next" value="{}">'
                      ).format(self.csrf_token or "", self.here)

    @cached_property
    def here_quoted(self) -> str:
        """This page as a sign-in link's ``next``."""
        return quote(self.here, safe="")


def here(request: Request) -> str:
    """This page's path and query, but its ``done`` notice: coming back here, a form says its own."""
    query = urlencode([(name, value) for name, value in request.query_params.multi_items() if name != "done"])
    return request.url.path + (f"?{query}" if query else "")


def cards_for(request: Request, papers: Iterable[StoredPaper]) -> Cards:
    """The reader's marks and the submissions of ``papers``: the same for every anonymous reader
    (so their pages stay cacheable), the member's own when signed in."""
    member = current_viewer(request)
    states = card_states(db(request), member, [p.doc_id for p in papers])
    return Cards(member, here(request), page_token(request) if member else None, states)
