"""The administration core: catalog edits that keep the file's comments, the one-at-a-time job queue,
recovery after a stop, the parse report and the audit log — on real copies of kb/ and the index."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from pathlib import Path

import pytest
import yaml

from retriever.admin.service import Admin, AdminError, current_version
from retriever.index import parse_summary
from retriever.documents.catalog import update_catalog
from retriever.engine import Engine
from retriever.documents.catalog import read_catalog
from retriever.index import read_kb
from retriever.admin.jobs import CUT_SHORT, NEVER_RAN
from retriever.models import CatalogEdit, Job, Principal

DATA = Path(__file__).parent / "data"
NOTICE = (DATA / "ganzhou-2025.txt").read_bytes()
ADMIN = Principal(name="admin", role="admin")


def wait(admin: Admin, job: Job) -> Job:
    deadline = time.monotonic() + 300  # a hang guard, not a timing assertion
    while (job := admin.job(job.job_id)).status not in ("done", "failed"):
        assert time.monotonic() < deadline, f"job {job.job_id} did not finish: {job}"
        time.sleep(0.1)
    return job


@pytest.fixture()
def admin(admin_settings):
    admin = Admin(admin_settings, Engine(admin_settings, build_if_missing=False))
    yield admin
    admin.close()


# --- the catalog --------------------------------------------------------------------------------------


def test_catalog_edits_keep_the_comments_and_every_other_entry(kb_copy):
    path = kb_copy / "catalog.yaml"
    before_text, before = path.read_text(encoding="utf-8"), read_catalog(kb_copy)
    header = before_text.split("notices:")[0]

    update_catalog(kb_copy, "001_c18782d26fd38f79.txt", {"doc_number": "洪府发〔2023〕9号", "source": None})
    update_catalog(kb_copy, "ganzhou-2025.txt", {"title": "赣州: 通知", "date": "2025-03-18", "series": "ganzhou"})
    update_catalog(kb_copy, "002_9d930c323e4b96e7.txt", None)

    text = path.read_text(encoding="utf-8")
    assert text.startswith(header)  # the explanatory comments stay, word for word
    after = read_catalog(kb_copy)
    assert after["001_c18782d26fd38f79.txt"]["doc_number"] == "洪府发〔2023〕9号"
    assert "source" not in after["001_c18782d26fd38f79.txt"]
    assert after["001_c18782d26fd38f79.txt"]["title"] == before["001_c18782d26fd38f79.txt"]["title"]
    assert after["ganzhou-2025.txt"] == {
        "title": "赣州: 通知",
        "date": yaml.safe_load("2025-03-18"),
        "series": "ganzhou",
    }
    assert "002_9d930c323e4b96e7.txt" not in after
    untouched = ("000_f76848d53dcf5e73.txt", "003_0eeebae12ea76f7b.txt", "004_3456b6ecd4469940.txt")
    assert all(after[f] == before[f] for f in untouched)
    assert not list(kb_copy.glob(".catalog*"))  # the temporary file was renamed over the catalog


def test_catalog_is_created_with_a_header_when_missing(tmp_path):
    update_catalog(tmp_path, "a.txt", {"region": "赣州"})
    assert (tmp_path / "catalog.yaml").read_text(encoding="utf-8").startswith("# One entry per notice file")
    assert read_catalog(tmp_path) == {"a.txt": {"region": "赣州"}}


# --- jobs -------------------------------------------------------------------------------------------------


def test_an_added_document_is_stored_indexed_reported_and_audited(admin, admin_settings):
    job = admin.add(ADMIN, "ganzhou-2025.txt", NOTICE, CatalogEdit(region="赣州", level="市"))
    assert job.status in ("queued", "running") and job.doc_id == "ganzhou-2025"
    done = wait(admin, job)
    assert done.status == "done", done.message
    assert (admin_settings.kb_dir / "ganzhou-2025.txt").read_bytes() == NOTICE
    assert read_catalog(admin_settings.kb_dir)["ganzhou-2025.txt"] == {"region": "赣州", "level": "市"}
    report = done.report
    assert report.title == "赣州市市场监督管理局关于加强民生计量监督工作的通知"
    assert report.clauses["chapter"] == 3 and report.facts["target"] >= 1
    assert any("责任单位" in w for w in report.warnings)  # parsed with warnings: accepted, warnings shown
    assert "ganzhou-2025" in admin.engine.index.notices
    answer = admin.engine.ask("赣州到2026年电子计价秤检定率目标是多少？")
    assert "98%" in answer.answer and answer.citations[0].doc_id == "ganzhou-2025"
    [entry] = admin.audit()
    assert (entry.key_name, entry.action, entry.doc_id, entry.outcome) == ("admin", "add", "ganzhou-2025", "done")
    assert entry.sha256 == job.sha256 and len(entry.sha256) == 64 and entry.job_id == job.job_id
    assert not list((admin_settings.index_dir / "admin" / "uploads").iterdir())


def test_jobs_run_one_at_a_time_and_a_queued_one_says_what_it_waits_for(admin, admin_settings):
    with admin.kb_lock:  # as if an ingest were running: the worker cannot start changing kb/
        first = admin.add(ADMIN, "ganzhou-2025.txt", NOTICE, CatalogEdit(region="赣州"))
        second = admin.add(
            ADMIN, "ganzhou-b.txt", NOTICE.replace("98%".encode(), "97%".encode()), CatalogEdit(region="赣州")
        )
        third = admin.edit(ADMIN, "wenzhou", CatalogEdit(doc_number="温政发〔2021〕1号"))
        assert (second.status, second.waiting_for, second.stage) == (
            "queued",
            first.job_id,
            f"waiting behind job {first.job_id}",
        )
        assert admin.job(third.job_id).waiting_for == second.job_id
        assert not (admin_settings.kb_dir / "ganzhou-2025.txt").exists()  # nothing applied while it waits
        assert "ganzhou-2025" not in admin.engine.index.notices  # readers keep the previous index
        with pytest.raises(AdminError, match="already exists") as err:  # a name already queued is taken
            admin.add(ADMIN, "ganzhou-2025.txt", NOTICE)
        assert err.value.reason == "conflict"
    jobs = [wait(admin, j) for j in (first, second, third)]
    assert [j.status for j in jobs] == ["done"] * 3
    assert jobs[0].finished <= jobs[1].started and jobs[1].finished <= jobs[2].started
    assert admin.engine.index.notices["wenzhou"].doc_number == "温政发〔2021〕1号"
    assert [e.job_id for e in admin.audit()] == [third.job_id, second.job_id, first.job_id]


def test_a_stop_marks_cut_short_jobs_failed_and_the_next_ingest_picks_the_file_up(admin_settings):
    """What a restart finds after a kill: a job left running and one left queued (the kill test does it for real)."""
    jobs_file = admin_settings.index_dir / "admin" / "jobs.jsonl"
    jobs_file.parent.mkdir(parents=True)
    staged = admin_settings.index_dir / "admin" / "uploads" / "x" / "later.txt"
    staged.parent.mkdir(parents=True)
    staged.write_bytes(NOTICE)
    (admin_settings.kb_dir / "ganzhou-2025.txt").write_bytes(NOTICE)  # the running job had stored it
    rows = [
        Job(
            job_id=1,
            action="add",
            status="running",
            file="ganzhou-2025.txt",
            doc_id="ganzhou-2025",
            key_name="admin",
            created="2026-01-01T00:00:00+00:00",
        ),
        Job(
            job_id=2,
            action="add",
            status="queued",
            file="later.txt",
            key_name="admin",
            created="2026-01-01T00:00:01+00:00",
        ),
    ]
    jobs_file.write_text("".join(j.model_dump_json() + "\n" for j in rows) + '{"job_id": 3, "act', encoding="utf-8")

    admin = Admin(admin_settings, Engine(admin_settings, build_if_missing=False))
    try:
        assert (admin.job(1).status, admin.job(1).message) == ("failed", CUT_SHORT)
        assert (admin.job(2).status, admin.job(2).message) == ("failed", NEVER_RAN)
        assert not staged.exists()  # the upload whose job never ran is dropped
        assert {(e.job_id, e.outcome) for e in admin.audit()} == {(1, "failed"), (2, "failed")}
        assert "ganzhou-2025" not in admin.engine.index.notices
        done = wait(admin, admin.reindex(ADMIN))
        assert done.job_id == 3 and done.status == "done"
        assert "ganzhou-2025" in admin.engine.index.notices
    finally:
        admin.close()
    lines = jobs_file.read_text(encoding="utf-8").splitlines()
    assert lines[2] == '{"job_id": 3, "act'  # the line a kill cut off stays on its own line
    assert [json.loads(line)["status"] for line in lines[3:]] == ["failed", "failed", "queued", "running", "done"]


def test_replace_keeps_both_versions_in_one_series_and_names_the_current_one(admin, admin_settings):
    first = wait(admin, admin.add(ADMIN, "ganzhou-2025.txt", NOTICE, CatalogEdit(region="赣州")))
    newer = NOTICE.replace("98%".encode(), "99%".encode()).replace("2025年3月18日".encode(), "2026年1月5日".encode())
    job = wait(admin, admin.replace(ADMIN, first.doc_id, "ganzhou-2025.txt", newer, CatalogEdit(date="2026-01-05")))
    assert job.status == "done", job.message
    assert job.file == "ganzhou-2025-v2.txt" and job.doc_id == "ganzhou-2025-v2" and job.current == "ganzhou-2025-v2"
    catalog = read_catalog(admin_settings.kb_dir)
    assert catalog["ganzhou-2025.txt"]["series"] == catalog["ganzhou-2025-v2.txt"]["series"] == "ganzhou-2025"
    assert {"ganzhou-2025", "ganzhou-2025-v2"} <= set(admin.engine.index.notices)
    answer = admin.engine.ask("赣州到2026年电子计价秤检定率目标是多少？", filters={"doc_id": "ganzhou-2025-v2"})
    assert "99%" in answer.answer

    # the same text again would be a duplicate, not a version: this one changes a clause
    newest = newer.replace("每年开展一次".encode(), "每年开展两次".encode())
    third = wait(admin, admin.replace(ADMIN, "ganzhou-2025-v2", "赣州民生计量通知.txt", newest))  # a Chinese file name
    # the same date as the version it replaces: the later upload is current
    assert (third.status, third.doc_id, third.current) == ("done", "赣州民生计量通知", "赣州民生计量通知")
    assert read_catalog(admin_settings.kb_dir)["赣州民生计量通知.txt"]["series"] == "ganzhou-2025"


def test_delete_removes_file_and_entry_and_the_document_stops_answering(admin, admin_settings):
    wait(admin, admin.add(ADMIN, "ganzhou-2025.txt", NOTICE, CatalogEdit(region="赣州")))
    job = wait(admin, admin.delete(ADMIN, "ganzhou-2025"))
    assert job.status == "done" and job.sha256 == hashlib.sha256(NOTICE).hexdigest()  # the file removed
    assert not (admin_settings.kb_dir / "ganzhou-2025.txt").exists()
    assert "ganzhou-2025.txt" not in read_catalog(admin_settings.kb_dir)
    assert "ganzhou-2025" not in admin.engine.index.notices
    assert admin.engine.ask("赣州到2026年电子计价秤检定率目标是多少？").abstained


def test_a_document_read_from_an_extra_folder_is_not_deleted_from_kb(admin_settings, embedder, tmp_path):
    from retriever.index import build_index

    extra = tmp_path / "regulations"
    extra.mkdir()
    law = DATA / "regulations" / "中华人民共和国某某计量法.md"
    (extra / law.name).write_bytes(law.read_bytes())
    settings = admin_settings.model_copy(update={"extra_kb_dirs": [extra]})
    build_index(settings.kb_dir, settings.index_dir, embedder, extra_dirs=[extra])
    admin = Admin(settings, Engine(settings, build_if_missing=False))
    try:
        doc_id = next(d for d, n in admin.engine.index.notices.items() if n.file == law.name)
        with pytest.raises(AdminError, match="read in place from .*METROKB_EXTRA_KB_DIRS") as err:
            admin.delete(ADMIN, doc_id)
        assert err.value.reason == "conflict" and admin.jobs.pending() == []
        assert (extra / law.name).read_bytes() == law.read_bytes()
    finally:
        admin.close()


@pytest.mark.parametrize(
    "call, reason, message",
    [
        (lambda a: a.edit(ADMIN, "nope", CatalogEdit(title="x")), "not_found", "unknown doc_id 'nope'"),
        (lambda a: a.delete(ADMIN, "nope"), "not_found", "GET /documents lists them"),
        (lambda a: a.edit(ADMIN, "wenzhou", CatalogEdit()), "invalid", "nothing to change"),
        (lambda a: a.job(999), "not_found", "unknown job 999"),
        (lambda a: a.add(ADMIN, "x.txt", NOTICE, doc_id="Bad Id"), "invalid", "lower-case letters"),
        (lambda a: a.add(ADMIN, "x.txt", NOTICE, doc_id="wenzhou"), "conflict", "doc_id 'wenzhou' is already used"),
    ],
)
def test_refused_requests_say_why_and_queue_nothing(admin, call, reason, message):
    with pytest.raises(AdminError, match=message) as err:
        call(admin)
    assert err.value.reason == reason
    assert admin.jobs.pending() == [] and admin.jobs.recent() == []


def test_parse_report_counts_whatever_kinds_there_are(kb_copy):
    builds = read_kb(kb_copy).built
    for nb in builds:
        report = parse_summary(nb)
        assert sum(report.clauses.values()) == len(nb.clauses) and sum(report.facts.values()) == len(nb.facts)
        assert report.warnings == tuple(nb.warnings)


def test_the_current_version_follows_the_ingest_version_rules(kb_copy):
    """Two notices given one series and one region are versions: the later dated is current, from either one."""
    catalog_path = kb_copy / "catalog.yaml"
    catalog = yaml.safe_load(catalog_path.read_text(encoding="utf-8"))
    for entry in catalog["notices"].values():
        if entry["doc_id"] in ("nanchang-2023", "chenzhou-2011"):
            entry.update(series="s", region="某地")
    catalog_path.write_text(yaml.safe_dump(catalog, allow_unicode=True), encoding="utf-8")
    builds = read_kb(kb_copy).built
    assert current_version(builds, "chenzhou-2011") == current_version(builds, "nanchang-2023") == "nanchang-2023"
    assert current_version(builds, "hunan-2022") == "hunan-2022" and current_version(builds, "nope") is None


def test_queue_survives_a_job_that_raises(admin, monkeypatch):
    calls = threading.Event()

    def broken(*_args, **_kwargs):
        calls.set()
        raise OSError("disk full")

    monkeypatch.setattr("retriever.admin.service.build_index", broken)
    failed = wait(admin, admin.reindex(ADMIN))
    assert calls.is_set() and failed.status == "failed" and "disk full" in failed.message
    monkeypatch.undo()
    assert wait(admin, admin.reindex(ADMIN)).status == "done"
