"""What every exam-item builder shares: the clause context, citations and explanations, ids, and the checks
that keep an option from being true of the cited clause.

An item is correct by construction: its key is text its cited clause states, and every wrong option is
checked not to be stated there (compared folded, without punctuation or spaces).
"""

from __future__ import annotations

import hashlib
import logging
import random
from dataclasses import dataclass
from difflib import SequenceMatcher

from retriever.answering.cite import cite, document_name
from retriever.documents.clean import bare
from retriever.index import Index
from retriever.models import Citation, Clause, Fact, Notice, QuizItem, QuizKind

log = logging.getLogger(__name__)

SINGLE_OPTIONS = 4  # a 单项选择题 has four options, one 最符合题意
MULTIPLE_OPTIONS = 4  # a 多项选择题 has four options: two or three right, at least one wrong
MAX_OPTION_CHARS = 30  # longer options are not offered: a candidate must read four of them at a glance
GAP = "（　　）"  # the gap of a choice stem
# Punctuation and spaces, ignored when deciding whether a text states an option.
# A distractor that repeats this share of its characters as one run of the clause is a paraphrase of the
# clause, not a wrong option (违反计量检定规程进行检定活动的 vs …进行计量检定的).
NEAR_COPY = 0.6


def digest(*parts: str, size: int = 8) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:size]


def rng(*parts: str) -> random.Random:
    return random.Random(int(digest(*parts, size=16), 16))


def states(text: str, option: str) -> bool:
    """Whether `text` states `option` word for word (ignoring punctuation and width)."""
    return bool(bare(option)) and bare(option) in bare(text)


def near_copy(text: str, option: str, share: float = NEAR_COPY) -> bool:
    """Whether `option` is (nearly) a run of `text`: stated, or a paraphrase repeating `share` of it in one run."""
    o, t = bare(option), bare(text)
    if not o or o in t:
        return True
    run = SequenceMatcher(None, o, t, autojunk=False).find_longest_match(0, len(o), 0, len(t)).size
    return run >= share * len(o)


def overlapping(a: str, b: str) -> bool:
    """Whether one option contains the other (then both cannot be told apart as right and wrong)."""
    a, b = bare(a), bare(b)
    return a in b or b in a


def sentence_of(text: str, quote: str) -> str:
    """The sentence of `text` around `quote` (quote itself when it spans sentences)."""
    start = text.find(quote)
    if start < 0:
        return quote
    left = max(text.rfind("。", 0, start), text.rfind("\n", 0, start)) + 1
    rights = [i for i in (text.find("。", start + len(quote) - 1), text.find("\n", start + len(quote))) if i >= 0]
    right = min(rights) + (1 if rights and text[min(rights)] == "。" else 0) if rights else len(text)
    return text[left:right].strip()


def end(sentence: str) -> str:
    return sentence.rstrip("，；,;。： ") + "。"


def is_regulation(notice: Notice) -> bool:
    return notice.kind != "通知·意见"


@dataclass
class Ctx:
    """Everything item builders need about one clause of one document."""

    index: Index
    notice: Notice
    clause: Clause
    facts: list[Fact]
    chapter: str | None = None

    @property
    def text(self) -> str:
        return self.clause.text

    @property
    def title(self) -> str:
        return document_name(self.index, self.notice)

    def citation(self, quote: str) -> Citation:
        """The citation of `quote`, made as every chat answer makes it (document, version, article, 款/项)."""
        return cite(self.index, self.clause, quote, 1.0)

    def where(self, quote: str) -> str:
        """《计量法》第九条第一款 (articles) or 《…》（二、(三)1.加强计量标准建设） (notice clauses)."""
        if self.clause.kind == "article":
            return f"{self.title}{self.clause.label}{self.citation(quote).part or ''}"
        return f"{self.title}（{self.clause.path}{self.clause.heading}）"

    def basis(self, quote: str) -> str:
        """依据《中华人民共和国计量法》第九条第一款：“the sentence around quote”"""
        sentence = sentence_of(self.text, quote)
        if self.clause.kind == "article" and sentence.startswith(self.clause.label):
            sentence = sentence[len(self.clause.label) :].lstrip()
        return f"依据{self.where(quote)}：“{sentence}”"

    def lead(self) -> str:
        """How a stem names its source: 根据《…》， (regulations) or 根据《…》（二、…）， (notices)."""
        if self.clause.kind == "article" or is_regulation(self.notice):
            return f"根据{self.title}，"
        return f"根据{self.title}（{self.clause.path}{self.clause.heading}），"


def make_item(
    ctx: Ctx,
    kind: QuizKind,
    facet: str,
    quote: str,
    truth: str,
    stem: str,
    answer: str,
    explanation: str,
    options: list[str] | None = None,
    answers: tuple[str, ...] = (),
    shown: str | None = None,
    variant: str = "",
) -> QuizItem:
    """An item with a stable id (clause id + what it tests); options are shuffled by that id."""
    item_id = f"{ctx.clause.clause_id}#{kind}-{facet}-{digest(kind, facet, quote, truth, variant, stem)}"
    if options:
        rng(item_id).shuffle(options)
    if answers:
        answers = tuple(o for o in options or () if o in answers)
        answer = "、".join(answers)
    return QuizItem(
        item_id=item_id,
        kind=kind,
        facet=facet,
        stem=stem,
        options=tuple(options or ()),
        answer=answer,
        answers=answers,
        explanation=explanation,
        citation=ctx.citation(quote),
        truth=truth,
        shown=shown,
        chapter=ctx.chapter,
    )


def single(
    ctx: Ctx,
    facet: str,
    quote: str,
    truth: str,
    stem: str,
    answer: str,
    wrong: list[str],
    explanation: str,
    variant: str = "",
) -> QuizItem | None:
    """A 单项选择题 with the first `SINGLE_OPTIONS - 1` distinct wrong options; none if there are fewer."""
    wrong = list(dict.fromkeys(w for w in wrong if w != answer))[: SINGLE_OPTIONS - 1]
    if len(wrong) < SINGLE_OPTIONS - 1:
        log.debug("%s: too few wrong options for %s; no single-choice item", ctx.clause.clause_id, truth)
        return None
    return make_item(ctx, "single", facet, quote, truth, stem, answer, explanation, [answer, *wrong], variant=variant)


def multiple(
    ctx: Ctx,
    facet: str,
    quote: str,
    truth: str,
    stem: str,
    right: list[str],
    wrong: list[str],
    explanation: str,
    variant: str = "",
) -> QuizItem | None:
    """A 多项选择题: two or three right options and the rest wrong, `MULTIPLE_OPTIONS` in all."""
    right = list(dict.fromkeys(right))[: MULTIPLE_OPTIONS - 1]
    wrong = list(dict.fromkeys(w for w in wrong if w not in right))[: MULTIPLE_OPTIONS - len(right)]
    if len(right) < 2 or len(right) + len(wrong) < MULTIPLE_OPTIONS:
        log.debug("%s: too few options for a multiple-choice item on %s", ctx.clause.clause_id, truth)
        return None
    return make_item(
        ctx,
        "multiple",
        facet,
        quote,
        truth,
        stem,
        "",
        explanation,
        [*right, *wrong],
        answers=tuple(right),
        variant=variant,
    )
