"""Cross-references between articles: 违反本细则第十七条第二款规定, 依照《中华人民共和国计量法》第三十三条,
按计量法第七条规定 — recorded on the clause that makes them, with the article they point to when the
knowledge base holds it (in the same document, or in another document named by its title).
"""

from __future__ import annotations

from retriever import patterns as P
from retriever.documents.clean import fold
from retriever.documents.meta import series_key
from retriever.models import Clause, Notice, Ref


def find_refs(clause: Clause) -> list[Ref]:
    """The references a clause's text makes (its own article number at the start is not one)."""
    folded = fold(clause.text)
    refs = []
    for m in P.CROSS_REF.finditer(folded):
        if (
            m.start() == 0
            and clause.kind == "article"
            and not (m.group("this") or m.group("title") or m.group("short"))
        ):
            continue  # the article's own number
        title = m.group("title") or (P.REF_LEAD.sub("", m.group("short")) if m.group("short") else None)
        article = f"第{m.group('art')}条" + (m.group("sub") or "")
        part = None
        if m.group("para"):
            part = f"第{m.group('para')}款"
        if m.group("item"):
            part = (part or "") + f"第（{m.group('item')}）项"
        start = m.start("this") if m.group("this") else m.start()
        if m.group("short"):
            start = m.start("short") + len(m.group("short")) - len(title)
        refs.append(Ref(text=clause.text[start : m.end()], start=start, title=title, article=article, part=part))
    return refs


def _doc_for(name: str, by_series: dict[str, list[str]]) -> list[str]:
    """The current document a reference names (all its parts, for a code in parts): its full title, or a short name
    such as 计量法 (any tail of it)."""
    key = series_key(name)
    if key in by_series:
        return by_series[key]
    for start in range(1, max(len(key) - 2, 1)):
        if key[start:] in by_series:
            return by_series[key[start:]]
    return []


def parts_of(notices: dict[str, Notice], doc_id: str) -> list[str]:
    """The documents that hold a document's articles: itself, or every part of the code it is a part of."""
    part_of = notices[doc_id].part_of if doc_id in notices else None
    if not part_of:
        return [doc_id]
    return [d for d, n in notices.items() if n.part_of == part_of]


def article_id(doc_ids: list[str], article: str, ids: dict[str, set[str]]) -> str | None:
    """The clause id of an article (第五十六条) in the first of these documents that has it: how 民法典第五十六条
    resolves to the part file that holds it."""
    return next((f"{d}/{article}" for d in doc_ids if f"{d}/{article}" in ids.get(d, ())), None)


def resolve(notices: dict[str, Notice], clauses: dict[str, list[Clause]]) -> dict[str, list[Clause]]:
    """Every clause with its references found and, where the knowledge base has the target, resolved."""
    by_series: dict[str, list[str]] = {}  # the current version per series (all its parts); a national one first
    for doc_id, notice in sorted(notices.items(), key=lambda kv: kv[1].level != "国家"):
        if notice.status != "current":
            continue
        held = by_series.get(notice.series)
        if held is None:
            by_series[notice.series] = [doc_id]
        elif notice.part_of and notices[held[0]].part_of == notice.part_of:
            held.append(doc_id)
    ids = {d: {c.clause_id for c in cs} for d, cs in clauses.items()}
    out: dict[str, list[Clause]] = {}
    for doc_id, doc_clauses in clauses.items():
        done = []
        for clause in doc_clauses:
            refs = (
                find_refs(clause)
                if clause.kind
                in ("article", "chapter", "section", "item", "preamble", "appendix", "paragraph", "principle")
                else []
            )
            resolved = []
            for ref in refs:
                docs = _doc_for(ref.title, by_series) if ref.title else parts_of(notices, doc_id)
                target = article_id(docs, ref.article, ids)
                if target and target != clause.clause_id:
                    ref = ref.model_copy(update={"target": target})
                resolved.append(ref)
            done.append(clause.model_copy(update={"refs": tuple(resolved)}) if resolved else clause)
        out[doc_id] = done
    return out
