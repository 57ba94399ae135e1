"""Putting the community into the app: the site's rules, the features' routers, template names."""

from __future__ import annotations

from fastapi import FastAPI

from paperwire.community.comments import DELETED_USER
from paperwire.community.rules import Policy
from paperwire.web.community import (
    claims,
    collections,
    comments,
    library,
    moderation,
    profiles,
    submissions,
    votes,
)

FEATURES = (votes, comments, submissions, claims, library, collections, profiles, moderation)


def install_community(app: FastAPI) -> None:
    """The site's rules (refusing bad settings at start-up), the routes, the templates' names.

    Call it before the other routers are added: /api/v1/papers/{id}/comments must be matched
    before /api/v1/papers/{id:path} takes the whole path as an id."""
    app.state.policy = Policy(app.state.settings)
    for feature in FEATURES:
        app.include_router(feature.api)
        app.include_router(feature.pages)
    app.state.templates.globals.update(deleted_user=DELETED_USER, card_marks=library.CARD_BUTTONS,
                                       paper_marks=library.PAPER_BUTTONS)
