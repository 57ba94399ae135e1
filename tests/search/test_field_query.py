"""arXiv query semantics over the keyword index: what each field matches, phrases and words, the
boolean operators, date ranges, the three sorts and paging, and input that must never raise."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st

from paperwire.search.arxiv_query import FieldTerm, QuerySyntaxError, parse_search_query
from paperwire.search.local.field_query import SORT_FIELDS, field_query
from paperwire.search.local.keyword import KeywordIndex

PAPERS = [
    dict(arxiv_id="2601.00001", title="Quantum computing with neural networks", abstract="We train networks on qubits.",
         authors=["Adrian Del Maestro", "Jane Smith"], categories=["quant-ph", "cs.LG"], comment="12 pages, 3 figures",
         journal_ref="Phys. Rev. B 99, 014501 (2019)", extra={"report_no": "CERN-TH-2019-001"},
         published_date=date(2019, 1, 10), updated_date=date(2023, 3, 1)),
    dict(arxiv_id="2601.00002", title="Neural computing of quantum states", abstract="Computation, not qubits.",
         authors=["Maria Del Carmen", "Luca Maestro"], categories=["cs.LG"], published_date=date(2020, 5, 5)),
    dict(arxiv_id="2601.00003", title="Schrödinger bridges in mathematical physics", abstract="Rockets 🚀 everywhere.",
         authors=["Zoë Ångström"], categories=["math-ph", "math.MP"], published_date=date(2021, 7, 7)),
    dict(arxiv_id="2601.00004", title="Harmonic analysis", abstract="Here quantum computing is in the abstract only.",
         authors=["Ada Lovelace"], categories=["math.CA"], published_date=date(2022, 2, 2)),
]
# The ids by submission date, oldest first.
BY_SUBMISSION = ["2601.00001", "2601.00002", "2601.00003", "2601.00004"]


@pytest.fixture(scope="module")
def arxiv_index(tmp_path_factory):
    """A keyword index of PAPERS (from a real catalog) and the paper id of each doc_id."""
    from paperwire.config import load_settings
    from paperwire.paper import make_paper
    from paperwire.store import open_catalog

    home = tmp_path_factory.mktemp("arxiv-fields")
    catalog = open_catalog(load_settings(home=home, environ={}).catalog_url)
    catalog.store([make_paper(source="test", **fields) for fields in PAPERS])
    index = KeywordIndex(home / "keyword")
    ids = {}
    for batch in catalog.changed_since(0):
        index.apply(batch)
        ids.update((stored.doc_id, stored.paper.id) for stored in batch)
    index.commit()
    yield index, ids
    catalog.engine.dispose()


def matches(arxiv_index, search_query: str, *, sort_by: str = "submittedDate", ascending: bool = True,
            start: int = 0, count: int = 50, ids: list[str] | None = None) -> list[str]:
    index, paper_ids = arxiv_index
    doc_ids, total = index.page(field_query(parse_search_query(search_query), index, ids),
                                order_by=SORT_FIELDS[sort_by], ascending=ascending, offset=start, limit=count)
    assert total >= len(doc_ids)
    return [paper_ids[d] for d in doc_ids]


def total(arxiv_index, search_query: str) -> int:
    index, _ = arxiv_index
    return index.page(field_query(parse_search_query(search_query), index), limit=0)[1]


@pytest.mark.parametrize("search_query, expected", [
    ('ti:"quantum computing"', ["2601.00001"]),  # a phrase: the words side by side, in order
    ("ti:quantum AND ti:computing", ["2601.00001", "2601.00002"]),  # words: anywhere in the title
    ('abs:"quantum computing"', ["2601.00004"]),  # abs is the abstract alone, ti the title alone
    ("ti:computation", ["2601.00001", "2601.00002"]),  # stemmed, as arXiv stems: computing = computation
    ("ti:schrodinger", ["2601.00003"]),  # accents folded
    ("abs:🚀", ["2601.00003"]),  # emoji are words too
    ("ti:qubits", []),
])
def test_title_and_abstract_match_words_and_phrases(arxiv_index, search_query, expected):
    assert matches(arxiv_index, search_query) == expected


@pytest.mark.parametrize("search_query, expected", [
    ("au:del_maestro", ["2601.00001"]),  # one author's name, words in order: not "Maria Del" + "Luca Maestro"
    ("au:maestro", ["2601.00001", "2601.00002"]),
    ('au:"Jane Smith"', ["2601.00001"]),
    ("au:smith_jane", []),
    ("au:angstrom", ["2601.00003"]), ("au:Ångström", ["2601.00003"]),
])
def test_authors_match_word_by_word_within_one_name(arxiv_index, search_query, expected):
    assert matches(arxiv_index, search_query) == expected


@pytest.mark.parametrize("search_query, expected", [
    ("cat:math.MP", ["2601.00003"]),
    ("cat:math", []),  # exact: no category is called just "math"
    ("cat:math.*", ["2601.00003", "2601.00004"]),  # the archive math: math.MP, math.CA, not math-ph
    ("cat:math*", ["2601.00003", "2601.00004"]),  # any category beginning "math"
    ("cat:math-ph ANDNOT cat:math.MP", []),
    ("cat:*", BY_SUBMISSION),
    ("id:2601.00002", ["2601.00002"]), ("id:2601.00002v3", ["2601.00002"]), ("id:2601.0000", []),
    ("co:figures", ["2601.00001"]), ('jr:"Phys. Rev. B"', ["2601.00001"]), ("jr:014501", ["2601.00001"]),
    ("rn:CERN-TH-2019-001", ["2601.00001"]), ("rn:cern", ["2601.00001"]),
])
def test_categories_ids_comments_journals_and_report_numbers(arxiv_index, search_query, expected):
    assert matches(arxiv_index, search_query) == expected


@pytest.mark.parametrize("search_query, expected", [
    ("all:figures", ["2601.00001"]),  # the comment
    ("all:lovelace", ["2601.00004"]),  # an author
    ("all:quant-ph", ["2601.00001"]),  # a category
    ("all:2601.00003", ["2601.00003"]),  # an id
    ('all:"quantum computing"', ["2601.00001", "2601.00004"]),  # a phrase in the title or the abstract
    ("qubits", ["2601.00001", "2601.00002"]),  # a bare word searches all
])
def test_all_matches_any_field(arxiv_index, search_query, expected):
    assert matches(arxiv_index, search_query) == expected


@pytest.mark.parametrize("search_query, expected", [
    ("cat:cs.LG ANDNOT au:smith", ["2601.00002"]),
    ("ti:neural AND ti:states OR cat:math.CA", ["2601.00002", "2601.00004"]),  # AND binds tighter
    ("ti:neural AND (ti:states OR cat:math.CA)", ["2601.00002"]),
    ("qubits ANDNOT (au:smith OR au:nobody)", ["2601.00002"]),
    ("ti:quantum ANDNOT ti:nothingsuch", ["2601.00001", "2601.00002"]),  # excluding no paper excludes none
    ("all:qubits AND co:12", ["2601.00001"]),
])
def test_boolean_operators(arxiv_index, search_query, expected):
    assert matches(arxiv_index, search_query) == expected


def test_date_ranges_select_whole_days(arxiv_index):
    assert matches(arxiv_index, "submittedDate:[20200101 TO 20211231]") == ["2601.00002", "2601.00003"]
    assert matches(arxiv_index, "submittedDate:[202007070000 TO 202107071200]") == ["2601.00003"]
    # Updated on 2023-03-01, submitted in 2019: each date field answers for its own date.
    assert matches(arxiv_index, "lastUpdatedDate:[20230301 TO 20230301]") == ["2601.00001"]
    assert matches(arxiv_index, "submittedDate:[20230301 TO 20230301]") == []
    # A paper never updated was last updated when it was submitted.
    assert matches(arxiv_index, "lastUpdatedDate:[20220202 TO 20220202]") == ["2601.00004"]
    assert matches(arxiv_index, "submittedDate:[00010101 TO 99991231]") == BY_SUBMISSION


def test_date_sorts_in_both_orders(arxiv_index):
    assert matches(arxiv_index, "cat:*", sort_by="submittedDate", ascending=True) == BY_SUBMISSION
    assert matches(arxiv_index, "cat:*", sort_by="submittedDate", ascending=False) == BY_SUBMISSION[::-1]
    by_update = ["2601.00002", "2601.00003", "2601.00004", "2601.00001"]  # 2601.00001 was updated in 2023
    assert matches(arxiv_index, "cat:*", sort_by="lastUpdatedDate", ascending=True) == by_update
    assert matches(arxiv_index, "cat:*", sort_by="lastUpdatedDate", ascending=False) == by_update[::-1]


def test_relevance_ranks_by_the_query_words_and_ascending_is_its_reverse(arxiv_index):
    # Both words (one of them twice) beat one word; the category filter adds nothing to the score.
    best_first = matches(arxiv_index, "(all:networks OR all:neural) AND cat:cs.LG", sort_by="relevance", ascending=False)
    assert best_first == ["2601.00001", "2601.00002"]
    assert matches(arxiv_index, "(all:networks OR all:neural) AND cat:cs.LG", sort_by="relevance") == best_first[::-1]


@pytest.mark.parametrize("sort_by", ["relevance", "submittedDate", "lastUpdatedDate"])
@pytest.mark.parametrize("ascending", [False, True])
def test_pages_cover_every_match_once(arxiv_index, sort_by, ascending):
    whole = matches(arxiv_index, "cat:*", sort_by=sort_by, ascending=ascending)
    pages = [matches(arxiv_index, "cat:*", sort_by=sort_by, ascending=ascending, start=start, count=3)
             for start in (0, 3, 6)]
    assert pages[0] + pages[1] == whole and pages[2] == [] and len(whole) == total(arxiv_index, "cat:*") == 4
    assert matches(arxiv_index, "cat:*", sort_by=sort_by, ascending=ascending, count=0) == []


def test_an_id_list_narrows_a_query(arxiv_index):
    assert matches(arxiv_index, "cat:cs.LG", ids=["2601.00002", "2601.00003"]) == ["2601.00002"]


def test_sixty_four_or_terms_match_their_union(arxiv_index):
    words = ["lovelace", "schrodinger"] + [f"absent{n}" for n in range(62)]
    query = " OR ".join(f"all:{word}" for word in words)
    assert matches(arxiv_index, query) == ["2601.00003", "2601.00004"]
    assert matches(arxiv_index, query, sort_by="relevance", ascending=False) in (
        ["2601.00003", "2601.00004"], ["2601.00004", "2601.00003"])


HOSTILE_TEXTS = [
    '+-&|!(){}[]^"~*?:\\/', "a+b", "c++", "x-y", "!x", "x~2", "x^3", "x*", "?x", "a\\b", "a/b", "a:b", "{x}", "[x TO y]",
    "\x00", "\u202e\ufeff", "\u0301", "𝕏𝕐", "ｆｕｌｌｗｉｄｔｈ", "٣٤", "²①", "x" * 2000, "é" * 300, "🚀" * 500,
    "' OR 1=1 --", "%", "_", ".*", "(?i)x", "\\x{2e}",
]


@pytest.mark.parametrize("field", ["ti", "au", "abs", "co", "jr", "cat", "rn", "id", "all"])
def test_tantivy_syntax_and_odd_unicode_in_any_field_never_raise(arxiv_index, field):
    index, _ = arxiv_index
    for text in HOSTILE_TEXTS + [text + "*" for text in HOSTILE_TEXTS]:
        doc_ids, found = index.page(field_query(FieldTerm(field, text), index), limit=10)
        assert (doc_ids, found) == ([], 0), text  # matched literally, and no paper holds these


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_search_query_is_refused_or_answered(arxiv_index, text):
    index, _ = arxiv_index
    try:
        tree = parse_search_query(text)
    except QuerySyntaxError:
        return
    index.page(field_query(tree, index), order_by=None, ascending=True, limit=5)
