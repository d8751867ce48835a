"""Thumbs up/down on an answer, appended as one JSON line (question, answer, citations) for the evaluation."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path

_lock = threading.Lock()


def record_feedback(path: Path, rating: str, turn: dict) -> dict:
    """Append one rating ("up" or "down") of a chat turn to the JSONL file at `path`; return the row written.

    `turn` is the chat's record of the answer: message (as typed), question (as asked), filters, answer (Answer dict).
    """
    if rating not in ("up", "down"):
        raise ValueError(f"rating is {rating!r}; use 'up' or 'down'")
    answer = turn["answer"]
    row = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "rating": rating,
        "message": turn.get("message"),
        "question": turn.get("question"),
        "filters": turn.get("filters") or {},
        "answer": answer["answer"],
        "abstained": answer["abstained"],
        "question_type": answer.get("question_type"),
        "citations": [
            {k: c[k] for k in ("doc_id", "clause_id", "clause", "quote")} for c in answer.get("citations", [])
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock, path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return row
