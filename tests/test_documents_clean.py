"""Cleaning the notices in kb/: encodings, pinyin, traditional characters, byte damage, web boilerplate."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from retriever.documents.catalog import read_catalog
from retriever.documents.clean import (
    NoticeError,
    clean_text,
    decode,
    fold,
    join_wrapped,
    normalize_query,
    readable,
    strip_pinyin,
)

KB = Path(__file__).resolve().parent.parent / "kb"
HUNAN, NANCHANG, WENZHOU, SAMR, CHENZHOU = sorted(p.name for p in KB.glob("*.txt"))

# Characters that exist only in traditional writing; none may survive cleaning.
TRADITIONAL = set("計監關於發標準機構測檢們質規劃聯網級與實際務體產業區縣經濟證書據設傳遞導護為點黨氣強")


@pytest.fixture(scope="module")
def cleaned() -> dict:
    catalog = read_catalog(KB)
    return {
        p.name: clean_text(decode(p.read_bytes(), p.name), catalog[p.name].get("repairs"))
        for p in sorted(KB.glob("*.txt"))
    }


def text_of(cleaned, name: str) -> str:
    return "\n".join(cleaned[name].lines)


# --- pinyin ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [HUNAN, WENZHOU])
def test_pinyin_annotations_are_gone(cleaned, name):
    text = text_of(cleaned, name)
    assert not re.search(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]", text)
    assert not re.search(r"（[a-z]+）", text)


def test_real_parentheses_survive(cleaned):
    nanchang, wenzhou = text_of(cleaned, NANCHANG), text_of(cleaned, WENZHOU)
    assert "（责任单位：市市场监管局、市公安局、市司法局）" in nanchang
    assert "（一）推动质量基础设施一体化发展" in nanchang
    assert "《国务院关于印发计量发展规划（2021—2035年）的通知》" in nanchang
    assert "业务管理平台（e-CQS）应用" in wenzhou
    assert "建立动态（可移动）心电图机" in wenzhou
    assert "（一）加强组织领导" in wenzhou


def test_strip_pinyin_on_annotated_text():
    assert strip_pinyin("湖南省市場(chǎng)監(jiān)督管理局") == "湖南省市場監督管理局"
    assert strip_pinyin("平台(e-CQS)與(a)") == "平台(e-CQS)與(a)"


# --- traditional characters and byte damage ---------------------------------------------


@pytest.mark.parametrize("name", [HUNAN, WENZHOU])
def test_traditional_notices_come_out_simplified(cleaned, name):
    text = text_of(cleaned, name)
    assert not TRADITIONAL & set(text), sorted(TRADITIONAL & set(text))
    for word in ("計量", "監督", "關於"):
        assert word not in text


def test_simplified_wording(cleaned):
    assert text_of(cleaned, HUNAN).startswith(
        "湖南省市场监督管理局关于印发《促进市场监管系统计量技术机构改革和发展的若干措施》的通知"
    )
    assert "2.推进计量技术机构建设。" in text_of(cleaned, WENZHOU)


@pytest.mark.parametrize(
    "name, repaired",
    [
        (HUNAN, "主动向当地党委、政府汇报"),
        (WENZHOU, "推进计量技术机构建设。科学规划计量技术机构发展定位"),
        (WENZHOU, "以与人民群众生活密切相关的领域为重点"),
        (WENZHOU, "持续推进水表、燃气表强制检定"),
    ],
)
def test_known_byte_damage_is_repaired(cleaned, name, repaired):
    assert repaired in text_of(cleaned, name)


@pytest.mark.parametrize("name", [HUNAN, WENZHOU])
def test_no_damage_left(cleaned, name):
    text, warnings = text_of(cleaned, name), cleaned[name].warnings
    assert not re.search("[?？\ufffd]", text)
    assert warnings == []


def test_unknown_damage_is_reported_with_its_place():
    raw = (KB / HUNAN).read_text(encoding="utf-8").replace("?shù)攸h委", "?shù)攸x委")
    warnings = clean_text(raw, read_catalog(KB)[HUNAN].get("repairs")).warnings
    assert len(warnings) == 1
    assert warnings[0].startswith("damaged characters near") and "?shù)" in warnings[0]


# --- web boilerplate ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, furniture",
    [
        (
            SAMR,
            [
                "找回密码",
                "立即注册",
                "QQ登录",
                "快速开始",
                "复制链接",
                "发表于",
                "显示全部楼层",
                "回帖",
                "本版积分规则",
                "小黑屋",
                "Archiver",
                "Powered by",
                "Discuz",
                "ICP备",
                "公网安备",
                "GMT+8",
                "Copyright",
                "计量论坛",
                "返回顶部",
                "微信",
            ],
        ),
        (
            CHENZHOU,
            [
                "扫一扫",
                "责任编辑",
                "网站地图",
                "网站帮助",
                "湘公网安备",
                "ICP备",
                "索引号",
                "统一登记号",
                "公开方式",
                "登记日期",
                "公开责任部门",
                "CZCR",
                "主办单位",
                "承办单位",
                "联系电话",
                "网站标识码",
                "#",
                "](#)",
            ],
        ),
        (WENZHOU, ["来源", "仪表网"]),
        (HUNAN, ["链接"]),
    ],
)
def test_no_boilerplate_survives(cleaned, name, furniture):
    text = text_of(cleaned, name)
    assert [word for word in furniture if word in text] == []


def test_boilerplate_removal_keeps_the_notice(cleaned):
    samr = cleaned[SAMR].lines
    assert samr[0] == "《关于加强计量技术委员会建设的指导意见》"
    assert samr[-1].startswith("（二十）加强宣传引导。") and samr[-1].endswith("良好社会环境。")
    chenzhou = cleaned[CHENZHOU].lines
    assert chenzhou[-1] == "二〇一一年十一月二十九日"
    assert "（五）加大宣传力度。" in chenzhou[-2]
    assert cleaned[HUNAN].lines[-1].startswith("九、强化监督管理。")


# --- line re-joining and punctuation ------------------------------------------------------


def test_wrapped_lines_are_rejoined(cleaned):
    lines = cleaned[CHENZHOU].lines
    [guiding] = [ln for ln in lines if ln.startswith("（一）指导思想。")]
    assert "充分发挥计量在推动科学技术进步、服务经济转型和促进社会发展等方面的基础和先行作用。" in guiding
    [integrity] = [ln for ln in lines if ln.startswith("（六） 加强诚信计量体系建设。")]
    assert integrity.endswith(
        "加大对守法经营、诚信计量单位的宣传，树立一批具有行业性或区域性示范作用的诚信计量典型，"
        "努力构建公平、诚信、和谐的计量环境。"
    )
    assert not any(ln.startswith(("服务经济转型", "传，树立")) for ln in lines)


def test_a_line_ending_in_an_ascii_colon_is_not_joined(cleaned):
    lines = cleaned[SAMR].lines
    i = next(i for i, ln in enumerate(lines) if ln.startswith("教育部、科技部"))
    assert lines[i].endswith("各大区国家计量测试中心：")
    assert lines[i + 1] == "现将《关于加强计量技术委员会建设的指导意见》印发给你们，请结合实际做好相关工作。"


def test_join_wrapped_keeps_titles_and_clause_starts_apart():
    long = (
        "加强计量技术机构建设，深化计量技术机构改革创新发展，各级法定计量检定机构、行业主管部门专业计量技术机构要切实"
    )
    assert join_wrapped([long, "履行法定职责。"]) == [long + "履行法定职责。"]
    assert join_wrapped([long, "（二）加强协调配合。"]) == [long, "（二）加强协调配合。"]
    assert join_wrapped([long + "；", "履行法定职责。"]) == [long + "；", "履行法定职责。"]


def test_punctuation_is_full_width_where_a_reader_expects_it(cleaned):
    lines = cleaned[CHENZHOU].lines
    assert any(
        ln.startswith("（二） 工作目标。到2015年，基本完善社会公用计量标准，满足社会90%的量传和溯源需求")
        for ln in lines
    )
    assert readable("会议于14:50开始,共1,000家;(一)") == "会议于14:50开始，共1,000家；（一）"


# --- decoding -----------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-16"])
def test_decode_reads_every_encoding_notices_come_in(encoding):
    for name in (HUNAN, NANCHANG):
        text = (KB / name).read_text(encoding="utf-8")
        assert decode(text.encode(encoding), name) == text


def test_decode_reads_gb18030_only_characters():
    text = (KB / SAMR).read_text(encoding="utf-8")
    assert "\xa0" in text  # not in GBK
    assert decode(text.encode("gb18030"), SAMR) == text


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "the file is empty"),
        (b"  \n\r\n ", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (bytes(range(128, 256)) * 4, "not readable as UTF-8 or GB18030"),
    ],
)
def test_decode_names_the_file_and_the_reason(data, reason):
    with pytest.raises(NoticeError) as err:
        decode(data, "kb/bad.txt")
    assert str(err.value).startswith("kb/bad.txt: ") and reason in str(err.value)


# --- matching form ------------------------------------------------------------------------


def test_fold_keeps_positions(cleaned):
    for lines in (c.lines for c in cleaned.values()):
        for line in lines:
            assert len(fold(line)) == len(line)
    assert fold("（一）湘市监计量〔2022〕139号“十四五”（E-CQS）") == '(一)湘市监计量[2022]139号"十四五"(e-cqs)'


def test_normalize_query():
    assert normalize_query("  溫州  計量標準？ ") == "温州 计量标准?"
