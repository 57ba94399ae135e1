"""A SQLite home holding every kind of data a site gathers, each made the way the site makes it:
imported papers (with a bad line), a harvest checkpoint, members (one since deleted), a
session, a token, a vote, a comment thread with a report and a moderator's hide, a claim, a
submission, a library note, a collection with items, a follow, a saved search, a private feed
key, subscriptions, a composed digest in the outbox, a rate-limit counter and stored vectors;
another connection that writes to it meanwhile, and empty PostgreSQL databases to copy it into.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import orjson
import pytest
from sqlalchemy import insert

from paperwire.accounts import sessions, tokens, users
from paperwire.accounts.ratelimit import RateLimits
from paperwire.community import claims, collections, comments, library, submissions, votes
from paperwire.community.rules import Policy
from paperwire.config import Settings, load_settings
from paperwire.digest import subscriptions
from paperwire.digest.compose import compose_due
from paperwire.digest.subscriptions import DigestChoice
from paperwire.importer import import_files
from paperwire.reader import follows, private_feeds, saved_searches
from paperwire.search.embedding_store import EmbeddingStore
from paperwire.store import open_catalog
from paperwire.store.checkpoints import Checkpoints, HarvestCheckpoint
from paperwire.store.schema import harvest_state

PASSWORD = "correct horse battery staple"
SECRET = "one secret for the home and its copy"
# The morning after most of the first sample papers were listed: the digest is composed and a
# paper submitted then.
MORNING = datetime(2026, 6, 16, 7, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class FilledHome:
    settings: Settings
    paper_id: str  # the paper everything happens on
    token: str  # bob's write token
    cookie: str  # ann's (an admin's) session cookie
    feed_key: str  # bob's private feed key
    collection_slug: str
    vectors: dict[int, np.ndarray]


def home_settings(home: Path, **environ: str) -> Settings:
    environ = {"PAPERWIRE_SECRET_KEY": SECRET, **{f"PAPERWIRE_{k.upper()}": v for k, v in environ.items()}}
    return load_settings(home=home, environ=environ)


def fill_home(home: Path, sample_lines: list[bytes]) -> FilledHome:
    settings = home_settings(home)
    papers_file = home.parent / f"{home.name}-papers.jsonl"
    papers_file.write_bytes(b"".join(sample_lines[:40]) + b"this line is not JSON\n")
    catalog = open_catalog(settings.catalog_url)
    db = catalog.engine
    import_files(catalog, [papers_file], progress=False)  # an import run, with one error
    Checkpoints(db).save(HarvestCheckpoint("oai:cs", resumption_token="token|1", from_date=date(2026, 6, 1), pages=3))

    policy = Policy(dataclasses.replace(settings, submission_max_age_days=30))
    ann = users.create_user(db, "ann", "ann@example.org", PASSWORD, role="admin", verified=True)
    bob = users.create_user(db, "bob", "bob@example.org", PASSWORD, verified=True)
    carol = users.create_user(db, "carol", "carol@example.org", PASSWORD, verified=True)
    gone = users.create_user(db, "dave", "dave@example.org", PASSWORD, verified=True)
    users.delete_user(db, gone.id)  # the highest id so far: it must never be given again
    cookie, _csrf = sessions.start_session(db, ann)
    token, _ = tokens.create_token(db, bob, "script", "write")
    RateLimits(db, settings).hit("sign_in", account="ann", address="127.0.0.1")

    ids = [orjson.loads(line)["id"] for line in sample_lines[:40]]
    first, second = catalog.get(ids[0]), catalog.get(ids[2])
    votes.upvote(db, policy, bob, first.doc_id)
    top = comments.add_comment(db, policy, ann, first.doc_id, "Nice result: $O(n \\log n)$")
    reply = comments.add_comment(db, policy, bob, first.doc_id, "Agreed, *really* nice.", parent_id=top.id)
    comments.report_comment(db, policy, carol, reply.id, "off topic")
    comments.hide_comment(db, policy, ann, reply.id, "off topic")  # logged in the audit log
    claim = claims.claim_authorship(db, policy, carol, first.doc_id)
    claims.decide_claim(db, policy, ann, claim.id, approve=True)
    submissions.submit(db, policy, bob, second.paper.id, "worth a read", lambda _id: None, now=MORNING)
    library.save(db, policy, bob, first.doc_id)
    library.set_note(db, policy, bob, first.doc_id, "read § 3 again")
    shelf = collections.create_collection(db, policy, ann, "Reading group", "Papers for Friday", is_public=True)
    collections.add_item(db, policy, ann, shelf.id, first.doc_id, note="start here")
    collections.add_item(db, policy, ann, shelf.id, second.doc_id)
    follows.follow(db, policy, bob, "category", first.paper.primary_category)
    saved_searches.add(db, policy, bob, "sparse autoencoder")
    feed_key = private_feeds.new_key(db, policy, bob)
    subscriptions.subscribe_member(db, policy, bob, DigestChoice(period="daily", hour=7, timezone="UTC",
                                                                 weekday=0, sections=("trending",)))
    subscriptions.request_subscription(db, settings, "visitor@example.org")  # not confirmed: nothing sent
    compose_due(db, settings, None, now=MORNING)  # bob's digest: an outbox row and the papers it lists

    rng = np.random.default_rng(7)
    vectors = {}
    for paper_id in ids[:10]:
        vector = rng.standard_normal(384).astype(np.float16).astype(np.float32)
        vectors[catalog.get(paper_id).doc_id] = vector
    EmbeddingStore(db).put((doc_id, b"hash-%d" % doc_id, vector) for doc_id, vector in vectors.items())
    db.dispose()
    return FilledHome(settings, first.paper.id, token, cookie, feed_key, shelf.slug, vectors)



class Writer(threading.Thread):
    """Another connection committing a row at a time (harvest checkpoints w0, w1, ...) until stopped."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.engine = open_catalog(url).engine
        self.committed: list[str] = []
        self.stop = threading.Event()
        self.more = threading.Condition()

    def run(self) -> None:
        while not self.stop.is_set():
            name = f"w{len(self.committed)}"
            with self.engine.begin() as conn:
                conn.execute(insert(harvest_state).values(name=name, updated_at=datetime.now(timezone.utc)))
            with self.more:
                self.committed.append(name)
                self.more.notify_all()

    def wait_for(self, count: int) -> None:
        with self.more:
            assert self.more.wait_for(lambda: len(self.committed) >= count, timeout=30), "the writer was blocked"


@pytest.fixture
def empty_postgres(postgres_server, fresh_database_names):
    """``empty_postgres()``: the URL of a new, empty database on the tests' PostgreSQL server."""

    def create() -> str:
        name = next(fresh_database_names)
        postgres_server.psql(f"CREATE DATABASE {name};")
        return postgres_server.get_uri(name)

    return create
