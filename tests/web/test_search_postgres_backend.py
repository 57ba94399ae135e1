"""A site whose search runs inside PostgreSQL, over real HTTP: until `paperwire index` has made the
database's indexes its searches answer 503 saying so; then the page, the JSON API, similar papers
and the arXiv query API answer from the database, with no index directory on the node."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from importlib.resources import as_file, files
from itertools import islice
from pathlib import Path

import httpx
from lxml import etree

from paperwire.config import load_settings
from paperwire.importer import import_files
from paperwire.search.embedder import DOCUMENT_MAX_TOKENS
from paperwire.search.embedding_job import seed_vectors
from paperwire.search.embedding_store import EmbeddingStore
from paperwire.store import open_catalog
from web.live_server import serving

SAMPLE = files("paperwire") / "sample"
PAPERWIRE = Path(sys.executable).parent / "paperwire"  # the command, as a user runs it
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


def test_search_waits_for_paperwire_index_then_answers_from_the_database(tmp_path, postgres_url):
    environ = {"PAPERWIRE_DATABASE_URL": postgres_url, "PAPERWIRE_SEARCH_BACKEND": "postgres"}
    home = tmp_path / "home"
    settings = load_settings(home=home, environ=environ)
    catalog = open_catalog(postgres_url)
    subset = tmp_path / "papers.jsonl"
    with gzip.open((SAMPLE / "arxiv-sample.jsonl.gz").open("rb")) as stream:
        subset.write_bytes(b"".join(islice(stream, 60)))
    import_files(catalog, [subset], progress=False)
    with as_file(SAMPLE / "arxiv-sample.vectors.npz") as bundle:
        seed_vectors(catalog, EmbeddingStore(catalog.engine), bundle, DOCUMENT_MAX_TOKENS)  # nothing to embed
    paper = catalog.by_doc_ids([7])[0].paper
    title_words = " ".join(paper.title.split()[:4])

    from paperwire.web.app import create_app

    with serving(create_app(settings)) as base, httpx.Client(base_url=base, timeout=60) as client:
        waiting = client.get("/api/v1/search", params={"q": title_words})
        assert waiting.status_code == 503 and "paperwire index" in waiting.text

        made = subprocess.run([str(PAPERWIRE), "--home", str(home), "index", "--quiet"],
                              env={**os.environ, **environ}, capture_output=True, text=True, timeout=600)
        assert made.returncode == 0, made.stderr
        assert "search runs in PostgreSQL" in made.stdout and "vector index (HNSW" in made.stdout

        found = client.get("/api/v1/search", params={"q": title_words}).json()
        assert found["matched_words"] and found["items"][0]["paper"]["id"] == paper.id
        page = client.get("/search", params={"q": title_words})
        assert page.status_code == 200 and f'href="/papers/{paper.id}"' in page.text
        similar = client.get(f"/api/v1/papers/{paper.id}/similar", params={"limit": 5}).json()["items"]
        assert len(similar) == 5 and paper.id not in {item["paper"]["id"] for item in similar}
        atom = client.get("/api/query", params={"search_query": f'ti:"{title_words}"'})
        feed = etree.fromstring(atom.content)
        assert atom.status_code == 200 and int(feed.findtext(f"{OPENSEARCH}totalResults")) >= 1
        assert paper.id in atom.text
    assert not (home / "indexes").exists()  # the node keeps no search index of its own
    catalog.engine.dispose()
