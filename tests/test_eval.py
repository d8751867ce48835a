"""The evaluation: the question set is sound, the metrics compute what they claim, and the product passes the gate."""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from eval.baseline import covers
from eval.dataset import DEFAULT_SET, Item, SetError, load_set, select
from eval.metrics import alce, contains_value, direct_answer, norm, score, statements, summarize, supports
from eval.runner import GATE, check_gate, evaluate, from_answer, gate_failures, main
from retriever.documents.clean import fold, to_simplified
from retriever.models import Answer, Citation

ROOT = Path(__file__).resolve().parent.parent
ITEMS = load_set(DEFAULT_SET)


# --- (a) the question set ------------------------------------------------------------------

NOTICE_TYPES = {"target", "deadline", "responsibility", "metadata", "comparison", "general", "unanswerable"}


def test_set_has_the_required_size_and_mix():
    by_type = Counter(it.type for it in ITEMS)
    by_lang = Counter(it.lang for it in ITEMS)
    assert len(ITEMS) >= 150
    assert set(by_type) == NOTICE_TYPES, f"types without questions: {NOTICE_TYPES - set(by_type)}"
    assert by_type["unanswerable"] >= 15
    assert by_lang["zh-hant"] >= 10 and by_lang["en"] >= 5
    assert sum(1 for it in ITEMS if it.region_trap and it.answerable) >= 10
    assert len({it.id for it in ITEMS}) == len(ITEMS)


def test_every_notice_is_covered(index):
    covered = Counter(d for it in ITEMS for d in it.doc_ids)
    assert set(covered) == set(index.notices), f"notices without questions: {set(index.notices) - set(covered)}"
    assert min(covered.values()) >= 10


def test_split_is_stratified_by_type():
    for qtype in NOTICE_TYPES:
        splits = Counter(it.split for it in ITEMS if it.type == qtype)
        assert set(splits) == {"dev", "test"} and abs(splits["dev"] - splits["test"]) <= 1, (qtype, splits)
    for split in ("dev", "test"):
        part = select(ITEMS, split)
        langs = Counter(it.lang for it in part)
        assert langs["zh-hant"] >= 5 and langs["en"] >= 3, (split, langs)
        assert sum(it.region_trap for it in part) >= 5


def test_gold_clauses_exist_in_the_index(index):
    missing = [(it.id, g) for it in ITEMS for g in it.gold if g not in index.clauses]
    assert not missing


def test_required_values_are_stated_in_the_gold_clauses(index):
    for it in ITEMS:
        texts = [norm(index.clauses[g].text) for g in it.gold]
        for value in it.must_contain:
            assert any(norm(v) in t for v in value for t in texts), f"{it.id}: {value} is in no gold clause"
        if it.answerable:
            assert it.must_contain, f"{it.id}: an answerable question needs a required value"
        if it.type == "comparison":
            assert len(it.gold) >= 2
            for g, t in zip(it.gold, texts):
                assert any(norm(v) in t for value in it.must_contain for v in value), (
                    f"{it.id}: nothing required from {g}"
                )
        elif it.answerable:
            assert len(it.gold) == 1, f"{it.id}: only a comparison has several gold clauses"


def test_questions_are_paraphrased_not_copied(index):
    """No question shares 15 or more consecutive characters with its gold clause (quoted 《titles》 aside)."""

    def plain(text: str) -> str:
        return re.sub(r"[^\w]", "", fold(to_simplified(re.sub(r"《[^》]*》", "", text))))

    for it in ITEMS:
        q = plain(it.question)
        for g in it.gold:
            t = plain(index.clauses[g].text)
            run = SequenceMatcher(None, q, t, autojunk=False).find_longest_match(0, len(q), 0, len(t)).size
            assert run < 15, f"{it.id} copies {run} characters of {g}"


def test_languages_are_what_they_claim():
    for it in ITEMS:
        if it.lang == "zh-hant":
            assert to_simplified(it.question) != it.question, it.id
        elif it.lang == "en":
            assert re.fullmatch(r"[\x20-\x7e]+", it.question), it.id
        else:
            assert to_simplified(it.question) == it.question, it.id


def _string_literals(path: Path) -> str:
    """The string constants of a module, docstrings left out: where a product would match on wording."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    text = "\n".join(
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    )
    return re.sub(r"[\ud800-\udfff]", "", text)  # lone surrogates (character ranges in patterns) cannot be encoded


def test_product_does_not_match_on_question_wording(index):
    """No 12 consecutive characters of a question (6 words of an English one) that are not notice text appear in
    a string of the code that answers. The chat UI's example prompts are shown, never matched on: ui/ is left out."""

    def plain(text: str) -> str:
        return re.sub(r"[^\w]", "", fold(to_simplified(text)))

    def words(text: str) -> str:
        return " " + " ".join(re.findall(r"[a-z0-9]+", text.lower())) + " "

    kb = "\n".join(plain(c.text) for c in index.clauses.values())
    files = [p for d in ("retriever", "server") for p in (ROOT / d).rglob("*.py")] + [ROOT / "cli.py"]
    strings = {p: _string_literals(p) for p in files}
    for p, text in strings.items():
        assert "questions.jsonl" not in text, f"{p} reads the evaluation set"
    code = {p: plain(text) for p, text in strings.items()}
    code_words = {p: words(text) for p, text in strings.items()}
    for it in ITEMS:
        if it.lang == "en":
            w = words(it.question).split()
            windows = [" " + " ".join(w[i : i + 6]) + " " for i in range(len(w) - 5)]
            hits = [(p.name, x) for x in windows for p, text in code_words.items() if x in text]
        else:
            q = plain(it.question)
            windows = [q[i : i + 12] for i in range(len(q) - 11)]
            hits = [(p.name, x) for x in windows if x not in kb for p, text in code.items() if x in text]
        assert not hits, f"{it.id}: question wording in product code: {hits}"


def test_load_set_rejects_bad_files(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "question": "q", "type": "target", "gold": []}\n', encoding="utf-8")
    with pytest.raises(SetError, match="bad.jsonl:1: an answerable question needs"):
        load_set(bad)
    bad.write_text('{"id": "a", "question": "q", "type": "opinion"}\n', encoding="utf-8")
    with pytest.raises(SetError, match="type 'opinion'"):
        load_set(bad)
    row = '{"id": "a", "question": "q", "type": "unanswerable"}\n'
    bad.write_text(row + row, encoding="utf-8")
    with pytest.raises(SetError, match="used twice"):
        load_set(bad)


def test_a_question_a_larger_knowledge_base_answers_is_scored_as_answerable_there(tmp_path):
    """An unanswerable notice question the regulations answer: refused on kb/, answered on kb + regulations and
    on the KB grown further; a malformed relabel names what it needs."""
    path = tmp_path / "set.jsonl"
    row = {
        "id": "u1",
        "question": "违反计量法使用未经检定的计量器具要罚款多少？",
        "type": "unanswerable",
        "answered_in": {
            "kb": "kb+regulations",
            "type": "penalty",
            "gold": ["细则/第四十三条"],
            "must_contain": ["1000元"],
        },
    }
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    assert not load_set(path)[0].answerable
    for kb in ("kb+regulations", "kb+regulations+stard"):
        (item,) = load_set(path, kb)
        assert item.answerable and item.gold == ("细则/第四十三条",) and item.must_contain == (("1000元",),)
        assert item.id == "u1" and item.question == row["question"]
    row["answered_in"] = {"kb": "kb+elsewhere", "gold": []}
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(SetError, match="answered_in"):
        load_set(path)


# --- (b) the metrics on hand-made answers -----------------------------------------------------

NANCHANG = "到2025年，县级社会公用计量标准新建、提升改造30项以上，培育诚信计量承诺单位300家以上，全市强检计量器具检定覆盖率92%以上。"
WENZHOU = "到2025年，新增诚信计量承诺单位1000家以上。"
OTHER = "加强计量宣传，普及计量知识。"


def _cite(clause_id: str, text: str) -> Citation:
    return Citation(
        doc_id=clause_id.split("/")[0], title="", clause_id=clause_id, clause="", text=text, quote=text[:10], score=1.0
    )


def _item(**kw) -> Item:
    base = dict(id="x", question="q", type="target", gold=("nanchang-2023/一",), must_contain=(("92%",),))
    return Item(**(base | kw))


def test_statements_attach_markers_to_the_sentence_before():
    got = statements("南昌市：覆盖率92%以上[1]。\n原文：“……”[2]南昌是省会。")
    assert [(s.text, s.refs) for s in got] == [("南昌市：覆盖率92%以上。", [1]), ("原文：“……”南昌是省会。", [2])]
    assert statements("第一句。[1][2]第二句[3]。")[0].refs == [1, 2]
    assert direct_answer("南昌市：覆盖率92%以上[1]。\n温州市：98%[2]。") == "南昌市：覆盖率92%以上。"
    assert direct_answer("南昌：92%[1]。\n温州：98%[2]。", sentences=2) == "南昌：92%。温州：98%。"


def test_contains_value_normalises_but_keeps_numbers_whole():
    assert contains_value("覆盖率９２％以上", ("92%",))
    assert contains_value("溫州：確保強制檢定受檢率98%以上", ("受检率98%",))
    assert contains_value("成文日期为二〇一一年十一月二十九日", ("2011年11月29日",))
    assert contains_value("共1,200家", ("1200家",))
    assert not contains_value("新增省级产业计量测试中心1-2家", ("1家",))
    assert not contains_value("110项", ("10项",))
    assert contains_value("2022-06-28", ("2022年6月28日", "2022-06-28"))


def test_score_first_citation_recall_and_answer_accuracy():
    right = Answer(
        answer="南昌市：全市强检计量器具检定覆盖率92%以上[1]。",
        abstained=False,
        question_type="target",
        citations=[_cite("nanchang-2023/一", NANCHANG)],
    )
    s = score(_item(), from_answer(right, 12.0))
    assert (s.first_citation, s.recall_at_3, s.answer_correct, s.alce_precision) == (True, 1.0, True, None)

    # Right clause cited second, value only in the second sentence: both metrics must say no.
    late = Answer(
        answer="南昌市：详见下文[1]。覆盖率92%以上[2]。",
        abstained=False,
        question_type="target",
        citations=[_cite("wenzhou/(四)/14", OTHER), _cite("nanchang-2023/一", NANCHANG)],
    )
    s = score(_item(), from_answer(late, 12.0))
    assert (s.first_citation, s.recall_at_3, s.answer_correct) == (False, 1.0, False)

    # A comparison: the direct answer is one sentence per compared notice; one gold of two cited.
    cmp = _item(type="comparison", gold=("nanchang-2023/一", "wenzhou/(四)/15"), must_contain=(("300家",), ("1000家",)))
    half = Answer(
        answer="南昌市：300家以上[1]。\n温州市：未找到[2]。\n另：1000家。",
        abstained=False,
        question_type="comparison",
        citations=[_cite("nanchang-2023/一", NANCHANG), _cite("hunan-2022/七", OTHER)],
    )
    s = score(cmp, from_answer(half, 1.0))
    assert (s.first_citation, s.recall_at_3, s.answer_correct) == (True, 0.5, False)

    abstained = Answer(answer="知识库中没有。", abstained=True, question_type="target")
    s = score(_item(), from_answer(abstained, 1.0))
    assert (s.first_citation, s.answer_correct, s.abstained) == (False, False, True)


def test_summarize_counts_abstention_and_wrong_abstention_separately():
    answered = Answer(
        answer="南昌市：92%以上[1]。",
        abstained=False,
        question_type="target",
        citations=[_cite("nanchang-2023/一", NANCHANG)],
    )
    declined = Answer(answer="没有。", abstained=True, question_type="unanswerable")
    una = _item(type="unanswerable", gold=(), must_contain=())
    scores = [
        score(_item(), from_answer(answered, 10)),
        score(_item(), from_answer(declined, 20)),
        score(una, from_answer(declined, 30)),
        score(una, from_answer(answered, 40)),
    ]
    got = summarize(scores)
    assert (got["n_answerable"], got["n_unanswerable"]) == (2, 2)
    assert got["abstention"] == 0.5 and got["wrong_abstention"] == 0.5
    assert got["first_citation"] == 0.5 and got["answer_accuracy"] == 0.5
    assert got["latency_p50_ms"] == 25.0


def test_supports_needs_the_numbers_the_names_and_the_words():
    names = frozenset({"市公安局", "市司法局"})
    assert supports("南昌：全市强检计量器具检定覆盖率92%以上", [NANCHANG])
    assert not supports("南昌：全市强检计量器具检定覆盖率95%以上", [NANCHANG])
    assert not supports("责任单位：市公安局", ["（责任单位：市市场监管局、市司法局）"], names)
    assert supports("责任单位：市司法局", ["（责任单位：市市场监管局、市司法局）"], names)
    assert not supports("加强计量宣传，普及计量知识", [NANCHANG])


def test_alce_precision_and_recall():
    passages = [NANCHANG, WENZHOU, OTHER]
    good = "南昌市：培育诚信计量承诺单位300家以上[1]。温州市：新增诚信计量承诺单位1000家以上[2]。"
    assert alce(good, passages) == (1.0, 1.0)
    swapped = "南昌市：培育诚信计量承诺单位300家以上[2]。温州市：新增诚信计量承诺单位1000家以上[1]。"
    assert alce(swapped, passages) == (0.0, 0.0)
    # [3] is not needed where [1] already supports: one of three citations is irrelevant.
    padded = "南昌市：培育诚信计量承诺单位300家以上[1][3]。温州市：新增诚信计量承诺单位1000家以上[2]。"
    assert alce(padded, passages) == pytest.approx((2 / 3, 1.0))
    # A statement without a citation is unsupported; a marker past the citations is too.
    assert alce(good + "原文：“新增诚信计量承诺单位1000家以上”", passages) == pytest.approx((1.0, 2 / 3))
    assert alce("南昌市：培育诚信计量承诺单位300家以上[7]。", passages) == (0.0, 0.0)


def test_gate_thresholds():
    ok = {"first_citation": 0.95, "answer_accuracy": 0.90, "abstention": 0.90, "wrong_abstention": 0.03}
    assert check_gate(ok)["passed"]
    for metric, bad in (
        ("first_citation", 0.94),
        ("answer_accuracy", 0.89),
        ("abstention", 0.89),
        ("wrong_abstention", 0.04),
        ("abstention", None),
    ):
        gate = check_gate(ok | {metric: bad})
        assert not gate["passed"] and [c["metric"] for c in gate["checks"] if not c["passed"]] == [metric]
    assert [g[0] for g in GATE] == list(ok)


def test_baseline_chunk_covers_a_clause_by_its_opening_or_a_long_shared_run():
    clause = "（十二）推进计量执法体系建设。" + "加强区域、部门间计量执法协作，建立健全快速反应机制。" * 10
    assert covers("前文。\n" + clause[:40], clause)
    assert covers(clause[150:300], clause)
    assert not covers(clause[150:200], clause)
    assert not covers("（十三）加强诚信计量体系建设。引导经营者遵守诚信计量行为规范。", clause)


# --- the runner end to end, on a small set of one's own ----------------------------------------


def test_runner_on_a_custom_set_writes_json_and_markdown(index_dir, tmp_path, monkeypatch):
    from retriever.config import get_settings

    own = tmp_path / "mine.jsonl"
    rows = [
        {
            "id": "m1",
            "question": "南昌到2025年强检器具检定覆盖率要达到多少？",
            "type": "target",
            "gold": ["nanchang-2023/一"],
            "must_contain": ["92%"],
        },
        {"id": "m2", "question": "今天天气怎么样？", "type": "unanswerable"},
    ]
    own.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    monkeypatch.setenv("METROKB_INDEX_DIR", str(index_dir))
    get_settings.cache_clear()
    try:
        code = main(
            [
                "--set",
                str(own),
                "--split",
                "test",
                "--systems",
                "metrokb,langchain",
                "--json",
                str(tmp_path / "r.json"),
                "--md",
                str(tmp_path / "r.md"),
            ]
        )
    finally:
        get_settings.cache_clear()
    assert code == 0
    results = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert set(results["systems"]) == {"metrokb", "langchain"}
    assert [s["id"] for s in results["systems"]["metrokb"]["items"]] == ["m1", "m2"]
    assert results["systems"]["langchain"]["overall"]["abstention"] == 0.0
    report = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "| MetroKB (hybrid) | 2 |" in report and "LangChain plain" in report and "## Gate" in report


def test_a_missed_gate_exits_1_and_says_which_questions_failed(index_dir, tmp_path, monkeypatch, capsys):
    from retriever.config import get_settings

    own = tmp_path / "mine.jsonl"
    row = {
        "id": "wrong-gold",
        "question": "南昌到2025年强检器具检定覆盖率要达到多少？",
        "type": "target",
        "gold": ["wenzhou/(三)/10"],
        "must_contain": ["92%"],
    }  # a gold clause the answer rightly does not cite
    own.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    monkeypatch.setenv("METROKB_INDEX_DIR", str(index_dir))
    get_settings.cache_clear()
    try:
        code = main(
            [
                "--set",
                str(own),
                "--split",
                "all",
                "--systems",
                "metrokb",
                "--gate",
                "--json",
                str(tmp_path / "r.json"),
                "--md",
                str(tmp_path / "r.md"),
            ]
        )
    finally:
        get_settings.cache_clear()
    assert code == 1
    err = capsys.readouterr().err
    assert (
        "gate failed: first_citation=0.0 (need >= 0.95)" in err and "wrong-gold (target): cited nanchang-2023/一" in err
    )


def test_runner_rejects_an_unknown_system(index_dir, tmp_path, monkeypatch, capsys):
    assert main(["--systems", "gpt", "--json", str(tmp_path / "r.json"), "--md", str(tmp_path / "r.md")]) == 2
    assert "unknown system(s) gpt" in capsys.readouterr().err


# --- (c) the gate --------------------------------------------------------------------------------


def test_gate_on_test_split(index):
    """CI gate: MetroKB on the test split must reach the thresholds in eval.runner.GATE."""
    results = evaluate(index, select(ITEMS, "test"), systems=["metrokb"])
    if not results["gate"]["passed"]:
        pytest.fail(gate_failures(results))


def test_the_report_lists_the_grown_knowledge_base_and_appends_people_and_stard_sections():
    from eval.report import render_runs
    from eval.runner import REPORT_RUNS

    assert {kb for _, kb, _ in REPORT_RUNS} >= {"kb", "kb+regulations", "kb+regulations+stard"}
    assert all(not every for _, kb, every in REPORT_RUNS if kb.endswith("stard"))  # MetroKB alone on ~6,000 chunks
    people = "### people.jsonl, split dev, on kb+regulations\n\n| kind | n |\n|---|---|\n| situation | 15 |"
    text = render_runs([], [people, "### STARD\n\n| metrokb | 0.39 |"])
    assert (
        text.index("# MetroKB evaluation report") < text.index("| situation | 15 |") < text.index("| metrokb | 0.39 |")
    )
