"""单项选择题 from regulation articles, in the form of the 注册计量师 law subject: a stem from the article's own
sentence with a gap, four options, one 最符合题意.

What an item asks: who decides or approves (`罚款1万元以上的，应当报（　）决定`), which time limit or fine
(`十五日`, `1000元以下`), what consequence an act has, which term a definition defines, when a document takes
effect, which article or document states a rule. Wrong options are the same kind of thing taken from other
articles and documents (or a neighbouring value on a ladder), each checked not to be stated by the cited article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import cn2an

from retriever import patterns as P
from retriever.answering.cite import quoted_title
from retriever.index import Index
from retriever.models import Fact, Notice, QuizItem
from retriever.exam.items import (
    GAP,
    MAX_OPTION_CHARS,
    SINGLE_OPTIONS,
    Ctx,
    bare,
    end,
    is_regulation,
    near_copy,
    overlapping,
    rng,
    single,
    states,
)

# Words that make a sentence lean on its neighbours (上述条件, 前款规定, 下列情形): such a sentence is no stem.
# (以下 after an amount or a date is a bound, 一千元以下, not a list to come.)
CONTEXT_WORDS = re.compile(
    r"上述|前款|前项|前述|前条|下列|其中|该项|该条|此项"
    r"|(?<![0-9零一二三四五六七八九十百千万元倍%年日月级])以下"
)
# A leading item marker (（三）, 二、, 3．) is not part of the sentence a stem quotes.
ITEM_MARKER = re.compile(r"^(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|\d+[.．、])")
# Words that name this document in its own text (本法, 本细则): they give away "which document".
SELF_NAME = re.compile(r"本(?:法|细则|条例|办法|规定|决定)")
# 报X决定 / 报X批准: a body a matter is referred to, which the authority facts do not cover.
# Names of one kind of body across documents and eras (计量局 in the 1980s, 计量行政部门 in the national law,
# 计量主管部门 in 浙江; 地方 is often left out; 有关/相应的/当地 name whichever body applies): compared after these
# rewrites, two names that coincide (or one inside the other) may be the same body, never a right and a wrong option.
BODY_ALIASES: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"计量(?:行政|主管)部门|计量局"), "计量部门"),
    (re.compile(r"地方|有关|相应的?|当地"), ""),
    (re.compile(r"省、自治区、直辖市"), "省级"),
    # near-synonyms of one level: 上一级 is 上级, 本级 is 同级 — never a right and a wrong option side by side
    (re.compile(r"上一级"), "上级"),
    (re.compile(r"本级"), "同级"),
)
# A body's name that leans on its sentence (其指定的…, 该单位) is no option.
BODY_PRONOUN = re.compile(r"^(?:其|该|本|此|所在|当事)")
# A time limit: number and unit (十五日, 15日, 二十个工作日, 三个月).
TIME_VALUE = re.compile(r"^(?P<n>[0-9一二三四五六七八九十百两]+)(?P<unit>个工作日|个月|日|天|年|小时)$")
# Plausible time limits in days (or months, years), the ladder wrong time limits are taken from.
TIME_STEPS = (3, 5, 7, 10, 15, 20, 30, 60, 90)
# A fine: 一千元以下, 1000元以下, 一千元以上一万元以下, 1万元以上.
AMOUNT = r"[0-9一二三四五六七八九十百千万两零〇]+"
FINE = re.compile(rf"^(?:(?P<lo>{AMOUNT})元以上)?(?P<hi>{AMOUNT})元以下$")
# Plausible fines in yuan, the ladder wrong fines are taken from.
FINE_STEPS = (100, 200, 300, 500, 1000, 2000, 3000, 5000, 10000, 20000, 30000, 50000, 100000, 200000, 300000, 500000)
# A date as an article writes it: 1986年7月1日.
DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
# Verbs that open an act a person or unit commits (制造、销售…的): a scenario puts 某单位 before them.
ACT_OPENERS = re.compile(r"^(?:制造|修理|销售|使用|进口|伪造|经营|出具|破坏|未经|未按照|未取得|擅自|向社会|为社会)")
# Who commits the act, when the act names it (…的产品质量检验机构，为社会提供…): then no 某单位 before it.
ACTOR = re.compile(r"^[^，]*(?:机构|单位|人员|企业|个体工商户|部门)")
# A leading reference to the rule broken (违反本细则第二条规定，) is dropped from a scenario.
BROKEN_RULE = re.compile(r"^违反[^，。；]{0,40}?规定，")
# Sanctions a consequence can name; a wrong consequence must name one the cited article does not impose,
# or it would be a weaker but true statement of the article.
SANCTIONS: dict[str, re.Pattern] = {
    "没收器具": re.compile(r"没收[^，。；]{0,10}计量器具"),
    "没收所得": re.compile(r"没收[^，。；]{0,12}违法所得"),
    "罚款": re.compile(r"罚款"),
    "责令停止": re.compile(r"责令[^，。；]{0,4}停止"),
    "责令改正": re.compile(r"责令[^，。；]{0,4}(?:改正|补办)"),
    "赔偿": re.compile(r"赔偿"),
    "处分": re.compile(r"处分"),
    "刑事责任": re.compile(r"刑事责任"),
    "吊销": re.compile(r"吊销"),
    "封存": re.compile(r"封存"),
    "警告": re.compile(r"警告"),
    "撤销": re.compile(r"撤销"),
}
MAX_CONSEQUENCE_CHARS = 30  # a consequence option longer than this is not offered
MAX_MEANING_CHARS = 90  # a definition longer than this makes no readable stem
MAX_TERM_CHARS = 12
# A document is no wrong option for "which document says …" if any of its clauses repeats this share of the
# statement as one run: it may say the same in other words.
SOURCE_NEAR = 0.4
# A rule quoted as "which article/document says" must be long enough to be specific, short enough to read.
RULE_CHARS = (15, 60)
STRICT_MODALS = ("必须", "应当", "不得", "禁止", "不准")


def clean_sentence(quote: str) -> str:
    return ITEM_MARKER.sub("", quote.strip())


def _closest(candidates: Iterable[str], target: str, salt: str) -> list[str]:
    """Candidates most like `target` first (they make plausible wrong options), ties in a seeded order."""
    pool = list(dict.fromkeys(candidates))
    rng(salt).shuffle(pool)
    return sorted(pool, key=lambda c: -round(SequenceMatcher(None, c, target).ratio(), 2))


def sanctions(text: str) -> frozenset[str]:
    return frozenset(name for name, pattern in SANCTIONS.items() if pattern.search(text))


# --- pools of options ------------------------------------------------------------------------


@dataclass
class LawPools:
    """Options of each kind across the current documents: the candidates for wrong options."""

    bodies: list[str] = field(default_factory=list)
    # per document: its bodies, time limits and fines — a wrong option comes from the same law first
    # (neighbouring levels of government, its other time limits and amounts)
    own: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    consequences: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    regulations: list[Notice] = field(default_factory=list)


def _usable_body(body: str) -> bool:
    return len(body) <= MAX_OPTION_CHARS and P.BODY_END.search(body) is not None and not BODY_PRONOUN.match(body)


def _consequence(fact: Fact) -> tuple[str, str] | None:
    """(act, consequence) of a penalty sentence `act的，consequence；…`, when both read on their own."""
    if not fact.subject or f"{fact.subject}的，" not in fact.quote:
        return None
    rest = fact.quote.split(f"{fact.subject}的，", 1)[1]
    consequence = re.split(r"[；。]", rest, maxsplit=1)[0].strip("，")
    if not consequence or len(consequence) > MAX_CONSEQUENCE_CHARS or not sanctions(consequence):
        return None
    act = BROKEN_RULE.sub("", clean_sentence(fact.subject))
    if CONTEXT_WORDS.search(act) or "第" in act and "条" in act:
        return None
    return act, consequence


def law_pools(index: Index) -> LawPools:
    pools = LawPools()
    for doc_id, notice in sorted(index.notices.items()):
        if doc_id not in index.current or not is_regulation(notice):
            continue
        pools.regulations.append(notice)
        for fact in index.facts_of(doc_id):
            if fact.kind == "authority" and fact.value and _usable_body(fact.value):
                pools.bodies.append(fact.value)
                pools.own.setdefault((doc_id, "authority"), []).append(fact.value)
            elif fact.kind in ("time_limit", "penalty") and fact.value:
                pools.own.setdefault((doc_id, fact.kind), []).append(fact.value)
            elif fact.kind == "penalty" and (pair := _consequence(fact)):
                pools.consequences.append(pair[1])
            elif fact.kind == "definition" and fact.subject and len(fact.subject) <= MAX_TERM_CHARS:
                pools.terms.append(clean_sentence(fact.subject))
            elif fact.kind == "effective" and (m := DATE.search(fact.quote)):
                pools.dates.append(m.group(0))
    for name in ("bodies", "consequences", "terms", "dates"):
        setattr(pools, name, list(dict.fromkeys(getattr(pools, name))))
    pools.own = {k: list(dict.fromkeys(v)) for k, v in pools.own.items()}
    return pools


# --- ladders of values -----------------------------------------------------------------------


def _number(text: str) -> int | None:
    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, TypeError):
        return None
    return int(value) if value == int(value) else None


def _written_like(n: int, like: str) -> str:
    """n written the way `like` is: 十五 / 15, 一万 / 1万."""
    if not re.search(r"\d", like):
        return cn2an.an2cn(n)
    if n >= 10000 and n % 10000 == 0 and "万" in like:
        return f"{n // 10000}万"
    return str(n)


def _ladder_neighbours(steps: tuple[int, ...], values: list[int]) -> list[list[int]]:
    """The values moved together one, two, three steps down and up the ladder, nearest first."""
    if any(v not in steps for v in values):
        return []
    at = [steps.index(v) for v in values]
    out = []
    for shift in (-1, 1, -2, 2, 3, -3, 4):
        moved = [i + shift for i in at]
        if all(0 <= i < len(steps) for i in moved):
            out.append([steps[i] for i in moved])
    return out


def time_neighbours(value: str) -> list[str]:
    """Wrong time limits for 十五日: 十日, 二十日, 七日, 三十日 …, written like the value."""
    m = TIME_VALUE.match(value)
    if not m or (n := _number(m.group("n"))) is None:
        return []
    return [_written_like(k, m.group("n")) + m.group("unit") for [k] in _ladder_neighbours(TIME_STEPS, [n])]


def fine_neighbours(value: str) -> list[str]:
    """Wrong fines for 一千元以下: 五百元以下, 二千元以下 …; a range moves both ends."""
    m = FINE.match(value)
    if not m:
        return []
    ends = [g for g in (m.group("lo"), m.group("hi")) if g]
    numbers = [_number(g) for g in ends]
    if None in numbers:
        return []
    out = []
    for moved in _ladder_neighbours(FINE_STEPS, numbers):
        written = [_written_like(k, like) for k, like in zip(moved, ends)]
        out.append(f"{written[0]}元以上{written[1]}元以下" if len(written) == 2 else f"{written[0]}元以下")
    return out


# --- items -----------------------------------------------------------------------------------


def _gap_stem(ctx: Ctx, sentence: str, answer: str) -> str | None:
    """The article's sentence with `answer` (once in it) replaced by the gap, or None if it leans on context."""
    sentence = clean_sentence(sentence)
    if sentence.count(answer) != 1 or CONTEXT_WORDS.search(sentence):
        return None
    return ctx.lead() + end(sentence.replace(answer, GAP))


def body_form(text: str) -> str:
    """A body's name (or a text naming bodies) with BODY_ALIASES applied, for telling bodies apart."""
    for pattern, replacement in BODY_ALIASES:
        text = pattern.sub(replacement, text)
    return bare(text)


def _value_item(ctx: Ctx, facet: str, sentence: str, answer: str, candidates: list[str]) -> QuizItem | None:
    stem = _gap_stem(ctx, sentence, answer)
    if stem is None or len(answer) > MAX_OPTION_CHARS:
        return None
    wrong = [
        w for w in candidates if not states(ctx.text, w) and not overlapping(w, answer) and len(w) <= MAX_OPTION_CHARS
    ]
    if facet == "authority":
        text, own = body_form(ctx.text), body_form(answer)
        wrong = [w for w in wrong if body_form(w) not in text and not overlapping(body_form(w), own)]
    return single(ctx, facet, sentence, answer, stem, answer, wrong, f"{ctx.basis(sentence)}答案：{answer}。")


def _authority_items(ctx: Ctx, pools: LawPools) -> list[QuizItem]:
    pairs = [(f.value, f.quote) for f in ctx.facts if f.kind == "authority" and f.value and _usable_body(f.value)]
    items = []
    own = pools.own.get((ctx.notice.doc_id, "authority"), [])
    for body, sentence in dict.fromkeys(pairs):
        salt = ctx.clause.clause_id + body
        candidates = list(dict.fromkeys(_closest(own, body, salt) + _closest(pools.bodies, body, salt)))
        if item := _value_item(ctx, "authority", sentence, body, candidates):
            items.append(item)
    return items


def _value_items(ctx: Ctx, kind: str, neighbours, pools: LawPools) -> list[QuizItem]:
    """Which time limit or fine an article states: the wrong options are the document's other time limits or
    amounts of the same form first, then neighbouring values (十日/二十日, 500元/2000元)."""
    own = pools.own.get((ctx.notice.doc_id, kind), [])
    items = []
    for fact in ctx.facts:
        if fact.kind == kind and fact.value:
            alike = [v for v in own if v != fact.value and _same_form(v, fact.value)]
            candidates = list(dict.fromkeys(alike + neighbours(fact.value)))
            if item := _value_item(ctx, kind, fact.quote, fact.value, candidates):
                items.append(item)
    return items


def _same_form(a: str, b: str) -> bool:
    """Two values of one form: time limits of one unit (十日, 十五日), fines of one shape (…元以下)."""
    if (ma := TIME_VALUE.match(a)) and (mb := TIME_VALUE.match(b)):
        return ma.group("unit") == mb.group("unit")
    if (ma := FINE.match(a)) and (mb := FINE.match(b)):
        return bool(ma.group("lo")) == bool(mb.group("lo"))
    return False


def _effective_items(ctx: Ctx, pools: LawPools) -> list[QuizItem]:
    items = []
    for fact in ctx.facts:
        if fact.kind == "effective" and (m := DATE.search(fact.quote)):
            date = m.group(0)
            year = int(date[:4])
            shifted = [date.replace(str(year), str(year + d), 1) for d in (1, -1, 2)]
            candidates = _closest([*pools.dates, *shifted], date, ctx.clause.clause_id)
            sentence = clean_sentence(fact.quote)
            if sentence.count(date) == 1:
                wrong = [w for w in candidates if not states(ctx.text, w)]
                items += filter(
                    None,
                    [
                        single(
                            ctx,
                            "effective",
                            fact.quote,
                            date,
                            ctx.lead() + end(sentence.replace(date, GAP)),
                            date,
                            wrong,
                            f"{ctx.basis(fact.quote)}答案：{date}。",
                        )
                    ],
                )
    return items


def _consequence_items(ctx: Ctx, pools: LawPools) -> list[QuizItem]:
    items = []
    imposed = sanctions(ctx.text)
    for fact in ctx.facts:
        if fact.kind != "penalty" or not (pair := _consequence(fact)):
            continue
        act, consequence = pair
        scenario = f"某单位{act}" if ACT_OPENERS.match(act) and not ACTOR.match(act) else act
        stem = ctx.lead() + f"{scenario}的，下列处理符合规定的是{GAP}。"
        wrong = [
            c
            for c in _closest(pools.consequences, consequence, fact.quote)
            if not states(ctx.text, c)
            and not overlapping(c, consequence)
            and not sanctions(c) <= imposed
            and sanctions(c) != sanctions(consequence)
        ]
        if item := single(
            ctx,
            "consequence",
            fact.quote,
            consequence,
            stem,
            consequence,
            wrong,
            f"{ctx.basis(fact.quote)}答案：{consequence}。",
        ):
            items.append(item)
    return items


def _definition_items(ctx: Ctx, pools: LawPools) -> list[QuizItem]:
    items = []
    for fact in ctx.facts:
        if fact.kind != "definition" or not fact.subject or not fact.value:
            continue
        term, meaning = clean_sentence(fact.subject), fact.value.rstrip("。")
        if len(term) > MAX_TERM_CHARS or len(meaning) > MAX_MEANING_CHARS or bare(term) in bare(meaning):
            continue
        named_as = not re.search(r"是指|指的是|系指", fact.quote)  # …，为国家法定计量单位: the article's own form
        stem = ctx.lead() + (f"{meaning}，为{GAP}。" if named_as else f"{GAP}是指{meaning}。")
        wrong = [
            t for t in _closest(pools.terms, term, fact.quote) if not states(ctx.text, t) and not overlapping(t, term)
        ]
        if item := single(
            ctx, "definition", fact.quote, term, stem, term, wrong, f"{ctx.basis(fact.quote)}答案：{term}。"
        ):
            items.append(item)
    return items


def _rules(ctx: Ctx) -> list[Fact]:
    """Rules of the article that can stand alone as a quoted statement, in article order."""
    lo, hi = RULE_CHARS
    return [
        f
        for f in ctx.facts
        if f.kind == "rule"
        and f.modal in STRICT_MODALS
        and lo <= len(f.quote) <= hi
        and not CONTEXT_WORDS.search(f.quote)
        and not ITEM_MARKER.match(f.quote)
    ]


def _article_item(index: Index, ctx: Ctx) -> QuizItem | None:
    """“…”是《X》哪一条的规定？ — options: this article and neighbouring articles that do not state it."""
    rules = _rules(ctx)
    if not rules or ctx.clause.kind != "article" or ctx.clause.number is None:
        return None
    statement = end(rules[0].quote)
    others = [
        c
        for c in index.clauses_of(ctx.notice.doc_id)
        if c.kind == "article"
        and c.number is not None
        and c.clause_id != ctx.clause.clause_id
        and not near_copy(c.text, statement)
    ]
    others.sort(key=lambda c: (abs(c.number - ctx.clause.number), c.number))
    wrong = [c.label for c in others[: SINGLE_OPTIONS + 2] if c.label != ctx.clause.label]
    rng(statement).shuffle(wrong)
    stem = f"“{statement}”是{ctx.title}哪一条的规定？{GAP}"
    return single(
        ctx,
        "article",
        rules[0].quote,
        ctx.clause.label,
        stem,
        ctx.clause.label,
        wrong,
        f"{ctx.basis(rules[0].quote)}答案：{ctx.clause.label}。",
    )


def _source_item(index: Index, ctx: Ctx, pools: LawPools) -> QuizItem | None:
    """“…”出自下列哪部法规？ — options: this document and current regulations that state nothing like it."""
    rules = [
        r
        for r in _rules(ctx)
        if not SELF_NAME.search(r.quote) and not (ctx.notice.region and ctx.notice.region in r.quote)
    ]
    if not rules:
        return None
    rule = rules[-1]
    statement = end(rule.quote)
    wrong = [
        quoted_title(n.title)
        for n in pools.regulations
        if n.series != ctx.notice.series
        and not any(near_copy(c.text, statement, SOURCE_NEAR) for c in index.clauses_of(n.doc_id))
    ]
    rng(statement, "source").shuffle(wrong)
    return single(
        ctx,
        "source",
        rule.quote,
        ctx.notice.doc_id,
        f"“{statement}”出自下列哪部法规？{GAP}",
        quoted_title(ctx.notice.title),
        wrong,
        f"{ctx.basis(rule.quote)}答案：{quoted_title(ctx.notice.title)}。",
    )


def law_items(index: Index, ctx: Ctx, pools: LawPools) -> list[QuizItem]:
    """Every single-choice item one article (or clause) of a current regulation yields."""
    items = [
        *_authority_items(ctx, pools),
        *_value_items(ctx, "time_limit", time_neighbours, pools),
        *_value_items(ctx, "penalty", fine_neighbours, pools),
        *_effective_items(ctx, pools),
        *_consequence_items(ctx, pools),
        *_definition_items(ctx, pools),
    ]
    items += filter(None, [_article_item(index, ctx), _source_item(index, ctx, pools)])
    return items
