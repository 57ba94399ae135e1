"""arXiv's query language: ``search_query`` and ``id_list`` parsed into a tree, and the dates arXiv
sorts by. Pure: text in, tree out (search.local.field_query turns the tree into an index query).

Grammar (arXiv's, with parentheses; AND binds tighter than OR, like Lucene's)::

    query   := and_expr ("OR" and_expr)*
    and_expr:= unary (("AND" | "ANDNOT")? unary)*     # two terms side by side mean AND
    unary   := "(" query ")" | term
    term    := FIELD ":" (WORD | "quoted phrase") | DATE_FIELD ":" "[" FROM "TO" TO "]" | WORD | "phrase"

Fields: ti au abs co jr cat rn id all; date fields submittedDate and lastUpdatedDate take
``[YYYYMMDDhhmm TO YYYYMMDDhhmm]`` (or 8-digit days). A bare word searches ``all``.
Operators are upper case, as arXiv requires; "and" in lower case is a word.
Anything else raises :class:`QuerySyntaxError`, whose message the API returns to the client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Union

from paperwire.paper import InvalidPaper, Paper, parse_arxiv_id

TEXT_FIELDS = ("ti", "au", "abs", "co", "jr", "cat", "rn", "id", "all")
DATE_FIELDS = ("submittedDate", "lastUpdatedDate")
OPERATORS = ("AND", "OR", "ANDNOT")
MAX_QUERY_CHARS = 2000
MAX_TERMS = 64
MAX_DEPTH = 16
MAX_IDS = 500
EPOCH = date(1970, 1, 1)  # the date shown, and matched, for a paper with no date at all

_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<lparen>\()
      | (?P<rparen>\))
      | (?P<range>(?P<rfield>[A-Za-z]+):\[(?P<rbody>[^\]]*)\])
      | (?P<fquoted>(?P<qfield>[A-Za-z]+):"(?P<qtext>[^"]*)")
      | (?P<fword>(?P<wfield>[A-Za-z]+):(?P<wtext>[^\s()"]+))
      | (?P<quoted>"(?P<ptext>[^"]*)")
      | (?P<word>[^\s()"]+)
    """,
    re.VERBOSE,
)
_RANGE_BODY = re.compile(r"^\s*(\d{8}(?:\d{4})?)\s+TO\s+(\d{8}(?:\d{4})?)\s*$")


class QuerySyntaxError(ValueError):
    """A search_query or id_list the API cannot read; the message says what is wrong."""


@dataclass(frozen=True)
class FieldTerm:
    """Papers whose ``field`` (an arXiv prefix: ti, au, ...) contains ``text`` (a word or phrase)."""

    field: str
    text: str


@dataclass(frozen=True)
class DateRange:
    """Papers whose submittedDate / lastUpdatedDate lies in [start, end] (UTC, minute precision)."""

    field: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class BoolQuery:
    """``left op right`` with op one of AND, OR, ANDNOT."""

    op: str
    left: "QueryNode"
    right: "QueryNode"


QueryNode = Union[FieldTerm, DateRange, BoolQuery]


@dataclass(frozen=True)
class _Token:
    kind: str  # "(", ")", "op", "term"
    value: object
    position: int


def parse_search_query(text: str) -> QueryNode:
    """The tree of an arXiv ``search_query``; raises QuerySyntaxError when it is not one."""
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"search_query is longer than {MAX_QUERY_CHARS} characters")
    tokens = _tokenize(text)
    if not tokens:
        raise QuerySyntaxError("search_query is empty")
    if sum(t.kind == "term" for t in tokens) > MAX_TERMS:
        raise QuerySyntaxError(f"search_query has more than {MAX_TERMS} terms")
    parser = _Parser(tokens)
    tree = parser.query(depth=0)
    if parser.position < len(tokens):
        token = tokens[parser.position]
        raise QuerySyntaxError(f"unexpected {_describe(token)} at character {token.position}")
    return tree


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:  # only an unbalanced quote gets here
            raise QuerySyntaxError(f"unterminated quote at character {position}")
        kind = match.lastgroup if match.lastgroup in ("space", "lparen", "rparen") else None
        if match.group("space") is None:
            tokens.append(_token_for(match, kind))
        position = match.end()
    return tokens


def _token_for(match: re.Match, kind: str | None) -> _Token:
    start = match.start()
    if kind == "lparen":
        return _Token("(", "(", start)
    if kind == "rparen":
        return _Token(")", ")", start)
    if match.group("range"):
        return _Token("term", _date_range(match.group("rfield"), match.group("rbody")), start)
    if match.group("fquoted"):
        return _Token("term", _field_term(match.group("qfield"), match.group("qtext")), start)
    if match.group("fword"):
        return _Token("term", _field_term(match.group("wfield"), match.group("wtext")), start)
    if match.group("quoted"):
        return _Token("term", _field_term("all", match.group("ptext")), start)
    word = match.group("word")
    if word.endswith(":") and word[:-1].isalpha():
        raise QuerySyntaxError(f"empty value for {word} at character {start}")
    if word in OPERATORS:
        return _Token("op", word, start)
    return _Token("term", _field_term("all", word), start)


def _field_term(field: str, text: str) -> FieldTerm:
    if field not in TEXT_FIELDS:
        if field in DATE_FIELDS:
            raise QuerySyntaxError(f"{field} takes a range: {field}:[YYYYMMDDhhmm TO YYYYMMDDhhmm]")
        raise QuerySyntaxError(f"unknown field {field!r}; fields are {', '.join(TEXT_FIELDS + DATE_FIELDS)}")
    # arXiv writes spaces in author names as underscores: au:del_maestro.
    value = " ".join((text.replace("_", " ") if field == "au" else text).split())
    if not value:
        raise QuerySyntaxError(f"empty value for {field}:")
    return FieldTerm(field, value)


def _date_range(field: str, body: str) -> DateRange:
    if field not in DATE_FIELDS:
        raise QuerySyntaxError(f"only {' and '.join(DATE_FIELDS)} take a [FROM TO TO] range, not {field!r}")
    match = _RANGE_BODY.match(body)
    if not match:
        raise QuerySyntaxError(f"{field} range must be [YYYYMMDDhhmm TO YYYYMMDDhhmm], not [{body[:40]}]")
    start, end = (_range_bound(value, field, is_end) for value, is_end in ((match.group(1), False), (match.group(2), True)))
    if end < start:
        raise QuerySyntaxError(f"{field} range ends before it starts")
    return DateRange(field, start, end)


def _range_bound(value: str, field: str, is_end: bool) -> datetime:
    try:
        moment = datetime.strptime(value, "%Y%m%d%H%M" if len(value) == 12 else "%Y%m%d").replace(tzinfo=timezone.utc)
    except ValueError:
        raise QuerySyntaxError(f"{field}: {value} is not a valid date") from None
    if is_end and len(value) == 8:  # a bare end day includes that whole day
        moment += timedelta(days=1) - timedelta(minutes=1)
    return moment


def _describe(token: _Token) -> str:
    if token.kind == "op":
        return f"operator {token.value}"
    return f"'{token.value}'" if token.kind in ("(", ")") else "term"


class _Parser:
    """Recursive descent over the tokens; depth is bounded so nesting cannot exhaust the stack."""

    def __init__(self, tokens: list[_Token]):
        self.tokens = tokens
        self.position = 0

    def _peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def query(self, depth: int) -> QueryNode:
        node = self.and_expr(depth)
        while (token := self._peek()) is not None and token.kind == "op" and token.value == "OR":
            self.position += 1
            node = BoolQuery("OR", node, self.and_expr(depth))
        return node

    def and_expr(self, depth: int) -> QueryNode:
        node = self.unary(depth)
        while (token := self._peek()) is not None and token.kind != ")":
            if token.kind == "op" and token.value == "OR":
                break
            op = "AND"
            if token.kind == "op":
                op = str(token.value)
                self.position += 1
            node = BoolQuery(op, node, self.unary(depth))
        return node

    def unary(self, depth: int) -> QueryNode:
        token = self._peek()
        if token is None:
            raise QuerySyntaxError("search_query ends where a term was expected")
        if token.kind == "(":
            if depth >= MAX_DEPTH:
                raise QuerySyntaxError(f"parentheses nested deeper than {MAX_DEPTH}")
            self.position += 1
            node = self.query(depth + 1)
            closing = self._peek()
            if closing is None or closing.kind != ")":
                raise QuerySyntaxError(f"unbalanced parenthesis at character {token.position}")
            self.position += 1
            return node
        if token.kind == "term":
            self.position += 1
            return token.value  # type: ignore[return-value]
        raise QuerySyntaxError(f"unexpected {_describe(token)} at character {token.position}")


def parse_id_list(text: str) -> list[str]:
    """Canonical ids (versions dropped: the catalog keeps the latest) of a comma-separated id_list,
    in order, without repeats."""
    ids: list[str] = []
    for raw in (part.strip() for part in text.split(",")):
        if not raw:
            continue
        try:
            canonical, _version = parse_arxiv_id(raw)
        except InvalidPaper:
            raise QuerySyntaxError(f"incorrect id format for {raw[:64]}") from None
        if canonical not in ids:
            ids.append(canonical)
        if len(ids) > MAX_IDS:
            raise QuerySyntaxError(f"id_list has more than {MAX_IDS} ids")
    return ids


def arxiv_dates(paper: Paper) -> tuple[date, date]:
    """A Paper's (submittedDate, lastUpdatedDate): version 1's date and the latest version's, from what
    the catalog knows (the listing day when there is no submission date)."""
    submitted = paper.published_date or paper.listing_date or paper.updated_date or EPOCH
    return submitted, paper.updated_date or submitted
