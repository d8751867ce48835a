"""Choosing from the readings: the choice the evidence supports (or none when it is not clear) and the reading
whose article decides it."""

from __future__ import annotations

from retriever.exam.align import Reading, judge_statement
from retriever.exam.options import JUDGE_ALIGN
from retriever.models import JUDGE_FALSE, JUDGE_TRUE, ExamItem

# Support needed for an option to be right, at most for it to be wrong (between: undecided), and the margin of
# the best single option over the next. Named here, set on the eval/exam_items.jsonl dev split.
MIN_SUPPORT = 0.35
MAX_WRONG = 0.3
MIN_MARGIN = 0.15
# 判断: a statement aligning this well with a window and differing nowhere substantive is true; aligning at
# least JUDGE_ALIGN and differing in a substantive span (a number, a body, a modal or negation) is false.
JUDGE_TRUE_MATCH = 0.85


def decide(item: ExamItem, readings: dict[str, Reading]) -> tuple[list[str] | None, float]:
    """The choice the readings support and its margin, or (None, margin) when the evidence is not clear."""
    if item.kind == "judge":
        r = readings["stem"]
        if r.window is None:
            return None, 0.0
        if r.verdict is not None:
            return [JUDGE_TRUE if r.verdict else JUDGE_FALSE], 1.0
        share, differs, _ = judge_statement(item.stem, r.window)
        if differs and share >= JUDGE_ALIGN:
            return [JUDGE_FALSE], share - JUDGE_ALIGN
        if share >= JUDGE_TRUE_MATCH:
            return [JUDGE_TRUE], share - JUDGE_TRUE_MATCH
        return None, share - JUDGE_TRUE_MATCH
    support = {k: r.support for k, r in readings.items()}
    if item.negative:  # the options the articles do not support are the answer
        support = {k: 1.0 - v for k, v in support.items()}
    right_at = 1.0 - MAX_WRONG if item.negative else MIN_SUPPORT
    if item.kind == "multiple":  # the right options are those above the widest gap between supports
        values = sorted(support.values(), reverse=True)
        gaps = [(values[i] - values[i + 1], values[i]) for i in range(len(values) - 1)]
        margin, cut = max(gaps, default=(0.0, 1.0))
        right = [k for k in item.options if support[k] >= cut]
        if margin >= MIN_MARGIN and cut >= right_at:
            return right, margin
        return None, margin
    ranked = sorted(support, key=support.get, reverse=True)
    top = support[ranked[0]]
    margin = top - (support[ranked[1]] if len(ranked) > 1 else 0.0)
    # a negative stem is decided when every other option is supported and the answer clearly less
    enough = (1.0 - support[ranked[1]] >= MIN_SUPPORT) if item.negative and len(ranked) > 1 else top >= right_at
    if enough and margin >= MIN_MARGIN:
        return [ranked[0]], margin
    return None, margin


def deciding_reading(item: ExamItem, readings: dict[str, Reading], choice: list[str] | None) -> Reading | None:
    """The reading whose article decides: the chosen option's; for a negative stem, the article stating the
    other options (unless the chosen one's article says otherwise in its place)."""
    if item.negative and choice:
        said_otherwise = [readings[k] for k in choice if readings[k].window is not None and readings[k].stated]
        others = [r for k, r in readings.items() if k not in choice and r.window is not None]
        return max(said_otherwise or others, key=lambda r: r.support, default=None)
    chosen = [readings[k] for k in (choice or []) if k in readings and readings[k].window is not None]
    pool = chosen or [r for r in readings.values() if r.window is not None]
    return max(pool, key=lambda r: r.support, default=None)
