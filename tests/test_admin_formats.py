"""Uploading documents as people have them over HTTP: a PDF regulation, then a zip holding a scanned notice, the
same regulation as Word (a duplicate) and an entry that climbs out; each is answered from or refused on its own."""

from __future__ import annotations

import io
import shutil
import time
import zipfile

import pytest
from fastapi.testclient import TestClient
from bench.office_files import LAW, NOTICE, write_docx, write_pdf, write_scanned_pdf

from server.app import create_app


def wait_job(client: TestClient, job_id: int) -> dict:
    deadline = time.monotonic() + 600  # a hang guard, not a timing assertion
    while (job := client.get(f"/jobs/{job_id}").json())["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.3)
    return job


def ask(client: TestClient, question: str, doc_id: str) -> dict:
    r = client.post("/ask", json={"question": question, "filters": {"doc_id": doc_id}})
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils missing: run `make system`")
def test_admin_uploads_a_pdf_and_a_zip_and_asks_about_each(admin_settings, tmp_path):
    pdf = write_pdf(LAW, tmp_path / "计量监督管理办法.pdf").read_bytes()
    scan = write_scanned_pdf(NOTICE, tmp_path / "scan.pdf").read_bytes()
    docx = write_docx(LAW, tmp_path / "law.docx").read_bytes()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("附件/jiayou-2024.pdf", scan)
        z.writestr("law.docx", docx)
        z.writestr("../evil.txt", NOTICE)
    with TestClient(create_app(admin_settings, with_ui=False)) as client:
        client.headers["X-API-Key"] = admin_settings.admin_key
        r = client.post("/documents", files={"file": ("jiliang-banfa.pdf", pdf)}, data={"region": "某某"})
        assert r.status_code == 202, r.text
        job = wait_job(client, r.json()["job_id"])
        assert job["status"] == "done", job["message"]
        report = job["report"]
        assert report["articles"] == 6 and report["last_article"] == 6
        assert any(note.startswith("read as pdf, 2 page(s)") for note in report["notes"])
        answer = ask(client, "使用未经检定的计量器具，罚款多少？", "jiliang-banfa")
        assert answer["citations"][0]["clause_id"] == "jiliang-banfa/第五条"
        assert "一千元以上五千元以下" in answer["answer"]
        assert (admin_settings.kb_dir / "jiliang-banfa.pdf").read_bytes() == pdf  # the original is kept
        assert (admin_settings.kb_dir / ".extracted" / "jiliang-banfa.pdf.json").exists()  # beside its text
        clauses = {c["clause_id"]: c for c in client.get("/documents/jiliang-banfa").json()["clauses"]}
        assert clauses["jiliang-banfa/第一条"]["page"] == 1 and clauses["jiliang-banfa/第五条"]["page"] == 2
        original = client.get("/documents/jiliang-banfa/original")
        assert original.status_code == 200 and original.content == pdf
        assert original.headers["content-type"] == "application/pdf"

        r = client.post("/documents", files={"file": ("batch.zip", archive.getvalue())}, data={"level": "市"})
        assert r.status_code == 202, r.text
        batch = r.json()
        assert [j["file"] for j in batch["jobs"]] == ["jiayou-2024.pdf", "law.docx"]
        assert [f["file"] for f in batch["refused"]] == ["evil.txt"]
        assert "climbs out of the archive" in batch["refused"][0]["reason"]
        scanned, duplicate = (wait_job(client, j["job_id"]) for j in batch["jobs"])
        assert scanned["status"] == "done", scanned["message"]
        assert any("OCR on page(s) 1" in note for note in scanned["report"]["notes"])
        assert duplicate["status"] == "failed"
        assert "the same text as jiliang-banfa.pdf" in duplicate["message"]
        assert not (admin_settings.kb_dir / "law.docx").exists()  # a refused file leaves kb/ as it was
        answer = ask(client, "加油机抽检比例不低于多少？", "jiayou-2024")
        assert answer["citations"][0]["clause_id"] == "jiayou-2024/二/(二)"
        assert "百分之三十" in answer["answer"]

        r = client.post("/documents", files={"file": ("locked.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n")})
        assert r.status_code == 415 and "damaged PDF" in r.json()["detail"]


def test_a_zip_left_in_kb_is_indexed_file_by_file_and_its_files_are_served_but_not_deleted_one_by_one(
    admin_settings, tmp_path
):
    docx = write_docx(NOTICE, tmp_path / "notice.docx").read_bytes()
    with zipfile.ZipFile(admin_settings.kb_dir / "tongzhi-2024.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("附件/jiayou-tongzhi.docx", docx)
    with TestClient(create_app(admin_settings, with_ui=False)) as client:
        client.headers["X-API-Key"] = admin_settings.admin_key
        job = wait_job(client, client.post("/ingest").json()["job_id"])
        assert job["status"] == "done", job["message"]
        notice = client.get("/documents/jiayou-tongzhi").json()["notice"]
        assert notice["file"] == "tongzhi-2024.zip/jiayou-tongzhi.docx"
        answer = ask(client, "加油机抽检比例不低于多少？", "jiayou-tongzhi")
        assert answer["citations"][0]["clause_id"] == "jiayou-tongzhi/二/(二)"
        original = client.get("/documents/jiayou-tongzhi/original")
        assert original.status_code == 200 and original.content == docx
        r = client.delete("/documents/jiayou-tongzhi")
        assert r.status_code == 409 and "a file inside tongzhi-2024.zip" in r.json()["detail"]
