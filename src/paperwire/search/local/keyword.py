"""The keyword index (tantivy, BM25): title weighted above abstract, filters applied inside the index.

Documents are labelled with the catalog's ``doc_id`` (a fast field, so hits map back
without fetching stored documents). Adding is delete-then-add by doc_id, so replaying
a batch after a crash leaves one copy of each paper.

Text is split into words (runs of letters and digits) and symbols such as emoji, lower-cased
and folded to ASCII ("Schrödinger" is "schrodinger"); prose (title, abstract, comment, journal
reference) is also stemmed, as arXiv's own search stems, names and report numbers are not.
The fields of arXiv's query language (search.local.field_query) are here too: abstract, comment,
journal_ref, report_no, paper_id and the submitted / updated dates.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Sequence

import tantivy

from paperwire.paper import clean_text
from paperwire.search.arxiv_query import arxiv_dates
from paperwire.search.query import ParsedQuery, SearchFilters, words
from paperwire.store.catalog import StoredPaper, name_key

# Title words count twice: once in the body (title + abstract) and once, scaled by this,
# in the title field. Tuned on SciFact train (docs/benchmarks.md).
TITLE_BOOST = 0.3
# A query's words together: papers holding every word score more (by this times their BM25),
# and more again when its plain words stand within a few words of each other, in order. Chosen
# on short queries ("embedding dimension"); SciFact train's long claims barely notice (hybrid nDCG@10 0.7303 -> 0.7323).
ALL_WORDS_BOOST = 2.0
PROXIMITY_BOOST = 4.0
PROXIMITY_SLOP = 3
WRITER_HEAP = 128_000_000
_EPOCH = date(1970, 1, 1)
PROSE, NAMES = "prose", "names"  # the two analyzers of text fields; category and paper_id are kept whole
_ANALYZERS = {"title": PROSE, "body": PROSE, "abstract": PROSE, "comment": PROSE, "journal_ref": PROSE,
              "author": NAMES, "report_no": NAMES}
_TERMS = r"[\p{Alphabetic}\p{N}]+|\p{So}"  # words, and symbols (emoji) one by one
_DOC_ID_BITS = 32  # date keys: the day above, the doc_id below


def day_number(day: date) -> int:
    """Days since 1970 (a datetime counts as its date)."""
    return day.toordinal() - _EPOCH.toordinal()


def paper_day(paper) -> int:
    """Listing date (or published date) as days since 1970; -1 when neither is known."""
    day = paper.listing_date or paper.published_date
    return day_number(day) if day else -1


def date_key(day: date, doc_id: int = 0) -> int:
    """A paper's date and doc_id as one integer that sorts by date, then doc_id: a total order, so
    pages never overlap and ascending is exactly descending reversed."""
    return (day_number(day) << _DOC_ID_BITS) + doc_id


def date_keys(first: date, last: date) -> tuple[int, int]:
    """The lowest and highest date keys of papers dated from ``first`` to ``last`` (both included)."""
    return date_key(first), date_key(last) + (1 << _DOC_ID_BITS) - 1


def _analyzer(stem: bool) -> tantivy.TextAnalyzer:
    builder = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(_TERMS)).filter(tantivy.Filter.remove_long(40))
               .filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.ascii_fold()))
    return (builder.filter(tantivy.Filter.stemmer("english")) if stem else builder).build()


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("doc_id", stored=True, indexed=True, fast=True)
    builder.add_text_field("title", tokenizer_name=PROSE)
    builder.add_text_field("body", tokenizer_name=PROSE)  # title and abstract together
    builder.add_text_field("abstract", tokenizer_name=PROSE)
    builder.add_text_field("comment", tokenizer_name=PROSE)
    builder.add_text_field("journal_ref", tokenizer_name=PROSE)
    builder.add_text_field("report_no", tokenizer_name=NAMES)
    builder.add_text_field("author", tokenizer_name=NAMES)  # words of names, for author:He
    builder.add_text_field("author_key", tokenizer_name="raw")  # whole folded names
    builder.add_text_field("category", tokenizer_name="raw")
    builder.add_text_field("primary", tokenizer_name="raw")
    builder.add_text_field("paper_id", tokenizer_name="raw")
    builder.add_integer_field("day", indexed=True, fast=True)
    builder.add_integer_field("submitted", indexed=True, fast=True)  # date_key of arXiv's submittedDate
    builder.add_integer_field("updated", indexed=True, fast=True)  # date_key of lastUpdatedDate
    builder.add_integer_field("has_code", indexed=True, fast=True)
    builder.add_integer_field("upvotes", indexed=True, fast=True)
    return builder.build()


class KeywordIndex:
    def __init__(self, path: Path):
        path.mkdir(parents=True, exist_ok=True)
        self.schema = _schema()
        self.index = tantivy.Index(self.schema, str(path), reuse=True)
        self._analyzers = {PROSE: _analyzer(stem=True), NAMES: _analyzer(stem=False)}
        for name, analyzer in self._analyzers.items():
            self.index.register_tokenizer(name, analyzer)
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
        doc.add_text("abstract", clean_text(paper.abstract))
        for field, text in (("comment", paper.comment), ("journal_ref", paper.journal_ref),
                            ("report_no", paper.extra.get("report_no"))):
            if text:
                doc.add_text(field, clean_text(str(text)))
        doc.add_text("paper_id", paper.id)
        for author in paper.authors:
            doc.add_text("author", author)
            doc.add_text("author_key", name_key(author))
        for category in paper.categories:
            doc.add_text("category", category)
        doc.add_text("primary", paper.primary_category or "")
        doc.add_integer("day", paper_day(paper))
        submitted, updated = arxiv_dates(paper)
        doc.add_integer("submitted", date_key(submitted, stored.doc_id))
        doc.add_integer("updated", date_key(updated, stored.doc_id))
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

    def tokens(self, field: str, text: str) -> list[str]:
        """The terms ``text`` makes in ``field``, split as the papers' text was (whole, in a raw field)."""
        analyzer = _ANALYZERS.get(field)
        return self._analyzers[analyzer].analyze(text) if analyzer else [text]

    def page(self, query: tantivy.Query, *, order_by: str | None = None, ascending: bool = False,
             offset: int = 0, limit: int = 10) -> tuple[list[int], int]:
        """doc_ids of one page of ``query``'s matches, and how many match in all: best BM25 score first,
        or by the integer fast field ``order_by`` (newest first); ``ascending`` reverses either exactly."""
        searcher = self.index.searcher()
        if order_by is not None or not ascending:
            order = tantivy.Order.Asc if ascending else tantivy.Order.Desc
            result = searcher.search(query, max(1, limit), count=True, offset=offset, order_by_field=order_by,
                                     order=order)
            return _doc_ids(searcher, result)[:limit], result.count
        # Worst score first: that slice of the best-first order, reversed, so both orders page alike.
        total = searcher.search(query, 1, count=True).count
        end = max(0, total - offset)
        first = max(0, end - limit)
        if end == first:
            return [], total
        return _doc_ids(searcher, searcher.search(query, end - first, count=False, offset=first))[::-1], total

    def _run(self, query: tantivy.Query, limit: int) -> tuple[list[tuple[int, float]], int]:
        searcher = self.index.searcher()
        result = searcher.search(query, max(1, limit), count=True)
        return [(d, float(score)) for d, (score, _) in zip(_doc_ids(searcher, result), result.hits)], result.count

    def text_query(self, query: ParsedQuery) -> tantivy.Query | None:
        # Only plain lower-case words reach tantivy's parser, so no input can be a syntax error.
        plain = [w for term in query.terms for w in words(term)]
        parts = plain + ['"' + " ".join(words(p)) + '"' for p in query.phrases if words(p)]
        if not parts:
            return None
        exclusions = [" ".join(words(e)) for e in query.excluded if words(e)]

        def parse(text: str) -> tantivy.Query:
            return self.index.parse_query(text, ["title", "body"], field_boosts={"title": TITLE_BOOST})

        # Any word matches (the count of matches); the other clauses only reorder those papers.
        matching = parse(" ".join(parts + ["-" + (f'"{e}"' if " " in e else e) for e in exclusions]))
        if len(parts) < 2:
            return matching
        clauses = [(tantivy.Occur.Must, matching), (tantivy.Occur.Should, tantivy.Query.boost_query(
            parse(" ".join("+" + part for part in parts)), ALL_WORDS_BOOST))]
        if len(plain) > 1:
            near = parse('"' + " ".join(plain) + f'"~{PROXIMITY_SLOP}')
            clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(near, PROXIMITY_BOOST)))
        return tantivy.Query.boolean_query(clauses)

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


def _doc_ids(searcher: tantivy.Searcher, result: tantivy.SearchResult) -> list[int]:
    addresses = [address for _, address in result.hits]
    return [int(d) for d in searcher.fast_field_values("doc_id", addresses)] if addresses else []
