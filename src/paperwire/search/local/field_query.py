"""arXiv ``search_query`` trees (search.arxiv_query) as tantivy queries over the keyword index.

A field's text is split as the index split the papers' text (KeywordIndex.tokens): one term is a
term query, several are a phrase (the words in that order, side by side: ``au:del_maestro`` is
"del maestro" within one author's name); text with no terms at all (punctuation) matches nothing.
``cat`` is an exact category (``cat:cs.*`` an archive, ``cat:cs*`` any category so prefixed),
``id`` an exact canonical id, ``all`` any of the fields. Words and phrases score by BM25;
categories, ids, dates and id_list only filter (score 0), so ``sortBy=relevance`` ranks by the
query's words alone. Built from tantivy's query objects, never from query text, so no input is a
tantivy syntax error.
"""

from __future__ import annotations

from typing import Sequence

import tantivy
from tantivy import Occur, Query

from paperwire.paper import InvalidPaper, parse_arxiv_id
from paperwire.search.arxiv_query import BoolQuery, DateRange, FieldTerm, QueryNode
from paperwire.search.local.keyword import KeywordIndex, date_keys

_WORD_FIELDS = {"ti": "title", "abs": "abstract", "co": "comment", "jr": "journal_ref", "au": "author",
                "rn": "report_no"}
_DATE_FIELDS = {"submittedDate": "submitted", "lastUpdatedDate": "updated"}
_LONGEST_CATEGORY = 64  # characters, as the catalog's category column (store.schema) holds them
# sortBy -> the index's fast field to sort on (None: by BM25 score).
SORT_FIELDS = {"relevance": None, **_DATE_FIELDS}


def field_query(tree: QueryNode, index: KeywordIndex, ids: Sequence[str] | None = None) -> Query:
    """The query matching the papers ``tree`` describes, among ``ids`` (canonical arXiv ids) when given."""
    query = _node(tree, index)
    if ids is None:
        return query
    among = Query.term_set_query(index.schema, "paper_id", list(ids))
    return Query.boolean_query([(Occur.Must, query), (Occur.Must, _filter(among))])


def _node(node: QueryNode, index: KeywordIndex) -> Query:
    if isinstance(node, BoolQuery):
        return Query.boolean_query([(occur, _node(operand, index)) for occur, operand in _clauses(node)])
    if isinstance(node, DateRange):
        return _filter(Query.range_query(index.schema, _DATE_FIELDS[node.field], tantivy.FieldType.Integer,
                                         *date_keys(node.start.date(), node.end.date())))
    return _term(node, index)


def _clauses(node: BoolQuery) -> list[tuple[Occur, QueryNode]]:
    """A chain of one operator (the parser nests ``a OR b OR c`` to the left) as one flat clause list:
    64 terms are one boolean query, not 63 nested ones."""
    if node.op == "OR":
        chained = isinstance(node.left, BoolQuery) and node.left.op == "OR"
        return (_clauses(node.left) if chained else [(Occur.Should, node.left)]) + [(Occur.Should, node.right)]
    chained = isinstance(node.left, BoolQuery) and node.left.op != "OR"  # AND and ANDNOT chain together
    right = Occur.MustNot if node.op == "ANDNOT" else Occur.Must
    return (_clauses(node.left) if chained else [(Occur.Must, node.left)]) + [(right, node.right)]


def _term(term: FieldTerm, index: KeywordIndex) -> Query:
    if term.field == "cat":
        return _categories(term.text, index)
    if term.field == "id":
        return _paper_id(term.text, index)
    if term.field == "all":
        anywhere = [_words(field, term.text, index) for field in _WORD_FIELDS.values()]
        anywhere += [_filter(Query.term_query(index.schema, "category", term.text)), _paper_id(term.text, index)]
        return Query.boolean_query([(Occur.Should, query) for query in anywhere])
    return _words(_WORD_FIELDS[term.field], term.text, index)


def _words(field: str, text: str, index: KeywordIndex) -> Query:
    tokens = index.tokens(field, text)
    if not tokens:  # only punctuation, or words too long to be indexed
        return Query.empty_query()
    if len(tokens) == 1:
        return Query.term_query(index.schema, field, tokens[0])
    return Query.phrase_query(index.schema, field, tokens)


def _categories(text: str, index: KeywordIndex) -> Query:
    if not text.endswith("*"):
        return _filter(Query.term_query(index.schema, "category", text))
    prefix = text[:-1]
    if len(prefix) > _LONGEST_CATEGORY:  # no category begins so; and the pattern would outgrow tantivy's limit
        return Query.empty_query()
    # cs.* is the archive cs: "cs" itself or any "cs.XX"; cs* any category beginning with "cs".
    pattern = _literal(prefix[:-1]) + r"(\..*)?" if prefix.endswith(".") else _literal(prefix) + ".*"
    return _filter(Query.regex_query(index.schema, "category", pattern))


def _literal(text: str) -> str:
    """``text`` as a regular expression matching itself: every character escaped by its code point."""
    return "".join(f"\\x{{{ord(ch):x}}}" for ch in text)


def _paper_id(text: str, index: KeywordIndex) -> Query:
    try:
        canonical, _version = parse_arxiv_id(text)
    except InvalidPaper:  # not an arXiv id: a title id (pw-...) or nothing at all
        canonical = text
    return _filter(Query.term_query(index.schema, "paper_id", canonical))


def _filter(query: Query) -> Query:
    return Query.const_score_query(query, 0.0)
