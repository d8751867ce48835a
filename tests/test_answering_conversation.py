"""Follow-up questions: which become standalone questions about a new place, year or the previous place."""

from __future__ import annotations

import pytest

from retriever.answering.answer import ask
from retriever.answering.conversation import kb_regions, resolve
from retriever.answering.query import understand

REGIONS = ["全国", "南昌", "温州", "湖南", "郴州"]
NANCHANG = "南昌到2025年强检计量器具检定覆盖率目标是多少？"
WENZHOU = "温州到2025年强检计量器具检定覆盖率目标是多少？"
HUNAN = "湖南到2025年强检计量器具检定覆盖率目标是多少？"
ENGLISH = "What is Nanchang's 2025 target for compulsory verification coverage?"


def test_kb_regions_come_from_the_notices(index):
    assert kb_regions(index) == sorted(REGIONS)


@pytest.mark.parametrize(
    "message", ["那温州呢？", "温州呢", "温州市呢？", "那温州的情况呢", "换成温州", "What about Wenzhou?"]
)
def test_a_place_alone_asks_the_previous_question_about_it(message, index):
    resolved = resolve(message, NANCHANG, index)
    assert resolved.kind == "switch"
    assert resolved.question == WENZHOU


def test_switches_chain_on_the_resolved_question(index):
    wenzhou = resolve("那温州呢？", NANCHANG, index).question
    assert resolve("换成湖南", wenzhou, index).question == HUNAN
    assert resolve("湖南省的呢？", wenzhou, index).question == HUNAN


def test_english_question_keeps_its_language(index):
    assert resolve("What about Wenzhou?", ENGLISH, index).question == ENGLISH.replace("Nanchang", "Wenzhou")
    assert resolve("and Hunan?", ENGLISH, index).question == ENGLISH.replace("Nanchang", "Hunan")


def test_a_year_alone_switches_the_year(index):
    resolved = resolve("那2030年呢？", NANCHANG, index)
    assert (resolved.kind, resolved.question) == ("switch", NANCHANG.replace("2025", "2030"))
    assert resolve("那温州2030年呢", NANCHANG, index).question == WENZHOU.replace("2025", "2030")


def test_a_place_outside_the_kb_is_switched_to_so_the_engine_can_decline(index):
    resolved = resolve("那北京呢？", NANCHANG, index)
    assert resolved.question == NANCHANG.replace("南昌", "北京")
    answer = ask(index, resolved.question)
    assert answer.abstained and "北京" in answer.answer


def test_comparison_follow_up_replaces_every_place(index):
    question = resolve("那湖南呢", "南昌和温州的强检覆盖率分别是多少？", index).question
    assert question == "湖南的强检覆盖率分别是多少？"
    both = resolve("那温州和郴州呢", NANCHANG, index).question
    assert both == NANCHANG.replace("南昌", "温州和郴州")


def test_previous_question_without_a_place_gets_one(index):
    question = resolve("那温州呢？", "强检计量器具检定覆盖率目标是多少？", index).question
    assert question == "温州强检计量器具检定覆盖率目标是多少？"


@pytest.mark.parametrize(
    "message, expected",
    [
        ("那谁负责？", "南昌谁负责？"),
        ("它的文号是什么？", "南昌的文号是什么？"),
        ("该文件的发布日期是哪天？", "南昌的发布日期是哪天？"),
    ],
)
def test_a_continuation_carries_the_previous_place(message, expected, index):
    resolved = resolve(message, NANCHANG, index)
    assert (resolved.kind, resolved.question) == ("carry", expected)


def test_english_continuation_carries_the_place(index):
    assert resolve("And what is its deadline?", ENGLISH, index).question == "what is Nanchang's deadline?"


@pytest.mark.parametrize(
    "message", ["温州的责任单位是谁？", "诚信计量承诺单位有多少家？", "湖南省社会公用计量标准要达到多少项？"]
)
def test_a_complete_question_is_asked_as_typed(message, index):
    resolved = resolve(message, NANCHANG, index)
    assert (resolved.kind, resolved.question, resolved.rewritten) == ("new", message, False)


def test_first_message_is_asked_as_typed(index):
    assert resolve(" 那温州呢？ ", None, index).question == "那温州呢？"


def test_resolved_follow_ups_are_answered_for_the_new_region(index):
    """The chat's three turns end to end: each answer draws only on the named region's notice.

    Neither Wenzhou's nor Hunan's notice sets a coverage target, so those turns may be declined,
    but only from that region's clauses and saying which notice lacks it.
    """
    previous, answers = None, []
    for message in (NANCHANG, "那温州呢？", "换成湖南"):
        question = resolve(message, previous, index).question
        assert understand(index, question).regions == [question[:2]]
        answers.append(ask(index, question))
        previous = question
    sources = [{c.doc_id for c in a.citations + a.related} for a in answers]
    assert sources == [{"nanchang-2023"}, {"wenzhou"}, {"hunan-2022"}]
    assert not answers[0].abstained
    assert "92%" in answers[0].answer
    assert "温州" in answers[1].answer and "湖南" in answers[2].answer


@pytest.mark.parametrize(
    ("previous", "message", "expected"),
    [
        ("计量标准要经过考核吗？", "不考核的话呢？", "计量标准要经过考核，不考核的话呢？"),
        ("维修计量器具要办许可证吗", "如果没有呢", "维修计量器具要办许可证，如果没有呢"),
        (
            "Do verifiers need a certificate?",
            "If not, what happens?",
            "Do verifiers need a certificate, if not, what happens?",
        ),
    ],
)
def test_a_follow_up_about_the_act_not_done_carries_the_previous_topic(previous, message, expected, index):
    assert resolve(message, previous, index).question == expected


def test_an_otherwise_follow_up_is_answered_from_the_previous_questions_subject(regulations_index):
    """进口… + 不办的话会怎么罚 alone names no subject: answered as the penalty for the act the first turn asked about."""
    question = resolve(
        "不申请的话要罚多少？", "外商在中国境内销售计量器具，要申请型式批准吗？", regulations_index
    ).question
    answer = ask(regulations_index, question)
    assert not answer.abstained, answer.answer
    assert answer.citations[0].clause_id == "进口计量器具监督管理办法-2016-02-06/第十六条"
    assert "百分之三十" in answer.answer


@pytest.mark.parametrize("which", ["index", "regulations_index"])
def test_the_chats_examples_are_questions_its_documents_answer(which, request):
    from retriever.answering.conversation import example_questions

    index = request.getfixturevalue(which)
    examples = example_questions(index)
    assert len(examples) == 6 and len(set(examples)) == 6
    assert len({e[:2] for e in examples}) >= 3  # taken from several documents in turn
    for question in examples:
        answer = ask(index, question)
        assert not answer.abstained and answer.citations, (question, answer.answer)


@pytest.mark.parametrize(
    "previous, message, expected",
    [
        ("加油机需要强制检定吗？", "那出租车计价器呢？", "出租车计价器需要强制检定吗?"),
        ("苏州的电子秤属于强制检定吗？", "血压计呢", "苏州的血压计属于强制检定吗?"),
        ("计量法什么时候开始施行？", "细则呢？", "细则什么时候开始施行?"),  # a document for a document
    ],
)
def test_a_new_subject_alone_asks_the_previous_question_about_it(previous, message, expected, regulations_index):
    assert resolve(message, previous, regulations_index).question == expected


@pytest.mark.parametrize(
    "previous, message, expected",
    [
        ("进口计量器具要办型式批准吗？", "谁来批？", "进口计量器具要办型式批准，谁来批？"),
        ("计量检定规程由谁制定？", "多久修订一次？", "计量检定规程由谁制定，多久修订一次？"),
        ("计量法第九条讲什么？", "这条是哪年修改的？", "计量法第九条是哪年修改的?"),  # the article named for 这条
        ("细则第二十二条是什么内容？", "违反了怎么罚？", "违反细则第二十二条怎么罚?"),
    ],
)
def test_a_short_question_naming_no_subject_is_asked_of_the_previous_one(
    previous, message, expected, regulations_index
):
    assert resolve(message, previous, regulations_index).question == expected


@pytest.mark.parametrize("message", ["计量检定人员需要持证上岗吗？", "细则第十条呢？"])
def test_a_follow_up_with_a_subject_of_its_own_is_asked_as_typed(message, regulations_index):
    assert resolve(message, "加油机需要强制检定吗？", regulations_index).question == message


def test_a_new_subject_follow_up_is_answered_for_it(regulations_index):
    asked = resolve("那出租车计价器呢？", "加油机需要强制检定吗？", regulations_index).question
    answer = ask(regulations_index, asked)
    assert not answer.abstained and "计价" in answer.answer


def test_the_penalty_asked_after_an_article_is_the_one_for_breaching_it(regulations_index):
    asked = resolve("违反了怎么罚？", "细则第二十二条是什么内容？", regulations_index).question
    answer = ask(regulations_index, asked)
    assert answer.citations[0].clause_id == "计量法实施细则-2022-03-29/第四十三条", answer.answer
