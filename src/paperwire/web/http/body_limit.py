"""A bound on the size of a request's body: the largest upload a form or API takes, and no more.

Starlette reads a whole form (a multipart upload spools to disk) before any handler could look
at its size, so the bound is kept here, for every route: a declared Content-Length over
``MAX_BODY_BYTES`` is answered 413 at once, unread; a body that grows past it while streaming
(chunked, or a lying length) is cut off and answered 413 as well.
"""

from __future__ import annotations

from starlette.types import Message, Receive, Scope, Send

from paperwire.reader.references import MAX_BYTES as MAX_REFERENCE_FILE_BYTES
from paperwire.web.http.asgi import HttpMiddleware, WatchedSend

# The reference file an import takes (reader.references), with room for a form's other fields.
MAX_BODY_BYTES = MAX_REFERENCE_FILE_BYTES + 256 * 1024
_REFUSAL = (f"The request body is over {MAX_BODY_BYTES // (1024 * 1024)} MB: send a smaller file "
            f"(reference files: at most {MAX_REFERENCE_FILE_BYTES // (1024 * 1024)} MB).").encode()


class BodyTooLarge(Exception):
    pass


class BodyLimitMiddleware(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            await _refuse(send)
            return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_BODY_BYTES:
                    raise BodyTooLarge()
            return message

        watched_send = WatchedSend(send)
        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if watched_send.started:
                raise
            await _refuse(send)


async def _refuse(send: Send) -> None:
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"%d" % len(_REFUSAL)),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": _REFUSAL})
