"""Every API hands out titles and abstracts as plain text: TeX text macros resolved, math kept as typed."""

from __future__ import annotations

from lxml import etree

WITH_TEX = "2606.26100"  # abstract: We present \textbf{HierBias} ... the \emph{context-conditioned bias probability}
PRESENTED = "We present HierBias, a hierarchical context-conditioned media bias detector"
ATOM = "{http://www.w3.org/2005/Atom}"


def assert_plain(text: str) -> None:
    assert PRESENTED in text
    assert "the context-conditioned bias probability and" in text
    assert "\\textbf" not in text and "\\emph" not in text and "<strong>" not in text
    assert "$+2.6\\%$" in text  # math is the math renderer's, kept as typed


def test_json_api_abstract_is_plain_text(app_client):
    assert_plain(app_client.get(f"/api/v1/papers/{WITH_TEX}").json()["abstract"])


def test_hugging_face_api_summary_is_plain_text(app_client):
    assert_plain(app_client.get(f"/api/papers/{WITH_TEX}").json()["summary"])


def test_arxiv_api_summary_is_plain_text(app_client):
    feed = etree.fromstring(app_client.get(f"/api/query?id_list={WITH_TEX}").content)
    assert_plain(feed.find(f"{ATOM}entry/{ATOM}summary").text)
