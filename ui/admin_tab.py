"""The 知识库管理 tab, shown to admins: upload (with progress and the parse report), edit metadata, delete, audit log.

Thin over retriever.admin.service. The tab is hidden from readers, and every function here checks the caller's key again
(retriever.admin.access), so a reader's session cannot use it through Gradio's API either. Event api names start with
`admin_`: server.access refuses those endpoints to readers as well.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from html import escape
from pathlib import Path

import gradio as gr
from pydantic import ValidationError

from retriever.admin.access import SESSION_COOKIE, AccessError, Keyring
from retriever.admin.service import SUFFIXES as UPLOAD_SUFFIXES, Admin, AdminError
from retriever.engine import Engine
from retriever.models import CatalogEdit, Job, Notice, Principal, UploadBatch

log = logging.getLogger(__name__)

POLL_SECONDS = 0.5  # how often the progress bar asks the job queue
FIELDS = (
    ("title", "标题"),
    ("doc_number", "文号"),
    ("region", "地区"),
    ("level", "级别"),
    ("date", "日期"),
    ("issuer", "发布机关"),
)
LEVELS = ("国家", "省", "市", "县", "未知")
ACTIONS = {"add": "新增", "replace": "新版本", "edit": "修改元数据", "delete": "删除", "ingest": "重新索引"}
CLAUSE_KINDS = {
    "header": "文头",
    "preamble": "序言",
    "chapter": "一级条款",
    "section": "二级条款",
    "item": "三级条款",
    "principle": "原则",
    "article": "条",
    "appendix": "附件",
}
FACT_KINDS = {
    "responsibility": "责任单位",
    "target": "目标",
    "deadline": "期限",
    "penalty": "罚则",
    "time_limit": "时限",
}
STAGES = {
    "starting": "即将开始",
    "changing kb/": "写入知识库目录",
    "parsing kb/": "解析文件",
    "loading the new index": "加载新索引",
    "done": "完成",
    "stopped": "已中断",
}
EMBEDDING = re.compile(r"embedding (\d+)/(\d+)")
READING = re.compile(r"reading page (\d+)/(\d+)")
AUDIT_HEADERS = ["时间", "操作人", "操作", "doc_id", "文件", "SHA-256", "任务", "结果"]


def principal_of(keyring: Keyring, request: gr.Request | None) -> Principal | None:
    """The caller of a Gradio event: X-API-Key header or the login page's session cookie."""
    if request is None:
        return None
    headers, cookies = dict(request.headers or {}), dict(request.cookies or {})
    return keyring.identify(headers.get("x-api-key"), cookies.get(SESSION_COOKIE))


# --- rendering ---------------------------------------------------------------------------------------


def _stage(job: Job) -> str:
    if job.status == "queued":
        return f"排队中：等待任务 #{job.waiting_for} 完成" if job.waiting_for else "排队中"
    if m := READING.match(job.stage):
        return f"读取页面（含文字识别）{m.group(1)}/{m.group(2)}"
    m = EMBEDDING.match(job.stage)
    return f"向量化新段落 {m.group(1)}/{m.group(2)}" if m else STAGES.get(job.stage, job.stage)


def _counts(counts: dict[str, int], names: dict[str, str]) -> str:
    return "、".join(f"{escape(names.get(k, k))} {n}" for k, n in counts.items()) or "无"


def job_html(job: Job) -> str:
    """A job as the tab shows it: a progress bar while it runs, then the parse report or the reason it failed."""
    head = f"任务 #{job.job_id}（{ACTIONS[job.action]}{'：' + escape(job.file) if job.file else ''}）"
    if job.status in ("queued", "running"):
        percent = round(job.progress * 100)
        return (
            f'<div class="job job-{job.status}" data-status="{job.status}"><div class="job-head">{head}</div>'
            f'<div class="job-bar"><div style="width:{percent}%"></div></div>'
            f'<div class="job-stage">{escape(_stage(job))} · {percent}%</div></div>'
        )
    if job.status == "failed":
        return (
            f'<div class="job job-failed" data-status="failed"><div class="job-head">{head} 失败</div>'
            f"<div>{escape(job.message or '')}</div></div>"
        )
    parts = [f'<div class="job job-done" data-status="done"><div class="job-head">{head} 已完成</div>']
    if job.current:
        parts.append(f'<div class="job-current">当前有效版本：<b>{escape(job.current)}</b></div>')
    report = job.report
    if report is not None:
        parts.append(
            f'<div class="report"><div class="report-title">《{escape(report.title)}》</div>'
            f'<div class="source-meta">doc_id：{escape(report.doc_id)} · 文件：{escape(report.file)}</div>'
            f"<div>条款：{_counts(report.clauses, CLAUSE_KINDS)}（共 {sum(report.clauses.values())} 条）</div>"
            f"<div>抽取事实：{_counts(report.facts, FACT_KINDS)}</div>"
        )
        for note in report.notes:
            if note.startswith("read as"):  # how the file was read: its format, pages, OCR'd pages
                parts.append(f'<div class="source-meta report-format">读取方式：{escape(note)}</div>')
        if report.warnings:
            items = "".join(f"<li>{escape(w)}</li>" for w in report.warnings)
            parts.append(
                f'<div class="warnings report-warnings">解析警告（{len(report.warnings)}）：<ul>{items}</ul></div>'
            )
        else:
            parts.append('<div class="report-ok">解析无警告。</div>')
        parts.append("</div>")
    elif job.message:
        parts.append(f'<div class="source-meta">{escape(job.message)}</div>')
    return "".join(parts) + "</div>"


def refused_html(message: str) -> str:
    return f'<div class="job job-failed" data-status="refused"><div class="job-head">操作被拒绝</div>{escape(message)}</div>'


def audit_rows(admin: Admin) -> list[list[str]]:
    return [
        [
            e.time.replace("T", " ").replace("+00:00", " UTC"),
            e.key_name,
            ACTIONS[e.action],
            e.doc_id or "",
            e.file or "",
            (e.sha256 or "")[:12],
            str(e.job_id),
            "完成" if e.outcome == "done" else f"失败：{e.message or ''}",
        ]
        for e in admin.audit()
    ]


# --- the tab -----------------------------------------------------------------------------------------------


def _field_inputs(prefix: str) -> list[gr.components.Component]:
    """The catalog fields as inputs, in FIELDS order."""
    inputs = []
    with gr.Row():
        for name, label in FIELDS:
            if name == "level":
                inputs.append(
                    gr.Dropdown(
                        [("未指定", "")] + [(v, v) for v in LEVELS],
                        value="",
                        label=label,
                        elem_id=f"{prefix}-{name}",
                        min_width=100,
                    )
                )
            else:
                inputs.append(
                    gr.Textbox(
                        label=label,
                        elem_id=f"{prefix}-{name}",
                        min_width=120,
                        placeholder="如 2025-03-18" if name == "date" else "可选",
                    )
                )
    return inputs


def _edit(values: tuple, before: Notice | None = None) -> CatalogEdit:
    """The catalog fields typed in; with `before`, only those changed (a cleared field drops the catalog value)."""
    given = {}
    for (name, _), value in zip(FIELDS, values):
        value = (value or "").strip()
        old = str(getattr(before, name) or "") if before is not None else ""
        if before is None and value:
            given[name] = value
        elif before is not None and value != old:
            given[name] = value or None
    return CatalogEdit(**given)


def _invalid(exc: ValidationError) -> str:
    names = dict(FIELDS)
    problems = "；".join(f"{names.get(str(e['loc'][0]), e['loc'][0])}：{e['msg']}" for e in exc.errors())
    return f"元数据有误（{problems}）。日期请写成 YYYY-MM-DD，级别从列表中选。"


def admin_tab(
    demo: gr.Blocks,
    get_engine: Callable[[], Engine],
    get_admin: Callable[[], Admin | None],
    keyring: Keyring,
    max_upload_bytes: int,
) -> None:
    """Build the 知识库管理 tab inside the current gr.Tabs; it becomes visible when an admin's page loads."""

    def allowed(request: gr.Request | None) -> Admin:
        keyring.require_admin(principal_of(keyring, request))  # AccessError for anyone else
        admin = get_admin()
        if admin is None:
            raise AccessError("administration is not running on this server (start it with `metrokb serve`)")
        return admin

    def run(start: Callable[[Admin, Principal], Job | UploadBatch], request: gr.Request | None):
        """Start a change and follow its job (a zip: its jobs) to the end: yields the tab's job view as it goes."""
        try:
            admin = allowed(request)
            started = start(admin, principal_of(keyring, request))
        except (AccessError, AdminError) as exc:
            yield refused_html(str(exc))
            return
        except ValidationError as exc:
            yield refused_html(_invalid(exc))
            return
        jobs = started.jobs if isinstance(started, UploadBatch) else [started]
        refused = started.refused if isinstance(started, UploadBatch) else []
        refused_view = "".join(refused_html(f"{r.file}：{r.reason}") for r in refused)
        while True:
            jobs = [admin.job(job.job_id) for job in jobs]
            yield "".join(job_html(job) for job in jobs) + refused_view
            if all(job.status in ("done", "failed") for job in jobs):
                return
            time.sleep(POLL_SECONDS)

    def upload(
        path: str | None,
        replace_of: str,
        title: str,
        doc_number: str,
        region: str,
        level: str,
        date: str,
        issuer: str,
        request: gr.Request,
    ):
        values = (title, doc_number, region, level, date, issuer)  # FIELDS order
        if not path:
            yield refused_html("请先选择要上传的文件（PDF、Word、WPS、网页、文本或它们的 zip 压缩包）。")
            return
        data, name = Path(path).read_bytes(), Path(path).name
        if replace_of:
            yield from run(lambda a, who: a.replace(who, replace_of, name, data, _edit(values)), request)
        else:
            yield from run(lambda a, who: a.upload(who, name, data, _edit(values)), request)

    def save(
        doc_id: str, title: str, doc_number: str, region: str, level: str, date: str, issuer: str, request: gr.Request
    ):
        values = (title, doc_number, region, level, date, issuer)  # FIELDS order
        if not doc_id:
            yield refused_html("请先选择文件。")
            return
        before = get_engine().index.notices.get(doc_id)
        yield from run(lambda a, who: a.edit(who, doc_id, _edit(values, before)), request)

    def delete(doc_id: str, request: gr.Request):
        yield from run(lambda a, who: a.delete(who, doc_id), request)

    def reindex(request: gr.Request):
        yield from run(lambda a, who: a.reindex(who), request)

    def ask_delete(doc_id: str, request: gr.Request):
        notice = get_engine().index.notices.get(doc_id or "")
        if notice is None or not _is_admin(request):
            return gr.update(visible=False), ""
        return gr.update(visible=True), (
            f"确定删除《{notice.title}》（{notice.doc_id}，文件 {notice.file}）吗？"
            "文件和目录条目将从 kb/ 移除，并重建索引。"
        )

    def _is_admin(request: gr.Request | None) -> bool:
        try:
            allowed(request)
        except AccessError:
            return False
        return True

    def refresh(request: gr.Request):
        """Tab visibility, the document lists and the audit log, for whoever loads the page."""
        if not _is_admin(request):
            return gr.update(visible=False), gr.skip(), gr.skip(), gr.skip()
        notices = sorted(get_engine().index.notices.values(), key=lambda n: n.file)
        choices = [(f"{n.region or '—'}｜{n.title}（{n.doc_id}）", n.doc_id) for n in notices]
        return (
            gr.update(visible=True),
            gr.update(choices=[("不替换：新增文件", "")] + choices),
            gr.update(choices=choices),
            audit_rows(get_admin()),
        )

    def fill(doc_id: str, request: gr.Request):
        notice = get_engine().index.notices.get(doc_id or "")
        if notice is None or not _is_admin(request):
            return [gr.skip()] * len(FIELDS)
        return [str(getattr(notice, name) or "") for name, _ in FIELDS]

    limit = f"{max_upload_bytes / 2**20:g} MiB"
    with gr.Tab("知识库管理", id="admin", visible=False) as tab:
        gr.Markdown(
            "上传新发布的通知或法规，系统在后台增量建立索引（一次一个任务，其余排队）；建索引期间问答照常使用旧索引。"
            "每次变更都会记入审计日志。"
        )
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                gr.Markdown("#### 上传文件")
                file = gr.File(
                    label=f"选择文件（PDF 含扫描件、Word、WPS、网页、文本或 zip，不超过 {limit}）",
                    file_types=[*UPLOAD_SUFFIXES],
                    type="filepath",
                    elem_id="admin-file",
                )
                replace_of = gr.Dropdown(
                    label="作为哪份文件的新版本（可选；旧版本保留并标为已被替代）",
                    choices=[("不替换：新增文件", "")],
                    value="",
                    elem_id="admin-replace-of",
                )
                upload_fields = _field_inputs("admin-new")
                upload_btn = gr.Button("上传并建立索引", variant="primary", elem_id="admin-upload")
            with gr.Column(scale=2):
                gr.Markdown("#### 任务进度与解析报告")
                job_view = gr.HTML(
                    '<div class="ctx-empty">上传、修改或删除后，这里显示进度和解析报告。</div>',
                    elem_id="admin-job",
                    js_on_load=None,
                )
        gr.Markdown("#### 修改元数据或删除文件")
        doc = gr.Dropdown(label="选择文件", choices=[], elem_id="admin-doc")
        edit_fields = _field_inputs("admin-edit")
        with gr.Row():
            save_btn = gr.Button("保存元数据", elem_id="admin-save")
            delete_btn = gr.Button("删除此文件…", variant="stop", elem_id="admin-delete")
            reindex_btn = gr.Button("重新索引 kb/", elem_id="admin-reindex")
        with gr.Row(visible=False, elem_id="admin-confirm") as confirm:
            confirm_text = gr.Markdown(elem_id="admin-confirm-text")
            confirm_btn = gr.Button("确认删除", variant="stop", elem_id="admin-confirm-delete")
            cancel_btn = gr.Button("取消", elem_id="admin-cancel-delete")
        gr.Markdown("#### 审计日志（最新在前）")
        audit = gr.Dataframe(headers=AUDIT_HEADERS, value=[], interactive=False, elem_id="admin-audit", wrap=True)

    lists = [tab, replace_of, doc, audit]
    # Following a job is a wait, not work: any number may follow theirs at once (the job queue orders the work).
    follow = {"outputs": job_view, "concurrency_limit": None}
    upload_btn.click(upload, inputs=[file, replace_of, *upload_fields], api_name="admin_upload", **follow).then(
        refresh, outputs=lists, api_name="admin_refresh_after_upload"
    )
    doc.change(fill, inputs=doc, outputs=edit_fields, api_name="admin_fill")
    save_btn.click(save, inputs=[doc, *edit_fields], api_name="admin_save", **follow).then(
        refresh, outputs=lists, api_name="admin_refresh_after_save"
    )
    delete_btn.click(ask_delete, inputs=doc, outputs=[confirm, confirm_text], api_name="admin_ask_delete")
    cancel_btn.click(lambda: gr.update(visible=False), outputs=confirm, api_name="admin_cancel_delete")
    confirm_btn.click(lambda: gr.update(visible=False), outputs=confirm, api_name="admin_hide_confirm").then(
        delete, inputs=doc, api_name="admin_delete", **follow
    ).then(refresh, outputs=lists, api_name="admin_refresh_after_delete")
    reindex_btn.click(reindex, api_name="admin_reindex", **follow).then(
        refresh, outputs=lists, api_name="admin_refresh_after_reindex"
    )
    demo.load(refresh, outputs=lists, api_name="admin_refresh")
