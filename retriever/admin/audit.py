"""The audit log of changes to the knowledge base: one JSON line per finished change (who, when, what, hash)."""

from __future__ import annotations

import threading
from pathlib import Path

from retriever.models import AuditEntry

_lock = threading.Lock()


def append(path: Path, entry: AuditEntry) -> None:
    """Add one entry at the end of the log, creating the file (and its folder) if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock, path.open("a", encoding="utf-8") as fh:
        fh.write(entry.model_dump_json() + "\n")


def read(path: Path, limit: int | None = None) -> list[AuditEntry]:
    """The newest `limit` entries (all when None), newest first; a damaged line is skipped, not fatal."""
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entries.append(AuditEntry.model_validate_json(line))
        except ValueError:
            continue
    entries.reverse()
    return entries[:limit] if limit is not None else entries
