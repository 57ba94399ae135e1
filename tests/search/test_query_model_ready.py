"""The query model is ready before the first reader searches: made by `paperwire index`, loaded at start-up."""

import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from paperwire.cli import main
from paperwire.config import load_settings
from paperwire.paper import make_paper
from paperwire.search.embedder import pick_device
from paperwire.search.query_encoder import onnx_path, query_model_dir
from paperwire.store import open_catalog
from paperwire.web.app import create_app

PAPERS = [
    ("2601.00001", "Choosing the embedding dimension of sentence encoders", "Smaller vectors, nearly the same recall."),
    ("2601.00002", "Dark bubbles and extra dimensions", "A cosmology with one extra dimension."),
]


@pytest.fixture(scope="module")
def indexed_home(tmp_path_factory):
    """Settings of a home with two papers, indexed by `paperwire index` as a user would."""
    settings = load_settings(home=tmp_path_factory.mktemp("ready") / "home", environ={})
    catalog = open_catalog(settings.catalog_url)
    catalog.store([make_paper(arxiv_id=arxiv_id, title=title, abstract=abstract, categories=["cs.CL"], source="test")
                   for arxiv_id, title, abstract in PAPERS])
    catalog.engine.dispose()
    result = CliRunner().invoke(main, ["--home", str(settings.home), "index", "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return settings


def export_of(settings):
    return onnx_path(query_model_dir(settings))


def test_index_leaves_the_query_model_exported_in_the_home(indexed_home):
    assert export_of(indexed_home).is_file()


def test_start_up_prepares_the_model_so_the_first_search_exports_nothing(indexed_home):
    shutil.rmtree(query_model_dir(indexed_home))  # say models/ was cleaned since `index`
    with TestClient(create_app(indexed_home)) as client:
        export = export_of(indexed_home)
        assert export.is_file()  # made at start-up, before any request
        made = export.stat()
        response = client.get("/search", params={"q": "embedding dimension"})
        assert response.status_code == 200 and "2601.00001" in response.text
        assert export.stat().st_mtime_ns == made.st_mtime_ns and export.stat().st_ino == made.st_ino


def test_start_up_builds_the_routes_and_templates_so_a_first_request_builds_neither(indexed_home, monkeypatch):
    # Left to first use, each took ~0.4 s of some reader's first request after a restart.
    from fastapi import routing

    built_routes, compiled = [], []
    build_route = routing._EffectiveRouteContext.from_api_route  # FastAPI's per-route build

    def counted_build(cls, **parts):
        built_routes.append(parts["original_route"].path)
        return build_route(**parts)

    with TestClient(create_app(indexed_home)) as client:
        templates = client.app.state.templates
        compile_template = templates.compile

        def counted_compile(source, name=None, *args, **kwargs):
            compiled.append(name)
            return compile_template(source, name, *args, **kwargs)

        monkeypatch.setattr(routing._EffectiveRouteContext, "from_api_route", classmethod(counted_build))
        monkeypatch.setattr(templates, "compile", counted_compile)
        for path in ("/api/papers/search?q=embedding", "/search?q=embedding", "/", "/papers/2601.00001"):
            assert client.get(path).status_code == 200
    assert built_routes == [] and compiled == []


def test_a_new_export_replaces_the_one_an_earlier_version_left(indexed_home):
    models = query_model_dir(indexed_home)
    shutil.rmtree(models)
    models.mkdir()
    earlier = models / "all-minilm-l6-v2-53aa51172d142c89.onnx"  # the float export of earlier versions
    earlier.write_bytes(b"an earlier export")
    with TestClient(create_app(indexed_home)):
        assert export_of(indexed_home).is_file()
    assert sorted(models.iterdir()) == [export_of(indexed_home)]


def test_a_home_without_indexes_still_starts_and_says_what_to_run(settings, catalog):
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").status_code == 200
        page = client.get("/search", params={"q": "anything"})
        assert page.status_code == 503 and "paperwire index" in page.text
        assert client.get("/api/v1/search", params={"q": "anything"}).status_code == 503


@pytest.mark.skipif(pick_device() != "cpu", reason="with a GPU, queries are embedded by PyTorch")
def test_a_cpu_worker_answers_searches_without_loading_pytorch(indexed_home):
    script = (
        "import sys\n"
        "from fastapi.testclient import TestClient\n"
        "from paperwire.config import load_settings\n"
        "from paperwire.web.app import create_app\n"
        "with TestClient(create_app(load_settings(home=sys.argv[1], environ={}))) as client:\n"
        "    assert client.get('/api/v1/search', params={'q': 'embedding dimension'}).json()['items']\n"
        "print(sorted({'torch', 'transformers'} & set(sys.modules)))\n"
    )
    run = subprocess.run([sys.executable, "-c", script, str(indexed_home.home)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
