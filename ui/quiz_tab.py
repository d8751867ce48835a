"""The exam-practice tab (考试练习): practice or a timed mock paper, a 错题本 with spaced review, progress charts.

Papers, grading, scheduling and progress come from the core (retriever.exam.quiz, retriever.exam.learners); the answers
stay on the server (the paper id regenerates them). A learner is a name typed here; without one nothing is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from html import escape

import gradio as gr
import pandas as pd

from retriever.config import get_settings
from retriever.engine import Engine
from retriever.exam.export import section_rule, source_line
from retriever.exam.learners import LearnerError, LearnerStore, StoreError, check_learner_id, open_store
from retriever.models import OPTION_LABELS, QUIZ_KIND_NAMES, GradeResult, Progress, QuizPaper
from retriever.exam.quiz import (
    MAX_ITEMS,
    MAX_MINUTES,
    MOCK_MINUTES,
    MOCK_SECTIONS,
    POINTS,
    QuizError,
    all_items,
    chapters_of,
    due_first,
    grade,
    make_paper,
    review_paper,
)
from ui.bank_tab import bank_view
from ui.render import highlight, md_text

log = logging.getLogger(__name__)

KIND_CHOICES = [(QUIZ_KIND_NAMES[k], k) for k in ("single", "multiple", "fill", "judge")]
SCORING_CHOICES = [
    ("少选每个正确选项得0.5分，错选不得分（注册计量师规则）", "partial"),
    ("全部选对才得分", "all_or_nothing"),
]
DEFAULT_MOCK = {s.kind: s.count for s in MOCK_SECTIONS}
BOOK_HINT = '<div class="ctx-empty">在上方填写学员姓名后，答错的题目会记录在这里，并按遗忘曲线安排复习。</div>'
EMPTY_CHART = pd.DataFrame({"label": [], "accuracy": [], "attempts": []})
QUIZ_CSS = """
.quiz-timer { font-size: 1.15em; padding: 6px 12px; border-radius: 8px; background: #eff6ff; display: inline-block; }
.quiz-timer.over { background: #fee2e2; } .quiz-timer.done { background: #f1f5f9; }
.quiz-pass { color: #15803d; font-weight: 700; } .quiz-fail { color: #b91c1c; font-weight: 700; }
.book-item { border: 1px solid var(--border-color-primary); border-left: 4px solid #f59e0b; border-radius: 8px;
  padding: 8px 10px; margin: 6px 0; }
.book-due { color: #b45309; font-weight: 700; }
"""
# A countdown run in the browser: it shows mm:ss, stops when the paper is graded, and clicks 交卷 at zero.
TIMER_JS = """
const box = element.querySelector('.quiz-timer');
if (box && !box.dataset.started) {
  box.dataset.started = '1';
  const end = Date.now() + parseFloat(box.dataset.seconds) * 1000;
  const clock = box.querySelector('.quiz-clock');
  const pad = n => String(n).padStart(2, '0');
  const timer = setInterval(() => {
    if (!document.body.contains(box)) { clearInterval(timer); return; }
    const result = document.querySelector('#quiz-result');
    if (result && result.innerText.includes('得分')) {
      clearInterval(timer); box.classList.add('done'); clock.textContent += '（已交卷）'; return;
    }
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    clock.textContent = pad(Math.floor(left / 60)) + ':' + pad(left % 60);
    if (left <= 0) {
      clearInterval(timer); box.classList.add('over'); clock.textContent = '时间到，已自动交卷';
      const submit = document.querySelector('#quiz-submit');
      if (submit) submit.click();
    }
  }, 500);
}
"""


def _problem(exc: Exception) -> str:
    if isinstance(exc, (QuizError, LearnerError, StoreError)):
        return f'<div class="sources-abstained">无法完成：{escape(str(exc))}</div>'
    log.exception("quiz failed")
    return (
        f'<div class="sources-abstained">服务器出错（{escape(type(exc).__name__)}：{escape(str(exc)[:200])}），'
        "请稍后重试。</div>"
    )


def _store(engine: Engine) -> LearnerStore:
    return open_store(engine.settings.learner_database(), engine.settings.learner_timezone)


def _learner(name: str | None) -> str | None:
    """The learner id typed in the name box, or None when it is empty (then nothing is recorded)."""
    name = (name or "").strip()
    return check_learner_id(name) if name else None


# --- HTML ------------------------------------------------------------------------------------------


def _choice_text(options: tuple[str, ...], letters: str | None) -> str:
    if not letters:
        return "（未作答）"
    return (
        "；".join(
            f"{c}. {options[OPTION_LABELS.index(c)]}" if c in OPTION_LABELS[: len(options)] else c for c in letters
        )
        if options
        else letters
    )


def result_html(result: GradeResult) -> str:
    """Score, 通过/未通过 at the pass mark, then every item — wrong ones first — with explanation and source."""
    verdict = '<span class="quiz-pass">通过</span>' if result.passed else '<span class="quiz-fail">未通过</span>'

    def card(n: int, g) -> str:
        mark = (
            '<span class="quiz-right">✓ 答对</span>'
            if g.correct
            else (
                '<span class="quiz-wrong">◐ 部分得分</span>' if g.points else '<span class="quiz-wrong">✗ 答错</span>'
            )
        )
        c = g.citation
        return (
            f'<div class="source{"" if g.correct else " wrong"}"><div class="source-head">'
            f'<span class="source-n">第{n}题</span> {mark} <span class="source-meta">得 {g.points:g} / '
            f"{g.max_points:g} 分</span></div><div>{escape(g.stem)}</div>"
            f'<div class="source-meta">你的答案：{escape(_choice_text(g.options, g.given))} · '
            f"正确答案：<b>{escape(g.answer)}</b></div><div>{escape(g.explanation)}</div>"
            f'<div class="source-meta">{escape(source_line(c))}</div>'
            f'<div class="source-text">{highlight(c.text, c.quote)}</div></div>'
        )

    numbered = list(enumerate(result.items, 1))
    wrong = "".join(card(n, g) for n, g in numbered if not g.correct)
    right = "".join(card(n, g) for n, g in numbered if g.correct)
    parts = [
        f'<div class="quiz-score">得分 <b>{result.points:g}</b> / {result.max_points:g} 分'
        f"（{result.score:g}%，答对 {result.correct} / {result.total} 题）{verdict}"
        f'<span class="source-meta">　合格线 {result.pass_mark:g}%</span></div>'
    ]
    if result.learner_id:
        parts.append(
            f'<div class="source-meta">已记录到 {escape(result.learner_id)} 的学习记录；答错的题目已加入错题本。</div>'
        )
    if wrong:
        parts.append(f'<div class="sources-title">错题回顾（{result.total - result.correct}）</div>{wrong}')
    if right:
        parts.append(f'<details class="more"><summary>答对的题目（{result.correct}）</summary>{right}</details>')
    return "".join(parts)


def book_html(engine: Engine, learner_id: str | None) -> str:
    """The 错题本: each wrong item with its right answer, explanation, source and when it is due again."""
    if not learner_id:
        return BOOK_HINT
    store = _store(engine)
    entries = store.book(learner_id)
    if not entries:
        return f'<div class="ctx-empty">{escape(learner_id)} 的错题本是空的。</div>'
    items = {i.item_id: i for i in all_items(engine.index)}
    horizon = store.end_of_today(datetime.now(UTC))
    cards, due = [], 0
    for e in entries:
        item = items.get(e.item_id)
        is_due = datetime.fromisoformat(e.due) < horizon
        due += is_due
        next_due = datetime.fromisoformat(e.due).astimezone(store.zone)
        when = "今天到期" if is_due else f"下次复习：{next_due:%Y-%m-%d %H:%M}"
        if item is None:
            cards.append(f'<div class="book-item">{escape(e.item_id)}（所依据的文件已更新，此题不再出现）</div>')
            continue
        cards.append(
            f'<div class="book-item" data-item="{escape(item.item_id)}"><div>'
            f"<b>【{QUIZ_KIND_NAMES[item.kind]}】</b>{escape(item.stem)}</div>"
            f'<div class="source-meta">正确答案：<b>{escape(item.answer_key)}</b> · 答错 {e.wrong} 次 · '
            f'连续答对 {e.right_streak} 次 · <span class="{"book-due" if is_due else ""}">{when}</span></div>'
            f"<div>{escape(item.explanation)}</div>"
            f'<div class="source-meta">{escape(source_line(item.citation))}</div></div>'
        )
    return (
        f'<div class="sources-title">{escape(learner_id)} 的错题本：{len(entries)} 题，今天到期 {due} 题'
        f"</div>{''.join(cards)}"
    )


def progress_outputs(engine: Engine, learner_id: str | None):
    """The summary line and the three charts (accuracy by chapter, document and kind) for a learner."""
    if not learner_id:
        return (
            '<div class="ctx-empty">填写学员姓名并交卷后，这里显示各章节、文件和题型的正确率。</div>',
            EMPTY_CHART,
            EMPTY_CHART,
            EMPTY_CHART,
        )
    store = _store(engine)
    if not store.exists(learner_id):
        return (
            f'<div class="ctx-empty">{escape(learner_id)} 还没有答题记录。</div>',
            EMPTY_CHART,
            EMPTY_CHART,
            EMPTY_CHART,
        )
    p: Progress = store.progress(learner_id, {d: n.title for d, n in engine.index.notices.items()})
    weakest = "、".join(a.label for a in p.by_chapter[:3]) or "—"
    summary = (
        f'<div class="quiz-score">{escape(learner_id)}：共答 {p.attempts} 题，正确率 '
        f"<b>{p.accuracy:.0%}</b>；错题本 {p.in_book} 题，今天到期 <b>{p.due_today}</b> 题</div>"
        f'<div class="source-meta">最薄弱的章节：{escape(weakest)}</div>'
    )

    def frame(rows) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "label": [a.label for a in rows],
                "accuracy": [round(100 * a.accuracy, 1) for a in rows],
                "attempts": [a.attempts for a in rows],
            }
        )

    return summary, frame(p.by_chapter[:15]), frame(p.by_document), frame(p.by_kind)


# --- the tab ---------------------------------------------------------------------------------------


def _mock_count(kind: str, name: str) -> gr.Number:
    """The box for how many items of one kind a mock paper has (单选题数（每题1分）)."""
    return gr.Number(
        DEFAULT_MOCK[kind],
        label=f"{name}题数（每题{POINTS[kind]:g}分）",
        precision=0,
        minimum=0,
        maximum=MAX_ITEMS,
        elem_id=f"quiz-{kind}",
    )


def _accuracy_chart(title: str, x_title: str, elem_id: str, **layout) -> gr.BarPlot:
    """A bar chart of a learner's accuracy (%) by chapter, document or kind; `layout`: sorting, label angle."""
    return gr.BarPlot(
        EMPTY_CHART,
        x="label",
        y="accuracy",
        title=title,
        x_title=x_title,
        y_title="正确率 %",
        y_lim=[0, 100],
        elem_id=elem_id,
        **layout,
    )


def quiz_tab(demo: gr.Blocks, get_engine: Callable[[], Engine]) -> None:
    """Build the 考试练习 tab inside the current gr.Tabs; document choices are filled when `demo` loads."""

    def on_load():
        """The current documents to choose from, and the configured multiple-choice scoring as the default."""
        engine = get_engine()
        docs = sorted(
            (n for n in engine.index.notices.values() if n.status == "current"), key=lambda n: (n.kind, n.file)
        )
        return (
            gr.update(choices=[(f"{n.kind}｜{n.title}", n.doc_id) for n in docs]),
            gr.update(value=engine.settings.multiple_scoring),
        )

    def chapter_choices(doc_ids: list[str] | None):
        return gr.update(choices=chapters_of(get_engine().index, doc_ids or None), value=[])

    def switch_mode(mode: str):
        return gr.update(visible=mode == "practice"), gr.update(visible=mode == "mock")

    def new_paper(
        name,
        mode,
        doc_ids,
        chapters,
        kinds,
        count,
        n_single,
        n_multiple,
        minutes,
        scoring,
        seed,
        progress=gr.Progress(),
    ):  # noqa: B008 -- Gradio's way to report progress
        progress(0.2, desc="正在出题…")
        engine = get_engine()
        try:
            learner_id = _learner(name)
            sections = None
            if mode == "mock":
                sections = [
                    {"kind": k, "count": int(c or 0), "points": POINTS[k]}
                    for k, c in (("single", n_single), ("multiple", n_multiple))
                ]
            paper = make_paper(
                engine.index,
                int(count or 0),
                kinds or None,
                doc_ids or None,
                int(seed) if seed not in (None, "") else None,
                mode=mode,
                chapters=chapters or None,
                sections=sections,
                minutes=float(minutes) if minutes else None,
                scoring=scoring,
                include=due_first(engine.index, _store(engine), learner_id, int(count or 0))
                if learner_id and mode == "practice"
                else (),
            )
        except Exception as exc:  # noqa: BLE001 -- shown in the tab, never as a stack trace
            return None, _problem(exc)
        return _paper_state(paper.for_candidates(), paper.n)

    def review_due(name):
        engine = get_engine()
        try:
            learner_id = _learner(name)
            if not learner_id:
                return None, '<div class="sources-abstained">请先填写学员姓名。</div>', gr.update()
            paper = review_paper(
                engine.index, _store(engine).due(learner_id, datetime.now(UTC)), engine.settings.multiple_scoring
            )
        except Exception as exc:  # noqa: BLE001
            return None, _problem(exc), gr.update()
        if paper is None:
            return None, '<div class="sources-title">今天没有到期的复习题目。</div>', gr.update(selected="quiz-do")
        state, status = _paper_state(paper.for_candidates(), paper.n, review=True)
        return state, status, gr.update(selected="quiz-do")

    def show_book(name):
        try:
            return book_html(get_engine(), _learner(name))
        except Exception as exc:  # noqa: BLE001
            return _problem(exc)

    def show_progress(name):
        try:
            return progress_outputs(get_engine(), _learner(name))
        except Exception as exc:  # noqa: BLE001
            return _problem(exc), EMPTY_CHART, EMPTY_CHART, EMPTY_CHART

    with gr.Tab("考试练习", id="quiz"):
        gr.HTML(
            f"<style>{QUIZ_CSS}</style>"
            "<div>按注册计量师《计量法律法规及综合知识》科目的题型出题：单项选择题、多项选择题（另有填空、判断作为辅助练习），"
            "题目均出自知识库中的法律法规和文件原文，交卷后给出得分、是否通过（满分的60%）、答案解析和条款出处。"
            "填写学员姓名即可记录错题和学习进度（无需密码）。</div>",
            js_on_load=None,
        )
        with gr.Row():
            name = gr.Textbox(
                label="学员姓名（可不填；填写后记录错题本和学习进度）", max_lines=1, scale=2, elem_id="quiz-learner"
            )
            mode = gr.Radio(
                [("练习", "practice"), ("模拟考试", "mock")],
                value="practice",
                label="方式",
                scale=1,
                elem_id="quiz-mode",
            )
        with gr.Tabs(elem_id="quiz-views") as views:
            with gr.Tab("做题", id="quiz-do"):
                with gr.Row():
                    docs = gr.Dropdown(
                        label="文件（不选即全部；模拟考试默认只出法律法规）",
                        choices=[],
                        multiselect=True,
                        scale=3,
                        elem_id="quiz-docs",
                    )
                    chapters = gr.Dropdown(
                        label="章节（不选即全部）", choices=[], multiselect=True, scale=2, elem_id="quiz-chapters"
                    )
                with gr.Row(visible=True) as practice_row:
                    kinds = gr.CheckboxGroup(
                        label="题型", choices=KIND_CHOICES, value=["single", "multiple"], elem_id="quiz-kinds"
                    )
                    count = gr.Number(10, label="题数", precision=0, minimum=1, maximum=MAX_ITEMS, elem_id="quiz-count")
                with gr.Row(visible=False) as mock_row:
                    n_single = _mock_count("single", "单选")
                    n_multiple = _mock_count("multiple", "多选")
                    minutes = gr.Number(
                        MOCK_MINUTES, label="考试时间（分钟）", minimum=0.1, maximum=MAX_MINUTES, elem_id="quiz-minutes"
                    )
                with gr.Row():
                    scoring = gr.Radio(
                        SCORING_CHOICES, value="partial", label="多选题计分", scale=3, elem_id="quiz-scoring"
                    )
                    seed = gr.Number(
                        None,
                        label="随机种子（留空随机；同一种子得到同一试卷）",
                        precision=0,
                        scale=1,
                        elem_id="quiz-seed",
                    )
                make = gr.Button("生成试卷", variant="primary", elem_id="quiz-make")
                paper_state = gr.State(None)
                status = gr.HTML("", elem_id="quiz-status", js_on_load=None)
                questions_area = gr.Column()
            with gr.Tab("错题本", id="quiz-book"):
                with gr.Row():
                    refresh = gr.Button("刷新错题本", elem_id="book-refresh")
                    review = gr.Button("复习到期题目", variant="primary", elem_id="review-due")
                book = gr.HTML(BOOK_HINT, elem_id="wrong-book", js_on_load=None)
            with gr.Tab("学习进度", id="quiz-progress"):
                progress_refresh = gr.Button("刷新学习进度", elem_id="progress-refresh")
                summary = gr.HTML("", elem_id="progress-summary", js_on_load=None)
                chart_chapter = _accuracy_chart(
                    "各章节正确率（%，最薄弱在前）", "章节", "progress-chapter", sort="y", x_label_angle=-30
                )
                with gr.Row():
                    chart_doc = _accuracy_chart("各文件正确率（%）", "文件", "progress-doc", x_label_angle=-30)
                    chart_kind = _accuracy_chart("各题型正确率（%）", "题型", "progress-kind")
            bank_view(get_settings().bank_max_bytes, get_engine)
        progress_out = [summary, chart_chapter, chart_doc, chart_kind]

        with questions_area:

            @gr.render(inputs=paper_state)
            def show(state: dict | None):
                if not state:
                    return
                paper = QuizPaper.model_validate(state["paper"])
                if paper.minutes:
                    gr.HTML(
                        f"{paper.minutes * 60:g}",
                        key=f"{paper.paper_id}-timer",
                        elem_id="quiz-timer",
                        html_template='<div class="quiz-timer" data-seconds="${value}">剩余时间 '
                        '<b class="quiz-clock">--:--</b></div>',
                        js_on_load=TIMER_JS,
                    )
                inputs, kind = [], None
                for n, q in enumerate(paper.questions, 1):
                    if q.kind != kind:
                        kind = q.kind
                        gr.Markdown(f"#### {QUIZ_KIND_NAMES[kind]}（{section_rule(kind, q.points, paper.scoring)}）")
                    label = f"第{n}题（{QUIZ_KIND_NAMES[q.kind]}，{q.points:g}分）"
                    gr.Markdown(f"**{label}** {md_text(q.stem)}", elem_id=f"quiz-q{n}", elem_classes="quiz-stem")
                    options = [(f"{OPTION_LABELS[i]}. {o}", OPTION_LABELS[i]) for i, o in enumerate(q.options)]
                    key = f"{paper.paper_id}-{n}"
                    if q.kind == "single":
                        box = gr.Radio(options, show_label=False, key=key, elem_id=f"quiz-a{n}")
                    elif q.kind == "multiple":
                        box = gr.CheckboxGroup(options, show_label=False, key=key, elem_id=f"quiz-a{n}")
                    elif q.kind == "judge":
                        box = gr.Radio(["正确", "错误"], show_label=False, key=key, elem_id=f"quiz-a{n}")
                    else:
                        box = gr.Textbox(show_label=False, placeholder="填写空白处", key=key, elem_id=f"quiz-a{n}")
                    inputs.append(box)
                submit = gr.Button("交卷", variant="primary", elem_id="quiz-submit", key=f"{paper.paper_id}-submit")
                result = gr.HTML("", elem_id="quiz-result", js_on_load=None, key=f"{paper.paper_id}-result")

                def submit_answers(learner_name, *given):
                    engine = get_engine()
                    try:
                        learner_id = _learner(learner_name)
                        answers = {q.item_id: (g or None) for q, g in zip(paper.questions, given, strict=True)}
                        graded = grade(engine.index, answers, paper.paper_id)
                        if learner_id:
                            _store(engine).record(learner_id, graded)
                            graded = graded.model_copy(update={"learner_id": learner_id})
                    except Exception as exc:  # noqa: BLE001 -- shown in the tab, never as a stack trace
                        return _problem(exc), gr.update(), *[gr.update()] * 4
                    return (result_html(graded), book_html(engine, learner_id), *progress_outputs(engine, learner_id))

                submit.click(submit_answers, inputs=[name, *inputs], outputs=[result, book, *progress_out])

        mode.change(switch_mode, inputs=mode, outputs=[practice_row, mock_row])
        docs.change(chapter_choices, inputs=docs, outputs=chapters)
        make.click(
            new_paper,
            inputs=[name, mode, docs, chapters, kinds, count, n_single, n_multiple, minutes, scoring, seed],
            outputs=[paper_state, status],
        )
        refresh.click(show_book, inputs=name, outputs=book)
        review.click(review_due, inputs=name, outputs=[paper_state, status, views])
        progress_refresh.click(show_progress, inputs=name, outputs=progress_out)
        name.blur(show_book, inputs=name, outputs=book).then(show_progress, inputs=name, outputs=progress_out)
    demo.load(on_load, outputs=[docs, scoring])


def _paper_state(paper: QuizPaper, asked: int, review: bool = False):
    """What the tab keeps of a paper (the questions, never the answers) and the line above it."""
    what = "复习到期题目" if review else ("模拟考试" if paper.mode == "mock" else "练习")
    note = "" if review or len(paper.questions) >= asked else f"（符合条件的题目只有 {len(paper.questions)} 道）"
    timing = f"，限时 {paper.minutes:g} 分钟，时间到自动交卷" if paper.minutes else ""
    status = (
        f'<div class="sources-title">{what}：共 {len(paper.questions)} 题，满分 {paper.max_points:g} 分'
        f"{note}{timing}。作答后点“交卷”。</div>"
    )
    return {"paper": paper.model_dump(mode="json")}, status
