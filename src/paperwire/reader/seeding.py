"""Seeding a library from references: each one looked up in the catalog (by arXiv id, else DOI,
else its exact title, folded), the papers found saved to the member's library, the others
reported with the reason."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select

from paperwire.accounts.members import Member
from paperwire.community import library
from paperwire.community.rules import Policy
from paperwire.paper import title_key
from paperwire.reader.references import Problem, Reference, ReferenceList
from paperwire.store.catalog import StoredPaper, row_to_stored
from paperwire.store.schema import papers

_LOOKUP_BATCH = 500  # ids per IN (...) query


@dataclass(frozen=True)
class Found:
    reference: Reference
    paper: StoredPaper
    by: str  # "arXiv id", "DOI" or "title"


@dataclass(frozen=True)
class SeedReport:
    saved: list[Found] = field(default_factory=list)  # one per paper, in the order given
    not_found: list[Problem] = field(default_factory=list)  # references the catalog lacks, and why
    unreadable: list[Problem] = field(default_factory=list)  # what the file's reader could not use


def seed_library(db: Engine, policy: Policy, viewer: Member | None, given: ReferenceList) -> SeedReport:
    """Save every paper of ``given`` that the catalog holds to the viewer's library."""
    member = policy.require_member(viewer)
    refs = given.references
    by_arxiv = _lookup(db, papers.c.arxiv_id, {r.arxiv_id for r in refs if r.arxiv_id})
    by_doi = _lookup(db, func.lower(papers.c.doi), {r.doi for r in refs if r.doi})
    by_title = _lookup(db, papers.c.title_key, {title_key(r.title) for r in refs if r.title})
    saved: dict[int, Found] = {}
    not_found: list[Problem] = []
    for ref in refs:
        match = ((by_arxiv.get(ref.arxiv_id), "arXiv id"), (by_doi.get(ref.doi), "DOI"),
                 (by_title.get(title_key(ref.title or "")), "title"))
        paper, by = next(((p, how) for p, how in match if p is not None), (None, ""))
        if paper is None:
            not_found.append(Problem(ref.described, _why_missing(ref)))
        elif paper.doc_id not in saved:
            library.save(db, policy, member, paper.doc_id)
            saved[paper.doc_id] = Found(ref, paper, by)
    return SeedReport(list(saved.values()), not_found, given.problems)


def _why_missing(ref: Reference) -> str:
    if ref.arxiv_id:
        return f"arXiv {ref.arxiv_id} is not in this catalog"
    looked_for = " or ".join(what for what, present in (("DOI", ref.doi), ("title", ref.title)) if present)
    return f"no arXiv id, and no paper here has this {looked_for}"


def _lookup(db: Engine, column, keys: set[str]) -> dict[str, StoredPaper]:
    """The live papers whose ``column`` is one of ``keys``, by that key."""
    keys = [k for k in keys if k]
    found: dict[str, StoredPaper] = {}
    with db.connect() as conn:
        for start in range(0, len(keys), _LOOKUP_BATCH):
            batch = keys[start:start + _LOOKUP_BATCH]
            query = (select(papers, column.label("lookup_key"))
                     .where(column.in_(batch), papers.c.deleted.is_(False)).order_by(papers.c.doc_id))
            for row in conn.execute(query):
                found.setdefault(row.lookup_key, row_to_stored(row))
    return found
