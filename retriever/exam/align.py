"""Aligning an exam item's statements with an article: the sentence windows of a clause, what a window says
at a stem's blank, how far an option agrees with it, and whether a 判断 statement holds or is contradicted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import Match, SequenceMatcher

from retriever import patterns as P
from retriever.answering.cite import sentences
from retriever.documents.clean import bare, fold
from retriever.index import Index
from retriever.models import Clause

# A window "states the stem" when this share of the stem's characters align with it, in order.
MIN_STEM_MATCH = 0.45
# How an option counts in a window that states the stem: at the blank (its left or right neighbours in the stem
# beside it), anywhere in the window, or only partly (share of its characters in one run, scaled down).
AT_BLANK, AT_ONE_SIDE, IN_WINDOW, PARTIAL_SCALE = 1.0, 0.9, 0.75, 0.5
# Characters a span may differ in without changing what a statement says.
FUNCTION_CHARS = set("的了和及与或等其该之所在对于由被将把应")
# Context characters beside the blank that place an option at it.
CONTEXT = 3
# An article's own number at the start of its text (第十条 …), not part of what it says.
ARTICLE_LEAD = re.compile(rf"^第 ?[{P.LEGAL_NUM}]{{1,7}} ?条(?:之[一二三四五六七八九十]{{1,3}})?\s*")
# What turns a statement into its opposite, or a number into another: a span holding one always differs.
NEGATION = re.compile(r"[不无非未禁\d]")
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
# A number written in digits: compared whole (5 is not 15, 2500 is not 500).
DIGITS = re.compile(r"\d+(?:\.\d+)?")
# A stem span the window says otherwise counts against the stem's match this many times over (once unmatched,
# once more as contrary evidence), when the window's span is at most REPLACED_MAX characters (or twice the stem's).
REPLACED_WEIGHT = 1.0
REPLACED_MAX = 12
PIECES_SPAN = 3
# A statement's words more than this many characters apart in a window come from separate places in it.
STITCH_GAP = 24
# Characters that alone make a span say something else: levels of government, numbers, negation, and latin
# letters (a grade: B级 against C级, as bare() lowercases it).
DISTINCT_CHARS = set("国省市县乡区上下级一二三四五六七八九十百千万0123456789不无非未禁abcdefghijklmnopqrstuvwxyz")
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
    items_from: int | None = None  # position in `bare` where the items of the list its lead introduces begin


@dataclass
class Reading:
    """How one option reads against the best window for it."""

    support: float = 0.0
    window: Window | None = None
    stated: str = ""  # what the window says at the blank, when it says something else
    hint: str = ""  # the statement read (stem with the option filled in): which words of the window to quote
    holds: str = ""  # bare: the option, or what the window says in its place — the sentence to quote has it
    share: float = 0.0  # statements: how much of the statement aligns with the window
    verdict: bool | None = None  # 判断 decided outright by the article's data (a unit among a task's 责任单位)


def windows_of(index: Index, clause: Clause) -> list[Window]:
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
    lead = next((i for i, p in enumerate(parts[:LEAD_SENTENCES]) if p.rstrip().endswith((":", "："))), None)
    head = "".join(parts[: (lead or 0) + 1])
    texts += [head + p for p in parts[(lead or 0) + 1 :]]
    # after a lead ending in a colon (…有下列行为之一的，…：) come the items of its list
    items_from = len(_bare_with_stops(head)[0]) if lead is not None else None
    windows = []
    for t in dict.fromkeys(texts):
        b, stops, ends = _bare_with_stops(t)
        implied_here = "".join(v for q, v in implied.items() if q in b)
        items = items_from if items_from is not None and t.startswith(head) and len(b) > items_from else None
        windows.append(Window(clause, t, b, context, names, implied_here, stops, ends, items))
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


def at_gap(left: str, right: str, w: Window) -> str | None:
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


def agree_at_gap(option: str, stated: str) -> float:
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
    if not set(DIGITS.findall(o)) <= set(DIGITS.findall(stated)):  # 5项 is not held by 15项
        return 0.0
    if o in stated:  # an item of the list the article gives there, or part of a longer name
        return HOLDS + (AT_BLANK - HOLDS) * len(o) / len(stated)
    if stated in o:  # the option says more than the article does there
        return HOLDS * len(stated) / len(o)
    return PARTIAL_SCALE * SequenceMatcher(None, o, stated, autojunk=False).ratio()


def aligned(a: str, b: str) -> tuple[int, list]:
    """Characters of `a` aligned in order with `b`, and the matching blocks."""
    sm = SequenceMatcher(None, a, b, autojunk=False)
    blocks = [m for m in sm.get_matching_blocks() if m.size]
    return sum(m.size for m in blocks if m.size >= 2 or a[m.a] not in FUNCTION_CHARS), blocks


def stem_match(stem: str, w: Window) -> float:
    """Share of the stem's characters that align, in order, with the window (its title and heading before it)."""
    if not stem:
        return 0.0
    text = w.context + w.bare
    if len(set(stem) & set(text)) < MIN_STEM_MATCH * len(set(stem)):
        return 0.0
    matched, blocks = aligned(stem, text)
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


def at_blank(option: str, left: str, right: str, window: str) -> float:
    """How firmly the window holds the option at the stem's blank: its neighbours on both sides (1.0), on one
    side (AT_ONE_SIDE), or not at all (0)."""
    o = bare(option)
    before = any(len(left) >= k and left[-k:] + o in window for k in range(CONTEXT, 1, -1))
    after = any(len(right) >= k and o + right[:k] in window for k in range(CONTEXT, 1, -1))
    return (
        AT_BLANK if before and (after or not right) or after and not left else AT_ONE_SIDE if before or after else 0.0
    )


def partial_share(option: str, window: str) -> float:
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
    differs, instead = _number_differs(s, text, group), ""
    for x, y in zip(group, group[1:]):
        if y.b <= len(window.context):
            continue
        start = max(x.b + x.size, len(window.context))
        # from the statement's frame (its document and heading) into the body: the span it puts before the
        # aligned words stands for the start of their sentence (市委网信办要牵头… against 质量技术监督部门要牵头…)
        start = max([start] + [e + len(window.context) for e in window.ends if start <= e + len(window.context) < y.b])
        gap_s, gap_w = s[x.a + x.size : y.a], text[start : y.b]
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


def _number_differs(s: str, text: str, group: list[Match]) -> bool:
    """Whether a number of the statement stands in the window's aligned stretch only in part (2500 against the
    500 of another target) or inside a longer number (15 inside 150): the window says another number there."""
    for m in DIGITS.finditer(s):
        covering = [b for b in group if b.a < m.end() and m.start() < b.a + b.size]
        if not covering:
            continue
        whole = next((b for b in covering if b.a <= m.start() and m.end() <= b.a + b.size), None)
        if whole is None:
            return True
        start = whole.b + m.start() - whole.a
        stop = start + len(m.group())
        if (start > 0 and text[start - 1].isdigit()) or (stop < len(text) and text[stop].isdigit()):
            return True
    return False


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


def longest_run(statement: str, window: Window) -> int:
    """The longest run of the statement's characters the window has."""
    s = bare(JUDGE_FRAME.sub("", fold(statement)))
    return SequenceMatcher(None, s, window.bare, autojunk=False).find_longest_match(0, len(s), 0, len(window.bare)).size
