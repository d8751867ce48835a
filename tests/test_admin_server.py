"""Administering the knowledge base over HTTP, as a department would: against a real server on 127.0.0.1.

Upload → job → the new document answers over /ask; replace, edit and delete likewise; every bad upload is refused
with its reason and changes nothing; concurrent uploads queue; a server killed mid-ingest restarts on the previous
index and the next ingest picks the file up.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from retriever.documents.catalog import read_catalog
from server.app import create_app

ROOT = Path(__file__).resolve().parent.parent
NOTICE = (Path(__file__).parent / "data" / "ganzhou-2025.txt").read_bytes()
QUESTION = "赣州到2026年电子计价秤检定率目标是多少？"


def city(name: str) -> bytes:
    """The test notice as another city's."""
    return NOTICE.decode().replace("赣州", name).replace("赣市监", "市监").encode()


def wait_job(get, job_id: int) -> dict:
    deadline = time.monotonic() + 300  # a hang guard, not a timing assertion
    while (job := get(f"/jobs/{job_id}").json())["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
    return job


@pytest.fixture()
def server(admin_settings, serve):
    """A real server over copies of kb/ and the index; yields (admin client, reader client, app)."""
    app = create_app(admin_settings, with_ui=False)
    with (
        serve(app) as url,
        httpx.Client(base_url=url, headers={"X-API-Key": admin_settings.admin_key}, timeout=120) as admin,
        httpx.Client(base_url=url, headers={"X-API-Key": admin_settings.api_key}, timeout=120) as reader,
    ):
        yield admin, reader, app


def ask(reader: httpx.Client, question: str = QUESTION, **filters) -> dict:
    body = {"question": question} | ({"filters": filters} if filters else {})
    r = reader.post("/ask", json=body)
    assert r.status_code == 200, r.text
    return r.json()


# --- the happy paths -------------------------------------------------------------------------------------


def test_an_uploaded_notice_answers_questions_about_itself(server, admin_settings):
    admin, reader, _ = server
    assert ask(reader)["abstained"]  # before: the knowledge base knows nothing of 赣州
    r = admin.post(
        "/documents",
        files={"file": ("ganzhou-2025.txt", NOTICE, "text/plain")},
        data={"region": "赣州", "level": "市", "doc_number": "赣市监计量〔2025〕8号"},
    )
    assert r.status_code == 202 and r.json()["status"] in ("queued", "running")
    job = wait_job(admin.get, r.json()["job_id"])
    assert job["status"] == "done", job["message"]
    report = job["report"]
    assert report["doc_id"] == "ganzhou-2025" and report["clauses"]["chapter"] == 3 and report["facts"]["target"] >= 1
    assert report["warnings"]  # accepted with warnings, and the warnings are reported

    answer = ask(reader)
    assert not answer["abstained"] and "98%" in answer["answer"]
    assert answer["citations"][0]["doc_id"] == "ganzhou-2025" and answer["citations"][0]["clause"] == "一、"
    doc = reader.get("/documents/ganzhou-2025").json()["notice"]
    assert (doc["region"], doc["doc_number"]) == ("赣州", "赣市监计量〔2025〕8号")
    [entry] = admin.get("/audit").json()
    assert entry | {"time": None} == {
        "time": None,
        "key_name": "admin",
        "action": "add",
        "doc_id": "ganzhou-2025",
        "file": "ganzhou-2025.txt",
        "sha256": job["sha256"],
        "job_id": job["job_id"],
        "outcome": "done",
        "message": "index has 6 documents",
    }
    assert (admin_settings.kb_dir / "ganzhou-2025.txt").read_bytes() == NOTICE


def test_replace_adds_a_current_version_beside_the_old_one(server, admin_settings):
    admin, reader, _ = server
    wait_job(
        admin.get,
        admin.post("/documents", files={"file": ("ganzhou-2025.txt", NOTICE)}, data={"region": "赣州"}).json()[
            "job_id"
        ],
    )
    newer = NOTICE.replace("98%".encode(), "99%".encode()).replace("2025年3月18日".encode(), "2026年1月5日".encode())
    r = admin.put("/documents/ganzhou-2025", files={"file": ("ganzhou-2026.txt", newer)}, data={"date": "2026-01-05"})
    assert r.status_code == 202
    job = wait_job(admin.get, r.json()["job_id"])
    assert job["status"] == "done" and job["current"] == "ganzhou-2026" and job["report"]["doc_id"] == "ganzhou-2026"
    assert {"ganzhou-2025", "ganzhou-2026"} <= {n["doc_id"] for n in reader.get("/documents").json()}
    catalog = read_catalog(admin_settings.kb_dir)
    assert catalog["ganzhou-2025.txt"]["series"] == catalog["ganzhou-2026.txt"]["series"] == "ganzhou-2025"
    assert "99%" in ask(reader, doc_id="ganzhou-2026")["answer"]
    assert "98%" in ask(reader, doc_id="ganzhou-2025")["answer"]  # the old version is kept and searchable


def test_patch_edits_catalog_metadata_and_keeps_the_catalogs_comments(server, admin_settings):
    admin, reader, _ = server
    header = (admin_settings.kb_dir / "catalog.yaml").read_text(encoding="utf-8").split("notices:")[0]
    r = admin.patch("/documents/wenzhou", json={"doc_number": "温政办〔2021〕88号", "date": "2021-12-30"})
    assert r.status_code == 202
    assert wait_job(admin.get, r.json()["job_id"])["status"] == "done"
    notice = reader.get("/documents/wenzhou").json()["notice"]
    assert (notice["doc_number"], notice["date"]) == ("温政办〔2021〕88号", "2021-12-30")
    assert "温政办〔2021〕88号" in ask(reader, "温州实施意见的文号是什么？")["answer"]
    assert (admin_settings.kb_dir / "catalog.yaml").read_text(encoding="utf-8").startswith(header)

    r = admin.patch("/documents/wenzhou", json={"date": "2021年12月30日"})
    assert r.status_code == 422 and "date" in r.json()["detail"]
    r = admin.patch("/documents/wenzhou", json={"doc_id": "other"})
    assert r.status_code == 422 and "doc_id" in r.json()["detail"]


def test_delete_removes_the_document_from_kb_and_from_answers(server, admin_settings):
    admin, reader, _ = server
    before = ask(reader, "温州到2025年要新增多少诚信计量承诺单位？")
    assert before["citations"] and before["citations"][0]["doc_id"] == "wenzhou"
    r = admin.delete("/documents/wenzhou")
    assert r.status_code == 202 and r.json()["sha256"]
    assert wait_job(admin.get, r.json()["job_id"])["status"] == "done"
    assert reader.get("/documents/wenzhou").status_code == 404
    assert not (admin_settings.kb_dir / "002_9d930c323e4b96e7.txt").exists()
    assert "002_9d930c323e4b96e7.txt" not in read_catalog(admin_settings.kb_dir)
    after = ask(reader, "温州到2025年要新增多少诚信计量承诺单位？")
    assert all(c["doc_id"] != "wenzhou" for c in after["citations"] + after["related"])
    assert after["abstained"] and "温州" in after["answer"]  # a place no document covers any more is declined
    assert admin.delete("/documents/wenzhou").status_code == 404


# --- bad uploads -------------------------------------------------------------------------------------------

BAD_UPLOADS = [
    ("notice.pdf", b"%PDF-1.7\n", 415, "damaged PDF"),
    ("notice.docx", b"PK\x03\x04" + b"\x00" * 64, 415, "damaged zip or Office file"),
    ("notice.doc", b"\x00\x01\x02\x03ELF" * 50, 415, "content of no supported kind"),
    ("notice.exe", NOTICE, 415, "files named .exe are not read"),
    ("notice", NOTICE, 415, "files named without an extension are not read"),
    ("big.txt", NOTICE + b"a" * 2048, 413, "the limit is 1,500 bytes (METROKB_MAX_UPLOAD_BYTES)"),
    ("huge.txt", b"a" * 200_000, 413, None),  # far over: refused before it is read
    ("binary.txt", b"\x00\x01\x02\x03ELF" * 50, 415, "binary file (NUL bytes)"),
    ("latin.txt", b"\xff\xfb\xfa\xf9" * 80, 415, "not readable as UTF-8 or GB18030 text"),
    ("../escape.txt", NOTICE, 400, "no folders, no '..'"),
    ("..\\escape.txt", NOTICE, 400, "no folders"),
    ("/etc/cron.d/x.txt", NOTICE, 400, "no folders"),
    ("sub/dir.txt", NOTICE, 400, "no folders"),
    (".hidden.txt", NOTICE, 400, "not hidden"),
    ("empty.txt", b"", 400, "the file is empty"),
    ("blank.txt", b"  \r\n\t\n ", 400, "the file is empty"),
    ("bom-only.txt", "\ufeff".encode(), 400, "no text"),
    ("furniture.txt", "找回密码\n立即注册\nPowered by Discuz!\n".encode(), 400, "no text left after cleaning"),
    ("000_f76848d53dcf5e73.txt", NOTICE, 409, "already exists; to upload a new version use PUT /documents/{doc_id}"),
]


@pytest.mark.parametrize("name, data, status, message", BAD_UPLOADS, ids=[b[0] for b in BAD_UPLOADS])
def test_a_bad_upload_is_refused_with_its_reason_and_changes_nothing(admin_settings, name, data, status, message):
    settings = admin_settings.model_copy(update={"max_upload_bytes": 1500})
    kb_before = {p.name: p.read_bytes() for p in settings.kb_dir.iterdir()}
    with TestClient(create_app(settings, with_ui=False)) as c:
        r = c.post("/documents", files={"file": (name, data)}, headers={"X-API-Key": settings.admin_key})
        assert r.status_code == status, r.text
        if message:
            assert message in r.json()["detail"]
        assert c.app.state.admin.jobs.recent() == []
    assert {p.name: p.read_bytes() for p in settings.kb_dir.iterdir()} == kb_before
    uploads = settings.index_dir / "admin" / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())
    assert not settings.audit_file.exists()


# --- concurrency --------------------------------------------------------------------------------------------


def test_concurrent_uploads_queue_one_behind_another_while_readers_keep_the_old_index(server):
    admin, reader, app = server
    cities = ["吉安", "萍乡", "抚州"]
    index_before = reader.get("/health").json()["index"]
    responses: dict[str, httpx.Response] = {}
    with app.state.admin.kb_lock:  # the worker cannot change kb/ yet: every upload has to queue
        threads = [
            threading.Thread(
                target=lambda c=c: responses.__setitem__(
                    c, admin.post("/documents", files={"file": (f"{c}.txt", city(c))}, data={"region": c})
                )
            )
            for c in cities
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        jobs = sorted((r.json() for r in responses.values()), key=lambda j: j["job_id"])
        assert [r.status_code for r in responses.values()] == [202] * 3
        assert jobs[0]["waiting_for"] is None
        for ahead, job in zip(jobs, jobs[1:]):
            assert job["status"] == "queued" and job["waiting_for"] == ahead["job_id"]
            assert job["stage"] == f"waiting behind job {ahead['job_id']}"
        # readers are answered from the previous index meanwhile
        assert reader.get("/health").json()["index"] == index_before
        assert ask(reader, "吉安到2026年电子计价秤检定率目标是多少？")["abstained"]
        assert "92%" in ask(reader, "南昌到2025年强检计量器具检定覆盖率目标是多少？")["answer"]
    done = [wait_job(admin.get, j["job_id"]) for j in jobs]
    assert [j["status"] for j in done] == ["done"] * 3
    assert done[0]["finished"] <= done[1]["started"] and done[1]["finished"] <= done[2]["started"]
    for c in cities:
        answer = ask(reader, f"{c}到2026年电子计价秤检定率目标是多少？")
        assert "98%" in answer["answer"] and answer["citations"][0]["doc_id"] == c
    assert reader.get("/health").json()["notices"] == 8


# --- a kill during ingest ---------------------------------------------------------------------------------

KILLABLE_SERVER = r"""
import sys, time
from pathlib import Path
import retriever.index as ix

marker, port = Path(sys.argv[1]), sys.argv[2]
write = ix._write_build

def pause(*args, **kwargs):  # the new build is written but not swapped in: the test kills us here
    write(*args, **kwargs)
    marker.write_text("writing")
    time.sleep(600)

ix._write_build = pause
from cli import main
sys.exit(main(["serve", "--host", "127.0.0.1", "--port", port]))
"""


def _start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    with log.open("a") as out:
        return subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _wait_healthy(proc: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + 120
    while True:
        assert proc.poll() is None, log.read_text()[-3000:]
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.2)


def test_a_server_killed_mid_ingest_restarts_on_the_previous_index_and_the_next_ingest_picks_the_file_up(
    admin_settings, tmp_path
):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url, log, marker = f"http://127.0.0.1:{port}", tmp_path / "serve.log", tmp_path / "marker"
    env = os.environ | {
        "PYTHONPATH": str(ROOT),
        "METROKB_KB_DIR": str(admin_settings.kb_dir),
        "METROKB_INDEX_DIR": str(admin_settings.index_dir),
        "METROKB_FEEDBACK_PATH": str(admin_settings.feedback_path),
        "METROKB_API_KEY": admin_settings.api_key,
        "METROKB_ADMIN_KEY": admin_settings.admin_key,
    }
    admin_h, reader_h = {"X-API-Key": admin_settings.admin_key}, {"X-API-Key": admin_settings.api_key}
    served = (admin_settings.index_dir / "current").resolve()

    proc = _start(["-c", KILLABLE_SERVER, str(marker), str(port)], env, log)
    try:
        _wait_healthy(proc, url, log)
        r = httpx.post(
            url + "/documents", files={"file": ("ganzhou-2025.txt", NOTICE)}, data={"region": "赣州"}, headers=admin_h
        )
        assert r.status_code == 202
        job_id = r.json()["job_id"]
        deadline = time.monotonic() + 300
        while not marker.exists():
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()

    assert (admin_settings.index_dir / "current").resolve() == served  # the half-done build was never swapped in
    assert (admin_settings.kb_dir / "ganzhou-2025.txt").read_bytes() == NOTICE  # the upload is kept in kb/
    proc = _start(["cli.py", "serve", "--host", "127.0.0.1", "--port", str(port)], env, log)
    try:
        _wait_healthy(proc, url, log)
        assert httpx.get(url + "/health").json()["index"] == served.name
        job = httpx.get(f"{url}/jobs/{job_id}", headers=admin_h).json()
        assert job["status"] == "failed" and "the next ingest includes it" in job["message"]
        assert httpx.get(url + "/audit", headers=admin_h).json()[0]["outcome"] == "failed"
        assert httpx.post(url + "/ask", json={"question": QUESTION}, headers=reader_h).json()["abstained"]

        r = httpx.post(url + "/ingest", headers=admin_h)
        assert r.status_code == 202 and r.json()["job_id"] == job_id + 1
        assert wait_job(lambda path: httpx.get(url + path, headers=admin_h), job_id + 1)["status"] == "done"
        answer = httpx.post(url + "/ask", json={"question": QUESTION}, headers=reader_h, timeout=60).json()
        assert "98%" in answer["answer"] and answer["citations"][0]["doc_id"] == "ganzhou-2025"
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    text = log.read_text()
    assert admin_settings.admin_key not in text and admin_settings.api_key not in text  # keys are never logged
