"""Members' text as it is stored: checked for length, stripped of what no one can see.

Two kinds: a body (Markdown, a note: lines kept) and a line (a name, a one-line comment:
white space folded). Both lose control characters, and with them NUL bytes, which
PostgreSQL refuses in text; a body also loses the bidirectional overrides that make text
read differently from how it is stored. Lengths count characters after cleaning.
"""

from __future__ import annotations

import re
import unicodedata

from paperwire.community.errors import Invalid
from paperwire.paper import clean_text

# C0 and C1 controls but tab and newline; DEL; bidi embeddings, overrides and isolates.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_body(value: object, field: str, max_chars: int) -> str:
    """A multi-line text: line breaks kept (CR LF read as LF), surrounding blank space dropped."""
    text = _text(value, field)
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))).strip()
    return _bounded(text, field, max_chars)


def clean_line(value: object, field: str, max_chars: int) -> str:
    """A one-line text: runs of white space (line breaks too) become one space."""
    return _bounded(clean_text(_text(value, field)), field, max_chars)


def require_text(text: str, field: str) -> str:
    if not text:
        raise Invalid(field, "is empty")
    return text


def _text(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise Invalid(field, f"must be text, not {type(value).__name__}")
    return value


def _bounded(text: str, field: str, max_chars: int) -> str:
    if len(text) > max_chars:
        raise Invalid(field, f"is {len(text):,} characters long; at most {max_chars:,} are allowed")
    return text
