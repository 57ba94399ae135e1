"""The digest's sections that need the search index: For you (the recommender) and saved
searches, over real sample papers with their real vectors. SQLite and PostgreSQL."""

from __future__ import annotations

from paperwire.community.library import save
from paperwire.digest.compose import compose_due
from paperwire.reader import saved_searches

from rank.conftest import world  # noqa: F401 (fixture)
from .digest_support import at, listed_in, message_of, outbox_rows, subscribed


def test_for_you_and_saved_searches_fill_their_sections_each_paper_once(db, settings, policy, member,
                                                                         world):  # noqa: F811
    ann = member("ann")
    liked = world.papers("cs")[:4]  # the oldest cs papers: saved before the digest's window
    for paper in liked:
        save(db, policy, ann, paper.doc_id)
    wanted = world.papers("astro-ph")[-1]  # listed on the digest's day
    query = wanted.paper.title.split()[0].strip(":,.")
    saved_searches.add(db, policy, ann, query)
    subscribed(db, policy, ann, "for-you", "searches")

    [composed] = compose_due(db, settings, world.search, now=at(1)).composed

    sections = dict(composed.sections)
    assert sections["for-you"] >= 1 and sections["searches"] >= 1
    [row] = outbox_rows(db)
    listed = listed_in(db, row.id)
    assert not {p.doc_id for p in liked} & set(listed)  # saved papers are never recommended
    assert listed[wanted.doc_id] in ("for-you", "searches")
    text = message_of(row).get_body(("plain",)).get_content()
    assert f'Why: matches your search "{query}"' in text
    assert "== For you ==" in text and "== Matching your saved searches ==" in text


def test_a_reader_without_signals_gets_no_for_you_section_only_what_trending_gives(db, settings, policy, member,
                                                                                   world):  # noqa: F811
    subscribed(db, policy, member("ann"), "for-you")

    report = compose_due(db, settings, world.search, now=at(1))

    assert (report.composed, report.empty) == ([], 1)
