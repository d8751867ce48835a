"""Solving an exam item from the knowledge base: the choice the indexed articles support, the article that
decides it, and why each option is right or wrong — or no choice when no article decides it (never a guess).

How: retrieve candidate articles for the stem and the options (answering.search), then read each option as the
statement it makes — the stem with its blank filled by the option, or the option itself when the stem only asks
which statement holds — and align that statement with each sentence window of each candidate article. An option
is supported when the window states the stem and holds the option at the blank (numbers and bodies match
exactly); contradicted when the window states the stem but something else at the blank. A negative stem
(不正确的是, 不属于, 除外) asks for the unsupported options. An item is decided only when the evidence is clear.

The steps, one module each: retriever.exam.align (article windows, an option at a blank, a 判断 statement against
a window), retriever.exam.options (candidate articles and each option's best reading), retriever.exam.decide (the
choice and the deciding reading); this module writes the solution (notes, versions, quotes).
"""

from __future__ import annotations

from retriever import patterns as P
from retriever.answering.article_answer import title_of, where
from retriever.answering.cite import cite, sentences, version_of
from retriever.documents.clean import bare, fold
from retriever.exam.align import ARTICLE_LEAD, Reading, aligned
from retriever.exam.decide import MIN_SUPPORT, decide, deciding_reading
from retriever.exam.options import candidates, read_options
from retriever.exam.paste import read_item
from retriever.index import Index
from retriever.models import JUDGE_FALSE, JUDGE_TRUE, Citation, Clause, ExamItem, Solution

__all__ = ["read_item", "solve", "JUDGE_TRUE", "JUDGE_FALSE"]


def _notes(index: Index, item: ExamItem, readings: dict[str, Reading], choice: list[str], cites: list[Citation]):
    """Why each option is right or wrong, with [n] pointing at the article that says so."""

    def said(r: Reading) -> str:
        """《…》第N条规定“…”[n]"""
        marker = next((n for n, c in enumerate(cites, 1) if c.clause_id == r.window.clause.clause_id), None)
        if marker is None:
            cites.append(cite(index, r.window.clause, _quote(r), r.support))
            marker = len(cites)
        return f"{_name(index, r.window.clause)}规定“{_quote(r)}”[{marker}]"

    if item.kind == "judge":
        r = readings["stem"]
        verdict = choice[0]
        why = said(r) if r.window else "知识库中的条文没有这样规定"
        return {verdict: f"{'正确' if verdict == JUDGE_TRUE else '错误'}：{why}。"}
    notes = {}
    for letter, text in item.options.items():
        r, chosen = readings[letter], letter in choice
        holds = r.window is not None and r.support >= MIN_SUPPORT and not r.stated
        head = f"{letter}．{text}："
        if item.negative:
            if chosen:
                why = f"与条文不符，{said(r)}" if r.window and r.stated else "在知识库的条文中没有依据"
                notes[letter] = f"{head}当选，该说法{why}。"
            else:
                notes[letter] = f"{head}不选，{said(r) if r.window else '条文有此规定'}，该说法正确。"
        elif chosen:
            notes[letter] = f"{head}正确，{said(r)}。" if r.window else f"{head}正确。"
        elif r.window is not None and r.stated and not holds:
            notes[letter] = f"{head}错误，{said(r)}，而非“{text}”。"
        else:
            notes[letter] = f"{head}错误，知识库中的条文没有这样规定。"
    return notes


def _name(index: Index, clause: Clause) -> str:
    return f"{title_of(index, clause)}{where(clause)}"


def _other_versions(index: Index, doc_id: str) -> list[str]:
    notice = index.notices[doc_id]
    return [
        d for d, n in index.notices.items() if n.series == notice.series and n.region == notice.region and d != doc_id
    ]


def _by_version(
    index: Index, item: ExamItem, deciding: Reading, choice: list[str], cites: list[Citation]
) -> tuple[dict[str, list[str]], str]:
    """The choice under each version of the deciding document when the index holds several, and, when an older
    version gives another choice, what changed: both articles quoted (the older one added to `cites`)."""
    doc_id = deciding.window.clause.doc_id
    others = _other_versions(index, doc_id)
    if not others:
        return {}, ""
    label = version_of(index, index.notices[doc_id]) or index.notices[doc_id].version_label
    out, changes = {label: choice}, []
    for d in others:
        readings = read_options(index, item, candidates(index, item, [d]))
        old, _ = decide(item, readings)
        if not old:
            continue
        out[version_of(index, index.notices[d]) or index.notices[d].version_label] = old
        was = deciding_reading(item, readings, old)
        if old != choice and was is not None:
            cites.append(cite(index, was.window.clause, _quote(was), was.support))
            changes.append(
                f"版本变化：按{_name(index, was.window.clause)}“{_quote(was)}”[{len(cites)}]，此题应选"
                f"{''.join(old)}；现行{_name(index, deciding.window.clause)}规定“{_quote(deciding)}”[1]，"
                f"故答案为{''.join(choice)}。"
            )
    return out, "\n".join(changes)


def _quote(r: Reading) -> str:
    """The words of the clause a reading rests on: the window's sentence that shares the most with the
    statement read (the whole window when the statement spans its sentences)."""
    clause_text = ARTICLE_LEAD.sub("", r.window.clause.text.strip())
    parts = [p.strip() for p in sentences(clause_text) if p.strip() and p.strip() in r.window.text]
    if not parts:
        return r.window.text
    hint = bare(r.hint)
    holding = [p for p in parts if r.holds and r.holds in bare(p)]  # the sentence that says the option, or
    parts = holding or parts  # what the article says in its place
    best = max(parts, key=lambda p: (aligned(hint, bare(p))[0], len(p)))
    whole = r.window.text
    if whole in r.window.clause.text and aligned(hint, bare(whole))[0] > aligned(hint, bare(best))[0] + 2:
        best = whole
    return best.rstrip("；;，,")


def solve(index: Index, embedder, item: ExamItem) -> Solution:
    """The choice the knowledge base supports for `item`, the article that decides it first among the citations,
    and a note per option; undecided (choice None) with the closest articles as related when no article decides.

    `embedder` is the one the index was loaded with (index.embedder when None)."""
    del embedder  # retrieval embeds through the index's own embedder, the one the vectors were made with
    clauses = candidates(index, item)
    readings = read_options(index, item, clauses)
    choice, margin = decide(item, readings)
    if choice is None and P.EXAM_WHAT_FOLLOWS.search(fold(item.stem)):  # read as statements, nothing decided:
        readings = read_options(index, item, clauses, statements=False)  # as a blank after the condition
        choice, margin = decide(item, readings)
    deciding = deciding_reading(item, readings, choice)
    if choice is None or deciding is None:
        related = []
        for r in sorted(readings.values(), key=lambda r: r.support, reverse=True):
            if r.window and not any(c.clause_id == r.window.clause.clause_id for c in related):
                related.append(cite(index, r.window.clause, r.window.text, r.support))
        for c in clauses:
            if len(related) >= 3:
                break
            if not any(x.clause_id == c.clause_id for x in related):
                related.append(cite(index, c, sentences(c.text)[0] if c.text else "", 0.0))
        return Solution(item=item, choice=None, decided=False, related=related[:3], margin=round(margin, 4))
    cites = [cite(index, deciding.window.clause, _quote(deciding), deciding.support)]
    notes = _notes(index, item, readings, choice, cites)
    by_version, changes = _by_version(index, item, deciding, choice, cites)
    return Solution(
        item=item,
        choice=choice,
        decided=True,
        citations=cites,
        option_notes=notes,
        by_version=by_version,
        changes=changes,
        margin=round(margin, 4),
    )
