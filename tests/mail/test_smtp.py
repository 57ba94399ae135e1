"""Sending over real SMTP (aiosmtpd on 127.0.0.1): delivered, or refused with a reason that
says whether trying again later can help."""

from __future__ import annotations

import socket

import pytest

from paperwire.config import ConfigError, load_settings
from paperwire.mail.message import build_message
from paperwire.mail.smtp import PermanentMailError, TemporaryMailError, send


def _message(settings, to="alice@example.org"):
    return build_message(settings, to, "Verify your address", "Open https://papers.example.org/verify/abc",
                         html="<p><a href='https://papers.example.org/verify/abc'>Verify</a></p>", to_name="Alice")


def test_a_message_is_delivered_to_its_recipient(tmp_path, smtp_server):
    settings = smtp_server.settings(tmp_path, mail_from="papers@example.org")
    send(settings, _message(settings))
    (received,) = smtp_server.messages
    assert smtp_server.recipients == [["alice@example.org"]]
    assert received["To"] == "Alice <alice@example.org>" and received["Subject"] == "Verify your address"
    assert "https://papers.example.org/verify/abc" in received.get_body("plain").get_content()
    assert "<a href=" in received.get_body("html").get_content()


def test_with_a_user_set_the_mailer_logs_in_first(tmp_path, smtp_server):
    user, password = smtp_server.login
    settings = smtp_server.settings(tmp_path, smtp_user=user, smtp_password=password)
    send(settings, _message(settings))
    assert smtp_server.logins == [user] and len(smtp_server.messages) == 1


def test_a_refused_login_is_permanent_and_does_not_show_the_password(tmp_path, smtp_server):
    settings = smtp_server.settings(tmp_path, smtp_user="paperwire", smtp_password="wrong password 1234")
    with pytest.raises(PermanentMailError, match="answered 535") as refused:
        send(settings, _message(settings))
    assert "wrong password 1234" not in str(refused.value)
    assert smtp_server.messages == []


def test_a_4xx_answer_is_temporary_with_the_servers_words(tmp_path, smtp_server):
    smtp_server.refuse_data = "451 4.3.0 mailbox busy, try later"
    settings = smtp_server.settings(tmp_path)
    with pytest.raises(TemporaryMailError, match="answered 451 4.3.0 mailbox busy, try later") as refused:
        send(settings, _message(settings))
    assert refused.value.temporary


def test_a_5xx_answer_is_permanent(tmp_path, smtp_server):
    smtp_server.refuse_rcpt = "550 5.1.1 no such user here"
    settings = smtp_server.settings(tmp_path)
    with pytest.raises(PermanentMailError, match="550 5.1.1 no such user here") as refused:
        send(settings, _message(settings, to="nobody@example.org"))
    assert not refused.value.temporary


def test_a_server_that_cannot_be_reached_is_temporary(tmp_path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = load_settings(home=tmp_path, environ={"PAPERWIRE_SMTP_HOST": "127.0.0.1",
                                                     "PAPERWIRE_SMTP_PORT": str(port), "PAPERWIRE_SMTP_TIMEOUT_S": "5"})
    with pytest.raises(TemporaryMailError, match=f"127.0.0.1:{port}: .*[Rr]efused"):
        send(settings, _message(settings))


def test_starttls_asked_of_a_server_without_it_is_permanent_and_sends_nothing_in_clear(tmp_path, smtp_server):
    settings = smtp_server.settings(tmp_path, smtp_security="starttls")
    with pytest.raises(PermanentMailError, match="STARTTLS .*not supported.*check smtp_security"):
        send(settings, _message(settings))
    assert smtp_server.messages == []


def test_a_site_without_smtp_host_or_with_an_unknown_security_says_which_setting(tmp_path, smtp_server):
    no_mail = load_settings(home=tmp_path, environ={})
    with pytest.raises(ConfigError, match="set smtp_host"):
        send(no_mail, _message(no_mail))
    odd = smtp_server.settings(tmp_path, smtp_security="tls")
    with pytest.raises(ConfigError, match="smtp_security: expected one of starttls, ssl, none, got 'tls'"):
        send(odd, _message(odd))
