"""``GET /api/v1/me``: who a token (or a session) acts as, so a script can check its token."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from paperwire.web.api.common import ERROR_RESPONSES, ErrorBody, JsonErrorRoute
from paperwire.web.auth.viewer import require_viewer, viewer_of

router = APIRouter(prefix="/api/v1", tags=["account"], route_class=JsonErrorRoute, responses={
    **ERROR_RESPONSES, 401: {"model": ErrorBody, "description": "No token or session, or a token that is not valid."}})


class MeOut(BaseModel):
    username: str = Field(examples=["ann"])
    role: Literal["member", "moderator", "admin"]
    email_verified: bool
    auth: Literal["token", "session"] = Field(description="How this request was signed in.")
    scope: Literal["read", "write"] = Field(
        description="What this request may do: a token's scope; a session may read and write.")


@router.get("/me", response_model=MeOut, summary="The signed-in member (check an API token)")
def me(request: Request) -> MeOut:
    member = require_viewer(request)
    viewer = viewer_of(request)
    return MeOut(username=member.username, role=member.role, email_verified=member.email_verified,
                 auth=viewer.via, scope=viewer.scope)
