"""Query vectors on the CPU through ONNX Runtime: the same model, about 5x sooner per query.

A query is one short text, so PyTorch's per-operator overhead, not arithmetic, dominates
its cost (docs/benchmarks.md). The model is exported to ONNX once, from the checked
weights, into a cache directory (``HOME/models``, by `paperwire index`). Its matrix weights
are then kept as 8-bit integers in blocks of 32, each block with its own scale, and
multiplied in int8: less than half the time of float weights, vectors within 0.999 cosine
of PyTorch's, SciFact's nDCG@10 unchanged (one scale per whole matrix, as plain dynamic
quantisation has, fell to 0.92 cosine).
Queries are tokenized by the model's own tokenizer file through the `tokenizers` library,
so answering them needs neither PyTorch nor transformers: a web worker starts in about a
second and holds ~250 MB instead of ~600 MB.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import warnings
from pathlib import Path

import numpy as np

from paperwire.config import Settings
from paperwire.search.embedder import MODEL_SHA256, QUERY_MAX_TOKENS, model_dir, verify_weights


def query_model_dir(settings: Settings) -> Path:
    """Where a home keeps its ONNX export of the query model."""
    return settings.home / "models"


EXPORT_PREFIX = "all-minilm-l6-v2-"
# Matrix weights as 8-bit integers in blocks of this many, multiplied in int8 (accuracy level 4).
WEIGHT_BITS, WEIGHT_BLOCK, INT8_ARITHMETIC = 8, 32, 4


def onnx_path(cache_dir: Path) -> Path:
    # Named by the weights' hash and their quantisation: a stale export is never served.
    return Path(cache_dir) / f"{EXPORT_PREFIX}{MODEL_SHA256[:16]}-w{WEIGHT_BITS}b{WEIGHT_BLOCK}.onnx"


def ensure_export(cache_dir: Path) -> Path:
    """The export in ``cache_dir``, made now when there is none (a few seconds, once per home)."""
    path = onnx_path(cache_dir)
    if not path.is_file():
        export_onnx(path)
        for stale in path.parent.glob(f"{EXPORT_PREFIX}*.onnx"):  # earlier exports: ~90 MB each
            if stale != path:
                stale.unlink(missing_ok=True)
    return path


def export_onnx(target: Path) -> None:
    """Export the checked model to ``target`` (atomically: a crash leaves no half file)."""
    import torch
    import transformers
    from transformers import AutoModel

    transformers.utils.logging.disable_progress_bar()
    directory = model_dir()
    verify_weights(directory)
    # Eager attention: the fused kernel's mask shortcut would be traced as a constant.
    model = AutoModel.from_pretrained(str(directory), attn_implementation="eager").eval()

    class HiddenStates(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    wrapper = HiddenStates().eval()
    example = (torch.tensor([[101, 7592, 102]]), torch.ones((1, 3), dtype=torch.long))
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".onnx.part")
    os.close(handle)
    try:
        # The tracer warns about Python branches it freezes: none depends on the input here.
        with torch.inference_mode(False), torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                wrapper, example, temporary, input_names=["input_ids", "attention_mask"],
                output_names=["hidden"], opset_version=17, dynamo=False,
                dynamic_axes={name: {0: "batch", 1: "tokens"} for name in ("input_ids", "attention_mask", "hidden")},
            )
        quantize_weights(temporary)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def quantize_weights(path: str) -> None:
    """Rewrite the model at ``path`` with its MatMul weights in scaled 8-bit blocks."""
    import onnx

    # The quantizer's module calls logging.basicConfig(level=INFO) on import, which would print
    # every later INFO record of this process: a handler on the root logger makes that a no-op.
    root, guard = logging.getLogger(), logging.NullHandler()
    root.addHandler(guard)
    try:
        from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer
    finally:
        root.removeHandler(guard)
    logging.getLogger(MatMulNBitsQuantizer.__module__).setLevel(logging.WARNING)  # a line a node otherwise
    quantizer = MatMulNBitsQuantizer(onnx.load(path), bits=WEIGHT_BITS, block_size=WEIGHT_BLOCK,
                                     is_symmetric=True, accuracy_level=INT8_ARITHMETIC)
    quantizer.process()
    quantizer.model.save_model_to_file(path, use_external_data_format=False)


class OnnxQueryEncoder:
    """Mean-pooled, unit-length vectors of texts cut at QUERY_MAX_TOKENS, as Embedder computes them."""

    def __init__(self, cache_dir: Path, threads: int | None = None):
        self.cache_dir = Path(cache_dir)
        self.threads = threads
        self._lock = threading.Lock()
        self._session = None
        self._tokenizer = None

    def load(self) -> None:
        """Open the export (made first if missing) and the tokenizer; the first query needs both."""
        if self._session is not None:
            return
        with self._lock:
            if self._session is None:
                import onnxruntime
                from tokenizers import Tokenizer

                options = onnxruntime.SessionOptions()
                if self.threads:
                    options.intra_op_num_threads = self.threads
                session = onnxruntime.InferenceSession(str(ensure_export(self.cache_dir)), options,
                                                       providers=["CPUExecutionProvider"])
                # The file pads every text to 128 tokens; one text at a time needs no padding.
                tokenizer = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
                tokenizer.no_padding()
                tokenizer.enable_truncation(QUERY_MAX_TOKENS)
                self._tokenizer, self._session = tokenizer, session

    def embed(self, text: str) -> np.ndarray:
        self.load()
        input_ids = np.array([self._tokenizer.encode(text).ids], dtype=np.int64)
        mask = np.ones_like(input_ids)
        hidden = self._session.run(None, {"input_ids": input_ids, "attention_mask": mask})[0][0]
        pooled = hidden.mean(axis=0)
        return (pooled / max(float(np.linalg.norm(pooled)), 1e-12)).astype(np.float32)
