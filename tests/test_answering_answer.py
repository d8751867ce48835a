"""Answers over real HTTP with the real index: the value first, the right clause cited, honest abstention."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from retriever.config import Settings
from retriever.engine import Engine
from server.app import create_app


@pytest.fixture(scope="module")
def client(index_dir, embedder):
    settings = Settings(index_dir=index_dir)
    with TestClient(create_app(settings, Engine(settings), with_ui=False)) as c:
        yield c


def ask(client, question, **body):
    r = client.post("/ask", json={"question": question, **body})
    assert r.status_code == 200, r.text
    return r.json()


def first_sentence(answer: str) -> str:
    return answer.split("\n")[0]


# question, type, first cited clause, values the direct answer must state
CASES = [
    ("南昌到2025年强检计量器具检定覆盖率要达到多少？", "target", "nanchang-2023/一", ["92%", "以上", "2025"]),
    ("南昌县级社会公用计量标准新建和改造的目标是几项？", "target", "nanchang-2023/一", ["30项"]),
    ("温州到2025年底县级法定计量检定机构强制检定能力要达到什么水平？", "target", "wenzhou/(一)/2", ["B级", "60%"]),
    ("温州新增省级产业计量测试中心的目标是几家？", "target", "wenzhou/(三)/9", ["1-2家"]),
    ("湖南到“十四五”末全省社会公用计量标准要达到多少项？", "target", "hunan-2022/四", ["3000项"]),
    ("郴州要求关系国计民生的计量器具受检率达到多少？", "target", "chenzhou-2011/二/(二)", ["95%"]),
    ("温州新增诚信计量承诺单位1000家的目标要在哪一年完成？", "deadline", "wenzhou/(四)/15", ["2025"]),
    ("郴州从哪一年起把集贸市场在用衡器检定经费纳入财政预算？", "deadline", "chenzhou-2011/四/(三)", ["2011"]),
    (
        "南昌推进计量执法体系建设由哪些单位负责？",
        "responsibility",
        "nanchang-2023/四/(十二)",
        ["市市场监管局", "市公安局", "市司法局", "开发区管委会"],
    ),
    ("全国的计量技术委员会体系由谁统一管理？", "responsibility", "samr-2022/二/(四)", ["市场监管总局"]),
    ("郴州湘政发那份文件的文号是什么？", "metadata", "chenzhou-2011/header", ["郴政发〔2011〕17号"]),
    ("湖南省市场监管局这份措施的文号是多少？", "metadata", "hunan-2022/header", ["湘市监计量〔2022〕139号"]),
    ("市场监管总局办公厅的指导意见是哪天印发的？", "metadata", "samr-2022/header", ["2022年6月28日"]),
    ("南昌对智慧计量监管平台有什么要求？", "general", "nanchang-2023/四/(十四)", ["智慧计量监管平台"]),
]


@pytest.mark.parametrize("question,qtype,clause_id,values", CASES, ids=[c[0][:14] for c in CASES])
def test_answer_states_value_and_cites_the_clause(client, question, qtype, clause_id, values):
    body = ask(client, question)
    assert not body["abstained"], body["answer"]
    assert body["question_type"] == qtype
    assert body["citations"][0]["clause_id"] == clause_id
    direct = first_sentence(body["answer"])
    for value in values:
        assert value in direct, (value, direct)
    assert "[1]" in direct
    for citation in body["citations"]:
        assert citation["quote"] and citation["quote"] in citation["text"]


def test_every_cited_quote_supports_the_direct_value(client):
    body = ask(client, "南昌到2025年强检计量器具检定覆盖率要达到多少？")
    assert "92%以上" in body["citations"][0]["quote"]
    assert body["citations"][0]["clause"] == "一、"


def test_nanchang_responsibility_includes_the_units_stated_once(client):
    body = ask(client, "南昌计量执法体系建设的责任单位有哪些？")
    direct = first_sentence(body["answer"])
    assert "湾里管理局" in direct and "各县（区）人民政府" in direct
    assert [c["clause_id"] for c in body["citations"]] == ["nanchang-2023/四/(十二)", "nanchang-2023/二/(一)"]
    assert "不再单独列出" in body["citations"][1]["quote"]


def test_same_question_about_two_regions_cites_two_notices(client):
    nanchang = ask(client, "南昌新增诚信计量承诺单位的目标是多少家？")
    wenzhou = ask(client, "温州新增诚信计量承诺单位的目标是多少家？")
    assert nanchang["citations"][0]["doc_id"] == "nanchang-2023" and "300家" in first_sentence(nanchang["answer"])
    assert wenzhou["citations"][0]["doc_id"] == "wenzhou" and "1000家" in first_sentence(wenzhou["answer"])


def test_comparison_answers_one_cited_line_per_notice(client):
    body = ask(client, "南昌和温州的诚信计量承诺单位目标分别是多少？")
    assert body["question_type"] == "comparison"
    lines = body["answer"].split("\n")
    assert lines[0].startswith("南昌市") and "300家" in lines[0] and "[1]" in lines[0]
    assert lines[1].startswith("温州市") and "1000家" in lines[1] and "[2]" in lines[1]
    assert [c["doc_id"] for c in body["citations"]] == ["nanchang-2023", "wenzhou"]


def test_traditional_characters_are_understood(client):
    body = ask(client, "溫州到2025年累計服務企業要達到多少家？")
    assert body["citations"][0]["clause_id"] == "wenzhou/(三)/10"
    assert "1200家" in first_sentence(body["answer"])


def test_english_question_is_answered_in_chinese(client):
    body = ask(
        client, "What is Nanchang's 2025 target for the verification coverage rate of compulsory measuring instruments?"
    )
    assert body["citations"][0]["clause_id"] == "nanchang-2023/一"
    assert "92%" in first_sentence(body["answer"])


@pytest.mark.parametrize(
    "question,reason",
    [
        ("北京市强检计量器具检定覆盖率目标是多少？", "北京"),
        ("郴州到2025年的强检覆盖率目标是多少？", "2025"),
        ("南昌文件的文号是什么？", "文号"),
        ("如何做红烧肉？", ""),
        ("你好", ""),
    ],
)
def test_abstains_when_the_notices_do_not_answer(client, question, reason):
    body = ask(client, question)
    assert body["abstained"], body["answer"]
    assert body["citations"] == []
    assert reason in body["answer"]


def test_a_target_without_a_number_is_said_to_have_none(client):
    body = ask(client, "重点用能单位的能源计量器具配备率要求是多少？")
    assert body["abstained"] and "未规定具体数值" in body["answer"], body["answer"]
    assert "配备率大幅提高" in body["answer"]  # what the notice does say about it


def test_explicit_filter_restricts_the_notice(client):
    body = ask(client, "诚信计量承诺单位的目标是多少家？", filters={"doc_id": "nanchang-2023"})
    assert body["citations"][0]["doc_id"] == "nanchang-2023"


def test_latency_is_reported(client):
    assert ask(client, "湖南每年新建社会公用计量标准多少项？")["latency_ms"] > 0
