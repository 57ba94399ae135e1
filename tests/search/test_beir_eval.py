"""`paperwire eval beir`: scores on a BEIR dataset, with a work directory that spares re-embedding."""

import json

from click.testing import CliRunner

from paperwire.cli import main

CORPUS = {
    "d1": ("Aspirin and heart attacks", "Daily low-dose aspirin lowers the risk of a first heart attack."),
    "d2": ("Vitamin D and bone density", "Vitamin D supplements raise bone mineral density in older women."),
    "d3": ("Coffee and sleep", "Caffeine taken late in the day shortens sleep and delays its onset."),
    "d4": ("Exercise and memory", "Aerobic exercise enlarges the hippocampus and improves spatial memory."),
}
QUERIES = {"q1": "aspirin prevents heart attacks", "q2": "caffeine disturbs sleep"}
QRELS = {"q1": "d1", "q2": "d3"}


def beir_dataset(directory):
    directory.mkdir()
    (directory / "corpus.jsonl").write_text("".join(
        json.dumps({"_id": i, "title": title, "text": text}) + "\n" for i, (title, text) in CORPUS.items()))
    (directory / "queries.jsonl").write_text("".join(
        json.dumps({"_id": i, "text": text}) + "\n" for i, text in QUERIES.items()))
    (directory / "qrels").mkdir()
    (directory / "qrels" / "train.tsv").write_text(
        "query-id\tcorpus-id\tscore\n" + "".join(f"{q}\t{d}\t1\n" for q, d in QRELS.items()))
    return directory


def evaluate(*args):
    return CliRunner().invoke(main, ["eval", "beir", *map(str, args), "--split", "train", "--json"],
                              catch_exceptions=False)


def test_a_work_directory_keeps_the_vectors_so_a_rerun_embeds_nothing(tmp_path):
    dataset, work = beir_dataset(tmp_path / "tiny"), tmp_path / "work"
    first = json.loads(evaluate(dataset, "--work-dir", work).stdout)
    again = json.loads(evaluate(dataset, "--work-dir", work).stdout)
    assert (first["embedded"], again["embedded"]) == (len(CORPUS), 0)
    assert first["hybrid"] == again["hybrid"] and again["hybrid"]["ndcg@10"] == 1.0
    assert again["documents"] == len(CORPUS) and again["queries"] == len(QUERIES)


def test_json_goes_to_stdout_and_progress_to_stderr(tmp_path):
    result = evaluate(beir_dataset(tmp_path / "tiny"))
    assert json.loads(result.stdout)["keyword"]["recall@100"] == 1.0
    assert "queries" in result.stderr and "100%" in result.stderr


def test_a_work_directory_refuses_another_dataset(tmp_path):
    work = tmp_path / "work"
    evaluate(beir_dataset(tmp_path / "tiny"), "--work-dir", work)
    result = evaluate(beir_dataset(tmp_path / "other"), "--work-dir", work)
    assert result.exit_code != 0
    assert "its own --work-dir" in result.stderr and str(tmp_path / "tiny") in result.stderr


def test_the_postgres_backend_is_scored_in_a_database_of_its_own_that_is_dropped(tmp_path, postgres_server):
    dataset, work = beir_dataset(tmp_path / "tiny"), tmp_path / "work"
    evaluate(dataset, "--work-dir", work)  # embeds once; the postgres run then copies those vectors
    databases_before = postgres_server.psql("SELECT datname FROM pg_database;")
    scored = json.loads(evaluate(dataset, "--work-dir", work, "--backend", "postgres",
                                 "--database-url", postgres_server.get_uri("postgres")).stdout)
    assert scored["backend"] == "postgres" and scored["embedded"] == 0
    assert scored["hybrid"]["ndcg@10"] == 1.0 and scored["keyword"]["recall@100"] == 1.0
    assert postgres_server.psql("SELECT datname FROM pg_database;") == databases_before


def test_the_postgres_backend_needs_a_server_to_search_in(tmp_path):
    result = evaluate(beir_dataset(tmp_path / "tiny"), "--backend", "postgres")
    assert result.exit_code == 2 and "--database-url" in result.stderr
