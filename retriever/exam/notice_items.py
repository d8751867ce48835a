"""Exam items from policy notices (通知·意见): target values, deadlines, responsible units, which notice says it.

填空/单选/判断 on a fact of one clause, and 多选 on the units responsible for one task. Every right option is in
the cited clause and every wrong one is checked against it (and, for "which notice" items, the other notices).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from difflib import SequenceMatcher

from retriever import patterns as P
from retriever.answering.cite import sentences
from retriever.documents.clean import fold
from retriever.index import Index
from retriever.models import Fact, QuizItem
from retriever.exam.scoring import FALSE, TRUE
from retriever.exam.items import (
    GAP,
    MULTIPLE_OPTIONS,
    Ctx,
    bare,
    end,
    make_item,
    multiple,
    rng,
    single,
)

BLANK = "____"  # the blank of a 填空题

# Words for the same kind of body (or its predecessor: 质量技术监督 became 市场监管). A unit of a
# family is never a wrong option for a clause that names any word of that family, because a
# candidate could fairly argue it is responsible too (市市场监管部门 vs 市市场监管局).
UNIT_FAMILIES: tuple[tuple[str, ...], ...] = (
    ("市场监管", "市场监督管理", "质量技术监督", "质监"),
    ("人民政府", "政府"),
    ("发改", "发展改革", "发展和改革"),
    ("工信", "经信", "工业和信息化"),
    ("人社", "人力资源"),
    ("卫生健康", "卫健"),
    ("交通运输", "交通"),
    ("生态环境", "环保", "环境保护"),
    ("网信", "网络安全和信息化"),
    ("国资", "国有资产"),
    ("科技", "科学技术"),
)
# Level prefix and body suffix around the core of a unit name: 市|工信|局, 各|县(区)|人民政府.
# 市(?!场) keeps 市场监管总局 whole; 省(?!级) keeps 省级….
UNIT_PREFIX = re.compile(r"^(?:市委|市(?!场)|省(?!级)|各)")
UNIT_SUFFIX = re.compile(r"(?:人民政府|管委会|委员会|办公厅|总局|分公司|公司|支队|部门|局|委|办|厅)$")
# A target value: number or range, then its unit (92%, 1-2家, 3.5万元).
VALUE_PARTS = re.compile(r"^(?P<lo>\d+(?:\.\d+)?)(?:[-~](?P<hi>\d+(?:\.\d+)?))?(?P<unit>\D*)$")
GRADE = re.compile(r"^(?P<letter>[A-Da-d])级$")
YEAR = re.compile(r"\d{4}")
# A run of this many characters shared with another notice's same-year statement makes that
# notice arguable as a source, so it is not offered as a wrong one.
SHARED_WORDS = 6


# --- what a clause states ---------------------------------------------------------------------


def _value_at(text: str, value: str) -> re.Match | None:
    """Where `value` (92%, 10项, B级) stands in text as a whole number, not inside 100项 or 3.5%."""
    return re.search(rf"(?<![\d.]){re.escape(fold(value))}", fold(text))


def states_value(text: str, value: str) -> bool:
    """Whether the clause text states this value anywhere (so it may not be a wrong option)."""
    m = VALUE_PARTS.match(fold(value))
    if not m:
        return fold(value) in fold(text)
    number = m.group("lo") + (f"[-~]{m.group('hi')}" if m.group("hi") else "")
    return re.search(rf"(?<![\d.]){number}(?![\d.]){re.escape(m.group('unit'))}", fold(text)) is not None


def states_year(text: str, year: int) -> bool:
    if re.search(rf"(?<!\d){year}(?!\d)", text):
        return True
    return any(plan in text for plan, end in P.FIVE_YEAR_PLAN_END.items() if end == year)


def unit_core(unit: str) -> str:
    core = UNIT_SUFFIX.sub("", UNIT_PREFIX.sub("", fold(unit)))
    return core if len(core) >= 2 else fold(unit)


def _family(unit: str) -> tuple[str, ...]:
    return next((fam for fam in UNIT_FAMILIES if any(word in unit for word in fam)), ())


def unit_conflicts(unit: str, clause_text: str, responsible: Iterable[str]) -> bool:
    """Whether `unit` could be argued responsible for a clause: named in it, or akin to a responsible unit."""
    text, unit_f = fold(clause_text), fold(unit)
    responsible = [fold(r) for r in responsible]
    if unit_f in responsible or unit_f in text or unit_core(unit) in text:
        return True
    if any(unit_core(r) in unit_f or unit_core(unit) in r for r in responsible):
        return True
    family = _family(unit_f)
    return any(word in text or any(word in r for r in responsible) for word in family)


# --- wrong values ---------------------------------------------------------------------------


def _step(n: Decimal) -> Decimal:
    if n < 10:
        return Decimal(1) if n == n.to_integral_value() else Decimal("0.5")
    if n < 100:
        return Decimal(5)
    return Decimal(10) ** (len(str(int(n))) - 1) / 2


def _fmt(n: Decimal, like: str) -> str:
    places = len(like.split(".")[1]) if "." in like else 0
    return f"{n:.{places}f}"


def neighbours(value: str) -> list[str]:
    """Plausible wrong values near `value`, nearest first: 92% → 90%, 95%, 85%, 80%…; B级 → A级, C级…."""
    if g := GRADE.match(value):
        letters = "ABCD" if g.group("letter").isupper() else "abcd"
        return [
            f"{c}级"
            for c in sorted(letters, key=lambda c: abs(ord(c) - ord(g.group("letter"))))
            if c != g.group("letter")
        ]
    m = VALUE_PARTS.match(value)
    if not m:
        return []
    lo, unit = Decimal(m.group("lo")), m.group("unit")
    if m.group("hi"):
        hi = Decimal(m.group("hi"))
        width = hi - lo + 1
        shifts = [k * width for k in (1, -1, 2, -2, 3, 4)]
        return [f"{_fmt(lo + d, m.group('lo'))}-{_fmt(hi + d, m.group('hi'))}{unit}" for d in shifts if lo + d > 0]
    step = _step(lo)
    base = (lo / step).to_integral_value(rounding="ROUND_FLOOR") * step
    candidates = {base + k * step for k in range(-6, 8)}
    upper = Decimal(100) if unit == "%" else None
    ok = sorted(
        (c for c in candidates if c > 0 and c != lo and (upper is None or c < upper)), key=lambda c: (abs(c - lo), c)
    )
    return [f"{_fmt(c, m.group('lo'))}{unit}" for c in ok]


def wrong_values(value: str, clause_text: str) -> list[str]:
    return [v for v in neighbours(value) if not states_value(clause_text, v)]


def _plan_of(deadline: str) -> str | None:
    return next((plan for plan in P.FIVE_YEAR_PLAN_END if plan in deadline), None)


def wrong_deadlines(fact: Fact, clause_text: str) -> list[tuple[str, str]]:
    """(changed deadline, changed part) pairs whose year the clause never mentions, nearest first."""
    if plan := _plan_of(fact.deadline or ""):
        year = P.FIVE_YEAR_PLAN_END[plan]
        others = sorted(
            (
                p
                for p in P.FIVE_YEAR_PLAN_END
                if p != plan and p not in clause_text and not states_year(clause_text, P.FIVE_YEAR_PLAN_END[p])
            ),
            key=lambda p: abs(P.FIVE_YEAR_PLAN_END[p] - year),
        )
        return [(fact.deadline.replace(plan, p), p) for p in others]
    found = YEAR.search(fact.deadline or "")
    if not found:
        return []
    year = int(found.group(0))
    shifts = (-1, 1, -2, 2, 3, -3, 5, -5, 10, -10)
    return [
        (fact.deadline.replace(found.group(0), str(year + d)), str(year + d))
        for d in shifts
        if not states_year(clause_text, year + d)
    ]


# --- items ------------------------------------------------------------------------------------


def _judges(
    ctx: Ctx, facet: str, quote: str, truth: str, say, wrong: str | None, basis: str, why_false: str | None = None
) -> list[QuizItem]:
    """A 判断题 keeping the fact and one changing it; `say(x)` is the statement with x in the fact's place."""
    lead = ctx.lead()

    def judge(shown: str, key: str, why: str, variant: str) -> QuizItem:
        stem = lead + end(say(shown))
        return make_item(ctx, "judge", facet, quote, truth, stem, key, basis + why, shown=shown, variant=variant)

    items = [judge(truth, TRUE, "题干与原文一致。", "kept")]
    if wrong:
        why = why_false or f"原文为“{truth}”，题干改为“{wrong}”。"
        items.append(judge(wrong, FALSE, why.replace("{wrong}", wrong), "altered"))
    return items


def _target_items(ctx: Ctx, fact: Fact) -> list[QuizItem]:
    at = _value_at(fact.quote, fact.value or "")
    if not fact.value or at is None:
        return []
    prefix = f"{fact.deadline}，" if fact.deadline and fact.deadline not in fact.quote else ""

    def say(value: str) -> str:
        return prefix + fact.quote[: at.start()] + value + fact.quote[at.end() :]

    basis = ctx.basis(fact.quote)
    where = ctx.lead()
    wrong = wrong_values(fact.value, ctx.text)
    items = [
        make_item(
            ctx,
            "fill",
            "value",
            fact.quote,
            fact.value,
            where + "填空：" + end(say(BLANK)),
            fact.value,
            f"{basis}答案：{fact.value}。",
        )
    ]
    if choice := single(
        ctx, "value", fact.quote, fact.value, where + end(say(GAP)), fact.value, wrong, f"{basis}答案：{fact.value}。"
    ):
        items.append(choice)
    items += _judges(ctx, "value", fact.quote, fact.value, say, wrong[0] if wrong else None, basis)
    return items


def _deadline_items(ctx: Ctx, fact: Fact) -> list[QuizItem]:
    if not fact.deadline or fact.deadline not in fact.quote or fact.year is None:
        return []
    # A deadline heading several targets (到2015年，…；…；…) is stated with the sentence it stands in: one
    # statement an item can be judged on, not the whole list.
    statement = next((s for s in sentences(fact.quote) if fact.deadline in s), fact.quote).rstrip("；;")
    at = statement.index(fact.deadline)
    plan = _plan_of(fact.deadline)
    part = plan or YEAR.search(fact.deadline).group(0)

    def say(deadline: str) -> str:
        return statement[:at] + deadline + statement[at + len(fact.deadline) :]

    basis = ctx.basis(fact.quote)
    where = ctx.lead()
    wrong = wrong_deadlines(fact, ctx.text)
    items = [
        make_item(
            ctx,
            "fill",
            "deadline",
            fact.quote,
            fact.deadline,
            where + "填空：" + end(say(fact.deadline.replace(part, BLANK))),
            part,
            f"{basis}答案：{part}。",
        )
    ]
    if choice := single(
        ctx,
        "deadline",
        fact.quote,
        fact.deadline,
        where + end(say(GAP)),
        fact.deadline,
        [w for w, _ in wrong],
        f"{basis}答案：{fact.deadline}。",
    ):
        items.append(choice)
    items += _judges(ctx, "deadline", fact.quote, fact.deadline, say, wrong[0][0] if wrong else None, basis)
    return items


def _responsible(ctx: Ctx) -> list[str]:
    return [u for f in ctx.facts if f.kind == "responsibility" for u in (*f.units, *f.implicit_units)]


def _wrong_units(ctx: Ctx, pool: Mapping[str, list[str]], salt: str) -> list[str]:
    """Units of other clauses and notices that cannot be argued responsible here, this notice's first."""
    responsible = _responsible(ctx)
    own = [u for u in pool.get(ctx.notice.doc_id, []) if not unit_conflicts(u, ctx.text, responsible)]
    other = [
        u
        for d, units in sorted(pool.items())
        if d != ctx.notice.doc_id
        for u in units
        if not unit_conflicts(u, ctx.text, responsible)
    ]
    shuffle = rng(salt).shuffle
    shuffle(own)
    shuffle(other)
    return list(dict.fromkeys(own + other))


def _responsibility_items(ctx: Ctx, fact: Fact, pool: Mapping[str, list[str]]) -> list[QuizItem]:
    items: list[QuizItem] = []
    bracket = "责任单位" in fact.quote
    extra = f"（该通知说明：以下各项的责任单位均包括{'、'.join(fact.implicit_units)}。）" if fact.implicit_units else ""
    basis = ctx.basis(fact.quote)
    where = ctx.lead()
    for unit in fact.units:
        wrong = _wrong_units(ctx, pool, fact.quote + unit)
        if bracket:
            stem = where + f"下列单位中属于该项工作责任单位的是{GAP}。"
        elif unit in fact.quote:
            stem = where + end(fact.quote.replace(unit, GAP, 1))
        else:
            continue
        if choice := single(
            ctx, "unit", fact.quote, unit, stem, unit, wrong, f"{basis}{extra}答案：{unit}。", variant=unit
        ):
            items.append(choice)
    if not fact.units:
        return items
    if bracket and len(fact.units) >= 2:
        items += _units_multiple(ctx, fact, pool, basis + extra)
    unit = fact.units[rng(fact.quote).randrange(len(fact.units))]
    wrong = _wrong_units(ctx, pool, fact.quote + "judge")

    def say(u: str) -> str:
        return f"该项工作的责任单位包括{u}" if bracket else fact.quote.replace(unit, u, 1)

    units = "、".join((*fact.units, *fact.implicit_units))
    why = f"该项工作的责任单位为{units}，不包括{{wrong}}。" if bracket else None
    if bracket or unit in fact.quote:
        items += _judges(ctx, "unit", fact.quote, unit, say, wrong[0] if wrong else None, basis + extra, why)
    return items


def _units_multiple(ctx: Ctx, fact: Fact, pool: Mapping[str, list[str]], basis: str) -> list[QuizItem]:
    """下列单位中属于该项工作责任单位的有（　）: two or three of the units named, the rest units that are not."""
    shuffle = rng(fact.quote, "multiple").shuffle
    units = list(fact.units)
    shuffle(units)
    right = units[: min(len(units), MULTIPLE_OPTIONS - 1, 2 + len(units) % 2)]
    stem = ctx.lead() + f"下列单位中属于该项工作责任单位的有{GAP}。"
    item = multiple(
        ctx,
        "unit",
        fact.quote,
        "、".join(fact.units),
        stem,
        right,
        _wrong_units(ctx, pool, fact.quote + "multiple"),
        f"{basis}该项工作的责任单位为{'、'.join((*fact.units, *fact.implicit_units))}。",
    )
    return [item] if item else []


def _also_states(index: Index, doc_id: str, statement: str, fact: Fact) -> bool:
    """Whether notice `doc_id` states the same thing: the sentence itself, or, in a fact of the same
    year, the same target value or a long common stretch of words."""
    if any(bare(statement) in bare(clause.text) for clause in index.clauses_of(doc_id)):
        return True
    ours = bare(fact.quote.replace(fact.deadline, "") if fact.deadline else fact.quote)
    for other in index.facts_of(doc_id):
        if other.kind == "responsibility" or other.year != fact.year:
            continue
        if fact.value:
            if other.value == fact.value:
                return True
            continue
        theirs = bare(other.quote.replace(other.deadline, "") if other.deadline else other.quote)
        if SequenceMatcher(None, ours, theirs, autojunk=False).find_longest_match().size >= SHARED_WORDS:
            return True
    return False


def _source_item(index: Index, ctx: Ctx, fact: Fact) -> QuizItem | None:
    prefix = f"{fact.deadline}，" if fact.deadline and fact.deadline not in fact.quote else ""
    statement = end(prefix + fact.quote)
    if ctx.notice.region and ctx.notice.region in statement:
        return None  # the statement names its own city: no question
    wrong = [
        n.title
        for d, n in sorted(index.notices.items())
        if d != ctx.notice.doc_id
        and n.kind == ctx.notice.kind
        and n.status == "current"
        and not _also_states(index, d, statement, fact)
    ]
    rng(statement).shuffle(wrong)
    note = (
        f"发文：{ctx.notice.issuer}" + (f"，{ctx.notice.doc_number}" if ctx.notice.doc_number else "")
        if ctx.notice.issuer
        else ""
    )
    return single(
        ctx,
        "source",
        fact.quote,
        ctx.notice.doc_id,
        f"“{statement}”出自下列哪份文件？{GAP}",
        ctx.notice.title,
        wrong,
        f"{ctx.basis(fact.quote)}{'（' + note + '）' if note else ''}",
    )


def unit_pool(index: Index) -> dict[str, list[str]]:
    """Responsible units by notice, the candidates for wrong options on "who is responsible"."""
    pool: dict[str, list[str]] = {}
    for fact in index.facts_of(kind="responsibility"):
        pool.setdefault(fact.doc_id, [])
        pool[fact.doc_id] += [u for u in (*fact.units, *fact.implicit_units) if u not in pool[fact.doc_id]]
    return pool


def notice_items(index: Index, ctx: Ctx, pool: Mapping[str, list[str]]) -> list[QuizItem]:
    """Every item one notice clause yields: per target, deadline and responsibility fact."""
    items: list[QuizItem] = []
    targets = [f for f in ctx.facts if f.kind == "target"]
    for fact in ctx.facts:
        if fact.kind == "target":
            items += _target_items(ctx, fact)
            if (source := _source_item(index, ctx, fact)) is not None:
                items.append(source)
        elif fact.kind == "deadline":
            items += _deadline_items(ctx, fact)
            if fact.year is not None and not any(t.quote in fact.quote for t in targets):
                if (source := _source_item(index, ctx, fact)) is not None:
                    items.append(source)
        elif fact.kind == "responsibility":
            items += _responsibility_items(ctx, fact, pool)
    return items
