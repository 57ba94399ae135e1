"""RSS 2.0 and Atom feeds of a day's papers, trending papers, a category and a search.

URLs: ``/feeds/daily.rss|.atom?date=YYYY-MM-DD``, ``/feeds/trending.rss|.atom``,
``/feeds/category/{cat}.rss|.atom``, ``/feeds/search.rss|.atom?q=...``. Documents are built
with lxml, so any title or abstract is escaped correctly. Every item's guid / id is the
paper's URL on this site (from the configured base_url), so it never changes between fetches.

Pages link their feeds with :func:`feed_links_for`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from email.utils import format_datetime
from typing import Annotated, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Path, Query, Request
from lxml import etree
from starlette.responses import Response

from paperwire.config import Settings
from paperwire.links import paper_url, site_url
from paperwire.paper import clean_text
from paperwire.store import browse
from paperwire.store.catalog import StoredPaper
from paperwire.web.api.common import (
    MAX_CATEGORY_CHARS,
    ApiError,
    JsonErrorRoute,
    bad_parameter,
    check_text,
    day_start,
    parse_date_param,
)
from paperwire.web.api.v1 import SearchQuery, trending_since
from paperwire.web.deps import get_catalog, get_settings
from paperwire.web.feeds.entries import FeedEntries

FEED_SIZE = 50
ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
FeedFormat = Literal["rss", "atom"]

router = APIRouter(prefix="/feeds", tags=["feeds"], route_class=JsonErrorRoute)


@dataclass(frozen=True)
class FeedLink:
    """One ``<link rel="alternate">`` of a page: ``title``, ``href`` and ``media_type``."""

    title: str
    href: str
    media_type: str


def feed_links_for(kind: str, *, day: date | None = None, category: str | None = None,
                   query: str | None = None, base_url: str = "") -> list[FeedLink]:
    """The RSS and Atom links for a page: ``kind`` is daily, trending, category or search.

    ``day`` (daily), ``category`` and ``query`` (search) name what the page shows;
    ``base_url`` (settings.base_url) makes the links absolute, which feed readers prefer.
    A search page without a query, or an unknown kind, has no feeds.
    """
    base = base_url.rstrip("/")
    if kind == "daily":
        name, path, params = (f"Papers of {day.isoformat()}" if day else "Daily papers"), "daily", (
            {"date": day.isoformat()} if day else {})
    elif kind == "trending":
        name, path, params = "Trending papers", "trending", {}
    elif kind == "category" and category:
        name, path, params = f"New in {category}", f"category/{quote(category, safe='')}", {}
    elif kind == "search" and query and query.strip():
        name, path, params = f"Search: {query.strip()}", "search", {"q": query.strip()}
    else:
        return []
    suffix = f"?{urlencode(params)}" if params else ""
    return [FeedLink(f"{name} ({label})", f"{base}/feeds/{path}.{fmt}{suffix}", MEDIA_TYPES[fmt])
            for fmt, label in (("rss", "RSS"), ("atom", "Atom"))]


@dataclass(frozen=True)
class FeedInfo:
    """What a feed is about: its title, the page it mirrors and its own URL."""

    title: str
    description: str
    page_url: str
    feed_url: str


def _published(stored: StoredPaper) -> datetime:
    paper = stored.paper
    return day_start(paper.listing_date or paper.published_date or paper.updated_date) or datetime(
        1970, 1, 1, tzinfo=timezone.utc)


def _updated(papers: list[StoredPaper]) -> datetime:
    # The newest item's day, so an unchanged feed reads the same on every fetch.
    return max((_published(p) for p in papers), default=datetime(1970, 1, 1, tzinfo=timezone.utc))


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, tag, {name: clean_text(value) for name, value in attributes.items()})
    if text is not None:
        element.text = clean_text(text)
    return element


def _spliced(head: etree._Element, container: bytes, items: list[bytes]) -> bytes:
    """The document ``head`` with ``items`` put at the end of its element named ``container``."""
    document = etree.tostring(head, xml_declaration=True, encoding="utf-8", pretty_print=True)
    before, closing, after = document.rpartition(b"</" + container + b">")
    return b"".join((before, *items, closing, after))


def rss_document(settings: Settings, info: FeedInfo, papers: list[StoredPaper], entries: FeedEntries) -> bytes:
    rss = etree.Element("rss", version="2.0", nsmap={"atom": ATOM_NS, "dc": DC_NS})
    channel = _sub(rss, "channel")
    _sub(channel, "title", f"{settings.site_name}: {info.title}")
    _sub(channel, "link", info.page_url)
    _sub(channel, "description", info.description)
    _sub(channel, "language", "en")
    _sub(channel, "lastBuildDate", format_datetime(_updated(papers)))
    _sub(channel, "generator", "paperwire")
    _sub(channel, f"{{{ATOM_NS}}}link", href=info.feed_url, rel="self", type=MEDIA_TYPES["rss"])

    def item(stored: StoredPaper) -> etree._Element:
        paper = stored.paper
        url = paper_url(settings, paper.id)
        element = etree.Element("item", nsmap={"dc": DC_NS})
        _sub(element, "title", paper.display_title)
        _sub(element, "link", url)
        _sub(element, "guid", url, isPermaLink="true")
        _sub(element, "description", paper.display_abstract)
        _sub(element, "pubDate", format_datetime(_published(stored)))
        for author in paper.authors:
            _sub(element, f"{{{DC_NS}}}creator", author)
        for category in paper.categories:
            _sub(element, "category", category)
        return element

    return _spliced(rss, b"channel", [entries("rss", stored, item) for stored in papers])


def atom_document(settings: Settings, info: FeedInfo, papers: list[StoredPaper], entries: FeedEntries) -> bytes:
    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})

    def atom(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
        return _sub(parent, f"{{{ATOM_NS}}}{tag}", text, **attributes)

    atom(feed, "id", info.feed_url)
    atom(feed, "title", f"{settings.site_name}: {info.title}")
    atom(feed, "subtitle", info.description)
    atom(feed, "updated", _updated(papers).isoformat())
    atom(feed, "link", href=info.feed_url, rel="self", type=MEDIA_TYPES["atom"])
    atom(feed, "link", href=info.page_url, rel="alternate", type="text/html")
    atom(feed, "generator", "paperwire")

    def entry(stored: StoredPaper) -> etree._Element:
        paper = stored.paper
        url = paper_url(settings, paper.id)
        element = etree.Element(f"{{{ATOM_NS}}}entry", nsmap={None: ATOM_NS})
        atom(element, "id", url)
        atom(element, "title", paper.display_title, type="text")
        atom(element, "link", href=url, rel="alternate", type="text/html")
        atom(element, "published", _published(stored).isoformat())
        atom(element, "updated", _published(stored).isoformat())
        for name in paper.authors or ("unknown",):
            atom(atom(element, "author"), "name", name)
        atom(element, "summary", paper.display_abstract, type="text")
        for category in paper.categories:
            atom(element, "category", term=category)
        return element

    return _spliced(feed, b"feed", [entries("atom", stored, entry) for stored in papers])


def feed_response(request: Request, format: FeedFormat, info: FeedInfo, papers: list[StoredPaper]) -> Response:
    settings = get_settings(request)
    render = rss_document if format == "rss" else atom_document
    body = render(settings, info, papers, request.app.state.feed_entries)
    return Response(body, media_type=f"{MEDIA_TYPES[format]}; charset=utf-8")


def _feed_url(request: Request, settings: Settings) -> str:
    return site_url(settings, quote(request.url.path), request.url.query)


Format = Annotated[FeedFormat, Path(description="rss or atom")]


@router.get("/daily.{format}", summary="Papers of a day (latest by default), as RSS or Atom")
def daily_feed(request: Request, format: Format,
               date: Annotated[str | None, Query(description="Day YYYY-MM-DD.")] = None) -> Response:
    settings, catalog = get_settings(request), get_catalog(request)
    day = parse_date_param("date", date) or browse.latest_listing_date(catalog)
    papers = browse.papers_in_period(catalog, day, day, sort="upvotes", limit=FEED_SIZE, counted=False)[0] if day else []
    label = day.isoformat() if day else "no papers yet"
    page = f"{settings.base_url.rstrip('/')}/" + (f"?date={day.isoformat()}" if day else "")
    info = FeedInfo(f"Papers of {label}", f"Papers listed on {label}, most upvoted first.", page,
                    _feed_url(request, settings))
    return feed_response(request, format, info, papers)


@router.get("/trending.{format}", summary="Trending papers, as RSS or Atom")
def trending_feed(request: Request, format: Format) -> Response:
    settings = get_settings(request)
    papers, _ = browse.trending(get_catalog(request), since=trending_since(request), limit=FEED_SIZE)
    info = FeedInfo("Trending papers", "Recent papers, most talked about first.",
                    f"{settings.base_url.rstrip('/')}/trending", _feed_url(request, settings))
    return feed_response(request, format, info, papers)


@router.get("/category/{category}.{format}", summary="New papers in a category, as RSS or Atom")
def category_feed(request: Request, format: Format,
                  category: Annotated[str, Path(max_length=MAX_CATEGORY_CHARS, examples=["cs.CL"])]) -> Response:
    settings = get_settings(request)
    category = check_text("category", category, MAX_CATEGORY_CHARS)
    papers, total = browse.papers_by_category(get_catalog(request), category, limit=FEED_SIZE)
    if total == 0:  # as its page does: a mistyped category is not an empty feed to subscribe to
        raise ApiError(404, f"no papers in category {category[:40]!r}; /categories lists them", "category")
    info = FeedInfo(f"New in {category}", f"The newest papers in {category}.",
                    f"{settings.base_url.rstrip('/')}/categories/{quote(category, safe='')}",
                    _feed_url(request, settings))
    return feed_response(request, format, info, papers)


@router.get("/search.{format}", summary="Papers matching a search, most relevant first, as RSS or Atom")
def search_feed(request: Request, format: Format,
                q: Annotated[str, Query(description="Search text.")] = "") -> Response:
    settings = get_settings(request)
    text = check_text("q", q)
    if not text:
        raise bad_parameter("q", "empty query; give some words to search for")
    # The search page's ranking, so the feed holds what the reader saw there.
    results = SearchQuery(q=text).run(request, FEED_SIZE, 0)
    info = FeedInfo(f"Search: {text}", f"Papers matching {text!r}, most relevant first.",
                    f"{settings.base_url.rstrip('/')}/search?{urlencode({'q': text})}", _feed_url(request, settings))
    # A feed is for new matches: papers merely close in meaning to words no paper holds are not.
    matches = [] if results.closest_by_meaning else [hit.paper for hit in results.hits]
    return feed_response(request, format, info, matches)
