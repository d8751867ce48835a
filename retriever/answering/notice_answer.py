"""Answers from policy notices: targets (value, deadline), deadlines and responsible units from the notices'
facts, or the clause sentence that covers the question best."""

from __future__ import annotations

import re

from retriever import patterns as P
from retriever.answering.cite import NO_MATCH, Decline, best_sentence, cite, label, sentences
from retriever.documents.clean import fold
from retriever.index import Index
from retriever.models import Fact, Notice
from retriever.answering.query import Query, measure, states_measure
from retriever.answering.search import Hit, coverage, weighted_coverage

# Calibrated on the eval/ dev split (see eval/REPORT.md): a target or deadline found must cover at least
# MIN_FACT_COVERAGE of the question's subject words.
MIN_FACT_COVERAGE = 0.3
# The idf-weighted share of the question's subject words a sentence must hold to be given as an answer at all
# (eval dev splits of both sets, run of 2026-11-24).
MIN_GENERAL_WORDS = 0.1
# A clause that covers this share of the question's subject words is the task it asks about; if that clause
# names no 责任单位, the answer says so (eval dev split, run of 2026-11-24).
MIN_TASK_COVERAGE = 0.6


def _fact_score(q: Query, fact: Fact, hit: Hit, rank: int) -> float:
    """How well a fact answers the question: its words, its value or time named in the question, its clause."""
    if fact.kind == "responsibility":
        words = coverage(q.terms, hit.clause.text + hit.clause.heading)
    else:
        words = coverage(q.terms, (fact.metric or "") + fact.quote + (fact.deadline or ""))
    value = 2.0 if fact.value and fold(fact.value) in q.norm else 0.0
    when = 1.0 if fact.deadline and fold(fact.deadline).lstrip("到自") in q.norm else 0.0
    if q.years:
        when += 1.0 if fact.year in q.years else 0.0
    return words + 0.5 * coverage(q.terms, hit.clause.heading) + value + when + hit.coverage - 0.08 * rank


def _candidates(index: Index, q: Query, hits: list[Hit], kinds: tuple[str, ...]) -> list[tuple[Fact, Hit, int]]:
    """Facts of the given kinds in the top clauses and, when the question names a notice, in all its clauses."""
    found = [
        (f, h, r) for r, h in enumerate(hits[:6]) for f in index.facts.get(h.clause.clause_id, []) if f.kind in kinds
    ]
    if q.doc_ids and len(q.doc_ids) <= 2:
        seen = {h.clause.clause_id for h in hits[:6]}
        for f in (f for d in q.doc_ids for f in index.facts_of(d) if f.kind in kinds and f.clause_id not in seen):
            clause = index.clauses[f.clause_id]
            text = clause.text + clause.heading + index.notices[clause.doc_id].title
            found.append((f, Hit(clause, 0.0, 0.0, coverage(q.terms, text)), len(hits)))
    return found


def _target_answer(index, q, hits):
    """A target (value) or a deadline: the best-matching fact, preferring those of a year the question names."""
    facts = _candidates(index, q, hits, ("target", "deadline"))

    def named(f: Fact) -> bool:  # the question names this fact's year or time expression
        return f.year in q.years or bool(f.deadline and fold(f.deadline).lstrip("到自") in q.norm)

    if q.years and any(named(f) for f, _, _ in facts):
        facts = [(f, h, r) for f, h, r in facts if named(f)]
    if not facts:
        return None
    # 到2027年要达到什么目标: no subject words besides the year, so everything set for that year is asked for —
    # the whole paragraph its deadline governs, not one of its targets
    whole_year = not q.terms and bool(q.years) and any(f.kind == "deadline" for f, _, _ in facts)
    prefer = "target" if q.qtype == "target" and not whole_year else "deadline"
    fact, hit, _ = max(facts, key=lambda t: _fact_score(q, t[0], t[1], t[2]) + (0.3 if t[0].kind == prefer else 0.0))
    weak = hit is not hits[0] and hit.coverage < hits[0].coverage - 0.25
    if weak or (
        q.terms
        and coverage(q.terms, (fact.metric or "") + fact.quote + (fact.deadline or "") + hit.clause.heading)
        < MIN_FACT_COVERAGE
    ):
        return NO_MATCH
    notice = index.notices[fact.doc_id]
    head = measure(q.norm) if q.qtype == "target" else None
    if head and head in fold(fact.quote) and not states_measure(q.norm, fact.quote):
        phrase = next(p for p in re.split(r"[，,；;。：:]", fact.quote) if head in fold(p))
        return Decline(
            f"{label(notice)}文件对此未规定具体数值。该条规定：“{phrase.strip()}”", hit.clause, phrase.strip()
        )
    if q.qtype == "deadline" and fact.kind == "target" and not fact.deadline and not _dated(index, hit, fact):
        return Decline(f"{label(notice)}文件该目标未设定期限。该条规定：“{fact.quote}”", hit.clause, fact.quote)
    if q.qtype == "deadline" and P.PLURAL_ASK.search(q.norm):
        return _deadlines_of(index, notice, hit, fact)
    statement = fact.quote
    if fact.kind == "deadline" and not whole_year:  # a deadline governs a paragraph: the sentence asked about
        statement = max(sentences(fact.quote), key=lambda s: (coverage(q.terms, s), -len(s))).strip()
    lead = f"{fact.deadline}，" if fact.deadline and fact.deadline not in statement else ""
    direct = f"{label(notice)}：{lead}{statement.rstrip('。；')}[1]。"
    sentence = next((s for s in sentences(hit.clause.text) if statement in s), fact.quote).strip()
    if fact.kind == "deadline" and fact.quote in hit.clause.text:
        sentence = fact.quote
    return (
        direct + f"\n\n原文（{hit.clause.path}）：“{sentence}”[1]",
        [cite(index, hit.clause, sentence, hit.dense)],
        fact,
    )


def _dated(index: Index, hit: Hit, fact: Fact) -> bool:
    """Whether any time expression of the clause governs the target's sentence."""
    return any(f.kind == "deadline" and fact.quote in f.quote for f in index.facts.get(hit.clause.clause_id, []))


def _deadlines_of(index: Index, notice: Notice, hit: Hit, fact: Fact):
    """Every time expression one clause sets (主要目标分哪两个时间节点 → 到2025年、到2035年)."""
    found = [f for f in index.facts.get(hit.clause.clause_id, []) if f.kind == "deadline"] or [fact]
    names = list(dict.fromkeys(f.deadline for f in found))
    text = hit.clause.text
    spans = sorted((text.find(f.quote), text.find(f.quote) + len(f.quote)) for f in found if f.quote in text)
    quote = text[spans[0][0] : spans[-1][1]] if spans else fact.quote
    direct = f"{label(notice)}：{'、'.join(names)}[1]。"
    return direct + f"\n\n原文（{hit.clause.path}）：“{quote}”[1]", [cite(index, hit.clause, quote, hit.dense)], fact


def _responsibility_answer(index, q, hits):
    """The 责任单位 of the task the question names; a unit named in a sentence only if that sentence fits best."""
    found = [
        (f, h, r)
        for r, h in enumerate(hits[:3])
        for f in index.facts.get(h.clause.clause_id, [])
        if f.kind == "responsibility"
    ]
    if not found:
        return _no_units(index, q, hits)
    fact, hit, _ = max(found, key=lambda t: _fact_score(q, t[0], t[1], t[2]))  # ties: the first found
    if hit is not hits[0] and hit.coverage < hits[0].coverage:
        return _no_units(index, q, hits)
    annotated = "责任单位" in fact.quote[:6]
    if not annotated and coverage(q.terms, fact.quote) < coverage(q.terms, best_sentence(q.terms, hits[0].clause)):
        return None
    notice = index.notices[fact.doc_id]
    where = f"{hit.clause.path}{hit.clause.heading}"
    direct = f"{label(notice)}{where}的责任单位：{'、'.join(fact.units)}[1]。"
    citations = [cite(index, hit.clause, fact.quote, hit.dense)]
    if fact.implicit_units:
        rule = next((f for f in index.facts_of(fact.doc_id, "responsibility") if f.subject), None)
        if rule:
            direct += f"按该文件规定，责任单位中均包括{'、'.join(fact.implicit_units)}[2]。"
            citations.append(cite(index, index.clauses[rule.clause_id], rule.subject, hit.dense))
    return direct + f"\n\n原文（{hit.clause.path}）：“{fact.quote}”[1]", citations, fact


def _no_units(index: Index, q: Query, hits: list[Hit]) -> Decline | None:
    """The task the question names is the best clause, and it names no 责任单位: say so, then quote it."""
    hit = hits[0]
    if hit.clause.kind in ("header", "preamble") or hit.coverage < MIN_TASK_COVERAGE:
        return None
    if any(f.kind == "responsibility" for f in index.facts.get(hit.clause.clause_id, [])):
        return None
    if P.UNIT_NAMED.search(fold(hit.clause.text)):
        return None  # it names bodies in its own words (发展改革、财政等部门要…): the sentence answers
    notice = index.notices[hit.clause.doc_id]
    sentence = best_sentence(q.terms, hit.clause)
    return Decline(
        f"{label(notice)}文件该条（{hit.clause.path}{hit.clause.heading}）未列明责任单位。该条规定：“{sentence}”",
        hit.clause,
        sentence,
    )


def general_answer(index, q, hits):
    """The sentence of the best clause that covers the question best, named by its document and clause; a
    Decline when even that sentence holds almost none of the question's subject words. The front matter answers
    only when it says more than the best clause of the body (its title repeats the notice's subject words)."""
    hit = hits[0]
    body = next((h for h in hits if h.clause.kind != "header"), None)
    if hit.clause.kind == "header" and body is not None:
        said = {
            h.clause.clause_id: weighted_coverage(index, q.terms, best_sentence(q.terms, h.clause), q.idf)
            for h in (hit, body)
        }
        hit = hit if said[hit.clause.clause_id] > said[body.clause.clause_id] else body
    if (
        weighted_coverage(index, q.terms, best_sentence(q.terms, hit.clause) + hit.clause.heading, q.idf)
        < MIN_GENERAL_WORDS
    ):
        return Decline("知识库中的文件没有回答这个问题的条款。", None)
    sentence = best_sentence(q.terms, hit.clause)
    if "permission" in q.slots and not any(m in sentence for m in P.MAY_MODALS):
        # 允许…吗 is answered by what may or may not be done: a rule on the question's words among the top
        # clauses (…均不得以经费保障不到位等理由…) before a description of the same subject
        ruled = [
            (h, s)
            for h in hits[:3]
            if h.clause.kind != "header"
            for s in sentences(h.clause.text)
            if any(m in s for m in P.MAY_MODALS) and coverage(q.terms, s) > 0
        ]
        if ruled:
            hit, sentence = max(ruled, key=lambda t: weighted_coverage(index, q.terms, t[1], q.idf))
            sentence = sentence.strip()
    notice = index.notices[hit.clause.doc_id]
    head = (
        f"{hit.clause.path}{hit.clause.heading}" if hit.clause.kind not in ("preamble", "header") else hit.clause.path
    )
    direct = f"{label(notice)}文件{head}：{sentence}[1]"
    return direct, [cite(index, hit.clause, sentence, hit.dense)], None


COMPOSERS = {"target": _target_answer, "deadline": _target_answer, "responsibility": _responsibility_answer}


def compose(index: Index, q: Query, hits: list[Hit]):
    """(text, citations, fact) for one notice, or NO_MATCH when no stated target fits the question.

    A target the question does not name loses to a sentence of the best clause that fits it far better
    (到2025年…全覆盖 is a target without a number).
    """
    composed = COMPOSERS.get(q.qtype, lambda *_: None)(index, q, hits)
    if isinstance(composed, tuple) and q.qtype == "target" and composed[2] is not None:
        fact = composed[2]
        fact_fit = coverage(q.terms, (fact.metric or "") + fact.quote)
        if (
            not (fact.value and fold(fact.value) in q.norm)
            and coverage(q.terms, best_sentence(q.terms, hits[0].clause)) > fact_fit + 0.25
        ):
            return general_answer(index, q, hits)
    return composed or general_answer(index, q, hits)
