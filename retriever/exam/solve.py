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
from difflib import Match, SequenceMatcher
from weakref import WeakKeyDictionary

from retriever import patterns as P
from retriever.answering.article_answer import title_of, where
from retriever.answering.cite import cite, sentences, version_of
from retriever.answering.query import understand
from retriever.answering.search import retrieve
from retriever.documents.clean import bare, fold
from retriever.exam.paste import read_item
from retriever.index import Index
from retriever.models import JUDGE_FALSE, JUDGE_TRUE, Citation, Clause, ExamItem, Solution

__all__ = ["read_item", "solve", "JUDGE_TRUE", "JUDGE_FALSE"]

# Candidate clauses kept from retrieval for the whole item, and for each option's statement.
ITEM_CANDIDATES = 8
OPTION_CANDIDATES = 4
# A window "states the stem" when this share of the stem's characters align with it, in order.
MIN_STEM_MATCH = 0.45
# How an option counts in a window that states the stem: at the blank (its left or right neighbours in the stem
# beside it), anywhere in the window, or only partly (share of its characters in one run, scaled down).
AT_BLANK, AT_ONE_SIDE, IN_WINDOW, PARTIAL_SCALE = 1.0, 0.9, 0.75, 0.5
# Support needed for an option to be right, at most for it to be wrong (between: undecided), and the margin of
# the best single option over the next. Named here, set on the eval/exam_items.jsonl dev split.
MIN_SUPPORT = 0.35
MAX_WRONG = 0.3
MIN_MARGIN = 0.15
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
JUDGE_FRAME = re.compile(r"^(?:根据|依照|按照|依据)|该项工作的?|包括")
# Marks that end a phrase: what lies at a blank runs up to one of them.
STOP_MARKS = set("，。；：,;:")
END_MARKS = set("。；;!！?？")
# How far (characters) the stem's aligned text may stop short of its blank and still place it.
GAP_SLACK = 2
# An option the text at the blank holds (an item of its list, a shorter name) counts at least this.
HOLDS = 0.6
NUMBER = re.compile(r"\d+(?:\.\d+)?|[零〇一二三四五六七八九十百千万两]+")
# A stem span the window says otherwise counts against the stem's match this many times over (once unmatched,
# once more as contrary evidence), when the window's span is at most REPLACED_MAX characters (or twice the stem's).
REPLACED_WEIGHT = 1.0
REPLACED_MAX = 12
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
PIECES_SPAN = 3
# A statement's words more than this many characters apart in a window come from separate places in it.
STITCH_GAP = 24
# Characters that alone make a span say something else: levels of government, numbers, negation.
DISTINCT_CHARS = set("国省市县乡区上下级一二三四五六七八九十百千万0123456789不无非未禁")
# How much the longest shared run weighs beside the aligned share when choosing the window a statement is about.
RUN_WEIGHT = 0.5
MIN_STEM_CONTENT = 4
# A stem asking which statement holds: each option is read as a statement of its own.
STATEMENT_ASK = re.compile(
    r"说法|表述|叙述|描述|观点|做法"
)  # bare characters of stem content below which options are read as statements
MAX_SENTENCES_PER_WINDOW = 3
LEAD_SENTENCES = 3  # an article's lead (…下列行为之一的，…：) ends with a colon within its first sentences
GAP_MAX_CHARS = 30  # longer than this, the text between the stem's two sides is no blank's filling


@dataclass
class Window:
    clause: Clause
    text: str  # the sentences as written
    bare: str
    context: str  # bare: the document's title, the clause's path and heading (what a stem may name it by)
    names: tuple[str, ...] = ()  # bare: how an option may name the clause itself (its document's title, its label)
    implied: str = ""  # bare: what another clause says this one includes (units a notice lists once for all tasks)
    stops: tuple[int, ...] = ()  # positions in `bare` where the text has a clause-ending mark (，。；：)
    ends: tuple[int, ...] = ()  # positions in `bare` where a sentence ends (。；！？)


@dataclass
class Reading:
    """How one option reads against the best window for it."""

    support: float = 0.0
    window: Window | None = None
    stated: str = ""  # what the window says at the blank, when it says something else
    hint: str = ""  # the statement read (stem with the option filled in): which words of the window to quote
    holds: str = ""  # bare: the option, or what the window says in its place — the sentence to quote has it
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
    lead = next((i for i, p in enumerate(parts[:LEAD_SENTENCES]) if p.rstrip().endswith((":", "："))), 0)
    texts += ["".join(parts[: lead + 1]) + p for p in parts[lead + 1 :]]
    windows = []
    for t in dict.fromkeys(texts):
        b, stops, ends = _bare_with_stops(t)
        implied_here = "".join(v for q, v in implied.items() if q in b)
        windows.append(Window(clause, t, b, context, names, implied_here, stops, ends))
    return [w for w in windows if w.text]


def _bare_with_stops(text: str) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """bare(text), and where in it the text had a mark that ends a phrase (，。；：) and a sentence (。；！？)."""
    out, stops, ends = [], [], []
    for ch in fold(text):
        if not bare(ch):
            if ch in STOP_MARKS:
                stops.append(len(out))
            if ch in END_MARKS:
                ends.append(len(out))
        else:
            out.append(ch)
    return "".join(out), tuple(stops), tuple(ends)


def _at_gap(left: str, right: str, w: Window) -> str | None:
    """What the window says where the stem has its blank, found by aligning the stem's text on either side of
    the blank with the window: the text between them, or from the last phrase mark to the right side, or from
    the left side to the next mark. None when neither side of the blank aligns next to it."""
    s, cut = left + right, len(left)
    blocks = [m for m in SequenceMatcher(None, s, w.bare, autojunk=False).get_matching_blocks() if m.size >= 2]
    start = stop = None
    for m in blocks:
        if m.a < cut < m.a + m.size:  # the window runs on where the stem has its blank: it says nothing there
            return ""
        if m.a + m.size <= cut and m.a + m.size >= cut - GAP_SLACK:
            start = m.b + m.size
            if start in w.stops:  # the window's phrase ends where the stem has its blank: it says nothing there
                start = None
        if m.a >= cut and m.a <= cut + GAP_SLACK and stop is None:
            stop = m.b
    if start is not None and stop is not None and start <= stop <= start + GAP_MAX_CHARS:
        return w.bare[start:stop]
    if stop is not None and start is not None and stop > start + GAP_MAX_CHARS:
        start = None  # the sides align far apart (the stem reorders the article): trust the nearer side
    if start is not None and stop is None:
        phrase = w.bare[start : next((p for p in w.stops if p > start), len(w.bare))]
        return Gap(phrase, w.bare[start : next((p for p in w.ends if p > start), len(w.bare))])
    if stop is not None and start is None:
        phrase = w.bare[max((p for p in w.stops if p < stop), default=0) : stop]
        return Gap(phrase, w.bare[max((p for p in w.ends if p < stop), default=0) : stop])
    return None


class Gap(str):
    """What a window says at a stem's blank, up to the nearest phrase mark; `sentence`: up to the sentence's end."""

    sentence: str

    def __new__(cls, phrase: str, sentence: str = "") -> Gap:
        gap = super().__new__(cls, phrase)
        gap.sentence = sentence or phrase
        return gap


def _agree(option: str, stated: str) -> float:
    """How far the text at the blank says the option: the same (1), holding it (a list, a longer name), held by
    it, or only partly alike; never when their numbers differ."""
    o = bare(option)
    if not o or not stated:
        return 0.0
    if o == stated:
        return AT_BLANK
    if NUMBER.findall(o) and NUMBER.findall(o) != NUMBER.findall(stated)[: len(NUMBER.findall(o))]:
        if not (o in stated or stated in o):
            return 0.0
    if o in stated:  # an item of the list the article gives there, or part of a longer name
        return HOLDS + (AT_BLANK - HOLDS) * len(o) / len(stated)
    if stated in o:  # the option says more than the article does there
        return HOLDS * len(stated) / len(o)
    return PARTIAL_SCALE * SequenceMatcher(None, o, stated, autojunk=False).ratio()


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
    matched, blocks = _matched(stem, text)
    return (matched - REPLACED_WEIGHT * _replaced(stem, text, blocks)) / len(stem)


def _replaced(a: str, b: str, blocks: list) -> int:
    """Characters of `a` that the other text says otherwise in the same place (样机试验 where it has 定型鉴定):
    a short span of each between two aligned runs."""
    n = 0
    for x, y in zip(blocks, blocks[1:]):
        gap_a, gap_b = a[x.a + x.size : y.a], b[x.b + x.size : y.b]
        if _substantive(gap_a) and _substantive(gap_b) and len(gap_b) <= max(REPLACED_MAX, 2 * len(gap_a)):
            n += len(gap_a)
    return n


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


def _at_blank(option: str, left: str, right: str, window: str) -> float:
    """How firmly the window holds the option at the stem's blank: its neighbours on both sides (1.0), on one
    side (AT_ONE_SIDE), or not at all (0)."""
    o = bare(option)
    before = any(len(left) >= k and left[-k:] + o in window for k in range(CONTEXT, 1, -1))
    after = any(len(right) >= k and o + right[:k] in window for k in range(CONTEXT, 1, -1))
    return (
        AT_BLANK if before and (after or not right) or after and not left else AT_ONE_SIDE if before or after else 0.0
    )


def _partial(option: str, window: str) -> float:
    """An option the window holds only in pieces (无检定合格印、证的计量器具 in 使用无检定合格印、证或者…的计量器具):
    the share of its characters in runs of two or more, in order, within a stretch of the window at most
    PIECES_SPAN times its length — squared, so that a few shared words count for little."""
    o = bare(option)
    if not o:
        return 0.0
    blocks = [m for m in SequenceMatcher(None, o, window, autojunk=False).get_matching_blocks() if m.size >= 2]
    best = 0
    for i in range(len(blocks)):  # the most characters within one compact stretch
        n = 0
        for m in blocks[i:]:
            if m.b + m.size - blocks[i].b > PIECES_SPAN * len(o):
                break
            n += m.size
        best = max(best, n)
    return IN_WINDOW * (best / len(o)) ** 2


def _substantive(span: str) -> bool:
    return bool(span) and not set(span) <= FUNCTION_CHARS


def judge_statement(statement: str, window: Window) -> tuple[float, bool, str]:
    """(share of the statement aligned with the window, whether they differ substantively, the window's text
    where they differ first). The statement's frame (根据《…》（二、…）) may align with the window's context.
    Only one compact stretch of the window counts: a statement stitched from words of separate sentences
    (国务院 from one, 有关主管部门 from another) is not what the window says."""
    s = bare(JUDGE_FRAME.sub("", fold(statement)))
    if not s:
        return 0.0, False, ""
    text = window.context + window.bare + window.implied
    blocks = []
    for m in SequenceMatcher(None, s, text, autojunk=False).get_matching_blocks():
        cuts = [e + len(window.context) for e in window.ends if m.b < e + len(window.context) < m.b + m.size]
        for a, b in zip([m.b, *cuts], [*cuts, m.b + m.size]):  # a run across a sentence's end is two runs
            if b > a:
                blocks.append(Match(m.a + a - m.b, a, b - a))
    groups: list[list] = []
    for m in blocks:
        body = m.b >= len(window.context)
        if groups and body and groups[-1][-1].b >= len(window.context):
            last = groups[-1][-1]
            gap_start, gap_end = last.b + last.size - len(window.context), m.b - len(window.context)
            if m.b - (last.b + last.size) > STITCH_GAP or any(gap_start <= e <= gap_end for e in window.ends):
                groups.append([m])
                continue
        if groups:
            groups[-1].append(m)
        else:
            groups.append([m])

    def counted(group) -> int:
        return sum(m.size for m in group if m.size >= 2 or s[m.a] not in FUNCTION_CHARS)

    group = max(groups, key=counted, default=[])
    share = counted(group) / len(s)
    differs, instead = False, ""
    for x, y in zip(group, group[1:]):
        if y.b <= len(window.context):
            continue
        gap_s, gap_w = s[x.a + x.size : y.a], text[max(x.b + x.size, len(window.context)) : y.b]
        if _contrary(gap_s, gap_w):
            differs = True
            instead = instead or gap_w
    if group:
        end_a, end_b = group[-1].a + group[-1].size, group[-1].b + group[-1].size
        tail = s[end_a:]
        body_end = end_b - len(window.context)
        said = window.bare[body_end : next((e for e in window.ends if e > body_end), len(window.bare))]
        if len(tail) <= len(s) / 3 and _contrary(tail, said):  # it ends otherwise than the window's sentence
            differs = True
            instead = instead or said
    return share, differs, instead


def _contrary(gap_s: str, gap_w: str) -> bool:
    """Whether a statement's span says otherwise than the window's span in the same place: a negation or a
    number on either side, a level of government (省 for 县), or two characters or more of other words."""
    if len(gap_w) > max(REPLACED_MAX, 2 * len(gap_s)):
        return False  # the window says more in between: an insertion, not another word
    if NEGATION.search(gap_s) or (gap_s and NEGATION.search(gap_w)):
        return True
    if not gap_w:
        return False
    return (len(gap_s) >= 2 and _substantive(gap_s)) or bool(set(gap_s) & DISTINCT_CHARS)


def _run(statement: str, window: Window) -> int:
    """The longest run of the statement's characters the window has."""
    s = bare(JUDGE_FRAME.sub("", fold(statement)))
    return SequenceMatcher(None, s, window.bare, autojunk=False).find_longest_match(0, len(s), 0, len(window.bare)).size


# --- candidates ------------------------------------------------------------------------------------


def _candidates(index: Index, item: ExamItem, doc_ids: list[str] | None = None) -> list[Clause]:
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


# --- reading options ---------------------------------------------------------------------------------


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
        place = max(_at_blank(option, *parts, w.bare), IN_WINDOW) if parts else AT_BLANK
        return place * (LATER_SENTENCE if _later_sentence(stem, o, w) else 1.0)
    if o and o in w.implied:
        return IN_WINDOW
    return _partial(option, w.bare)


def _later_sentence(stem: str, option: str, w: Window) -> bool:
    """Whether every place the window has the option lies in a sentence after the one the stem's words end in."""
    blocks = [m for m in SequenceMatcher(None, stem, w.bare, autojunk=False).get_matching_blocks() if m.size >= 2]
    if not blocks or not stem:
        return False
    end = blocks[-1].b + blocks[-1].size
    at = [i for i in range(len(w.bare)) if w.bare.startswith(option, i)]
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
        fit = share + RUN_WEIGHT * _run(statement, w) / max(len(bare(statement)), 1)
        if best.window is None or fit > best.share:
            best = Reading(support=support, window=w, stated=instead, share=fit, hint=statement)
    return best


def _readings(index: Index, item: ExamItem, clauses: list[Clause]) -> dict[str, Reading]:
    windows = [w for c in clauses for w in _windows(index, c)]
    if item.kind == "judge":
        return {"stem": _read_statement(item.stem, windows)}
    if len(_content(item.stem, titles=False)) < MIN_STEM_CONTENT or STATEMENT_ASK.search(item.stem):  # 下列说法正确的是
        return {k: _read_statement(o, windows) for k, o in item.options.items()}
    stem = _content(item.stem)
    parts = _blank_parts(item.stem)
    titles = _names(index)
    named = _named_series(index, item.stem)
    matches = [
        (w, m * (1.0 if not named or index.notices[w.clause.doc_id].series in named else OTHER_DOCUMENT))
        for w in windows
        if (m := _stem_match(stem, w)) >= MIN_STEM_MATCH
    ]
    out = {}
    best_match = max((m for _, m in matches), default=1.0)
    cores = _cores(item.options)
    gaps = {id(w): _at_gap(*parts, w) for w, _ in matches} if parts else {}
    # where some window places the blank, an option merely present in a window that does not counts for less
    elsewhere = NO_GAP_SCALE if any(g is not None for g in gaps.values()) else 1.0
    out = {}
    for letter, option in item.options.items():
        best = Reading()
        for w, m in matches:
            gap = gaps.get(id(w))
            named = NAMES_CLAUSE.match(fold(option)) or bare(option).removeprefix(NATIONAL) in titles
            if gap is not None and not named:
                place = _agree(option, gap)
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
    right_at = 1.0 - MAX_WRONG if item.negative else MIN_SUPPORT
    if item.kind == "multiple":  # the right options are those above the widest gap between supports
        values = sorted(support.values(), reverse=True)
        gaps = [(values[i] - values[i + 1], values[i]) for i in range(len(values) - 1)]
        margin, cut = max(gaps, default=(0.0, 1.0))
        right = [k for k in item.options if support[k] >= cut]
        if margin >= MIN_MARGIN and cut >= right_at:
            return right, margin
        return None, margin
    ranked = sorted(support, key=support.get, reverse=True)
    top = support[ranked[0]]
    margin = top - (support[ranked[1]] if len(ranked) > 1 else 0.0)
    # a negative stem is decided when every other option is supported and the answer clearly less
    enough = (1.0 - support[ranked[1]] >= MIN_SUPPORT) if item.negative and len(ranked) > 1 else top >= right_at
    if enough and margin >= MIN_MARGIN:
        return [ranked[0]], margin
    return None, margin


# --- the solution -------------------------------------------------------------------------------------


def _deciding(item: ExamItem, readings: dict[str, Reading], choice: list[str] | None) -> Reading | None:
    """The reading whose article decides: the chosen option's; for a negative stem, the article stating the
    other options (unless the chosen one's article says otherwise in its place)."""
    if item.negative and choice:
        said_otherwise = [readings[k] for k in choice if readings[k].window is not None and readings[k].stated]
        others = [r for k, r in readings.items() if k not in choice and r.window is not None]
        return max(said_otherwise or others, key=lambda r: r.support, default=None)
    chosen = [readings[k] for k in (choice or []) if k in readings and readings[k].window is not None]
    pool = chosen or [r for r in readings.values() if r.window is not None]
    return max(pool, key=lambda r: r.support, default=None)


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
        readings = _readings(index, item, _candidates(index, item, [d]))
        old, _ = _decide(item, readings)
        if not old:
            continue
        out[version_of(index, index.notices[d]) or index.notices[d].version_label] = old
        was = _deciding(item, readings, old)
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
    best = max(parts, key=lambda p: (_matched(hint, bare(p))[0], len(p)))
    whole = r.window.text
    if whole in r.window.clause.text and _matched(hint, bare(whole))[0] > _matched(hint, bare(best))[0] + 2:
        best = whole
    return best.rstrip("；;，,")


def solve(index: Index, embedder, item: ExamItem) -> Solution:
    """The choice the knowledge base supports for `item`, the article that decides it first among the citations,
    and a note per option; undecided (choice None) with the closest articles as related when no article decides.

    `embedder` is the one the index was loaded with (index.embedder when None)."""
    del embedder  # retrieval embeds through the index's own embedder, the one the vectors were made with
    clauses = _candidates(index, item)
    readings = _readings(index, item, clauses)
    choice, margin = _decide(item, readings)
    deciding = _deciding(item, readings, choice)
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
