"""What the paper page shows of the community: the reader's buttons (vote, save, not
interested, seen), the comment thread as this reader may see it, and, signed in, their
private note, their authorship claim and their collections to add the paper to."""

from __future__ import annotations

from fastapi import Request

from paperwire.community import claims, collections, comments, library
from paperwire.store.catalog import StoredPaper
from paperwire.web.auth.viewer import current_viewer
from paperwire.web.community.cards import cards_for
from paperwire.web.community.common import db, policy

# ?done=... after a form: fixed texts, so no URL can put words on the page.
NOTICES = {
    "submitted": "Submitted: the paper is on today's list, with your name on its card.",
    "claimed": "Your claim is sent: a moderator will confirm it, and the paper then shows on your profile.",
    "reported": "Thank you: the moderators will look at this comment.",
    "noted": "Your note is saved. Only you can see it.",
    "collected": "The paper is in the collection.",
}


def paper_context(request: Request, stored: StoredPaper) -> dict:
    """The paper page's community part, for ``paper.html``."""
    member = current_viewer(request)
    rules = policy(request)
    context = {
        "cards": cards_for(request, [stored]),
        "thread": comments.thread(db(request), rules, member, stored.doc_id),
        "notice": NOTICES.get(request.query_params.get("done", "")),
        "comment_max": rules.settings.comment_max_chars,
        "note": None, "claim": None, "my_collections": [],
    }
    if member is not None:
        context.update(
            note=library.note_for(db(request), rules, member, stored.doc_id),
            claim=next((c for c in claims.claimed_papers(db(request), member, member.id) if c.doc_id == stored.doc_id),
                       None),
            my_collections=collections.my_collections(db(request), rules, member),
        )
    return context
