"""Harvest today's arXiv listing for some categories from rss.arxiv.org."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from paperwire.harvest.errors import HarvestError
from paperwire.harvest.http import PoliteClient
from paperwire.harvest.run import HarvestReport, HarvestRun
from paperwire.sources import listing_feed
from paperwire.store import Catalog

# "cs.CL", "cs.CL+cs.LG", "astro-ph", "math" — what rss.arxiv.org takes after /rss/.
_CATEGORIES = re.compile(r"^[A-Za-z][A-Za-z\-]*(?:\.[A-Za-z\-]+)?(?:\+[A-Za-z][A-Za-z\-]*(?:\.[A-Za-z\-]+)?)*$")


@dataclass(frozen=True)
class FeedQuery:
    rss_url: str  # base, e.g. https://rss.arxiv.org/rss
    categories: str  # "cs.CL+cs.LG"

    @property
    def url(self) -> str:
        return f"{self.rss_url.rstrip('/')}/{self.categories}"


def check_categories(categories: str) -> str:
    """``categories`` if rss.arxiv.org could take it; a ValueError saying the expected form otherwise."""
    categories = categories.strip().replace(" ", "+")
    if not _CATEGORIES.match(categories):
        raise ValueError(f"{categories!r} is not a category list; write e.g. cs.CL or cs.CL+cs.LG or math")
    return categories


def harvest_rss(catalog: Catalog, client: PoliteClient, query: FeedQuery) -> HarvestReport:
    """Store every paper of the feed; a fatal problem lands in ``report.fatal``."""
    with HarvestRun(catalog, query.url, listing_feed.FORMAT) as run:
        try:
            fetched = client.get(query.url)
        except HarvestError as exc:
            run.fail(exc)
            return run.report
        run.store(listing_feed.parse(io.BytesIO(fetched.content), query.url))
        if not run.report.read:
            run.report.notes.append("the feed lists no papers (arXiv announces none on weekends and holidays)")
    return run.report
