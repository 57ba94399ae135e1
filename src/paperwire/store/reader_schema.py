"""The personal layer's tables: what each reader follows and searches for, their private feed
key, their digest subscription, and the outbox the digests go out from.

Portable SQL only (SQLite and PostgreSQL); migration 0004 creates these (0008 the outbox's
index of digests still holding their text).

The outbox holds each digest once per reader and period (a unique key on subscription,
kind and period), composed whole as a MIME message before anything is sent: composing and
delivering are separate steps, so a crash between them neither loses a digest nor repeats
it, and the Message-ID derived from that key lets a reader's mail program drop a copy.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from paperwire.store.schema import metadata

# ---- what a reader follows and looks for ------------------------------------------------

follows = Table(
    "follows",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(16), primary_key=True),  # "author" or "category"
    Column("key", String(200), primary_key=True),  # folded for matching: an author's name key, a category
    Column("label", String(200), nullable=False),  # as the reader saw it: "Ann Lee", "cs.LG"
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_follows_kind_key", "kind", "key"),
)

saved_searches = Table(
    "saved_searches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("query", String(500), nullable=False),  # the search box's syntax: words, "phrases", cat:cs.LG
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("user_id", "query", name="uq_saved_searches_user_query"),
)

# The secret in a member's private feed URLs, kept as the SHA-256 digest of the key handed
# out; a new key (revoking the old) replaces the row.
private_feed_keys = Table(
    "private_feed_keys",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# ---- digests ----------------------------------------------------------------------------

# One subscription per address: a member's (user_id set), or a visitor's who gave only an
# address (user_id NULL until they sign up with it). Nothing is sent before confirmed_at.
digest_subscriptions = Table(
    "digest_subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), unique=True),
    Column("email", String(254), nullable=False),
    Column("email_key", String(254), nullable=False, unique=True),  # lower-cased
    Column("period", String(8), nullable=False),  # "daily" or "weekly"
    Column("hour", Integer, nullable=False),  # 0-23, in the reader's time zone
    Column("weekday", Integer, nullable=False),  # 0 = Monday: the weekly digest's day
    Column("timezone", String(64), nullable=False),  # IANA name, e.g. "Europe/Berlin"
    Column("sections", JSON, nullable=False),  # e.g. ["trending", "for-you", "authors", "searches", "replies"]
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("confirmed_at", DateTime(timezone=True)),  # double opt-in done
    Column("unsubscribed_at", DateTime(timezone=True)),  # set: nothing more is composed
    Column("undeliverable_at", DateTime(timezone=True)),  # a permanent (5xx) refusal: no more tries
    Column("undeliverable_reason", Text),
    sqlite_autoincrement=True,  # an unsubscribe link must never come to name another subscription
)

# Written as the partial index below says it: a query must say the same for either database to use it.
OUTBOX_HOLDS_TEXT = text("message <> ''")

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subscription_id", Integer, ForeignKey("digest_subscriptions.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),  # "daily" or "weekly"
    Column("period_key", String(16), nullable=False),  # "2026-12-01" (daily) or "2026-W49" (weekly)
    Column("to_address", String(254), nullable=False),
    Column("message_id", String(255), nullable=False, unique=True),  # derived from the key above
    Column("message", Text, nullable=False),  # the whole MIME message, as composed
    Column("status", String(16), nullable=False),  # pending / sent / failed (gave up) / cancelled
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("claimed_until", DateTime(timezone=True)),  # a sender's lease; expired: another may take it
    Column("claim_token", String(32)),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    UniqueConstraint("subscription_id", "kind", "period_key", name="uq_outbox_subscription_kind_period"),
    Index("ix_outbox_status_next_attempt", "status", "next_attempt_at"),
    # Only the digests still holding their text: the old ones' text is dropped (digest.outbox),
    # and finding them then reads this index alone, not every digest ever composed.
    Index("ix_outbox_holding_text_created", "created_at", sqlite_where=OUTBOX_HOLDS_TEXT,
          postgresql_where=OUTBOX_HOLDS_TEXT),
)

# Every paper a digest listed, so that no paper reaches the same reader twice.
digest_papers = Table(
    "digest_papers",
    metadata,
    Column("subscription_id", Integer, ForeignKey("digest_subscriptions.id", ondelete="CASCADE"), primary_key=True),
    Column("doc_id", Integer, ForeignKey("papers.doc_id", ondelete="CASCADE"), primary_key=True),
    Column("outbox_id", Integer, ForeignKey("outbox.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("section", String(16), nullable=False),
)
