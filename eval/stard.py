"""STARD (../shared/stard): 1,116 questions of non-lawyers over 40 general Chinese laws, each labelled with the
articles that answer it. Each question is asked through the same `ask` as POST /ask with top_k 10, over an index
of kb/, the shared regulations and the STARD laws (the grown knowledge base); the ranking is the answer's
citations, then its related clauses, in order, one entry per article. An article is named as STARD names it: its
document's title without 中华人民共和国, plus its article number (民法典第五十六条).

Beside it, in the same run, an independent BM25 over the same articles (character bigrams, k1 1.2, b 0.75: a plain
Okapi BM25 that shares nothing with MetroKB's retrieval). Metrics as STARD defines them, per question then averaged:
Hit@1, Recall@10 = |gold ∩ top 10| / |gold|, MRR@10. Nothing is tuned on these questions.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections import Counter
from pathlib import Path

from retriever.config import ROOT

STARD = ROOT.parent / "shared" / "stard"
QUESTIONS = STARD / "train.jsonl"
ARTICLE = re.compile(r"^第[零〇一二三四五六七八九十百千]+条")
TOP = 10


def load_questions(path: Path = QUESTIONS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def title_key(title: str) -> str:
    """中华人民共和国民法典 → 民法典; 最高人民法院关于适用《中华人民共和国民法典》…的解释 → …《民法典》…"""
    return title.strip().strip("《》").replace("中华人民共和国", "")


def article_key(index, clause_id: str) -> str | None:
    """The STARD name of the article a clause is or lies in (民法典第五十六条), None for a clause of no article."""
    clause = index.clauses.get(clause_id)
    if clause is None:
        return None
    rest = clause_id[len(clause.doc_id) + 1 :].split("/")
    number = next((p for p in rest if ARTICLE.match(p)), None)
    if number is None:
        return None
    return title_key(index.notices[clause.doc_id].title) + ARTICLE.match(number).group(0)


def articles(index) -> dict[str, str]:
    """Every article of the index by its STARD name → its text (an article's clauses joined)."""
    out: dict[str, list[str]] = {}
    for clause_id, clause in index.clauses.items():
        key = article_key(index, clause_id)
        if key:
            out.setdefault(key, []).append(clause.text)
    return {k: "\n".join(v) for k, v in out.items()}


class BigramBM25:
    """Okapi BM25 over character bigrams of the articles (STARD's baseline, written here from the formula)."""

    def __init__(self, docs: dict[str, str], k1: float = 1.2, b: float = 0.75) -> None:
        self.keys = list(docs)
        self.tfs = [Counter(_bigrams(docs[k])) for k in self.keys]
        self.lengths = [sum(tf.values()) for tf in self.tfs]
        self.avg = sum(self.lengths) / max(1, len(self.lengths))
        df = Counter(g for tf in self.tfs for g in tf)
        n = len(self.keys)
        self.idf = {g: math.log(1 + (n - c + 0.5) / (c + 0.5)) for g, c in df.items()}
        self.k1, self.b = k1, b
        self.postings: dict[str, list[int]] = {}
        for i, tf in enumerate(self.tfs):
            for g in tf:
                self.postings.setdefault(g, []).append(i)

    def rank(self, question: str, k: int = TOP) -> list[str]:
        scores: dict[int, float] = {}
        for g in set(_bigrams(question)):
            idf = self.idf.get(g)
            if idf is None:
                continue
            for i in self.postings[g]:
                tf = self.tfs[i][g]
                norm = tf + self.k1 * (1 - self.b + self.b * self.lengths[i] / self.avg)
                scores[i] = scores.get(i, 0.0) + idf * tf * (self.k1 + 1) / norm
        best = sorted(scores, key=scores.get, reverse=True)[:k]
        return [self.keys[i] for i in best]


def _bigrams(text: str) -> list[str]:
    chars = re.sub(r"[^\u4e00-\u9fff0-9A-Za-z]", "", text)
    return [chars[i : i + 2] for i in range(len(chars) - 1)]


def metrokb_ranking(index, question: str) -> list[str]:
    """MetroKB's articles for a question, as /ask returns them with top_k 10: citations, then related."""
    from retriever.answering.answer import ask

    answer = ask(index, question, top_k=TOP)
    keys = [article_key(index, c.clause_id) for c in [*answer.citations, *answer.related]]
    return list(dict.fromkeys(k for k in keys if k))[:TOP]


def measure(rankings: list[list[str]], golds: list[list[str]]) -> dict:
    hit1 = recall = mrr = 0.0
    for ranked, gold in zip(rankings, golds):
        gold_set = set(gold)
        hit1 += bool(ranked[:1] and ranked[0] in gold_set)
        recall += len(gold_set & set(ranked[:TOP])) / len(gold_set)
        mrr += next((1 / (r + 1) for r, key in enumerate(ranked[:TOP]) if key in gold_set), 0.0)
    n = max(1, len(golds))
    return {
        "n": len(golds),
        "hit@1": round(hit1 / n, 4),
        "recall@10": round(recall / n, 4),
        "mrr@10": round(mrr / n, 4),
    }


def evaluate(index, questions: list[dict], progress=None) -> dict:
    """MetroKB and the bigram BM25 on the questions, in the same run; gold articles the index lacks are counted."""
    arts = articles(index)
    bm25 = BigramBM25(arts)
    golds = [q["gold"] for q in questions]
    ours, theirs, seconds = [], [], []
    for n, q in enumerate(questions, 1):
        started = time.perf_counter()
        ours.append(metrokb_ranking(index, q["question"]))
        seconds.append(time.perf_counter() - started)
        theirs.append(bm25.rank(q["question"]))
        if progress:
            progress(n)
    missing = sorted({g for gold in golds for g in gold if g not in arts})
    return {
        "metrokb": measure(ours, golds),
        "bm25-bigrams": measure(theirs, golds),
        "articles": len(arts),
        "gold_articles_missing": missing,
        "seconds_per_question": round(sum(seconds) / max(1, len(seconds)), 3),
    }


def render(results: dict) -> str:
    lines = [
        f"STARD train questions: {results['metrokb']['n']}, articles indexed: {results['articles']}"
        f" (gold articles not found in the index: {len(results['gold_articles_missing'])})",
        "",
        "| system | Hit@1 | Recall@10 | MRR@10 |",
        "|---|---|---|---|",
    ]
    for name in ("metrokb", "bm25-bigrams"):
        r = results[name]
        lines.append(f"| {name} | {r['hit@1']:.2f} | {r['recall@10']:.2f} | {r['mrr@10']:.2f} |")
    return "\n".join(lines)
