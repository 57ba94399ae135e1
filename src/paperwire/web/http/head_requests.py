"""HEAD wherever GET works: pages, APIs, feeds, exports, static files and /healthz.

FastAPI routes declared with GET answer HEAD with 405. This pure ASGI middleware serves a
HEAD as the GET it stands for and sends the headers only: the same status, type, length and
ETag, no body. The server's own scope keeps saying HEAD, so it sends no body either.
"""

from __future__ import annotations

from starlette.types import Message, Receive, Scope, Send

from paperwire.web.http.asgi import HttpMiddleware


class HeadAsGetMiddleware(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(dict(scope, method="GET"), receive, send_headers_only)
