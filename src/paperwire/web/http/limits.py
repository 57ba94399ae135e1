"""A bound on the size of a request's head (request line and headers), kept at httptools' speed.

uvicorn's httptools protocol keeps reading a request line or a header for as long as the client
sends one: eight requests with a 100 MB header each cost a worker 700 MB. This protocol counts
the bytes of each request's head as they arrive and, past ``MAX_HEAD_BYTES``, answers
431 Request Header Fields Too Large and closes the connection, before the app or the parser
holds more than one read of it. ``paperwire serve`` runs uvicorn with it:
``uvicorn.run(..., http=HeadLimitedHttpToolsProtocol)``.

After the refusal the connection is half closed and what the client still sends is read and
dropped for a moment: closing at once, with its data unread, would reset the connection and
the client might never see the 431.
"""

from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

MAX_HEAD_BYTES = 64 * 1024
LINGER_S = 2.0  # how long a refused client may go on sending before the connection closes
_HEAD_END = b"\r\n\r\n"
_REFUSAL_TEXT = (f"The request line and headers together are over {MAX_HEAD_BYTES // 1024} KB; "
                 "send a shorter URL or fewer cookies.").encode()


class HeadLimitedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, refusing a request head over ``MAX_HEAD_BYTES``."""

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._refused = False
        self._start_head()

    def _start_head(self) -> None:
        self._head_bytes = 0  # bytes of the current request's head seen so far, None once it ended
        self._head_tail = b""  # the last bytes seen, in case the blank line that ends it is split

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._start_head()  # a next request on this connection starts with its head

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # the rest of a refused request: dropped
        if self._head_bytes is not None:
            seen = self._head_tail + data
            end = seen.find(_HEAD_END)
            size = self._head_bytes + (end + len(_HEAD_END) - len(self._head_tail) if end >= 0 else len(data))
            if size > MAX_HEAD_BYTES:
                self._refuse()
                return
            self._head_bytes, self._head_tail = (None, b"") if end >= 0 else (size, seen[-(len(_HEAD_END) - 1):])
        super().data_received(data)

    def _refuse(self) -> None:
        headers = [STATUS_LINE[431]]
        for name, value in self.server_state.default_headers:
            headers.append(name + b": " + value + b"\r\n")
        headers += [b"content-type: text/plain; charset=utf-8\r\n", b"x-content-type-options: nosniff\r\n",
                    b"content-length: %d\r\n" % len(_REFUSAL_TEXT), b"connection: close\r\n", b"\r\n"]
        self._refused = True
        self.transport.write(b"".join(headers) + _REFUSAL_TEXT)
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(LINGER_S, self.transport.close)
        self.logger.warning("Refused a request head over %d bytes.", MAX_HEAD_BYTES)
