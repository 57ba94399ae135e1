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


SERVE_START_S = 180  # `paperwire serve` loads the query model before it answers


def start_serve(home, log, workers: int = 1, environ: dict[str, str] | None = None, port: int | None = None):
    """Start the `paperwire serve` command itself for ``home`` on ``port`` (default a free one)
    of 127.0.0.1, logging to ``log``: (the process, its base URL) once it answers. The caller stops it."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    port = port or free_port()
    command = [str(Path(sys.executable).parent / "paperwire"), "--home", str(home), "serve",
               "--port", str(port), "--workers", str(workers), "--log-level", "warning"]
    with open(log, "wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT,
                                   env={**os.environ, **(environ or {})})
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVE_START_S
    while True:
        try:
            httpx.get(base_url + "/healthz", timeout=1.0)
            return process, base_url
        except httpx.TransportError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"paperwire serve did not start: {Path(log).read_text()[-2000:]}")
            time.sleep(0.2)
