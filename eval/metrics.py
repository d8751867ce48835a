"""Scoring one answer against one evaluation item, and summarising many: citations, values, ALCE, abstention, latency.

ALCE (Gao et al., 2023) judges citations with an NLI model. MetroKB runs offline without one, so
`supports` is a transparent stand-in: a statement is supported by passages when every number and
every known unit name it states occurs in them and at least SUPPORT_OVERLAP of its character
bigrams do. The precision/recall arithmetic around it is ALCE's.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import numpy as np

from eval.dataset import Item
from retriever.documents.clean import fold, to_simplified

SUPPORT_OVERLAP = 0.5
RECALL_AT = 3

# Sentence ends for statements and the direct answer; ；and ，stay inside a sentence.
_SENTENCE_END = re.compile(r"(?<=[。！？!?])|\n")
# A citation marker [1] (also 【1】 or [1,2]).
_MARKER = re.compile(r"[\[【]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]】]")
_LEADING_MARKERS = re.compile(r"^(?:\s*[\[【]\s*\d+(?:\s*[,，、]\s*\d+)*\s*[\]】])+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?%?")
_CN_DATE = re.compile(r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


# --- text forms ---------------------------------------------------------------------------


def _cn_small(text: str) -> int:
    """一 → 1, 十一 → 11, 二十九 → 29 (the day and month numerals of a written date)."""
    if "十" not in text:
        return _CN_DIGIT[text]
    tens, _, ones = text.partition("十")
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)


def arabic_dates(text: str) -> str:
    """二〇一一年十一月二十九日 → 2011年11月29日, so a date matches however it is written."""

    def repl(m: re.Match) -> str:
        year = "".join(str(_CN_DIGIT[c]) for c in m.group(1))
        return f"{year}年{_cn_small(m.group(2))}月{_cn_small(m.group(3))}日"

    return _CN_DATE.sub(repl, text)


def norm(text: str) -> str:
    """Matching form: simplified, half-width, lower case, Arabic dates, no spaces or thousands separators."""
    text = arabic_dates(fold(to_simplified(text)))
    return re.sub(r"(?<=\d),(?=\d{3})", "", re.sub(r"\s+", "", text))


def contains_value(text: str, spellings: tuple[str, ...]) -> bool:
    """Whether text states the value in one of its spellings; a number must not be the tail of a longer one."""
    target = norm(text)
    for spelling in spellings:
        value = norm(spelling)
        if value and re.search(("(?<![\\d.])" if value[0].isdigit() else "") + re.escape(value), target):
            return True
    return False


# --- statements and the direct answer -----------------------------------------------------


@dataclass
class Statement:
    text: str  # without citation markers
    refs: list[int]  # 1-based citation numbers


def statements(answer: str) -> list[Statement]:
    """The answer's sentences with the citation markers each carries; a marker after 。 belongs to the sentence before."""
    pieces: list[str] = []
    for piece in _SENTENCE_END.split(answer):
        lead = _LEADING_MARKERS.match(piece)
        if lead and pieces:
            pieces[-1] += lead.group(0)
            piece = piece[lead.end() :]
        if piece.strip():
            pieces.append(piece)
    out = []
    for piece in pieces:
        refs = [int(n) for m in _MARKER.finditer(piece) for n in re.split(r"\s*[,，、]\s*", m.group(1))]
        text = _MARKER.sub("", piece).strip()
        if re.search(r"\w", text):
            out.append(Statement(text, list(dict.fromkeys(refs))))
    return out


def direct_answer(answer: str, sentences: int = 1) -> str:
    """The first sentence(s) of an answer, markers removed: what answer accuracy is judged on."""
    return "".join(s.text for s in statements(answer)[:sentences])


# --- ALCE citation precision and recall ----------------------------------------------------


def _bigrams(text: str) -> set[str]:
    chars = re.sub(r"[^\w]", "", text)
    return {chars[i : i + 2] for i in range(len(chars) - 1)}


def supports(statement: str, passages: list[str], names: frozenset[str] = frozenset()) -> bool:
    """Stand-in for ALCE's NLI entailment: numbers and unit names all present, and enough bigram overlap."""
    if not passages:
        return False
    claim, source = norm(statement), norm("\n".join(passages))
    if any(n not in source for n in _NUMBER.findall(claim)):
        return False
    if any(norm(name) in claim and norm(name) not in source for name in names):
        return False
    grams = _bigrams(claim)
    return not grams or len(grams & _bigrams(source)) / len(grams) >= SUPPORT_OVERLAP


def alce(answer: str, passages: list[str], names: frozenset[str] = frozenset()) -> tuple[float, float]:
    """(citation precision, citation recall) of one answer, as ALCE computes them.

    Recall: share of statements whose cited passages together support them (no citation: unsupported).
    Precision: share of citations that are needed: a citation is irrelevant when it alone does not
    support its statement and the statement's other citations still do.
    """
    sents = statements(answer)
    if not sents:
        return 0.0, 0.0
    supported = relevant = total = 0
    for s in sents:
        refs = s.refs
        total += len(refs)
        if not refs:
            continue
        # As in ALCE, a marker pointing past the citations makes the statement unsupported.
        valid = all(1 <= r <= len(passages) for r in refs)
        joint = valid and supports(s.text, [passages[r - 1] for r in refs], names)
        supported += joint
        if joint and len(refs) > 1:
            for r in refs:
                alone = supports(s.text, [passages[r - 1]], names)
                rest = supports(s.text, [passages[o - 1] for o in refs if o != r], names)
                relevant += alone or not rest
        else:
            relevant += joint
    return (relevant / total if total else 0.0), supported / len(sents)


# --- one item --------------------------------------------------------------------------------


@dataclass
class Prediction:
    """What a system returned, in the form the metrics need."""

    answer: str
    abstained: bool
    cited: list[tuple[str, ...]]  # per citation, in order: the clause ids it stands for
    passages: list[str] = field(default_factory=list)  # per citation: the text a reader can check
    latency_ms: float = 0.0
    error: str | None = None
    direct: str | None = None  # the text judged for answer accuracy, when not the answer's first sentence(s)


@dataclass
class Score:
    id: str
    type: str
    split: str | None
    lang: str
    region_trap: bool
    answerable: bool
    abstained: bool
    first_citation: bool | None  # None for unanswerable items
    recall_at_3: float | None
    answer_correct: bool | None
    alce_precision: float | None  # None unless the answer has two or more citations
    alce_recall: float | None
    latency_ms: float
    first_cited: str | None
    direct: str
    error: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def score(item: Item, pred: Prediction, names: frozenset[str] = frozenset()) -> Score:
    """All per-item metrics. A comparison's direct answer is its first sentence per compared clause."""
    gold = set(item.gold)
    answered = not pred.abstained and pred.error is None
    direct = (
        pred.direct
        if pred.direct is not None
        else direct_answer(pred.answer, max(1, len(item.gold)) if item.type == "comparison" else 1)
    )
    first = first_ok = recall = correct = None
    if item.answerable:
        first_ok = bool(answered and pred.cited and gold & set(pred.cited[0]))
        top = {c for cited in pred.cited[:RECALL_AT] for c in cited} if answered else set()
        recall = len(gold & top) / len(gold)
        correct = answered and all(contains_value(direct, v) for v in item.must_contain)
    if pred.cited:
        first = pred.cited[0][0] if pred.cited[0] else None
    precision = recall_alce = None
    if answered and len(pred.cited) >= 2 and pred.passages:
        precision, recall_alce = alce(pred.answer, pred.passages, names)
    return Score(
        item.id,
        item.type,
        item.split,
        item.lang,
        item.region_trap,
        item.answerable,
        pred.abstained,
        first_ok,
        recall,
        correct,
        precision,
        recall_alce,
        pred.latency_ms,
        first,
        direct,
        pred.error,
    )


# --- many items ------------------------------------------------------------------------------


def _mean(values) -> float | None:
    values = [float(v) for v in values if v is not None]
    return round(sum(values) / len(values), 4) if values else None


def summarize(scores: list[Score]) -> dict:
    """Aggregate metrics over scores: rates over the items they apply to (None when none apply)."""
    answerable = [s for s in scores if s.answerable]
    unanswerable = [s for s in scores if not s.answerable]
    cited = [s for s in scores if s.alce_precision is not None]
    latencies = [s.latency_ms for s in scores]
    return {
        "n": len(scores),
        "n_answerable": len(answerable),
        "n_unanswerable": len(unanswerable),
        "first_citation": _mean(s.first_citation for s in answerable),
        "recall_at_3": _mean(s.recall_at_3 for s in answerable),
        "answer_accuracy": _mean(s.answer_correct for s in answerable),
        "alce_precision": _mean(s.alce_precision for s in cited),
        "alce_recall": _mean(s.alce_recall for s in cited),
        "alce_n": len(cited),
        "abstention": _mean(s.abstained for s in unanswerable),
        "wrong_abstention": _mean(s.abstained for s in answerable),
        "latency_p50_ms": round(float(np.percentile(latencies, 50)), 1) if latencies else None,
        "latency_p95_ms": round(float(np.percentile(latencies, 95)), 1) if latencies else None,
        "errors": sum(1 for s in scores if s.error),
    }
