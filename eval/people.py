"""The questions people ask (eval/people.jsonl): written blind, from the documents alone, in the kinds a user asks —
an article by its number, a document's history, versions, places (inside a covered region, in an uncovered one,
in another one), situations in everyday words, compound questions, follow-ups, and questions the documents do not
answer. Each is asked through the same `ask` as POST /ask; a follow-up is asked after its earlier turns through
the chat's rules (retriever.answering.conversation.resolve).

Scoring, per item:
  first citation   the first citation is one of the gold articles (a clause inside one counts);
                   a compound question counts only when every gold article is cited; an item without gold
                   articles (an article that does not exist) is judged by its required values alone
  answer           the answer holds every required value (any of its spellings), and is no refusal
  wrong refusal    an answerable question refused;  right refusal: an unanswerable one refused
  wrong place      a citation of a document the item forbids (another region's, for a place question)
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from eval.metrics import contains_value

PEOPLE_SET = Path(__file__).resolve().parent / "people.jsonl"
SPLITS = ("dev", "test")
# What CI requires on the dev split (metric, comparison, threshold).
PEOPLE_GATE = (
    ("first_citation", ">=", 0.90),
    ("answer_accuracy", ">=", 0.85),
    ("wrong_refusal", "<=", 0.05),
    ("right_refusal", ">=", 0.80),
    ("wrong_jurisdiction", "<=", 0),
)


@dataclass(frozen=True)
class PeopleItem:
    id: str
    question: str
    kind: str
    gold: tuple[str, ...]
    must_contain: tuple[tuple[str, ...], ...]
    answerable: bool
    split: str
    lang: str = "zh"
    place: str | None = None
    forbidden: tuple[str, ...] = ()
    context: tuple[str, ...] = ()


def load_people(path: Path = PEOPLE_SET) -> list[PeopleItem]:
    """Read the set; a line that cannot be used raises ValueError naming it."""
    items, seen = [], set()
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{Path(path).name}:{number}"
        row = json.loads(line)
        for key in ("id", "question", "kind", "split"):
            if not isinstance(row.get(key), str) or not row[key].strip():
                raise ValueError(f"{where}: field {key!r} is missing or empty")
        if row["split"] not in SPLITS or row["id"] in seen:
            raise ValueError(f"{where}: split must be dev or test and ids unique")
        if not row.get("answerable", True) and (row.get("gold") or row.get("must_contain")):
            raise ValueError(f"{where}: an unanswerable question has no gold articles and no required values")
        if row.get("answerable", True) and not (row.get("gold") or row.get("must_contain")):
            raise ValueError(f"{where}: an answerable question needs gold articles or required values")
        seen.add(row["id"])
        items.append(
            PeopleItem(
                id=row["id"],
                question=row["question"],
                kind=row["kind"],
                gold=tuple(row.get("gold") or ()),
                must_contain=tuple(tuple(v) if isinstance(v, list) else (v,) for v in row.get("must_contain") or ()),
                answerable=bool(row.get("answerable", True)),
                split=row["split"],
                lang=row.get("lang", "zh"),
                place=row.get("place"),
                forbidden=tuple(row.get("forbidden") or ()),
                context=tuple(row.get("context") or ()),
            )
        )
    return items


@dataclass
class PeopleScore:
    id: str
    kind: str
    answerable: bool
    refused: bool
    first_citation: bool | None
    answer_correct: bool | None
    wrong_jurisdiction: bool
    asked: str  # the standalone question asked (a follow-up after its context)
    cited: list[str]
    answer: str


def _is(cited: str, gold: str) -> bool:
    return cited == gold or cited.startswith(gold + "/")


def score_one(item: PeopleItem, asked: str, answer) -> PeopleScore:
    """One item's score from the Answer `ask` returned."""
    cited = [c.clause_id for c in answer.citations]
    first = correct = None
    if item.answerable and not item.gold:  # an answer that says what is not there (计量法共三十四条，没有第四十条)
        correct = all(contains_value(answer.answer, v) for v in item.must_contain)
    elif item.answerable:
        if answer.abstained or not cited:
            first = correct = False
        else:
            first = any(_is(cited[0], g) for g in item.gold)
            if item.kind == "compound":
                first = first and all(any(_is(c, g) for c in cited) for g in item.gold)
            correct = all(contains_value(answer.answer, v) for v in item.must_contain)
    docs = {c.doc_id for c in answer.citations}
    wrong_place = any(d == f or d.startswith(f + "-") for d in docs for f in item.forbidden)
    return PeopleScore(
        item.id, item.kind, item.answerable, answer.abstained, first, correct, wrong_place, asked, cited, answer.answer
    )


def ask_item(index, item: PeopleItem, top_k: int | None = None):
    """(the question asked, the Answer): a follow-up is resolved after its earlier turns, as the chat does."""
    from retriever.answering.answer import ask
    from retriever.answering.conversation import resolve

    previous = None
    for turn in item.context:
        previous = resolve(turn, previous, index).question
    asked = resolve(item.question, previous, index).question if previous else item.question
    return asked, ask(index, asked, top_k=top_k)


def _rate(values) -> float | None:
    values = [bool(v) for v in values if v is not None]
    return round(sum(values) / len(values), 4) if values else None


def summarize(scores: list[PeopleScore]) -> dict:
    answerable = [s for s in scores if s.answerable]
    unanswerable = [s for s in scores if not s.answerable]
    return {
        "n": len(scores),
        "first_citation": _rate(s.first_citation for s in answerable),
        "answer_accuracy": _rate(s.answer_correct for s in answerable),
        "wrong_refusal": _rate(s.refused for s in answerable if s.first_citation is not None),
        "right_refusal": _rate(s.refused for s in unanswerable),
        "wrong_jurisdiction": sum(s.wrong_jurisdiction for s in scores),
    }


def evaluate(index, items: list[PeopleItem], top_k: int | None = None) -> dict:
    """Every item asked and scored; overall and per-kind summaries, and the gate's checks."""
    scores = [score_one(it, *ask_item(index, it, top_k)) for it in items]
    kinds = list(dict.fromkeys(s.kind for s in scores))
    overall = summarize(scores)
    checks = [
        {"metric": m, "op": op, "threshold": t, "value": overall[m], "passed": _passes(overall[m], op, t)}
        for m, op, t in PEOPLE_GATE
    ]
    return {
        "overall": overall,
        "by_kind": {k: summarize([s for s in scores if s.kind == k]) for k in kinds},
        "gate": {"checks": checks, "passed": all(c["passed"] for c in checks)},
        "items": [asdict(s) for s in scores],
    }


def _passes(value, op: str, threshold: float) -> bool:
    if value is None:
        return True  # nothing to judge (no unanswerable question in the run, say)
    return value >= threshold if op == ">=" else value <= threshold


def render(results: dict, title: str) -> str:
    """Markdown: overall, then one row per kind."""
    cols = ("n", "first_citation", "answer_accuracy", "wrong_refusal", "right_refusal", "wrong_jurisdiction")
    fmt = lambda v: "–" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v))
    lines = [f"### {title}", "", "| kind | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for name, row in [("**all**", results["overall"]), *results["by_kind"].items()]:
        lines.append(f"| {name} | " + " | ".join(fmt(row[c]) for c in cols) + " |")
    return "\n".join(lines)


def failures(results: dict) -> str:
    """Every item the product got wrong, for a gate message."""
    out = []
    for s in results["items"]:
        wrong = (
            (s["answerable"] and not (s["first_citation"] and s["answer_correct"]))
            or (not s["answerable"] and not s["refused"])
            or s["wrong_jurisdiction"]
        )
        if wrong:
            out.append(f"{s['id']} ({s['kind']}): cited {s['cited'][:2]}, said {s['answer'][:70]!r}")
    return "\n".join(out)


def kinds_count(items: list[PeopleItem]) -> Counter:
    return Counter(it.kind for it in items)
