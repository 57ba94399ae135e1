"""Rate limits shared by every worker and node: the ``limits`` library's fixed-window
strategy, its counters kept in the ``rate_limits`` table instead of process memory.

Each rule limits per account, per address (the client's IP), or both, with limits from the
settings (``limit_<rule>_per_<account|address>``, e.g. "10/minute", several joined by ";",
empty for none)::

    limits = RateLimits(catalog.engine, settings)
    limits.hit("sign_in", account=typed_name, address=client_ip)  # RateLimited when over
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
import time
from contextlib import contextmanager
from typing import Iterator

from limits import RateLimitItem, parse_many
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import Engine, bindparam, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from paperwire.config import ConfigError, Settings
from paperwire.store.people_schema import rate_limits

RULES = {
    "sign_in": ("account", "address"),
    "sign_up": ("address",),
    "password_reset": ("account", "address"),
    # Per address too, and higher: members behind one lab's address share it.
    "submit": ("account", "address"),
    "vote": ("account", "address"),
    "comment": ("account", "address"),
    # A digest confirmation mail: "account" is the address it goes to.
    "subscribe": ("account", "address"),
    # Reading a reference file (up to 5 MB, 5,000 entries) or a list of names to follow.
    "import": ("account", "address"),
}
PURGE_EVERY_S = 300.0
# Identifiers stored as they are (readable when debugging); others (long, '/', Unicode) as a digest.
_PLAIN_IDENTIFIER = re.compile(r"[a-z0-9@._:+-]{1,64}")


class RateLimited(Exception):
    """Too many attempts: the web answers 429 with ``Retry-After: retry_after_s``."""

    def __init__(self, rule: str, retry_after_s: int) -> None:
        super().__init__(f"too many {rule.replace('_', '-')} attempts: try again in {retry_after_s} s")
        self.rule = rule
        self.retry_after_s = retry_after_s


class TableStorage(Storage):
    """A ``limits`` storage in the ``rate_limits`` table. Each increment is one atomic upsert,
    so two workers (or nodes) counting the same key never lose a hit."""

    STORAGE_SCHEME = None  # built with an engine, not from a URI

    def __init__(self, db: Engine) -> None:
        super().__init__()
        self.db = db
        self._upsert = _counted_upsert(postgresql.insert if db.dialect.name == "postgresql" else sqlite.insert)
        self._counting = threading.local()  # the transaction of counting()'s block, in this thread

    @contextmanager
    def counting(self) -> Iterator[None]:
        """Every increment in the block in one transaction: an attempt counted against its
        account's and its address's limits is one write, not one a limit."""
        with self.db.begin() as connection:
            self._counting.connection = connection
            try:
                yield
            finally:
                self._counting.connection = None

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        counted = {"key": key, "count": amount, "expires_at": now + expiry, "now": now}
        connection = getattr(self._counting, "connection", None)
        if connection is not None:
            return connection.execute(self._upsert, counted).scalar_one()
        with self.db.begin() as connection:
            return connection.execute(self._upsert, counted).scalar_one()

    def get(self, key: str) -> int:
        row = self._live_row(key)
        return row.count if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._live_row(key)
        return row.expires_at if row else time.time()

    def check(self) -> bool:
        try:
            with self.db.connect() as connection:
                connection.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self.db.begin() as connection:
            return connection.execute(delete(rate_limits)).rowcount

    def clear(self, key: str) -> None:
        with self.db.begin() as connection:
            connection.execute(delete(rate_limits).where(rate_limits.c.key == key))

    def purge_expired(self) -> int:
        with self.db.begin() as connection:
            return connection.execute(delete(rate_limits).where(rate_limits.c.expires_at <= time.time())).rowcount

    def _live_row(self, key: str):
        query = select(rate_limits.c.count, rate_limits.c.expires_at).where(
            rate_limits.c.key == key, rate_limits.c.expires_at > time.time()
        )
        with self.db.connect() as connection:
            return connection.execute(query).first()


class RateLimits:
    """The site's named rules over one shared TableStorage."""

    def __init__(self, db: Engine, settings: Settings) -> None:
        self.storage = TableStorage(db)
        self.limiter = FixedWindowRateLimiter(self.storage)
        self.rules = {
            rule: {kind: _parsed(settings, f"limit_{rule}_per_{kind}") for kind in kinds}
            for rule, kinds in RULES.items()
        }
        self._next_purge = 0.0
        self._purge_lock = threading.Lock()

    def hit(self, rule: str, account: str | None = None, address: str | None = None) -> None:
        """Count one attempt at ``rule`` by ``account`` (a username, id or what was typed)
        and from ``address``; RateLimited when any of its limits is used up."""
        if rule not in self.rules:
            raise ValueError(f"unknown rate limit rule {rule!r}; known: {', '.join(self.rules)}")
        self._purge_now_and_then()
        counted = [(item, (rule, kind, _stored_identifier(identifier)))
                   for kind, identifier in (("account", account), ("address", address)) if identifier is not None
                   for item in self.rules[rule].get(kind, ())]
        if not counted:  # no limit set for this rule
            return
        with self.storage.counting():  # up to the first limit used up: the rest do not count this attempt
            refused = next(((item, key) for item, key in counted if not self.limiter.hit(item, *key)), None)
        if refused is not None:
            item, key = refused
            reset_at = self.limiter.get_window_stats(item, *key).reset_time
            raise RateLimited(rule, max(1, math.ceil(reset_at - time.time())))

    def _purge_now_and_then(self) -> None:
        # Lapsed windows are dead rows: one worker now and then deletes them, without a job.
        now = time.monotonic()
        if now >= self._next_purge and self._purge_lock.acquire(blocking=False):
            try:
                self._next_purge = now + PURGE_EVERY_S
                self.storage.purge_expired()
            finally:
                self._purge_lock.release()


def _counted_upsert(insert):
    """One hit counted, as one atomic upsert: built once, as every vote, comment and sign-in runs it."""
    fresh = insert(rate_limits).values(key=bindparam("key"), count=bindparam("count"),
                                       expires_at=bindparam("expires_at"))
    lapsed = rate_limits.c.expires_at <= bindparam("now")  # a window that ended starts over
    return fresh.on_conflict_do_update(
        index_elements=[rate_limits.c.key],
        set_={
            "count": case((lapsed, fresh.excluded.count), else_=rate_limits.c.count + fresh.excluded.count),
            "expires_at": case((lapsed, fresh.excluded.expires_at), else_=rate_limits.c.expires_at),
        },
    ).returning(rate_limits.c.count)


def _parsed(settings: Settings, name: str) -> list[RateLimitItem]:
    text = getattr(settings, name)
    if not text.strip():
        return []
    try:
        return parse_many(text)
    except ValueError:
        raise ConfigError(
            f"setting {name}: {text!r} is not a rate limit such as '10/minute' or '5/hour;20/day'"
        ) from None


def _stored_identifier(identifier: object) -> str:
    text = str(identifier).lower()
    if _PLAIN_IDENTIFIER.fullmatch(text):
        return text
    return "sha256-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
