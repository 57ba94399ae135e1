"""A paper's whole card (its counts, the reader's buttons, its body), rendered once per state per worker.

A signed-in list page renders fifty cards for its reader: as a macro each, with the buttons
and the body from their own caches, that was ~90 us a card and a quarter of the front page.
What a card shows depends only on the paper, its counts and the reader's marks, which most
readers share (not voted, not saved); what is the reader's own, the session's CSRF token and
the way back, goes in last by replacing a placeholder, and so does what a page adds below a
card (a collection's note, the reader's own).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jinja2 import Environment
from markupsafe import Markup

from paperwire.store.catalog import StoredPaper
from paperwire.web.http.cache import TTLCache

if TYPE_CHECKING:
    from paperwire.web.community.cards import Cards

MAX_BYTES = 16_000_000  # ~6,000 cards of ~2.5 KB
MAX_AGE_S = 3600.0
# NUL cannot come from a paper, a count or the template, nor from a page's path (which is URL-quoted).
_FORM_FIELDS = "\x00form-fields\x00"
_HERE_QUOTED = "\x00here\x00"
_BELOW = "\x00below\x00"


class CardsHtml:
    def __init__(self, env: Environment, max_bytes: int = MAX_BYTES):
        self._env = env
        self._cache = TTLCache(max_entries=max_bytes // 1000, max_age_s=MAX_AGE_S, max_bytes=max_bytes)

    def __call__(self, stored: StoredPaper, cards: Cards, below: str = "") -> Markup:
        """The card of ``stored`` as ``cards`` (the page's reader and their marks) shows it,
        with ``below`` (markup) after its text."""
        state = cards.of(stored)
        member = cards.member is not None
        rendered = self._cache.get_or_compute(
            (stored.doc_id, stored.revision, stored.votes, stored.num_comments, state, member),
            lambda: self._env.get_template("_card.html").module.card(
                stored, state, {"member": member, "form_fields": Markup(_FORM_FIELDS), "here_quoted": _HERE_QUOTED},
                Markup(_BELOW)),
            size=len)
        own = (rendered.replace(_FORM_FIELDS, cards.form_fields) if member
               else rendered.replace(_HERE_QUOTED, cards.here_quoted))
        return Markup(own.replace(_BELOW, below))
