"""Daily Papers page captures: title line, abstract line; page chrome and junk never become papers."""

import io
from datetime import date
from pathlib import Path

import pytest

from paperwire.paper import BadRecord, Paper, title_id
from paperwire.sources import arxiv_jsonl, beir, capture, hf_json, kaggle

FIXTURES = Path(__file__).parent.parent / "fixtures"
SEEDS = Path(__file__).parents[3] / "shared" / "seeds"
TODAY = date(2025, 1, 15)


def parse_text(text: str, origin: str = "page.txt", today: date = TODAY) -> list:
    return list(capture.parse(io.BytesIO(text.encode("utf-8")), origin, today=today))


def parse_fixture(name: str) -> list:
    with open(FIXTURES / name, "rb") as stream:
        return list(capture.parse(stream, name, today=TODAY))


def test_layout_with_blank_lines_and_a_date_line():
    mrl, matryoshka_2d = parse_fixture("capture_blank_lines.txt")
    assert mrl.title == "Matryoshka Representation Learning"
    assert mrl.id == title_id("Matryoshka Representation Learning") and mrl.arxiv_id is None
    assert mrl.abstract.startswith("Learned representations are a central component")
    assert mrl.code_links == ("https://github.com/RAIVNLab/MRL",)
    assert mrl.listing_date == date(2024, 6, 3)  # "Jun 3": the latest June 3 not after TODAY
    assert (mrl.extra, matryoshka_2d.extra) == ({"rank": 1}, {"rank": 2})
    assert mrl.source == "capture"


def test_layout_without_blank_lines_and_subscribe_glued_to_the_first_title():
    alpaca, nin = parse_fixture("capture_glued.txt")
    assert alpaca.title == "Interpretability at Scale: Identifying Causal Mechanisms in Alpaca"
    assert nin.title == "Network In Network"
    assert alpaca.listing_date is None


def test_year_of_a_date_line_is_the_most_recent_not_after_today():
    body = "Dec 30\nA Title\nAn abstract that is long enough to be one, and ends like a sentence does.\n"
    (paper,) = parse_text(body, today=date(2025, 1, 15))
    assert paper.listing_date == date(2024, 12, 30)
    (paper,) = parse_text(body.replace("Dec 30", "Jan 2"), today=date(2025, 1, 15))
    assert paper.listing_date == date(2025, 1, 2)
    (paper,) = parse_text(body.replace("Dec 30", "Feb 29"), today=date(2025, 1, 15))
    assert paper.listing_date == date(2024, 2, 29)
    (paper,) = parse_text(body.replace("Dec 30", "Mar 11, 2023"))
    assert paper.listing_date == date(2023, 3, 11)


def test_parse_works_without_today():
    (paper,) = capture.parse(io.BytesIO(b"Jun 3\nT\n" + b"An abstract. " * 20), "page.txt")
    assert paper.listing_date.month == 6 and paper.listing_date <= date.today()


def test_chrome_and_trailing_junk_never_become_papers():
    page = (FIXTURES / "capture_blank_lines.txt").read_text() + "\nLoad more\n\nPrivacy Terms\n"
    items = parse_text(page)
    papers = [item for item in items if isinstance(item, Paper)]
    bad = [item for item in items if isinstance(item, BadRecord)]
    assert [p.title for p in papers] == ["Matryoshka Representation Learning", "2D Matryoshka Sentence Embeddings"]
    assert [b.where for b in bad] == ["page.txt:line 19", "page.txt:line 21"]
    assert all("no abstract" in b.reason for b in bad)


def test_a_title_without_abstract_does_not_swallow_the_next_entry():
    abstract = "We study things carefully and report results that are long enough to look like an abstract. " * 3
    page = f"First Title Whose Abstract Went Missing\nSecond Title\n{abstract}\n{abstract}\n"
    items = parse_text(page)
    assert isinstance(items[0], BadRecord) and items[0].where == "page.txt:line 1"
    assert items[1].title == "Second Title"
    assert isinstance(items[2], BadRecord) and "no title line before it" in items[2].reason
    assert len(items) == 3


def test_hostile_lines():
    abstract = "An abstract line that is long enough and ends with a full stop, as abstracts do."
    page = (
        b"<script>alert(1)</script> Title\n" + abstract.encode() + b"\n"
        + b"Bad \xff\xfe bytes\n"
        + b"x" * (2 * 1024 * 1024) + b"\n"
        + "Caf\u00e9 \u202eRTL\u202c \U0001f9ea\n".encode() + abstract.encode() + b"\n"
    )
    items = list(capture.parse(io.BytesIO(page), "hostile.txt", today=TODAY))
    papers = [item for item in items if isinstance(item, Paper)]
    bad = {item.where: item.reason for item in items if isinstance(item, BadRecord)}
    assert [p.title for p in papers] == ["<script>alert(1)</script> Title", "Caf\u00e9 \u202eRTL\u202c \U0001f9ea"]
    assert "not valid UTF-8" in bad["hostile.txt:line 3"]
    assert "byte limit" in bad["hostile.txt:line 4"]


def test_the_four_seed_pages_give_453_unique_papers():
    seeds = sorted(SEEDS.glob("*.txt")) if SEEDS.exists() else []
    if len(seeds) != 4:
        pytest.skip(f"the 4 seed captures are not in {SEEDS}")
    items = []
    for seed in seeds:
        with open(seed, "rb") as stream:
            items += list(capture.parse(stream, seed.name, today=TODAY))
    assert not [item for item in items if isinstance(item, BadRecord)]
    assert len(items) == 509
    assert len({item.id for item in items}) == 453
    titles = {item.title for item in items}
    assert not titles & {"new", "Subscribe", "Daily Papers", "by AK and the research community", "Jun 3", "Mar 11"}
    assert "Interpretability at Scale: Identifying Causal Mechanisms in Alpaca" in titles
    assert {item.listing_date for item in items} == {None, date(2024, 6, 3), date(2024, 3, 11)}


def test_each_fixture_is_claimed_by_its_own_format_only():
    """The sniffers of this package's formats, tried in the registry order, pick the right one;
    capture (tried last) must not claim JSON or XML inputs."""
    modules = (kaggle, arxiv_jsonl, beir, hf_json, capture)
    expected = {
        "kaggle_snapshot.jsonl": "kaggle",
        "arxiv_listing.jsonl": "arxiv-jsonl",
        "beir_corpus.jsonl": "beir",
        "hf_daily_papers.json": "hf-json",
        "hf_paper.json": "hf-json",
        "capture_blank_lines.txt": "capture",
        "capture_glued.txt": "capture",
    }
    for path in sorted(FIXTURES.iterdir()):
        if path.suffix not in {".json", ".jsonl", ".txt", ".xml"}:
            continue
        head = path.read_bytes()[:65536]
        claimed = [module.FORMAT for module in modules if module.sniff(head)]
        assert claimed[:1] == ([expected[path.name]] if path.name in expected else []), path.name
    assert not capture.sniff(b'{"id": "x"}\n') and not capture.sniff(b"<?xml version='1.0'?><OAI-PMH/>")
    assert not capture.sniff(b"\x1f\x8b\x08\x00\x00\x00\x00\x00")
