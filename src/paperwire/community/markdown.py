"""Members' Markdown made safe HTML: CommonMark without raw HTML, math as MathML, then nh3.

Three layers, each enough on its own for the common attacks:

1. markdown-it-py with raw HTML off: ``<script>`` stays text. Images are off (no tracking
   pixels, no ``data:``), and a link is made only to http(s), mailto or a path on this
   site; ``javascript:`` in any spelling stays text.
2. Math spans (``$...$``, ``$$...$$``, ``\\(...\\)``, ``\\[...\\]``) are found with the same
   splitter abstracts use and rendered by the same renderer (sanitised MathML), before
   Markdown can touch the underscores and asterisks inside them.
3. Everything passes through nh3 with an explicit allowlist; links get
   ``rel="nofollow ugc noopener"``.

Headings move down two levels (``#`` is an h3): a comment never outranks the page's titles.
markdown-it-py's nesting limit (20 levels) bounds quotes and emphasis; what nests deeper is
not shown.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from paperwire.text.html import MATHML_ATTRIBUTES, MATHML_TAGS, to_html
from paperwire.text.math import Segment, split_math
from paperwire.text.tex import Piece

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

_HTML_TAGS = {
    "p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr",
    "h3", "h4", "h5", "h6", "s", "table", "thead", "tbody", "tr", "th", "td", "span",
}
_ATTRIBUTES = {
    "a": {"href"}, "ol": {"start"}, "span": {"title"}, "th": {"style"}, "td": {"style"},
    **{tag: set(MATHML_ATTRIBUTES) for tag in MATHML_TAGS},
}


def render_markdown(body: str) -> str:
    """Sanitised HTML for a member's Markdown ``body``."""
    html = _MARKDOWN.render(body, {})
    return nh3.clean(
        html,
        tags=_HTML_TAGS | MATHML_TAGS,
        attributes=_ATTRIBUTES,
        allowed_classes={"span": {"math"}},
        filter_style_properties={"text-align"},  # table column alignment, nothing else
        url_schemes=set(LINK_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def is_allowed_link(url: str) -> bool:
    """http(s) and mailto links, and paths on this site (``/papers/...``, ``#...``)."""
    url = url.strip()
    if url.startswith(("/", "#")) and not url.startswith("//"):
        return True
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:  # e.g. an unbalanced "[" in the host
        return False
    return scheme in LINK_SCHEMES


def _math_spans(state: StateInline) -> dict[int, tuple[int, Segment]]:
    """Where math starts in this inline text -> (where it ends, its segment); found once per text."""
    cache = state.env.setdefault("math_spans", {})
    spans = cache.get(state.src)
    if spans is None:
        spans, position = {}, 0
        for segment in split_math(state.src):
            end = position + len(segment.source)
            if segment.tex is not None:
                spans[position] = (end, segment)
            position = end
        cache[state.src] = spans
    return spans


def _math_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] not in "$\\":
        return False
    span = _math_spans(state).get(state.pos)
    if span is None or span[0] > state.posMax:
        return False
    if not silent:
        state.push("math", "", 0).meta = {"segment": span[1]}
    state.pos = span[0]
    return True


def _render_math(_renderer, tokens, index, _options, _env) -> str:
    segment = tokens[index].meta["segment"]
    return str(to_html([Piece(segment.source, math=segment)]))


def _lower_headings(state) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + 2)}"


def _build() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"]).disable("image")
    md.validateLink = is_allowed_link
    md.inline.ruler.before("escape", "math", _math_rule)  # before "\(" is read as an escaped "("
    md.add_render_rule("math", _render_math)
    md.core.ruler.push("lower_headings", _lower_headings)
    return md


_MARKDOWN = _build()
