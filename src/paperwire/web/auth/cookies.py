"""The two cookies sign-in uses, named and flagged by the site's base URL.

- the session cookie: the random id of a server-side session (accounts.sessions);
- the form cookie: a random id that signed-out forms (sign-in, sign-up, password reset)
  bind their CSRF token to, before there is a session.

Both are HttpOnly, SameSite=Lax, Path=/. Over https they are Secure and carry the ``__Host-``
prefix, which browsers only accept from a secure origin, for the whole host, without Domain:
a sibling subdomain cannot plant or overwrite them.
"""

from __future__ import annotations

from starlette.responses import Response

from paperwire.accounts.sessions import ABSOLUTE
from paperwire.config import Settings

SESSION = "paperwire_session"
FORM = "paperwire_form"
SECURE_PREFIX = "__Host-"
SESSION_COOKIES = (SESSION, SECURE_PREFIX + SESSION)  # either name means "signed in": never a cached page
FORM_COOKIE_AGE_S = 24 * 3600


def is_https(settings: Settings) -> bool:
    return settings.base_url.lower().startswith("https://")


def session_cookie_name(settings: Settings) -> str:
    return SECURE_PREFIX + SESSION if is_https(settings) else SESSION


def form_cookie_name(settings: Settings) -> str:
    return SECURE_PREFIX + FORM if is_https(settings) else FORM


def set_session_cookie(response: Response, settings: Settings, value: str) -> None:
    _set(response, settings, session_cookie_name(settings), value, int(ABSOLUTE.total_seconds()))


def set_form_cookie(response: Response, settings: Settings, value: str) -> None:
    _set(response, settings, form_cookie_name(settings), value, FORM_COOKIE_AGE_S)


def clear_session_cookie(response: Response, settings: Settings) -> None:
    _clear(response, settings, session_cookie_name(settings))


def clear_form_cookie(response: Response, settings: Settings) -> None:
    _clear(response, settings, form_cookie_name(settings))


def _set(response: Response, settings: Settings, name: str, value: str, max_age_s: int) -> None:
    response.set_cookie(name, value, max_age=max_age_s, path="/", secure=is_https(settings), httponly=True,
                        samesite="lax")


def _clear(response: Response, settings: Settings, name: str) -> None:
    response.delete_cookie(name, path="/", secure=is_https(settings), httponly=True, samesite="lax")
