"""Compose exact, cited answers from retrieved clauses and their facts, or abstain and say why.

The direct answer comes first (value, deadline, units, 文号), then the supporting sentence quoted.
Every marker [n] points into `citations`, and every citation's quote is a substring of its clause.
"""
from __future__ import annotations

import re
import time

from retriever import patterns as P
from retriever.clean import fold
from retriever.index import Index
from retriever.models import Answer, Citation, Clause, Fact, Notice
from retriever.search import Hit, Query, coverage, gloss, retrieve, subject_terms, understand, years_named

# Calibrated on the eval/ dev split (see eval/REPORT.md): abstain when the best clause covers
# less than MIN_COVERAGE of the question's subject words and its cosine is below MIN_DENSE,
# or when the best target/deadline found covers less than MIN_FACT_COVERAGE of them.
MIN_COVERAGE = 0.5
MIN_DENSE = 0.87
MIN_FACT_COVERAGE = 0.3


# What a composer returns when the notice states no target or deadline that fits the question.
NO_MATCH = "no-match"


class QuestionError(ValueError):
    """A question that cannot be asked (empty, too long, control characters)."""


def label(notice: Notice) -> str:
    """How an answer names a notice: 南昌市, 湖南省, 市场监管总局办公厅."""
    if notice.level == "国家":
        return notice.issuer or "国家"
    return f"{notice.region}{notice.level if notice.level in ('省', '市') else ''}" if notice.region else notice.title


def cite(index: Index, clause: Clause, quote: str, score: float) -> Citation:
    if quote not in clause.text:
        quote = clause.text.split("\n")[0]
    notice = index.notices[clause.doc_id]
    return Citation(doc_id=clause.doc_id, title=notice.title, clause_id=clause.clause_id,
                    clause=clause.path, text=clause.text, quote=quote, score=round(float(score), 4))


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。；])|\n", text) if s.strip()]


def best_sentence(terms: list[str], clause: Clause) -> str:
    """The clause sentence that covers most of the question's subject words (not its bare heading).

    Words the heading already has count for little: every sentence of the clause shares them.
    """
    body = sentences(clause.text)
    if len(body) > 1 and clause.heading and clause.heading in body[0] and len(body[0]) <= len(clause.heading) + 8:
        body = body[1:]
    heading = fold(clause.heading)
    phrase = "".join(terms)

    def score(s: str) -> float:
        folded = fold(s)
        found = sum(0.3 if t in heading else 1.0 for t in terms if t in folded)
        return found + 0.05 * _common_run(phrase, folded)

    return max(body, key=lambda s: (score(s), -body.index(s))).strip()


def _common_run(a: str, b: str) -> int:
    """Length of the longest run of characters the two texts share."""
    best, prev = 0, [0] * (len(b) + 1)
    for ca in a:
        cur = [0] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


# --- single-notice answers ---------------------------------------------------------

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
    found = [(f, h, r) for r, h in enumerate(hits[:6]) for f in index.facts.get(h.clause.clause_id, []) if f.kind in kinds]
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
    prefer = "target" if q.qtype == "target" else "deadline"
    fact, hit, _ = max(facts, key=lambda t: _fact_score(q, t[0], t[1], t[2]) + (0.3 if t[0].kind == prefer else 0.0))
    weak = hit is not hits[0] and hit.coverage < hits[0].coverage - 0.25
    if weak or coverage(q.terms, (fact.metric or "") + fact.quote + (fact.deadline or "") + hit.clause.heading) < MIN_FACT_COVERAGE:
        return NO_MATCH
    notice = index.notices[fact.doc_id]
    if q.qtype == "deadline" and P.PLURAL_ASK.search(q.norm):
        return _deadlines_of(index, notice, hit, fact)
    statement = fact.quote
    if fact.kind == "deadline":  # a deadline governs a paragraph: state the sentence the question is about
        statement = max(sentences(fact.quote), key=lambda s: (coverage(q.terms, s), -len(s))).strip()
    lead = f"{fact.deadline}，" if fact.deadline and fact.deadline not in statement else ""
    direct = f"{label(notice)}：{lead}{statement.rstrip('。；')}[1]。"
    sentence = next((s for s in sentences(hit.clause.text) if statement in s), fact.quote).strip()
    if fact.kind == "deadline" and fact.quote in hit.clause.text:
        sentence = fact.quote
    return direct + f"\n\n原文（{hit.clause.path}）：“{sentence}”[1]", [cite(index, hit.clause, sentence, hit.dense)], fact


def _deadlines_of(index: Index, notice: Notice, hit: Hit, fact: Fact):
    """Every time expression one clause sets (主要目标分哪两个时间节点 → 到2025年、到2035年)."""
    found = [f for f in index.facts.get(hit.clause.clause_id, []) if f.kind == "deadline"] or [fact]
    names = list(dict.fromkeys(f.deadline for f in found))
    text = hit.clause.text
    spans = sorted((text.find(f.quote), text.find(f.quote) + len(f.quote)) for f in found if f.quote in text)
    quote = text[spans[0][0]:spans[-1][1]] if spans else fact.quote
    direct = f"{label(notice)}：{'、'.join(names)}[1]。"
    return direct + f"\n\n原文（{hit.clause.path}）：“{quote}”[1]", [cite(index, hit.clause, quote, hit.dense)], fact


def _responsibility_answer(index, q, hits):
    """The 责任单位 of the task the question names; a unit named in a sentence only if that sentence fits best."""
    found = [(f, h, r) for r, h in enumerate(hits[:3]) for f in index.facts.get(h.clause.clause_id, [])
             if f.kind == "responsibility"]
    if not found:
        return None
    _, fact, hit = max((_fact_score(q, f, h, r), f, h) for f, h, r in found)
    if hit is not hits[0] and hit.coverage < hits[0].coverage:
        return None
    annotated = "责任单位" in fact.quote[:6]
    if not annotated and coverage(q.terms, fact.quote) < coverage(q.terms, best_sentence(q.terms, hits[0].clause)):
        return None
    notice = index.notices[fact.doc_id]
    where = f"{hit.clause.path}{hit.clause.heading}"
    direct = f"{label(notice)}{where}的责任单位：{'、'.join(fact.units)}[1]。"
    citations = [cite(index, hit.clause, fact.quote, hit.dense)]
    if fact.implicit_units:
        rule = next((f for f in index.facts_of(fact.doc_id, "responsibility") if "不再单独列出" in f.quote), None)
        if rule:
            rule_clause = index.clauses[rule.clause_id]
            direct += f"按该文件规定，责任单位中均包括{'、'.join(fact.implicit_units)}[2]。"
            start = rule.quote.find("以下责任单位")
            citations.append(cite(index, rule_clause, rule.quote[start:].rstrip("]】"), hit.dense))
    return direct + f"\n\n原文（{hit.clause.path}）：“{fact.quote}”[1]", citations, fact


def _general_answer(index, q, hits):
    hit = hits[0]
    notice = index.notices[hit.clause.doc_id]
    sentence = best_sentence(q.terms, hit.clause)
    head = f"{hit.clause.path}{hit.clause.heading}" if hit.clause.kind not in ("preamble", "header") else hit.clause.path
    direct = f"{label(notice)}文件{head}：{sentence}[1]"
    return direct, [cite(index, hit.clause, sentence, hit.dense)], None


COMPOSERS = {"target": _target_answer, "deadline": _target_answer, "responsibility": _responsibility_answer}


def _single(index: Index, q: Query, hits: list[Hit]):
    """(text, citations, fact) for one notice, or NO_MATCH when no stated target fits the question.

    A target the question does not name loses to a sentence of the best clause that fits it far better
    (到2025年…全覆盖 is a target without a number).
    """
    composed = COMPOSERS.get(q.qtype, lambda *_: None)(index, q, hits)
    if isinstance(composed, tuple) and q.qtype == "target" and composed[2] is not None:
        fact = composed[2]
        fact_fit = coverage(q.terms, (fact.metric or "") + fact.quote)
        if not (fact.value and fold(fact.value) in q.norm) and \
                coverage(q.terms, best_sentence(q.terms, hits[0].clause)) > fact_fit + 0.25:
            return _general_answer(index, q, hits)
    return composed or _general_answer(index, q, hits)


# --- metadata ------------------------------------------------------------------------

METADATA_FIELDS = (
    ("doc_number", "文号", re.compile(r"文号|发文字号|document number")),
    ("addressees", "主送单位", re.compile(r"主送|下发给|印发给|发给|抄送|addressed|addressees")),
    ("date", "发布日期", re.compile(r"日期|落款|签发|成文|哪天|何时|什么时候|时间|哪一天|哪一年|哪年|年份|date|when|what year")),
    ("issuer", "发文机关", re.compile(r"机关|单位|部门|谁|issued by|issuer|who")),
)


# What a notice says about itself in a sentence: where it was approved, what it is based on.
METADATA_SENTENCES = (
    ("审议通过的会议", re.compile(r"审议|会议"), ("header", "preamble"), re.compile(r"审议|会议")),
    ("制定依据", re.compile(r"依据|根据|依照|based on|according to"), ("preamble", "header"), re.compile(r"根据|依据|依照|贯彻落实")),
)


def _metadata_sentence(index: Index, notice: Notice, norm: str) -> Answer | None:
    for name, asks, parts, says in METADATA_SENTENCES:
        if not asks.search(norm):
            continue
        for part in parts:
            clause = index.clauses.get(f"{notice.doc_id}/{part}")
            sentence = next((s.strip() for s in sentences(clause.text) if says.search(s)), None) if clause else None
            if sentence:
                return Answer(answer=f"{label(notice)}文件（{name}）：{sentence}[1]", abstained=False,
                              question_type="metadata", citations=[cite(index, clause, sentence, 1.0)])
        return Answer(answer=f"知识库中的{label(notice)}文件没有载明{name}。", abstained=True, question_type="metadata")
    return None


def _date_forms(iso: str) -> list[str]:
    y, m, d = (int(x) for x in iso.split("-"))
    digits = "〇一二三四五六七八九"
    cn = lambda n: ("十" if n == 10 else ("十" + digits[n % 10] if n < 20 else digits[n // 10] + "十" + (digits[n % 10] if n % 10 else ""))) if n >= 10 else digits[n]
    return [f"{y}年{m}月{d}日", "".join(digits[int(c)] for c in str(y)) + f"年{cn(m)}月{cn(d)}日"]


def _metadata_answer(index: Index, q: Query, hits: list[Hit]) -> Answer | None:
    doc_id = q.doc_ids[0] if q.doc_ids and len(q.doc_ids) == 1 else (hits[0].clause.doc_id if hits else None)
    if doc_id is None:
        return None
    notice = index.notices[doc_id]
    if said := _metadata_sentence(index, notice, q.norm):
        return said
    field, name = next(((f, n) for f, n, p in METADATA_FIELDS if p.search(q.norm)), ("title", "标题"))
    value = getattr(notice, field)
    header = index.clauses.get(f"{doc_id}/header")
    if not value:
        return Answer(answer=f"知识库中的{label(notice)}文件（《{notice.title}》）没有载明{name}。", abstained=True,
                      question_type="metadata", related=[cite(index, header, "", 0.0)] if header else [])
    shown = value.rstrip("：:") if field != "date" else _date_forms(value)[0]
    forms = [value] if field != "date" else _date_forms(value)
    quote = next((f for f in forms if header and f in header.text), None)
    if header is None or quote is None:
        source = f"（据知识库目录：{notice.source}）" if notice.source else "（据知识库目录）"
        cites = [cite(index, header, "", 1.0)] if header else []
        return Answer(answer=f"{label(notice)}文件的{name}为{shown}[1]。{source}", abstained=False,
                      question_type="metadata", citations=cites)
    return Answer(answer=f"{label(notice)}文件《{notice.title}》的{name}为{shown}[1]。", abstained=False,
                  question_type="metadata", citations=[cite(index, header, quote, 1.0)])


# --- comparison --------------------------------------------------------------------------

def _base_type(norm: str) -> str:
    for qtype, pattern in P.QUESTION_TYPES:
        if qtype != "comparison" and pattern.search(norm):
            return qtype
    return "general"


def _comparison_answer(index: Index, q: Query, hits: list[Hit], k: int, retrieval: str) -> Answer | None:
    """One cited line per notice (or per year, for one notice and several years)."""
    base = _base_type(q.norm)
    docs = q.doc_ids or list(dict.fromkeys(h.clause.doc_id for h in hits))
    region_of = {d: index.notices[d].region for d in docs}
    segment_years = {r: years_named(seg) for r, seg in q.segments.items()}
    per_segment = any(segment_years.values())
    if len(docs) == 1 and len(q.years) > 1:
        parts = [(docs[0], [y], q.terms) for y in q.years]
    else:
        parts = []
        for d in docs:
            segment = q.segments.get(region_of[d], "")
            own = [t for t in subject_terms(gloss(segment), q.regions) if not t.isascii()]
            years = segment_years.get(region_of[d], []) if per_segment else q.years
            parts.append((d, years, own if len(own) >= 2 else q.terms))
    lines, citations = [], []
    for doc_id, years, terms in parts:
        sub = Query(q.text, q.norm, base, [doc_id], q.regions, [], years, terms)
        sub_hits = retrieve(index, sub, k, retrieval)
        if base == "metadata":
            meta = _metadata_answer(index, sub, sub_hits)
            if meta is None or meta.abstained:
                continue
            text, cites = meta.answer, meta.citations
        elif not sub_hits or not _relevant(sub_hits[0]):
            continue
        else:
            composed = _single(index, sub, sub_hits)
            if composed == NO_MATCH:
                continue
            text, cites, _ = composed
        first = text.split("\n")[0]
        for n in range(len(cites), 0, -1):
            first = first.replace(f"[{n}]", f"[{n + len(citations)}]")
        lines.append(first)
        citations += cites
    if not citations:
        return None
    return Answer(answer="\n".join(lines), abstained=False, question_type="comparison", citations=citations)


# --- abstention ---------------------------------------------------------------------------

def _relevant(hit: Hit) -> bool:
    return hit.coverage >= MIN_COVERAGE or hit.dense >= MIN_DENSE


def _abstain(index: Index, q: Query, reason: str, hits: list[Hit]) -> Answer:
    related = [cite(index, h.clause, best_sentence(q.terms, h.clause), h.dense) for h in hits[:3]]
    return Answer(answer=reason, abstained=True, question_type=q.qtype, related=related)


def _year_gap(index: Index, q: Query, fact: Fact | None, hits: list[Hit]) -> str | None:
    """A reason to abstain when the question names a year the answering notice has nothing for."""
    if not q.years or q.qtype not in ("target", "deadline") or hits == []:
        return None
    doc_ids = q.doc_ids or [hits[0].clause.doc_id]
    if fact is not None and fact.year in q.years:
        return None
    for doc_id in doc_ids:
        if any(f.year in q.years for f in index.facts_of(doc_id)):
            return None
    notice = index.notices[doc_ids[0]]
    years = "、".join(str(y) for y in q.years)
    return f"知识库中的{label(notice)}文件没有{years}年的目标或时间要求。"


def check_question(question: object, max_chars: int = 1000) -> str:
    if not isinstance(question, str) or not question.strip():
        raise QuestionError("question is empty; ask a question in Chinese or English")
    if len(question) > max_chars:
        raise QuestionError(f"question is {len(question)} characters; the limit is {max_chars}")
    if any(ord(c) < 32 and c not in "\n\t\r" for c in question) or "\x7f" in question:
        raise QuestionError("question contains control characters; send plain text")
    return question.strip()


def ask(index: Index, question: str, filters: dict | None = None, top_k: int | None = None,
        mode: str = "extractive", retrieval: str = "hybrid", settings=None, llm=None) -> Answer:
    """Answer one question from the index: cited and exact, or abstained with the reason.

    mode="generative" rewrites the extractive answer with `llm` (or the chat model the settings
    configure) and keeps only sentences whose citations check out.
    """
    started = time.perf_counter()
    question = check_question(question)
    if mode == "generative":
        from retriever.generate import chat_model, generate

        llm = llm or chat_model(settings)
    answer = _ask(index, question, filters, top_k or 5, retrieval)
    if mode == "generative":
        answer = generate(index, question, answer, llm)
    answer.latency_ms = round((time.perf_counter() - started) * 1000, 2)
    return answer


def _ask(index: Index, question: str, filters: dict | None, k: int, retrieval: str) -> Answer:
    q = understand(index, question, filters)
    if P.SMALL_TALK.match(q.norm):
        return Answer(answer="这个问题不在计量文件知识库的范围内。请询问计量文件中的责任单位、目标指标或时间要求。",
                      abstained=True, question_type=q.qtype)
    if missing := [t for t in P.ATTRIBUTE_TERMS if t in q.norm and not index.mentions(t)]:
        return _abstain(index, q, f"知识库中的文件没有涉及“{missing[0]}”的内容，无法回答。", [])
    if q.unknown_places and not q.regions:
        places = "、".join(q.unknown_places)
        return _abstain(index, q, f"知识库中没有{places}的计量文件，无法回答。", [])
    hits = retrieve(index, q, max(k, 8), retrieval)
    if q.qtype == "metadata":
        meta = _metadata_answer(index, q, hits)
        if meta:
            return meta
    if not hits or not _relevant(hits[0]):
        return _abstain(index, q, "知识库中的文件没有回答这个问题的条款。", hits)
    if q.qtype == "comparison":
        compared = _comparison_answer(index, q, hits, max(k, 8), retrieval)
        if compared:
            return compared
        q.qtype = _base_type(q.norm)
    if reason := _year_gap(index, q, None, hits):
        return _abstain(index, q, reason, hits)
    composed = _single(index, q, hits)
    if composed == NO_MATCH:
        where = "、".join(label(index.notices[d]) for d in q.doc_ids) if q.doc_ids else ""
        return _abstain(index, q, f"知识库中的{where}文件没有与这个问题对应的指标或时间要求。", hits)
    text, citations, fact = composed
    if reason := _year_gap(index, q, fact, hits):
        return _abstain(index, q, reason, hits)
    seen = {c.clause_id for c in citations}
    extra = [cite(index, h.clause, best_sentence(q.terms, h.clause), h.dense) for h in hits
             if h.clause.clause_id not in seen][: max(0, k - len(citations))]
    return Answer(answer=text, abstained=False, question_type=q.qtype, citations=citations, related=extra)


def as_text(answer: Answer) -> str:
    """An answer and its citations as plain text, for a person at a terminal (or a clipboard)."""
    lines = [("【未找到答案】" if answer.abstained else "") + answer.answer, ""]
    for n, c in enumerate(answer.citations, 1):
        lines.append(f"[{n}] 《{c.title}》 {c.clause}  ({c.clause_id})")
        lines.append(f"    引文：{c.quote}")
    if answer.abstained and answer.related:
        lines.append("相关条款（仅供参考，并非答案）：")
        lines += [f"  - 《{c.title}》 {c.clause}  ({c.clause_id})" for c in answer.related]
    return "\n".join(lines).rstrip()
