"""Citation exports: BibTeX and RIS text for papers, as Zotero and reference managers import them.

Pure functions of Paper records (a StoredPaper is accepted too). BibTeX values are
written back as TeX from what the text reader understood (paperwire.text): styling as
\\emph / \\textbf ..., math spans as typed, every other special character escaped, so any
title or abstract stays a valid, brace-balanced field; non-ASCII text is kept as UTF-8,
which Zotero, biber and modern bibtex read. RIS holds plain text.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Iterable

from fastapi import APIRouter, Request
from starlette.responses import Response

from paperwire.config import Settings
from paperwire.links import paper_url
from paperwire.paper import Paper, clean_text
from paperwire.text import pieces, plain_text
from paperwire.text.tex import nest
from paperwire.web.api.common import JsonErrorRoute, find_paper
from paperwire.web.deps import get_settings

BIBTEX_MEDIA_TYPE = "application/x-bibtex; charset=utf-8"
RIS_MEDIA_TYPE = "application/x-research-info-systems; charset=utf-8"

# One pass over the characters so an escape is never escaped again.
_BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "_": r"\_",
    "#": r"\#",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\u00a0": "~",  # TeX's own spaces, as the reader found them
    "\u2009": r"\,",
}
_BIBTEX_STYLES = {"em": "emph", "strong": "textbf", "code": "texttt", "sc": "textsc", "u": "underline",
                  "sup": "textsuperscript", "sub": "textsubscript"}
# Words a citation key skips to reach the first meaningful title word (as Google Scholar does).
_KEY_STOPWORDS = {"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "at", "by", "from", "is", "are"}
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_AND_WORD = re.compile(r"\band\b", re.IGNORECASE)


def _as_paper(item) -> Paper:
    return getattr(item, "paper", item)


def bibtex_escape(text: str | None) -> str:
    """``text`` on one line with every BibTeX special character escaped: for ids, DOIs and URLs."""
    return _escaped(clean_text(text))


def bibtex_tex(text: str | None) -> str:
    """``text`` (TeX source) on one line as TeX that is safe in a BibTeX field; non-ASCII kept.

    Styling stays TeX (``\\emph{...}``) and so do math spans (``$x^2$``), which LaTeX
    typesets and Zotero keeps, as long as their braces balance; every other character is
    escaped, so a macro the reader did not know shows as its name (``\\textbackslash{}method``).
    """
    parts = []
    for event, value in nest(pieces(clean_text(text))):
        if event == "open":
            parts.append(f"\\{_BIBTEX_STYLES[value]}{{")
        elif event == "close":
            parts.append("}")
        elif value.math is not None and _safe_in_field(value.math.tex):
            parts.append(f"${value.math.tex}$")
        else:
            parts.append(_escaped(value.text))
    return "".join(parts)


def _escaped(text: str) -> str:
    return "".join(_BIBTEX_ESCAPES.get(ch, ch) for ch in text)


def _safe_in_field(tex: str) -> bool:
    # A field must stay brace-balanced, and % would comment out the rest of a LaTeX line.
    depth = 0
    for position, ch in enumerate(tex):
        escaped = position > 0 and tex[position - 1] == "\\"
        if ch == "{" and not escaped:
            depth += 1
        elif ch == "}" and not escaped:
            depth -= 1
            if depth < 0:
                return False
        elif ch == "%" and not escaped:
            return False
    return depth == 0


def _ascii_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return _ASCII_WORD.findall(folded)


def _last_name(paper: Paper) -> str:
    if paper.authors_parsed and paper.authors_parsed[0] and paper.authors_parsed[0][0]:
        return paper.authors_parsed[0][0]
    if not paper.authors:
        return ""
    name = paper.authors[0]
    return name.split(",")[0] if "," in name else name.split()[-1]


def paper_year(paper: Paper) -> int | None:
    day = paper.published_date or paper.listing_date or paper.updated_date
    return day.year if day else None


def citation_key(paper) -> str:
    """``lastname + year + first title word``, ASCII lower case: ``vaswani2017attention``.

    Depends only on the paper's first author, year and title, so it is stable across
    exports. Missing parts are left out; a paper with none of them gets ``paper``.
    """
    paper = _as_paper(paper)
    last = "".join(_ascii_words(_last_name(paper)))
    year = paper_year(paper)
    words = [w for w in _ascii_words(paper.title) if w not in _KEY_STOPWORDS]
    key = f"{last}{year or ''}{words[0] if words else ''}"
    return key or "paper"


def _unique_keys(papers: list[Paper]) -> list[str]:
    """Citation keys with a, b, c... appended where two papers of one export share a key."""
    keys = [citation_key(p) for p in papers]
    seen: dict[str, int] = {}
    unique: list[str] = []
    for key in keys:
        count = seen.get(key, 0)
        seen[key] = count + 1
        unique.append(key if count == 0 and keys.count(key) == 1 else f"{key}{_suffix(count)}")
    return unique


def _suffix(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _bibtex_name(paper: Paper, position: int) -> str:
    """``Last, First`` where the source split the name, else the name as given."""
    if position < len(paper.authors_parsed):
        parts = [clean_text(p) for p in paper.authors_parsed[position]]
        last, first, suffix = (parts + ["", "", ""])[:3]
        if last:
            name = ", ".join(p for p in (last, suffix, first) if p) if suffix else ", ".join(p for p in (last, first) if p)
            return bibtex_tex(name)
    name = bibtex_tex(paper.authors[position])
    # A name containing the word "and" (a collaboration) is braced so BibTeX keeps it whole.
    return f"{{{name}}}" if _AND_WORD.search(name) else name


def bibtex(paper, *, key: str | None = None, url: str | None = None) -> str:
    """One ``@misc`` BibTeX entry in arXiv's style (eprint, archivePrefix, primaryClass).

    ``url`` defaults to the arXiv abstract page; pass the site's page for papers without
    an arXiv id.
    """
    paper = _as_paper(paper)
    fields: list[tuple[str, str]] = [("title", bibtex_tex(paper.title))]
    if paper.authors:
        fields.append(("author", " and ".join(_bibtex_name(paper, i) for i in range(len(paper.authors)))))
    year = paper_year(paper)
    if year:
        fields.append(("year", str(year)))
    if paper.arxiv_id:
        fields += [("eprint", bibtex_escape(paper.arxiv_id)), ("archivePrefix", "arXiv")]
        if paper.primary_category:
            fields.append(("primaryClass", bibtex_escape(paper.primary_category)))
    if paper.doi:
        fields.append(("doi", bibtex_escape(paper.doi)))
    if paper.journal_ref:
        fields.append(("howpublished", bibtex_tex(paper.journal_ref)))
    if paper.comment:
        fields.append(("note", bibtex_tex(paper.comment)))
    link = url or paper.abs_url
    if link:
        fields.append(("url", bibtex_escape(link)))
    if paper.abstract:
        fields.append(("abstract", bibtex_tex(paper.abstract)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key or citation_key(paper)},\n{body}\n}}\n"


def bibtex_many(papers: Iterable, *, urls: Iterable[str | None] | None = None) -> str:
    """Entries for several papers, blank-line separated, keys made unique within the file."""
    items = [_as_paper(p) for p in papers]
    links = list(urls) if urls is not None else [None] * len(items)
    return "\n".join(bibtex(p, key=k, url=u) for p, k, u in zip(items, _unique_keys(items), links))


def _ris_line(tag: str, value: str | None) -> str | None:
    text = clean_text(value)
    return f"{tag}  - {text}" if text else None


def _ris_date(day: date) -> str:
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"


def _ris_author(paper: Paper, position: int) -> str:
    if position < len(paper.authors_parsed):
        parts = [clean_text(p) for p in paper.authors_parsed[position]]
        last, first, suffix = (parts + ["", "", ""])[:3]
        if last:
            return ", ".join(p for p in (last, first, suffix) if p)
    return paper.authors[position]


def ris(paper, *, url: str | None = None) -> str:
    """One RIS record: ``TY  - ELEC`` for a preprint, ``JOUR`` once it has a journal reference."""
    paper = _as_paper(paper)
    published = paper.published_date or paper.listing_date or paper.updated_date
    lines: list[str | None] = [
        "TY  - JOUR" if paper.journal_ref else "TY  - ELEC",
        _ris_line("ID", citation_key(paper)),
        _ris_line("TI", paper.display_title),
        *(_ris_line("AU", _ris_author(paper, i)) for i in range(len(paper.authors))),
        _ris_line("PY", str(published.year)) if published else None,
        _ris_line("DA", _ris_date(published)) if published else None,
        _ris_line("AB", paper.display_abstract),
        _ris_line("JO", paper.journal_ref),
        _ris_line("PB", "arXiv") if paper.arxiv_id else None,
        _ris_line("DO", paper.doi),
        _ris_line("UR", url or paper.abs_url),
        _ris_line("L1", paper.pdf_url),
        _ris_line("AN", f"arXiv:{paper.arxiv_id}") if paper.arxiv_id else None,
        *(_ris_line("KW", c) for c in paper.categories),
        _ris_line("N1", plain_text(paper.comment)),
        "ER  - ",
    ]
    return "\n".join(line for line in lines if line) + "\n"


def ris_many(papers: Iterable, *, urls: Iterable[str | None] | None = None) -> str:
    items = [_as_paper(p) for p in papers]
    links = list(urls) if urls is not None else [None] * len(items)
    return "\n".join(ris(p, url=u) for p, u in zip(items, links))


# ---- HTTP: /papers/{id}.bib and .ris (the /api/v1 export routes live in api_v1) -------------

EXPORT_FORMATS = {"bibtex": (bibtex_many, BIBTEX_MEDIA_TYPE, "bib"), "ris": (ris_many, RIS_MEDIA_TYPE, "ris")}


def export_response(settings: Settings, papers: list, format: str, name: str) -> Response:
    """``papers`` as one BibTeX or RIS file; URLs point to arXiv, or to this site for other papers."""
    render, media_type, suffix = EXPORT_FORMATS[format]
    items = [_as_paper(p) for p in papers]
    urls = [None if p.arxiv_id else paper_url(settings, p.id) for p in items]
    filename = re.sub(r"[^A-Za-z0-9.\-]+", "-", name).strip("-") or "papers"
    return Response(render(items, urls=urls), media_type=media_type,
                    headers={"Content-Disposition": f'inline; filename="{filename}.{suffix}"'})


router = APIRouter(route_class=JsonErrorRoute, include_in_schema=False)


@router.get("/papers/{paper_id:path}.bib")
def paper_bibtex(request: Request, paper_id: str) -> Response:
    stored = find_paper(request, paper_id)
    return export_response(get_settings(request), [stored], "bibtex", stored.paper.id)


@router.get("/papers/{paper_id:path}.ris")
def paper_ris(request: Request, paper_id: str) -> Response:
    stored = find_paper(request, paper_id)
    return export_response(get_settings(request), [stored], "ris", stored.paper.id)
