"""Styled pieces as safe HTML: text escaped, styles as tags, math as sanitised MathML.

Everything a paper holds is escaped; the only markup is what this module writes. A math
span becomes MathML only through latex2mathml, and that output is passed through an
allowlist of MathML elements and attributes (``\\href`` would otherwise yield a link
attribute). A span latex2mathml cannot convert is shown as its escaped source text.
"""

from __future__ import annotations

import functools
import re
from typing import Sequence

import nh3
from latex2mathml.converter import convert as latex_to_mathml
from markupsafe import Markup, escape

from paperwire.text.tex import Piece, nest

_MAX_TEX_CHARS = 2000  # longer "math" is almost surely a stray dollar sign
_TAGS = {
    "em": ("<em>", "</em>"), "strong": ("<strong>", "</strong>"), "code": ("<code>", "</code>"),
    "sc": ('<span class="sc">', "</span>"), "u": ("<u>", "</u>"), "sup": ("<sup>", "</sup>"),
    "sub": ("<sub>", "</sub>"),
}
MATHML_TAGS = {
    "math", "mrow", "mi", "mo", "mn", "ms", "mtext", "mspace", "msup", "msub", "msubsup", "mfrac",
    "msqrt", "mroot", "mstyle", "mtable", "mtr", "mtd", "munder", "mover", "munderover", "menclose",
    "mpadded", "mphantom", "merror", "mmultiscripts", "mprescripts", "none", "semantics",
}
MATHML_ATTRIBUTES = {
    "xmlns", "display", "mathvariant", "stretchy", "fence", "separator", "lspace", "rspace",
    "columnalign", "rowspacing", "columnspacing", "linethickness", "displaystyle", "scriptlevel",
    "mathsize", "accent", "accentunder", "movablelimits", "form", "width", "height", "depth",
    "notation", "largeop", "symmetric", "minsize", "maxsize",
}
# Everything to_html writes, for sanitising its output again where it is stored or passed on.
HTML_TAGS = {"em", "strong", "code", "span", "u", "sup", "sub", "mark"} | MATHML_TAGS
HTML_ATTRIBUTES = {"span": {"class", "title"}, "*": MATHML_ATTRIBUTES}

# latex2mathml writes \mathbb{R} as the letter ℝ, but \mathbb R as an R with
# mathvariant="double-struck", which browsers ignore (MathML Core keeps only "normal"), so
# a lone argument gets braces. The old switches on one letter ({\bf x}, {\cal L}) likewise.
_BARE_FONT_ARGUMENT = re.compile(r"\\(mathbb|mathcal|mathbf|mathsf|mathfrak|mathit|mathtt)(?![A-Za-z])\s*([A-Za-z0-9])")
_SWITCH_ON_ONE_LETTER = re.compile(r"\{\s*\\(bf|cal|it|sf|tt)(?![A-Za-z])\s*([A-Za-z0-9])\s*\}")
_SWITCH_COMMANDS = {"bf": "mathbf", "cal": "mathcal", "it": "mathit", "sf": "mathsf", "tt": "mathtt"}
# The other way round for upright letters: \mathrm{d} comes out as <mi>d</mi>, which
# browsers draw in italics; {\rm d} as <mi mathvariant="normal">d</mi>, drawn upright.
_UPRIGHT_LETTER = re.compile(r"\\mathrm\s*\{\s*([A-Za-z])\s*\}")


def normalise_fonts(tex: str) -> str:
    """``tex`` with one-letter font arguments in the form latex2mathml turns into the right letter."""
    if "\\" not in tex:
        return tex
    tex = _BARE_FONT_ARGUMENT.sub(r"\\\1{\2}", tex)
    tex = _SWITCH_ON_ONE_LETTER.sub(lambda m: f"{{\\{_SWITCH_COMMANDS[m.group(1)]}{{{m.group(2)}}}}}", tex)
    return _UPRIGHT_LETTER.sub(r"{\\rm \1}", tex)


# Pure, and the same formulas come back with the same papers: converting one costs latex2mathml
# and nh3 ~0.1 ms. Search snippets meet formulas from the whole catalog: 32,768 (~0.5 KB each
# with the TeX) took a steady mix of random searches from 2.44 to 2.16 ms of snippets a page.
@functools.lru_cache(maxsize=32768)
def tex_to_mathml(tex: str, display: bool = False) -> Markup | None:
    """Sanitised MathML for ``tex``, or None when latex2mathml cannot convert it."""
    if len(tex) > _MAX_TEX_CHARS:
        return None
    try:
        mathml = latex_to_mathml(normalise_fonts(tex), display="block" if display else "inline")
    except Exception:  # latex2mathml raises many kinds (IndexError, its own errors) on bad TeX
        return None
    clean = nh3.clean(mathml, tags=MATHML_TAGS, attributes={"*": MATHML_ATTRIBUTES}, link_rel=None)
    return Markup(clean) if clean.startswith("<math") else None


def to_html(items: Sequence[Piece], marks: Sequence[tuple[int, int]] = ()) -> Markup:
    """The pieces as HTML; ``marks`` (sorted, disjoint offsets into their shown text) in <mark>.

    A mark may run across pieces (\\textbf{Gen}eral): each part of it is marked inside its
    own tags. One pass over the pieces and the marks together.
    """
    parts: list[str] = []
    offset = next_mark = 0
    for event, value in nest(list(items)):
        if event != "piece":
            parts.append(_TAGS[value][0 if event == "open" else 1])
            continue
        text, end_offset = value.text, offset + len(value.text)
        if value.math is not None:
            parts.append(_math_html(value))
            while next_mark < len(marks) and marks[next_mark][1] <= end_offset:  # no marks inside math
                next_mark += 1
        else:
            position = 0
            while next_mark < len(marks) and marks[next_mark][0] < end_offset:
                start, end = marks[next_mark]
                first, last = max(start - offset, position), min(end - offset, len(text))
                if first < last:
                    parts += [escape(text[position:first]), "<mark>", escape(text[first:last]), "</mark>"]
                    position = last
                if end > end_offset:
                    break  # the mark goes on in the next piece
                next_mark += 1
            parts.append(escape(text[position:]))
        offset = end_offset
    return Markup("".join(parts))


def _math_html(piece: Piece) -> str:
    mathml = tex_to_mathml(piece.math.tex, piece.math.display)
    if mathml is None:
        return escape(piece.text)
    # The TeX source stays available to copy and to screen readers lacking MathML.
    return Markup('<span class="math" title="{}">{}</span>').format(piece.text, mathml)
