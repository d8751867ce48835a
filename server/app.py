"""HTTP API over the core: POST /ask, documents and clauses, health, administration; the chat UI is mounted at /ui.

Every route but /health and the login page is behind server.access.AccessMiddleware when keys are configured.
"""

from __future__ import annotations

import logging
import mimetypes
from contextlib import asynccontextmanager
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.routing import Mount

from retriever.admin.access import Keyring
from retriever.admin.service import Admin
from retriever.answering.answer import QuestionError
from retriever.config import Settings, get_settings
from retriever.engine import Engine
from retriever.answering.generate import GenerationUnavailable
from retriever.models import Answer, Clause, Notice
from retriever.answering.query import FilterError
from server.access import FORM_OVERHEAD, UI_PATH, AccessMiddleware, UploadLimit, login_router
from server.admin_routes import router as admin_router
from server.deps import COMMON_ERRORS, get_engine, require_api_key
from server.quiz_routes import check_router
from server.quiz_routes import router as quiz_router

log = logging.getLogger(__name__)

ERRORS = COMMON_ERRORS | {
    400: {"description": "Bad question, unknown filter value, or generative mode not configured"},
    422: {"description": "Malformed request"},
}


class Filters(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # strict: `true` is not a year
    doc_id: str | None = None
    region: str | None = None
    level: str | None = None
    year: int | None = Field(None, ge=1900, le=2100)


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # strict: `true` is not a top_k, 5.0 is not 5
    question: str = Field(..., description="the question, in Chinese (simplified or traditional) or English")
    top_k: int | None = Field(None, ge=1, le=20)
    filters: Filters | None = None
    mode: Literal["extractive", "generative"] | None = None
    history: list[Annotated[str, Field(max_length=1000)]] | None = Field(
        None,
        max_length=20,
        description="the conversation's earlier questions, oldest first: the question is read as a follow-up "
        "to them (那第二款呢, 下一条呢, 那温州呢) as the chat reads it",
    )


class DocumentDetail(BaseModel):
    notice: Notice
    clauses: list[Clause]


class Health(BaseModel):
    status: str
    notices: int
    clauses: int
    index: str


def create_app(settings: Settings | None = None, engine: Engine | None = None, with_ui: bool = True) -> FastAPI:
    settings = settings or get_settings()
    keyring = Keyring(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if getattr(app.state, "engine", None) is None:
            app.state.engine = Engine(settings)
        # Administration runs only with an admin key configured (its routes answer 403 otherwise).
        app.state.admin = Admin(settings, app.state.engine) if keyring.has_admin else None
        try:
            yield
        finally:
            if app.state.admin is not None:
                app.state.admin.close()

    app = FastAPI(
        title="MetroKB",
        version="0.1.0",
        lifespan=lifespan,
        max_body_size=settings.max_body_bytes,
        description="Exact, cited answers from Chinese metrology notices.",
    )
    app.state.engine, app.state.keyring, app.state.settings = engine, keyring, settings
    app.add_middleware(AccessMiddleware, keyring=keyring)
    if settings.cors_origins:  # added after, so it runs first: a CORS preflight carries no key
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["*"],
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or 'body'}: {e['msg']}" for e in exc.errors())
        return JSONResponse(status_code=422, content={"detail": f"invalid request: {problems}"})

    secured = [Depends(require_api_key)]

    @app.get("/health", response_model=Health)
    def health(engine: Engine = Depends(get_engine)) -> Health:
        index = engine.index
        return Health(status="ok", notices=len(index.notices), clauses=len(index.clauses), index=index.path.name)

    @app.post("/ask", response_model=Answer, responses=ERRORS, dependencies=secured)
    def ask(body: AskRequest, engine: Engine = Depends(get_engine)) -> Answer:
        if len(body.question) > settings.max_question_chars:
            raise HTTPException(
                400, f"question is {len(body.question)} characters; the limit is {settings.max_question_chars}"
            )
        if any(
            "\ud800" <= c <= "\udfff" for c in body.question + "".join(body.history or [])
        ):  # JSON "\ud800" escapes; not encodable text
            raise HTTPException(400, "question contains unpaired surrogate escapes (\\ud800-\\udfff); send UTF-8 text")
        filters = body.filters.model_dump(exclude_none=True) if body.filters else None
        try:
            return engine.ask(body.question, filters=filters, top_k=body.top_k, mode=body.mode, history=body.history)
        except (QuestionError, FilterError, GenerationUnavailable) as exc:
            raise HTTPException(400, str(exc)) from exc

    @app.get("/documents", response_model=list[Notice], responses=ERRORS, dependencies=secured)
    def documents(engine: Engine = Depends(get_engine)) -> list[Notice]:
        return list(engine.index.notices.values())

    @app.get(
        "/documents/{doc_id}",
        response_model=DocumentDetail,
        responses=ERRORS | {404: {"description": "Unknown doc_id"}},
        dependencies=secured,
    )
    def document(doc_id: str, engine: Engine = Depends(get_engine)) -> DocumentDetail:
        return DocumentDetail(notice=_notice(engine, doc_id), clauses=engine.index.clauses_of(doc_id))

    @app.get(
        "/documents/{doc_id}/original",
        response_class=FileResponse,
        responses=ERRORS | {404: {"description": "Unknown doc_id, or its file is no longer there"}},
        dependencies=secured,
    )
    def original(doc_id: str, engine: Engine = Depends(get_engine)) -> FileResponse:
        """The document's file as it was added (a PDF opens at a clause's page with `#page=N`)."""
        notice = _notice(engine, doc_id)
        folders = (engine.settings.kb_dir, *engine.settings.extra_kb_dirs)
        path = next((d / notice.file for d in folders if (d / notice.file).is_file()), None)
        if path is None:
            raise HTTPException(404, f"{notice.file} is no longer in the knowledge base folder; re-run ingest")
        media = mimetypes.guess_type(notice.file)[0] or "application/octet-stream"
        return FileResponse(path, media_type=media, filename=notice.file, content_disposition_type="inline")

    @app.get(
        "/clauses/{clause_id:path}",
        response_model=Clause,
        responses=ERRORS | {404: {"description": "Unknown clause_id"}},
        dependencies=secured,
    )
    def clause(clause_id: str, engine: Engine = Depends(get_engine)) -> Clause:
        found = engine.index.clauses.get(clause_id)
        if found is None:
            raise HTTPException(
                404, f"unknown clause_id {clause_id!r}; GET /documents/{{doc_id}} lists a notice's clauses"
            )
        return found

    app.include_router(quiz_router, dependencies=secured)
    app.include_router(check_router, dependencies=secured, max_body_size=settings.bank_max_bytes + FORM_OVERHEAD)
    app.include_router(admin_router, max_body_size=settings.max_upload_bytes + FORM_OVERHEAD)
    app.include_router(login_router(keyring, settings.session_hours * 3600))
    if with_ui:
        _mount_ui(app, settings)
    return app


def _notice(engine: Engine, doc_id: str) -> Notice:
    """The indexed document `doc_id`, or 404 saying where the ids are listed."""
    notice = engine.index.notices.get(doc_id)
    if notice is None:
        raise HTTPException(404, f"unknown doc_id {doc_id!r}; GET /documents lists them")
    return notice


def _mount_ui(app: FastAPI, settings: Settings) -> None:
    try:
        from ui.app import mount_ui
    except ImportError:  # the chat UI lands in ui/app.py
        return
    mount_ui(app)
    for route in app.routes:
        if isinstance(route, Mount) and route.path == UI_PATH:  # inside the mount, which re-applies the app's limit
            route.app.add_middleware(UploadLimit, upload_limit=settings.max_upload_bytes)
