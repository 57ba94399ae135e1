"""Web benchmark: `paperwire serve` with 2 workers, loaded by `wrk` from another process on loopback.

    .venv/bin/python bench/web.py --home HOME [--duration 15] [--connections 32] [--write-docs]

HOME must hold an imported (and, for the search page, indexed) catalog, e.g. the 88k
corpus: `paperwire --home HOME import ../shared/data/arxiv-88k.jsonl.gz && paperwire
--home HOME index`. Prints requests/s, p99 latency and errors for each URL, and
baselines from the same run: a static file, and the same pages rendered for every
request (a signed-in reader's cookie bypasses the page cache). Targets: front page
>= 300 req/s, search >= 100 req/s, p99 <= 250 ms, no errors. Needs `wrk` (apt-get
install wrk). --write-docs replaces the "## Web" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs" / "benchmarks.md"
SEARCH_WORDS = ["diffusion", "language model", "transformer", "galaxy", "reinforcement learning", "graph neural",
                "embedding dimension", "segmentation", "black hole", "retrieval augmented", "speech", "robot",
                "quantization", "video generation", "dark matter", "protein", "benchmark", "attention", "vision",
                "supernova"]
# Lua for wrk: gzip like a browser; optionally a session cookie (uncached pages) and a rotating list of paths.
WRK_SCRIPT = """
local paths = {%(paths)s}
local cookie = %(cookie)s
local i = 0
request = function()
  i = i + 1
  local headers = {["Accept-Encoding"] = "gzip, deflate", ["Accept"] = "text/html"}
  if cookie ~= "" then headers["Cookie"] = cookie end
  return wrk.format("GET", paths[(i %% #paths) + 1], headers)
end
"""


@dataclass
class Figures:
    name: str
    what: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(home: Path, port: int, workers: int) -> subprocess.Popen:
    command = [str(Path(sys.executable).parent / "paperwire"), "--home", str(home), "serve", "--port", str(port),
               "--workers", str(workers), "--log-level", "warning"]
    server = subprocess.Popen(command, env={**os.environ, "PAPERWIRE_HOME": str(home)})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("server did not answer /healthz within 120 s")


def to_ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(output: str) -> tuple[float, float, float, int, int]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = to_ms(*re.search(r"^\s+50%\s+([\d.]+)(us|ms|s|m)\b", output, re.M).groups())
    p99 = to_ms(*re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\b", output, re.M).groups())
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rps, p50, p99, errors + (int(non_2xx.group(1)) if non_2xx else 0), requests


def run_wrk(base: str, name: str, what: str, paths: list[str], *, cookie: str = "", duration: int,
            connections: int, threads: int) -> Figures:
    lua = WRK_SCRIPT % {"paths": ", ".join(f'"{p}"' for p in paths), "cookie": f'"{cookie}"'}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    try:
        # Warm every worker's page cache and lazy state (indexes, models) before measuring:
        # new connections spread over the workers.
        for path in paths * 8:
            httpx.get(base + path, timeout=60, headers={"Cookie": cookie} if cookie else None)
        result = subprocess.run(
            ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--latency", "-s",
             script.name, base],
            capture_output=True, text=True, check=True,
        )
    finally:
        os.unlink(script.name)
    figures = Figures(name, what, *parse_wrk(result.stdout))
    print(f"{name:<34} {figures.requests_per_s:>9.1f} req/s   p50 {figures.p50_ms:>7.1f} ms   "
          f"p99 {figures.p99_ms:>7.1f} ms   errors {figures.errors}", flush=True)
    return figures


def markdown(rows: list[Figures], context: str) -> str:
    lines = ["## Web", "", context, "",
             "| page | what is requested | req/s | p50 ms | p99 ms | errors |",
             "|---|---|---:|---:|---:|---:|"]
    lines += [f"| {r.name} | {r.what} | {r.requests_per_s:,.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.errors} |"
              for r in rows]
    lines += ["", "Targets: front page >= 300 req/s, search >= 100 req/s, p99 <= 250 ms, zero errors. "
              "Reproduce with `python bench/web.py --home HOME`.", ""]
    return "\n".join(lines)


def write_docs(section: str) -> None:
    DOCS.parent.mkdir(exist_ok=True)
    text = DOCS.read_text("utf-8") if DOCS.exists() else "# Benchmarks\n\n"
    pattern = re.compile(r"^## Web\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(section + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    DOCS.write_text(text, "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--no-search", action="store_true", help="Leave out the search page (no index yet).")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")

    from paperwire.store import open_catalog
    from paperwire.store.browse import latest_listing_date, papers_in_period
    from paperwire.config import load_settings

    catalog = open_catalog(load_settings(home=args.home, environ={}).catalog_url)
    papers = catalog.count()
    day = latest_listing_date(catalog)
    _, on_day = papers_in_period(catalog, day, day, limit=1)
    catalog.engine.dispose()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(args.home, port, args.workers)
    session = "paperwire_session=bench"  # any session cookie: the page is rendered for every request
    one_query = "/search?q=diffusion+models"
    many_queries = [f"/search?q={w.replace(' ', '+')}" for w in SEARCH_WORDS]
    runs = dict(duration=args.duration, connections=args.connections, threads=args.threads)
    try:
        rows = [
            run_wrk(base, "static file (baseline)", "/static/style.css", ["/static/style.css"], **runs),
            run_wrk(base, "front page", f"/ ({on_day} papers that day, 50 shown)", ["/"], **runs),
            run_wrk(base, "front page, no page cache (baseline)", "/ with a session cookie", ["/"],
                    cookie=session, **runs),
        ]
        if not args.no_search:
            rows += [
            run_wrk(base, "search page", one_query, [one_query], **runs),
            run_wrk(base, "search page, 20 queries", f"{len(many_queries)} different queries in turn",
                    many_queries, **runs),
            run_wrk(base, "search page, no page cache (baseline)", "20 queries, session cookie", many_queries,
                    cookie=session, **runs),
            ]
    finally:
        server.terminate()
        server.wait(timeout=30)
    context = (f"{papers:,} papers in a SQLite catalog (latest day {day}), `paperwire serve --workers "
               f"{args.workers}`, wrk {args.threads} threads x {args.connections} connections x {args.duration} s "
               f"from a second process on loopback, gzip accepted; {os.cpu_count()} shared cores, "
               f"Python {platform.python_version()}. The page cache holds each anonymous page for 30 s per worker (then serves it stale while re-rendering).")
    section = markdown(rows, context)
    print()
    print(section)
    if args.write_docs:
        write_docs(section)


if __name__ == "__main__":
    main()
