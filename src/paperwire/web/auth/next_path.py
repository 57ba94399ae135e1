"""Where to go after signing in: a path on this site, never another site (no open redirect)."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

MAX_LENGTH = 2000


def local_path(target: object) -> str | None:
    """``target`` when it is a path on this site ("/papers/2601.01234?x=1"), else None.

    Refused: absolute URLs, scheme-relative "//host", "/\\host" (browsers read "\\" as "/"),
    and any whitespace or control character (browsers drop tabs and newlines from URLs, so
    "/\\t/host" would become "//host")."""
    if not isinstance(target, str) or not target.startswith("/") or len(target) > MAX_LENGTH:
        return None
    if target.startswith("//") or "\\" in target or any(ch.isspace() or not ch.isprintable() for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def signin_url(next_path: str | None) -> str:
    """/signin, coming back to ``next_path`` afterwards where it is a local path."""
    target = local_path(next_path)
    return "/signin" if target in (None, "/") else "/signin?next=" + quote(target, safe="/")
