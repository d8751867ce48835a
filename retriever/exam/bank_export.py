"""A checked bank as a table, a CSV file or an Excel workbook, and the bank template trainers fill in.

The report keeps the bank's own columns in their order and adds MetroKB's: the verdict, both keys, the deciding
article with its quote, the older version the bank's key matches and a note.
"""

from __future__ import annotations

import csv
import io

from retriever.exam.bank import article
from retriever.models import BANK_VERDICT_NAMES, BankReport

ROW_COLUMN = "行号"
ADDED_COLUMNS = ("核对结果", "题库答案", "MetroKB答案", "依据条款", "依据原文", "题库答案所合版本", "核对说明")
SUMMARY_ORDER = ("agree", "disagree", "undecidable", "not_item")
# Fill colours of the verdict cell in the workbook (light red: disagrees; amber: undecidable; grey: not an item).
VERDICT_FILL = {"disagree": "FECACA", "undecidable": "FDE68A", "not_item": "E5E7EB", "agree": "BBF7D0"}

TEMPLATE_COLUMNS = ("序号", "题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "答案", "解析")
# Example rows of the template, one per kind a bank check reads; trainers replace them with their items.
TEMPLATE_ROWS = (
    (
        "1",
        "单选题",
        "国家实行法定计量单位制度，国家法定计量单位由（　　）组成。",
        "国际单位制计量单位和国家选定的其他计量单位",
        "国际单位制计量单位",
        "市制计量单位",
        "英制计量单位",
        "",
        "A",
        "示例：答案写一个字母。",
    ),
    (
        "2",
        "多选题",
        "列入强制检定目录的工作计量器具，用于下列哪些方面的实行强制检定？（　　）",
        "贸易结算",
        "安全防护",
        "医疗卫生",
        "环境监测",
        "科学研究",
        "ABCD",
        "示例：答案可写 ABCD、A,B,C,D 或 A、B、C、D。",
    ),
    ("3", "判断题", "计量检定必须执行计量检定规程。", "", "", "", "", "", "对", "示例：答案写 对/错 或 √/×。"),
)


def report_columns(report: BankReport) -> list[str]:
    """行号, the bank's own columns, then MetroKB's (renamed `…（MetroKB）` where the bank has one of that name)."""
    own = set(report.columns)
    return [ROW_COLUMN, *report.columns, *(f"{c}（MetroKB）" if c in own else c for c in ADDED_COLUMNS)]


def report_rows(report: BankReport) -> list[list[str | int]]:
    out: list[list[str | int]] = []
    for row in report.rows:
        c = row.citation
        out.append(
            [
                row.row,
                *row.cells,
                BANK_VERDICT_NAMES[row.verdict],
                row.bank_key,
                row.found_key or "",
                article(c) if c is not None else "",
                (c.quote or c.text) if c is not None else "",
                row.matches_version or "",
                row.note,
            ]
        )
    return out


def summary_line(report: BankReport) -> str:
    """共 40 题：一致 30，不一致 5，无法判定 3，非考题 2."""
    s = report.summary
    parts = "，".join(f"{BANK_VERDICT_NAMES[v]} {getattr(s, v)}" for v in SUMMARY_ORDER)
    return f"共 {s.total} 题：{parts}"


def report_csv(report: BankReport) -> bytes:
    """The report as CSV, UTF-8 with a byte-order mark so that Excel opens the Chinese text as written."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(report_columns(report))
    writer.writerows(report_rows(report))
    return buf.getvalue().encode("utf-8-sig")


def report_xlsx(report: BankReport) -> bytes:
    """The report as an Excel workbook: the checked rows (filterable and sortable, verdicts coloured), then a
    summary sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = "核对结果"
    columns = report_columns(report)
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    verdict_at = len(columns) - len(ADDED_COLUMNS) + 1  # 1-based column of 核对结果
    for row, values in zip(report.rows, report_rows(report), strict=True):
        sheet.append(values)
        cell = sheet.cell(row=sheet.max_row, column=verdict_at)
        cell.fill = PatternFill("solid", fgColor=VERDICT_FILL[row.verdict])
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions
    summary = book.create_sheet("汇总")
    summary.append(["文件", report.file])
    summary.append(["题数", report.summary.total])
    for verdict in SUMMARY_ORDER:
        summary.append([BANK_VERDICT_NAMES[verdict], getattr(report.summary, verdict)])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def template_csv() -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(TEMPLATE_COLUMNS)
    writer.writerows(TEMPLATE_ROWS)
    return buf.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "题库"
    sheet.append(TEMPLATE_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in TEMPLATE_ROWS:
        sheet.append(list(row))
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
