"""BibTeX and RIS exports: escaping, citation keys, shapes a reference manager imports."""

from __future__ import annotations

from datetime import date

import pytest

from paperwire.paper import make_paper
from paperwire.web.feeds.citations import bibtex, bibtex_escape, bibtex_many, bibtex_tex, citation_key, ris, ris_many

NASTY_TITLE = r"Costs {50%} & more_ #1 $x^2$ \alpha ~ Zoë's Ångström"


def _paper(**fields):
    values = dict(title="Attention Is All You Need", arxiv_id="1706.03762v7", authors=["Ashish Vaswani", "Noam Shazeer"],
                  abstract="The dominant sequence transduction models.", categories=["cs.CL", "cs.LG"],
                  published_date=date(2017, 6, 12))
    values.update(fields)
    return make_paper(**values)


def test_citation_key_is_lastname_year_first_title_word():
    assert citation_key(_paper()) == "vaswani2017attention"
    assert citation_key(_paper(title="The Matryoshka Embedding", authors=["Zoë Ångström"])) == "angstrom2017matryoshka"
    assert citation_key(_paper(authors=[], published_date=None, title="$\\alpha$-Net")) == "alpha"


def test_citation_key_uses_parsed_last_name():
    paper = _paper(authors=["Maestro Del"], authors_parsed=[["Del Maestro", "Adrian", ""]])
    assert citation_key(paper) == "delmaestro2017attention"


def test_bibtex_escapes_every_special_character():
    assert bibtex_escape("{}%&_#$\\~^") == (
        r"\{\}\%\&\_\#\$\textbackslash{}\textasciitilde{}\textasciicircum{}")
    assert bibtex_escape("Zoë 李") == "Zoë 李"  # non-ASCII kept as UTF-8
    assert bibtex_escape("two\nlines") == "two lines"
    assert bibtex_escape("https://a--b.org/~me") == r"https://a--b.org/\textasciitilde{}me"  # a URL as typed


def test_bibtex_keeps_math_as_tex_when_it_is_safe_in_a_field():
    assert bibtex_tex(r"Bounds $\sum_{i=1}^n x_i^2$ for 100% of \(\mathbb{R}^n\)") == (
        r"Bounds $\sum_{i=1}^n x_i^2$ for 100\% of $\mathbb{R}^n$")
    assert bibtex_tex(r"broken $\frac{1}{$ span") == r"broken \$\textbackslash{}frac\{1\}\{\$ span"
    assert bibtex_tex(r"$a}{b$") == r"\$a\}\{b\$"


def test_bibtex_keeps_text_macros_as_tex():
    # 2606.26100 (in the bundled sample) and 2508.04428
    assert bibtex_tex(r"We present \textbf{HierBias}, +2.6\% F1, the \emph{context-conditioned} bias") == (
        r"We present \textbf{HierBias}, +2.6\% F1, the \emph{context-conditioned} bias")
    assert bibtex_tex(r"\textsc{SimInstruct}: Vera C.~Rubin, ~7% -- {\bf ARM}, Schr\"odinger") == (
        r"\textsc{SimInstruct}: Vera C.~Rubin, \textasciitilde{}7\% – \textbf{ARM}, Schrödinger")
    # What LaTeX would not know is escaped, and a link keeps its text only.
    assert bibtex_tex(r"\method and \href{javascript:x}{the code}") == r"\textbackslash{}method and the code"
    assert bibtex_tex(r"unbalanced \textbf{bold and } stray }") == r"unbalanced \textbf{bold and } stray \}"


def test_bibtex_entry_has_arxiv_fields():
    entry = bibtex(_paper())
    assert entry.startswith("@misc{vaswani2017attention,\n")
    for line in ("title = {Attention Is All You Need}", "author = {Ashish Vaswani and Noam Shazeer}",
                 "year = {2017}", "eprint = {1706.03762}", "archivePrefix = {arXiv}", "primaryClass = {cs.CL}",
                 "url = {https://arxiv.org/abs/1706.03762}"):
        assert line in entry
    assert entry.endswith("}\n")


def test_bibtex_parses_back_with_pybtex():
    pybtex = pytest.importorskip("pybtex.database")
    paper = _paper(title=NASTY_TITLE, authors=["Zoë Ångström", "ATLAS and CMS Collaboration"],
                   abstract="100% {unbalanced and \\ weird } _ text")
    data = pybtex.parse_string(bibtex_many([paper, paper]), "bibtex")
    keys = list(data.entries)
    assert keys == ["angstrom2017costsa", "angstrom2017costsb"]
    entry = data.entries[keys[0]]
    assert entry.fields["title"] == bibtex_tex(NASTY_TITLE)
    assert [str(p) for p in entry.persons["author"]][0] == "Ångström, Zoë"
    assert len(entry.persons["author"]) == 2  # the collaboration stays one name


def test_bibtex_many_gives_unique_keys():
    text = bibtex_many([_paper(), _paper(), _paper(title="Other")])
    assert "@misc{vaswani2017attentiona," in text and "@misc{vaswani2017attentionb," in text
    assert "@misc{vaswani2017other," in text


def test_ris_record():
    record = ris(_paper(doi="10.1000/x", comment="15 pages"))
    lines = record.splitlines()
    assert lines[0] == "TY  - ELEC" and lines[-1] == "ER  - "
    assert "TI  - Attention Is All You Need" in lines
    assert "AU  - Ashish Vaswani" in lines and "AU  - Noam Shazeer" in lines
    assert "PY  - 2017" in lines and "DA  - 2017/06/12" in lines
    assert "DO  - 10.1000/x" in lines and "N1  - 15 pages" in lines
    assert "UR  - https://arxiv.org/abs/1706.03762" in lines
    assert ris(_paper(journal_ref="Nature 1 (2020)")).startswith("TY  - JOUR\n")


def test_ris_holds_plain_text():
    record = ris(_paper(title=r"\textsc{T-Mask}: Temporal Masking", abstract=r"We present \textbf{HierBias}, +2.6\% F1",
                        comment=r"Code at \url{https://github.com/a/b}"))
    assert "TI  - T-Mask: Temporal Masking" in record.splitlines()
    assert "AB  - We present HierBias, +2.6% F1" in record.splitlines()
    assert "N1  - Code at https://github.com/a/b" in record.splitlines()


def test_ris_reads_back_with_rispy():
    rispy = pytest.importorskip("rispy")
    text = ris_many([_paper(title=NASTY_TITLE, abstract="line one\nline two"), _paper()])
    records = rispy.loads(text)
    assert len(records) == 2
    assert records[0]["title"] == "Costs {50%} & more_ #1 $x^2$ α ~ Zoë's Ångström"  # plain text: \alpha is α
    assert records[0]["abstract"] == "line one line two"
    assert records[1]["authors"] == ["Ashish Vaswani", "Noam Shazeer"]
