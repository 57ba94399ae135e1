"""The `paperwire` command. Each area adds its commands from its own module here."""

from __future__ import annotations

import errno
import functools
import json
import signal
import sqlite3
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError

from paperwire import sources
from paperwire.config import ConfigError, Settings, load_settings
from paperwire.store import Catalog, CatalogError, open_catalog
from paperwire.store.db import FREE_SPACE, catalog_exists, disk_full, out_of_space, shown


class AppContext:
    """What every command needs, opened only when first asked for."""

    def __init__(self, home: str | None):
        self.home = home  # may still be set by a subcommand's --home, until first used

    @functools.cached_property
    def settings(self) -> Settings:
        try:
            return load_settings(self.home)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None

    @functools.cached_property
    def catalog(self) -> Catalog:
        """The catalog, created where there is none yet: for the commands that bring papers in."""
        try:
            return open_catalog(self.settings.catalog_url)
        except CatalogError as exc:
            raise click.ClickException(str(exc)) from None

    @functools.cached_property
    def existing_catalog(self) -> Catalog:
        """The catalog, refused where there is none: reading a mistyped home must not make an empty one."""
        url = self.settings.catalog_url
        try:
            exists = catalog_exists(url)
        except CatalogError as exc:
            raise click.ClickException(str(exc)) from None
        if not exists:
            where = f"{self.settings.home} (no catalog.db there)" if not self.settings.database_url else shown(url)
            raise click.ClickException(
                f"no catalog in {where}: make one with `paperwire --home {self.settings.home} import FILE...` "
                f"(any supported format), or run `make demo` for the bundled sample in demo-home")
        return self.catalog


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so that a command stops as on Ctrl-C (runs recorded as interrupted)."""

    signal_number = signal.SIGTERM


@contextmanager
def sigterm_interrupts():
    """Within: SIGTERM raises :class:`Terminated`; the previous handler is back on leaving."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return

    def terminate(_signum, _frame):
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def interrupted_status(exc: KeyboardInterrupt) -> int:
    """The exit status a shell gives a program killed by the signal: 130 for Ctrl-C, 143 for SIGTERM."""
    return 128 + getattr(exc, "signal_number", signal.SIGINT)


pass_app = click.make_pass_decorator(AppContext)
HOME_HELP = "Data directory: catalog, indexes, paperwire.toml (env PAPERWIRE_HOME; default ~/.paperwire)."


def _set_home(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.find_object(AppContext).home = value


def _accept_home(cmd: click.Command) -> None:
    if not any(param.name == "home" for param in cmd.params):
        cmd.params.append(click.Option(["--home"], metavar="DIR", expose_value=False, callback=_set_home,
                                       help=HOME_HELP))
    for sub in getattr(cmd, "commands", {}).values():  # subgroups: harvest, eval, bench
        _accept_home(sub)


class PaperwireGroup(click.Group):
    """A group whose every subcommand also takes --home, so it may follow the command name,
    and whose commands fail with one line, not a traceback, when the catalog or the disk does."""

    group_class = type  # subgroups made with .group() are PaperwireGroups too

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        _accept_home(cmd)
        super().add_command(cmd, name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CatalogError as exc:
            raise click.ClickException(str(exc)) from None
        except SQLAlchemyError as exc:
            full = out_of_space(exc, ctx.find_object(AppContext).settings.catalog_url)
            if not full:
                raise
            raise click.ClickException(f"{full}: {FREE_SPACE}") from None
        except OSError as exc:  # writing the indexes
            if exc.errno != errno.ENOSPC:
                raise
            where = Path(exc.filename).parent if exc.filename else ctx.find_object(AppContext).settings.home
            raise click.ClickException(f"no space left on {where}: {FREE_SPACE}") from None
        except sqlite3.Error as exc:  # the stored embeddings, a SQLite file beside the indexes
            settings = ctx.find_object(AppContext).settings
            if not disk_full(exc, settings.index_dir):
                raise
            raise click.ClickException(f"no space left on {settings.index_dir}: {FREE_SPACE}") from None


@click.group(cls=PaperwireGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--home", envvar="PAPERWIRE_HOME", metavar="DIR", help=HOME_HELP)
@click.version_option(package_name="paperwire")
@click.pass_context
def main(ctx: click.Context, home: str | None) -> None:
    """paperwire: a self-hostable daily papers service.

    \b
    Typical first run:
      paperwire import papers.jsonl.gz      # load papers (any supported format)
      paperwire index                       # build the search indexes
      paperwire serve                       # the site on http://127.0.0.1:8000
    """
    ctx.obj = AppContext(home)
    ctx.with_resource(sigterm_interrupts())


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "format_name", type=click.Choice(list(sources.formats())),
              help="Read every file in this format instead of detecting it.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@pass_app
def import_command(app: AppContext, paths: tuple[Path, ...], format_name: str | None, quiet: bool) -> None:
    """Import papers from files in any mix of formats (gzip or plain).

    Formats are detected from each file's content. Importing is idempotent: a rerun
    changes nothing; a newer version of a paper replaces an older one, never the reverse.

    Exit status: 0 all records imported, 1 some records failed (each is listed), 2 the
    import could not finish (e.g. no space left; what was stored is kept), 130 or 143
    interrupted (Ctrl-C or SIGTERM; committed batches are kept, a rerun completes it).

    \b
    Examples:
      paperwire import arxiv-metadata-oai-snapshot.json.gz
      paperwire import ../shared/data/arxiv-88k.jsonl.gz ../shared/seeds/*.txt
      paperwire import --format capture page.txt
    """
    from paperwire.importer import import_files

    try:
        reports = import_files(app.catalog, paths, format_name, progress=not quiet)
    except KeyboardInterrupt as exc:
        click.echo("\ninterrupted: every batch committed so far is kept (see `paperwire stats`); "
                   "run the same command again to complete the import", err=True)
        sys.exit(interrupted_status(exc))
    failed = 0
    for report in reports:
        click.echo(report.summary())
        for where, reason in report.errors[:20]:
            click.echo(f"  error: {where}: {reason}", err=True)
        if len(report.errors) > 20:
            click.echo(f"  ... and {len(report.errors) - 20} more (see `paperwire stats`)", err=True)
        failed += len(report.errors)
    fatal = reports[-1].fatal
    if fatal:
        click.echo(f"could not finish: {fatal}", err=True)
        sys.exit(2)
    if not any(r.changed for r in reports) and not failed:
        click.echo("nothing changed: every record was already in the catalog")
    sys.exit(1 if failed else 0)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_app
def stats(app: AppContext, as_json: bool) -> None:
    """Papers by source, primary category and listing month; recent imports and their errors.

    \b
    Example:
      paperwire stats --json | jq .by_source
    """
    from paperwire.search.embedding_store import EmbeddingStore

    catalog = app.existing_catalog
    figures = catalog.stats()
    # Vectors are stored one a paper; the count shows how far `embed` or `index` has come.
    figures["papers_with_vectors"] = min(EmbeddingStore(catalog.engine).count(), figures["papers"])
    if as_json:
        click.echo(json.dumps(figures, default=str, indent=2))
        return
    click.echo(f"papers: {figures['papers']}   deleted: {figures['deleted']}   "
               f"latest listing date: {figures['latest_listing_date'] or '-'}   "
               f"with vectors: {figures['papers_with_vectors']}")
    for title, key in (("by source", "by_source"), ("by primary category (top 30)", "by_primary_category"),
                       ("by listing month", "by_listing_month")):
        click.echo(f"\n{title}:")
        for name, count in figures[key]:
            click.echo(f"  {str(name or '(none)'):<40} {count:>9}")
    click.echo("\nrecent imports:")
    for run in figures["runs"]:
        click.echo(f"  #{run['id']} {run['status']:<11} {run['origin']} [{run['format'] or '?'}] read {run['read']}, "
                   f"added {run['added']}, updated {run['updated']}, unchanged {run['unchanged']}, failed {run['failed']}")
    if figures["errors"]:
        click.echo("\nrecent errors:")
        for error in figures["errors"]:
            click.echo(f"  {error['location']}: {error['reason']}")


def _register_area_commands() -> None:
    # Each area of paperwire keeps its commands beside its own code.
    from paperwire.cli import community, db, digest, harvest, search, users, web, worker

    for area in (harvest, search, web, users, community, digest, worker, db):
        area.register(main)


_register_area_commands()
