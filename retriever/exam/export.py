"""Write a quiz paper as JSON or CSV (for other systems), printable Markdown with an answer key, or an Anki deck."""

from __future__ import annotations

import csv
import html
import io
import json
from pathlib import Path

from retriever.answering.cite import quoted_title
from retriever.models import OPTION_LABELS, QUIZ_KIND_NAMES, QUIZ_KINDS, Citation, Paper, QuizItem
from retriever.exam.scoring import PARTIAL_SHARE

FORMATS = ("json", "csv", "md", "apkg")
CSV_COLUMNS = (
    "no",
    "item_id",
    "kind",
    "kind_name",
    "points",
    "stem",
    "option_a",
    "option_b",
    "option_c",
    "option_d",
    "answer",
    "explanation",
    "doc_id",
    "title",
    "clause",
    "part",
    "version",
    "clause_id",
    "quote",
)
# Fixed Anki ids: re-importing a deck updates its notes instead of duplicating them.
ANKI_MODEL_ID = 1_607_392_319
ANKI_DECK_ID = 2_059_400_110
ANKI_DECK_NAME = "MetroKB 注册计量师考试练习"
_NUMERALS = "一二三四五六七八九十"


class ExportError(ValueError):
    """A paper that cannot be written in the asked format or place."""


def _item_dict(no: int, item: QuizItem) -> dict:
    return {
        "no": no,
        **item.model_dump(mode="json"),
        "kind_name": QUIZ_KIND_NAMES[item.kind],
        "answer_key": item.answer_key,
    }


def to_json(paper: Paper) -> str:
    data = paper.model_dump(mode="json", exclude={"items"})
    data["items"] = [_item_dict(no, item) for no, item in enumerate(paper.items, 1)]
    return json.dumps(data, ensure_ascii=False, indent=1)


def to_csv(paper: Paper) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for no, item in enumerate(paper.items, 1):
        options = dict(zip(("option_a", "option_b", "option_c", "option_d"), item.options))
        c = item.citation
        writer.writerow(
            {
                "no": no,
                "item_id": item.item_id,
                "kind": item.kind,
                "kind_name": QUIZ_KIND_NAMES[item.kind],
                "points": f"{item.points:g}",
                "stem": item.stem,
                **options,
                "answer": item.answer_key,
                "explanation": item.explanation,
                "doc_id": c.doc_id,
                "title": c.title,
                "clause": c.clause,
                "part": c.part or "",
                "version": c.version or "",
                "clause_id": c.clause_id,
                "quote": c.quote,
            }
        )
    return out.getvalue()


def _question_md(no: int, item: QuizItem) -> list[str]:
    if item.kind in ("single", "multiple"):
        return [f"{no}. {item.stem}", ""] + [f"   {OPTION_LABELS[i]}. {o}" for i, o in enumerate(item.options)] + [""]
    if item.kind == "judge":
        return [f"{no}. {item.stem}（　　）", ""]
    return [f"{no}. {item.stem}", ""]


def section_rule(kind: str, points: float, scoring: str) -> str:
    """What a section's instructions say, as on the exam paper."""
    if kind == "single":
        return f"每题{points:g}分。每题的备选项中，只有1个最符合题意"
    if kind == "multiple":
        rule = (
            f"错选，本题不得分；少选，所选的每个正确选项得{points * PARTIAL_SHARE:g}分"
            if scoring == "partial"
            else "错选、少选均不得分"
        )
        return f"每题{points:g}分。每题的备选项中，有2个或2个以上符合题意，至少有1个错项。{rule}"
    if kind == "judge":
        return f"每题{points:g}分。判断正误，正确的写“正确”，错误的写“错误”"
    return f"每题{points:g}分。在横线处填写原文内容"


def source_line(c: Citation) -> str:
    """出处：《title》第九条第一款（2018年10月26日修正版）, or the notice clause path."""
    version = f"（{c.version}）" if c.version else ""
    return f"出处：{quoted_title(c.title)}{c.clause.rsplit(' ', 1)[-1]}{c.part or ''}{version}"


def to_markdown(paper: Paper) -> str:
    """A printable paper: sections with their rules and points, then the answer key with the clause each answer
    rests on."""
    title = "注册计量师模拟试卷（计量法律法规及综合知识）" if paper.mode == "mock" else "注册计量师考试练习"
    timing = f"考试时间：{paper.minutes:g}分钟　" if paper.minutes else ""
    lines = [
        f"# {title}",
        "",
        f"试卷编号：`{paper.paper_id}`",
        "",
        f"随机种子：{paper.seed}　共 {len(paper.items)} 题　{timing}满分：{paper.max_points:g}分　"
        f"合格：{paper.max_points * paper.pass_mark / 100:g}分（{paper.pass_mark:g}%）",
        "",
        "姓名：__________　得分：__________",
        "",
    ]
    numbered = list(enumerate(paper.items, 1))
    section = 0
    for kind in QUIZ_KINDS:
        group = [(no, item) for no, item in numbered if item.kind == kind]
        if not group:
            continue
        points = group[0][1].points
        lines += [
            f"## {_NUMERALS[section]}、{QUIZ_KIND_NAMES[kind]}（共 {len(group)} 题。"
            f"{section_rule(kind, points, paper.scoring)}）",
            "",
        ]
        section += 1
        for no, item in group:
            lines += _question_md(no, item)
    lines += ["---", "", "## 答案与解析", ""]
    for no, item in numbered:
        lines += [
            f"{no}. **{item.answer_key}**　{item.explanation}　（{source_line(item.citation)}，"
            f"`{item.citation.clause_id}`）",
            "",
        ]
    return "\n".join(lines)


def _anki_package(paper: Paper):
    import genanki

    model = genanki.Model(
        ANKI_MODEL_ID,
        "MetroKB 考试题",
        fields=[{"name": n} for n in ("Question", "Options", "Answer", "Explanation", "Source", "ItemId")],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Question}}<div class=options>{{Options}}</div>",
                "afmt": "{{FrontSide}}<hr id=answer><b>{{Answer}}</b><p>{{Explanation}}</p><small>{{Source}}</small>",
            }
        ],
        css=".card{font-family:sans-serif;font-size:18px;text-align:left}.options{margin-top:.6em}",
    )
    deck = genanki.Deck(ANKI_DECK_ID, ANKI_DECK_NAME)
    for item in paper.items:
        options = "<br>".join(f"{OPTION_LABELS[i]}. {html.escape(o)}" for i, o in enumerate(item.options))
        question = f"【{QUIZ_KIND_NAMES[item.kind]}】{html.escape(item.stem)}"
        source = html.escape(f"{source_line(item.citation)}（{item.citation.clause_id}）")
        deck.add_note(
            genanki.Note(
                model=model,
                guid=genanki.guid_for(item.item_id),
                tags=[item.kind, item.citation.doc_id],
                fields=[
                    question,
                    options,
                    html.escape(item.answer_key),
                    html.escape(item.explanation),
                    source,
                    html.escape(item.item_id),
                ],
            )
        )
    return genanki.Package(deck)


RENDERERS = {"json": to_json, "csv": to_csv, "md": to_markdown}


def render(paper: Paper, fmt: str) -> str:
    """The paper as text in a text format (json, csv, md)."""
    if fmt not in RENDERERS:
        raise ExportError(f"format {fmt!r} is not a text format; use one of {', '.join(RENDERERS)} (apkg needs a file)")
    return RENDERERS[fmt](paper)


def write(paper: Paper, fmt: str, path: Path) -> Path:
    """Write the paper to `path` in `fmt`; CSV gets a BOM so that spreadsheet programs read it as UTF-8."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    path = Path(path)
    if not path.parent.is_dir():
        raise ExportError(f"cannot write {path}: folder {path.parent} does not exist")
    if fmt == "apkg":
        _anki_package(paper).write_to_file(str(path))
    else:
        path.write_text(render(paper, fmt), encoding="utf-8-sig" if fmt == "csv" else "utf-8")
    return path


def format_for(path: Path | None, fmt: str | None) -> str:
    """The format asked for, else the one the file suffix names, else md."""
    if fmt:
        return fmt
    suffix = Path(path).suffix.lower().lstrip(".") if path else ""
    return {"markdown": "md", "anki": "apkg"}.get(suffix, suffix) if suffix in (*FORMATS, "markdown") else "md"
