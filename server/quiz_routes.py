"""HTTP exam practice: POST /quiz hands out a paper without answers, POST /quiz/grade scores one."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from retriever.index import Index
from retriever.models import GradeResult, QuizKind, QuizPaper
from retriever.quiz import MAX_ITEMS, QuizError, grade, make_paper
from server.deps import COMMON_ERRORS, get_index

router = APIRouter(tags=["quiz"])

ERRORS = COMMON_ERRORS | {
    400: {"description": "Unknown doc_ids or item ids, a paper_id this service did not issue, or no matching items"},
    422: {"description": "Malformed request: n outside 1..100, unknown kind, wrong types"},
}


class QuizRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # strict: `false` is not a seed

    n: int = Field(20, ge=1, le=MAX_ITEMS, description="number of items")
    kinds: list[QuizKind] | None = Field(None, description="fill (填空题), choice (单选题), judge (判断题); all if omitted")
    doc_ids: list[str] | None = Field(None, description="notices to draw from; all if omitted")
    seed: int | None = Field(None, ge=0, description="same seed and parameters → same paper; random if omitted")


class GradeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # strict: `false` is not a seed

    paper_id: str | None = Field(None, description="with it, unanswered items of the paper count as wrong")
    answers: dict[str, str | None] = Field(description="item_id → answer: option letter or text, 对/错, or the blank")


@router.post("/quiz", response_model=QuizPaper, responses=ERRORS)
def quiz(body: QuizRequest, index: Index = Depends(get_index)) -> QuizPaper:
    try:
        paper = make_paper(index, body.n, body.kinds, body.doc_ids, body.seed)
    except QuizError as exc:
        raise HTTPException(400, str(exc)) from exc
    return paper.for_candidates()


@router.post("/quiz/grade", response_model=GradeResult, responses=ERRORS)
def quiz_grade(body: GradeRequest, index: Index = Depends(get_index)) -> GradeResult:
    try:
        return grade(index, body.answers, body.paper_id)
    except QuizError as exc:
        raise HTTPException(400, str(exc)) from exc
