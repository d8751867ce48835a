"""Codes in part files and versions: parts of one code (same title and date, different 编, article numbers running
on) are one document's parts, all current and citable by article number; versions are the same document at different
dates. Then the parse report of kb/, ../shared/regulations/ and ../shared/stard/laws/ (read in place, skipped when
absent): no file skipped, no unknown kind, nothing superseded but older versions, and a warning only where the source
text itself has the defect it names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from retriever.documents.refs import article_id, parts_of
from retriever.index import read_kb
from retriever.numerals import int_to_cn

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
LAWS = SHARED / "stard" / "laws"
REGULATIONS = SHARED / "regulations"

FRONT = "# 中华人民共和国计量法典\n\n# {part}\n\n2020年5月28日 第十三届全国人民代表大会第三次会议通过\n\n{effective}<!-- INFO END -->\n\n"


def write_code(folder: Path) -> None:
    """A code in three part files, the first articles in the first; the third states no effective date."""
    (folder / "计量法典-总则.md").write_text(
        FRONT.format(part="总则", effective="2021年1月1日 施行\n\n")
        + "## 第一章 基本规定\n\n第一条 为了统一计量单位，制定本法。\n\n第二条 本法适用于计量活动。\n",
        encoding="utf-8",
    )
    (folder / "计量法典-器具编.md").write_text(
        FRONT.format(part="器具编", effective="2021年1月1日 施行\n\n")
        + "## 第一章 一般规定\n\n第三条 计量器具应当经检定合格。\n\n第四条 违反本法第一条规定的，依法处理。\n",
        encoding="utf-8",
    )
    (folder / "计量法典-附则.md").write_text(
        FRONT.format(part="附则", effective="") + "第五条 本法自2021年1月1日起施行。\n", encoding="utf-8"
    )


def test_parts_of_a_code_are_one_document_not_versions(tmp_path):
    write_code(tmp_path)
    report = read_kb(tmp_path)
    notices = {nb.notice.doc_id: nb.notice for nb in report.built}
    assert {n.status for n in notices.values()} == {"current"}
    assert {n.part_of for n in notices.values()} == {"计量法典-总则"}
    assert sorted(n.part for n in notices.values()) == ["器具编", "总则", "附则"]
    assert {n.kind for n in notices.values()} == {"法律"}
    assert notices["计量法典-附则"].effective == "2021-01-01"  # from its sibling parts
    assert not any(nb.warnings for nb in report.built)  # 第三条 opening a part is not a gap
    ids = {nb.notice.doc_id: {c.clause_id for c in nb.clauses} for nb in report.built}
    assert article_id(parts_of(notices, "计量法典-附则"), "第三条", ids) == "计量法典-器具编/第三条"
    ref = next(r for nb in report.built for c in nb.clauses for r in c.refs if r.article == "第一条")
    assert ref.target == "计量法典-总则/第一条"  # 本法第一条 in one part resolves to the part that holds it


def test_versions_stay_versions(tmp_path):
    for year, words in (("2018", "制定本细则"), ("2022", "制定本细则。修订")):
        (tmp_path / f"细则{year}.md").write_text(
            f"# 中华人民共和国计量器具细则\n\n{year}年3月1日 国务院令第{year[-2:]}号修订\n\n<!-- INFO END -->\n\n"
            f"第一条 为了实施计量法，{words}。\n\n第二条 本细则自发布之日起施行。\n",
            encoding="utf-8",
        )
    notices = {nb.notice.doc_id: nb.notice for nb in read_kb(tmp_path).built}
    assert notices["细则2018"].status == "superseded" and notices["细则2018"].superseded_by == "细则2022"
    assert notices["细则2022"].status == "current" and notices["细则2022"].part_of is None


# --- the shared laws -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def laws():
    if not LAWS.is_dir():
        pytest.skip(f"{LAWS} is absent: the shared STARD laws are not on this machine")
    return read_kb(LAWS)


def test_every_shared_law_has_a_kind(laws):
    assert laws.skipped == {} and len(laws.built) == len(list(LAWS.glob("*.md")))
    kinds = {nb.notice.file: nb.notice.kind for nb in laws.built}
    assert "未知" not in kinds.values(), [f for f, k in kinds.items() if k == "未知"]
    judicial = [nb.notice for nb in laws.built if nb.notice.title.startswith("最高人民")]
    assert judicial and {(n.kind, n.region, n.level) for n in judicial} == {("司法解释", "全国", "国家")}


def test_the_civil_code_in_parts_is_one_code(laws):
    parts = [nb for nb in laws.built if nb.notice.title == "中华人民共和国民法典"]
    assert len(parts) == 8
    assert {nb.notice.status for nb in parts} == {"current"} and {nb.notice.kind for nb in parts} == {"法律"}
    assert len({nb.notice.part_of for nb in parts}) == 1 and len({nb.notice.part for nb in parts}) == 8
    notices = {nb.notice.doc_id: nb.notice for nb in laws.built}
    ids = {nb.notice.doc_id: {c.clause_id for c in nb.clauses} for nb in laws.built}
    code = parts_of(notices, parts[0].notice.doc_id)
    for label, part in (("第五十六条", "总则"), ("第一千二百六十条", "附则")):  # 民法典第五十六条, and the last article
        found = article_id(code, label, ids)
        assert found is not None and notices[found.split("/")[0]].part == part, label
    numbers = sorted(c.number for nb in parts for c in nb.clauses if c.kind == "article")
    assert numbers == list(range(1, 1261))


# --- the parse report ------------------------------------------------------------------------------------------

HEADING_GAP = re.compile(r"^(?P<level>编|分编|章|节) numbering jumps from (?P<prev>\d+) to ")


def _clean(folder: Path, extra: list[Path] = ()) -> None:
    report = read_kb(folder, extra)
    assert report.skipped == {}
    by_id = {nb.notice.doc_id: nb.notice for nb in report.built}
    for nb in report.built:
        n = nb.notice
        assert n.kind != "未知", n.file
        if n.status == "superseded":  # only an older version of the same document
            newer = by_id[n.superseded_by]
            assert (newer.series, newer.region) == (n.series, n.region) and (n.date or "") < (newer.date or ""), n.file
        source = next(p for p in (folder, *extra) if (p / n.file).is_file()) / n.file
        lines = {line.lstrip("# ").replace(" ", "") for line in source.read_text(encoding="utf-8").splitlines()}
        for warning in nb.warnings:  # a warning names a defect of the source text itself
            m = HEADING_GAP.match(warning)
            assert m, (n.file, warning)
            missing = f"第{int_to_cn(int(m.group('prev')) + 1)}{m.group('level')}"
            assert not any(line.startswith(missing) for line in lines), (n.file, warning)


def test_the_parse_report_of_kb_and_the_shared_regulations_is_clean():
    if not REGULATIONS.is_dir():
        pytest.skip(f"{REGULATIONS} is absent: the shared regulations are not on this machine")
    _clean(ROOT / "kb", [REGULATIONS])


def test_the_parse_report_of_the_shared_laws_is_clean(laws):
    _clean(LAWS)
