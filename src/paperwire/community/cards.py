"""What a page of paper cards shows of the viewer and the community, in a constant number of
queries (three for a member, one for an anonymous reader), never one per card.

The rest of a card (title, authors, counts) is the same for everyone and can be cached; this
is the part that is the viewer's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import Engine

from paperwire.accounts.members import Member
from paperwire.community.library import LibraryState, states
from paperwire.community.submissions import Submission, submissions_for
from paperwire.community.votes import voted


@dataclass(frozen=True)
class CardState:
    voted: bool = False
    library: LibraryState = LibraryState()
    submission: Submission | None = None  # who put it on a daily list, with their comment

    @property
    def saved(self) -> bool:
        return self.library.saved

    @property
    def dismissed(self) -> bool:
        return self.library.dismissed


def card_states(db: Engine, viewer: Member | None, doc_ids: Iterable[int]) -> dict[int, CardState]:
    """A CardState for every one of ``doc_ids``."""
    doc_ids = list(dict.fromkeys(doc_ids))
    mine_voted = voted(db, viewer, doc_ids)
    mine_kept = states(db, viewer, doc_ids)
    submitted = submissions_for(db, doc_ids)
    return {doc_id: CardState(doc_id in mine_voted, mine_kept.get(doc_id, LibraryState()), submitted.get(doc_id))
            for doc_id in doc_ids}
