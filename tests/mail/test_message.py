"""Building messages: what arrives is what was meant, whatever names and subjects hold."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from paperwire.config import ConfigError, load_settings
from paperwire.mail.message import InvalidMessage, build_message, message_text


@pytest.fixture
def settings(tmp_path):
    return load_settings(home=tmp_path, environ={"PAPERWIRE_MAIL_FROM": "papers@example.org",
                                                 "PAPERWIRE_SITE_NAME": "Vision Lab Papers"})


def _as_received(message):
    return message_from_bytes(message.as_bytes(), policy=policy.default)


def test_a_message_has_text_an_html_alternative_and_the_sites_sender(settings):
    message = _as_received(build_message(settings, "alice@example.org", "Verify your address", "Open this link.",
                                         html="<p>Open this link.</p>", to_name="Alice"))
    assert message["From"] == "Vision Lab Papers <papers@example.org>"
    assert message["To"] == "Alice <alice@example.org>"
    assert message["Subject"] == "Verify your address"
    assert message["Message-ID"].endswith("@example.org>") and message["Date"]
    assert message.get_body("plain").get_content().strip() == "Open this link."
    assert message.get_body("html").get_content().strip() == "<p>Open this link.</p>"


def test_a_sender_written_with_a_name_keeps_it(tmp_path):
    settings = load_settings(home=tmp_path, environ={"PAPERWIRE_MAIL_FROM": "Paper Bot <bot@example.org>"})
    assert build_message(settings, "a@example.org", "s", "t")["From"] == "Paper Bot <bot@example.org>"


def test_an_unusable_sender_setting_is_named(tmp_path):
    settings = load_settings(home=tmp_path, environ={"PAPERWIRE_MAIL_FROM": "not an address"})
    with pytest.raises(ConfigError, match="setting mail_from"):
        build_message(settings, "a@example.org", "s", "t")


@pytest.mark.parametrize("subject", [
    "Hello\r\nBcc: everyone@example.org",
    "Hello\nBcc: everyone@example.org",
    "Hello\rBcc: everyone@example.org",
    "Hello\r\n\r\nforged body",
    "nul\x00byte",
    "right-to-left \u202etxt.exe",
])
def test_a_subject_that_would_add_headers_or_hide_text_is_refused(settings, subject):
    with pytest.raises(InvalidMessage, match="subject .* holds line breaks or control characters"):
        build_message(settings, "alice@example.org", subject, "body")


@pytest.mark.parametrize("name", ["Eve\r\nBcc: everyone@example.org", "Eve\nTo: x@example.org", "E\x00ve"])
def test_a_recipient_name_that_would_add_headers_is_refused(settings, name):
    with pytest.raises(InvalidMessage, match="recipient name"):
        build_message(settings, "eve@example.org", "Hello", "body", to_name=name)


@pytest.mark.parametrize("to", ["eve@example.org\r\nBcc: all@example.org", "eve@example.org, all@example.org",
                                "Eve <eve@example.org>", "", "x" * 300])
def test_only_one_plain_address_can_be_a_recipient(settings, to):
    with pytest.raises(InvalidMessage, match="recipient: e-mail address"):
        build_message(settings, to, "Hello", "body")


ODD_NAMES = ['Doe, "Jane" <jane@evil.example>', "José Ñúñez 数学", "<script>alert(1)</script>"]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_odd_display_names_arrive_as_one_name_for_one_recipient(settings, name):
    message = _as_received(build_message(settings, "jane@example.org", "Hello", "body", to_name=name))
    (recipient,) = message["To"].addresses
    assert recipient.addr_spec == "jane@example.org"
    assert recipient.display_name == name


def test_ready_made_encoded_words_are_refused_since_readers_would_decode_them(settings):
    with pytest.raises(InvalidMessage, match="decode as encoded text"):
        build_message(settings, "a@example.org", "=?utf-8?q?Your_password_expired?=", "body")
    with pytest.raises(InvalidMessage, match="recipient name"):
        build_message(settings, "a@example.org", "Hello", "body", to_name="=?utf-8?b?QWRtaW4=?=")


def test_a_unicode_subject_arrives_as_written(settings):
    subject = "Nouveaux articles : « Transformers » — 数学 ∑"
    assert _as_received(build_message(settings, "a@example.org", subject, "body"))["Subject"] == subject


def test_extra_headers_such_as_list_unsubscribe_go_in_but_cannot_replace_ours(settings):
    message = build_message(settings, "a@example.org", "Digest", "body", headers={
        "List-Unsubscribe": "<https://papers.example.org/unsubscribe/abc>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    })
    assert _as_received(message)["List-Unsubscribe"] == "<https://papers.example.org/unsubscribe/abc>"
    for name in ("Bcc", "From", "to", "Content-Type", "X-Bad\r\nBcc", "X Bad", ""):
        with pytest.raises(InvalidMessage, match="header name .* is not allowed"):
            build_message(settings, "a@example.org", "Digest", "body", headers={name: "x"})
    with pytest.raises(InvalidMessage, match="header List-Unsubscribe .* line breaks"):
        build_message(settings, "a@example.org", "Digest", "body", headers={"List-Unsubscribe": "<x>\r\nBcc: y"})


def test_a_huge_subject_is_refused_with_its_length(settings):
    with pytest.raises(InvalidMessage, match="subject is too long: at most 250 characters, got 10000"):
        build_message(settings, "a@example.org", "s" * 10_000, "body")


@pytest.mark.parametrize("subject, name", [("Nouveaux articles : « Transformers » " * 6, "Zoë Ünïcode " * 6),
                                           ("a" * 240, "Ann"), ("word " * 48, "")])
def test_the_stored_text_of_a_message_is_what_it_writes_itself(settings, subject, name):
    long_link = "<https://papers.example.org/unsubscribe/" + "t" * 300 + ">"
    message = build_message(settings, "a@example.org", subject, "Résumé — body\n" * 50, html="<p>Résumé</p>" * 50,
                            to_name=name, headers={"List-Unsubscribe": long_link,
                                                   "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    text = message_text(message)
    assert text == message.as_string()
    assert f"List-Unsubscribe: {long_link}\n" in text  # whole, on one line


def test_a_body_that_quotes_the_parts_boundary_still_arrives_as_two_whole_parts(settings):
    """The boundary is fixed rather than searched for: no body text may end a part early."""
    quoted = "--==paperwire-alternative==\n--==paperwire-alternative==--\n"
    message = message_from_bytes(message_text(build_message(
        settings, "a@example.org", "Boundaries", quoted + "plain end", html=quoted + "<p>html end</p>")).encode(),
        policy=policy.default)
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert message.get_body("plain").get_content() == quoted + "plain end"
    assert message.get_body("html").get_content() == quoted + "<p>html end</p>"
