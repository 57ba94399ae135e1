"""Security headers on every response (pages, JSON, feeds, exports, static files, errors), set
in one place. Pure ASGI: a few microseconds a response, where BaseHTTPMiddleware costs far more.

What a browser can render as a document (HTML, SVG) gets the pages' policy: ours alone, no
inline script, no third-party anything (defence in depth behind escaping). Everything else
(JSON, feeds, citations, CSS...) is data that must never run as a page: ``default-src 'none'``.
A response without a body type (304 Not Modified) gets no policy, so it cannot replace the
one a browser keeps with its cached copy.
"""

from __future__ import annotations

from starlette.types import Message, Receive, Scope, Send

from paperwire.web.http.asgi import HttpMiddleware

PAGE_POLICY = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
               "form-action 'self'; frame-ancestors 'none'")
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"
ALWAYS = ((b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"))
_DOCUMENT_TYPES = (b"text/html", b"image/svg+xml")


def with_security_headers(headers: list) -> list[tuple[bytes, bytes]]:
    """``headers`` (ASGI pairs) with the security headers they lack; a handler's own are kept."""
    present = {bytes(name).lower(): bytes(value) for name, value in headers}
    added = [(name, value) for name, value in ALWAYS if name not in present]
    content_type = present.get(b"content-type")
    if content_type is not None and b"content-security-policy" not in present:
        policy = PAGE_POLICY if content_type.lower().startswith(_DOCUMENT_TYPES) else DATA_POLICY
        added.append((b"content-security-policy", policy.encode()))
    return [*headers, *added]


class SecurityHeadersMiddleware(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_security_headers(list(message.get("headers", ())))
            await send(message)

        await self.app(scope, receive, send_with_headers)
