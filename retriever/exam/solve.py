"""Solving an exam item from the knowledge base: the choice the indexed articles support, the article that
decides it, and why each option is right or wrong — or no choice when no article decides it (never a guess).

How: retrieve candidate articles for the stem and the options (answering.search), then read each option as the
statement it makes — the stem with its blank filled by the option, or the option itself when the stem only asks
which statement holds — and align that statement with each sentence window of each candidate article. An option
is supported when the window states the stem and holds the option at the blank (numbers and bodies match
exactly); contradicted when the window states the stem but something else at the blank. A negative stem
(不正确的是, 不属于, 除外) asks for the unsupported options. An item is decided only when the evidence is clear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from weakref import WeakKeyDictionary

from retriever import patterns as P
from retriever.answering.article_answer import title_of, where
from retriever.answering.cite import cite, sentences, version_of
from retriever.answering.query import understand
from retriever.answering.search import retrieve
from retriever.documents.clean import fold
from retriever.exam.items import bare
from retriever.exam.paste import read_item
from retriever.index import Index
from retriever.models import JUDGE_FALSE, JUDGE_TRUE, Citation, Clause, ExamItem, Solution

__all__ = ["read_item", "solve", "JUDGE_TRUE", "JUDGE_FALSE"]

# Candidate clauses kept from retrieval for the whole item, and for each option's statement.
ITEM_CANDIDATES = 8
OPTION_CANDIDATES = 4
# A window "states the stem" when this share of the stem's characters align with it, in order.
MIN_STEM_MATCH = 0.6
# How an option counts in a window that states the stem: at the blank (its left or right neighbours in the stem
# beside it), anywhere in the window, or only partly (share of its characters in one run, scaled down).
AT_BLANK, AT_ONE_SIDE, IN_WINDOW, PARTIAL_SCALE = 1.0, 0.9, 0.75, 0.5
# Support needed for an option to be right, at most for it to be wrong (between: undecided), and the margin of
# the best single option over the next. Named here, set on the eval/exam_items.jsonl dev split.
MIN_SUPPORT = 0.5
MAX_WRONG = 0.3
MIN_MARGIN = 0.2
# 判断: a statement aligning this well with a window and differing nowhere substantive is true; aligning at
# least JUDGE_ALIGN and differing in a substantive span (a number, a body, a modal or negation) is false.
JUDGE_TRUE_MATCH = 0.85
JUDGE_ALIGN = 0.6
# Characters a span may differ in without changing what a statement says.
FUNCTION_CHARS = set("的了和及与或等其该之所在对于由被将把应")
# Context characters beside the blank that place an option at it.
CONTEXT = 3
# Stem words that only frame the question (下列…的是, 根据…规定): without other content the options are statements.
FRAME = re.compile(
    r"根据|按照|依照|依据|《[^》]*》|[^,。]{0,12}(?:法|条例|细则|办法|规定)的?规定|下列|以下|关于|有关|"
    r"(?:说法|表述|叙述|描述|选项|做法|行为|情形)(?:中)?|(?:不)?(?:正确|准确|恰当|符合|属于|包括|错误)的?(?:是|有)?|"
    r"出自|(?:是)?哪(?:一)?(?:份|部|条|项|个)(?:文件|法规|法律|规章)?(?:的规定)?|哪些|的是|是|除外|[,，。:：;；?？“”\s]"
)
# An article's own number at the start of its text (第十条 …), not part of what it says.
ARTICLE_LEAD = re.compile(rf"^第 ?[{P.LEGAL_NUM}]{{1,7}} ?条(?:之[一二三四五六七八九十]{{1,3}})?\s*")
# What turns a statement into its opposite, or a number into another: a span holding one always differs.
NEGATION = re.compile(r"[不无非未禁\d]")
# An option that names a document (《…》) or an article (第十条, 第十条第二款) rather than saying something.
NAMES_CLAUSE = re.compile(rf"^\s*(?:《[^》]+》|第[{P.LEGAL_NUM}]{{1,7}}条(?:第[{P.LEGAL_NUM}]{{1,3}}款)?)\s*$")
NATIONAL = "中华人民共和国"  # how a national law's title begins; its short name leaves it out (《计量法》)
# Words of a 判断 statement that only frame it (根据…, 该项工作的责任单位包括…), left out when aligning it.
JUDGE_FRAME = re.compile(r"根据|依照|按照|依据|该项工作的?|包括|的规定|规定[,:]")
MIN_STEM_CONTENT = 4
# A stem asking which statement holds: each option is read as a statement of its own.
STATEMENT_ASK = re.compile(
    r"说法|表述|叙述|描述|观点|做法"
)  # bare characters of stem content below which options are read as statements
MAX_SENTENCES_PER_WINDOW = 2


@dataclass
class Window:
    clause: Clause
    text: str  # the sentences as written
    bare: str
    context: str  # bare: the document's title, the clause's path and heading (what a stem may name it by)
    names: tuple[str, ...] = ()  # bare: how an option may name the clause itself (its document's title, its label)
    implied: str = ""  # bare: what another clause says this one includes (units a notice lists once for all tasks)


@dataclass
class Reading:
    """How one option reads against the best window for it."""

    support: float = 0.0
    window: Window | None = None
    stated: str = ""  # what the window says at the blank, when it says something else
    share: float = 0.0  # statements: how much of the statement aligns with the window


# --- windows and alignment --------------------------------------------------------------------------


def _windows(index: Index, clause: Clause) -> list[Window]:
    """Sentence windows of a clause: each sentence, each run of MAX_SENTENCES_PER_WINDOW sentences, and the
    clause's lead sentence with each later one (an article's 下列… with each of its items)."""
    parts = [s.strip() for s in sentences(ARTICLE_LEAD.sub("", clause.text.strip())) if s.strip()]
    notice = index.notices[clause.doc_id]
    context = bare(f"{notice.title}{clause.path}{clause.heading}")
    names = (bare(notice.title), bare(clause.label))
    implied = {  # a statement of a fact's implied units holds them too (以下责任单位中均包括…不再单独列出)
        bare(f.quote): bare("、".join(f.implicit_units))
        for f in index.facts.get(clause.clause_id, [])
        if f.implicit_units
    }
    spans = {(i, i + n) for n in range(1, MAX_SENTENCES_PER_WINDOW + 1) for i in range(max(1, len(parts) - n + 1))}
    texts = ["".join(parts[a:b]) for a, b in sorted(spans)]
    texts += [parts[0] + p for p in parts[2:]]
    windows = []
    for t in dict.fromkeys(texts):
        b = bare(t)
        windows.append(Window(clause, t, b, context, names, "".join(v for q, v in implied.items() if q in b)))
    return [w for w in windows if w.text]


def _matched(a: str, b: str) -> tuple[int, list]:
    """Characters of `a` aligned in order with `b`, and the matching blocks."""
    sm = SequenceMatcher(None, a, b, autojunk=False)
    blocks = [m for m in sm.get_matching_blocks() if m.size]
    return sum(m.size for m in blocks if m.size >= 2 or a[m.a] not in FUNCTION_CHARS), blocks


def _stem_match(stem: str, w: Window) -> float:
    """Share of the stem's characters that align, in order, with the window (its title and heading before it)."""
    if not stem:
        return 0.0
    text = w.context + w.bare
    if len(set(stem) & set(text)) < MIN_STEM_MATCH * len(set(stem)):
        return 0.0
    return _matched(stem, text)[0] / len(stem)


def _blank_parts(stem: str) -> tuple[str, str] | None:
    """The stem's bare text left and right of its (first) blank, or None when it has no blank."""
    m = P.EXAM_BLANK.search(fold(stem))
    if not m:
        return None
    return bare(stem[: m.start()]), bare(stem[m.end() :])


def _filled(stem: str, option: str) -> str:
    m = P.EXAM_BLANK.search(fold(stem))
    return stem[: m.start()] + option + stem[m.end() :] if m else stem + option


def _content(stem: str) -> str:
    """The stem without the words that only frame the question, bare."""
    return bare(FRAME.sub("", P.EXAM_BLANK.sub("", fold(stem))))


def _at_blank(option: str, left: str, right: str, window: str) -> float:
    """How firmly the window holds the option at the stem's blank: its neighbours on both sides (1.0), on one
    side (AT_ONE_SIDE), or not at all (0)."""
    o = bare(option)
    before = any(len(left) >= k and left[-k:] + o in window for k in range(CONTEXT, 1, -1))
    after = any(len(right) >= k and o + right[:k] in window for k in range(CONTEXT, 1, -1))
    return (
        AT_BLANK if before and (after or not right) or after and not left else AT_ONE_SIDE if before or after else 0.0
    )


def _stated_at_blank(left: str, right: str, window: str) -> str:
    """What the window says where the stem has its blank: the text between the stem's context on either side."""
    for k in range(min(CONTEXT + 2, len(left)), 1, -1):
        i = window.find(left[-k:])
        if i < 0:
            continue
        start = i + k
        for j in range(min(CONTEXT + 2, len(right)), 1, -1):
            stop = window.find(right[:j], start)
            if stop > start:
                return window[start:stop]
        return window[start : start + 12]
    return ""


def _partial(option: str, window: str) -> float:
    o = bare(option)
    if not o:
        return 0.0
    run = SequenceMatcher(None, o, window, autojunk=False).find_longest_match(0, len(o), 0, len(window)).size
    return PARTIAL_SCALE * run / len(o) if run < len(o) else IN_WINDOW


def _substantive(span: str) -> bool:
    return bool(span) and not set(span) <= FUNCTION_CHARS


def judge_statement(statement: str, window: Window) -> tuple[float, bool, str]:
    """(share of the statement aligned with the window, whether they differ substantively, the window's text
    where they differ first). The statement's frame (根据《…》（二、…）) may align with the window's context."""
    s = bare(JUDGE_FRAME.sub("", fold(statement)))
    if not s:
        return 0.0, False, ""
    text = window.context + window.bare + window.implied
    matched, blocks = _matched(s, text)
    share = matched / len(s)
    differs, instead = False, ""
    prev_a = prev_b = None
    for m in blocks:
        if prev_a is not None and m.b > len(window.context):
            gap_s, gap_w = s[prev_a : m.a], text[max(prev_b, len(window.context)) : m.b]
            if _substantive(gap_s) and (gap_w or NEGATION.search(gap_s)):
                if len(gap_w) <= max(12, 2 * len(gap_s)):
                    differs = True
                    instead = instead or gap_w
        prev_a, prev_b = m.a + m.size, m.b + m.size
    tail = s[prev_a:] if prev_a is not None else ""
    if _substantive(tail) and len(tail) <= len(s) / 3:  # a statement that ends in words the window lacks
        differs = True
        instead = instead or text[prev_b : prev_b + 12]
    return share, differs, instead


# --- candidates ------------------------------------------------------------------------------------


def _candidates(index: Index, item: ExamItem, doc_ids: list[str] | None = None) -> list[Clause]:
    """Clauses retrieval finds for the whole item and for each option's statement (current versions by default)."""
    texts = [(item.stem + " " + " ".join(item.options.values()), ITEM_CANDIDATES)]
    texts += [(_filled(item.stem, o), OPTION_CANDIDATES) for o in item.options.values()]
    seen: dict[str, Clause] = {}
    for text, k in texts:
        q = understand(index, P.EXAM_BLANK.sub(" ", fold(text)))
        if doc_ids is not None:
            q.doc_ids = doc_ids
        for hit in retrieve(index, q, k):
            seen.setdefault(hit.clause.clause_id, hit.clause)
    return list(seen.values())


# --- reading options ---------------------------------------------------------------------------------


def _names(index: Index) -> frozenset[str]:
    """Every document title in the index, bare and without 中华人民共和国: what an option naming a document says."""
    if index not in _NAMES:
        _NAMES[index] = frozenset(bare(n.title).removeprefix(NATIONAL) for n in index.notices.values())
    return _NAMES[index]


_NAMES: WeakKeyDictionary = WeakKeyDictionary()


def _place(option: str, parts: tuple[str, str] | None, w: Window, titles: frozenset[str]) -> float:
    """How the window holds an option: at the blank, elsewhere, partly; or names the clause (《…》, 第十条)."""
    o = bare(option)
    if NAMES_CLAUSE.match(fold(option)) or o.removeprefix(NATIONAL) in titles:  # names this clause or not
        return AT_BLANK if o.removeprefix(NATIONAL) in {n.removeprefix(NATIONAL) for n in w.names} else 0.0
    if o and o in w.bare:
        return max(_at_blank(option, *parts, w.bare), IN_WINDOW) if parts else AT_BLANK
    if o and o in w.implied:
        return IN_WINDOW
    return _partial(option, w.bare)


def _read_statement(statement: str, windows: list[Window]) -> Reading:
    best = Reading()
    for w in windows:
        share, differs, instead = judge_statement(statement, w)
        support = share if not differs else max(0.0, min(share, JUDGE_ALIGN) - 0.5)
        # the window the statement is about is the one it aligns with best; whether it holds decides the support
        if share >= JUDGE_ALIGN and (best.window is None or share > best.share):
            best = Reading(support=support, window=w, stated=instead, share=share)
    return best


def _readings(index: Index, item: ExamItem, clauses: list[Clause]) -> dict[str, Reading]:
    windows = [w for c in clauses for w in _windows(index, c)]
    if item.kind == "judge":
        return {"stem": _read_statement(item.stem, windows)}
    if len(_content(item.stem)) < MIN_STEM_CONTENT or STATEMENT_ASK.search(item.stem):  # 下列说法正确的是
        return {k: _read_statement(o, windows) for k, o in item.options.items()}
    stem = _content(item.stem)
    parts = _blank_parts(item.stem)
    titles = _names(index)
    matches = [(w, m) for w in windows if (m := _stem_match(stem, w)) >= MIN_STEM_MATCH]
    out = {}
    for letter, option in item.options.items():
        best = Reading()
        for w, m in matches:
            place = _place(option, parts, w, titles)
            if m * place > best.support:
                stated = _stated_at_blank(*parts, w.bare) if parts and place < AT_BLANK else ""
                best = Reading(support=m * place, window=w, stated=stated)
        out[letter] = best
    return out


def _decide(item: ExamItem, readings: dict[str, Reading]) -> tuple[list[str] | None, float]:
    """The choice the readings support and its margin, or (None, margin) when the evidence is not clear."""
    if item.kind == "judge":
        r = readings["stem"]
        if r.window is None:
            return None, 0.0
        share, differs, _ = judge_statement(item.stem, r.window)
        if differs and share >= JUDGE_ALIGN:
            return [JUDGE_FALSE], share - JUDGE_ALIGN
        if share >= JUDGE_TRUE_MATCH:
            return [JUDGE_TRUE], share - JUDGE_TRUE_MATCH
        return None, share - JUDGE_TRUE_MATCH
    support = {k: r.support for k, r in readings.items()}
    if item.negative:  # the options the articles do not support are the answer
        support = {k: 1.0 - v for k, v in support.items()}
        right_at, wrong_below = 1.0 - MAX_WRONG, 1.0 - MIN_SUPPORT
    else:
        right_at, wrong_below = MIN_SUPPORT, MAX_WRONG
    ranked = sorted(support, key=support.get, reverse=True)
    if item.kind == "single":
        top = support[ranked[0]]
        margin = top - (support[ranked[1]] if len(ranked) > 1 else 0.0)
        if top >= right_at and margin >= MIN_MARGIN:
            return [ranked[0]], margin
        return None, margin
    right = [k for k in item.options if support[k] >= right_at]
    unclear = [k for k in item.options if wrong_below < support[k] < right_at]
    margin = min((abs(support[k] - (right_at + wrong_below) / 2) for k in item.options), default=0.0)
    if right and not unclear:
        return right, margin
    return None, margin


# --- the solution -------------------------------------------------------------------------------------


def _deciding(readings: dict[str, Reading], choice: list[str] | None) -> Reading | None:
    chosen = [readings[k] for k in (choice or []) if k in readings and readings[k].window is not None]
    pool = chosen or [r for r in readings.values() if r.window is not None]
    return max(pool, key=lambda r: r.support, default=None)


def _notes(index: Index, item: ExamItem, readings: dict[str, Reading], choice: list[str], cites: list[Citation]):
    """Why each option is right or wrong, with [n] pointing at the article that says so."""

    def marker(r: Reading) -> str:
        if r.window is None:
            return ""
        for n, c in enumerate(cites, 1):
            if c.clause_id == r.window.clause.clause_id:
                return f"[{n}]"
        cites.append(cite(index, r.window.clause, r.window.text, r.support))
        return f"[{len(cites)}]"

    notes = {}
    if item.kind == "judge":
        r = readings["stem"]
        right = choice == [JUDGE_TRUE]
        said = f"“{r.window.text}”{marker(r)}" if r.window else ""
        notes[JUDGE_TRUE if right else JUDGE_FALSE] = (
            f"{'正确' if right else '错误'}：{_name(index, r.window.clause) if r.window else ''}规定{said}"
            + ("" if right or not r.stated else f"，题述与之不符（条文为“{r.stated}”）")
            + "。"
        )
        return notes
    for letter, text in item.options.items():
        r = readings[letter]
        right = letter in choice
        stated = r.window is not None and (r.support >= MIN_SUPPORT)
        if stated:
            why = f"{_name(index, r.window.clause)}规定“{r.window.text}”{marker(r)}"
            verdict = "不符合题意（题目问的是不正确或不属于的选项）" if item.negative else "正确"
            notes[letter] = f"{letter}．{text}：{'正确' if right else verdict}，{why}。"
        elif r.window is not None and r.stated:
            notes[letter] = (
                f"{letter}．{text}：{'正确（题目问的是不正确或不属于的选项）' if right else '错误'}，"
                f"{_name(index, r.window.clause)}规定为“{r.stated}”{marker(r)}，而非“{text}”。"
            )
        else:
            notes[letter] = (
                f"{letter}．{text}：{'正确（题目问的是不正确或不属于的选项）' if right else '错误'}，"
                "知识库中的条文没有这样规定。"
            )
    return notes


def _name(index: Index, clause: Clause) -> str:
    return f"{title_of(index, clause)}{where(clause)}"


def _other_versions(index: Index, doc_id: str) -> list[str]:
    notice = index.notices[doc_id]
    return [
        d for d, n in index.notices.items() if n.series == notice.series and n.region == notice.region and d != doc_id
    ]


def _by_version(index: Index, item: ExamItem, doc_id: str) -> dict[str, list[str]]:
    """The choice under each version of the deciding document, when the index holds several."""
    others = _other_versions(index, doc_id)
    if not others:
        return {}
    out = {}
    for d in [doc_id, *others]:
        clauses = _candidates(index, item, [d])
        choice, _ = _decide(item, _readings(index, item, clauses))
        label = version_of(index, index.notices[d]) or index.notices[d].version_label
        if choice:
            out[label] = choice
    return out


def solve(index: Index, embedder, item: ExamItem) -> Solution:
    """The choice the knowledge base supports for `item`, the article that decides it first among the citations,
    and a note per option; undecided (choice None) with the closest articles as related when no article decides.

    `embedder` is the one the index was loaded with (index.embedder when None)."""
    del embedder  # retrieval embeds through the index's own embedder, the one the vectors were made with
    clauses = _candidates(index, item)
    readings = _readings(index, item, clauses)
    choice, margin = _decide(item, readings)
    deciding = _deciding(readings, choice)
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
    cites = [cite(index, deciding.window.clause, deciding.window.text, deciding.support)]
    notes = _notes(index, item, readings, choice, cites)
    return Solution(
        item=item,
        choice=choice,
        decided=True,
        citations=cites,
        option_notes=notes,
        by_version=_by_version(index, item, deciding.window.clause.doc_id),
        margin=round(margin, 4),
    )
