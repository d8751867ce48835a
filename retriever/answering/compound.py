"""Compound questions: 计量法的立法目的是什么？什么时候开始施行？ asks two things, each answered and cited in turn.

A message is cut at its question marks and semicolons (and English `, and when …`); a part that names no document
or place of its own is asked about what the part before it named (计量法 + 什么时候开始施行？), or about that
part's subject words. Text with exam options (A. B. C.) is never cut: it is one item.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from retriever import patterns as P
from retriever.answering.lookup import name_spans
from retriever.answering.query import doc_mentions, gloss, region_mentions, subject_terms
from retriever.documents.clean import normalize_query
from retriever.index import Index
from retriever.models import Answer

# A part shorter than this (Chinese characters, or English words) is no question of its own: it stays with the
# one before (…是多少？多少？ / …, and when?).
MIN_PART_CHARS = 4
MIN_PART_WORDS = 3
# How many subject words of the part before are carried into a part that names nothing of its own.
CARRIED_TERMS = 3
# English questions joined in one sentence: "When was it adopted, and when did it take effect?"
ENGLISH_JOIN = re.compile(r",\s+and\s+(?=(?:when|what|who|how|where|which|why|is|are|does|do|did|was|were)\b)", re.I)


def split_question(text: str) -> list[str]:
    """The questions a message asks, in order; one element when it asks one (or holds exam options)."""
    if P.PASTED_OPTIONS.search(text):
        return [text]
    pieces = [p.strip() for p in P.QUESTION_BREAK.split(text)]
    pieces = [q for p in pieces for q in ENGLISH_JOIN.split(p)]
    parts: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        if parts and _too_short(piece):
            parts[-1] += piece
        else:
            parts.append(piece)
    return parts or [text]


def _too_short(piece: str) -> bool:
    chinese = len(re.findall(r"[\u4e00-\u9fff]", piece))
    return chinese < MIN_PART_CHARS and len(re.findall(r"[A-Za-z]+", piece)) < MIN_PART_WORDS


def _about(index: Index, part: str) -> str | None:
    """What a part names — documents, places — as the span of its words that names them (南昌的实施意见)."""
    plain = normalize_query(part)
    norm = gloss(plain)
    spans = [(m.start, m.end) for m in doc_mentions(norm, index) + region_mentions(norm, index)]
    spans += [(a, b) for a, b, _ in name_spans(index, norm)]
    spans = [(a, b) for a, b in spans if b <= len(plain)]  # not a gloss appended after the question
    if not spans:
        return None
    return plain[min(a for a, _ in spans) : max(b for _, b in spans)]


@dataclass(frozen=True)
class Part:
    """One question of a compound message, standalone, and whether it names what it is about itself."""

    question: str
    named: bool


def standalone_parts(index: Index, text: str) -> list[Part]:
    """Each part of a compound question as a question of its own, carrying what an earlier part named."""
    parts = split_question(text)
    if len(parts) == 1:
        return [Part(text, True)]
    out, carried = [], None
    for part in parts:
        named = _about(index, part)
        if named:
            carried = named
            out.append(Part(part, True))
        elif carried:
            out.append(Part(f"{carried} {part}", True))
        elif out:
            terms = subject_terms(gloss(normalize_query(out[-1].question)), [])[:CARRIED_TERMS]
            out.append(Part(f"{''.join(terms)} {part}" if terms else part, False))
        else:
            out.append(Part(part, True))
    return out


def answer_parts(parts: list[Part], ask: Callable[[str], Answer]) -> list[Answer]:
    """The parts answered in order; a part that names nothing is asked of the document the part before it was
    answered from (进口哪些计量器具要做型式批准？没批准就卖会罚多少？ → both of the 进口 办法)."""
    answers: list[Answer] = []
    for part in parts:
        question = part.question
        if not part.named and answers and answers[-1].citations:
            question = f"《{answers[-1].citations[0].title.strip('《》')}》{question}"
        answers.append(ask(question))
    return answers


def combine(whole: Answer, answers: list[Answer]) -> Answer:
    """The answer to a compound message: the whole message's when it already serves every part, when no part is
    answered from the article it is answered from, or when neither it nor its first part is answered (what the
    documents do not cover is declined as a whole, not answered piecemeal from weaker clauses); else the parts'
    answers in order."""
    if covers(whole, answers) or lost_context(whole, answers) or (whole.abstained and answers[0].abstained):
        return whole
    return join(answers)


def lost_context(whole: Answer, answers: list[Answer]) -> bool:
    """Whether cutting the message lost what its parts share: the whole is answered, but from an article no part
    is answered from. A part that leaves its subject to the part before (单位能自己修理计量器具吗？修好就能用吗？,
    …罚多少？再犯呢？) reads fewer words than the whole, and what it finds alone is weaker evidence than the
    article the whole message finds."""
    if whole.abstained or not whole.citations:
        return False
    first = whole.citations[0].clause_id
    return not any(a.citations and a.citations[0].clause_id == first for a in answers if not a.abstained)


def covers(whole: Answer, answers: list[Answer]) -> bool:
    """Whether the answer to the whole message already cites the clause each part is answered from (几个工作日内
    完成？向谁申请？ asks two things of one article, answered together)."""
    if whole.abstained:
        return False
    cited = {c.clause_id for c in whole.citations}
    return all(a.abstained or (a.citations and a.citations[0].clause_id in cited) for a in answers)


def join(answers: list[Answer]) -> Answer:
    """One answer of several parts' answers, in order, each numbered, its [n] markers shifted to the joined
    citations; abstained only when no part was answered."""
    lines, citations, related = [], [], []
    for n, a in enumerate(answers, 1):
        offset = len(citations)
        text = re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + offset}]", a.answer)
        lines.append(f"（{n}）{text}")
        citations += a.citations
        related += [r for r in a.related if a.abstained]
    return Answer(
        answer="\n\n".join(lines),
        abstained=all(a.abstained for a in answers),
        question_type=answers[0].question_type,
        citations=citations,
        related=related[:3],
    )
