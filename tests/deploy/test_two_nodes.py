"""Two `paperwire serve` nodes, each with a home of its own, around one PostgreSQL, as behind a
load balancer: a reader may reach either one at each request; workers embed through the shared
queue. Each search backend in turn: the nodes' own indexes following the catalog, or none (search
inside PostgreSQL). Real processes on 127.0.0.1."""

from __future__ import annotations

import gzip
import re
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import httpx
import pytest

from paperwire.config import load_settings
from paperwire.importer import import_files
from paperwire.store import open_catalog

from web.live_server import start_serve

SAMPLE = files("paperwire") / "sample" / "arxiv-sample.jsonl.gz"
PAPERWIRE = Path(sys.executable).parent / "paperwire"
FOLLOW_S = 0.5  # each node's indexes follow the catalog this often
WAIT_S = 60
PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Node:
    home: Path
    url: str
    process: subprocess.Popen

    def client(self, cookies: httpx.Cookies | None = None) -> httpx.Client:
        return httpx.Client(base_url=self.url, cookies=cookies, timeout=30, follow_redirects=False)


def write_settings(home: Path, **settings) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    lines = [f"{name} = {value!r}" if not isinstance(value, str) else f'{name} = "{value}"'
             for name, value in settings.items()]
    (home / "paperwire.toml").write_text("\n".join(lines) + "\n")
    return home


def paperwire(home: Path, *arguments: str, stdin: str | None = None) -> str:
    done = subprocess.run([str(PAPERWIRE), "--home", str(home), *arguments], input=stdin, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return done.stdout


def start_node(home: Path) -> Node:
    process, url = start_serve(home, home / "serve.log")
    return Node(home, url, process)


def until(check, what: str, wait_s: float = WAIT_S):
    """``check()``'s first truthy answer, asked again for at most ``wait_s``."""
    deadline = time.monotonic() + wait_s
    while not (answer := check()):
        assert time.monotonic() < deadline, f"not within {wait_s} s: {what}"
        time.sleep(0.2)
    return answer


def embed_as_a_worker(home: Path) -> None:
    """One pass of a queue worker taking only the embed job (the nodes never embed)."""
    paperwire(home, "worker", "--once", *(option for job in ("harvest", "index", "trending", "compose", "deliver")
                                          for option in ("--skip", job)))


@pytest.fixture(scope="module", params=["local", "postgres"])
def deployment(request, postgres_server, tmp_path_factory):
    """One PostgreSQL holding 30 sample papers with their vectors, and two nodes serving it,
    searching with their own indexes (local) or inside PostgreSQL."""
    backend = request.param
    postgres_server.psql(f"CREATE DATABASE two_nodes_{backend};")
    url = postgres_server.get_uri(f"two_nodes_{backend}")
    root = tmp_path_factory.mktemp(f"deployment-{backend}")
    shared = {"database_url": url, "secret_key": secrets.token_urlsafe(48), "index_follow_seconds": FOLLOW_S,
              "search_backend": backend}
    homes = [write_settings(root / name, **shared) for name in ("node-a", "node-b", "worker")]
    catalog = open_catalog(url)
    sample = root / "sample.jsonl"
    sample.write_bytes(b"".join(gzip.open(SAMPLE).readlines()[:31]))
    import_files(catalog, [sample], progress=False)
    catalog.engine.dispose()
    embed_as_a_worker(homes[2])
    if backend == "postgres":
        paperwire(homes[2], "index", "--quiet")  # once for the deployment: the database's own indexes
    nodes = [start_node(home) for home in homes[:2]]
    yield nodes, homes[2]
    for node in nodes:
        node.process.terminate()
        node.process.wait(timeout=30)


def searched(node: Node, words: str) -> list[str]:
    answer = httpx.get(node.url + "/api/v1/search", params={"q": words, "limit": 10}, timeout=30)
    return [item["paper"]["id"] for item in answer.json()["items"]] if answer.status_code == 200 else []


def sign_in(node: Node, name: str) -> httpx.Cookies:
    with node.client() as browser:
        token = _CSRF.search(browser.get("/signin").text).group(1)
        answer = browser.post("/signin", data={"csrf_token": token, "login": name, "password": PASSWORD})
        assert answer.status_code == 303, answer.text[:500]
        return browser.cookies


def first_paper(home: Path):
    catalog = open_catalog(load_settings(home=home).catalog_url)
    try:
        return catalog.by_doc_ids([1])[0].paper
    finally:
        catalog.engine.dispose()


def test_each_node_searches_the_catalog_with_the_stored_vectors(deployment):
    nodes, worker_home = deployment
    paper = first_paper(worker_home)
    for node in nodes:
        until(lambda: paper.id in searched(node, paper.title), f"{node.home.name} finds {paper.id}")
        has_indexes = (node.home / "indexes" / "state.json").exists()  # its own, beside its own home
        assert has_indexes == (load_settings(home=node.home).search_backend == "local")


def test_a_member_signed_in_on_one_node_votes_and_comments_and_the_other_node_shows_it(deployment):
    (first, second), worker_home = deployment
    paperwire(worker_home, "user", "create", "ann", "--email", "ann@example.org", "--password-stdin",
              stdin=PASSWORD + "\n")
    paper_id = first_paper(worker_home).id
    cookies = sign_in(first, "ann")

    with first.client(cookies) as on_first:
        token = _CSRF.search(on_first.get(f"/papers/{paper_id}").text).group(1)
        assert on_first.post(f"/papers/{paper_id}/upvote", data={"csrf_token": token}).status_code == 303
        answer = on_first.post(f"/papers/{paper_id}/comments",
                               data={"csrf_token": token, "body": "Seen from **both** nodes"})
        assert answer.status_code == 303, answer.text[:300]

    with second.client(cookies) as on_second:  # the same browser, sent to the other node
        assert on_second.get(f"/api/v1/papers/{paper_id}").json()["upvotes"] == 1
        page = on_second.get(f"/papers/{paper_id}").text
        assert "Seen from <strong>both</strong> nodes" in page
        # Its session and the form tokens the first node gave it hold here too: it takes the vote back.
        assert on_second.post(f"/papers/{paper_id}/upvote", data={"csrf_token": token, "on": "false"}
                              ).status_code == 303
    with first.client() as anonymous:
        assert anonymous.get(f"/api/v1/papers/{paper_id}").json()["upvotes"] == 0


def test_a_paper_imported_and_embedded_by_a_worker_becomes_searchable_on_both_nodes(deployment, tmp_path):
    nodes, worker_home = deployment
    later = tmp_path / "later.jsonl"
    later.write_bytes(gzip.open(SAMPLE).readlines()[40])
    paperwire(worker_home, "import", str(later))
    embed_as_a_worker(worker_home)
    catalog = open_catalog(load_settings(home=worker_home).catalog_url)
    newest = max(catalog.by_doc_ids(range(1, 100)), key=lambda p: p.doc_id).paper
    catalog.engine.dispose()
    for node in nodes:
        until(lambda: newest.id in searched(node, newest.title), f"{node.home.name} finds the new paper")
