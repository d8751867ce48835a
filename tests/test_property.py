"""Never a 500: every clause of every document — the five notices, and the shared regulations when they are
here — asked about by its heading and by its first sentence, and generated noise, over real HTTP. Each
request gets 200 with a well-formed body (an answer whose markers point into its citations and whose quotes
are spans of their clauses, or an abstention with its reason), or a 400 that says what was wrong."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from retriever.config import Settings
from retriever.engine import Engine
from server.app import create_app

NOISE = [
    "？？？",
    "。",
    "计",
    "a",
    "!!!",
    "计量law第9条?",
    "第条",
    "《》",
    "(一)",
    "罚款多少？",
    "谁？",
    "2025年",
    "Ｑ＆Ａ：計量？",
    "计量" * 499 + "吗",
    "😀 计量 😀",
    "<script>alert(1)</script>",
    "  计量  ",
    "SELECT * FROM clauses;",
    "第一百零二条",
    "附件",
    "旧版",
    "那温州呢？",
    "什么是？",
]


def questions(index) -> list[str]:
    """From each clause: its heading (or path) asked about, and its first sentence asked back."""
    asked = []
    for clause in index.clauses.values():
        head = (clause.heading or clause.path).strip()
        if head:
            asked.append(f"{head}有什么规定？")
        first = re.split(r"[。；\n]", clause.text.strip(), maxsplit=1)[0][:60]
        if first:
            asked.append(f"{first}？")
    return asked


def well_formed(body: dict) -> None:
    assert set(body) >= {"answer", "abstained", "question_type", "citations", "related"}
    assert body["answer"].strip()
    if body["abstained"]:
        assert not body["citations"]
        return
    assert body["citations"], body
    for citation in body["citations"]:
        assert citation["quote"] and citation["quote"] in citation["text"]
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", body["answer"])}
    assert markers and markers <= set(range(1, len(body["citations"]) + 1)), body["answer"]


def ask_all(index_dir, index) -> None:
    settings = Settings(_env_file=None, index_dir=index_dir, api_key=None, admin_key=None, keys={})
    with TestClient(create_app(settings, Engine(settings, build_if_missing=False), with_ui=False)) as client:
        for question in questions(index) + NOISE:
            r = client.post("/ask", json={"question": question})
            assert r.status_code == 200, (question, r.status_code, r.text[:300])
            well_formed(r.json())
        for question in ("计" * 1001, "", "   ", "\x00计量"):
            r = client.post("/ask", json={"question": question})
            assert r.status_code == 400 and r.json()["detail"], question


def test_every_notice_clause_and_noise_get_a_well_formed_answer(index_dir, index):
    ask_all(index_dir, index)


def test_every_regulation_clause_gets_a_well_formed_answer(regulations_index_dir, regulations_index):
    ask_all(regulations_index_dir, regulations_index)


@pytest.mark.parametrize("question", ["强制检定的周期由谁来确定？", "强制检定的周期由谁确定？谁负责？"])
def test_a_score_tie_between_facts_is_no_500(regulations_index_dir, regulations_index, question):
    """The question of the issue that once ended in TypeError: '>' not supported between 'Fact' and 'Fact'."""
    settings = Settings(_env_file=None, index_dir=regulations_index_dir, api_key=None, admin_key=None, keys={})
    with TestClient(create_app(settings, Engine(settings, build_if_missing=False), with_ui=False)) as client:
        r = client.post("/ask", json={"question": question})
    assert r.status_code == 200
    well_formed(r.json())
