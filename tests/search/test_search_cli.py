"""The command line: `paperwire search`, `similar`, `index` on the small real index."""

import json

from click.testing import CliRunner

from paperwire.cli import main


def run(home, *args):
    return CliRunner().invoke(main, ["--home", str(home), *args], catch_exceptions=False)


def test_search_prints_json_with_the_parsed_query(search_index):
    result = run(search_index.settings.home, "search", "video cat:cs.CV -avatar", "-k", "3", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert len(data["hits"]) == 3
    assert data["query"]["filters"]["categories"] == ["cs.CV"] and data["query"]["excluded"] == ["avatar"]
    assert all("cs.CV" in hit["categories"] for hit in data["hits"])


def test_search_and_similar_print_readable_lists(search_index):
    assert "matching; showing" in run(search_index.settings.home, "search", "inheritance", "-k", "2").output
    output = run(search_index.settings.home, "similar", "2606.13751", "-k", "2").output
    assert output.startswith("  1. ") and "2606.13751" not in output


def test_a_search_whose_words_no_paper_holds_says_so(search_index):
    printed = run(search_index.settings.home, "search", "zzzzqqq", "-k", "3")
    assert printed.output.startswith("no paper contains these words; closest by meaning:")
    as_json = json.loads(run(search_index.settings.home, "search", "zzzzqqq", "-k", "3", "--json").output)
    assert as_json["matched_words"] is False


def test_similar_with_an_unknown_id_says_what_is_wrong(search_index):
    result = run(search_index.settings.home, "similar", "2601.99999")
    assert result.exit_code != 0 and "no paper" in result.output


def test_search_before_indexing_tells_the_user_to_index(settings, catalog):
    result = run(settings.home, "search", "anything")
    assert result.exit_code != 0 and "paperwire index" in result.output
