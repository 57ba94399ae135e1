"""No password, session cookie, API token or reset link is kept in clear: not in any column of
any table, not in any log line (SQLAlchemy's statement log included)."""

from __future__ import annotations

import logging

from sqlalchemy import String, Text, select

from paperwire.accounts import links, sessions, tokens, users
from paperwire.store.schema import metadata

PASSWORDS = ("first secret passphrase", "second secret passphrase", "a new secret passphrase")
KEY = "site key " * 6


def _secrets_handed_out(db):
    alice = users.create_user(db, "alice", "alice@example.org", PASSWORDS[0])
    bob = users.create_user(db, "bob", "bob@example.org", PASSWORDS[1])
    cookie, _ = sessions.start_session(db, users.authenticate(db, "alice", PASSWORDS[0]))
    token, _ = tokens.create_token(db, bob, "script", "write")
    tokens.token_member(db, token)
    reset = links.password_reset_token(db, KEY, bob)
    verify = links.verify_email_token(KEY, alice)
    links.reset_password(db, KEY, reset, PASSWORDS[2])
    return [*PASSWORDS, cookie, token, reset, verify]


def _every_text_value(db):
    with db.connect() as connection:
        for table in metadata.sorted_tables:
            text_columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
            if text_columns:
                for row in connection.execute(select(*text_columns)):
                    yield from (value for value in row if value)


def test_no_secret_is_stored_in_any_text_column(db):
    handed_out = _secrets_handed_out(db)
    stored = list(_every_text_value(db))
    assert stored  # the scan saw the rows
    leaked = [secret for secret in handed_out for value in stored if secret in value]
    assert leaked == []
    # tokens and cookies are found again only through their digests
    assert not any(secret[:20] in value for secret in handed_out[3:5] for value in stored if len(value) > 16)


def test_no_secret_appears_in_any_log_line(db, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")  # every statement with its parameters
    handed_out = _secrets_handed_out(db)
    assert any(record.name.startswith("sqlalchemy.engine") for record in caplog.records)
    logged = caplog.text
    assert [secret for secret in handed_out if secret in logged] == []
