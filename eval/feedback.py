"""Turn the chat's thumbs up/down (METROKB_FEEDBACK_PATH) into evaluation questions for review.

A thumbs-up answer becomes a question whose gold is the clause it cited first (or an unanswerable
question when MetroKB abstained); a thumbs-down becomes a question marked for review, with no gold,
because the right clause is not known yet. Review the file, then run it with `metrokb eval --set`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from retriever.documents.clean import to_simplified


def _lang(question: str) -> str:
    if re.search(r"[\u4e00-\u9fff]", question):
        return "zh" if to_simplified(question) == question else "zh-hant"
    return "en"


def _values(answer: str) -> list[str]:
    """The numbers with units in the direct answer, which a right answer must repeat."""
    direct = answer.split("\n")[0]
    return list(dict.fromkeys(re.findall(r"\d+(?:\.\d+)?(?:[-~]\d+)?(?:%|项|家|个|年底|年)", direct)))


def from_feedback(path: Path) -> tuple[list[dict], int]:
    """(questions in eval/questions.jsonl format, how many rows need review before use)."""
    items, review, seen = [], 0, set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        question = row.get("question") or row.get("message") or ""
        if not question or question in seen:
            continue
        seen.add(question)
        item = {
            "id": f"fb-{n:03d}",
            "question": question,
            "lang": _lang(question),
            "split": None,
            "notes": f"from feedback ({row.get('rating')}, {row.get('time', '')})",
        }
        citations = row.get("citations") or []
        if row.get("rating") == "up" and row.get("abstained"):
            item.update(type="unanswerable", gold=[], must_contain=[])
        elif row.get("rating") == "up" and citations:
            item.update(
                type=row.get("question_type") or "general",
                gold=[citations[0]["clause_id"]],
                must_contain=_values(row.get("answer", "")),
            )
        else:
            item.update(
                type="REVIEW",
                gold=[],
                must_contain=[],
                notes=item["notes"] + f"; MetroKB answered: {row.get('answer', '')[:120]}",
            )
            review += 1
        items.append(item)
    return items, review


def write_candidates(feedback: Path, out: Path) -> str:
    items, review = from_feedback(feedback)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    return (
        f"wrote {len(items)} questions to {out}; {review} marked type REVIEW need a type and gold clause "
        f"before `metrokb eval --set {out} --split all`"
    )
