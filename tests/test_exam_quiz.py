"""Exam practice: every item the notices and the shared regulations yield is checked against its cited clause
(each right option stated there, each wrong one not); papers, mock layouts, scoring, grading, exports, HTTP."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import zipfile
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest

from retriever.answering.answer import ask
from retriever.answering.cite import document_name, version_of
from retriever.documents.clean import fold
from retriever.models import QUIZ_KINDS, PaperSection
from retriever.exam.quiz import (
    MOCK_MINUTES,
    QuizError,
    all_items,
    chapters_of,
    grade,
    make_paper,
    paper_from_id,
    review_paper,
)
from retriever.exam.items import GAP
from retriever.exam.notice_items import BLANK, FALSE, TRUE
from retriever.exam.scoring import is_correct

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "regulations"
YEAR_OR_PLAN = re.compile(r"\d{4}|十[一二三四五六七八九]?五")
PUNCT = re.compile(r"[，。；、：:“”‘’\"'（）()《》〈〉\[\]【】!！?？,.;\s·—\-]")


@pytest.fixture(scope="module")
def law_index(regulations_index):
    """The session's real index of kb/ and the shared regulations (skipped when they are absent)."""
    return regulations_index


# --- independent checks of what a clause states ------------------------------------------------


def bare(text: str) -> str:
    return PUNCT.sub("", fold(text))


def stated(text: str, option: str) -> bool:
    return bare(option) in bare(text)


def clause_of(index, item):
    return index.clauses[item.citation.clause_id]


def facts_of(index, item, kind):
    return [f for f in index.facts.get(item.citation.clause_id, []) if f.kind == kind]


def states_value(text: str, value: str) -> bool:
    """The clause names this value as a whole number (92% is not inside 192%, 10项 not inside 100项)."""
    m = re.match(r"^(\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)?)(\D*)$", value)
    if not m:
        return fold(value) in fold(text)
    number = m.group(1).replace("-", "[-~～]")
    return re.search(rf"(?<![\d.]){number}(?![\d.]){re.escape(m.group(2))}", fold(text)) is not None


def years_in(expr: str) -> set[str]:
    return set(YEAR_OR_PLAN.findall(expr))


def responsible(index, item) -> set[str]:
    return {u for f in facts_of(index, item, "responsibility") for u in (*f.units, *f.implicit_units)}


def restates(text: str, statement: str) -> bool:
    """The statement is the clause's own words, possibly with the governing deadline put in front."""
    body = statement.rstrip("。")
    if body in text:
        return True
    head, _, rest = body.partition("，")
    return head in text and rest in text


def body_of(stem: str) -> str:
    """A stem without its 根据《…》（…）， lead and 填空： marker."""
    body = stem.split("填空：", 1)[1] if "填空：" in stem else stem
    return re.sub(r"^根据.*?[）》][，：]", "", body, count=1)


def expected_part(clause, quote: str) -> str | None:
    """The 款/项 a quote lies in, as a lawyer cites it (a lone 第一款 is not cited)."""
    if clause.kind != "article":
        return None
    start = clause.text.find(quote)
    inside = [p for p in clause.parts if p.start <= start and start + len(quote) <= p.end]
    part = min(inside, key=lambda p: p.end - p.start, default=None)
    if part is None or part.kind == "款" and sum(p.kind == "款" for p in clause.parts) == 1:
        return None
    return part.label


def quoted(stem: str) -> str:
    return stem[stem.index("“") + 1 : stem.rindex("”")]


# --- the construction check: every item of the knowledge base ------------------------------------


def check_notice_item(index, item, text, c, where):
    """填空/单选/判断/多选 from a notice's targets, deadlines and responsible units."""
    if item.kind == "fill":
        assert item.options == () and item.stem.count(BLANK) == 1, where
        assert item.answer in text, where
        assert restates(text, body_of(item.stem).replace(BLANK, item.answer)), where
        if item.facet == "value":
            assert any(f.value == item.answer and f.quote == c.quote for f in facts_of(index, item, "target")), where
        else:
            assert any(
                f.deadline == item.truth and item.answer in f.deadline for f in facts_of(index, item, "deadline")
            ), where
    elif item.kind == "single":
        wrong = [o for o in item.options if o != item.answer]
        if item.facet == "value":
            assert any(f.value == item.answer for f in facts_of(index, item, "target")), where
            assert states_value(text, item.answer), where
            for o in wrong:
                assert not states_value(text, o), f"{where}: distractor {o} is stated in the clause"
            assert restates(text, body_of(item.stem).replace(GAP, item.answer)), where
        elif item.facet == "deadline":
            assert any(f.deadline == item.answer for f in facts_of(index, item, "deadline")), where
            for o in wrong:
                assert years_in(o) and not any(y in text for y in years_in(o)), f"{where}: {o} is in the clause"
            assert restates(text, body_of(item.stem).replace(GAP, item.answer)), where
        elif item.facet == "unit":
            explicit = {u for f in facts_of(index, item, "responsibility") for u in f.units}
            assert item.answer in explicit and item.answer in text, where
            for o in wrong:
                assert o not in responsible(index, item), f"{where}: {o} is responsible for this clause"
                assert fold(o) not in fold(text), f"{where}: {o} is named in the clause"
        else:  # source: which notice
            assert item.facet == "source" and item.answer == index.notices[c.doc_id].title, where
            statement = bare(quoted(item.stem))
            titles = {n.title: d for d, n in index.notices.items()}
            tested = [f for f in facts_of(index, item, "target") if f.quote == c.quote]
            for o in wrong:
                other = titles[o]
                assert other != c.doc_id and index.notices[other].kind == "通知·意见", where
                assert statement not in bare("".join(cl.text for cl in index.clauses_of(other))), where
                assert not any(
                    t.value == f.value and t.year == f.year for t in tested for f in index.facts_of(other, "target")
                ), where
    elif item.kind == "multiple":
        assert item.facet in ("unit", "list"), where
        if item.facet == "unit":
            explicit = {u for f in facts_of(index, item, "responsibility") for u in f.units}
            assert set(item.answers) <= explicit and all(a in c.quote for a in item.answers), where
            assert all(o in item.answers for o in item.options if o in explicit), f"{where}: key incomplete"
            for o in item.options:
                if o not in item.answers:
                    assert o not in responsible(index, item) and fold(o) not in fold(text), f"{where}: {o}"
    else:  # judge
        assert item.answer in (TRUE, FALSE) and item.shown, where
        statement = body_of(item.stem)
        if item.answer == TRUE:
            assert item.shown == item.truth, where
            if item.facet == "unit" and "责任单位包括" in statement:
                assert item.shown in responsible(index, item), where
            else:
                assert restates(text, statement), where
        else:
            assert item.shown != item.truth, where
            if item.facet == "unit" and "责任单位包括" in statement:
                assert item.shown not in responsible(index, item) and item.shown not in text, where
            else:  # exactly one fact changed: putting the truth back gives the clause's words
                assert restates(text, statement.replace(item.shown, item.truth, 1)), where
                assert not restates(text, statement), where
                if item.facet == "value":
                    assert not states_value(text, item.shown), where
                elif item.facet == "deadline":
                    assert not any(y in text for y in years_in(item.shown)), where
                else:
                    assert item.shown not in responsible(index, item) and item.shown not in text, where


def check_regulation_single(index, item, clause, c, where):
    """单选 from an article: the key stated by the article, every wrong option not."""
    text, notice = clause.text, index.notices[c.doc_id]
    wrong = [o for o in item.options if o != item.answer]
    if item.facet == "article":  # which article of this document
        assert item.answer == clause.label, where
        statement = bare(quoted(item.stem))
        assert statement in bare(text), where
        labels = {cl.label: cl for cl in index.clauses_of(c.doc_id) if cl.kind == "article"}
        for o in wrong:
            assert o in labels and labels[o].clause_id != clause.clause_id, where
            assert statement not in bare(labels[o].text), f"{where}: {o} states it too"
    elif item.facet == "source":  # which document
        assert item.answer == f"《{notice.title.strip('《》')}》", where
        statement = bare(quoted(item.stem))
        assert statement in bare(text), where
        titles = {f"《{n.title.strip('《》')}》": n for n in index.notices.values() if n.status == "current"}
        for o in wrong:
            other = titles[o]
            assert other.doc_id != c.doc_id and other.series != notice.series, where
            assert not any(statement in bare(cl.text) for cl in index.clauses_of(other.doc_id)), (
                f"{where}: {other.doc_id} states it too"
            )
    else:  # who, which value, which term, which consequence: the article states the key and no wrong option
        assert stated(text, item.answer), f"{where}: the key {item.answer} is not in the article"
        for o in wrong:
            assert not stated(text, o), f"{where}: wrong option {o} is stated in the article"
            assert bare(o) not in bare(item.answer) and bare(item.answer) not in bare(o), where
        if item.facet in ("authority", "time_limit", "penalty", "effective"):
            assert stated(text, body_of(item.stem).replace(GAP, item.answer)), f"{where}: stem is not the article's"
        elif item.facet == "definition":
            body = body_of(item.stem)  # X是指… or, as the article words it, …，为X。
            assert body.startswith(GAP + "是指") or body.endswith("，为" + GAP + "。"), where
            assert stated(text, body_of(item.stem).replace(GAP, item.answer)), where
        else:
            assert item.facet == "consequence" and "下列处理符合规定的是" in item.stem, where


def check_list_multiple(index, item, clause, c, where):
    """多选 from an enumeration: the key is items of the list (and all offered items of it), the rest not stated."""
    text = clause.text
    lists = [f for f in facts_of(index, item, "list") if f.quote == c.quote]
    assert lists, where
    items = {i.strip("；;。，, ") for f in lists for i in f.items}
    assert set(item.answers) <= items, f"{where}: a key option is not an item of the list"
    assert all(stated(text, a) for a in item.answers), where
    for o in item.options:
        if o in items:
            assert o in item.answers, f"{where}: {o} is in the list but not in the key"
        else:
            assert not stated(text, o), f"{where}: wrong option {o} is stated in the article"
    assert "（　　）" in item.stem and "本题正确选项" in item.explanation, where


def check_item(index, item):
    clause, c = clause_of(index, item), item.citation
    notice = index.notices[c.doc_id]
    where = f"{item.item_id}: {item.stem}"
    assert notice.status == "current", f"{where}: from an older version"
    assert c.text == clause.text and c.quote in clause.text and c.doc_id == clause.doc_id, where
    assert c.title == notice.title and c.clause == clause.path, where
    assert item.item_id.startswith(c.clause_id + "#" + item.kind + "-"), where
    assert c.part == expected_part(clause, c.quote), where
    if item.kind in ("single", "multiple"):
        assert len(item.options) == 4 and len(set(item.options)) == 4, where
        assert item.facet == "source" or all(len(o) <= 30 for o in item.options), where  # titles may be longer
        assert GAP in item.stem, where
    if item.kind == "single":
        assert item.options.count(item.answer) == 1 and item.key in "ABCD", where
    if item.kind == "multiple":
        assert 2 <= len(item.answers) <= 3 and set(item.answers) < set(item.options), where
        assert item.answer == "、".join(item.answers) and len(item.key) == len(item.answers), where
    if notice.kind == "通知·意见":
        assert c.version is None, where
        if item.facet == "list":
            check_list_multiple(index, item, clause, c, where)
        else:
            check_notice_item(index, item, clause.text, c, where)
        return
    assert c.version == version_of(index, notice), where
    if clause.kind == "article":
        first_line = c.quote.split("\n", 1)[0]
        lead = f"依据{document_name(index, notice)}{clause.label}{c.part or ''}："
        assert lead in item.explanation, f"{where}: explanation does not name the article: {item.explanation[:80]}"
        body = first_line[len(clause.label) :].strip() if first_line.startswith(clause.label) else first_line
        assert body[:20] in item.explanation, where
    assert item.kind in ("single", "multiple"), f"{where}: regulations yield the exam's kinds only"
    if item.kind == "single":
        check_regulation_single(index, item, clause, c, where)
    else:
        check_list_multiple(index, item, clause, c, where)


def test_every_notice_item_is_answered_by_its_clause_and_no_distractor_is_true(index):
    items = all_items(index)
    assert len(items) > 100
    for item in items:
        check_item(index, item)
    kinds = Counter(i.kind for i in items)
    assert set(kinds) == set(QUIZ_KINDS), kinds
    print("\nkb/ items per kind:", dict(kinds))


def test_every_item_of_notices_and_regulations_is_stated_by_its_article(law_index):
    items = all_items(law_index)
    for item in items:
        check_item(law_index, item)
    law = [i for i in items if law_index.notices[i.citation.doc_id].kind != "通知·意见"]
    kinds = Counter(i.kind for i in law)
    assert kinds["single"] >= 250 and kinds["multiple"] >= 30, kinds
    facets = Counter(i.facet for i in law)
    assert {
        "authority",
        "time_limit",
        "penalty",
        "consequence",
        "definition",
        "effective",
        "article",
        "source",
        "list",
    } <= set(facets), facets
    per_doc = Counter((i.citation.doc_id, i.kind) for i in items)
    print("\nitems per document and kind:", dict(sorted(per_doc.items())))


def test_no_item_comes_from_a_superseded_version(law_index):
    old = [d for d, n in law_index.notices.items() if n.status == "superseded"]
    assert old, "the shared regulations hold two versions of the implementing rules"
    assert not [i for i in all_items(law_index) if i.citation.doc_id in old]
    with pytest.raises(QuizError, match="older version"):
        make_paper(law_index, 5, doc_ids=old, seed=1)


def test_known_regulation_items(law_index):
    items = all_items(law_index)
    law = "计量法-2018-10-26"
    rules = "计量法实施细则-2022-03-29"

    nine = [i for i in items if i.citation.clause_id == f"{law}/第九条" and i.kind == "multiple"]
    assert nine, "计量法第九条's four areas of compulsory verification make a multiple-choice item"
    areas = {"贸易结算", "安全防护", "医疗卫生", "环境监测"}
    for item in nine:
        assert set(item.answers) <= areas and not (set(item.options) - set(item.answers)) & areas
        assert "依据《中华人民共和国计量法》第九条第一款：" in item.explanation
        assert item.citation.part == "第一款" and item.citation.version is None  # the only version held
        assert item.chapter == "第二章 计量基准器具、计量标准器具和计量检定"

    refer = next(
        i
        for i in items
        if i.citation.clause_id == f"{rules}/第五十五条" and i.facet == "authority" and "罚款1万元以上的" in i.stem
    )
    assert refer.stem.endswith("罚款1万元以上的，应当报（　　）决定。")
    assert refer.answer == "省级人民政府计量行政部门" and refer.citation.part == "第一款"

    appeal = next(i for i in items if i.citation.clause_id == f"{law}/第三十一条" and i.facet == "time_limit")
    assert appeal.answer == "十五日" and "十五日" not in appeal.stem
    assert all(not o.endswith("十五日") or o == "十五日" for o in appeal.options)

    fine = next(i for i in items if i.citation.clause_id == f"{rules}/第四十条" and i.facet == "penalty")
    assert fine.answer == "1000元以下" and all(re.fullmatch(r"\d+元以下", o) for o in fine.options)

    conditions = [i for i in items if i.citation.clause_id == f"{rules}/第四条" and i.kind == "multiple"]
    assert conditions and "下列哪些条件" in conditions[0].stem
    assert "简称" not in conditions[0].stem  # the abbreviation note is not part of the question

    term = next(
        i
        for i in items
        if i.citation.clause_id == f"{rules}/第五十六条" and i.facet == "definition" and i.answer == "计量检定"
    )
    assert term.stem.endswith("（　　）是指为评定计量器具的计量性能，确定其是否合格所进行的全部工作。")
    assert term.citation.part == "第（二）项"


def test_every_fact_of_a_notice_yields_its_items(index):
    items = all_items(index)
    by = Counter((i.citation.clause_id, i.kind, i.facet, i.truth) for i in items)
    from retriever.exam.notice_items import wrong_values

    for fact in index.facts_of(kind="target"):
        for kind in ("fill", "judge"):
            assert by[(fact.clause_id, kind, "value", fact.value)], (fact, kind)
        # a 单选 needs three wrong values the clause does not state (B级 next to a stated A级 has two)
        has_three = len(wrong_values(fact.value, index.clauses[fact.clause_id].text)) >= 3
        assert bool(by[(fact.clause_id, "single", "value", fact.value)]) == has_three, fact
    for fact in index.facts_of(kind="deadline"):
        if fact.year is not None:
            assert by[(fact.clause_id, "fill", "deadline", fact.deadline)], fact
    for fact in index.facts_of(kind="responsibility"):
        for unit in fact.units:
            assert by[(fact.clause_id, "single", "unit", unit)], (fact.clause_id, unit)
    per_doc = Counter(i.citation.doc_id for i in items)
    assert set(per_doc) == set(index.notices), per_doc


def test_known_notice_items(index):
    items = {(i.citation.clause_id, i.kind, i.facet, i.truth): i for i in all_items(index)}
    fill = items[("nanchang-2023/一", "fill", "value", "92%")]
    assert fill.stem.endswith("填空：到2025年，全市强检计量器具检定覆盖率____以上。")
    assert fill.answer == "92%" and fill.citation.quote == "全市强检计量器具检定覆盖率92%以上"
    single = items[("nanchang-2023/一", "single", "value", "92%")]
    assert set(single.options) == {"92%", "90%", "95%", "85%"}
    chen = items[("chenzhou-2011/二/(二)", "single", "value", "95%")]
    assert not {"90%", "100%"} & set(chen.options)  # both are stated in the clause
    for item in all_items(index):
        if item.facet == "unit" and item.kind in ("single", "multiple") and "市市场监管局" in responsible(index, item):
            assert "市市场监管部门" not in item.options, item.item_id  # the same body
    later = [i for i in all_items(index) if i.citation.clause_id == "nanchang-2023/二/(二)" and i.kind == "single"]
    assert later and all("开发区管委会" not in i.options for i in later)  # implicit units are responsible too
    units = [i for i in all_items(index) if i.kind == "multiple" and i.facet == "unit"]
    assert units and all(i.stem.endswith("下列单位中属于该项工作责任单位的有（　　）。") for i in units)


def test_items_are_stable_across_loads(index_dir, embedder, index):
    from retriever.index import load_index

    again = all_items(load_index(index_dir, embedder))
    assert again is not all_items(index)
    assert [i.model_dump() for i in again] == [i.model_dump() for i in all_items(index)]
    ids = [i.item_id for i in again]
    assert len(ids) == len(set(ids))
    assert len({(i.kind, i.stem, i.options) for i in again}) == len(again)


def test_wrong_value_ladders():
    from retriever.exam.law_items import fine_neighbours, time_neighbours
    from retriever.exam.notice_items import neighbours, unit_conflicts, unit_core, wrong_values

    assert time_neighbours("十五日")[:3] == ["十日", "二十日", "七日"]
    assert time_neighbours("15日")[:2] == ["10日", "20日"]
    assert time_neighbours("二十个工作日")[:2] == ["十五个工作日", "三十个工作日"]
    assert time_neighbours("四十五日") == []  # not on the ladder: no invented neighbours
    assert fine_neighbours("一千元以下")[:2] == ["五百元以下", "二千元以下"]
    assert fine_neighbours("1000元以下")[:2] == ["500元以下", "2000元以下"]
    assert fine_neighbours("一千元以上一万元以下")[:2] == ["五百元以上五千元以下", "二千元以上二万元以下"]
    assert neighbours("92%")[:3] == ["90%", "95%", "85%"]
    assert neighbours("B级") == ["A级", "C级", "D级"]
    assert wrong_values("10项", "计量标准100项以上，10项以上")[0] == "5项"
    assert [unit_core(u) for u in ("市工信局", "市市场监管局")] == ["工信", "市场监管"]
    assert unit_conflicts("市市场监管部门", "加强计量标准建设。", ["市市场监管局"])
    assert not unit_conflicts("市水利局", "加强计量标准建设。", ["市市场监管局"])


def test_names_of_one_body_are_never_a_right_and_a_wrong_option(law_index):
    from retriever.exam.law_items import body_form

    same = ("有关地方人民政府计量局", "有关人民政府计量行政部门", "相应的人民政府计量局")
    assert len({body_form(name) for name in same}) == 1
    assert body_form("县级以上地方人民政府计量行政部门") == body_form("县级以上人民政府计量主管部门")
    assert body_form("省级人民政府计量行政部门") != body_form("国务院计量行政部门")
    for item in all_items(law_index):
        if item.facet == "authority":
            own = body_form(item.answer)
            for o in item.options:
                if o != item.answer:
                    assert own not in body_form(o) and body_form(o) not in own, (item.item_id, o)
                    assert body_form(o) not in body_form(law_index.clauses[item.citation.clause_id].text), o


def test_list_rules():
    from retriever.models import Fact
    from retriever.exam.list_items import usable_items

    def lst(quote, items, subject=None):
        return Fact(kind="list", clause_id="d/第一条", doc_id="d", quote=quote, items=tuple(items), subject=subject)

    areas = lst("对用于贸易结算、安全防护、医疗卫生方面的计量器具实行检定。", ["贸易结算", "安全防护", "医疗卫生"])
    assert usable_items(areas) == ["贸易结算", "安全防护", "医疗卫生"]
    phrases = lst(
        "探索开展跨部门、跨行业、跨区域交流合作，合力提升质量。", ["探索开展跨部门", "跨行业", "跨区域交流合作"]
    )
    assert usable_items(phrases) == []  # not a run of terms: nothing to ask
    intro = lst(
        "申请授权，应当具备下列条件：\n（一）有法人资格；\n（二）国家规定的其他条件。",
        ["有法人资格", "国家规定的其他条件"],
        "申请授权，应当具备下列条件",
    )
    assert usable_items(intro) == ["有法人资格"]  # "the rest" is no option


# --- scoring -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def multiple_item(index):
    return next(i for i in all_items(index) if i.kind == "multiple" and len(i.answers) == 3)


@pytest.mark.parametrize(
    "scoring, picks, points",
    [
        ("partial", "all", 2.0),  # exactly the key
        ("partial", "two right", 1.0),  # 少选: 0.5 per right option chosen
        ("partial", "one right", 0.5),
        ("partial", "all and a wrong", 0.0),  # 错选: nothing
        ("partial", "a wrong", 0.0),
        ("partial", "none", 0.0),
        ("all_or_nothing", "all", 2.0),
        ("all_or_nothing", "two right", 0.0),
        ("all_or_nothing", "all and a wrong", 0.0),
    ],
)
def test_multiple_choice_scoring_table(index, multiple_item, scoring, picks, points):
    from retriever.models import OPTION_LABELS
    from retriever.exam.scoring import points_for

    item = multiple_item
    right = [OPTION_LABELS[i] for i, o in enumerate(item.options) if o in item.answers]
    wrong = [OPTION_LABELS[i] for i, o in enumerate(item.options) if o not in item.answers]
    chosen = {
        "all": right,
        "two right": right[:2],
        "one right": right[:1],
        "all and a wrong": right + wrong[:1],
        "a wrong": wrong[:1],
        "none": [],
    }[picks]
    assert points_for(item, "".join(sorted(chosen)) or None, 2.0, scoring) == points
    result = grade(index, {item.item_id: chosen}, scoring=scoring)
    assert result.points == points and result.items[0].correct == (points == 2.0)


def test_single_choice_and_study_aids_score_right_or_nothing(index):
    single = next(i for i in all_items(index) if i.kind == "single")
    other = next(label for label in "ABCD" if label != single.key)
    for given, points in (
        (single.key, 1.0),
        (single.key.lower(), 1.0),
        (single.answer, 1.0),
        (other, 0.0),
        (None, 0.0),
    ):
        assert grade(index, {single.item_id: given}).points == points, given
    with pytest.raises(QuizError, match="cannot read"):
        grade(index, {next(i for i in all_items(index) if i.kind == "multiple").item_id: "AZ!"})


def test_answers_are_read_as_candidates_write_them(index):
    items = {(i.citation.clause_id, i.kind, i.facet, i.truth): i for i in all_items(index)}
    fill = items[("nanchang-2023/一", "fill", "value", "92%")]
    assert all(is_correct(fill, g) for g in ("92%", "92", "９２％", " 92% "))
    assert not is_correct(fill, "90%") and not is_correct(fill, "")
    single = items[("nanchang-2023/一", "single", "value", "92%")]
    label = single.key
    assert is_correct(single, label) and is_correct(single, f"{label}. 92%") and is_correct(single, "92%")
    multiple = next(i for i in all_items(index) if i.kind == "multiple")
    key = multiple.key
    assert is_correct(multiple, key) and is_correct(multiple, list(key)) and is_correct(multiple, "、".join(key))
    assert is_correct(multiple, list(reversed(key))) and not is_correct(multiple, key[0])
    judge_true = next(i for i in all_items(index) if i.kind == "judge" and i.answer == TRUE)
    assert all(is_correct(judge_true, g) for g in ("正确", "对", "√", "T", "true"))
    assert not is_correct(judge_true, "错")


# --- papers --------------------------------------------------------------------------------------


def test_practice_paper_is_deterministic_reproducible_and_exam_kinds_by_default(index):
    a, b = make_paper(index, 20, seed=7), make_paper(index, 20, seed=7)
    assert a == b and len(a.items) == 20 and {i.kind for i in a.items} == {"single", "multiple"}
    assert [i.item_id for i in make_paper(index, 20, seed=8).items] != [i.item_id for i in a.items]
    assert paper_from_id(index, a.paper_id) == a
    assert make_paper(index, 5).seed > 0  # a random seed is recorded so the paper can be graded
    assert {i.points for i in a.items if i.kind == "multiple"} == {2.0}


def test_practice_paper_spreads_over_kinds_and_sentences(index):
    paper = make_paper(index, 20, kinds=["single", "multiple", "fill", "judge"], seed=3)
    assert Counter(i.kind for i in paper.items) == {"single": 5, "multiple": 5, "fill": 5, "judge": 5}
    assert [i.kind for i in paper.items] == sorted((i.kind for i in paper.items), key=QUIZ_KINDS.index)
    assert len({(i.citation.clause_id, i.citation.quote) for i in paper.items}) >= 17


def test_mock_paper_default_layout(law_index):
    paper = make_paper(law_index, mode="mock", seed=1)
    assert (paper.mode, paper.minutes, paper.scoring, paper.pass_mark) == ("mock", MOCK_MINUTES, "partial", 60.0)
    assert Counter(i.kind for i in paper.items) == {"single": 60, "multiple": 20}
    assert paper.max_points == 100.0
    assert all(law_index.notices[i.citation.doc_id].kind != "通知·意见" for i in paper.items)  # drawn from the law
    assert len({i.facet for i in paper.items if i.kind == "single"}) >= 6  # who, which value, term, article…
    assert paper_from_id(law_index, paper.paper_id) == paper
    assert make_paper(law_index, mode="mock", seed=1) == paper


def test_mock_paper_layout_time_and_scoring_are_in_its_id(law_index):
    sections = [PaperSection(kind="single", count=5, points=2), PaperSection(kind="multiple", count=3, points=4)]
    paper = make_paper(law_index, mode="mock", seed=9, sections=sections, minutes=20, scoring="all_or_nothing")
    assert [(s.kind, s.count, s.points) for s in paper.sections] == [("single", 5, 2.0), ("multiple", 3, 4.0)]
    assert paper.max_points == 22 and paper.minutes == 20
    again = paper_from_id(law_index, paper.paper_id)
    assert (again.minutes, again.scoring, again.sections) == (20, "all_or_nothing", paper.sections)
    item = next(i for i in paper.items if i.kind == "multiple")
    partial = grade(law_index, {item.item_id: item.key[0]}, paper.paper_id)
    assert partial.points == 0.0 and partial.scoring == "all_or_nothing" and partial.max_points == 22


def test_papers_limited_to_documents_and_chapters(law_index):
    docs = ["计量法-2018-10-26", "计量法实施细则-2022-03-29"]
    paper = make_paper(
        law_index,
        mode="mock",
        seed=2,
        doc_ids=docs,
        sections=[{"kind": "single", "count": 30, "points": 1}, {"kind": "multiple", "count": 5, "points": 2}],
    )
    assert {i.citation.doc_id for i in paper.items} <= set(docs) and len(paper.items) == 35
    penalties = make_paper(law_index, 15, doc_ids=docs, chapters=["法律责任"], seed=2)
    assert penalties.items and all(i.chapter.endswith("法律责任") for i in penalties.items)
    assert make_paper(law_index, 15, doc_ids=docs, chapters=["第六章"], seed=2).items[0].chapter.startswith("第六章")
    assert "第二章 计量基准器具、计量标准器具和计量检定" in chapters_of(law_index, ["计量法-2018-10-26"])
    with pytest.raises(QuizError, match="unknown chapters: 第九十章"):
        make_paper(law_index, 5, doc_ids=docs, chapters=["第九十章"], seed=1)


def test_review_paper_holds_the_given_items_first(index):
    items = [i for i in all_items(index) if i.kind in ("single", "multiple")][:3]
    paper = review_paper(index, [i.item_id for i in items] + ["gone#single-x"])
    assert {i.item_id for i in paper.items} == {i.item_id for i in items}
    assert paper_from_id(index, paper.paper_id) == paper
    assert review_paper(index, ["gone#single-x"]) is None
    mixed = make_paper(index, 10, seed=4, include=[items[0].item_id])
    assert items[0].item_id in {i.item_id for i in mixed.items} and len(mixed.items) == 10
    assert paper_from_id(index, mixed.paper_id) == mixed


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n": 0}, "between 1 and 100"),
        ({"n": 101}, "between 1 and 100"),
        ({"n": 5, "kinds": ["essay"]}, "unknown question kinds: essay"),
        ({"n": 5, "kinds": ["choice"]}, "the old kind choice is now single"),
        ({"n": 5, "doc_ids": ["nope"]}, "unknown doc_ids: nope"),
        ({"mode": "mock", "sections": [{"kind": "single", "count": 101, "points": 1}]}, "at most 100"),
        ({"mode": "mock", "sections": [{"kind": "single", "count": 0, "points": 1}]}, "at least one section"),
        ({"mode": "mock", "minutes": 0}, "minutes must be above 0"),
        ({"mode": "exam"}, "unknown mode"),
        ({"scoring": "generous"}, "unknown multiple-choice scoring"),
    ],
)
def test_paper_rejects_bad_requests(index, kwargs, message):
    with pytest.raises(QuizError, match=message):
        make_paper(index, seed=1, **kwargs)


# --- grading -------------------------------------------------------------------------------------


def test_grade_right_wrong_blank_and_pass_mark(index):
    paper = make_paper(index, 12, seed=5)
    right = {i.item_id: i.key for i in paper.items}
    result = grade(index, right, paper.paper_id)
    assert (result.correct, result.total, result.score, result.passed) == (12, 12, 100.0, True)
    assert result.points == result.max_points == paper.max_points
    assert all(g.citation.clause_id and g.explanation for g in result.items)

    wrong = {i.item_id: next(label for label in "ABCD" if label not in i.key) for i in paper.items}
    failed = grade(index, wrong, paper.paper_id)
    assert (failed.correct, failed.points, failed.passed) == (0, 0.0, False)

    first = paper.items[0]
    partial = grade(index, {first.item_id: first.key}, paper.paper_id)
    assert (partial.correct, partial.total) == (1, 12)
    assert [g.given for g in partial.items[1:]] == [None] * 11
    by_ids = grade(index, {first.item_id: first.key})
    assert (by_ids.correct, by_ids.total, by_ids.paper_id) == (1, 1, None)


def test_sixty_percent_passes(index):
    paper = make_paper(index, 10, kinds=["single"], seed=6)
    answers = {
        i.item_id: (i.key if n < 6 else next(x for x in "ABCD" if x != i.key)) for n, i in enumerate(paper.items)
    }
    assert grade(index, answers, paper.paper_id).passed
    answers[paper.items[0].item_id] = next(x for x in "ABCD" if x != paper.items[0].key)
    assert not grade(index, answers, paper.paper_id).passed


def test_grade_rejects_unknown_ids_and_foreign_papers(index):
    with pytest.raises(QuizError, match="unknown item ids: nope"):
        grade(index, {"nope": "A"})
    paper = make_paper(index, 3, seed=1)
    other = make_paper(index, 3, seed=2).items[0]
    with pytest.raises(QuizError, match="not in paper"):
        grade(index, {other.item_id: "A"}, paper.paper_id)
    with pytest.raises(QuizError, match="not one this service issued"):
        grade(index, {}, "garbage.1234")
    key, _, _ = paper.paper_id.rpartition(".")
    with pytest.raises(QuizError, match="earlier version of the documents"):
        grade(index, {}, key + ".00000000")


# --- exports -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def paper(index):
    return make_paper(
        index,
        mode="mock",
        seed=7,
        minutes=30,
        sections=[
            {"kind": "single", "count": 12, "points": 1},
            {"kind": "multiple", "count": 5, "points": 2},
            {"kind": "judge", "count": 3, "points": 1},
        ],
    )


def test_export_json_and_csv_round_trip(paper, tmp_path):
    from retriever.exam.export import write

    data = json.loads(write(paper, "json", tmp_path / "p.json").read_text(encoding="utf-8"))
    assert data["paper_id"] == paper.paper_id and data["seed"] == 7 and data["minutes"] == 30
    assert [d["item_id"] for d in data["items"]] == [i.item_id for i in paper.items]
    assert [d["answer_key"] for d in data["items"]] == [i.answer_key for i in paper.items]
    assert all(d["citation"]["quote"] in d["citation"]["text"] for d in data["items"])

    raw = write(paper, "csv", tmp_path / "p.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so spreadsheet programs read UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["item_id"] for r in rows] == [i.item_id for i in paper.items]
    for row, item in zip(rows, paper.items):
        assert row["answer"] == item.answer_key and row["clause_id"] == item.citation.clause_id
        assert float(row["points"]) == item.points
        options = [row[k] for k in ("option_a", "option_b", "option_c", "option_d")]
        assert options[: len(item.options)] == list(item.options)
    multiple = next(r for r in rows if r["kind"] == "multiple")
    assert re.match(r"^[A-D]{2,3}\. ", multiple["answer"])


def test_export_markdown_is_a_paper_with_the_key_at_the_end(paper, tmp_path):
    from retriever.exam.export import write

    md = write(paper, "md", tmp_path / "p.md").read_text(encoding="utf-8")
    questions, key = md.split("## 答案与解析")
    assert "考试时间：30分钟" in questions and "满分：25分" in questions and "合格：15分（60%）" in questions
    assert "## 一、单项选择题（共 12 题。每题1分。每题的备选项中，只有1个最符合题意）" in questions
    assert (
        "## 二、多项选择题（共 5 题。每题2分。每题的备选项中，有2个或2个以上符合题意，至少有1个错项。"
        "错选，本题不得分；少选，所选的每个正确选项得0.5分）" in questions
    )
    assert "## 三、判断题" in questions
    for no, item in enumerate(paper.items, 1):
        assert f"\n{no}. " in questions
        assert f"{no}. **{item.answer_key}**" in key and item.citation.clause_id in key
    assert "**" not in questions


def test_export_anki_deck_includes_multiple_choice(paper, tmp_path):
    import genanki

    from retriever.exam.export import ANKI_DECK_ID, write

    path = write(paper, "apkg", tmp_path / "p.apkg")
    with zipfile.ZipFile(path) as z:
        (tmp_path / "col.sqlite").write_bytes(z.read("collection.anki2"))
    db = sqlite3.connect(tmp_path / "col.sqlite")
    guids = {row[0] for row in db.execute("select guid from notes")}
    assert guids == {genanki.guid_for(i.item_id) for i in paper.items}
    fields = [row[0] for row in db.execute("select flds from notes")]
    assert any("【多项选择题】" in f and "D. " in f for f in fields)
    assert db.execute("select did from cards limit 1").fetchone()[0] == ANKI_DECK_ID
    db.close()


def test_cli_quiz_writes_mock_papers_in_each_format(index_dir, monkeypatch, tmp_path, capsys):
    import cli
    from retriever.config import get_settings

    monkeypatch.setenv("METROKB_INDEX_DIR", str(index_dir))
    get_settings.cache_clear()
    try:
        for fmt in ("json", "csv", "md", "apkg"):
            out = tmp_path / f"paper.{fmt}"
            assert (
                cli.main(
                    [
                        "quiz",
                        "--mode",
                        "mock",
                        "--single",
                        "8",
                        "--multiple",
                        "4",
                        "--minutes",
                        "20",
                        "--seed",
                        "7",
                        "--format",
                        fmt,
                        "-o",
                        str(out),
                    ]
                )
                == 0
            )
            assert out.stat().st_size > 0
        data = json.loads((tmp_path / "paper.json").read_text(encoding="utf-8"))
        assert Counter(d["kind"] for d in data["items"]) == {"single": 8, "multiple": 4}
        assert data["minutes"] == 20 and data["mode"] == "mock"
        assert "## 答案与解析" in (tmp_path / "paper.md").read_text(encoding="utf-8")
        assert (
            cli.main(["quiz", "--n", "5", "--seed", "1", "--kinds", "fill", "--doc-ids", "wenzhou", "--format", "json"])
            == 0
        )
        printed = json.loads(capsys.readouterr().out)
        assert {(d["kind"], d["citation"]["doc_id"]) for d in printed["items"]} == {("fill", "wenzhou")}
        assert cli.main(["quiz", "--n", "5", "--kinds", "essay"]) == 2
        assert "unknown question kinds" in capsys.readouterr().err
        assert cli.main(["quiz", "--stats"]) == 0
        out = capsys.readouterr().out
        assert "单项选择题" in out and "多项选择题" in out and "nanchang-2023" in out
    finally:
        get_settings.cache_clear()


# --- HTTP ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(index, tmp_path_factory):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from retriever.config import Settings
    from server.quiz_routes import router

    settings = Settings(_env_file=None, data_dir=tmp_path_factory.mktemp("quiz-data"))
    app = FastAPI()
    app.state.engine = SimpleNamespace(index=index, settings=settings)
    app.include_router(router)
    with TestClient(app) as c:
        yield c


def test_a_named_learners_practice_paper_starts_with_their_due_wrong_answers(client):
    first = client.post("/quiz", json={"n": 3, "seed": 5, "kinds": ["single"], "learner_id": "due-1"}).json()
    wrong = {q["item_id"]: "Z" for q in first["questions"]}
    graded = client.post("/quiz/grade", json={"paper_id": first["paper_id"], "answers": wrong, "learner_id": "due-1"})
    assert graded.status_code == 200 and graded.json()["correct"] == 0
    later = {"n": 5, "seed": 9, "kinds": ["single"]}
    ids = [q["item_id"] for q in client.post("/quiz", json=later | {"learner_id": "due-1"}).json()["questions"]]
    assert set(wrong) <= set(ids)
    anonymous = [q["item_id"] for q in client.post("/quiz", json=later).json()["questions"]]
    assert not set(wrong) <= set(anonymous)  # the same paper for nobody in particular


def test_http_quiz_and_grade(client, index):
    r = client.post("/quiz", json={"n": 10, "seed": 7, "kinds": ["single", "multiple"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["questions"]) == 10 and body["seed"] == 7
    assert all(set(q) == {"item_id", "kind", "stem", "options", "points"} for q in body["questions"])  # no answers
    assert client.post("/quiz", json={"n": 10, "seed": 7, "kinds": ["single", "multiple"]}).json() == body

    known = {i.item_id: i for i in all_items(index)}
    answers = {q["item_id"]: list(known[q["item_id"]].key) for q in body["questions"][:7]}
    g = client.post("/quiz/grade", json={"paper_id": body["paper_id"], "answers": answers})
    assert g.status_code == 200, g.text
    result = g.json()
    assert (result["correct"], result["total"]) == (7, 10)
    first = result["items"][0]
    assert first["correct"] and first["citation"]["clause_id"] and first["citation"]["quote"] in first["explanation"]


def test_http_mock_paper(client):
    r = client.post(
        "/quiz",
        json={
            "mode": "mock",
            "seed": 3,
            "minutes": 45,
            "scoring": "all_or_nothing",
            "sections": [{"kind": "single", "count": 4}, {"kind": "multiple", "count": 2, "points": 2}],
        },
    )
    assert r.status_code == 200, r.text
    paper = r.json()
    assert (paper["mode"], paper["minutes"], paper["scoring"], paper["max_points"]) == ("mock", 45, "all_or_nothing", 8)
    assert [q["kind"] for q in paper["questions"]] == ["single"] * 4 + ["multiple"] * 2


@pytest.mark.parametrize(
    "path, payload, status, message",
    [
        ("/quiz", {"n": 0}, 422, "greater than or equal to 1"),
        ("/quiz", {"n": 101}, 422, "less than or equal to 100"),
        ("/quiz", {"n": 5, "kinds": ["choice"]}, 422, "'single', 'multiple', 'fill' or 'judge'"),
        ("/quiz", {"mode": "exam"}, 422, "'practice' or 'mock'"),
        ("/quiz", {"n": 5, "doc_ids": ["nope"]}, 400, "unknown doc_ids: nope"),
        ("/quiz", {"n": 5, "chapters": ["第九十章"]}, 400, "unknown chapters"),
        ("/quiz", {"n": 5, "learner_id": "bad name!"}, 400, "is not allowed"),
        ("/quiz/grade", {"answers": {"nope": "A"}}, 400, "unknown item ids: nope"),
        ("/quiz/grade", {"paper_id": "garbage", "answers": {}}, 400, "not one this service issued"),
        ("/quiz/grade", {"answers": {}}, 400, "no answers given"),
        ("/quiz/grade", {"answers": {"x": "A"}, "learner_id": "x" * 65}, 422, "at most 64 characters"),
    ],
)
def test_http_errors(client, path, payload, status, message):
    r = client.post(path, json=payload)
    assert r.status_code == status, r.text
    assert message in r.text


# --- items that look like the exam -------------------------------------------------------------------


def test_mock_papers_leave_out_items_that_ask_only_for_an_article_number(law_index):
    assert any(i.facet == "article" for i in all_items(law_index))  # practice still has them
    paper = make_paper(law_index, mode="mock", seed=11)
    assert paper.items and not [i for i in paper.items if i.facet == "article" or "哪一条的规定" in i.stem]


def test_near_synonyms_of_a_body_are_one_body():
    from retriever.exam.law_items import body_form

    assert body_form("上一级人民政府计量行政部门") == body_form("上级人民政府计量行政部门")
    assert body_form("本级人民政府") == body_form("同级人民政府")
    assert body_form("上级人民政府计量行政部门") != body_form("国务院计量行政部门")


def test_time_limits_and_fines_of_one_form_are_alike():
    from retriever.exam.law_items import _same_form

    assert _same_form("十五日", "三十日") and not _same_form("十五日", "六个月")
    assert _same_form("1000元以下", "5000元以下") and not _same_form("1000元以下", "一千元以上一万元以下")


def test_list_distractors_come_from_lists_of_the_same_family(law_index):
    from retriever.exam.list_items import list_pool

    family = {}
    for entry in list_pool(law_index):
        for i in entry.items:
            family.setdefault(i, set()).add(entry.family)
    checked = 0
    for item in all_items(law_index):
        if item.facet != "list":
            continue
        clause = law_index.clauses[item.citation.clause_id]
        notice = law_index.notices[clause.doc_id]
        own = "catalogue" if clause.kind == "appendix" else "law" if notice.kind != "通知·意见" else "notice"
        for option in item.options:
            if option not in item.answers and option in family:
                assert own in family[option], (item.item_id, option, family[option])
                checked += 1
    assert checked > 20


def test_chat_and_quiz_cite_an_article_the_same_way(law_index):
    """One way to cite: a quiz explanation and a chat answer name the document, its version (only where the
    knowledge base holds several versions) and the article alike."""
    items = all_items(law_index)
    by_doc = {}
    for item in items:
        if item.citation.clause_id.endswith("条") and item.kind == "single":
            by_doc.setdefault(item.citation.doc_id, item)
    two_versions = by_doc["计量法实施细则-2022-03-29"]
    one_version = by_doc["计量法-2018-10-26"]
    assert two_versions.citation.version == "2022年3月29日修订版"
    assert "《中华人民共和国计量法实施细则》（2022年3月29日修订版）第" in two_versions.explanation
    assert one_version.citation.version is None and "《中华人民共和国计量法》第" in one_version.explanation
    for item in (two_versions, one_version):
        clause = law_index.clauses[item.citation.clause_id]
        answer = ask(law_index, clause.text.split("。")[0][len(clause.label) :])
        chat = next(c for c in answer.citations if c.clause_id == clause.clause_id)
        assert chat.version == item.citation.version, (chat, item.citation)
