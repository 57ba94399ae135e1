"""Settings: defaults, overridden by ``HOME/paperwire.toml``, overridden by ``PAPERWIRE_*`` env.

Example ``paperwire.toml``::

    site_name = "Vision Lab Papers"
    database_url = "postgresql+psycopg://paperwire@localhost/paperwire"
    smtp_host = "mail.example.org"
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

CONFIG_FILE = "paperwire.toml"
ENV_PREFIX = "PAPERWIRE_"
SEARCH_BACKENDS = ("local", "postgres")


class ConfigError(ValueError):
    """A settings file or variable that cannot be used as given."""


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str = ""  # empty: SQLite file catalog.db in home
    site_name: str = "paperwire"
    base_url: str = "http://127.0.0.1:8000"
    # arXiv endpoints (configurable: the OAI-PMH base moved in 2025)
    oai_base_url: str = "https://oaipmh.arxiv.org/oai"
    arxiv_api_url: str = "https://export.arxiv.org/api/query"
    arxiv_rss_url: str = "https://rss.arxiv.org/rss"
    request_interval_s: float = 3.0  # arXiv asks for one request every 3 s
    # Mail (sign-up verification, password resets, digests). No smtp_host: no mail is sent.
    smtp_host: str = ""
    smtp_port: int = 25  # usually 587 with starttls, 465 with ssl
    smtp_security: str = "none"  # "starttls", "ssl" or "none"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_timeout_s: float = 30.0
    mail_from: str = "paperwire@localhost"
    # Accounts
    secret_key: str = ""  # signs e-mail links; empty: generated into HOME/secret_key on first run
    unverified_may_participate: bool = False  # with mail on: may members vote and comment before verifying
    # Rate limits, shared by every worker: "N/second|minute|hour|day", several joined by ";", "" for none
    limit_sign_in_per_account: str = "10/minute"
    limit_sign_in_per_address: str = "30/minute"
    limit_sign_up_per_address: str = "5/hour"
    limit_password_reset_per_account: str = "5/hour"
    limit_password_reset_per_address: str = "5/hour"
    limit_submit_per_account: str = "10/day"
    limit_submit_per_address: str = "30/day"
    limit_vote_per_account: str = "120/minute"
    limit_vote_per_address: str = "600/minute"
    limit_comment_per_account: str = "10/minute"
    limit_comment_per_address: str = "30/minute"
    limit_subscribe_per_account: str = "3/hour;5/day"  # digest confirmation mails to one address
    limit_subscribe_per_address: str = "20/hour"  # ... and asked for from one IP
    limit_import_per_account: str = "20/hour"  # reference files read, author lists followed
    limit_import_per_address: str = "60/hour"
    # Community rules (see README: submissions, trending)
    submission_max_age_days: int = 7  # papers older than this cannot be submitted
    submissions_per_day: int = 3  # per member; moderators are exempt
    who_may_submit: str = "verified"  # "verified": any verified member; "authors": members with a confirmed claim
    front_page: str = "listing"  # "listing": the day's arXiv listing plus submissions; "submissions": submissions only
    comment_max_chars: int = 10000
    note_max_chars: int = 5000
    collection_max_items: int = 1000
    collections_per_member: int = 100
    trending_half_life_hours: float = 36.0  # after a change, run `paperwire trending --rebuild`
    # For you (see README: recommendations)
    for_you_window_days: int = 7  # recommend papers listed in the last N days
    follows_per_member: int = 500
    saved_searches_per_member: int = 50
    # Digests (see README: digests). Times are in each reader's own time zone.
    digest_hour: int = 7  # a new subscription's hour, 0-23
    digest_section_size: int = 10  # papers per section at most
    compose_jobs: int = 1  # processes composing digests at once (digest send, worker); 2 uses both of 2 cores
    outbox_give_up_hours: float = 48.0  # a digest not delivered by then is marked failed for admins
    outbox_keep_days: float = 30.0  # a delivered (or failed) digest's text is dropped after this; its row stays
    dkim_key_file: str = ""  # PEM private key: set it (with dkim_selector) to sign digests
    dkim_selector: str = ""
    dkim_domain: str = ""  # empty: the domain of mail_from
    # `paperwire worker` (see README: the worker)
    worker_oai_set: str = ""  # OAI-PMH set it harvests, e.g. "cs"; empty: it harvests nothing
    worker_harvest_every_hours: float = 6.0  # harvest, index and rescore trending this often
    worker_digest_every_minutes: float = 15.0  # compose and deliver the digests due this often
    # Where searches run: "local" (each node's own keyword and vector indexes, under home) or
    # "postgres" (inside the PostgreSQL catalog: full-text search and pgvector; no index on the node)
    search_backend: str = "local"
    # On PostgreSQL, each web node brings its own search indexes up to the catalog this often,
    # with the vectors the workers stored (never embedding itself); 0: only `paperwire index` does
    index_follow_seconds: float = 30.0
    # On PostgreSQL (the shared job queue): jobs one worker runs at once, and how long a worker
    # may go without a heartbeat before its job is handed to another (a period cron can keep)
    worker_concurrency: int = 2
    worker_stalled_after_s: float = 60.0
    # Prometheus metrics at /metrics: admins, and these client addresses or networks without signing in
    # Empty by default: behind a proxy that sets no X-Forwarded-For, every visitor would look like 127.0.0.1
    metrics_allowed_addresses: str = ""  # comma-separated, e.g. "127.0.0.1, 10.0.0.0/8"; "": admins only

    @property
    def catalog_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'catalog.db'}"

    @property
    def index_dir(self) -> Path:
        return self.home / "indexes"


def default_home() -> Path:
    return Path(os.environ.get(f"{ENV_PREFIX}HOME") or Path.home() / ".paperwire")


def load_settings(home: str | Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Settings for ``home`` (default ``$PAPERWIRE_HOME`` or ``~/.paperwire``)."""
    environ = os.environ if environ is None else environ
    home_path = Path(home) if home else Path(environ.get(f"{ENV_PREFIX}HOME") or default_home())
    if home_path.exists() and not home_path.is_dir():
        raise ConfigError(f"home {home_path} is a file, not a directory: give --home (or PAPERWIRE_HOME) "
                          f"the directory for the catalog, its indexes and {CONFIG_FILE}")
    values: dict[str, object] = {}
    config_path = home_path / CONFIG_FILE
    if config_path.is_file():
        try:
            values.update(tomllib.loads(config_path.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{config_path}: {exc}") from None
        except OSError as exc:
            raise ConfigError(f"cannot read {config_path}: {exc.strerror}") from None
    fields = {f.name: f for f in dataclasses.fields(Settings) if f.name != "home"}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ConfigError(f"{config_path}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(fields)}")
    for name in fields:
        env_value = environ.get(ENV_PREFIX + name.upper())
        if env_value is not None:
            values[name] = env_value
    settings = Settings(home=home_path, **{name: _coerce(name, fields[name].type, v) for name, v in values.items()})
    check_search_backend(settings)
    metrics_networks(settings)  # a bad entry is refused here, by every command, not when the site starts
    return settings


def check_search_backend(settings: Settings) -> str:
    """The search backend ``settings`` name, or ConfigError saying why it cannot be used."""
    backend = settings.search_backend
    if backend not in SEARCH_BACKENDS:
        raise ConfigError(f"setting search_backend: expected one of {', '.join(SEARCH_BACKENDS)}, got {backend!r}")
    if backend == "postgres" and not settings.catalog_url.startswith("postgresql"):
        raise ConfigError('setting search_backend = "postgres" needs a PostgreSQL catalog: set database_url to '
                          'postgresql://... (or leave search_backend "local" with SQLite)')
    return backend


def metrics_networks(settings: Settings) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """The networks of ``metrics_allowed_addresses``; ConfigError naming any entry that is not one."""
    networks = []
    for entry in filter(None, (part.strip() for part in settings.metrics_allowed_addresses.split(","))):
        try:
            networks.append(ipaddress.ip_network(entry))
        except ValueError as exc:
            raise ConfigError(f"setting metrics_allowed_addresses: {entry!r} is not an IP address or network "
                              f"({exc}); give addresses and networks separated by commas, "
                              f"e.g. \"127.0.0.1, ::1, 10.0.0.0/8\"") from None
    return tuple(networks)


def _coerce(name: str, type_name: object, value: object) -> object:
    if str(type_name) == "bool":
        return _boolean(name, value)
    kind = {"int": int, "float": float, "str": str}.get(str(type_name), str)
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise ConfigError(f"setting {name}: expected {kind.__name__}, got {value!r}") from None


def _boolean(name: str, value: object) -> bool:
    if isinstance(value, bool):  # from TOML
        return value
    word = str(value).strip().lower()
    if word in ("true", "1", "yes", "on"):
        return True
    if word in ("false", "0", "no", "off"):
        return False
    raise ConfigError(f"setting {name}: expected true or false (or yes/no, 1/0), got {value!r}")
