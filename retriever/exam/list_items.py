"""多项选择题 from enumerations: `下列属于…的有（　）` over the items one article (or notice clause) lists —
(一)(二) items after an intro (实施细则第四条's conditions) or an inline run (计量法第九条's 贸易结算、安全防护、
医疗卫生、环境监测).

Two or three options are items of the list; the others are items of other articles' and documents' lists,
each checked not to be stated — nor nearly paraphrased — by the cited article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median

from retriever.index import Index
from retriever.models import Fact, QuizItem
from retriever.exam.items import (
    GAP,
    MAX_OPTION_CHARS,
    MULTIPLE_OPTIONS,
    Ctx,
    end,
    multiple,
    near_copy,
    overlapping,
    is_regulation,
    rng,
)
from retriever.exam.law_items import CONTEXT_WORDS, clean_sentence

# An item that says "and the rest" (国家规定的其他条件) or defines a term is no option.
NOT_AN_OPTION = re.compile(r"其他|其它|是指|等$")
# What a list enumerates, read after 下列/以下 (条件, 行为, 职权…): lists of the same noun share wrong options.
LIST_NOUN = re.compile(r"(?:下列|以下)(?P<noun>[\u4e00-\u9fff]{2})")
# An inline run is a list of terms only when it ends before one of these (…环境监测方面, …等领域, …销售的计量器具).
INLINE_END = re.compile(r"^(?:等|方面|领域|的)")
INLINE_ITEM_CHARS = 8  # a term of an inline run is at most this long; longer ones are phrases, not terms
# Verbs that open a phrase: an inline run whose first item starts with one has swallowed the words before it.
LEADING_VERBS = re.compile(
    r"^(?:推动|推进|加强|提升|探索|开展|围绕|通过|大力|积极|建立|组织|实施|强化|完善|深化|利用|"
    r"发展|促进|支持|鼓励|引导|做好|加快|培育|构建|形成)"
)
LONG_EXPLANATION = 20  # a list longer than this is explained by its intro and the options, not in full
# An abbreviation note inside an intro (（简称计量基准，下同）) is dropped from the stem.
ABBREVIATION = re.compile(r"[（(]简称[^）)]*[）)]")
LONG_LIST = 6  # a list with this many usable items (or twice as many) yields a second (third) item


@dataclass(frozen=True)
class ListEntry:
    """A list usable as options: where it is, what it enumerates, and its short items."""

    clause_id: str
    noun: str
    items: tuple[str, ...]
    doc_id: str = ""
    family: str = ""  # what kind of list: a regulation's, a notice's, or a catalogue (附件) — options never cross


def _inline(fact: Fact) -> bool:
    return "、".join(fact.items) in fact.quote


def _inline_terms(fact: Fact) -> bool:
    """Whether an inline run lists terms (贸易结算、安全防护…方面), not phrases cut at 、 (探索开展跨部门、跨行业…)."""
    items = fact.items
    after = fact.quote.split("、".join(items), 1)[1]
    return (
        INLINE_END.match(after) is not None
        and all(len(i) <= INLINE_ITEM_CHARS for i in items)
        and len(items[0]) <= max(len(i) for i in items[1:])
        and not LEADING_VERBS.match(items[0])
    )


def usable_items(fact: Fact) -> list[str]:
    """The items short and self-contained enough to be options; none from an inline run of phrases."""
    items = [i.strip("；;。，, ") for i in fact.items]
    if len(items) < 2 or _inline(fact) and not _inline_terms(fact):
        return []
    return [i for i in items if 2 <= len(i) <= MAX_OPTION_CHARS and not NOT_AN_OPTION.search(i)]


def _noun(fact: Fact, clause_kind: str = "") -> str:
    """What a list enumerates, so that lists of one kind lend each other wrong options: the noun after
    下列 (条件, 行为), 领域 for runs of areas (…方面, …等领域), 附件 for appended catalogues."""
    if clause_kind == "appendix":
        return "附件"
    if _inline(fact):
        after = fact.quote.split("、".join(fact.items), 1)[1]
        return "领域" if re.match(r"^(?:等|方面|领域)", after) else "的"
    m = LIST_NOUN.search(fact.subject or "")
    return m.group("noun") if m else ""


def _is_units(fact: Fact, facts: list[Fact]) -> bool:
    """A 责任单位 list: the responsibility items ask about it already."""
    return any(f.kind == "responsibility" and f.quote == fact.quote for f in facts)


def list_pool(index: Index) -> list[ListEntry]:
    """Every usable list of the current documents, the source of wrong options for the others."""
    pool = []
    for doc_id, notice in sorted(index.notices.items()):
        if doc_id not in index.current:
            continue
        facts = index.facts_of(doc_id)
        for fact in facts:
            if fact.kind == "list" and not _is_units(fact, facts) and (items := usable_items(fact)):
                kind = index.clauses[fact.clause_id].kind if fact.clause_id in index.clauses else ""
                family = "catalogue" if kind == "appendix" else "law" if is_regulation(notice) else "notice"
                pool.append(ListEntry(fact.clause_id, _noun(fact, kind), tuple(items), doc_id, family))
    return pool


def list_stem(ctx: Ctx, fact: Fact) -> str | None:
    """下列属于…的有（　）: the intro turned into a question, or the inline run replaced by the gap."""
    if _inline(fact):
        sentence = clean_sentence(fact.quote.split("\n", 1)[0])
        rest = sentence.replace("、".join(fact.items), "", 1)
        if CONTEXT_WORDS.search(rest):
            return None
        return ctx.lead() + end(sentence.replace("、".join(fact.items), GAP, 1))
    if not fact.subject or "\n" not in fact.quote:
        return None
    intro = ABBREVIATION.sub("", clean_sentence(fact.subject).split("；", 1)[0]).rstrip("：:，, ")
    if m := re.search(r"下列|以下", intro):
        intro = intro[: m.end()] + "哪些" + intro[m.end() :].replace("之一", "")
        if CONTEXT_WORDS.search(intro[m.end() :]):
            return None
        return ctx.lead() + intro + GAP + "。"
    if CONTEXT_WORDS.search(intro):
        return None
    return ctx.lead() + re.sub(r"(?:是|为)$", "", intro) + "包括" + GAP + "。"


def _explain(ctx: Ctx, fact: Fact, right: list[str]) -> str:
    """The article's words (a long list by its intro and count), then which options are right and why."""
    if _inline(fact) or len(fact.items) <= LONG_EXPLANATION:
        basis = ctx.basis(fact.quote)
    else:
        basis = f"{ctx.basis(fact.quote.split(chr(10), 1)[0])}（共列{len(fact.items)}项）"
    return f"{basis}本题正确选项：{'；'.join(right)}；其余选项不在该条所列之中。"


def list_items(ctx: Ctx, pool: list[ListEntry]) -> list[QuizItem]:
    """The multiple-choice items of one clause's lists: one per list, more for long lists (other subsets)."""
    items: list[QuizItem] = []
    for fact in ctx.facts:
        if fact.kind != "list" or _is_units(fact, ctx.facts):
            continue
        usable = usable_items(fact)
        stem = list_stem(ctx, fact) if len(usable) >= 2 else None
        if stem is None:
            continue
        noun = _noun(fact, ctx.clause.kind)
        size = median(len(i) for i in usable)
        family = "catalogue" if ctx.clause.kind == "appendix" else "law" if is_regulation(ctx.notice) else "notice"
        candidates = [  # items of other lists of the same family: never a notice's list for a law's, nor a catalogue's
            i
            for entry in pool
            if entry.clause_id != ctx.clause.clause_id and entry.family == family
            for i in entry.items
            if not near_copy(ctx.text, i)
        ]
        same_doc = {i for entry in pool if entry.doc_id == ctx.notice.doc_id for i in entry.items}
        same_noun = {i for entry in pool if noun and entry.noun == noun for i in entry.items}
        listed = "、".join(fact.items)
        variants = min(3, 1 + len(usable) // LONG_LIST)
        for variant in range(variants):
            shuffle = rng(fact.quote, str(variant)).shuffle
            chosen = list(usable)
            shuffle(chosen)
            right = chosen[: 2 + (variant + len(usable)) % 2]
            wrong = list(dict.fromkeys(c for c in candidates if not any(overlapping(c, r) for r in usable)))
            shuffle(wrong)
            # neighbouring lists first: of the same document, then of the same noun (条件, 行为), then alike in length
            wrong.sort(key=lambda w: (w not in same_doc, w not in same_noun, abs(len(w) - size) // 4))
            explanation = _explain(ctx, fact, right)
            if item := multiple(
                ctx,
                "list",
                fact.quote,
                listed,
                stem,
                right,
                wrong[:MULTIPLE_OPTIONS],
                explanation,
                variant=str(variant),
            ):
                items.append(item)
    return items
