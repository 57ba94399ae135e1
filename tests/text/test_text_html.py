"""Paper text as HTML: styles as tags, everything else escaped, math as MathML letters browsers draw right."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from paperwire.text import pieces
from paperwire.text.excerpt import excerpt, shown_text, window
from paperwire.text.html import HTML_ATTRIBUTES, HTML_TAGS, normalise_fonts, tex_to_mathml, to_html


class _Tags(HTMLParser):
    """Every tag and attribute an HTML string holds."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def html_of(text: str) -> str:
    return str(to_html(pieces(text)))


def test_text_styles_become_tags():
    assert html_of(r"We present \textbf{HierBias}, a \emph{context-conditioned} \texttt{Key} model") == (
        "We present <strong>HierBias</strong>, a <em>context-conditioned</em> <code>Key</code> model")
    assert html_of(r"\textsc{GUI-Spotlight}: A\textsuperscript{2}FM") == (
        '<span class="sc">GUI-Spotlight</span>: A<sup>2</sup>FM')
    assert html_of(r"\underline{\textbf{Fed}}erated") == "<u><strong>Fed</strong></u>erated"


def test_styles_around_math_nest_properly():
    html = html_of(r"\textbf{Our $x^2$ model} wins")
    assert html.startswith('<strong>Our <span class="math" title="$x^2$"><math')
    assert html.endswith("</math></span> model</strong> wins")


def test_markup_inside_a_macro_stays_escaped():
    assert html_of(r"\emph{<script>alert(1)</script>} & \textbf{<b>}") == (
        "<em>&lt;script&gt;alert(1)&lt;/script&gt;</em> &amp; <strong>&lt;b&gt;</strong>")
    assert "javascript" not in html_of(r"\href{javascript:alert(1)}{click here}")


def test_marks_run_across_styles_but_never_into_math():
    items = pieces(r"\textbf{Gen}eral and $general$")
    text = shown_text(items)
    html = str(to_html(items, [(0, 7), (text.index("$"), text.index("$") + 9)]))
    assert html.startswith("<strong><mark>Gen</mark></strong><mark>eral</mark> and ")
    assert html.count("<mark>") == 2  # the mark over the math span is dropped


def test_bare_font_arguments_give_the_letters_browsers_draw():
    # latex2mathml writes \mathbb R with mathvariant="double-struck", which browsers ignore;
    # \mathbb{R} becomes the letter ℝ itself.
    assert normalise_fonts(r"\mathbb R^n \times \mathcal L + {\bf x}") == r"\mathbb{R}^n \times \mathcal{L} + {\mathbf{x}}"
    assert "\u211d" in tex_to_mathml(r"x \in \mathbb R^n")  # ℝ
    assert "\u2112" in tex_to_mathml(r"\mathcal L_{\rm CE}")  # ℒ
    assert "\U0001d431" in tex_to_mathml(r"{\bf x}")  # bold x
    assert 'mathvariant="double-struck"' not in tex_to_mathml(r"\mathbb R")
    # \mathrm{d} would come out as an italic d; {\rm d} is drawn upright.
    assert '<mi mathvariant="normal">d</mi>' in tex_to_mathml(r"\int f(x)\,\mathrm{d}x")
    assert normalise_fonts(r"\mathbbm 1 + \mathrm{dx}") == r"\mathbbm 1 + \mathrm{dx}"  # other commands untouched


def test_excerpts_cut_between_words_and_never_inside_math():
    items = pieces("a" * 40 + r" $\alpha + \beta + \gamma$ tail")
    cut = excerpt(items, 45)
    assert shown_text(cut.pieces) == "a" * 40 and cut.cut_after
    middle = window(pieces(r"one two three \emph{four five} six seven"), 9, 26)  # from "hree" to "si"
    assert [(p.text, p.styles) for p in middle.pieces] == [("four five", ("em",))]
    assert middle.cut_before and middle.cut_after


_HOSTILE = st.sampled_from(["<script>", "</em>", "\"'", "&amp;", "$x<y$", r"\emph{", r"\textbf{", r"\href{",
                            "javascript:", "}", "{", r"\(", r"\)", r"$\href{javascript:alert(1)}{x}$", " ", "a"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_HOSTILE, max_size=30).map("".join))
def test_no_input_yields_a_tag_or_attribute_outside_the_allowlist(text):
    for tag, attributes in _Tags(html_of(text)).tags:
        assert tag in HTML_TAGS
        allowed = HTML_ATTRIBUTES.get(tag, set()) | HTML_ATTRIBUTES["*"]
        assert {name for name, _ in attributes} <= allowed
