"""Web: private RSS/Atom feeds at a secret URL."""

from __future__ import annotations

from paperwire.web.community.common import api_router, page_router

pages = page_router()
api = api_router("private feeds")
