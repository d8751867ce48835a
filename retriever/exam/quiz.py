"""Exam practice for 注册计量师 candidates: every item the documents yield, seeded papers, grading.

Items come from regulation articles (单选/多选 in the exam's form; quiz_law.py, quiz_lists.py) and from policy
notices (quiz_notices.py, including the study aids 填空/判断). Item ids are stable; a paper is reproducible from
its id, which encodes its seed, layout, time limit, scoring rule and filters, so any instance can grade it.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import random
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from weakref import WeakKeyDictionary

from retriever.index import Index
from retriever.models import (
    QUIZ_KIND_NAMES,
    QUIZ_KINDS,
    Clause,
    GradedItem,
    GradeResult,
    MultipleScoring,
    Paper,
    PaperSection,
    QuizItem,
    QuizKind,
    QuizMode,
)
from retriever.exam.items import Ctx, digest, is_regulation, sentence_of
from retriever.exam.law_items import law_items, law_pools
from retriever.exam.list_items import list_items, list_pool
from retriever.exam.notice_items import notice_items, unit_pool
from retriever.exam.scoring import PASS_MARK, SCORINGS, AnswerError, chosen, passed, points_for

log = logging.getLogger(__name__)

MAX_ITEMS = 100  # largest paper one request may ask for
PRACTICE_KINDS: tuple[QuizKind, ...] = ("single", "multiple")  # 填空/判断 are study aids, asked for by name
POINTS: dict[str, float] = {"single": 1.0, "multiple": 2.0, "fill": 1.0, "judge": 1.0}
# A mock paper's default layout, modelled on the law subject (计量法律法规及综合知识): 60 single-choice items of
# 1 point and 20 multiple-choice items of 2 points (100 points), 150 minutes.
MOCK_SECTIONS = (PaperSection(kind="single", count=60, points=1.0), PaperSection(kind="multiple", count=20, points=2.0))
MOCK_MINUTES = 150.0
MOCK_LEFT_OUT = ("article",)  # facets the exam does not ask: which article number states a rule
MAX_MINUTES = 600.0
ID_VERSION = 2  # the layout of paper ids; ids of another layout are refused with a message
# The arguments of make_paper a paper id carries, each under one letter (besides v: ID_VERSION, i: the items
# included first, S: a mock paper's sections).
ID_KEYS = {
    "s": "seed",
    "m": "mode",
    "n": "n",
    "k": "kinds",
    "d": "doc_ids",
    "c": "chapters",
    "r": "scoring",
    "t": "minutes",
}


class QuizError(ValueError):
    """A quiz request that cannot be served; the message says what was wrong and what is allowed."""


# --- every item ------------------------------------------------------------------------------


def chapter_of(index: Index, clause: Clause) -> str | None:
    """The chapter an article lies in (第二章 计量基准器具…), or a notice clause's top section (二、…)."""
    node, top = clause, None
    while node is not None:
        if node.kind in ("chapter", "part"):
            top = node
        node = index.clauses.get(node.parent_id) if node.parent_id else None
    if top is None:
        return None
    return (
        f"{top.path} {top.heading}".strip()
        if top.kind == "chapter" and top.path.startswith("第")
        else f"{top.path}{top.heading}"
    )


_CACHE: WeakKeyDictionary[Index, tuple[QuizItem, ...]] = WeakKeyDictionary()


def all_items(index: Index) -> tuple[QuizItem, ...]:
    """Every item the knowledge base yields, in document order, without duplicates (same stem and options).
    Older versions of a document yield none when the current version is in the knowledge base."""
    if index in _CACHE:
        return _CACHE[index]
    units, laws, lists = unit_pool(index), law_pools(index), list_pool(index)
    items, seen = [], set()
    for doc_id in sorted(index.notices):
        notice = index.notices[doc_id]
        if doc_id not in index.current:
            continue
        for clause in index.clauses_of(doc_id):
            ctx = Ctx(index, notice, clause, index.facts.get(clause.clause_id, []), chapter_of(index, clause))
            made = law_items(index, ctx, laws) if is_regulation(notice) else notice_items(index, ctx, units)
            for item in [*made, *list_items(ctx, lists)]:
                if (item.kind, item.stem, item.options) not in seen and item.item_id not in seen:
                    seen |= {(item.kind, item.stem, item.options), item.item_id}
                    items.append(item.model_copy(update={"points": POINTS[item.kind]}))
    _CACHE[index] = tuple(items)
    return _CACHE[index]


def counts(items: Iterable[QuizItem]) -> dict[str, dict[str, int]]:
    """{doc_id: {kind: n}} for a report of what the documents yield."""
    out: dict[str, dict[str, int]] = {}
    for item in items:
        per = out.setdefault(item.citation.doc_id, dict.fromkeys(QUIZ_KINDS, 0))
        per[item.kind] += 1
    return out


def chapters_of(index: Index, doc_ids: Iterable[str] | None = None) -> list[str]:
    """The chapters items come from, in document order (for choosing chapters in a paper)."""
    docs = set(doc_ids or ())
    return list(
        dict.fromkeys(i.chapter for i in all_items(index) if i.chapter and (not docs or i.citation.doc_id in docs))
    )


def short_id(item_id: str) -> str:
    """A 10-hex-digit digest of an item id, how paper ids list the items they must contain."""
    return digest(item_id, size=10)


# --- papers ------------------------------------------------------------------------------------


def _listed(values: Iterable[str] | str | None) -> list[str]:
    values = values.split(",") if isinstance(values, str) else values or ()
    return [v.strip() for v in values if v and v.strip()]


def _kinds(kinds: Iterable[str] | str | None, default: tuple[QuizKind, ...]) -> tuple[QuizKind, ...]:
    asked = _listed(kinds)
    if unknown := [k for k in asked if k not in QUIZ_KINDS]:
        hint = "; the old kind choice is now single" if "choice" in unknown else ""
        raise QuizError(
            f"unknown question kinds: {', '.join(unknown)}; use "
            f"{', '.join(f'{k} ({QUIZ_KIND_NAMES[k]})' for k in QUIZ_KINDS)}{hint}"
        )
    return tuple(k for k in QUIZ_KINDS if k in asked) if asked else default


def _docs(index: Index, doc_ids: Iterable[str] | str | None) -> tuple[str, ...]:
    docs = sorted(set(_listed(doc_ids)))
    if unknown := [d for d in docs if d not in index.notices]:
        raise QuizError(f"unknown doc_ids: {', '.join(unknown)}; known: {', '.join(sorted(index.notices))}")
    if old := [d for d in docs if d not in index.current]:
        newer = ", ".join(index.notices[d].superseded_by or "?" for d in old)
        raise QuizError(f"{', '.join(old)} is an older version; items come from the current one ({newer})")
    return tuple(docs)


def _in_chapter(item: QuizItem, chapter: str) -> bool:
    ch = item.chapter or ""
    return chapter == ch or ch.startswith(chapter + " ") or ch.split(" ", 1)[-1] == chapter


def _chapters(index: Index, chapters: Iterable[str] | str | None, docs: tuple[str, ...]) -> tuple[str, ...]:
    asked = tuple(dict.fromkeys(_listed(chapters)))
    pool = [i for i in all_items(index) if not docs or i.citation.doc_id in docs]
    if unknown := [c for c in asked if not any(_in_chapter(i, c) for i in pool)]:
        known = chapters_of(index, docs)
        raise QuizError(
            f"unknown chapters: {', '.join(unknown)}; chapters of "
            f"{', '.join(docs) or 'the documents'}: {', '.join(known[:30])}" + (" …" if len(known) > 30 else "")
        )
    return asked


def _sections(mode: QuizMode, sections, kinds: tuple[QuizKind, ...]) -> tuple[PaperSection, ...]:
    if mode == "practice":
        return tuple(PaperSection(kind=k, count=0, points=POINTS[k]) for k in kinds)
    if sections is None:
        return tuple(s for s in MOCK_SECTIONS if s.kind in kinds)
    out = []
    for s in sections:
        s = s if isinstance(s, PaperSection) else PaperSection(**s)
        if s.count > 0:
            out.append(s)
    if not out:
        raise QuizError("a mock paper needs at least one section with a count above 0")
    if len({s.kind for s in out}) != len(out):
        raise QuizError("each kind may appear in one section only")
    if (total := sum(s.count for s in out)) > MAX_ITEMS:
        raise QuizError(f"a mock paper may have at most {MAX_ITEMS} items, this layout asks for {total}")
    return tuple(sorted(out, key=lambda s: QUIZ_KINDS.index(s.kind)))


def _spread(pool: list[QuizItem], n: int, rng: random.Random, kinds: tuple[QuizKind, ...]) -> list[QuizItem]:
    """n items, the kinds taking turns; each turn prefers a sentence no earlier item asked about, then what
    the paper has asked least about so far (who decides, which fine, which list…)."""
    queues = [[i for i in pool if i.kind == k] for k in kinds]
    for queue in queues:
        rng.shuffle(queue)
    chosen_items: list[QuizItem] = []
    asked: set[tuple[str, str]] = set()
    facets: dict[str, int] = {}

    def sentence(item: QuizItem) -> tuple[str, str]:
        return item.citation.clause_id, sentence_of(item.citation.text, item.citation.quote)

    while len(chosen_items) < n and any(queues):
        for queue in queues:
            if not queue or len(chosen_items) >= n:
                continue
            fresh = [i for i in queue if sentence(i) not in asked] or queue
            pick = min(fresh, key=lambda i: facets.get(i.facet, 0))  # min keeps the first (seeded) of a tie
            queue.remove(pick)
            chosen_items.append(pick)
            asked.add(sentence(pick))
            facets[pick.facet] = facets.get(pick.facet, 0) + 1
    return chosen_items


def _encode(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def make_paper(
    index: Index,
    n: int = 20,
    kinds: Iterable[str] | str | None = None,
    doc_ids: Iterable[str] | str | None = None,
    seed: int | None = None,
    *,
    mode: QuizMode = "practice",
    chapters: Iterable[str] | str | None = None,
    sections: Iterable[PaperSection | dict] | None = None,
    minutes: float | None = None,
    scoring: MultipleScoring = "partial",
    include: Iterable[str] = (),
) -> Paper:
    """A paper, the same for the same arguments and seed.

    practice: up to n distinct items of `kinds` (default single and multiple), kinds taking turns, with the
    items `include`d (by item id, e.g. those due for review) first. mock: the `sections` layout (default
    60 single × 1 point + 20 multiple × 2 points), a time limit of `minutes` (default 150), drawn from the
    regulations when the knowledge base has any and no documents are chosen."""
    if mode not in ("practice", "mock"):
        raise QuizError(f"unknown mode {mode!r}; use practice or mock")
    if scoring not in SCORINGS:
        raise QuizError(f"unknown multiple-choice scoring {scoring!r}; use {' or '.join(SCORINGS)}")
    kinds_t = _kinds(kinds, PRACTICE_KINDS)
    docs = _docs(index, doc_ids)
    chaps = _chapters(index, chapters, docs)
    layout = _sections(mode, sections, kinds_t)
    if mode == "practice" and (not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_ITEMS):
        raise QuizError(f"n must be between 1 and {MAX_ITEMS}, got {n!r}")
    if mode == "mock":
        minutes = MOCK_MINUTES if minutes is None else minutes
        if not 0 < minutes <= MAX_MINUTES:
            raise QuizError(f"minutes must be above 0 and at most {MAX_MINUTES:g}, got {minutes!r}")
        n = sum(s.count for s in layout)
    else:
        minutes = None
    if seed is None:
        seed = random.SystemRandom().randrange(1, 10**6)
    known = {i.item_id: i for i in all_items(index)}
    included = list(dict.fromkeys(include))
    if missing := [i for i in included if i not in known]:
        raise QuizError(f"items no longer in the knowledge base: {', '.join(missing[:5])}")
    pool = [
        i
        for i in all_items(index)
        if (not docs or i.citation.doc_id in docs)
        and (not chaps or any(_in_chapter(i, c) for c in chaps))
        and i.item_id not in included
    ]
    if mode == "mock":
        # The exam never asks only for an article's number (…是哪一条的规定？): a mock paper leaves such items out.
        pool = [i for i in pool if i.facet not in MOCK_LEFT_OUT]
    if mode == "mock" and not docs:
        # The law subject asks about laws and regulations: a mock paper draws from them when there are any.
        law = [i for i in pool if is_regulation(index.notices[i.citation.doc_id])]
        pool = law or pool
    rng = random.Random(seed)
    if mode == "mock":
        items = []
        for section in layout:
            picked = _spread([i for i in pool if i.kind == section.kind], section.count, rng, (section.kind,))
            items += [i.model_copy(update={"points": section.points}) for i in picked]
    else:
        first = [known[i] for i in included][:n]
        items = first + _spread([i for i in pool if i.kind in kinds_t], n - len(first), rng, kinds_t)
        order = [s.kind for s in layout]
        items.sort(key=lambda i: order.index(i.kind) if i.kind in order else len(order))
        present = [k for k in QUIZ_KINDS if any(i.kind == k for i in items)]
        layout = (
            tuple(PaperSection(kind=k, count=sum(i.kind == k for i in items), points=POINTS[k]) for k in present)
            or layout
        )
    if not items:
        raise QuizError(
            f"no {'/'.join(s.kind for s in layout)} items can be made from "
            f"{', '.join(docs) or 'the documents'}{' (' + ', '.join(chaps) + ')' if chaps else ''}; "
            "widen the kinds, documents or chapters"
        )
    args = {"seed": seed, "mode": mode, "n": n, "kinds": list(kinds_t), "doc_ids": list(docs), "chapters": list(chaps)}
    args |= {"scoring": scoring, "minutes": minutes}
    key = {"v": ID_VERSION, **{k: args[name] for k, name in ID_KEYS.items()}, "i": [short_id(i) for i in included]}
    key["S"] = [[s.kind, s.count, s.points] for s in layout] if mode == "mock" else None
    paper_id = f"{_encode(key)}.{digest(*(i.item_id for i in items))}"
    del args["kinds"]  # a paper shows its sections, not the kinds asked for
    return Paper(paper_id=paper_id, sections=layout, pass_mark=PASS_MARK, items=tuple(items), **args)


def paper_from_id(index: Index, paper_id: str) -> Paper:
    """Regenerate a paper from its id; fails if the knowledge base changed since it was made."""
    key, _, _ = paper_id.rpartition(".")
    try:
        data = json.loads(base64.urlsafe_b64decode(key + "=" * (-len(key) % 4)))
        if data.get("v") != ID_VERSION:
            raise KeyError("v")
        args = {name: data[k] for k, name in ID_KEYS.items()}
        short, layout = data["i"], data["S"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError, AttributeError):
        raise QuizError(f"paper_id {paper_id!r} is not one this service issued; use the paper_id from POST /quiz")
    by_short = {short_id(i.item_id): i.item_id for i in all_items(index)}
    try:
        include = [by_short.get(s, s) for s in short]
        sections = [PaperSection(kind=k, count=c, points=p) for k, c, p in layout] if layout else None
        args["kinds"] = args["kinds"] or None
        paper = make_paper(index, **args, sections=sections, include=include)
    except (QuizError, ValueError, TypeError) as exc:
        raise QuizError(
            f"paper {paper_id!r} cannot be rebuilt from this knowledge base ({exc}); generate a new paper"
        ) from exc
    if paper.paper_id != paper_id:
        raise QuizError(
            f"paper {paper_id!r} was made from an earlier version of the documents and its items "
            "have changed; grade by item ids (omit paper_id) or generate a new paper"
        )
    return paper


def known_ids(index: Index, item_ids: Iterable[str]) -> list[str]:
    """The ids (in order, once each) of items the knowledge base still yields: a learner's history may name
    items of documents since changed or removed."""
    known = {i.item_id for i in all_items(index)}
    return [i for i in dict.fromkeys(item_ids) if i in known]


def due_first(index: Index, store, learner_id: str | None, n: int) -> list[str]:
    """The ids a named learner's practice paper starts with: their 错题本 items due today, soonest first (at most
    n). `store` is a learners.LearnerStore."""
    return known_ids(index, store.due(learner_id, datetime.now(UTC)))[:n] if learner_id else []


def review_paper(index: Index, item_ids: Iterable[str], scoring: MultipleScoring = "partial") -> Paper | None:
    """A practice paper of the given items (a learner's 错题本 items due for review), None if none remain."""
    ids = known_ids(index, item_ids)[:MAX_ITEMS]
    if not ids:
        return None
    kinds = {i.kind for i in all_items(index) if i.item_id in set(ids)}
    return make_paper(index, len(ids), [k for k in QUIZ_KINDS if k in kinds], seed=0, include=ids, scoring=scoring)


# --- grading -----------------------------------------------------------------------------------

Answer = str | list[str] | None


def grade(
    index: Index, answers: Mapping[str, Answer], paper_id: str | None = None, scoring: MultipleScoring | None = None
) -> GradeResult:
    """Score answers {item_id: answer}. With a paper_id every item of the paper counts (blank = wrong) and
    the paper's scoring rule applies; without one, only the items answered, under `scoring`."""
    known = {i.item_id: i for i in all_items(index)}
    mode: QuizMode = "practice"
    if paper_id:
        paper = paper_from_id(index, paper_id)
        items, mode, scoring = list(paper.items), paper.mode, paper.scoring
        ids = {i.item_id for i in items}
        if stray := [k for k in answers if k not in ids]:
            raise QuizError(f"item ids not in paper {paper_id}: {', '.join(stray[:5])}")
    else:
        if unknown := [k for k in answers if k not in known]:
            raise QuizError(f"unknown item ids: {', '.join(unknown[:5])}; use the item_id values of a paper")
        if not answers:
            raise QuizError("no answers given; send {item_id: answer} for the items of a paper")
        items = [known[k] for k in answers]
    scoring = scoring or "partial"
    if scoring not in SCORINGS:
        raise QuizError(f"unknown multiple-choice scoring {scoring!r}; use {' or '.join(SCORINGS)}")
    graded = []
    for item in items:
        try:
            picked = chosen(item, answers.get(item.item_id))
        except AnswerError as exc:
            raise QuizError(str(exc)) from exc
        points = points_for(item, picked, item.points, scoring)
        graded.append(
            GradedItem(
                item_id=item.item_id,
                kind=item.kind,
                stem=item.stem,
                options=item.options,
                given=picked,
                correct=points == item.points,
                points=points,
                max_points=item.points,
                answer=item.answer_key,
                explanation=item.explanation,
                citation=item.citation,
                chapter=item.chapter,
            )
        )
    got, full = sum(g.points for g in graded), sum(g.max_points for g in graded)
    score = round(100 * got / full, 1) if full else 0.0
    return GradeResult(
        paper_id=paper_id,
        mode=mode,
        scoring=scoring,
        correct=sum(g.correct for g in graded),
        total=len(graded),
        points=round(got, 2),
        max_points=full,
        score=score,
        pass_mark=PASS_MARK,
        passed=passed(score),
        items=tuple(graded),
    )
