"""How answers name documents and clauses, quote them and cite them: shared by every composer."""

from __future__ import annotations

import re
from dataclasses import dataclass

from retriever.documents.clean import fold
from retriever.index import Index
from retriever.models import Citation, Clause, Notice

# What a composer returns when the document states no target or deadline that fits the question.
NO_MATCH = "no-match"


@dataclass
class Decline:
    """The best clause does not state what the question asks (a fine's amount, a task's 责任单位): why, said
    first, and the clause and sentence a person may still read (shown as related, never as a citation)."""

    reason: str
    clause: Clause | None
    quote: str = ""


def label(notice: Notice) -> str:
    """How an answer names a notice: 南昌市, 湖南省, 市场监管总局办公厅."""
    if notice.level == "国家":
        return notice.issuer or "国家"
    return f"{notice.region}{notice.level if notice.level in ('省', '市') else ''}" if notice.region else notice.title


def cite(index: Index, clause: Clause, quote: str, score: float) -> Citation:
    """A citation of `quote` in `clause` (its first line when the quote is not in it), with the paragraph or item
    of an article it lies in and the version of the document it comes from."""
    if quote not in clause.text:
        quote = clause.text.split("\n")[0]
    notice = index.notices[clause.doc_id]
    start = clause.text.find(quote)
    part = clause.part_at(start, start + len(quote)) if clause.parts and quote else None
    paragraphs = sum(p.kind == "款" for p in clause.parts)
    shown_part = part.label if part and (part.kind != "款" or paragraphs > 1) else None
    return Citation(
        doc_id=clause.doc_id,
        title=notice.title,
        clause_id=clause.clause_id,
        clause=clause.path,
        text=clause.text,
        quote=quote,
        score=round(float(score), 4),
        part=shown_part,
        version=version_of(index, notice),
    )


def quoted_title(title: str) -> str:
    """A title in 《》 as answers write it (a title that already opens with 《 keeps its own)."""
    return title if title.startswith("《") else f"《{title}》"


def document_name(index: Index, notice: Notice) -> str:
    """《中华人民共和国计量法实施细则》（2022年3月29日修订版）: the version is named whenever the knowledge base
    holds more than one version of the document — the one rule for chat answers and exam explanations."""
    version = version_of(index, notice)
    return quoted_title(notice.title) + (f"（{version}）" if version else "")


def version_of(index: Index, notice: Notice) -> str | None:
    """The version label of a document that has other versions in the knowledge base, else None."""
    if notice.status == "superseded" or any(
        n.series == notice.series and n.region == notice.region and n.doc_id != notice.doc_id
        for n in index.notices.values()
        if not (n.part_of and n.part_of == notice.part_of)  # another part of the same code is not another version
    ):
        return notice.version_label
    return None


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。；])|\n", text) if s.strip()]


def best_sentence(terms: list[str], clause: Clause) -> str:
    """The clause sentence that covers most of the question's subject words (not its bare heading).

    Words the heading already has count for little: every sentence of the clause shares them.
    """
    body = sentences(clause.text)
    if len(body) > 1 and clause.heading and clause.heading in body[0] and len(body[0]) <= len(clause.heading) + 8:
        body = body[1:]
    heading = fold(clause.heading)
    phrase = "".join(terms)

    def score(s: str) -> float:
        folded = fold(s)
        found = sum(0.3 if t in heading else 1.0 for t in terms if t in folded)
        return found + 0.05 * _common_run(phrase, folded)

    return max(body, key=lambda s: (score(s), -body.index(s))).strip()


def _common_run(a: str, b: str) -> int:
    """Length of the longest run of characters the two texts share."""
    best, prev = 0, [0] * (len(b) + 1)
    for ca in a:
        cur = [0] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best
