"""Two baselines MetroKB is measured against in the same run.

- PlainPipeline: whole cleaned documents, RecursiveCharacterTextSplitter 500/50, FAISS, answer = top chunk.
- LineBM25: the independent lexical baseline — BM25 over every line of every document file, answer = the
  top line. No MetroKB code reads, cleans, retrieves or answers: files are decoded with Python's codecs,
  converted with OpenCC, tokenised with rjieba, scored with rank_bm25.

Their answers ignore clause boundaries, so a chunk or line "cites" every clause it covers (`covers`): the
clause's first 30 characters are in it, or the two share a run of at least min(100, half the clause)
characters. This is lenient on purpose: a baseline gets credit for a gold clause that is only part of its top
chunk, and its answer accuracy is judged on the whole chunk or line, not a first sentence.
"""

from __future__ import annotations

import re
import time
import unicodedata
from pathlib import Path

from langchain_community.vectorstores import FAISS
from langchain_text_splitters import RecursiveCharacterTextSplitter

from eval.metrics import Prediction
from retriever.documents.clean import clean_text, decode
from retriever.index import Index
from retriever.models import Clause

CHUNK_SIZE, CHUNK_OVERLAP = 500, 50
HEAD_CHARS = 30  # a clause is covered when its opening is in the chunk ...
RUN_CHARS = 100  # ... or the chunk shares min(RUN_CHARS, half the clause) consecutive characters with it
MIN_INSIDE = 6  # ... or, for a line of a file, it has this many characters and lies inside the clause
TOP_K = 3


def _flat(text: str) -> str:
    """Text compared for coverage: NFKC (full- and half-width alike), no spaces, no Markdown heading marks."""
    return re.sub(r"[\s#]+", "", unicodedata.normalize("NFKC", text))


def covers(chunk: str, clause_text: str, line: bool = False) -> bool:
    """Whether a baseline chunk counts as citing a clause (see the module docstring); a `line` of a file also
    cites the clause it lies inside."""
    piece, whole = _flat(chunk), _flat(clause_text)
    if not whole:
        return False
    if whole[:HEAD_CHARS] in piece or (line and len(piece) >= MIN_INSIDE and piece in whole):
        return True
    run = max(1, min(RUN_CHARS, len(whole) // 2))
    short, long = (piece, whole) if len(piece) <= len(whole) else (whole, piece)
    return any(short[i : i + run] in long for i in range(len(short) - run + 1))


class PlainPipeline:
    """Split, embed with the index's embedder, search; no question analysis, no clause structure, no abstention."""

    def __init__(self, files: list[Path], index: Index) -> None:
        started = time.perf_counter()
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        doc_of = {n.file: d for d, n in index.notices.items()}
        texts, metadatas = [], []
        for path in files:
            lines = clean_text(decode(path.read_bytes(), path.name)).lines
            doc_id = doc_of.get(path.name)
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


class LineBM25:
    """BM25 (rank_bm25, rjieba tokens of OpenCC-simplified text) over every line of every file; answer = top line."""

    def __init__(self, files: list[Path], index: Index) -> None:
        import opencc
        import rjieba
        from rank_bm25 import BM25Okapi

        started = time.perf_counter()
        self._t2s, self._cut = opencc.OpenCC("t2s"), rjieba.cut_for_search
        doc_of = {n.file: d for d, n in index.notices.items()}
        self.lines: list[str] = []
        self.docs: list[str | None] = []
        for path in files:
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("gb18030", errors="replace")
            for line in text.splitlines():
                if line.strip():
                    self.lines.append(line.strip())
                    self.docs.append(doc_of.get(path.name))
        self.bm25 = BM25Okapi([self._tokens(line) or ["_"] for line in self.lines])
        self.index = index
        self._cited: dict[int, tuple[str, ...]] = {}
        self.build_seconds = round(time.perf_counter() - started, 2)

    def _tokens(self, text: str) -> list[str]:
        return [t for t in self._cut(self._t2s.convert(text).lower()) if t.strip() and any(c.isalnum() for c in t)]

    def _covered(self, row: int) -> tuple[str, ...]:
        if row not in self._cited:
            doc_id = self.docs[row]
            candidates = (
                self.index.clauses_of(doc_id) if doc_id in self.index.notices else list(self.index.clauses.values())
            )
            line = self._t2s.convert(self.lines[row])
            self._cited[row] = tuple(
                c.clause_id for c in candidates if covers(line, self._t2s.convert(c.text), line=True)
            )
        return self._cited[row]

    def predict(self, question: str) -> Prediction:
        started = time.perf_counter()
        scores = self.bm25.get_scores(self._tokens(question))
        top = sorted(range(len(scores)), key=lambda i: -scores[i])[:TOP_K]
        latency = (time.perf_counter() - started) * 1000
        line = self.lines[top[0]] if top else ""
        return Prediction(
            answer=line,
            abstained=False,
            cited=[self._covered(i) for i in top],
            latency_ms=round(latency, 2),
            direct=line,
        )
