"""Items on a notice task's responsible units (责任单位): whether a unit is one of them (判断), which of the
options are (单选, 多选). Decided by the units the task's clause names in its responsibility annotation, with
those the notice says every task includes — not by aligning words: a unit's name is a small part of a statement
that also names the task, so a wrong unit would still align well.
"""

from __future__ import annotations

import re

from retriever import patterns as P
from retriever.documents.clean import bare, fold
from retriever.exam.align import Reading, aligned, windows_of
from retriever.exam.notice_items import unit_core
from retriever.index import Index
from retriever.models import Clause, ExamItem

# Separators between the units a 判断 statement names (市教育局、市民政局和市财政局).
UNIT_LIST = re.compile(r"[、,，和及与]")


def responsible_units(index: Index, clause: Clause) -> tuple[str, ...]:
    """The units a clause's responsibility facts name, with those the notice adds to every task."""
    facts = [f for f in index.facts.get(clause.clause_id, []) if f.kind == "responsibility"]
    return tuple(dict.fromkeys(u for f in facts for u in (*f.units, *f.implicit_units)))


def is_responsible(unit: str, units: tuple[str, ...]) -> bool:
    """Whether `unit` is one of `units`, as written or by its core (市工信局 and 工信局)."""
    u = fold(unit).strip()
    return any(u == fold(r) or unit_core(u) == unit_core(r) for r in units)


def _task(index: Index, stem: str, clauses: list[Clause]) -> Clause | None:
    """The candidate clause with responsible units whose document title, path and heading the stem names best."""
    named = bare(P.EXAM_BLANK.sub("", fold(stem)))
    scored = [
        (aligned(named, bare(f"{index.notices[c.doc_id].title}{c.path}{c.heading}"))[0], c.clause_id, c)
        for c in clauses
        if responsible_units(index, c)
    ]
    best = max(scored, key=lambda s: (s[0], s[1]), default=None)
    return best[2] if best else None


def read_responsibility(index: Index, item: ExamItem, clauses: list[Clause]) -> dict[str, Reading] | None:
    """Readings of an item on a task's responsible units (support 1 for a responsible unit, 0 for another, and
    for 判断 the verdict), or None when the item is not one or no candidate clause names responsible units."""
    if not P.EXAM_RESPONSIBLE.search(fold(item.stem)):
        return None
    if item.kind == "judge":
        m = P.EXAM_RESPONSIBLE_NAMED.search(fold(item.stem))
        if not m:
            return None
        named = {"stem": [u for u in UNIT_LIST.split(m.group("units")) if u.strip()]}
    else:
        named = {k: [o] for k, o in item.options.items()}
    clause = _task(index, item.stem, clauses)
    if clause is None:
        return None
    units = responsible_units(index, clause)
    bracket = next(f.quote for f in index.facts[clause.clause_id] if f.kind == "responsibility")
    window = next((w for w in windows_of(index, clause) if bare(bracket) in w.bare), None)
    if window is None:
        return None
    readings = {}
    for key, names in named.items():
        holds = all(is_responsible(u, units) for u in names)
        readings[key] = Reading(
            support=1.0 if holds else 0.0,
            window=window,
            stated="" if holds else bracket,
            hint=bracket,
            holds=bare(bracket),
            verdict=holds,
        )
    return readings
