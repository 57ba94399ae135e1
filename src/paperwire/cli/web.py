"""`paperwire serve` and `paperwire demo`: the web site under a production ASGI server."""

from __future__ import annotations

import os
from importlib.resources import as_file, files

import click

APP_FACTORY = "paperwire.web.app:create_app"


def run_server(home, host: str, port: int, workers: int, log_level: str) -> None:
    import uvicorn

    from paperwire.web.http import connection_shares
    from paperwire.web.metrics_processes import share_between_workers

    # Each worker process builds its own app from the home named in the environment.
    os.environ["PAPERWIRE_HOME"] = str(home)
    shared = share_between_workers(home, host, port)  # /metrics: the node's totals, whichever worker answers
    connection_shares.prepare(shared, workers)  # and keep-alive connections spread evenly over them
    uvicorn.run(APP_FACTORY, factory=True, host=host, port=port, workers=workers, log_level=log_level,
                proxy_headers=True, server_header=False, http=connection_shares.SharingHttpToolsProtocol)


def server_options(default_workers: int):
    def decorate(command):
        for option in reversed([
            click.option("--host", default="127.0.0.1", show_default=True,
                         help="Address to listen on (0.0.0.0: every interface)."),
            click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535)),
            click.option("--workers", default=default_workers, show_default=True, type=click.IntRange(1, 64),
                         help="Worker processes (about one per CPU core)."),
            click.option("--log-level", default="info", show_default=True,
                         type=click.Choice(["critical", "error", "warning", "info", "debug"])),
        ]):
            command = option(command)
        return command
    return decorate


def register(main: click.Group) -> None:
    from paperwire.cli import AppContext, pass_app

    @main.command()
    @server_options(default_workers=2)
    @pass_app
    def serve(app: AppContext, host: str, port: int, workers: int, log_level: str) -> None:
        """Serve the site and its APIs with uvicorn (several worker processes).

        Pages, /api/v1, the Hugging Face and arXiv compatible APIs, feeds and exports,
        all from the catalog and indexes in the home directory.

        \b
        Examples:
          paperwire serve                                  # http://127.0.0.1:8000
          paperwire --home /srv/papers serve --host 0.0.0.0 --port 80 --workers 4
        """
        from paperwire.store.db import is_sqlite

        catalog = app.existing_catalog  # fail here, with a clear message, if there is no catalog or it cannot be opened
        if not is_sqlite(catalog.engine) and not app.settings.secret_key:
            click.echo("warning: secret_key is not set, so this node signs forms and e-mail links with a key of its "
                       f"own ({app.settings.home}/secret_key); give every node and worker of a deployment the same "
                       "secret_key, or a form from one node fails on another", err=True)
        click.echo(f"serving {app.settings.home} on http://{host}:{port} with {workers} worker(s)")
        run_server(app.settings.home, host, port, workers, log_level)

    @main.command()
    @server_options(default_workers=1)
    @pass_app
    def demo(app: AppContext, host: str, port: int, workers: int, log_level: str) -> None:
        """Serve the bundled sample of ~4,400 arXiv papers: import, index, serve.

        An empty home gets the sample imported, with the vectors shipped beside it (so
        nothing needs embedding); the search indexes are then brought up to date.

        \b
        Examples:
          paperwire --home demo-home demo                  # http://127.0.0.1:8000
          paperwire --home demo-home demo --port 8080
        """
        catalog = app.catalog
        if catalog.count() == 0:
            from paperwire.importer import import_files

            with as_file(files("paperwire") / "sample" / "arxiv-sample.jsonl.gz") as sample:
                for report in import_files(catalog, [sample]):
                    click.echo(report.summary())
            _seed_sample_vectors(app.settings, catalog)
        from paperwire.search.backends import index_search

        click.echo("updating the search indexes")
        index_search(app.settings, catalog, progress=True)
        click.echo(f"paperwire demo on http://{host}:{port}")
        run_server(app.settings.home, host, port, workers, log_level)


def _seed_sample_vectors(settings, catalog) -> None:
    from paperwire.search.embedder import DOCUMENT_MAX_TOKENS
    from paperwire.search.embedding_job import seed_vectors
    from paperwire.search.embedding_store import EmbeddingStore

    bundle = files("paperwire") / "sample" / "arxiv-sample.vectors.npz"
    if not bundle.is_file():
        return
    with as_file(bundle) as path, EmbeddingStore(catalog.engine) as store:
        click.echo(f"{seed_vectors(catalog, store, path, DOCUMENT_MAX_TOKENS)} shipped sample vectors stored")
