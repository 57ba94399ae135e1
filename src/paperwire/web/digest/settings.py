"""Web: the member's digest on /settings/digest and at /api/v1/me/digest.

Every choice is checked by paperwire.digest.subscriptions (the one place that says what a
digest may be); this module only reads the form or the JSON and shows the answer.
"""

from __future__ import annotations

from typing import Literal

from fastapi import Form, Request
from pydantic import BaseModel, Field
from starlette.responses import RedirectResponse, Response

from paperwire.community.errors import Invalid
from paperwire.digest import subscriptions
from paperwire.digest.subscriptions import PERIODS, SECTIONS, WEEKDAYS, DigestChoice, Subscription
from paperwire.mail.addresses import shown_value
from paperwire.mail.smtp import mail_enabled
from paperwire.web.auth.forms import form_page
from paperwire.web.auth.viewer import current_viewer, require_viewer
from paperwire.web.community.common import api_router, db, page_router, policy

pages = page_router()
api = api_router("digests")

SECTION_LABELS = {
    "trending": "Trending papers (in the categories you follow, when you follow some)",
    "for-you": "For you: recent papers ranked for you",
    "authors": "New papers by authors you follow",
    "searches": "New matches of your saved searches",
    "replies": "Replies to your comments",
}
# Offered in the time zone field (any IANA name is accepted).
COMMON_TIMEZONES = (
    "UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Rome", "Europe/Amsterdam",
    "Europe/Zurich", "Europe/Stockholm", "Europe/Warsaw", "Europe/Athens", "Europe/Moscow", "Africa/Cairo",
    "Africa/Johannesburg", "Asia/Jerusalem", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Shanghai",
    "Asia/Hong_Kong", "Asia/Seoul", "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland", "America/Sao_Paulo",
    "America/New_York", "America/Toronto", "America/Chicago", "America/Denver", "America/Los_Angeles",
)
NOTICES = {"saved": "Your digest is saved.", "unsubscribed": "You are unsubscribed: no more digests are sent."}


class DigestIn(BaseModel):
    period: Literal["daily", "weekly"] = Field(examples=["weekly"])
    hour: int = Field(ge=0, le=23, description="When it is sent, 0-23, in `timezone`.", examples=[7])
    timezone: str = Field("UTC", max_length=64, description="An IANA time zone name.", examples=["Europe/Berlin"])
    weekday: Literal[WEEKDAYS] = Field("mon", description="The weekly digest's day.")  # type: ignore[valid-type]
    sections: list[Literal[SECTIONS]] = Field(  # type: ignore[valid-type]
        min_length=1, max_length=len(SECTIONS), examples=[["trending", "for-you", "replies"]])
    subscribed: bool = Field(True, description="false unsubscribes, keeping the saved choices (the others given are not saved).")


class DigestOut(BaseModel):
    subscribed: bool = Field(description="A digest is wanted (not unsubscribed).")
    confirmed: bool = Field(description="The address is verified: nothing is sent before.")
    undeliverable: str | None = Field(description="Why the mail server refused the address for good, if it did.")
    email: str | None
    period: Literal["daily", "weekly"] | None
    hour: int | None
    timezone: str | None
    weekday: str | None
    sections: list[str]


# ---- the page ---------------------------------------------------------------------------

@pages.get("/settings/digest")
def settings_page(request: Request, done: str = "") -> Response:
    return _page(request, notice=NOTICES.get(done))


@pages.post("/settings/digest")
def save(request: Request, period: str = Form(""), hour: str = Form(""), timezone: str = Form(""),
         weekday: str = Form(""), sections: list[str] = Form([])) -> Response:
    member = require_viewer(request)
    try:
        choice = DigestChoice(period, _number("hour", hour), timezone.strip(), _number("weekday", weekday),
                              tuple(sections))
        subscriptions.subscribe_member(db(request), policy(request), member, choice)
    except Invalid as error:
        shown = {"period": period, "hour": hour, "timezone": timezone, "weekday": weekday, "sections": sections}
        return _page(request, errors={error.field: error.message.removeprefix(f"{error.field}: ")}, shown=shown,
                     status=400)
    return RedirectResponse("/settings/digest?done=saved", status_code=303)


@pages.post("/settings/digest/unsubscribe")
def unsubscribe(request: Request) -> Response:
    subscriptions.unsubscribe_member(db(request), policy(request), require_viewer(request))
    return RedirectResponse("/settings/digest?done=unsubscribed", status_code=303)


def _number(field: str, text: str) -> int:
    if not text.strip().isascii() or not text.strip().isdigit():
        raise Invalid(field, f"{shown_value(text)} is not a number")
    return int(text)


def _page(request: Request, status: int = 200, shown: dict | None = None, **context) -> Response:
    member = require_viewer(request)
    settings = request.app.state.settings
    subscription = subscriptions.subscription_of(db(request), policy(request), member)
    current = shown or _shown(subscription, settings.digest_hour)
    return form_page(request, "digest/settings.html", {
        "title": "Your digest", "active": "settings", "member": member, "subscription": subscription,
        "mail": mail_enabled(settings), "current": current, "periods": PERIODS, "weekdays": WEEKDAYS,
        "sections": SECTION_LABELS, "timezones": COMMON_TIMEZONES, **context}, status=status)


def _shown(subscription: Subscription | None, default_hour: int) -> dict:
    """What the form shows: the subscription's choices, or a new one's defaults."""
    if subscription is None:
        return {"period": "daily", "hour": str(default_hour), "timezone": subscriptions.DEFAULT_TIMEZONE,
                "weekday": "0", "sections": list(SECTIONS)}
    return {"period": subscription.period, "hour": str(subscription.hour), "timezone": subscription.timezone,
            "weekday": str(subscription.weekday), "sections": list(subscription.sections)}


# ---- JSON -------------------------------------------------------------------------------

@api.get("/me/digest", response_model=DigestOut, summary="One's digest subscription")
def get_digest(request: Request) -> DigestOut:
    return _out(subscriptions.subscription_of(db(request), policy(request), current_viewer(request)))


@api.put("/me/digest", response_model=DigestOut, summary="Subscribe, change or unsubscribe one's digest")
def put_digest(request: Request, given: DigestIn) -> DigestOut:
    member = current_viewer(request)
    if not given.subscribed:
        had = subscriptions.subscription_of(db(request), policy(request), member)
        return _out(had and subscriptions.unsubscribe_member(db(request), policy(request), member))
    choice = DigestChoice(given.period, given.hour, given.timezone, WEEKDAYS.index(given.weekday),
                          tuple(given.sections))
    return _out(subscriptions.subscribe_member(db(request), policy(request), member, choice))


def _out(subscription: Subscription | None) -> DigestOut:
    if subscription is None:
        return DigestOut(subscribed=False, confirmed=False, undeliverable=None, email=None, period=None, hour=None,
                         timezone=None, weekday=None, sections=[])
    return DigestOut(subscribed=not subscription.unsubscribed, confirmed=subscription.confirmed,
                     undeliverable=subscription.undeliverable_reason, email=subscription.email,
                     period=subscription.period, hour=subscription.hour, timezone=subscription.timezone,
                     weekday=WEEKDAYS[subscription.weekday], sections=list(subscription.sections))
