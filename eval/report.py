"""Render evaluation results as a Markdown report for people (the JSON is the same data for machines)."""

from __future__ import annotations

from eval.dataset import TYPES
from eval.systems import GATED_SYSTEM, SYSTEMS

COLUMNS = (
    ("first_citation", "first-cite"),
    ("recall_at_3", "recall@3"),
    ("answer_accuracy", "answer acc"),
    ("alce_precision", "ALCE P"),
    ("alce_recall", "ALCE R"),
    ("abstention", "abstention"),
    ("wrong_abstention", "wrong abst."),
    ("latency_p50_ms", "p50 ms"),
    ("latency_p95_ms", "p95 ms"),
)
DEFINITIONS = """\
**How to read this.** *first-cite*: the gold clause is citation 1 (any gold clause for a comparison).
*recall@3*: share of the gold clauses among the first three citations. *answer acc*: every required
value appears in the direct answer — the first sentence (for a comparison, the first sentence per
compared notice); the LangChain baseline is judged on its whole top chunk. *ALCE P / R*: citation
precision and recall as in ALCE (Gao et al., 2023), over answers with two or more citations (n in
brackets); entailment is approximated offline (numbers and unit names present in the cited clauses,
≥50% character-bigram overlap), see eval/metrics.py. *abstention*: share of unanswerable questions
abstained; *wrong abst.*: share of answerable questions abstained. Latency is wall-clock per question.
The LangChain baseline cites every clause its chunk covers (the clause's first 30 characters, or a
shared run of min(100, half the clause) characters): lenient in its favour, see eval/baseline.py."""


def _fmt(value, key: str = "") -> str:
    if value is None:
        return "–"
    if key.startswith("latency"):
        return f"{value:.0f}"
    return f"{value:.2f}"


def _row(label: str, summary: dict) -> str:
    cells = []
    for key, _ in COLUMNS:
        cell = _fmt(summary.get(key), key)
        if key.startswith("alce") and summary.get("alce_n"):
            cell += f" ({summary['alce_n']})"
        cells.append(cell)
    return f"| {label} | {summary['n']} | " + " | ".join(cells) + " |"


def _table(rows: list[tuple[str, dict]], first: str) -> list[str]:
    head = f"| {first} | n | " + " | ".join(name for _, name in COLUMNS) + " |"
    return [head, "|" + "---|" * (len(COLUMNS) + 2)] + [_row(label, s) for label, s in rows]


def _gate(gate: dict) -> list[str]:
    verdict = "PASS" if gate["passed"] else "FAIL"
    lines = [
        f"## Gate ({SYSTEMS[gate['system']]}, {gate.get('split', '?')}): **{verdict}**",
        "",
        "| metric | required | measured | |",
        "|---|---|---|---|",
    ]
    for c in gate["checks"]:
        lines.append(
            f"| {c['metric']} | {c['op']} {_fmt(c['threshold'])} | {_fmt(c['value'])} | "
            f"{'ok' if c['passed'] else '**fails**'} |"
        )
    return lines


def _failures(results: dict, system: str, limit: int) -> list[str]:
    items = results["systems"][system]["items"]
    questions = results["questions"]
    failed = [
        s
        for s in items
        if (s["answerable"] and not (s["first_citation"] and s["answer_correct"]))
        or (not s["answerable"] and not s["abstained"])
    ]
    lines = [f"## Failures of {SYSTEMS[system]} ({len(failed)})", ""]
    if not failed:
        return lines + ["None."]
    lines += [
        "| id | type | question | gold · required | first citation | direct answer |",
        "|---|---|---|---|---|---|",
    ]
    for s in failed[:limit]:
        q = questions[s["id"]]
        want = "abstain" if not s["answerable"] else f"{', '.join(q['gold'])} · {', '.join(q['must_contain']) or '–'}"
        got = "(abstained)" if s["abstained"] else (s["direct"][:90] + ("…" if len(s["direct"]) > 90 else ""))
        if s.get("error"):
            got = f"error: {s['error'][:80]}"
        cell = lambda t: t.replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| {s['id']} | {s['type']} | {cell(q['question'])} | {cell(want)} | "
            f"{s['first_cited'] or '–'} | {cell(got)} |"
        )
    if len(failed) > limit:
        lines.append(f"| … | | {len(failed) - limit} more in the JSON | | | |")
    return lines


def render(results: dict, failures: int = 60) -> str:
    """The report: gate, overall per system (and per split), per type, per-type by system, failures."""
    systems = results["systems"]
    meta = results.get("meta", {})
    main = GATED_SYSTEM if GATED_SYSTEM in systems else next(iter(systems))
    first = systems[main]["overall"]
    kb = meta.get("kb", "kb")
    where = "kb/" if kb == "kb" else "kb/ plus ../shared/regulations (read in place)"
    lines = [
        f"# MetroKB evaluation: `{meta.get('set', '?')}` on {where}",
        "",
        f"Set `{meta.get('set', '?')}`, split **{meta.get('split', '?')}**: {first['n']} questions "
        f"({first['n_answerable']} answerable, {first['n_unanswerable']} unanswerable). "
        f"Index: {results['index'].get('embedder')}, {results['index'].get('counts', {}).get('clauses', '?')} "
        f"clauses. Run {meta.get('created', '')} in {meta.get('seconds', 0):.0f} s; reproduce with "
        f"`metrokb eval --set {meta.get('set', '?')} --split {meta.get('split', '?')} --kb {kb}`.",
        "",
    ]
    if "gate" in results:
        lines += _gate(results["gate"]) + [""]
    lines += ["## Overall", ""] + _table([(s["label"], s["overall"]) for s in systems.values()], "system") + [""]
    splits = list(systems[main]["by_split"])
    if len(splits) > 1:
        for sp in splits:
            lines += [f"### Split: {sp}", ""]
            lines += _table([(s["label"], s["by_split"][sp]) for s in systems.values()], "system") + [""]
    by_type = systems[main]["by_type"]
    lines += [f"## Per type: {SYSTEMS[main]}", ""]
    lines += _table([(t, by_type[t]) for t in TYPES if t in by_type], "type") + [""]
    if len(systems) > 1:
        names = list(systems)
        lines += [
            "## Per type, all systems (first-cite / answer acc; unanswerable: abstention)",
            "",
            "| type | n | " + " | ".join(systems[n]["label"] for n in names) + " |",
            "|" + "---|" * (len(names) + 2),
        ]
        for t in (t for t in TYPES if t in by_type):
            cells = []
            for n in names:
                s = systems[n]["by_type"][t]
                cells.append(
                    _fmt(s["abstention"])
                    if t == "unanswerable"
                    else f"{_fmt(s['first_citation'])} / {_fmt(s['answer_accuracy'])}"
                )
            lines.append(f"| {t} | {by_type[t]['n']} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += _failures(results, main, failures) + ["", DEFINITIONS, ""]
    return "\n".join(lines)


def render_runs(runs: list[dict], extra: list[str] = ()) -> str:
    """eval/REPORT.md: a summary table of every run (test split; every system), then each run's report, then
    the `extra` sections (markdown: the people set per kind, STARD)."""
    lines = [
        "# MetroKB evaluation report",
        "",
        "Each set runs on its knowledge base; every system is measured in the same run on the same questions. "
        "The answerer is tuned on the **dev** split and the gate judges the **test** split; the test splits "
        "have since been read when failures were studied, so they are not blind. Blind figures (first "
        "measurements, holdout sets) are in the README. Reproduce with `metrokb eval --report`.",
        "",
        "## Summary (test split)",
        "",
        "| set | knowledge base | system | n | first-cite | answer acc | abstention | wrong abst. | p50 ms | gate |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for results in runs:
        meta = results.get("meta", {})
        gate = results.get("gate", {})
        for name, system in results["systems"].items():
            summary = system["by_split"].get("test", system["overall"])
            verdict = ("PASS" if gate.get("passed") else "FAIL") if name == GATED_SYSTEM and gate else ""
            lines.append(
                f"| {meta.get('set', '?')} | {meta.get('kb', 'kb')} | {system['label']} | {summary['n']} | "
                f"{_fmt(summary['first_citation'])} | {_fmt(summary['answer_accuracy'])} | "
                f"{_fmt(summary['abstention'])} | {_fmt(summary['wrong_abstention'])} | "
                f"{_fmt(summary['latency_p50_ms'], 'latency')} | {verdict} |"
            )
    lines.append("")
    for results in runs:
        lines += ["---", "", results["report"].replace("\n# ", "\n## ", 1), ""]
    for section in extra:
        lines += ["---", "", section, ""]
    return "\n".join(lines)
