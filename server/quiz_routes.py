"""HTTP exam practice: POST /quiz hands out a practice or mock paper without answers, POST /quiz/grade scores one
(and records the attempt for a learner), GET /learners/{id}/progress and /review show a learner's record and
the 错题本 items due for review; POST /quiz/check checks a trainer's question bank in the background (check_router,
included with the bank size as its body limit)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from retriever.index import Index
from retriever.exam.learners import LearnerError, LearnerStore, StoreError, check_learner_id, open_store
from retriever.models import BookEntry, GradeResult, MultipleScoring, Progress, QuizKind, QuizMode, QuizPaper
from retriever.exam.quiz import MAX_ITEMS, MAX_MINUTES, QuizError, due_first, grade, make_paper, review_paper
from retriever.exam.bank import BankError, read_bank
from retriever.exam.bank_export import report_csv, report_xlsx, template_csv, template_xlsx
from retriever.exam.bank_jobs import KEEP_FINISHED, BankChecks
from retriever.exam.bank_jobs import shared as bank_checks
from retriever.models import BankCheck
from server.deps import COMMON_ERRORS, get_index

router = APIRouter(tags=["quiz"])

ERRORS = COMMON_ERRORS | {
    400: {
        "description": "Unknown doc_ids, chapters or item ids, a paper_id this service did not issue, a learner "
        "id that is not allowed, an unreadable answer, or no matching items"
    },
    422: {"description": "Malformed request: n outside 1..100, unknown kind or mode, wrong types"},
    503: {"description": "The learner database cannot be reached"},
}
LEARNER_ERRORS = ERRORS | {404: {"description": "No learner with this id has answered anything yet"}}
LEARNER_ID_DOC = "who is practising: 1-64 letters, digits, Chinese characters, - or _ (no password needed)"


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    kind: QuizKind
    count: int = Field(ge=0, le=MAX_ITEMS)
    points: float = Field(1.0, gt=0, le=100)


class QuizRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # strict: `false` is not a seed

    mode: QuizMode = Field("practice", description="practice: n items of `kinds`; mock: the law subject's layout")
    n: int = Field(20, ge=1, le=MAX_ITEMS, description="practice: number of items")
    kinds: list[QuizKind] | None = Field(
        None,
        max_length=4,
        description="single (单选题), multiple (多选题), fill (填空题), judge (判断题); default single and multiple",
    )
    doc_ids: list[str] | None = Field(None, max_length=100, description="documents to draw from; all if omitted")
    chapters: list[str] | None = Field(None, max_length=100, description="chapters, e.g. 第五章 or 法律责任")
    seed: int | None = Field(None, ge=0, le=2**53, description="same seed and parameters → same paper")
    sections: list[Section] | None = Field(
        None,
        max_length=4,
        description="mock: counts and points per kind; default 60 single × 1 point + 20 multiple × 2 points",
    )
    minutes: float | None = Field(None, gt=0, le=MAX_MINUTES, description="mock: time limit (default 150)")
    scoring: MultipleScoring | None = Field(
        None, description="multiple choice: partial (default: 错选不得分，少选每选对一项得0.5分) or all_or_nothing"
    )
    learner_id: str | None = Field(
        None,
        max_length=64,
        description=LEARNER_ID_DOC + "; in practice mode the learner's items due for review come first",
    )


class GradeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    paper_id: str | None = Field(None, max_length=8000, description="with it, unanswered items count as wrong")
    answers: dict[str, str | list[str] | None] = Field(
        max_length=MAX_ITEMS,
        description='item_id → answer: option letter(s) (`B`, `ACD` or ["A", "C"]) or text, 对/错, or the blank',
    )
    scoring: MultipleScoring | None = Field(None, description="without a paper_id: how multiple choice scores")
    learner_id: str | None = Field(None, max_length=64, description=LEARNER_ID_DOC + "; the attempt is recorded")


class Review(BaseModel):
    learner_id: str
    due: int = Field(description="items due for review by the end of today")
    book: list[BookEntry] = Field(description="the 错题本: items answered wrong and not yet mastered")
    paper: QuizPaper | None = Field(None, description="a paper of the due items (grade it with POST /quiz/grade)")


def get_store(request: Request) -> LearnerStore:
    settings = request.app.state.engine.settings
    try:
        return open_store(settings.learner_database(), settings.learner_timezone)
    except StoreError as exc:
        raise HTTPException(503, str(exc)) from exc


def _learner(learner_id: str | None) -> str | None:
    try:
        return check_learner_id(learner_id) if learner_id is not None else None
    except LearnerError as exc:
        raise HTTPException(400, str(exc)) from exc


def _known_learner(learner_id: str, store: LearnerStore) -> str:
    _learner(learner_id)
    if not store.exists(learner_id):
        raise HTTPException(
            404,
            f"no learner {learner_id!r} yet: a learner appears once POST /quiz/grade has "
            "recorded an attempt with this learner_id",
        )
    return learner_id


@router.post("/quiz", response_model=QuizPaper, responses=ERRORS)
def quiz(body: QuizRequest, request: Request, index: Index = Depends(get_index)) -> QuizPaper:
    learner_id = _learner(body.learner_id)
    include = due_first(index, get_store(request), learner_id, body.n) if learner_id and body.mode == "practice" else []
    settings = request.app.state.engine.settings
    try:
        paper = make_paper(
            index,
            body.n,
            body.kinds,
            body.doc_ids,
            body.seed,
            mode=body.mode,
            chapters=body.chapters,
            sections=[s.model_dump() for s in body.sections] if body.sections is not None else None,
            minutes=body.minutes,
            scoring=body.scoring or settings.multiple_scoring,
            include=include,
        )
    except QuizError as exc:
        raise HTTPException(400, str(exc)) from exc
    return paper.for_candidates()


@router.post("/quiz/grade", response_model=GradeResult, responses=ERRORS)
def quiz_grade(body: GradeRequest, request: Request, index: Index = Depends(get_index)) -> GradeResult:
    learner_id = _learner(body.learner_id)
    settings = request.app.state.engine.settings
    try:
        result = grade(index, body.answers, body.paper_id, body.scoring or settings.multiple_scoring)
    except QuizError as exc:
        raise HTTPException(400, str(exc)) from exc
    if learner_id:
        get_store(request).record(learner_id, result)
        result = result.model_copy(update={"learner_id": learner_id})
    return result


@router.get("/learners/{learner_id}/progress", response_model=Progress, responses=LEARNER_ERRORS)
def learner_progress(learner_id: str, request: Request, index: Index = Depends(get_index)) -> Progress:
    store = get_store(request)
    _known_learner(learner_id, store)
    return store.progress(learner_id, {d: n.title for d, n in index.notices.items()})


@router.get("/learners/{learner_id}/review", response_model=Review, responses=LEARNER_ERRORS)
def learner_review(learner_id: str, request: Request, index: Index = Depends(get_index)) -> Review:
    store = get_store(request)
    _known_learner(learner_id, store)
    paper = review_paper(
        index, store.due(learner_id, datetime.now(UTC)), request.app.state.engine.settings.multiple_scoring
    )
    return Review(
        learner_id=learner_id,
        due=len(paper.items) if paper else 0,
        book=store.book(learner_id),
        paper=paper.for_candidates() if paper else None,
    )


# --- checking a trainer's question bank ---------------------------------------------------------------

check_router = APIRouter(tags=["quiz"])
BANK_CHECK_PATH = "/quiz/check"
BANK_STATUS = {"invalid": 400, "too_large": 413, "unsupported": 415}
CHECK_ERRORS = COMMON_ERRORS | {
    400: {"description": "A bank without a 题干 or 答案 column, without items, or empty"},
    404: {"description": "No check with this id (the last checks are kept in the data directory, across restarts)"},
    409: {"description": "The check has not finished, or failed: no report"},
    413: {"description": "Over METROKB_BANK_MAX_BYTES or METROKB_BANK_MAX_ROWS"},
    415: {"description": "Not a CSV (UTF-8 or GBK), .xlsx or .xls file, or one that cannot be read"},
    422: {"description": "Malformed request: no file, `wait` outside 0..60"},
}
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
WAIT_MAX = 60.0


def _file(data: bytes, fmt: str, name: str) -> Response:
    # RFC 5987: a Chinese file name in filename*, an ASCII one for old clients.
    from urllib.parse import quote

    disposition = f"attachment; filename=\"bank.{fmt}\"; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=MEDIA[fmt], headers={"Content-Disposition": disposition})


STATUS_NAMES = {"queued": "排队中", "running": "核对中", "done": "已完成", "failed": "失败"}


def _checks(request: Request) -> BankChecks:
    return bank_checks(request.app.state.engine.settings.bank_checks_dir)


def _check(request: Request, check_id: str) -> BankCheck:
    check = _checks(request).get(check_id)
    if check is None:
        raise HTTPException(
            404,
            f"找不到题库核对 {check_id}：编号有误，或这次核对已被较新的核对替换（保留最近 {KEEP_FINISHED} 次）；"
            "请重新上传题库。",
        )
    return check


def too_large(settings) -> str:
    """The message of a bank upload over the body limit (FastAPI's own 413 says it in English)."""
    return (
        f"题库文件超过上限 {settings.bank_max_bytes / 2**20:g} MiB（METROKB_BANK_MAX_BYTES）；"
        "请拆分后分批核对，未导入任何题目。"
    )


def invalid_request(problems: str) -> str:
    """The message of a malformed bank-check request (no file, `wait` out of range)."""
    return (
        f"请求有误（{problems}）：请以表单字段 file 上传题库文件（CSV、.xlsx 或 .xls），"
        f"wait 为 0 到 {WAIT_MAX:g} 秒；未导入任何题目。"
    )


@check_router.get("/quiz/check/template.{fmt}", responses=CHECK_ERRORS, response_class=Response)
def bank_template(fmt: Literal["csv", "xlsx"]) -> Response:
    """The bank template: 序号, 题型, 题干, 选项A–E, 答案, 解析, with an example row of each kind."""
    return _file(template_csv() if fmt == "csv" else template_xlsx(), fmt, f"题库模板.{fmt}")


@check_router.post("/quiz/check", response_model=BankCheck, status_code=202, responses=CHECK_ERRORS)
async def start_bank_check(
    request: Request,
    response: Response,
    file: Annotated[UploadFile, File(description="the bank: .csv (UTF-8 or GBK), .xlsx or .xls")],
    wait: Annotated[
        float, Form(ge=0, le=WAIT_MAX, description="seconds to wait for the result: 200 with the report if done")
    ] = 0,
    index: Index = Depends(get_index),
) -> BankCheck:
    """Read the bank whole (a bad file is refused with nothing checked), then check it in the background: 202 with
    the check to follow at GET /quiz/check/{check_id}, or 200 with the report when it finishes within `wait`."""
    engine = request.app.state.engine
    settings = engine.settings
    data = await file.read()
    try:
        bank = await run_in_threadpool(
            read_bank, file.filename or "", data, settings.bank_max_rows, settings.bank_max_bytes
        )
    except BankError as exc:
        raise HTTPException(BANK_STATUS[exc.reason], str(exc)) from exc
    check = _checks(request).submit(bank, index, engine.embedder)
    if wait:
        check = await run_in_threadpool(_checks(request).wait, check.check_id, wait) or check
    if check.status in ("done", "failed"):
        response.status_code = 200
    return check


@check_router.get("/quiz/check/{check_id}", response_model=BankCheck, responses=CHECK_ERRORS)
def bank_check(request: Request, check_id: str) -> BankCheck:
    """A check's progress (`done` of `total` rows); its report with every row once `status` is done."""
    return _check(request, check_id)


@check_router.get("/quiz/check/{check_id}/report.{fmt}", responses=CHECK_ERRORS, response_class=Response)
def bank_report(request: Request, check_id: str, fmt: Literal["csv", "xlsx"]) -> Response:
    """The checked bank as CSV or Excel: the bank's own columns, then MetroKB's key, article, verdict and note."""
    check = _check(request, check_id)
    if check.status == "failed":
        raise HTTPException(409, f"题库核对 {check_id} 失败，没有报告：{check.message or '原因未知'}")
    if check.report is None:
        raise HTTPException(
            409,
            f"题库核对 {check_id} 尚未完成（{STATUS_NAMES[check.status]}，已核对 {check.done}/{check.total} 题），"
            "还没有报告；请稍后再下载。",
        )
    stem = check.file.rsplit(".", 1)[0] or "题库"
    data = report_csv(check.report) if fmt == "csv" else report_xlsx(check.report)
    return _file(data, fmt, f"{stem}-核对结果.{fmt}")
