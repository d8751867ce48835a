"""Extract responsibilities, quantitative targets and deadlines from clauses, each with its exact quote."""

from __future__ import annotations

import re

from retriever.documents import article_facts
from retriever import patterns as P
from retriever.documents.clean import fold
from retriever.models import Clause, Fact


def _span_bounds(folded: str, start: int, end: int, delims: str) -> tuple[int, int]:
    """The stretch around [start, end) between the nearest delimiters (or line ends)."""
    left = max(folded.rfind(d, 0, start) for d in delims + "\n") + 1
    rights = [i for d in delims + "\n" if (i := folded.find(d, end)) >= 0]
    right = min(rights) + (1 if rights and folded[min(rights)] == "。" else 0) if rights else len(folded)
    return left, right


def _units(text: str) -> tuple[str, ...]:
    units = (u.strip().removesuffix("等").strip() for u in P.UNIT_SPLIT.split(text))
    return tuple(u for u in units if len(u) >= 2)


def _year(expr: str) -> int | None:
    if m := re.search(r"\d{4}", expr):
        return int(m.group(0))
    for plan, year in P.FIVE_YEAR_PLAN_END.items():
        if plan in expr:
            return year
    return None


def responsibilities(clause: Clause, inherited: tuple[str, ...]) -> tuple[list[Fact], tuple[str, ...]]:
    """Responsibility facts of one clause, and the units every later list includes from here on."""
    text, folded = clause.text, fold(clause.text)
    facts = []
    for m in P.RESPONSIBLE_BRACKET.finditer(folded):
        g = 1 if m.group(1) is not None else 2
        body, body_start = m.group(g), m.start(g)
        implicit, rule = inherited, None
        if inherit := P.RESPONSIBLE_INHERIT.search(body):
            inherited = _units(text[body_start + inherit.start(1) : body_start + inherit.end(1)])
            rule = text[body_start + inherit.start() : body_start + inherit.end()]
            body = body[: body.find("。")] if "。" in body else body[: inherit.start()]
            implicit = ()
        units = _units(text[body_start : body_start + len(body)])
        facts.append(
            Fact(
                kind="responsibility",
                clause_id=clause.clause_id,
                doc_id=clause.doc_id,
                quote=text[m.start() : m.end()],
                units=units,
                implicit_units=tuple(u for u in implicit if u not in units),
                subject=rule,  # the statement that extends every later list, on the fact that makes it
            )
        )
    if not facts:
        for pattern in P.RESPONSIBLE_PHRASES:
            for m in pattern.finditer(folded):
                unit = re.sub(r"(?:要|应当?|统一)$", "", text[m.start(1) : m.end(1)].strip())
                if not P.UNIT_SUFFIX.search(unit) or any(unit in f.units for f in facts):
                    continue
                left, right = _span_bounds(folded, m.start(1), m.end(), "。;")
                facts.append(
                    Fact(
                        kind="responsibility",
                        clause_id=clause.clause_id,
                        doc_id=clause.doc_id,
                        quote=text[left:right].strip(),
                        units=(unit,),
                    )
                )
    return facts, inherited


def _deadline_before(folded: str, pos: int) -> re.Match | None:
    """The time expression governing a value: the last one before it in its sentence, else in its paragraph."""
    sentence_start = max(folded.rfind("。", 0, pos), folded.rfind("\n", 0, pos)) + 1
    line_start = folded.rfind("\n", 0, pos) + 1
    for start in (sentence_start, line_start):
        found = [m for m in P.DEADLINE.finditer(folded, start, pos)]
        if found:
            return found[-1]
    return None


def _metric(text: str, folded: str, left: int, start: int, end: int) -> str | None:
    """What a value measures: the words before it, plus the noun after it in 满足社会90%的量传和溯源需求."""
    metric = P.METRIC_LEAD.sub("", text[left:start].lstrip("、 ")).strip()
    metric = P.METRIC_TAIL.sub("", metric)
    if folded.startswith("的", end):
        stops = [i for d in P.METRIC_DELIMS + "\n" if (i := folded.find(d, end)) >= 0]
        metric += text[end + 1 : min(stops, default=len(text))]
    return metric.strip() or None


def targets(clause: Clause) -> list[Fact]:
    text, folded = clause.text, fold(clause.text)
    # (where the phrase starts, value span, where the phrase ends, qualifier)
    found = [
        (
            m.start(),
            m.start("num"),
            m.end("unit"),
            m.end(),
            m.group("qual") or (m.group("pre") if m.group("pre") in P.QUALIFYING_LEADS else None),
        )
        for m in P.TARGET_VALUE.finditer(folded)
    ]
    found += [(m.start(), m.start("grade"), m.end("grade"), m.end(), None) for m in P.TARGET_GRADE.finditer(folded)]
    facts, prev_end = [], 0
    for start, v_start, v_end, end, qualifier in sorted(found):
        left = max([folded.rfind(d, 0, start) for d in P.METRIC_DELIMS + "\n"] + [prev_end - 1]) + 1
        q_left, q_right = _span_bounds(folded, start, v_end, ",;。")
        deadline = _deadline_before(folded, start)
        facts.append(
            Fact(
                kind="target",
                clause_id=clause.clause_id,
                doc_id=clause.doc_id,
                quote=text[q_left:q_right].strip().rstrip("，；"),
                metric=_metric(text, folded, left, start, end),
                value=text[v_start:v_end],
                qualifier=qualifier,
                deadline=text[deadline.start() : deadline.end()] if deadline else None,
                year=_year(deadline.group(0)) if deadline else None,
            )
        )
        prev_end = v_end
    return facts


def deadlines(clause: Clause) -> list[Fact]:
    """Time expressions, each quoting what it governs: from its sentence to the next time expression
    in the same paragraph, or the paragraph's end (到2025年，…。…组织架构基本形成。)."""
    text, folded = clause.text, fold(clause.text)
    facts = []
    found = list(P.DEADLINE.finditer(folded))
    for m, after in zip(found, found[1:] + [None]):
        left, _ = _span_bounds(folded, m.start(), m.end(), "。")
        line_end = folded.find("\n", m.end())
        right = len(folded) if line_end < 0 else line_end
        if after is not None and after.start() < right:
            right = max(
                folded.rfind("。", m.end(), after.start()) + 1, _span_bounds(folded, m.start(), m.end(), "。")[1]
            )
        facts.append(
            Fact(
                kind="deadline",
                clause_id=clause.clause_id,
                doc_id=clause.doc_id,
                quote=text[left:right].strip(),
                deadline=text[m.start() : m.end()],
                year=_year(m.group(0)),
            )
        )
    return facts


def extract(clauses: list[Clause]) -> tuple[list[Fact], list[str]]:
    """All facts of one document's clauses (in document order), and warnings for unparsed annotations.

    Notice clauses yield responsibilities, targets and deadlines; every clause (articles above all) yields
    the facts of regulations: penalties, time limits, authorities, definitions, rules and lists."""
    facts, warnings, inherited = [], [], ()
    for clause in sorted(clauses, key=lambda c: c.position):
        if clause.kind == "header" or _bare(clause):
            continue
        if clause.kind != "article":
            found, inherited = responsibilities(clause, inherited)
            if "责任单位" in clause.text and not found:
                warnings.append(f"{clause.path}: 责任单位 mentioned but no annotation could be read")
            facts += found + targets(clause) + deadlines(clause)
        facts += article_facts.extract(clause)
    return facts, warnings


def _bare(clause: Clause) -> bool:
    """A heading of the legal hierarchy (第二章 …) states nothing."""
    return clause.kind in ("part", "chapter", "section") and clause.path.startswith("第") and "\n" not in clause.text
