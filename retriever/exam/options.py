"""Reading an exam item's options against candidate articles: the clauses retrieval finds for it, and for each
option the window that supports it best (the stem with its blank filled by the option, or the option as a
statement of its own)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from weakref import WeakKeyDictionary

from retriever import patterns as P
from retriever.answering.query import understand
from retriever.answering.search import retrieve
from retriever.documents.clean import bare, fold
from retriever.exam.align import (
    AT_BLANK,
    HOLDS,
    IN_WINDOW,
    MIN_STEM_MATCH,
    Reading,
    Window,
    agree_at_gap,
    aligned,
    at_blank,
    at_gap,
    judge_statement,
    longest_run,
    partial_share,
    stem_match,
    windows_of,
)
from retriever.exam.responsible import read_responsibility
from retriever.index import Index
from retriever.models import Clause, ExamItem

# Candidate clauses kept from retrieval for the whole item, and for each option's statement.
ITEM_CANDIDATES = 8
OPTION_CANDIDATES = 4
JUDGE_ALIGN = 0.6
# "condition，option" statements: the support is scaled by the share of the option's characters the window
# has, to this power (a consequence sharing only 没收…罚款 with the article's is not the article's).
OPTION_COVERAGE_POWER = 2
# Stem words that only frame the question (下列…的是, 根据…规定): without other content the options are statements.
# A version note after a title ((2022年3月29日修订版)) only names the document.
FRAME = re.compile(
    r"\((?:\d{4}年)?[^()]{0,10}(?:修正|修订|修改)[^()]{0,4}\)|"
    r"根据|按照|依照|依据|《[^》]*》|[^,。]{0,12}(?:法|条例|细则|办法|规定)的?规定|下列|以下|关于|有关|"
    r"(?:说法|表述|叙述|描述|选项|做法|行为|情形)(?:中)?|(?:不)?(?:正确|准确|恰当|符合|属于|包括|错误)的?(?:是|有)?|"
    r"出自|(?:是)?哪(?:一)?(?:份|部|条|项|个)(?:文件|法规|法律|规章)?(?:的规定)?|哪些|的是|是|除外|[,，。:：;；?？“”\s]"
)
# An option that names a document (《…》) or an article (第十条, 第十条第二款) rather than saying something.
NAMES_CLAUSE = re.compile(rf"^\s*(?:《[^》]+》|第[{P.LEGAL_NUM}]{{1,7}}条(?:第[{P.LEGAL_NUM}]{{1,3}}款)?)\s*$")
NATIONAL = "中华人民共和国"  # how a national law's title begins; its short name leaves it out (《计量法》)
# Where the blank can be placed in some window, an option only present in another counts this much.
NO_GAP_SCALE = 0.6
# An option whose distinctive words (its core, without what all options share) are in the window counts this
# share of one found whole; a core shorter than MIN_CORE characters is no core.
CORE_SCALE = 0.9
# An option found only in a later sentence of the window than the stem's counts this share.
LATER_SENTENCE = 0.6
MIN_CORE = 2
# A window of a document other than those the stem names (依据《浙江省…条例》) counts this much: the stem may
# name a document it only cites (违反《计量法》第十四条规定…), so it is not left out.
OTHER_DOCUMENT = 0.85
# Evidence from a window is scaled by (its stem match / the best window's) to this power: the article that
# states the stem best decides, others count for less.
SHARPEN = 4
# How much the longest shared run weighs beside the aligned share when choosing the window a statement is about.
RUN_WEIGHT = 0.5
MIN_STEM_CONTENT = 4
# A stem asking which statement holds: each option is read as a statement of its own.
STATEMENT_ASK = re.compile(
    r"说法|表述|叙述|描述|观点|做法"
)  # bare characters of stem content below which options are read as statements


def _blank_parts(stem: str) -> tuple[str, str] | None:
    """The stem's bare text left and right of its (first) blank, or None when it has no blank."""
    folded = fold(stem)
    m = P.EXAM_BLANK.search(folded)
    if not m or (not bare(folded[m.end() :]) and folded[: m.start()].rstrip()[-1:] in "?？。!"):
        return None  # a box after the question (…哪些行为？（　　）) is no blank inside a statement
    return bare(stem[: m.start()]), bare(stem[m.end() :])


def _filled(stem: str, option: str) -> str:
    m = P.EXAM_BLANK.search(fold(stem))
    return stem[: m.start()] + option + stem[m.end() :] if m else stem + option


def _content(stem: str, titles: bool = True) -> str:
    """The stem without the words that only frame the question, bare; with the titles of the documents it names
    (they align with a window's context), or without (what the stem itself says)."""
    text = P.EXAM_BLANK.sub("", fold(stem))
    text = re.sub(r"《([^》]*)》", r"\1" if titles else "", text)
    return bare(FRAME.sub("", text))


def candidates(index: Index, item: ExamItem, doc_ids: list[str] | None = None) -> list[Clause]:
    """Clauses retrieval finds for the whole item and for each option's statement (current versions by default)."""
    texts = [(item.stem + " " + " ".join(item.options.values()), ITEM_CANDIDATES)]
    texts += [(_filled(item.stem, o), OPTION_CANDIDATES) for o in item.options.values()]
    seen: dict[str, Clause] = {}
    for n, (text, k) in enumerate(texts):
        q = understand(index, P.EXAM_BLANK.sub(" ", fold(text)))
        named = q.doc_ids
        if doc_ids is not None:
            q.doc_ids = doc_ids
        for hit in retrieve(index, q, k):
            seen.setdefault(hit.clause.clause_id, hit.clause)
        if n == 0 and doc_ids is None and named is not None:  # a document the stem names may be one it cites
            q.doc_ids = None
            for hit in retrieve(index, q, k):
                seen.setdefault(hit.clause.clause_id, hit.clause)
    return list(seen.values())


def _named_series(index: Index, stem: str) -> set[str]:
    """The documents (as version series) a stem names by title, short title or place: 依据《浙江省…条例》."""
    doc_ids = understand(index, P.EXAM_BLANK.sub(" ", fold(stem))).doc_ids
    return {index.notices[d].series for d in doc_ids or []}


def _cores(options: dict[str, str]) -> dict[str, str]:
    """Each option without the words it shares at its start or end with at least half the others (用于…的工作
    计量器具 → 贸易结算): what tells it apart, to be found in an article that lists such things."""
    bares = {k: bare(o) for k, o in options.items()}
    out = {}
    for k, o in bares.items():
        others = [v for j, v in bares.items() if j != k]
        need = max(1, (len(others) + 1) // 2)

        def shared(cut) -> int:
            n = 0
            while n < len(o) and sum(cut(v, n + 1) == cut(o, n + 1) for v in others if len(v) > n) >= need:
                n += 1
            return n

        head = shared(lambda v, n: v[:n])
        tail = shared(lambda v, n: v[-n:])
        core = o[head : len(o) - tail] if len(o) - head - tail >= MIN_CORE else o
        out[k] = core
    return out


def _names(index: Index) -> frozenset[str]:
    """Every document title in the index, bare and without 中华人民共和国: what an option naming a document says."""
    if index not in _NAMES:
        _NAMES[index] = frozenset(bare(n.title).removeprefix(NATIONAL) for n in index.notices.values())
    return _NAMES[index]


_NAMES: WeakKeyDictionary = WeakKeyDictionary()


def _place(option: str, parts: tuple[str, str] | None, w: Window, titles: frozenset[str], stem: str = "") -> float:
    """How the window holds an option: at the blank, elsewhere, partly; or names the clause (《…》, 第十条).
    Words the stem itself has are no evidence; an option in a later sentence than the one the stem ends in
    (对检定不合格的，发给… after …对检定合格的计量器具，发给…) counts less."""
    o = bare(option)
    if NAMES_CLAUSE.match(fold(option)) or o.removeprefix(NATIONAL) in titles:  # names this clause or not
        return AT_BLANK if o.removeprefix(NATIONAL) in {n.removeprefix(NATIONAL) for n in w.names} else 0.0
    if o and o in stem:
        return 0.0
    if o and o in w.bare:
        place = max(at_blank(option, *parts, w.bare), IN_WINDOW) if parts else AT_BLANK
        return place * (LATER_SENTENCE if _later_sentence(stem, o, w) else 1.0)
    if o and o in w.implied:
        return IN_WINDOW
    return partial_share(option, w.bare)


def _later_sentence(stem: str, option: str, w: Window) -> bool:
    """Whether every place the window has the option lies in a sentence after the one the stem's words end in
    (an item of the list the stem's lead introduces is no later sentence: it completes the lead)."""
    blocks = [m for m in SequenceMatcher(None, stem, w.bare, autojunk=False).get_matching_blocks() if m.size >= 2]
    if not blocks or not stem:
        return False
    end = blocks[-1].b + blocks[-1].size
    at = [i for i in range(len(w.bare)) if w.bare.startswith(option, i)]
    if w.items_from is not None and at and all(i >= w.items_from for i in at) and end <= w.items_from:
        return False
    return bool(at) and all(i >= end and any(end <= e <= i for e in w.ends) for i in at)


def _read_statement(statement: str, windows: list[Window]) -> Reading:
    best = Reading()
    for w in windows:
        share, differs, instead = judge_statement(statement, w)
        support = share if not differs else max(0.0, min(share, JUDGE_ALIGN) - 0.5)
        # the window the statement is about is the one it aligns with best, in long runs; whether it holds
        # decides the support
        if share < JUDGE_ALIGN:
            continue
        fit = share + RUN_WEIGHT * longest_run(statement, w) / max(len(bare(statement)), 1)
        if best.window is None or fit > best.share:
            best = Reading(support=support, window=w, stated=instead, share=fit, hint=statement)
    return best


def read_options(index: Index, item: ExamItem, clauses: list[Clause], statements: bool = True) -> dict[str, Reading]:
    """Each option's best reading among the clauses' windows (for 判断, the statement's, under "stem"). A stem
    asking what follows a condition is read as "condition，option" statements, or (`statements` False) as a
    blank to fill like any other."""
    responsible = read_responsibility(index, item, clauses)
    if responsible is not None:
        return responsible
    windows = [w for c in clauses for w in windows_of(index, c)]
    if item.kind == "judge":
        return {"stem": _read_statement(item.stem, windows)}
    if statements and (follows := P.EXAM_WHAT_FOLLOWS.search(fold(item.stem))):  # …的，下列处理符合规定的是
        condition = fold(item.stem)[: follows.start()]
        out = {}
        for k, o in item.options.items():
            r = _read_statement(f"{condition}，{o}", windows)
            if r.window is not None:  # the option must be what the window says, not a few of its words
                r.support *= (aligned(bare(o), r.window.bare)[0] / max(len(bare(o)), 1)) ** OPTION_COVERAGE_POWER
            out[k] = r
        return out
    if len(_content(item.stem, titles=False)) < MIN_STEM_CONTENT or STATEMENT_ASK.search(item.stem):  # 下列说法正确的是
        return {k: _read_statement(o, windows) for k, o in item.options.items()}
    stem = _content(item.stem)
    parts = _blank_parts(item.stem)
    titles = _names(index)
    named = _named_series(index, item.stem)
    matches = [
        (w, m * (1.0 if not named or index.notices[w.clause.doc_id].series in named else OTHER_DOCUMENT))
        for w in windows
        if (m := stem_match(stem, w)) >= MIN_STEM_MATCH
    ]
    out = {}
    best_match = max((m for _, m in matches), default=1.0)
    cores = _cores(item.options)
    gaps = {id(w): at_gap(*parts, w) for w, _ in matches} if parts else {}
    # where some window places the blank, an option merely present in a window that does not counts for less
    elsewhere = NO_GAP_SCALE if any(g is not None for g in gaps.values()) else 1.0
    out = {}
    for letter, option in item.options.items():
        best = Reading()
        for w, m in matches:
            gap = gaps.get(id(w))
            named = NAMES_CLAUSE.match(fold(option)) or bare(option).removeprefix(NATIONAL) in titles
            if gap is not None and not named:
                place = agree_at_gap(option, gap)
                if place < HOLDS and bare(option) in getattr(gap, "sentence", ""):
                    place = HOLDS  # the sentence goes on to say it (是由…批准成立，负责…的技术性非法人组织)
            else:
                place = _place(option, parts, w, titles, stem) * (1.0 if named else elsewhere)
            core = cores[letter]
            if not named and place < HOLDS and core != bare(option) and core in w.bare and core not in stem:
                later = LATER_SENTENCE if _later_sentence(stem, core, w) else 1.0
                core_place = CORE_SCALE * IN_WINDOW * later * elsewhere  # what tells the option apart is in the window
                place = max(place, core_place)
            support = m * place * (m / best_match) ** SHARPEN  # windows stating the stem less well count less
            if support > best.support:
                stated = gap if gap and place < AT_BLANK else ""
                holds = bare(option) if bare(option) in w.bare else cores[letter] if place >= HOLDS else stated
                best = Reading(
                    support=support, window=w, stated=stated, hint=_filled(item.stem, option), holds=str(holds)
                )
        out[letter] = best
    return out
