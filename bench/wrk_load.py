"""One row of the web benchmark: a Lua script for `wrk`, the run, and its figures.

Each request's path is taken in turn from a list (each thread starting at its own place),
and every ``{w}`` in it is replaced by a word drawn at random from a word list, per request:
random queries that no cache of any kind has seen. With bearer tokens, the row votes
instead: each member in turn upvotes a random paper of the list, then takes that vote back.
The script counts every answer by status, so a row tells 429s and 503s apart from 500s.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass, field

TIMEOUT_S = 10  # wrk's default (2 s) would drop slow answers from the latencies as timeouts

LUA = """
local paths = %(paths)s
local words = %(words)s
local tokens = %(tokens)s
local headers = %(headers)s
local thread_count = %(threads)d

local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  statuses = {}
  turn = id
  math.randomseed(os.time() * 1000 + id)
  mine, cast = {}, {}
  for n, token in ipairs(tokens) do
    if (n - 1) %% thread_count == id - 1 then table.insert(mine, token) end
  end
end

local function random_word() return words[math.random(#words)] end

local function vote()
  turn = turn %% #mine + 1
  local h = {["Authorization"] = "Bearer " .. mine[turn], ["Accept"] = "application/json"}
  local path = cast[turn]
  if path then
    cast[turn] = nil
    return wrk.format("DELETE", path, h)
  end
  path = paths[math.random(#paths)]
  cast[turn] = path
  return wrk.format("POST", path, h)
end

function request()
  if #tokens > 0 then return vote() end
  turn = turn + 1
  local path = string.gsub(paths[turn %% #paths + 1], "{w}", random_word)
  return wrk.format("GET", path, headers)
end

function response(status, response_headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counted = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do counted[status] = (counted[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(counted) do table.insert(parts, string.format('"%%d": %%d', status, n)) end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, "socket_errors": %%d, '
    .. '"statuses": {%%s}}\\n', summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, table.concat(parts, ", ")))
end
"""


@dataclass(frozen=True)
class Target:
    label: str
    min_per_s: float | None
    max_p99_ms: float


@dataclass
class Load:
    """What one row requests: ``paths`` in turn (``{w}``: a random word each), as ``cookie``'s
    reader; with ``tokens``, the members vote on the papers whose upvote paths ``paths`` holds."""

    name: str
    what: str
    paths: list[str]
    target: Target | None = None
    cookie: str = ""
    words: list[str] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    connections: int | None = None  # None: the benchmark's --connections


@dataclass
class Figures:
    name: str
    what: str
    target: Target | None
    connections: int
    per_s: float
    p50_ms: float
    p99_ms: float
    statuses: dict[int, int]
    socket_errors: int

    @property
    def errors(self) -> int:
        return self.socket_errors + sum(n for status, n in self.statuses.items() if status >= 400)

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        fast = self.target.min_per_s is None or self.per_s >= self.target.min_per_s
        return fast and self.p99_ms <= self.target.max_p99_ms and self.errors == 0

    def error_detail(self) -> str:
        refused = {status: n for status, n in sorted(self.statuses.items()) if status >= 400}
        parts = [f"{n} x {status}" for status, n in refused.items()]
        parts += [f"{self.socket_errors} socket errors/timeouts"] if self.socket_errors else []
        return ", ".join(parts)


def lua_list(values: list[str]) -> str:
    # json.dumps gives a valid Lua string literal for ASCII text (URL-quoted paths, tokens, words).
    if not all(value.isascii() for value in values):
        raise ValueError("wrk's Lua strings are given ASCII only: URL-quote paths first")
    return "{" + ", ".join(json.dumps(value) for value in values) + "}"


def lua_script(load: Load, threads: int) -> str:
    headers = {"Accept-Encoding": "gzip, deflate", "Accept": "text/html,application/json;q=0.9"}
    if load.cookie:
        headers["Cookie"] = load.cookie
    lua_headers = "{" + ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()) + "}"
    return LUA % {"paths": lua_list(load.paths), "words": lua_list(load.words or ["paper"]),
                  "tokens": lua_list(load.tokens), "headers": lua_headers, "threads": threads}


def run_wrk(base: str, load: Load, *, seconds: int, connections: int, threads: int) -> Figures:
    threads = min(threads, connections)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_script(load, threads))
    try:
        result = subprocess.run(
            ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", f"{TIMEOUT_S}s",
             "-s", script.name, base],
            capture_output=True, text=True, check=True,
        )
    finally:
        os.unlink(script.name)
    line = next((line for line in result.stdout.splitlines() if line.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no figures for {load.name}:\n{result.stdout}\n{result.stderr}")
    found = json.loads(line.removeprefix("RESULT "))
    return Figures(
        name=load.name, what=load.what, target=load.target, connections=connections,
        per_s=found["requests"] / (found["duration_us"] / 1e6),
        p50_ms=found["p50_us"] / 1000, p99_ms=found["p99_us"] / 1000,
        statuses={int(status): n for status, n in found["statuses"].items()},
        socket_errors=found["socket_errors"],
    )
