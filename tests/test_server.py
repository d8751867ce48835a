"""The HTTP contract of /ask, /health, /documents and /clauses: status codes and the messages users see."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from retriever.config import Settings
from retriever.engine import Engine
from retriever.index import build_index
from server.app import create_app

ROOT = Path(__file__).resolve().parent.parent
NANCHANG = "南昌市到2025年强检计量器具检定覆盖率要达到多少？"


def make_settings(index_dir: Path, kb_dir: Path = ROOT / "kb", **extra) -> Settings:
    """Settings for a test: explicit paths, no .env file, no API key unless given."""
    return Settings(
        _env_file=None,
        index_dir=index_dir,
        kb_dir=kb_dir,
        api_key=extra.pop("api_key", None),
        admin_key=extra.pop("admin_key", None),
        keys={},
        cors_origins=extra.pop("cors_origins", []),
        **extra,
    )


@pytest.fixture(scope="module")
def engine(index_dir) -> Engine:
    return Engine(make_settings(index_dir), build_if_missing=False)


@pytest.fixture(scope="module")
def client(engine):
    with TestClient(create_app(engine.settings, engine, with_ui=False)) as c:
        yield c


def client_for(engine: Engine, **extra) -> TestClient:
    """A client of an app configured differently (API key, CORS) over the same index."""
    settings = make_settings(engine.settings.index_dir, **extra)
    return TestClient(create_app(settings, Engine(settings, build_if_missing=False), with_ui=False))


# --- /health -------------------------------------------------------------------------------


def test_health_reports_the_loaded_index(client, index):
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "notices": 5, "clauses": len(index.clauses), "index": index.path.name}


# --- /ask ------------------------------------------------------------------------------------


def test_ask_answers_with_the_value_and_its_clause(client):
    r = client.post("/ask", json={"question": NANCHANG})
    assert r.status_code == 200
    body = r.json()
    assert not body["abstained"] and "92%" in body["answer"]
    first = body["citations"][0]
    assert first["clause_id"] == "nanchang-2023/一"
    assert first["quote"] in first["text"]


def test_ask_accepts_exactly_the_limit(client):
    question = NANCHANG + "？" * (1000 - len(NANCHANG))
    assert client.post("/ask", json={"question": question}).status_code == 200


@pytest.mark.parametrize(
    "question, message",
    [
        ("", "question is empty"),
        ("   \n\t ", "question is empty"),
        ("问" * 1001, "question is 1001 characters; the limit is 1000"),
        ("南昌\x00的目标", "control characters"),
        ("南昌\x1b[31m的目标", "control characters"),
    ],
)
def test_ask_refuses_unaskable_questions_with_400(client, question, message):
    r = client.post("/ask", json={"question": question})
    assert r.status_code == 400
    assert message in r.json()["detail"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"question": 123}, "question"),
        ({"question": ["南昌"]}, "question"),
        ({"question": None}, "question"),
        ({}, "question: Field required"),
        ({"q": NANCHANG}, "q: Extra inputs are not permitted"),
        ({"question": NANCHANG, "top_k": 0}, "top_k"),
        ({"question": NANCHANG, "top_k": 21}, "top_k"),
        ({"question": NANCHANG, "top_k": "five"}, "top_k"),
        ({"question": NANCHANG, "top_k": True}, "top_k"),
        ({"question": NANCHANG, "top_k": 5.0}, "top_k"),
        ({"question": NANCHANG, "mode": "poetry"}, "mode"),
        ({"question": NANCHANG, "filters": {"planet": "火星"}}, "filters.planet"),
        ({"question": NANCHANG, "filters": {"year": 1800}}, "filters.year"),
        ({"question": NANCHANG, "filters": {"year": "2023"}}, "filters.year"),
        ({"question": NANCHANG, "filters": "南昌"}, "filters"),
    ],
)
def test_ask_rejects_wrong_types_with_422_naming_the_field(client, body, field):
    r = client.post("/ask", json=body)
    assert r.status_code == 422
    assert r.json()["detail"].startswith("invalid request: ")
    assert field in r.json()["detail"]


@pytest.mark.parametrize(
    "content, content_type",
    [
        ("question=nanchang", "application/x-www-form-urlencoded"),
        ("not json", "application/json"),
        ('["南昌"]', "application/json"),
    ],
)
def test_ask_rejects_a_body_that_is_not_a_json_object(client, content, content_type):
    r = client.post("/ask", content=content.encode("utf-8"), headers={"Content-Type": content_type})
    assert r.status_code == 422
    assert "invalid request" in r.json()["detail"]


@pytest.mark.parametrize(
    "filters, message",
    [
        ({"region": "火星"}, "no document has region='火星'; known values: "),
        ({"doc_id": "nope"}, "no document has doc_id='nope'"),
        ({"level": "县"}, "no document has level='县'"),
        ({"year": 1999}, "no document has year=1999"),
    ],
)
def test_ask_unknown_filter_values_are_400_with_the_known_values(client, filters, message):
    r = client.post("/ask", json={"question": NANCHANG, "filters": filters})
    assert r.status_code == 400
    assert message in r.json()["detail"]


def test_ask_filter_narrows_to_the_named_notice(client):
    r = client.post(
        "/ask", json={"question": "强检计量器具检定覆盖率要达到多少？", "filters": {"doc_id": "nanchang-2023"}}
    )
    assert r.status_code == 200
    assert {c["doc_id"] for c in r.json()["citations"]} == {"nanchang-2023"}


def test_generative_mode_without_a_model_is_400_saying_how_to_configure_it(client):
    r = client.post("/ask", json={"question": NANCHANG, "mode": "generative"})
    assert r.status_code == 400
    assert "METROKB_LLM_MODEL" in r.json()["detail"]


def test_oversized_body_is_413(client):
    r = client.post(
        "/ask", content=b'{"question": "' + b"a" * 70_000 + b'"}', headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 413


def test_oversized_chunked_body_is_413(client):
    def chunks():
        yield b'{"question": "'
        for _ in range(80):
            yield b"a" * 1000
        yield b'"}'

    r = client.post("/ask", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413


# --- /documents and /clauses -------------------------------------------------------------------


def test_documents_lists_the_notices(client):
    r = client.get("/documents")
    assert r.status_code == 200
    assert {n["doc_id"] for n in r.json()} == {"hunan-2022", "nanchang-2023", "wenzhou", "samr-2022", "chenzhou-2011"}


def test_document_has_its_metadata_and_clauses_in_order(client):
    r = client.get("/documents/chenzhou-2011")
    assert r.status_code == 200
    body = r.json()
    assert body["notice"]["doc_number"] == "郴政发〔2011〕17号"
    positions = [c["position"] for c in body["clauses"]]
    assert positions == sorted(positions) and "chenzhou-2011/四/(一)" in {c["clause_id"] for c in body["clauses"]}


def test_clause_id_with_slashes_and_parentheses(client):
    r = client.get("/clauses/" + quote("nanchang-2023/二/(三)/1"))
    assert r.status_code == 200
    assert r.json()["heading"] == "加强计量标准建设"


@pytest.mark.parametrize(
    "path, message",
    [
        ("/documents/nope", "unknown doc_id 'nope'; GET /documents lists them"),
        ("/documents/nope/original", "unknown doc_id 'nope'; GET /documents lists them"),
        ("/clauses/nanchang-2023/九十九", "unknown clause_id 'nanchang-2023/九十九'"),
        ("/clauses/nope", "GET /documents/{doc_id} lists a notice's clauses"),
    ],
)
def test_unknown_ids_are_404_with_a_pointer(client, path, message):
    r = client.get(path)
    assert r.status_code == 404
    assert message in r.json()["detail"]


# --- API key and CORS ---------------------------------------------------------------------------


def test_api_key_is_required_when_configured(engine):
    with client_for(engine, api_key="s3cret") as c:
        assert c.get("/health").status_code == 200
        for headers in ({}, {"X-API-Key": "wrong"}):
            r = c.post("/ask", json={"question": NANCHANG}, headers=headers)
            assert r.status_code == 401
            assert r.json()["detail"] == "missing or wrong X-API-Key header"
        assert c.get("/documents", headers={"X-API-Key": "wrong"}).status_code == 401
        assert c.post("/ask", json={"question": NANCHANG}, headers={"X-API-Key": "s3cret"}).status_code == 200
        assert c.get("/documents", headers={"X-API-Key": "s3cret"}).status_code == 200


def test_cors_header_only_for_configured_origins(engine, client):
    origin = "https://intranet.example.gov.cn"
    with client_for(engine, cors_origins=[origin]) as c:
        r = c.get("/documents", headers={"Origin": origin})
        assert r.headers["access-control-allow-origin"] == origin
        assert (
            "access-control-allow-origin" not in c.get("/documents", headers={"Origin": "https://evil.example"}).headers
        )
        pre = c.options(
            "/ask",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type,x-api-key",
            },
        )
        assert pre.status_code == 200 and pre.headers["access-control-allow-origin"] == origin
    assert "access-control-allow-origin" not in client.get("/documents", headers={"Origin": origin}).headers


# --- hot reload --------------------------------------------------------------------------------


def test_ingest_swap_is_served_without_restart(tmp_path, index_dir, kb_copy, embedder):
    index_copy = tmp_path / "index"
    shutil.copytree(index_dir, index_copy, symlinks=True)
    engine = Engine(make_settings(index_copy, kb_copy), build_if_missing=False)
    with TestClient(create_app(engine.settings, engine, with_ui=False)) as c:
        before = c.get("/health").json()["index"]
        assert "92%" in c.post("/ask", json={"question": NANCHANG}).json()["answer"]
        notice = next(kb_copy.glob("001_*.txt"))
        notice.write_text(notice.read_text(encoding="utf-8").replace("覆盖率92%", "覆盖率97%"), encoding="utf-8")
        report = build_index(kb_copy, index_copy, embedder)
        assert report.changed and report.embedded < report.reused
        after = c.get("/health").json()["index"]
        assert after != before and after == report.path.name
        answer = c.post("/ask", json={"question": NANCHANG}).json()
        assert "97%" in answer["answer"] and "92%" not in answer["answer"]
        assert answer["citations"][0]["clause_id"] == "nanchang-2023/一"
