"""Reading papers again is cheap, and never stale: their text is remembered per revision, their
votes and comment counts are read every time."""

from __future__ import annotations

import dataclasses
from datetime import date

from sqlalchemy import update

from paperwire.paper import Paper
from paperwire.store import Catalog
from paperwire.store.schema import papers


def paper(n: int, title: str) -> Paper:
    return Paper(id=f"2607.{n:05d}", arxiv_id=f"2607.{n:05d}", title=title, listing_date=date(2026, 7, 1),
                 categories=("cs.CL",), primary_category="cs.CL", authors=("Ann Lee",))


def test_votes_are_read_fresh_while_the_paper_itself_is_remembered(catalog):
    catalog.store([paper(1, "Sparse autoencoders"), paper(2, "Diffusion models")])
    first = catalog.by_doc_ids([2, 1])
    with catalog.engine.begin() as conn:
        conn.execute(update(papers).where(papers.c.doc_id == 1).values(votes=7, num_comments=2))
    again = catalog.by_doc_ids([2, 1])
    assert [p.paper.title for p in again] == ["Diffusion models", "Sparse autoencoders"]
    assert [(p.votes, p.num_comments) for p in again] == [(0, 0), (7, 2)]
    assert again[1].paper is first[1].paper  # the same Paper: not rebuilt from its row


def test_a_rewritten_paper_is_read_afresh_by_every_catalog_on_the_engine(catalog):
    catalog.store([paper(1, "Sparse autoencoders")])
    [before] = catalog.by_doc_ids([1])
    catalog.store([dataclasses.replace(before.paper, title="Sparse autoencoders, revisited", version=2)])
    [after] = Catalog(catalog.engine).by_doc_ids([1])
    assert after.paper.title == "Sparse autoencoders, revisited"
    assert after.revision > before.revision


def test_papers_asked_twice_come_back_twice_and_unknown_ones_are_left_out(catalog):
    catalog.store([paper(1, "Sparse autoencoders")])
    assert [p.doc_id for p in catalog.by_doc_ids([1, 99, 1])] == [1, 1]
