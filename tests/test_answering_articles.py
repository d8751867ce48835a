"""Answers from laws and regulations, on documents written here in their shapes (tests/data/regulations: a
national law, two versions of a provincial regulation, a new city's notice without a catalog entry) beside the
five notices: the document and article named, values in the direct answer, what is missing said, versions,
references, places from the index."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from retriever.answering.answer import ask

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "regulations"
OLD, NEW = "某某省计量条例-2016-05-27", "某某省计量条例-2021-09-29"
LAW = "中华人民共和国某某计量法"


@pytest.fixture(scope="module")
def index(tmp_path_factory, embedder):
    from retriever.index import build_index, load_index

    kb = tmp_path_factory.mktemp("kb")
    for path in (ROOT / "kb").iterdir():
        shutil.copy(path, kb)
    path = tmp_path_factory.mktemp("index")
    report = build_index(kb, path, embedder, extra_dirs=[DATA])
    assert not report.skipped, report.skipped
    return load_index(path, embedder)


def first_line(answer) -> str:
    return answer.answer.split("\n")[0]


def test_a_penalty_names_the_document_article_and_amount(index):
    answer = ask(index, "某某省使用没检定过的计量器具，罚款多少？")
    assert not answer.abstained
    assert first_line(answer).startswith("《某某省计量器具监督条例》（2021年9月29日修正版）第六条：")
    assert "一千元以上五千元以下" in first_line(answer)
    assert answer.citations[0].clause_id == f"{NEW}/第六条" and answer.citations[0].version == "2021年9月29日修正版"
    assert answer.citations[0].quote in answer.citations[0].text


def test_the_article_a_penalty_rests_on_is_cited_second(index):
    answer = ask(index, "某某省使用没检定过的计量器具，罚款多少？")
    assert [c.clause_id for c in answer.citations[:2]] == [f"{NEW}/第六条", f"{NEW}/第三条"]
    assert answer.citations[1].part == "第二款" and "所引第三条" in answer.answer


def test_a_fine_without_an_amount_is_said_to_be_missing(index):
    answer = ask(index, "某某省计量检定机构出具虚假检定证书，罚款多少钱？")
    assert answer.abstained
    assert answer.answer.startswith("《某某省计量器具监督条例》（2021年9月29日修正版）第七条未规定罚款数额")
    assert "给予警告" in answer.answer and answer.related[0].clause_id == f"{NEW}/第七条"


def test_how_a_fine_is_handled_is_answered_without_an_amount(index):
    answer = ask(index, "某某省计量检定机构出具虚假检定证书会受到什么处罚？")
    assert not answer.abstained and answer.citations[0].clause_id == f"{NEW}/第七条"
    assert "给予警告" in first_line(answer)


def test_a_time_limit_and_who_receives_the_application(index):
    answer = ask(index, "在某某省申请检定后，检定机构几个工作日内要完成？向谁申请？")
    assert not answer.abstained and answer.citations[0].clause_id == f"{NEW}/第四条"
    assert "五个工作日" in first_line(answer) and "所在地计量检定机构" in first_line(answer)


def test_the_current_version_answers_and_an_older_one_that_differs_is_noted(index):
    answer = ask(index, "某某省检定机构受理申请后几个工作日内完成检定？")
    assert "五个工作日" in first_line(answer)
    assert "十个工作日" in answer.answer and "2016年版" in answer.answer  # the note on the older wording
    assert {c.clause_id for c in answer.citations} == {f"{NEW}/第四条", f"{OLD}/第四条"}


def test_an_older_version_answers_when_asked_for(index):
    answer = ask(index, "旧版某某省计量器具监督条例规定，检定机构几个工作日内完成检定？")
    assert answer.citations[0].clause_id == f"{OLD}/第四条" and "十个工作日" in first_line(answer)
    assert answer.citations[0].version == "2016年版"


def test_a_definition(index):
    answer = ask(index, "某某省条例所称的计量器具是什么？")
    assert answer.citations[0].clause_id == f"{NEW}/第二条"
    assert "能用以直接或者间接测出被测对象量值的装置" in first_line(answer)


def test_a_list_gives_every_item(index):
    answer = ask(index, "某某省哪些计量器具实行强制检定？")
    assert answer.citations[0].clause_id == f"{NEW}/第三条"
    line = first_line(answer)
    assert all(item in line for item in ("用于贸易结算的衡器", "用于医疗卫生的血压计", "用于安全防护的压力表"))


def test_a_permission_question_quotes_the_rule(index):
    answer = ask(index, "在某某省，没按规定申请检定的计量器具能不能使用？")
    assert answer.citations[0].clause_id == f"{NEW}/第三条" and "不得使用" in first_line(answer)


def test_who_decides_names_the_body(index):
    answer = ask(index, "计量检定机构的设置办法由谁制定？")
    assert answer.citations[0].clause_id == f"{LAW}/第二条" and "国务院计量行政部门" in first_line(answer)


def test_a_law_names_its_article_and_time_limit(index):
    answer = ask(index, "对行政处罚决定不服，多少日内可以向法院起诉？")
    assert first_line(answer).startswith("《中华人民共和国某某计量法》第三条：") and "十五日" in first_line(answer)


def test_when_a_law_takes_effect(index):
    answer = ask(index, "某某计量法什么时候开始施行？")
    assert answer.citations[0].clause_id == f"{LAW}/第四条" and "1990年7月1日" in first_line(answer)


def test_a_new_city_without_a_catalog_entry_is_a_region_the_answerer_knows(index):
    answer = ask(index, "嘉兴到2025年强检计量器具检定覆盖率目标是多少？")
    assert not answer.abstained and "95%" in first_line(answer)
    assert answer.citations[0].doc_id == "嘉兴实施意见"


def test_jiaxing_in_english_is_the_same_region(index):
    answer = ask(index, "What is Jiaxing's 2025 target for compulsory verification coverage?")
    assert not answer.abstained and answer.citations[0].doc_id == "嘉兴实施意见"


def test_a_notice_task_without_units_says_so(index):
    answer = ask(index, "嘉兴开展计量宣传的责任单位是哪些？")
    assert "未列明责任单位" in answer.answer


def test_a_place_no_document_covers_is_refused_honestly(index):
    answer = ask(index, "北京市计量条例规定的强制检定范围包括哪些？")
    assert answer.abstained and "北京" in answer.answer


def test_a_period_no_article_states_is_not_guessed(index):
    answer = ask(index, "血压计的强制检定周期是多长时间？")
    assert answer.abstained and not answer.citations


def test_how_long_a_certificate_stays_valid_is_not_answered_by_a_time_limit_to_act(index):
    """A validity period (有效期) is a duration of its own kind: five working days to complete verification
    does not state how long the certificate is valid."""
    answer = ask(index, "某某省计量检定机构受理检定申请后，检定结果的有效期多久？")
    assert answer.abstained and first_line(answer).startswith(
        "《某某省计量器具监督条例》（2021年9月29日修正版）第四条未规定具体期限"
    )
    assert "五个工作日" in first_line(ask(index, "某某省检定机构受理申请后几个工作日内完成检定？"))


def test_an_item_of_a_list_is_quoted_with_the_introduction_it_completes(index):
    """An item alone (用于医疗卫生的血压计) does not say what it is a case of; its list's introduction does."""
    answer = ask(index, "某某省用于医疗卫生的血压计要不要强制检定？")
    assert answer.citations[0].clause_id == f"{NEW}/第三条"
    line = first_line(answer)
    assert "用于医疗卫生的血压计" in line and "实行强制检定" in line
