"""arXiv ``search_query`` trees (search.arxiv_query) as PostgreSQL conditions on papers ``p``: the
arXiv query API of a node whose search runs inside PostgreSQL (search_backend = "postgres").

The same meaning as search.local.field_query gives them over the keyword index: a field's words in that
order (``ti`` the title's, ``abs`` the abstract's, from the weighted ``search_text``), ``au`` the
words side by side in one author's name, ``cat`` an exact category (``cs.*`` an archive, ``cs*``
a prefix), ``id`` an exact canonical id, ``all`` any field; dates by day. Relevance is ts_rank of
the query's title and abstract words; every value is bound (search.postgres.sql.Bound).
"""

from __future__ import annotations

from typing import Sequence

from paperwire.paper import InvalidPaper, parse_arxiv_id
from paperwire.search.arxiv_query import BoolQuery, DateRange, FieldTerm, QueryNode
from paperwire.search.postgres.indexes import TEXT_CONFIG
from paperwire.search.postgres.sql import Bound, like_escaped
from paperwire.search.query import words
from paperwire.store.catalog import name_key

SUBMITTED = "coalesce(p.published_date, p.listing_date, p.updated_date, DATE '1970-01-01')"  # as arxiv_dates
UPDATED = f"coalesce(p.updated_date, {SUBMITTED})"
DATE_COLUMNS = {"submittedDate": SUBMITTED, "lastUpdatedDate": UPDATED}
_WEIGHTS = {"ti": "a", "abs": "b"}  # search_text: the title's lexemes weigh A, the abstract's B
_PROSE = {"co": "p.comment", "jr": "p.journal_ref"}
_LONGEST_CATEGORY = 64


class FieldSql:
    """One tree's condition, and the words its relevance ranks by."""

    def __init__(self, tree: QueryNode, ids: Sequence[str] | None = None):
        self.sql = Bound()
        self._ranked: list[str] = []
        condition = self._node(tree)
        if ids is not None:
            condition = f"({condition}) AND p.id = ANY({self.sql.value(list(ids))})"
        self.condition = f"NOT p.deleted AND {condition}"

    @property
    def relevance(self) -> str:
        if not self._ranked:
            return "0.0::real"  # no words: every match ties, in doc_id order
        return f"ts_rank(p.search_text, {' || '.join(self._ranked)})"

    def _node(self, node: QueryNode) -> str:
        if isinstance(node, BoolQuery):
            left, right = self._node(node.left), self._node(node.right)
            joined = {"AND": f"{left} AND {right}", "OR": f"{left} OR {right}", "ANDNOT": f"{left} AND NOT ({right})"}
            return f"({joined[node.op]})"
        if isinstance(node, DateRange):
            column = DATE_COLUMNS[node.field]
            return f"{column} BETWEEN {self.sql.value(node.start.date())} AND {self.sql.value(node.end.date())}"
        return self._term(node)

    def _term(self, term: FieldTerm) -> str:
        if term.field == "all":
            fields = ("ti", "abs", "co", "jr", "au", "rn", "cat", "id")
            return "(" + " OR ".join(self._term(FieldTerm(field, term.text)) for field in fields) + ")"
        if term.field in _WEIGHTS:
            return self._prose(term.text, _WEIGHTS[term.field])
        if term.field in _PROSE:
            query = self.sql.words_query(term.text, phrase=True)
            return f"to_tsvector('{TEXT_CONFIG}', coalesce({_PROSE[term.field]}, '')) @@ {query}"
        if term.field == "rn":
            query = f"phraseto_tsquery('simple', {self.sql.value(' '.join(words(term.text)))})"
            return f"to_tsvector('simple', coalesce(p.extra ->> 'report_no', '')) @@ {query}"
        if term.field == "au":
            return self._author(term.text)
        if term.field == "cat":
            return self._category(term.text)
        return self._paper_id(term.text)

    def _prose(self, text: str, weight: str) -> str:
        if not words(text):
            return "FALSE"
        query = self.sql.words_query(text, phrase=True)
        self._ranked.append(query)
        # The GIN index finds the papers holding the words; ts_filter keeps those holding them in the field.
        return f"(p.search_text @@ {query} AND ts_filter(p.search_text, '{{{weight}}}') @@ {query})"

    def _author(self, text: str) -> str:
        spaced = " ".join(words(name_key(text)))
        if not spaced:
            return "FALSE"
        return f"p.doc_id IN (SELECT a.doc_id FROM paper_authors a WHERE {self.sql.author_words(spaced)})"

    def _category(self, text: str) -> str:
        if not text.endswith("*"):
            return f"EXISTS (SELECT 1 FROM paper_categories c WHERE c.doc_id = p.doc_id AND c.category = {self.sql.value(text)})"
        prefix = text[:-1]
        if len(prefix) > _LONGEST_CATEGORY:
            return "FALSE"
        # cs.* is the archive cs: "cs" itself or any "cs.XX"; cs* any category beginning with "cs".
        archive = prefix[:-1] if prefix.endswith(".") else None
        like = self.sql.value(like_escaped(prefix) + "%")
        matches = f"c.category LIKE {like}" + (f" OR c.category = {self.sql.value(archive)}" if archive else "")
        return f"EXISTS (SELECT 1 FROM paper_categories c WHERE c.doc_id = p.doc_id AND ({matches}))"

    def _paper_id(self, text: str) -> str:
        try:
            canonical, _version = parse_arxiv_id(text)
        except InvalidPaper:  # not an arXiv id: a title id (pw-...) or nothing at all
            canonical = text
        return f"p.id = {self.sql.value(canonical)}"

