"""TeX text macros in titles and abstracts: ``\\emph{...}``, ``\\%``, ``~``, ``--``, ``\\'e``, ``\\url{...}``.

:func:`pieces` reads a title or abstract into runs of the characters a reader sees, each
with its text styles (em, strong, code, sc, u, sup, sub), and keeps its math spans whole
for the math renderer; :func:`plain_text` joins them with the styling dropped.

One pass, linear in the input, and no recursion, so any input (unbalanced braces, a run
of backslashes, braces nested a thousand deep) gets an answer. What it does not know
stays as typed: an unknown macro (``\\method``, an author's own) shows as its name, and a
brace group that is not TeX's (``{Austin, Dallas}``) keeps its braces.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterator

from paperwire.text.math import Segment, split_math

STYLES = ("em", "strong", "code", "sc", "u", "sup", "sub")


@dataclass(frozen=True)
class Piece:
    """Characters as shown, in some styles (outermost first), or a math span kept whole."""

    text: str  # for a math span: its source, delimiters included
    styles: tuple[str, ...] = ()
    math: Segment | None = None


@dataclass(frozen=True)
class _Argument:
    kind: str  # "text": read as TeX; "verbatim": shown as typed (URLs, citation keys); "skip": dropped
    style: str | None = None
    before: str = ""
    after: str = ""


_TEXT = _Argument("text")
_SKIP = _Argument("skip")
_COMMANDS: dict[str, tuple[_Argument, ...]] = {
    **{name: (_Argument("text", "em"),) for name in ("emph", "textit", "textsl")},
    "textbf": (_Argument("text", "strong"),),
    "texttt": (_Argument("text", "code"),),
    "textsc": (_Argument("text", "sc"),),
    "underline": (_Argument("text", "u"),), "uline": (_Argument("text", "u"),),
    "textsuperscript": (_Argument("text", "sup"),),
    "textsubscript": (_Argument("text", "sub"),),
    **{name: (_TEXT,) for name in ("textrm", "textsf", "textnormal", "textup", "textmd", "text", "mbox", "hbox",
                                   "ac", "acs", "acl", "acp")},
    "url": (_Argument("verbatim"),),
    "href": (_SKIP, _TEXT),  # the text only: a link could point anywhere (javascript:)
    "textcolor": (_SKIP, _TEXT), "colorbox": (_SKIP, _TEXT), "color": (_SKIP, _TEXT),
    "footnote": (_Argument("text", before=" (", after=")"),),
    **{name: (_Argument("verbatim", before="[", after="]"),) for name in ("cite", "citep", "citet", "citealp")},
    "label": (_SKIP,),
}
_OPTIONAL_FIRST = {"color", "textcolor", "colorbox", "footnote", "cite", "citep", "citet", "citealp"}
_RESET = ""
# Old-style switches act on the rest of their group: {\bf ARM}, {\it target similarity}.
_SWITCHES: dict[str, str | None] = {
    **dict.fromkeys(("em", "it", "itshape", "sl", "slshape"), "em"),
    **dict.fromkeys(("bf", "bfseries"), "strong"),
    **dict.fromkeys(("tt", "ttfamily"), "code"),
    **dict.fromkeys(("sc", "scshape"), "sc"),
    **dict.fromkeys(("rm", "normalfont"), _RESET),
    **dict.fromkeys(("sf", "sffamily", "rmfamily", "upshape", "mdseries", "noindent", "centering", "tiny",
                     "scriptsize", "footnotesize", "small", "normalsize", "large", "Large", "LARGE", "huge",
                     "Huge"), None),
}
_WORDS = {
    "ldots": "…", "dots": "…", "textellipsis": "…", "textasciitilde": "~", "textasciicircum": "^",
    "textbackslash": "\\", "textendash": "–", "textemdash": "—", "textquoteleft": "‘", "textquoteright": "’",
    "textquotedblleft": "“", "textquotedblright": "”", "textbullet": "•", "textdegree": "°", "deg": "°",
    "textregistered": "®", "texttrademark": "™", "copyright": "©", "textcopyright": "©", "textless": "<",
    "textgreater": ">", "textbar": "|", "textunderscore": "_", "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ",
    "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "S": "§",
    "P": "¶", "dag": "†", "ddag": "‡", "pounds": "£", "euro": "€", "textperthousand": "‰",
    "textpertenthousand": "‱", "LaTeX": "LaTeX", "TeX": "TeX",
    "ie": "i.e.", "eg": "e.g.", "etal": "et al.", "wrt": "w.r.t.", "etc": "etc.", "vs": "vs.", "cf": "cf.",
    "par": " ", "newline": " ", "quad": " ", "qquad": " ",
}
_LETTERS = {"ss", "o", "O", "ae", "AE", "oe", "OE", "aa", "AA", "l", "L", "i", "j"}
_CONTROL_SYMBOLS = {
    "%": "%", "&": "&", "_": "_", "#": "#", "$": "$", "{": "{", "}": "}", " ": " ", "\\": " ",
    ",": "\u2009", ";": " ", ":": " ", ">": " ", "!": "", "-": "", "/": "", "@": "",
}
# Accents as combining marks: \'e -> é, \"{o} -> ö, \c{c} -> ç. Letter-named ones need braces.
_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304", ".": "\u0307"}
_LETTER_ACCENTS = {"c": "\u0327", "v": "\u030c", "u": "\u0306", "H": "\u030b", "k": "\u0328", "r": "\u030a",
                   "d": "\u0323"}
_SPACING_ACCENTS = {"'": "´", "`": "`", "^": "^", '"': "¨", "~": "~", "=": "¯", ".": "˙"}
_ACCENT_ARGUMENT = re.compile(r"\{ *(?P<braced>\\[ij](?![A-Za-z])|[A-Za-z]) *\}|(?P<bare>\\[ij](?![A-Za-z])|[A-Za-z])"
                              r"|(?P<empty>\{\})")
_BRACED_LETTER = re.compile(r" ?\{ *(?P<braced>\\[ij](?![A-Za-z])|[A-Za-z]) *\}")
_OPTIONAL_ARGUMENT = re.compile(r"\[[^\[\]{}]{0,100}\]")
_PUNCTUATION_GROUP = re.compile(r"\{([^\w\s\\{}])\}")  # 82{,}115
# A ~ after a word is TeX's unbreakable space (Vera C.~Rubin); after a space or "(" it is a
# tilde that means "about" (~7%).
_TIE_AFTER = frozenset(".,;:)]}$'\"")

_TOKEN = re.compile(
    r"(?P<word>\\[A-Za-z]+)"
    r"|(?P<symbol>\\[^A-Za-z])"
    r"|(?P<open>\{)|(?P<close>\})|(?P<tilde>~)"
    r"|(?P<dash>---?(?!>))"  # -- and ---, but not the arrow -->
    r"|(?P<quote>``|'')"
    r"|(?P<text>(?:[^\\{}~\-`']+|-(?!-)|'(?!')|`(?!`))+|[\s\S])"
)
_VERBATIM_STOP = re.compile(r"[{}\\]")
# Searched with str's own scans: a regex alternation of them tries each alternative at every
# position, ~34 us over an abstract against ~6.
_MACRO_SIGNS = ("\\", "{", "}", "~", "--", "``", "''")
_TEX_SIGNS = _MACRO_SIGNS + ("$",)
_DASHES = {"--": "–", "---": "—"}
_QUOTES = {"``": "“", "''": "”"}
_SPACE_RUNS = re.compile(r" {2,}")


def pieces(text: str) -> list[Piece]:
    """``text`` (TeX source) as styled pieces of shown characters and whole math spans."""
    if not text:
        return []
    if not _holds_any(text, _TEX_SIGNS):  # most titles and abstracts: nothing to read
        return [Piece(text)]
    reader = _Reader()
    for segment in split_math(text):
        if segment.tex is None:
            reader.text(segment.source)
        else:
            reader.math(segment)
    return reader.finish()


def _holds_any(text: str, signs: tuple[str, ...]) -> bool:
    return any(sign in text for sign in signs)


# Pure and asked again and again for the same few hundred papers (a day's feed, the front
# page's API): remembered for ~4,000 texts (~10 MB).
@functools.lru_cache(maxsize=4096)
def plain_text(text: str | None) -> str:
    """``text`` with its text macros resolved and styling dropped; math spans kept as typed.

    For feeds, JSON, e-mail and the terminal. The result is no longer TeX: never read
    it as TeX again (``\\$5`` has become ``$5``).
    """
    return as_plain(pieces(text)) if text else ""


def as_plain(items: list[Piece]) -> str:
    """What the pieces show, as plain text: styling dropped, TeX's spaces as plain spaces."""
    # str.replace, not str.translate: translate with a table walks the text character by character.
    shown = "".join(piece.text for piece in items).replace("\u00a0", " ").replace("\u2009", " ")
    return (_SPACE_RUNS.sub(" ", shown) if "  " in shown else shown).strip()  # the regex: ~20 us an abstract


def nest(items: list[Piece]) -> Iterator[tuple[str, str | Piece]]:
    """The pieces as ("open", style), ("piece", piece) and ("close", style) events whose styles nest."""
    current: tuple[str, ...] = ()
    for piece in items:
        common = 0
        while common < min(len(current), len(piece.styles)) and current[common] == piece.styles[common]:
            common += 1
        for style in reversed(current[common:]):
            yield "close", style
        for style in piece.styles[common:]:
            yield "open", style
        current = piece.styles
        yield "piece", piece
    for style in reversed(current):
        yield "close", style


def _with(styles: tuple[str, ...], style: str | None) -> tuple[str, ...]:
    return styles if style is None or style in styles else styles + (style,)


def _accented(base: str, mark: str) -> str:
    letter = base[1] if base.startswith("\\") else base  # \'{\i} is an accented i
    return unicodedata.normalize("NFC", letter + mark)


def _math_symbol(name: str) -> str | None:
    """The character of a math symbol typed outside math (``{\\alpha}``, ``\\pm``), from latex2mathml."""
    from latex2mathml.symbols_parser import convert_symbol  # its table loads in ~30 ms: only when needed

    code = convert_symbol("\\" + name)
    if not code or not re.fullmatch(r"[0-9A-F]{4,6}", code):
        return None
    character = chr(int(code, 16))
    return None if unicodedata.category(character) == "Mn" else character  # \hat alone is no letter


@dataclass
class _Group:
    styles: tuple[str, ...]
    after: str = ""  # shown when the group closes: "}" for a brace that is not TeX's, ")" for a footnote
    then: tuple[_Argument, ...] = ()  # arguments still due once this one closes (\href's text)
    verbatim: list[str] | None = None  # raw text of a verbatim or skipped argument
    shown: bool = True
    depth: int = 0  # braces open inside a verbatim argument


@dataclass
class _Reader:
    out: list[Piece] = field(default_factory=list)
    buffer: list[str] = field(default_factory=list)
    buffer_styles: tuple[str, ...] = ()
    groups: list[_Group] = field(default_factory=lambda: [_Group(())])
    due: tuple[_Argument, ...] = ()  # arguments the last command expects next
    due_source: str = ""  # that command as typed, shown if its argument never comes
    optional: bool = False  # an optional [...] argument may come first
    last: str = " "  # the character before the current segment

    # ---- output ----------------------------------------------------------------------

    def emit(self, text: str) -> None:
        if not text:
            return
        styles = self.groups[-1].styles
        if styles != self.buffer_styles:
            self.flush()
            self.buffer_styles = styles
        self.buffer.append(text)

    def flush(self) -> None:
        if self.buffer:
            self.out.append(Piece("".join(self.buffer), self.buffer_styles))
            self.buffer.clear()

    # ---- segments --------------------------------------------------------------------

    def math(self, segment: Segment) -> None:
        self.abandon()
        group = self.groups[-1]
        if group.verbatim is not None:
            group.verbatim.append(segment.source)
        else:
            self.flush()
            self.out.append(Piece(segment.source, group.styles, segment))
        self.last = segment.source[-1]

    def text(self, source: str) -> None:
        if not self.due and self.groups[-1].verbatim is None and not _holds_any(source, _MACRO_SIGNS):
            self.emit(source)
        else:
            position = 0
            while position < len(source):
                position = self.step(source, position)
        self.last = source[-1]

    def finish(self) -> list[Piece]:
        self.abandon()
        while len(self.groups) > 1:
            group = self.groups.pop()
            if group.verbatim is not None and group.shown:  # \url{... never closed: show what it held
                self.emit("".join(group.verbatim))
        self.flush()
        return self.out

    # ---- one token -------------------------------------------------------------------

    def step(self, source: str, position: int) -> int:
        """Read the token at ``position``; return where the next one starts."""
        if self.due:
            start = self.await_argument(source, position)
            if start is not None:
                return start
        group = self.groups[-1]
        if group.verbatim is not None:
            return self.verbatim(source, position, group)
        match = _TOKEN.match(source, position)
        kind, token, end = match.lastgroup, match.group(), match.end()
        if kind == "text":
            self.emit(token)
        elif kind == "word":
            return self.command(source, token[1:], end)
        elif kind == "symbol":
            return self.control_symbol(source, token[1], end)
        elif kind == "open":
            return self.open_group(source, position)
        elif kind == "close":
            self.close_group()
        elif kind == "tilde":
            before = source[position - 1] if position else self.last
            self.emit("\u00a0" if before.isalnum() or before in _TIE_AFTER else "~")
        else:  # dashes and quotes: as typed in code, TeX's ligatures elsewhere
            literal = "code" in group.styles
            self.emit(token if literal else (_DASHES | _QUOTES)[token])
        return end

    def await_argument(self, source: str, position: int) -> int | None:
        """Open the due argument if it starts here; None (and the command shown as typed) if not."""
        start = position
        while start < len(source) and source[start] == " ":
            start += 1
        if self.optional and source.startswith("[", start):
            optional = _OPTIONAL_ARGUMENT.match(source, start)
            if optional:
                self.optional = False
                return optional.end()
        if start == len(source):
            return start  # it may still come after the segment's end
        if source[start] != "{":
            self.abandon()
            return None
        (argument, *rest), self.due, self.optional = self.due, (), False
        if argument.kind != "skip":
            self.emit(argument.before)
        self.groups.append(_Group(_with(self.groups[-1].styles, argument.style), argument.after, tuple(rest),
                                  None if argument.kind == "text" else [], argument.kind != "skip"))
        return start + 1

    def abandon(self) -> None:
        if self.due:
            self.due, self.optional = (), False
            self.emit(self.due_source)

    def verbatim(self, source: str, position: int, group: _Group) -> int:
        stop = _VERBATIM_STOP.search(source, position)
        end = stop.start() if stop else len(source)
        group.verbatim.append(source[position:end])
        if not stop:
            return end
        character = source[end]
        if character == "\\":
            escaped = source[end + 1:end + 2]
            if escaped and escaped in "%_#&~$":  # \url{a\_b} is a_b
                group.verbatim.append(escaped)
                return end + 2
            group.verbatim.append("\\")
            return end + 1
        if character == "{":
            group.depth += 1
            group.verbatim.append("{")
        elif group.depth:
            group.depth -= 1
            group.verbatim.append("}")
        else:
            self.close_group()
        return end + 1

    def command(self, source: str, name: str, end: int) -> int:
        if name in _LETTER_ACCENTS:
            accent = _BRACED_LETTER.match(source, end)
            if accent:
                self.emit(_accented(accent.group("braced"), _LETTER_ACCENTS[name]))
                return accent.end()
        if name in _COMMANDS:
            self.due, self.due_source, self.optional = _COMMANDS[name], "\\" + name, name in _OPTIONAL_FIRST
            return end
        if name in _SWITCHES:
            style, group = _SWITCHES[name], self.groups[-1]
            if style is not None:
                group.styles = () if style == _RESET else _with(group.styles, style)
            return end + 1 if source.startswith(" ", end) else end  # the space ends the name
        character = _WORDS.get(name) or _math_symbol(name)
        self.emit(character or "\\" + name)  # a macro nobody knows shows as typed
        start = end - len(name) - 1
        before = source[start - 1] if start else self.last
        if name in _LETTERS and before.isalpha() and source[end:end + 1] == " ":
            return end + 1  # Stra\ss e: inside a word the space only ends the name
        return end

    def control_symbol(self, source: str, character: str, end: int) -> int:
        if character in _ACCENTS:
            accent = _ACCENT_ARGUMENT.match(source, end)
            if accent:
                base = accent.group("braced") or accent.group("bare")
                self.emit(_accented(base, _ACCENTS[character]) if base else _SPACING_ACCENTS[character])
                return accent.end()
        self.emit(_CONTROL_SYMBOLS.get(character, "\\" + character))
        return end

    def open_group(self, source: str, position: int) -> int:
        punctuation = _PUNCTUATION_GROUP.match(source, position)
        if punctuation:  # 82{,}115: the braces only stop TeX's spacing
            self.emit(punctuation.group(1))
            return punctuation.end()
        styles = self.groups[-1].styles
        if source.startswith(("\\", "}"), position + 1):  # {\bf ...}, {\"u}, {}: TeX's own group
            self.groups.append(_Group(styles))
        else:  # {Austin, Dallas, Houston}: braces the author meant to show
            self.emit("{")
            self.groups.append(_Group(styles, "}"))
        return position + 1

    def close_group(self) -> None:
        if len(self.groups) == 1:
            self.emit("}")  # a stray brace shows as typed
            return
        group = self.groups.pop()
        if group.verbatim is not None and group.shown:
            self.emit("".join(group.verbatim))
        self.emit(group.after)
        if group.then:
            self.due, self.due_source = group.then, ""
