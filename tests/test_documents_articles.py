"""Article-structured documents — laws, regulations, rules — parsed from text written here in their shapes:
chapters and sections, articles with paragraphs (款), items (项) and sub-items (目), articles without chapters,
un-numbered part headings, appended lists and tables, cross-references, metadata and versions."""

from __future__ import annotations

import pytest

from retriever.index import parse_summary, read_kb
from retriever.documents.parse import parse_file

# A provincial regulation as a public law repository stores it (Markdown, front matter, comment marker).
PROVINCIAL = """# 某某省计量器具监督条例

2016年5月27日 某某省第十二届人民代表大会常务委员会第二十九次会议通过

2021年9月29日 某某省第十三届人民代表大会常务委员会第二十九次会议《关于修改部分地方性法规的决定》修正

<!-- INFO END -->

## 第一章 总 则

第一条 为了加强计量器具监督管理，根据《中华人民共和国计量法》，结合本省实际，制定本条例。

第二条 本条例所称计量器具，是指能用以直接或者间接测出被测对象量值的装置。

## 第二章 检定

### 第一节 一般规定

第三条 下列计量器具实行强制检定：

（一）用于贸易结算的衡器；

（二）用于医疗卫生的血压计，包括：

1．台式血压计；

2．电子血压计。

未按照规定申请检定的，不得使用。

第四条 使用单位应当向所在地计量检定机构申请检定。计量检定机构应当自受理申请之日起十个工作日内完成检定。

### 第二节 检定机构

第五条 计量检定机构经省人民政府计量行政部门考核合格后，方可承担强制检定。

## 第三章 法律责任

第六条 违反本条例第三条第二款规定，使用未经检定的计量器具的，由计量行政部门责令改正，可以并处一千元以上五千元以下罚款。

第七条 依照《中华人民共和国计量法》第九条，检定结果由计量检定机构出具。

第八条 本条例自2022年1月1日起施行。

附：实行强制检定的计量器具目录

1．衡器

2．血压计

3．出租汽车计价器
"""

# A national rule without chapters, in plain text: title, parenthesised history, an un-numbered part heading.
PLAIN = """某某计量单位使用办法
（1990年3月1日国务院批准　1990年4月2日国家计量局发布　根据2011年1月8日《国务院关于废止和修改部分行政法规的决定》修订）
第一条　为统一计量单位，制定本办法。
第二条　本办法适用于全国。
法定计量单位的使用
第三条　出版物应当使用法定计量单位。
第四条　本办法自发布之日起施行。
"""

# A notice whose body is 一、二、 and whose attachment is a regulation in articles.
NOTICE_WITH_RULES = """嘉兴市人民政府关于印发计量检定管理办法的通知
各县（市、区）人民政府，市政府各部门：
现将《嘉兴市计量检定管理办法》印发给你们，请认真贯彻执行。
一、高度重视。各地要把计量检定工作列入重要议事日程。
二、加强督查。市市场监管局负责督查落实情况。
附件：嘉兴市计量检定管理办法
第一条　为规范计量检定工作，制定本办法。
第二条　计量检定机构应当在检定后五日内出具检定证书。
"""

# A decree of 一、二、 followed by an appended table without an 附件 marker.
DECREE = """国务院关于统一实行法定计量单位的命令
一、我国的计量单位一律采用法定计量单位。
二、各地区要积极推行法定计量单位。
中华人民共和国法定计量单位
表1 国际单位制的基本单位
| 量的名称 | 单位名称 | 单位符号 |
| 长度 | 米 | m |
| 质量 | 千克 | kg |
"""


def parse(text: str, name: str = "doc.md", doc_id: str = "d"):
    return parse_file(text.encode("utf-8"), name, doc_id)


def by_id(parsed) -> dict:
    return {c.clause_id.split("/", 1)[1]: c for c in parsed.clauses}


# --- structure ---------------------------------------------------------------------------------


def test_chapters_sections_and_articles_of_a_markdown_regulation():
    parsed = parse(PROVINCIAL)
    clauses = by_id(parsed)
    articles = [c for c in parsed.clauses if c.kind == "article"]
    assert [c.clause_id for c in articles] == [f"d/第{n}条" for n in "一二三四五六七八"]
    assert [c.number for c in articles] == list(range(1, 9))
    assert clauses["第一章"].heading == "总则" and clauses["第一章"].kind == "chapter"
    assert clauses["第二章/第一节"].kind == "section" and clauses["第二章/第一节"].parent_id == "d/第二章"
    third = clauses["第三条"]
    assert third.path == "第二章第一节 第三条" and third.heading == "检定 · 一般规定"
    assert third.parent_id == "d/第二章/第一节"
    assert third.text.startswith("第三条 下列计量器具实行强制检定：") and third.text.endswith(
        "未按照规定申请检定的，不得使用。"
    )
    assert clauses["第五条"].path == "第二章第二节 第五条"
    assert parsed.notice.style == "articles" and not parsed.warnings
    # front matter and scaffolding are not text of any article
    assert "INFO" not in "".join(c.text for c in parsed.clauses)
    assert clauses["header"].text.startswith("某某省计量器具监督条例\n2016年5月27日")


def test_paragraphs_items_and_sub_items_are_parts_of_the_article():
    third = by_id(parse(PROVINCIAL))["第三条"]
    labels = {p.label: third.text[p.start : p.end] for p in third.parts}
    assert labels["第一款"].startswith("下列计量器具实行强制检定：") and labels["第一款"].endswith("2．电子血压计。")
    assert labels["第一款第（一）项"] == "（一）用于贸易结算的衡器；"
    assert labels["第一款第（二）项"].startswith("（二）用于医疗卫生的血压计") and labels["第一款第（二）项"].endswith(
        "电子血压计。"
    )
    assert labels["第一款第（二）项第1目"] == "1．台式血压计；"
    assert labels["第二款"] == "未按照规定申请检定的，不得使用。"
    quote = "用于贸易结算的衡器"
    at = third.text.index(quote)
    assert third.part_at(at, at + len(quote)).label == "第一款第（一）项"


def test_single_paragraph_items_are_cited_without_the_paragraph():
    text = "# 某某办法\n<!-- INFO END -->\n第一条 有下列情形之一的，不予许可：\n（一）无固定场所的；\n（二）无检定人员的。\n第二条 本办法自发布之日起施行。\n"
    first = by_id(parse(text))["第一条"]
    assert [p.label for p in first.parts] == ["第一款", "第（一）项", "第（二）项"]


def test_inline_items_are_items():
    text = "# 某某办法\n<!-- INFO END -->\n第一条 申请人应当具备下列条件：（一）有固定场所；（二）有检定人员。\n"
    first = by_id(parse(text))["第一条"]
    items = [first.text[p.start : p.end] for p in first.parts if p.kind == "项"]
    assert items == ["（一）有固定场所；", "（二）有检定人员。"]


def test_articles_without_chapters_and_an_unnumbered_heading():
    parsed = parse(PLAIN, "plain.txt")
    clauses = by_id(parsed)
    assert [c.clause_id for c in parsed.clauses if c.kind == "article"] == [
        "d/第一条",
        "d/第二条",
        "d/第三条",
        "d/第四条",
    ]
    assert clauses["第二条"].path == "第二条" and clauses["第二条"].text == "第二条 本办法适用于全国。"
    heading = clauses["法定计量单位的使用"]
    assert heading.kind == "chapter" and clauses["第三条"].parent_id == heading.clause_id
    assert clauses["第三条"].path == "法定计量单位的使用 第三条" and clauses["第三条"].heading == "法定计量单位的使用"
    assert not [w for w in parsed.warnings if "outside" in w]


def test_appended_list_is_one_clause_with_its_entries_as_items():
    clauses = by_id(parse(PROVINCIAL))
    appendix = clauses["附件"]
    assert appendix.kind == "appendix" and appendix.heading == "实行强制检定的计量器具目录"
    assert [appendix.text[p.start : p.end] for p in appendix.parts] == ["1．衡器", "2．血压计", "3．出租汽车计价器"]
    assert "出租汽车计价器" not in clauses["第八条"].text
    assert not any(c.kind == "item" for c in clauses.values())


def test_a_notice_carrying_a_regulation_parses_each_part_in_its_own_style():
    parsed = parse(NOTICE_WITH_RULES, "jx.txt")
    ids = [c.clause_id for c in parsed.clauses]
    assert ids == ["d/header", "d/preamble", "d/一", "d/二", "d/附件", "d/附件/第一条", "d/附件/第二条"]
    clauses = by_id(parsed)
    assert clauses["一"].kind == "chapter" and clauses["附件/第二条"].kind == "article"
    assert clauses["附件/第二条"].parent_id == "d/附件" and clauses["附件/第二条"].path == "附件 第二条"
    assert parsed.notice.style == "mixed"


def test_a_decree_followed_by_a_table_keeps_the_table_apart():
    parsed = parse(DECREE, "decree.txt")
    clauses = by_id(parsed)
    assert clauses["二"].text == "二、各地区要积极推行法定计量单位。"
    table = clauses["附件"]
    assert table.kind == "appendix" and table.heading == "中华人民共和国法定计量单位"
    assert "| 长度 | 米 | m |" in table.text


def test_a_table_of_contents_is_not_the_body():
    text = (
        "某某条例\n目　录\n第一章　总则\n第二章　附则\n第一章　总则\n第一条　为了规范计量工作，制定本条例。\n"
        "第二章　附则\n第二条　本条例自2020年1月1日起施行。\n"
    )
    parsed = parse(text, "toc.txt")
    assert [c.clause_id for c in parsed.clauses if c.kind in ("chapter", "article")] == [
        "d/第一章",
        "d/第一条",
        "d/第二章",
        "d/第二条",
    ]
    assert not parsed.warnings


def test_article_numbering_gap_and_repeat_are_warned_about():
    text = "# 某某办法\n<!-- INFO END -->\n第一条 甲。\n第二条 乙。\n第四条 丙。\n第四条 丁。\n"
    parsed = parse(text)
    assert "article numbering jumps from 第二条 to 第四条" in parsed.warnings
    assert [c.clause_id for c in parsed.clauses if c.kind == "article"] == [
        "d/第一条",
        "d/第二条",
        "d/第四条",
        "d/第四条~2",
    ]
    assert any("appears twice" in w for w in parsed.warnings)


def test_a_line_that_cites_an_article_does_not_open_one():
    text = "# 某某办法\n<!-- INFO END -->\n第一条 计量器具应当检定。\n第二条 检定机构应当出具证书。\n第一条规定的计量器具，检定合格后方可使用。\n"
    clauses = by_id(parse(text))
    assert clauses["第二条"].text.endswith("第一条规定的计量器具，检定合格后方可使用。")


# --- metadata ----------------------------------------------------------------------------------


def test_metadata_of_a_provincial_regulation_from_its_front_matter():
    notice = parse(PROVINCIAL).notice
    assert notice.title == "某某省计量器具监督条例"
    assert (notice.kind, notice.region, notice.level) == ("地方性法规", "某某", "省")
    assert notice.issuer == "某某省人民代表大会常务委员会"
    assert [(e.date, e.action) for e in notice.events] == [("2016-05-27", "通过"), ("2021-09-29", "修正")]
    assert notice.date == "2021-09-29" and notice.effective == "2022-01-01"
    assert notice.version_label == "2021年9月29日修正版"


def test_metadata_from_a_parenthesised_history():
    notice = parse(PLAIN, "plain.txt").notice
    assert notice.title == "某某计量单位使用办法"
    assert [(e.date, e.action, e.by) for e in notice.events] == [
        ("1990-03-01", "批准", "国务院"),
        ("1990-04-02", "发布", "国家计量局"),
        ("2011-01-08", "修订", "国务院"),
    ]
    assert (notice.kind, notice.region, notice.level, notice.issuer) == ("行政法规", "全国", "国家", "国务院")
    assert notice.effective == "1990-04-02"  # 自发布之日起施行


def test_a_city_notice_without_catalog_entry_gets_its_region_from_its_title():
    notice = parse(NOTICE_WITH_RULES, "jx.txt").notice
    assert (notice.region, notice.level, notice.kind) == ("嘉兴", "市", "通知·意见")


@pytest.mark.parametrize(
    "title, issuer_line, kind, region, level",
    [
        (
            "中华人民共和国某某法",
            "2000年1月1日 第九届全国人民代表大会常务委员会第十三次会议通过",
            "法律",
            "全国",
            "国家",
        ),
        ("计量器具新产品管理办法", "2005年5月16日 国家质量监督检验检疫总局令第74号公布", "部门规章", "全国", "国家"),
        ("某某市计量监督管理办法", "2019年3月1日 某某市人民政府令第10号公布", "地方政府规章", "某某", "市"),
        ("某某县关于加强计量工作的意见", "", "通知·意见", "某某", "县"),
    ],
)
def test_kind_region_and_level(title, issuer_line, kind, region, level):
    notice = parse(f"# {title}\n{issuer_line}\n<!-- INFO END -->\n第一条 甲。\n").notice
    assert (notice.kind, notice.region, notice.level) == (kind, region, level)


def test_a_rules_order_number_is_its_doc_number_and_its_issuer_the_body():
    notice = parse(
        "# 计量器具新产品管理办法\n2005年5月16日 国家质量监督检验检疫总局令第74号公布\n<!-- INFO END -->\n第一条 甲。\n"
    ).notice
    assert notice.doc_number == "国家质量监督检验检疫总局令第74号"
    assert notice.issuer == "国家质量监督检验检疫总局"


# --- the knowledge base: versions and references ---------------------------------------------


def test_versions_are_grouped_and_the_newest_is_current(tmp_path):
    older = PROVINCIAL.replace(
        "2021年9月29日 某某省第十三届人民代表大会常务委员会第二十九次会议《关于修改部分地方性法规的决定》修正\n", ""
    )
    (tmp_path / "old.md").write_text(older, encoding="utf-8")
    (tmp_path / "new.md").write_text(PROVINCIAL, encoding="utf-8")
    report = read_kb(tmp_path)
    notices = {nb.notice.doc_id: nb.notice for nb in report.built}
    assert notices["old"].status == "superseded" and notices["old"].superseded_by == "new"
    assert notices["new"].status == "current" and notices["old"].series == notices["new"].series
    assert any("older version" in n for n in next(nb for nb in report.built if nb.notice.doc_id == "old").notes)


def test_same_title_in_two_regions_is_not_two_versions(tmp_path):
    (tmp_path / "a.md").write_text("# 关于加强计量工作的意见\n甲乙市人民政府\n一、加强领导。\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# 关于加强计量工作的意见\n丙丁市人民政府\n一、加强领导。\n", encoding="utf-8")
    assert {nb.notice.status for nb in read_kb(tmp_path).built} == {"current"}


def test_cross_references_resolve_within_and_across_documents(tmp_path):
    law = "# 中华人民共和国计量法\n<!-- INFO END -->\n" + "".join(f"第{n}条 甲。\n" for n in "一二三四五六七八九")
    (tmp_path / "law.md").write_text(law, encoding="utf-8")
    (tmp_path / "prov.md").write_text(PROVINCIAL, encoding="utf-8")
    built = {nb.notice.doc_id: nb for nb in read_kb(tmp_path).built}
    clauses = {c.clause_id: c for c in built["prov"].clauses}
    [own] = clauses["prov/第六条"].refs
    assert (own.text, own.article, own.part, own.target) == ("本条例第三条第二款", "第三条", "第二款", "prov/第三条")
    [other] = clauses["prov/第七条"].refs
    assert (other.title, other.article, other.target) == ("中华人民共和国计量法", "第九条", "law/第九条")
    [unknown] = clauses["prov/第一条"].refs if clauses["prov/第一条"].refs else [None]
    assert unknown is None  # 根据《…计量法》 without an article is not a reference to one


# --- facts ---------------------------------------------------------------------------------------


def test_facts_of_a_regulation(tmp_path):
    (tmp_path / "prov.md").write_text(PROVINCIAL, encoding="utf-8")
    [nb] = read_kb(tmp_path).built
    facts = nb.facts

    def of(kind, article):
        return [f for f in facts if f.kind == kind and f.clause_id == f"prov/{article}"]

    [penalty] = of("penalty", "第六条")
    assert penalty.value == "一千元以上五千元以下" and penalty.subject.endswith("使用未经检定的计量器具")
    [limit] = of("time_limit", "第四条")
    assert limit.value == "十个工作日" and limit.quote.startswith("计量检定机构应当自受理申请之日起")
    assert {(f.value, f.modal) for f in of("authority", "第四条")} == {("所在地计量检定机构", "申请")}
    assert ("省人民政府计量行政部门", "考核合格") in {(f.value, f.modal) for f in of("authority", "第五条")}
    [definition] = of("definition", "第二条")
    assert definition.subject == "计量器具" and definition.value.startswith("能用以直接或者间接测出")
    [listed] = of("list", "第三条")
    assert listed.subject == "下列计量器具实行强制检定" and listed.items[0] == "用于贸易结算的衡器"
    assert len(listed.items) == 2 and listed.items[1].startswith("用于医疗卫生的血压计")
    assert {f.modal for f in of("rule", "第三条")} == {"不得"}
    [effective] = of("effective", "第八条")
    assert effective.value == "2022-01-01"
    for fact in facts:  # every quote is a span of its clause
        assert fact.quote in next(c.text for c in nb.clauses if c.clause_id == fact.clause_id)


def test_an_inline_enumeration_is_a_list():
    from retriever.documents.facts import extract

    text = (
        "# 某某法\n<!-- INFO END -->\n第一条 对用于贸易结算、安全防护、医疗卫生、环境监测方面的计量器具实行强制检定。\n"
    )
    facts, _ = extract(parse(text).clauses)
    [listed] = [f for f in facts if f.kind == "list"]
    assert listed.items == ("贸易结算", "安全防护", "医疗卫生", "环境监测")


def test_parse_summary_counts_articles_against_the_last_number(tmp_path):
    (tmp_path / "prov.md").write_text(PROVINCIAL, encoding="utf-8")
    [nb] = read_kb(tmp_path).built
    summary = parse_summary(nb)
    assert (summary.articles, summary.last_article) == (8, 8)
    assert summary.kind == "地方性法规" and summary.facts["penalty"] == 1 and summary.references == 2
