"""The Jinja2 environment (autoescaped) and turning a template into a cacheable response."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi import Request
from isal import igzip
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import Response

from paperwire.config import Settings
from paperwire.taxonomy import category_name
from paperwire.web.http import render
from paperwire.web.http.card_bodies import CardBodies
from paperwire.web.http.card_byline import byline_html
from paperwire.web.http.cards_html import CardsHtml
from paperwire.web.auth.cookies import SESSION_COOKIES
from paperwire.web.auth.csrf import csrf_field, csrf_token
from paperwire.web.auth.viewer import signed_in_member
from paperwire.web.http.content_encoding import accepts_gzip

TEMPLATE_DIR = Path(__file__).parents[1] / "templates"
STATIC_DIR = Path(__file__).parents[1] / "static"
PAGE_MAX_AGE_S = 60


@dataclass(frozen=True)
class RenderedPage:
    body: bytes
    etag: str  # weak: the same for the plain and the gzipped body
    status: int
    gzipped: bytes | None = None  # compressed once when cached, not on every request

    @property
    def nbytes(self) -> int:
        """What the page holds in memory, near enough: its body and its compressed body."""
        return len(self.body) + len(self.gzipped or b"")


def static_versions() -> dict[str, str]:
    """Each static file's content hash, appended to its URL so it can be cached for a year."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:12] for p in STATIC_DIR.iterdir() if p.is_file()}


def make_environment(settings: Settings) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    versions = static_versions()
    env.globals.update(
        site_name=settings.site_name,
        static_url=lambda name: f"/static/{name}?v={versions.get(name, '0')}",
        url_with=url_with,
        quote=lambda value: quote(str(value), safe=""),
        category_name=lambda code: category_name(code) or "",
        csrf_field=csrf_field,
        csrf_token=csrf_token,
        viewer=signed_in_member,
    )
    env.filters.update(
        math=render.render_text,
        excerpt=render.render_excerpt,
        counted=render.counted,
        safe_url=render.safe_url,
        code_host=render.code_host,
        isodate=lambda d: d.isoformat() if d else "",
    )
    # ~15,000 cards of ~1 KB, and the bylines (~400 bytes) of ~20,000 papers
    env.globals["card_body"] = CardBodies(lambda sp: env.get_template("_card_body.html").render(sp=sp),
                                          max_bytes=16_000_000)
    env.globals["card_byline"] = CardBodies(byline_html, max_bytes=8_000_000)
    env.globals["card_html"] = CardsHtml(env)
    return env


def url_with(request: Request, **changes) -> str:
    """The current URL with some query parameters changed (None or "" removes one)."""
    params = dict(request.query_params)
    for name, value in changes.items():
        if value is None or value == "":
            params.pop(name, None)
        else:
            params[name] = str(value)
    query = urlencode(params)
    return request.url.path + (f"?{query}" if query else "")


def compile_templates(env: Environment) -> None:
    """Compile every template now (~0.4 s), not on the first request that renders each one."""
    for name in env.list_templates():
        env.get_template(name)


def render_page(request: Request, template: str, context: dict, status: int = 200) -> RenderedPage:
    body = request.app.state.templates.get_template(template).render(request=request, **context).encode()
    return RenderedPage(body, 'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"', status)


def with_gzip(page: RenderedPage) -> RenderedPage:
    # ISA-L's level 3: a 40 KB search page in 0.17 ms, ~7% larger than zlib's level 6 in 1.1 ms, which an
    # anonymous search with new words (rendered, cached, seldom asked again) paid on the event loop.
    return dataclasses.replace(page, gzipped=igzip.compress(page.body, compresslevel=3, mtime=0))


def is_anonymous(request: Request) -> bool:
    """No session cookie (either name) and no Authorization header: the page is the same for all."""
    return not any(name in request.cookies for name in SESSION_COOKIES) and "authorization" not in request.headers


def page_response(request: Request, page: RenderedPage, cacheable: bool = True) -> Response:
    """The page as a response, 304 when the reader's copy is current; shared caches may keep it."""
    headers = {"Vary": "Accept-Encoding"}  # shared caches keep the gzipped and the plain copy apart
    if cacheable and page.status == 200:
        headers["ETag"] = page.etag
        headers["Cache-Control"] = f"public, max-age={PAGE_MAX_AGE_S}"
        if request.headers.get("if-none-match") == page.etag:
            return Response(status_code=304, headers=headers)
    else:
        headers["Cache-Control"] = "no-store"
    if page.gzipped is not None and accepts_gzip(request.headers.get("accept-encoding", "")):
        # Already compressed: GZipMiddleware passes responses with a Content-Encoding through.
        headers["Content-Encoding"] = "gzip"
        return Response(page.gzipped, status_code=page.status, media_type="text/html; charset=utf-8",
                        headers=headers)
    return Response(page.body, status_code=page.status, media_type="text/html; charset=utf-8", headers=headers)
