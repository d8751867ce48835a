"""Hybrid retrieval: understand the question (type, region, year), then fuse FAISS and BM25 at clause level."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from retriever import patterns as P
from retriever.clean import fold, normalize_query
from retriever.index import Index, tokenize
from retriever.models import Clause

RRF_K = 60


class FilterError(ValueError):
    """An explicit filter names something the index does not have."""


@dataclass
class Query:
    text: str
    norm: str  # simplified, folded, with English terms glossed into Chinese
    qtype: str
    doc_ids: list[str] | None  # the notices the question is about; None = all
    regions: list[str] = field(default_factory=list)  # KB regions the question names
    unknown_places: list[str] = field(default_factory=list)  # places no notice covers
    years: list[int] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)  # subject words (no question words)
    segments: dict[str, str] = field(default_factory=dict)  # region -> the part of the question about it


@dataclass
class Hit:
    clause: Clause
    score: float  # fused rank score used for ordering
    dense: float  # best cosine of the clause's chunks
    coverage: float  # share of the question's subject words found in the clause


def gloss(norm: str) -> str:
    """Append the notices' words for English metrology terms and Chinese synonyms, so BM25 and fact
    matching work across languages and wordings."""
    extra = [zh for en, zh in P.GLOSSARY_EN.items() if re.search(rf"\b{re.escape(en)}\b", norm)]
    extra += [word for synonym, word in P.SYNONYMS_ZH.items() if synonym in norm]
    return norm + (" " + " ".join(extra) if extra else "")


def arabic_numerals(text: str) -> str:
    """三千项 → 3000项, 百分之九十二 → 92%, 二〇一一年 → 2011年, as notices write them (哪一年 stays)."""
    import warnings

    import cn2an

    def convert(m: re.Match) -> str:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return cn2an.transform(m.group(0), "cn2an")
            except (ValueError, KeyError):
                return m.group(0)

    return P.CHINESE_QUANTITY.sub(convert, text)


def years_named(norm: str) -> list[int]:
    years = [int(y) for y in re.findall(r"(?<!\d)(20\d\d|19\d\d)(?!\d)", norm)]
    years += [y for plan, y in P.FIVE_YEAR_PLAN_END.items() if plan in norm]
    return sorted(set(years))


def question_type(norm: str) -> str:
    for qtype, pattern in P.QUESTION_TYPES:
        if pattern.search(norm):
            return qtype
    return "general"


def _first_mention(norm: str, region: str) -> int:
    places = [region] + [alias for alias, r in P.REGION_ALIASES.items() if r == region]
    return min((i for p in places if (i := norm.find(p)) >= 0), default=len(norm))


def understand(index: Index, question: str, filters: dict | None = None) -> Query:
    """Type, named regions and years of a question, and which notices it is about."""
    norm = gloss(arabic_numerals(normalize_query(question)))
    regions = index.regions
    named = [r for r in regions if r in norm]
    named += [r for alias, r in P.REGION_ALIASES.items() if alias in norm and r in regions]
    named = sorted(dict.fromkeys(named), key=lambda r: _first_mention(norm, r))
    unknown = [p for p in P.PLACES if p in norm and p not in regions and not any(p in r or r in p for r in named)]
    unknown += [zh for en, zh in P.PLACES_EN.items() if re.search(rf"\b{en}\b", norm) and zh not in regions]
    qtype = question_type(norm)
    if len(named) > 1:
        qtype = "comparison"
    doc_ids = list(dict.fromkeys(d for r in named for d in regions[r])) or None
    doc_ids = apply_filters(index, doc_ids, filters)
    starts = [_first_mention(norm, r) for r in named]
    segments = {r: norm[a:b] for r, a, b in zip(named, starts, starts[1:] + [len(norm)])}
    return Query(question, norm, qtype, doc_ids, named, unknown, years_named(norm), subject_terms(norm, named), segments)


def subject_terms(text: str, regions: list[str]) -> list[str]:
    """The words of a question that name its subject: no question words, numbers or region names."""
    terms = [t for t in tokenize(text) if t not in P.QUESTION_STOPWORDS and not t.isdigit()
             and not any(t in r + "市省" or r in t for r in regions)]
    if any(not t.isascii() for t in terms):  # English words add nothing once glossed into Chinese
        terms = [t for t in terms if not t.isascii()]
    return terms


def apply_filters(index: Index, doc_ids: list[str] | None, filters: dict | None) -> list[str] | None:
    """Narrow the notices by explicit filters: doc_id, region, level, year. Unknown values raise FilterError."""
    if not filters:
        return doc_ids
    allowed = set(index.notices)
    checks = {
        "doc_id": lambda n, v: n.doc_id == v,
        "region": lambda n, v: n.region == v,
        "level": lambda n, v: n.level == v,
        "year": lambda n, v: n.year == int(v),
    }
    for key, value in filters.items():
        if value in (None, ""):
            continue
        if key not in checks:
            raise FilterError(f"unknown filter {key!r}; use one of {', '.join(checks)}")
        matched = {d for d, n in index.notices.items() if checks[key](n, value)}
        if not matched:
            known = sorted({str(getattr(n, key if key != 'year' else 'year')) for n in index.notices.values()})
            raise FilterError(f"no notice has {key}={value!r}; known values: {', '.join(known)}")
        allowed &= matched
    if doc_ids is not None:
        allowed &= set(doc_ids)
    return sorted(allowed)


def _dense(index: Index, qvec: np.ndarray, rows: np.ndarray | None, k: int) -> dict[int, float]:
    if rows is None:
        scores, ids = index.store.index.search(qvec[None, :], min(k, len(index.chunks)))
        return {int(i): float(s) for i, s in zip(ids[0], scores[0]) if i >= 0}
    sims = index.vectors[rows] @ qvec
    top = np.argsort(-sims)[:k]
    return {int(rows[i]): float(sims[i]) for i in top}


def _lexical(index: Index, tokens: list[str], rows: np.ndarray | None, k: int) -> dict[int, float]:
    if not tokens:
        return {}
    scores = np.asarray(index.bm25.vectorizer.get_scores(tokens))
    if rows is not None:
        mask = np.zeros_like(scores, dtype=bool)
        mask[rows] = True
        scores = np.where(mask, scores, 0.0)
    top = np.argsort(-scores)[:k]
    return {int(i): float(scores[i]) for i in top if scores[i] > 0}


def is_bare_heading(clause: Clause) -> bool:
    """A chapter or section line with no text of its own (二、完善…体系建设): structure, not an answer."""
    return clause.kind in ("chapter", "section") and "\n" not in clause.text and "。" not in clause.text \
        and len(clause.text) <= len(clause.heading) + 8


def coverage(terms: list[str], text: str) -> float:
    if not terms:
        return 0.0
    folded = fold(text)
    return sum(1 for t in terms if t in folded) / len(terms)


def retrieve(index: Index, query: Query, k: int = 8, mode: str = "hybrid") -> list[Hit]:
    """Clauses ranked for the question: dense and/or lexical chunk ranks fused (RRF) and pooled per clause."""
    rows = None
    if query.doc_ids is not None:
        rows = np.concatenate([index.doc_chunks[d] for d in query.doc_ids if d in index.doc_chunks] or [np.array([], int)])
        if rows.size == 0:
            return []
    fetch = max(4 * k, 40)
    qvec = np.asarray(index.embedder.embed_query(query.norm), dtype="float32")
    dense = _dense(index, qvec, rows, fetch)
    lexical = _lexical(index, tokenize(query.norm), rows, fetch) if mode != "dense" else {}
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
    hits = sorted(pooled.values(), key=lambda h: h.score + 0.004 * h.coverage, reverse=True)
    return hits[:k]
