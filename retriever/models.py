"""The one data model every part of MetroKB imports: notices, clauses, facts, chunks, answers, quiz items."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


Level = Literal["国家", "省", "市", "县", "未知"]
ClauseKind = Literal["header", "preamble", "chapter", "section", "item", "principle"]
FactKind = Literal["responsibility", "target", "deadline"]
QuestionType = Literal[
    "target", "deadline", "responsibility", "metadata", "comparison", "general", "unanswerable"
]


class Notice(_Frozen):
    """One notice (通知/意见) with its header metadata."""

    doc_id: str
    file: str
    title: str
    issuer: str | None = None
    doc_number: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd
    region: str | None = None
    level: Level = "未知"
    source: str | None = None
    addressees: str | None = None
    content_hash: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None


class Clause(_Frozen):
    """One numbered clause of a notice (一、 / (一) / 1. / —), or its header or preamble."""

    clause_id: str  # e.g. nanchang-2023/二/(三)/1
    doc_id: str
    kind: ClauseKind
    path: str  # readable: 二、(三)1.
    heading: str
    text: str  # the clause as shown to users
    position: int  # order in the document
    parent_id: str | None = None


class Fact(_Frozen):
    """A responsibility, target or deadline stated in one clause; `quote` is a substring of the clause text."""

    kind: FactKind
    clause_id: str
    doc_id: str
    quote: str
    units: tuple[str, ...] = ()  # responsibility: units as the notice writes them
    implicit_units: tuple[str, ...] = ()  # units a notice says apply to every later list
    metric: str | None = None  # target: what is measured
    value: str | None = None  # target: "92%", "30项", "1-2家", "B级"
    qualifier: str | None = None  # 以上 / 以下 / 左右 / 超过
    deadline: str | None = None  # 到2025年 / 到"十四五"末 / 每年 ...
    year: int | None = None


class Chunk(_Frozen):
    """The unit of retrieval: a clause or a sentence-bounded piece of a long clause."""

    chunk_id: str
    clause_id: str
    doc_id: str
    text: str  # shown
    embed_text: str  # text + context, what the embedder sees
    tokens: tuple[str, ...] = ()  # lexical tokens for BM25


class Citation(BaseModel):
    doc_id: str
    title: str
    clause_id: str
    clause: str = Field(description="readable clause path, e.g. 二、(三)1.")
    text: str = Field(description="the whole clause text")
    quote: str = Field(description="the exact supporting span, a substring of text")
    score: float


class Answer(BaseModel):
    answer: str
    abstained: bool
    question_type: QuestionType
    citations: list[Citation] = []
    related: list[Citation] = []
    latency_ms: float = 0.0


QuizKind = Literal["fill", "choice", "judge"]


class QuizItem(_Frozen):
    item_id: str
    kind: QuizKind
    stem: str
    options: tuple[str, ...] = ()
    answer: str
    explanation: str
    citation: Citation
