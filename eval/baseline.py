"""The plain LangChain baseline: whole cleaned notices, RecursiveCharacterTextSplitter 500/50, FAISS, answer = top chunk.

Its chunks ignore clause boundaries, so a chunk "cites" every clause it covers (`covers`): the clause's
first 30 characters are in the chunk, or the two share a run of at least min(100, half the clause)
characters. This is lenient on purpose: the baseline gets credit for a gold clause that is only part
of its top chunk, and its answer accuracy is judged on the whole chunk, not a first sentence.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

from langchain_community.vectorstores import FAISS
from langchain_text_splitters import RecursiveCharacterTextSplitter

from eval.metrics import Prediction
from retriever.clean import decode, clean_text
from retriever.index import Index, notice_files, read_catalog
from retriever.models import Clause

CHUNK_SIZE, CHUNK_OVERLAP = 500, 50
HEAD_CHARS = 30  # a clause is covered when its opening is in the chunk ...
RUN_CHARS = 100  # ... or the chunk shares min(RUN_CHARS, half the clause) consecutive characters with it
TOP_K = 3


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def covers(chunk: str, clause_text: str) -> bool:
    """Whether a baseline chunk counts as citing a clause (see the module docstring)."""
    piece, whole = _flat(chunk), _flat(clause_text)
    if not whole:
        return False
    if whole[:HEAD_CHARS] in piece:
        return True
    run = max(1, min(RUN_CHARS, len(whole) // 2))
    short, long = (piece, whole) if len(piece) <= len(whole) else (whole, piece)
    return any(short[i:i + run] in long for i in range(len(short) - run + 1))


class PlainPipeline:
    """Split, embed with the index's embedder, search; no question analysis, no clause structure, no abstention."""

    def __init__(self, kb_dir: Path, index: Index) -> None:
        started = time.perf_counter()
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        catalog = read_catalog(kb_dir)
        texts, metadatas = [], []
        for path in notice_files(kb_dir):
            lines = clean_text(decode(path.read_bytes(), path.name)).lines
            doc_id = (catalog.get(path.name) or {}).get("doc_id")
            for piece in splitter.split_text("\n".join(lines)):
                metadatas.append({"doc_id": doc_id, "chunk": len(texts)})
                texts.append(piece)
        self.texts = texts
        self.store = FAISS.from_texts(texts, index.embedder, metadatas=metadatas)
        self.clauses_of_chunk = [self._covered(text, meta["doc_id"], index) for text, meta in zip(texts, metadatas)]
        self.build_seconds = round(time.perf_counter() - started, 2)

    @staticmethod
    def _covered(text: str, doc_id: str | None, index: Index) -> tuple[str, ...]:
        candidates: list[Clause] = index.clauses_of(doc_id) if doc_id in index.notices else list(index.clauses.values())
        return tuple(c.clause_id for c in candidates if covers(text, c.text))

    def predict(self, question: str) -> Prediction:
        started = time.perf_counter()
        docs = self.store.similarity_search(question, k=TOP_K)
        latency = (time.perf_counter() - started) * 1000
        chunks = [d.metadata["chunk"] for d in docs]
        return Prediction(
            answer=self.texts[chunks[0]] if chunks else "",
            abstained=False,
            cited=[self.clauses_of_chunk[i] for i in chunks],
            latency_ms=round(latency, 2),
            direct=self.texts[chunks[0]] if chunks else "",
        )
