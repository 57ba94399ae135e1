"""Hugging Face papers API JSON: daily_papers items, single paper objects, search results, JSON lines."""

import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import orjson
import pytest

from paperwire.paper import BadRecord
from paperwire.sources import FormatError, hf_json

FIXTURES = Path(__file__).parent.parent / "fixtures"


def parse_bytes(data: bytes, origin: str = "daily.json") -> list:
    return list(hf_json.parse(io.BytesIO(data), origin))


def daily_items() -> list[dict]:
    return orjson.loads((FIXTURES / "hf_daily_papers.json").read_bytes())


def test_daily_papers_item_maps_every_field():
    textbook, video = parse_bytes((FIXTURES / "hf_daily_papers.json").read_bytes())
    assert textbook.id == textbook.arxiv_id == "2501.00958"
    assert textbook.title == "2.5 Years in Class: A Multimodal Textbook for Vision-Language Pretraining"
    assert textbook.authors == ("Wenqi Zhang", "Hang Zhang", "Xin Li")
    assert textbook.upvotes == 99
    assert textbook.published_date == date(2024, 12, 31)
    assert textbook.listing_date == date(2025, 1, 2)  # the day it was on Daily Papers
    assert textbook.code_links == (
        "https://github.com/DAMO-NLP-SG/multimodal_textbook",
        "https://multimodal-interleaved-textbook.github.io/",
    )
    assert textbook.extra == {
        "ai_summary": "A multimodal textbook corpus built from instructional videos improves VLM pretraining.",
        "ai_keywords": ["Vision-Language Models", "interleaved corpora", "instructional videos"],
        "num_comments": 4,
        "submitted_by": "akhaliq",
        "submitted_on_daily_at": "2025-01-02T00:47:12.133Z",
    }
    assert textbook.source == "hf-json"
    assert video.code_links == ()
    assert "num_comments" not in video.extra  # zero counts are not stored
    assert video.listing_date == date(2025, 1, 3)


def test_single_paper_object_pretty_printed():
    (paper,) = parse_bytes((FIXTURES / "hf_paper.json").read_bytes(), "paper.json")
    assert paper.id == "2412.19437" and paper.title == "DeepSeek-V3 Technical Report"
    assert paper.upvotes == 120
    assert paper.code_links == ("https://github.com/deepseek-ai/DeepSeek-V3",)
    assert paper.listing_date == date(2024, 12, 27)
    assert paper.extra["submitted_by"] == "akhaliq"  # from submittedOnDailyBy.user


def test_search_results_of_bare_and_nested_papers():
    bare = orjson.loads((FIXTURES / "hf_paper.json").read_bytes())
    nested = daily_items()[1]
    items = parse_bytes(orjson.dumps([bare, nested]), "search.json")
    assert [item.id for item in items] == ["2412.19437", "2501.01427"]


def test_json_lines_are_streamed():
    lines = b"\n".join(orjson.dumps(item) for item in daily_items())
    assert [item.id for item in parse_bytes(lines)] == ["2501.00958", "2501.01427"]


def test_without_daily_date_the_listing_date_is_published_at():
    paper = {"id": "2501.00001", "title": "T", "summary": "S", "publishedAt": "2025-01-01T23:30:00.000Z"}
    (item,) = parse_bytes(orjson.dumps(paper))
    assert item.listing_date == item.published_date == date(2025, 1, 1)
    assert item.upvotes == 0 and item.extra == {}


def test_bad_items_in_an_array_name_the_record_and_field():
    good = daily_items()[0]
    items = parse_bytes(orjson.dumps([
        good,
        "not an object",
        {"paper": {"id": "bogus", "title": "T"}},
        {"paper": {"id": "2501.00002", "title": "T", "upvotes": "many"}},
        {"paper": {"id": "2501.00003", "title": ""}, "title": ""},
        {"paper": {"id": "2501.00004", "title": "T", "publishedAt": "yesterday"}},
        {"paper": {"id": "2501.00005", "title": "<b>T</b>", "authors": [{"name": "A"}]}},
    ]))
    bad = {item.where: item.reason for item in items if isinstance(item, BadRecord)}
    assert list(bad) == [f"daily.json:record {n}" for n in (2, 3, 4, 5, 6)]
    assert "'id'" in bad["daily.json:record 3"] and "bogus" in bad["daily.json:record 3"]
    assert "'upvotes'" in bad["daily.json:record 4"]
    assert "title" in bad["daily.json:record 5"]
    assert "publishedAt" in bad["daily.json:record 6"]
    assert items[-1].title == "<b>T</b>" and items[-1].authors == ("A",)


def test_json_lines_with_a_bad_first_line_report_per_line():
    lines = [b"{broken", orjson.dumps(daily_items()[0])]
    items = parse_bytes(b"\n".join(lines), "daily.jsonl")
    assert isinstance(items[0], BadRecord) and items[0].where == "daily.jsonl:line 1"
    assert items[1].id == "2501.00958"


def test_a_truncated_document_is_a_format_error():
    data = (FIXTURES / "hf_daily_papers.json").read_bytes()[:-40]
    with pytest.raises(FormatError, match="daily.json"):
        parse_bytes(data)


def test_sniff_accepts_api_json_even_when_cut_off():
    data = (FIXTURES / "hf_daily_papers.json").read_bytes()
    assert hf_json.sniff(data[:1500])
    assert hf_json.sniff((FIXTURES / "hf_paper.json").read_bytes())
    assert not hf_json.sniff((FIXTURES / "beir_corpus.jsonl").read_bytes())


def test_a_cut_off_array_yields_every_record_before_the_damage():
    data = orjson.dumps([daily_items()[0]] * 3)[:-100]
    items = hf_json.parse(io.BytesIO(data), "dump.json")
    assert [next(items).id for _ in range(2)] == ["2501.00958", "2501.00958"]
    with pytest.raises(FormatError, match=r"dump.json: not valid JSON after 2 record"):
        next(items)


def test_json_lines_after_blank_lines_keep_their_line_numbers():
    lines = [b"", b"", b"{broken", orjson.dumps(daily_items()[0])]
    items = parse_bytes(b"\n".join(lines), "daily.jsonl")
    assert items[0].where == "daily.jsonl:line 3"
    assert items[1].id == "2501.00958"


MEASURE_PEAK = """
import resource, sys
from paperwire.sources import hf_json

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux

before = peak()
with open(sys.argv[1], "rb") as stream:
    count = sum(1 for _ in hf_json.parse(stream, sys.argv[1]))
print(count, peak() - before)
"""


def test_a_large_array_is_read_one_item_at_a_time(tmp_path):
    # An API dump several times larger than the memory its parse may take: whole-file
    # parsing grew the process by ~5x the file (136 MB -> +712 MiB).
    path = tmp_path / "dump.json"
    item = daily_items()[0]
    item["paper"]["summary"] = "streaming " * 120
    with open(path, "wb") as out:
        out.write(b"[")
        for number in range(20_000):
            item["paper"]["id"] = f"2501.{number:05d}"
            out.write((b"," if number else b"") + orjson.dumps(item))
        out.write(b"]")
    size = path.stat().st_size
    result = subprocess.run([sys.executable, "-c", MEASURE_PEAK, str(path)], capture_output=True, text=True,
                            check=True)
    count, growth = map(int, result.stdout.split())
    assert count == 20_000
    assert size > 25 * 2**20 and growth < 8 * 2**20, f"peak memory grew by {growth:,} bytes for a {size:,}-byte file"
