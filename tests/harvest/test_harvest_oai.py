"""OAI-PMH harvests against a real local server: paging, checkpoints, recovery, increments."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from paperwire.harvest.oai import OaiQuery, harvest_oai
from paperwire.store.checkpoints import Checkpoints
from paperwire.store.schema import import_runs, papers

from .harvest_support import Reply, Script, fixture, oai_key, ok

ALL_IDS = ["2601.00101", "2601.00102", "2601.00117", "2601.00203", "2601.00245", "2601.00311", "2601.00398"]


def three_pages() -> Script:
    return (Script(oai_key)
            .on("from=2026-01-01", ok("oai_cs_page1.xml"))
            .on("token=cs-tok-2", ok("oai_cs_page2.xml"))
            .on("token=cs-tok-3", ok("oai_cs_page3.xml")))


def query(server, **fields) -> OaiQuery:
    return OaiQuery(base_url=server.url + "/oai", set_spec="cs", **fields)


def stored_ids(catalog) -> list[str]:
    with catalog.engine.connect() as conn:
        return sorted(conn.execute(select(papers.c.id)).scalars())


def runs(catalog) -> list[dict]:
    with catalog.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(import_runs).order_by(import_runs.c.id))]


def test_full_multi_page_harvest(server, client, catalog):
    server.respond = three_pages()
    report = harvest_oai(catalog, client, query(server, from_date=date(2026, 1, 1)))

    assert report.exit_code == 0 and report.fatal is None
    assert (report.pages, report.read, report.result.added) == (3, 8, 7)
    assert stored_ids(catalog) == ALL_IDS
    first, second, third = server.requests
    assert first.params == {"verb": "ListRecords", "metadataPrefix": "arXivRaw", "set": "cs", "from": "2026-01-01"}
    assert second.params == {"verb": "ListRecords", "resumptionToken": "cs-tok-2"}
    assert third.params == {"verb": "ListRecords", "resumptionToken": "cs-tok-3"}
    checkpoint = Checkpoints(catalog.engine).load("oai:cs")
    assert checkpoint.resumption_token is None  # list complete
    assert (checkpoint.from_date, checkpoint.last_datestamp, checkpoint.pages) == (
        date(2026, 1, 1), date(2026, 1, 12), 3)
    [run] = runs(catalog)
    assert (run["status"], run["format"], run["read"], run["added"]) == ("done", "oai-pmh", 8, 7)
    assert "set=cs" in run["origin"] and "from=2026-01-01" in run["origin"]
    paper = catalog.get("2601.00245").paper
    assert paper.version == 1 and paper.source == "oai-pmh" and paper.categories == ("cs.IR", "cs.DB")


def test_503_mid_harvest_is_waited_out(server, client, catalog, clock):
    server.respond = three_pages().on(
        "token=cs-tok-2", Reply(503, b"<html>busy</html>", (("Retry-After", "20"),)), ok("oai_cs_page2.xml"))
    report = harvest_oai(catalog, client, query(server, from_date=date(2026, 1, 1)))
    assert report.exit_code == 0 and stored_ids(catalog) == ALL_IDS
    assert 20.0 in clock.sleeps


def test_truncated_page_is_fetched_again(server, client, catalog):
    page2 = fixture("oai_cs_page2.xml")
    cut = page2[: page2.index(b"</record>") + 40]  # mid-record, consistent Content-Length
    server.respond = three_pages().on("token=cs-tok-2", Reply(200, cut), ok("oai_cs_page2.xml"))
    report = harvest_oai(catalog, client, query(server, from_date=date(2026, 1, 1)))
    assert report.exit_code == 0 and stored_ids(catalog) == ALL_IDS
    assert [s.params.get("resumptionToken") for s in server.requests] == [None, "cs-tok-2", "cs-tok-2", "cs-tok-3"]


def test_page_truncated_every_time_is_reported_and_resumable(server, client, catalog):
    page2 = fixture("oai_cs_page2.xml")
    server.respond = three_pages().on("token=cs-tok-2", Reply(200, page2[:1500]))
    report = harvest_oai(catalog, client, query(server, from_date=date(2026, 1, 1)))
    assert report.exit_code == 2
    assert "unreadable after 3 tries" in report.fatal and "resumptionToken=cs-tok-2" in report.fatal
    assert Checkpoints(catalog.engine).load("oai:cs").resumption_token == "cs-tok-2"
    assert runs(catalog)[-1]["status"] == "failed"


def test_crash_then_rerun_resumes_from_saved_token(server, client, catalog):
    # The server drops the connection on page 2 until it "recovers".
    server.respond = three_pages().on("token=cs-tok-2", Reply(drop=True))
    first = harvest_oai(catalog, client, query(server, from_date=date(2026, 1, 1)))
    assert first.exit_code == 2 and "no response" in first.fatal
    assert stored_ids(catalog) == ALL_IDS[:3]
    saved = Checkpoints(catalog.engine).load("oai:cs")
    assert (saved.resumption_token, saved.pages) == ("cs-tok-2", 1)

    server.respond = three_pages()
    server.requests.clear()
    second = harvest_oai(catalog, client, query(server))  # no --from: the token says where
    assert second.exit_code == 0
    assert [s.params.get("resumptionToken") for s in server.requests] == ["cs-tok-2", "cs-tok-3"]
    assert (second.result.added, second.result.unchanged) == (4, 1)  # the deleted record is unknown here
    assert stored_ids(catalog) == ALL_IDS  # every paper exactly once
    assert catalog.count() == len(ALL_IDS)
    assert [r["status"] for r in runs(catalog)] == ["failed", "done"]


def test_interrupt_after_first_page_keeps_its_checkpoint(server, client, catalog):
    server.respond = three_pages()

    def stop(report, page):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        harvest_oai(catalog, client, query(server, from_date=date(2026, 1, 1)), on_page=stop)
    assert Checkpoints(catalog.engine).load("oai:cs").resumption_token == "cs-tok-2"
    assert runs(catalog)[-1]["status"] == "interrupted"

    report = harvest_oai(catalog, client, query(server, from_date=date(2026, 1, 1)))
    assert report.exit_code == 0 and stored_ids(catalog) == ALL_IDS
    assert server.requests[-2].params.get("resumptionToken") == "cs-tok-2"


def test_expired_token_restarts_the_list_from_its_from_date(server, client, catalog):
    server.respond = three_pages().on("token=cs-tok-2", Reply(drop=True))
    harvest_oai(catalog, client, query(server, from_date=date(2026, 1, 1)))

    server.respond = three_pages().on("token=cs-tok-2", ok("oai_error_badtoken.xml"), ok("oai_cs_page2.xml"))
    server.requests.clear()
    report = harvest_oai(catalog, client, query(server))
    assert report.exit_code == 0, report.fatal
    assert any("expired" in note for note in report.notes)
    assert [oai_key(s) for s in server.requests] == [
        "token=cs-tok-2", "from=2026-01-01", "token=cs-tok-2", "token=cs-tok-3"]
    assert stored_ids(catalog) == ALL_IDS


def test_token_that_keeps_expiring_is_a_clear_error(server, client, catalog):
    server.respond = three_pages().on("token=cs-tok-2", ok("oai_error_badtoken.xml"))
    report = harvest_oai(catalog, client, query(server, from_date=date(2026, 1, 1)))
    assert report.exit_code == 2 and "badResumptionToken" in report.fatal
    assert len(server.requests) == 6  # the list was tried 3 times, then given up


def test_incremental_harvest_starts_at_last_datestamp(server, client, catalog):
    server.respond = three_pages().on("from=2026-01-12", ok("oai_cs_incremental.xml"))
    harvest_oai(catalog, client, query(server, from_date=date(2026, 1, 1)))
    server.requests.clear()

    report = harvest_oai(catalog, client, query(server))
    assert [oai_key(s) for s in server.requests] == ["from=2026-01-12"]
    assert (report.result.added, report.result.updated) == (1, 1)
    assert catalog.get("2601.00101").paper.version == 2
    assert Checkpoints(catalog.engine).load("oai:cs").last_datestamp == date(2026, 1, 20)


def test_no_records_match_is_nothing_new(server, client, catalog):
    server.respond = Script(oai_key).on("from=2026-02-01", ok("oai_error_norecords.xml"))
    report = harvest_oai(catalog, client, query(server, from_date=date(2026, 2, 1)))
    assert report.exit_code == 0 and report.errors == []
    assert any("nothing new" in note for note in report.notes)
    assert runs(catalog)[-1]["status"] == "done"


def test_other_oai_errors_stop_with_a_hint(server, client, catalog):
    server.respond = Script(oai_key).on("from=2026-01-01", ok("oai_error_format.xml"))
    report = harvest_oai(catalog, client, query(server, from_date=date(2026, 1, 1), metadata_prefix="marc"))
    assert report.exit_code == 2
    assert "cannotDisseminateFormat" in report.fatal and "--metadata-prefix" in report.fatal


def test_bad_records_are_reported_and_good_ones_stored(server, client, catalog):
    server.respond = Script(oai_key).on("from=2026-01-01", ok("oai_cs_badrecord.xml"))
    report = harvest_oai(catalog, client, query(server, from_date=date(2026, 1, 1)))
    assert report.exit_code == 1 and report.fatal is None
    assert stored_ids(catalog) == ["2601.00102"]
    assert "title" in report.errors[0][1]
    with catalog.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(import_runs)).scalar() == 1
    assert runs(catalog)[0]["failed"] == 1
