"""How an answer scores: reading what a candidate wrote, the multiple-choice rules, the pass mark.

Multiple choice scores by a named rule: `partial` (default) is the rule of Chinese professional qualification
exams such as 注册计量师 — 错选，本题不得分；少选，所选的每个正确选项得0.5分 (of a 2-point item) — and
`all_or_nothing` gives the points only for exactly the key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from retriever.documents.clean import fold
from retriever.models import OPTION_LABELS, MultipleScoring, QuizItem

SCORINGS: tuple[MultipleScoring, ...] = ("partial", "all_or_nothing")
# Under `partial`, each right option of an incomplete answer earns this share of the item's points: 0.5 of the
# exam's 2-point items, scaled in proportion for items worth other points.
PARTIAL_SHARE = 0.25
PASS_MARK = 60.0  # since 2022 a subject is passed with 60% of its full marks
TRUE, FALSE = "正确", "错误"
# How candidates may write 正确 / 错误 in a 判断题.
TRUE_WORDS = {"正确", "对", "是", "√", "✓", "✔", "t", "true", "y", "yes", "1"}
FALSE_WORDS = {"错误", "错", "否", "×", "✗", "✘", "x", "f", "false", "n", "no", "0"}
# One option letter, possibly followed by its text: `B`, `b.`, `B. 市发改委`.
LETTER = re.compile(r"^([A-H])(?:[.、．:：)）\s]+.*)?$")
# Units a 填空题 answer may leave off (92 for 92%, 2011 for 2011年).
FILL_UNITS = re.compile(r"(?<=\d)(?:%|项|家|个|所|名|人|台|件|万元|亿元|万|年)$")


class AnswerError(ValueError):
    """An answer that cannot be read (for example a multiple-choice answer naming no option)."""


def answer_form(text: str) -> str:
    """A written answer in the form answer keys are compared in: folded, no spaces, upper case, ranges as a-b."""
    text = re.sub(r"\s+", "", fold(text)).upper().strip("。.，,")
    return re.sub(r"(?<=\d)[~～—–至到](?=\d)", "-", text)


def _letter(item: QuizItem, given: str) -> str | None:
    """The option letter a candidate meant: the letter itself, or the option's text."""
    m = LETTER.match(given.strip().upper())
    if m and OPTION_LABELS.index(m.group(1)) < len(item.options):
        return m.group(1)
    return next((OPTION_LABELS[i] for i, o in enumerate(item.options) if answer_form(o) == answer_form(given)), None)


def chosen(item: QuizItem, given: str | Iterable[str] | None) -> str | None:
    """What a candidate chose, normalised: option letters (`ABD`) for choices, the text otherwise; None if blank."""
    if given is None:
        return None
    if item.kind == "multiple":
        if isinstance(given, str):
            text = given.strip().upper()
            parts = list(text) if re.fullmatch(r"[A-H]+", text) else re.split(r"[,，、;；/\s]+", given.strip())
        else:
            parts = list(given)
        parts = [p for p in parts if p and p.strip()]
        letters = {_letter(item, p) for p in parts}
        if None in letters:
            raise AnswerError(
                f"{item.item_id}: cannot read {given!r} as options of this item; "
                f'send letters such as "AC" or ["A", "C"]'
            )
        return "".join(sorted(letters)) or None
    if not isinstance(given, str):
        given = "".join(given)
    if not given.strip():
        return None
    if item.kind == "single":
        return _letter(item, given) or given.strip()
    return given.strip()


def is_correct(item: QuizItem, given: str | Iterable[str] | None) -> bool:
    """Whether an answer is fully right: the key's letter(s) or option text(s) for choices, 对/错 words for
    判断题, the blanked text (with or without its unit) for 填空题."""
    try:
        picked = chosen(item, given)
    except AnswerError:
        return False
    if picked is None:
        return False
    if item.kind in ("single", "multiple"):
        return picked == item.key
    if item.kind == "judge":
        word = picked.lower()
        return (item.answer == TRUE and word in TRUE_WORDS) or (item.answer == FALSE and word in FALSE_WORDS)
    expected, got = answer_form(item.answer), answer_form(picked)
    return got in {
        expected,
        FILL_UNITS.sub("", expected),
        re.sub(r"级$", "", expected),
        expected + "年",
        f'"{expected}"',
    }


def points_for(item: QuizItem, picked: str | None, points: float, scoring: MultipleScoring) -> float:
    """The points an already-normalised answer earns on an item worth `points`."""
    if item.kind != "multiple":
        return points if is_correct(item, picked) else 0.0
    if not picked:
        return 0.0
    key = set(item.key)
    if set(picked) == key:
        return points
    if scoring == "all_or_nothing" or not set(picked) <= key:
        return 0.0  # a wrong option chosen: 错选，本题不得分
    return round(min(points * PARTIAL_SHARE * len(picked), points), 2)


def passed(score: float, pass_mark: float = PASS_MARK) -> bool:
    return score >= pass_mark
