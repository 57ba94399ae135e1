"""Seeding a library from references: matched by arXiv id, DOI or exact title, saved, the rest explained."""

from __future__ import annotations

import dataclasses

import pytest

from paperwire.community import library
from paperwire.community.errors import NotSignedIn
from paperwire.reader.references import read_references
from paperwire.reader.seeding import seed_library

from community.community_support import arxiv_paper


def saved_ids(db, policy, viewer):
    return sorted(e.paper.paper.id for e in library.library(db, policy, viewer)[0])


def test_found_papers_are_saved_and_the_others_reported_with_why(db, policy, member, add_papers):
    ann = member("ann")
    add_papers(arxiv_paper(1, title="Attention with Fewer Heads"),
               dataclasses.replace(arxiv_paper(2), doi="10.1038/S41586-020-2649-2"),
               dataclasses.replace(arxiv_paper(3, title="An Old Result"), arxiv_id=None, id="pw-old"))
    given = read_references("@misc{a, eprint={2607.00001}, archivePrefix={arXiv}}\n"
                            "@article{b, title={Array programming with NumPy}, doi={10.1038/s41586-020-2649-2}}\n"
                            "@article{c, title={An {OLD} result.}}\n"
                            "@misc{d, url={https://arxiv.org/abs/2607.09999}}\n"
                            "@article{e, title={Nowhere To Be Found}}\n"
                            "@misc{f, note={arXiv:2607.00001}}\n")
    report = seed_library(db, policy, ann, given)
    assert [(f.paper.paper.id, f.by) for f in report.saved] == [
        ("2607.00001", "arXiv id"), ("2607.00002", "DOI"), ("pw-old", "title")]
    assert [(p.where, p.reason) for p in report.not_found] == [
        ('entry 4 "d"', "arXiv 2607.09999 is not in this catalog"),
        ('entry 5 "e" (Nowhere To Be Found)', "no arXiv id, and no paper here has this title"),
    ]
    assert saved_ids(db, policy, ann) == ["2607.00001", "2607.00002", "pw-old"]


def test_seeding_saves_to_the_viewers_library_only(db, policy, member, add_papers):
    ann, bob = member("ann"), member("bob")
    add_papers(arxiv_paper(1))
    seed_library(db, policy, ann, read_references("2607.00001"))
    assert saved_ids(db, policy, ann) == ["2607.00001"] and saved_ids(db, policy, bob) == []
    with pytest.raises(NotSignedIn):
        seed_library(db, policy, None, read_references("2607.00001"))


def test_what_the_file_reader_could_not_use_is_passed_on(db, policy, member):
    report = seed_library(db, policy, member("ann"), read_references("hello\n"))
    assert report.saved == [] and [p.where for p in report.unreadable] == ["line 1"]
