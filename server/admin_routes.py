"""HTTP administration of the knowledge base (admin key): add, replace, edit and remove documents; jobs; audit log.

Routes only build arguments and call retriever.admin.service; a change answers 202 with its Job at once and runs in the
background, one at a time; GET /jobs/{job_id} follows it to its parse report.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, UploadFile
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from retriever.admin.service import Admin, AdminError
from retriever.models import AuditEntry, CatalogEdit, Job, Principal, UploadBatch
from server.deps import COMMON_ERRORS, get_admin, require_admin

STATUS = {"invalid": 400, "not_found": 404, "conflict": 409, "too_large": 413, "unsupported": 415}

ERRORS = COMMON_ERRORS | {
    400: {"description": "Bad upload (name, empty, no clauses, an empty zip) or nothing to change"},
    403: {"description": "Not an admin key, or administration is off (no METROKB_ADMIN_KEY)"},
    404: {"description": "Unknown doc_id or job id"},
    409: {"description": "The file name or doc_id is taken, or the document is the only one"},
    413: {"description": "File over METROKB_MAX_UPLOAD_BYTES or METROKB_MAX_PAGES"},
    415: {"description": "Content of no supported kind, a PDF that needs a password, a damaged file"},
    422: {"description": "Malformed request or catalog field"},
}

router = APIRouter(tags=["administration"], dependencies=[Depends(require_admin)], responses=ERRORS)


def _call(action, *args, **kwargs):
    try:
        return action(*args, **kwargs)
    except AdminError as exc:
        raise HTTPException(STATUS[exc.reason], str(exc)) from exc


def _form(
    title: Annotated[str | None, Form(description="title; default: the title line of the text")] = None,
    issuer: Annotated[str | None, Form(description="issuing body")] = None,
    doc_number: Annotated[str | None, Form(description="文号")] = None,
    date: Annotated[str | None, Form(description="yyyy-mm-dd")] = None,
    region: Annotated[str | None, Form()] = None,
    level: Annotated[str | None, Form(description="国家 | 省 | 市 | 县 | 未知")] = None,
) -> CatalogEdit:
    """The catalog fields sent with an upload (empty ones left out), validated like PATCH's body."""
    given = {
        k: v
        for k, v in {
            "title": title,
            "issuer": issuer,
            "doc_number": doc_number,
            "date": date,
            "region": region,
            "level": level,
        }.items()
        if v not in (None, "")
    }
    try:
        return CatalogEdit(**given)
    except ValidationError as exc:
        raise RequestValidationError([e | {"loc": ("body", *e["loc"])} for e in exc.errors()]) from exc


@router.post("/documents", response_model=Job | UploadBatch, status_code=202)
async def add_document(
    file: Annotated[
        UploadFile,
        File(description="the document: PDF (scanned too), .docx, .doc, .wps, a saved web page, .txt, .md, or a zip"),
    ],
    edit: Annotated[CatalogEdit, Depends(_form)],
    doc_id: Annotated[str | None, Form(description="default: from the file name")] = None,
    who: Principal = Depends(require_admin),
    admin: Admin = Depends(get_admin),
) -> Job | UploadBatch:
    """Store a new document in kb/ and index it in the background; follow the returned job. A zip answers with one
    job per file it holds and the files it refused (a zip's region, level and issuer apply to each file)."""
    return _call(admin.upload, who, file.filename or "", await file.read(), edit, doc_id or None)


@router.put("/documents/{doc_id}", response_model=Job, status_code=202)
async def replace_document(
    doc_id: str,
    file: Annotated[UploadFile, File(description="the new version, in any format POST /documents reads")],
    edit: Annotated[CatalogEdit, Depends(_form)],
    new_doc_id: Annotated[
        str | None, Form(description="doc_id of the new version; default: from the file name")
    ] = None,
    who: Principal = Depends(require_admin),
    admin: Admin = Depends(get_admin),
) -> Job:
    """Add a new version of a document beside it (same series); the job's `current` says which one is current."""
    return _call(admin.replace, who, doc_id, file.filename or "", await file.read(), edit, new_doc_id or None)


@router.patch("/documents/{doc_id}", response_model=Job, status_code=202)
def edit_document(
    doc_id: str, body: CatalogEdit, who: Principal = Depends(require_admin), admin: Admin = Depends(get_admin)
) -> Job:
    """Change catalog fields (a null removes one) and re-index."""
    return _call(admin.edit, who, doc_id, body)


@router.delete("/documents/{doc_id}", response_model=Job, status_code=202)
def delete_document(doc_id: str, who: Principal = Depends(require_admin), admin: Admin = Depends(get_admin)) -> Job:
    """Remove a document's file and catalog entry and re-index."""
    return _call(admin.delete, who, doc_id)


@router.post("/ingest", response_model=Job, status_code=202)
def ingest(who: Principal = Depends(require_admin), admin: Admin = Depends(get_admin)) -> Job:
    """Re-index kb/ as it is (e.g. after a stop cut a job short)."""
    return _call(admin.reindex, who)


@router.get("/jobs/{job_id}", response_model=Job)
def job(job_id: int, admin: Admin = Depends(get_admin)) -> Job:
    """A job's status, progress and, when done, the document's parse report."""
    return _call(admin.job, job_id)


@router.get("/audit", response_model=list[AuditEntry])
def audit_log(
    limit: Annotated[int, Query(ge=1, le=10_000)] = 200, admin: Admin = Depends(get_admin)
) -> list[AuditEntry]:
    """The newest entries of the audit log, newest first."""
    return admin.audit(limit)
