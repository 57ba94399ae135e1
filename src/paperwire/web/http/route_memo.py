"""The app's router, remembering which of its routes each recent path went to.

FastAPI (0.165) tries the app's ~50 included routers in turn, each through its own routes,
and then matches the chosen one again to handle the request: ~0.7 ms before /api/v1/search
or /search is reached, on every request. Which route a request goes to depends only on its
type, method and path, so a path answered before goes straight to its route, through
FastAPI's own dispatch over a router holding that route alone: the same matching, the same
scope. A path no route takes in full (a 404, a 405, a redirect to add a slash) is never
remembered and takes the whole router every time.
"""

from __future__ import annotations

import copy

from fastapi.routing import APIRouter
from starlette.routing import Match
from starlette.types import Receive, Scope, Send

from paperwire.memo import RecentlyUsed

PATHS_REMEMBERED = 4096  # a search's path is one for every query; papers' pages are one each
MAX_PATH_CHARS = 512  # longer paths (hostile ones) are routed afresh, not kept


class RememberedRoutes:
    """The ASGI app of ``router`` that sends a path seen before straight to its route."""

    def __init__(self, router: APIRouter, size: int = PATHS_REMEMBERED):
        self._router = router
        self._everything = router.app
        self._by_path: RecentlyUsed[tuple, APIRouter] = RecentlyUsed(size)
        self._alone: dict[int, APIRouter] = {}  # a route's index -> a router holding it alone

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or len(scope["path"]) > MAX_PATH_CHARS:
            await self._everything(scope, receive, send)
            return
        key = (scope["method"], scope.get("root_path", ""), scope["path"])
        router = self._by_path.get(key)
        if router is None:
            index = self._first_full_match(scope)
            if index is None:
                await self._everything(scope, receive, send)
                return
            router = self._router_of(index)
            self._by_path.put(key, router)
        scope.setdefault("router", self._router)  # url_for looks through every route
        await router.app(scope, receive, send)

    def prepare(self) -> None:
        """Build now what FastAPI builds when a request first meets one of its included routers
        (each route's context and dependency models: ~0.35 s for this site), so that no
        reader's first request after a start waits for it. No route takes the empty path, so
        every router is walked."""
        self._first_full_match({"type": "http", "method": "GET", "path": "", "root_path": "", "headers": []})

    def _first_full_match(self, scope: Scope) -> int | None:
        for index, route in enumerate(self._router.routes):
            match, _ = route.matches(dict(scope))
            if match == Match.FULL:
                return index
        return None

    def _router_of(self, index: int) -> APIRouter:
        router = self._alone.get(index)
        if router is None:
            router = copy.copy(self._router)
            router.routes = [self._router.routes[index]]
            self._alone[index] = router
        return router


def remember_routes(router: APIRouter) -> RememberedRoutes:
    """Route ``router``'s requests through a :class:`RememberedRoutes` (after every route is added)."""
    router.middleware_stack = RememberedRoutes(router)
    return router.middleware_stack
