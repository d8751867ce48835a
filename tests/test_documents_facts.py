"""Responsibilities, targets and deadlines as the real index holds them, each quoting its clause."""

from __future__ import annotations

from retriever.index import read_kb

COUNTY_UNITS = ("各县（区）人民政府", "开发区管委会", "湾里管理局")


def facts(index, clause_id: str, kind: str):
    return [f for f in index.facts.get(clause_id, []) if f.kind == kind]


def target(index, clause_id: str, value: str):
    [found] = [f for f in facts(index, clause_id, "target") if f.value == value]
    return found


def test_every_quote_is_a_span_of_its_clause(index):
    all_facts = index.facts_of()
    assert len(all_facts) > 60
    for fact in all_facts:
        assert fact.clause_id in index.clauses, fact
        assert fact.quote and fact.quote in index.clauses[fact.clause_id].text, fact
        if fact.kind == "target":
            assert fact.value in fact.quote, fact
        if fact.deadline:
            assert fact.deadline in index.clauses[fact.clause_id].text, fact


def test_nanchang_general_requirements_targets(index):
    found = {(f.metric, f.value, f.qualifier, f.deadline, f.year) for f in facts(index, "nanchang-2023/一", "target")}
    assert found == {
        ("县级社会公用计量标准新建、提升改造", "30项", "以上", "到2025年", 2025),
        ("培育诚信计量承诺单位", "300家", "以上", "到2025年", 2025),
        ("全市强检计量器具检定覆盖率", "92%", "以上", "到2025年", 2025),
    }


def test_nanchang_enforcement_units_include_the_county_level(index):
    [fact] = facts(index, "nanchang-2023/四/(十二)", "responsibility")
    assert fact.units == ("市市场监管局", "市公安局", "市司法局")
    assert fact.implicit_units == COUNTY_UNITS
    assert fact.quote == "（责任单位：市市场监管局、市公安局、市司法局）"


def test_the_first_annotation_states_the_county_units_itself(index):
    [fact] = facts(index, "nanchang-2023/二/(一)", "responsibility")
    assert fact.units == ("市市场监管局", *COUNTY_UNITS)
    assert fact.implicit_units == ()
    assert "以下责任单位中均包括" in fact.quote


def test_implicit_units_apply_only_to_later_nanchang_annotations(index):
    annotated = [f for f in index.facts_of(kind="responsibility") if f.quote.startswith("（责任单位")]
    assert len(annotated) == 18
    assert all(f.doc_id == "nanchang-2023" and f.implicit_units == COUNTY_UNITS for f in annotated)
    assert all(not f.implicit_units for f in index.facts_of(kind="responsibility") if f.doc_id != "nanchang-2023")


def test_responsibility_stated_in_prose(index):
    [lead] = facts(index, "nanchang-2023/五/(十六)", "responsibility")
    assert lead.units == ("市市场监管部门",) and "建立由市市场监管部门牵头" in lead.quote
    [samr] = facts(index, "samr-2022/二/(四)", "responsibility")
    assert samr.units == ("市场监管总局",)
    [chenzhou] = facts(index, "chenzhou-2011/四/(一)", "responsibility")
    assert chenzhou.units == ("质量技术监督部门",)
    assert chenzhou.quote.startswith("质量技术监督部门要牵头制订并组织实施全市计量事业发展规划")


def test_wenzhou_targets(index):
    centres = target(index, "wenzhou/(三)/9", "1-2家")
    assert (centres.metric, centres.deadline, centres.year) == ("新增省级产业计量测试中心", "到2025年底", 2025)
    grade = target(index, "wenzhou/(一)/2", "B级")
    assert grade.metric == "县级法定计量检定机构强制检定能力"
    share = target(index, "wenzhou/(一)/2", "60%")
    assert (share.metric, share.qualifier, share.year) == ("A级占比", "以上", 2025)
    assert "A级占比60%以上" in share.quote
    pledged = target(index, "wenzhou/(四)/15", "1000家")
    assert (pledged.metric, pledged.qualifier, pledged.deadline) == ("新增诚信计量承诺单位", "以上", "到2025年")
    model = target(index, "wenzhou/preamble", "1000家")
    assert (model.metric, model.qualifier, model.deadline) == ("培育诚信计量示范单位", None, "到2027年")


def test_a_target_without_a_stated_time_gets_no_deadline(index):
    rate = target(index, "wenzhou/(四)/14", "98%")
    assert (rate.metric, rate.deadline, rate.year) == ("强制检定受检率", None, None)


def test_hunan_targets(index):
    total = target(index, "hunan-2022/四", "3000项")
    assert (total.metric, total.deadline, total.year) == ("全省社会公用计量标准", "到“十四五”末", 2025)
    yearly = target(index, "hunan-2022/四", "100项")
    assert (yearly.qualifier, yearly.deadline, yearly.year) == ("以上", "每年", None)


def test_chenzhou_facts(index):
    [since] = facts(index, "chenzhou-2011/四/(三)", "deadline")
    assert (since.deadline, since.year) == ("自2011年起", 2011)
    assert since.quote == "自2011年起市、县两级将集贸市场在用衡器检定经费逐步纳入同级财政预算。"
    share = target(index, "chenzhou-2011/二/(二)", "90%")
    assert share.metric == "满足社会量传和溯源需求" and share.year == 2015


def test_samr_deadlines(index):
    found = [(f.deadline, f.year) for f in facts(index, "samr-2022/一/(三)", "deadline")]
    assert found == [("到2025年", 2025), ("到2035年", 2035)]


def test_header_lines_yield_no_facts(index):
    assert not [f for f in index.facts_of() if f.clause_id.endswith("/header")]


def test_unreadable_annotation_is_warned_about(kb_copy):
    path = kb_copy / "001_c18782d26fd38f79.txt"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("(责任单位:市市场监管局、市公安局、市司法局)", "(责任单位:市市场监管局、市公安局、市司法局"),
        encoding="utf-8",
    )
    [nb] = [nb for nb in read_kb(kb_copy).built if nb.notice.doc_id == "nanchang-2023"]
    assert "四、(十二): 责任单位 mentioned but no annotation could be read" in nb.warnings
    assert not [f for f in nb.facts if f.clause_id == "nanchang-2023/四/(十二)" and f.kind == "responsibility"]
