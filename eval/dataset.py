"""The evaluation set: questions with their type, gold clause ids and required answer values, read from JSONL."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from retriever.models import QuestionType

DEFAULT_SET = Path(__file__).resolve().parent / "questions.jsonl"
TYPES: tuple[str, ...] = get_args(QuestionType)
SPLITS = ("dev", "test")
LANGS = ("zh", "zh-hant", "en")


class SetError(ValueError):
    """An evaluation file that cannot be used; the message names the line and the fix."""


@dataclass(frozen=True)
class Item:
    id: str
    question: str
    type: str
    gold: tuple[str, ...]  # clause ids; a comparison lists one per notice compared; [] when unanswerable
    must_contain: tuple[tuple[str, ...], ...]  # each required value, as a tuple of accepted spellings
    split: str | None = None  # None: the item belongs to every split
    lang: str = "zh"
    region_trap: bool = False
    notes: str = ""
    # an unanswerable question a larger knowledge base answers: (that KB, the item as answered there)
    answered_in: tuple[str, "Item"] | None = None

    def on(self, kb: str) -> "Item":
        """The item as scored on knowledge base `kb`: answerable where `kb` holds the documents that answer it."""
        from eval.kbs import KBS

        if self.answered_in and kb in KBS and set(KBS[self.answered_in[0]]) <= set(KBS[kb]):
            return self.answered_in[1]
        return self

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"

    @property
    def doc_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(g.split("/", 1)[0] for g in self.gold))


def _item(row: dict, where: str) -> Item:
    for key in ("id", "question", "type"):
        if not isinstance(row.get(key), str) or not row[key].strip():
            raise SetError(f"{where}: field {key!r} is missing or empty")
    if row["type"] not in TYPES:
        raise SetError(f"{where}: type {row['type']!r} is not one of {', '.join(TYPES)}")
    gold = row.get("gold", [])
    must = row.get("must_contain", [])
    if not isinstance(gold, list) or not all(isinstance(g, str) for g in gold):
        raise SetError(f"{where}: 'gold' must be a list of clause ids")
    if not isinstance(must, list) or not all(isinstance(v, (str, list)) for v in must):
        raise SetError(f"{where}: 'must_contain' must be a list of values (a value may be a list of spellings)")
    if row["type"] == "unanswerable" and (gold or must):
        raise SetError(f"{where}: an unanswerable question has no gold clauses and no required values")
    if row["type"] != "unanswerable" and not gold:
        raise SetError(f"{where}: an answerable question needs at least one gold clause id")
    split = row.get("split")
    if split is not None and split not in SPLITS:
        raise SetError(f"{where}: split {split!r} is not one of {', '.join(SPLITS)} (or leave it out)")
    lang = row.get("lang", "zh")
    if lang not in LANGS:
        raise SetError(f"{where}: lang {lang!r} is not one of {', '.join(LANGS)}")
    answered_in = None
    if (grown := row.get("answered_in")) is not None:
        from eval.kbs import KBS

        if row["type"] != "unanswerable" or not isinstance(grown, dict) or grown.get("kb") not in KBS:
            raise SetError(
                f"{where}: 'answered_in' belongs to an unanswerable question and names the knowledge base that "
                f"answers it ({', '.join(KBS)}) with its type, gold and must_contain"
            )
        fields = {k: v for k, v in row.items() if k != "answered_in"}
        fields.update(type=grown.get("type"), gold=grown.get("gold", []), must_contain=grown.get("must_contain", []))
        answered_in = (grown["kb"], _item(fields, f"{where} (answered_in)"))
    return Item(
        id=row["id"],
        question=row["question"],
        type=row["type"],
        gold=tuple(gold),
        must_contain=tuple(tuple(v) if isinstance(v, list) else (v,) for v in must),
        split=split,
        lang=lang,
        region_trap=bool(row.get("region_trap", False)),
        notes=row.get("notes", ""),
        answered_in=answered_in,
    )


def load_set(path: Path = DEFAULT_SET, kb: str = "kb") -> list[Item]:
    """Read an evaluation file (one JSON object per line; blank lines and lines starting with # are skipped), its
    items as scored on knowledge base `kb` (Item.on)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise SetError(f"{path}: cannot be read ({exc.strerror}); give an existing JSONL file with --set") from exc
    items, seen = [], set()
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{path.name}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SetError(f"{where}: not valid JSON ({exc.msg}); one question object per line") from exc
        if not isinstance(row, dict):
            raise SetError(f"{where}: expected a JSON object")
        item = _item(row, where)
        if item.id in seen:
            raise SetError(f"{where}: id {item.id!r} is used twice; ids must be unique")
        seen.add(item.id)
        items.append(item.on(kb))
    if not items:
        raise SetError(f"{path}: no questions found")
    return items


def select(items: list[Item], split: str) -> list[Item]:
    """The items of one split ('dev', 'test') or all of them ('all'); unsplit items belong to every split."""
    if split == "all":
        return list(items)
    if split not in SPLITS:
        raise SetError(f"split {split!r} is not one of dev, test, all")
    return [it for it in items if it.split in (None, split)]
