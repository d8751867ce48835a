"""Exam practice for 注册计量师 candidates: items generated from clause facts, seeded papers, grading.

Every item is correct by construction: its answer is a fact its cited clause states, and every
distractor is checked against that clause (and, for "which notice" items, against the other notices)
so that no second option is true. Item ids are stable, papers are reproducible from their id.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher
from weakref import WeakKeyDictionary

from retriever import patterns as P
from retriever.clean import fold
from retriever.index import Index
from retriever.models import (
    OPTION_LABELS, QUIZ_KINDS, Citation, Clause, Fact, GradedItem, GradeResult, Notice, Paper, QuizItem,
    QuizKind,
)

log = logging.getLogger(__name__)

MAX_ITEMS = 100  # largest paper one request may ask for
CHOICES = 4  # options of a 单选题 (fewer only when fewer wrong values exist, e.g. grades A-D)
BLANK = "____"  # the blank of a 填空题
GAP = "（　　）"  # the gap of a 单选题 stem
TRUE, FALSE = "正确", "错误"

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
# Punctuation and spaces, ignored when comparing a statement with other notices' text.
PUNCTUATION = re.compile(r"[，。；、：“”\s,.;:\"]")
# A run of this many characters shared with another notice's same-year statement makes that
# notice arguable as a source, so it is not offered as a wrong one.
SHARED_WORDS = 6
# How candidates may write 正确 / 错误 in a 判断题.
TRUE_WORDS = {"正确", "对", "是", "√", "✓", "✔", "t", "true", "y", "yes", "1"}
FALSE_WORDS = {"错误", "错", "否", "×", "✗", "✘", "x", "f", "false", "n", "no", "0"}


class QuizError(ValueError):
    """A quiz request that cannot be served; the message says what was wrong and what is allowed."""


# --- small helpers --------------------------------------------------------------------------

def _digest(*parts: str, size: int = 8) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:size]


def _rng(*parts: str) -> random.Random:
    return random.Random(int(_digest(*parts, size=16), 16))


def _title(notice: Notice) -> str:
    return notice.title if "《" in notice.title else f"《{notice.title}》"


def _where(notice: Notice, clause: Clause) -> str:
    return f"{_title(notice)}（{clause.path}{clause.heading}）"


def _sentence(text: str, quote: str) -> str:
    """The sentence of `text` around `quote` (quote itself when it spans sentences)."""
    start = text.find(quote)
    if start < 0:
        return quote
    left = max(text.rfind("。", 0, start), text.rfind("\n", 0, start)) + 1
    rights = [i for i in (text.find("。", start + len(quote) - 1), text.find("\n", start + len(quote)))
              if i >= 0]
    right = min(rights) + (1 if rights and text[min(rights)] == "。" else 0) if rights else len(text)
    return text[left:right].strip()


def _end(sentence: str) -> str:
    return sentence.rstrip("，；,;。 ") + "。"


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
        return [f"{c}级" for c in sorted(letters, key=lambda c: abs(ord(c) - ord(g.group("letter")))) if
                c != g.group("letter")]
    m = VALUE_PARTS.match(value)
    if not m:
        return []
    lo, unit = Decimal(m.group("lo")), m.group("unit")
    if m.group("hi"):
        hi = Decimal(m.group("hi"))
        width = hi - lo + 1
        shifts = [k * width for k in (1, -1, 2, -2, 3, 4)]
        return [f"{_fmt(lo + d, m.group('lo'))}-{_fmt(hi + d, m.group('hi'))}{unit}"
                for d in shifts if lo + d > 0]
    step = _step(lo)
    base = (lo / step).to_integral_value(rounding="ROUND_FLOOR") * step
    candidates = {base + k * step for k in range(-6, 8)}
    upper = Decimal(100) if unit == "%" else None
    ok = sorted((c for c in candidates if c > 0 and c != lo and (upper is None or c < upper)),
                key=lambda c: (abs(c - lo), c))
    return [f"{_fmt(c, m.group('lo'))}{unit}" for c in ok]


def wrong_values(value: str, clause_text: str) -> list[str]:
    return [v for v in neighbours(value) if not states_value(clause_text, v)]


def _plan_of(deadline: str) -> str | None:
    return next((plan for plan in P.FIVE_YEAR_PLAN_END if plan in deadline), None)


def wrong_deadlines(fact: Fact, clause_text: str) -> list[tuple[str, str]]:
    """(changed deadline, changed part) pairs whose year the clause never mentions, nearest first."""
    if plan := _plan_of(fact.deadline or ""):
        year = P.FIVE_YEAR_PLAN_END[plan]
        others = sorted((p for p in P.FIVE_YEAR_PLAN_END if p != plan and p not in clause_text
                         and not states_year(clause_text, P.FIVE_YEAR_PLAN_END[p])),
                        key=lambda p: abs(P.FIVE_YEAR_PLAN_END[p] - year))
        return [(fact.deadline.replace(plan, p), p) for p in others]
    found = YEAR.search(fact.deadline or "")
    if not found:
        return []
    year = int(found.group(0))
    shifts = (-1, 1, -2, 2, 3, -3, 5, -5, 10, -10)
    return [(fact.deadline.replace(found.group(0), str(year + d)), str(year + d)) for d in shifts
            if not states_year(clause_text, year + d)]


# --- item construction ----------------------------------------------------------------------

@dataclass
class _Ctx:
    """Everything item builders need about one clause."""

    notice: Notice
    clause: Clause
    facts: list[Fact]

    @property
    def text(self) -> str:
        return self.clause.text

    def citation(self, quote: str) -> Citation:
        return Citation(doc_id=self.notice.doc_id, title=self.notice.title, clause_id=self.clause.clause_id,
                        clause=self.clause.path, text=self.clause.text, quote=quote, score=1.0)

    def basis(self, quote: str) -> str:
        """依据《…》（path heading）：“the sentence around quote”"""
        return f"依据{_where(self.notice, self.clause)}：“{_sentence(self.text, quote)}”"


def _item(ctx: _Ctx, kind: QuizKind, facet: str, quote: str, truth: str, stem: str, answer: str,
          explanation: str, options: list[str] | None = None, shown: str | None = None, variant: str = "") -> QuizItem:
    item_id = f"{ctx.clause.clause_id}#{kind}-{facet}-{_digest(kind, facet, quote, truth, variant, stem)}"
    if options:
        _rng(item_id).shuffle(options)
    return QuizItem(item_id=item_id, kind=kind, facet=facet, stem=stem, options=tuple(options or ()),
                    answer=answer, explanation=explanation, citation=ctx.citation(quote), truth=truth, shown=shown)


def _choice(ctx: _Ctx, facet: str, quote: str, truth: str, stem: str, answer: str, wrong: list[str],
            explanation: str, variant: str = "") -> QuizItem | None:
    wrong = list(dict.fromkeys(w for w in wrong if w != answer))[: CHOICES - 1]
    if len(wrong) < 2:
        log.debug("%s: too few wrong options for %s; no choice item", ctx.clause.clause_id, truth)
        return None
    return _item(ctx, "choice", facet, quote, truth, stem, answer, explanation, [answer, *wrong], variant=variant)


def _judges(ctx: _Ctx, facet: str, quote: str, truth: str, say, wrong: str | None, basis: str,
            why_false: str | None = None) -> list[QuizItem]:
    """A 判断题 keeping the fact and one changing it; `say(x)` is the statement with x in the fact's place."""
    lead = f"根据{_where(ctx.notice, ctx.clause)}，"
    items = [_item(ctx, "judge", facet, quote, truth, lead + _end(say(truth)), TRUE,
                   f"{basis}题干与原文一致。", shown=truth, variant="kept")]
    if wrong:
        why = why_false or f"原文为“{truth}”，题干改为“{wrong}”。"
        items.append(_item(ctx, "judge", facet, quote, truth, lead + _end(say(wrong)), FALSE,
                           f"{basis}{why.replace('{wrong}', wrong)}", shown=wrong, variant="altered"))
    return items


def _target_items(ctx: _Ctx, fact: Fact) -> list[QuizItem]:
    at = _value_at(fact.quote, fact.value or "")
    if not fact.value or at is None:
        return []
    prefix = f"{fact.deadline}，" if fact.deadline and fact.deadline not in fact.quote else ""

    def say(value: str) -> str:
        return prefix + fact.quote[: at.start()] + value + fact.quote[at.end():]

    basis = ctx.basis(fact.quote)
    where = f"根据{_where(ctx.notice, ctx.clause)}，"
    wrong = wrong_values(fact.value, ctx.text)
    items = [_item(ctx, "fill", "value", fact.quote, fact.value, where + "填空：" + _end(say(BLANK)), fact.value,
                   f"{basis}答案：{fact.value}。")]
    if choice := _choice(ctx, "value", fact.quote, fact.value, where + _end(say(GAP)), fact.value,
                         wrong[:CHOICES - 1], f"{basis}答案：{fact.value}。"):
        items.append(choice)
    items += _judges(ctx, "value", fact.quote, fact.value, say, wrong[0] if wrong else None, basis)
    return items


def _deadline_items(ctx: _Ctx, fact: Fact) -> list[QuizItem]:
    if not fact.deadline or fact.deadline not in fact.quote or fact.year is None:
        return []
    at = fact.quote.index(fact.deadline)
    plan = _plan_of(fact.deadline)
    part = plan or YEAR.search(fact.deadline).group(0)

    def say(deadline: str) -> str:
        return fact.quote[:at] + deadline + fact.quote[at + len(fact.deadline):]

    basis = ctx.basis(fact.quote)
    where = f"根据{_where(ctx.notice, ctx.clause)}，"
    wrong = wrong_deadlines(fact, ctx.text)
    items = [_item(ctx, "fill", "deadline", fact.quote, fact.deadline,
                   where + "填空：" + _end(say(fact.deadline.replace(part, BLANK))), part,
                   f"{basis}答案：{part}。")]
    if choice := _choice(ctx, "deadline", fact.quote, fact.deadline, where + _end(say(GAP)), fact.deadline,
                         [w for w, _ in wrong], f"{basis}答案：{fact.deadline}。"):
        items.append(choice)
    items += _judges(ctx, "deadline", fact.quote, fact.deadline, say, wrong[0][0] if wrong else None, basis)
    return items


def _responsible(ctx: _Ctx) -> list[str]:
    return [u for f in ctx.facts if f.kind == "responsibility" for u in (*f.units, *f.implicit_units)]


def _wrong_units(ctx: _Ctx, pool: Mapping[str, list[str]], salt: str) -> list[str]:
    """Units of other clauses and notices that cannot be argued responsible here, this notice's first."""
    responsible = _responsible(ctx)
    own = [u for u in pool.get(ctx.notice.doc_id, []) if not unit_conflicts(u, ctx.text, responsible)]
    other = [u for d, units in sorted(pool.items()) if d != ctx.notice.doc_id for u in units
             if not unit_conflicts(u, ctx.text, responsible)]
    rng = _rng(salt)
    rng.shuffle(own)
    rng.shuffle(other)
    return list(dict.fromkeys(own + other))


def _responsibility_items(ctx: _Ctx, fact: Fact, pool: Mapping[str, list[str]]) -> list[QuizItem]:
    items: list[QuizItem] = []
    bracket = "责任单位" in fact.quote
    extra = f"（该通知说明：以下各项的责任单位均包括{'、'.join(fact.implicit_units)}。）" if fact.implicit_units else ""
    basis = ctx.basis(fact.quote)
    where = f"根据{_where(ctx.notice, ctx.clause)}，"
    for unit in fact.units:
        wrong = _wrong_units(ctx, pool, fact.quote + unit)
        if bracket:
            stem = where + f"下列单位中属于该项工作责任单位的是{GAP}。"
        elif unit in fact.quote:
            stem = where + _end(fact.quote.replace(unit, GAP, 1))
        else:
            continue
        if choice := _choice(ctx, "unit", fact.quote, unit, stem, unit, wrong,
                             f"{basis}{extra}答案：{unit}。", variant=unit):
            items.append(choice)
    if not fact.units:
        return items
    unit = fact.units[_rng(fact.quote).randrange(len(fact.units))]
    wrong = _wrong_units(ctx, pool, fact.quote + "judge")

    def say(u: str) -> str:
        return f"该项工作的责任单位包括{u}" if bracket else fact.quote.replace(unit, u, 1)

    why = f"该项工作的责任单位为{'、'.join((*fact.units, *fact.implicit_units))}，不包括{{wrong}}。" if bracket else None
    if bracket or unit in fact.quote:
        items += _judges(ctx, "unit", fact.quote, unit, say, wrong[0] if wrong else None, basis + extra, why)
    return items


def _bare(text: str) -> str:
    """Text for comparing statements across notices: folded, without punctuation or spaces."""
    return PUNCTUATION.sub("", fold(text))


def _also_states(index: Index, doc_id: str, statement: str, fact: Fact) -> bool:
    """Whether notice `doc_id` states the same thing: the sentence itself, or, in a fact of the same
    year, the same target value or a long common stretch of words."""
    if any(_bare(statement) in _bare(clause.text) for clause in index.clauses_of(doc_id)):
        return True
    ours = _bare(fact.quote.replace(fact.deadline, "") if fact.deadline else fact.quote)
    for other in index.facts_of(doc_id):
        if other.kind == "responsibility" or other.year != fact.year:
            continue
        if fact.value:
            if other.value == fact.value:
                return True
            continue
        theirs = _bare(other.quote.replace(other.deadline, "") if other.deadline else other.quote)
        if SequenceMatcher(None, ours, theirs, autojunk=False).find_longest_match().size >= SHARED_WORDS:
            return True
    return False


def _source_item(index: Index, ctx: _Ctx, fact: Fact) -> QuizItem | None:
    prefix = f"{fact.deadline}，" if fact.deadline and fact.deadline not in fact.quote else ""
    statement = _end(prefix + fact.quote)
    if ctx.notice.region and ctx.notice.region in statement:
        return None  # the statement names its own city: no question
    wrong = [n.title for d, n in sorted(index.notices.items())
             if d != ctx.notice.doc_id and not _also_states(index, d, statement, fact)]
    _rng(statement).shuffle(wrong)
    note = f"发文：{ctx.notice.issuer}" + (f"，{ctx.notice.doc_number}" if ctx.notice.doc_number else "") \
        if ctx.notice.issuer else ""
    return _choice(ctx, "source", fact.quote, ctx.notice.doc_id, f"“{statement}”出自下列哪份文件？{GAP}",
                   ctx.notice.title, wrong, f"{ctx.basis(fact.quote)}{'（' + note + '）' if note else ''}")


def _unit_pool(index: Index) -> dict[str, list[str]]:
    pool: dict[str, list[str]] = {}
    for fact in index.facts_of(kind="responsibility"):
        pool.setdefault(fact.doc_id, [])
        pool[fact.doc_id] += [u for u in (*fact.units, *fact.implicit_units) if u not in pool[fact.doc_id]]
    return pool


def _clause_items(index: Index, ctx: _Ctx, pool: Mapping[str, list[str]]) -> list[QuizItem]:
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


_CACHE: WeakKeyDictionary[Index, tuple[QuizItem, ...]] = WeakKeyDictionary()


def all_items(index: Index) -> tuple[QuizItem, ...]:
    """Every item the knowledge base yields, in document order, without duplicates (same stem and options)."""
    if index in _CACHE:
        return _CACHE[index]
    pool = _unit_pool(index)
    items, seen = [], set()
    for doc_id in sorted(index.notices):
        for clause in index.clauses_of(doc_id):
            ctx = _Ctx(index.notices[doc_id], clause, index.facts.get(clause.clause_id, []))
            for item in _clause_items(index, ctx, pool):
                if (item.kind, item.stem, item.options) not in seen and item.item_id not in seen:
                    seen |= {(item.kind, item.stem, item.options), item.item_id}
                    items.append(item)
    _CACHE[index] = tuple(items)
    return _CACHE[index]


def counts(items: Iterable[QuizItem]) -> dict[str, dict[str, int]]:
    """{doc_id: {kind: n}} for a report of what the notices yield."""
    out: dict[str, dict[str, int]] = {}
    for item in items:
        per = out.setdefault(item.citation.doc_id, dict.fromkeys(QUIZ_KINDS, 0))
        per[item.kind] += 1
    return out


# --- papers ---------------------------------------------------------------------------------

def _normalise(index: Index, n: int, kinds: Iterable[str] | None, doc_ids: Iterable[str] | None
               ) -> tuple[tuple[QuizKind, ...], tuple[str, ...]]:
    if not isinstance(n, int) or not 1 <= n <= MAX_ITEMS:
        raise QuizError(f"n must be between 1 and {MAX_ITEMS}, got {n!r}")
    kinds = [k.strip() for k in (kinds.split(",") if isinstance(kinds, str) else kinds or ()) if k.strip()]
    if unknown := [k for k in kinds if k not in QUIZ_KINDS]:
        raise QuizError(f"unknown question kinds: {', '.join(unknown)}; use fill (填空题), choice (单选题), judge (判断题)")
    doc_ids = sorted({d.strip() for d in (doc_ids.split(",") if isinstance(doc_ids, str) else doc_ids or ())
                      if d.strip()})
    if unknown := [d for d in doc_ids if d not in index.notices]:
        raise QuizError(f"unknown doc_ids: {', '.join(unknown)}; known: {', '.join(sorted(index.notices))}")
    return tuple(k for k in QUIZ_KINDS if not kinds or k in kinds), tuple(doc_ids)


def _pick(pool: list[QuizItem], n: int, rng: random.Random) -> list[QuizItem]:
    """n items, the kinds taking turns; each turn prefers a sentence no earlier item asked about."""
    queues = [[i for i in pool if i.kind == k] for k in QUIZ_KINDS]
    for queue in queues:
        rng.shuffle(queue)
    chosen: list[QuizItem] = []
    asked: set[tuple[str, str]] = set()

    def sentence(item: QuizItem) -> tuple[str, str]:
        return item.citation.clause_id, _sentence(item.citation.text, item.citation.quote)

    while len(chosen) < n and any(queues):
        for queue in queues:
            if not queue or len(chosen) >= n:
                continue
            pick = next((i for i in queue if sentence(i) not in asked), queue[0])
            queue.remove(pick)
            chosen.append(pick)
            asked.add(sentence(pick))
    return sorted(chosen, key=lambda i: QUIZ_KINDS.index(i.kind))


def _paper_key(seed: int, n: int, kinds: tuple[str, ...], doc_ids: tuple[str, ...]) -> str:
    data = json.dumps({"v": 1, "s": seed, "n": n, "k": list(kinds), "d": list(doc_ids)},
                      separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")


def make_paper(index: Index, n: int = 20, kinds: Iterable[str] | None = None, doc_ids: Iterable[str] | None = None,
               seed: int | None = None) -> Paper:
    """A paper of up to n distinct items (fewer if fewer match), the same for the same arguments and seed."""
    kinds_t, docs_t = _normalise(index, n, kinds, doc_ids)
    if seed is None:
        seed = random.SystemRandom().randrange(1, 10**6)
    pool = [i for i in all_items(index) if i.kind in kinds_t and (not docs_t or i.citation.doc_id in docs_t)]
    if not pool:
        raise QuizError(f"no {'/'.join(kinds_t)} items can be made from {', '.join(docs_t) or 'the notices'}; "
                        "widen the kinds or notices")
    items = _pick(pool, n, random.Random(seed))
    paper_id = f"{_paper_key(seed, n, kinds_t, docs_t)}.{_digest(*(i.item_id for i in items))}"
    return Paper(paper_id=paper_id, seed=seed, n=n, kinds=kinds_t, doc_ids=docs_t, items=tuple(items))


def paper_from_id(index: Index, paper_id: str) -> Paper:
    """Regenerate a paper from its id; fails if the knowledge base changed since it was made."""
    key, _, digest = paper_id.rpartition(".")
    try:
        data = json.loads(base64.urlsafe_b64decode(key + "=" * (-len(key) % 4)))
        seed, n, kinds, docs = data["s"], data["n"], data["k"], data["d"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise QuizError(f"paper_id {paper_id!r} is not one this service issued; use the paper_id from POST /quiz")
    paper = make_paper(index, n, kinds, docs, seed)
    if paper.paper_id != paper_id:
        raise QuizError(f"paper {paper_id!r} was made from an earlier version of the notices and its items have "
                        "changed; grade by item ids (omit paper_id) or generate a new paper")
    return paper


# --- grading --------------------------------------------------------------------------------

def _plain(text: str) -> str:
    text = re.sub(r"\s+", "", fold(text)).upper().strip("。.，,")
    return re.sub(r"(?<=\d)[~～—–至到](?=\d)", "-", text)


def is_correct(item: QuizItem, given: str | None) -> bool:
    """Whether a candidate's answer is right: a letter or the option text for 单选题, 对/错 words for
    判断题, the blanked text (with or without its unit) for 填空题."""
    if given is None or not given.strip():
        return False
    if item.kind == "choice":
        m = re.match(r"^([A-H])(?:[.、．:：)）\s]+.*)?$", given.strip().upper())
        if m and OPTION_LABELS.index(m.group(1)) < len(item.options):
            return item.options[OPTION_LABELS.index(m.group(1))] == item.answer
        return _plain(given) == _plain(item.answer)
    if item.kind == "judge":
        word = given.strip().lower()
        return (item.answer == TRUE and word in TRUE_WORDS) or (item.answer == FALSE and word in FALSE_WORDS)
    expected, got = _plain(item.answer), _plain(given)
    bare = re.sub(r"(?<=\d)(?:%|项|家|个|所|名|人|台|件|万元|亿元|万|年)$", "", expected)
    grade = re.sub(r"级$", "", expected)
    return got in {expected, bare, grade, expected + "年", f'"{expected}"'}


def grade(index: Index, answers: Mapping[str, str | None], paper_id: str | None = None) -> GradeResult:
    """Score answers {item_id: answer}. With a paper_id every item of the paper counts (blank = wrong);
    without one, only the items answered."""
    known = {i.item_id: i for i in all_items(index)}
    if paper_id:
        items = list(paper_from_id(index, paper_id).items)
        ids = {i.item_id for i in items}
        if stray := [k for k in answers if k not in ids]:
            raise QuizError(f"item ids not in paper {paper_id}: {', '.join(stray[:5])}")
    else:
        if unknown := [k for k in answers if k not in known]:
            raise QuizError(f"unknown item ids: {', '.join(unknown[:5])}; use the item_id values of a paper")
        if not answers:
            raise QuizError("no answers given; send {item_id: answer} for the items of a paper")
        items = [known[k] for k in answers]
    graded = tuple(GradedItem(item_id=i.item_id, kind=i.kind, given=answers.get(i.item_id),
                              correct=is_correct(i, answers.get(i.item_id)), answer=i.answer_key,
                              explanation=i.explanation, citation=i.citation) for i in items)
    right = sum(g.correct for g in graded)
    return GradeResult(paper_id=paper_id, correct=right, total=len(graded),
                       score=round(100 * right / len(graded), 1) if graded else 0.0, items=graded)
