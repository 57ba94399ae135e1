"""A polite HTTP client for arXiv: one connection, a minimum interval, Retry-After, backoff.

arXiv asks harvesters for one request every 3 seconds over a single connection, and
answers 503 (or 429) with ``Retry-After`` when it wants them to slow down. The clock is
injected so tests can check every wait without spending it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Callable, Mapping, Protocol

import httpx

from paperwire.harvest.errors import HarvestError

# The server asks us to wait: honour Retry-After.
THROTTLE_STATUSES = frozenset({429, 503})
# Worth another try after a backoff: the server or a proxy stumbled.
TRANSIENT_STATUSES = frozenset({500, 502, 504})


class HttpError(HarvestError):
    """A request that failed for good (after its retries, or with a status not worth retrying)."""

    def __init__(self, url: str, status: int | None, reason: str):
        where = f"HTTP {status}" if status else "no response"
        super().__init__(f"{url}: {where}: {reason}")
        self.url = url
        self.status = status


class Clock(Protocol):
    def monotonic(self) -> float: ...
    def sleep(self, seconds: float) -> None: ...
    def now(self) -> datetime: ...  # aware UTC, to read Retry-After given as an HTTP-date


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def now(self) -> datetime:
        return datetime.now(timezone.utc)


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 5  # retries after the first attempt
    backoff_base_s: float = 5.0  # first backoff; doubles each retry
    backoff_cap_s: float = 120.0
    max_retry_after_s: float = 900.0  # a longer Retry-After means "come back later": fail instead

    def backoff(self, retry: int) -> float:
        return min(self.backoff_cap_s, self.backoff_base_s * 2 ** (retry - 1))


@dataclass(frozen=True)
class Fetched:
    url: str  # as requested, query included
    content: bytes


WaitReporter = Callable[[float, str], None]  # (seconds, why)


class PoliteClient:
    """GETs one at a time, at least ``min_interval_s`` apart (retries included)."""

    def __init__(
        self,
        min_interval_s: float = 3.0,
        *,
        retry: RetryPolicy = RetryPolicy(),
        timeout_s: float = 60.0,
        clock: Clock | None = None,
        transport: httpx.BaseTransport | None = None,
        on_wait: WaitReporter | None = None,
        user_agent: str | None = None,
    ):
        self.min_interval_s = min_interval_s
        self.retry = retry
        self.clock = clock or SystemClock()
        self.on_wait = on_wait
        self._last_request_at: float | None = None
        self._http = httpx.Client(
            headers={"User-Agent": user_agent or default_user_agent()},
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 30.0)),
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            transport=transport,
            follow_redirects=True,
        )

    def __enter__(self) -> "PoliteClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def get(self, url: str, params: Mapping[str, str] | None = None) -> Fetched:
        """The body of ``url``; raises :class:`HttpError` once retries are spent."""
        request_url = str(httpx.URL(url, params=params or {}))
        for attempt in range(self.retry.max_retries + 1):
            self._keep_interval()
            is_last = attempt == self.retry.max_retries
            try:
                response = self._http.get(request_url)
                content = response.content  # read here: a body cut short raises now
            except httpx.TransportError as exc:
                if is_last:
                    raise HttpError(request_url, None, f"{_describe(exc)} ({attempt + 1} tries); "
                                    "check your connection and the base URL, then rerun") from None
                self._wait(self.retry.backoff(attempt + 1), f"{_describe(exc)}, retrying")
                continue
            if response.status_code == 200:
                return Fetched(request_url, content)
            status = response.status_code
            if status not in THROTTLE_STATUSES | TRANSIENT_STATUSES:
                raise HttpError(request_url, status, f"{response.reason_phrase}; check the URL and query")
            if is_last:
                raise HttpError(request_url, status, f"still {response.reason_phrase} after {attempt + 1} tries; "
                                "the server is busy, rerun later (the harvest resumes)")
            self._wait(self._delay(response, attempt + 1), f"HTTP {status}, retrying")
        raise AssertionError("unreachable: the loop returns or raises")

    def _delay(self, response: httpx.Response, retry: int) -> float:
        backoff = self.retry.backoff(retry)
        if response.status_code not in THROTTLE_STATUSES:
            return backoff
        asked = retry_after_seconds(response.headers.get("Retry-After"), self.clock.now())
        if asked is None:
            return backoff
        if asked > self.retry.max_retry_after_s:
            raise HttpError(str(response.url), response.status_code,
                            f"server asks to wait {asked:.0f} s; rerun after that (the harvest resumes)")
        return asked

    def _wait(self, seconds: float, why: str) -> None:
        if seconds > 0:
            if self.on_wait:
                self.on_wait(seconds, why)
            self.clock.sleep(seconds)  # counts towards the interval before the next request

    def _keep_interval(self) -> None:
        now = self.clock.monotonic()
        if self._last_request_at is not None:
            remaining = self._last_request_at + self.min_interval_s - now
            if remaining > 0:
                self.clock.sleep(remaining)
                now = self.clock.monotonic()
        self._last_request_at = now


def default_user_agent() -> str:
    """Names paperwire and its version, so arXiv can tell who is asking."""
    try:
        return f"paperwire/{version('paperwire')} (self-hosted daily papers service)"
    except PackageNotFoundError:
        return "paperwire (self-hosted daily papers service)"


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or HTTP-date); None if unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - now).total_seconds())


def _describe(exc: httpx.TransportError) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
