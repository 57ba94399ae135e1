"""Queries on the CPU go through ONNX Runtime with 8-bit weights: the vectors must stay the model's own."""

import numpy as np

from paperwire.search.embedder import QUERY_MAX_TOKENS, Embedder
from paperwire.search.query_encoder import OnnxQueryEncoder, onnx_path


def pytorch_vector(text: str) -> np.ndarray:
    return Embedder().embed([text], max_tokens=QUERY_MAX_TOKENS)[0]


def test_the_search_service_embeds_queries_through_an_onnx_export_in_the_home(search_index):
    by_service = search_index.service.embedder.embed_query("neural networks")
    assert onnx_path(search_index.settings.home / "models").is_file()
    assert float(np.dot(by_service, pytorch_vector("neural networks"))) > 0.999


def test_onnx_query_vectors_point_where_pytorch_ones_do_for_any_text(search_index):
    search_index.service.embedder.embed_query("export the model first")
    with_onnx = Embedder(query_encoder=OnnxQueryEncoder(search_index.settings.home / "models"))
    for query in ("matryoshka embedding dimension", "ÜBER $\\alpha$-nets 🚀 <script>", "word " * 300, ""):
        vector = with_onnx.embed_query(query)
        assert abs(float(np.linalg.norm(vector)) - 1) < 1e-5
        assert float(np.dot(vector, pytorch_vector(query or " "))) > 0.998
