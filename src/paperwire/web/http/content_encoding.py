"""Which responses may be gzipped, and gzipping them.

The client's Accept-Encoding is read with its q-values: ``gzip;q=0`` refuses gzip, ``*``
stands for any coding not named, and a header that names neither allows only the identity
(RFC 9110, section 12.5.3).
"""

from __future__ import annotations

from isal import isal_zlib
from starlette.datastructures import Headers
from starlette.middleware.gzip import GZipMiddleware, GZipResponder, IdentityResponder
from starlette.types import Receive, Scope, Send


def _quality(parameters: str) -> float:
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0  # an unreadable weight grants nothing
    return 1.0


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header value lets the response be gzipped."""
    any_coding = False
    for item in accept_encoding.split(","):
        coding, _, parameters = item.partition(";")
        coding = coding.strip().lower()
        if coding in ("gzip", "x-gzip"):
            return _quality(parameters) > 0
        if coding == "*":
            any_coding = _quality(parameters) > 0
    return any_coding


class IsalGZipResponder(GZipResponder):
    """Starlette's gzip responder, compressing with ISA-L (isal) instead of zlib: at level 1 a
    50 KB search answer takes 0.12 ms instead of zlib's 0.63 ms, and comes out no larger."""

    @property
    def compressor(self):
        if self._compressor is None:
            self._compressor = isal_zlib.compressobj(self.compresslevel, isal_zlib.DEFLATED, 16 + isal_zlib.MAX_WBITS)
        return self._compressor


class NegotiatedGZipMiddleware(GZipMiddleware):
    """Starlette's GZipMiddleware, but only for clients whose Accept-Encoding accepts gzip
    (Starlette's looks for the word "gzip" anywhere in the header, ``gzip;q=0`` included)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if accepts_gzip(Headers(scope=scope).get("accept-encoding", "")):
            responder = IsalGZipResponder(self.app, self.minimum_size, compresslevel=self.compresslevel,
                                          thread_minimum_size=self.thread_minimum_size,
                                          exclude_content_types=self.exclude_content_types)
        else:
            responder = IdentityResponder(self.app, self.minimum_size, exclude_content_types=self.exclude_content_types)
        await responder(scope, receive, send)
