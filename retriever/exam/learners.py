"""Learners' history and 错题本: every graded answer, and a spaced-repetition card (FSRS) per item answered wrong.

Storage is SQLAlchemy Core: a SQLite file in the data directory by default, any SQLAlchemy URL (PostgreSQL
with psycopg) for a shared deployment. The schema is versioned: opening a database runs the upgrades after
its stored version, in order, so a newer MetroKB keeps every learner's history.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fsrs import Card, Rating, Scheduler
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    create_engine,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from retriever.models import QUIZ_KIND_NAMES, Accuracy, BookEntry, GradeResult, Progress

log = logging.getLogger(__name__)

# A learner id as typed in the UI or sent to the API: letters, digits, CJK, - and _.
LEARNER_ID = re.compile(r"^[\w\-]{1,64}$")
MASTERED_AFTER = 3  # right answers in a row that take an item out of the 错题本
# FSRS learning steps: an item answered wrong comes back in the same day's review (after 10 minutes); answered
# right there, it graduates to a later day (fsrs's default steps of 1 and 10 minutes would ask it twice today).
LEARNING_STEPS = (timedelta(minutes=10),)
SCHEMA_VERSION = 2

metadata = MetaData()
schema_version = Table("schema_version", metadata, Column("version", Integer, nullable=False))


def _v1_learner_columns() -> list[Column]:
    """The learners table as version 1 created it (fresh Column objects each call: a column has one table)."""
    return [
        Column("learner_id", String(64), primary_key=True),
        Column("created_at", DateTime(timezone=True), nullable=False),
    ]


def _v1_attempt_columns() -> list[Column]:
    """The attempts table as version 1 created it; later versions only add columns after these."""
    return [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("learner_id", String(64), ForeignKey("learners.learner_id"), nullable=False, index=True),
        Column("item_id", String(400), nullable=False),
        Column("paper_id", Text),
        Column("correct", Boolean, nullable=False),
        Column("points", Float, nullable=False),
        Column("answered_at", DateTime(timezone=True), nullable=False),
        Column("doc_id", String(200), nullable=False),
        Column("chapter", String(400)),
        Column("kind", String(16), nullable=False),
    ]


learners = Table("learners", metadata, *_v1_learner_columns())
attempts = Table(
    "attempts",
    metadata,
    *_v1_attempt_columns(),
    Column("max_points", Float),  # version 2
    Column("given", String(200)),  # version 2
)
cards = Table(
    "cards",
    metadata,
    Column("learner_id", String(64), ForeignKey("learners.learner_id"), primary_key=True),
    Column("item_id", String(400), primary_key=True),
    Column("card", Text, nullable=False),  # fsrs Card.to_dict() as JSON
    Column("due", DateTime(timezone=True), nullable=False, index=True),
    Column("wrong", Integer, nullable=False),
    Column("right_streak", Integer, nullable=False),
    Column("mastered", Boolean, nullable=False),
    Column("last_answered", DateTime(timezone=True)),
)


class LearnerError(ValueError):
    """A learner id that is not allowed, or a learner with no history; the message says which."""


class StoreError(RuntimeError):
    """The learner database cannot be opened or upgraded; the message says what to do."""


def check_learner_id(learner_id: str) -> str:
    """The id itself when it is 1-64 letters, digits, CJK characters, - or _; else LearnerError."""
    if not isinstance(learner_id, str) or not LEARNER_ID.match(learner_id) or not learner_id.isprintable():
        raise LearnerError(
            f"learner id {str(learner_id)[:80]!r} is not allowed; use 1-64 letters, digits, Chinese characters, - or _"
        )
    return learner_id


# --- schema upgrades -----------------------------------------------------------------------------


def _v1(conn: Connection) -> None:
    """Version 1: learners and their attempts, as the _v1_* column lists say (later versions add columns in
    steps of their own and never change those lists)."""
    v1 = MetaData()
    Table("learners", v1, *_v1_learner_columns())
    Table("attempts", v1, *_v1_attempt_columns())
    v1.create_all(conn)


def _v2(conn: Connection) -> None:
    """Version 2: the 错题本's review schedule (cards), and the points possible and answer given per attempt."""
    v2 = MetaData()
    Table("learners", v2, Column("learner_id", String(64), primary_key=True))
    Table(
        "cards",
        v2,
        Column("learner_id", String(64), ForeignKey("learners.learner_id"), primary_key=True),
        Column("item_id", String(400), primary_key=True),
        Column("card", Text, nullable=False),
        Column("due", DateTime(timezone=True), nullable=False, index=True),
        Column("wrong", Integer, nullable=False),
        Column("right_streak", Integer, nullable=False),
        Column("mastered", Boolean, nullable=False),
        Column("last_answered", DateTime(timezone=True)),
    )
    v2.tables["cards"].create(conn)
    conn.execute(text("ALTER TABLE attempts ADD COLUMN max_points FLOAT"))
    conn.execute(text("ALTER TABLE attempts ADD COLUMN given VARCHAR(200)"))


UPGRADES: dict[int, Callable[[Connection], None]] = {1: _v1, 2: _v2}


def stored_version(conn: Connection) -> int:
    schema_version.create(conn, checkfirst=True)
    return conn.execute(select(func.max(schema_version.c.version))).scalar() or 0


def upgrade(engine: Engine, target: int = SCHEMA_VERSION) -> int:
    """Run the upgrades after the stored version, in order, each in its own transaction; returns the version."""
    with engine.begin() as conn:
        version = stored_version(conn)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the learner database has schema version {version}, newer than this MetroKB "
            f"({SCHEMA_VERSION}); upgrade MetroKB"
        )
    for step in range(version + 1, target + 1):
        with engine.begin() as conn:
            UPGRADES[step](conn)
            conn.execute(schema_version.delete())
            conn.execute(insert(schema_version).values(version=step))
        log.info("learner database upgraded to schema version %d", step)
        version = step
    return version


# --- the store -----------------------------------------------------------------------------------


def _utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive date-times; everything here is UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class LearnerStore:
    """Attempts, the 错题本 and its FSRS schedule, for any number of learners, in one database."""

    def __init__(self, url: str, timezone: str = "Asia/Shanghai", scheduler: Scheduler | None = None) -> None:
        try:
            self.engine = create_engine(url, pool_pre_ping=True)
            self.version = upgrade(self.engine)
        except SQLAlchemyError as exc:
            raise StoreError(
                f"cannot open the learner database {self._safe(url)}: {exc.__class__.__name__}: "
                f"{str(exc).splitlines()[0][:200]}; check METROKB_DATABASE_URL"
            ) from exc
        self.url = url
        self.zone = ZoneInfo(timezone)
        # Fuzzing off: the same answers on the same days give the same schedule.
        self.scheduler = scheduler or Scheduler(learning_steps=LEARNING_STEPS, enable_fuzzing=False)

    @staticmethod
    def _safe(url: str) -> str:
        return re.sub(r"://[^@/]*@", "://***@", url)

    def close(self) -> None:
        self.engine.dispose()

    def end_of_today(self, now: datetime) -> datetime:
        """The next local midnight (in the configured time zone), as UTC: what "due today" means."""
        local = now.astimezone(self.zone)
        return datetime.combine(local.date() + timedelta(days=1), time(), self.zone).astimezone(UTC)

    def exists(self, learner_id: str) -> bool:
        with self.engine.connect() as conn:
            return (
                conn.execute(select(learners.c.learner_id).where(learners.c.learner_id == learner_id)).first()
                is not None
            )

    def _ensure_learner(self, conn: Connection, learner_id: str, now: datetime) -> None:
        if conn.execute(select(learners.c.learner_id).where(learners.c.learner_id == learner_id)).first() is None:
            conn.execute(insert(learners).values(learner_id=learner_id, created_at=now))

    def record(self, learner_id: str, result: GradeResult, now: datetime | None = None) -> None:
        """Store every graded item of a result; a wrong one goes into the 错题本 (due again soon), a right one
        already there is scheduled later, and leaves the book after MASTERED_AFTER right answers in a row."""
        check_learner_id(learner_id)
        now = _utc(now) or datetime.now(UTC)
        with self.engine.begin() as conn:
            self._ensure_learner(conn, learner_id, now)
            conn.execute(
                insert(attempts),
                [
                    {
                        "learner_id": learner_id,
                        "item_id": g.item_id,
                        "paper_id": result.paper_id,
                        "correct": g.correct,
                        "points": g.points,
                        "max_points": g.max_points,
                        "answered_at": now,
                        "doc_id": g.citation.doc_id,
                        "chapter": g.chapter,
                        "kind": g.kind,
                        "given": g.given,
                    }
                    for g in result.items
                ],
            )
            for g in result.items:
                self._schedule(conn, learner_id, g.item_id, g.correct, now)

    def _schedule(self, conn: Connection, learner_id: str, item_id: str, correct: bool, now: datetime) -> None:
        key = and_(cards.c.learner_id == learner_id, cards.c.item_id == item_id)
        row = conn.execute(select(cards).where(key)).mappings().first()
        if row is None and correct:
            return  # never wrong: not in the book
        card = Card.from_dict(json.loads(row["card"])) if row else Card()
        card, _ = self.scheduler.review_card(card, Rating.Good if correct else Rating.Again, review_datetime=now)
        values = {"card": json.dumps(card.to_dict()), "due": _utc(card.due), "last_answered": now}
        if row is None:
            conn.execute(
                insert(cards).values(
                    learner_id=learner_id, item_id=item_id, wrong=1, right_streak=0, mastered=False, **values
                )
            )
        elif correct:
            streak = row["right_streak"] + 1
            conn.execute(
                update(cards).where(key).values(right_streak=streak, mastered=streak >= MASTERED_AFTER, **values)
            )
        else:
            conn.execute(
                update(cards).where(key).values(wrong=row["wrong"] + 1, right_streak=0, mastered=False, **values)
            )

    def due(self, learner_id: str, now: datetime | None = None) -> list[str]:
        """Item ids of the 错题本 due for review by the end of today, soonest first."""
        now = _utc(now) or datetime.now(UTC)
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(cards.c.item_id)
                .where(
                    cards.c.learner_id == learner_id, cards.c.mastered.is_(False), cards.c.due < self.end_of_today(now)
                )
                .order_by(cards.c.due, cards.c.item_id)
            )
            return [r.item_id for r in rows]

    def book(self, learner_id: str) -> list[BookEntry]:
        """The 错题本: items answered wrong and not yet mastered, soonest due first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(cards)
                .where(cards.c.learner_id == learner_id, cards.c.mastered.is_(False))
                .order_by(cards.c.due, cards.c.item_id)
            ).mappings()
            return [
                BookEntry(
                    item_id=r["item_id"],
                    wrong=r["wrong"],
                    right_streak=r["right_streak"],
                    due=_utc(r["due"]).isoformat(),
                    last_answered=_utc(r["last_answered"]).isoformat() if r["last_answered"] else None,
                )
                for r in rows
            ]

    def progress(
        self, learner_id: str, titles: Mapping[str, str] | None = None, now: datetime | None = None
    ) -> Progress:
        """Accuracy by document, chapter (weakest first) and kind, the book's size and what is due today."""
        titles = titles or {}
        now = _utc(now) or datetime.now(UTC)
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(attempts.c.doc_id, attempts.c.chapter, attempts.c.kind, attempts.c.correct).where(
                    attempts.c.learner_id == learner_id
                )
            ).all()
            in_book = (
                conn.execute(
                    select(func.count())
                    .select_from(cards)
                    .where(cards.c.learner_id == learner_id, cards.c.mastered.is_(False))
                ).scalar()
                or 0
            )
        by_doc = _accuracy(((r.doc_id, titles.get(r.doc_id, r.doc_id)), r.correct) for r in rows)
        by_chapter = _accuracy(
            ((f"{r.doc_id}|{r.chapter}", f"{_short(titles.get(r.doc_id, r.doc_id))} {r.chapter}"), r.correct)
            for r in rows
            if r.chapter
        )
        by_kind = _accuracy(((r.kind, QUIZ_KIND_NAMES.get(r.kind, r.kind)), r.correct) for r in rows)
        right = sum(r.correct for r in rows)
        return Progress(
            learner_id=learner_id,
            attempts=len(rows),
            correct=right,
            accuracy=round(right / len(rows), 3) if rows else 0.0,
            by_document=tuple(sorted(by_doc, key=lambda a: (-a.attempts, a.key))),
            by_chapter=tuple(sorted(by_chapter, key=lambda a: (a.accuracy, -a.attempts, a.key))),
            by_kind=tuple(sorted(by_kind, key=lambda a: (-a.attempts, a.key))),
            in_book=in_book,
            due_today=len(self.due(learner_id, now)),
        )


def _short(title: str) -> str:
    """《中华人民共和国计量法实施细则》 → 计量法实施细则: how a chart labels a document."""
    return title.strip("《》").removeprefix("中华人民共和国")


def _accuracy(rows: Iterable[tuple[tuple[str, str], bool]]) -> list[Accuracy]:
    tally: dict[tuple[str, str], list[int]] = {}
    for key, correct in rows:
        t = tally.setdefault(key, [0, 0])
        t[0] += 1
        t[1] += bool(correct)
    return [
        Accuracy(key=k, label=label, attempts=n, correct=c, accuracy=round(c / n, 3))
        for (k, label), (n, c) in tally.items()
    ]


_STORES: dict[tuple[str, str], LearnerStore] = {}
_LOCK = threading.Lock()


def open_store(url: str, timezone: str = "Asia/Shanghai") -> LearnerStore:
    """The store for a database URL, opened (and upgraded) once per process."""
    with _LOCK:
        if (url, timezone) not in _STORES:
            _STORES[(url, timezone)] = LearnerStore(url, timezone)
        return _STORES[(url, timezone)]
