"""Embedding a backlog: said up front how long it takes, newest papers first, counted in `stats`."""

import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from paperwire.cli import main
from paperwire.search import build_indexes, embedding_job
from paperwire.search.embedding_job import embed_catalog, embedding_plan
from paperwire.search.embedding_store import EmbeddingStore


@pytest.fixture
def stopped_after_one_chunk(fake_embedder, monkeypatch):
    """An embedder that embeds one chunk (of two papers), then is stopped as by Ctrl-C."""
    monkeypatch.setattr(embedding_job, "CHUNK", 2)
    embed = fake_embedder.embed

    def embed_once(texts, max_tokens=None):
        if fake_embedder.embedded:
            raise KeyboardInterrupt
        return embed(texts, max_tokens)

    monkeypatch.setattr(fake_embedder, "embed", embed_once)
    return fake_embedder


@pytest.fixture
def six_days_of_papers(catalog, new_paper):
    """One paper a day, stored oldest first (so the oldest have the lowest doc_ids)."""
    first = date(2026, 3, 1)
    catalog.store([new_paper(f"2603.0000{n}", f"Paper of day {n}", f"Abstract number {n}.",
                             listing_date=first + timedelta(days=n)) for n in range(6)])
    return catalog


def test_a_backlog_is_embedded_newest_first_so_a_stopped_run_has_the_recent_papers(
        settings, six_days_of_papers, stopped_after_one_chunk):
    with EmbeddingStore(six_days_of_papers.engine) as store:
        with pytest.raises(KeyboardInterrupt):
            embed_catalog(six_days_of_papers, store, stopped_after_one_chunk, progress=False)
        stored = {paper.paper.id for paper in six_days_of_papers.by_doc_ids(list(store.hashes(range(1, 7))))}
        assert stored == {"2603.00005", "2603.00004"}  # the two newest days

        # A rerun embeds the rest, and only the rest.
        embedder = type(stopped_after_one_chunk)()
        assert embed_catalog(six_days_of_papers, store, embedder, progress=False) == 4
        assert embedder.embedded == 4 and store.count() == 6


def test_the_plan_says_how_long_embedding_will_take_on_the_cpu():
    assert embedding_plan(86_400, "cpu", cores=2) == (
        "embedding 86,400 papers, newest first: about 1 h 20 min at ~18 papers/s on 2 CPU core(s); "
        "stop any time, a rerun goes on from there")
    assert "about 28 min at ~36 papers/s" in embedding_plan(60_000, "cpu", cores=4)
    assert "about 3 s" in embedding_plan(50, "cpu", cores=2)
    assert embedding_plan(5_000, "cuda") == "embedding 5,000 papers, newest first, on cuda"


def test_indexing_says_up_front_how_long_embedding_will_take(settings, six_days_of_papers, fake_embedder, capsys):
    build_indexes(settings, six_days_of_papers, embedder=fake_embedder, progress=True)
    assert "embedding 6 papers, newest first: about 1 s" in capsys.readouterr().err
    build_indexes(settings, six_days_of_papers, embedder=fake_embedder, progress=True)
    assert "embedding" not in capsys.readouterr().err  # nothing left to embed, nothing said


def test_stats_count_the_papers_with_vectors(settings, six_days_of_papers, stopped_after_one_chunk):
    def stats(*options):
        result = CliRunner().invoke(main, ["--home", str(settings.home), "stats", *options])
        assert result.exit_code == 0, result.output
        return result.output

    assert "with vectors: 0" in stats()
    with EmbeddingStore(six_days_of_papers.engine) as store, pytest.raises(KeyboardInterrupt):
        embed_catalog(six_days_of_papers, store, stopped_after_one_chunk, progress=False)
    assert "papers: 6 " in stats() and "with vectors: 2" in stats()
    assert json.loads(stats("--json"))["papers_with_vectors"] == 2
