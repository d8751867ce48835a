"""The exam-practice tab (考试练习): choose notices, kinds and count; answer; submit; see the score and review.

Papers and grading come from retriever.quiz; the answers stay on the server (the paper id regenerates them).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from html import escape

import gradio as gr

from retriever.engine import Engine
from retriever.models import OPTION_LABELS, QUIZ_KIND_NAMES, QUIZ_KINDS, GradeResult, QuizPaper
from retriever.quiz import MAX_ITEMS, QuizError, grade, make_paper
from ui.render import highlight, md_text, notice_line

log = logging.getLogger(__name__)


def _problem(exc: Exception) -> str:
    if isinstance(exc, QuizError):
        return f'<div class="sources-abstained">无法生成或评分：{escape(str(exc))}</div>'
    log.exception("quiz failed")
    return (f'<div class="sources-abstained">服务器出错（{escape(type(exc).__name__)}：{escape(str(exc)[:200])}），'
            "请稍后重试。</div>")


def _graded_html(engine: Engine, result: GradeResult, paper: QuizPaper) -> str:
    """Score, then the wrong items (with the right answer, explanation and cited clause), then the right ones."""
    stems = {q.item_id: q for q in paper.questions}
    notices = engine.index.notices

    def card(n: int, g) -> str:
        q, c = stems.get(g.item_id), g.citation
        given = g.given if g.given not in (None, "") else "（未作答）"
        mark = '<span class="quiz-right">✓ 答对</span>' if g.correct else '<span class="quiz-wrong">✗ 答错</span>'
        return (f'<div class="source{"" if g.correct else " wrong"}"><div class="source-head">'
                f'<span class="source-n">第{n}题</span> {mark}</div>'
                f'<div>{escape(q.stem if q else g.item_id)}</div>'
                f'<div class="source-meta">你的答案：{escape(given)} · 正确答案：<b>{escape(g.answer)}</b></div>'
                f'<div>{escape(g.explanation)}</div>'
                f'<div class="source-meta">出处：《{escape(c.title)}》 {escape(c.clause)} · '
                f'{escape(notice_line(notices.get(c.doc_id)))}</div>'
                f'<div class="source-text">{highlight(c.text, c.quote)}</div></div>')

    numbered = list(enumerate(result.items, 1))
    wrong = "".join(card(n, g) for n, g in numbered if not g.correct)
    right = "".join(card(n, g) for n, g in numbered if g.correct)
    head = (f'<div class="quiz-score">得分 <b>{result.score:g}</b> 分'
            f'（答对 {result.correct} / {result.total} 题）</div>')
    parts = [head]
    if wrong:
        parts.append(f'<div class="sources-title">错题回顾（{result.total - result.correct}）</div>{wrong}')
    if right:
        parts.append(f'<details class="more"><summary>答对的题目（{result.correct}）</summary>{right}</details>')
    return "".join(parts)


def quiz_tab(demo: gr.Blocks, get_engine: Callable[[], Engine]) -> None:
    """Build the 考试练习 tab inside the current gr.Tabs; the notice list is filled when `demo` loads."""

    def notice_choices():
        index = get_engine().index
        return gr.update(choices=[(f"{n.region or '—'}｜{n.title}", n.doc_id)
                                  for n in sorted(index.notices.values(), key=lambda n: n.file)])

    def new_paper(doc_ids: list[str], kinds: list[str], n: float, progress=gr.Progress()):  # noqa: B008 -- Gradio's way to report progress
        progress(0.2, desc="正在出题…")
        try:
            paper = make_paper(get_engine().index, int(n), kinds or None, doc_ids or None)
        except Exception as exc:  # noqa: BLE001 -- shown in the tab, never as a stack trace
            return None, _problem(exc)
        note = "" if len(paper.items) == paper.n else f"（符合条件的题目只有 {len(paper.items)} 道）"
        return (paper.for_candidates().model_dump(mode="json"),
                f'<div class="sources-title">共 {len(paper.items)} 题{note}，作答后点“交卷”。</div>')

    with gr.Tab("考试练习", id="quiz"):
        gr.Markdown("从知识库文件中出题（填空、单选、判断），交卷后给出得分、正确答案、解析和条款出处。")
        with gr.Row():
            docs = gr.CheckboxGroup(label="文件（不选即全部）", choices=[], scale=3, elem_id="quiz-docs")
            with gr.Column(scale=1):
                kinds = gr.CheckboxGroup(label="题型", choices=[(QUIZ_KIND_NAMES[k], k) for k in QUIZ_KINDS],
                                         value=list(QUIZ_KINDS), elem_id="quiz-kinds")
                count = gr.Slider(1, min(50, MAX_ITEMS), value=10, step=1, label="题数", elem_id="quiz-count")
                make = gr.Button("生成试卷", variant="primary", elem_id="quiz-make")
        paper_state = gr.State(None)
        status = gr.HTML("", elem_id="quiz-status", js_on_load=None)

        @gr.render(inputs=paper_state)
        def show(paper: dict | None):
            if not paper:
                return
            questions = QuizPaper.model_validate(paper).questions
            inputs = []
            for n, q in enumerate(questions, 1):
                label = f"第{n}题（{QUIZ_KIND_NAMES[q.kind]}）"
                gr.Markdown(f"**{label}** {md_text(q.stem)}", elem_id=f"quiz-q{n}", elem_classes="quiz-stem")
                if q.kind == "choice":
                    box = gr.Radio([(f"{OPTION_LABELS[i]}. {o}", OPTION_LABELS[i]) for i, o in enumerate(q.options)],
                                   show_label=False, key=f"{paper['paper_id']}-{n}")
                elif q.kind == "judge":
                    box = gr.Radio(["正确", "错误"], show_label=False, key=f"{paper['paper_id']}-{n}")
                else:
                    box = gr.Textbox(show_label=False, placeholder="填写空白处", key=f"{paper['paper_id']}-{n}")
                inputs.append(box)
            submit = gr.Button("交卷", variant="primary", elem_id="quiz-submit")
            result = gr.HTML("", elem_id="quiz-result", js_on_load=None)

            def submit_answers(*given):
                engine = get_engine()
                answers = {q.item_id: (g or None) for q, g in zip(questions, given)}
                try:
                    graded = grade(engine.index, answers, paper["paper_id"])
                except Exception as exc:  # noqa: BLE001 -- shown in the tab, never as a stack trace
                    return _problem(exc)
                return _graded_html(engine, graded, QuizPaper.model_validate(paper))

            submit.click(submit_answers, inputs=inputs, outputs=result)

        make.click(new_paper, inputs=[docs, kinds, count], outputs=[paper_state, status])
    demo.load(notice_choices, outputs=docs)
