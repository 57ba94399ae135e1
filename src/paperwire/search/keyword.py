"""The keyword index (tantivy, BM25): title weighted above abstract, filters applied inside the index.

Documents are labelled with the catalog's ``doc_id`` (a fast field, so hits map back
without fetching stored documents). Adding is delete-then-add by doc_id, so replaying
a batch after a crash leaves one copy of each paper.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Sequence

import tantivy

from paperwire.paper import clean_text
from paperwire.search.query import ParsedQuery, SearchFilters, words
from paperwire.store.catalog import StoredPaper, name_key

# Title words count twice: once in the body (title + abstract) and once, scaled by this,
# in the title field. Tuned on SciFact train (docs/benchmarks.md).
TITLE_BOOST = 0.3
WRITER_HEAP = 128_000_000
_EPOCH = date(1970, 1, 1)


def day_number(day: date) -> int:
    """Days since 1970 (a datetime counts as its date)."""
    return day.toordinal() - _EPOCH.toordinal()


def paper_day(paper) -> int:
    """Listing date (or published date) as days since 1970; -1 when neither is known."""
    day = paper.listing_date or paper.published_date
    return day_number(day) if day else -1


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("doc_id", stored=True, indexed=True, fast=True)
    builder.add_text_field("title", tokenizer_name="en_stem")
    builder.add_text_field("body", tokenizer_name="en_stem")  # title and abstract together
    builder.add_text_field("author", tokenizer_name="default")  # words of names, for author:He
    builder.add_text_field("author_key", tokenizer_name="raw")  # whole folded names
    builder.add_text_field("category", tokenizer_name="raw")
    builder.add_text_field("primary", tokenizer_name="raw")
    builder.add_integer_field("day", indexed=True, fast=True)
    builder.add_integer_field("has_code", indexed=True, fast=True)
    builder.add_integer_field("upvotes", indexed=True, fast=True)
    return builder.build()


class KeywordIndex:
    def __init__(self, path: Path):
        path.mkdir(parents=True, exist_ok=True)
        self.schema = _schema()
        self.index = tantivy.Index(self.schema, str(path), reuse=True)
        self._open_writer = None  # created on the first write, closed by commit()

    # ---- writing -----------------------------------------------------------------------

    def apply(self, papers: Sequence[StoredPaper]) -> None:
        """Replace (or remove, when deleted) these papers; committed by :meth:`commit`."""
        writer = self._writer()
        for stored in papers:
            writer.delete_documents_by_term("doc_id", stored.doc_id)
            if not stored.deleted:
                writer.add_document(self._document(stored))

    def commit(self) -> None:
        if self._open_writer is not None:
            self._open_writer.commit()
            self._open_writer.wait_merging_threads()
            self._open_writer = None
        self.index.reload()

    def clear(self) -> None:
        writer = self._writer()
        writer.delete_all_documents()

    def _writer(self):
        if self._open_writer is None:
            self._open_writer = self.index.writer(WRITER_HEAP, 1)
        return self._open_writer

    def _document(self, stored: StoredPaper) -> tantivy.Document:
        paper = stored.paper
        doc = tantivy.Document()
        doc.add_integer("doc_id", stored.doc_id)
        doc.add_text("title", clean_text(paper.title))
        doc.add_text("body", clean_text(paper.title) + "\n" + clean_text(paper.abstract))
        for author in paper.authors:
            doc.add_text("author", author)
            doc.add_text("author_key", name_key(author))
        for category in paper.categories:
            doc.add_text("category", category)
        doc.add_text("primary", paper.primary_category or "")
        doc.add_integer("day", paper_day(paper))
        doc.add_integer("has_code", 1 if paper.code_links else 0)
        doc.add_integer("upvotes", paper.upvotes)
        return doc

    # ---- reading -----------------------------------------------------------------------

    def reload(self) -> None:
        self.index.reload()

    def num_docs(self) -> int:
        return self.index.searcher().num_docs

    def search(self, query: ParsedQuery, filters: SearchFilters, limit: int) -> tuple[list[tuple[int, float]], int]:
        """(doc_id, BM25 score) best first, and how many documents match in all."""
        text_query = self.text_query(query)
        if text_query is None:
            return [], 0
        return self._run(self._with_filters(text_query, filters), limit)

    def filtered_doc_ids(self, filters: SearchFilters, limit: int) -> list[int]:
        """Doc ids matching ``filters`` alone (used for author filters, which vectors do not know)."""
        hits, _ = self._run(self._with_filters(tantivy.Query.all_query(), filters), limit)
        return [doc_id for doc_id, _ in hits]

    def _run(self, query: tantivy.Query, limit: int) -> tuple[list[tuple[int, float]], int]:
        searcher = self.index.searcher()
        result = searcher.search(query, max(1, limit), count=True)
        addresses = [address for _, address in result.hits]
        doc_ids = searcher.fast_field_values("doc_id", addresses) if addresses else []
        return [(int(d), float(score)) for d, (score, _) in zip(doc_ids, result.hits)], result.count

    def text_query(self, query: ParsedQuery) -> tantivy.Query | None:
        # Only plain lower-case words reach tantivy's parser, so no input can be a syntax error.
        parts = [w for term in query.terms for w in words(term)]
        parts += ['"' + " ".join(words(p)) + '"' for p in query.phrases if words(p)]
        if not parts:
            return None
        exclusions = [" ".join(words(e)) for e in query.excluded if words(e)]
        parts += ["-" + (f'"{e}"' if " " in e else e) for e in exclusions]
        return self.index.parse_query(
            " ".join(parts), ["title", "body"], field_boosts={"title": TITLE_BOOST}
        )

    def _with_filters(self, query: tantivy.Query, filters: SearchFilters) -> tantivy.Query:
        clauses = [(tantivy.Occur.Must, query)]
        schema = self.schema
        if filters.categories:
            field = "primary" if filters.primary_only else "category"
            clauses.append((tantivy.Occur.Must, tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, tantivy.Query.term_query(schema, field, c)) for c in filters.categories]
            )))
        if filters.since or filters.until:
            lower = day_number(filters.since) if filters.since else 0
            upper = day_number(filters.until) if filters.until else 10_000_000
            clauses.append((tantivy.Occur.Must, tantivy.Query.range_query(
                schema, "day", tantivy.FieldType.Integer, max(lower, 0), upper)))
        for author in filters.authors:
            clauses.append((tantivy.Occur.Must, self._author_query(author)))
        if filters.has_code is not None:
            clauses.append((tantivy.Occur.Must, tantivy.Query.term_query(schema, "has_code", int(filters.has_code))))
        return tantivy.Query.boolean_query(clauses) if len(clauses) > 1 else query

    def _author_query(self, author: str) -> tantivy.Query:
        # "Kaiming He" matches that exact name; a single word ("He") matches any author with it.
        schema = self.schema
        exact = tantivy.Query.term_query(schema, "author_key", name_key(author))
        tokens = words(name_key(author))
        if len(tokens) == 1:
            loose = tantivy.Query.term_query(schema, "author", tokens[0])
        elif tokens:
            loose = tantivy.Query.phrase_query(schema, "author", tokens)
        else:
            return exact
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, exact), (tantivy.Occur.Should, loose)])

