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

from fastapi import APIRouter, FastAPI, Request
from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.exposition import choose_encoder
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from paperwire.config import ConfigError, Settings
from paperwire.web.auth.viewer import current_viewer
from paperwire.web.http.asgi import HttpMiddleware
from paperwire.web.metrics_collector import CatalogCollector
from paperwire.web.metrics_processes import process_metrics

UNMATCHED = "unmatched"
METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})  # HEAD arrives as GET (head_requests)
REQUEST_SECONDS = Histogram(
    "paperwire_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by route template, method and status class "
    "(its _count is the number of requests)",
    ["route", "method", "status"],
)

router = APIRouter()


class RequestMetricsMiddleware(HttpMiddleware):
    """Times each request into REQUEST_SECONDS (a few microseconds: pure ASGI, no copy of the body).

    The route is what Starlette's router leaves in ``scope["route"]``, read from the very scope
    it routed: no middleware between this one and the router may hand on a copy of the scope.
    """

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
            route = getattr(scope.get("route"), "path", UNMATCHED)
            method = scope["method"] if scope["method"] in METHODS else "other"
            REQUEST_SECONDS.labels(route, method, f"{status // 100}xx").observe(time.perf_counter() - started)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def allowed_networks(settings: Settings) -> tuple[Network, ...]:
    """The networks of ``metrics_allowed_addresses``; ConfigError naming any entry that is not one."""
    networks = []
    for entry in (part.strip() for part in settings.metrics_allowed_addresses.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry))
        except ValueError as exc:
            raise ConfigError(f"setting metrics_allowed_addresses: {entry!r} is not an IP address or network "
                              f"({exc}); give addresses and networks separated by commas, "
                              f"e.g. \"127.0.0.1, ::1, 10.0.0.0/8\"") from None
    return tuple(networks)


def is_allowed(host: str | None, networks: Iterable[Network]) -> bool:
    """Whether a client address (as the server saw it, or as a trusted proxy forwarded it) is in ``networks``."""
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:  # a Unix socket, or no address at all
        return False
    address = getattr(address, "ipv4_mapped", None) or address  # ::ffff:10.1.2.3 is 10.1.2.3
    return any(address in network for network in networks)


def install_metrics(app: FastAPI) -> None:
    """/metrics on ``app``; the middleware is added by the app, where the scope is not yet copied."""
    app.state.metrics_networks = allowed_networks(app.state.settings)
    app.state.catalog_metrics = CatalogCollector(app.state.settings, app.state.catalog)
    app.include_router(router)


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    viewer = current_viewer(request)
    allowed = is_allowed(request.client.host if request.client else None, request.app.state.metrics_networks)
    if not (allowed or (viewer is not None and viewer.is_admin)):
        raise StarletteHTTPException(status_code=404)  # what an unknown path answers
    registry = CollectorRegistry()
    registry.register(process_metrics())
    registry.register(request.app.state.catalog_metrics)
    encoder, content_type = choose_encoder(request.headers.get("accept", ""))
    return Response(encoder(registry), media_type=content_type, headers={"Cache-Control": "no-store"})
