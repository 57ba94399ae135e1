"""The member's library: Save, Not interested and Seen on cards and paper pages, private notes,
the /library page (a tab for each mark), and the same under /api/v1/me/.

Only the member ever sees their library: every operation acts on the viewer's own, and no
route names anyone else's.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Annotated, Literal

from fastapi import Form, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from paperwire.community import library
from paperwire.web.api.common import WholeNumber, check_offset, find_paper
from paperwire.web.api.v1 import Limit, Offset, PaperId, page_links
from paperwire.web.api.v1_models import PageLinks, PaperOut, paper_out
from paperwire.web.auth.viewer import current_viewer, require_viewer
from paperwire.web.community.cards import cards_for
from paperwire.web.community.common import api_router, back_to_paper, db, page_router, policy
from paperwire.web.deps import get_settings
from paperwire.web.pages.catalog import _offset, _pager
from paperwire.web.http.templating import page_response, render_page

pages = page_router()
api = api_router("library")

Mark = Literal["saved", "dismissed", "seen"]
# Each mark: what turns it on and off.
CHANGES = {
    "saved": (library.save, library.unsave),
    "dismissed": (library.dismiss, library.undismiss),
    "seen": (partial(library.mark_seen, seen=True), partial(library.mark_seen, seen=False)),
}
# Each mark's button: its form at /papers/{id}/<form>, its JSON at /api/v1/me/<api>/{id}, its label.
BUTTONS = {"saved": ("save", "library", "Save"), "dismissed": ("dismiss", "dismissed", "Not interested"),
           "seen": ("seen", "seen", "Seen")}
# What the card macro and the paper page show (as (mark, form, api, label)).
CARD_BUTTONS = [(mark, *BUTTONS[mark]) for mark in ("saved", "dismissed")]
PAPER_BUTTONS = [(mark, *BUTTONS[mark]) for mark in BUTTONS]
TABS = {"saved": "Saved", "dismissed": "Not interested", "seen": "Seen"}
PAGE_SIZE = 30


class MarksOut(BaseModel):
    """The member's marks on one paper, after the change."""

    paper: str = Field(examples=["2607.01234"])
    saved: bool
    dismissed: bool = Field(description='"Not interested": left out of the member\'s recommendations.')
    seen: bool
    has_note: bool


class NoteIn(BaseModel):
    note: str = Field(description="Private Markdown note; empty removes it.",
                      examples=["Compare with §4 of 2601.01234."])


class NoteOut(BaseModel):
    paper: str
    note: str | None = Field(description="The note, or null when there is none.")


class EntryOut(BaseModel):
    paper: PaperOut
    marked_at: datetime = Field(description="When the paper was saved (or dismissed, or seen: the kind listed).")
    note: str | None


class LibraryPage(PageLinks):
    kind: Mark
    items: list[EntryOut]


def _change(request: Request, paper_id: str, mark: str, on: bool) -> MarksOut:
    stored = find_paper(request, paper_id)
    member = current_viewer(request)
    turn_on, turn_off = CHANGES[mark]
    (turn_on if on else turn_off)(db(request), policy(request), member, stored.doc_id)
    state = library.states(db(request), member, [stored.doc_id]).get(stored.doc_id, library.LibraryState())
    return MarksOut(paper=stored.paper.id, saved=state.saved, dismissed=state.dismissed, seen=state.seen,
                    has_note=state.has_note)


# ---- forms and the /library page --------------------------------------------------------

def _mark_form(path: str, mark: str):
    @pages.post(f"/papers/{{paper_id:path}}/{path}", name=f"{path}_form")
    def form(request: Request, paper_id: str, on: bool = Form(True), next: str = Form("")) -> Response:
        done = _change(request, paper_id, mark, on)
        return back_to_paper(next, done.paper)

    form.__doc__ = f"The {TABS[mark]!r} button: ``on`` says what the member wants."
    return form


for _mark, (_form, _, _) in BUTTONS.items():
    _mark_form(_form, _mark)


@pages.post("/papers/{paper_id:path}/note")
def note_form(request: Request, paper_id: str, note: str = Form(""), next: str = Form("")) -> Response:
    stored = find_paper(request, paper_id)
    library.set_note(db(request), policy(request), current_viewer(request), stored.doc_id, note)
    return back_to_paper(next, stored.paper.id, "#note", done="noted")


@pages.get("/library")
def library_page(request: Request, tab: Mark = "saved", page: WholeNumber = 1) -> Response:
    member = require_viewer(request)
    entries, total = library.library(db(request), policy(request), member, tab, limit=PAGE_SIZE,
                                     offset=_offset(page, PAGE_SIZE))
    rendered = render_page(request, "community/library.html", {
        "title": f"Your library: {TABS[tab].lower()}", "active": "library", "tab": tab, "tabs": TABS,
        "entries": entries, "cards": cards_for(request, [e.paper for e in entries]),
        "pager": _pager(page, PAGE_SIZE, total), "feeds": []})
    return page_response(request, rendered, cacheable=False)


# ---- JSON -------------------------------------------------------------------------------

def _mark_routes(path: str, mark: str, label: str) -> None:
    @api.post(f"/me/{path}/{{paper_id:path}}", response_model=MarksOut, name=f"{mark}_on",
              summary=f"{label} (idempotent)")
    def turn_on(request: Request, paper_id: PaperId) -> MarksOut:
        return _change(request, paper_id, mark, True)

    @api.delete(f"/me/{path}/{{paper_id:path}}", response_model=MarksOut, name=f"{mark}_off",
                summary=f"Undo: {label.lower()} (idempotent)")
    def turn_off(request: Request, paper_id: PaperId) -> MarksOut:
        return _change(request, paper_id, mark, False)


for _mark, _summary in (("saved", "Save a paper to one's library"), ("dismissed", 'Mark a paper "not interested"'),
                        ("seen", "Mark a paper seen")):
    _mark_routes(BUTTONS[_mark][1], _mark, _summary)


@api.get("/me/library", response_model=LibraryPage, summary="One's saved (or dismissed, or seen) papers")
def my_library(request: Request, kind: Annotated[Mark, Query(description="Which mark to list.")] = "saved",
               limit: Limit = 30, offset: Offset = 0) -> dict:
    entries, total = library.library(db(request), policy(request), current_viewer(request), kind, limit=limit,
                                     offset=check_offset("offset", offset))
    settings = get_settings(request)
    return {"kind": kind, "items": [EntryOut(paper=paper_out(settings, e.paper), marked_at=e.marked_at, note=e.note)
                                    for e in entries], **page_links(request, total, limit, offset)}


@api.get("/me/notes/{paper_id:path}", response_model=NoteOut, summary="One's private note on a paper")
def get_note(request: Request, paper_id: PaperId) -> NoteOut:
    stored = find_paper(request, paper_id)
    return NoteOut(paper=stored.paper.id, note=library.note_for(db(request), policy(request), current_viewer(request),
                                                                stored.doc_id))


@api.put("/me/notes/{paper_id:path}", response_model=NoteOut, summary="Keep (or, empty, remove) a private note")
def put_note(request: Request, paper_id: PaperId, given: NoteIn) -> NoteOut:
    stored = find_paper(request, paper_id)
    member = current_viewer(request)
    library.set_note(db(request), policy(request), member, stored.doc_id, given.note)
    return NoteOut(paper=stored.paper.id, note=library.note_for(db(request), policy(request), member, stored.doc_id))
