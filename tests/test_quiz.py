"""Exam practice: every item the five notices yield is checked against its clause; papers, grading, exports, HTTP."""
from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import zipfile
from collections import Counter
from types import SimpleNamespace

import pytest

from retriever.clean import fold
from retriever.models import QUIZ_KINDS
from retriever.quiz import BLANK, FALSE, GAP, TRUE, QuizError, all_items, grade, is_correct, make_paper, paper_from_id

YEAR_OR_PLAN = re.compile(r"\d{4}|十[一二三四五六七八九]?五")
PUNCT = re.compile(r"[，。；、：“”\s,.;:\"]")


# --- independent checks of what a clause states ------------------------------------------------

def clause_of(index, item):
    return index.clauses[item.citation.clause_id]


def facts_of(index, item, kind):
    return [f for f in index.facts.get(item.citation.clause_id, []) if f.kind == kind]


def states_value(text: str, value: str) -> bool:
    """The clause names this value as a whole number (92% is not inside 192%, 10项 not inside 100项)."""
    m = re.match(r"^(\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)?)(\D*)$", value)
    if not m:
        return fold(value) in fold(text)
    number = m.group(1).replace("-", "[-~～]")
    return re.search(rf"(?<![\d.]){number}(?![\d.]){re.escape(m.group(2))}", fold(text)) is not None


def years_in(expr: str) -> set[str]:
    return set(YEAR_OR_PLAN.findall(expr))


def responsible(index, item) -> set[str]:
    return {u for f in facts_of(index, item, "responsibility") for u in (*f.units, *f.implicit_units)}


def restates(text: str, statement: str) -> bool:
    """The statement is the clause's own words, possibly with the governing deadline put in front."""
    body = statement.rstrip("。")
    if body in text:
        return True
    head, _, rest = body.partition("，")
    return head in text and rest in text


def body_of(stem: str) -> str:
    """A stem without its 根据《…》（…）， lead and 填空： marker."""
    body = stem.split("填空：", 1)[1] if "填空：" in stem else stem
    return re.sub(r"^根据.*?）[，：]", "", body, count=1)


# --- the correctness test over every item -------------------------------------------------------

def test_every_item_is_answered_by_its_clause_and_no_distractor_is_true(index):
    items = all_items(index)
    assert len(items) > 100
    checked = Counter()
    for item in items:
        clause = clause_of(index, item)
        text, c = clause.text, item.citation
        where = f"{item.item_id}: {item.stem}"
        assert c.text == text and c.quote in text and c.doc_id == clause.doc_id, where
        assert c.title == index.notices[c.doc_id].title and c.clause == clause.path, where
        assert c.quote in item.explanation, where
        assert item.item_id.startswith(c.clause_id + "#"), where

        if item.kind == "fill":
            assert item.options == () and item.stem.count(BLANK) == 1, where
            assert item.answer in text, where
            assert restates(text, body_of(item.stem).replace(BLANK, item.answer)), where
            if item.facet == "value":
                targets = facts_of(index, item, "target")
                assert any(f.value == item.answer and f.quote == c.quote for f in targets), where
            else:
                assert any(f.deadline == item.truth and item.answer in f.deadline
                           for f in facts_of(index, item, "deadline")), where
        elif item.kind == "choice":
            assert GAP in item.stem, where
            assert 3 <= len(item.options) <= 4 and len(set(item.options)) == len(item.options), where
            assert item.options.count(item.answer) == 1, where
            wrong = [o for o in item.options if o != item.answer]
            if item.facet == "value":
                assert any(f.value == item.answer for f in facts_of(index, item, "target")), where
                assert states_value(text, item.answer), where
                for o in wrong:
                    assert not states_value(text, o), f"{where}: distractor {o} is stated in the clause"
                    assert o not in {f.value for f in facts_of(index, item, "target")}, where
                assert restates(text, body_of(item.stem).replace(GAP, item.answer)), where
            elif item.facet == "deadline":
                assert any(f.deadline == item.answer for f in facts_of(index, item, "deadline")), where
                for o in wrong:
                    assert years_in(o) and not any(y in text for y in years_in(o)), f"{where}: {o} is in the clause"
                assert restates(text, body_of(item.stem).replace(GAP, item.answer)), where
            elif item.facet == "unit":
                explicit = {u for f in facts_of(index, item, "responsibility") for u in f.units}
                assert item.answer in explicit and item.answer in text, where
                for o in wrong:
                    assert o not in responsible(index, item), f"{where}: {o} is responsible for this clause"
                    assert fold(o) not in fold(text), f"{where}: {o} is named in the clause"
            else:  # source
                assert item.answer == index.notices[c.doc_id].title, where
                statement = PUNCT.sub("", fold(item.stem[item.stem.index("“") + 1: item.stem.rindex("”")]))
                titles = {n.title: d for d, n in index.notices.items()}
                tested = [f for f in facts_of(index, item, "target") if f.quote == c.quote]
                for o in wrong:
                    other = titles[o]
                    assert other != c.doc_id, where
                    full = PUNCT.sub("", fold("".join(cl.text for cl in index.clauses_of(other))))
                    assert statement not in full, f"{where}: {other} states it too"
                    assert not any(t.value == f.value and t.year == f.year
                                   for t in tested for f in index.facts_of(other, "target")), where
        else:  # judge
            assert item.answer in (TRUE, FALSE) and item.shown, where
            statement = body_of(item.stem)
            if item.answer == TRUE:
                assert item.shown == item.truth, where
                if item.facet == "unit" and "责任单位包括" in statement:
                    assert item.shown in responsible(index, item), where
                else:
                    assert restates(text, statement), where
            else:
                assert item.shown != item.truth, where
                if item.facet == "unit" and "责任单位包括" in statement:
                    assert item.shown not in responsible(index, item) and item.shown not in text, where
                else:
                    # exactly one fact changed: putting the truth back gives the clause's words
                    assert restates(text, statement.replace(item.shown, item.truth, 1)), where
                    assert not restates(text, statement), where
                    if item.facet == "value":
                        assert not states_value(text, item.shown), where
                    elif item.facet == "deadline":
                        assert not any(y in text for y in years_in(item.shown)), where
                    else:
                        assert item.shown not in responsible(index, item) and item.shown not in text, where
        checked[item.kind] += 1
    assert set(checked) == set(QUIZ_KINDS)
    print("\nitems per kind:", dict(checked))


def test_every_fact_yields_its_items(index):
    items = all_items(index)
    by = Counter((i.citation.clause_id, i.kind, i.facet, i.truth) for i in items)
    for fact in index.facts_of(kind="target"):
        for kind in QUIZ_KINDS:
            assert by[(fact.clause_id, kind, "value", fact.value)], (fact, kind)
    for fact in index.facts_of(kind="deadline"):
        if fact.year is not None:
            assert by[(fact.clause_id, "fill", "deadline", fact.deadline)], fact
            assert by[(fact.clause_id, "choice", "deadline", fact.deadline)], fact
    for fact in index.facts_of(kind="responsibility"):
        for unit in fact.units:
            assert by[(fact.clause_id, "choice", "unit", unit)], (fact.clause_id, unit)
    per_doc = Counter(i.citation.doc_id for i in items)
    assert set(per_doc) == set(index.notices), per_doc


def test_known_items(index):
    items = {(i.citation.clause_id, i.kind, i.facet, i.truth): i for i in all_items(index)}
    fill = items[("nanchang-2023/一", "fill", "value", "92%")]
    assert fill.stem.endswith("填空：到2025年，全市强检计量器具检定覆盖率____以上。")
    assert fill.answer == "92%" and fill.citation.quote == "全市强检计量器具检定覆盖率92%以上"
    choice = items[("nanchang-2023/一", "choice", "value", "92%")]
    assert set(choice.options) == {"92%", "90%", "95%", "85%"}
    # 90% and 95% are stated in the clause, so 郴州's 受检率 95% gets neither as a distractor
    chen = items[("chenzhou-2011/二/(二)", "choice", "value", "95%")]
    assert not {"90%", "100%"} & set(chen.options)
    # 市市场监管部门 is the same body as 市市场监管局: never a wrong option against it
    for item in all_items(index):
        if item.facet == "unit" and item.kind == "choice" and "市市场监管局" in responsible(index, item):
            assert "市市场监管部门" not in item.options, item.item_id
    # the implicit units of 南昌 are never a wrong option in its later clauses
    later = [i for i in all_items(index) if i.citation.clause_id == "nanchang-2023/二/(二)" and i.kind == "choice"]
    assert later and all("开发区管委会" not in i.options for i in later)


def test_items_are_stable_across_loads(index_dir, embedder, index):
    from retriever.index import load_index

    again = all_items(load_index(index_dir, embedder))
    assert again is not all_items(index)
    assert [i.model_dump() for i in again] == [i.model_dump() for i in all_items(index)]
    ids = [i.item_id for i in again]
    assert len(ids) == len(set(ids))
    assert len({(i.kind, i.stem, i.options) for i in again}) == len(again)


def test_wrong_values_and_units_rules():
    from retriever.quiz import neighbours, unit_conflicts, unit_core, wrong_values

    assert neighbours("92%")[:3] == ["90%", "95%", "85%"]
    assert "100%" not in neighbours("98%")
    assert neighbours("3000项")[:2] == ["2500项", "3500项"]
    assert neighbours("1-2家")[:2] == ["3-4家", "5-6家"]
    assert neighbours("B级") == ["A级", "C级", "D级"]
    assert wrong_values("95%", "受检率达到95%以上，满足社会90%的需求")[:2] == ["85%", "80%"]
    assert wrong_values("10项", "计量标准100项以上，10项以上")[0] == "5项"  # 100项 does not state 10项
    assert [unit_core(u) for u in ("市工信局", "市市场监管局", "市场监管总局", "市委网信办")] == [
        "工信", "市场监管", "市场监管", "网信"]
    assert unit_conflicts("市市场监管部门", "加强计量标准建设。", ["市市场监管局"])  # same body
    assert unit_conflicts("市市场监管局", "质量技术监督部门要牵头", ["质量技术监督部门"])  # its predecessor
    assert unit_conflicts("市发改委", "由市场监管部门牵头,市发改、工信等部门参与", [])  # named in the clause
    assert unit_conflicts("开发区管委会", "任务", ["市市场监管局", "开发区管委会"])
    assert not unit_conflicts("市水利局", "加强计量标准建设。", ["市市场监管局"])


# --- papers ---------------------------------------------------------------------------------

def test_paper_is_deterministic_and_reproducible_from_its_id(index):
    a, b = make_paper(index, 20, seed=7), make_paper(index, 20, seed=7)
    assert a == b and len(a.items) == 20
    assert [i.item_id for i in make_paper(index, 20, seed=8).items] != [i.item_id for i in a.items]
    assert paper_from_id(index, a.paper_id) == a
    assert make_paper(index, 5).seed > 0  # a random seed is recorded so the paper can be graded


def test_paper_has_no_duplicates_and_spreads_over_sentences_and_kinds(index):
    paper = make_paper(index, 21, seed=3)
    assert len({i.item_id for i in paper.items}) == 21
    assert Counter(i.kind for i in paper.items) == {"fill": 7, "choice": 7, "judge": 7}
    assert [i.kind for i in paper.items] == sorted((i.kind for i in paper.items), key=QUIZ_KINDS.index)
    sentences = {(i.citation.clause_id, i.citation.quote) for i in paper.items}
    assert len(sentences) >= 18
    full = make_paper(index, 100, seed=1)
    assert len(full.items) == 100 == len({(i.kind, i.stem, i.options) for i in full.items})


def test_paper_filters(index):
    fills = make_paper(index, 10, kinds=["fill"], seed=1)
    assert {i.kind for i in fills.items} == {"fill"}
    wz = make_paper(index, 15, kinds=["choice", "judge"], doc_ids=["wenzhou"], seed=1)
    assert {i.citation.doc_id for i in wz.items} == {"wenzhou"} and {i.kind for i in wz.items} <= {"choice", "judge"}
    small = make_paper(index, 100, doc_ids=["samr-2022"], seed=1)
    pool = [i for i in all_items(index) if i.citation.doc_id == "samr-2022"]
    assert len(small.items) == len(pool) and small.n == 100


@pytest.mark.parametrize("kwargs, message", [
    ({"n": 0}, "between 1 and 100"),
    ({"n": 101}, "between 1 and 100"),
    ({"n": 5, "kinds": ["essay"]}, "unknown question kinds: essay"),
    ({"n": 5, "doc_ids": ["nope"]}, "unknown doc_ids: nope"),
])
def test_paper_rejects_bad_requests(index, kwargs, message):
    with pytest.raises(QuizError, match=message):
        make_paper(index, seed=1, **kwargs)


# --- grading --------------------------------------------------------------------------------

def test_grade_right_wrong_and_blank(index):
    paper = make_paper(index, 12, seed=5)
    right = {i.item_id: i.answer for i in paper.items}
    result = grade(index, right, paper.paper_id)
    assert (result.correct, result.total, result.score) == (12, 12, 100.0)
    assert all(g.citation.clause_id for g in result.items)

    wrong = {i.item_id: next(o for o in i.options if o != i.answer) if i.kind == "choice"
             else (FALSE if i.answer == TRUE else TRUE) if i.kind == "judge" else "不知道" for i in paper.items}
    assert grade(index, wrong, paper.paper_id).correct == 0

    first = paper.items[0]
    partial = grade(index, {first.item_id: first.answer}, paper.paper_id)
    assert (partial.correct, partial.total) == (1, 12)
    assert [g.given for g in partial.items[1:]] == [None] * 11
    by_ids = grade(index, {first.item_id: first.answer})
    assert (by_ids.correct, by_ids.total, by_ids.paper_id) == (1, 1, None)


def test_answers_are_read_as_candidates_write_them(index):
    items = {(i.citation.clause_id, i.kind, i.facet, i.truth): i for i in all_items(index)}
    fill = items[("nanchang-2023/一", "fill", "value", "92%")]
    assert all(is_correct(fill, g) for g in ("92%", "92", "９２％", " 92% "))
    assert not is_correct(fill, "90%") and not is_correct(fill, "")
    year = next(i for i in all_items(index) if i.kind == "fill" and i.facet == "deadline" and i.answer == "2011")
    assert is_correct(year, "2011") and is_correct(year, "2011年")
    choice = items[("nanchang-2023/一", "choice", "value", "92%")]
    label = "ABCD"[choice.options.index("92%")]
    assert is_correct(choice, label) and is_correct(choice, label.lower()) and is_correct(choice, f"{label}. 92%")
    assert is_correct(choice, "92%") and not is_correct(choice, "ABCD".replace(label, "")[0])
    judge_true = next(i for i in all_items(index) if i.kind == "judge" and i.answer == TRUE)
    assert all(is_correct(judge_true, g) for g in ("正确", "对", "√", "T", "true"))
    assert not is_correct(judge_true, "错")


def test_grade_rejects_unknown_ids_and_foreign_papers(index):
    with pytest.raises(QuizError, match="unknown item ids: nope"):
        grade(index, {"nope": "A"})
    paper = make_paper(index, 3, seed=1)
    other = make_paper(index, 3, seed=2).items[0]
    with pytest.raises(QuizError, match="not in paper"):
        grade(index, {other.item_id: "A"}, paper.paper_id)
    with pytest.raises(QuizError, match="not one this service issued"):
        grade(index, {}, "garbage.1234")
    key, _, _ = paper.paper_id.rpartition(".")
    with pytest.raises(QuizError, match="earlier version of the notices"):
        grade(index, {}, key + ".00000000")


# --- exports --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def paper(index):
    return make_paper(index, 20, seed=7)


def test_export_json_and_csv_round_trip(paper, tmp_path):
    from retriever.export import write

    data = json.loads(write(paper, "json", tmp_path / "p.json").read_text(encoding="utf-8"))
    assert data["paper_id"] == paper.paper_id and data["seed"] == 7
    assert [d["item_id"] for d in data["items"]] == [i.item_id for i in paper.items]
    assert [d["answer_key"] for d in data["items"]] == [i.answer_key for i in paper.items]
    assert all(d["citation"]["quote"] in d["citation"]["text"] for d in data["items"])

    raw = write(paper, "csv", tmp_path / "p.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so spreadsheet programs read UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["item_id"] for r in rows] == [i.item_id for i in paper.items]
    for row, item in zip(rows, paper.items):
        assert row["answer"] == item.answer_key and row["clause_id"] == item.citation.clause_id
        options = [row[k] for k in ("option_a", "option_b", "option_c", "option_d")]
        assert options[: len(item.options)] == list(item.options)


def test_export_markdown_has_the_key_after_the_questions(paper, tmp_path):
    from retriever.export import write

    md = write(paper, "md", tmp_path / "p.md").read_text(encoding="utf-8")
    questions, key = md.split("## 答案与解析")
    for no, item in enumerate(paper.items, 1):
        assert f"\n{no}. " in questions
        assert f"{no}. **{item.answer_key}**" in key and item.citation.clause_id in key
    assert "## 一、填空题" in questions and "## 二、单选题" in questions and "## 三、判断题" in questions
    assert "**" not in questions


def test_export_anki_deck(paper, tmp_path):
    import genanki

    from retriever.export import ANKI_DECK_ID, write

    path = write(paper, "apkg", tmp_path / "p.apkg")
    with zipfile.ZipFile(path) as z:
        (tmp_path / "col.sqlite").write_bytes(z.read("collection.anki2"))
    db = sqlite3.connect(tmp_path / "col.sqlite")
    guids = {row[0] for row in db.execute("select guid from notes")}
    assert guids == {genanki.guid_for(i.item_id) for i in paper.items}
    assert db.execute("select count(distinct did) from cards").fetchone()[0] == 1
    assert db.execute("select did from cards limit 1").fetchone()[0] == ANKI_DECK_ID
    db.close()


def test_cli_quiz_writes_each_format(index_dir, monkeypatch, tmp_path, capsys):
    import cli
    from retriever.config import get_settings

    monkeypatch.setenv("METROKB_INDEX_DIR", str(index_dir))
    get_settings.cache_clear()
    try:
        for fmt in ("json", "csv", "md", "apkg"):
            out = tmp_path / f"paper.{fmt}"
            assert cli.main(["quiz", "--n", "20", "--seed", "7", "--format", fmt, "-o", str(out)]) == 0
            assert out.stat().st_size > 0
        data = json.loads((tmp_path / "paper.json").read_text(encoding="utf-8"))
        assert len(data["items"]) == 20 and data["seed"] == 7
        assert cli.main(["quiz", "--n", "5", "--seed", "1", "--kinds", "fill", "--doc-ids", "wenzhou",
                         "--format", "json"]) == 0
        printed = json.loads(capsys.readouterr().out)
        assert {(d["kind"], d["citation"]["doc_id"]) for d in printed["items"]} == {("fill", "wenzhou")}
        assert cli.main(["quiz", "--n", "5", "--kinds", "essay"]) == 2
        assert "unknown question kinds" in capsys.readouterr().err
        assert cli.main(["quiz", "--stats"]) == 0
        assert "nanchang-2023" in capsys.readouterr().out
    finally:
        get_settings.cache_clear()


# --- HTTP -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client(index):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from server.quiz_routes import router

    app = FastAPI()
    app.state.engine = SimpleNamespace(index=index)
    app.include_router(router)
    with TestClient(app) as c:
        yield c


def test_http_quiz_and_grade(client, index):
    r = client.post("/quiz", json={"n": 10, "seed": 7, "kinds": ["choice", "judge"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["questions"]) == 10 and body["seed"] == 7
    assert all(set(q) == {"item_id", "kind", "stem", "options"} for q in body["questions"])  # no answers leak
    assert client.post("/quiz", json={"n": 10, "seed": 7, "kinds": ["choice", "judge"]}).json() == body

    known = {i.item_id: i for i in all_items(index)}
    answers = {q["item_id"]: known[q["item_id"]].answer for q in body["questions"][:7]}
    g = client.post("/quiz/grade", json={"paper_id": body["paper_id"], "answers": answers})
    assert g.status_code == 200, g.text
    result = g.json()
    assert (result["correct"], result["total"], result["score"]) == (7, 10, 70.0)
    first = result["items"][0]
    assert first["correct"] and first["citation"]["clause_id"] and first["citation"]["quote"] in first["explanation"]


@pytest.mark.parametrize("path, payload, status, message", [
    ("/quiz", {"n": 0}, 422, "greater than or equal to 1"),
    ("/quiz", {"n": 101}, 422, "less than or equal to 100"),
    ("/quiz", {"n": 5, "kinds": ["essay"]}, 422, "'fill', 'choice' or 'judge'"),
    ("/quiz", {"n": 5, "doc_ids": ["nope"]}, 400, "unknown doc_ids: nope"),
    ("/quiz/grade", {"answers": {"nope": "A"}}, 400, "unknown item ids: nope"),
    ("/quiz/grade", {"paper_id": "garbage", "answers": {}}, 400, "not one this service issued"),
    ("/quiz/grade", {"answers": {}}, 400, "no answers given"),
])
def test_http_errors(client, path, payload, status, message):
    r = client.post(path, json=payload)
    assert r.status_code == status, r.text
    assert message in r.text
