"""What the JSON APIs (native /api/v1 and Hugging Face compatible) share.

Errors: handlers raise :class:`ApiError`; routers built with ``route_class=JsonErrorRoute``
turn it, and FastAPI's own parameter validation errors, into ``400 {"error": ..., "parameter": ...}``
(FastAPI would answer 422 with a list; clients and the HF client read one message).
Also: reading date / ISO week / month parameters, and paper facts both APIs serialise.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timezone
from typing import Annotated, Callable

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, BeforeValidator, Field
from pydantic_core import PydanticCustomError, to_json
from starlette.requests import Request
from starlette.responses import Response

from paperwire.community.submissions import Submission
from paperwire.paper import Paper
from paperwire.store.catalog import StoredPaper
from paperwire.web.deps import get_catalog, get_search
from paperwire.web.http.overload import BUSY_MESSAGE, OVERLOAD_ERRORS, RETRY_AFTER, is_overload
from paperwire.web.periods import BadDate, Period, parse_day, period_for

MAX_QUERY_CHARS = 500  # longer search text is never a real query; refuse it before any work
MAX_CATEGORY_CHARS = 64
MAX_NAME_CHARS = 200  # an author's name, a paper id
MAX_OFFSET = 10_000  # deeper pages are not worth a query
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # tab, newline and CR are whitespace
_ASCII_DIGITS = re.compile(r"[0-9]{1,18}")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_GITHUB = re.compile(r"^https?://(?:www\.)?github\.com/[^/]+/[^/]+", re.IGNORECASE)


class ApiError(Exception):
    """An answer other than 200: ``status``, a message for people, the parameter at fault."""

    def __init__(self, status: int, message: str, parameter: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameter = parameter


class ErrorBody(BaseModel):
    """Every error of the JSON APIs."""

    error: str = Field(description="What is wrong and how to fix it.",
                       examples=["date: '2026-13-01' is not a date; write it as YYYY-MM-DD, e.g. 2026-07-01"])
    parameter: str | None = Field(None, description="The query or path parameter at fault, when there is one.",
                                  examples=["date"])


# "4XX" also keeps FastAPI from documenting the 422 these routes never send (they answer 400).
ERROR_RESPONSES = {
    400: {"model": ErrorBody, "description": "A parameter cannot be used as given."},
    404: {"model": ErrorBody, "description": "No such paper."},
    503: {"model": ErrorBody, "description": "Search is not available (index not built yet), or the server is "
                                            "busy: try again after the seconds in Retry-After."},
    "4XX": {"model": ErrorBody, "description": "Any other client error."},
}


def json_answer(content: BaseModel | list | dict) -> Response:
    """``content`` as a 200 JSON answer, serialised in the handler's thread by pydantic.

    A value returned instead would be validated and serialised by FastAPI in a thread hop of its
    own: 0.4 ms on an idle worker, and under load one more turn behind every waiting request.
    For the search answers, whose models are built from the catalog as they are returned.
    """
    return Response(to_json(content), media_type="application/json")


def bad_parameter(parameter: str, message: str) -> ApiError:
    return ApiError(400, f"{parameter}: {message}", parameter)


def _from_validation(exc: RequestValidationError) -> ApiError:
    first = exc.errors()[0] if exc.errors() else {}
    location = [str(part) for part in first.get("loc", ())]
    if location and location[0] in ("query", "path", "body"):  # where it was; a JSON field may be named "body"
        location = location[1:]
    parameter = location[0] if location else None
    # The message only, never pydantic's echo of the (possibly huge or hostile) input.
    message = str(first.get("msg", "invalid value"))[:200]
    return ApiError(400, f"{parameter}: {message}" if parameter else message, parameter)


class JsonErrorRoute(APIRoute):
    """A route whose errors (ApiError, parameter validation, overload) become ``error_response``."""

    @staticmethod
    def error_response(request: Request, error: ApiError) -> Response:
        body = {"error": error.message, "parameter": error.parameter}
        return JSONResponse(body, status_code=error.status)

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()
        render = self.error_response

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                return render(request, _from_validation(exc))
            except ApiError as exc:
                return render(request, exc)
            except OVERLOAD_ERRORS as exc:
                if not is_overload(exc):
                    raise
                response = render(request, ApiError(503, BUSY_MESSAGE))
                response.headers.update(RETRY_AFTER)
                return response

        return handle


def _whole_number(value: object) -> object:
    # pydantic alone would take "+5", " 5", "1_000" and "5.0"; a count is written 0-9 only.
    if isinstance(value, str) and not _ASCII_DIGITS.fullmatch(value):
        raise PydanticCustomError("whole_number", "must be a whole number written with the digits 0-9")
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
"""An int query parameter given as ASCII digits only (no sign, space, underscore or other script's digits)."""


def check_text(parameter: str, text: str, limit: int = MAX_QUERY_CHARS) -> str:
    """``text`` stripped, or 400 when it is longer than ``limit`` or holds a control character
    (NUL and the like: never typed, and not allowed in HTML or XML)."""
    if len(text) > limit:
        raise bad_parameter(parameter, f"longer than {limit} characters")
    control = _CONTROL.search(text)
    if control:
        raise bad_parameter(parameter, f"contains the control character U+{ord(control.group()):04X}")
    return text.strip()


def parse_date_param(parameter: str, text: str | None) -> date | None:
    if not text:
        return None
    try:
        return parse_day(text)
    except BadDate as exc:
        raise bad_parameter(parameter, str(exc)) from None


def parse_week(text: str) -> Period:
    """``2026-W27`` -> that ISO week, Monday to Sunday."""
    match = _WEEK.match(text)
    try:
        if not match:
            raise ValueError
        return period_for(date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1), "week")
    except ValueError:
        raise bad_parameter("week", f"{text[:40]!r} is not an ISO week; write it as YYYY-Www, e.g. 2026-W27") from None


def parse_month(text: str) -> Period:
    """``2026-07`` -> that calendar month."""
    match = _MONTH.match(text)
    try:
        if not match:
            raise ValueError
        return period_for(date(int(match.group(1)), int(match.group(2)), 1), "month")
    except ValueError:
        raise bad_parameter("month", f"{text[:40]!r} is not a month; write it as YYYY-MM, e.g. 2026-07") from None


def requested_period(day: str | None, week: str | None, month: str | None) -> Period | None:
    """The period named by at most one of date / week / month, or None when none is given."""
    given = [name for name, value in (("date", day), ("week", week), ("month", month)) if value]
    if len(given) > 1:
        raise bad_parameter(given[1], f"give only one of date, week and month (got {', '.join(given)})")
    if day:
        return period_for(parse_date_param("date", day), "day")
    if week:
        return parse_week(week)
    if month:
        return parse_month(month)
    return None


def check_offset(parameter: str, offset: int) -> int:
    if offset > MAX_OFFSET:
        raise bad_parameter(parameter, f"results beyond the first {MAX_OFFSET} are not served; narrow the query")
    return offset


INDEX_MISSING = "the search index has not been built yet: run `paperwire index` on the server"


def search_service(request: Request):
    """The app's SearchService, or 503 when search is not part of this server."""
    service = get_search(request)
    try:  # callers import these from paperwire.search once this has answered
        from paperwire.search import IndexMissing, SearchFilters  # noqa: F401
    except ImportError:  # a build without search
        service = None
    if service is None:
        raise ApiError(503, "search is not available on this server")
    return service


def find_paper(request: Request, paper_id: str) -> StoredPaper:
    """The paper of an id (any form Catalog.get reads), or 404."""
    stored = get_catalog(request).get(check_text("paper_id", paper_id, MAX_NAME_CHARS))
    if stored is None or stored.deleted:
        raise ApiError(404, f"no paper {paper_id[:80]!r}; check the arXiv id or search for its title", "paper_id")
    return stored


# ---- paper facts both JSON APIs and the feeds use -------------------------------------

def github_repo(paper: Paper) -> str | None:
    return next((link for link in paper.code_links if _GITHUB.match(link)), None)


def project_page(paper: Paper) -> str | None:
    """The first code/project link that is not a GitHub repository (a *.github.io page...)."""
    return next((link for link in paper.code_links if not _GITHUB.match(link)), None)


def day_start(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=timezone.utc) if day else None


def iso_timestamp(moment: datetime | None) -> str | None:
    """``2026-07-01T00:00:00.000Z``: the form the Hugging Face API writes."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def submitted_at(paper: Paper) -> datetime | None:
    """When the paper was put on the daily list: the source's timestamp, else its listing day."""
    raw = paper.extra.get("submitted_on_daily_at")
    if isinstance(raw, str):
        try:
            moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        except ValueError:
            pass
    return day_start(paper.listing_date)


def submitter(paper: Paper, submission: Submission | None) -> str | None:
    """Who submitted the paper: to this site's daily list first, else to its source's (Hugging Face)."""
    return submission.submitter if submission else paper.source_submitter


def extra_words(paper: Paper, key: str) -> list[str]:
    value = paper.extra.get(key)
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
