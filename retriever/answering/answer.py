"""Compose exact, cited answers from retrieved clauses and their facts, or abstain and say why.

The direct answer comes first (value, deadline, units, 文号; for regulations the document, article and
paragraph with the words that answer), then the supporting sentence quoted. Every marker [n] points into
`citations`, and every citation's quote is a substring of its clause. Notices are answered by
retriever.answering.notice_answer, laws and regulations by retriever.answering.article_answer.
"""

from __future__ import annotations

import re
import time
from dataclasses import replace

from retriever.answering import article_answer, compound, lookup, notice_answer
from retriever import patterns as P
from retriever import places
from retriever.answering.exam_answer import answer_item
from retriever.exam.paste import read_item
from retriever.answering.cite import NO_MATCH, Decline, best_sentence, cite, label, sentences
from retriever.documents.clean import fold, normalize_query
from retriever.index import Index
from retriever.models import Answer, Citation, Clause, Fact, Notice, PlaceScope
from retriever.answering.query import Query, gloss, law_words, question_type, subject_terms, understand, years_named
from retriever.answering.search import Hit, coverage, meaning_coverage, retrieve

# Calibrated on the eval/ dev splits (README, "The refusal threshold"): abstain when the best clause covers less
# than MIN_COVERAGE of the question's subject words and its cosine is below MIN_DENSE (0.885 since the word weights
# became the question's documents' (2026-12-05): people.jsonl dev right refusals 0.75 → 0.81 from 0.880 at the same
# wrong refusals, 0.02; 0.890 raises them to 0.06; regulations and notices unchanged).
MIN_COVERAGE = 0.5
MIN_DENSE = 0.885

# The refusal when retrieval finds no clause that answers (weak evidence): only then do a place's higher regions
# and the nation answer instead; an article found that does not state what was asked is no such refusal.
NO_CLAUSE = "知识库中的文件没有回答这个问题的条款。"

# The question types a notice's clauses are composed by (comparison and metadata are decided before).
NOTICE_TYPES = ("responsibility", "deadline", "target")


class QuestionError(ValueError):
    """A question that cannot be asked (empty, too long, control characters)."""


def notice_type(norm: str) -> str:
    """The type a policy notice answers a question as (target, deadline, responsibility, or general)."""
    return question_type(norm, NOTICE_TYPES)


def is_notice(index: Index, clause: Clause) -> bool:
    """Whether a clause belongs to a policy notice (answered from its targets, deadlines and 责任单位)."""
    return index.notices[clause.doc_id].kind in ("通知·意见", "未知") and clause.kind != "article"


def _single(index: Index, q: Query, hits: list[Hit]):
    """(text, citations, fact) from the document the best clause belongs to; NO_MATCH when a notice states
    no target that fits; a Decline when the best clause does not state what is asked."""
    if is_notice(index, hits[0].clause):
        return notice_answer.compose(index, replace(q, qtype=notice_type(q.norm)), hits)
    statement = article_answer.best_statement(index, q, hits)
    if statement is None:
        return notice_answer.general_answer(index, q, hits)
    if statement.words < notice_answer.MIN_GENERAL_WORDS:
        return Decline(NO_CLAUSE, statement.clause, statement.quote)
    if what := article_answer.missing(q, statement):
        return Decline(
            f"{article_answer.title_of(index, statement.clause)}{article_answer.where(statement.clause)}"
            f"未规定{what}。该条规定：“{statement.quote}”",
            statement.clause,
            statement.quote,
        )
    if (choice := P.CHOICE_ASK.search(normalize_query(q.text))) and not any(
        fold(option) in fold(statement.clause.text) for option in choice.group("a", "b")
    ):  # 一年还是半年, and the article states neither: said first, the article after
        return Decline(
            f"{article_answer.title_of(index, statement.clause)}{article_answer.where(statement.clause)}"
            f"未规定是{choice['a']}还是{choice['b']}。该条规定：“{statement.quote}”",
            statement.clause,
            statement.quote,
        )
    text, citations = article_answer.compose(index, q, statement)
    return text, citations, None


# --- metadata ------------------------------------------------------------------------

METADATA_FIELDS = (
    ("doc_number", "文号", re.compile(r"文号|发文字号|document number")),
    ("addressees", "主送单位", re.compile(r"主送|下发给|印发给|发给|抄送|addressed|addressees")),
    (
        "date",
        "发布日期",
        re.compile(r"日期|落款|签发|成文|哪天|何时|什么时候|时间|哪一天|哪一年|哪年|年份|date|when|what year"),
    ),
    ("issuer", "发文机关", re.compile(r"机关|单位|部门|谁|issued by|issuer|who")),
)


# What a notice says about itself in a sentence: where it was approved, what it is based on.
METADATA_SENTENCES = (
    ("审议通过的会议", re.compile(r"审议|会议"), ("header", "preamble"), re.compile(r"审议|会议")),
    (
        "制定依据",
        re.compile(r"依据|根据|依照|based on|according to"),
        ("preamble", "header"),
        re.compile(r"根据|依据|依照|贯彻落实"),
    ),
)


def _metadata_sentence(index: Index, notice: Notice, norm: str) -> Answer | None:
    for name, asks, parts, says in METADATA_SENTENCES:
        if not asks.search(norm):
            continue
        for part in parts:
            clause = index.clauses.get(f"{notice.doc_id}/{part}")
            sentence = next((s.strip() for s in sentences(clause.text) if says.search(s)), None) if clause else None
            if sentence:
                return Answer(
                    answer=f"{label(notice)}文件（{name}）：{sentence}[1]",
                    abstained=False,
                    question_type="metadata",
                    citations=[cite(index, clause, sentence, 1.0)],
                )
        return Answer(answer=f"知识库中的{label(notice)}文件没有载明{name}。", abstained=True, question_type="metadata")
    return None


def _date_forms(iso: str) -> list[str]:
    y, m, d = (int(x) for x in iso.split("-"))
    digits = "〇一二三四五六七八九"
    cn = lambda n: (
        (
            "十"
            if n == 10
            else ("十" + digits[n % 10] if n < 20 else digits[n // 10] + "十" + (digits[n % 10] if n % 10 else ""))
        )
        if n >= 10
        else digits[n]
    )
    return [f"{y}年{m}月{d}日", "".join(digits[int(c)] for c in str(y)) + f"年{cn(m)}月{cn(d)}日"]


def _metadata_answer(index: Index, q: Query, hits: list[Hit]) -> Answer | None:
    doc_id = q.doc_ids[0] if q.doc_ids and len(q.doc_ids) == 1 else (hits[0].clause.doc_id if hits else None)
    if doc_id is None:
        return None
    notice = index.notices[doc_id]
    if notice.events or P.EFFECTIVE_ASK.search(q.norm):
        if stated := _life_answer(index, q, notice):
            return stated
    if said := _metadata_sentence(index, notice, q.norm):
        return said
    field, name = next(((f, n) for f, n, p in METADATA_FIELDS if p.search(q.norm)), ("title", "标题"))
    value = getattr(notice, field)
    header = index.clauses.get(f"{doc_id}/header")
    if not value:
        return Answer(
            answer=f"知识库中的{label(notice)}文件（《{notice.title}》）没有载明{name}。",
            abstained=True,
            question_type="metadata",
            related=[cite(index, header, "", 0.0)] if header else [],
        )
    shown = value.rstrip("：:") if field != "date" else _date_forms(value)[0]
    forms = [value] if field != "date" else _date_forms(value)
    quote = next((f for f in forms if header and f in header.text), None)
    if header is None or quote is None:
        source = f"（据知识库目录：{notice.source}）" if notice.source else "（据知识库目录）"
        cites = [cite(index, header, "", 1.0)] if header else []
        return Answer(
            answer=f"{label(notice)}文件的{name}为{shown}[1]。{source}",
            abstained=False,
            question_type="metadata",
            citations=cites,
        )
    return Answer(
        answer=f"{label(notice)}文件《{notice.title}》的{name}为{shown}[1]。",
        abstained=False,
        question_type="metadata",
        citations=[cite(index, header, quote, 1.0)],
    )


# What a question asks of a document's life, and the front-matter steps that answer it (first match wins).
LIFE_STEPS = (
    (re.compile(r"批准|approv"), ("批准",)),
    (re.compile(r"通过|审议|会议|adopted"), ("通过",)),
    (re.compile(r"发布|公布|印发|颁布|公告|publish|issu|promulgat"), ("发布", "公布", "印发", "颁布")),
    (re.compile(r"修正|修订|修改|amend|revis"), ("修正", "修订")),
)
FIRST = re.compile(r"最初|最早|首次|第一次|原始|originally|first")


def _life_answer(index: Index, q: Query, notice: Notice) -> Answer | None:
    """When a law or regulation was adopted, amended, approved, published or took effect, as it states itself:
    its effective-date article, or the dated steps of its front matter."""
    title = article_answer.title_of(
        index, index.clauses.get(f"{notice.doc_id}/header") or index.clauses_of(notice.doc_id)[0]
    )
    if P.EFFECTIVE_ASK.search(q.norm):
        fact = next((f for f in index.facts_of(notice.doc_id, "effective")), None)
        if fact is not None:  # its article, with the sentences after it the question asks about (同时废止…)
            clause = index.clauses[fact.clause_id]
            statement = article_answer.statement_with(index, q, clause, fact.quote)
            return Answer(
                answer=f"{title}{article_answer.where(clause)}：{statement.text}[1]。",
                abstained=False,
                question_type="metadata",
                citations=[cite(index, clause, statement.quote, 1.0)],
            )
        steps = [e for e in notice.events if e.action in ("施行", "实施")]
        if not steps:
            return Answer(answer=f"{title}没有载明施行日期。", abstained=True, question_type="metadata")
    else:
        if (m := P.ORDINAL_VERSION.search(q.norm)) and not any(
            f"第{m.group(1)}次{m.group(2)}" in fold(e.text) for e in notice.events
        ):
            return Answer(
                answer=f"{title}没有第{m.group(1)}次{m.group(2)}的记载（知识库中的沿革："
                f"{'；'.join(e.text for e in notice.events) or '未载明'}）。",
                abstained=True,
                question_type="metadata",
            )
        asked = P.OLD_VERSION.sub("", q.norm)  # 修订前 names a version, not the step asked about
        actions = next((acts for pattern, acts in LIFE_STEPS if pattern.search(asked)), None)
        steps = [e for e in notice.events if actions and e.action in actions]
        if not steps:
            return None
    step = steps[0] if FIRST.search(q.norm) else steps[-1]
    header = index.clauses[f"{notice.doc_id}/header"]
    count = ""
    if step.action in ("修正", "修订") and not FIRST.search(q.norm):
        count = f"（共{len(steps)}次{step.action}，最近一次）"
    return Answer(
        answer=f"{title}{count}：{step.text}[1]。",
        abstained=False,
        question_type="metadata",
        citations=[cite(index, header, step.text, 1.0)],
    )


# --- comparison --------------------------------------------------------------------------


def _base_type(norm: str) -> str:
    """What a comparison asks of each document compared."""
    return question_type(norm, tuple(t for t, _ in P.QUESTION_TYPES if t != "comparison"))


def _comparison_answer(index: Index, q: Query, hits: list[Hit], k: int, retrieval: str) -> Answer | None:
    """One cited line per document compared (per region, per version), or per year for one notice."""
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
            segment = q.segments.get(region_of[d], "") if len(set(region_of.values())) > 1 else ""
            own = [t for t in subject_terms(gloss(segment), q.regions) if not t.isascii()]
            years = segment_years.get(region_of[d], []) if per_segment else q.years
            parts.append((d, years, own if len(own) >= 2 else q.terms))
    lines, citations = [], []
    for doc_id, years, terms in parts:
        sub = replace(q, qtype=base, doc_ids=[doc_id], years=years, terms=terms)
        sub_hits = retrieve(index, sub, k, retrieval)
        if base == "metadata":
            meta = _metadata_answer(index, sub, sub_hits)
            if meta is None or meta.abstained:
                continue
            text, cites = meta.answer, meta.citations
        elif not sub_hits or not _relevant(index, sub, sub_hits[0]):
            continue
        else:
            composed = _single(index, sub, sub_hits)
            if composed == NO_MATCH or isinstance(composed, Decline):
                continue
            text, cites, _ = composed
        first = text.split("\n")[0]
        for n in range(len(cites), 0, -1):
            first = first.replace(f"[{n}]", f"[{n + len(citations)}]")
        lines.append(first)
        citations += cites[:1] if len(cites) > 1 and "[2]" not in text.split("\n")[0] else cites
    if not citations:
        return None
    return Answer(answer="\n".join(lines), abstained=False, question_type="comparison", citations=citations)


# --- abstention ---------------------------------------------------------------------------


def _relevant(index: Index, q: Query, hit: Hit) -> bool:
    """Evidence strong enough to answer from: the clause holds enough of the question's words (its own, or
    the documents' words for them) or is near it in meaning."""
    if hit.coverage >= MIN_COVERAGE or hit.dense >= MIN_DENSE:
        return True
    text = hit.clause.text + hit.clause.heading + index.notices[hit.clause.doc_id].title
    return meaning_coverage(q, text) >= MIN_COVERAGE


def _states(q: Query, asked: list[list[str]], hit: Hit) -> bool:
    """Whether a clause answers what a question asks of named things (工资, 报名条件; 对学历有哪些要求): one of its
    sentences names one of them (itself or a law's word glossed from it) and holds at least MIN_COVERAGE of the
    question's other words, what they are asked of. A wage rule of another trade answers no 计量检定员的工资; a
    notice that names the 注册计量师 exam, and elsewhere the 学历结构 of its staff, states no 学历 required for it."""
    names = [w for ws in asked for w in ws]
    of = [t for t in q.terms if not any(t in w or w in t for w in names)]
    of += [t for t in q.terms if t not in of and any(t in o for o in of)]  # 加油 of 加油机 is also of 加油站
    return any(
        any(w in said for w in names) and (not of or coverage(of, said) >= MIN_COVERAGE)
        for said in (fold(hit.clause.heading + s) for s in sentences(hit.clause.text))
    )


def _required_of(norm: str) -> list[list[str]]:
    """The things a requirement is asked of (对学历和从业年限有哪些要求 → 学历, 从业年限), each with the law's
    words glossed from it (电子秤 → 计量器具); empty when the question asks no requirement of named things."""
    asked = P.REQUIREMENT_ASK.search(norm)
    if not asked:
        return []
    things = [w for w in P.REQUIREMENT_SPLIT.split(asked["what"].split("的")[-1]) if len(w) >= 2]
    return [[w, *glossed] for w, glossed in law_words(things, norm).items()]


def _abstain(index: Index, q: Query, reason: str, hits: list[Hit], first: list[Citation] = ()) -> Answer:
    """No answer: the reason, and a few clauses a person may still want to read (never as citations)."""
    related = list(first) + [
        cite(index, h.clause, best_sentence(q.terms, h.clause), h.dense)
        for h in hits[:3]
        if not any(c.clause_id == h.clause.clause_id for c in first)
    ]
    return Answer(answer=reason, abstained=True, question_type=q.qtype, related=related[:3])


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


def ask(
    index: Index,
    question: str,
    filters: dict | None = None,
    top_k: int | None = None,
    mode: str = "extractive",
    retrieval: str = "hybrid",
    settings=None,
    llm=None,
) -> Answer:
    """Answer one question from the index: cited and exact, or abstained with the reason.

    mode="generative" rewrites the extractive answer with `llm` (or the chat model the settings
    configure) and keeps only sentences whose citations check out.
    """
    started = time.perf_counter()
    question = check_question(question)
    if mode == "generative":
        from retriever.answering.generate import chat_model, generate

        llm = llm or chat_model(settings)
    item = read_item(question)  # a pasted exam item is solved before any other reading of the question
    answer = answer_item(index, item) if item else _ask_parts(index, question, filters, top_k or 5, retrieval)
    if mode == "generative" and not item:
        answer = generate(index, question, answer, llm)
    answer.latency_ms = round((time.perf_counter() - started) * 1000, 2)
    return answer


def _ask_parts(index: Index, question: str, filters: dict | None, k: int, retrieval: str) -> Answer:
    """A compound question (计量法的立法目的是什么？什么时候开始施行？) answered part by part, in order."""
    parts = compound.standalone_parts(index, question)
    whole = _ask(index, question, filters, k, retrieval)
    if len(parts) == 1:
        return whole
    answers = compound.answer_parts(parts, lambda part: _ask(index, part, filters, k, retrieval))
    return compound.combine(whole, answers)


def _ask(index: Index, question: str, filters: dict | None, k: int, retrieval: str) -> Answer:
    q = understand(index, question, filters)
    if P.SMALL_TALK.match(q.norm):
        return Answer(
            answer="这个问题不在计量文件知识库的范围内。请询问计量法规和文件中的规定、目标、期限或责任单位。",
            abstained=True,
            question_type=q.qtype,
        )
    if (looked_up := lookup.answer(index, q)) is not None:
        return looked_up
    if missing := [t for t in P.ATTRIBUTE_TERMS if t in q.norm and not index.mentions(t)]:
        return _abstain(index, q, f"知识库中的文件没有涉及“{missing[0]}”的内容，无法回答。", [])
    if q.separate:  # 香港 (its own legal system) or a place abroad
        why = "在中国境外" if q.chain[-1][1] == places.ABROAD else "实行自己的法律制度"
        reason = f"{q.place}{why}，知识库中的计量法律法规不适用于{q.place}，也没有{q.place}本地的计量规定，无法回答。"
        return with_place(index, q, _abstain(index, q, reason, []))
    if q.unheld:
        reason = f"知识库中没有《{q.unheld}》，也没有{q.place}的其他地方计量文件，无法回答。"
        return with_place(index, q, _abstain(index, q, reason, []))
    if q.slots & {"consequence", "amount"} and (breached := lookup.breached_article(index, q)):
        if (punished := _breach_answer(index, q, breached, k, retrieval)) is not None:
            return punished
    answer = _answer(index, replace(q), k, retrieval)
    for region, doc_ids in q.tiers:  # the place's own documents have no clause for it: its province's, the nation's
        if not region and answer.abstained:  # no place named and the national documents do not answer: all do
            wider = _answer(index, replace(q, doc_ids=doc_ids), k, retrieval)
            if not wider.abstained or answer.answer.startswith(NO_CLAUSE):
                answer = wider  # a national article that states no value is kept over another that does not either
            break
        if not (answer.abstained and answer.answer.startswith(NO_CLAUSE)):
            break
        wider = _answer(index, replace(q, doc_ids=doc_ids), k, retrieval, strict=True)
        if not wider.abstained:
            answer = wider
    return with_place(index, q, answer)


def _breach_answer(index: Index, q: Query, breached: Clause, k: int, retrieval: str) -> Answer | None:
    """The penalty for breaching an article (违反计量法第九条怎么罚): the penalty articles of its document, searched by
    what the article requires, since they restate the act (未按照规定申请检定…) more often than they cite its
    number. None when the document has no penalty near it (then the question is searched as asked)."""
    own = fold(breached.text.split(" ", 1)[-1])  # what the article requires, without its number
    region = index.notices[breached.doc_id].region
    same = sorted(d for d in index.current if index.notices[d].region == region) or [breached.doc_id]
    about = replace(q, norm=own, terms=subject_terms(own, []), doc_ids=same, tiers=[])
    hits = [
        h
        for h in retrieve(index, about, max(k, 8) * 2, retrieval)
        if h.clause.clause_id != breached.clause_id
        and any(f.kind == "penalty" for f in index.facts.get(h.clause.clause_id, []))
    ]
    if not hits or hits[0].dense < MIN_DENSE:
        return None
    composed = _single(index, about, hits[:1])  # the nearest penalty to what the article requires
    if composed == NO_MATCH or isinstance(composed, Decline):
        return None
    text, citations, _ = composed
    return Answer(answer=text, abstained=False, question_type=q.qtype, citations=citations)


def with_place(index: Index, q: Query, answer: Answer) -> Answer:
    """The place the question is about and the level that answered, as data and as a last line of the answer."""
    answered = index.notices[answer.citations[0].doc_id] if answer.citations and not answer.abstained else None
    if not q.place:
        local = answered.region if answered and answered.region != P.NATIONAL_REGION else None
        if local and q.tiers and not q.regions:  # no place named, and no national document had a clause for it
            answer.answer = (
                answer.answer.rstrip()
                + f"\n适用范围：全国性的文件没有对此作出规定，以上依据{local}的文件，只适用于{local}。"
            )
        return answer
    by = answered.region if answered else None
    answer.place = PlaceScope(
        name=q.place, chain=q.chain, local=q.local, answered_by=by, level=answered.level if answered else None
    )
    where = q.place if len(q.chain) < 2 else f"{q.place}（{q.chain[-1][0]}）"
    notes = []
    if answered and by == P.NATIONAL_REGION:
        held = "、".join(q.local)
        notes.append(
            f"知识库中{held}的地方文件没有对此作出规定，以上依据全国适用的法律法规。"
            if q.local
            else f"知识库中没有{where}的地方计量文件，以上依据全国适用的法律法规。"
        )
    elif answered:
        if by != q.place:
            notes.append(f"{q.place}属{by}，以上依据{by}的文件。")
    elif not q.local and not q.separate and not q.unheld:
        notes.append(f"知识库中也没有{where}的地方计量文件。")
    if q.elsewhere:
        others = "、".join(q.elsewhere)
        notes.append(f"{others}的文件只适用于{others}，没有用来回答{q.place}的问题。")
    if notes:
        answer.answer = answer.answer.rstrip() + "\n适用范围：" + "".join(notes)
    return answer


def _answer(index: Index, q: Query, k: int, retrieval: str, strict: bool = False) -> Answer:
    """The answer from the documents q is about (retrieval, then the composer of the question's type). `strict`:
    the documents above a place's own, asked after those had no clause, answer only on dense evidence (MIN_DENSE):
    the subject words alone found no clause where the place's own rules are."""
    hits = retrieve(index, q, max(k, 8), retrieval)
    if strict and hits and hits[0].dense < MIN_DENSE:
        return _abstain(index, q, NO_CLAUSE, hits)
    if q.qtype == "metadata":
        meta = _metadata_answer(index, q, hits)
        if meta:
            return meta
    if asked := [[t] for t in P.ATTRIBUTE_TERMS if t in q.norm] + _required_of(q.norm):
        stating = [h for h in hits if _states(q, asked, h)]
        if not stating:
            return _abstain(index, q, f"{NO_CLAUSE}找到的条款都没有说明“{'、'.join(ws[0] for ws in asked)}”。", hits)
        hits = stating
    if not hits or not _relevant(index, q, hits[0]):
        return _abstain(index, q, NO_CLAUSE, hits)
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
    if isinstance(composed, Decline):
        related = [cite(index, composed.clause, composed.quote, hits[0].dense)] if composed.clause else []
        return _abstain(index, q, composed.reason, hits, related)
    text, citations, fact = composed
    if reason := _year_gap(index, q, fact, hits):
        return _abstain(index, q, reason, hits)
    seen = {c.clause_id for c in citations}
    extra = [
        cite(index, h.clause, best_sentence(q.terms, h.clause), h.dense) for h in hits if h.clause.clause_id not in seen
    ][: max(0, k - len(citations))]
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
