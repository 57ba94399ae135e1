"""Prometheus metrics: every request timed by route, and /metrics for admins and monitoring hosts.

Requests are labelled by the route's template (``/papers/{paper_id:path}``), never the path
a client typed, and by a closed set of methods and status classes, so no client can grow the
number of series (each is memory in every worker for the life of the process). A request no
route took (an unknown path) counts under ``route="unmatched"``.

/metrics answers admins (signed in, or with an admin's API token of either scope) and clients
whose address is in ``metrics_allowed_addresses``; to anyone else it is the site's 404, as for
a path that does not exist, so that it does not say it is there.
"""

from __future__ import annotations

import ipaddress
import time
from typing import Iterable

from fastapi import FastAPI, Request
from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.exposition import choose_encoder
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paperwire.config import metrics_networks
from paperwire.web.auth.viewer import BadToken, viewer_of
from paperwire.web.http.asgi import HttpMiddleware
from paperwire.web.metrics_collector import CatalogCollector
from paperwire.web.metrics_processes import process_metrics

UNMATCHED = "unmatched"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")  # HEAD arrives as GET (head_requests)
REQUEST_SECONDS = Histogram(
    "paperwire_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by route template, method and status class "
    "(its _count is the number of requests)",
    ["route", "method", "status"],
)


class RequestMetricsMiddleware(HttpMiddleware):
    """Times each request into REQUEST_SECONDS (a few microseconds: pure ASGI, no copy of the body).

    The route is read from what the router leaves in the very scope it routed (so no middleware
    between this one and the router may hand on a copy): FastAPI's routes leave themselves in
    ``scope["route"]``; Starlette's routes and mounts (static files, /metrics) only the endpoint
    or app they ran, in ``scope["endpoint"]``, looked up among the app's routes.
    """

    def __init__(self, app: ASGIApp):
        super().__init__(app)
        self._templates: dict[object, str] | None = None  # endpoint or mounted app -> path template

    def route_template(self, scope: Scope) -> str:
        route = scope.get("route")
        if route is not None:
            return route.path
        endpoint = scope.get("endpoint")
        if endpoint is None:
            return UNMATCHED
        if self._templates is None:  # at the first request, once every route is in place
            self._templates = {getattr(r, "endpoint", None) or getattr(r, "app", None): r.path
                               for r in scope["app"].routes if isinstance(getattr(r, "path", None), str)}
        return self._templates.get(endpoint, UNMATCHED)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        status = 500  # what the server answers when the app fails before answering

        async def watched_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, watched_send)
        finally:
            method = scope["method"] if scope["method"] in METHODS else "other"
            labels = REQUEST_SECONDS.labels(self.route_template(scope), method, f"{status // 100}xx")
            labels.observe(time.perf_counter() - started)


def is_allowed(host: str | None, networks: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    """Whether a client address (as the server saw it, or as a trusted proxy forwarded it) is in ``networks``."""
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:  # a Unix socket, or no address at all
        return False
    address = getattr(address, "ipv4_mapped", None) or address  # ::ffff:10.1.2.3 is 10.1.2.3
    return any(address in network for network in networks)


def install_metrics(app: FastAPI) -> None:
    """/metrics on ``app``; the middleware is added by the app, where the scope is not yet copied.

    A plain Starlette route, taking every method: a FastAPI route would run the app's global
    dependencies first (a refused CSRF check, a bad token's 401) and answer other methods 405,
    where a path that does not exist answers 404 to all of them.
    """
    app.state.metrics_networks = metrics_networks(app.state.settings)
    app.state.catalog_metrics = CatalogCollector(app.state.settings, app.state.catalog)
    app.add_route("/metrics", metrics, methods=list(METHODS), include_in_schema=False)


def metrics(request: Request) -> Response:
    if not (request.method == "GET" and _may_read(request)):
        raise StarletteHTTPException(status_code=404)  # what an unknown path answers
    registry = CollectorRegistry()
    registry.register(process_metrics())
    registry.register(request.app.state.catalog_metrics)
    encoder, content_type = choose_encoder(request.headers.get("accept", ""))
    return Response(encoder(registry), media_type=content_type, headers={"Cache-Control": "no-store"})


def _may_read(request: Request) -> bool:
    if is_allowed(request.client.host if request.client else None, request.app.state.metrics_networks):
        return True
    try:
        member = viewer_of(request).member
    except BadToken:  # as on the 404 page of a path that does not exist: shown signed out
        return False
    return member is not None and member.is_admin
