"""The Paper record every source produces and the catalog stores.

Pure: no I/O. Parsers build Papers with :func:`make_paper`, which normalises ids,
splits categories from MSC/ACM class strings, finds code links and derives the
stable id, so every source agrees on what a paper looks like.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable

from paperwire.text import Piece, as_plain, pieces

# New style: 0704.0001, 1501.00001 (4 or 5 digits after the dot), optional vN.
_NEW_ID = re.compile(r"^(\d{4}\.\d{4,5})(?:v(\d+))?$")
# Old style: hep-th/9901001, math.GT/0309136, optional vN.
_OLD_ID = re.compile(r"^([a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v(\d+))?$", re.IGNORECASE)
_ID_PREFIXES = re.compile(
    r"^(?:arxiv:|oai:arxiv\.org:|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)",
    re.IGNORECASE,
)
# An arXiv category: cs.CL, astro-ph.GA, hep-th, math-ph, q-bio.NC, stat.ML.
_CATEGORY = re.compile(r"^[a-z][a-z\-]*(?:\.[A-Za-z\-]{2,})?$")
_CODE_LINK = re.compile(
    # The look-behind lets "name.github.io" start only at a word's start (no quadratic backtracking).
    r"""(?:https?://)?(?:www\.)?(?:github\.com|gitlab\.com|huggingface\.co|(?<![\w\-.])[\w\-]+\.github\.io)"""
    r"""(?:/[^\s<>"'\)\]\},;]*)?""",
    re.IGNORECASE,
)
# A link never spans white space, so the link pattern only runs on words naming a code host.
_CODE_HOSTS = ("github", "gitlab", "huggingface")
# Punctuation, symbols, combining accents (not \w) and "_": what title_key drops.
_NOT_WORD = re.compile(r"[^\w\s]|_")
# Zero-width (non-)joiners hold emoji and Indic script together: not noise.
_JOINERS = "\u200c\u200d"


class InvalidPaper(ValueError):
    """A record that cannot become a Paper (no title, bad id, ...)."""


def parse_arxiv_id(raw: str) -> tuple[str, int | None]:
    """Split an arXiv identifier into (canonical id, version or None).

    Accepts ``2601.01234v2``, ``arXiv:2601.01234``, ``hep-th/9901001v1``,
    ``oai:arXiv.org:hep-th/9901001`` and abs/pdf URLs.
    """
    text = _ID_PREFIXES.sub("", (raw or "").strip())
    text = text.removesuffix(".pdf")
    for pattern in (_NEW_ID, _OLD_ID):
        match = pattern.match(text)
        if match:
            canonical = match.group(1)
            if pattern is _OLD_ID:
                archive, number = canonical.split("/")
                canonical = f"{archive.lower() if '.' not in archive else _old_archive(archive)}/{number}"
            return canonical, int(match.group(2)) if match.group(2) else None
    raise InvalidPaper(f"not an arXiv identifier: {raw[:80]!r}")


def _old_archive(archive: str) -> str:
    # math.GT keeps its upper-case subject class; the archive part is lower case.
    group, subject = archive.split(".", 1)
    return f"{group.lower()}.{subject.upper()}"


def clean_text(text: str | None) -> str:
    """Display form: NFC, no control characters, line breaks and runs of spaces folded."""
    if not text:
        return ""
    if text.isascii():  # nearly every record: NFC already, and only line breaks to fold (~5 us, not ~25)
        joined = text.replace("\n", " ")
        if joined.isprintable() and "  " not in joined:  # so its only whitespace is single spaces
            return joined.strip()
    # str.split() folds exactly what \s+ matches, about four times sooner than the regex.
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if not text.isprintable():  # rare: only then pay for a per-character pass
        text = " ".join("".join(ch if ch.isprintable() or ch in _JOINERS else " " for ch in text).split())
    return text


def title_key(title: str) -> str:
    """What two spellings of one title share: case, accents, punctuation and spacing removed."""
    text = _NOT_WORD.sub("", unicodedata.normalize("NFKD", title or "").casefold())
    return " ".join(text.split())


def title_id(title: str) -> str:
    """Stable id for a paper with no arXiv id, derived from its normalised title."""
    key = title_key(title)
    if not key:
        raise InvalidPaper("a paper needs a title")
    return "pw-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def split_categories(values: Iterable[str]) -> tuple[list[str], list[str]]:
    """Separate arXiv categories from MSC/ACM class strings, keeping order, no repeats."""
    categories: list[str] = []
    classes: list[str] = []
    for value in values:
        for part in (value or "").split() if _looks_like_category_list(value) else [value or ""]:
            part = part.strip()
            if not part:
                continue
            target = categories if _CATEGORY.match(part) else classes
            if part not in target:
                target.append(part)
    return categories, classes


def _looks_like_category_list(value: str | None) -> bool:
    # "cs.CL cs.LG" (Kaggle, OAI) is a list; "68T45, 62H30" or "I.5.3; I.2.10" are one class string.
    return bool(value) and all(_CATEGORY.match(p) for p in value.split())


def find_code_links(*texts: str | None) -> list[str]:
    """Links to code or project pages (github, gitlab, huggingface, *.github.io) in free text."""
    links: list[str] = []
    words = [word for text in texts if text and _names_code_host(text.lower())
             for word in text.split() if _names_code_host(word.lower())]
    for word in words:
        for match in _CODE_LINK.finditer(word):
            url = match.group(0).rstrip(".:")
            if not url.lower().startswith("http"):
                url = "https://" + url
            if url not in links:
                links.append(url)
    return links


def _names_code_host(lowered: str) -> bool:
    return any(host in lowered for host in _CODE_HOSTS)


def abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def pdf_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/pdf/{arxiv_id}"


@dataclass(frozen=True)
class Paper:
    """One paper as the catalog knows it. ``id`` is the arXiv id (no version) or a title id."""

    id: str
    title: str
    abstract: str = ""
    arxiv_id: str | None = None
    version: int | None = None  # latest version known
    updated_date: date | None = None  # date of that version
    published_date: date | None = None  # date of version 1
    listing_date: date | None = None  # the day it was announced / listed
    authors: tuple[str, ...] = ()
    authors_parsed: tuple[tuple[str, ...], ...] = ()  # (last, first, suffix) where given
    primary_category: str | None = None
    categories: tuple[str, ...] = ()  # arXiv categories, primary first
    classes: tuple[str, ...] = ()  # MSC / ACM class strings
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    license: str | None = None
    code_links: tuple[str, ...] = ()
    upvotes: int = 0  # as reported by the source (Hugging Face), not local votes
    extra: dict[str, Any] = field(default_factory=dict)  # source-specific (ai_summary, submitter...)
    source: str = ""  # the format it was read from

    # Plain text for feeds, JSON, e-mail and the terminal: TeX text macros resolved
    # (\emph{x} is x, \% is %), math spans kept as typed. Pages render the TeX fields.
    # Worked out once per record: an API page of 50 papers reads each several times.
    @functools.cached_property
    def display_title(self) -> str:
        return as_plain(self.title_pieces)

    @functools.cached_property
    def display_abstract(self) -> str:
        return as_plain(self.abstract_pieces)

    # The texts as read once (paperwire.text): the plain forms above and search's highlighted
    # titles and snippets are all made from them, so a hit's abstract is read once, not twice.
    @functools.cached_property
    def title_pieces(self) -> tuple[Piece, ...]:
        return tuple(pieces(clean_text(self.title)))

    @functools.cached_property
    def abstract_pieces(self) -> tuple[Piece, ...]:
        return tuple(pieces(clean_text(self.abstract)))

    def extra_text(self, key: str) -> str | None:
        """A source's text field kept in ``extra`` (ai_summary, submitted_by), None unless non-empty text."""
        value = self.extra.get(key)
        return value if isinstance(value, str) and value else None

    @property
    def source_submitter(self) -> str | None:
        """Who put the paper on its source's daily list (a Hugging Face user name), where it says."""
        return self.extra_text("submitted_by")

    @property
    def abs_url(self) -> str | None:
        return abs_url(self.arxiv_id) if self.arxiv_id else None

    @property
    def pdf_url(self) -> str | None:
        return pdf_url(self.arxiv_id) if self.arxiv_id else None

    @functools.cached_property
    def title_key(self) -> str:
        return title_key(self.title)

    def freshness(self) -> tuple[int, date]:
        """Order of versions: a record replaces another only if this is greater."""
        return (self.version or 0, self.updated_date or date.min)


@dataclass(frozen=True)
class DeletedRecord:
    """A source says this paper no longer exists (OAI-PMH ``status="deleted"``)."""

    arxiv_id: str
    datestamp: date | None = None


@dataclass(frozen=True)
class BadRecord:
    """A record a parser could not read; ``where`` names file position (line, record n)."""

    where: str
    reason: str


def make_paper(
    *,
    title: str | None,
    arxiv_id: str | None = None,
    abstract: str | None = None,
    categories: Iterable[str] = (),
    primary_category: str | None = None,
    authors: Iterable[str] = (),
    authors_parsed: Iterable[Iterable[str]] = (),
    comment: str | None = None,
    code_links: Iterable[str] = (),
    local_id: str | None = None,
    **fields: Any,
) -> Paper:
    """Build a Paper from whatever a source gives, normalising as every source must.

    ``arxiv_id`` may carry a version (``2601.01234v3``); it wins over a ``version`` field
    only when that field is absent. ``local_id`` is a source's own id for a paper with no
    arXiv id (``beir:4983``); without either, the id derives from the title.
    """
    title = (title or "").strip()
    if not clean_text(title):
        raise InvalidPaper("missing title")
    version = fields.pop("version", None)
    if arxiv_id:
        canonical, id_version = parse_arxiv_id(arxiv_id)
        version = version or id_version
        paper_id = canonical
    else:
        canonical, paper_id = None, local_id or title_id(title)
    cats, classes = split_categories(categories)
    primary = primary_category if primary_category else (cats[0] if cats else None)
    if primary and primary not in cats and _CATEGORY.match(primary):
        cats.insert(0, primary)
    elif primary in cats:
        cats.remove(primary)
        cats.insert(0, primary)
    abstract = (abstract or "").strip()
    comment = clean_text(comment) or None
    links = list(code_links)
    links += [u for u in find_code_links(abstract, comment) if u not in links]
    return Paper(
        id=paper_id,
        arxiv_id=canonical,
        version=version,
        title=title,
        abstract=abstract,
        authors=tuple(a for a in (clean_text(a) for a in authors) if a),
        authors_parsed=tuple(tuple(p) for p in authors_parsed),
        primary_category=primary,
        categories=tuple(cats),
        classes=tuple(classes),
        comment=comment,
        code_links=tuple(links),
        **fields,
    )


_MERGE_SKIP = {"id", "arxiv_id", "version", "updated_date", "extra", "source"}


def merge(existing: Paper, incoming: Paper) -> Paper:
    """What the catalog should hold after ``incoming`` arrives for ``existing``.

    A newer version replaces an older one (fields it lacks are kept from the older);
    an older or equal version never overwrites, it only fills fields still empty. The
    first-version date is the earliest seen. Merging the same record twice changes nothing.
    """
    newer, older = (incoming, existing) if _rank(incoming) > _rank(existing) else (existing, incoming)
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(Paper):
        name = f.name
        if name in _MERGE_SKIP:
            continue
        value = getattr(newer, name)
        if _is_empty(value) and not _is_empty(getattr(older, name)):
            changes[name] = getattr(older, name)
    dates = [d for d in (existing.published_date, incoming.published_date) if d]
    if dates:
        changes["published_date"] = min(dates)
    changes["upvotes"] = max(existing.upvotes, incoming.upvotes)
    changes["extra"] = {**older.extra, **newer.extra}
    merged = dataclasses.replace(newer, **changes)
    return existing if merged == existing else merged


def _rank(paper: Paper) -> tuple[bool, tuple[int, date]]:
    # An arXiv record always outranks a title-only one (a page capture) it absorbs.
    return (paper.arxiv_id is not None, paper.freshness())


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == () or value == {} or value == 0
