"""Web: the outbox as administrators see it (/admin/outbox, GET /api/v1/admin/outbox).

Digests given up on (and why), those waiting for another try after a failure, and how
many digests stand in each state. Administrators only: the page names readers' addresses.
"""

from __future__ import annotations

from fastapi import Request
from pydantic import BaseModel
from starlette.responses import Response

from paperwire.digest import outbox
from paperwire.web.auth.viewer import current_viewer
from paperwire.web.community.common import api_router, db, page_router, policy
from paperwire.web.http.templating import page_response, render_page

pages = page_router()
api = api_router("digests")


class OutboxOut(BaseModel):
    counts: dict[str, int]
    problems: list[outbox.Problem]  # failed, or pending after failed tries; newest first


@pages.get("/admin/outbox")
def outbox_page(request: Request) -> Response:
    counts, problems = outbox.overview(db(request), policy(request), current_viewer(request))
    page = render_page(request, "digest/admin_outbox.html", {
        "title": "Outbox", "feeds": [], "counts": counts, "problems": problems})
    return page_response(request, page, cacheable=False)


@api.get("/admin/outbox", response_model=OutboxOut, summary="Digests by status, and the failed or retrying ones (admins)")
def outbox_api(request: Request) -> dict:
    counts, problems = outbox.overview(db(request), policy(request), current_viewer(request))
    return {"counts": counts, "problems": problems}
