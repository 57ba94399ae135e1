"""Keyword features: written with every index generation, and the wording a reader's papers
share lifts a paper that embeddings alone would not tell apart."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from paperwire.community import library
from paperwire.rank import explain, keywords
from paperwire.rank.for_you import recommend
from paperwire.rank.model import Background, Candidates, train
from paperwire.search import build_indexes


def test_every_index_generation_holds_keyword_features_of_its_papers(world, settings):
    index, features = world.search.vectors_and_keywords()
    assert len(features) == len(index) == world.catalog.count()
    assert np.allclose(np.asarray(features.rows.multiply(features.rows).sum(axis=1)).ravel(), 1.0)

    build_indexes(settings, world.catalog, rebuild=True, progress=False, embedder=world.search.embedder)
    rebuilt_index, rebuilt = world.search.vectors_and_keywords()
    assert rebuilt_index is not index  # a new generation, its features read afresh
    assert (rebuilt.rows != features.rows).nnz == 0  # rebuilt from the catalog alone: the same


def test_features_are_served_as_the_generation_wrote_them_and_an_earlier_generation_without_them_still_loads(
        world, settings):
    _, served = world.search.vectors_and_keywords()
    (generation,) = [path for path in settings.index_dir.glob("vectors-*") if (path / keywords.FILE_NAME).exists()]
    weighed = keywords.KeywordFeatures.of(keywords.load_counts(generation / keywords.FILE_NAME))
    assert (served.rows != weighed.rows).nnz == 0 and (served.rarity == weighed.rarity).all()

    shutil.rmtree(generation / keywords.FEATURES_DIR)  # as a version before them wrote a generation
    earlier = keywords.features_in(generation)

    assert (earlier.rows != weighed.rows).nnz == 0 and (earlier.rarity == weighed.rarity).all()


def test_a_paper_sharing_a_kept_papers_rare_wording_ranks_first_and_says_which_words():
    filler = ["we study a model of the data and report results on several tasks",
              "a new method for learning representations from data with results"]
    texts = [*(filler * 10),
             "quasinormal ringdown spectroscopy of merging black holes",  # the reader kept this
             "we report results of a model on the data",
             "ringdown overtones and quasinormal modes in the merger signal",  # shares its rare words
             "a method for the data with several results"]
    features = keywords.KeywordFeatures.of(keywords.term_counts(texts))
    same = np.tile(np.eye(1, 384, dtype=np.float32), (len(texts), 1))  # embeddings tell nothing apart
    background = Background.of(same[:20], features.rows[:20])
    kept, candidates = [20], [21, 22, 23]
    model = train(same[kept], same[:0], background, features.rows[kept], features.rows[:0])

    best, _ = model.best(Candidates.of(same[candidates], features.rows[candidates], background, features.rarity),
                         limit=3)

    assert candidates[best[0]] == 22
    terms = keywords.terms_with_columns(texts[22])
    columns = np.array(list(terms.values()))
    weighed = dict(zip(terms, model.term_weights(columns) * features.rows[22].toarray()[0, columns]))
    found = explain.top_words(sorted((t for t in weighed if weighed[t] > 0), key=lambda t: -weighed[t]))
    assert set(found) <= {"quasinormal", "ringdown"} and found


def test_the_feed_names_the_words_shared_with_the_readers_papers(world, policy, member):
    ann = member("ann")
    kept = world.papers("astro-ph")[0]
    library.save(world.catalog.engine, policy, ann, kept.doc_id)

    found = recommend(world.catalog.engine, policy, world.search, ann, limit=5).items

    own = keywords.terms_with_columns(keywords.text_of(kept.paper))
    for item in found:
        shown = [r for r in item.reasons if r.startswith("words: ")]
        for reason in shown:
            assert set(reason.removeprefix("words: ").split(", ")) <= set(own)  # only words of ann's paper
    assert any(r.startswith("words: ") for item in found for r in item.reasons)


def test_an_index_of_no_papers_has_no_keyword_rows():
    assert len(keywords.KeywordFeatures.of(keywords.term_counts([]))) == 0


def test_weighing_features_leaves_the_counts_they_were_weighed_from_as_they_were():
    # "once", "dense" and "probes" occur in one text each: weighing drops their terms
    counts = keywords.term_counts(["sparse autoencoders once", "sparse autoencoders again", "dense probes again"])
    before = counts.copy()

    keywords.KeywordFeatures.of(counts)

    assert (counts != before).nnz == 0 and (counts.indptr == before.indptr).all()


def test_only_wording_few_other_papers_use_counts_as_shared_rare_wording():
    texts = [*(["graph networks for molecules"] * 30),
             "graph networks and zygomorphic petals",  # the reader kept this
             "zygomorphic flowers of the orchids",  # shares a word only one other paper uses
             "graph networks for proteins"]  # shares words thirty others use
    features = keywords.KeywordFeatures.of(keywords.term_counts(texts))
    vectors = np.tile(np.eye(1, 384, dtype=np.float32), (len(texts), 1))
    background = Background.of(vectors[:30], features.rows[:30])
    candidates = Candidates.of(vectors[31:], features.rows[31:], background, features.rarity)

    overlap = candidates.rare_overlap(features.rows[30].indices)

    zygomorphic = keywords.terms_with_columns(texts[30])["zygomorphic"]
    assert overlap.tolist() == [pytest.approx(features.rarity[zygomorphic]), 0.0]
    assert features.rarity[zygomorphic] == pytest.approx(np.log(33 / 2))
