"""The answer to a pasted exam item: the choice first (答案：A / 答案：ACD / 答案：错), then the article that decides
it quoted, then one line per option saying why it is right or wrong — or, when no indexed article decides the
item, that first, with the closest articles listed as related (never a guess)."""

from __future__ import annotations

from retriever.answering.article_answer import title_of, where
from retriever.exam.solve import solve
from retriever.index import Index
from retriever.models import Answer, ExamItem, Solution

UNDECIDED = "知识库中没有能判定此题的条款"


def choice_text(solution: Solution) -> str:
    """ACD, or 对 / 错."""
    return "".join(solution.choice or [])


def render(solution: Solution, deciding_name: str) -> str:
    if not solution.decided:
        return f"{UNDECIDED}，无法给出答案。以下是最接近的条款，仅供参考。"
    first = solution.citations[0]
    lines = [f"答案：{choice_text(solution)}", f"依据：{deciding_name}：{first.quote.rstrip('。；;，,')}[1]。"]
    if solution.changes:
        lines.append(solution.changes)
    if solution.item.kind == "judge":
        lines += list(solution.option_notes.values())
    else:
        lines += [solution.option_notes[k] for k in solution.item.options if k in solution.option_notes]
    return "\n".join(lines)


def answer_item(index: Index, item: ExamItem) -> Answer:
    """Solve `item` from the index and say so as an Answer whose `choice` holds the letters (or 对/错)."""
    solution = solve(index, index.embedder, item)
    if not solution.decided:
        return Answer(answer=render(solution, ""), abstained=True, question_type="exam", related=solution.related)
    first = solution.citations[0]
    clause = index.clauses[first.clause_id]
    name = f"{title_of(index, clause)}{where(clause)}{first.part or ''}"
    return Answer(
        answer=render(solution, name),
        abstained=False,
        question_type="exam",
        citations=solution.citations,
        choice=solution.choice,
    )
