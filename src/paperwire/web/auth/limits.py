"""Counting attempts against the site's rate limits (shared by all workers, in the database).

The client's address is ``request.client.host``. Behind a reverse proxy that is the proxy's
address unless the proxy sets ``X-Forwarded-For`` and uvicorn trusts it (``paperwire serve``
runs uvicorn with proxy headers on; set ``FORWARDED_ALLOW_IPS`` to the proxy's address).
"""

from __future__ import annotations

from fastapi import Request


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def count_attempt(request: Request, rule: str, account: str | None = None) -> None:
    """One attempt at ``rule`` by ``account`` (as typed) from this client; RateLimited
    (429 with Retry-After) when over a limit. Counted the same whether the account exists."""
    request.app.state.rate_limits.hit(rule, account=account.lower() if account else None,
                                      address=client_address(request))
