"""Checking a trainer's question bank: real CSV (UTF-8, GBK), .xlsx (openpyxl) and .xls (xlwt) files made here, keys
as banks write them, bad files refused whole, the check against a law with two versions in the index, the report
as CSV and Excel, over HTTP (TestClient) and from the command line."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
import xlwt
from fastapi.testclient import TestClient

from retriever.exam.bank import BankError, check_bank, entries, read_bank, read_key
from retriever.exam.bank_export import report_columns, report_csv, report_xlsx, template_csv, template_xlsx
from retriever.exam.bank_jobs import shared as bank_checks

ROOT = Path(__file__).resolve().parent.parent
MAX_ROWS, MAX_BYTES = 50, 200_000

# Items written for tests/data/regulations: 某某省计量器具监督条例 2016 (十个工作日) and 2021 (五个工作日).
OUTDATED = "某某省计量检定机构应当自受理申请之日起（　　）个工作日内完成检定。"
AGREES = "某某省计量检定机构经省人民政府计量行政部门考核合格后，方可承担强制检定。"
UNDECIDABLE = "计量标准器具的考核规范由某某省计量研究院制定并每三年复审一次。"
HEADER = ["序号", "题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析"]
ROWS = [
    ["1", "单选题", OUTDATED, "三", "五", "十", "十五", "C", "旧题库的答案"],
    ["2", "判断题", AGREES, "", "", "", "", "√", ""],
    ["3", "判断题", UNDECIDABLE, "", "", "", "", "对", "条例未规定"],
    ["4", "填空题", "某某计量法自______起施行。", "", "", "", "", "1986年7月1日", ""],
]


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], title: str | None = None, notes_sheet: bool = False) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if notes_sheet:  # a workbook that opens on a 说明 sheet before the bank
        sheet.title = "说明"
        sheet.append(["本题库供内部培训使用"])
        sheet = book.create_sheet("题库")
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def xls_bytes(rows: list[list]) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("题库")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def read(name: str, data: bytes):
    return read_bank(name, data, MAX_ROWS, MAX_BYTES)


# --- reading banks -------------------------------------------------------------------------------


def test_a_bank_reads_the_same_from_utf8_and_gbk_csv_xlsx_and_xls():
    numbered = [[int(r[0]), *r[1:]] for r in ROWS]  # spreadsheets hold 序号 as numbers
    banks = [
        read("bank.csv", csv_bytes([HEADER, *ROWS])),
        read("bank.csv", csv_bytes([HEADER, *ROWS], "gbk")),
        read("bank.xlsx", xlsx_bytes([HEADER, *numbered], title="计量法规题库（2019版）", notes_sheet=True)),
        read("bank.xls", xls_bytes([HEADER, *[[float(r[0]), *r[1:]] for r in ROWS]])),
    ]
    read_rows = [[(e.item, e.key, e.problem, e.cells) for e in entries(bank)] for bank in banks]
    assert all(rows == read_rows[0] for rows in read_rows[1:])
    assert all(bank.columns == HEADER for bank in banks)
    first = entries(banks[0])
    assert first[0].item.kind == "single" and first[0].item.options == {"A": "三", "B": "五", "C": "十", "D": "十五"}
    assert first[0].key == ["C"] and first[0].cells[0] == "1"
    assert first[1].item.kind == "judge" and first[1].key == ["对"]
    assert first[3].item is None and "填空题" in first[3].problem
    assert [b.rows[0][0] for b in banks] == [2, 2, 3, 2]  # row numbers as the file shows them (title row counted)


@pytest.mark.parametrize(
    "raw, kind, key",
    [
        ("ACD", None, ["A", "C", "D"]),
        ("A,C,D", None, ["A", "C", "D"]),
        ("A、C、D", None, ["A", "C", "D"]),
        ("ａ，ｃ，ｄ", None, ["A", "C", "D"]),
        ("DCA", "multiple", ["A", "C", "D"]),
        ("答案：B", "single", ["B"]),
        ("（B）", "single", ["B"]),
        ("对", "judge", ["对"]),
        ("错", "judge", ["错"]),
        ("√", "judge", ["对"]),
        ("×", "judge", ["错"]),
        ("正确", None, ["对"]),
        ("TRUE", "judge", ["对"]),
        ("", "single", None),
        ("见解析", "single", None),
    ],
)
def test_keys_as_banks_write_them(raw, kind, key):
    assert read_key(raw, kind) == key


def test_a_judge_item_keyed_by_the_letter_of_its_true_or_false_option():
    assert read_key("B", "judge", {"A": "正确", "B": "错误"}) == ["错"]
    assert read_key("A", "judge", {"A": "√", "B": "×"}) == ["对"]
    row = ["1", "判断题", AGREES, "正确", "错误", "", "", "A", ""]
    (entry,) = entries(read("bank.csv", csv_bytes([HEADER, row])))
    assert (entry.item.kind, entry.item.options, entry.key, entry.problem) == ("judge", {}, ["对"], None)


def test_one_options_column_and_options_inside_the_stem_are_read():
    header = ["题型", "题干", "选项", "答案"]
    rows = [
        ["单选", OUTDATED, "A.三 B.五 C.十 D.十五", "B"],
        ["", OUTDATED + "\nA．三\nB．五\nC．十\nD．十五", "", "b"],
        ["多选", "某某省下列计量器具实行强制检定的有（　　）。", "A、衡器\nB、血压计\nC、压力表", "A,B,C"],
    ]
    read_rows = entries(read("bank.csv", csv_bytes([header, *rows])))
    assert read_rows[0].item.options == {"A": "三", "B": "五", "C": "十", "D": "十五"} and read_rows[0].key == ["B"]
    assert read_rows[1].item.options == read_rows[0].item.options and read_rows[1].item.kind == "single"
    assert read_rows[2].item.kind == "multiple" and read_rows[2].key == ["A", "B", "C"]
    assert read_rows[2].item.options["C"] == "压力表"


def test_rows_that_are_no_exam_item_say_why():
    rows = [
        ["1", "单选题", "", "三", "五", "", "", "A", ""],
        ["2", "单选题", OUTDATED, "三", "五", "十", "十五", "", ""],
        ["3", "单选题", OUTDATED, "三", "五", "十", "十五", "见教材", ""],
        ["4", "单选题", OUTDATED, "三", "五", "", "", "D", ""],
        ["5", "简答题", "简述计量检定的程序。", "", "", "", "", "略", ""],
    ]
    problems = [e.problem for e in entries(read("bank.csv", csv_bytes([HEADER, *rows])))]
    assert problems[0] == "题干为空"
    assert problems[1] == "答案栏为空"
    assert "读不出答案“见教材”" in problems[2]
    assert "D 不是本题的选项" in problems[3]
    assert "简答题" in problems[4] and "只核对单选、多选和判断题" in problems[4]


@pytest.mark.parametrize(
    "name, data, reason, words",
    [
        ("bank.csv", b"", "invalid", "文件是空的"),
        ("bank.csv", b" \n\n", "invalid", "文件是空的"),
        ("bank.csv", csv_bytes([HEADER]), "invalid", "表头下面没有题目"),
        ("bank.csv", csv_bytes([["序号", "问题描述", "备注"], ["1", "x", "y"]]), "invalid", "找不到题干、答案列"),
        ("bank.csv", csv_bytes([["题型", "题干", "选项A"], ["单选", "x", "y"]]), "invalid", "找不到答案列"),
        ("bank.csv", b"\xff\xfe\x00\x00binary\x00\x00", "unsupported", "不是文本文件"),
        ("bank.csv", "题干,答案\n".encode() + b"\x81\x30\xff\xff\xfe", "unsupported", "UTF-8 或 GBK"),
        ("bank.xlsx", b"PK\x03\x04 not a workbook", "unsupported", "无法作为 Excel 工作簿"),
        ("bank.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "unsupported", ".xls"),
        ("bank.pdf", b"%PDF-1.4", "unsupported", "不是题库文件"),
        ("bank.docx", xlsx_bytes([HEADER, *ROWS]), "unsupported", "不是题库文件"),
    ],
)
def test_a_bad_file_is_refused_whole_with_a_reason(name, data, reason, words):
    with pytest.raises(BankError) as err:
        read(name, data)
    assert err.value.reason == reason and words in str(err.value) and name in str(err.value)


def test_a_bank_over_the_limits_is_refused_before_any_checking():
    many = [HEADER] + [["1", "单选题", OUTDATED, "三", "五", "十", "十五", "B", ""]] * (MAX_ROWS + 1)
    with pytest.raises(BankError) as err:
        read("bank.xlsx", xlsx_bytes(many))
    assert err.value.reason == "too_large" and f"{MAX_ROWS} 道题" in str(err.value)
    assert len(entries(read("bank.xlsx", xlsx_bytes(many[:-1])))) == MAX_ROWS  # exactly at the limit is fine
    with pytest.raises(BankError) as err:
        read("bank.csv", csv_bytes([HEADER, *ROWS]) + b" " * MAX_BYTES)
    assert err.value.reason == "too_large" and "MiB" in str(err.value)


def test_the_template_is_a_bank_this_check_reads():
    for name, data in (("题库模板.xlsx", template_xlsx()), ("题库模板.csv", template_csv())):
        read_rows = entries(read(name, data))
        assert [e.item.kind for e in read_rows] == ["single", "multiple", "judge"]
        assert [e.key for e in read_rows] == [["A"], ["A", "B", "C", "D"], ["对"]]
        assert not any(e.problem for e in read_rows)


# --- checking against the index ------------------------------------------------------------------


@pytest.fixture(scope="module")
def report(written_regulations_index, embedder):
    bank = read("题库.csv", csv_bytes([HEADER, *ROWS], "gbk"))
    seen: list[tuple[int, int]] = []
    checked = check_bank(written_regulations_index, embedder, bank, lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 4) and seen[-1] == (4, 4)
    return checked


def test_an_outdated_key_disagrees_naming_the_version_it_matches(report):
    row = report.rows[0]
    assert (row.verdict, row.bank_key, row.found_key) == ("disagree", "C", "B")
    assert row.citation.clause_id.endswith("/第四条") and "2021" in row.citation.version
    assert "2016" in row.matches_version
    assert "与2016年版一致，与现行2021年版不符" in row.note and "五个工作日内完成检定" in row.note


def test_agreeing_undecidable_and_non_items_are_told_apart(report):
    agree, undecidable, fill = report.rows[1:]
    assert (agree.verdict, agree.found_key) == ("agree", "对") and agree.citation.clause_id.endswith("/第五条")
    assert undecidable.verdict == "undecidable" and undecidable.found_key is None
    assert "知识库中没有能判定此题的条款" in undecidable.note
    assert fill.verdict == "not_item" and "填空题" in fill.note
    s = report.summary
    assert (s.total, s.agree, s.disagree, s.undecidable, s.not_item) == (4, 1, 1, 1, 1)


def test_an_item_a_bank_repeats_is_solved_once(written_regulations_index, embedder, monkeypatch):
    import retriever.exam.bank as bank_module

    solved = []
    real_solve = bank_module.solve
    monkeypatch.setattr(bank_module, "solve", lambda *args: solved.append(args[2]) or real_solve(*args))
    bank = read("bank.csv", csv_bytes([HEADER, ROWS[0], ROWS[1], ROWS[0], [*ROWS[0][:-2], "B", ""]]))
    rows = check_bank(written_regulations_index, embedder, bank).rows
    assert len(solved) == 2  # the 单选 item three times (two keys), the 判断 item once
    assert [r.verdict for r in rows] == ["disagree", "agree", "disagree", "agree"]


def test_the_report_keeps_the_banks_columns_as_csv_and_excel(report):
    columns = report_columns(report)
    assert columns[: len(HEADER) + 1] == ["行号", *HEADER] and "核对结果" in columns and "MetroKB答案" in columns
    rows = list(csv.reader(io.StringIO(report_csv(report).decode("utf-8-sig"))))
    assert rows[0] == columns and len(rows) == 5
    first = dict(zip(columns, rows[1]))
    assert (first["行号"], first["答案"], first["解析"]) == ("2", "C", "旧题库的答案")
    assert (first["核对结果"], first["MetroKB答案"]) == ("不一致", "B") and "第四条" in first["依据条款"]
    assert "2016" in first["题库答案所合版本"]

    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))
    sheet = book["核对结果"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == columns and values[1][columns.index("核对结果")] == "不一致"
    assert sheet.cell(row=2, column=columns.index("核对结果") + 1).fill.fgColor.rgb.endswith("FECACA")
    assert sheet.auto_filter.ref  # sortable and filterable in Excel
    summary = {r[0]: r[1] for r in book["汇总"].iter_rows(values_only=True)}
    assert (summary["一致"], summary["不一致"], summary["无法判定"], summary["非考题"]) == (1, 1, 1, 1)


# --- over HTTP -------------------------------------------------------------------------------------


def bank_app(index_dir: Path, data_dir: Path):
    """The HTTP app over `index_dir`, keeping its bank checks in `data_dir`, with this file's bank limits."""
    from retriever.config import Settings
    from retriever.engine import Engine
    from server.app import create_app

    settings = Settings(
        _env_file=None,
        index_dir=index_dir,
        data_dir=data_dir,
        api_key=None,
        admin_key=None,
        keys={},
        bank_max_rows=MAX_ROWS,
        bank_max_bytes=MAX_BYTES,
    )
    return create_app(settings, Engine(settings, build_if_missing=False), with_ui=False)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bank-data")


@pytest.fixture(scope="module")
def client(written_regulations_index_dir, data_dir):
    with TestClient(bank_app(written_regulations_index_dir, data_dir)) as c:
        yield c


def follow(client, check_id: str, seconds: float = 120) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        body = client.get(f"/quiz/check/{check_id}").json()
        assert body["done"] <= body["total"]
        if body["status"] in ("done", "failed") or time.monotonic() > deadline:
            return body
        time.sleep(0.2)


def test_http_checks_a_bank_in_the_background_and_serves_its_report(client):
    r = client.post("/quiz/check", files={"file": ("题库.xlsx", xlsx_bytes([HEADER, *ROWS]))})
    assert r.status_code == 202
    check = r.json()
    assert (check["status"], check["total"], check["file"]) in {("queued", 4, "题库.xlsx"), ("running", 4, "题库.xlsx")}
    done = follow(client, check["check_id"])
    assert done["status"] == "done" and done["done"] == 4
    assert [row["verdict"] for row in done["report"]["rows"]] == ["disagree", "agree", "undecidable", "not_item"]
    assert "与2016年版一致" in done["report"]["rows"][0]["note"]

    r = client.get(f"/quiz/check/{check['check_id']}/report.xlsx")
    assert r.status_code == 200 and "filename*=UTF-8''" in r.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(r.content))["核对结果"]
    assert [c.value for c in sheet[1]][:3] == ["行号", "序号", "题型"] and sheet.max_row == 5
    r = client.get(f"/quiz/check/{check['check_id']}/report.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "不一致" in r.content.decode("utf-8-sig")


def test_http_waits_for_a_small_bank_when_asked(client):
    r = client.post("/quiz/check", files={"file": ("bank.csv", csv_bytes([HEADER, ROWS[1]]))}, data={"wait": "60"})
    assert r.status_code == 200 and r.json()["status"] == "done"
    assert r.json()["report"]["summary"] == {"total": 1, "agree": 1, "disagree": 0, "undecidable": 0, "not_item": 0}


@pytest.mark.parametrize(
    "name, data, status, words",
    [
        ("bank.csv", b"", 400, "文件是空的"),
        ("bank.csv", csv_bytes([["编号", "内容"], ["1", "x"]]), 400, "找不到题干、答案列"),
        ("bank.xlsx", b"PK\x03\x04 garbage", 415, "无法作为 Excel 工作簿"),
        ("notes.txt", b"hello", 415, "不是题库文件"),
        (
            "bank.csv",
            csv_bytes([HEADER] + [ROWS[0]] * (MAX_ROWS + 1)),
            413,
            "超过上限 50 道题（METROKB_BANK_MAX_ROWS）",
        ),
        ("bank.csv", b"x" * (MAX_BYTES + 10), 413, "超过上限 0.190735 MiB（METROKB_BANK_MAX_BYTES）；请拆分"),
        # over the body limit itself (the bank's size and the form's framing): refused before the file is read
        ("bank.csv", b"x" * (MAX_BYTES + 2**20), 413, "超过上限 0.190735 MiB（METROKB_BANK_MAX_BYTES）；请拆分"),
    ],
)
def test_http_refuses_a_bad_bank_with_its_reason_and_checks_nothing(client, data_dir, name, data, status, words):
    checks = bank_checks(data_dir / "bank_checks")
    before, kept = len(checks), sorted(data_dir.glob("bank_checks/*.json"))
    r = client.post("/quiz/check", files={"file": (name, data)})
    assert r.status_code == status and words in r.json()["detail"]
    assert len(checks) == before and sorted(data_dir.glob("bank_checks/*.json")) == kept


def test_a_finished_check_and_its_report_outlive_a_restart(written_regulations_index_dir, tmp_path):
    with TestClient(bank_app(written_regulations_index_dir, tmp_path)) as first:
        r = first.post("/quiz/check", files={"file": ("题库.csv", csv_bytes([HEADER, *ROWS]))}, data={"wait": "60"})
        assert r.status_code == 200 and r.json()["status"] == "done"
        check_id = r.json()["check_id"]
    from retriever.exam import bank_jobs

    bank_jobs._shared.clear()  # a new process: no worker remembers anything but what the data directory holds
    with TestClient(bank_app(written_regulations_index_dir, tmp_path)) as second:
        body = second.get(f"/quiz/check/{check_id}").json()
        assert body["status"] == "done" and body["file"] == "题库.csv"
        assert [row["verdict"] for row in body["report"]["rows"]] == ["disagree", "agree", "undecidable", "not_item"]
        r = second.get(f"/quiz/check/{check_id}/report.csv")
        assert r.status_code == 200 and "不一致" in r.content.decode("utf-8-sig")


def test_a_check_a_restart_interrupts_is_told_failed_in_chinese(written_regulations_index_dir, tmp_path):
    from retriever.exam import bank_jobs
    from retriever.models import BankCheck

    folder = tmp_path / "bank_checks"
    folder.mkdir()
    running = BankCheck(check_id="00aa11bb22cc33dd", file="题库.xlsx", status="running", total=9, done=3, created="x")
    (folder / "00aa11bb22cc33dd.json").write_text(running.model_dump_json(), encoding="utf-8")
    bank_jobs._shared.clear()
    with TestClient(bank_app(written_regulations_index_dir, tmp_path)) as client:
        assert client.get("/quiz/check/00aa11bb22cc33dd").json()["status"] == "failed"
        r = client.get("/quiz/check/00aa11bb22cc33dd/report.xlsx")
        assert r.status_code == 409 and "重启" in r.json()["detail"] and "请重新上传" in r.json()["detail"]


def test_http_unknown_checks_unfinished_reports_and_templates(client):
    for r in (client.get("/quiz/check/0123456789abcdef"), client.get("/quiz/check/0123456789abcdef/report.csv")):
        assert r.status_code == 404 and "找不到题库核对" in r.json()["detail"]
    for r in (
        client.post("/quiz/check"),
        client.post("/quiz/check", files={"file": ("b.csv", b"x")}, data={"wait": 99}),
    ):
        assert r.status_code == 422 and "请以表单字段 file 上传题库文件" in r.json()["detail"]
    ahead = client.post("/quiz/check", files={"file": ("a.csv", csv_bytes([HEADER, *ROWS[:3]]))}).json()
    behind = client.post("/quiz/check", files={"file": ("b.csv", csv_bytes([HEADER, ROWS[0]]))}).json()
    r = client.get(f"/quiz/check/{behind['check_id']}/report.xlsx")  # queued behind the first: no report yet
    assert r.status_code == 409 and "尚未完成" in r.json()["detail"]
    assert follow(client, behind["check_id"])["status"] == "done"
    assert follow(client, ahead["check_id"])["status"] == "done"
    for fmt in ("csv", "xlsx"):
        r = client.get(f"/quiz/check/template.{fmt}")
        assert r.status_code == 200
        assert [e.key for e in entries(read(f"t.{fmt}", r.content))] == [["A"], ["A", "B", "C", "D"], ["对"]]
    assert client.get("/quiz/check/template.pdf").status_code in (404, 422)


# --- command line ----------------------------------------------------------------------------------


def test_cli_checks_an_xls_bank_and_writes_the_report(written_regulations_index_dir, tmp_path):
    bank = tmp_path / "题库.xls"
    bank.write_bytes(xls_bytes([HEADER, *ROWS]))
    out = tmp_path / "核对结果.xlsx"
    env = os.environ | {"METROKB_INDEX_DIR": str(written_regulations_index_dir), "HF_HUB_OFFLINE": "1"}
    run = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "quiz", "check", str(bank), "-o", str(out)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("共 4 题：一致 1，不一致 1，无法判定 1，非考题 1")
    assert "第2行\t不一致\t" in run.stdout and "与2016年版一致" in run.stdout
    assert openpyxl.load_workbook(out)["核对结果"].max_row == 5

    bad = tmp_path / "bank.csv"
    bad.write_bytes(csv_bytes([["编号", "内容"], ["1", "x"]]))
    run = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "quiz", "check", str(bad)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 2 and "找不到题干、答案列" in run.stderr and not run.stdout


# --- the shared regulations: 实施细则 2018 and 2022 -----------------------------------------------


def test_a_disagreement_on_the_shared_regulations_cites_the_current_version(regulations_index, embedder):
    header = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案"]
    certificate = ["单选题", "未取得计量认证合格证书的，不得开展（　　）工作。", "产品质量检验", "计量检定", "计量校准"]
    verification = [
        "单选题",
        "计量检定必须按照国家计量检定系统表进行，计量检定必须执行（　　）。",
        "计量检定规程",
        "计量校准规范",
        "国家标准",
        "企业标准",
    ]
    rows = [certificate + ["计量器具制造", "C"], certificate + ["计量器具制造", "A"], verification + ["C"]]
    wrong, right, law = check_bank(regulations_index, embedder, read("bank.csv", csv_bytes([header, *rows]))).rows
    assert (wrong.verdict, wrong.found_key, right.verdict) == ("disagree", "A", "agree")
    assert wrong.citation.clause_id == "计量法实施细则-2022-03-29/第三十一条" and "2022" in wrong.citation.version
    assert wrong.matches_version is None and "版一致" not in wrong.note  # the 2018 细则 does not support C either
    assert (law.verdict, law.found_key, law.citation.clause_id) == ("disagree", "A", "计量法-2018-10-26/第十条")
