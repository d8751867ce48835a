"""The regulation questions (eval/regulations.jsonl): the set is sound, the independent baseline is independent,
and the product passes its gates on kb/ plus the shared regulations — for these questions and, with the
regulations in the index, for the 160 notice questions too. Skipped when ../shared/regulations is absent."""

from __future__ import annotations

import ast
import re
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from eval.baseline import LineBM25
from eval.dataset import DEFAULT_SET, load_set, select
from eval.metrics import norm
from eval.runner import GATE, REGULATIONS_GATE, check_gate, evaluate, gate_failures
from retriever.documents.clean import fold, to_simplified
from retriever.index import notice_files

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "regulations"
REG_SET = ROOT / "eval" / "regulations.jsonl"
ITEMS = load_set(REG_SET)
REGULATION_TYPES = {
    "penalty",
    "time_limit",
    "authority",
    "definition",
    "permission",
    "list",
    "metadata",
    "general",
    "comparison",
    "unanswerable",
}


# --- the set (needs no index) ----------------------------------------------------------------


def test_set_has_the_required_size_and_mix():
    by_type = Counter(it.type for it in ITEMS)
    by_lang = Counter(it.lang for it in ITEMS)
    assert len(ITEMS) >= 120
    assert set(by_type) == REGULATION_TYPES, set(by_type) ^ REGULATION_TYPES
    assert by_type["unanswerable"] >= 15 and by_lang["zh-hant"] >= 10 and by_lang["en"] >= 8
    for qtype in REGULATION_TYPES:
        splits = Counter(it.split for it in ITEMS if it.type == qtype)
        assert set(splits) == {"dev", "test"} and abs(splits["dev"] - splits["test"]) <= 1, (qtype, splits)


def test_old_version_questions_name_the_version():
    old = [it for it in ITEMS if any("2018-03-19" in g for g in it.gold)]
    assert len(old) >= 6
    for it in old:
        assert re.search(r"旧|修订前|修訂前|2018|第三次修|older|previous", it.question), it.id


# --- the set against the documents -------------------------------------------------------------


def test_gold_clauses_exist_and_hold_the_required_values(regulations_index):
    index = regulations_index
    for it in ITEMS:
        assert all(g in index.clauses for g in it.gold), (it.id, [g for g in it.gold if g not in index.clauses])
        texts = [norm(index.clauses[g].text) for g in it.gold]
        for value in it.must_contain:
            assert any(norm(v) in t for v in value for t in texts), f"{it.id}: {value} is in no gold clause"


def test_questions_are_paraphrased_not_copied(regulations_index):
    def plain(text: str) -> str:
        return re.sub(r"[^\w]", "", fold(to_simplified(re.sub(r"《[^》]*》", "", text))))

    for it in ITEMS:
        q = plain(it.question)
        for g in it.gold:
            t = plain(regulations_index.clauses[g].text)
            run = SequenceMatcher(None, q, t, autojunk=False).find_longest_match(0, len(q), 0, len(t)).size
            assert run < 15, f"{it.id} copies {run} characters of {g}"


def test_product_code_holds_no_regulation_question_wording(regulations_index):
    """No 12 consecutive characters of a regulation question that are not document text appear in a string of
    the code that answers (the same rule the notice questions are held to)."""

    def plain(text: str) -> str:
        return re.sub(r"[^\w]", "", fold(to_simplified(text)))

    docs = "\n".join(plain(c.text) for c in regulations_index.clauses.values())
    files = [p for d in ("retriever", "server") for p in (ROOT / d).rglob("*.py")] + [ROOT / "cli.py"]
    code = {
        p: plain(
            re.sub(
                r"[\ud800-\udfff]",
                "",
                "\n".join(
                    n.value
                    for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
                    if isinstance(n, ast.Constant) and isinstance(n.value, str)
                ),
            )
        )
        for p in files
    }
    for it in ITEMS:
        if it.lang == "en":
            continue
        q = plain(it.question)
        hits = [
            (p.name, q[i : i + 12])
            for i in range(len(q) - 11)
            if q[i : i + 12] not in docs
            for p, text in code.items()
            if q[i : i + 12] in text
        ]
        assert not hits, f"{it.id}: question wording in product code: {hits}"


# --- the independent baseline ----------------------------------------------------------------


def test_independent_baseline_uses_no_metrokb_code():
    """LineBM25 reads, tokenises and ranks with Python, OpenCC, rjieba and rank_bm25 only; MetroKB's index is
    used to map its top line to clauses for scoring, never to find it."""
    source = (ROOT / "eval" / "baseline.py").read_text(encoding="utf-8")
    body = source[source.index("class LineBM25") :]
    assert "retriever." not in body.split("def _covered")[0]
    assert "from retriever" not in body


def test_independent_baseline_answers_with_a_line_of_a_file(regulations_index):
    files = notice_files(ROOT / "kb", [SHARED])
    baseline = LineBM25(files, regulations_index)
    prediction = baseline.predict("计量法规定的行政处罚由谁决定？")
    raw = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in files)
    assert prediction.answer and prediction.answer in raw and not prediction.abstained
    assert prediction.cited and prediction.cited[0]


# --- the gates -----------------------------------------------------------------------------------


def test_gate_on_the_regulation_questions(regulations_index):
    """CI gate: on the test split, MetroKB reaches REGULATIONS_GATE and is ahead of the independent baseline."""
    files = notice_files(ROOT / "kb", [SHARED])
    results = evaluate(
        regulations_index,
        select(ITEMS, "test"),
        systems=["metrokb", "bm25-lines"],
        files=files,
        gate=REGULATIONS_GATE,
        beat_independent=True,
    )
    assert [c["metric"] for c in results["gate"]["checks"]][-2:] == [
        "first_citation vs bm25-lines",
        "answer_accuracy vs bm25-lines",
    ]
    if not results["gate"]["passed"]:
        pytest.fail(gate_failures(results))


def test_gate_on_the_notice_questions_with_the_regulations_in_the_index(regulations_index):
    """Growth does not hurt: the 160 notice questions pass their gate with the regulations indexed too."""
    results = evaluate(regulations_index, select(load_set(DEFAULT_SET, "kb+regulations"), "test"), systems=["metrokb"])
    if not results["gate"]["passed"]:
        pytest.fail(gate_failures(results))


def test_regulations_gate_checks_the_independent_baseline():
    ok = {"first_citation": 0.9, "answer_accuracy": 0.9, "abstention": 0.85, "wrong_abstention": 0.05}
    assert check_gate(ok, REGULATIONS_GATE, {"first_citation": 0.5, "answer_accuracy": 0.5})["passed"]
    behind = check_gate(ok, REGULATIONS_GATE, {"first_citation": 0.95, "answer_accuracy": 0.5})
    assert not behind["passed"] and [c["metric"] for c in behind["checks"] if not c["passed"]] == [
        "first_citation vs bm25-lines"
    ]
    assert not check_gate(ok | {"abstention": 0.84}, REGULATIONS_GATE)["passed"]
    assert not check_gate(ok | {"answer_accuracy": 0.89}, REGULATIONS_GATE)["passed"]
    assert GATE != REGULATIONS_GATE
