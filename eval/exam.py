"""Exam items: pasted 单选 / 多选 / 判断 items through /ask's code path, and the generated bank through the solver.

`metrokb eval --set eval/exam_items.jsonl` runs here (eval.runner hands the set over by its name). Each line:
id, item (the pasted text), kind single|multiple|judge, key (letters, or 对/错), gold (the deciding clause ids,
[] when undecidable), decidable, older_version (+ older_key), negative, split dev|test.

Scoring: letters right = exactly the keyed set (多选 partial credit beside it: 错选不得分，少选每选对一项得该题
1/len(key)); deciding article first = the first citation is a gold clause; declined = an undecidable item gets no
choice. Agreement: every 单选, 多选 and 判断 item MetroKB generates (exam.quiz.all_items) solved from the same index
gives the generator's key.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from retriever.models import JUDGE_FALSE, JUDGE_TRUE, OPTION_LABELS, ExamItem, QuizItem

if TYPE_CHECKING:
    from retriever.index import Index

SET_NAME = "exam_items.jsonl"
# Generator–solver agreement CI holds: the target, 0.95 (measured 0.9884 over 601 items, 2026-12-05,
# after the notice 责任单位, number, consequence, authority and list-lead disagreements were fixed at their root).
AGREEMENT_FLOOR = 0.95
# CI thresholds: (metric, comparison, threshold); items scores on the dev split, agreement over the whole bank.
GATE = (
    ("letters_right", ">=", 0.85),
    ("deciding_first", ">=", 0.85),
    ("declined", ">=", 0.80),
    ("agreement", ">=", AGREEMENT_FLOOR),
)
BANK_KINDS = ("single", "multiple", "judge")


class ExamSetError(ValueError):
    """The exam set file is missing or a line is not a usable item."""


def load(path: Path, split: str = "dev") -> list[dict]:
    """The set's rows of `split` (`all` for every row); a missing file or a bad line is an ExamSetError."""
    if not Path(path).exists():
        raise ExamSetError(f"{path}: no such file")
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ExamSetError(f"{path}:{n}: not JSON ({exc})") from exc
        missing = [f for f in ("id", "item", "kind", "key", "gold", "decidable") if f not in row]
        if missing:
            raise ExamSetError(f"{path}:{n}: missing {', '.join(missing)}")
        if split == "all" or row.get("split") == split:
            rows.append(row)
    return rows


def score_row(row: dict, choice: list[str] | None, first_cited: str | None) -> dict:
    """One item's scores as the metrics count them."""
    key = sorted(row["key"])
    chosen = sorted(choice or [])
    partial = 0.0
    if chosen and set(chosen) <= set(key):
        partial = len(chosen) / len(key)
    return {
        "id": row["id"],
        "kind": row["kind"],
        "decidable": bool(row["decidable"]),
        "negative": bool(row.get("negative")),
        "older_version": bool(row.get("older_version")),
        "key": "".join(key),
        "choice": "".join(chosen) if choice else None,
        "letters_right": bool(choice) and chosen == key,
        "partial": partial,
        "first_cited": first_cited,
        "deciding_first": first_cited in row["gold"] if row["gold"] else None,
        "declined": choice is None,
    }


def _mean(values: list) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def summarize(scores: list[dict]) -> dict:
    decidable = [s for s in scores if s["decidable"]]
    undecidable = [s for s in scores if not s["decidable"]]
    multiple = [s for s in decidable if s["kind"] == "multiple"]
    return {
        "n": len(scores),
        "decidable": len(decidable),
        "letters_right": _mean([s["letters_right"] for s in decidable]),
        "partial_multiple": _mean([s["partial"] for s in multiple]),
        "deciding_first": _mean([s["deciding_first"] for s in decidable]),
        "declined_wrongly": _mean([s["declined"] for s in decidable]),
        "undecidable": len(undecidable),
        "declined": _mean([s["declined"] for s in undecidable]),
        "by_kind": {
            k: _mean([s["letters_right"] for s in decidable if s["kind"] == k]) for k in ("single", "multiple", "judge")
        },
        "negative": _mean([s["letters_right"] for s in decidable if s["negative"]]),
        "older_version": _mean([s["letters_right"] for s in decidable if s["older_version"]]),
    }


def run_items(index: Index, rows: list[dict], progress: Callable[[int], None] | None = None) -> list[dict]:
    """Ask every item as a person pastes it (retriever.answering.answer.ask, the code behind /ask)."""
    from retriever.answering.answer import ask

    scores = []
    for row in rows:
        answer = ask(index, row["item"])
        first = answer.citations[0].clause_id if answer.citations and answer.choice else None
        scores.append(score_row(row, answer.choice, first))
        if progress:
            progress(len(scores))
    return scores


def as_exam_item(item: QuizItem) -> tuple[ExamItem, list[str]]:
    """A generated item as the solver reads it, and its key (letters, or 对/错)."""
    if item.kind == "judge":
        key = [JUDGE_TRUE if item.answer == "正确" else JUDGE_FALSE]
        return ExamItem(kind="judge", stem=item.stem, kind_stated=True), key
    options = {OPTION_LABELS[i]: o for i, o in enumerate(item.options)}
    return ExamItem(kind=item.kind, stem=item.stem, options=options, kind_stated=True), list(item.key)


def agreement(index: Index, progress: Callable[[int, int], None] | None = None) -> dict:
    """Every generated 单选, 多选 and 判断 item solved from the same index: the share solved to the generator's
    key, and every item solved differently or not at all (each a defect of the generator or the solver)."""
    from retriever.exam.quiz import all_items
    from retriever.exam.solve import solve

    bank = [i for i in all_items(index) if i.kind in BANK_KINDS]
    agree, differ = 0, []
    for n, item in enumerate(bank, 1):
        exam_item, key = as_exam_item(item)
        solution = solve(index, index.embedder, exam_item)
        if solution.choice == key:
            agree += 1
        else:
            differ.append(
                {
                    "item_id": item.item_id,
                    "kind": item.kind,
                    "facet": item.facet,
                    "stem": item.stem,
                    "options": list(item.options),
                    "key": "".join(key),
                    "solved": "".join(solution.choice) if solution.choice else None,
                    "cited": solution.citations[0].clause_id if solution.citations else None,
                    "source": item.citation.clause_id,
                }
            )
        if progress:
            progress(n, len(bank))
    return {
        "n": len(bank),
        "agree": agree,
        "agreement": round(agree / len(bank), 4) if bank else None,
        "differ": differ,
    }


def check_gate(summary: dict, bank: dict | None) -> dict:
    values = {**summary, "agreement": bank["agreement"] if bank else None}
    checks = []
    for metric, op, threshold in GATE:
        if metric == "agreement" and bank is None:
            continue  # the bank was not run (--no-bank)
        value = values.get(metric)
        checks.append(
            {
                "metric": metric,
                "op": op,
                "threshold": threshold,
                "value": value,
                "passed": value is not None and value >= threshold,
            }
        )
    return {"checks": checks, "passed": all(c["passed"] for c in checks)}


def render(results: dict) -> str:
    s, meta = results["summary"], results["meta"]
    lines = [
        f"# Exam items: {meta['set']} ({meta['split']} split, {s['n']} items, {meta['seconds']} s)",
        "",
        "| metric | value |",
        "|---|---|",
        f"| letters right (decidable, n={s['decidable']}) | {s['letters_right']} |",
        f"| 多选 partial credit | {s['partial_multiple']} |",
        f"| deciding article first | {s['deciding_first']} |",
        f"| decidable items declined | {s['declined_wrongly']} |",
        f"| undecidable declined (n={s['undecidable']}) | {s['declined']} |",
        f"| letters right by kind | {s['by_kind']} |",
        f"| negative stems | {s['negative']} |",
        f"| keyed by an older version | {s['older_version']} |",
    ]
    bank = results.get("bank")
    if bank:
        lines += [f"| generator–solver agreement (n={bank['n']}) | {bank['agreement']} |"]
    if "gate" in results:
        lines += ["", "Gate: " + ("passed" if results["gate"]["passed"] else "FAILED")]
        lines += [
            f"- {c['metric']} {c['op']} {c['threshold']}: {c['value']} {'ok' if c['passed'] else 'FAIL'}"
            for c in results["gate"]["checks"]
        ]
    wrong = [
        x
        for x in results["items"]
        if (x["decidable"] and not x["letters_right"]) or not x["decidable"] and not x["declined"]
    ]
    if wrong:
        lines += ["", "## Items not right", ""]
        lines += [
            f"- {x['id']} ({x['kind']}): key {x['key']}, said {x['choice']}, cited {x['first_cited']}" for x in wrong
        ]
    if bank and bank["differ"]:
        lines += ["", f"## Generated items solved differently or not at all ({len(bank['differ'])})", ""]
        lines += [
            f"- {d['item_id']} ({d['kind']}/{d['facet']}): key {d['key']}, solved {d['solved']}, cited {d['cited']}"
            for d in bank["differ"]
        ]
    return "\n".join(lines)


def run(index: Index, set_path: Path, split: str, bank: bool = True) -> dict:
    """Score the set's items of `split` and (with `bank`) the generated bank's agreement; gated as GATE says."""
    started = time.perf_counter()
    rows = load(set_path, split)
    items = run_items(index, rows)
    summary = summarize(items)
    results = {"summary": summary, "items": items}
    results["bank"] = agreement(index) if bank else None
    results["gate"] = check_gate(summary, results["bank"])
    results["meta"] = {"set": str(set_path), "split": split, "seconds": round(time.perf_counter() - started, 1)}
    results["report"] = render(results)
    return results


def main(args, kb: str, settings) -> int:
    """`metrokb eval --set eval/exam_items.jsonl [--split dev] [--no-bank] [--gate]`: report on stdout, JSON and
    Markdown files; exit 1 when --gate fails, 0 (with a message) when the knowledge base is not on this machine."""
    import sys

    from eval import kbs
    from retriever.embed import get_embedder
    from ui.progress import embedding_progress

    try:
        index = kbs.index_for(kb, settings, get_embedder(settings.embedder), embedding_progress())
        results = run(index, args.set_path, args.split, bank=not args.no_bank)
    except kbs.KBMissing as exc:
        print(f"metrokb eval: skipped: {exc}", file=sys.stderr)
        return 0
    except ExamSetError as exc:
        print(f"metrokb eval: {exc}", file=sys.stderr)
        return 2
    data = {k: v for k, v in results.items() if k != "report"}
    for path, text in (
        (args.json_path, json.dumps(data, ensure_ascii=False, indent=1)),
        (args.md_path, results["report"]),
    ):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(text + "\n", encoding="utf-8")
    print(results["report"])
    if args.gate and not results["gate"]["passed"]:
        return 1
    return 0
