"""Turning untrusted paper text into safe HTML: LaTeX math to MathML, excerpts, links.

Pure functions. Everything outside a math span is HTML-escaped; a math span becomes
MathML only through latex2mathml, and that output is then passed through an allowlist
of MathML elements and attributes (``\\href`` would otherwise yield a link attribute).
A span latex2mathml cannot convert is shown as its escaped source text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence
from urllib.parse import urlsplit

import nh3
from latex2mathml.converter import convert as latex_to_mathml
from markupsafe import Markup, escape

from paperwire.search.snippets import highlight

# $$...$$, \[...\] (display); $...$, \(...\) (inline). An inline $...$ must not start or
# end with a space, so "costs $5 and $10" stays text; \$ is a literal dollar.
_MATH_SPAN = re.compile(
    r"(?=[$\\])"  # every span starts with $ or \: other positions fail at once
    r"(?:(?<!\\)\$\$(?P<dd>.+?)(?<!\\)\$\$"
    r"|\\\[(?P<bd>.+?)\\\]"
    r"|(?<![\\$])\$(?P<di>[^\s$](?:[^$]*?[^\s\\$])?)\$(?!\$)"
    r"|\\\((?P<bi>.+?)\\\))",
    re.DOTALL,
)
_MAX_TEX_CHARS = 2000  # longer "math" is almost surely a stray dollar sign

_MATHML_TAGS = {
    "math", "mrow", "mi", "mo", "mn", "ms", "mtext", "mspace", "msup", "msub", "msubsup", "mfrac",
    "msqrt", "mroot", "mstyle", "mtable", "mtr", "mtd", "munder", "mover", "munderover", "menclose",
    "mpadded", "mphantom", "merror", "mmultiscripts", "mprescripts", "none", "semantics",
}
_MATHML_ATTRIBUTES = {"*": {
    "xmlns", "display", "mathvariant", "stretchy", "fence", "separator", "lspace", "rspace",
    "columnalign", "rowspacing", "columnspacing", "linethickness", "displaystyle", "scriptlevel",
    "mathsize", "accent", "accentunder", "movablelimits", "form", "width", "height", "depth",
    "notation", "largeop", "symmetric", "minsize", "maxsize",
}}


@dataclass(frozen=True)
class Segment:
    """A piece of text: plain, or a math span (``source`` keeps its delimiters)."""

    source: str
    tex: str | None = None  # the TeX inside the delimiters, for math spans
    display: bool = False


def split_math(text: str) -> list[Segment]:
    """``text`` cut into plain and math segments, in order."""
    if "$" not in text and "\\" not in text:  # most abstracts: no math at all
        return [Segment(text)] if text else []
    segments: list[Segment] = []
    position = 0
    for match in _MATH_SPAN.finditer(text):
        if match.start() > position:
            segments.append(Segment(text[position:match.start()]))
        display = match.lastgroup in ("dd", "bd")
        segments.append(Segment(match.group(0), tex=match.group(match.lastgroup), display=display))
        position = match.end()
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments


def tex_to_mathml(tex: str, display: bool = False) -> Markup | None:
    """Sanitised MathML for ``tex``, or None when latex2mathml cannot convert it."""
    if len(tex) > _MAX_TEX_CHARS:
        return None
    try:
        mathml = latex_to_mathml(tex, display="block" if display else "inline")
    except Exception:  # latex2mathml raises many kinds (IndexError, its own errors) on bad TeX
        return None
    clean = nh3.clean(mathml, tags=_MATHML_TAGS, attributes=_MATHML_ATTRIBUTES, link_rel=None)
    return Markup(clean) if clean.startswith("<math") else None


def render_segments(segments: list[Segment]) -> Markup:
    parts: list[str] = []
    for segment in segments:
        mathml = tex_to_mathml(segment.tex, segment.display) if segment.tex is not None else None
        if mathml is None:
            parts.append(escape(segment.source))
        else:
            # The TeX source stays available to copy and to screen readers lacking MathML.
            parts.append(Markup('<span class="math" title="{}">{}</span>').format(segment.source, mathml))
    return Markup("").join(parts)


def render_text(text: str | None) -> Markup:
    """Escaped ``text`` with its math spans rendered as MathML."""
    return render_segments(split_math(text or ""))


def render_text_marked(text: str | None, marks: Sequence[str]) -> Markup:
    """Like :func:`render_text`, with the query's words in <mark> outside the math."""
    parts: list[Markup] = []
    for segment in split_math(text or ""):
        if segment.tex is None:
            parts.append(Markup(highlight(segment.source, marks)))
        else:
            parts.append(render_segments([segment]))
    return Markup("").join(parts)


def excerpt_segments(text: str, limit: int) -> list[Segment]:
    """The first ~``limit`` characters of ``text``, cut between words and never inside math."""
    kept: list[Segment] = []
    used = 0
    for segment in split_math(text or ""):
        room = limit - used
        if len(segment.source) <= room:
            kept.append(segment)
            used += len(segment.source)
            continue
        if segment.tex is None and room > 0:
            cut = segment.source[:room].rsplit(" ", 1)[0] if " " in segment.source[:room] else ""
            if cut:
                kept.append(Segment(cut))
        kept.append(Segment("…"))
        break
    return kept


def render_excerpt(text: str | None, limit: int = 320) -> Markup:
    """The opening of an abstract, math rendered, ending in "…" when cut."""
    return render_segments(excerpt_segments(text or "", limit))


def marked_html(html: str | None) -> Markup:
    """Search-highlighted HTML reduced to text and <mark> (defence in depth: it should be already)."""
    return Markup(nh3.clean(html or "", tags={"mark"}, attributes={}, link_rel=None))


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) link, else None (no javascript: or data: links)."""
    if not url:
        return None
    return url if urlsplit(url.strip()).scheme.lower() in ("http", "https") else None


def code_host(url: str) -> str:
    """A short label for a code link: "github.com/owner/repo"."""
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/").removeprefix("www.")


def author_list(authors: tuple[str, ...] | list[str], limit: int = 6) -> tuple[list[str], int]:
    """The first ``limit`` authors and how many more there are."""
    return list(authors[:limit]), max(0, len(authors) - limit)
