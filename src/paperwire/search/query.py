"""The search box's little language, parsed without ever failing.

    matryoshka cat:cs.CL since:2026-01-01 -"sparse autoencoder" author:"Kaiming He"

Understood: ``"quoted phrases"``, ``-word`` and ``-"phrase"`` exclusions, ``author:``,
``cat:`` (any listed category) and ``primary:`` (primary category), ``since:`` /
``until:`` (YYYY-MM-DD, YYYY-MM or YYYY), ``has:code``. Anything else, including
operators it cannot use (``since:yesterday``, a lone ``-``, an unbalanced quote), is
kept as plain words. Pure: no I/O.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from datetime import date

# Longer input is cut here: no search box needs more, and it bounds the work per query.
MAX_QUERY_CHARS = 2000
MAX_WORDS = 64

_TOKEN = re.compile(r'(-?)(?:([A-Za-z_]+):)?(?:"([^"]*)"|(\S+))')
_WORD = re.compile(r"\w+", re.UNICODE)
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


@dataclass(frozen=True)
class SearchFilters:
    categories: tuple[str, ...] = ()  # any of these
    primary_only: bool = False  # match the primary category only
    since: date | None = None  # listing date range (published date when no listing date)
    until: date | None = None
    authors: tuple[str, ...] = ()  # every one of these (case and accents ignored)
    has_code: bool | None = None

    @property
    def active(self) -> bool:
        return bool(self.categories or self.since or self.until or self.authors or self.has_code is not None)

    def combine(self, other: "SearchFilters | None") -> "SearchFilters":
        """Both sets of conditions at once (what the query text says and what the page asks)."""
        if other is None:
            return self
        since = max((d for d in (self.since, other.since) if d), default=None)
        until = min((d for d in (self.until, other.until) if d), default=None)
        return SearchFilters(
            categories=_unique(self.categories + other.categories),
            primary_only=self.primary_only or other.primary_only,
            since=since,
            until=until,
            authors=_unique(self.authors + other.authors),
            has_code=other.has_code if other.has_code is not None else self.has_code,
        )


@dataclass(frozen=True)
class ParsedQuery:
    raw: str = ""
    terms: tuple[str, ...] = ()  # plain words, as typed
    phrases: tuple[str, ...] = ()  # quoted phrases
    excluded: tuple[str, ...] = ()  # words and phrases that must not appear
    filters: SearchFilters = field(default_factory=SearchFilters)

    @property
    def text(self) -> str:
        """The meaning to search for: words and phrases, without operators or exclusions."""
        return " ".join(self.phrases + self.terms)

    @property
    def is_empty(self) -> bool:
        return not (self.terms or self.phrases)

    @property
    def highlight_words(self) -> tuple[str, ...]:
        words: list[str] = []
        for part in self.terms + self.phrases:
            words += [w.lower() for w in _WORD.findall(part)]
        return _unique(tuple(words))


def parse_query(raw: str | None) -> ParsedQuery:
    text = (raw or "")[:MAX_QUERY_CHARS]
    terms: list[str] = []
    phrases: list[str] = []
    excluded: list[str] = []
    categories: list[str] = []
    authors: list[str] = []
    primary_only = False
    since = until = None
    has_code = None
    # An odd number of quotes: the last one is just a character, so it is dropped.
    if text.count('"') % 2:
        cut = text.rfind('"')
        text = text[:cut] + " " + text[cut + 1:]
    for match in _TOKEN.finditer(text):
        negated, operator, quoted, bare = match.group(1), match.group(2), match.group(3), match.group(4)
        value = (quoted if quoted is not None else bare or "").strip()
        key = (operator or "").lower()
        if key in ("author", "cat", "category", "primary", "since", "until", "has") and value and not negated:
            if key == "author":
                authors.append(" ".join(value.split()))
                continue
            if key in ("cat", "category", "primary"):
                categories.append(value)
                primary_only = primary_only or key == "primary"
                continue
            if key == "has" and value.lower() == "code":
                has_code = True
                continue
            if key in ("since", "until"):
                bound = parse_date_bound(value, end=key == "until")
                if bound:
                    since, until = (bound, until) if key == "since" else (since, bound)
                    continue
        # Not an operator we use: the whole token is plain text.
        whole = match.group(0)[len(negated):]
        if negated:
            target = value if not operator else whole
            if _WORD.search(target):
                excluded.append(target.replace('"', " ").strip())
            continue
        if quoted is not None and not operator:
            if len(_WORD.findall(value)) > 1:
                phrases.append(value)
            elif _WORD.search(value):
                terms.append(value)
            continue
        if _WORD.search(whole):
            terms.append(whole.replace('"', " ").strip())
    terms = [t for t in terms if t][:MAX_WORDS]
    return ParsedQuery(
        raw=raw or "",
        terms=tuple(terms),
        phrases=tuple(phrases[:MAX_WORDS]),
        excluded=tuple(excluded[:MAX_WORDS]),
        filters=SearchFilters(
            categories=_unique(tuple(categories)),
            primary_only=primary_only,
            since=since,
            until=until,
            authors=_unique(tuple(authors)),
            has_code=has_code,
        ),
    )


def parse_date_bound(value: str, end: bool = False) -> date | None:
    """``2026``, ``2026-01`` or ``2026-01-15``; a partial date stands for its first (or last) day."""
    match = _DATE.match(value.strip())
    if not match:
        return None
    year = int(match.group(1))
    month = int(match.group(2) or (12 if end else 1))
    try:
        if match.group(3):
            return date(year, month, int(match.group(3)))
        day = calendar.monthrange(year, month)[1] if end else 1
        return date(year, month, day)
    except ValueError:
        return None


def words(text: str) -> list[str]:
    """Lower-case word tokens, the only thing the keyword index is ever asked for."""
    return [w.lower() for w in _WORD.findall(text or "")]


def with_filters(query: ParsedQuery, filters: SearchFilters | None) -> ParsedQuery:
    return replace(query, filters=query.filters.combine(filters))


def _unique(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))
