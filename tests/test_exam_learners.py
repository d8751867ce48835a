"""The learner store: attempts, the 错题本 on an FSRS schedule, progress, schema upgrades, SQLite and a real
PostgreSQL server started from Debian's package in a temporary directory."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert, select

from retriever.exam.learners import (
    MASTERED_AFTER,
    SCHEMA_VERSION,
    LearnerError,
    LearnerStore,
    StoreError,
    attempts,
    check_learner_id,
    schema_version,
    upgrade,
)
from retriever.exam.quiz import all_items, grade, make_paper, review_paper

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture()
def store(tmp_path):
    s = LearnerStore(f"sqlite:///{tmp_path / 'learners.db'}")
    yield s
    s.close()


def answer(index, paper, right: set[str]):
    """Grade a paper with the items in `right` answered right and every other one wrong."""
    wrong = {
        i.item_id: (i.key if i.item_id in right else next(x for x in "ABCD" if x not in i.key)) for i in paper.items
    }
    return grade(index, wrong, paper.paper_id)


@pytest.mark.parametrize(
    "learner_id, ok",
    [
        ("张三", True),
        ("trainee-07", True),
        ("a_b", True),
        ("x" * 64, True),
        ("", False),
        ("x" * 65, False),
        ("张 三", False),
        ("a/b", False),
        ("<script>", False),
        ("a\x00", False),
    ],
)
def test_learner_ids(learner_id, ok):
    if ok:
        assert check_learner_id(learner_id) == learner_id
    else:
        with pytest.raises(LearnerError, match="not allowed"):
            check_learner_id(learner_id)


def test_fsrs_moves_a_wrong_item_to_due_and_a_right_one_out(index, store):
    paper = make_paper(index, 4, kinds=["single"], seed=1)
    wrong, right = paper.items[0].item_id, paper.items[1].item_id
    store.record("张三", answer(index, paper, {right} | {i.item_id for i in paper.items[2:]}), NOW)
    assert store.due("张三", NOW + timedelta(minutes=1)) == [wrong]  # FSRS: Again → due again today
    assert right not in {e.item_id for e in store.book("张三")}  # never wrong: never in the book

    again = review_paper(index, store.due("张三", NOW))
    store.record("张三", grade(index, {wrong: paper.items[0].key}, again.paper_id), NOW + timedelta(minutes=5))
    [entry] = store.book("张三")
    assert entry.right_streak == 1 and entry.wrong == 1
    assert datetime.fromisoformat(entry.due) >= NOW + timedelta(days=1)  # answered right: due on a later day
    assert store.due("张三", NOW + timedelta(minutes=6)) == []

    later = NOW + timedelta(minutes=5)
    for n in range(MASTERED_AFTER - 1):  # right again each time it is due, until mastered
        later = datetime.fromisoformat(store.book("张三")[0].due) + timedelta(minutes=1)
        store.record("张三", grade(index, {wrong: paper.items[0].key}), later)
    assert store.book("张三") == [] and store.due("张三", later + timedelta(days=400)) == []


def test_a_wrong_answer_resets_the_streak(index, store):
    item = make_paper(index, 1, kinds=["multiple"], seed=2).items[0]
    store.record("李四", grade(index, {item.item_id: None}), NOW)  # a blank answer is wrong
    store.record("李四", grade(index, {item.item_id: item.key}), NOW + timedelta(minutes=2))
    store.record("李四", grade(index, {item.item_id: item.key[0]}), NOW + timedelta(hours=1))  # 少选: still wrong
    [entry] = store.book("李四")
    assert (entry.wrong, entry.right_streak) == (2, 0)
    assert store.due("李四", NOW + timedelta(hours=1, minutes=1)) == [item.item_id]


def test_progress_by_document_chapter_and_kind_weakest_first(index, store):
    paper = make_paper(index, 12, seed=3)
    first_doc = paper.items[0].citation.doc_id
    right = {i.item_id for i in paper.items if i.citation.doc_id != first_doc}
    store.record("王五", answer(index, paper, right), NOW)
    progress = store.progress("王五", {d: n.title for d, n in index.notices.items()}, NOW)
    assert progress.attempts == 12 and progress.correct == len(right)
    assert progress.in_book == 12 - len(right) == progress.due_today
    assert progress.by_chapter[0].accuracy == 0.0 and progress.by_chapter[-1].accuracy == 1.0
    assert [a.accuracy for a in progress.by_chapter] == sorted(a.accuracy for a in progress.by_chapter)
    doc = next(a for a in progress.by_document if a.key == first_doc)
    assert doc.accuracy == 0.0 and doc.label == index.notices[first_doc].title
    assert {a.key for a in progress.by_kind} == {i.kind for i in paper.items}
    assert {a.label for a in progress.by_kind} <= {"单项选择题", "多项选择题"}


def test_due_today_ends_at_local_midnight(index, store):
    item = make_paper(index, 1, kinds=["single"], seed=4).items[0]
    late = datetime(2026, 11, 24, 15, 50, tzinfo=UTC)  # 23:50 in Shanghai
    store.record("赵六", grade(index, {item.item_id: None}), late)
    store.record("赵六", grade(index, {item.item_id: item.key}), late + timedelta(minutes=1))  # due +10 min
    assert store.progress("赵六", now=late + timedelta(minutes=2)).due_today == 0  # due after local midnight
    assert store.progress("赵六", now=late + timedelta(minutes=20)).due_today == 1


def test_schema_upgrade_keeps_the_history(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    assert upgrade(engine, target=1) == 1  # a database as the first release left it
    with engine.begin() as conn:
        conn.execute(insert(attempts.metadata.tables["learners"]).values(learner_id="老学员", created_at=NOW))
        conn.execute(
            insert(attempts.metadata.tables["attempts"]).values(
                learner_id="老学员",
                item_id="x#single-a",
                paper_id=None,
                correct=False,
                points=0.0,
                answered_at=NOW,
                doc_id="nanchang-2023",
                chapter="一、总体要求",
                kind="single",
            )
        )
    engine.dispose()
    store = LearnerStore(url)
    assert store.version == SCHEMA_VERSION
    progress = store.progress("老学员", now=NOW)
    assert (progress.attempts, progress.correct, progress.by_chapter[0].key) == (1, 0, "nanchang-2023|一、总体要求")
    with store.engine.connect() as conn:
        assert conn.execute(select(schema_version.c.version)).scalar() == SCHEMA_VERSION
    store.close()


def test_a_database_from_a_newer_metrokb_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    LearnerStore(url).close()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(schema_version.update().values(version=SCHEMA_VERSION + 1))
    engine.dispose()
    with pytest.raises(StoreError, match="newer than this MetroKB"):
        LearnerStore(url)


def test_an_unreachable_database_is_reported(tmp_path):
    with pytest.raises(StoreError, match="check METROKB_DATABASE_URL"):
        LearnerStore(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'l.db'}")


# --- a real PostgreSQL server ---------------------------------------------------------------------


def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres_url():
    """A PostgreSQL server of Debian's package in a temporary directory, on 127.0.0.1 only; installed with apt
    if missing. Skips (saying why) when it cannot be installed or started."""
    bindir = _postgres_bin()
    if bindir is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "postgresql"],
            capture_output=True,
            timeout=900,
            env=os.environ | {"DEBIAN_FRONTEND": "noninteractive"},
        )
        bindir = _postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed and could not be installed (apt-get install postgresql)")
    as_postgres: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: run the server as Debian's postgres user
        if not shutil.which("runuser"):
            pytest.skip("running as root without runuser: cannot start PostgreSQL as the postgres user")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    base = Path(tempfile.mkdtemp(prefix="metrokb-pg-"))
    data, port = base / "data", _free_port()
    data.mkdir()
    if as_postgres:
        shutil.chown(base, "postgres")
        shutil.chown(data, "postgres")
    base.chmod(0o755)
    run = lambda *cmd: subprocess.run([*as_postgres, *cmd], capture_output=True, text=True, timeout=120)  # noqa: E731
    init = run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale", "C")
    if init.returncode:
        shutil.rmtree(base, ignore_errors=True)
        pytest.skip(f"initdb failed: {init.stderr[-500:]}")
    start = run(
        str(bindir / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(base / "server.log"),
        "-w",
        "-t",
        "60",
        "-o",
        f"-c listen_addresses=127.0.0.1 -p {port} -k {base}",
        "start",
    )
    if start.returncode:
        log = (base / "server.log").read_text(errors="replace")[-800:] if (base / "server.log").exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        pytest.skip(f"PostgreSQL did not start: {start.stderr[-300:]} {log}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


def test_postgresql_store_keeps_history_book_and_schedule(index, postgres_url):
    store = LearnerStore(postgres_url)
    assert store.engine.dialect.name == "postgresql" and store.version == SCHEMA_VERSION
    paper = make_paper(index, 6, seed=11)
    right = {paper.items[0].item_id, paper.items[1].item_id}
    store.record("质检员-甲", answer(index, paper, right), NOW)
    store.close()

    reopened = LearnerStore(postgres_url)  # a second process, another day: the same database
    progress = reopened.progress("质检员-甲", now=NOW + timedelta(minutes=1))
    assert (progress.attempts, progress.correct, progress.in_book, progress.due_today) == (6, 2, 4, 4)
    due = reopened.due("质检员-甲", NOW + timedelta(minutes=1))
    assert set(due) == {i.item_id for i in paper.items} - right
    paper_due = review_paper(index, due)
    reopened.record(
        "质检员-甲",
        grade(index, {i.item_id: i.key for i in paper_due.items}, paper_due.paper_id),
        NOW + timedelta(minutes=3),
    )
    assert all(e.right_streak == 1 for e in reopened.book("质检员-甲"))
    assert reopened.due("质检员-甲", NOW + timedelta(minutes=4)) == []
    reopened.close()


def test_item_ids_in_the_store_are_the_index_items(index, store):
    paper = make_paper(index, 3, seed=12)
    store.record("钱七", answer(index, paper, set()), NOW)
    known = {i.item_id for i in all_items(index)}
    assert {e.item_id for e in store.book("钱七")} <= known
