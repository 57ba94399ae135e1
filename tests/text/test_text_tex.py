"""TeX text macros in real titles and abstracts read as a reader sees them: styling, characters, math kept."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperwire.text import Piece, pieces, plain_text


def styled(text: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(p.text, p.styles) for p in pieces(text)]


# ---- real titles and abstracts (arXiv ids in the comments) ---------------------------------

def test_small_caps_and_underlines_in_titles_become_styles():
    # 2508.04428, 2508.10931
    assert styled(r"\textsc{SimInstruct}: A Responsible Tool") == [
        ("SimInstruct", ("sc",)), (": A Responsible Tool", ())]
    assert plain_text(r"By \underline{V}alue \underline{S}ign \underline{F}lip") == "By Value Sign Flip"
    assert styled(r"\underline{\textbf{Fed}}erated tuning") == [("Fed", ("u", "strong")), ("erated tuning", ())]


def test_emphasis_bold_and_code_in_abstracts():
    # 2606.26100 (in the bundled sample), 2505.18542
    abstract = (r"We present \textbf{HierBias}, a hierarchical model. We introduce the \emph{context-conditioned bias"
                r" probability}, and a \texttt{Key Space} detector.")
    assert styled(abstract) == [
        ("We present ", ()), ("HierBias", ("strong",)), (", a hierarchical model. We introduce the ", ()),
        ("context-conditioned bias probability", ("em",)), (", and a ", ()), ("Key Space", ("code",)),
        (" detector.", ())]
    assert plain_text(r"Business as \textit{Rule}sual") == "Business as Rulesual"


def test_old_style_switches_last_to_the_end_of_their_group():
    # 2602.10221: {\bf 1)} geometric key feature extraction
    assert styled(r"address {\bf 1)} geometric and {\it target similarity} metrics") == [
        ("address ", ()), ("1)", ("strong",)), (" geometric and ", ()), ("target similarity", ("em",)),
        (" metrics", ())]


def test_escaped_characters_ties_dashes_and_quotes():
    assert plain_text(r"up to 11\%pt, Q\&A, Part \_A, \#parameters, \$148K") == (
        "up to 11%pt, Q&A, Part _A, #parameters, $148K")
    # A tie after a word is an unbreakable space; after a space it means "about".
    assert pieces(r"Vera C.~Rubin Observatory, benchmark~\cite{x}")[0].text.startswith("Vera C.\u00a0Rubin")
    assert plain_text(r"Vera C.~Rubin") == "Vera C. Rubin"
    assert plain_text(r"reduces accuracy by ~7% (~ 10^{17})") == "reduces accuracy by ~7% (~ 10^{17})"
    assert plain_text(r"performance -- outpacing --- all of it, state-of-the-art") == (
        "performance – outpacing — all of it, state-of-the-art")
    assert plain_text(r"a ``high-level'' view, GTA V --> Cityscapes") == "a “high-level” view, GTA V --> Cityscapes"


def test_accents_become_letters():
    # 2503.15056 Schr\"odinger; B\'ezier; fa\c{c}ade; Do\~nana; {\"u}
    assert plain_text(r"Schr\"odinger, B\'ezier, fa\c{c}ade, Do\~nana, {\"u}ber, Fr\'{e}chet, na\"{\i}ve") == (
        "Schrödinger, Bézier, façade, Doñana, über, Fréchet, naïve")
    assert plain_text(r"1\AA{} (2\AA{}), Stra\ss e, {\o}ya, 360{\deg}, {\alpha}-UMI, 0.60 \pm 0.05") == (
        "1Å (2Å), Straße, øya, 360°, α-UMI, 0.60 ± 0.05")


def test_links_show_their_text_and_never_their_target():
    # 2503.18626, 2603.26357
    assert plain_text(r"track of \href{https://www.dd-challenge.com/#/}{The First Challenge}, demonstrating") == (
        "track of The First Challenge, demonstrating")
    assert plain_text(r"Code is released at \url{https://github.com/quandao10/MPDiT}") == (
        "Code is released at https://github.com/quandao10/MPDiT")
    assert plain_text(r"at \url{https://x.org/~me/a\_b--c}") == "at https://x.org/~me/a_b--c"  # as typed
    assert plain_text(r"\href{javascript:alert(1)}{click}") == "click"


def test_colours_citations_and_footnotes():
    assert plain_text(r"\textcolor{red}{https://github.com/a/b} and {\color[RGB]{175,36,67}{LCLM}}") == (
        "https://github.com/a/b and LCLM")
    assert plain_text(r"the model of \cite{ren2018embedded} to admit") == "the model of [ren2018embedded] to admit"
    assert plain_text(r"this field\footnote{https://github.com/a/b} grows") == "this field (https://github.com/a/b) grows"


def test_math_spans_are_kept_whole_for_the_math_renderer():
    items = pieces(r"by $+2.6\%$ F1 and \textbf{$x^2$ terms}")
    assert [p.text for p in items] == ["by ", r"$+2.6\%$", " F1 and ", "$x^2$", " terms"]
    assert items[1].math.tex == r"+2.6\%" and items[3].styles == ("strong",)
    assert plain_text(r"by $+2.6\%$ F1") == r"by $+2.6\%$ F1"


def test_what_is_not_known_stays_as_typed():
    # An author's own macro, a chemistry command, braces meant to be seen.
    assert plain_text(r"\method consistently outperforms \ion{H}{1}") == r"\method consistently outperforms \ion{H}{1}"
    assert plain_text("the set {Austin, Dallas, Houston} and 82{,}115 tokens") == (
        "the set {Austin, Dallas, Houston} and 82,115 tokens")
    assert plain_text(r"\emph x and \r{ho} = 0.34") == r"\emph x and \r{ho} = 0.34"


def test_text_without_tex_is_one_piece():
    assert pieces("A plain abstract, 75% better.") == [Piece("A plain abstract, 75% better.")]
    assert pieces("") == [] and plain_text(None) == ""


# ---- hostile input -------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "\\" * 100_000, "{" * 100_000, "}" * 100_000, r"\textbf{" * 20_000, r"\'" * 50_000, "~" * 100_000,
    r"\href{" * 20_000, r"\color[" * 20_000, "$x$" * 30_000, r"\textbf{a $x$ " * 10_000, "-" * 100_000,
])
def test_huge_hostile_input_gets_an_answer_no_longer_than_itself(text):
    shown = plain_text(text)
    assert len(shown) <= len(text)


def test_unbalanced_braces_close_at_the_end():
    assert styled(r"unclosed \textbf{bold") == [("unclosed ", ()), ("bold", ("strong",))]
    assert plain_text(r"stray } brace and \url{https://cut.off") == "stray } brace and https://cut.off"


def test_markup_in_a_macro_is_text():
    assert styled(r"\emph{<script>alert(1)</script>}") == [("<script>alert(1)</script>", ("em",))]


_TEX_TOKENS = st.sampled_from(list("\\{}~$-'`[]% aZé") + [r"\textbf", r"\emph", r"\href", r"\url", r"\'", r"\c",
                                                         "\\\\", "{\\bf "])


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEX_TOKENS, max_size=40).map("".join))
def test_any_mix_of_tex_signs_reads_without_error(text):
    items = pieces(text)
    assert all(p.text for p in items)
    assert all(set(p.styles) <= {"em", "strong", "code", "sc", "u", "sup", "sub"} for p in items)
    assert len(plain_text(text)) <= len(text)
