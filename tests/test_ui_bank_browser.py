"""A trainer checks a question bank in the 考试练习 tab, in a real headless Chromium against a real `metrokb serve`
(with a reader key) over an index holding two versions of a provincial regulation (tests/data/regulations)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from retriever.exam.bank import entries, read_bank

HEADER = ["序号", "题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析"]
ROWS = [
    [
        1,
        "单选题",
        "某某省计量检定机构应当自受理申请之日起（　　）个工作日内完成检定。",
        "三",
        "五",
        "十",
        "十五",
        "C",
        "",
    ],
    [
        2,
        "判断题",
        "某某省计量检定机构经省人民政府计量行政部门考核合格后，方可承担强制检定。",
        None,
        None,
        None,
        None,
        "√",
    ],
    [3, "判断题", "计量标准器具的考核规范由某某省计量研究院制定并每三年复审一次。", None, None, None, None, "对"],
]


READER_KEY = "trainer-reader-s3cret"


@pytest.fixture(scope="module")
def server(written_regulations_index_dir, tmp_path_factory, serve_cli):
    """`metrokb serve` with a reader key: a trainer is a reader, and checking a bank needs no more."""
    log = tmp_path_factory.mktemp("server") / "serve.log"
    env = {"METROKB_INDEX_DIR": str(written_regulations_index_dir), "METROKB_API_KEY": READER_KEY}
    with serve_cli(env, log) as base:
        yield base


@pytest.fixture()
def page(browser, server):
    """A trainer logged in with the reader key, on the 题库核对 view of the 考试练习 tab."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{server}/ui/")
    page.fill("#key", READER_KEY)
    page.click("#login")
    page.wait_for_selector("#question textarea")
    page.get_by_role("tab", name="考试练习").click()
    page.get_by_role("tab", name="题库核对").click()
    page.wait_for_selector(".bank-file", state="attached")
    yield page
    context.close()


def bank_file(tmp_path, rows) -> str:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [HEADER, *rows]:
        sheet.append(row)
    path = tmp_path / "培训题库.xlsx"
    book.save(path)
    return str(path)


def download(page, selector: str) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    return open(info.value.path(), "rb").read()


ROW = "#bank-table .virtual-row"  # the rows Gradio's table shows (its tbody only sizes the columns)


def table_rows(page) -> list[list[str]]:
    rows = page.locator(ROW)
    return [[c.strip() for c in rows.nth(i).locator("[role=gridcell]").all_inner_texts()] for i in range(rows.count())]


def test_a_trainer_sees_an_outdated_key_and_an_undecidable_item_flagged_and_downloads_the_report(page, tmp_path):
    template = download(page, "a.bank-template-xlsx")
    assert [e.key for e in entries(read_bank("t.xlsx", template, 100, 10**6))] == [["A"], ["A", "B", "C", "D"], ["对"]]

    page.set_input_files(".bank-file", bank_file(tmp_path, ROWS))
    page.click(".bank-start")
    page.wait_for_function(
        "document.querySelector('#bank-summary').innerText.includes('共 3 题')", timeout=120_000, polling=200
    )
    assert "已核对 3 / 3 题" in page.locator("#bank-status").inner_text()
    summary = page.locator("#bank-summary").inner_text()
    assert "一致 1" in summary and "不一致 1" in summary and "无法判定 1" in summary

    rows = {row[0]: row for row in table_rows(page)}  # 行号 → the row as shown, verdict and keys first
    assert rows["2"][1:4] == ["不一致", "C", "B"]
    assert "与2016年版一致，与现行2021年版不符" in " ".join(rows["2"])
    assert rows["3"][1:4] == ["一致", "对", "对"]
    assert rows["4"][1] == "无法判定" and "知识库中没有能判定此题的条款" in " ".join(rows["4"])
    flagged = page.locator(ROW).nth(0).locator("[role=gridcell]").nth(1)
    assert flagged.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(254, 226, 226)"

    header = page.locator("#bank-table th[title='行号']")  # sort by 行号, last first, through the column's menu
    header.hover()
    header.locator("button.cell-menu-button").click(force=True)
    page.get_by_role("menuitem", name="降序排序").click()
    page.wait_for_function(f"document.querySelector('{ROW} [role=gridcell]').innerText.trim() === '4'")

    page.get_by_label("无法判定").check()  # only the rows MetroKB could not decide
    page.wait_for_function(f"document.querySelectorAll('{ROW}').length === 1")
    assert table_rows(page)[0][1] == "无法判定"

    book = openpyxl.load_workbook(io.BytesIO(download(page, "a.bank-xlsx")))
    values = list(book["核对结果"].iter_rows(values_only=True))
    columns = list(values[0])
    assert columns[:3] == ["行号", "序号", "题型"] and len(values) == 4
    by_row = {r[0]: dict(zip(columns, r)) for r in values[1:]}
    assert (by_row[2]["核对结果"], by_row[2]["答案"], by_row[2]["MetroKB答案"]) == ("不一致", "C", "B")
    assert by_row[4]["核对结果"] == "无法判定"
    report_csv = download(page, "a.bank-csv").decode("utf-8-sig")
    assert report_csv.startswith("行号,序号,题型,题干") and "与2016年版一致" in report_csv


def test_a_file_that_is_no_bank_is_refused_with_the_reason(page, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("编号,内容\n1,计量检定\n", encoding="utf-8")
    page.set_input_files(".bank-file", str(path))
    page.click(".bank-start")
    page.wait_for_function("document.querySelector('.bank-upload-msg').innerText.includes('无法核对')")
    assert "找不到题干、答案列" in page.locator(".bank-upload-msg").inner_text()
    assert page.locator("#bank-summary").inner_text().strip() == ""
