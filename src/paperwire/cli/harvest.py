"""`paperwire harvest oai|api|rss`: fetch papers from arXiv into the catalog."""

from __future__ import annotations

import sys
from datetime import date
from typing import Callable

import click

from paperwire.cli import AppContext, pass_app
from paperwire.harvest.run import HarvestReport

_DATE = click.DateTime(formats=["%Y-%m-%d"])


def register(main: click.Group) -> None:
    main.add_command(harvest)


@click.group()
def harvest() -> None:
    """Fetch papers from arXiv: OAI-PMH (bulk, incremental), the query API, or the daily RSS feeds.

    Requests go one at a time over one connection, `request_interval_s` apart (3 s, as
    arXiv asks); a busy server's Retry-After is honoured. Endpoints are the settings
    oai_base_url, arxiv_api_url and arxiv_rss_url (paperwire.toml or PAPERWIRE_* env).

    \b
    Examples:
      paperwire harvest oai --set cs --from 2026-01-01
      paperwire harvest oai --set cs            # what changed since the last harvest
      paperwire harvest api --query 'cat:cs.CL AND ti:embedding'
      paperwire harvest rss cs.CL+cs.LG
    """


def _quiet_option(func):
    return click.option("--quiet", "-q", is_flag=True, help="Only the summary and errors.")(func)


@harvest.command("oai")
@click.option("--set", "set_spec", metavar="SPEC",
              help="OAI set: cs, math, physics:hep-th, ... (default: the whole archive).")
@click.option("--from", "from_date", type=_DATE, metavar="YYYY-MM-DD",
              help="Records added or changed on or after this day. Default: from the newest "
                   "datestamp already harvested for this set (everything on a first harvest).")
@click.option("--until", type=_DATE, metavar="YYYY-MM-DD", help="Records changed on or before this day.")
@click.option("--metadata-prefix", type=click.Choice(["arXivRaw", "arXiv", "oai_dc"]), default="arXivRaw",
              show_default=True, help="Record format; arXivRaw carries every version and its date.")
@_quiet_option
@pass_app
def harvest_oai_command(app: AppContext, set_spec: str | None, from_date, until, metadata_prefix: str,
                        quiet: bool) -> None:
    """Harvest arXiv metadata over OAI-PMH (ListRecords), resumable and incremental.

    After each page the resumption token is saved, so an interrupted harvest resumes at
    the next page when rerun with the same options. An expired token restarts the list
    (storing is idempotent); "no records match" means nothing new.

    \b
    Examples:
      paperwire harvest oai --set cs --from 2026-01-01
      paperwire harvest oai --set cs                      # incremental, resumes if interrupted
      paperwire harvest oai --set math --from 2026-01-01 --until 2026-01-31 --metadata-prefix arXiv

    Exit status: 0 harvested, 1 some records failed (listed, and in `paperwire stats`),
    2 could not harvest (network, server or query; the message says what to do next).
    """
    from paperwire.harvest.oai import OaiQuery, harvest_oai

    from_day, until_day = _day(from_date), _day(until)
    if from_day and until_day and until_day < from_day:
        raise click.UsageError("--until is before --from")
    query = OaiQuery(base_url=app.settings.oai_base_url, set_spec=set_spec, from_date=from_day,
                     until=until_day, metadata_prefix=metadata_prefix)

    def progress(report: HarvestReport, page) -> None:
        if quiet:
            return
        of = f" of {page.complete_list_size}" if page.complete_list_size is not None else ""
        more = "token saved" if page.resumption_token else "list complete"
        click.echo(f"page {report.pages}: {len(page.items)} records, {report.read}{of} so far ({more})", err=True)

    with _client(app, quiet) as client:
        report = _interruptible(lambda: harvest_oai(app.catalog, client, query, on_page=progress))
    _finish(report)


@harvest.command("api")
@click.option("--query", "search_query", required=True, metavar="QUERY",
              help="arXiv query syntax: ti: au: abs: cat: all:, joined with AND / OR / ANDNOT.")
@click.option("--max-results", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Stop after this many results.")
@click.option("--page-size", type=click.IntRange(1, 2000), default=100, show_default=True,
              help="Results per request (arXiv allows up to 2000).")
@click.option("--sort-by", type=click.Choice(["submittedDate", "lastUpdatedDate", "relevance"]),
              default="submittedDate", show_default=True)
@click.option("--sort-order", type=click.Choice(["descending", "ascending"]), default="descending",
              show_default=True)
@_quiet_option
@pass_app
def harvest_api_command(app: AppContext, search_query: str, max_results: int, page_size: int, sort_by: str,
                        sort_order: str, quiet: bool) -> None:
    """Harvest the results of an arXiv API query.

    \b
    Examples:
      paperwire harvest api --query 'cat:cs.CL AND ti:embedding'
      paperwire harvest api --query 'au:hinton' --max-results 200 --sort-by relevance

    Exit status: 0 harvested, 1 some records failed (listed, and in `paperwire stats`),
    2 could not harvest (network, server or query; the message says what to do next).
    """
    from paperwire.harvest.api import ApiQuery, harvest_api

    query = ApiQuery(api_url=app.settings.arxiv_api_url, search_query=search_query, max_results=max_results,
                     page_size=page_size, sort_by=sort_by, sort_order=sort_order)

    def progress(report: HarvestReport, page) -> None:
        if not quiet:
            of = f" of {page.total_results}" if page.total_results is not None else ""
            click.echo(f"page {report.pages}: {len(page.items)} results, {report.read}{of} so far", err=True)

    with _client(app, quiet) as client:
        report = _interruptible(lambda: harvest_api(app.catalog, client, query, on_page=progress))
    _finish(report)


@harvest.command("rss")
@click.argument("categories")
@_quiet_option
@pass_app
def harvest_rss_command(app: AppContext, categories: str, quiet: bool) -> None:
    """Harvest today's listing of CATEGORIES from the arXiv RSS feed (e.g. cs.CL+cs.LG).

    \b
    Examples:
      paperwire harvest rss cs.CL
      paperwire harvest rss cs.CL+cs.LG+stat.ML

    Exit status: 0 harvested, 1 some records failed (listed, and in `paperwire stats`),
    2 could not harvest (network, server or query; the message says what to do next).
    """
    from paperwire.harvest.rss import FeedQuery, check_categories, harvest_rss

    try:
        categories = check_categories(categories)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="CATEGORIES") from None
    with _client(app, quiet) as client:
        report = _interruptible(lambda: harvest_rss(app.catalog, client, FeedQuery(app.settings.arxiv_rss_url,
                                                                                   categories)))
    _finish(report)


def _client(app: AppContext, quiet: bool):
    from paperwire.harvest.http import PoliteClient

    def tell_wait(seconds: float, why: str) -> None:
        if not quiet:
            click.echo(f"  {why}: waiting {seconds:.0f} s", err=True)

    return PoliteClient(app.settings.request_interval_s, on_wait=tell_wait)


def _interruptible(harvest_call: Callable[[], HarvestReport]) -> HarvestReport:
    try:
        return harvest_call()
    except KeyboardInterrupt:
        click.echo("interrupted: pages stored so far are kept; rerun the same command to go on "
                   "(an OAI harvest resumes from its saved token)", err=True)
        sys.exit(2)


def _day(value) -> date | None:
    return value.date() if value else None


def _finish(report: HarvestReport) -> None:
    for note in report.notes:
        click.echo(note, err=True)
    click.echo(report.summary())
    record_errors = [e for e in report.errors if e[1] != report.fatal]
    for where, reason in record_errors[:20]:
        click.echo(f"  error: {where}: {reason}", err=True)
    if len(record_errors) > 20:
        click.echo(f"  ... and {len(record_errors) - 20} more (see `paperwire stats`)", err=True)
    if report.fatal:
        click.echo(f"could not harvest: {report.fatal}", err=True)
    sys.exit(report.exit_code)
