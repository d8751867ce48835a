"""The 题库核对 view of the 考试练习 tab: a trainer uploads a question bank, follows its check (rows done of total),
sees every row with the key MetroKB finds, its article and the verdict (a sortable table, flagged rows coloured,
filterable by verdict), and downloads the report as CSV or Excel.

The browser sends the file to POST /quiz/check (Gradio's own upload is reserved for administrators), and the check
is followed here through the process's one bank-check worker (retriever.exam.bank_jobs), so the tab and the API
show the same checks. The tab therefore needs the HTTP API: `metrokb serve`, not `metrokb ui` alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from html import escape

import gradio as gr
import pandas as pd

from retriever.exam.bank_export import ADDED_COLUMNS, report_columns, report_rows
from retriever.engine import Engine
from retriever.exam.bank_jobs import shared as bank_checks
from retriever.models import BANK_VERDICT_NAMES, BankCheck, BankReport

POLL_SECONDS = 0.5
SHOW_CHOICES = [
    ("全部", "all"),
    ("不一致", "disagree"),
    ("无法判定", "undecidable"),
    ("非考题", "not_item"),
    ("一致", "agree"),
]
# Row colours by verdict, as in the Excel report.
ROW_COLOURS = {"disagree": "#fee2e2", "undecidable": "#fef3c7", "not_item": "#f1f5f9", "agree": ""}
BANK_CSS = """
.bank-upload { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; padding: 6px 0; }
.bank-upload button { padding: 6px 16px; border-radius: 8px; background: var(--button-primary-background-fill);
  color: var(--button-primary-text-color); border: none; cursor: pointer; }
.bank-upload button:disabled { opacity: .5; cursor: wait; }
.bank-upload-msg { color: #b91c1c; }
.bank-progress progress { width: 320px; height: 14px; vertical-align: middle; margin-right: 8px; }
.bank-summary span { display: inline-block; padding: 2px 10px; border-radius: 10px; margin-right: 6px; }
.bank-summary .agree { background: #dcfce7; } .bank-summary .disagree { background: #fee2e2; font-weight: 700; }
.bank-summary .undecidable { background: #fef3c7; } .bank-summary .not_item { background: #f1f5f9; }
.bank-links a { margin-right: 16px; }
"""
# The upload form; its value is the id of the check it started (set by UPLOAD_JS, which then fires `submit`).
UPLOAD_HTML = (
    '<div class="bank-upload"><input type="file" accept=".csv,.xlsx,.xls" class="bank-file">'
    '<button type="button" class="bank-start">开始核对</button><span class="bank-upload-msg"></span></div>'
)
UPLOAD_JS = """
const input = element.querySelector('.bank-file');
const button = element.querySelector('.bank-start');
const msg = element.querySelector('.bank-upload-msg');
const api = location.pathname.replace(/\\/ui(\\/.*)?$/, '') + '/quiz/check';
button.addEventListener('click', async () => {
  const file = input.files[0];
  if (!file) { msg.textContent = '请先选择题库文件（.csv、.xlsx 或 .xls）。'; return; }
  const body = new FormData();
  body.append('file', file);
  msg.textContent = '正在上传…';
  button.disabled = true;
  try {
    const r = await fetch(api, {method: 'POST', body});
    const data = await r.json().catch(() => ({}));
    if (r.ok) {
      msg.textContent = '';
      props.value = data.check_id;
      trigger('submit');
    } else if (r.status === 404) {
      msg.textContent = '无法核对：题库核对需要 HTTP 接口（请用 metrokb serve 启动服务）。';
    } else {
      msg.textContent = '无法核对：' + (data.detail || (r.status === 413 ? '文件超过大小上限 LIMIT' : r.statusText));
    }
  } catch (e) {
    msg.textContent = '上传失败：' + e;
  } finally {
    button.disabled = false;
  }
});
"""


def progress_html(check: BankCheck) -> str:
    if check.status == "failed":
        return f'<div class="sources-abstained">核对失败：{escape(check.message or "")}</div>'
    state = {"queued": "排队中", "running": "核对中", "done": "已完成"}[check.status]
    return (
        f'<div class="bank-progress"><progress value="{check.done}" max="{max(check.total, 1)}"></progress>'
        f"{escape(check.file)}：{state}，已核对 <b>{check.done}</b> / {check.total} 题</div>"
    )


def summary_html(check: BankCheck) -> str:
    """The counts by verdict, and the report's download links."""
    report = check.report
    if report is None:
        return ""
    s = report.summary
    counts = "".join(
        f'<span class="{v}">{BANK_VERDICT_NAMES[v]} {getattr(s, v)}</span>'
        for v in ("agree", "disagree", "undecidable", "not_item")
    )
    base = f"/quiz/check/{check.check_id}/report"
    return (
        f'<div class="bank-summary">共 {s.total} 题：{counts}</div>'
        f'<div class="bank-links">下载核对报告：<a href="{base}.xlsx" download class="bank-xlsx">Excel（.xlsx）</a>'
        f'<a href="{base}.csv" download class="bank-csv">CSV</a></div>'
    )


def report_frame(report: BankReport | None, show: str = "all"):
    """The report as a table (rows of one verdict, or all), each row coloured by its verdict."""
    if report is None:
        return pd.DataFrame()
    columns = report_columns(report)
    picked = [(row, values) for row, values in zip(report.rows, report_rows(report)) if show in ("all", row.verdict)]
    frame = pd.DataFrame([values for _, values in picked], columns=columns)
    # On screen the verdict and both keys come first (pinned), then the bank's columns, then the article and note.
    added = columns[len(columns) - len(ADDED_COLUMNS) :]
    first = [columns[0], *added[:3]]
    frame = frame[first + [c for c in columns if c not in first and c not in added] + added[3:]]
    colours = [ROW_COLOURS[row.verdict] for row, _ in picked]
    return frame.style.apply(
        lambda r: [f"background-color: {colours[r.name]}" if colours[r.name] else ""] * len(r), axis=1
    )


def bank_view(max_bytes: int, get_engine: Callable[[], Engine]) -> None:
    """Build the 题库核对 tab inside the current gr.Tabs (the 考试练习 tab's views)."""

    def follow(check_id: str | None):
        """Follow a check to its end: progress as it goes, then the summary, the table and the report."""
        checks = bank_checks(get_engine().settings.bank_checks_dir)
        check = checks.get(check_id or "")
        if check is None:
            yield '<div class="sources-abstained">找不到这次核对，请重新上传题库。</div>', "", gr.skip(), None
            return
        while check.status in ("queued", "running"):
            yield progress_html(check), "", gr.skip(), None
            time.sleep(POLL_SECONDS)
            check = checks.get(check.check_id) or check
        yield progress_html(check), summary_html(check), report_frame(check.report), check.model_dump(mode="json")

    def filter_rows(state: dict | None, show: str):
        report = BankCheck.model_validate(state).report if state else None
        return report_frame(report, show)

    limit = f"{max_bytes / 2**20:g} MiB"
    with gr.Tab("题库核对", id="quiz-bank"):
        gr.HTML(
            f"<style>{BANK_CSS}</style><div>上传题库（CSV、.xlsx 或 .xls，不超过 {limit}），逐题用知识库判定答案："
            "<b>一致</b>、<b>不一致</b>（给出现行条款；题库答案符合旧版时注明版本）、<b>无法判定</b>（知识库中没有能判定的条款）"
            "或<b>非考题</b>（说明原因）。列名：题型、题干、选项A…选项E（或一个“选项”列）、答案、解析；"
            '可先下载模板：<a href="/quiz/check/template.xlsx" download class="bank-template-xlsx">Excel 模板</a>　'
            '<a href="/quiz/check/template.csv" download class="bank-template-csv">CSV 模板</a></div>',
            js_on_load=None,
        )
        upload = gr.HTML(
            "",
            html_template=UPLOAD_HTML,
            js_on_load=UPLOAD_JS.replace("LIMIT", limit),
            elem_id="bank-upload",
        )
        status = gr.HTML("", elem_id="bank-status", js_on_load=None)
        summary = gr.HTML("", elem_id="bank-summary", js_on_load=None)
        show = gr.Radio(SHOW_CHOICES, value="all", label="显示", elem_id="bank-show")
        table = gr.Dataframe(
            pd.DataFrame(),
            interactive=False,
            wrap=True,
            max_height=640,
            pinned_columns=4,
            elem_id="bank-table",
        )
        state = gr.State(None)
    upload.submit(follow, inputs=upload, outputs=[status, summary, table, state], concurrency_limit=None).then(
        lambda: "all", outputs=show
    )
    show.change(filter_rows, inputs=[state, show], outputs=table)
