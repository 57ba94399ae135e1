"""Search snippets and highlighted titles render math and text macros, mark words outside math only."""

from __future__ import annotations

from paperwire.paper import clean_text
from paperwire.search.snippets import highlight, snippet, snippet_text
from paperwire.text import pieces


def read(text: str):
    """``text`` as a paper keeps it read (``Paper.abstract_pieces``, ``Paper.title_pieces``)."""
    return pieces(clean_text(text))

# 2606.26100 (in the bundled sample), from "Media bias detection" on.
ABSTRACT = (
    "Media bias detection is a critical task for ensuring fair and balanced information dissemination. "
    + "Filler sentence about nothing much. " * 12
    + r"On BABE, HierBias outperforms the state-of-the-art bias-detector by $+2.6\%$ F1 and $+4.3\%$ MCC "
    r"(McNemar's test, $p < 0.05$). We present \textbf{HierBias}, a detector. "
    + "More filler about nothing. " * 12
)


def test_snippet_renders_math_and_styling_around_the_matches():
    html = snippet(read(ABSTRACT), ["mcnemar"])
    assert "<mark>McNemar</mark>" in html
    assert '<span class="math" title="$p &lt; 0.05$"><math' in html
    assert '<span class="math" title="$+2.6\\%$"><math' in html
    assert "<strong>HierBias</strong>" in html
    assert html.startswith("… ") and html.endswith(" …")


def test_a_math_span_is_never_cut_and_never_shown_as_typed():
    for start in range(0, 60, 3):  # windows whose edges fall anywhere around the math
        html = snippet(read("word " * start + r"about $\alpha + \beta + \gamma$ sparse autoencoders " + "tail " * 80),
                       ["autoencoders"], length=60)
        outside_titles = html.split('title="')[0] + "".join(part.split('"', 1)[1] for part in html.split('title="')[1:])
        assert "\\alpha" not in outside_titles and "$" not in outside_titles


def test_words_are_marked_outside_math_only():
    html = highlight(read(r"Sparse $sparse_i$ models, \textbf{Spar}se too"), ["sparse"])
    assert html.startswith("<mark>Sparse</mark> ")
    assert html.count("<mark>") == 3  # the word, and the word split by \textbf in two marks
    assert "<strong><mark>Spar</mark></strong><mark>se</mark>" in html
    assert "<mark>" not in html[html.index("<math"):html.index("</math>")]


def test_plain_snippet_for_the_terminal_shows_the_same_window():
    text = snippet_text(read(ABSTRACT), ["mcnemar"])
    assert "(McNemar's test, $p < 0.05$). We present HierBias, a detector." in text
    assert "<" not in text.replace("$p < 0.05$", "") and "\\textbf" not in text


def test_hostile_snippets_stay_escaped_and_answer_on_huge_input():
    html = snippet(read(r"\emph{<script>alert(1)</script>} $<img src=x onerror=alert(2)>$ sparse"), ["sparse"])
    assert "<script>" not in html and "<img" not in html and "<mark>sparse</mark>" in html
    huge = snippet(read("sparse " * 20_000 + "\\" * 50_000), ["sparse"])  # 20,000 matches, 50,000 backslashes
    assert huge.count("<mark>") < 60
