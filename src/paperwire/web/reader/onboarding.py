"""Web: the one-minute start at /welcome (where sign-up lands): pick categories, follow authors,
bring papers by arXiv id or URL or as a BibTeX or RIS file; and POST /api/v1/me/library/import.

Each step is a form of its own, so any one can be done (or skipped) without the others and
without JavaScript. Bringing papers answers a report: what was saved, what was not found and why.
"""

from __future__ import annotations

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from paperwire.community.errors import CommunityError, Invalid
from paperwire.community.text import clean_body
from paperwire.reader import follows
from paperwire.reader.references import MAX_BYTES, ReferenceList, check_size, read_references
from paperwire.reader.seeding import SeedReport, seed_library
from paperwire.store import Catalog
from paperwire.store.browse import category_counts
from paperwire.web.api.v1_models import PaperOut, paper_out
from paperwire.web.auth.forms import form_page
from paperwire.web.auth.viewer import require_viewer
from paperwire.web.community.common import api_router, counted_viewer, db, page_router, policy
from paperwire.web.deps import get_settings

pages = page_router()
api = api_router("library")

MAX_AUTHOR_LINES_CHARS = 20_000
MAX_PASTED_CHARS = 200_000
NOTICES = {"categories": "Your categories are saved: For you and trending lean on them."}


async def _form(request: Request):
    # Already read (and kept) by the CSRF check, which takes its token from the form.
    return await request.form(max_files=1, max_fields=1000)


def _page(request: Request, status: int = 200, **context) -> Response:
    member = require_viewer(request)
    followed = follows.following(db(request), policy(request), member)
    return form_page(request, "reader/welcome.html", {
        "title": "Welcome", "active": "settings", "followed": followed,
        "categories": category_counts(Catalog(db(request))), "max_mb": MAX_BYTES // (1024 * 1024), **context},
        status=status)


@pages.get("/welcome")
def welcome(request: Request, done: str = "") -> Response:
    return _page(request, notice=NOTICES.get(done))


@pages.post("/welcome/categories")
async def choose_categories(request: Request) -> Response:
    """The ticked categories are followed, the unticked ones no longer."""
    member = require_viewer(request)
    chosen = set((await _form(request)).getlist("category"))
    had = follows.following(db(request), policy(request), member).categories
    for category in chosen - set(had):
        follows.follow(db(request), policy(request), member, "category", category)
    for category in set(had) - chosen:
        follows.unfollow(db(request), policy(request), member, "category", category)
    return RedirectResponse("/welcome?done=categories", status_code=303)


def _importer(request: Request):
    """The member asking, once this import is counted against their rate limit (429 past it)."""
    counted_viewer(request, "import")
    return require_viewer(request)


@pages.post("/welcome/authors")
async def follow_authors(request: Request) -> Response:
    """One name per line; the lines that cannot be followed are shown with the reason."""
    member = _importer(request)
    text = clean_body((await _form(request)).get("authors", ""), "authors", MAX_AUTHOR_LINES_CHARS)

    def follow_each() -> tuple[list, list[str]]:
        followed, refused = [], []
        for number, line in enumerate(text.split("\n"), 1):
            if line.strip():
                try:
                    followed.append(follows.follow(db(request), policy(request), member, "author", line))
                except CommunityError as error:
                    refused.append(f"line {number}: {error.message}")
        return followed, refused

    followed, refused = await run_in_threadpool(follow_each)  # hundreds of writes: off the event loop
    return _page(request, status=400 if refused and not followed else 200,
                 authors_followed=followed, authors_refused=refused)


@pages.post("/welcome/papers")
async def bring_papers(request: Request) -> Response:
    """Pasted ids or URLs, or an uploaded file: the papers found are saved, the others reported."""
    member = _importer(request)
    form = await _form(request)
    try:
        given = await _references(form.get("pasted", ""), form.get("file"))
    except Invalid as error:
        return _page(request, status=400, errors={error.field: str(error)})
    report = await run_in_threadpool(seed_library, db(request), policy(request), member, given)
    return form_page(request, "reader/import_report.html", {
        "title": "Papers brought in", "active": "settings", "report": report})


async def _references(pasted: object, upload: object) -> ReferenceList:
    """The references given, read off the event loop (a 5 MB file takes a while to parse)."""
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(MAX_BYTES + 1)
        return await run_in_threadpool(read_references, data, upload.filename)
    text = clean_body(pasted, "pasted", MAX_PASTED_CHARS)
    if not text:
        raise Invalid("pasted", "paste arXiv ids or URLs, or choose a BibTeX or RIS file")
    return await run_in_threadpool(read_references, text)


# ---- JSON -------------------------------------------------------------------------------

class FoundOut(BaseModel):
    where: str = Field(examples=['entry 3 "cunningham_sparse_2023"'])
    by: str = Field(description="How it was matched: arXiv id, DOI or title.", examples=["arXiv id"])
    paper: PaperOut


class ProblemOut(BaseModel):
    where: str = Field(examples=["line 12"])
    reason: str = Field(examples=["arXiv 2401.99999 is not in this catalog"])


class ImportReportOut(BaseModel):
    saved: list[FoundOut] = Field(description="Papers now in one's library (one per paper).")
    not_found: list[ProblemOut] = Field(description="References the catalog lacks.")
    unreadable: list[ProblemOut] = Field(description="What the file's reader could not use, where it is.")


def report_out(request: Request, report: SeedReport) -> ImportReportOut:
    settings = get_settings(request)
    return ImportReportOut(
        saved=[FoundOut(where=f.reference.where, by=f.by, paper=paper_out(settings, f.paper)) for f in report.saved],
        not_found=[ProblemOut(where=p.where, reason=p.reason) for p in report.not_found],
        unreadable=[ProblemOut(where=p.where, reason=p.reason) for p in report.unreadable])


@api.post("/me/library/import", response_model=ImportReportOut,
          summary="Save papers named in a BibTeX, RIS or plain-text list to one's library",
          openapi_extra={"requestBody": {"content": {
              "text/plain": {"schema": {"type": "string"}, "example": "2309.08600\nhttps://arxiv.org/abs/1706.03762"},
              "application/x-bibtex": {"schema": {"type": "string"}},
              "multipart/form-data": {"schema": {"type": "object", "properties": {
                  "file": {"type": "string", "format": "binary"}}}}}}})
async def import_library(request: Request) -> ImportReportOut:
    """The body is the file itself (its format told by its content), or a multipart upload
    named ``file`` (told by its name too). At most 5 MB and 5,000 entries."""
    member = counted_viewer(request, "import")
    policy(request).require_member(member)
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        given = await _references("", (await _form(request)).get("file"))
    else:
        given = await run_in_threadpool(read_references, await _body(request))
    return report_out(request, await run_in_threadpool(seed_library, db(request), policy(request), member, given))


async def _body(request: Request) -> bytes:
    """The request body, refused as soon as it passes the size limit (never read whole first)."""
    declared = request.headers.get("content-length", "")
    check_size(int(declared) if declared.isdigit() else 0)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        check_size(size)
        chunks.append(chunk)
    return b"".join(chunks)
