"""Putting the personal layer into the app: its features' routers."""

from __future__ import annotations

from fastapi import FastAPI

from paperwire.web.reader import follows, for_you, onboarding, private_feeds, saved_searches

FEATURES = (for_you, follows, saved_searches, onboarding, private_feeds)


def install_reader(app: FastAPI) -> None:
    for feature in FEATURES:
        app.include_router(feature.api)
        app.include_router(feature.pages)
