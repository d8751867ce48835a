"""Word weights over the documents a question is answered from, so laws on other subjects held beside the
metrology documents leave its answers as they were; and notice questions asked in everyday words."""

from __future__ import annotations

from pathlib import Path

import pytest

from retriever.answering.answer import ask
from retriever.answering.query import understand
from retriever.answering.search import retrieve

LOOKUP = Path(__file__).parent / "data" / "lookup"

# Two laws on other subjects, written for this test, that use the general words of legal text (使用, 违反,
# 规定, 单位, 罚款) in every article but never a metrology word.
OTHER_LAWS = {
    "中华人民共和国示例劳动保护法.md": "# 中华人民共和国示例劳动保护法\n\n"
    + "\n\n".join(
        f"第{n}条 用人单位使用劳动者从事第{n}类作业的，应当遵守本法规定；违反规定的，由劳动行政部门责令改正，处罚款。"
        for n in "一二三四五六七八九十"
    ),
    "中华人民共和国示例税收征管法.md": "# 中华人民共和国示例税收征管法\n\n"
    + "\n\n".join(
        f"第{n}条 纳税单位违反本法第{n}项规定使用发票的，由税务机关责令限期改正，可以处罚款；情节严重的，依法处理。"
        for n in "一二三四五六七八九十"
    ),
}


@pytest.fixture(scope="module")
def indexes(tmp_path_factory, embedder):
    """The written metrology documents alone, and the same with the two other laws beside them."""
    from retriever.index import build_index, load_index

    others = tmp_path_factory.mktemp("other-laws")
    for name, text in OTHER_LAWS.items():
        (others / name).write_text(text, encoding="utf-8")
    alone, grown = tmp_path_factory.mktemp("alone"), tmp_path_factory.mktemp("grown")
    assert not build_index(LOOKUP, alone, embedder).skipped
    assert not build_index(LOOKUP, grown, embedder, extra_dirs=[others]).skipped
    return load_index(alone, embedder), load_index(grown, embedder)


def index_of(folder: Path, embedder, files: dict[str, str]):
    """A real index of the documents `files` (name → text) written into folder/kb."""
    from retriever.index import build_index, load_index

    kb = folder / "kb"
    kb.mkdir()
    for name, text in files.items():
        (kb / name).write_text(text, encoding="utf-8")
    assert not build_index(kb, folder / "index", embedder).skipped
    return load_index(folder / "index", embedder)


QUESTION = "示例计量法里，检定不合格的计量器具还能不能继续使用？"


def test_a_named_documents_word_weights_do_not_move_when_other_laws_are_added(indexes):
    alone, grown = indexes
    assert grown.idf("使用") != pytest.approx(alone.idf("使用"))  # over every chunk, the weights do move
    weights = []
    for index in (alone, grown):
        q = understand(index, QUESTION)
        retrieve(index, q)
        weights.append(q.idf)
    assert weights[0] and weights[0] == pytest.approx(weights[1])


def test_the_answer_is_the_same_with_other_laws_held_beside(indexes):
    alone, grown = indexes
    first, second = ask(alone, QUESTION), ask(grown, QUESTION)
    assert not first.abstained
    assert first.citations[0].clause_id.endswith("第三条")
    assert second.answer == first.answer
    assert [c.clause_id for c in second.citations] == [c.clause_id for c in first.citations]


NOTICE = """甲丙市人民政府关于推进计量事业发展的实施意见
各区人民政府，市政府各部门：
为推进计量事业发展，提出如下意见。
到2026年，全市计量基础进一步夯实，新建社会公用计量标准25项，培育计量示范企业400家。
到2030年，建成与经济发展相适应的计量体系。
一、重点任务
（一）保障经费。各级财政要将计量检定经费列入预算，足额保障。
（二）履行职责。各级计量技术机构要保持社会公用计量标准良好运行。各级计量技术机构不得以人员不足为由，拒绝承担法定检定任务。
（三）加强人员保障。人员不够的计量所要补充检定人员，人员配备要满足法定检定工作需要，做法定检定所需人员列入编制计划。
甲丙市人民政府
2024年5月6日
"""


@pytest.fixture(scope="module")
def notice_index(tmp_path_factory, embedder):
    return index_of(tmp_path_factory.mktemp("notice"), embedder, {"甲丙市实施意见.txt": NOTICE})


def test_what_a_year_sets_is_answered_with_all_its_targets(notice_index):
    answer = ask(notice_index, "甲丙市《实施意见》提出到2026年要达到什么目标？")
    assert not answer.abstained, answer.answer
    first = answer.answer.split("\n")[0]
    assert "25项" in first and "400家" in first
    assert "2030" not in first


def test_a_permission_asked_in_everyday_words_gets_the_rule(notice_index):
    answer = ask(notice_index, "我们这边的计量所说人员不够所以不做法定检定了，甲丙市的文件允许这样吗？")
    assert not answer.abstained, answer.answer
    assert "不得以人员不足为由" in answer.answer.split("\n")[0]
    assert answer.citations[0].clause_id.endswith("(二)")


RULES = "# 中华人民共和国乙丁计量法实施细则\n\n{history}\n\n<!-- INFO END -->\n\n{articles}"
VERSIONS = {
    "中华人民共和国乙丁计量法实施细则(2010-03-01).md": RULES.format(
        history="2010年3月1日 国务院发布",
        articles="第一条 根据《中华人民共和国乙丁计量法》，制定本细则。\n\n"
        "第二条 违反《中华人民共和国乙丁计量法》第二条规定，使用非法定计量单位的计量器具的，"
        "责令停止使用，可并处五百元以下的罚款。",
    ),
    "中华人民共和国乙丁计量法实施细则(2020-03-01).md": RULES.format(
        history="2010年3月1日 国务院发布\n\n2020年3月1日 国务院令第9号修订",
        articles="第一条 根据《中华人民共和国乙丁计量法》，制定本细则。\n\n"
        "第二条 本细则所称计量器具，是指能用以直接或间接测出被测对象量值的装置。\n\n"
        "第三条 违反《中华人民共和国乙丁计量法》第二条规定，使用非法定计量单位的计量器具的，"
        "责令停止使用，可并处三千元以下的罚款。",
    ),
    "中华人民共和国乙丁计量法.md": "# 中华人民共和国乙丁计量法\n\n2008年1月1日 通过\n\n<!-- INFO END -->\n\n"
    "第一条 为了保障量值准确，制定本法。\n\n第二条 任何单位和个人不得使用非法定计量单位的计量器具。",
}


def test_a_penalty_written_by_reference_comes_from_the_current_version(tmp_path, embedder):
    index = index_of(tmp_path, embedder, VERSIONS)
    answer = ask(index, "违反乙丁计量法，使用非法定计量单位的计量器具要罚款多少？")
    assert not answer.abstained, answer.answer
    assert "三千元" in answer.answer and "五百元" not in answer.answer
    assert all("2010" not in c.clause_id for c in answer.citations)


CALIBRATION_RULES = """# 丙戊省计量监督管理条例

2020年5月1日 丙戊省第一届人民代表大会常务委员会第九次会议通过

<!-- INFO END -->

第一条 为了加强计量监督管理，制定本条例。

第二条 计量校准机构应当在首次承接计量校准业务前，向计量主管部门备案。

第三条 计量校准机构不得有下列行为：

（一）超出计量标准考核范围开展计量校准；

（二）出具虚假计量校准报告。

第四条 计量校准机构在本省设立的办事处，不得开展计量校准。

第五条 计量校准机构违反本条例，有下列行为之一的，由计量主管部门责令改正，处一万元罚款：

（一）违反第三条第一项规定的；

（二）违反第四条规定的。

计量校准机构违反本条例第二条规定，开展计量校准未按照规定备案的，由计量主管部门责令限期改正。
"""


@pytest.fixture(scope="module")
def calibration_index(tmp_path_factory, embedder):
    return index_of(tmp_path_factory.mktemp("calibration"), embedder, {"丙戊省计量监督管理条例.md": CALIBRATION_RULES})


def test_what_one_must_not_do_is_the_list_of_its_prohibitions(calibration_index):
    answer = ask(calibration_index, "丙戊省条例里校准机构有哪些事不能做？")
    assert answer.citations[0].clause_id.endswith("第三条"), answer.answer
    assert "超出计量标准考核范围" in answer.answer and "出具虚假计量校准报告" in answer.answer


def test_whether_something_must_be_done_is_answered_by_the_duty_not_its_penalty(calibration_index):
    answer = ask(calibration_index, "丙戊省的计量校准机构开展校准要备案吗？")
    assert answer.citations[0].clause_id.endswith("第二条"), answer.answer
    assert "应当" in answer.answer.split("\n")[0]


def test_a_rule_is_quoted_with_the_proviso_that_follows_it(tmp_path, embedder):
    rules = (
        CALIBRATION_RULES
        + "\n第六条 计量校准机构出具的校准证书应当加盖本机构的校准专用章。为本机构内部科研出具的校准记录不受此限。\n"
    )
    index = index_of(tmp_path, embedder, {"丙戊省计量监督管理条例.md": rules})
    answer = ask(index, "丙戊省的校准机构出具校准证书要盖章吗？")
    assert answer.citations[0].clause_id.endswith("第六条"), answer.answer
    assert "校准专用章" in answer.answer and "不受此限" in answer.answer.split("\n")[0]


BREACHES = """# 丁己市计量管理办法

第一条 为了加强本市计量管理，制定本办法。

第二条 加油站使用的燃油加油机，应当每半年申请一次检定。

第三条 集贸市场的举办者应当设置供顾客复秤的计量器具。

第四条 计量检定人员应当持证上岗。

第五条 燃油加油机未按照规定申请检定的，责令停止使用，处二千元罚款。

第六条 集贸市场举办者未设置复秤计量器具的，责令改正，处五百元罚款。

第七条 本办法自2021年1月1日起施行。
"""


@pytest.mark.parametrize(
    "question, penalty, amount",
    [
        ("违反丁己市办法第三条怎么罚？", "第六条", "五百元"),
        ("违反丁己市计量管理办法第二条要罚多少钱？", "第五条", "二千元"),
    ],
)
def test_the_penalty_for_breaching_an_article_is_the_one_for_what_it_requires(
    tmp_path, embedder, question, penalty, amount
):
    """The penalty articles restate the act (未按照规定申请检定…) without citing the article's number."""
    index = index_of(tmp_path, embedder, {"丁己市计量管理办法.md": BREACHES})
    answer = ask(index, question)
    assert answer.citations[0].clause_id.endswith(penalty), answer.answer
    assert amount in answer.answer


CHOICES = """# 戊己省计量监督管理条例

第一条 为了加强计量监督管理，制定本条例。

第二条 计量校准证书的有效期，由计量校准机构根据计量校准规范确定。

第三条 计量器具检定合格证的有效期为一年。
"""


def test_a_choice_the_article_states_neither_option_of_is_said_so(tmp_path, embedder):
    index = index_of(tmp_path, embedder, {"戊己省计量监督管理条例.md": CHOICES})
    neither = ask(index, "戊己省的校准证书有效期是一年还是两年？")
    assert neither.abstained and "第二条未规定是一年还是两年" in neither.answer, neither.answer
    stated = ask(index, "戊己省的检定合格证有效期是一年还是两年？")
    assert not stated.abstained and stated.citations[0].clause_id.endswith("第三条") and "一年" in stated.answer


# A law that leaves its fines open and implementing rules that restate each offence with its amount, in a
# different order and words, without citing the law's articles by number.
LAW_AND_RULES = {
    "中华人民共和国庚辛计量法.md": """# 中华人民共和国庚辛计量法

第一条 为了加强计量监督管理，制定本法。

第二条 制造、销售未经型式批准的计量器具新产品的，责令停止制造、销售，没收违法所得，可以并处罚款。

第三条 属于强制检定范围的计量器具，未按照规定申请检定或者检定不合格继续使用的，责令停止使用，可以并处罚款。

第四条 使用不合格的计量器具或者破坏计量器具准确度，给消费者造成损失的，责令赔偿损失，可以并处罚款。
""",
    "中华人民共和国庚辛计量法实施细则.md": """# 中华人民共和国庚辛计量法实施细则

第一条 根据《中华人民共和国庚辛计量法》的规定，制定本细则。

第二条 使用不合格计量器具或者破坏计量器具准确度和伪造数据，给国家和消费者造成损失的，责令其赔偿损失，没收计量器具和全部违法所得，可并处二千元以下的罚款。

第三条 属于强制检定范围的计量器具，未按照规定申请检定和经检定不合格继续使用的，责令其停止使用，可并处一千元以下的罚款。

第四条 制造、销售未经型式批准的计量器具新产品的，责令其停止制造、销售，封存该种新产品，没收全部违法所得，可并处三千元以下的罚款。
""",
}


@pytest.mark.parametrize(
    ("question", "article", "amount"),
    [
        ("庚辛计量法规定，强制检定的计量器具检定不合格还继续使用的，罚款多少？", "第三条", "一千元以下"),
        ("按庚辛计量法，使用不合格的计量器具给消费者造成损失，罚多少钱？", "第二条", "二千元以下"),
    ],
)
def test_a_fine_the_law_leaves_open_is_the_amount_its_implementing_rules_set(
    tmp_path, embedder, question, article, amount
):
    """The law's article says 可以并处罚款; the rules restate the offence and set the amount."""
    index = index_of(tmp_path, embedder, LAW_AND_RULES)
    answer = ask(index, question)
    assert not answer.abstained, answer.answer
    assert answer.citations[0].clause_id == f"中华人民共和国庚辛计量法实施细则/{article}", answer.answer
    assert amount in answer.answer


def test_a_scale_repaired_at_a_market_stall_is_answered_by_the_rule_on_using_unverified_instruments(
    regulations_index,
):
    """The issue's opening situation, in everyday words: 秤 is a 计量器具, 坏了 is 不合格, a repaired instrument is
    verified again (修好 → 修理, 检定) and 接着用 is 使用 — found in the articles on using an instrument not
    verified or failed, not refused."""
    a = ask(regulations_index, "菜市场摊主的秤坏了自己拆开修好接着用，合法吗？")
    assert not a.abstained, a.answer
    allowed = {"计量法实施细则-2022-03-29/第四十三条", "计量法实施细则-2022-03-29/第二十二条"}
    allowed |= {"计量法-2018-10-26/第二十五条", "强制检定的工作计量器具检定管理办法-1987-04-14/第七条"}
    assert a.citations[0].clause_id in allowed, a.answer
    assert "检定" in a.citations[0].quote and "使用" in a.citations[0].quote


WHO_DECIDES = {
    "辛壬省计量器具检定办法.md": """# 辛壬省计量器具检定办法

第一条 为了规范计量器具的周期检定，制定本办法。

第二条 使用燃气表的单位或者个人，应当将燃气表登记造册，在燃气表的检定周期届满前，向县级计量行政部门指定的计量检定机构申请燃气表的周期检定。

第三条 前条所称燃气表的检定周期，由执行检定的机构确定。
""",
}


def test_who_decides_is_the_body_that_decides_not_the_one_applied_to(tmp_path, embedder):
    """由谁来定 asks who decides (由…确定): the body one applies to (向…机构申请) does not fill it; 向谁申请 asks that."""
    from retriever.answering.article_answer import _fills
    from retriever.answering.query import understand

    index = index_of(tmp_path, embedder, WHO_DECIDES)
    q = understand(index, "辛壬省燃气表的检定周期由谁来定？", None)
    facts = {n: index.facts.get(f"辛壬省计量器具检定办法/{n}", []) for n in ("第二条", "第三条")}
    text = {n: index.clauses[f"辛壬省计量器具检定办法/{n}"].text for n in facts}
    assert "body" in q.slots and "recipient" not in q.slots
    assert "body" not in _fills(q, facts["第二条"], text["第二条"])
    assert "body" in _fills(q, facts["第三条"], text["第三条"])
    assert ask(index, "辛壬省燃气表的检定周期由谁来定？").citations[0].clause_id.endswith("/第三条")
    applied = ask(index, "辛壬省燃气表要向谁申请周期检定？")
    assert applied.citations[0].clause_id.endswith("/第二条"), applied.answer


# A notice that names the exam but states no condition of it, and a law on other subjects that names the
# attributes people ask of metrology work (报名条件, 工资) for other exams and other workers.
ATTRIBUTES = {
    "癸省计量人才工作通知.md": "# 癸省市场监管局关于加强计量人才队伍建设的通知\n\n"
    "一、加强人才队伍建设\n\n（一）建好人才队伍。鼓励计量技术人员参加注册计量师考试，逐年提高注册计量师在计量检定机构中的比例。"
    "优化计量人员年龄和学历结构。\n\n"
    "（二）加强计量检定人员业务培训，到2025年培训计量检定人员500人次。\n",
    "中华人民共和国示例考试与劳动法.md": "# 中华人民共和国示例考试与劳动法\n\n"
    "第一条 组织资格考试的行政机关应当事先公布资格考试的报名条件、报考办法和考试科目。\n\n"
    "第二条 用人单位应当以货币形式按月支付劳动者工资，不得克扣或者无故拖欠劳动者的工资。\n\n"
    "第三条 报考资格考试的人员，应当具有大学专科以上学历，并从事相关工作满二年。\n",
}


@pytest.fixture(scope="module")
def attributes_index(tmp_path_factory, embedder):
    return index_of(tmp_path_factory.mktemp("attributes"), embedder, ATTRIBUTES)


def test_an_attribute_asked_is_answered_only_by_a_clause_that_states_it_of_what_was_asked(attributes_index):
    """报名条件 of the 注册计量师 exam, 工资 of 计量检定人员: the knowledge base names both words, but only of other
    exams and other workers, and the notice on the exam states no condition; both questions are refused, in Chinese
    and in English. Asked of what the law states them for, the same words are answered."""
    index = attributes_index
    for question, attribute in (
        ("报考注册计量师需要什么报名条件？", "报名条件"),
        ("计量检定人员的工资是多少？", "工资"),
        ("What is the salary of metrology verification staff?", "工资"),
        ("What are the registration requirements for the registered metrologist exam?", "报名条件"),
    ):
        refused = ask(index, question)
        assert refused.abstained and not refused.citations, refused.answer
        assert f"“{attribute}”" in refused.answer
    published = ask(index, "资格考试的报名条件由谁公布？")
    assert published.citations[0].clause_id.endswith("/第一条"), published.answer
    paid = ask(index, "劳动者的工资应当怎么支付？")
    assert paid.citations[0].clause_id.endswith("/第二条"), paid.answer


def test_a_requirement_asked_of_named_things_is_answered_only_by_a_sentence_that_states_one(attributes_index):
    """对学历和从业年限有哪些要求 asks a requirement of 学历 and 从业年限: the notice names the exam, and 学历 in
    another sentence (of its staff); the law sets a 学历 for other exams. Neither states it of the 注册计量师
    exam, so it is refused; asked of the exams the law speaks of, the article that sets it answers."""
    index = attributes_index
    refused = ask(index, "报考注册计量师对学历和从业年限有哪些要求？")
    assert refused.abstained and not refused.citations, refused.answer
    assert "学历、从业年限" in refused.answer
    stated = ask(index, "报考资格考试的人员对学历有什么要求？")
    assert stated.citations[0].clause_id.endswith("/第三条"), stated.answer
    assert "大学专科以上学历" in stated.answer


# A province's rule that sets what the instruments have in common, and a national rule that lists them.
ITEMS = {
    "甲乙省计量监督管理条例.md": "# 甲乙省计量监督管理条例\n\n"
    "第一条 为了加强计量监督管理，制定本条例。\n\n"
    "第二十条 对用于贸易结算、安全防护、医疗卫生方面且列入强制检定目录的工作计量器具，逐步实行免费强制检定，"
    "所需费用由同级财政保障。\n",
    "中华人民共和国示例强制检定办法.md": "# 中华人民共和国示例强制检定办法\n\n"
    "第一条 为了规范强制检定工作，制定本办法。\n\n"
    "第二条 下列工作计量器具实行强制检定：\n\n（一）秤；\n\n（二）水表；\n\n（三）燃气表。\n",
}


def test_a_list_asked_item_by_item_is_not_answered_by_what_the_items_have_in_common(tmp_path, embedder):
    """具体包括哪些 asks for the items: an article that says only what they have in common (用于贸易结算…且列入目录的)
    is quoted as stating no list, and refused; where an article lists them, the list answers."""
    index = index_of(tmp_path, embedder, ITEMS)
    refused = ask(index, "甲乙省免费强制检定具体包括哪些计量器具？")
    assert refused.abstained and not refused.citations, refused.answer
    assert "第二十条未规定具体名单" in refused.answer
    listed = ask(index, "实行强制检定的工作计量器具具体包括哪些？")
    assert listed.citations[0].clause_id.endswith("/第二条"), listed.answer
    assert all(item in listed.answer for item in ("秤", "水表", "燃气表"))
