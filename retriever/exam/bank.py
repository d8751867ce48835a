"""Check a trainer's question bank (题库) against the knowledge base.

A bank is a CSV (UTF-8 or GBK) or Excel export (.xlsx, .xls) with the columns such exports have (题型, 题干,
选项A–E or one 选项 column, 答案, 解析). Each row is read as an exam item with the bank's key, solved by
retriever.exam.solve, and given a verdict: the current law agrees, disagrees (naming the older version the bank's
key matches, if any), cannot decide it, or the row is not an exam item. The whole file is read and checked for its
shape and size before any row is solved, so a bad file is refused whole.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from langchain_core.embeddings import Embeddings

from retriever import patterns as P
from retriever.documents.clean import fold
from retriever.exam.export import source_line
from retriever.exam.solve import read_item, solve
from retriever.index import Index
from retriever.models import (
    JUDGE_FALSE,
    JUDGE_TRUE,
    BankReport,
    BankRow,
    BankSummary,
    Citation,
    ExamItem,
    ExamKind,
    Solution,
)

SUFFIXES = (".csv", ".xlsx", ".xls")
# The header row is looked for among this many first non-blank rows (a title line such as 计量法规题库, or a note,
# may stand above it).
HEADER_SEARCH_ROWS = 5
# How many characters of the deciding article a report quotes.
QUOTE_CHARS = 160
KIND_LABELS: dict[str, str] = {"single": "【单选题】", "multiple": "【多选题】", "judge": "【判断题】"}
FIELD_NAMES = {"kind": "题型", "stem": "题干", "options": "选项", "key": "答案", "explanation": "解析"}

# Progress reporter: (rows checked, rows in the bank).
RowProgress = Callable[[int, int], None]


class BankError(ValueError):
    """A bank that cannot be checked as a whole; nothing of it is checked. The message says what to change.

    `reason` tells interfaces how to report it: invalid (400), too_large (413), unsupported (415)."""

    def __init__(self, message: str, reason: Literal["invalid", "too_large", "unsupported"] = "invalid") -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Bank:
    """A bank's table as read: its own header and item rows, and which column holds what."""

    file: str
    columns: list[str]
    rows: list[tuple[int, list[str]]]  # (row number in the file, cells padded to the header's width)
    fields: dict[str, int]  # kind / stem / options / key / explanation → column index
    option_columns: dict[str, int]  # option letter → column index


@dataclass(frozen=True)
class Entry:
    """One row read as an exam item with the bank's key; `problem` says why a row is not one."""

    row: int
    cells: list[str]
    item: ExamItem | None
    key: list[str] | None
    problem: str | None = None


# --- reading the file ------------------------------------------------------------------------------


def read_bank(file: str, data: bytes, max_rows: int, max_bytes: int) -> Bank:
    """The bank's table from an uploaded file's name and bytes; BankError when it cannot be checked whole."""
    name = Path(file or "").name or "题库"
    if len(data) > max_bytes:
        raise BankError(
            f"{name}：文件 {len(data) / 2**20:.1f} MiB，超过上限 {max_bytes / 2**20:g} MiB（METROKB_BANK_MAX_BYTES）；"
            "请拆分后分批核对。",
            "too_large",
        )
    if Path(name).suffix.lower() not in SUFFIXES:
        raise BankError(f"{name}：不是题库文件；请上传 CSV（UTF-8 或 GBK）、.xlsx 或 .xls 文件。", "unsupported")
    if not data.strip():
        raise BankError(f"{name}：文件是空的。")
    table = list(_table(name, data, max_rows))
    if not table:
        raise BankError(f"{name}：文件中没有任何内容。")
    at, fields, options = _header([cells for _, cells in table])
    if at is None:
        raise BankError(f"{name}：{_missing_columns(fields, options)}")
    width = max(len(cells) for _, cells in table[at:])
    columns = _names(table[at][1] + [""] * (width - len(table[at][1])))
    rows = [(number, cells + [""] * (width - len(cells))) for number, cells in table[at + 1 :]]
    if not rows:
        raise BankError(f"{name}：表头下面没有题目。")
    if len(rows) > max_rows:
        raise BankError(
            f"{name}：超过上限 {max_rows} 道题（METROKB_BANK_MAX_ROWS）；请拆分后分批核对。",
            "too_large",
        )
    return Bank(file=name, columns=columns, rows=rows, fields=fields, option_columns=options)


def _names(header: list[str]) -> list[str]:
    """The header's column names, each one distinct: a blank one is named 第N列, a repeated one gets （2）."""
    names: list[str] = []
    for i, cell in enumerate(header):
        name = cell.strip() or f"第{i + 1}列"
        while name in names:
            name += "（2）"
        names.append(name)
    return names


def _table(name: str, data: bytes, max_rows: int) -> Iterator[tuple[int, list[str]]]:
    """The file's non-blank rows of cell text with their numbers in the file (1-based), read by what the bytes are
    (a workbook saved with the wrong suffix is still read); reading stops one row past what the limit allows."""
    if data[:4] == b"PK\x03\x04":
        rows = _xlsx_rows(name, data)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        rows = _xls_rows(name, data)
    else:
        rows = _csv_rows(name, data)
    limit = max_rows + HEADER_SEARCH_ROWS + 1
    seen = 0
    for number, values in enumerate(rows, 1):
        cells = [_text(c) for c in values]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            seen += 1
            if seen > limit:
                return
            yield number, cells


def _text(value: object) -> str:
    """A cell as text: 3.0 → 3, TRUE stays a word, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").strip()


def _xlsx_rows(name: str, data: bytes) -> Iterator[tuple]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            yield from _first_sheet_with_header(book.worksheets, lambda ws: ws.iter_rows(values_only=True))
        finally:
            book.close()
    except BankError:
        raise
    except Exception as exc:  # a damaged workbook can fail anywhere in the parser, while opening or reading rows
        raise BankError(
            f"{name}：无法作为 Excel 工作簿（.xlsx）读取（{type(exc).__name__}: {exc}）；请在 Excel 中另存后重试。",
            "unsupported",
        ) from exc


def _xls_rows(name: str, data: bytes) -> Iterator[list]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, logfile=io.StringIO())
        for row in _first_sheet_with_header(book.sheets(), lambda sheet: _xls_values(xlrd, book, sheet)):
            yield row
    except BankError:
        raise
    except Exception as exc:  # a damaged workbook can fail anywhere in the parser
        raise BankError(
            f"{name}：无法作为 Excel 97-2003 工作簿（.xls）读取（{type(exc).__name__}: {exc}）；请另存为 .xlsx 后重试。",
            "unsupported",
        ) from exc


def _xls_values(xlrd, book, sheet) -> Iterator[list]:
    """A .xls sheet's rows as Python values: booleans, dates and numbers as such, error cells blank."""
    for r in range(sheet.nrows):
        row = []
        for cell in sheet.row(r):
            if cell.ctype == xlrd.XL_CELL_BOOLEAN:
                row.append(bool(cell.value))
            elif cell.ctype == xlrd.XL_CELL_DATE:
                row.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
            elif cell.ctype == xlrd.XL_CELL_ERROR:
                row.append("")
            else:
                row.append(cell.value)
        yield row


def _first_sheet_with_header(sheets: list, rows_of: Callable[[object], Iterable]) -> Iterator:
    """The rows of the first sheet whose top rows hold a bank header (a workbook may begin with a 说明 sheet)."""
    for sheet in sheets:
        top = [[_text(c) for c in row] for _, row in zip(range(HEADER_SEARCH_ROWS * 4), rows_of(sheet))]
        if _header([r for r in top if any(r)])[0] is not None:
            return iter(rows_of(sheet))
    return iter(rows_of(sheets[0])) if sheets else iter(())


def _csv_rows(name: str, data: bytes) -> Iterator[list[str]]:
    if b"\x00" in data[:4096]:
        raise BankError(f"{name}：不是文本文件（CSV 应为 UTF-8 或 GBK 编码的文本）。", "unsupported")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise BankError(f"{name}：无法按 UTF-8 或 GBK 解码；请另存为 UTF-8 编码的 CSV。", "unsupported")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise BankError(f"{name}：CSV 格式有误（{exc}）。") from exc


# --- the header ----------------------------------------------------------------------------------


def _header_name(cell: str) -> str:
    """A header cell as looked up: folded, without spaces, asterisks or a bracketed note (题干（必填）→ 题干)."""
    return re.sub(r"\(.*?\)|\[.*?\]|[\s*:]", "", fold(cell))


def _columns(row: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    fields: dict[str, int] = {}
    options: dict[str, int] = {}
    for i, cell in enumerate(row):
        name = _header_name(cell)
        if m := P.BANK_OPTION_HEADER.match(name):
            options.setdefault(m.group(1).upper(), i)
            continue
        for field, names in P.BANK_HEADERS.items():
            if name in names:
                fields.setdefault(field, i)
                break
    return fields, dict(sorted(options.items()))


def _header(table: list[list[str]]) -> tuple[int | None, dict[str, int], dict[str, int]]:
    """Where the header row is (the first of the top rows naming a stem and a key column) and its columns; when
    none is found, the columns of the top row that named most, for the message."""
    best: tuple[dict[str, int], dict[str, int]] = ({}, {})
    for at, row in enumerate(table[:HEADER_SEARCH_ROWS]):
        fields, options = _columns(row)
        if "stem" in fields and "key" in fields:
            return at, fields, options
        if len(fields) + len(options) > len(best[0]) + len(best[1]):
            best = (fields, options)
    return None, *best


def _missing_columns(fields: dict[str, int], options: dict[str, int]) -> str:
    missing = [FIELD_NAMES[f] for f in ("stem", "key") if f not in fields]
    found = [FIELD_NAMES[f] for f in fields] + [f"选项{letter}" for letter in options]
    return (
        f"找不到{'、'.join(missing)}列"
        + (f"（找到的列：{'、'.join(found)}）" if found else "（前几行中没有可识别的列名）")
        + "。题库的第一行应为列名：题型、题干、选项A…选项E（或一个“选项”列）、答案、解析；可下载模板对照。"
    )


# --- keys and items ------------------------------------------------------------------------------


def read_key(raw: str, kind: ExamKind | None = None, options: dict[str, str] | None = None) -> list[str] | None:
    """A bank's key as letters (`ACD`, `A,C,D`, `A、C、D` → ['A', 'C', 'D']) or 对/错 (`对`, `√`, `×`, `正确`,
    TRUE); None when it cannot be read. A 判断 item keyed by the letter of a 正确/错误 option gets 对/错."""
    text = P.KEY_LEAD.sub("", fold(raw or "").strip()).strip(" ()[]。.")
    if not text:
        return None
    judge = _judge_word(text)
    if judge and (kind == "judge" or not options):
        return [judge]
    letters = "".join(p for p in P.KEY_SEPARATOR.split(text) if p)
    if re.fullmatch(r"[a-h]+", letters):
        chosen = sorted(set(letters.upper()))
        if kind == "judge" and options and len(chosen) == 1 and (word := _judge_word(fold(options.get(chosen[0], "")))):
            return [word]
        return chosen
    return [judge] if judge else None


def _judge_word(text: str) -> str | None:
    return P.KEY_JUDGE.get(text.strip(" 。."))


def _kind(cell: str) -> ExamKind | None | Literal["other"]:
    """The 题型 cell as an exam kind; `other` for a kind this check does not cover (填空, 简答), None when empty."""
    text = _header_name(cell)
    if not text:
        return None
    for kind, pattern in P.BANK_KIND.items():
        if pattern.match(text):
            return kind  # type: ignore[return-value]
    return "other"


def entries(bank: Bank) -> list[Entry]:
    """Every row read as an exam item with the bank's key (or why it is not one)."""
    return [_entry(bank, number, cells) for number, cells in bank.rows]


def _cell(bank: Bank, cells: list[str], field: str) -> str:
    at = bank.fields.get(field)
    return cells[at].strip() if at is not None else ""


def _entry(bank: Bank, number: int, cells: list[str]) -> Entry:
    def not_item(why: str, item: ExamItem | None = None, key: list[str] | None = None) -> Entry:
        return Entry(number, cells, item, key, why)

    stem, raw_key = _cell(bank, cells, "stem"), _cell(bank, cells, "key")
    stated = _kind(_cell(bank, cells, "kind"))
    if not stem:
        return not_item("题干为空")
    if stated == "other":
        return not_item(f"题型“{_cell(bank, cells, 'kind')}”不在核对范围：只核对单选、多选和判断题")
    options = {letter: cells[at].strip() for letter, at in bank.option_columns.items() if cells[at].strip()}
    inline = _cell(bank, cells, "options")
    key = read_key(raw_key, stated, options)
    kind = stated or _kind_from(key, options)
    text = KIND_LABELS.get(kind or "", "") + stem
    if options:
        text += "\n" + "\n".join(f"{letter}. {option}" for letter, option in options.items())
    elif inline:
        text += "\n" + inline
    item = read_item(text)
    if item is None:
        return not_item("读不出考题：没有选项，也不是判断题的陈述")
    if options and item.kind != "judge" and item.options != options:  # the columns say what the options are
        item = item.model_copy(update={"options": options})
    if kind and item.kind != kind:
        item = item.model_copy(update={"kind": kind, "kind_stated": stated is not None})
    if key is None:
        why = "答案栏为空" if not raw_key else f"读不出答案“{raw_key}”（应为 ACD、A,C,D、A、C、D、对/错 或 √/×）"
        return not_item(why, item)
    if item.kind == "judge" and key[0] not in (JUDGE_TRUE, JUDGE_FALSE):
        return not_item(f"判断题的答案“{raw_key}”不是对/错", item)
    if item.kind != "judge" and (unknown := [k for k in key if k not in item.options]):
        return not_item(f"答案 {''.join(key)} 中的 {''.join(unknown)} 不是本题的选项", item)
    if item.kind == "single" and len(key) > 1:
        item = item.model_copy(update={"kind": "multiple"})  # a 单选 label on a key of several letters
    return Entry(number, cells, item, key)


def _kind_from(key: list[str] | None, options: dict[str, str]) -> ExamKind | None:
    """The kind a row without a usable 题型 has, from its key: 对/错 → judge, several letters → multiple."""
    if key and key[0] in (JUDGE_TRUE, JUDGE_FALSE):
        return "judge"
    if key and len(key) > 1:
        return "multiple"
    return "single" if key and options else None


# --- checking --------------------------------------------------------------------------------------


def check_bank(index: Index, embedder: Embeddings, bank: Bank, progress: RowProgress | None = None) -> BankReport:
    """Solve every row of the bank and say whether the current law agrees with its key."""
    rows = []
    read = entries(bank)
    solved: dict[str, Solution] = {}  # banks repeat items (copied from one site to the next): solve each once
    if progress:
        progress(0, len(read))
    for done, entry in enumerate(read, 1):
        rows.append(check_entry(index, embedder, entry, solved))
        if progress:
            progress(done, len(read))
    counts = Counter(r.verdict for r in rows)
    return BankReport(
        file=bank.file,
        columns=bank.columns,
        rows=rows,
        summary=BankSummary(total=len(rows), **counts),
    )


def check_entry(index: Index, embedder: Embeddings, entry: Entry, solved: dict[str, Solution] | None = None) -> BankRow:
    """The verdict on one row: agree, disagree (both keys, the article, the version the bank matches), undecidable
    or not an exam item. `solved` remembers the solutions of items already seen, by their text."""
    base = {"row": entry.row, "cells": entry.cells, "bank_key": "".join(entry.key or [])}
    if entry.item is None:
        return BankRow(**base, verdict="not_item", note=entry.problem or "")
    seen = entry.item.model_dump_json(include={"kind", "stem", "options"})
    solution = (solved or {}).get(seen) or solve(index, embedder, entry.item)
    if solved is not None:
        solved[seen] = solution
    found = "".join(solution.choice) if solution.decided and solution.choice else None
    cited = solution.citations[0] if found and solution.citations else None
    if entry.problem:
        note = entry.problem + (f"；知识库支持的答案：{found}（{article(cited)}）" if found and cited else "")
        return BankRow(**base, verdict="not_item", found_key=found, citation=cited, note=note)
    if found is None or cited is None:
        closest = solution.related[0] if solution.related else None
        note = "知识库中没有能判定此题的条款" + (f"；最接近的条款：{article(closest)}" if closest else "")
        return BankRow(**base, verdict="undecidable", note=note)
    if sorted(entry.key or []) == sorted(solution.choice or []):
        return BankRow(**base, verdict="agree", found_key=found, citation=cited, note=f"依据{article(cited)}")
    older = _matching_version(solution, entry.key or [], cited.version)
    note = f"题库答案{base['bank_key']}，现行规定答案{found}。依据{article(cited)}：“{_quote(cited)}”"
    if older:
        current = f"现行{_year(cited.version)}版" if cited.version else "现行版本"
        note += f"题库答案与{_year(older)}版一致，与{current}不符。"
    return BankRow(**base, verdict="disagree", found_key=found, citation=cited, matches_version=older, note=note)


def _matching_version(solution: Solution, key: list[str], current: str | None) -> str | None:
    """The older version of the deciding document under which the bank's key is right, if the index has one."""
    for label, choice in solution.by_version.items():
        if label != current and sorted(choice) == sorted(key):
            return label
    return None


def _year(label: str) -> str:
    """2018年10月26日修正版 → 2018年; a label without a year is kept whole."""
    m = re.search(r"(\d{4})年", label)
    return m.group(0) if m else label.removesuffix("版")


def article(c: Citation) -> str:
    """《中华人民共和国计量法》第九条第一款（2018年10月26日修正版）: the document, article and version cited."""
    return source_line(c).removeprefix("出处：")


def _quote(c: Citation) -> str:
    quote = c.quote or c.text
    return quote if len(quote) <= QUOTE_CHARS else quote[: QUOTE_CHARS - 1] + "…"
