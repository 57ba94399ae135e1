"""The people layer's tables: accounts, sessions, tokens, rate limits, and the community's
votes, comments, submissions, claims, library, collections and audit log.

Portable SQL only (SQLite and PostgreSQL); migrations 0002 and 0003 create these.
Secrets are never stored in clear: sessions and API tokens are kept as SHA-256 digests of
the random values handed out, passwords as argon2id hashes.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from paperwire.store.schema import metadata

# ---- accounts ---------------------------------------------------------------------------

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(32), nullable=False),
    Column("username_key", String(32), nullable=False, unique=True),  # case-folded, for lookups
    Column("email", String(254), nullable=False),
    Column("email_key", String(254), nullable=False, unique=True),  # lower-cased
    Column("email_verified_at", DateTime(timezone=True)),
    Column("password_hash", Text, nullable=False),  # argon2id, parameters inside
    Column("role", String(16), nullable=False, default="member"),  # admin / moderator / member
    Column("disabled_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("password_changed_at", DateTime(timezone=True), nullable=False),
    # An id is never given again after its account is deleted (SQLite would reuse the highest):
    # links, caches and logs that name a user id must not come to mean someone else.
    sqlite_autoincrement=True,
)

sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),  # sha256 of the cookie's random id
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256 of the token
    Column("prefix", String(16), nullable=False),  # the token's first characters, to tell them apart
    Column("scope", String(8), nullable=False),  # read / write
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
)

# Counters of the `limits` library's strategies, shared by every worker and node.
rate_limits = Table(
    "rate_limits",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("count", Integer, nullable=False),
    Column("expires_at", Float, nullable=False, index=True),  # unix time
)

# ---- community ----------------------------------------------------------------------------

votes = Table(
    "votes",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("doc_id", Integer, ForeignKey("papers.doc_id", ondelete="CASCADE"), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_votes_doc_id", "doc_id"),
)

comments = Table(
    "comments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", Integer, ForeignKey("papers.doc_id", ondelete="CASCADE"), nullable=False, index=True),
    # NULL once the author deleted their account: the comment stays, shown as "deleted user".
    Column("user_id", Integer, ForeignKey("users.id", ondelete="SET NULL"), index=True),
    Column("parent_id", Integer, ForeignKey("comments.id", ondelete="CASCADE"), index=True),
    # The comment this one answers: its parent, except for a reply to one at the deepest level,
    # which hangs beside it (comments.MAX_DEPTH) and still answers it.
    Column("answers_id", Integer, index=True),
    Column("body", Text, nullable=False),  # Markdown as written
    Column("body_html", Text, nullable=False),  # rendered and sanitised once, at write time
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("edited_at", DateTime(timezone=True)),
    Column("deleted_at", DateTime(timezone=True)),  # by its author: "[deleted]", replies kept
    Column("hidden_at", DateTime(timezone=True)),  # by a moderator
    Column("hidden_by", Integer, ForeignKey("users.id", ondelete="SET NULL")),
)

comment_reports = Table(
    "comment_reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("comment_id", Integer, ForeignKey("comments.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("resolved_at", DateTime(timezone=True)),
    UniqueConstraint("comment_id", "user_id", name="uq_comment_reports_comment_user"),
)

submissions = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", Integer, ForeignKey("papers.doc_id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="SET NULL"), index=True),
    Column("comment", String(280)),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("day", Date, nullable=False, index=True),  # the daily list it is featured on
    Column("removed_at", DateTime(timezone=True)),
    Column("removed_by", Integer, ForeignKey("users.id", ondelete="SET NULL")),
)

authorship_claims = Table(
    "authorship_claims",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("doc_id", Integer, ForeignKey("papers.doc_id", ondelete="CASCADE"), nullable=False, index=True),
    Column("status", String(16), nullable=False),  # pending / approved / rejected
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_by", Integer, ForeignKey("users.id", ondelete="SET NULL")),
    UniqueConstraint("user_id", "doc_id", name="uq_authorship_claims_user_doc"),
)

library_items = Table(
    "library_items",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("doc_id", Integer, ForeignKey("papers.doc_id", ondelete="CASCADE"), primary_key=True),
    Column("saved_at", DateTime(timezone=True)),
    Column("seen_at", DateTime(timezone=True)),
    Column("dismissed_at", DateTime(timezone=True)),  # "not interested"
    Column("note", Text),  # private to its owner
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

collections = Table(
    "collections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("slug", String(80), nullable=False),
    Column("name", String(120), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("is_public", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("user_id", "slug", name="uq_collections_user_slug"),
)

collection_items = Table(
    "collection_items",
    metadata,
    Column("collection_id", Integer, ForeignKey("collections.id", ondelete="CASCADE"), primary_key=True),
    Column("doc_id", Integer, ForeignKey("papers.doc_id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("note", Text),
    Column("added_at", DateTime(timezone=True), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("actor_id", Integer, ForeignKey("users.id", ondelete="SET NULL")),
    Column("actor_name", String(32), nullable=False),  # kept when the account is gone
    Column("action", String(64), nullable=False),  # e.g. comment.hide, submission.remove, user.disable
    Column("target_kind", String(32), nullable=False),
    Column("target_id", String(64), nullable=False),
    Column("detail", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
)
