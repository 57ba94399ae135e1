"""The search box's query (search.query.ParsedQuery) as PostgreSQL conditions, always as bound values.

No text a user typed ever becomes SQL or tsquery syntax: words reach the server only as values
of ``plainto_tsquery`` / ``phraseto_tsquery`` (which parse nothing: ``!:&|()<*`` are just
characters to them), combined by the tsquery operators ``||``, ``&&`` and ``!!`` written here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from paperwire.search.postgres.indexes import AUTHOR_WORDS, TEXT_CONFIG
from paperwire.search.query import ParsedQuery, SearchFilters, words
from paperwire.store.catalog import name_key

DAY = "coalesce(p.listing_date, p.published_date)"  # the day filters and sorts go by, as paper_day


@dataclass
class Bound:
    """SQL text and the values it names (``:n0``, ``:n1``, ...), built up piece by piece."""

    params: dict = field(default_factory=dict)

    def value(self, value) -> str:
        name = f"v{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def words_query(self, text: str, *, phrase: bool = False) -> str:
        maker = "phraseto_tsquery" if phrase else "plainto_tsquery"
        return f"{maker}('{TEXT_CONFIG}', {self.value(' '.join(words(text)))})"

    def any_words(self, query: ParsedQuery, only: set[str] | None = None) -> str | None:
        """Papers holding any word or phrase of the query (of its words, those in ``only`` when given)
        and none it excludes; None: no words."""
        parts = [self.words_query(w) for w in plain_words(query) if only is None or w in only]
        parts += [self.words_query(p, phrase=True) for p in query.phrases if words(p)]
        return self._excluding("(" + " || ".join(parts) + ")", query) if parts else None

    def all_words(self, query: ParsedQuery) -> str | None:
        """Papers holding every word and phrase, and none excluded; None for a query of one part."""
        parts = [self.words_query(w) for w in plain_words(query)]
        parts += [self.words_query(p, phrase=True) for p in query.phrases if words(p)]
        return self._excluding("(" + " && ".join(parts) + ")", query) if len(parts) > 1 else None

    def _excluding(self, matching: str, query: ParsedQuery) -> str:
        for excluded in query.excluded:
            if words(excluded):
                matching += f" && !!{self.words_query(excluded, phrase=True)}"
        return f"({matching})"  # whole: @@ binds tighter than && and ||

    def filters(self, filters: SearchFilters) -> str:
        """Conditions on papers ``p``: live, and passing ``filters``."""
        conditions = ["NOT p.deleted"]
        if filters.categories:
            primary = " AND c.is_primary" if filters.primary_only else ""
            conditions.append("EXISTS (SELECT 1 FROM paper_categories c WHERE c.doc_id = p.doc_id "
                              f"AND c.category = ANY({self.value(list(filters.categories))}){primary})")
        if filters.since:
            conditions.append(f"{DAY} >= {self.value(filters.since)}")
        if filters.until:
            conditions.append(f"{DAY} <= {self.value(filters.until)}")
        for author in filters.authors:
            conditions.append(self._author(author))
        if filters.has_code is not None:
            conditions.append(f"(json_array_length(p.code_links) > 0) = {self.value(filters.has_code)}")
        return " AND ".join(conditions)

    def _author(self, author: str) -> str:
        # As the keyword index: the exact (folded) name, or its words side by side in one name ("He").
        key = name_key(author)
        loose = " ".join(words(key))
        same = f"a.name_key = {self.value(key)}" + (f" OR {self.author_words(loose)}" if loose else "")
        return f"p.doc_id IN (SELECT a.doc_id FROM paper_authors a WHERE {same})"

    def author_words(self, spaced: str) -> str:
        """Authors ``a`` whose name holds these words (space-separated), side by side (trigram index)."""
        return f"{AUTHOR_WORDS} LIKE {self.value('% ' + like_escaped(spaced) + ' %')}"

def plain_words(query: ParsedQuery) -> list[str]:
    """The query's plain words (phrases aside), each once, in order."""
    return list(dict.fromkeys(w for term in query.terms for w in words(term)))


def query_words(query: ParsedQuery) -> list[str]:
    """Every word the query searches for, its phrases' too, each once."""
    return list(dict.fromkeys(plain_words(query) + [w for p in query.phrases for w in words(p)]))


def like_escaped(text: str) -> str:
    """``text`` matching itself in a LIKE pattern."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
