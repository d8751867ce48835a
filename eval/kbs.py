"""The knowledge bases an evaluation runs on: kb/ alone, or kb/ with the shared regulations read where they are.

The regulations are never copied: their index is built beside the product's (`<index dir>-with-regulations`),
incrementally, so a second run re-embeds nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from retriever.config import ROOT, Settings

if TYPE_CHECKING:
    from retriever.index import Index

REGULATIONS = ROOT.parent / "shared" / "regulations"
KBS: dict[str, tuple[Path, ...]] = {"kb": (), "kb+regulations": (REGULATIONS,)}
# The knowledge base a set is written for (file name → KB); others run on kb/ alone.
SET_KB = {"regulations.jsonl": "kb+regulations", "exam_items.jsonl": "kb+regulations"}


class KBMissing(RuntimeError):
    """A knowledge base needs a folder that is not here (the shared regulations on a machine without them)."""


def kb_for(set_path: Path) -> str:
    return SET_KB.get(Path(set_path).name, "kb")


def extra_dirs(kb: str) -> tuple[Path, ...]:
    if kb not in KBS:
        raise ValueError(f"unknown knowledge base {kb!r}; choose from {', '.join(KBS)}")
    missing = [d for d in KBS[kb] if not d.is_dir()]
    if missing:
        raise KBMissing(f"{missing[0]} is absent: the {kb} evaluation needs the shared regulations beside the project")
    return KBS[kb]


def index_dir_for(kb: str, settings: Settings) -> Path:
    return (
        settings.index_dir
        if kb == "kb"
        else settings.index_dir.with_name(f"{settings.index_dir.name}-with-regulations")
    )


def files_for(kb: str, settings: Settings) -> list[Path]:
    """The document files of a knowledge base, as the baselines read them."""
    from retriever.index import notice_files

    return notice_files(settings.kb_dir, extra_dirs(kb))


def index_for(kb: str, settings: Settings, embedder, progress: Callable[[int, int], None] | None = None) -> Index:
    """The index of a knowledge base, built (or brought up to date) first."""
    from retriever.index import build_index, load_index

    path = index_dir_for(kb, settings)
    build_index(settings.kb_dir, path, embedder, settings.chunk_chars, progress=progress, extra_dirs=extra_dirs(kb))
    return load_index(path, embedder)
