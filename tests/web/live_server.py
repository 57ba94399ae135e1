"""A real uvicorn server on 127.0.0.1 for an app, while a block runs (browser and HTTP tests)."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from typing import Iterator

import httpx
import pytest
import uvicorn


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(app, port: int | None = None) -> Iterator[str]:
    """Run ``app`` in a real uvicorn server on 127.0.0.1 (on ``port``, or a free one) while
    the block runs; its base URL."""
    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(base_url + "/healthz", timeout=1.0)
            break
        except httpx.TransportError:
            if time.monotonic() > deadline or not thread.is_alive():
                server.should_exit = True
                pytest.fail(f"live server on {base_url} did not start within 30 s")
            time.sleep(0.1)
    try:
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
