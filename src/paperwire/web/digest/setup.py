"""Putting digests into the app: its features' routers."""

from __future__ import annotations

from fastapi import FastAPI

from paperwire.web.digest import admin, settings, subscribe, unsubscribe

FEATURES = (subscribe, unsubscribe, settings, admin)


def install_digest(app: FastAPI) -> None:
    for feature in FEATURES:
        app.include_router(feature.api)
        app.include_router(feature.pages)
