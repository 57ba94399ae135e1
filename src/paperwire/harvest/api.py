"""Harvest the results of an arXiv API query (export.arxiv.org/api/query), page by page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import httpx

from paperwire.harvest.errors import HarvestError
from paperwire.harvest.http import PoliteClient
from paperwire.harvest.pages import fetch_page
from paperwire.harvest.run import HarvestReport, HarvestRun
from paperwire.paper import Paper
from paperwire.sources import arxiv_atom
from paperwire.store import Catalog, StoredPaper

SORT_BY = ("relevance", "lastUpdatedDate", "submittedDate")
SORT_ORDER = ("descending", "ascending")
DEFAULT_PAGE_SIZE = 100  # arXiv suggests modest pages; 2000 is its maximum

PageReporter = Callable[[HarvestReport, arxiv_atom.AtomPage], None]


@dataclass(frozen=True)
class ApiQuery:
    api_url: str
    search_query: str  # arXiv syntax, e.g. "cat:cs.CL AND ti:embedding"
    max_results: int | None = 1000  # None: every result the API will give
    page_size: int = DEFAULT_PAGE_SIZE
    sort_by: str = "submittedDate"
    sort_order: str = "descending"

    def params(self, start: int, size: int) -> dict[str, str]:
        return {"search_query": self.search_query, "start": str(start), "max_results": str(size),
                "sortBy": self.sort_by, "sortOrder": self.sort_order}


def harvest_api(catalog: Catalog, client: PoliteClient, query: ApiQuery,
                on_page: PageReporter | None = None) -> HarvestReport:
    """Store every result of ``query`` (up to ``max_results``); a fatal problem lands in ``report.fatal``."""
    origin = str(httpx.URL(query.api_url, params={"search_query": query.search_query}))
    with HarvestRun(catalog, origin, arxiv_atom.FORMAT) as run:
        try:
            _harvest_results(client, query, run, on_page)
        except HarvestError as exc:
            run.fail(exc)
    return run.report


def _harvest_results(client: PoliteClient, query: ApiQuery, run: HarvestRun, on_page: PageReporter | None) -> None:
    start = 0
    while query.max_results is None or start < query.max_results:
        size = query.page_size if query.max_results is None else min(query.page_size, query.max_results - start)
        origin = f"{query.api_url} start={start}"
        page = fetch_page(client, query.api_url, query.params(start, size), arxiv_atom.parse_page, origin,
                          final_errors=(arxiv_atom.ApiError,))
        if not page.items:
            if not start:
                run.report.notes.append("no results for this query")
            return  # the end, or arXiv's occasional empty page: rerunning is idempotent
        run.store(page.items[:size])
        start += len(page.items[:size])
        if on_page:
            on_page(run.report, page)
        if page.total_results is not None and start >= page.total_results:
            return


def fetch_paper(catalog: Catalog, client: PoliteClient, api_url: str, arxiv_id: str) -> StoredPaper | None:
    """Fetch one paper by its arXiv id (``id_list=``) and store it; None when arXiv has no such paper.

    Raises HarvestError when arXiv cannot be reached or answers with an error. The fetch is
    recorded as an import run, as every harvest is.
    """
    params = {"id_list": arxiv_id, "max_results": "1"}
    origin = str(httpx.URL(api_url, params=params))
    page = fetch_page(client, api_url, params, arxiv_atom.parse_page, origin, final_errors=(arxiv_atom.ApiError,))
    found = [item for item in page.items if isinstance(item, Paper) and item.id == arxiv_id]
    if not found:
        return None
    with HarvestRun(catalog, origin, arxiv_atom.FORMAT) as run:
        run.store(found)
    return catalog.get(arxiv_id)
