"""The eight real regulations in ../shared/regulations/, read where they are (never copied into the project),
ingested beside the five notices: metadata, article counts, versions, and what 计量法 says."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from retriever.index import parse_summary, read_kb

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "regulations"

pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason=f"{SHARED} is absent: the shared regulations are not here")

# file stem -> (title, kind, region, level, effective date, number of articles)
EXPECTED = {
    "计量法(2018-10-26)": ("中华人民共和国计量法", "法律", "全国", "国家", "1986-07-01", 34),
    "计量法实施细则(2018-03-19)": ("中华人民共和国计量法实施细则", "行政法规", "全国", "国家", "1987-02-01", 60),
    "计量法实施细则(2022-03-29)": ("中华人民共和国计量法实施细则", "行政法规", "全国", "国家", "1987-02-01", 60),
    "强制检定的工作计量器具检定管理办法(1987-04-14)": (
        "中华人民共和国强制检定的工作计量器具检定管理办法",
        "行政法规",
        "全国",
        "国家",
        "1987-07-01",
        18,
    ),
    "进口计量器具监督管理办法(2016-02-06)": (
        "中华人民共和国进口计量器具监督管理办法",
        "行政法规",
        "全国",
        "国家",
        "1989-11-04",
        23,
    ),
    "水利电力部门电测、热工计量仪表和装置检定、管理的规定(1986-05-31)": (
        "水利电力部门电测、热工计量仪表和装置检定、管理的规定",
        "行政法规",
        "全国",
        "国家",
        None,
        0,
    ),
    "浙江省计量监督管理条例": ("浙江省计量监督管理条例", "地方性法规", "浙江", "省", "2014-01-01", 51),
    "上海市计量监督管理条例(2018-11-22)": ("上海市计量监督管理条例", "地方性法规", "上海", "市", "2001-01-01", 41),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    """kb/ and the shared regulations in one knowledge base (a temporary folder, as a user would assemble it)."""
    kb = tmp_path_factory.mktemp("kb")
    for path in (ROOT / "kb").iterdir():
        shutil.copy(path, kb)
    for path in SHARED.glob("*.md"):
        if path.name != "README.md":
            shutil.copy(path, kb)
    report = read_kb(kb)
    assert report.skipped == {}
    return {Path(nb.notice.file).stem: nb for nb in report.built}


def test_every_shared_regulation_is_here(built):
    assert set(EXPECTED) <= set(built), set(EXPECTED) - set(built)
    assert len(built) == 13


@pytest.mark.parametrize("stem", EXPECTED)
def test_metadata_and_articles(built, stem):
    title, kind, region, level, effective, articles = EXPECTED[stem]
    nb = built[stem]
    n = nb.notice
    assert (n.title, n.kind, n.region, n.level, n.effective) == (title, kind, region, level, effective)
    summary = parse_summary(nb)
    assert summary.articles == articles
    if articles:
        assert summary.last_article == articles and n.style == "articles"
    assert not [w for w in nb.warnings if "outside" in w or "file name stands in" in w or "jumps" in w], nb.warnings


def test_the_two_versions_of_the_implementing_rules(built):
    old, new = built["计量法实施细则(2018-03-19)"].notice, built["计量法实施细则(2022-03-29)"].notice
    assert old.series == new.series
    assert (old.status, old.superseded_by) == ("superseded", new.doc_id)
    assert new.status == "current" and new.version_label == "2022年3月29日修订版"
    assert old.version_label == "2018年3月19日版"  # its history stops at 2017; the file is the 2018 revision


def test_metrology_law_article_nine_and_thirty_one(built):
    nb = built["计量法(2018-10-26)"]
    clauses = {c.clause_id.split("/", 1)[1]: c for c in nb.clauses}
    nine = clauses["第九条"]
    assert nine.path == "第二章 第九条" and nine.heading == "计量基准器具、计量标准器具和计量检定"
    first = next(p for p in nine.parts if p.label == "第一款")
    assert nine.text[first.start : first.end].startswith("县级以上人民政府计量行政部门对社会公用计量标准器具")
    [areas] = [f for f in nb.facts if f.kind == "list" and f.clause_id == nine.clause_id]
    assert areas.items == ("贸易结算", "安全防护", "医疗卫生", "环境监测") and areas.quote in nine.text
    [limit] = [f for f in nb.facts if f.kind == "time_limit" and f.clause_id.endswith("/第三十一条")]
    assert limit.value == "十五日" and "向人民法院起诉" in limit.quote
    [effective] = [f for f in nb.facts if f.kind == "effective"]
    assert effective.value == "1986-07-01" and effective.clause_id.endswith("/第三十四条")


def test_references_between_the_regulations_resolve(built):
    rules = {c.clause_id.split("/", 1)[1]: c for c in built["强制检定的工作计量器具检定管理办法(1987-04-14)"].clauses}
    [ref] = rules["第一条"].refs
    assert ref.title == "中华人民共和国计量法" and ref.target == built["计量法(2018-10-26)"].notice.doc_id + "/第九条"
    newer = built["计量法实施细则(2022-03-29)"].notice.doc_id
    imports = {c.clause_id.split("/", 1)[1]: c for c in built["进口计量器具监督管理办法(2016-02-06)"].clauses}
    assert {r.target for r in imports["第十五条"].refs} == {f"{newer}/第四十四条"}  # the current version


def test_appended_catalogue_is_one_clause(built):
    nb = built["强制检定的工作计量器具检定管理办法(1987-04-14)"]
    [appendix] = [c for c in nb.clauses if c.kind == "appendix"]
    assert appendix.heading == "中华人民共和国强制检定的工作计量器具目录"
    assert len([p for p in appendix.parts if p.kind == "项"]) == 55
