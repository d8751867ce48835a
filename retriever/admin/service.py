"""Administering the knowledge base: add, replace, edit and remove documents in kb/, re-indexing in the background.

Every change is checked when it is asked for (a refused upload changes nothing), then queued as a Job: one worker
applies the changes one at a time — storing the file in kb/, editing kb/catalog.yaml — and runs the incremental
build, which swaps the new index in atomically (readers keep the previous index until then). Each finished change
is appended to the audit log. Uploads wait in `<index dir>/admin/uploads/` until their job runs.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import threading
import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from retriever.admin import audit
from retriever.documents import formats
from retriever.documents.catalog import update_catalog
from retriever.documents.clean import NoticeError, UndecodableError
from retriever.config import Settings
from retriever.engine import Engine
from retriever.documents.catalog import read_catalog
from retriever.index import (
    NoticeBuild,
    build_index,
    duplicate_message,
    parse_summary,
    read_notice,
    slug,
    text_signature,
)
from retriever.admin.jobs import JobFailed, JobQueue, Progress, now
from retriever.models import AuditEntry, CatalogEdit, Job, JobAction, Principal, RefusedFile, UploadBatch

log = logging.getLogger(__name__)

SUFFIXES = formats.SUFFIXES  # what an upload may be named (its content decides how it is read)
PER_FILE = ("region", "level", "issuer")  # the catalog fields sent with a zip that apply to each of its files
MAX_NAME_CHARS = 120
INHERITED = ("region", "level", "issuer")  # what a new version takes from the one it replaces, unless given
DOC_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")  # a doc_id given with an upload: lower-case, digits, hyphens

Reason = Literal["invalid", "unsupported", "too_large", "conflict", "not_found"]


class AdminError(ValueError):
    """A change that cannot be made; `reason` says which kind (an interface picks its status from it)."""

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason = reason


# --- checking an upload -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Staged:
    """An upload stored where it waits for its job: its path, the doc_id it will have, and (text read already)
    the signature that tells a duplicate; `extract` when the job still has to read another format."""

    path: Path
    doc_id: str
    signature: str | None
    extract: bool

    def named(self, name: str, doc_id: str) -> Staged:
        """The same upload under the file name and doc_id chosen when it is accepted."""
        path = self.path.rename(self.path.with_name(name)) if name != self.path.name else self.path
        return Staged(path, doc_id, self.signature, self.extract)


def check_name(name: str) -> str:
    """The file name to store in kb/; refused if it names a path, a hidden file or a type ingest does not read."""
    if not name or not name.strip():
        raise AdminError("invalid", "the upload has no file name; send the document as a file (PDF, Word, text…)")
    if "/" in name or "\\" in name or name.startswith((".", "~")) or ".." in name or ":" in name:
        raise AdminError(
            "invalid",
            f"file name {name!r} is refused: give a plain name such as 通知2025.txt "
            "(no folders, no '..', not hidden); the file is stored in kb/",
        )
    if any(unicodedata.category(c)[0] == "C" for c in name) or name != name.strip():
        raise AdminError("invalid", f"file name {name!r} contains control characters or edge spaces; rename it")
    if len(name) > MAX_NAME_CHARS:
        raise AdminError("invalid", f"file name is {len(name)} characters; the limit is {MAX_NAME_CHARS}")
    if Path(name).suffix.lower() not in SUFFIXES:
        raise AdminError(
            "unsupported",
            f"{name}: files named {Path(name).suffix or 'without an extension'} are not read; "
            f"MetroKB reads {formats.SUPPORTED}",
        )
    return name


def check_content(name: str, data: bytes, limits: formats.Limits) -> formats.Kind:
    """The upload's format (told by content), after refusing what is over the limits, empty, of no supported
    kind, a PDF that needs a password or is damaged (text is decoded once, when the upload is parsed)."""
    if len(data) > limits.max_bytes:
        raise AdminError(
            "too_large",
            f"{name} is {len(data):,} bytes; the limit is {limits.max_bytes:,} bytes (METROKB_MAX_UPLOAD_BYTES)",
        )
    if not data.strip():
        raise AdminError("invalid", f"{name}: the file is empty; upload the document")
    try:
        kind = formats.check(data, name, limits)
    except NoticeError as exc:
        reason = "too_large" if "the limit is" in str(exc) else "unsupported"
        raise AdminError(reason, f"{exc}; nothing was stored") from exc
    return kind


def check_doc_id(doc_id: str) -> str:
    """A doc_id given with an upload: it names the document in citations and URLs, so keep it plain."""
    if not DOC_ID.match(doc_id):
        raise AdminError(
            "invalid", f"doc_id {doc_id!r} is refused: use lower-case letters, digits and hyphens, e.g. ganzhou-2025"
        )
    return doc_id


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- what a job does ------------------------------------------------------------------------------------


@dataclass
class Plan:
    """What the worker does for one job; kept in memory only."""

    staged: Path | None = None  # the uploaded file, waiting to be moved into kb/
    extract: bool = False  # read the staged file in the job (OCR, conversion), with its pages as progress
    signature: str | None = None  # text signature of the staged file when it was read at once
    catalog: dict[str, dict | None] = field(default_factory=dict)  # file -> fields to set (None: drop the entry)
    remove: str | None = None  # a file to delete from kb/
    series: str | None = None  # replace: the series whose current version the report names


def current_version(built: list[NoticeBuild], doc_id: str) -> str | None:
    """The doc_id that is current in the series `doc_id` belongs to, by the ingest's version rules."""
    notices = {nb.notice.doc_id: nb.notice for nb in built}
    notice = notices.get(doc_id)
    while notice is not None and notice.superseded_by:
        notice = notices.get(notice.superseded_by)
    return notice.doc_id if notice else None


class Admin:
    """The administration of one knowledge base (kb/ and its index) for one server process."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings, self.engine = settings, engine
        self.kb_dir = settings.kb_dir
        self.limits = formats.limits_of(settings)
        self.work_dir = settings.index_dir / "admin"
        self.uploads = self.work_dir / "uploads"
        self.kb_lock = threading.Lock()  # held while kb/ is changed and indexed: hold it to make changes wait
        self._accepting = threading.Lock()  # one request at a time checks names and doc_ids and queues its job
        self.jobs = JobQueue(self.work_dir / "jobs.jsonl", self._run, self._record)
        self._clean_uploads()

    def close(self) -> None:
        self.jobs.close(timeout=600)

    # --- asking for changes

    def upload(
        self, who: Principal, name: str, data: bytes, edit: CatalogEdit | None = None, doc_id: str | None = None
    ) -> Job | UploadBatch:
        """`add` for one file; for a zip, one `add` per file it holds, each queued or refused on its own."""
        name = check_name(name)
        if check_content(name, data, self.limits) != "zip":
            return self.add(who, name, data, edit, doc_id)
        if doc_id:
            raise AdminError("invalid", f"{name}: a zip holds several documents; send it without a doc_id")
        try:
            members = formats.unzip(data, name, self.limits)
        except NoticeError as exc:
            raise AdminError("unsupported", f"{exc}; nothing was stored") from exc
        if not members:
            raise AdminError("invalid", f"{name}: the zip holds no files")
        shared = CatalogEdit(**{k: v for k, v in (edit.fields() if edit else {}).items() if k in PER_FILE})
        jobs, refused = [], []
        for member in members:
            if member.data is None:
                refused.append(RefusedFile(file=member.name, reason=member.refused or "refused"))
                continue
            try:
                jobs.append(self.add(who, member.name, member.data, shared))
            except AdminError as exc:
                refused.append(RefusedFile(file=member.name, reason=str(exc)))
        return UploadBatch(archive=name, jobs=jobs, refused=refused)

    def add(
        self, who: Principal, name: str, data: bytes, edit: CatalogEdit | None = None, doc_id: str | None = None
    ) -> Job:
        """Queue a new document; refused (AdminError) if its name is taken or it cannot be used."""
        name = check_name(name)
        kind = check_content(name, data, self.limits)
        if kind == "zip":
            raise AdminError("unsupported", f"{name}: a zip inside a zip is not unpacked; unpack it first")
        fields = (edit.fields() if edit else {}) | ({"doc_id": check_doc_id(doc_id)} if doc_id else {})
        staged = self._stage(name, data, fields, kind)
        with self._accepting:
            if name in self._files_taken():
                shutil.rmtree(staged.path.parent, ignore_errors=True)
                raise AdminError(
                    "conflict",
                    f"kb/{name} already exists; to upload a new version use "
                    f"PUT /documents/{{doc_id}}, or give the file another name",
                )
            return self._queue(who, "add", staged, data, fields, series=None)

    def replace(
        self,
        who: Principal,
        doc_id: str,
        name: str,
        data: bytes,
        edit: CatalogEdit | None = None,
        new_doc_id: str | None = None,
    ) -> Job:
        """Queue a new version of `doc_id`, stored beside it in kb/ in the same series; the old one stays."""
        old = self._notice(doc_id)
        name = check_name(name)
        kind = check_content(name, data, self.limits)
        if kind == "zip":
            raise AdminError("unsupported", f"{name}: a new version is one document, not a zip; send the file itself")
        entry = read_catalog(self.kb_dir).get(old.file) or {}
        series = str(entry.get("series") or doc_id)
        inherited = {k: getattr(old, k) for k in INHERITED if getattr(old, k) not in (None, "未知")}
        fields = inherited | (edit.fields() if edit else {}) | {"series": series}
        staged = self._stage(name, data, fields | ({"doc_id": check_doc_id(new_doc_id)} if new_doc_id else {}), kind)
        with self._accepting:
            free = self._free_name(name)
            fields["doc_id"] = check_doc_id(new_doc_id) if new_doc_id else self._free_doc_id(slug(free))
            staged = staged.named(free, fields["doc_id"])
            extra = {old.file: {"series": series}} if not entry.get("series") else None
            return self._queue(who, "replace", staged, data, fields, series=series, extra=extra)

    def edit(self, who: Principal, doc_id: str, edit: CatalogEdit) -> Job:
        """Queue a change of a document's catalog fields, then a re-index."""
        notice = self._notice(doc_id)
        fields = edit.fields()
        if not fields:
            raise AdminError("invalid", 'nothing to change: send at least one catalog field, e.g. {"title": "…"}')
        return self.jobs.submit(
            Plan(catalog={notice.file: fields}), action="edit", doc_id=doc_id, file=notice.file, key_name=who.name
        )

    def delete(self, who: Principal, doc_id: str) -> Job:
        """Queue the removal of a document's file and catalog entry, then a re-index."""
        notice = self._notice(doc_id)
        if len(self.engine.index.notices) <= 1:
            raise AdminError("conflict", f"{doc_id} is the only document; add another before removing it")
        if "/" in notice.file:
            archive = notice.file.split("/", 1)[0]
            raise AdminError(
                "conflict",
                f"{doc_id} is a file inside {archive}: take it out of the zip (or remove the zip) and re-index",
            )
        path = self.kb_dir / notice.file
        outside = next((d for d in self.settings.extra_kb_dirs if (d / notice.file).is_file()), None)
        if outside is not None and not path.exists():
            raise AdminError(
                "conflict",
                f"{doc_id} is read in place from {outside} (METROKB_EXTRA_KB_DIRS), not kept "
                f"in kb/: remove the file there, or that folder from METROKB_EXTRA_KB_DIRS",
            )
        digest = sha256(path.read_bytes()) if path.exists() else None
        return self.jobs.submit(
            Plan(catalog={notice.file: None}, remove=notice.file),
            action="delete",
            doc_id=doc_id,
            file=notice.file,
            sha256=digest,
            key_name=who.name,
        )

    def reindex(self, who: Principal) -> Job:
        """Queue an ingest of kb/ as it is (e.g. after a stop cut a job short)."""
        return self.jobs.submit(Plan(), action="ingest", key_name=who.name)

    def job(self, job_id: int) -> Job:
        found = self.jobs.get(job_id)
        if found is None:
            raise AdminError("not_found", f"unknown job {job_id}; a job id is returned by POST /documents")
        return found

    def audit(self, limit: int | None = 200) -> list[AuditEntry]:
        """The newest audit entries, newest first."""
        return audit.read(self.settings.audit_file, limit)

    # --- checks against what is there and what is queued

    def _notice(self, doc_id: str):
        notice = self.engine.index.notices.get(doc_id)
        if notice is None:
            raise AdminError("not_found", f"unknown doc_id {doc_id!r}; GET /documents lists them")
        return notice

    def _files_taken(self) -> set[str]:
        queued = {job.file for job, _ in self.jobs.pending() if job.action in ("add", "replace")}
        return {p.name for p in self.kb_dir.iterdir()} | queued

    def _doc_ids_taken(self) -> set[str]:
        queued = {
            plan_fields.get("doc_id")
            for _, plan in self.jobs.pending()
            for plan_fields in plan.catalog.values()
            if plan_fields
        }
        return set(self.engine.index.notices) | {d for d in queued if d}

    def _free_name(self, name: str) -> str:
        """`name`, or `<stem>-v2<suffix>`, `-v3`… when kb/ has it already (versions live side by side)."""
        taken, stem, suffix, n = self._files_taken(), Path(name).stem, Path(name).suffix, 2
        while name in taken:
            name, n = f"{stem}-v{n}{suffix}", n + 1
        return name

    def _free_doc_id(self, doc_id: str) -> str:
        taken, base, n = self._doc_ids_taken(), doc_id, 2
        while doc_id in taken:
            doc_id, n = f"{base}-v{n}", n + 1
        return doc_id

    def _stage(self, name: str, data: bytes, fields: dict, kind: formats.Kind) -> Staged:
        """Store an upload where it waits and parse a text upload (its one decoding), refusing what ingest would
        skip; outside `_accepting`, so a long parse keeps no other upload waiting. Other formats are read by the
        job (OCR and conversions take a while; the job shows pages done)."""
        path = self.uploads / uuid.uuid4().hex / name
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        try:
            if kind != "text":
                return Staged(path, fields.get("doc_id") or slug(name), None, extract=True)
            nb = read_notice(path, fields or None, self.limits)
        except NoticeError as exc:
            shutil.rmtree(path.parent, ignore_errors=True)
            reason = "unsupported" if isinstance(exc, UndecodableError) else "invalid"
            message = str(exc).replace("; skipped", "")
            raise AdminError(reason, f"{message}; the upload was refused and nothing was stored") from exc
        return Staged(path, nb.notice.doc_id, text_signature(nb.clauses), extract=False)

    def _queue(
        self,
        who: Principal,
        action: JobAction,
        staged: Staged,
        data: bytes,
        fields: dict,
        series: str | None,
        extra: dict | None = None,
    ) -> Job:
        """Refuse a doc_id already used, then queue the staged upload; under `_accepting`."""
        if staged.doc_id in self._doc_ids_taken():
            shutil.rmtree(staged.path.parent, ignore_errors=True)
            raise AdminError(
                "conflict",
                f"doc_id {staged.doc_id!r} is already used; give the upload another file name or its own doc_id",
            )
        name = staged.path.name
        catalog = ({name: fields} if fields else {}) | (extra or {})
        return self.jobs.submit(
            Plan(
                staged=staged.path, catalog=catalog, series=series, extract=staged.extract, signature=staged.signature
            ),
            action=action,
            doc_id=staged.doc_id,
            file=name,
            sha256=sha256(data),
            key_name=who.name,
        )

    # --- the worker

    def _read_staged(self, job: Job, plan: Plan, progress: Progress) -> None:
        """Read an upload of another format (pages done as progress), refuse a duplicate of an indexed document;
        a failure leaves kb/ and the index untouched."""
        fields = plan.catalog.get(plan.staged.name) if plan.staged else None
        if plan.staged is None:
            return
        if plan.extract:

            def pages(done: int, total: int) -> None:
                progress(0.02 + 0.4 * done / max(total, 1), f"reading page {done}/{total}")

            try:
                nb = read_notice(plan.staged, fields, self.limits, pages)
            except NoticeError as exc:
                shutil.rmtree(plan.staged.parent, ignore_errors=True)
                raise JobFailed(f"{exc}; the upload was refused and nothing was stored") from exc
            plan.signature = text_signature(nb.clauses)
        index = self.engine.index
        for doc_id, notice in index.notices.items():
            if text_signature(index.clauses_of(doc_id)) == plan.signature:
                shutil.rmtree(plan.staged.parent, ignore_errors=True)
                raise JobFailed(f"{duplicate_message(job.file or '', notice.file)}; nothing was stored")

    def _run(self, job: Job, plan: Plan, progress: Progress) -> Job:
        with self.kb_lock:
            self._read_staged(job, plan, progress)
            start = 0.45 if plan.extract else 0.1
            progress(start - 0.05, "changing kb/")
            self._apply(plan)
            progress(start, "parsing kb/")

            def embedding(done: int, total: int) -> None:
                progress(start + (0.9 - start) * done / max(total, 1), f"embedding {done}/{total} new chunks")

            try:
                report = build_index(
                    self.kb_dir,
                    self.settings.index_dir,
                    self.engine.embedder,
                    self.settings.chunk_chars,
                    progress=embedding,
                    extra_dirs=self.settings.extra_kb_dirs,
                    limits=self.limits,
                )
            except NoticeError as exc:
                raise JobFailed(f"{exc}; the previous index is still served") from exc
        progress(0.95, "loading the new index")
        self.engine.index  # noqa: B018 -- load the new build now, not on the next reader's request
        if job.file in report.skipped and job.action in ("add", "replace"):
            raise JobFailed(f"{report.skipped[job.file]}; the file stays in kb/ but is not indexed")
        built = next((nb for nb in report.built if nb.notice.file == job.file), None)
        update: dict = {"report": parse_summary(built) if built and job.action != "delete" else None}
        if plan.series:
            update["current"] = current_version(report.built, job.doc_id or "")
        update["message"] = f"index has {len(report.built)} documents" + (
            f"; {len(report.skipped)} file(s) skipped: " + " | ".join(report.skipped.values()) if report.skipped else ""
        )
        return job.model_copy(update=update)

    def _apply(self, plan: Plan) -> None:
        """Make the job's change to kb/: the file first, then the catalog (each step atomic)."""
        if plan.staged is not None:
            dest = self.kb_dir / plan.staged.name
            tmp = self.kb_dir / f".{plan.staged.name}.partial"
            shutil.copyfile(plan.staged, tmp)
            os.replace(tmp, dest)
            extracted = plan.staged.parent / formats.CACHE_DIR / f"{plan.staged.name}.json"
            if extracted.exists():  # the text the job read, kept beside the original so ingest reads it once
                (self.kb_dir / formats.CACHE_DIR).mkdir(exist_ok=True)
                shutil.copyfile(extracted, self.kb_dir / formats.CACHE_DIR / extracted.name)
            shutil.rmtree(plan.staged.parent, ignore_errors=True)
        if plan.remove is not None:
            (self.kb_dir / plan.remove).unlink(missing_ok=True)
            (self.kb_dir / formats.CACHE_DIR / f"{plan.remove}.json").unlink(missing_ok=True)
        for file, fields in plan.catalog.items():
            update_catalog(self.kb_dir, file, fields)

    def _record(self, job: Job) -> None:
        audit.append(
            self.settings.audit_file,
            AuditEntry(
                time=job.finished or now(),
                key_name=job.key_name,
                action=job.action,
                doc_id=job.doc_id,
                file=job.file,
                sha256=job.sha256,
                job_id=job.job_id,
                outcome="done" if job.status == "done" else "failed",
                message=job.message,
            ),
        )

    def _clean_uploads(self) -> None:
        """Drop uploads whose job will never run (the server stopped while they were queued)."""
        waiting = {plan.staged.parent for _, plan in self.jobs.pending() if plan.staged}
        if self.uploads.exists():
            for folder in self.uploads.iterdir():
                if folder not in waiting:
                    shutil.rmtree(folder, ignore_errors=True)
