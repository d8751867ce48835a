"""The staff chat (Gradio, Simplified Chinese): cited answers, a sources panel, follow-ups, a notice browser,
and for admins the 知识库管理 tab.

Thin over the core: follow-ups are resolved by retriever.answering.conversation, answers come from Engine.ask,
HTML is rendered by ui.render. Mounted at /ui by `metrokb serve`, or run alone with `metrokb ui`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from html import escape

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr
from fastapi import FastAPI

from retriever.admin.access import Keyring
from retriever.admin.service import Admin
from retriever.answering.answer import QuestionError
from retriever import patterns as P
from retriever.answering.conversation import example_questions, kb_regions, resolve
from retriever.engine import Engine
from retriever.answering.generate import GenerationUnavailable
from retriever.models import Answer
from retriever.answering.query import FilterError
from ui import render
from ui.admin_tab import admin_tab, principal_of
from ui.feedback import record_feedback
from ui.quiz_tab import quiz_tab
from ui.style import CSS, THEME

log = logging.getLogger(__name__)

# Examples when no index is loaded yet; otherwise the chat offers questions its own documents answer.
EXAMPLES = [
    "强制检定的计量器具有哪些？",
    "使用未经检定的计量器具会受到什么处罚？",
    "计量检定是指什么？",
]
PENDING = '<span class="badge badge-pending">检索中</span> 正在检索知识库并核对引文…'
ALL = ""  # the value of "全部" in every filter

# Clicking a source card (or pressing Enter on it) tells the server which one: trigger('click', {source}).
SOURCES_JS = """
const pick = (card) => {
  element.querySelectorAll('.source.selected').forEach((x) => x.classList.remove('selected'));
  card.classList.add('selected');
  trigger('click', {source: card.dataset.source});
};
element.addEventListener('click', (e) => {
  const card = e.target.closest('[data-source]');
  if (card && !e.target.closest('summary')) pick(card);
});
element.addEventListener('keydown', (e) => {
  const card = e.target.closest('[data-source]');
  if (card && e.key === 'Enter') pick(card);
});
"""
# Copy to the clipboard; plain http on a LAN address has no navigator.clipboard, so fall back to execCommand.
COPY_JS = """
(text) => {
  if (!text) return text;
  if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(text); }
  else {
    const area = document.createElement('textarea');
    area.value = text; document.body.appendChild(area); area.select();
    document.execCommand('copy'); area.remove();
  }
  return text;
}
"""


def new_conversation() -> dict:
    """Chat state: the last standalone question (for follow-ups) and each answered turn by message index."""
    return {"previous": None, "turns": {}, "current": None}


def _filters(doc_id: str | None, region: str | None, year: str | int | None) -> dict | None:
    filters = {"doc_id": doc_id or None, "region": region or None, "year": int(year) if year else None}
    return {k: v for k, v in filters.items() if v is not None} or None


def copy_text(turn: dict) -> str:
    """The turn as plain text for the clipboard: the question, then the answer and its citations."""
    from retriever.answering.answer import as_text  # the same plain-text form `metrokb ask` prints

    head = f"问：{turn['message']}"
    if turn["question"] != turn["message"]:
        head += f"\n（按上下文理解为：{turn['question']}）"
    return head + "\n\n" + as_text(Answer.model_validate(turn["answer"]))


def _error_message(exc: Exception) -> str:
    if isinstance(exc, QuestionError):
        return f"问题无法处理：{exc}"
    if isinstance(exc, FilterError):
        return f"筛选条件有误：{exc}。请把筛选改回“全部”后重试。"
    if isinstance(exc, GenerationUnavailable):
        return f"生成式回答暂不可用：{exc}"
    return f"服务器出错，未能回答（{type(exc).__name__}：{str(exc)[:200]}）。请稍后重试；如果一直出现，请联系管理员。"


def build_ui(
    get_engine: Callable[[], Engine],
    get_admin: Callable[[], Admin | None] = lambda: None,
    keyring: Keyring | None = None,
    max_upload_bytes: int = 0,
) -> gr.Blocks:
    """The chat, browse, exam-practice and admin tabs, over the engine `get_engine` returns (read on each request).

    `keyring` tells who is logged in (the admin tab and the 退出登录 line); None runs the chat without administration."""

    def engine() -> Engine:
        found = get_engine()
        if found is None:
            raise RuntimeError("知识库索引尚未加载完成")
        return found

    def turn_view(conv: dict, key: str | None):
        turn = conv["turns"].get(key) if key else None
        if turn is None:
            return render.sources_html(None, None), render.context_html(None, None), ""
        answer, index = Answer.model_validate(turn["answer"]), engine().index
        keys = render.source_keys(answer)
        first = keys[0] if keys and not answer.abstained else (None, None)
        return (
            render.sources_html(answer, index),
            render.context_html(index, first[1], first[0] or ""),
            copy_text(turn),
        )

    def respond(message: str, history: list, conv: dict, doc_id: str, region: str, year: str):
        message = (message or "").strip()
        if not message:
            yield history, "", conv, gr.skip(), gr.skip(), gr.skip()
            return
        history = list(history or []) + [
            {"role": "user", "content": message},
            {"role": "assistant", "content": PENDING},
        ]
        yield history, "", conv, gr.skip(), gr.skip(), gr.skip()
        filters = _filters(doc_id, region, year)
        try:
            eng = engine()
            resolved = resolve(message, conv.get("previous"), eng.index)
            answer = eng.ask(resolved.question, filters=filters)
        except Exception as exc:  # any failure is shown in the chat, never as a stack trace
            if not isinstance(exc, (QuestionError, FilterError, GenerationUnavailable)):
                log.exception("chat question failed: %r", message)
            history[-1] = {"role": "assistant", "content": render.error_markdown(_error_message(exc))}
            yield history, "", conv, gr.skip(), gr.skip(), gr.skip()
            return
        history[-1] = {
            "role": "assistant",
            "content": render.answer_markdown(answer, resolved.question if resolved.rewritten else None),
        }
        key = str(len(history) - 1)
        turn = {
            "message": message,
            "question": resolved.question,
            "filters": filters or {},
            "answer": answer.model_dump(mode="json"),
        }
        conv = {"previous": resolved.question, "turns": {**conv["turns"], key: turn}, "current": key}
        yield (history, "", conv, *turn_view(conv, key))

    def show_source(conv: dict, evt: gr.EventData):
        key = getattr(evt, "source", None) if evt is not None else None
        turn = conv["turns"].get(conv.get("current") or "")
        if turn is None or key is None:
            return gr.skip()
        answer = Answer.model_validate(turn["answer"])
        citation = dict(render.source_keys(answer)).get(key)
        return render.context_html(engine().index, citation, key)

    def select_turn(conv: dict, evt: gr.SelectData):
        index = evt.index if isinstance(evt.index, int) else (evt.index[0] if evt.index else None)
        key = str(index)
        if key not in conv["turns"]:
            return conv, gr.skip(), gr.skip(), gr.skip()
        conv = {**conv, "current": key}
        return (conv, *turn_view(conv, key))

    def rate(conv: dict, evt: gr.LikeData):
        index = evt.index if isinstance(evt.index, int) else evt.index[0]
        turn = conv["turns"].get(str(index))
        if turn is None or evt.liked is None or evt.liked == "":
            return
        liked = evt.liked is True or str(evt.liked).lower() in ("like", "true", "up")
        record_feedback(engine().settings.feedback_path, "up" if liked else "down", turn)
        gr.Info("已记录反馈：有帮助" if liked else "已记录反馈：没帮助，感谢指正")

    def pick_example(evt: gr.SelectData) -> str:
        return evt.value["text"]

    def reset():
        return ([], "", new_conversation(), render.sources_html(None, None), render.context_html(None, None), "")

    def on_load():
        index = engine().index
        notices = sorted(index.notices.values(), key=lambda n: n.file)
        doc_choices = [("全部文件", ALL)] + [(f"{n.region or '—'}｜{n.title}", n.doc_id) for n in notices]
        years = sorted({n.year for n in notices if n.year}, reverse=True)
        first = notices[0].doc_id if notices else None
        return (
            gr.update(choices=doc_choices, value=ALL),
            gr.update(choices=[("全部地区", ALL)] + [(r, r) for r in kb_regions(index)], value=ALL),
            gr.update(choices=[("全部年份", ALL)] + [(f"{y}年", str(y)) for y in years], value=ALL),
            gr.update(choices=doc_choices[1:], value=first),
            render.notice_html(index, first) if first else "",
        )

    def browse(doc_id: str):
        return render.notice_html(engine().index, doc_id) if doc_id else gr.skip()

    def whoami(request: gr.Request):
        principal = principal_of(keyring, request) if keyring is not None and keyring.enabled else None
        if principal is None:
            return ""
        role = "管理员" if principal.is_admin else "只读"
        return (
            f'<div class="whoami">当前身份：{escape(principal.name)}（{role}） · '
            '<a href="/logout" id="logout">退出登录</a></div>'
        )

    loaded = get_engine()
    examples = example_questions(loaded.index) if loaded is not None else []
    examples = examples or EXAMPLES
    regions = [r for r in kb_regions(loaded.index) if r != P.NATIONAL_REGION] if loaded is not None else []
    other = regions[-1] if regions else "另一个地区"

    with gr.Blocks(title="MetroKB 计量文件问答") as demo:
        gr.Markdown(
            "# MetroKB 计量文件问答\n只依据知识库中的计量文件作答，每个答案都附有可核对的条款出处。",
            elem_id="app-title",
        )
        who = gr.HTML("", elem_id="whoami", js_on_load=None)
        conv = gr.State(new_conversation())
        with gr.Tabs():
            with gr.Tab("问答", id="chat"), gr.Row(equal_height=False):
                with gr.Column(scale=3):
                    with gr.Row():
                        doc_f = gr.Dropdown(label="文件", choices=[("全部文件", ALL)], value=ALL, scale=3)
                        region_f = gr.Dropdown(label="地区", choices=[("全部地区", ALL)], value=ALL, scale=1)
                        year_f = gr.Dropdown(label="年份", choices=[("全部年份", ALL)], value=ALL, scale=1)
                    chatbot = gr.Chatbot(
                        label="对话",
                        show_label=False,
                        elem_id="chat",
                        height=520,
                        buttons=[],
                        placeholder=f"**请用中文提问**，例如目标指标、期限、责任单位、罚则或文号。可以追问，如“那{other}呢？”。",
                        examples=[{"text": q} for q in examples],
                        feedback_options=("Like", "Dislike"),
                    )
                    with gr.Row():
                        box = gr.Textbox(
                            placeholder=f"输入问题，按回车发送；追问可直接说“那{other}呢？”",
                            show_label=False,
                            scale=6,
                            elem_id="question",
                            autofocus=True,
                        )
                        send = gr.Button("发送", variant="primary", scale=1, elem_id="send")
                    with gr.Row():
                        reset_btn = gr.Button("新对话", size="sm", elem_id="new-conversation")
                        copy_btn = gr.Button("复制答案及引用", size="sm", elem_id="copy-answer")
                    gr.Markdown(
                        "<small>在每个答案下方可点赞或点踩，反馈会连同问题、答案和引用记录下来，用于改进评测。</small>"
                    )
                    copied = gr.Textbox(label="答案及引用（纯文本）", visible="hidden", elem_id="copy-text")
                with gr.Column(scale=2):
                    sources = gr.HTML(
                        render.sources_html(None, None), elem_id="sources", js_on_load=SOURCES_JS, max_height=560
                    )
                    context = gr.HTML(render.context_html(None, None), elem_id="clause-context", js_on_load=None)
            with gr.Tab("浏览文件", id="browse"):
                gr.Markdown("每个文件的元数据与条款结构，以及系统从各条款中抽取的责任单位、目标和期限。")
                browse_doc = gr.Dropdown(label="选择文件", choices=[], elem_id="browse-doc")
                browse_view = gr.HTML('<div class="ctx-empty">正在加载…</div>', elem_id="browse-view", js_on_load=None)
            quiz_tab(demo, engine)
            if keyring is not None:
                admin_tab(demo, engine, get_admin, keyring, max_upload_bytes)

        chat_out = [chatbot, box, conv, sources, context, copied]
        ask_args = {
            "fn": respond,
            "inputs": [box, chatbot, conv, doc_f, region_f, year_f],
            "outputs": chat_out,
            "show_progress": "minimal",
        }
        box.submit(**ask_args)
        send.click(**ask_args)
        chatbot.example_select(pick_example, outputs=box).then(**ask_args)
        reset_btn.click(reset, outputs=chat_out)
        chatbot.clear(reset, outputs=chat_out)
        copy_btn.click(
            lambda text: gr.Info("已复制答案及引用（纯文本）") if text else gr.Warning("还没有可复制的答案"),
            inputs=copied,
            js=COPY_JS,
        )
        sources.click(show_source, inputs=conv, outputs=context)
        chatbot.select(select_turn, inputs=conv, outputs=[conv, sources, context, copied])
        chatbot.like(rate, inputs=conv)
        browse_doc.change(browse, inputs=browse_doc, outputs=browse_view)
        demo.load(on_load, outputs=[doc_f, region_f, year_f, browse_doc, browse_view])
        demo.load(whoami, outputs=who)
    return demo


def mount_ui(app: FastAPI) -> FastAPI:
    """Mount the chat at /ui; engine, administration and keyring are read from app.state when a request arrives."""
    demo = build_ui(
        lambda: app.state.engine,
        lambda: getattr(app.state, "admin", None),
        app.state.keyring,
        app.state.settings.max_upload_bytes,
    )
    return gr.mount_gradio_app(app, demo, path="/ui", theme=THEME, css=CSS, footer_links=[])


def launch(engine: Engine, host: str = "127.0.0.1", port: int = 7860) -> None:
    """Serve the chat alone (`metrokb ui`): no administration; with keys configured, Gradio's login asks for one."""
    keyring = Keyring(engine.settings)
    auth = (lambda _user, key: keyring.by_key(key) is not None) if keyring.enabled else None
    build_ui(lambda: engine).launch(
        server_name=host,
        server_port=port,
        theme=THEME,
        css=CSS,
        footer_links=[],
        show_error=False,
        auth=auth,
        auth_message="用户名任意，密码填写访问密钥。",
    )
