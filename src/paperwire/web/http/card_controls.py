"""A member's buttons on a card (the vote, Save, Not interested), rendered once per state per worker.

Fifty cards of forms were most of what a signed-in page costs beyond an anonymous one (~1.5 ms
of ~6). What a card's forms show depends only on the paper, its vote count and the reader's
marks, which most readers share (not voted, not saved); what is the reader's own, the session's
CSRF token and the way back, goes into the rendered forms last, by replacing a placeholder.
"""

from __future__ import annotations

from typing import NamedTuple

from jinja2 import Environment
from markupsafe import Markup

from paperwire.community.cards import CardState
from paperwire.store.catalog import StoredPaper
from paperwire.web.http.cache import TTLCache

MAX_BYTES = 8_000_000  # ~8,000 cards' controls of ~1 KB
MAX_AGE_S = 3600.0
# Where a form's own hidden fields go: NUL cannot come from a paper id or a count, nor from the template.
_FORM_FIELDS = "\x00form-fields\x00"
_BETWEEN = "\x00between\x00"


class Controls(NamedTuple):
    vote: Markup  # the vote button, for the card's side
    marks: Markup  # Save and Not interested, below the card's text


class CardControls:
    def __init__(self, env: Environment, max_bytes: int = MAX_BYTES):
        self._env = env
        self._cache = TTLCache(max_entries=max_bytes // 500, max_age_s=MAX_AGE_S, max_bytes=max_bytes)

    def __call__(self, stored: StoredPaper, state: CardState, form_fields: Markup) -> Controls:
        """The member's controls of ``stored`` in ``state``, their forms holding ``form_fields``."""
        rendered = self._cache.get_or_compute(
            (stored.doc_id, stored.paper.id, stored.votes, state.voted, state.library),
            lambda: self._env.get_template("_card_controls.html").render(
                sp=stored, voted=state.voted, marks=state.library, form_fields=Markup(_FORM_FIELDS),
                between=Markup(_BETWEEN)), size=len)
        vote, marks = rendered.replace(_FORM_FIELDS, form_fields).split(_BETWEEN)
        return Controls(Markup(vote), Markup(marks))
