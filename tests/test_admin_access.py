"""One lock on every door: with keys configured, nothing but /health and the login page answers without one.

The routes are discovered, not listed: every FastAPI route (included routers and the mounted Gradio app's
routes too) and every named Gradio endpoint the UI publishes, so a route added later cannot slip past.
"""

from __future__ import annotations

import json
import re

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount, WebSocketRoute
from starlette.websockets import WebSocketDisconnect

from retriever.admin.access import SESSION_COOKIE, Keyring
from retriever.config import Settings
from retriever.engine import Engine
from server.app import create_app

OPEN = {"/health", "/login", "/logout"}
ASK = {"question": "南昌到2025年强检计量器具检定覆盖率目标是多少？"}


def routes_of(app, prefix: str = "") -> list[tuple[str, str, bool]]:
    """(method, path, is_admin) of every route, walking included routers and mounted apps."""
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, Mount):
            found += routes_of(route.app, prefix + route.path)
        elif isinstance(route, WebSocketRoute):
            found.append(("WEBSOCKET", prefix + route.path, False))
        else:
            admin = isinstance(route, APIRoute) and "administration" in (route.tags or [])
            found += [(m, prefix + context.path, admin) for m in sorted(context.methods or ()) if m != "HEAD"]
    return found


def fill(path: str) -> str:
    ids = {"doc_id": "nanchang-2023", "clause_id": "nanchang-2023/一", "job_id": "1"}
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: ids.get(m.group(1), "x"), path)


@pytest.fixture()
def app(admin_settings):
    return create_app(admin_settings)  # with the chat UI mounted at /ui


def test_every_route_and_every_gradio_endpoint_refuses_requests_without_the_key(app, admin_settings):
    reader, admin = {"X-API-Key": admin_settings.api_key}, {"X-API-Key": admin_settings.admin_key}
    routes = routes_of(app)
    paths = {(m, p) for m, p, _ in routes}
    assert {
        ("POST", "/ask"),
        ("POST", "/quiz"),
        ("GET", "/docs"),
        ("GET", "/openapi.json"),
        ("POST", "/documents"),
        ("DELETE", "/documents/{doc_id}"),
        ("POST", "/ui/gradio_api/queue/join"),
        ("GET", "/ui/config"),
        ("POST", "/ui/gradio_api/upload"),
    } <= paths
    with TestClient(app) as c:
        assert c.get("/health").status_code == 200
        for method, path, is_admin in routes:
            if path in OPEN:
                continue
            url = fill(path)
            if method == "WEBSOCKET":
                with pytest.raises(WebSocketDisconnect), c.websocket_connect(url) as ws:
                    ws.receive_text()
                continue
            for headers in ({}, {"X-API-Key": "wrong"}, {"Cookie": f"{SESSION_COOKIE}=admin.9999999999.forged"}):
                r = c.request(method, url, headers=headers, json=ASK)
                assert r.status_code == 401, (method, url, headers, r.status_code)
            if is_admin or path == "/ui/gradio_api/upload":
                r = c.request(method, url, headers=reader, json=ASK)
                assert r.status_code == 403 and "admin key" in r.json()["detail"], (method, url, r.status_code)

        info = c.get("/ui/gradio_api/info", headers=reader).json()
        endpoints = list(info["named_endpoints"])
        assert {"/respond", "/rate", "/new_paper", "/admin_upload", "/admin_delete"} <= set(endpoints)
        for name in endpoints:
            for url in (f"/ui/gradio_api/call{name}", f"/ui/gradio_api/run{name}"):
                assert c.post(url, json={"data": []}).status_code == 401, url
            assert c.get(f"/ui/gradio_api/call{name}/some-event").status_code == 401
            if name.startswith("/admin_"):
                for route in ("call", "call/v2", "run", "api"):  # every way Gradio calls an endpoint by name
                    r = c.post(f"/ui/gradio_api/{route}{name}", json={"data": []}, headers=reader)
                    assert r.status_code == 403, (route, name)
        # The issue's own example: the chat answered over Gradio's API without a key. Now refused; with a key, answered.
        call = {"data": [ASK["question"], [], None, None, None]}
        assert c.post("/ui/gradio_api/call/respond", json=call).status_code == 401
        assert c.post("/ui/gradio_api/call/respond", json=call, headers=admin).status_code == 200


def _queue_call(c: TestClient, api_name: str, data: list, headers: dict) -> dict:
    """Run a Gradio event the way the browser does (queue/join by fn index, then the event stream)."""
    config = c.get("/ui/config", headers=headers).json()
    fn = next(d["id"] for d in config["dependencies"] if d["api_name"] == api_name)
    join = c.post(
        "/ui/gradio_api/queue/join",
        headers=headers,
        json={"data": data, "fn_index": fn, "session_hash": "s1", "trigger_id": None, "event_data": None},
    )
    assert join.status_code == 200
    with c.stream("GET", "/ui/gradio_api/queue/data?session_hash=s1", headers=headers) as stream:
        for line in stream.iter_lines():
            if line.startswith("data:") and (msg := json.loads(line[5:]))["msg"] == "process_completed":
                return msg
    raise AssertionError("the event stream ended without a result")


def test_admin_functions_refuse_a_reader_even_through_the_browsers_queue(app, admin_settings):
    """Hiding the tab is not the lock: the admin tab's functions check the key themselves."""
    with TestClient(app) as c:
        reader = {"X-API-Key": admin_settings.api_key}
        msg = _queue_call(c, "admin_reindex", [], reader)
        assert msg["success"] and "needs an admin key" in msg["output"]["data"][0]
        assert app.state.admin.jobs.recent() == []
        msg = _queue_call(c, "admin_reindex", [], {"X-API-Key": admin_settings.admin_key})
        assert "任务 #1（重新索引）" in msg["output"]["data"][-1]


def test_login_page_sets_a_signed_session_cookie_the_ui_and_api_accept(app, admin_settings):
    with TestClient(app, follow_redirects=False) as c:
        page = c.get("/ui/", headers={"Accept": "text/html"})
        assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Fui%2F"
        form = c.get("/login?next=%2Fui%2F")
        assert form.status_code == 200 and "访问密钥" in form.text and 'value="/ui/"' in form.text

        wrong = c.post("/login", data={"key": "guess", "next": "/ui/"})
        assert (
            wrong.status_code == 401
            and "密钥不正确" in wrong.text
            and SESSION_COOKIE not in wrong.headers.get("set-cookie", "")
        )

        ok = c.post("/login", data={"key": admin_settings.api_key, "next": "/ui/"})
        assert ok.status_code == 303 and ok.headers["location"] == "/ui/"
        cookie = ok.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        token = c.cookies[SESSION_COOKIE]
        assert admin_settings.api_key not in token and token.count(".") == 2
        assert c.get("/ui/").status_code == 200
        assert c.get("/docs").status_code == 200 and c.get("/openapi.json").status_code == 200
        assert c.post("/ask", json=ASK).status_code == 200
        assert c.get("/ui/gradio_api/info").status_code == 200
        assert c.delete("/documents/wenzhou").status_code == 403  # a reader's session administers nothing

        c.get("/logout")
        assert SESSION_COOKIE not in c.cookies
        assert c.post("/ask", json=ASK).status_code == 401

        _, expires, mac = token.split(".")
        forged = f"YWRtaW4.{expires}.{mac}"  # the name "admin" (base64) with the reader session's MAC
        assert c.get("/documents", headers={"Cookie": f"{SESSION_COOKIE}={forged}"}).status_code == 401
        assert c.get("/documents", headers={"Cookie": f"{SESSION_COOKIE}={token}"}).status_code == 200


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"])
def test_login_never_redirects_off_the_server(app, admin_settings, target):
    with TestClient(app, follow_redirects=False) as c:
        r = c.post("/login", data={"key": admin_settings.admin_key, "next": target})
        assert r.status_code == 303 and r.headers["location"] == "/ui/"


def test_a_session_dies_with_its_key(admin_settings):
    keyring = Keyring(admin_settings)
    token = keyring.session(keyring.by_key(admin_settings.admin_key))
    assert keyring.by_session(token).name == "admin"
    rotated = Keyring(admin_settings.model_copy(update={"admin_key": "new-admin-key"}))
    assert rotated.by_session(token) is None
    assert keyring.by_session(token, now=10**11) is None  # expired


def test_named_keys_from_the_environment_name_who_changed_what(monkeypatch, admin_settings):
    monkeypatch.setenv(
        "METROKB_KEYS",
        json.dumps({"alice": {"key": "alice-key", "role": "admin"}, "bob": {"key": "bob-key", "role": "reader"}}),
    )
    keyring = Keyring(Settings(_env_file=None))
    assert keyring.by_key("alice-key").model_dump() == {"name": "alice", "role": "admin"}
    assert keyring.by_key("bob-key").model_dump() == {"name": "bob", "role": "reader"}
    assert keyring.by_key("alice-key ") is None and keyring.by_key("") is None

    settings = admin_settings.model_copy(update={"keys": Settings(_env_file=None).keys})
    with TestClient(create_app(settings, with_ui=False)) as c:
        r = c.post("/ingest", headers={"X-API-Key": "alice-key"})
        assert r.status_code == 202 and r.json()["key_name"] == "alice"
        assert c.post("/ingest", headers={"X-API-Key": "bob-key"}).status_code == 403


def test_without_keys_everything_reads_openly_and_administration_says_how_to_enable_it(admin_settings):
    settings = admin_settings.model_copy(update={"api_key": None, "admin_key": None})
    engine = Engine(settings, build_if_missing=False)
    with TestClient(create_app(settings, engine), follow_redirects=False) as c:
        assert c.post("/ask", json=ASK).status_code == 200
        assert c.get("/ui/").status_code == 200 and c.get("/docs").status_code == 200
        r = c.post("/documents", files={"file": ("a.txt", "一、目标".encode())})
        assert r.status_code == 403 and "set METROKB_ADMIN_KEY" in r.json()["detail"]
        assert c.post("/ui/gradio_api/upload", files={"files": ("a.txt", b"x")}).status_code == 403
        assert c.get("/login").headers["location"] == "/ui/"
    assert not (settings.kb_dir / "a.txt").exists()


def test_only_an_admin_uploads_files_to_the_ui_and_up_to_the_upload_limit(app, admin_settings):
    """The app refuses bodies over 64 KiB, but the admin tab takes notices up to METROKB_MAX_UPLOAD_BYTES."""
    notice = "一、目标\n到2026年，检定率达到98%以上。\n".encode() * 4000  # ~190 KB
    assert admin_settings.max_body_bytes < len(notice) < admin_settings.max_upload_bytes
    with TestClient(app) as c:
        files = {"files": ("big.txt", notice, "text/plain")}
        r = c.post("/ui/gradio_api/upload", files=files, headers={"X-API-Key": admin_settings.admin_key})
        assert r.status_code == 200 and r.json()[0].endswith("big.txt")
        r = c.post(
            "/ui/gradio_api/upload",
            files={"files": ("small.txt", notice[:1000])},
            headers={"X-API-Key": admin_settings.api_key},
        )
        assert r.status_code == 403 and "admin key" in r.json()["detail"]
        too_big = {"files": ("huge.txt", b"a" * (admin_settings.max_upload_bytes + 100_000))}
        assert (
            c.post("/ui/gradio_api/upload", files=too_big, headers={"X-API-Key": admin_settings.admin_key}).status_code
            == 413
        )
