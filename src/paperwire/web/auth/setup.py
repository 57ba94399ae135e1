"""Putting sign-in into the app: its global dependencies, shared state, routers and errors."""

from __future__ import annotations

from typing import Callable

from fastapi import Depends, FastAPI, Request
from starlette.responses import Response

from paperwire.accounts.ratelimit import RateLimits
from paperwire.accounts.secret import site_secret
from paperwire.web.auth import api, csrf, pages, settings_pages, viewer
from paperwire.web.auth.errors import install_error_handlers

# Given to FastAPI(dependencies=...): they run before every route, in this order.
GLOBAL_DEPENDENCIES = [Depends(viewer.identify), Depends(csrf.protect)]
ROUTERS = (api.router, pages.router, settings_pages.router)


def install_auth(app: FastAPI, error_page: Callable[..., Response], wants_page: Callable[[Request], bool]) -> None:
    """Shared state (the site secret, rate limits in the database), routers and error answers."""
    settings = app.state.settings
    app.state.secret_key = site_secret(settings)
    app.state.rate_limits = RateLimits(app.state.catalog.engine, settings)
    for router in ROUTERS:
        app.include_router(router)
    install_error_handlers(app, error_page, wants_page)
