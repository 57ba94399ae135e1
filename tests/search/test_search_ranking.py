"""Ranking: papers holding a query's words together come before papers that share one of them.

A small constructed catalog, indexed with the real model. "dimension" is rare in it and
"embedding" common, so plain BM25 would put a title that only says "Dimension" near the top
(as "DINO-Med3D: Bridging Dimension and Domain Gaps" was for "embedding dimension").
"""

import pytest

from paperwire.config import load_settings
from paperwire.paper import make_paper
from paperwire.search import SearchService, build_indexes
from paperwire.store import open_catalog

TOGETHER = {  # the words side by side, or a few words apart
    "2601.00001": ("How to choose the embedding dimension of a sentence encoder",
                   "We measure how the embedding dimension of sentence encoders trades retrieval quality for memory."),
    "2601.00002": ("Compact text representations for search",
                   "Embeddings of reduced dimension keep most of the retrieval quality of full-size models."),
}
APART = {  # both words, far from each other
    "2601.00003": ("Text embeddings for legal retrieval",
                   "We adapt text embeddings to court rulings, statutes and contracts, mining hard negatives from "
                   "citations between cases and training with a contrastive loss over long documents; the one "
                   "dimension of the problem we leave open is time."),
}
ONE_WORD = {
    "2601.00004": ("DINO-Med3D: Bridging Dimension and Domain Gaps in Volumetric Segmentation",
                   "Adapting 2D foundation models to 3D medical volumes across the dimension gap."),
    "2601.00005": ("Dark bubbles, dark dimensions and fat gravitons",
                   "An extra dimension scenario for dark energy with testable gravitational signatures."),
    "2601.00006": ("Fair allocation of indivisible items across multiple dimensions",
                   "Each agent values each dimension of a bundle separately; we give efficient allocations."),
    "2601.00007": ("MVEB: a massive video embedding benchmark", "Video embedding models evaluated on forty tasks."),
    "2601.00008": ("Knowledge graph embedding with rotations", "Entities embedded as rotations in complex space."),
    "2601.00009": ("Debiasing word embedding spaces", "Gender directions removed from a word embedding."),
    "2601.00010": ("Code search with embedding models", "An embedding model trained on code and its docstrings."),
    "2601.00011": ("Protein embedding for function prediction", "Each protein sequence gets an embedding vector."),
}


@pytest.fixture(scope="module")
def ranking_service(tmp_path_factory):
    settings = load_settings(home=tmp_path_factory.mktemp("ranking"), environ={})
    catalog = open_catalog(settings.catalog_url)
    papers = {**TOGETHER, **APART, **ONE_WORD}
    catalog.store([make_paper(arxiv_id=arxiv_id, title=title, abstract=abstract, categories=["cs.CL"], source="test")
                   for arxiv_id, (title, abstract) in papers.items()])
    build_indexes(settings, catalog, progress=False)
    yield SearchService(settings, catalog)
    catalog.engine.dispose()


def ranked_ids(service: SearchService, text: str, mode: str) -> list[str]:
    return [hit.paper.paper.id for hit in service.search(text, mode=mode, limit=20).hits]


@pytest.mark.parametrize("mode", ["hybrid", "keyword"])
def test_papers_with_the_words_together_come_before_papers_with_one_of_them(ranking_service, mode):
    ranked = ranked_ids(ranking_service, "embedding dimension", mode)
    assert set(ranked[:len(TOGETHER)]) == set(TOGETHER)
    assert max(ranked.index(i) for i in TOGETHER) < min(ranked.index(i) for i in ONE_WORD if i in ranked)


def test_words_far_apart_still_beat_a_single_shared_word(ranking_service):
    ranked = ranked_ids(ranking_service, "embedding dimension", "keyword")
    assert ranked.index("2601.00003") == len(TOGETHER)


def test_every_paper_with_either_word_is_still_found(ranking_service):
    results = ranking_service.search("embedding dimension", mode="keyword", limit=20)
    assert results.total == len(TOGETHER) + len(APART) + len(ONE_WORD)

