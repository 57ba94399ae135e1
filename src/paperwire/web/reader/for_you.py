"""Web: the For-you page and GET /api/v1/me/for-you (rank.for_you)."""

from __future__ import annotations

from paperwire.web.community.common import api_router, page_router

pages = page_router()
api = api_router("for you")
