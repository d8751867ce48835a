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
from retriever.documents.catalog import update_catalog
from retriever.documents.clean import NoticeError, decode
from retriever.config import Settings
from retriever.engine import Engine
from retriever.documents.catalog import read_catalog
from retriever.index import NoticeBuild, build_index, parse_summary, read_notice, slug
from retriever.admin.jobs import JobFailed, JobQueue, Progress, now
from retriever.models import AuditEntry, CatalogEdit, Job, JobAction, Principal

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md")  # what ingest reads
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


def check_name(name: str) -> str:
    """The file name to store in kb/; refused if it names a path, a hidden file or a type ingest does not read."""
    if not name or not name.strip():
        raise AdminError("invalid", "the upload has no file name; send the notice as a .txt or .md file")
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
            f"{name}: only .txt and .md notices can be added (got "
            f"{Path(name).suffix or 'no extension'}); save the notice as text",
        )
    return name


def check_content(name: str, data: bytes, max_bytes: int) -> None:
    """Refuse content over the size limit, empty, binary or not decodable as UTF-8, UTF-16 or GB18030 text."""
    if len(data) > max_bytes:
        raise AdminError(
            "too_large", f"{name} is {len(data):,} bytes; the limit is {max_bytes:,} bytes (METROKB_MAX_UPLOAD_BYTES)"
        )
    if not data.strip():
        raise AdminError("invalid", f"{name}: the file is empty; upload the notice's text")
    try:
        text = decode(data, name)
    except NoticeError as exc:
        raise AdminError("unsupported", f"{exc}".replace("; skipped", "") + "; nothing was stored") from exc
    if not text.strip():
        raise AdminError("invalid", f"{name}: the file has no text; upload the notice's text")


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
        self.work_dir = settings.index_dir / "admin"
        self.uploads = self.work_dir / "uploads"
        self.kb_lock = threading.Lock()  # held while kb/ is changed and indexed: hold it to make changes wait
        self._accepting = threading.Lock()  # one request at a time checks names and doc_ids and queues its job
        self.jobs = JobQueue(self.work_dir / "jobs.jsonl", self._run, self._record)
        self._clean_uploads()

    def close(self) -> None:
        self.jobs.close(timeout=600)

    # --- asking for changes

    def add(
        self, who: Principal, name: str, data: bytes, edit: CatalogEdit | None = None, doc_id: str | None = None
    ) -> Job:
        """Queue a new document; refused (AdminError) if its name is taken or it cannot be used."""
        name = check_name(name)
        check_content(name, data, self.settings.max_upload_bytes)
        fields = (edit.fields() if edit else {}) | ({"doc_id": check_doc_id(doc_id)} if doc_id else {})
        with self._accepting:
            if name in self._files_taken():
                raise AdminError(
                    "conflict",
                    f"kb/{name} already exists; to upload a new version use "
                    f"PUT /documents/{{doc_id}}, or give the file another name",
                )
            return self._stage_and_queue(who, "add", name, data, fields, series=None)

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
        check_content(name, data, self.settings.max_upload_bytes)
        entry = read_catalog(self.kb_dir).get(old.file) or {}
        series = str(entry.get("series") or doc_id)
        inherited = {k: getattr(old, k) for k in INHERITED if getattr(old, k) not in (None, "未知")}
        fields = inherited | (edit.fields() if edit else {}) | {"series": series}
        with self._accepting:
            name = self._free_name(name)
            fields["doc_id"] = check_doc_id(new_doc_id) if new_doc_id else self._free_doc_id(slug(name))
            return self._stage_and_queue(
                who,
                "replace",
                name,
                data,
                fields,
                series=series,
                extra={old.file: {"series": series}} if not entry.get("series") else None,
            )

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

    def _stage_and_queue(
        self,
        who: Principal,
        action: JobAction,
        name: str,
        data: bytes,
        fields: dict,
        series: str | None,
        extra: dict | None = None,
    ) -> Job:
        """Parse the upload where it waits (refusing what ingest would skip), then queue it; under `_accepting`."""
        staged = self.uploads / uuid.uuid4().hex / name
        staged.parent.mkdir(parents=True)
        staged.write_bytes(data)
        try:
            nb = read_notice(staged, fields or None)
            if nb.notice.doc_id in self._doc_ids_taken():
                raise AdminError(
                    "conflict",
                    f"doc_id {nb.notice.doc_id!r} is already used; give the upload another file name or its own doc_id",
                )
        except NoticeError as exc:
            shutil.rmtree(staged.parent, ignore_errors=True)
            reason = str(exc).replace("; skipped", "")
            raise AdminError("invalid", f"{reason}; the upload was refused and nothing was stored") from exc
        except AdminError:
            shutil.rmtree(staged.parent, ignore_errors=True)
            raise
        catalog = ({name: fields} if fields else {}) | (extra or {})
        return self.jobs.submit(
            Plan(staged=staged, catalog=catalog, series=series),
            action=action,
            doc_id=nb.notice.doc_id,
            file=name,
            sha256=sha256(data),
            key_name=who.name,
        )

    # --- the worker

    def _run(self, job: Job, plan: Plan, progress: Progress) -> Job:
        with self.kb_lock:
            progress(0.02, "changing kb/")
            self._apply(plan)
            progress(0.1, "parsing kb/")

            def embedding(done: int, total: int) -> None:
                progress(0.1 + 0.8 * done / max(total, 1), f"embedding {done}/{total} new chunks")

            try:
                report = build_index(
                    self.kb_dir,
                    self.settings.index_dir,
                    self.engine.embedder,
                    self.settings.chunk_chars,
                    progress=embedding,
                    extra_dirs=self.settings.extra_kb_dirs,
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
            shutil.rmtree(plan.staged.parent, ignore_errors=True)
        if plan.remove is not None:
            (self.kb_dir / plan.remove).unlink(missing_ok=True)
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
