"""Bank checks run in the background, one at a time by one worker thread, with their progress (rows done of total).

A check only reads the index, so unlike the knowledge-base jobs of retriever.admin.jobs it is kept in memory and
not persisted: a restart forgets running and finished checks, and the trainer uploads the bank again. The bank is
read and validated whole before it is queued (retriever.exam.bank.read_bank), so a queued check never fails on
the file's shape.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections import deque
from datetime import UTC, datetime

from langchain_core.embeddings import Embeddings

from retriever.exam.bank import Bank, check_bank
from retriever.index import Index
from retriever.models import BankCheck

log = logging.getLogger(__name__)

# Finished checks kept for their reports to be fetched; the oldest is dropped beyond this.
KEEP_FINISHED = 50


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class BankChecks:
    """Submit a read bank with the index to check it against; follow it with `get(check_id)`."""

    def __init__(self, keep: int = KEEP_FINISHED) -> None:
        self._cond = threading.Condition()
        self._checks: dict[str, BankCheck] = {}
        self._queue: deque[tuple[str, Bank, Index, Embeddings]] = deque()
        self._finished: deque[str] = deque()
        self._keep = keep
        self._closed = False
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

    def _set(self, check_id: str, **changes) -> None:
        with self._cond:
            self._checks[check_id] = self._checks[check_id].model_copy(update=changes)
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
                report = check_bank(index, embedder, bank, lambda done, total: self._set(check_id, done=done))
                self._set(check_id, status="done", done=len(bank.rows), report=report, finished=now())
            except Exception as exc:  # one failed check must not stop the worker
                log.exception("bank check %s (%s) failed", check_id, bank.file)
                self._set(check_id, status="failed", message=f"{type(exc).__name__}: {exc}", finished=now())
            self._forget_old(check_id)

    def _forget_old(self, check_id: str) -> None:
        with self._cond:
            self._finished.append(check_id)
            while len(self._finished) > self._keep:
                self._checks.pop(self._finished.popleft(), None)


_shared: BankChecks | None = None
_shared_lock = threading.Lock()


def shared() -> BankChecks:
    """The process's one bank-check worker, shared by the HTTP API and the chat UI (a check started by one is
    followed by the other: the UI uploads over POST /quiz/check)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = BankChecks()
        return _shared
