"""rss.arxiv.org listing feeds (RSS 2.0 and Atom): announce types, versions, listing dates."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from paperwire.paper import BadRecord, Paper
from paperwire.sources import FormatError
from paperwire.sources import listing_feed

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def read(name: str) -> list:
    with open(FIXTURES / name, "rb") as stream:
        return list(listing_feed.parse(stream, name))


def papers(name: str) -> list[Paper]:
    return [item for item in read(name) if isinstance(item, Paper)]


@pytest.mark.parametrize("name", ["listing_rss.xml", "listing_atom.xml"])
def test_all_four_announce_types(name):
    types = [paper.extra["announce_type"] for paper in papers(name)]
    assert {"new", "cross", "replace", "replace-cross"} <= set(types)


def test_rss_items_become_papers():
    found = {paper.id: paper for paper in papers("listing_rss.xml")}
    reward = found["2401.10020"]
    assert reward.title == "Self-Rewarding Language Models"
    assert reward.version == 1
    assert reward.listing_date == date(2024, 1, 15)
    assert reward.authors[:2] == ("Weizhe Yuan", "Richard Yuanzhe Pang")
    assert len(reward.authors) == 6
    assert reward.abstract.startswith("We posit that")
    assert "Announce Type" not in reward.abstract
    assert reward.categories == ("cs.CL", "cs.AI")
    assert reward.license == "http://creativecommons.org/licenses/by/4.0/"
    assert reward.code_links == ("https://github.com/example/self-reward",)
    assert reward.source == "listing-feed"


def test_versions_come_from_the_description_id():
    found = {paper.id: paper for paper in papers("listing_rss.xml")}
    assert found["1706.03762"].version == 7
    assert found["1706.03762"].journal_ref.startswith("Advances in Neural Information")
    assert found["math/0309136"].version == 3
    assert found["math/0309136"].doi == "10.2140/gt.2003.7.615"
    assert found["2309.16588"].primary_category == "cs.CV"  # a cross-list keeps its own primary


def test_atom_entries_become_papers():
    found = {paper.id: paper for paper in papers("listing_atom.xml")}
    mass = found["2203.01250"]
    assert mass.version == 3
    assert mass.extra["announce_type"] == "replace-cross"
    assert mass.listing_date == date(2024, 2, 23)
    assert mass.authors == ("Antonin Monteil", "Paul Pegon")
    assert mass.doi == "10.5802/jep.257"
    assert mass.journal_ref.startswith("Journal de l'")
    assert mass.categories == ("math.AP", "math.OC")
    assert mass.abstract.startswith("We consider first order")


def test_bad_items_are_reported_and_parsing_goes_on():
    rss = read("listing_rss.xml")
    (no_title,) = [item for item in rss if isinstance(item, BadRecord)]
    assert no_title.where == "listing_rss.xml:record 5, line 72"
    assert "title" in no_title.reason
    assert isinstance(rss[-1], Paper)  # the item after it is still read
    atom = read("listing_atom.xml")
    (bad_id,) = [item for item in atom if isinstance(item, BadRecord)]
    assert bad_id.where.startswith("listing_atom.xml:record 5")
    assert "bogus" in bad_id.reason


def test_markup_and_unicode_are_kept_as_given():
    odd = papers("listing_rss.xml")[-1]
    assert odd.title == '<script>alert("x")</script> Ünïcödé 𝔘 and אבג'
    assert odd.authors == ("Zoë Ærøskøbing", "Ng Wei")


def test_truncated_feed_keeps_items_before_the_cut():
    items = read("listing_rss_truncated.xml")
    assert [type(item) for item in items] == [Paper, Paper, BadRecord]
    assert items[-1].where.startswith("listing_rss_truncated.xml:line ")


def test_external_entities_are_not_read():
    (paper,) = read("listing_rss_xxe.xml")
    assert paper.title == "Leak &xxe;"
    assert "root:" not in paper.abstract


def test_not_a_feed_is_a_format_error():
    with pytest.raises(FormatError):
        list(listing_feed.parse(io.BytesIO(b"<html><body>503</body></html>"), "x"))


def test_sniff():
    assert listing_feed.sniff((FIXTURES / "listing_rss.xml").read_bytes()[:4096])
    assert listing_feed.sniff((FIXTURES / "listing_atom.xml").read_bytes()[:4096])
    assert not listing_feed.sniff((FIXTURES / "arxiv_api_query.xml").read_bytes()[:4096])
    assert not listing_feed.sniff(b'{"title": "rss.arxiv.org"}')
