"""A digest as its reader receives it: composed and delivered to a real SMTP server, parsed with
the email package, read in both parts, and unsubscribed from with the mail program's one click."""

from __future__ import annotations

import base64
import dataclasses
import re
import shutil
import subprocess
from urllib.parse import urlsplit

import dkim
import pytest
from community_site import arxiv, listed, make_site  # noqa: F401 (fixtures)

from paperwire.accounts.timestamps import utc_now
from paperwire.digest.compose import compose_due
from paperwire.digest.deliver import deliver_due
from paperwire.digest.subscriptions import active_subscriptions

from digest.digest_support import visitor

HOSTILE_TITLE = "</style><script>alert(1)</script> <img src=https://evil.example/x.png> \u202eTXT.EXE"
HOSTILE_AUTHOR = "Eve\r\nBcc: victim@example.org"


@pytest.fixture
def mail_site(make_site, smtp_server):  # noqa: F811
    """A site whose mail goes to a real SMTP server, with one visitor subscribed to the daily digest."""
    site = make_site(smtp_host=smtp_server.host, smtp_port=str(smtp_server.port), digest_hour="0")
    site.catalog.store([dataclasses.replace(listed(9, 0, HOSTILE_TITLE), authors=(HOSTILE_AUTHOR, "Bob Stone")),
                        listed(10, 0, "Energy of $E = mc^2$ and \\emph{Other} Stories")])
    visitor(site.db, site.settings)
    return site, smtp_server


def send_digests(site, settings=None) -> None:
    compose_due(site.db, settings or site.settings, site.app.state.search, now=utc_now())
    deliver_due(site.db, settings or site.settings)


def received(mail_site):
    site, smtp_server = mail_site
    send_digests(site)
    [message] = smtp_server.messages
    return message


def test_the_digest_arrives_with_its_sections_links_and_reasons_in_both_parts(mail_site):
    message = received(mail_site)

    assert message["To"] == "reader@example.org"
    assert message["Subject"].startswith("paperwire · 5 papers for ")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "== Trending ==" in text and ">Trending</h2>" in html
    assert "http://127.0.0.1:8000/papers/2612.00001" in text
    assert 'href="http://127.0.0.1:8000/papers/2612.00001"' in html
    assert "Energy of $E = mc^2$ and Other Stories" in text  # TeX macros resolved, math as typed
    assert "Why: trending" in text and "Why: <bdi>trending" in html
    assert "http://127.0.0.1:8000/settings/digest" in text and "/settings/digest" in html


def test_the_html_part_has_its_css_inlined_and_loads_nothing_from_elsewhere(mail_site):
    html = received(mail_site).get_body(("html",)).get_content()

    assert "<style" not in html and 'style="' in html
    assert re.search(r"<(link|img|script|iframe|object)\b", html) is None
    assert re.search(r"<[^>]*\s(src|background)=", html) is None


def test_hostile_titles_and_names_are_shown_as_text_and_never_reach_a_header(mail_site):
    message = received(mail_site)

    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "<script>" not in html and "&lt;/style&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=https://evil.example/x.png&gt;" in html
    assert "\u202e" not in html and "\u202e" not in text  # no right-to-left override
    assert "<bdi>Eve Bcc: victim@example.org, Bob Stone</bdi>" in html
    assert "Bcc" not in message and all("victim" not in value for value in message.values())


def test_both_unsubscribe_headers_and_the_one_click_post_unsubscribe_at_once(mail_site):
    site, smtp_server = mail_site
    message = received(mail_site)
    url = message["List-Unsubscribe"].strip("<>")
    assert url.startswith("http://127.0.0.1:8000/unsubscribe/")
    # On the wire as the URL itself, on one line: mail programs read it raw (no encoded words).
    assert f"\r\nList-Unsubscribe: <{url}>\r\n".encode() in smtp_server.raw[0]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.get_body(("plain",)).get_content()

    # What a mail program does (RFC 8058): a POST with that body, no cookie, no CSRF token.
    answer = site.browser().post(urlsplit(url).path, content=b"List-Unsubscribe=One-Click",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})

    assert answer.status_code == 200
    assert active_subscriptions(site.db) == []


def test_a_resent_digest_carries_the_same_message_id(mail_site):
    site, smtp_server = mail_site
    message = received(mail_site)
    # The window that cannot be closed: accepted, then the sender died before marking it sent.
    with site.db.begin() as conn:
        conn.exec_driver_sql("UPDATE outbox SET status = 'pending', claimed_until = NULL")

    deliver_due(site.db, site.settings)

    first, again = smtp_server.messages
    assert again["Message-ID"] == first["Message-ID"] == message["Message-ID"]


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the test key")
def test_a_configured_dkim_key_signs_the_digest_and_its_unsubscribe_headers(mail_site, tmp_path):
    site, smtp_server = mail_site
    key = tmp_path / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True, timeout=60)
    public = subprocess.run(["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"], check=True,
                            capture_output=True, timeout=60).stdout
    signing = dataclasses.replace(site.settings, dkim_key_file=str(key), dkim_selector="mail",
                                  dkim_domain="example.org")

    send_digests(site, signing)

    [message] = smtp_server.messages
    signature = message["DKIM-Signature"]
    assert "d=example.org" in signature and "s=mail" in signature
    signed = next(part for part in signature.replace(" ", "").split(";") if part.startswith("h="))
    assert {"list-unsubscribe", "list-unsubscribe-post", "from", "to", "subject", "date", "message-id"} <= set(
        signed[2:].lower().split(":"))

    def dns(name, timeout=5):
        assert name == b"mail._domainkey.example.org."
        return b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)

    [arrived] = smtp_server.raw  # verified as a receiver does: the bytes as they came
    assert dkim.verify(arrived, dnsfunc=dns)
    tampered = arrived.replace(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click", b"List-Unsubscribe-Post: nothing")
    assert not dkim.verify(tampered, dnsfunc=dns)
