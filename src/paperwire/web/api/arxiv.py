"""arXiv query API: ``/api/query`` answers the Atom feed of export.arxiv.org/api/query.

Point the ``arxiv`` package at it with ``client.query_url_format = f"{BASE}/api/query?{{}}"``.
Parameters as arXiv's: search_query (ti: au: abs: co: jr: cat: rn: id: all:, AND / OR / ANDNOT,
parentheses, submittedDate:[A TO B]), id_list, start, max_results, sortBy
(relevance | lastUpdatedDate | submittedDate), sortOrder (ascending | descending).

Queries are answered from the keyword index (search.local.field_query: arXiv's fields, words and
phrases): ``relevance`` is the BM25 score of the query's words, the date sorts use the index's date
fields, and totalResults is the exact count of matches; with search_backend = "postgres", inside
PostgreSQL (search.postgres.field_sql), relevance being ts_rank there. ``id_list`` alone is read from the catalog,
in id_list order, as arXiv answers it. A request that cannot be read answers 400 with one Atom
error entry, as arXiv does; 503 when the search index is not built.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, time, timezone

from fastapi import APIRouter, Request
from lxml import etree
from starlette.responses import Response

from paperwire.config import Settings
from paperwire.links import paper_url
from paperwire.paper import clean_text
from paperwire.search import IndexMissing
from paperwire.search.arxiv_query import QueryNode, QuerySyntaxError, arxiv_dates, parse_id_list, parse_search_query
from paperwire.search.local.field_query import SORT_FIELDS
from paperwire.store.catalog import StoredPaper
from paperwire.web.api.common import INDEX_MISSING, ApiError, JsonErrorRoute, search_service
from paperwire.web.deps import get_catalog, get_settings

ATOM_NS = "http://www.w3.org/2005/Atom"
ARXIV_NS = "http://arxiv.org/schemas/atom"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
MAX_RESULTS = 2000  # arXiv's page limit
MAX_START = 30_000  # arXiv serves no further
DEFAULT_MAX_RESULTS = 10
_DIGITS = re.compile(r"[0-9]{1,9}")  # ASCII only: "²" and "①" pass str.isdigit() but int() refuses them


class AtomErrorRoute(JsonErrorRoute):
    """Errors as arXiv gives them: an Atom feed holding one error entry."""

    @staticmethod
    def error_response(request: Request, error: ApiError) -> Response:
        settings = get_settings(request)
        feed = _feed_head(settings, request, total=1, start=0, per_page=1)
        slug = "".join(ch if ch.isalnum() else "_" for ch in error.message[:80])
        error_url = f"{settings.base_url.rstrip('/')}/api/errors#{slug}"
        entry = _atom(feed, "entry")
        _atom(entry, "id", error_url)
        _atom(entry, "title", "Error")
        _atom(entry, "summary", error.message)
        _atom(entry, "updated", _timestamp(datetime.now(timezone.utc).date()))
        _atom(entry, "link", href=error_url, rel="alternate", type="text/html")
        _atom(_atom(entry, "author"), "name", "paperwire api")
        return _response(feed, error.status)


router = APIRouter(tags=["arXiv compatible"], route_class=AtomErrorRoute)


def _atom(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: clean_text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = clean_text(text)
    return element


def _arxiv(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ARXIV_NS}}}{tag}", {k: clean_text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = clean_text(text)
    return element


def _timestamp(day: date) -> str:
    return datetime.combine(day, time.min, tzinfo=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _response(feed: etree._Element, status: int = 200) -> Response:
    body = etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return Response(body, status_code=status, media_type=MEDIA_TYPE)


def _feed_head(settings: Settings, request: Request, *, total: int, start: int, per_page: int) -> etree._Element:
    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS, "opensearch": OPENSEARCH_NS, "arxiv": ARXIV_NS})
    query = clean_text(request.url.query)[:2000]
    self_url = f"{settings.base_url.rstrip('/')}/api/query?{query}"
    _atom(feed, "link", href=self_url, rel="self", type="application/atom+xml")
    _atom(feed, "title", f"{settings.site_name} query: {query}", type="html")
    _atom(feed, "id", f"{settings.base_url.rstrip('/')}/api/{hashlib.sha1(query.encode()).hexdigest()}")
    _atom(feed, "updated", _timestamp(datetime.now(timezone.utc).date()))
    for tag, value in (("totalResults", total), ("startIndex", start), ("itemsPerPage", per_page)):
        etree.SubElement(feed, f"{{{OPENSEARCH_NS}}}{tag}").text = str(value)
    return feed


def _add_entry(settings: Settings, feed: etree._Element, stored: StoredPaper) -> None:
    paper = stored.paper
    site_url = paper_url(settings, paper.id)
    versioned = f"{paper.arxiv_id}v{paper.version or 1}" if paper.arxiv_id else None
    entry_url = f"http://arxiv.org/abs/{versioned}" if versioned else site_url
    published, updated = arxiv_dates(paper)  # the dates the index matches and sorts by
    entry = _atom(feed, "entry")
    _atom(entry, "id", entry_url)
    _atom(entry, "updated", _timestamp(updated))
    _atom(entry, "published", _timestamp(published))
    _atom(entry, "title", paper.display_title)
    _atom(entry, "summary", paper.display_abstract)
    for name in paper.authors:
        _atom(_atom(entry, "author"), "name", name)
    if paper.comment:
        _arxiv(entry, "comment", paper.comment)
    if paper.journal_ref:
        _arxiv(entry, "journal_ref", paper.journal_ref)
    if paper.doi:
        _arxiv(entry, "doi", paper.doi)
        _atom(entry, "link", title="doi", href=f"https://doi.org/{paper.doi}", rel="related")
    _atom(entry, "link", href=entry_url, rel="alternate", type="text/html")
    if versioned:
        _atom(entry, "link", title="pdf", href=f"http://arxiv.org/pdf/{versioned}", rel="related",
              type="application/pdf")
        _atom(entry, "link", title="paperwire", href=site_url, rel="related", type="text/html")
    if paper.primary_category:
        _arxiv(entry, "primary_category", term=paper.primary_category, scheme=ARXIV_NS)
    for category in paper.categories:
        _atom(entry, "category", term=category, scheme=ARXIV_NS)


def _int_param(request: Request, name: str, default: int, maximum: int) -> int:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return default
    if not _DIGITS.fullmatch(raw):
        raise ApiError(400, f"{name} must be a non-negative integer written with the digits 0-9", name)
    value = int(raw)
    if value > maximum:
        raise ApiError(400, f"{name} must be at most {maximum}", name)
    return value


def _by_ids(request: Request, ids: list[str]) -> list[StoredPaper]:
    """The papers of ``ids`` that the catalog holds, in the order given."""
    catalog = get_catalog(request)
    return [stored for stored in map(catalog.get, ids) if stored is not None and not stored.deleted]


def _matching(request: Request, tree: QueryNode, ids: list[str] | None, sort_by: str, ascending: bool,
              start: int, count: int) -> tuple[list[StoredPaper], int]:
    """One page of the papers matching ``tree`` (among ``ids``), and how many match in all."""
    try:
        doc_ids, total = search_service(request).field_page(tree, ids, sort_by, ascending, start, count)
    except IndexMissing:
        raise ApiError(503, INDEX_MISSING) from None
    # The index follows the catalog at each `paperwire index`: a paper deleted since is not shown.
    return [stored for stored in get_catalog(request).by_doc_ids(doc_ids) if not stored.deleted], total


def _parsed(name: str, parse, text: str):
    try:
        return parse(text)
    except QuerySyntaxError as exc:
        raise ApiError(400, str(exc), name) from None


@router.get("/api/query", summary="arXiv API compatible query (Atom)", response_class=Response,
            responses={200: {"content": {"application/atom+xml": {}}}})
def query(request: Request) -> Response:
    params = request.query_params
    settings = get_settings(request)
    search_query = params.get("search_query", "")
    start = _int_param(request, "start", 0, MAX_START)
    count = _int_param(request, "max_results", DEFAULT_MAX_RESULTS, MAX_RESULTS)
    sort_by = params.get("sortBy", "") or "relevance"
    sort_order = params.get("sortOrder", "") or "descending"
    if sort_by not in SORT_FIELDS:
        raise ApiError(400, f"sortBy must be one of {', '.join(sorted(SORT_FIELDS))}", "sortBy")
    if sort_order not in ("ascending", "descending"):
        raise ApiError(400, "sortOrder must be ascending or descending", "sortOrder")
    tree = _parsed("search_query", parse_search_query, search_query) if search_query.strip() else None
    ids = _parsed("id_list", parse_id_list, params.get("id_list", "")) or None

    if tree is None and ids is None:
        papers, total = [], 0
    elif tree is None:
        found = _by_ids(request, ids)
        papers, total = found[start:start + count], len(found)
    else:
        papers, total = _matching(request, tree, ids, sort_by, sort_order == "ascending", start, count)
    feed = _feed_head(settings, request, total=total, start=start, per_page=len(papers))
    for stored in papers:
        _add_entry(settings, feed, stored)
    return _response(feed)
