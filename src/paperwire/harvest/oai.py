"""Harvest arXiv over OAI-PMH (ListRecords), resumable and incremental.

After each page is stored its resumptionToken is saved as the checkpoint ``oai:<set>``,
so a harvest that dies resumes at the next page. Should it die between storing a page
and saving the token, the rerun fetches that page again: storing is idempotent.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Callable

import httpx

from paperwire.harvest.errors import HarvestError
from paperwire.harvest.http import PoliteClient
from paperwire.harvest.pages import fetch_page
from paperwire.harvest.run import HarvestReport, HarvestRun
from paperwire.sources import oaipmh
from paperwire.store import Catalog
from paperwire.store.checkpoints import Checkpoints, HarvestCheckpoint

DEFAULT_METADATA_PREFIX = "arXivRaw"  # carries every version with its date
METADATA_PREFIXES = ("arXivRaw", "arXiv", "oai_dc")
# An expired token restarts its list; a server that keeps expiring them is not going to work.
MAX_LIST_RESTARTS = 2

_NO_RECORDS = "noRecordsMatch"
_BAD_TOKEN = "badResumptionToken"
_ERROR_HINTS = {
    "badArgument": "check --set, --from and --until (dates as YYYY-MM-DD)",
    "noSetHierarchy": "check --set (e.g. cs, math, physics:hep-th)",
    "cannotDisseminateFormat": f"use --metadata-prefix {' or '.join(METADATA_PREFIXES)}",
    "badVerb": "check the OAI base URL (setting oai_base_url)",
}

PageReporter = Callable[[HarvestReport, oaipmh.OaiPage], None]


@dataclass(frozen=True)
class OaiQuery:
    base_url: str
    set_spec: str | None = None  # None: the whole archive
    from_date: date | None = None  # None: from the checkpoint's last datestamp (incremental), else everything
    until: date | None = None
    metadata_prefix: str = DEFAULT_METADATA_PREFIX

    @property
    def checkpoint_name(self) -> str:
        return f"oai:{self.set_spec or 'all'}"


def harvest_oai(catalog: Catalog, client: PoliteClient, query: OaiQuery,
                on_page: PageReporter | None = None) -> HarvestReport:
    """Harvest ``query`` into ``catalog``; a fatal problem ends up in ``report.fatal``, not raised."""
    checkpoints = Checkpoints(catalog.engine)
    saved = checkpoints.load(query.checkpoint_name) or HarvestCheckpoint(query.checkpoint_name)
    start = starting_point(saved, query.from_date)
    with HarvestRun(catalog, list_url(query, start.from_date), oaipmh.FORMAT) as run:
        if start.resumption_token:
            run.report.notes.append(f"resuming {query.checkpoint_name} after page {start.pages} from its saved token")
        elif start.from_date:
            run.report.notes.append(f"listing records changed since {start.from_date.isoformat()}")
        try:
            _harvest_list(client, checkpoints, query, start, run, on_page)
        except HarvestError as exc:
            run.fail(exc)
    return run.report


def starting_point(saved: HarvestCheckpoint, requested_from: date | None) -> HarvestCheckpoint:
    """Resume the saved token when it belongs to the list asked for, else begin a new list.

    A new list starts at ``requested_from`` or, when none is given, at the newest datestamp
    already stored (inclusive, as OAI-PMH ``from`` is: records added later that day are not missed).
    """
    if saved.resumption_token and requested_from in (None, saved.from_date):
        return saved
    return dataclasses.replace(saved, resumption_token=None, pages=0,
                               from_date=requested_from or saved.last_datestamp)


def list_url(query: OaiQuery, from_date: date | None) -> str:
    return str(httpx.URL(query.base_url, params=_list_params(query, from_date)))


def _harvest_list(client: PoliteClient, checkpoints: Checkpoints, query: OaiQuery, state: HarvestCheckpoint,
                  run: HarvestRun, on_page: PageReporter | None) -> None:
    restarts = 0
    while True:
        sent_token = state.resumption_token
        params = {"verb": "ListRecords", "resumptionToken": sent_token} if sent_token \
            else _list_params(query, state.from_date)
        origin = f"{query.base_url} {query.checkpoint_name} page {state.pages + 1}"
        page = fetch_page(client, query.base_url, params, oaipmh.parse_page, origin)
        if page.error:
            code, message = page.error
            if code == _NO_RECORDS:
                run.report.notes.append("nothing new: no records match")
                checkpoints.save(dataclasses.replace(state, resumption_token=None))
                return
            if code == _BAD_TOKEN and sent_token and restarts < MAX_LIST_RESTARTS:
                # Tokens expire (hours); the list is re-run from its start, storing is idempotent.
                restarts += 1
                since = state.from_date.isoformat() if state.from_date else "the beginning"
                run.report.notes.append(f"resumption token expired; listing again from {since}")
                state = dataclasses.replace(state, resumption_token=None, pages=0)
                checkpoints.save(state)
                continue
            hint = _ERROR_HINTS.get(code, "rerun later; if it persists, check the OAI base URL and options")
            raise HarvestError(f"{query.base_url}: OAI-PMH error {code}: {message}; {hint}")
        run.store(page.items)
        state = dataclasses.replace(
            state,
            resumption_token=page.resumption_token,
            last_datestamp=_latest(state.last_datestamp, page.latest_datestamp),
            pages=state.pages + 1,
        )
        checkpoints.save(state)
        if on_page:
            on_page(run.report, page)
        if not page.resumption_token:
            return
        if page.resumption_token == sent_token:
            raise HarvestError(f"{query.base_url}: the server sent back the same resumptionToken "
                               f"{sent_token!r}; stopping instead of looping. Rerun later")


def _list_params(query: OaiQuery, from_date: date | None) -> dict[str, str]:
    params = {"verb": "ListRecords", "metadataPrefix": query.metadata_prefix}
    if query.set_spec:
        params["set"] = query.set_spec
    if from_date:
        params["from"] = from_date.isoformat()
    if query.until:
        params["until"] = query.until.isoformat()
    return params


def _latest(a: date | None, b: date | None) -> date | None:
    return max((d for d in (a, b) if d), default=None)
