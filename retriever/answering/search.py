"""Hybrid retrieval: FAISS and BM25 ranks of chunks, fused (RRF) and pooled per clause, over the documents a
question is about (see query.understand)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retriever.documents.clean import fold
from retriever.index import Index, tokenize
from retriever.models import Clause
from retriever.answering.query import Query

# Reciprocal-rank fusion constant (Cormack et al. 2009's 60: ranks below ~60 barely matter).
RRF_K = 60
# Weight of subject-word coverage added to the fused score when ordering clauses; set on the eval dev split
# (run of 2026-11-23): enough to break near-ties, never to lift a clause neither ranker found.
COVERAGE_WEIGHT = 0.004


@dataclass
class Hit:
    clause: Clause
    score: float  # fused rank score used for ordering
    dense: float  # best cosine of the clause's chunks
    coverage: float  # share of the question's subject words found in the clause


def _dense(index: Index, qvec: np.ndarray, rows: np.ndarray | None, k: int) -> dict[int, float]:
    if rows is None:
        scores, ids = index.store.index.search(qvec[None, :], min(k, len(index.chunks)))
        return {int(i): float(s) for i, s in zip(ids[0], scores[0]) if i >= 0}
    sims = index.vectors[rows] @ qvec
    top = np.argsort(-sims)[:k]
    return {int(rows[i]): float(sims[i]) for i in top}


def _lexical(
    index: Index, tokens: list[str], rows: np.ndarray | None, k: int, idf: dict[str, float]
) -> dict[int, float]:
    if not tokens:
        return {}
    scores = np.asarray(index.bm25.vectorizer.get_scores(tokens, idf))
    if rows is not None:
        mask = np.zeros_like(scores, dtype=bool)
        mask[rows] = True
        scores = np.where(mask, scores, 0.0)
    top = np.argsort(-scores)[:k]
    return {int(i): float(scores[i]) for i in top if scores[i] > 0}


def is_bare_heading(clause: Clause) -> bool:
    """A chapter or section line with no text of its own (二、完善…体系建设): structure, not an answer."""
    return (
        clause.kind in ("chapter", "section")
        and "\n" not in clause.text
        and "。" not in clause.text
        and len(clause.text) <= len(clause.heading) + 8
    )


def coverage(terms: list[str], text: str) -> float:
    if not terms:
        return 0.0
    folded = fold(text)
    return sum(1 for t in terms if t in folded) / len(terms)


def weighted_coverage(index: Index, terms: list[str], text: str, idf: dict[str, float] | None = None) -> float:
    """Share of the subject words found in text, each weighted by its idf (rare words count for more): the
    question's own weights (Query.idf) where given, else those over the whole index."""
    if not terms:
        return 0.0
    folded = fold(text)
    weights = [idf[t] if idf and t in idf else index.idf(t) for t in terms]
    return sum(w for t, w in zip(terms, weights) if t in folded) / sum(weights)


def meaning_coverage(query: Query, text: str) -> float:
    """coverage of the question's own words, each covered by itself or by the documents' words glossed from it
    (Query.meanings): 摊主 is covered by 贸易结算, without the gloss words counting as more words to hold. A word
    is counted once, not again as each of its parts (菜市场, not also 菜市 and 市场)."""
    if not query.meanings:
        return coverage(query.terms, text)
    folded = fold(text)
    words = [t for t in query.meanings if not any(t in other and t != other for other in query.meanings)]
    held = sum(1 for t in words if any(x in folded for x in [t, *query.meanings[t]]))
    return held / len(words)


def _scope(index: Index, query: Query, dense: dict[int, float]) -> list[str]:
    """The documents whose statistics weigh the question's words: those it names, else those of its nearest
    chunks by meaning. Documents on other subjects held beside them (forty laws beside eight metrology
    regulations) then leave the weights, and so the order of the metrology articles, as they were."""
    if query.doc_ids is not None:
        return list(query.doc_ids)
    return sorted({index.chunks[i].doc_id for i in dense})


def retrieve(index: Index, query: Query, k: int = 8, mode: str = "hybrid") -> list[Hit]:
    """Clauses ranked for the question: dense and/or lexical chunk ranks fused (RRF) and pooled per clause."""
    rows = None
    doc_ids = query.doc_ids
    if doc_ids is None and len(index.current) < len(index.notices):
        doc_ids = sorted(index.current)  # older versions answer only when asked for
    if doc_ids is not None:
        rows = np.concatenate([index.doc_chunks[d] for d in doc_ids if d in index.doc_chunks] or [np.array([], int)])
        if rows.size == 0:
            return []
    fetch = max(4 * k, 40)
    qvec = np.asarray(index.embedder.embed_query(query.norm), dtype="float32")
    dense = _dense(index, qvec, rows, fetch)
    tokens = tokenize(query.norm)
    query.idf = index.scope_idf(sorted({*tokens, *query.terms}), _scope(index, query, dense))
    lexical = _lexical(index, tokens, rows, fetch, query.idf) if mode != "dense" else {}
    if mode == "lexical":
        ranked_sources = [lexical]
    elif mode == "dense":
        ranked_sources = [dense]
    else:
        ranked_sources = [dense, lexical]
    fused: dict[int, float] = {}
    for source in ranked_sources:
        for rank, i in enumerate(sorted(source, key=source.get, reverse=True)):
            fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + rank)
    pooled: dict[str, Hit] = {}
    for i, score in fused.items():
        chunk = index.chunks[i]
        clause = index.clauses[chunk.clause_id]
        if is_bare_heading(clause):
            continue
        cos = float(index.vectors[i] @ qvec)
        hit = pooled.get(clause.clause_id)
        if hit is None:
            text = clause.text + clause.heading + index.notices[clause.doc_id].title
            pooled[clause.clause_id] = Hit(clause, score, cos, coverage(query.terms, text))
        else:
            hit.score, hit.dense = max(hit.score, score), max(hit.dense, cos)
    hits = sorted(pooled.values(), key=lambda h: h.score + COVERAGE_WEIGHT * h.coverage, reverse=True)
    return hits[:k]
