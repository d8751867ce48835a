"""The clause tree and header of each notice in kb/, as a reader would cite them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from retriever.documents.clean import NoticeError
from retriever.index import read_kb
from retriever.documents.parse import parse_file

KB = Path(__file__).resolve().parent.parent / "kb"
HUNAN, NANCHANG, WENZHOU, SAMR, CHENZHOU = sorted(p.name for p in KB.glob("*.txt"))
SECTIONS = "一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六 十七 十八 十九 二十".split()


def sections(*numbers: int) -> list[str]:
    return [f"({SECTIONS[n - 1]})" for n in numbers]


def tree(spec: list[tuple[str, list]]) -> list[str]:
    """Clause ids (without doc id) from [(key, [children...]), ...] in document order."""
    out = []
    for key, children in spec:
        out.append(key)
        out += [f"{key}/{child}" for child in tree(children)]
    return out


def leaf(*keys: str) -> list[tuple[str, list]]:
    return [(k, []) for k in keys]


EXPECTED = {
    "hunan-2022": ["header", "preamble", *"一 二 三 四 五 六 七 八 九".split()],
    "nanchang-2023": [
        "header",
        "preamble",
        *tree(
            [
                ("一", []),
                ("二", [*leaf(*sections(1, 2)), ("(三)", leaf("1", "2", "3")), *leaf(*sections(4, 5))]),
                ("三", [("(六)", leaf("1", "2", "3")), *leaf(*sections(7, 8, 9, 10))]),
                ("四", leaf(*sections(11, 12, 13, 14, 15))),
                ("五", leaf(*sections(16, 17, 18, 19))),
            ]
        ),
    ],
    "wenzhou": [
        "preamble",
        *tree(
            [
                ("(一)", leaf("1", "2", "3", "4")),
                ("(二)", leaf("5", "6", "7", "8")),
                ("(三)", leaf("9", "10", "11", "12")),
                ("(四)", leaf("13", "14", "15", "16")),
                ("保障措施", leaf(*sections(1, 2, 3))),
            ]
        ),
    ],
    "samr-2022": [
        "header",
        "preamble",
        *tree(
            [
                ("一", [*leaf("(一)"), ("(二)", leaf("—1", "—2", "—3", "—4")), *leaf("(三)")]),
                ("二", leaf(*sections(4, 5, 6))),
                ("三", leaf(*sections(7, 8, 9, 10))),
                ("四", leaf(*sections(11, 12, 13))),
                ("五", leaf(*sections(14, 15, 16))),
                ("六", leaf(*sections(17, 18, 19, 20))),
            ]
        ),
    ],
    "chenzhou-2011": [
        "header",
        "preamble",
        *tree(
            [
                ("一", []),
                ("二", leaf(*sections(1, 2))),
                ("三", leaf(*sections(1, 2, 3, 4, 5, 6))),
                ("四", leaf(*sections(1, 2, 3, 4, 5))),
            ]
        ),
    ],
}


@pytest.fixture(scope="module")
def kb():
    report = read_kb(KB)
    assert report.skipped == {}
    return {nb.notice.doc_id: nb for nb in report.built}


def clause(kb, clause_id: str):
    doc_id = clause_id.split("/")[0]
    return next(c for c in kb[doc_id].clauses if c.clause_id == clause_id)


@pytest.mark.parametrize("doc_id", EXPECTED)
def test_clause_ids_per_notice(kb, doc_id):
    assert [c.clause_id for c in kb[doc_id].clauses] == [f"{doc_id}/{key}" for key in EXPECTED[doc_id]]


def test_nanchang_has_sections_one_to_nineteen(kb):
    found = [c.path for c in kb["nanchang-2023"].clauses if c.kind == "section"]
    assert len(found) == 19 and found[0] == "二、(一)" and found[-1] == "五、(十九)"


def test_samr_principles_under_basic_principles(kb):
    principles = [c for c in kb["samr-2022"].clauses if c.kind == "principle"]
    assert [c.heading for c in principles] == [
        "加强统筹、规范管理",
        "创新突破、改革引领",
        "需求牵引、提升供给",
        "开放合作、协同发展",
    ]
    assert {c.parent_id for c in principles} == {"samr-2022/一/(二)"}
    assert [c.path for c in principles] == ["一、(二)—1", "一、(二)—2", "一、(二)—3", "一、(二)—4"]
    assert clause(kb, "samr-2022/一/(二)").text == "（二）基本原则"


def test_parents_and_positions(kb):
    assert clause(kb, "nanchang-2023/三/(六)/2").parent_id == "nanchang-2023/三/(六)"
    assert clause(kb, "nanchang-2023/三/(六)").parent_id == "nanchang-2023/三"
    assert clause(kb, "wenzhou/(四)/16").parent_id == "wenzhou/(四)"
    assert clause(kb, "wenzhou/保障措施/(二)").parent_id == "wenzhou/保障措施"
    for nb in kb.values():
        positions = [c.position for c in nb.clauses]
        assert positions == sorted(positions) and len(set(positions)) == len(positions)
        ids = {c.clause_id for c in nb.clauses}
        assert all(c.parent_id in ids for c in nb.clauses if c.parent_id)


@pytest.mark.parametrize(
    "clause_id, kind, path, heading",
    [
        ("nanchang-2023/一", "chapter", "一、", "总体要求"),
        ("nanchang-2023/四/(十二)", "section", "四、(十二)", "推进计量执法体系建设"),
        ("nanchang-2023/二/(三)/1", "item", "二、(三)1.", "加强计量标准建设"),
        ("hunan-2022/八", "chapter", "八、", "加强经费保障"),
        ("wenzhou/(三)/9", "item", "(三)9.", "服务产业质量提升"),
        ("wenzhou/保障措施/(一)", "section", "保障措施(一)", "加强组织领导"),
        ("chenzhou-2011/二/(二)", "section", "二、(二)", "工作目标"),
        ("chenzhou-2011/三/(四)", "section", "三、(四)", "强化民生计量，维护群众利益"),
    ],
)
def test_kind_path_and_heading(kb, clause_id, kind, path, heading):
    c = clause(kb, clause_id)
    assert (c.kind, c.path, c.heading) == (kind, path, heading)


def test_clause_text_boundaries(kb):
    general = clause(kb, "nanchang-2023/一").text.split("\n")
    assert general[0] == "一、总体要求" and len(general) == 3
    assert general[2].startswith("到2025年，县级社会公用计量标准新建、提升改造30项以上")
    assert clause(kb, "nanchang-2023/二/(三)").text == "（三）夯实计量能力基础"
    assert clause(kb, "samr-2022/一/(三)").text.count("\n") == 2  # heading + 2025 + 2035 paragraphs
    assert clause(kb, "chenzhou-2011/四/(五)").text.endswith("努力营造政府重视、企业关注、百姓关心的计量工作良好氛围。")
    assert clause(kb, "hunan-2022/九").text.endswith("指导计量技术机构健全制度、加强管理。")
    assert clause(kb, "wenzhou/保障措施/(三)").text.endswith("营造良好的计量氛围。")
    assert clause(kb, "samr-2022/六/(二十)").text.endswith("营造关注计量、支持计量、应用计量的良好社会环境。")


def test_front_matter_goes_to_header_and_preamble(kb):
    header = clause(kb, "chenzhou-2011/header").text
    assert "二〇一一年十一月二十九日" in header and "郴政发〔2011〕17号" in header
    assert clause(kb, "chenzhou-2011/preamble").text.startswith("为充分发挥计量工作在推动科技创新")
    nanchang = clause(kb, "nanchang-2023/header").text.split("\n")
    assert "（此件主动公开）" in nanchang and "2023年4月26日" in nanchang
    assert clause(kb, "nanchang-2023/preamble").text.startswith("计量是实现单位统一")
    assert clause(kb, "wenzhou/preamble").text.startswith("根据《实施意见》：到2025年")
    assert "到2027年" in clause(kb, "wenzhou/preamble").text


# --- header metadata ----------------------------------------------------------------------


def parsed(name: str, doc_id: str = "x"):
    return parse_file((KB / name).read_bytes(), name, doc_id)


def test_header_metadata_from_the_text():
    hunan = parsed(HUNAN).notice
    assert hunan.doc_number == "湘市监计量〔2022〕139号"
    assert hunan.date == "2022-11-09" and hunan.issuer == "湖南省市场监督管理局"
    assert hunan.addressees == "各市州市场监督管理局，省计量检测研究院："
    chenzhou = parsed(CHENZHOU).notice
    assert chenzhou.doc_number == "郴政发〔2011〕17号"
    assert chenzhou.date == "2011-11-29" and chenzhou.issuer == "郴州市人民政府"
    assert chenzhou.title == "关于进一步加强计量工作的意见"
    nanchang = parsed(NANCHANG).notice
    assert nanchang.doc_number is None and nanchang.date == "2023-04-26"
    samr = parsed(SAMR).notice
    assert samr.date == "2022-06-28" and samr.issuer == "市场监管总局办公厅"
    assert samr.addressees.startswith("教育部、科技部") and samr.addressees.endswith("各大区国家计量测试中心：")


def test_notice_without_a_title_line_names_itself_after_its_file():
    notice = parsed(WENZHOU).notice
    assert notice.title == WENZHOU and notice.date is None and notice.doc_number is None


def write_catalog(kb_dir: Path, change) -> None:
    path = kb_dir / "catalog.yaml"
    catalog = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(catalog["notices"])
    path.write_text(yaml.safe_dump(catalog, allow_unicode=True), encoding="utf-8")


def test_catalog_overrides_the_text(kb, kb_copy):
    assert kb["nanchang-2023"].notice.title == "南昌市人民政府关于深入推进计量工作高质量发展的实施意见"
    assert kb["wenzhou"].notice.title == "温州市推进计量工作高质量发展《实施意见》要点"
    assert kb["wenzhou"].warnings == []
    write_catalog(kb_copy, lambda n: n[CHENZHOU].update(date="2011-12-01", issuer="郴州市政府办公室"))
    [chenzhou] = [nb.notice for nb in read_kb(kb_copy).built if nb.notice.doc_id == "chenzhou-2011"]
    assert (chenzhou.date, chenzhou.issuer, chenzhou.level) == ("2011-12-01", "郴州市政府办公室", "市")


def test_notice_without_catalog_entry_takes_its_metadata_from_the_text(kb_copy):
    write_catalog(kb_copy, lambda n: n.pop(CHENZHOU))
    report = read_kb(kb_copy)
    assert report.skipped == {}
    [nb] = [nb for nb in report.built if nb.notice.file == CHENZHOU]
    assert nb.notice.doc_id == "004-3456b6ecd4469940"
    assert (nb.notice.doc_number, nb.notice.date) == ("郴政发〔2011〕17号", "2011-11-29")
    assert (nb.notice.region, nb.notice.level, nb.notice.kind) == ("郴州", "市", "通知·意见")  # from its issuer
    assert any("no catalog entry" in n for n in nb.notes) and not nb.warnings
    assert "004-3456b6ecd4469940/四/(三)" in {c.clause_id for c in nb.clauses}


def test_untitled_notice_without_catalog_title_is_warned_about(kb_copy):
    write_catalog(kb_copy, lambda n: n[WENZHOU].pop("title"))
    [nb] = [nb for nb in read_kb(kb_copy).built if nb.notice.file == WENZHOU]
    assert nb.notice.title == WENZHOU
    assert any(w.startswith("no title line found") for w in nb.warnings)


def test_two_notices_claiming_one_doc_id(kb_copy):
    write_catalog(kb_copy, lambda n: n[CHENZHOU].update(doc_id="hunan-2022"))
    report = read_kb(kb_copy)
    assert "doc_id 'hunan-2022' is already used by " + HUNAN in report.skipped[CHENZHOU]
    assert len(report.built) == 4


def test_broken_catalog_is_reported(kb_copy):
    (kb_copy / "catalog.yaml").write_text("notices:\n  a: [unclosed\n", encoding="utf-8")
    with pytest.raises(NoticeError, match="catalog.yaml: not valid YAML"):
        read_kb(kb_copy)


# --- encodings and problems ---------------------------------------------------------------


@pytest.mark.parametrize("name, encoding", [(HUNAN, "gbk"), (NANCHANG, "gbk"), (SAMR, "gb18030")])
def test_gbk_and_gb18030_files_parse_like_utf8(kb, kb_copy, name, encoding):
    text = (KB / name).read_text(encoding="utf-8")
    (kb_copy / name).write_bytes(text.encode(encoding))
    [nb] = [nb for nb in read_kb(kb_copy).built if nb.notice.file == name]
    [original] = [o for o in kb.values() if o.notice.file == name]
    assert [(c.clause_id, c.text) for c in nb.clauses] == [(c.clause_id, c.text) for c in original.clauses]
    assert nb.notice.title == original.notice.title


def test_numbering_gap_is_warned_about(kb_copy):
    path = kb_copy / SAMR
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(ln for ln in lines if not ln.startswith("(十)")), encoding="utf-8")
    [nb] = [nb for nb in read_kb(kb_copy).built if nb.notice.file == SAMR]
    assert "numbering jumps from 9 to 四、(十一)" in nb.warnings
    assert "samr-2022/三/(十)" not in {c.clause_id for c in nb.clauses}


def test_repeated_clause_number_is_kept_and_warned_about(kb_copy):
    path = kb_copy / HUNAN
    text = path.read_text(encoding="utf-8")
    last = text.rstrip("\n").split("\n")
    nine = next(ln for ln in last if ln.startswith("九、"))
    path.write_text(text.replace(nine, nine + "\n" + nine), encoding="utf-8")
    [nb] = [nb for nb in read_kb(kb_copy).built if nb.notice.file == HUNAN]
    assert [c.clause_id for c in nb.clauses][-2:] == ["hunan-2022/九", "hunan-2022/九~2"]
    assert any("appears twice" in w for w in nb.warnings)


def test_text_in_no_known_style_yields_its_paragraphs_with_a_warning():
    text = "关于计量工作的说明\n计量是实现单位统一、量值准确可靠的活动。\n各单位要配备合格的计量器具。"
    parsed = parse_file(text.encode(), "note.txt", "note")
    assert parsed.notice.title == "关于计量工作的说明" and parsed.notice.style == "paragraphs"
    assert [(c.clause_id, c.kind, c.text) for c in parsed.clauses if c.kind == "paragraph"] == [
        ("note/第1段", "paragraph", "计量是实现单位统一、量值准确可靠的活动。"),
        ("note/第2段", "paragraph", "各单位要配备合格的计量器具。"),
    ]
    assert any(w.startswith("no clause markers found") for w in parsed.warnings)


def test_only_page_furniture_is_refused():
    with pytest.raises(NoticeError, match="no text left after cleaning"):
        parse_file("找回密码\n立即注册\nPowered by Discuz!".encode(), "kb/page.txt", "page")
