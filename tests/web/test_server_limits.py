"""`paperwire serve` refuses a request head (request line and headers) over 64 KB with 431,
before the app sees it or a worker holds it, and serves ordinary requests as before.

A real server: the command itself, on 127.0.0.1, spoken to over raw sockets.
"""

from __future__ import annotations

import socket

import httpx
import pytest

from live_server import start_serve

from paperwire.web.http.limits import MAX_HEAD_BYTES


@pytest.fixture(scope="module")
def served(web_home, tmp_path_factory):
    """(host, port) of `paperwire serve` running the web home with one worker."""
    process, base_url = start_serve(web_home.home, tmp_path_factory.mktemp("serve") / "serve.log")
    try:
        yield "127.0.0.1", int(base_url.rsplit(":", 1)[1])
    finally:
        process.terminate()
        process.wait(timeout=30)


def exchange(address, *chunks: bytes) -> bytes:
    """Send ``chunks`` on one connection (stopping if the server stops reading) and read the answer."""
    with socket.create_connection(address, timeout=10) as sock:
        for chunk in chunks:
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
        answer = b""
        while data := sock.recv(65536):
            answer += data
        return answer


def request(path: str = "/healthz", headers: bytes = b"", close: bool = True) -> bytes:
    return (b"GET " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers
            + (b"Connection: close\r\n" if close else b"") + b"\r\n")


def test_a_100_kb_header_is_refused_with_431(served):
    answer = exchange(served, request(headers=b"X-Big: " + b"a" * 100_000 + b"\r\n"))
    assert answer.startswith(b"HTTP/1.1 431 ")
    assert b"over 64 KB" in answer and b"connection: close" in answer.lower()


def test_a_100_kb_url_is_refused_with_431(served):
    answer = exchange(served, request("/search?q=" + "a" * 100_000))
    assert answer.startswith(b"HTTP/1.1 431 ")


def test_a_header_sent_slowly_is_refused_once_it_passes_the_limit(served):
    start = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Endless: "
    chunks = [start] + [b"a" * 16_384] * 64  # 1 MB in all, if the server read it all
    answer = exchange(served, *chunks)
    assert answer.startswith(b"HTTP/1.1 431 ")


def test_heads_under_the_limit_are_served_and_counted_per_request(served):
    near_limit = b"X-Cookie-Jar: " + b"c" * (MAX_HEAD_BYTES - 200) + b"\r\n"
    assert exchange(served, request(headers=near_limit)).startswith(b"HTTP/1.1 200 ")
    # Two on one connection: 128 KB of heads together, each under the limit.
    answers = exchange(served, request(headers=near_limit, close=False) + request(headers=near_limit))
    assert answers.count(b"HTTP/1.1 200 ") == 2


def test_head_requests_get_headers_only_from_the_real_server(served):
    host, port = served
    got = httpx.get(f"http://{host}:{port}/api/v1/papers", headers={"accept-encoding": "identity"})
    head = httpx.head(f"http://{host}:{port}/api/v1/papers", headers={"accept-encoding": "identity"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == got.headers["content-length"] == str(len(got.content))
