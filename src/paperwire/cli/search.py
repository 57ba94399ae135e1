"""`paperwire index | embed | search | similar | eval beir | bench search`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


def register(main: click.Group) -> None:
    from paperwire.cli import AppContext, pass_app

    @main.command("index")
    @click.option("--rebuild", is_flag=True, help="Recreate the indexes from the catalog (stored embeddings are reused).")
    @click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
    @pass_app
    def index_command(app: AppContext, rebuild: bool, quiet: bool) -> None:
        """Build or refresh the keyword and vector search indexes.

        Incremental: only papers changed since the last run are (re)indexed; an
        interrupted run is completed by the next one. Embedding new papers is the slow
        step (resumable: vectors are stored as they are made).

        With search_backend = "postgres" it embeds the papers that have no vector yet and
        creates the database's full-text and HNSW indexes where missing (--rebuild: anew);
        the server keeps them up to date, so no file is written but the query model.

        \b
        Examples:
          paperwire index
          paperwire index --rebuild
        """
        from paperwire.search import IndexBusy
        from paperwire.search.backends import index_search

        try:
            report = index_search(app.settings, app.existing_catalog, rebuild=rebuild, progress=not quiet)
        except IndexBusy as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(report.summary())

    @main.command("embed")
    @click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
    @pass_app
    def embed_command(app: AppContext, quiet: bool) -> None:
        """Embed every paper that has no stored vector yet (resumable; `index` then reuses them).

        Useful to run ahead of `paperwire index` on a large import: stop it any time,
        rerun, and it continues where it stopped. Uses CUDA when available.
        """
        from paperwire.search.embedder import Embedder
        from paperwire.search.embedding_job import embed_catalog
        from paperwire.search.embedding_store import EmbeddingStore, adopt_legacy_file

        catalog = app.existing_catalog
        with EmbeddingStore(catalog.engine) as store:
            adopt_legacy_file(store, app.settings.index_dir, progress=not quiet)
            count = embed_catalog(catalog, store, Embedder(), progress=not quiet)
            click.echo(f"embedded {count} papers; {store.count()} stored vectors")

    @main.command("search")
    @click.argument("query", nargs=-1)
    @click.option("-k", "--limit", type=click.IntRange(min=1), default=10, show_default=True, help="How many results.")
    @click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many results (paging).")
    @click.option("--sort", type=click.Choice(["relevance", "newest", "upvotes"]), default="relevance", show_default=True)
    @click.option("--mode", type=click.Choice(["hybrid", "keyword", "semantic"]), default="hybrid", show_default=True)
    @click.option("--cat", "categories", multiple=True, help="Only papers in this category (repeatable: any of them).")
    @click.option("--primary", is_flag=True, help="--cat matches the primary category only.")
    @click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Listed on or after this date.")
    @click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Listed on or before this date.")
    @click.option("--author", "authors", multiple=True, help="Only papers by this author.")
    @click.option("--has-code", is_flag=True, default=None, help="Only papers with a code link.")
    @click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
    @pass_app
    def search_command(app: AppContext, query: tuple[str, ...], limit: int, offset: int, sort: str, mode: str,
                       categories: tuple[str, ...], primary: bool, since, until, authors: tuple[str, ...],
                       has_code: bool | None, as_json: bool) -> None:
        """Search papers by meaning and by words.

        \b
        Query syntax: "quoted phrase", -word, -"phrase", author:"Kaiming He",
        cat:cs.CL, primary:cs.CL, since:2026-01-01, until:2026-03, has:code.
        \b
        Examples:
          paperwire search "embedding dimension" -k 10
          paperwire search 'matryoshka cat:cs.CL since:2026-01-01 -"sparse autoencoder"' --json
          paperwire search 'author:"Kaiming He"' --sort newest
        """
        from paperwire.search import IndexMissing, SearchFilters, open_search

        filters = SearchFilters(categories=categories, primary_only=primary,
                                since=since.date() if since else None, until=until.date() if until else None,
                                authors=authors, has_code=has_code)
        _check_page(limit, offset)
        service = open_search(app.settings, app.existing_catalog)
        try:
            results = service.search(" ".join(query), filters=filters, sort=sort, limit=limit, offset=offset,
                                     mode=mode)
        except IndexMissing as exc:
            raise click.ClickException(str(exc)) from None
        if as_json:
            click.echo(json.dumps({
                "query": _query_json(results.query), "total": results.total,
                "matched_words": not results.closest_by_meaning,
                "hits": [_hit_json(hit) for hit in results.hits],
            }, indent=2, ensure_ascii=False))
            return
        if results.closest_by_meaning:
            click.echo("no paper contains these words; closest by meaning:")
        else:
            click.echo(f"{results.total} matching; showing {len(results.hits)}")
        for rank, hit in enumerate(results.hits, start=offset + 1):
            _print_hit(rank, hit, results.query.highlight_words)

    @main.command("similar")
    @click.argument("paper_id")
    @click.option("-k", "--limit", type=click.IntRange(min=1), default=10, show_default=True, help="How many papers.")
    @click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
    @pass_app
    def similar_command(app: AppContext, paper_id: str, limit: int, as_json: bool) -> None:
        """Papers nearest in meaning to PAPER_ID (the paper itself and its versions left out).

        \b
        Example:
          paperwire similar 2601.01234 -k 10
        """
        from paperwire.search import IndexMissing, open_search

        _check_page(limit)
        if app.existing_catalog.get(paper_id) is None:
            raise click.ClickException(f"no paper {paper_id!r} in the catalog; check the id or import it first")
        try:
            hits = open_search(app.settings, app.catalog).similar(paper_id, limit=limit)
        except IndexMissing as exc:
            raise click.ClickException(str(exc)) from None
        if as_json:
            click.echo(json.dumps([_hit_json(hit) for hit in hits], indent=2, ensure_ascii=False))
            return
        for rank, hit in enumerate(hits, start=1):
            _print_hit(rank, hit)

    @main.group("eval")
    def eval_group() -> None:
        """Measure search quality on standard test collections.

        \b
        Example:
          paperwire eval beir ../shared/eval/scifact --split train
        """

    @eval_group.command("beir")
    @click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("--split", default="test", show_default=True, help="Which qrels/<split>.tsv to score against.")
    @click.option("--work-dir", type=click.Path(file_okay=False, path_type=Path),
                  help="Keep the corpus's catalog and vectors here, so the next run embeds nothing "
                       "(indexes are rebuilt each run, from the current code).")
    @click.option("--backend", type=click.Choice(["local", "postgres"]), default="local", show_default=True,
                  help="Where searches run: this machine's indexes, or inside the PostgreSQL server of --database-url.")
    @click.option("--database-url", help="With --backend postgres: a PostgreSQL server (postgresql://user@host/db); "
                                         "the run works in a database of its own there and drops it afterwards.")
    @click.option("--json", "as_json", is_flag=True, help="Print as JSON (progress still goes to stderr).")
    def eval_beir(directory: Path, split: str, work_dir: Path | None, backend: str, database_url: str | None,
                  as_json: bool) -> None:
        """nDCG@10 and recall@100 of keyword, semantic and hybrid search on a BEIR dataset.

        Builds its own catalog and indexes (temporary, or in --work-dir); yours are not touched.
        Embedding SciFact's 5,183 abstracts takes minutes on a CPU, once per work directory.

        \b
        Examples:
          paperwire eval beir ../shared/eval/scifact --split train --json
          paperwire eval beir ../shared/eval/scifact --split train --work-dir /tmp/scifact
          paperwire eval beir ../shared/eval/scifact --split train --work-dir /tmp/scifact \\
              --backend postgres --database-url postgresql://paperwire@localhost/postgres
        """
        from paperwire.search.measure.beir import BeirError, evaluate
        from paperwire.store import CatalogError

        if (backend == "postgres") != bool(database_url):
            raise click.UsageError("--backend postgres and --database-url go together: the server to search in")
        try:
            figures = evaluate(directory, split, work_dir=work_dir, database_url=database_url)
        except (BeirError, CatalogError) as exc:
            raise click.ClickException(str(exc)) from None
        if as_json:
            click.echo(json.dumps(figures, indent=2))
            return
        click.echo(f"{figures['dataset']} ({figures['split']}, {figures['queries']} queries, {figures['documents']} documents, "
                   f"{figures['backend']} search)")
        for mode in ("keyword", "semantic", "hybrid"):
            scores = figures[mode]
            click.echo(f"  {mode:<9} nDCG@10 {scores['ndcg@10']:.4f}   recall@100 {scores['recall@100']:.4f}")

    @main.group("bench")
    def bench_group() -> None:
        """Benchmarks that print figures (see docs/benchmarks.md).

        \b
        Example:
          paperwire bench search --data ../shared/data/arxiv-88k.jsonl.gz --size 1000000
        """

    @bench_group.command("search")
    @click.option("--size", type=click.IntRange(min=0), default=0, help="Grow the corpus to this many papers with generated variations (0: as given).")
    @click.option("--data", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                  help="Papers to benchmark on (JSONL, e.g. ../shared/data/arxiv-88k.jsonl.gz); default: the bundled sample.")
    @click.option("--work-dir", type=click.Path(file_okay=False, path_type=Path),
                  help="Where the benchmark's catalog, indexes and vectors live (kept between runs).")
    @click.option("--from-home", type=click.Path(exists=True, file_okay=False, path_type=Path),
                  help="Start from this paperwire home's catalog and stored embeddings (copied, never changed).")
    @click.option("--queries", type=click.IntRange(min=1), default=300, show_default=True, help="Queries to time per configuration.")
    @click.option("--postgres", is_flag=True,
                  help="Also time search_backend = postgres on the same papers and queries (an embedded PostgreSQL "
                       "in the work directory).")
    @click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
    def bench_search(size: int, data: Path | None, work_dir: Path | None, from_home: Path | None, queries: int,
                     postgres: bool, as_json: bool) -> None:
        """Latency of hybrid search (warm, one query at a time) against exact numpy + SQLite FTS5.

        \b
        Examples:
          paperwire bench search --data ../shared/data/arxiv-88k.jsonl.gz
          paperwire bench search --from-home ~/.paperwire --size 1000000
          paperwire bench search --from-home ~/.paperwire --postgres --work-dir /tmp/bench-88k
        """
        from paperwire.search.measure.benchmark import run_benchmark

        figures = run_benchmark(size=size, data=data, work_dir=work_dir, queries=queries, progress=not as_json,
                                from_home=from_home)
        if postgres:
            from paperwire.search.measure.postgres_benchmark import run_postgres_benchmark

            figures["postgres"] = run_postgres_benchmark(Path(figures["work_dir"]), queries, progress=not as_json)
        click.echo(json.dumps(figures, indent=2) if as_json else _bench_text(figures))


def _check_page(limit: int, offset: int = 0) -> None:
    """Refuse a page the search service would cut short (it ranks so many results, so deep)."""
    from paperwire.search.service import MAX_DEPTH, MAX_LIMIT

    if limit > MAX_LIMIT:
        raise click.BadParameter(f"{limit} is more than the {MAX_LIMIT} results one page may hold",
                                 param_hint="'-k' / '--limit'")
    if offset >= MAX_DEPTH:
        raise click.BadParameter(f"search ranks the first {MAX_DEPTH} results; {offset} skips them all",
                                 param_hint="'--offset'")


def _query_json(query) -> dict:
    f = query.filters
    return {
        "terms": list(query.terms), "phrases": list(query.phrases), "excluded": list(query.excluded),
        "filters": {"categories": list(f.categories), "primary_only": f.primary_only,
                    "since": f.since.isoformat() if f.since else None, "until": f.until.isoformat() if f.until else None,
                    "authors": list(f.authors), "has_code": f.has_code},
    }


def _hit_json(hit) -> dict:
    paper = hit.paper.paper
    day = paper.listing_date or paper.published_date
    return {"id": paper.id, "title": paper.display_title, "score": round(hit.score, 5),
            "date": day.isoformat() if day else None, "authors": list(paper.authors[:10]),
            "categories": list(paper.categories), "upvotes": paper.upvotes, "url": paper.abs_url,
            "title_html": hit.title_html, "snippet_html": hit.snippet_html}


def _print_hit(rank: int, hit, words: tuple[str, ...] = ()) -> None:
    from paperwire.search.snippets import snippet_text

    paper = hit.paper.paper
    day = paper.listing_date or paper.published_date
    plain = snippet_text(paper.abstract_pieces, words)
    authors = ", ".join(paper.authors[:3]) + (" et al." if len(paper.authors) > 3 else "")
    click.echo(f"{rank:>3}. {click.style(paper.display_title, bold=True)}")
    click.echo(f"     {paper.id}  {day or ''}  {paper.primary_category or ''}  {authors}  score {hit.score:.3f}")
    click.echo(f"     {plain[:240]}")


def _bench_text(figures: dict) -> str:
    return json.dumps(figures, indent=2)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("run as `paperwire ...`")
