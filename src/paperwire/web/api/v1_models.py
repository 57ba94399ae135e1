"""Response models of the native JSON API (/api/v1), and their construction from catalog records.

The models document the API: their field descriptions and examples are what /openapi.json shows.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from paperwire.community.submissions import Submission
from paperwire.config import Settings
from paperwire.links import paper_url
from paperwire.store.catalog import StoredPaper
from paperwire.web.api.common import extra_words, submitter


class PaperOut(BaseModel):
    """One paper as the catalog holds it, with the community's numbers and its links."""

    id: str = Field(description="paperwire id: the arXiv id without version, or pw-... for papers without one.",
                    examples=["2607.01234"])
    arxiv_id: str | None = Field(description="arXiv identifier (no version), when the paper has one.",
                                 examples=["2607.01234"])
    version: int | None = Field(description="Latest arXiv version known.", examples=[2])
    title: str = Field(description="Title as the source gave it (may hold TeX math: $...$).",
                       examples=["Matryoshka Representation Learning"])
    abstract: str = Field(description="Abstract as the source gave it (may hold TeX math).")
    authors: list[str] = Field(description="Author names in byline order.", examples=[["Aditya Kusupati", "Ali Farhadi"]])
    primary_category: str | None = Field(description="arXiv primary category.", examples=["cs.LG"])
    categories: list[str] = Field(description="arXiv categories, primary first.", examples=[["cs.LG", "cs.CV"]])
    published_date: date | None = Field(description="Date of version 1.", examples=["2026-06-29"])
    updated_date: date | None = Field(description="Date of the latest version.", examples=["2026-07-01"])
    listing_date: date | None = Field(description="Day the paper was announced (the day it appears under).",
                                      examples=["2026-07-01"])
    comment: str | None = Field(description="Authors' comment (pages, venue, code link).",
                                examples=["NeurIPS 2026; code at https://github.com/example/mrl"])
    journal_ref: str | None = Field(description="Journal reference, once published.")
    doi: str | None = Field(description="DOI of the published version.")
    license: str | None = Field(description="License URL given by arXiv.")
    code_links: list[str] = Field(description="Code and project pages found in the record.",
                                  examples=[["https://github.com/example/mrl"]])
    upvotes: int = Field(description="Upvotes on this site.", examples=[40])
    source_upvotes: int = Field(0, description="Upvotes the imported source carries (Hugging Face's own count), "
                                              "kept apart from this site's.", examples=[112])
    num_comments: int = Field(description="Comments on this site.", examples=[3])
    ai_summary: str | None = Field(None, description="One-sentence summary, where the source provided one.")
    ai_keywords: list[str] = Field(default_factory=list, description="Keywords, where the source provided them.")
    submitted_by: str | None = Field(None, description="Member who put the paper on the daily list (here, or on "
                                                       "the source it was imported from).")
    submission_comment: str | None = Field(None, description="The submitter's one-line comment.")
    url: str = Field(description="The paper's page on this site (stable; feeds use it as guid).",
                     examples=["http://127.0.0.1:8000/papers/2607.01234"])
    abs_url: str | None = Field(description="arXiv abstract page.", examples=["https://arxiv.org/abs/2607.01234"])
    pdf_url: str | None = Field(description="arXiv PDF.", examples=["https://arxiv.org/pdf/2607.01234"])


class PageLinks(BaseModel):
    total: int = Field(description="Number of results in all pages.", examples=[137])
    limit: int = Field(description="Page size asked for.", examples=[20])
    offset: int = Field(description="Position of this page's first item among all results.", examples=[0])
    next: str | None = Field(description="URL of the next page; null on the last page.",
                             examples=["http://127.0.0.1:8000/api/v1/search?q=attention&limit=20&offset=20"])
    previous: str | None = Field(description="URL of the previous page; null on the first page.", examples=[None])


class PaperPage(PageLinks):
    """A page of papers. Order is stable: ties are broken by catalog position, so pages never overlap."""

    items: list[PaperOut]


class PeriodOut(BaseModel):
    kind: str = Field(description="day, week or month.", examples=["day"])
    start: date = Field(description="First day (included).", examples=["2026-07-01"])
    end: date = Field(description="Last day (included).", examples=["2026-07-01"])
    previous_date: date | None = Field(description="Nearest earlier day with papers.", examples=["2026-06-30"])
    next_date: date | None = Field(description="Nearest later day with papers.", examples=[None])


class PeriodPage(PaperPage):
    """The papers of a day, ISO week or month."""

    period: PeriodOut | None = Field(description="The period shown; null when the catalog is empty.")


class HitOut(BaseModel):
    paper: PaperOut
    score: float = Field(description="Relevance score (larger is better); comparable only within one response.",
                         examples=[0.0328])
    title_html: str = Field(description="Title as safe HTML with the query's words in <mark>.")
    snippet_html: str = Field(description="Abstract excerpt as safe HTML with the query's words in <mark>.")


class HitPage(PageLinks):
    """A page of search results."""

    query: str = Field(description="The query as understood.", examples=["embedding dimension"])
    matched_words: bool = Field(description=(
        "false when no paper holds any of the query's words: the items are then the papers closest in meaning "
        "(at most 20). Keyword mode then has no items; semantic mode does not look at words (always true)."),
        examples=[True])
    items: list[HitOut]


class SimilarOut(BaseModel):
    """Papers closest in meaning to one paper, closest first."""

    paper_id: str = Field(examples=["2607.01234"])
    items: list[HitOut]


class CategoryOut(BaseModel):
    name: str = Field(description="arXiv category.", examples=["cs.CL"])
    count: int = Field(description="Papers in it, cross-lists included.", examples=[1204])
    papers_url: str = Field(description="API URL of its papers.", examples=["/api/v1/categories/cs.CL/papers"])


class CategoryList(BaseModel):
    """Every category with papers, largest first."""

    items: list[CategoryOut]


def paper_out(settings: Settings, stored: StoredPaper, submission: Submission | None = None) -> PaperOut:
    """``submission``: the paper's submission to this site's daily list, when it has one."""
    paper = stored.paper
    return PaperOut(
        id=paper.id, arxiv_id=paper.arxiv_id, version=paper.version, title=paper.display_title,
        abstract=paper.display_abstract, authors=list(paper.authors), primary_category=paper.primary_category,
        categories=list(paper.categories), published_date=paper.published_date, updated_date=paper.updated_date,
        listing_date=paper.listing_date, comment=paper.comment, journal_ref=paper.journal_ref, doi=paper.doi,
        license=paper.license, code_links=list(paper.code_links), upvotes=stored.votes,
        source_upvotes=paper.upvotes, num_comments=stored.num_comments, ai_summary=paper.extra_text("ai_summary"),
        ai_keywords=extra_words(paper, "ai_keywords"),
        submitted_by=submitter(paper, submission),
        submission_comment=submission.comment if submission else None,
        url=paper_url(settings, paper.id), abs_url=paper.abs_url, pdf_url=paper.pdf_url,
    )


def hit_out(settings: Settings, hit, submission: Submission | None = None) -> HitOut:
    """From a paperwire.search Hit."""
    return HitOut(paper=paper_out(settings, hit.paper, submission), score=float(hit.score),
                  title_html=str(hit.title_html), snippet_html=str(hit.snippet_html))
