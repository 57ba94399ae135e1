"""Who may do what: the one place that says so. Pages, JSON APIs and the CLI all ask here.

Every community operation calls its check itself, so no caller can forget one. A check
returns nothing and raises an error from :mod:`paperwire.community.errors` when the answer
is no. ``viewer`` is the :class:`~paperwire.accounts.members.Member` acting, or None for an
anonymous reader.

Someone else's private things (a private collection, a library, a note) answer NotFound,
never NotAllowed: a stranger cannot even learn that they exist.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from paperwire.accounts.members import Member
from paperwire.community.errors import Invalid, NotAllowed, NotFound, NotSignedIn
from paperwire.config import ConfigError, Settings

WHO_MAY_SUBMIT = ("verified", "authors")
FRONT_PAGES = ("listing", "submissions")


class Policy:
    """The site's rules, read from its settings."""

    def __init__(self, settings: Settings):
        for name, value, allowed in (("who_may_submit", settings.who_may_submit, WHO_MAY_SUBMIT),
                                     ("front_page", settings.front_page, FRONT_PAGES)):
            if value not in allowed:
                raise ConfigError(f"setting {name}: expected one of {', '.join(allowed)}, got {value!r}")
        if not settings.trending_half_life_hours > 0:
            raise ConfigError(f"setting trending_half_life_hours: must be above 0, got {settings.trending_half_life_hours}")
        self.settings = settings

    @property
    def half_life_hours(self) -> float:
        return self.settings.trending_half_life_hours

    # ---- who is asking ---------------------------------------------------------------

    def require_member(self, viewer: Member | None) -> Member:
        """A signed-in member whose account is not disabled."""
        if viewer is None:
            raise NotSignedIn()
        if viewer.disabled:
            raise NotAllowed("this account is disabled")
        return viewer

    def require_participant(self, viewer: Member | None, doing: str) -> Member:
        """A member who may take part (vote, comment, submit, claim): verified, unless the site allows otherwise."""
        member = self.require_member(viewer)
        if not member.email_verified and not self.settings.unverified_may_participate:
            raise NotAllowed(f"confirm your e-mail address before you {doing}: follow the link we sent you")
        return member

    def require_vote(self, viewer: Member | None) -> Member:
        return self.require_participant(viewer, "vote")

    def require_comment(self, viewer: Member | None) -> Member:
        return self.require_participant(viewer, "comment")

    def require_moderator(self, viewer: Member | None) -> Member:
        member = self.require_member(viewer)
        if not member.is_moderator:
            raise NotAllowed("only moderators may do this")
        return member

    def require_admin(self, viewer: Member | None) -> Member:
        member = self.require_member(viewer)
        if not member.is_admin:
            raise NotAllowed("only administrators may do this")
        return member

    # ---- submissions -----------------------------------------------------------------

    def require_submit(self, viewer: Member | None, *, submitted_today: int, has_verified_claim: bool) -> Member:
        """May ``viewer`` submit one more paper today? Moderators curate: no daily limit, no author rule."""
        member = self.require_participant(viewer, "submit papers")
        if member.is_moderator:
            return member
        if self.settings.who_may_submit == "authors" and not has_verified_claim:
            raise NotAllowed("on this site only authors submit papers: claim authorship of one of your "
                             "papers first (a moderator confirms it)")
        limit = self.settings.submissions_per_day
        if submitted_today >= limit:
            raise NotAllowed(f"you have submitted {submitted_today} papers today, the daily limit is {limit}; "
                             "try again tomorrow (UTC)")
        return member

    def require_recent_paper(self, paper_day: date | None, today: date) -> None:
        """A paper may be submitted while it is at most ``submission_max_age_days`` old."""
        limit = self.settings.submission_max_age_days
        if paper_day is None or (today - paper_day).days > limit:
            when = f"from {paper_day.isoformat()}" if paper_day else "of unknown date"
            raise Invalid("paper", f"this paper is {when}; only papers at most {limit} days old can be submitted")

    # ---- comments --------------------------------------------------------------------

    def require_own_comment(self, viewer: Member | None, comment: Any, doing: str) -> Member:
        """The author of a comment that still stands (not deleted) may edit or delete it."""
        member = self.require_member(viewer)
        if comment is None or comment.deleted_at is not None:
            raise NotFound("no such comment")
        if comment.user_id != member.id:
            raise NotAllowed(f"you can only {doing} your own comments")
        return member

    def require_edit_comment(self, viewer: Member | None, comment: Any) -> Member:
        member = self.require_own_comment(viewer, comment, "edit")
        if comment.hidden_at is not None:
            raise NotAllowed("a moderator hid this comment; it can no longer be edited")
        return member

    def require_delete_comment(self, viewer: Member | None, comment: Any) -> Member:
        return self.require_own_comment(viewer, comment, "delete")

    def can_see_comment(self, viewer: Member | None, comment: Any) -> bool:
        """Hidden comments are seen by moderators only (marked hidden)."""
        return comment.hidden_at is None or (viewer is not None and viewer.is_moderator)

    # ---- private things --------------------------------------------------------------

    def can_see_collection(self, viewer: Member | None, collection: Any) -> bool:
        return bool(collection.is_public) or (viewer is not None and viewer.id == collection.user_id)

    def require_see_collection(self, viewer: Member | None, collection: Any) -> None:
        if collection is None or not self.can_see_collection(viewer, collection):
            raise NotFound("no such collection")

    def require_own_collection(self, viewer: Member | None, collection: Any) -> Member:
        """Only its owner changes a collection; to anyone else a private one does not exist."""
        member = self.require_member(viewer)
        if collection is None or collection.user_id != member.id:
            if collection is not None and collection.is_public:
                raise NotAllowed("only its owner can change this collection")
            raise NotFound("no such collection")
        return member
