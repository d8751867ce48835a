"""The chat's thumbs up/down become evaluation questions: real answers in, a loadable set out."""

from __future__ import annotations

import json

from eval.dataset import load_set
from eval.feedback import from_feedback
from retriever.answering.answer import ask
from ui.feedback import record_feedback


def _turn(index, question):
    return {"message": question, "question": question, "filters": {}, "answer": ask(index, question).model_dump()}


def test_feedback_rows_become_reviewable_questions(index, tmp_path):
    path = tmp_path / "feedback.jsonl"
    record_feedback(path, "up", _turn(index, "南昌到2025年强检计量器具检定覆盖率目标是多少？"))
    record_feedback(path, "up", _turn(index, "北京市的计量工作目标是什么？"))
    record_feedback(path, "down", _turn(index, "温州要新增多少个诚信计量承诺单位？"))

    items, review = from_feedback(path)
    assert review == 1
    target, abstained, down = items
    assert target["gold"] == ["nanchang-2023/一"] and "92%" in target["must_contain"]
    assert target["type"] == "target"
    assert abstained["type"] == "unanswerable" and abstained["gold"] == []
    assert down["type"] == "REVIEW" and "MetroKB answered" in down["notes"]

    reviewed = tmp_path / "reviewed.jsonl"
    reviewed.write_text(
        "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items if i["type"] != "REVIEW"), encoding="utf-8"
    )
    loaded = load_set(reviewed)
    assert [i.id for i in loaded] == [target["id"], abstained["id"]]
