"""Web benchmark: `paperwire serve --workers 2` on a copy of a home, loaded by `wrk` on loopback.

    .venv/bin/python bench/web.py --home HOME [--duration 10] [--only votes,restart] [--write-docs]

One run measures, each row for --duration s at --connections (32) from a second process:
- baselines: a static file and /healthz;
- cached anonymous pages: the front page and one search;
- uncached pages and feeds, as a signed-in member (every page rendered for its reader): front
  page (also with a session cookie the site does not know), paper, category and author pages
  (turns over 200 papers, 200 authors, the categories), the daily RSS feed and category Atom feeds;
- random two-word queries drawn per request from 200 common title words, so that no cache
  of any kind helps: the search page (signed in), /api/v1/search, the Hugging Face
  /api/papers/search and the arXiv /api/query (all:W1 AND all:W2);
- the arXiv query of 64 `all:` terms joined by OR, at --wide-connections (4);
- votes: --voters members with write-scope tokens upvoting a random paper and taking the vote
  back in turn through the JSON API; afterwards every paper's count must equal its vote rows;
- a restart: the time until /healthz answers again, and the first searches' latencies.
Each row also shows each worker's RSS after it and the load average before and after it.
Answers of 400 and above count as errors (429 and 503 included: a refusal is no answer).

HOME is only read (SQLite notes its reader in catalog.db-shm): its catalog is copied with the
backup API into a temporary home, its indexes and models linked (bench/web_home.py); the bench
members, sessions, tokens and votes go into that copy, which is deleted at the end. The bench
server lifts the per-member vote limit (120/minute: 32 members at 300 votes/s would cast 560 a
minute each); the limiter still counts every vote. --write-docs replaces the "## Web" section of
docs/benchmarks.md. Needs `wrk` (apt-get install wrk) and psutil.
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
from pathlib import Path

import httpx
import psutil
from benchmarks_doc import replace_section
from machine_speed import CPU_PROBE_LOOPS, cpu_probe_s
from web_home import READER, Sample, add_members, copy_home, sample, votes_consistent
from wrk_load import Figures, Load, Target, run_wrk

from paperwire.config import load_settings
from paperwire.store import open_catalog
from paperwire.web.auth.cookies import SESSION  # the bench server is served over http: no __Host- prefix

PAGES = Target(">= 300 req/s, p99 <= 150 ms", 300, 150)
SEARCHES = Target(">= 150 req/s, p99 <= 250 ms", 150, 250)
WIDE = Target("p99 <= 200 ms", None, 200)
VOTES = Target(">= 300 votes/s, p99 <= 100 ms", 300, 100)
FIRST_SEARCH_TARGET_MS = 500
GROUPS = ("baseline", "cached", "uncached", "search", "wide", "votes", "restart")
TWO_WORDS = "{w}+{w}"
WIDE_QUERY = "+OR+".join(["all:{w}"] * 64)  # each {w} a random common word: ~950 characters


def joined(values, separator: str = ", ", digits: int = 0) -> str:
    return separator.join(f"{value:.{digits}f}" for value in values)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`paperwire serve` on the bench home, in an environment of its own."""

    def __init__(self, home: Path, workers: int) -> None:
        self.home, self.workers, self.port = home, workers, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.environ = {name: value for name, value in os.environ.items() if not name.startswith("PAPERWIRE_")}
        self.environ.update(PAPERWIRE_HOME=str(home), PAPERWIRE_BASE_URL=self.base,
                            # Every bench member votes from 127.0.0.1: lift both vote limits.
                            PAPERWIRE_LIMIT_VOTE_PER_ACCOUNT="1000000/minute",
                            PAPERWIRE_LIMIT_VOTE_PER_ADDRESS="1000000/minute")
        self.process: subprocess.Popen | None = None

    def start(self) -> float:
        """Start it; the seconds until /healthz answered."""
        started = time.monotonic()
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "paperwire"), "--home", str(self.home), "serve", "--port",
             str(self.port), "--workers", str(self.workers), "--log-level", "warning"], env=self.environ)
        while time.monotonic() < started + 180:
            if self.process.poll() is not None:
                raise SystemExit(f"the server stopped with status {self.process.returncode}")
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                time.sleep(0.05)
        self.stop()
        raise SystemExit("the server did not answer /healthz within 180 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)

    def worker_rss_mb(self) -> list[float]:
        server = psutil.Process(self.process.pid)
        children = [child for child in server.children(recursive=True)
                    if "resource_tracker" not in " ".join(child.cmdline())]
        return sorted(worker.memory_info().rss / 2**20 for worker in children or [server])  # 1 worker: no children


def sign_in(base: str, password: str) -> str:
    """Sign the bench reader in through the form, as a browser does: the session's Cookie header."""
    with httpx.Client(base_url=base, timeout=30) as browser:
        form = browser.get("/signin")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        answer = browser.post("/signin", data={"login": READER, "password": password, "csrf_token": csrf})
        session = answer.cookies.get(SESSION)
        if answer.status_code != 303 or not session:
            raise SystemExit(f"signing in failed: HTTP {answer.status_code}: {answer.text[:300]}")
    return f"{SESSION}={session}"


def loads(found: Sample, signed_in: str, tokens: list[str], wide_connections: int) -> dict[str, list[Load]]:
    """The rows of each group, in the order they run."""
    unknown = f"{SESSION}=bench"  # a session no one holds
    words = found.words
    return {
        "baseline": [
            Load("static file", "/static/style.css", ["/static/style.css"]),
            Load("health check", "/healthz", ["/healthz"]),
        ],
        "cached": [
            Load("front page, cached", f"/ (latest day {found.latest_day}), anonymous", ["/"]),
            Load("search page, cached", "/search?q=diffusion+models, anonymous", ["/search?q=diffusion+models"]),
        ],
        "uncached": [
            Load("front page, signed in", "/", ["/"], PAGES, signed_in),
            Load("front page, unknown session", "/ with a session cookie no one holds", ["/"], PAGES, unknown),
            Load("paper page, signed in", f"/papers/ID, {len(found.paper_ids)} newest papers in turn",
                 [f"/papers/{paper_id}" for paper_id in found.paper_ids], PAGES, signed_in),
            Load("category page, signed in", f"/categories/C, {len(found.categories)} categories in turn",
                 [f"/categories/{category}" for category in found.categories], PAGES, signed_in),
            Load("author page, signed in", f"/authors/NAME, {len(found.authors)} authors in turn",
                 [f"/authors/{name}" for name in found.authors], PAGES, signed_in),
            Load("daily feed, signed in", "/feeds/daily.rss", ["/feeds/daily.rss"], PAGES, signed_in),
            Load("category feed, signed in", "/feeds/category/C.atom, categories in turn",
                 [f"/feeds/category/{category}.atom" for category in found.categories], PAGES, signed_in),
        ],
        "search": [
            Load("search page, signed in, one query", "/search?q=diffusion+models, asked again and again",
                 ["/search?q=diffusion+models"], PAGES, signed_in),
            Load("search page, signed in", "/search?q=W1+W2, random words", [f"/search?q={TWO_WORDS}"],
                 SEARCHES, signed_in, words),
            Load("/api/v1/search", "?q=W1+W2, random words", [f"/api/v1/search?q={TWO_WORDS}"], SEARCHES,
                 words=words),
            Load("/api/papers/search (Hugging Face)", "?q=W1+W2, random words",
                 [f"/api/papers/search?q={TWO_WORDS}"], SEARCHES, words=words),
            Load("/api/query (arXiv)", "all:W1 AND all:W2, random words",
                 ["/api/query?search_query=all:{w}+AND+all:{w}"], SEARCHES, words=words),
        ],
        "wide": [
            Load("/api/query, 64 terms OR", "64 random all:W joined by OR, by relevance",
                 [f"/api/query?search_query={WIDE_QUERY}"], WIDE, words=words, connections=wide_connections),
            Load("/api/query, 64 terms OR, by date", "the same, sortBy=submittedDate",
                 [f"/api/query?search_query={WIDE_QUERY}&sortBy=submittedDate"], WIDE, words=words,
                 connections=wide_connections),
        ],
        "votes": [
            Load("votes", f"{len(tokens)} members upvote a random paper of {len(found.paper_ids)}, then un-upvote, "
                 "Bearer tokens", [f"/api/v1/papers/{paper_id}/upvote" for paper_id in found.paper_ids], VOTES,
                 tokens=tokens),
        ],
    }


def measure(server: Server, load: Load, args: argparse.Namespace) -> tuple[Figures, list[float], tuple]:
    connections = load.connections or args.connections
    run = dict(connections=connections, threads=args.threads)
    load_before = os.getloadavg()[0]
    if args.warmup:  # every worker's lazy state (indexes, models, pools) ready before the measured run
        run_wrk(server.base, load, seconds=args.warmup, **run)
    figures = run_wrk(server.base, load, seconds=args.duration, **run)
    rss, load_after = server.worker_rss_mb(), os.getloadavg()[0]
    verdict = {True: "target met", False: "target missed", None: ""}[figures.met]
    detail = f" ({figures.error_detail()})" if figures.errors else ""
    print(f"{figures.name:<36} {figures.per_s:>8.1f}/s  p50 {figures.p50_ms:>7.1f} ms  p99 {figures.p99_ms:>7.1f} ms  "
          f"errors {figures.errors}{detail}  RSS {joined(rss, ' + ')} MB  "
          f"load {load_before:.2f} -> {load_after:.2f}  {verdict}", flush=True)
    return figures, rss, (load_before, load_after)


def first_searches(server: Server, words: list[str]) -> tuple[float, list[float]]:
    """Restart the server: seconds until /healthz answers, then the first searches' ms, each on
    a new connection (so both workers are likely met)."""
    server.stop()
    ready_s = server.start()
    latencies = []
    for n in range(4):
        started = time.perf_counter()
        answer = httpx.get(f"{server.base}/search", params={"q": f"{words[n]} {words[-1 - n]}"}, timeout=60)
        latencies.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200:
            raise SystemExit(f"the first search after a restart answered HTTP {answer.status_code}")
    print(f"restart: /healthz answered after {ready_s:.2f} s; first searches {joined(latencies)} ms "
          f"(target: under {FIRST_SEARCH_TARGET_MS} ms)", flush=True)
    return ready_s, latencies


def markdown(rows: list[tuple[Figures, list[float], tuple]], notes: list[str], context: str) -> str:
    lines = ["## Web", "", context, "",
             "| row | what is requested | conns | req/s | p50 ms | p99 ms | errors | worker RSS MB "
             "| load before, after | target | met |",
             "|---|---|---:|---:|---:|---:|---:|---|---|---|---|"]
    for figures, rss, (before, after) in rows:
        target = figures.target.label if figures.target else "baseline"
        met = {True: "yes", False: "**no**", None: ""}[figures.met]
        errors = f"{figures.errors} ({figures.error_detail()})" if figures.errors else "0"
        lines.append(f"| {figures.name} | {figures.what} | {figures.connections} | {figures.per_s:,.0f} | "
                     f"{figures.p50_ms:.1f} | {figures.p99_ms:.1f} | {errors} | {joined(rss, ' + ')} | {before:.2f}, "
                     f"{after:.2f} | {target} | {met} |")
    lines += ["", *notes, "", "Reproduce with `.venv/bin/python bench/web.py --home HOME` (HOME is only read).", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True, help="the home to benchmark (only read)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wide-connections", type=int, default=4, help="connections of the 64-term query rows")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--duration", type=int, default=10, help="seconds each row is measured")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of the same load before each row (0: none)")
    parser.add_argument("--voters", type=int, default=32, help="members voting in the votes row")
    parser.add_argument("--only", default=",".join(GROUPS), help=f"groups of rows to run, of {','.join(GROUPS)}")
    parser.add_argument("--write-docs", action="store_true", help='replace "## Web" in docs/benchmarks.md')
    args = parser.parse_args()
    groups = args.only.split(",")
    if unknown := set(groups) - set(GROUPS):
        parser.error(f"--only: no group {', '.join(sorted(unknown))} (groups: {', '.join(GROUPS)})")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    if args.voters < args.threads:
        parser.error("--voters must be at least --threads (each wrk thread votes as members of its own)")

    with tempfile.TemporaryDirectory(prefix="paperwire-bench-web-") as bench_home:
        home = Path(bench_home)
        print(f"copying {args.home} to {home} ...", flush=True)
        copy_home(args.home, home)
        catalog = open_catalog(load_settings(home=home, environ={}).catalog_url)
        password, tokens = add_members(catalog, args.voters)
        found = sample(catalog)
        server = Server(home, args.workers)
        rows, notes = [], []
        load_start, probe_start = os.getloadavg(), cpu_probe_s()
        try:
            server.start()
            signed_in = sign_in(server.base, password)
            for group, group_loads in loads(found, signed_in, tokens, args.wide_connections).items():
                if group in groups:
                    rows += [measure(server, load, args) for load in group_loads]
            if "restart" in groups:
                ready_s, latencies = first_searches(server, found.words)
                notes.append(f"After a restart: /healthz answered in {ready_s:.2f} s; the first four searches (each "
                             f"on a new connection) took {joined(latencies)} ms "
                             f"(target: under {FIRST_SEARCH_TARGET_MS} ms).")
        finally:
            server.stop()
        if "votes" in groups:
            consistent, cast = votes_consistent(catalog)
            print(f"votes consistent: {'yes' if consistent else 'no'} ({cast} votes standing)")
            notes.append(f"Votes consistent: {'yes' if consistent else '**no**'}: every paper's count equals its vote "
                         f"rows after the run ({cast} votes left standing).")
        catalog.engine.dispose()

    load_end, probe_end = os.getloadavg(), cpu_probe_s()
    context = (f"{found.papers:,} papers in a SQLite catalog (latest day {found.latest_day}), `paperwire serve "
               f"--workers {args.workers}`, wrk {args.threads} threads x {args.connections} connections x "
               f"{args.duration} s (after {args.warmup} s of warm-up) per row, from a second process on loopback, "
               f"gzip accepted; {os.cpu_count()} cores, Python {platform.python_version()}; load average (1, 5, "
               f"15 min) {joined(load_start, digits=2)} before the run, "
               f"{joined(load_end, digits=2)} after; a one-core probe (a fixed Python loop, {CPU_PROBE_LOOPS:,} "
               f"steps) took {probe_start:.3f} s before and {probe_end:.3f} s after (this machine shares its cores: "
               "runs at other times differ). Signed-in rows send a member's session cookie, "
               "so every page is rendered for its reader (no page cache).")
    section = markdown(rows, notes, context)
    print()
    print(section)
    if args.write_docs:
        replace_section("Web", section)


if __name__ == "__main__":
    main()
