"""Bank checks run in the background, one at a time by one worker thread, with their progress (rows done of total).

Each check is kept as a JSON file in the data directory (`<data dir>/bank_checks/<check_id>.json`, written
atomically whenever its status changes), so after a restart finished checks are still listed and their reports
downloadable. A check the restart interrupted is marked failed (the bank itself is not kept: upload it again).
The bank is read and validated whole before it is queued (retriever.exam.bank.read_bank), so a queued check never
fails on the file's shape.
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
import threading
from collections import deque
from datetime import UTC, datetime
from pathlib import Path

from langchain_core.embeddings import Embeddings
from pydantic import ValidationError

from retriever.exam.bank import Bank, check_bank
from retriever.index import Index
from retriever.models import BankCheck

log = logging.getLogger(__name__)

# Finished checks kept for their reports to be fetched; the oldest is dropped (and its file deleted) beyond this.
KEEP_FINISHED = 50
# Why a check found queued or running when the store is opened has no report: the process stopped under it.
INTERRUPTED = "服务在核对完成前重启，这次核对已中断；请重新上传题库。"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class BankChecks:
    """Submit a read bank with the index to check it against; follow it with `get(check_id)`. With `folder`,
    every check is kept there and read back when the worker starts."""

    def __init__(self, folder: Path | None = None, keep: int = KEEP_FINISHED) -> None:
        self._cond = threading.Condition()
        self._checks: dict[str, BankCheck] = {}
        self._queue: deque[tuple[str, Bank, Index, Embeddings]] = deque()
        self._finished: deque[str] = deque()
        self._keep = keep
        self._closed = False
        self._folder = folder
        if folder is not None:
            self._load(folder)
        self._thread = threading.Thread(target=self._work, name="metrokb-bank-check", daemon=True)
        self._thread.start()

    def submit(self, bank: Bank, index: Index, embedder: Embeddings) -> BankCheck:
        """Queue a check of `bank` against `index`; returns it queued, with an id hard to guess (reports may be
        private to whoever uploaded the bank)."""
        check = BankCheck(check_id=secrets.token_hex(8), file=bank.file, total=len(bank.rows), created=now())
        with self._cond:
            if self._closed:
                raise RuntimeError("the bank-check worker is closed")
            self._checks[check.check_id] = check
            self._save(check)
            self._queue.append((check.check_id, bank, index, embedder))
            self._cond.notify_all()
        return check

    def __len__(self) -> int:
        """How many checks are known (queued, running, or finished and kept)."""
        with self._cond:
            return len(self._checks)

    def get(self, check_id: str) -> BankCheck | None:
        with self._cond:
            return self._checks.get(check_id)

    def wait(self, check_id: str, seconds: float) -> BankCheck | None:
        """The check once it has finished, or as it stands after `seconds`."""
        with self._cond:
            self._cond.wait_for(
                lambda: self._checks.get(check_id) is None or self._checks[check_id].status in ("done", "failed"),
                timeout=max(0.0, seconds),
            )
            return self._checks.get(check_id)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def _set(self, check_id: str, save: bool = True, **changes) -> None:
        """Update a check; kept on disk unless only its progress moved (`save=False`)."""
        with self._cond:
            self._checks[check_id] = self._checks[check_id].model_copy(update=changes)
            if save:
                self._save(self._checks[check_id])
            self._cond.notify_all()

    def _work(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._queue or self._closed)
                if self._closed:
                    return
                check_id, bank, index, embedder = self._queue.popleft()
            self._set(check_id, status="running")
            try:
                report = check_bank(
                    index, embedder, bank, lambda done, total: self._set(check_id, save=False, done=done)
                )
                self._set(check_id, status="done", done=len(bank.rows), report=report, finished=now())
            except Exception as exc:  # one failed check must not stop the worker
                log.exception("bank check %s (%s) failed", check_id, bank.file)
                self._set(check_id, status="failed", message=f"核对出错（{type(exc).__name__}：{exc}）", finished=now())
            self._forget_old(check_id)

    def _forget_old(self, check_id: str) -> None:
        with self._cond:
            self._finished.append(check_id)
            while len(self._finished) > self._keep:
                old = self._finished.popleft()
                self._checks.pop(old, None)
                if self._folder is not None:
                    (self._folder / f"{old}.json").unlink(missing_ok=True)

    # --- on disk ------------------------------------------------------------------------------------

    def _save(self, check: BankCheck) -> None:
        """Write the check's file whole or not at all (a temporary file renamed over it)."""
        if self._folder is None:
            return
        self._folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self._folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(check.model_dump_json())
            os.replace(tmp, self._folder / f"{check.check_id}.json")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _load(self, folder: Path) -> None:
        """Read back the checks kept in `folder`: finished ones as they were, interrupted ones marked failed."""
        checks = []
        for path in folder.glob("*.json"):
            try:
                checks.append(BankCheck.model_validate_json(path.read_text(encoding="utf-8")))
            except (OSError, ValidationError) as exc:
                log.warning("%s: not a bank check this version reads (%s); skipped", path, exc)
        for check in sorted(checks, key=lambda c: (c.finished or c.created, c.check_id)):
            if check.status in ("queued", "running"):
                check = check.model_copy(update={"status": "failed", "message": INTERRUPTED, "finished": now()})
                self._save(check)
            self._checks[check.check_id] = check
            self._finished.append(check.check_id)


_shared: dict[Path | None, BankChecks] = {}
_shared_lock = threading.Lock()


def shared(folder: Path | None = None) -> BankChecks:
    """The process's one bank-check worker for `folder` (the settings' bank_checks_dir), shared by the HTTP API
    and the chat UI (a check started by one is followed by the other: the UI uploads over POST /quiz/check)."""
    key = folder.resolve() if folder is not None else None
    with _shared_lock:
        if key not in _shared:
            _shared[key] = BankChecks(key)
        return _shared[key]
