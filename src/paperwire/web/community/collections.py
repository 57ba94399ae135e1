"""Collections: /collections (one's own), a collection's page at /users/{name}/collections/{slug}
with its RSS/Atom feeds and BibTeX/RIS/JSON exports, the owner's forms, and the JSON API
(/api/v1/me/collections for one's own, /api/v1/users/{name}/collections for anyone's public ones).

Someone else's private collection is not found through any of them: every read goes through
community.collections.collection_for, which asks the rules with the viewer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import Form, Path, Request
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse, RedirectResponse, Response

from paperwire.accounts.timestamps import utc_now
from paperwire.accounts.users import member_by_username
from paperwire.community import collections
from paperwire.community.collections import Collection, Item
from paperwire.community.errors import NotFound
from paperwire.links import site_url
from paperwire.web.feeds import citations as exports
from paperwire.web.feeds import syndication as feeds
from paperwire.web.api.common import find_paper
from paperwire.web.api.v1 import PaperId
from paperwire.web.api.v1_models import PaperOut, paper_out
from paperwire.web.auth.forms import form_page
from paperwire.web.auth.viewer import current_viewer, require_viewer
from paperwire.web.community.cards import cards_for
from paperwire.web.community.common import api_router, back, db, page_router, policy
from paperwire.web.deps import get_settings
from paperwire.web.http.page_cache import cached_page
from paperwire.web.http.templating import render_page

pages = page_router()
api = api_router("collections")

EXPORTS = {"bib": "bibtex", "ris": "ris"}  # file suffix -> export format
NOTICES = {"created": "The collection is made: add papers to it from their pages.",
           "saved": "Your changes are saved.", "deleted": "The collection is deleted."}
Owner = Annotated[str, Path(max_length=64, description="The owner's username.", examples=["ann"])]
Slug = Annotated[str, Path(max_length=80, description="The collection's address, from its first name.",
                           examples=["reading-group"])]


def collection_path(collection: Collection) -> str:
    return f"/users/{quote(collection.owner, safe='')}/collections/{collection.slug}"


def _checkbox(value: str) -> bool:
    return value in ("on", "true", "1")


# ---- pages ------------------------------------------------------------------------------

@pages.get("/collections")
def my_collections_page(request: Request, done: str = "") -> Response:
    member = require_viewer(request)
    return form_page(request, "community/collections.html", {
        "title": "Your collections", "active": "collections", "member": member, "notice": NOTICES.get(done),
        "collections": collections.my_collections(db(request), policy(request), member), "path_of": collection_path})


@pages.post("/collections")
def create_form(request: Request, name: str = Form(""), description: str = Form(""), public: str = Form(""),
                paper: str = Form(""), next: str = Form("")) -> Response:
    """A new collection; from a paper page (``paper``), the paper goes in at once."""
    stored = find_paper(request, paper) if paper else None
    made = collections.create_collection(db(request), policy(request), current_viewer(request), name, description,
                                         _checkbox(public))
    if stored is not None:
        collections.add_item(db(request), policy(request), current_viewer(request), made.id, stored.doc_id)
        return back(next, collection_path(made), "#collect", done="collected")
    return RedirectResponse(collection_path(made) + "?done=created", status_code=303)


@pages.get("/users/{owner}/collections/{slug}.{suffix}")
def collection_file(request: Request, owner: Owner, slug: Slug,
                    suffix: Literal["rss", "atom", "bib", "ris", "json"]) -> Response:
    """A collection as a feed (RSS, Atom) or an export (BibTeX, RIS, JSON), papers in its order."""
    collection, items = _readable(request, owner, slug)
    settings = get_settings(request)
    papers = [item.paper for item in items]
    if suffix in ("rss", "atom"):
        page = site_url(settings, collection_path(collection))
        info = feeds.FeedInfo(f"{collection.name} (by {collection.owner})", collection.description or collection.name,
                              page, site_url(settings, request.url.path))
        return feeds.feed_response(request, suffix, info, papers)
    if suffix == "json":
        return JSONResponse(_with_items(request, collection, items).model_dump(mode="json"),
                            headers={"Content-Disposition": f'attachment; filename="{collection.slug}.json"'})
    return exports.export_response(settings, papers, EXPORTS[suffix], collection.slug)


@pages.get("/users/{owner}/collections/{slug}")
@cached_page
def collection_page(request: Request, owner: Owner, slug: Slug, done: str = ""):
    collection, items = _readable(request, owner, slug)
    member = current_viewer(request)
    base = collection_path(collection)
    return render_page(request, "community/collection.html", {
        "title": collection.name, "collection": collection, "items": items, "path": base,
        "mine": member is not None and member.id == collection.owner_id, "notice": NOTICES.get(done),
        "cards": cards_for(request, [item.paper for item in items]),
        "feeds": [(f"{collection.name} (by {collection.owner})", f"{base}.rss")] if collection.is_public else []})


def _readable(request: Request, owner: str, slug: str) -> tuple[Collection, list[Item]]:
    return collections.collection_for(db(request), policy(request), current_viewer(request), owner, slug)


@pages.post("/collections/{collection_id}/edit")
def edit_form(request: Request, collection_id: int, name: str = Form(""), description: str = Form(""),
              public: str = Form("")) -> Response:
    changed = collections.update_collection(db(request), policy(request), current_viewer(request), collection_id,
                                            name=name, description=description, is_public=_checkbox(public))
    return RedirectResponse(collection_path(changed) + "?done=saved", status_code=303)


@pages.post("/collections/{collection_id}/delete")
def delete_form(request: Request, collection_id: int) -> Response:
    collections.delete_collection(db(request), policy(request), current_viewer(request), collection_id)
    return RedirectResponse("/collections?done=deleted", status_code=303)


@pages.post("/collections/{collection_id}/items")
def add_form(request: Request, collection_id: int, paper: str = Form(""), note: str = Form(""),
             next: str = Form("")) -> Response:
    """From a paper page: the paper goes to the end of the chosen collection."""
    stored = find_paper(request, paper)
    collections.add_item(db(request), policy(request), current_viewer(request), collection_id, stored.doc_id, note)
    return back(next, "/collections", "#collect", done="collected")


@pages.post("/collections/{collection_id}/items/{paper_id:path}/move")
def move_form(request: Request, collection_id: int, paper_id: str, position: int = Form(...),
              next: str = Form("")) -> Response:
    """The up and down buttons: ``position`` is where the paper goes (1 = first)."""
    stored = find_paper(request, paper_id)
    collections.move_item(db(request), policy(request), current_viewer(request), collection_id, stored.doc_id,
                          position)
    return back(next, "/collections", f"#item-{stored.doc_id}")


@pages.post("/collections/{collection_id}/items/{paper_id:path}/remove")
def remove_form(request: Request, collection_id: int, paper_id: str, next: str = Form("")) -> Response:
    stored = find_paper(request, paper_id)
    collections.remove_item(db(request), policy(request), current_viewer(request), collection_id, stored.doc_id)
    return back(next, "/collections")


@pages.post("/collections/{collection_id}/items/{paper_id:path}/note")
def item_note_form(request: Request, collection_id: int, paper_id: str, note: str = Form(""),
                   next: str = Form("")) -> Response:
    stored = find_paper(request, paper_id)
    collections.set_item_note(db(request), policy(request), current_viewer(request), collection_id, stored.doc_id,
                              note)
    return back(next, "/collections", f"#item-{stored.doc_id}")


# ---- JSON -------------------------------------------------------------------------------

class CollectionIn(BaseModel):
    name: str = Field(description=f"At most {collections.NAME_MAX_CHARS} characters.", examples=["Reading group"])
    description: str = Field("", description=f"At most {collections.DESCRIPTION_MAX_CHARS} characters.")
    public: bool = Field(False, description="Public: anyone may read it, its feed and exports.")


class CollectionChange(BaseModel):
    name: str | None = None
    description: str | None = None
    public: bool | None = None


class ItemIn(BaseModel):
    paper: str = Field(description="arXiv id (or paperwire id) of the paper to add.", examples=["2607.01234"])
    note: str | None = Field(None, description="A note shown beside the paper in the collection.")


class ItemChange(BaseModel):
    position: int | None = Field(None, description="Move the paper here (1 = first; beyond the end = last).")
    note: str | None = Field(None, description="Replace the paper's note (empty removes it).")


class CollectionOut(BaseModel):
    id: int
    owner: str = Field(examples=["ann"])
    slug: str = Field(examples=["reading-group"])
    name: str
    description: str
    public: bool
    item_count: int
    created_at: datetime
    updated_at: datetime
    url: str = Field(description="The collection's page (its feeds and exports add .rss, .atom, .bib, .ris, .json).")


class ItemOut(BaseModel):
    position: int = Field(description="1 for the first paper.")
    paper: PaperOut
    note: str | None
    added_at: datetime


class CollectionItems(CollectionOut):
    items: list[ItemOut] = Field(description="The papers in the owner's order.")


class CollectionList(BaseModel):
    items: list[CollectionOut]


def collection_out(request: Request, collection: Collection) -> CollectionOut:
    return CollectionOut(id=collection.id, owner=collection.owner, slug=collection.slug, name=collection.name,
                         description=collection.description, public=collection.is_public,
                         item_count=collection.item_count, created_at=collection.created_at,
                         updated_at=collection.updated_at,
                         url=site_url(get_settings(request), collection_path(collection)))


def _with_items(request: Request, collection: Collection, items: list[Item]) -> CollectionItems:
    settings = get_settings(request)
    return CollectionItems(**collection_out(request, collection).model_dump(), items=[
        ItemOut(position=item.position, paper=paper_out(settings, item.paper), note=item.note, added_at=item.added_at)
        for item in items])


@api.get("/me/collections", response_model=CollectionList, summary="One's collections, private ones included")
def list_mine(request: Request) -> CollectionList:
    found = collections.my_collections(db(request), policy(request), current_viewer(request))
    return CollectionList(items=[collection_out(request, c) for c in found])


@api.post("/me/collections", response_model=CollectionOut, status_code=201, summary="Make a collection")
def create(request: Request, given: CollectionIn) -> CollectionOut:
    return collection_out(request, collections.create_collection(db(request), policy(request), current_viewer(request),
                                                       given.name, given.description, given.public))


@api.patch("/me/collections/{collection_id}", response_model=CollectionOut,
           summary="Rename, describe, or make public / private one's collection")
def change(request: Request, collection_id: int, given: CollectionChange) -> CollectionOut:
    return collection_out(request, collections.update_collection(
        db(request), policy(request), current_viewer(request), collection_id, name=given.name,
        description=given.description, is_public=given.public))


@api.delete("/me/collections/{collection_id}", status_code=204, response_class=Response,
            summary="Delete one's collection")
def delete(request: Request, collection_id: int) -> Response:
    collections.delete_collection(db(request), policy(request), current_viewer(request), collection_id)
    return Response(status_code=204)


@api.post("/me/collections/{collection_id}/items", response_model=ItemOut, status_code=201,
          summary="Add a paper at the end of one's collection")
def add_item(request: Request, collection_id: int, given: ItemIn) -> ItemOut:
    stored = find_paper(request, given.paper)
    member = current_viewer(request)
    position = collections.add_item(db(request), policy(request), member, collection_id, stored.doc_id, given.note)
    return ItemOut(position=position, paper=paper_out(get_settings(request), stored), note=given.note or None,
                   added_at=utc_now())


@api.patch("/me/collections/{collection_id}/items/{paper_id:path}", status_code=204, response_class=Response,
           summary="Move a paper in one's collection, or change its note")
def change_item(request: Request, collection_id: int, paper_id: PaperId, given: ItemChange) -> Response:
    stored = find_paper(request, paper_id)
    member = current_viewer(request)
    if given.note is not None:
        collections.set_item_note(db(request), policy(request), member, collection_id, stored.doc_id, given.note)
    if given.position is not None:
        collections.move_item(db(request), policy(request), member, collection_id, stored.doc_id, given.position)
    return Response(status_code=204)


@api.delete("/me/collections/{collection_id}/items/{paper_id:path}", status_code=204, response_class=Response,
            summary="Take a paper out of one's collection")
def remove_item(request: Request, collection_id: int, paper_id: PaperId) -> Response:
    stored = find_paper(request, paper_id)
    collections.remove_item(db(request), policy(request), current_viewer(request), collection_id, stored.doc_id)
    return Response(status_code=204)


@api.get("/users/{owner}/collections", response_model=CollectionList, summary="A member's public collections")
def public_list(request: Request, owner: Owner) -> CollectionList:
    member = member_by_username(db(request), owner)
    if member is None:
        raise NotFound("no such member")
    found = collections.public_collections(db(request), member.id)
    return CollectionList(items=[collection_out(request, c) for c in found])


@api.get("/users/{owner}/collections/{slug}", response_model=CollectionItems,
         summary="A collection and its papers in order (public, or one's own)")
def one(request: Request, owner: Owner, slug: Slug) -> CollectionItems:
    return _with_items(request, *_readable(request, owner, slug))
