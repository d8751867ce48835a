"""A queue of knowledge-base changes run one at a time by one worker thread, persisted as JSON lines.

Each job is written to the file when it is queued, starts and ends, so that a server killed half-way can tell,
when it starts again, which jobs were cut short: those are marked failed with a message saying what to do.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from retriever.models import Job

log = logging.getLogger(__name__)

# Progress reporter handed to a running job: (fraction 0..1, what it is doing).
Progress = Callable[[float, str], None]

CUT_SHORT = (
    "the server stopped during this job: the previous index is still served, and what the job had "
    "already changed in kb/ stays there; the next ingest includes it (POST /ingest, or 重新索引 in 知识库管理)"
)
NEVER_RAN = "the server stopped before this job ran; nothing was changed: send it again"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class JobFailed(Exception):
    """Raised by a job's runner: the job failed for the reason in the message (no stack trace is logged)."""


class JobQueue:
    """Submit jobs; one worker thread runs them in order with `run(job, plan, progress) -> finished job`.

    `on_end(job)` is called once for every job that ends, including those found cut short at start-up.
    """

    def __init__(self, path: Path, run: Callable[[Job, Any, Progress], Job], on_end: Callable[[Job], None]) -> None:
        self._path, self._run, self._on_end = path, run, on_end
        self._cond = threading.Condition()
        self._jobs: dict[int, Job] = {}
        self._plans: dict[int, Any] = {}  # in memory only: a job cut short by a stop is not run again
        self._queue: list[int] = []  # queued job ids in order
        self._running: int | None = None
        self._closed = False
        path.parent.mkdir(parents=True, exist_ok=True)
        self._recover()
        self._thread = threading.Thread(target=self._work, name="metrokb-ingest", daemon=True)
        self._thread.start()

    # --- public

    def submit(self, plan: Any, **fields) -> Job:
        """Queue a job (Job fields but its id) and the plan its runner carries out; returns it as queued.

        The returned job says which job it waits behind, if any."""
        with self._cond:
            if self._closed:
                raise RuntimeError("the job queue is closed")
            job_id = max(self._jobs, default=0) + 1
            self._jobs[job_id] = Job(job_id=job_id, created=now(), **fields)
            self._plans[job_id] = plan
            self._queue.append(job_id)
            self._refresh_waits()
            self._save(self._jobs[job_id])
            self._cond.notify_all()
            return self._jobs[job_id]

    def get(self, job_id: int) -> Job | None:
        with self._cond:
            return self._jobs.get(job_id)

    def pending(self) -> list[tuple[Job, Any]]:
        """Jobs queued or running, with their plans, in the order they run."""
        with self._cond:
            ids = ([self._running] if self._running is not None else []) + self._queue
            return [(self._jobs[i], self._plans[i]) for i in ids]

    def recent(self, limit: int = 50) -> list[Job]:
        with self._cond:
            return [self._jobs[i] for i in sorted(self._jobs, reverse=True)[:limit]]

    def close(self, timeout: float | None = None) -> None:
        """Stop after the running job (queued ones stay queued and are marked failed at the next start-up)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout)

    # --- worker

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                job_id = self._queue.pop(0)
                self._running = job_id
                job = self._set(job_id, status="running", started=now(), stage="starting", waiting_for=None)
                plan = self._plans[job_id]
                self._refresh_waits()
            try:
                done = self._run(job, plan, lambda fraction, stage: self._progress(job_id, fraction, stage))
                final = done.model_copy(update={"status": "done", "progress": 1.0, "stage": "done"})
            except JobFailed as exc:
                final = self.get(job_id).model_copy(update={"status": "failed", "message": str(exc)})
            except Exception as exc:  # a failure of one job must not stop the worker
                log.exception("job %s (%s) failed", job_id, job.action)
                final = self.get(job_id).model_copy(
                    update={"status": "failed", "message": f"{type(exc).__name__}: {exc}"}
                )
            with self._cond:
                final = final.model_copy(update={"finished": now()})
                self._jobs[job_id] = final
                self._plans.pop(job_id, None)
                self._running = None
                self._save(final)
            self._end(final)

    def _progress(self, job_id: int, fraction: float, stage: str) -> None:
        with self._cond:
            self._set(job_id, progress=max(0.0, min(1.0, fraction)), stage=stage, persist=False)

    def _set(self, job_id: int, persist: bool = True, **changes) -> Job:
        job = self._jobs[job_id] = self._jobs[job_id].model_copy(update=changes)
        if persist:
            self._save(job)
        return job

    def _refresh_waits(self) -> None:
        """Each queued job says which job runs just before it."""
        ahead = self._running
        for job_id in self._queue:
            if ahead is None:
                self._jobs[job_id] = self._jobs[job_id].model_copy(update={"waiting_for": None, "stage": "starting"})
            else:
                self._jobs[job_id] = self._jobs[job_id].model_copy(
                    update={"waiting_for": ahead, "stage": f"waiting behind job {ahead}"}
                )
            ahead = job_id

    def _end(self, job: Job) -> None:
        try:
            self._on_end(job)
        except Exception:  # the audit log must not take the worker down
            log.exception("recording the end of job %s failed", job.job_id)

    # --- persistence

    def _save(self, job: Job) -> None:
        with self._path.open("a", encoding="utf-8") as fh:
            fh.write(job.model_dump_json(exclude={"progress"}) + "\n")

    def _recover(self) -> None:
        """Load the jobs file; a job left queued or running was cut short by a stop: mark it failed."""
        if not self._path.exists():
            return
        text = self._path.read_text(encoding="utf-8")
        if text and not text.endswith("\n"):  # a line cut off by a kill: end it, so the next one starts afresh
            with self._path.open("a", encoding="utf-8") as fh:
                fh.write("\n")
        for line in text.splitlines():
            try:
                job = Job.model_validate(json.loads(line))
            except ValueError:
                continue  # a line cut off by a kill
            self._jobs[job.job_id] = job
        for job in list(self._jobs.values()):
            if job.status in ("queued", "running"):
                failed = job.model_copy(
                    update={
                        "status": "failed",
                        "finished": now(),
                        "waiting_for": None,
                        "stage": "stopped",
                        "message": CUT_SHORT if job.status == "running" else NEVER_RAN,
                    }
                )
                self._jobs[job.job_id] = failed
                self._save(failed)
                log.warning(
                    "job %s (%s %s) was cut short by a stop; marked failed",
                    job.job_id,
                    job.action,
                    job.file or job.doc_id or "",
                )
                self._end(failed)
