"""Comments: the paper page's thread forms (comment, reply, edit, delete, report; hide and
restore for moderators) and the same operations as JSON.

Every form works without JavaScript: it POSTs, and the answer is a 303 back to the comment
on the paper page. The thread itself is rendered by the paper page (see paper_page.py).
"""

from __future__ import annotations

from datetime import datetime

from fastapi import Form, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from paperwire.community import comments
from paperwire.community.comments import Comment
from paperwire.web.api.common import find_paper
from paperwire.web.api.v1 import PaperId
from paperwire.web.auth.viewer import current_viewer
from paperwire.web.community.common import api_router, back, back_to_paper, counted_viewer, db, page_router, policy

pages = page_router()
api = api_router("comments")


def comment_anchor(comment_id: int) -> str:
    return f"#comment-{comment_id}"


# ---- forms on the paper page ------------------------------------------------------------

@pages.post("/papers/{paper_id:path}/comments")
def comment_form(request: Request, paper_id: str, body: str = Form(""), parent: int | None = Form(None),
                 next: str = Form("")) -> Response:
    stored = find_paper(request, paper_id)
    made = comments.add_comment(db(request), policy(request), counted_viewer(request, "comment"), stored.doc_id, body,
                                parent)
    return back_to_paper(next, stored.paper.id, comment_anchor(made.id))


# The forms below are on the paper page (or the moderation page): ``next`` is where they go back to.

@pages.post("/comments/{comment_id}/edit")
def edit_form(request: Request, comment_id: int, body: str = Form(""), next: str = Form("")) -> Response:
    comments.edit_comment(db(request), policy(request), current_viewer(request), comment_id, body)
    return back(next, anchor=comment_anchor(comment_id))


@pages.post("/comments/{comment_id}/delete")
def delete_form(request: Request, comment_id: int, next: str = Form("")) -> Response:
    comments.delete_comment(db(request), policy(request), current_viewer(request), comment_id)
    return back(next, anchor="#comments")


@pages.post("/comments/{comment_id}/report")
def report_form(request: Request, comment_id: int, reason: str = Form(""), next: str = Form("")) -> Response:
    comments.report_comment(db(request), policy(request), current_viewer(request), comment_id, reason)
    return back(next, anchor=comment_anchor(comment_id), done="reported")


@pages.post("/comments/{comment_id}/hide")
def hide_form(request: Request, comment_id: int, reason: str = Form(""), next: str = Form("")) -> Response:
    comments.hide_comment(db(request), policy(request), current_viewer(request), comment_id, reason)
    return back(next, anchor=comment_anchor(comment_id))


@pages.post("/comments/{comment_id}/restore")
def restore_form(request: Request, comment_id: int, reason: str = Form(""), next: str = Form("")) -> Response:
    comments.restore_comment(db(request), policy(request), current_viewer(request), comment_id, reason)
    return back(next, anchor=comment_anchor(comment_id))


# ---- JSON -------------------------------------------------------------------------------

class CommentIn(BaseModel):
    body: str = Field(description="Markdown; math as $...$ or $$...$$. Raw HTML is shown as text.",
                      examples=["Table 2 is the **key** result: $O(n \\log n)$."])
    parent: int | None = Field(None, description="The comment this replies to; null for a new thread.")


class CommentEdit(BaseModel):
    body: str = Field(description="The new Markdown text; the comment is then marked as edited.")


class Reason(BaseModel):
    reason: str = Field("", description="Why (one line); required for a report.", examples=["spam"])


class CommentOut(BaseModel):
    id: int
    parent: int | None = Field(description="The comment this replies to; null at the top of a thread.")
    author: str | None = Field(description="Username; null for a deleted comment or a deleted account.")
    body: str = Field(description="The Markdown as written; empty where it is not shown.")
    body_html: str = Field(description="The Markdown rendered as safe HTML (math as MathML).")
    created_at: datetime
    edited_at: datetime | None = Field(description="When its author last changed it; null if never.")
    deleted: bool = Field(description="Deleted by its author; kept in the thread for its replies.")
    hidden: bool = Field(description="Hidden by a moderator (only moderators see its text).")
    mine: bool = Field(description="Written by the member asking (who may edit or delete it).")
    replies: list["CommentOut"] = Field(description="Replies, oldest first.")


class ThreadOut(BaseModel):
    paper: str = Field(examples=["2607.01234"])
    num_comments: int = Field(description="Comments readers see on the paper.", examples=[4])
    items: list[CommentOut] = Field(description="Top-level comments, oldest first, each with its replies.")


def comment_out(comment: Comment) -> CommentOut:
    return CommentOut(id=comment.id, parent=comment.parent_id, author=comment.author, body=comment.body,
                      body_html=comment.body_html, created_at=comment.created_at, edited_at=comment.edited_at,
                      deleted=comment.deleted, hidden=comment.hidden, mine=comment.mine,
                      replies=[comment_out(reply) for reply in comment.replies])


@api.get("/papers/{paper_id:path}/comments", response_model=ThreadOut, summary="A paper's comments, threaded")
def thread(request: Request, paper_id: PaperId) -> ThreadOut:
    stored = find_paper(request, paper_id)
    items = comments.thread(db(request), policy(request), current_viewer(request), stored.doc_id)
    return ThreadOut(paper=stored.paper.id, num_comments=stored.num_comments, items=[comment_out(c) for c in items])


@api.post("/papers/{paper_id:path}/comments", response_model=CommentOut, status_code=201,
          summary="Comment on a paper, or reply to a comment")
def add(request: Request, paper_id: PaperId, given: CommentIn) -> CommentOut:
    stored = find_paper(request, paper_id)
    made = comments.add_comment(db(request), policy(request), counted_viewer(request, "comment"), stored.doc_id,
                                given.body, given.parent)
    return comment_out(made)


@api.patch("/comments/{comment_id}", response_model=CommentOut, summary="Edit one's own comment")
def edit(request: Request, comment_id: int, given: CommentEdit) -> CommentOut:
    return comment_out(comments.edit_comment(db(request), policy(request), current_viewer(request), comment_id,
                                             given.body))


@api.delete("/comments/{comment_id}", status_code=204, response_class=Response, summary="Delete one's own comment")
def delete(request: Request, comment_id: int) -> Response:
    comments.delete_comment(db(request), policy(request), current_viewer(request), comment_id)
    return Response(status_code=204)


@api.post("/comments/{comment_id}/report", status_code=204, response_class=Response,
          summary="Ask the moderators to look at a comment")
def report(request: Request, comment_id: int, given: Reason) -> Response:
    comments.report_comment(db(request), policy(request), current_viewer(request), comment_id, given.reason)
    return Response(status_code=204)


@api.post("/comments/{comment_id}/hide", status_code=204, response_class=Response,
          summary="Hide a comment from everyone but moderators (moderators)")
def hide(request: Request, comment_id: int, given: Reason) -> Response:
    comments.hide_comment(db(request), policy(request), current_viewer(request), comment_id, given.reason)
    return Response(status_code=204)


@api.post("/comments/{comment_id}/restore", status_code=204, response_class=Response,
          summary="Show a hidden comment again (moderators)")
def restore(request: Request, comment_id: int, given: Reason) -> Response:
    comments.restore_comment(db(request), policy(request), current_viewer(request), comment_id, given.reason)
    return Response(status_code=204)
