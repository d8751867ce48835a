"""The one data model every part of MetroKB imports: documents, clauses, facts, chunks, answers, quiz items.

A document is a policy notice (通知/意见, clauses 一、(一)1.) or a regulation (法律/法规/规章, articles
第X条 with 款/项/目 inside); both are `Notice` objects and both are cut into `Clause`s, the unit answers cite.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


Level = Literal["国家", "省", "市", "县", "未知"]
# What a document is, in the hierarchy of Chinese legal sources (法律 > 行政法规 > 地方性法规 / 规章 > 规范性文件).
DocKind = Literal[
    "法律", "行政法规", "地方性法规", "部门规章", "地方政府规章", "司法解释", "规范性文件", "通知·意见", "未知"
]
# How a document's body is written: 一、(一)1. clauses, 第X条 articles, or neither (each paragraph a clause).
DocStyle = Literal["notice", "articles", "mixed", "paragraphs"]
ClauseKind = Literal[
    "header", "preamble", "part", "chapter", "section", "item", "principle", "article", "appendix", "paragraph"
]
FactKind = Literal[
    "responsibility",
    "target",
    "deadline",  # policy notices
    "penalty",
    "time_limit",
    "effective",
    "authority",
    "definition",
    "rule",
    "list",  # regulations
]
QuestionType = Literal[
    "target",
    "deadline",
    "responsibility",
    "metadata",
    "comparison",
    "general",
    "penalty",
    "time_limit",
    "authority",
    "definition",
    "permission",
    "list",
    "unanswerable",
    "exam",  # a pasted exam item, answered with its choice (Answer.choice)
]


class Event(_Frozen):
    """A dated step in a document's life, as its front matter states it (通过, 修正, 修订, 批准, 发布, 施行)."""

    date: str  # ISO yyyy-mm-dd
    action: str  # 通过 / 修正 / 修订 / 批准 / 发布 / 公布 / 施行 / 印发
    by: str | None = None  # the body that acted: 全国人民代表大会常务委员会, 国务院, 国家计量局
    text: str = ""  # the line as written


class Notice(_Frozen):
    """One document — a policy notice or a regulation — with its metadata and its place among its versions."""

    doc_id: str
    file: str
    title: str
    issuer: str | None = None  # the adopting or issuing body
    doc_number: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd: issued, or the latest adoption/amendment/revision
    region: str | None = None  # 南昌, 浙江, 全国
    level: Level = "未知"
    source: str | None = None
    addressees: str | None = None
    kind: DocKind = "未知"
    style: DocStyle = "notice"
    events: tuple[Event, ...] = ()
    effective: str | None = None  # ISO date the document takes effect, when it says so
    series: str = ""  # versions of one document share it: its normalised title, or the catalog's `series`
    # A code published in part files (民法典's 编): each file is a document of its own (its clause ids, its file) and
    # names its part (人格权编); every part of one code shares `part_of`, the doc_id of its first part (itself
    # included). Parts share their status: a version is a whole edition of the code, never one part.
    part: str | None = None
    part_of: str | None = None
    status: Literal["current", "superseded"] = "current"
    superseded_by: str | None = None  # doc_id of the next newer version
    content_hash: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def version_label(self) -> str:
        """How an answer names this version: 2022年3月29日修订版 / 2018年版 (2018年3月19日版 when the version is
        dated later than the last amendment its history states)."""
        last = next((e for e in reversed(self.events) if e.action in ("修正", "修订")), None)
        if last and self.date and len(self.date) == 10 and self.date > last.date:
            y, m, d = (int(x) for x in self.date.split("-"))
            return f"{y}年{m}月{d}日版"
        if last:
            y, m, d = (int(x) for x in last.date.split("-"))
            return f"{y}年{m}月{d}日{last.action}版"
        return f"{self.date[:4]}年版" if self.date else "现行版"

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None


class Part(_Frozen):
    """A paragraph (款), item (项) or sub-item (目) inside an article: `text[start:end]` of its clause."""

    kind: Literal["款", "项", "目"]
    label: str  # as cited after the article: 第二款, 第（三）项, 第二款第（三）项
    start: int
    end: int


class Ref(_Frozen):
    """A cross-reference in a clause: 本细则第十七条第二款, 《中华人民共和国计量法》第三十三条."""

    text: str  # as written
    start: int  # offset in the clause text
    title: str | None = None  # the document named, None for 本法/本细则/bare 第X条 (this document)
    article: str  # 第十七条
    part: str | None = None  # 第二款 / 第（三）项
    target: str | None = None  # the clause id it resolves to in the knowledge base, if any


class Clause(_Frozen):
    """The unit answers cite: a notice clause (一、 / (一) / 1. / —), an article (第X条), an appended list,
    or a document's header or preamble. Headings of 编/章/节 are clauses too, without text of their own."""

    clause_id: str  # e.g. nanchang-2023/二/(三)/1, 计量法-2018-10-26/第九条
    doc_id: str
    kind: ClauseKind
    path: str  # readable: 二、(三)1. / 第二章 第九条
    heading: str  # notices: the clause's run-in heading; articles: their chapter and section titles
    text: str  # the clause as shown to users
    position: int  # order in the document
    parent_id: str | None = None
    number: int | None = None  # article number (第九条 → 9)
    parts: tuple[Part, ...] = ()
    refs: tuple[Ref, ...] = ()
    page: int | None = None  # the page of the original PDF the clause starts on (documents read from PDF)

    @property
    def label(self) -> str:
        """The clause's own name, as cited: 第九条 (articles), 二、(三)1. (notice clauses)."""
        return self.path.rsplit(" ", 1)[-1]

    def part_at(self, start: int, end: int) -> Part | None:
        """The smallest part covering text[start:end], if the span lies inside one."""
        inside = [p for p in self.parts if p.start <= start and end <= p.end]
        return min(inside, key=lambda p: p.end - p.start, default=None)


class Fact(_Frozen):
    """Something one clause states, with its exact quote (a substring of the clause text).

    Notices: responsibility (units), target (metric, value), deadline. Regulations: penalty (value: the
    amount or sanction), time_limit (value: 十五日), effective (value: ISO date), authority (value: the body
    that decides/approves/supervises), definition (subject: the term, value: its meaning), rule (modal:
    应当/不得/可以…), list (items of an enumeration)."""

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
    # regulations: what the rule is about (the act penalised, the term defined, the matter decided)
    subject: str | None = None
    modal: str | None = None  # rule: 必须 / 应当 / 不得 / 禁止 / 可以 ...
    items: tuple[str, ...] = ()  # list: the enumerated items, as written


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
    part: str | None = Field(
        None, description="the paragraph or item of an article the quote lies in, e.g. 第一款, 第（三）项"
    )
    version: str | None = Field(None, description="which version of a regulation is quoted, e.g. 2022年3月29日修订版")


class PlaceScope(BaseModel):
    """The place a question is about, the divisions above it, and which level's documents answered."""

    name: str = Field(description="the place as a short name: 嘉兴, 苏州, 浦东")
    chain: list[tuple[str, str]] = Field(
        description="the place and the divisions above it up to the province, each (name, level 县/市/省): "
        '[["嘉兴", "市"], ["浙江", "省"]]; a place outside China and its country have level 境外'
    )
    local: list[str] = Field(description="the regions of the chain with documents in the knowledge base ([] = none)")
    answered_by: str | None = Field(
        None, description="the region whose documents answered: 浙江, or 全国 for the national documents"
    )
    level: Level | None = Field(None, description="that region's level: 国家, 省, 市, 县")


class Answer(BaseModel):
    answer: str
    abstained: bool
    question_type: QuestionType
    citations: list[Citation] = []
    related: list[Citation] = []
    latency_ms: float = 0.0
    place: PlaceScope | None = Field(
        None, description="the place the question is about and the level that answered (None: no place named)"
    )
    choice: list[str] | None = Field(
        None,
        description="a pasted exam item: the options the deciding article supports (['A'], ['A', 'C', 'D'], "
        "['错'] for a 判断 item); null when the question is no exam item or no article decides it",
    )


# --- a pasted exam item (题库 item) and how the knowledge base decides it --------------------------

ExamKind = Literal["single", "multiple", "judge"]
JUDGE_TRUE, JUDGE_FALSE = "对", "错"


class ExamItem(_Frozen):
    """An exam item as a person pastes it: 单选 / 多选 with lettered options, or a 判断 statement."""

    kind: ExamKind
    stem: str = Field(description="the question text, blank (（　　）/______) kept as written")
    options: dict[str, str] = Field(default_factory=dict, description="letter -> option text; empty for judge")
    label: str | None = Field(None, description="the item's own type label as written: 【单选题】, 多选题")
    number: str | None = Field(None, description="the item's number as written: 12, 第3题")
    negative: bool = Field(False, description="the stem asks for the wrong option: 不正确的是, 不属于, 除外")
    kind_stated: bool = Field(False, description="the kind comes from a label, not guessed from the options")


class Solution(BaseModel):
    """What the knowledge base says about an exam item: the choice, the article that decides it, and why each
    option is right or wrong. `choice` is None (and `decided` False) when no indexed article decides it."""

    item: ExamItem
    choice: list[str] | None = Field(
        None, description="letters in order (['A', 'C', 'D']), or ['对'] / ['错'] for judge; None when undecided"
    )
    decided: bool = False
    citations: list[Citation] = Field(default_factory=list, description="the deciding article first")
    option_notes: dict[str, str] = Field(
        default_factory=dict, description="letter (or 对/错 for judge) -> why the option is right or wrong"
    )
    by_version: dict[str, list[str]] = Field(
        default_factory=dict,
        description="version label (as cite.version_of names it) -> the choice under that version of the "
        "deciding document, when the index holds several versions",
    )
    changes: str = Field(
        "",
        description="when an older version of the deciding document gives another choice: what it said and chose, "
        "with [n] markers into `citations`",
    )
    related: list[Citation] = Field(default_factory=list, description="closest articles when undecided")
    margin: float = Field(0.0, description="evidence margin of the choice over the best rejected reading")


# --- exam practice (注册计量师): items, papers, grading, learners ----------------------------------

QuizKind = Literal["single", "multiple", "fill", "judge"]
# What an item tests. Notices: a target value, a deadline, a responsible unit, which notice states it.
# Regulations: who decides or approves, a time limit, a fine, the consequence of an act, a defined term,
# when a document takes effect, which article states a rule, the items of an enumeration.
QuizFacet = Literal[
    "value",
    "deadline",
    "unit",
    "source",
    "authority",
    "time_limit",
    "penalty",
    "consequence",
    "definition",
    "effective",
    "article",
    "list",
]
QuizMode = Literal["practice", "mock"]
# How a multiple-choice item scores: `partial` = 错选不得分，少选每选对一项得0.5分 (the rule of Chinese professional
# qualification exams such as 注册计量师); `all_or_nothing` = only the exact key scores.
MultipleScoring = Literal["partial", "all_or_nothing"]
QUIZ_KINDS: tuple[QuizKind, ...] = ("single", "multiple", "fill", "judge")
QUIZ_KIND_NAMES: dict[str, str] = {
    "single": "单项选择题",
    "multiple": "多项选择题",
    "fill": "填空题",
    "judge": "判断题",
}
OPTION_LABELS = "ABCDEFGH"


class QuizQuestion(_Frozen):
    """An exam item as a candidate sees it: no answer, explanation or citation."""

    item_id: str = Field(description="stable id: clause id + what the item tests")
    kind: QuizKind
    stem: str
    options: tuple[str, ...] = Field(
        default=(), description="single/multiple: the options, labelled A, B, C... in order"
    )
    points: float = Field(1.0, description="what the item is worth in its paper")


class QuizItem(QuizQuestion):
    """An exam item generated from what one clause states, with its answer and the clause it comes from."""

    facet: QuizFacet
    answer: str = Field(
        description="fill: the blanked text; single: the correct option; multiple: the correct "
        "options joined by 、; judge: 正确 or 错误"
    )
    answers: tuple[str, ...] = Field(default=(), description="multiple: the correct options, in option order")
    explanation: str = Field(description="why, quoting the clause and naming document and article")
    citation: Citation
    truth: str = Field(
        description="the tested fact as the clause states it: value, deadline, unit, body, term or doc_id"
    )
    shown: str | None = Field(default=None, description="judge: what the statement says in place of `truth`")
    chapter: str | None = Field(
        default=None,
        description="the chapter (第二章 计量基准器具…) or top-level notice section (二、…) the clause lies in",
    )

    @property
    def key(self) -> str:
        """The letters of the right options (`B`, `ABD`), or the answer itself for fill and judge."""
        if self.kind == "single":
            return OPTION_LABELS[self.options.index(self.answer)]
        if self.kind == "multiple":
            return "".join(OPTION_LABELS[i] for i, o in enumerate(self.options) if o in self.answers)
        return self.answer

    @property
    def answer_key(self) -> str:
        """The answer as printed in a key: `B. 市发改委`, `ABD. 贸易结算；安全防护；环境监测`, or the text."""
        if self.kind == "single":
            return f"{self.key}. {self.answer}"
        if self.kind == "multiple":
            return f"{self.key}. {'；'.join(self.answers)}"
        return self.answer

    def question(self) -> QuizQuestion:
        return QuizQuestion(
            item_id=self.item_id, kind=self.kind, stem=self.stem, options=self.options, points=self.points
        )


class PaperSection(_Frozen):
    """One part of a paper: how many items of a kind, and what each is worth."""

    kind: QuizKind
    count: int = Field(ge=0)
    points: float = Field(gt=0)


class QuizPaper(_Frozen):
    """A paper as handed to candidates; `paper_id` regenerates it (and grades it) without server state."""

    paper_id: str
    seed: int
    mode: QuizMode = "practice"
    sections: tuple[PaperSection, ...] = Field(description="kinds in paper order, with counts asked for and points")
    minutes: float | None = Field(None, description="mock: the time limit shown as a countdown")
    scoring: MultipleScoring = "partial"
    pass_mark: float = Field(60.0, description="percentage of full marks needed to pass")
    max_points: float = 0.0
    doc_ids: tuple[str, ...] = ()
    chapters: tuple[str, ...] = ()
    questions: tuple[QuizQuestion, ...]


class Paper(_Frozen):
    """A generated paper with answers, items grouped by kind (单选, 多选, then the study aids 填空, 判断)."""

    paper_id: str
    seed: int
    mode: QuizMode = "practice"
    n: int = Field(description="items asked for; `items` is shorter when fewer match the filters")
    sections: tuple[PaperSection, ...]
    minutes: float | None = None
    scoring: MultipleScoring = "partial"
    pass_mark: float = 60.0
    doc_ids: tuple[str, ...] = Field(description="documents the items come from; empty means all")
    chapters: tuple[str, ...] = Field((), description="chapters the items come from; empty means all")
    items: tuple[QuizItem, ...]

    @property
    def max_points(self) -> float:
        return sum(i.points for i in self.items)

    def for_candidates(self) -> QuizPaper:
        return QuizPaper(
            paper_id=self.paper_id,
            seed=self.seed,
            mode=self.mode,
            sections=self.sections,
            minutes=self.minutes,
            scoring=self.scoring,
            pass_mark=self.pass_mark,
            max_points=self.max_points,
            doc_ids=self.doc_ids,
            chapters=self.chapters,
            questions=tuple(item.question() for item in self.items),
        )


class GradedItem(_Frozen):
    item_id: str
    kind: QuizKind
    stem: str
    options: tuple[str, ...] = ()
    given: str | None = Field(description="the candidate's answer (option letters for choices); null when left blank")
    correct: bool = Field(description="fully right (a multiple-choice item only with exactly the key)")
    points: float = Field(description="points scored")
    max_points: float
    answer: str = Field(description="the right answer as printed in a key, e.g. `B. 市发改委`")
    explanation: str
    citation: Citation
    chapter: str | None = None


class GradeResult(_Frozen):
    paper_id: str | None = None
    mode: QuizMode = "practice"
    scoring: MultipleScoring = "partial"
    correct: int
    total: int
    points: float = 0.0
    max_points: float = 0.0
    score: float = Field(description="percentage of full marks, 0-100")
    pass_mark: float = 60.0
    passed: bool = Field(False, description="score >= pass_mark")
    learner_id: str | None = Field(None, description="whose attempt this was, when it was recorded")
    items: tuple[GradedItem, ...]


class Accuracy(_Frozen):
    """A learner's record on one document, chapter or kind."""

    key: str
    label: str
    attempts: int
    correct: int
    accuracy: float = Field(description="share of attempts answered right, 0-1")


class Progress(_Frozen):
    learner_id: str
    attempts: int
    correct: int
    accuracy: float
    by_document: tuple[Accuracy, ...]
    by_chapter: tuple[Accuracy, ...] = Field(description="weakest first")
    by_kind: tuple[Accuracy, ...]
    in_book: int = Field(description="items in the 错题本 (answered wrong, not yet mastered)")
    due_today: int = Field(description="items of the 错题本 due for review by the end of today")


class BookEntry(_Frozen):
    """One item of a learner's 错题本 and when it is due again."""

    item_id: str
    wrong: int
    right_streak: int
    due: str = Field(description="ISO date-time (UTC) the item is due for review")
    last_answered: str | None = None


# --- administration

from datetime import date as date_  # noqa: E402 -- kept with the section that uses it

Role = Literal["reader", "admin"]
JobAction = Literal["add", "replace", "edit", "delete", "ingest"]
JobStatus = Literal["queued", "running", "done", "failed"]


class Principal(_Frozen):
    """Who sent a request: the name of the key presented and its role ("anonymous" when no key is configured)."""

    name: str
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class CatalogEdit(BaseModel):
    """Catalog fields an administrator may set for a document; a field sent as null drops it from the catalog."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, min_length=1, max_length=300)
    issuer: str | None = Field(None, max_length=200)
    doc_number: str | None = Field(None, max_length=100, description="文号, e.g. 湘市监计量〔2022〕139号")
    date: date_ | None = Field(None, description="ISO yyyy-mm-dd")
    region: str | None = Field(None, max_length=50)
    level: Level | None = None
    source: str | None = Field(None, max_length=500)
    addressees: str | None = Field(None, max_length=500)
    series: str | None = Field(None, max_length=100, description="documents sharing a series are versions of one")

    def fields(self) -> dict[str, str | None]:
        """The fields the request set, as catalog values (dates as yyyy-mm-dd)."""
        return {
            k: (v.isoformat() if isinstance(v, date_) else v) for k, v in self.model_dump(exclude_unset=True).items()
        }


class ParseReport(_Frozen):
    """What ingest made of one document (what `ingest --check` prints and an upload's job reports): what it is,
    its clauses and facts counted by kind, its articles against its own last article number, its warnings."""

    doc_id: str
    file: str
    title: str
    kind: str = "未知"
    style: str = "notice"
    region: str | None = None
    level: str = "未知"
    issuer: str | None = None
    date: str | None = None
    effective: str | None = None
    status: str = "current"
    superseded_by: str | None = None
    clauses: dict[str, int] = Field(description="clause kind → count")
    articles: int = Field(0, description="articles (第X条) found")
    last_article: int | None = Field(None, description="the number of the last article, to check the count against")
    first_article: int | None = Field(None, description="the number of the first article (above 1 in a code's part)")
    part: str | None = Field(None, description="the part of a code this file holds, e.g. 人格权编")
    part_of: str | None = Field(None, description="the doc_id of the code's first part, shared by all its parts")
    facts: dict[str, int] = Field(description="fact kind → count")
    references: int = Field(0, description="cross-references to articles")
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = Field((), description="what ingest decided: no catalog entry, an older version")


class Job(_Frozen):
    """One change to the knowledge base, applied by the single ingest worker in order of arrival."""

    job_id: int
    action: JobAction
    status: JobStatus = "queued"
    doc_id: str | None = None
    file: str | None = None
    sha256: str | None = Field(None, description="of the uploaded file (add, replace) or the removed one (delete)")
    key_name: str = Field(description="name of the key that asked for it")
    created: str
    started: str | None = None
    finished: str | None = None
    progress: float = Field(0.0, ge=0.0, le=1.0)
    stage: str = Field("", description="what it is doing now, e.g. `waiting behind job 3`, `embedding 40/120 chunks`")
    waiting_for: int | None = Field(None, description="queued: the job it waits behind")
    message: str | None = Field(None, description="why it failed, or what it changed")
    report: ParseReport | None = None
    current: str | None = Field(None, description="replace: the doc_id that is now the current version")


class RefusedFile(_Frozen):
    """A file of an uploaded zip that was not queued, and why (what to do is in the reason)."""

    file: str
    reason: str


class UploadBatch(_Frozen):
    """What an uploaded zip became: one job per file it holds, and the files refused outright."""

    archive: str
    jobs: list[Job] = []
    refused: list[RefusedFile] = []


class AuditEntry(_Frozen):
    """One line of the audit log: who changed what, when, and the file's hash."""

    time: str
    key_name: str
    action: JobAction
    doc_id: str | None = None
    file: str | None = None
    sha256: str | None = None
    job_id: int
    outcome: Literal["done", "failed"]
    message: str | None = None


# --- checking a trainer's question bank (题库核对) ----------------------------------------------------

BankVerdict = Literal["agree", "disagree", "undecidable", "not_item"]
BANK_VERDICT_NAMES: dict[str, str] = {
    "agree": "一致",
    "disagree": "不一致",
    "undecidable": "无法判定",
    "not_item": "非考题",
}
BankCheckStatus = Literal["queued", "running", "done", "failed"]


class BankRow(_Frozen):
    """One row of a checked bank: its own cells, the key MetroKB finds with its article, and the verdict."""

    row: int = Field(description="the row's number in the file (the header row counted), as a spreadsheet shows it")
    cells: list[str] = Field(description="the bank's own cells, in its column order")
    verdict: BankVerdict = Field(
        description="agree / disagree with the current law; undecidable from the knowledge base; not_item (why in note)"
    )
    bank_key: str = Field("", description="the bank's key as read: `ACD`, `对`; empty when unreadable")
    found_key: str | None = Field(None, description="the key the knowledge base supports; null when undecided")
    citation: Citation | None = Field(None, description="the article that decides the item (current version)")
    matches_version: str | None = Field(
        None, description="disagree: the older version of the deciding document whose wording the bank's key matches"
    )
    note: str = Field("", description="why, in one or two sentences (Chinese)")


class BankSummary(_Frozen):
    total: int
    agree: int = 0
    disagree: int = 0
    undecidable: int = 0
    not_item: int = 0


class BankReport(_Frozen):
    """A checked bank: its own columns and rows, each with what MetroKB found."""

    file: str
    columns: list[str] = Field(description="the bank's own column headers, in order")
    rows: list[BankRow]
    summary: BankSummary


class BankCheck(_Frozen):
    """A bank being checked in the background; `report` once it is done."""

    check_id: str
    file: str
    status: BankCheckStatus = "queued"
    total: int = Field(description="item rows in the bank")
    done: int = Field(0, description="rows checked so far")
    created: str
    finished: str | None = None
    message: str | None = Field(None, description="why it failed")
    report: BankReport | None = None
