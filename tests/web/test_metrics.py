"""/metrics: Prometheus reads request counts by route, search timings, the outbox, the job
queue and the index lag; admins and the configured monitoring addresses may read it, anyone
else gets the 404 of a page that does not exist."""

from __future__ import annotations

import dataclasses

import httpx
import pytest
from auth.conftest import Browser, make_both_site, make_site  # noqa: F401 (fixtures)
from click.testing import CliRunner
from community_site import PAPERS, listed
from live_server import serving
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from digest.digest_support import visitor
from paperwire.accounts import tokens
from paperwire.accounts.timestamps import utc_now
from paperwire.cli import main
from paperwire.digest.compose import compose_due
from paperwire.digest.deliver import deliver_due
from paperwire.search import build_indexes
from paperwire.search.local.generations import read_state
from paperwire.store import Catalog
from paperwire.store.reader_schema import outbox
from paperwire.web.app import create_app

PAPER_ROUTE = "/papers/{paper_id:path}"
MONITOR = "127.0.0.1"  # where the tests' Prometheus scrapes from, once allowed


def samples(text: str) -> dict[tuple, float]:
    """Every sample of a scrape: (name, sorted label pairs) -> value."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(scrape: dict, name: str, **labels) -> float | None:
    return scrape.get((name, tuple(sorted(labels.items()))))


def requests_counted(scrape: dict, route: str, status: str = "2xx", method: str = "GET") -> float:
    return value(scrape, "paperwire_http_request_duration_seconds_count", route=route, method=method,
                 status=status) or 0.0


def scrape_as(browser) -> dict:
    answer = browser.get("/metrics")
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["content-type"].startswith("text/plain; version=")
    return samples(answer.text)


def from_address(site, host: str) -> Browser:
    """A browser of ``site`` whose requests come from ``host``."""
    return Browser(site.app, base_url=site.settings.base_url, raise_server_exceptions=False, client=(host, 40000))


def signed_in(site, username: str, role: str) -> Browser:
    site.member(username, role=role)
    browser = site.browser()
    browser.sign_in(username)
    return browser


# ---- who may read it ------------------------------------------------------------------------


def test_an_admin_reads_request_counts_that_rose_labelled_by_route_template(make_both_site):
    site = make_both_site()
    Catalog(site.db).store(list(PAPERS))
    admin = signed_in(site, "root", "admin")
    before = scrape_as(admin)

    for paper in PAPERS[:3]:
        assert admin.get(f"/papers/{paper.id}").status_code == 200
    assert admin.get("/no/such/page").status_code == 404
    assert admin.get("/static/style.css").status_code == 200
    after = scrape_as(admin)

    assert requests_counted(after, PAPER_ROUTE) == requests_counted(before, PAPER_ROUTE) + 3
    assert requests_counted(after, "unmatched", "4xx") == requests_counted(before, "unmatched", "4xx") + 1
    assert requests_counted(after, "/static") == requests_counted(before, "/static") + 1  # a mount: its prefix
    assert requests_counted(after, "/metrics") == requests_counted(before, "/metrics") + 1  # the scrape before
    routes = {dict(labels).get("route") for name, labels in after if name.startswith("paperwire_http_request")}
    assert not any(paper.id in route for route in routes for paper in PAPERS)  # templates, never paths


def test_an_admins_read_token_reads_it_from_a_script(make_both_site):
    site = make_both_site()
    token, _ = tokens.create_token(site.db, site.member("root", role="admin"), "prometheus", "read")
    scrape = scrape_as(site.browser(authorization=f"Bearer {token}"))

    assert value(scrape, "paperwire_catalog_up") == 1


@pytest.mark.parametrize("role", ["member", "moderator"])
def test_a_member_who_is_not_an_admin_gets_the_404_of_a_missing_page(make_both_site, role):
    site = make_both_site()
    browser = signed_in(site, "ann", role)

    answer, missing = browser.get("/metrics"), browser.get("/no-such-page")

    assert answer.status_code == missing.status_code == 404
    assert answer.text == missing.text and "paperwire_" not in answer.text


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"])
@pytest.mark.parametrize("headers", [{"Accept": "text/html"}, {"Accept": "application/json"},
                                     {"Authorization": "Bearer pw_mistyped"}], ids=["page", "json", "bad-token"])
def test_an_anonymous_visitor_from_another_address_cannot_tell_it_exists(make_site, method, headers):
    visitor_browser = from_address(make_site(), "203.0.113.9")

    answer = visitor_browser.request(method, "/metrics", headers=headers)
    missing = visitor_browser.request(method, "/no-such-page", headers=headers)

    assert answer.status_code == 404
    assert (answer.text, answer.headers.get("content-type")) == (missing.text, missing.headers.get("content-type"))


def test_the_api_documentation_does_not_list_it(make_site):
    assert "/metrics" not in make_site().browser().get("/openapi.json").text


def test_a_configured_network_reads_it_without_signing_in_and_its_neighbours_do_not(make_site):
    site = make_site(metrics_allowed_addresses="10.0.0.0/8, 2001:db8::/32")

    assert from_address(site, "10.20.30.40").get("/metrics").status_code == 200
    assert from_address(site, "::ffff:10.1.2.3").get("/metrics").status_code == 200  # IPv4 on a dual-stack socket
    assert from_address(site, "2001:db8::7").get("/metrics").status_code == 200
    assert from_address(site, "11.0.0.1").get("/metrics").status_code == 404
    assert from_address(site, "127.0.0.1").get("/metrics").status_code == 404  # not even the machine itself


def test_by_default_only_admins_read_it(make_site):
    """Not even 127.0.0.1: behind a proxy that sets no X-Forwarded-For, every visitor comes from there."""
    site = make_site()

    assert from_address(site, "127.0.0.1").get("/metrics").status_code == 404
    assert signed_in(site, "root", "admin").get("/metrics").status_code == 200


@pytest.mark.parametrize("entry", ["localhost", "10.0.0.1/8", "10.0.0.0/33", "127.0.0.1;10.0.0.1"])
def test_an_allowed_address_that_is_no_address_stops_serve_naming_the_setting(tmp_path, entry):
    result = CliRunner().invoke(main, ["--home", str(tmp_path), "serve"],
                                env={"PAPERWIRE_METRICS_ALLOWED_ADDRESSES": f"127.0.0.1, {entry}"})

    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "setting metrics_allowed_addresses" in result.output and repr(entry) in result.output
    assert "10.0.0.0/8" in result.output  # an example of what it takes


@pytest.fixture
def monitored_server(web_home):
    """The web home served on 127.0.0.1 over real HTTP, its own address allowed to read /metrics."""
    with serving(create_app(dataclasses.replace(web_home, metrics_allowed_addresses=MONITOR))) as base_url:
        yield base_url


def test_the_local_machine_reads_it_over_real_http_with_search_timings(monitored_server):
    live_server = monitored_server
    before = samples(httpx.get(live_server + "/metrics").text)
    assert httpx.get(live_server + "/search", params={"q": "sparse attention"}).status_code == 200
    assert httpx.get(live_server + "/api/v1/search", params={"q": "attention", "mode": "keyword"}).status_code == 200
    after = samples(httpx.get(live_server + "/metrics").text)

    def searches(scrape, mode):
        return value(scrape, "paperwire_search_duration_seconds_count", mode=mode) or 0.0

    assert searches(after, "hybrid") == searches(before, "hybrid") + 1
    assert searches(after, "keyword") == searches(before, "keyword") + 1
    assert requests_counted(after, "/search") == requests_counted(before, "/search") + 1
    assert requests_counted(after, "/metrics") >= 1  # the scrapes count too
    assert value(after, "paperwire_index_lag_revisions") == 0  # the web home's index is up to date


# ---- what it reads from the database --------------------------------------------------------


def test_outbox_states_match_the_database(make_both_site, smtp_server):
    site = make_both_site(smtp_host=smtp_server.host, smtp_port=str(smtp_server.port), digest_hour="0",
                          metrics_allowed_addresses=MONITOR)
    Catalog(site.db).store(list(PAPERS))  # what the digests list
    visitor(site.db, site.settings, "sent@example.org")
    compose_due(site.db, site.settings, site.app.state.search, now=utc_now())
    deliver_due(site.db, site.settings)
    visitor(site.db, site.settings, "waiting@example.org")
    compose_due(site.db, site.settings, site.app.state.search, now=utc_now())

    scrape = scrape_as(from_address(site, MONITOR))

    with site.db.connect() as conn:
        in_database = dict(conn.execute(select(outbox.c.status, func.count()).group_by(outbox.c.status)).all())
    assert in_database == {"sent": 1, "pending": 1}
    for status in ("pending", "sent", "failed", "cancelled"):
        assert value(scrape, "paperwire_outbox_messages", status=status) == in_database.get(status, 0)


def test_index_lag_counts_the_catalog_revisions_the_index_has_not_reached(make_both_site):
    site = make_both_site(metrics_allowed_addresses=MONITOR)
    catalog = Catalog(site.db)
    catalog.store(list(PAPERS))
    scrape = scrape_as(from_address(site, MONITOR))
    assert value(scrape, "paperwire_index_lag_revisions") is None  # no index on this node yet

    build_indexes(site.settings, catalog, progress=False)
    catalog.store([listed(5, 0, "Newer Than The Index")])  # each store is one revision of the catalog
    catalog.store([listed(6, 0, "Newer Still"), listed(7, 0, "As New")])
    scrape = scrape_as(from_address(site, MONITOR))

    assert value(scrape, "paperwire_index_lag_revisions") == catalog.max_revision() - read_state(
        site.settings.index_dir).revision == 2
    assert 0 <= value(scrape, "paperwire_index_age_seconds") < 600


@pytest.fixture
def make_postgres_site(make_site, postgres_server, fresh_database_names):  # noqa: F811
    """``make_postgres_site(**settings)``: a site on a fresh PostgreSQL database."""

    def make(**settings: str):
        name = next(fresh_database_names)
        postgres_server.psql(f"CREATE DATABASE {name};")
        return make_site(database_url=postgres_server.get_uri(name), metrics_allowed_addresses=MONITOR, **settings)

    return make


def test_a_node_searching_inside_postgresql_reports_no_index_lag(make_postgres_site, make_site):  # noqa: F811
    site = make_postgres_site()
    catalog = Catalog(site.db)
    catalog.store(list(PAPERS))
    build_indexes(site.settings, catalog, progress=False)  # a local index left from before the switch
    catalog.store([listed(5, 0, "Newer Than The Index")])
    assert value(scrape_as(from_address(site, MONITOR)), "paperwire_index_lag_revisions") == 1

    switched = make_site(database_url=site.settings.database_url, search_backend="postgres",
                         metrics_allowed_addresses=MONITOR)  # the same home
    scrape = scrape_as(from_address(switched, MONITOR))

    assert value(scrape, "paperwire_index_lag_revisions") is None
    assert value(scrape, "paperwire_index_age_seconds") is None


def test_queue_depth_counts_waiting_jobs_by_task_on_postgresql(make_postgres_site):
    procrastinate = pytest.importorskip("procrastinate")
    site = make_postgres_site()
    monitor = from_address(site, MONITOR)
    assert not any(n.startswith("paperwire_queue") for n, _ in scrape_as(monitor))  # no queue set up yet

    queue = procrastinate.App(connector=procrastinate.SyncPsycopgConnector(conninfo=site.settings.database_url))
    embed = queue.task(name="embed")(lambda: None)
    deliver = queue.task(name="deliver")(lambda: None)
    with queue.open():
        queue.schema_manager.apply_schema()
        for task in (embed, embed, deliver):
            task.defer()
    scrape = scrape_as(monitor)

    assert value(scrape, "paperwire_queue_jobs", task="embed", status="todo") == 2
    assert value(scrape, "paperwire_queue_jobs", task="deliver", status="todo") == 1


def test_sqlite_has_no_queue_to_report(make_site):
    scrape = scrape_as(from_address(make_site(metrics_allowed_addresses=MONITOR), MONITOR))

    assert value(scrape, "paperwire_catalog_up") == 1
    assert not any(name.startswith("paperwire_queue") for name, _ in scrape)
