"""Facts of laws, regulations and rules, per clause and with exact quotes: penalties, time limits, effective
dates, the authority that decides or approves, definitions, obligations and prohibitions, enumerations.

Every quote is a span of the clause text; every value is a span of its quote.
"""

from __future__ import annotations

import re

from retriever import patterns as P
from retriever.documents.clean import fold
from retriever.documents.meta import date_iso
from retriever.models import Clause, Fact
from retriever.numerals import DIGITS


def _sentences(folded: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: up to and including 。, or a line's end; an article's own number
    (第九条 ) and leading spaces are not part of its first sentence."""
    spans, start = [], 0
    for m in re.finditer(r"。|\n", folded):
        end = m.end() if m.group(0) == "。" else m.start()
        if folded[start:end].strip():
            spans.append(_trimmed(folded, start, end))
        start = m.end()
    if folded[start:].strip():
        spans.append(_trimmed(folded, start, len(folded)))
    return spans


def _trimmed(folded: str, start: int, end: int) -> tuple[int, int]:
    """The span without leading spaces, and without an article's own number (第九条 ) in front."""
    while start < end and folded[start] == " ":
        start += 1
    if start == 0 and (m := P.ARTICLE.match(folded[start:end])) and m.group("rest"):
        start += m.start("rest")
    return start, end


def _fact(clause: Clause, kind: str, span: tuple[int, int], **fields) -> Fact:
    start, end = span
    return Fact(
        kind=kind, clause_id=clause.clause_id, doc_id=clause.doc_id, quote=clause.text[start:end].strip(), **fields
    )


def penalties(clause: Clause) -> list[Fact]:
    """A sentence that imposes a sanction: the act it punishes and, when stated, the amount."""
    text, folded = clause.text, fold(clause.text)
    facts = []
    for start, end in _sentences(folded):
        sentence = folded[start:end]
        if not P.PENALTY_WORD.search(sentence):
            continue
        amount = P.PENALTY_AMOUNT.search(sentence)
        act = P.PENALTY_ACT.match(sentence)
        facts.append(
            _fact(
                clause,
                "penalty",
                (start, end),
                value=text[start + amount.start() : start + amount.end()] if amount else None,
                subject=text[start + act.start("act") : start + act.end("act")] if act else None,
            )
        )
    return facts


def time_limits(clause: Clause) -> list[Fact]:
    """Periods within which something must be done (十五日内, 二十个工作日内) and dates before which (一九九0年底以前)."""
    text, folded = clause.text, fold(clause.text)
    facts = []
    for start, end in _sentences(folded):
        for m in P.TIME_LIMIT.finditer(folded, start, end):
            group = "value" if m.group("value") else "year"
            before = folded[start : m.start()]
            facts.append(
                _fact(
                    clause,
                    "time_limit",
                    (start, end),
                    value=text[m.start(group) : m.end(group)],
                    subject=text[start : m.start()].strip(" ,") or None,
                    year=_year(m.group("year")),
                    modal=next((w.group(0) for w in P.MODAL.finditer(before)), None),
                )
            )
    return facts


def _year(text: str | None) -> int | None:
    """一九九0年底 → 1990."""
    digits = [str(DIGITS[c]) if c in DIGITS else c for c in (text or "")[:4]]
    return int("".join(digits)) if len(digits) == 4 and all(d.isdigit() for d in digits) else None


def effective(clause: Clause) -> list[Fact]:
    text, folded = clause.text, fold(clause.text)
    facts = []
    for m in P.EFFECTIVE.finditer(folded):
        start, end = next(((s, e) for s, e in _sentences(folded) if s <= m.start() < e), (m.start(), m.end()))
        when = m.group("when")
        facts.append(
            _fact(clause, "effective", (start, end), value=date_iso(when) or text[m.start("when") : m.end("when")])
        )
    return facts


def authorities(clause: Clause) -> list[Fact]:
    """The bodies a clause says decide, approve, supervise, examine or receive applications."""
    text, folded = clause.text, fold(clause.text)
    facts, seen = [], set()
    for start, end in _sentences(folded):
        for pattern in P.AUTHORITY:
            for m in pattern.finditer(folded, start, end):
                body = folded[m.start("body") : m.end("body")].strip()
                if not P.BODY_END.search(body) or (body, m.group("act")) in seen:
                    continue
                seen.add((body, m.group("act")))
                shown = text[m.start("body") : m.end("body")].strip()
                facts.append(
                    _fact(
                        clause,
                        "authority",
                        (start, end),
                        value=shown,
                        modal=m.group("act")[:6],
                        subject=text[start : m.start()].strip(" ,，") or None,
                    )
                )
    return facts


def definitions(clause: Clause) -> list[Fact]:
    text, folded = clause.text, fold(clause.text)
    facts = []
    for m in P.DEFINITION.finditer(folded, _sentences(folded)[0][0] if folded.strip() else 0):
        term = text[m.start("term") : m.end("term")].strip()
        if len(term) < 2 or P.MODAL.search(term):
            continue
        end = m.end("meaning") + (1 if folded.startswith("。", m.end("meaning")) else 0)
        facts.append(
            _fact(
                clause,
                "definition",
                (m.start("term"), end),
                subject=term,
                value=text[m.start("meaning") : m.end("meaning")].strip(),
            )
        )
    return facts


def named_as(clause: Clause) -> list[Fact]:
    """Definitions by naming: 国际单位制计量单位和国家选定的其他计量单位，为国家法定计量单位。"""
    text, folded = clause.text, fold(clause.text)
    facts = []
    for start, end in _sentences(folded):
        if m := P.NAMED_AS.fullmatch(folded[start:end]):
            facts.append(
                _fact(
                    clause,
                    "definition",
                    (start, end),
                    subject=text[start + m.start("term") : start + m.end("term")],
                    value=text[start + m.start("meaning") : start + m.end("meaning")],
                )
            )
    return facts


def rules(clause: Clause) -> list[Fact]:
    """Sentences that oblige, forbid or permit (必须 / 应当 / 不得 / 禁止 / 可以), with the word they use."""
    text, folded = clause.text, fold(clause.text)
    facts = []
    for start, end in _sentences(folded):
        if m := P.MODAL.search(folded, start, end):
            facts.append(
                _fact(
                    clause,
                    "rule",
                    (start, end),
                    modal=m.group(0),
                    subject=text[start : m.start()].strip(" ,，") or None,
                )
            )
    return facts


def lists(clause: Clause) -> list[Fact]:
    """Enumerations: the items (一)(二)… of an article after the sentence that introduces them, and runs of
    three or more terms inside a sentence (用于贸易结算、安全防护、医疗卫生、环境监测方面)."""
    text, folded = clause.text, fold(clause.text)
    facts = []
    items = [p for p in clause.parts if p.kind == "项"]
    groups: list[list] = []
    for part in items:  # consecutive items form one list
        if groups and folded[groups[-1][-1].end : part.start].strip() == "":
            groups[-1].append(part)
        else:
            groups.append([part])
    for group in groups:
        if len(group) < 2:
            continue
        intro_end = group[0].start
        intro_start = max(folded.rfind("。", 0, intro_end - 1), folded.rfind("\n", 0, intro_end - 1)) + 1
        intro_start = _trimmed(folded, intro_start, intro_end)[0]
        names = tuple(_item_text(text[p.start : p.end]) for p in group)
        facts.append(
            _fact(
                clause,
                "list",
                (intro_start, group[-1].end),
                items=names,
                subject=text[intro_start:intro_end].strip(" :：\n") or None,
            )
        )
    for m in P.ENUMERATION.finditer(folded):
        terms = m.group(0).split("、")
        terms[0] = P.ENUM_LEAD.split(terms[0])[-1]  # 计量主管部门对水 → 水
        ends = next((i for i, term in enumerate(terms) if i and "等" in term), None)
        if ends is not None:  # 房地产等涉及公民、法人…: the enumeration ends at 等
            terms = terms[:ends] + [terms[ends].split("等")[0]]
        terms[-1] = P.ENUM_TAIL.sub("", terms[-1])
        if not _parallel(terms) or _inside_items(m.start(), items):
            continue
        start, end = next(((s, e) for s, e in _sentences(folded) if s <= m.start() < e), (m.start(), m.end()))
        shown = [text[folded.find(t, m.start()) : folded.find(t, m.start()) + len(t)] for t in terms]
        facts.append(
            _fact(
                clause, "list", (start, end), items=tuple(shown), subject=text[start : m.start()].strip(" ,，") or None
            )
        )
    return facts


# Terms of one enumeration are alike: none more than this many times as long as another (贸易结算、安全防护
# passes; 制造、修理计量器具的企业 does not). Set on the shared regulations' parse report.
ENUM_LENGTH_RATIO = 2.5
# A term holding one of these is a piece of a sentence, not a listed thing.
ENUM_NOT_IN_TERM = re.compile(r"的|应当|必须|可以|和|或者|以及|并")


def _parallel(terms: list[str]) -> bool:
    """Terms of one enumeration: alike in length, none a piece of a sentence; one-character terms (水、电、气)
    only in a run of four or more short ones."""
    lengths = [len(t) for t in terms]
    if min(lengths) < 2 and not (len(terms) >= 4 and max(lengths) <= 6 and min(lengths) >= 1):
        return False
    alike = max(lengths) <= 12 and (min(lengths) < 2 or max(lengths) <= ENUM_LENGTH_RATIO * min(lengths))
    return alike and not any(ENUM_NOT_IN_TERM.search(t) for t in terms)


def _item_text(item: str) -> str:
    """An item without its marker and closing punctuation: （一）经国家鉴定合格； → 经国家鉴定合格."""
    return re.sub(r"^\s*[（(][一二三四五六七八九十]+[）)]\s*|^\s*\d+[.．、]\s*", "", item).rstrip("；;。，, ")


def _inside_items(pos: int, items) -> bool:
    return any(p.start <= pos < p.end for p in items)


def extract(clause: Clause) -> list[Fact]:
    """Every regulation fact of one clause, in kind order."""
    return (
        penalties(clause)
        + time_limits(clause)
        + effective(clause)
        + authorities(clause)
        + definitions(clause)
        + named_as(clause)
        + rules(clause)
        + lists(clause)
    )
