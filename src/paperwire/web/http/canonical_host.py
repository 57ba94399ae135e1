"""Every request is seen as addressed to ``settings.base_url``, whatever its Host header says.

A client picks the Host header, so any absolute URL built from it (Starlette's trailing-slash
redirects, ``request.url``, a link in a future e-mail) could point readers at another site.
This pure ASGI middleware replaces the request's scheme and Host with the base URL's before
the app sees them; URLs the app writes itself start from ``paperwire.links.site_url``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from paperwire.web.http.asgi import HttpMiddleware


class CanonicalHostMiddleware(HttpMiddleware):
    def __init__(self, app: ASGIApp, base_url: str):
        super().__init__(app)
        parts = urlsplit(base_url)
        self.scheme = parts.scheme or "http"
        self.host = parts.netloc.encode("idna")

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(name, value) for name, value in scope["headers"] if name != b"host"]
        await self.app(dict(scope, scheme=self.scheme, headers=[(b"host", self.host), *headers]), receive, send)
