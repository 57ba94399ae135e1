"""This site's URLs, made from the configured base URL: never from a request's Host header.

Pages, APIs, feeds and the digests' e-mails all link to the same places.
"""

from __future__ import annotations

from urllib.parse import quote

from paperwire.config import Settings


def paper_path(paper_id: str) -> str:
    """The paper page's path on this site (old-style ids keep their slash)."""
    return f"/papers/{quote(paper_id, safe='/')}"


def site_url(settings: Settings, path: str, query: str = "") -> str:
    """An absolute URL on this site."""
    return settings.base_url.rstrip("/") + path + (f"?{query}" if query else "")


def paper_url(settings: Settings, paper_id: str) -> str:
    """The paper page's absolute URL, so it never varies by request."""
    return site_url(settings, paper_path(paper_id))
