"""`paperwire harvest oai|api|rss` end to end: real local server, fresh home, exit codes."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from paperwire.cli import main

from .harvest_support import Script, oai_key, ok


@pytest.fixture
def run_cli(tmp_path, server):
    env = {
        "PAPERWIRE_HOME": str(tmp_path / "home"),
        "PAPERWIRE_OAI_BASE_URL": server.url + "/oai",
        "PAPERWIRE_ARXIV_API_URL": server.url + "/api/query",
        "PAPERWIRE_ARXIV_RSS_URL": server.url + "/rss",
        "PAPERWIRE_REQUEST_INTERVAL_S": "0",  # no 503s here, so no real waits either
    }

    def run(*args: str):
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return run


def test_oai_then_incremental_then_nothing_new(server, run_cli):
    server.respond = (Script(oai_key)
                      .on("from=2026-01-01", ok("oai_cs_page1.xml"))
                      .on("token=cs-tok-2", ok("oai_cs_page2.xml"))
                      .on("token=cs-tok-3", ok("oai_cs_page3.xml"))
                      .on("from=2026-01-12", ok("oai_cs_incremental.xml"))
                      .on("from=2026-01-20", ok("oai_error_norecords.xml")))
    first = run_cli("harvest", "oai", "--set", "cs", "--from", "2026-01-01")
    assert first.exit_code == 0, first.output
    assert "page 1: 3 records, 3 of 8 so far (token saved)" in first.stderr
    assert "page 3: 2 records, 8 of 8 so far (list complete)" in first.stderr
    assert "added 7" in first.stdout and "pages 3" in first.stdout

    second = run_cli("harvest", "oai", "--set", "cs")
    assert second.exit_code == 0, second.output
    assert "since 2026-01-12" in second.stderr and "added 1, updated 1" in second.stdout

    third = run_cli("harvest", "oai", "--set", "cs", "-q")
    assert third.exit_code == 0 and "nothing new" in third.stderr and "page" not in third.stderr

    stats = run_cli("stats")
    assert "papers: 8" in stats.stdout and stats.stdout.count("[oai-pmh]") == 3


def test_oai_bad_record_exits_1(server, run_cli):
    server.respond = Script(oai_key).on("from=2026-01-01", ok("oai_cs_badrecord.xml"))
    result = run_cli("harvest", "oai", "--set", "cs", "--from", "2026-01-01")
    assert result.exit_code == 1
    assert "error:" in result.stderr and "title" in result.stderr


def test_oai_unreachable_exits_2_with_next_step(server, run_cli):
    server.respond = Script(oai_key)  # 404 for everything: a wrong base URL
    result = run_cli("harvest", "oai", "--set", "cs", "--from", "2026-01-01")
    assert result.exit_code == 2
    assert "could not harvest" in result.stderr and "HTTP 404" in result.stderr and "check the URL" in result.stderr


def test_oai_until_before_from_is_a_usage_error(run_cli):
    result = run_cli("harvest", "oai", "--from", "2026-02-01", "--until", "2026-01-01")
    assert result.exit_code == 2 and "--until is before --from" in result.output


def test_api_command(server, run_cli):
    server.respond = (Script(lambda seen: seen.params.get("start", "-"))
                      .on("0", ok("api_page1.xml")).on("2", ok("api_page2.xml")))
    result = run_cli("harvest", "api", "--query", "cat:cs.CL AND ti:embedding", "--page-size", "2")
    assert result.exit_code == 0, result.output
    assert "added 3" in result.stdout and "page 2: 1 results, 3 of 3 so far" in result.stderr
    assert server.requests[0].params["search_query"] == "cat:cs.CL AND ti:embedding"


def test_rss_command(server, run_cli):
    server.respond = Script(lambda seen: seen.path).on("/rss/cs.CL+cs.LG", ok("rss_cs.CL+cs.LG.xml"))
    result = run_cli("harvest", "rss", "cs.CL+cs.LG")
    assert result.exit_code == 0, result.output
    assert "added 3" in result.stdout


def test_rss_rejects_a_malformed_category_list(run_cli):
    result = run_cli("harvest", "rss", "cs.CL,cs.LG")
    assert result.exit_code == 2 and "cs.CL+cs.LG" in result.output


def test_help_shows_examples(run_cli):
    for command in ("oai", "api", "rss"):
        result = run_cli("harvest", command, "--help")
        assert result.exit_code == 0 and "Examples:" in result.output and "Exit status" in result.output
