"""Comment Markdown: what members write comes out as they meant it, and nothing hostile comes out."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings, strategies as st

from paperwire.community.markdown import render_markdown

ALLOWED_LINK = re.compile(r"^(https?:|mailto:|/(?!/)|#)", re.IGNORECASE)


class Tags(HTMLParser):
    """Every tag and attribute in a piece of HTML."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def links(html: str) -> list[dict]:
    return [attrs for tag, attrs in Tags(html).tags if tag == "a"]


def test_markdown_as_members_write_it():
    html = render_markdown("Nice *result*, **really**.\n\n> quoted\n\n- one\n- two\n\n`code` and ~~old~~")
    assert "<em>result</em>" in html and "<strong>really</strong>" in html
    assert "<blockquote>" in html and "<li>one</li>" in html
    assert "<code>code</code>" in html and "<s>old</s>" in html


def test_math_renders_as_in_abstracts_and_markdown_leaves_it_alone():
    html = render_markdown(r"Since $a_1 * b_2 * c_3$ and \(x^2\) hold, $$\sum_i w_i$$")
    assert html.count("<math") == 3
    assert "<em>" not in html  # the asterisks and underscores inside math are not emphasis
    assert 'title="$a_1 * b_2 * c_3$"' in html  # the TeX stays as the span's title, as in abstracts
    assert "<msub>" in html


def test_dollars_in_code_and_escaped_dollars_stay_text():
    assert "<math" not in render_markdown("`echo $HOME$` costs \\$5 and \\$6")
    assert "$5 and $6" in render_markdown("costs \\$5 and \\$6")


def test_headings_sit_below_the_pages_own():
    html = render_markdown("# Big\n\n## Smaller\n\n###### Smallest")
    assert "<h3>Big</h3>" in html and "<h4>Smaller</h4>" in html and "<h6>Smallest</h6>" in html
    assert "<h1" not in html and "<h2" not in html


def test_every_link_is_marked_user_content_and_not_followed():
    html = render_markdown("[paper](https://arxiv.org/abs/2601.01234), <https://example.org>, "
                           "<someone@example.org>, [on this site](/papers/2601.01234)")
    found = links(html)
    assert [a["href"] for a in found] == ["https://arxiv.org/abs/2601.01234", "https://example.org",
                                          "mailto:someone@example.org", "/papers/2601.01234"]
    assert all(a["rel"] == "nofollow ugc noopener" for a in found)


@pytest.mark.parametrize("hostile", [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](  javascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<javascript:alert(1)>",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "[x](//evil.example/steal)",
])
def test_no_link_to_script_data_or_other_hosts_without_a_scheme(hostile):
    html = render_markdown(hostile)
    assert links(html) == []
    assert "x" in html or "alert" in html  # the text itself stays visible


@pytest.mark.parametrize("hostile, shown", [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
    ('<a href="javascript:alert(1)">x</a>', '&lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt;'),
    ("<!-- hidden --> text", "&lt;!-- hidden --&gt; text"),
    ("&lt;script&gt; &amp; &#x3C;b&#x3E;", "&lt;script&gt; &amp; &lt;b&gt;"),
])
def test_raw_html_is_shown_as_text(hostile, shown):
    html = render_markdown(hostile)
    assert shown in html
    assert not [tag for tag, _ in Tags(html).tags if tag not in ("p",)]


def test_images_are_not_embedded():
    """No tracking pixels and no data: images; the alt text and an http(s) link remain."""
    html = render_markdown("![pixel](https://tracker.example/p.gif) ![](data:image/png;base64,iVBORw0KGgo=)")
    assert "<img" not in html
    assert [a["href"] for a in links(html)] == ["https://tracker.example/p.gif"]


def test_math_cannot_smuggle_a_link():
    html = render_markdown(r"$\href{javascript:alert(1)}{click}$ and $\href{https://example.org}{x}$")
    assert html.count("<math") == 2 and "<mi>c</mi><mi>l</mi>" in html  # the text is kept...
    assert all("href" not in attrs for _, attrs in Tags(html).tags)  # ...the link is not


def test_an_emphasis_bomb_renders_in_bounded_output():
    for bomb in ("*" * 50_000, "*a " * 20_000, "_" * 50_000, "**" * 25_000 + "x"):
        html = render_markdown(bomb)
        assert len(html) < 2 * len(bomb) + 100


def test_ten_thousand_nested_quotes_stop_at_the_nesting_limit():
    html = render_markdown(">" * 10_000 + " deep")
    assert 0 < html.count("<blockquote>") <= 20


_MARKDOWNISH = st.lists(st.sampled_from(list("ab \n*_`[]()<>!:/\\$&#;\"'=-~|") + [
    "javascript:", "data:", "http://x", "<script>", "onerror=", "&#106;", "\\(", "\\)", "$$"]), max_size=80).map("".join)


@settings(max_examples=300, deadline=None)
@given(_MARKDOWNISH)
def test_whatever_is_written_only_allowed_tags_and_links_come_out(body):
    for tag, attrs in Tags(render_markdown(body)).tags:
        assert tag not in ("script", "img", "iframe", "style", "object")
        assert not any(name.startswith("on") for name in attrs)
        if tag == "a":
            assert ALLOWED_LINK.match(attrs["href"]) and urlsplit(attrs["href"]).scheme.lower() in ("", "http", "https", "mailto")
