"""Run an evaluation set through MetroKB's `ask` (the code path behind /ask) and the baselines, score and gate it.

Systems, measured in the same run on the same questions:
  metrokb    ask(..., retrieval="hybrid")   the product
  lexical    ask(..., retrieval="lexical")  BM25 only
  dense      ask(..., retrieval="dense")    FAISS only
  langchain  eval.baseline.PlainPipeline    splitter 500/50 + FAISS, answer = top chunk
"""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from eval.dataset import Item
from eval.metrics import Prediction, Score, score, summarize
from retriever.models import Answer

if TYPE_CHECKING:  # the index (FAISS, BM25) is loaded only when an evaluation runs
    from retriever.index import Index

log = logging.getLogger(__name__)

SYSTEMS = {
    "metrokb": "MetroKB (hybrid)",
    "lexical": "lexical-only",
    "dense": "dense-only",
    "langchain": "LangChain plain (500/50, top chunk)",
}
GATED_SYSTEM = "metrokb"
# What CI requires of the product on the test split: (metric, comparison, threshold).
GATE = (
    ("first_citation", ">=", 0.95),
    ("answer_accuracy", ">=", 0.90),
    ("abstention", ">=", 0.90),
    ("wrong_abstention", "<=", 0.03),
)


def from_answer(answer: Answer, latency_ms: float) -> Prediction:
    """An Answer as the metrics see it: one clause per citation, its title, path and text as the ALCE passage."""
    return Prediction(
        answer=answer.answer,
        abstained=answer.abstained,
        cited=[(c.clause_id,) for c in answer.citations],
        passages=[f"{c.title}\n{c.clause}\n{c.text}" for c in answer.citations],
        latency_ms=round(latency_ms, 2),
    )


def ask_system(index: Index, retrieval: str, top_k: int | None = None, settings=None) -> Callable[[str], Prediction]:
    """A predictor that calls retriever.answer.ask with the arguments /ask (Engine.ask) passes, timed from outside."""
    from retriever.answer import ask
    from retriever.config import get_settings

    settings = settings or get_settings()
    k = top_k or settings.top_k

    def predict(question: str) -> Prediction:
        started = time.perf_counter()
        try:
            answer = ask(index, question, filters=None, top_k=k, mode="extractive", retrieval=retrieval,
                         settings=settings)
        except Exception as exc:  # a crash is a wrong answer for this question, not the end of the run
            log.warning("ask(%r, retrieval=%s) failed: %s", question, retrieval, exc)
            return Prediction("", False, [], latency_ms=(time.perf_counter() - started) * 1000,
                              error=f"{type(exc).__name__}: {exc}")
        return from_answer(answer, (time.perf_counter() - started) * 1000)

    return predict


def unit_names(index: Index) -> frozenset[str]:
    """Every unit name the notices assign work to: a statement naming one must find it in its citations."""
    return frozenset(u for facts in index.facts.values() for f in facts for u in (*f.units, *f.implicit_units))


def _summaries(scores: list[Score]) -> dict:
    by_type = {t: summarize([s for s in scores if s.type == t]) for t in dict.fromkeys(s.type for s in scores)}
    splits = sorted({s.split for s in scores if s.split})
    return {
        "overall": summarize(scores),
        "by_type": by_type,
        "by_split": {sp: summarize([s for s in scores if s.split in (sp, None)]) for sp in splits},
    }


def evaluate(
    index: Index,
    items: list[Item],
    systems: Iterable[str] = tuple(SYSTEMS),
    settings=None,
    top_k: int | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> dict:
    """Score every system on every item; returns the machine-readable results (what --json writes)."""
    from retriever.config import get_settings

    settings = settings or get_settings()
    names = unit_names(index)
    results: dict = {"systems": {}}
    for system in systems:
        if system not in SYSTEMS:
            raise ValueError(f"unknown system {system!r}; choose from {', '.join(SYSTEMS)}")
        extra = {}
        if system == "langchain":
            from eval.baseline import PlainPipeline

            pipeline = PlainPipeline(settings.kb_dir, index)
            predict, extra = pipeline.predict, {"build_seconds": pipeline.build_seconds}
        else:
            predict = ask_system(index, "hybrid" if system == "metrokb" else system, top_k, settings)
        scores = []
        for item in items:
            scores.append(score(item, predict(item.question), names))
            if progress:
                progress(system, len(scores))
        results["systems"][system] = {"label": SYSTEMS[system], **extra, **_summaries(scores),
                                      "items": [s.to_dict() for s in scores]}
    if GATED_SYSTEM in results["systems"]:
        gated = results["systems"][GATED_SYSTEM]
        on_test = "test" in gated["by_split"]  # the gate judges the test split whenever the run includes it
        results["gate"] = check_gate(gated["by_split"]["test"] if on_test else gated["overall"])
        results["gate"]["split"] = "test" if on_test else "all questions run"
    results["questions"] = {it.id: {"question": it.question, "type": it.type, "gold": list(it.gold),
                                    "must_contain": ["|".join(v) for v in it.must_contain], "notes": it.notes}
                            for it in items}
    results["index"] = {"path": str(index.path), "embedder": index.manifest.get("embedder"),
                        "counts": index.manifest.get("counts", {})}
    return results


def check_gate(overall: dict) -> dict:
    """The CI thresholds applied to one system's overall summary; a missing metric fails."""
    checks = []
    for metric, op, threshold in GATE:
        value = overall.get(metric)
        passed = value is not None and (value >= threshold if op == ">=" else value <= threshold)
        checks.append({"metric": metric, "op": op, "threshold": threshold, "value": value, "passed": passed})
    return {"system": GATED_SYSTEM, "checks": checks, "passed": all(c["passed"] for c in checks)}


# --- command line (`metrokb eval`, `python -m eval`) ----------------------------------------

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "eval" / "results"


def add_arguments(parser) -> None:
    """The options of `metrokb eval` and `python -m eval`."""
    from eval.dataset import DEFAULT_SET

    parser.add_argument("--set", type=Path, default=DEFAULT_SET, dest="set_path",
                        help="evaluation file, one JSON question per line (default: eval/questions.jsonl)")
    parser.add_argument("--split", choices=("dev", "test", "all"), default="test",
                        help="which questions to run (default: test; questions without a split are always run)")
    parser.add_argument("--json", type=Path, default=RESULTS_DIR / "latest.json", dest="json_path",
                        help="where to write the results for machines")
    parser.add_argument("--md", type=Path, default=RESULTS_DIR / "latest.md", dest="md_path",
                        help="where to write the Markdown report")
    parser.add_argument("--systems", default=",".join(SYSTEMS),
                        help=f"comma-separated systems to run (default: all of {', '.join(SYSTEMS)})")
    parser.add_argument("--top-k", type=int, default=None, help="citations per answer (default: the settings' top_k)")
    parser.add_argument("--gate", action="store_true", help="exit 1 when the product misses a CI threshold")
    parser.add_argument("--from-feedback", type=Path, default=None, metavar="FEEDBACK_JSONL",
                        help="instead of evaluating, turn the chat's thumbs up/down into questions "
                             "(written to eval/results/from-feedback.jsonl) for review")


def run(args) -> int:
    """Load the index and the set, evaluate, write JSON and Markdown, print the report; exit code 0/1/2."""
    import json
    import sys

    from tqdm import tqdm

    from eval.dataset import SetError, load_set, select
    from eval.report import render
    from retriever.config import get_settings
    from retriever.embed import EmbedderError, get_embedder
    from retriever.index import IndexLoadError, load_index

    if args.from_feedback:
        from eval.feedback import write_candidates

        if not args.from_feedback.exists():
            print(f"metrokb eval: no feedback file at {args.from_feedback}", file=sys.stderr)
            return 2
        print(write_candidates(args.from_feedback, RESULTS_DIR / "from-feedback.jsonl"))
        return 0
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = [s for s in systems if s not in SYSTEMS]
    if unknown:
        print(f"metrokb eval: unknown system(s) {', '.join(unknown)}; choose from {', '.join(SYSTEMS)}", file=sys.stderr)
        return 2
    settings = get_settings()
    try:
        items = select(load_set(args.set_path), args.split)
        index = load_index(settings.index_dir, get_embedder(settings.embedder))
    except (SetError, IndexLoadError, EmbedderError) as exc:
        print(f"metrokb eval: {exc}", file=sys.stderr)
        return 2
    if not items:
        print(f"metrokb eval: {args.set_path} has no questions in split {args.split!r}", file=sys.stderr)
        return 2
    bars: dict[str, tqdm] = {}

    def progress(system: str, done: int) -> None:
        if system not in bars:
            bars[system] = tqdm(total=len(items), desc=SYSTEMS[system], unit="q", file=sys.stderr)
        bars[system].update(done - bars[system].n)
        if done == len(items):
            bars[system].close()

    started = time.perf_counter()
    results = evaluate(index, items, systems, settings, args.top_k, progress)
    shown = Path(args.set_path).resolve()
    shown = shown.relative_to(ROOT) if shown.is_relative_to(ROOT) else shown
    results["meta"] = {"set": str(shown), "split": args.split, "systems": systems,
                       "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
                       "seconds": round(time.perf_counter() - started, 1)}
    report = render(results)
    for path, text in ((args.json_path, json.dumps(results, ensure_ascii=False, indent=1)), (args.md_path, report)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
    print(report)
    print(f"results: {args.json_path}  report: {args.md_path}", file=sys.stderr)
    if args.gate and not results.get("gate", {}).get("passed", False):
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m eval", description="Evaluate MetroKB against the baselines")
    add_arguments(parser)
    return run(parser.parse_args(argv))
