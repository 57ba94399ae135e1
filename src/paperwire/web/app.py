"""The web application: pages, APIs, feeds and exports on one FastAPI app.

``create_app`` is an app factory, so uvicorn can start it in each worker process:
``uvicorn --factory paperwire.web.app:create_app`` reads the home from PAPERWIRE_HOME.
"""

from __future__ import annotations

import gc
import logging
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send
from threadpoolctl import threadpool_limits

from paperwire.config import Settings, load_settings
from paperwire.search import IndexMissing, open_search
from paperwire.search.local.follower import CatalogFollower, follows_catalog
from paperwire.store import open_catalog
from paperwire.web.api import arxiv as arxiv_api
from paperwire.web.api import docs as api_docs
from paperwire.web.api import hf as hf_api
from paperwire.web.api import v1 as api_v1
from paperwire.web.feeds import citations as exports
from paperwire.web.feeds import syndication as feeds
from paperwire.web.feeds.entries import FeedEntries
from paperwire.web.pages import catalog as pages
from paperwire.web.api.common import INDEX_MISSING, ApiError
from paperwire.web.http.asgi import HttpMiddleware, WatchedSend
from paperwire.web.auth.setup import GLOBAL_DEPENDENCIES, install_auth
from paperwire.web.http.body_limit import BodyLimitMiddleware
from paperwire.web.http.cache import TTLCache
from paperwire.web.http.canonical_host import CanonicalHostMiddleware
from paperwire.web.community.setup import install_community
from paperwire.web.digest.setup import install_digest
from paperwire.web.reader.setup import install_reader
from paperwire.web.http.connection_shares import SharingHttpToolsProtocol
from paperwire.web.http.content_encoding import NegotiatedGZipMiddleware
from paperwire.web.http.head_requests import HeadAsGetMiddleware
from paperwire.web.http.metrics import RequestMetricsMiddleware, install_metrics
from paperwire.web.http.overload import BUSY_MESSAGE, OVERLOAD_ERRORS, RETRY_AFTER, is_overload
from paperwire.web.http.route_memo import remember_routes
from paperwire.web.http.security_headers import SecurityHeadersMiddleware
from paperwire.web.http.templating import STATIC_DIR, compile_templates, make_environment, page_response, render_page

log = logging.getLogger(__name__)

# The API routers go before the pages, so /papers/{id:path} cannot shadow a more
# specific route of theirs (/papers/{id}.bib).
API_ROUTERS = (api_v1.router, hf_api.router, arxiv_api.router, feeds.router, exports.router, api_docs.router)
STATIC_MAX_AGE_S = 365 * 24 * 3600  # static URLs carry a content hash (?v=...)
PAGE_CACHE_AGE_S = 30.0
PAGE_STALE_S = 300.0  # an expired page is served for this long while it is re-rendered
PAGE_CACHE_BYTES = 32 * 1024 * 1024  # per worker: pages, their gzip and their URLs
PAGE_CACHE_ENTRIES = 4096
VALUE_CACHE_AGE_S = 300.0
BIBTEX_ENTRIES = 4096  # a paper page's BibTeX entries, ~2 KB each
BIBTEX_BYTES = 8_000_000
BIBTEX_AGE_S = 3600.0  # a revision never changes its text: the age only returns memory of papers unread
HANDLER_THREADS = 1  # per worker process
GZIP_IN_THREAD_FROM = 1024 * 1024  # bytes of a response body
FULL_COLLECTION_AFTER = 100  # middle-generation collections between full ones (Python: 10)


class CachedStaticFiles(StaticFiles):
    """Static files with ETag/Last-Modified (from Starlette) and a long Cache-Control."""

    def file_response(self, *args, **kwargs) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE_S}, immutable"
        return response


def create_app(settings: Settings | None = None) -> FastAPI:
    """The paperwire site for ``settings`` (default: the home in PAPERWIRE_HOME)."""
    settings = settings or load_settings()
    catalog = open_catalog(settings.catalog_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.search.prepare()  # the model and indexes loaded before the first reader's search
        # So are FastAPI's routes and the templates, which each take ~0.4 s to build on first use.
        app.state.routes.prepare()
        compile_templates(app.state.templates)
        # One handler thread per worker: requests then run one after another instead of taking
        # turns at one GIL, so each finishes as soon as it can. Forty, four and two threads
        # answered fewer requests with longer tails (docs/benchmarks.md); the rest wait their
        # turn on the event loop, and every request has a bounded cost (README).
        anyio.to_thread.current_default_thread_limiter().total_tokens = HANDLER_THREADS
        # One BLAS thread per call: the requests are the parallelism. With OpenBLAS's default
        # (a thread a core, spinning while idle) concurrent exact vector searches took turns
        # with each other's spinning threads: 59 -> 132 searches/s (docs/benchmarks.md).
        threadpool_limits(limits=1, user_api="blas")
        follower = CatalogFollower(settings, catalog) if follows_catalog(settings, catalog) else None
        if follower:
            follower.start()
        # What start-up built (modules, the indexes' tables, the model) lives as long as the
        # worker: frozen out of the collector, a full collection no longer walks its ~250k
        # objects (~120 ms, every request of the worker waiting) a few times a minute.
        gc.freeze()
        # What the worker's memos keep (papers, card bodies, formulas: ~100k objects once full)
        # is not frozen, and a full collection walking it stalled every waiting request for
        # 20-45 ms every ~1,000 requests. Young cycles are still collected as often as before;
        # full collections come after 100 middle-generation ones instead of 10.
        gc.set_threshold(*gc.get_threshold()[:2], FULL_COLLECTION_AFTER)
        # Ready: under `paperwire serve --workers N` this worker now takes its share of connections.
        SharingHttpToolsProtocol.shares()
        yield
        if follower:
            follower.stop()
        catalog.engine.dispose()

    app = FastAPI(title=settings.site_name, lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json", dependencies=GLOBAL_DEPENDENCIES)  # who asks; CSRF
    app.state.settings = settings
    app.state.catalog = catalog
    app.state.search = open_search(settings, catalog)
    app.state.templates = make_environment(settings)
    app.state.feed_entries = FeedEntries()
    app.state.bibtex_entries = TTLCache(max_entries=BIBTEX_ENTRIES, max_age_s=BIBTEX_AGE_S, max_bytes=BIBTEX_BYTES)
    app.state.page_cache = TTLCache(max_entries=PAGE_CACHE_ENTRIES, max_age_s=PAGE_CACHE_AGE_S,
                                    max_stale_s=PAGE_STALE_S, max_bytes=PAGE_CACHE_BYTES)
    app.state.value_cache = TTLCache(max_entries=64, max_age_s=VALUE_CACHE_AGE_S)
    app.state.page_renders = {}  # URL -> the render in progress, awaited by its other readers
    app.state.page_refreshes = set()  # background re-renders of stale pages

    # Added innermost first: a HEAD is a GET to all of them, and every answer, a 500 too,
    # leaves with the security headers.
    app.add_middleware(BodyLimitMiddleware)
    # ISA-L's level 1 for what is compressed on every request (cached pages are compressed once,
    # by zlib at 6): a fifth of zlib's level 1 time, and no larger. Bodies under
    # 1 MiB (~2.5 ms) are compressed inline: a thread hop (Starlette's default from 128 KiB)
    # would cost a 150 KB answer more than its 0.4 ms of compression.
    app.add_middleware(NegotiatedGZipMiddleware, minimum_size=1000, compresslevel=1,
                       thread_minimum_size=GZIP_IN_THREAD_FROM)
    app.add_middleware(LastResortErrors)
    app.add_middleware(RequestMetricsMiddleware)  # inside CanonicalHost, which routes a copy of the scope
    app.add_middleware(CanonicalHostMiddleware, base_url=settings.base_url)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(HeadAsGetMiddleware)
    app.mount(api_docs.ASSETS_PATH, CachedStaticFiles(directory=api_docs.ASSETS_DIR), name="swagger-ui")
    app.mount("/static", CachedStaticFiles(directory=STATIC_DIR), name="static")
    install_reader(app)  # first: its /api/v1/me/library/import before the community's /me/library/{id:path}
    install_community(app)  # before api_v1: its /api/v1/papers/{id}/comments before /papers/{id:path}
    install_digest(app)
    install_metrics(app)
    for router in API_ROUTERS:
        app.include_router(router)
    install_auth(app, error_page=_error_page, wants_page=_wants_page)
    app.include_router(pages.router)
    add_error_pages(app)
    app.state.routes = remember_routes(app.router)  # last: every route is in place
    return app


def _wants_page(request: Request) -> bool:
    # API clients get the JSON errors of FastAPI; people get a page.
    return not request.url.path.startswith(("/api/", "/feeds/")) and "json" not in request.headers.get("accept", "")


def _error_page(request: Request, status: int, message: str, headers: dict | None = None) -> Response:
    headings = {400: "That request is not quite right", 404: "Not found", 503: "Not available right now"}
    page = render_page(request, "error.html", {
        "title": headings.get(status, "Something went wrong"), "status": status, "message": message, "feeds": [],
    }, status=status)
    response = page_response(request, page, cacheable=False)
    response.headers.update(headers or {})
    return response


def add_error_pages(app: FastAPI) -> None:
    """Errors render a friendly page (never a stack trace)."""

    @app.exception_handler(pages.PageError)
    async def page_error(request: Request, exc: pages.PageError) -> Response:
        return _error_page(request, exc.status, exc.message)

    @app.exception_handler(ApiError)  # a page checking its parameters as the APIs do
    async def page_parameter_error(request: Request, exc: ApiError) -> Response:
        return _error_page(request, exc.status, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if not _wants_page(request) or exc.status_code < 400:
            return await http_exception_handler(request, exc)
        message = "There is no page at this address." if exc.status_code == 404 else str(exc.detail)
        return _error_page(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def bad_parameters(request: Request, exc: RequestValidationError) -> Response:
        if not _wants_page(request):
            return await request_validation_exception_handler(request, exc)
        fields = ", ".join(str(e["loc"][-1]) for e in exc.errors())
        return _error_page(request, 400, f"These parameters cannot be read: {fields}.")

    async def busy(request: Request, exc: Exception) -> Response:
        if not is_overload(exc):
            raise exc  # a real failure: LastResortErrors answers it
        if not _wants_page(request):
            return JSONResponse({"error": BUSY_MESSAGE, "parameter": None}, status_code=503, headers=RETRY_AFTER)
        return _error_page(request, 503, f"The site is busy: {BUSY_MESSAGE}.", headers=RETRY_AFTER)

    for error in OVERLOAD_ERRORS:  # the API routes answer these themselves (api_common.JsonErrorRoute)
        app.add_exception_handler(error, busy)

    @app.exception_handler(IndexMissing)  # e.g. a saved search's private feed before `paperwire index`
    async def no_index(request: Request, exc: IndexMissing) -> Response:
        if not _wants_page(request):
            return JSONResponse({"error": INDEX_MISSING, "parameter": None}, status_code=503)
        return _error_page(request, 503, f"The site is not ready: {INDEX_MISSING}.")


def _internal_error(request: Request) -> Response:
    if not _wants_page(request):
        return Response('{"detail":"internal error"}', status_code=500, media_type="application/json")
    return _error_page(request, 500, "Something broke on our side. It has been logged; please try again later.")


class LastResortErrors(HttpMiddleware):
    """An exception no handler took: logged once, with its path, and answered 500.

    A FastAPI handler for Exception would run inside Starlette's ServerErrorMiddleware, which
    re-raises after answering so that the server logs the error a second time; nothing
    is re-raised from here.
    """

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        watched_send = WatchedSend(send)
        try:
            await self.app(scope, receive, watched_send)
        except Exception:
            log.exception("error serving %s", scope["path"])
            if not watched_send.started:  # else the answer is half sent: the server closes the connection
                await _internal_error(Request(scope))(scope, receive, send)
