"""The running core every interface shares: settings, embedder and the index, reloaded when ingest swaps it."""

from __future__ import annotations

import logging
import os
import threading

from retriever.answering.answer import ask
from retriever.config import Settings, get_settings
from retriever.embed import get_embedder
from retriever.index import Index, build_index, load_index
from retriever.models import Answer

log = logging.getLogger(__name__)


class Engine:
    """Holds the loaded index; `index` always returns the newest complete build."""

    def __init__(self, settings: Settings | None = None, build_if_missing: bool = True) -> None:
        self.settings = settings or get_settings()
        self.embedder = get_embedder(self.settings.embedder)
        self._lock = threading.Lock()
        self._index: Index | None = None
        self._target: str | None = None
        self.llm = None  # a LangChain chat model for generative mode; built from settings on first use
        current = self.settings.index_dir / "current"
        if build_if_missing and not current.exists():
            log.warning("no index in %s; building it from %s", self.settings.index_dir, self.settings.kb_dir)
            build_index(
                self.settings.kb_dir,
                self.settings.index_dir,
                self.embedder,
                self.settings.chunk_chars,
                extra_dirs=self.settings.extra_kb_dirs,
            )
        self._reload()

    def _reload(self) -> Index:
        target = os.path.realpath(self.settings.index_dir / "current")
        with self._lock:
            if target != self._target or self._index is None:
                index = load_index(self.settings.index_dir, self.embedder)
                self._index, self._target = index, target
                log.info("loaded index %s", target)
            return self._index

    @property
    def index(self) -> Index:
        """The current index; if ingest has swapped in a new build, load it first (requests in flight keep theirs)."""
        if os.path.realpath(self.settings.index_dir / "current") != self._target:
            return self._reload()
        return self._index

    def ask(
        self,
        question: str,
        filters: dict | None = None,
        top_k: int | None = None,
        mode: str | None = None,
        history: list[str] | None = None,
    ) -> Answer:
        """Answer a question; with `history` (the earlier questions of a conversation) read as a follow-up."""
        if history:
            from retriever.answering.conversation import standalone

            question = standalone(question, history, self.index)
        if mode == "generative" and self.llm is None:
            from retriever.answering.generate import chat_model

            self.llm = chat_model(self.settings)
        return ask(
            self.index,
            question,
            filters=filters,
            top_k=top_k or self.settings.top_k,
            mode=mode or "extractive",
            settings=self.settings,
            llm=self.llm,
        )
