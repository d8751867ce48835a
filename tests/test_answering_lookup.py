"""Questions answered by lookup: an article by its number (and follow-ups to the next one or another paragraph),
a document's history, what changed between versions, and compound questions — on documents written here in the
shapes of laws, implementing rules in two versions, provincial and city regulations, a 办法 with a long title and
a 规定 numbered 一、二、 (tests/data/lookup), then on kb/ and the shared regulations when they are present."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from retriever.answering.answer import ask
from retriever.answering.compound import split_question
from retriever.answering.conversation import resolve, standalone
from retriever.answering.names import short_names

DATA = Path(__file__).resolve().parent / "data" / "lookup"
LAW = "中华人民共和国示例计量法"
OLD, NEW = "中华人民共和国示例计量法实施细则-2015-01-10", "中华人民共和国示例计量法实施细则-2020-06-30"
PROVINCE, CITY = "甲乙省计量监督管理条例", "丙丁市计量监督管理条例"
MEASURES = "中华人民共和国强制检验的工作量具管理办法"
RULES = "电学光学计量仪表检定的规定"


@pytest.fixture(scope="module")
def built(tmp_path_factory, embedder):
    from retriever.index import build_index

    path = tmp_path_factory.mktemp("lookup-index")
    report = build_index(DATA, path, embedder)
    assert not report.skipped, report.skipped
    return path


@pytest.fixture(scope="module")
def index(built, embedder):
    from retriever.index import load_index

    return load_index(built, embedder)


def first_line(answer) -> str:
    return answer.answer.split("\n")[0]


def cited(answer) -> list[str]:
    return [c.clause_id for c in answer.citations]


# --- short names, derived from titles --------------------------------------------------------------


@pytest.mark.parametrize(
    "title, names, not_names",
    [
        ("中华人民共和国示例计量法", {"示例计量法"}, {"细则", "示例计量法细则"}),
        (
            "中华人民共和国示例计量法实施细则",
            {"细则", "实施细则", "示例计量法细则", "示例计量法实施细则"},
            {"示例计量法"},
        ),
        ("江苏省产品质量监督条例", {"江苏条例", "江苏省条例", "产品条例"}, {"条例"}),
        ("中华人民共和国强制检验的工作量具管理办法", {"强检办法", "强制办法"}, {"办法"}),
        ("中华人民共和国进口量具监督管理办法", {"进口办法"}, {"办法"}),
        ("电力部门电学、光学计量仪表检定的规定", {"电力规定"}, {"规定"}),
        ("中华人民共和国食品安全法实施条例", {"实施条例", "食品安全法条例"}, {"条例", "食品安全法"}),
    ],
)
def test_short_names_follow_from_the_title(title, names, not_names):
    derived = short_names(title)
    assert names <= derived
    assert not (not_names & derived)


def test_a_title_names_its_own_document_before_another_abbreviation(tmp_path, embedder):
    from retriever.answering.lookup import documents_named
    from retriever.index import build_index, load_index

    for title in ("中华人民共和国劳动法", "中华人民共和国劳动合同法"):
        (tmp_path / f"{title}.md").write_text(
            f"# {title}\n\n1994年7月5日 第八届全国人民代表大会常务委员会第八次会议通过\n\n<!-- INFO END -->\n\n"
            f"第一条 为了保护劳动者的合法权益，制定{title.removeprefix('中华人民共和国')}。\n",
            encoding="utf-8",
        )
    build_index(tmp_path, tmp_path / "index", embedder)
    index = load_index(tmp_path / "index", embedder)
    assert documents_named(index, "劳动法第一条", 3) == {"中华人民共和国劳动法"}
    assert documents_named(index, "劳动合同法第一条", 5) == {"中华人民共和国劳动合同法"}


def test_an_article_of_a_code_held_in_parts_is_found_in_its_part(tmp_path, embedder):
    from retriever.index import build_index, load_index

    parts = {"总则": (1, 2), "合同编": (3, 4)}
    for part, numbers in parts.items():
        body = "\n\n".join(f"第{'一二三四'[n - 1]}条 {part}的第{n}条规定。" for n in numbers)
        (tmp_path / f"示例法典-{part}.md").write_text(
            f"# 中华人民共和国示例法典\n\n# {part}\n\n2020年5月28日 第十三届全国人民代表大会第三次会议通过\n\n"
            f"<!-- INFO END -->\n\n{body}\n",
            encoding="utf-8",
        )
    build_index(tmp_path, tmp_path / "index", embedder)
    index = load_index(tmp_path / "index", embedder)
    for n, part in ((1, "总则"), (4, "合同编")):
        answer = ask(index, f"示例法典第{'一二三四'[n - 1]}条讲的什么")
        assert not answer.abstained and f"{part}的第{n}条规定" in first_line(answer)
    assert "没有第五条" in ask(index, "示例法典第五条").answer


# --- an article by its number ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "question, clause_id",
    [
        ("《中华人民共和国示例计量法》第三条", f"{LAW}/第三条"),
        ("示例计量法第3条是什么内容？", f"{LAW}/第三条"),
        ("示例计量法第三条讲的什么", f"{LAW}/第三条"),
        ("细则第三条规定了什么", f"{NEW}/第三条"),
        ("示例计量法实施细则第三条原文", f"{NEW}/第三条"),
        ("甲乙条例第二条说的啥", f"{PROVINCE}/第二条"),
        ("丙丁条例第2条", f"{CITY}/第二条"),
        ("强检办法第二条讲什么", f"{MEASURES}/第二条"),
        ("细則第三條是什麼內容？", f"{NEW}/第三条"),
        ("What does Article 4 of the 示例计量法 say?", f"{LAW}/第四条"),
    ],
)
def test_an_article_is_looked_up_by_its_number(index, question, clause_id):
    answer = ask(index, question)
    assert not answer.abstained
    assert cited(answer)[0] == clause_id
    clause = index.clauses[clause_id]
    body = clause.text.split(" ", 1)[1].replace("\n", "")
    assert body in answer.answer  # the whole article is quoted


def test_the_answer_names_the_version_and_the_chapter(index):
    answer = ask(index, "示例计量法第三条讲的什么")
    assert first_line(answer).startswith("《中华人民共和国示例计量法》（2019年4月23日修正版）第三条（第二章 检 定）")
    assert answer.citations[0].quote in answer.citations[0].text


def test_several_articles_are_quoted_in_turn(index):
    answer = ask(index, "示例计量法第二条和第四条分别讲什么")
    assert cited(answer) == [f"{LAW}/第二条", f"{LAW}/第四条"] and "[2]" in answer.answer


def test_the_law_is_not_its_implementing_rules(index):
    assert cited(ask(index, "示例计量法第一条"))[0] == f"{LAW}/第一条"
    assert cited(ask(index, "示例计量法实施细则第一条"))[0] == f"{NEW}/第一条"


def test_a_paragraph_or_an_item_is_quoted_alone(index):
    answer = ask(index, "示例计量法第三条第二款是什么内容")
    assert "第三条第二款" in first_line(answer) and "未按照规定申请检定或者检定不合格的，不得使用。" in first_line(
        answer
    )
    assert "实行强制检定" not in answer.answer and answer.citations[0].part == "第二款"
    item = ask(index, "细则第二条第二项讲的什么")
    assert "具有正常工作所需要的环境条件" in first_line(item) and "经检定合格" not in item.answer


def test_a_number_the_document_does_not_have_is_said_so(index):
    answer = ask(index, "示例计量法第四十条规定了啥？")
    assert first_line(answer) == "《中华人民共和国示例计量法》（2019年4月23日修正版）共五条[1]，没有第四十条。"
    assert cited(answer) == [f"{LAW}/第五条"]
    assert "只有两款，没有第三款" in ask(index, "示例计量法第三条第三款").answer


def test_an_older_version_is_named_by_its_year(index):
    answer = ask(index, "细则2015年版第三条")
    assert cited(answer)[0] == f"{OLD}/第三条" and "二十日内" in first_line(answer)
    assert "2015年1月10日修订版" in first_line(answer)
    missing = ask(index, "细则2010年版第三条")
    assert cited(missing)[0] == f"{NEW}/第三条" and "没有该文件2010年的版本" in missing.answer


def test_a_name_several_local_documents_fit_asks_which(index):
    answer = ask(index, "条例第二条讲的什么")
    assert answer.abstained and "请说明是哪一个文件" in answer.answer
    assert "甲乙省计量监督管理条例" in answer.answer and "丙丁市计量监督管理条例" in answer.answer


def test_a_place_without_documents_is_not_answered_from_another_places_regulation(index):
    answer = ask(index, "北京条例第二条讲的什么")
    assert answer.abstained and "北京" in answer.answer and not answer.citations


def test_a_document_numbered_with_chinese_numerals_is_looked_up_too(index):
    answer = ask(index, "电学光学那个规定的第二条讲的是什么")
    assert cited(answer)[0] == f"{RULES}/二" and "主持仲裁检定" in first_line(answer)


def test_the_penalty_for_breaching_an_article_is_searched_not_looked_up(index):
    answer = ask(index, "违反甲乙条例第二条的，罚多少？")
    assert cited(answer)[0] == f"{PROVINCE}/第三条" and "五百元以上三千元以下" in first_line(answer)


def test_a_specific_question_about_an_article_puts_the_answer_first(index):
    answer = ask(index, "甲乙条例第三条罚多少？")
    assert cited(answer)[0] == f"{PROVINCE}/第三条" and "五百元以上三千元以下" in first_line(answer)


def test_when_an_article_was_amended_is_whether_its_words_differ_between_the_versions_held(index):
    changed = ask(index, "示例细则第三条是哪年修改的？")
    assert cited(changed) == [f"{NEW}/第三条", f"{OLD}/第三条"] and "第三条有改动" in first_line(changed)
    unchanged = ask(index, "示例细则第二条是什么时候修订的？")
    assert cited(unchanged) == [f"{NEW}/第二条"] and "没有变化" in first_line(unchanged)


def test_when_an_article_was_amended_with_one_version_held_gives_the_documents_amendments(index):
    answer = ask(index, "示例计量法第三条是哪一年修改的？")
    assert "一个版本" in first_line(answer) and "无法判断第三条" in first_line(answer)
    assert cited(answer)[0].endswith("/header") and "修正" in answer.answer


# --- follow-ups ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "message, expected",
    [
        ("下一条呢", "示例计量法第四条是什么内容？"),
        ("那下一条呢？", "示例计量法第四条是什么内容？"),
        ("上一条", "示例计量法第二条是什么内容？"),
        ("那第二款呢", "示例计量法第三条第二款是什么内容？"),
        ("下一條呢？", "示例计量法第四条是什么内容？"),
    ],
)
def test_a_follow_up_moves_to_another_article_or_paragraph(index, message, expected):
    resolved = resolve(message, "示例计量法第三条是什么内容？", index)
    assert resolved.question == expected


def test_an_english_follow_up_asks_for_the_paragraph(index):
    question = resolve("And its second paragraph?", "What is Article 3 of the 示例计量法 about?", index).question
    assert question == "What is Article 3 paragraph 2 of the 示例计量法 about?"
    assert ask(index, question).citations[0].part == "第二款"


def test_a_conversation_is_read_message_by_message(index):
    question = standalone("下一条呢", ["示例计量法第二条是什么内容？", "那第二款呢", "下一条呢"], index)
    assert question == "示例计量法第四条是什么内容？"


def test_ask_over_http_reads_the_history(built, embedder, index):
    from retriever.config import Settings
    from retriever.engine import Engine
    from server.app import create_app

    settings = Settings(_env_file=None, kb_dir=DATA, index_dir=built, api_key=None, admin_key=None, keys={})
    with TestClient(create_app(settings, engine=Engine(settings), with_ui=False)) as client:
        body = {"question": "那下一条呢", "history": ["示例计量法第三条讲的什么？"]}
        reply = client.post("/ask", json=body)
        assert reply.status_code == 200, reply.text
        assert reply.json()["citations"][0]["clause_id"] == f"{LAW}/第四条"
        alone = client.post("/ask", json={"question": "那下一条呢"}).json()
        assert not alone["citations"] or alone["citations"][0]["clause_id"] != f"{LAW}/第四条"
        too_long = client.post("/ask", json={"question": "下一条", "history": ["问" * 2000]})
        assert too_long.status_code == 422


# --- a document's history --------------------------------------------------------------------------


def test_adoption_names_the_date_and_the_body(index):
    answer = ask(index, "示例计量法是哪一年、在哪次会议上通过的？")
    assert "1991年3月2日" in first_line(answer) and "第十八次会议通过" in first_line(answer)
    assert cited(answer) == [f"{LAW}/header"] and answer.citations[0].quote in answer.citations[0].text


def test_amendments_are_counted_and_one_is_found_by_its_ordinal(index):
    answer = ask(index, "示例计量法修正过几次？")
    assert "共两次修正" in first_line(answer) and "2005年6月1日" in answer.answer and "2019年4月23日" in answer.answer
    second = ask(index, "示例计量法第二次修正是哪天？")
    assert "2019年4月23日" in first_line(second) and "2005年" not in first_line(second)
    assert "没有第三次修正的记载" in ask(index, "示例计量法第三次修正是哪天？").answer


def test_effective_date_comes_from_its_article(index):
    answer = ask(index, "甲乙省计量监督管理条例什么时候施行？")
    assert "2013年1月1日" in first_line(answer) and cited(answer)[0] == f"{PROVINCE}/第四条"


def test_approval_and_publication_of_implementing_rules(index):
    answer = ask(index, "细则是谁批准、谁发布的？")
    assert "1992年2月1日 国务院批准" in answer.answer and "1992年3月1日 国家计量局发布" in answer.answer
    assert cited(answer) == [f"{NEW}/header"]


def test_a_question_about_content_with_a_step_word_is_searched(index):
    answer = ask(index, "示例计量法里用于贸易结算的计量器具要批准检定吗？")
    assert cited(answer)[0] != f"{LAW}/header"


def test_a_step_the_front_matter_leaves_open_is_searched_in_the_articles(tmp_path, embedder):
    """由谁起草 is a word of the question's own: when the front matter does not state the step asked (批准), an
    article that does is the answer, not the gap."""
    from retriever.index import build_index, load_index

    (tmp_path / "示例衡器检定规定.md").write_text(
        "# 示例衡器检定规定\n\n1995年6月1日 国家计量局发布\n\n<!-- INFO END -->\n\n"
        "第一条 为了规范衡器检定，制定本规定。\n\n第二条 衡器检定由县级以上计量检定机构执行。\n\n"
        "第九条 本规定由国家计量局起草，报国务院批准后发布施行。\n\n第十条 本规定自发布之日起施行。\n",
        encoding="utf-8",
    )
    build_index(tmp_path, tmp_path / "index", embedder)
    ix = load_index(tmp_path / "index", embedder)
    answer = ask(ix, "示例衡器检定规定由谁起草、经谁批准？")
    assert not answer.abstained and cited(answer)[0] == "示例衡器检定规定/第九条" and "国务院批准" in first_line(answer)
    published = ask(ix, "示例衡器检定规定是哪天发布的？")
    assert cited(published) == ["示例衡器检定规定/header"] and "1995年6月1日" in first_line(published)


def test_the_current_version_and_the_older_ones(index):
    answer = ask(index, "示例计量法实施细则现行的是哪个版本？")
    assert "现行版本为《中华人民共和国示例计量法实施细则》（2020年6月30日修订版）" in first_line(answer)
    assert "旧版本：2015年1月10日修订版" in first_line(answer)


def test_the_whole_history(index):
    answer = ask(index, "示例计量法的历史沿革")
    for step in ("1991年3月2日", "第一次修正", "第二次修正", "1991年10月1日"):
        assert step in answer.answer
    assert cited(answer) == [f"{LAW}/header", f"{LAW}/第五条"]


# --- what changed between versions -----------------------------------------------------------------


def test_changed_articles_are_listed_with_both_texts(index):
    answer = ask(index, "细则2020年修订改了哪些条？")
    assert "共有一条文字不同：第三条" in first_line(answer)
    assert "新增“申请人自愿签署告知承诺书的，按照告知承诺程序办理。”" in answer.answer
    assert "“二十日”改为“十日”" in answer.answer
    assert cited(answer) == [f"{NEW}/第三条", f"{OLD}/第三条"]


def test_one_article_old_and_new(index):
    answer = ask(index, "第三条新旧版本有什么不同？")
    assert "第三条有改动" in first_line(answer) and cited(answer) == [f"{NEW}/第三条", f"{OLD}/第三条"]
    same = ask(index, "细则第二条2020年修订后变了没有")
    assert "第二条文字没有变化" in first_line(same) and cited(same) == [f"{NEW}/第二条"]


def test_changes_of_a_document_held_in_one_version_are_not_guessed(index):
    answer = ask(index, "示例计量法2005年第一次修正改了哪些条？")
    assert answer.abstained and "只有《中华人民共和国示例计量法》（2019年4月23日修正版）一个版本" in answer.answer
    assert not ask(index, "示例计量法第三条和第四条有什么区别？").answer.startswith("知识库中只有")


def test_whether_an_older_version_has_quoted_words(index):
    answer = ask(index, "旧版细则里有没有“告知承诺书”这个说法？")
    assert first_line(answer).startswith(
        "《中华人民共和国示例计量法实施细则》2015年1月10日修订版没有“告知承诺书”的说法"
    )
    assert cited(answer) == [f"{NEW}/第三条", f"{OLD}/第三条"]
    current = ask(index, "现行细则有没有“告知承诺书”这个说法")
    assert "第三条有“告知承诺书”的规定" in first_line(current) and cited(current) == [f"{NEW}/第三条"]


# --- compound questions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, parts",
    [
        ("计量法的立法目的是什么？什么时候开始施行？", 2),
        ("When was the law adopted, and when did it take effect?", 2),
        ("计量法第九条讲的什么？", 1),
        ("罚款多少？多少？", 1),
        ("下列属于强制检定的是（　）？\nA．衡器\nB．尺子？\nC．秤\nD．钟表", 1),
        ("下列说法正确的是？ A. 甲 B. 乙；C. 丙", 1),
    ],
)
def test_a_message_is_split_into_its_questions_but_never_an_exam_item(text, parts):
    assert len(split_question(text)) == parts


def test_each_part_of_a_compound_question_is_answered_and_cited_in_order(index):
    answer = ask(index, "示例计量法的立法目的是什么？什么时候开始施行？")
    assert not answer.abstained
    assert cited(answer)[0] == f"{LAW}/第一条" and f"{LAW}/第五条" in cited(answer)
    first, second = answer.answer.split("\n\n（2）")
    assert "[1]" in first and "1991年10月1日" in second and "[2]" in second


def test_a_message_whose_parts_lose_the_whole_s_article_is_answered_whole():
    """Cut apart, 单位能自己修理计量器具吗？修好就能用吗？ may find other articles than the whole message finds; when
    no part is answered from the whole's article, the whole's answer stands; when one is, the parts are joined."""
    from retriever.answering.compound import combine
    from retriever.models import Answer, Citation

    def answered(clause_id: str) -> Answer:
        doc, _, clause = clause_id.partition("/")
        c = Citation(doc_id=doc, clause_id=clause_id, title=doc, clause=clause, text="……", quote="……", score=1.0)
        return Answer(answer=f"{clause_id}[1]", abstained=False, question_type="general", citations=[c])

    whole = answered("法/第八条")
    assert combine(whole, [answered("细则/第十条"), answered("细则/第七条")]) is whole
    joined = combine(whole, [answered("细则/第十条"), answered("法/第八条")])
    assert [c.clause_id for c in joined.citations] == ["细则/第十条", "法/第八条"]


def test_a_compound_question_the_documents_do_not_answer_is_declined_whole(index):
    answer = ask(index, "示例计量法规定的许可证有效期是几年？到期怎么换证？")
    assert answer.abstained and not answer.citations and not answer.answer.startswith("（1）")


# --- the shared regulations and kb/ -----------------------------------------------------------------


@pytest.mark.parametrize(
    "question, clause_id, words",
    [
        ("《中华人民共和国计量法》第二十二条", "计量法-2018-10-26/第二十二条", "公证数据"),
        ("计量法第22条是什么内容", "计量法-2018-10-26/第二十二条", "省级以上"),
        ("浙江条例第十条", "浙江省计量监督管理条例/第十条", "固定场所和设施"),
        ("上海条例第5条讲的什么", "上海市计量监督管理条例-2018-11-22/第五条", "诚实信用"),
        ("强检办法第三条规定了什么", "强制检定的工作计量器具检定管理办法-1987-04-14/第三条", "就地就近"),
        ("进口办法第十六条原文", "进口计量器具监督管理办法-2016-02-06/第十六条", "百分之三十"),
        ("细则2018年版第三十一条", "计量法实施细则-2018-03-19/第三十一条", "计量认证合格证书"),
        ("细则第五十五条第二款", "计量法实施细则-2022-03-29/第五十五条", "工商行政管理部门"),
    ],
)
def test_the_issue_examples_on_the_shared_regulations(regulations_index, question, clause_id, words):
    answer = ask(regulations_index, question)
    assert cited(answer)[0] == clause_id and words in first_line(answer)


def test_shared_regulations_numbers_versions_history_and_parts(regulations_index):
    ix = regulations_index
    assert (
        first_line(ask(ix, "计量法第四十条规定了啥？"))
        == "《中华人民共和国计量法》（2018年10月26日修正版）共三十四条[1]，没有第四十条。"
    )
    assert "告知承诺书" not in ask(ix, "细则2018年版第三十一条").answer
    changed = ask(ix, "细则2022年修订改了哪些条？")
    assert "第三十一条" in first_line(changed) and "告知承诺" in changed.answer
    assert cited(changed)[:2] == ["计量法实施细则-2022-03-29/第三十一条", "计量法实施细则-2018-03-19/第三十一条"]
    history = ask(ix, "浙江省计量监督管理条例是哪天、哪个会议通过的？")
    assert "2013年7月26日" in first_line(history) and cited(history)[0] == "浙江省计量监督管理条例/header"
    fourth = ask(ix, "计量法第四次修正是哪天、哪次会议？")
    assert "2017年12月27日" in first_line(fourth) and "第三十一次会议" in first_line(fourth)
    compound = ask(ix, "计量法的立法目的是什么？什么时候开始施行？")
    assert "计量法-2018-10-26/第三十四条" in cited(compound)
    nxt = standalone("下一條呢？", ["計量法第三十條講什麼？"], ix)
    assert cited(ask(ix, nxt))[0] == "计量法-2018-10-26/第三十一条"


def test_a_notice_history_from_kb(index_dir, embedder):
    from retriever.index import load_index

    kb = load_index(index_dir, embedder)
    number = ask(kb, "湖南省局那个促进计量技术机构改革发展的若干措施，文号是多少，哪天印发的")
    assert "湘市监计量〔2022〕139号" in number.answer and "2022年11月9日" in number.answer
    assert cited(number) == ["hunan-2022/header"]
    adopted = ask(kb, "南昌的实施意见是怎么审议通过的？")
    assert "第13次市政府常务会审议通过" in first_line(adopted) and cited(adopted) == ["nanchang-2023/header"]


LOOKUP_KINDS = ("article_number", "history", "versions", "compound", "followup")
# Set on the dev split of eval/people.jsonl (2026-12-04: first citation 0.96, answer 0.98 over these kinds).
MIN_DEV_FIRST_CITATION = 0.9
MIN_DEV_ANSWER = 0.9


def test_people_dev_split_lookup_kinds(regulations_index):
    """The dev split of the blind set (eval/people.jsonl), kinds answered by lookup: first citation is the gold
    article (every gold article for a compound question), the answer holds the required values."""
    import json

    path = Path(__file__).resolve().parent.parent / "eval" / "people.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r["split"] == "dev" and r["kind"] in LOOKUP_KINDS]
    cited_right = answered_right = 0
    for r in rows:
        question = standalone(r["question"], r["context"], regulations_index)
        answer = ask(regulations_index, question)
        ids = cited(answer)
        if r["kind"] == "compound":
            cited_right += all(g in ids for g in r["gold"])
        else:
            cited_right += not r["gold"] or bool(ids and ids[0] in r["gold"])
        values = [v if isinstance(v, list) else [v] for v in r["must_contain"]]
        answered_right += not answer.abstained and all(any(x in answer.answer for x in v) for v in values)
    assert cited_right / len(rows) >= MIN_DEV_FIRST_CITATION
    assert answered_right / len(rows) >= MIN_DEV_ANSWER


@pytest.mark.parametrize(
    "question",
    [
        "示例计量法第四十条规定了啥？",
        "示例计量法第三次修正是哪天？",
        "细则2020年修订改了哪些条？",
        "细则第二条2020年修订后变了没有",
        "示例计量法2005年第一次修正改了哪些条？",
        "条例第二条讲的什么",
        "示例计量法的历史沿革",
        "旧版细则里有没有“告知承诺书”这个说法？",
        "示例计量法第二条和第四条分别讲什么",
        "示例计量法的立法目的是什么？什么时候开始施行？",
    ],
)
def test_every_lookup_answer_is_well_formed(index, question):
    """As every answer: [n] markers point into the citations, quotes are spans of their clauses, an abstention
    cites nothing, an answer cites something."""
    import re

    answer = ask(index, question)
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    if answer.abstained:
        assert not answer.citations
    else:
        assert answer.citations and markers and markers <= set(range(1, len(answer.citations) + 1))
    assert all(c.quote and c.quote in c.text for c in answer.citations)
