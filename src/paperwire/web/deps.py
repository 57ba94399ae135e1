"""What request handlers get from the app: the catalog, the search service, settings."""

from __future__ import annotations

from fastapi import Request

from paperwire.config import Settings
from paperwire.store import Catalog


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_catalog(request: Request) -> Catalog:
    return request.app.state.catalog


def get_search(request: Request):
    """The paperwire.search.SearchService shared by this worker's requests."""
    return request.app.state.search
