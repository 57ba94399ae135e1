"""What the templates call to show paper text: TeX read (paperwire.text) and written as safe HTML.

Pure functions. Each takes a title or abstract as stored (TeX source); everything outside
a math span is HTML-escaped, text macros become styling and math spans MathML.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from markupsafe import Markup

from paperwire.paper import clean_text
from paperwire.text import pieces
from paperwire.text.excerpt import excerpt
from paperwire.text.html import to_html


def render_text(text: str | None) -> Markup:
    """Escaped ``text`` with its text macros as styling and its math spans as MathML."""
    return to_html(pieces(clean_text(text)))


def render_excerpt(text: str | None, limit: int = 320) -> Markup:
    """The opening of an abstract, rendered, ending in "…" when cut."""
    cut = excerpt(pieces(clean_text(text)), limit)
    return to_html(cut.pieces) + ("…" if cut.cut_after else "")


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``1 paper``, ``2 papers``; ``plural`` where adding an s is wrong."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) link, else None (no javascript: or data: links)."""
    if not url:
        return None
    return url if urlsplit(url.strip()).scheme.lower() in ("http", "https") else None


def code_host(url: str) -> str:
    """A short label for a code link: "github.com/owner/repo"."""
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/").removeprefix("www.")

