"""One policy for places: a question about a place is answered from the documents that govern it — its own
region's, its province's, then the national ones — never from another region's local document; the answer says
which level answered, and when no local document is held, that none is. Real index of kb/ plus the shared
regulations (skipped when they are absent), and over HTTP."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from retriever.answering.answer import ask
from retriever.config import Settings
from retriever.engine import Engine
from server.app import create_app

LOCAL = {"浙江": "浙江省计量监督管理条例", "上海": "上海市计量监督管理条例"}


def regions_cited(index, answer) -> set[str]:
    return {index.notices[c.doc_id].region for c in answer.citations}


def test_a_city_inside_a_covered_province_is_answered_by_the_provinces_regulation(regulations_index):
    a = ask(regulations_index, "嘉兴的计量校准机构开展校准要备案吗？")
    assert not a.abstained
    assert a.citations[0].doc_id.startswith(LOCAL["浙江"])
    assert a.citations[0].clause_id.endswith("/第二十四条"), a.answer  # the duty to file, not its penalty
    assert a.place.name == "嘉兴" and a.place.chain == [("嘉兴", "市"), ("浙江", "省")]
    assert a.place.answered_by == "浙江" and a.place.level == "省" and a.place.local == ["浙江"]
    assert "嘉兴属浙江" in a.answer


def test_a_district_in_market_words_is_answered_by_its_citys_regulation(regulations_index):
    """集贸市场 abbreviates the regulations' 集市贸易市场; 公平秤 is the scale kept there to weigh again (复测)."""
    a = ask(regulations_index, "浦东新区的集贸市场要设置公平秤吗？")
    assert not a.abstained, a.answer
    assert a.citations[0].doc_id.startswith(LOCAL["上海"]) and "复测商品量" in a.answer
    assert "浦东属上海" in a.answer


def test_a_city_no_local_document_covers_is_answered_by_the_national_documents(regulations_index):
    a = ask(regulations_index, "苏州的加油机需要强制检定吗？")
    assert not a.abstained, a.answer
    assert regions_cited(regulations_index, a) == {"全国"}
    assert "加油机" in a.answer
    assert a.place.local == [] and a.place.answered_by == "全国" and a.place.level == "国家"
    assert "没有苏州（江苏）的地方计量文件" in a.answer


@pytest.mark.parametrize(
    "question, own",
    [
        ("浦东新区一家食品厂的定量包装商品没有标注净含量，会怎么处罚？", "上海"),
        ("杭州的集贸市场必须设置公平秤吗？", "浙江"),
        ("In Quzhou, what must a calibration lab file with the metrology authority?", "浙江"),
    ],
)
def test_a_place_is_never_answered_from_another_regions_document(regulations_index, question, own):
    a = ask(regulations_index, question)
    assert regions_cited(regulations_index, a) <= {own, "全国"}, [c.doc_id for c in a.citations]
    assert all(regulations_index.notices[c.doc_id].region in (own, "全国") for c in a.related)


def test_another_region_named_beside_the_place_does_not_answer_for_it(regulations_index):
    a = ask(regulations_index, "我在苏州，听说上海出版物用非法定计量单位要罚款，苏州按什么罚？")
    assert not a.abstained
    assert regions_cited(regulations_index, a) == {"全国"}
    assert a.place.name == "苏州" and "上海的文件只适用于上海" in a.answer


@pytest.mark.parametrize(
    "question", ["衡阳而非郴州的企业，计量器具强检找谁？", "我在衡阳（湖南，不是郴州），计量器具强检找谁？"]
)
def test_a_place_named_only_to_set_it_aside_does_not_answer(regulations_index, question):
    """郴州 has documents of its own; a question that names it only to say it is not about it is 衡阳's."""
    a = ask(regulations_index, question)
    assert a.place.name == "衡阳" and a.place.local == ["湖南"]
    assert regions_cited(regulations_index, a) <= {"湖南", "全国"}, [c.doc_id for c in a.citations]
    assert "郴州" not in {regulations_index.notices[c.doc_id].region for c in a.related}


def test_a_document_quoted_from_another_region_does_not_answer_for_the_place_asked_about(regulations_index):
    """The region of a document the question cites (浙江条例) is not the place asked about (南京)."""
    a = ask(regulations_index, "浙江条例要求集贸市场设置公平秤，南京的集贸市场也要设吗？")
    assert a.place.name == "南京" and a.place.local == []
    assert regions_cited(regulations_index, a) <= {"全国"}, [c.doc_id for c in a.citations]
    assert "浙江的文件只适用于浙江" in a.answer
    asked = ask(regulations_index, "我在南京，上海条例第5条讲的什么？")  # the text of an article asked for by name
    assert asked.citations[0].clause_id == "上海市计量监督管理条例-2018-11-22/第五条"


def test_a_question_about_a_region_under_its_own_legal_system_is_refused(regulations_index):
    a = ask(regulations_index, "香港的計量法例對街市電子磅有什麼規定？")
    assert a.abstained and a.citations == [] and "香港" in a.answer
    assert a.place.name == "香港" and a.place.answered_by is None


@pytest.mark.parametrize(
    "question", ["In Texas, do gas pumps at a filling station need verification?", "我在德国开店，电子秤要检定吗？"]
)
def test_a_place_outside_china_is_answered_by_no_document_held(regulations_index, question):
    a = ask(regulations_index, question)
    assert a.abstained and a.citations == [] and "中国境外" in a.answer
    assert a.place.chain[-1][1] == "境外" and a.place.answered_by is None
    imported = ask(regulations_index, "从德国进口一批电子秤，要办什么手续？")  # goods from abroad: China's law answers
    assert not imported.abstained and imported.place is None


def test_a_local_document_not_held_is_refused_by_name(regulations_index):
    a = ask(regulations_index, "廣東省計量監督管理條例是什麼時候開始施行的？")
    assert a.abstained and "《广东省计量监督管理条例》" in a.answer


def test_a_national_notice_sets_no_citys_targets(index):
    """On kb/ alone (notices): 深圳 has no notice, and the national notice's targets are not 深圳's."""
    a = ask(index, "深圳市计量工作高质量发展的目标是什么？")
    assert a.abstained and a.place.name == "深圳"
    assert "没有深圳（广东）的地方计量文件" in a.answer


def test_a_question_naming_no_place_carries_no_place(regulations_index):
    a = ask(regulations_index, "计量检定必须执行什么？")
    assert a.place is None


def test_the_place_is_part_of_the_answer_over_http(regulations_index_dir, regulations_index):
    settings = Settings(_env_file=None, index_dir=regulations_index_dir, api_key=None, admin_key=None, keys={})
    with TestClient(create_app(settings, Engine(settings, build_if_missing=False), with_ui=False)) as client:
        body = client.post("/ask", json={"question": "嘉兴的计量校准机构开展校准要备案吗？"}).json()
        abroad = client.post("/ask", json={"question": "In Texas, do fuel dispensers need verification?"})
        schema = client.get("/openapi.json").json()["components"]["schemas"]
    assert abroad.status_code == 200 and abroad.json()["place"]["chain"] == [["得克萨斯州", "境外"], ["美国", "境外"]]
    assert body["place"] == {
        "name": "嘉兴",
        "chain": [["嘉兴", "市"], ["浙江", "省"]],
        "local": ["浙江"],
        "answered_by": "浙江",
        "level": "省",
    }
    assert "place" in schema["Answer"]["properties"] and "answered_by" in schema["PlaceScope"]["properties"]


def test_a_rule_asked_with_no_place_is_answered_by_the_national_documents_first(regulations_index):
    a = ask(regulations_index, "店里的秤不准给顾客造成了损失，要赔偿吗？")
    assert not a.abstained and regions_cited(regulations_index, a) == {"全国"}
    local = ask(regulations_index, "集贸市场的举办者要设置什么秤？")  # only a province's regulation says so
    assert not local.abstained and local.citations[0].doc_id.startswith(LOCAL["浙江"])
    assert "只适用于浙江" in local.answer


def test_a_repaired_scale_is_found_in_the_articles_on_verification(regulations_index):
    """Everyday words (维修, 电子秤) reach the law's (修理, 计量器具) and its verification rules."""
    a = ask(regulations_index, "维修过的电子秤不经检定能直接用吗？")
    assert not a.abstained and "检定" in a.answer and regions_cited(regulations_index, a) == {"全国"}


def test_a_fee_named_by_what_it_pays_for_is_found_in_the_article_on_fees(regulations_index):
    """检定费 is glossed into the law's 收费 / 缴纳费用 wording."""
    a = ask(regulations_index, "送检电子秤要交检定费吗？")
    assert not a.abstained and a.citations[0].clause_id == "计量法实施细则-2022-03-29/第三十七条", a.answer
