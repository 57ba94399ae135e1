"""Account tests' world: a fresh home and app per test (no members leak between tests), a
browser that keeps its cookies, and members made through the accounts layer.

``site`` runs on SQLite; ``both_site`` runs each test on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from paperwire.accounts import users
from paperwire.config import Settings, load_settings
from paperwire.web.app import create_app

PASSWORD = "correct horse battery staple"
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser(TestClient):
    """A TestClient at the site's base URL (so the Origin check sees this site), keeping cookies."""

    def token(self, page: str = "/signin") -> str:
        """The CSRF token of the forms on ``page`` (fetching it also sets the form cookie)."""
        response = self.get(page)
        found = _CSRF_FIELD.search(response.text)
        assert found, f"no CSRF field on {page} ({response.status_code})"
        return found.group(1)

    def submit(self, action: str, page: str | None = None, **fields):
        """Fill in and send the form at ``action`` as a person does: from its page, with its token."""
        token = self.token(page or action)
        return self.post(action, data={"csrf_token": token, **fields}, follow_redirects=False)

    def sign_in(self, login: str, password: str = PASSWORD):
        response = self.submit("/signin", login=login, password=password)
        assert response.status_code == 303, response.text[:500]
        return response

    @property
    def session_cookie(self) -> str | None:
        return next((value for name, value in self.cookies.items() if name.endswith("paperwire_session")), None)


class Site:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.app = create_app(settings)
        self.db = self.app.state.catalog.engine

    def browser(self, **headers: str) -> Browser:
        return Browser(self.app, base_url=self.settings.base_url, raise_server_exceptions=False,
                       headers=headers or None)

    def member(self, username: str = "ann", verified: bool = True, **options):
        return users.create_user(self.db, username, f"{username}@example.org", PASSWORD, verified=verified,
                                 **options)

    def close(self) -> None:
        self.db.dispose()


def _settings(home: Path, database_url: str | None, environ: dict[str, str]) -> Settings:
    environ = {f"PAPERWIRE_{name.upper()}": value for name, value in environ.items()}
    if database_url:
        environ["PAPERWIRE_DATABASE_URL"] = database_url
    return load_settings(home=home, environ=environ)


def _factory(home: Path, database_url: str | None):
    made: list[Site] = []

    def make(settings: Settings | None = None, **environ: str) -> Site:
        site = Site(settings or _settings(home, database_url, environ))
        made.append(site)
        return site

    return make, made


@pytest.fixture
def make_site(tmp_path):
    """``make_site(base_url="https://...", smtp_host=...)``: a site on a fresh SQLite home;
    called twice with the same settings, two workers of one site."""
    make, made = _factory(tmp_path / "home", None)
    yield make
    for site in made:
        site.close()


@pytest.fixture
def make_both_site(database_url, tmp_path):
    """As make_site, on SQLite and then on PostgreSQL."""
    make, made = _factory(tmp_path / "home", database_url)
    yield make
    for site in made:
        site.close()


@pytest.fixture
def site(make_site) -> Site:
    return make_site()


@pytest.fixture
def both_site(make_both_site) -> Site:
    """A site on SQLite, then on PostgreSQL."""
    return make_both_site()
