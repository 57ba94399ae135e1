"""The harvest tests' world: fixture pages, a fake clock, and a real HTTP server on 127.0.0.1.

The server (stdlib, a thread) answers from a test's script.

Each test hands it ``respond(seen) -> Reply``; the server records every request it saw
(path, query, which client connection) so tests can check what the harvester asked for.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qsl, urlsplit

import httpx


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    drop: bool = False  # close the connection without answering (a crash on the wire)
    send_only: int | None = None  # announce the full length, send this many bytes, hang up


@dataclass(frozen=True)
class Seen:
    path: str
    params: dict[str, str]
    peer_port: int  # the client's port: one value per TCP connection
    user_agent: str | None


@dataclass
class FixtureServer:
    respond: Callable[[Seen], Reply] = lambda seen: Reply(404, b"no script")
    requests: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FixtureServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def _handler_for(server: FixtureServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as arXiv does

        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            parts = urlsplit(self.path)
            seen = Seen(parts.path, dict(parse_qsl(parts.query)), self.client_address[1],
                        self.headers.get("User-Agent"))
            server.requests.append(seen)
            reply = server.respond(seen)
            if reply.drop:
                self.close_connection = True
                return
            self.send_response(reply.status)
            for name, value in reply.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.send_header("Content-Type", "text/xml; charset=utf-8")
            if reply.send_only is not None:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(reply.body if reply.send_only is None else reply.body[:reply.send_only])
            if reply.send_only is not None:
                self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:  # keep test output clean
            pass

    return Handler


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "harvest"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


class FakeClock:
    """Time that moves only when the client sleeps; every sleep is kept for the test to read."""

    def __init__(self) -> None:
        self.elapsed = 0.0
        self.sleeps: list[float] = []
        self.epoch = datetime(2026, 1, 13, 8, 0, tzinfo=timezone.utc)

    def monotonic(self) -> float:
        return self.elapsed

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.elapsed += seconds

    def now(self) -> datetime:
        return self.epoch + timedelta(seconds=self.elapsed)


class ClockedTransport(httpx.HTTPTransport):
    """The real transport, noting on the fake clock when each request leaves."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__(limits=httpx.Limits(max_connections=1, max_keepalive_connections=1))
        self.clock = clock
        self.sent_at: list[float] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent_at.append(self.clock.monotonic())
        return super().handle_request(request)


class Script:
    """Replies chosen by ``key(seen)``: each key's replies are used in turn, the last one repeats."""

    def __init__(self, key: Callable[[Seen], str]) -> None:
        self.key = key
        self.replies: dict[str, list[Reply]] = {}

    def on(self, key: str, *replies: Reply) -> "Script":
        self.replies[key] = list(replies)
        return self

    def __call__(self, seen: Seen) -> Reply:
        key = self.key(seen)
        queue = self.replies.get(key)
        if not queue:
            return Reply(404, f"not scripted: {key}".encode())
        return queue.pop(0) if len(queue) > 1 else queue[0]


def oai_key(seen: Seen) -> str:
    """OAI requests told apart by token, else by their ``from`` (``from=-`` when absent)."""
    token = seen.params.get("resumptionToken")
    return f"token={token}" if token else f"from={seen.params.get('from', '-')}"


def ok(name: str) -> Reply:
    return Reply(200, fixture(name))
