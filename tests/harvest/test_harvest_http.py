"""The polite client against a real local server: pacing, Retry-After, backoff, clear failures."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from paperwire.harvest.http import HttpError, RetryPolicy, retry_after_seconds

from .harvest_support import Reply, Script


def by_path(seen) -> str:
    return seen.path


def test_requests_keep_the_minimum_interval_on_one_connection(server, client, transport):
    server.respond = Script(by_path).on("/a", Reply(200, b"a"))
    for _ in range(4):
        assert client.get(server.url + "/a").content == b"a"
    gaps = [later - earlier for earlier, later in zip(transport.sent_at, transport.sent_at[1:])]
    assert gaps and all(gap >= 3.0 for gap in gaps)
    assert len({seen.peer_port for seen in server.requests}) == 1  # one keep-alive connection


def test_user_agent_names_paperwire(server, client):
    server.respond = Script(by_path).on("/a", Reply(200, b"a"))
    client.get(server.url + "/a")
    assert server.requests[0].user_agent.startswith("paperwire")


def test_503_with_retry_after_seconds_is_honoured(server, client, clock):
    server.respond = Script(by_path).on("/a", Reply(503, b"busy", (("Retry-After", "30"),)), Reply(200, b"done"))
    assert client.get(server.url + "/a").content == b"done"
    assert clock.sleeps == [30.0]  # the asked wait, which also covers the 3 s interval
    assert len(server.requests) == 2


def test_retry_after_as_http_date_is_honoured(server, client, clock):
    when = clock.now() + timedelta(seconds=45)
    header = when.strftime("%a, %d %b %Y %H:%M:%S GMT")
    server.respond = Script(by_path).on("/a", Reply(503, b"busy", (("Retry-After", header),)), Reply(200, b"ok"))
    client.get(server.url + "/a")
    assert clock.sleeps == [45.0]


def test_429_without_retry_after_backs_off_exponentially(server, client, clock):
    server.respond = Script(by_path).on("/a", Reply(429), Reply(429), Reply(429), Reply(200, b"ok"))
    assert client.get(server.url + "/a").content == b"ok"
    # Backoff 2 s, doubling; after the 2 s wait 1 s more keeps the 3 s interval.
    assert clock.sleeps == [2.0, 1.0, 4.0, 8.0]


def test_backoff_is_capped():
    policy = RetryPolicy(max_retries=6, backoff_base_s=2.0, backoff_cap_s=10.0)
    assert [policy.backoff(n) for n in range(1, 7)] == [2.0, 4.0, 8.0, 10.0, 10.0, 10.0]


def test_gives_up_after_bounded_retries_naming_url_and_status(server, client):
    server.respond = Script(by_path).on("/busy", Reply(503))
    with pytest.raises(HttpError) as caught:
        client.get(server.url + "/busy", {"verb": "ListRecords"})
    assert len(server.requests) == 4  # first try + max_retries=3
    message = str(caught.value)
    assert "/busy?verb=ListRecords" in message and "HTTP 503" in message and "rerun later" in message


def test_a_client_error_is_not_retried(server, client):
    server.respond = Script(by_path)  # everything 404
    with pytest.raises(HttpError, match="HTTP 404.*check the URL"):
        client.get(server.url + "/nowhere")
    assert len(server.requests) == 1


def test_a_body_cut_short_in_transit_is_fetched_again(server, client):
    server.respond = Script(by_path).on("/a", Reply(200, b"0123456789", send_only=4), Reply(200, b"0123456789"))
    assert client.get(server.url + "/a").content == b"0123456789"
    assert len(server.requests) == 2


def test_a_dropped_connection_is_retried_then_reported(server, client):
    server.respond = Script(by_path).on("/a", Reply(drop=True))
    with pytest.raises(HttpError, match="no response.*check your connection"):
        client.get(server.url + "/a")
    assert len(server.requests) == 4


def test_a_retry_after_beyond_the_limit_fails_at_once(server, client, clock):
    server.respond = Script(by_path).on("/a", Reply(503, headers=(("Retry-After", "86400"),)))
    with pytest.raises(HttpError, match="asks to wait 86400 s"):
        client.get(server.url + "/a")
    assert clock.sleeps == []


@pytest.mark.parametrize("value, seconds", [
    ("120", 120.0),
    ("Tue, 13 Jan 2026 08:01:00 GMT", 60.0),
    ("Tue, 13 Jan 2026 07:00:00 GMT", 0.0),  # already past
    ("soon", None),
    ("", None),
])
def test_retry_after_values(value, seconds):
    now = datetime(2026, 1, 13, 8, 0, tzinfo=timezone.utc)
    assert retry_after_seconds(value, now) == seconds
