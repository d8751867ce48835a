"""Front matter as publishers set it: a history in dated lines, in parentheses on one line or several, in a Markdown
blockquote; amendments by a 关于修改…的决定; a ministry's order (总局令, 第N号令) and its decree (经…局务会议审议通过，
现予公布); a 印发 notice around the document it issues. Each text here is written for its shape, with made-up
provinces where the place does not matter. The front matter is the clause `<doc_id>/header` in every form."""

from __future__ import annotations

import pytest

from retriever.documents.parse import parse_file


def parse(text: str, doc_id: str = "doc"):
    return parse_file(text.encode("utf-8"), f"{doc_id}.txt", doc_id)


def steps(parsed) -> list[tuple[str, str, str | None]]:
    return [(e.date, e.action, e.by) for e in parsed.notice.events]


def header(parsed) -> str:
    found = [c for c in parsed.clauses if c.clause_id == f"{parsed.notice.doc_id}/header"]
    assert len(found) == 1 and found[0].kind == "header"
    return found[0].text


ARTICLES = "\n　　第一条　为了加强计量器具管理，制定本条例。\n　　第二条　本条例自2021年1月1日起施行。\n"

ONE_LINE = (
    "东山省计量器具管理条例\n\n"
    "（2001年6月29日东山省第九届人民代表大会常务委员会第二十七次会议通过　根据2010年7月30日东山省第十一届人民代表"
    "大会常务委员会第十九次会议《关于修改〈东山省专利保护条例〉等十件地方性法规的决定》第一次修正　2020年9月24日东山"
    "省第十三届人民代表大会常务委员会第二十四次会议修订）\n"
) + ARTICLES

MANY_LINES = (
    "西川省计量监督条例\n\n"
    "（1996年6月21日西川省第八届人民代表大会常务委员会第二十次会议通过\n"
    "根据2004年7月2日西川省第十届人民代表大会常务委员会第十次会议《关于修改〈西川省计量监督条例〉的决定》第一次修正\n"
    "根据2017年11月30日西川省第十二届人民代表大会常务委员会第三十七次会议《关于修改〈西川省计量监督条例〉等八件地方性"
    "法规的决定》第二次修正）\n"
) + ARTICLES

BLOCKQUOTE = (
    "# 南岭市计量管理条例\n\n"
    "> 2013年10月30日南岭市第十四届人民代表大会常务委员会第十次会议通过\n"
    "> 2014年3月27日北江省第十二届人民代表大会常务委员会第九次会议批准\n\n"
    "第一条 为了加强计量管理，制定本条例。\n\n第二条 本条例自2014年6月1日起施行。\n"
)

DATED_LINES = (
    "# 中华人民共和国计量器具法\n\n"
    "1990年1月5日 第七届全国人民代表大会常务委员会第十一次会议通过\n\n"
    "2015年4月24日 第十二届全国人民代表大会常务委员会第十四次会议《全国人民代表大会常务委员会关于修改部分法律的决定》"
    "第一次修正\n\n1990年7月1日 施行\n\n<!-- INFO END -->\n\n"
    "第一条 为了加强计量器具管理，制定本法。\n\n第二条 本法自1990年7月1日起施行。\n"
)


def test_a_history_in_parentheses_on_one_line():
    p = parse(ONE_LINE)
    assert steps(p) == [
        ("2001-06-29", "通过", "东山省人民代表大会常务委员会"),
        ("2010-07-30", "修正", "东山省人民代表大会常务委员会"),
        ("2020-09-24", "修订", "东山省人民代表大会常务委员会"),
    ]
    n = p.notice
    assert (n.issuer, n.date, n.effective, n.kind) == (
        "东山省人民代表大会常务委员会",
        "2020-09-24",
        "2021-01-01",
        "地方性法规",
    )
    assert (n.region, n.level) == ("东山", "省")
    assert "第一次修正" in header(p) and n.version_label == "2020年9月24日修订版"


def test_a_repository_dates_a_version_later_than_the_history_it_prints():
    """A file named by its version's date (title(yyyy-mm-dd)) whose history stops at an earlier amendment is that
    later version; a date in the name older than the history changes nothing."""
    later = parse_file(MANY_LINES.encode("utf-8"), "西川省计量监督条例(2019-05-01).md", "later").notice
    assert (later.date, later.version_label) == ("2019-05-01", "2019年5月1日版")
    older = parse_file(MANY_LINES.encode("utf-8"), "西川省计量监督条例(2010-05-01).md", "older").notice
    assert (older.date, older.version_label) == ("2017-11-30", "2017年11月30日修正版")


def test_a_history_in_parentheses_over_several_lines():
    p = parse(MANY_LINES)
    assert [s[:2] for s in steps(p)] == [("1996-06-21", "通过"), ("2004-07-02", "修正"), ("2017-11-30", "修正")]
    assert p.notice.events[1].text.endswith("《关于修改〈西川省计量监督条例〉的决定》第一次修正")
    assert p.notice.date == "2017-11-30" and p.notice.version_label == "2017年11月30日修正版"
    assert header(p).count("\n") == 3  # the title and the three lines of the history


def test_a_history_in_a_markdown_blockquote():
    p = parse(BLOCKQUOTE)
    assert steps(p) == [
        ("2013-10-30", "通过", "南岭市人民代表大会常务委员会"),
        ("2014-03-27", "批准", "北江省人民代表大会常务委员会"),
    ]
    n = p.notice
    assert (n.issuer, n.region, n.level, n.effective) == ("南岭市人民代表大会常务委员会", "南岭", "市", "2014-06-01")
    assert "> " not in header(p) and "批准" in header(p)


def test_dated_lines_with_an_amending_decision():
    p = parse(DATED_LINES)
    assert steps(p) == [
        ("1990-01-05", "通过", "全国人民代表大会常务委员会"),
        ("2015-04-24", "修正", "全国人民代表大会常务委员会"),
        ("1990-07-01", "施行", None),
    ]
    assert (p.notice.kind, p.notice.region, p.notice.level) == ("法律", "全国", "国家")


ORDER_IN_PARENTHESES = (
    "计量器具检定管理办法\n\n（2023年3月16日国家市场监督管理总局令第70号公布　自2023年6月1日起施行）\n\n"
    "第一章　总则\n\n　　第一条　为了规范计量器具检定，制定本办法。\n\n第二章　附则\n\n"
    "　　第二条　本办法自2023年6月1日起施行。\n"
)

DECREE = (
    "国家市场监督管理总局令\n\n第99号\n\n"
    "《计量标准考核管理办法》已经2024年1月10日市场监管总局第2次局务会议审议通过，现予公布，自2024年5月1日起施行。\n\n"
    "局长　某某\n\n2024年2月1日\n\n计量标准考核管理办法\n\n"
    "第一条　为了规范计量标准考核，制定本办法。\n\n第二条　本办法自2024年5月1日起施行。\n"
)

SHORT_ORDER = (
    "计量比对管理办法\n\n（总局第88号令）\n\n"
    "　　《计量比对管理办法》已经2022年11月1日国家质量监督检验检疫总局局务会议审议通过，现予公布，自2023年1月1日起施行。\n\n"
    "局长　某某\n2022年11月20日\n\n"
    "　　第一条　为了规范计量比对工作，制定本办法。\n　　第二条　本办法由国家质量监督检验检疫总局负责解释。\n"
)


def test_an_order_in_parentheses_is_a_ministry_rule_with_its_number():
    n = parse(ORDER_IN_PARENTHESES).notice
    assert (n.kind, n.doc_number, n.issuer) == ("部门规章", "国家市场监督管理总局令第70号", "国家市场监督管理总局")
    assert (n.region, n.level, n.date, n.effective) == ("全国", "国家", "2023-03-16", "2023-06-01")
    assert [(e.action, e.by) for e in n.events] == [("公布", "国家市场监督管理总局"), ("施行", None)]


def test_a_decree_over_the_rule_it_publishes():
    p = parse(DECREE)
    n = p.notice
    assert (n.title, n.kind, n.doc_number) == ("计量标准考核管理办法", "部门规章", "国家市场监督管理总局令第99号")
    assert (n.issuer, n.region, n.level) == ("国家市场监督管理总局", "全国", "国家")
    assert steps(p) == [
        ("2024-01-10", "通过", "市场监管总局"),
        ("2024-02-01", "公布", "市场监管总局"),
        ("2024-05-01", "施行", None),
    ]
    assert (n.date, n.effective) == ("2024-02-01", "2024-05-01")
    assert "局务会议审议通过" in header(p) and [c.kind for c in p.clauses].count("article") == 2


def test_a_short_order_number_and_the_decree_sentence():
    p = parse(SHORT_ORDER)
    n = p.notice
    assert (n.kind, n.doc_number, n.issuer) == ("部门规章", "总局第88号令", "国家质量监督检验检疫总局")
    assert [s[:2] for s in steps(p)] == [("2022-11-01", "通过"), ("2022-11-20", "公布"), ("2023-01-01", "施行")]
    assert "现予公布" in header(p) and not any(c.kind == "preamble" for c in p.clauses)


WRAPPING_NOTICE = (
    "东山省市场监督管理局关于印发《东山省计量器具管理办法》的通知\n\n东市监〔2021〕12号\n\n"
    "各市、县（市、区）市场监督管理局：\n\n　　现将《东山省计量器具管理办法》印发给你们，请认真贯彻执行。\n\n"
    "东山省市场监督管理局\n\n2021年5月6日\n\n东山省计量器具管理办法\n\n第一章　总则\n\n"
    "第一条　为了加强计量器具管理，制定本办法。\n\n第二条　本办法自2021年6月1日起施行。\n"
)


def test_a_notice_that_issues_a_document_records_the_issue():
    p = parse(WRAPPING_NOTICE)
    n = p.notice
    assert n.title == "东山省市场监督管理局关于印发《东山省计量器具管理办法》的通知"
    assert (n.doc_number, n.issuer, n.date, n.effective) == (
        "东市监〔2021〕12号",
        "东山省市场监督管理局",
        "2021-05-06",
        "2021-06-01",
    )
    assert steps(p) == [("2021-05-06", "印发", "东山省市场监督管理局")]
    assert "现将《东山省计量器具管理办法》印发给你们" in header(p)
    assert [c.label for c in p.clauses if c.kind == "article"] == ["第一条", "第二条"]


@pytest.mark.parametrize(
    "lines",
    [
        ["国务院关于印发计量发展规划（2021—2035年）的通知"],
        ["国务院关于印发计量发展规划", "（2021—2035年）的通知"],  # a publisher broke the title over two lines
    ],
)
def test_a_title_keeps_its_brackets_and_years(lines):
    text = "\n".join(
        lines
        + [
            "国发〔2021〕37号",
            "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
            "现将《计量发展规划（2021—2035年）》印发给你们，请认真贯彻执行。",
            "国务院",
            "2021年12月31日",
            "计量发展规划（2021—2035年）",
            "一、发展形势",
            "计量是实现单位统一、保障量值准确可靠的活动。",
        ]
    )
    n = parse(text).notice
    assert n.title == "国务院关于印发计量发展规划（2021—2035年）的通知"
    assert (n.issuer, n.region, n.level, n.doc_number) == ("国务院", "全国", "国家", "国发〔2021〕37号")


OTHER_PUBLISHER = (
    "东山省计量器具管理条例\n\n"
    "（2001年6月29日东山省第九届人民代表大会常务委员会第二十七次会议通过　2020年9月24日东山省第十三届人民代表大会"
    "常务委员会第二十四次会议修订）\n\n"
    "目　　录\n\n第一章　总　　则\n第二章　监督管理\n第三章　附　　则\n\n"
    "　　第一章　总　　则\n\n　　第一条　为了加强计量器具管理，制定本条例。\n\n"
    "　　第二条　本省行政区域内的计量器具管理，适用本条例。\n\n"
    "　　第二章　监督管理\n\n　　第三条　县级以上人民政府计量行政部门负责监督管理。\n\n"
    "　　第三章　附　　则\n\n　　第四条　本条例自2021年1月1日起施行。\n"
)


def test_another_publishers_layout_title_history_contents_indented_articles():
    p = parse(OTHER_PUBLISHER)
    assert [c.label for c in p.clauses if c.kind == "article"] == ["第一条", "第二条", "第三条", "第四条"]
    assert [c.heading for c in p.clauses if c.kind == "chapter"] == ["总则", "监督管理", "附则"]
    assert not any(c.kind == "preamble" for c in p.clauses)  # the table of contents is neither text nor front matter
    assert "目" not in header(p).split("\n")[-1] and p.warnings == []
    assert p.notice.events[-1].action == "修订" and p.notice.title == "东山省计量器具管理条例"


def test_a_table_of_contents_without_the_word_and_a_title_set_again_over_lines():
    text = (
        "# 最高人民法院关于审理计量纠纷案件适用法律若干问题的解释\n\n"
        "2021年1月5日 最高人民法院审判委员会第1800次会议通过\n\n<!-- INFO END -->\n\n"
        "最高人民法院\n\n关于审理计量纠纷案件适用法律若干问题的\n\n解释\n\n"
        "## 一、受理\n\n## 二、证据\n\n## 三、附则\n\n"
        "为正确审理计量纠纷案件，制定本解释。\n\n"
        "## 一、受理\n\n第一条 计量纠纷案件由人民法院受理。\n\n"
        "## 二、证据\n\n第二条 计量检定证书可以作为证据。\n\n"
        "## 三、附则\n\n第三条 本解释自2021年2月1日起施行。\n"
    )
    p = parse(text)
    ids = [c.clause_id for c in p.clauses]
    assert not any("~2" in i for i in ids) and p.warnings == []
    assert [c.label for c in p.clauses if c.kind == "article"] == ["第一条", "第二条", "第三条"]
    assert "\n解释" in header(p)  # the title set again is front matter, not text
    n = p.notice
    assert (n.kind, n.region, n.level, n.issuer) == ("司法解释", "全国", "国家", "最高人民法院审判委员会")


@pytest.mark.parametrize(
    "title, region, level",
    [
        ("深圳经济特区计量条例", "深圳", "市"),
        ("广西壮族自治区计量监督管理条例", "广西", "省"),
        ("新疆维吾尔自治区计量监督管理条例", "新疆", "省"),
        ("湘西土家族苗族自治州计量管理条例", "湘西", "市"),
        ("黔东南苗族侗族自治州计量管理条例", "黔东南", "市"),
        ("上海市浦东新区人民政府关于加强计量工作的实施意见", "浦东", "县"),
        ("重庆市渝中区人民政府关于推进计量工作的意见", "渝中", "县"),
        ("浙江省嘉兴市人民政府关于推进计量工作的实施意见", "嘉兴", "市"),
        ("上海市计量监督管理条例", "上海", "市"),
        ("杭州市风景名胜区计量管理办法", "杭州", "市"),
    ],
)
def test_region_and_level_from_the_title(title, region, level):
    n = parse(f"{title}\n\n第一条　为了加强计量工作，制定本规定。\n第二条　本规定自发布之日起施行。\n").notice
    assert (n.region, n.level) == (region, level)


@pytest.mark.parametrize(
    "title, first_line, kind",
    [
        (
            "最高人民法院关于审理计量纠纷案件若干问题的规定",
            "2020年1月2日 最高人民法院审判委员会第1790次会议通过",
            "司法解释",
        ),
        (
            "最高人民法院、最高人民检察院关于办理计量犯罪案件适用法律若干问题的解释",
            "2020年1月2日 最高人民法院审判委员会第1790次会议通过",
            "司法解释",
        ),
        ("中华人民共和国计量法典", "2020年1月2日 第十三届全国人民代表大会第三次会议通过", "法律"),
        ("某某计量办法", "2020年1月2日 国家市场监督管理总局令第9号公布", "部门规章"),
        ("东山省计量办法", "2020年1月2日 东山省人民政府令第9号公布", "地方政府规章"),
    ],
)
def test_kind_from_what_the_text_says(title, first_line, kind):
    n = parse(
        f"{title}\n\n{first_line}\n\n第一条　为了加强计量工作，制定本规定。\n第二条　本规定自发布之日起施行。\n"
    ).notice
    assert n.kind == kind


@pytest.mark.parametrize(
    "text",
    [ONE_LINE, MANY_LINES, BLOCKQUOTE, DATED_LINES, ORDER_IN_PARENTHESES, DECREE, SHORT_ORDER, WRAPPING_NOTICE],
)
def test_every_step_is_quoted_from_the_header_clause(text):
    """An answer about a document's history quotes the step from `<doc_id>/header`: its text must be there."""
    p = parse(text)
    assert p.notice.events and all(e.text and e.text in header(p) for e in p.notice.events)


def test_headings_in_a_row_that_open_the_body_are_no_table_of_contents():
    text = (
        "东山省计量条例\n\n第一编 总则\n\n第一章 一般规定\n\n第一节 通则\n\n第一条 为了加强计量工作，制定本条例。\n\n"
        "第二编 器具\n\n第二章 一般规定\n\n第一节 通则\n\n第二条 计量器具应当检定。\n"
    )
    p = parse(text)
    assert [c.label for c in p.clauses if c.kind == "article"] == ["第一条", "第二条"]
    assert [c.kind for c in p.clauses].count("part") == 2 and p.warnings == []


def test_amendments_by_amending_acts_adopted_at_a_meeting():
    text = (
        "# 中华人民共和国某某法\n\n1979年7月1日 第五届全国人民代表大会第二次会议通过\n\n"
        "1997年3月14日 第八届全国人民代表大会第五次会议修订\n\n"
        "1999年12月25日 第九届全国人民代表大会常务委员会第十三次会议通过的《中华人民共和国某某法修正案》\n\n"
        "2001年8月31日 第九届全国人民代表大会常务委员会第二十三次会议通过的《中华人民共和国某某法修正案（二）》\n\n"
        "<!-- INFO END -->\n\n第一条 为了某某，制定本法。\n\n第二条 本法自1997年10月1日起施行。\n"
    )
    p = parse(text)
    assert [s[:2] for s in steps(p)] == [
        ("1979-07-01", "通过"),
        ("1997-03-14", "修订"),
        ("1999-12-25", "修正"),
        ("2001-08-31", "修正"),
    ]
    assert p.notice.events[-1].text.endswith("通过的《中华人民共和国某某法修正案（二）》")
    assert p.notice.date == "2001-08-31" and p.notice.issuer == "全国人民代表大会"
    assert all(e.text in header(p) for e in p.notice.events)


def test_a_title_set_in_pieces_over_lines_is_one_title_and_front_matter():
    p = parse(
        "最高人民法院\n关于适用《中华人民共和国某某法》的\n解释\n"
        "2020年1月2日 最高人民法院审判委员会第1790次会议通过\n"
        "第一条 为了正确适用某某法，制定本解释。\n第二条 本解释自2020年2月1日起施行。\n"
    )
    assert p.notice.title == "最高人民法院关于适用《中华人民共和国某某法》的解释" and p.notice.kind == "司法解释"
    assert header(p).startswith("最高人民法院\n关于适用") and [c.kind for c in p.clauses] == [
        "header",
        "article",
        "article",
    ]


def test_a_quoted_title_over_a_title_line_is_not_joined_to_it():
    p = parse(
        "《关于加强计量工作的指导意见》\n某某局办公厅印发《关于加强计量工作的指导意见》的通知\n各有关单位：\n"
        "现将《关于加强计量工作的指导意见》印发给你们。\n某某局办公厅\n2022年6月28日\n一、总体要求\n加强计量工作。\n"
    )
    assert p.notice.title == "某某局办公厅印发《关于加强计量工作的指导意见》的通知"


def test_a_notice_adopted_at_a_government_meeting_and_issued():
    p = parse(
        "西川市人民政府关于推进计量工作的实施意见\n各县（区）人民政府，市直各有关单位：\n"
        "《关于推进计量工作的实施意见》已经2023年第13次市政府常务会审议通过，现印发给你们，请认真遵照执行。\n"
        "西川市人民政府\n2023年4月26日\n一、总体要求\n加强计量工作。\n"
    )
    assert steps(p) == [("2023-04-26", "印发", "市政府")]  # adopted in 2023 at a meeting the text does not date
    assert p.notice.events[0].text == "2023年4月26日" and "市政府常务会审议通过，现印发" in header(p)
    assert (p.notice.issuer, p.notice.region, p.notice.level) == ("西川市人民政府", "西川", "市")
