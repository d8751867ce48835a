"""One lock on every door: the middleware that asks every request for a key, and the browser's login page.

With keys configured, every path but /health and the login page needs the X-API-Key header or the session
cookie the login page sets: the REST routes, /docs, the mounted chat UI with its assets and its whole Gradio API.
Gradio's file uploads and the admin tab's Gradio endpoints called by name (any route naming an api that starts
with `admin_`: call/, call/v2/, run/, api/) need an admin key. The browser's queue names the function in the
request body, not the path, so the admin tab's functions check the key again themselves — that check is the
lock; the path rule refuses early. The REST admin routes check it by dependency.
"""

from __future__ import annotations

import json
from html import escape
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import Headers
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from retriever.admin.access import SESSION_COOKIE, AccessError, Keyring

PRINCIPAL = "metrokb.principal"  # scope key: the Principal the middleware found
OPEN_PATHS = frozenset({"/health", "/login", "/logout"})
UI_PATH = "/ui"
ADMIN_API_PREFIX = "admin_"  # Gradio api_name prefix of the admin tab's events
UNAUTHORIZED = "missing or wrong X-API-Key header"
FORM_OVERHEAD = 64 * 1024  # multipart framing and metadata fields around an uploaded file


def is_admin_path(path: str) -> bool:
    """Paths of the mounted UI that only an admin may use: file uploads, and any route that names an admin tab
    endpoint (/call/admin_x, /call/v2/admin_x, /run/admin_x, /api/admin_x, with or without an event id)."""
    api = f"{UI_PATH}/gradio_api/"
    if not path.startswith(api):
        return False
    rest = path[len(api) :]
    return rest.startswith("upload") or any(part.startswith(ADMIN_API_PREFIX) for part in rest.split("/"))


class AccessMiddleware:
    """Refuse every request without a valid key or session (401; a browser page is sent to /login)."""

    def __init__(self, app: ASGIApp, keyring: Keyring) -> None:
        self.app, self.keyring = app, keyring

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        cookies = cookie_parser(headers.get("cookie", ""))
        principal = self.keyring.identify(headers.get("x-api-key"), cookies.get(SESSION_COOKIE))
        if principal is None:
            await self._refuse(scope, receive, send, headers)
            return
        if is_admin_path(scope["path"]):
            try:
                self.keyring.require_admin(principal)
            except AccessError as exc:
                await _respond(JSONResponse({"detail": str(exc)}, status_code=403), scope, receive, send)
                return
        scope[PRINCIPAL] = principal
        await self.app(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, headers: Headers) -> None:
        if scope.get("method") == "GET" and "text/html" in headers.get("accept", ""):
            target = scope["path"] + (f"?{scope['query_string'].decode('latin-1')}" if scope["query_string"] else "")
            response: Response = RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
        else:
            response = JSONResponse({"detail": UNAUTHORIZED}, status_code=401, headers={"WWW-Authenticate": "APIKey"})
        await _respond(response, scope, receive, send)


class UploadLimit:
    """Middleware of the mounted UI: Gradio's file upload (admins only, see AccessMiddleware) may carry a notice up
    to METROKB_MAX_UPLOAD_BYTES, not just the app's request limit (the mount re-applies that, so this sits inside)."""

    def __init__(self, app: ASGIApp, upload_limit: int) -> None:
        self.app = app
        self.upload = RequestBodyLimitMiddleware(app, upload_limit + FORM_OVERHEAD)  # a nested limit overrides

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == f"{UI_PATH}/gradio_api/upload":
            await self.upload(scope, receive, send)
        else:
            await self.app(scope, receive, send)


class TooLargeMessage:
    """Middleware: a request to `path` refused for its size (Starlette's plain "Content Too Large", sent before
    the route reads anything) gets `message` instead, as the JSON `detail` every other error of the route has."""

    def __init__(self, app: ASGIApp, path: str, message: str) -> None:
        self.app, self.path = app, path
        self.body = json.dumps({"detail": message}, ensure_ascii=False).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        replaced = False

        async def send_json(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start" and message["status"] == 413:
                if (b"content-type", b"text/plain; charset=utf-8") in message.get("headers", []):
                    replaced = True
                    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(self.body))]
                    await send({"type": "http.response.start", "status": 413, "headers": headers})
                    await send({"type": "http.response.body", "body": self.body})
                    return
            if not replaced:  # the plain body of a replaced response is dropped
                await send(message)

        await self.app(scope, receive, send_json)


async def _respond(response: Response, scope: Scope, receive: Receive, send: Send) -> None:
    """Send the response; a websocket is closed instead (policy violation)."""
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
    else:
        await response(scope, receive, send)


# --- the login page ------------------------------------------------------------------------------------

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>登录 · MetroKB 计量文件问答</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; background: #f1f5f9; margin: 0; }}
main {{ max-width: 380px; margin: 12vh auto; background: #fff; border-radius: 12px; padding: 28px 32px;
  box-shadow: 0 4px 24px rgba(15, 23, 42, .08); }}
h1 {{ font-size: 1.3em; margin: 0 0 4px; }} p {{ color: #475569; font-size: .92em; }}
label {{ display: block; font-weight: 600; margin: 18px 0 6px; }}
input[type=password] {{ width: 100%; box-sizing: border-box; padding: 9px 10px; border: 1px solid #cbd5e1;
  border-radius: 8px; font-size: 1em; }}
button {{ margin-top: 16px; width: 100%; padding: 10px; border: 0; border-radius: 8px; background: #2563eb;
  color: #fff; font-size: 1em; cursor: pointer; }}
.error {{ background: #fee2e2; color: #991b1b; border-radius: 8px; padding: 8px 10px; margin-top: 14px; }}
</style></head>
<body><main>
<h1>MetroKB 计量文件问答</h1>
<p>请输入管理员分发的访问密钥。只读密钥可以提问、浏览文件和考试练习；管理员密钥还可以管理知识库。</p>
<form method="post" action="/login">
<label for="key">访问密钥</label>
<input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
<input type="hidden" name="next" value="{next}">
<button type="submit" id="login">登录</button>
</form>
{error}
</main></body></html>
"""


def _safe_next(target: str | None) -> str:
    """Only a path on this server: no scheme, host or `//` (an open redirect would hand the session to a stranger)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return f"{UI_PATH}/"
    return target


def login_router(keyring: Keyring, session_seconds: float) -> APIRouter:
    """GET /login (the form), POST /login (sets the session cookie), GET /logout."""
    router = APIRouter(include_in_schema=False)

    def page(target: str, error: str = "", status: int = 200) -> HTMLResponse:
        note = f'<div class="error" id="login-error">{escape(error)}</div>' if error else ""
        return HTMLResponse(PAGE.format(next=escape(target, quote=True), error=note), status_code=status)

    @router.get("/login")
    def login_form(next: str | None = None) -> Response:  # noqa: A002 -- the query parameter's name
        if not keyring.enabled:
            return RedirectResponse(_safe_next(next), status_code=303)
        return page(_safe_next(next))

    @router.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        target = _safe_next(str(form.get("next") or ""))
        if not keyring.enabled:
            return RedirectResponse(target, status_code=303)
        principal = keyring.by_key(str(form.get("key") or ""))
        if principal is None:
            return page(target, "密钥不正确，请重新输入。", status=401)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            keyring.session(principal),
            max_age=int(session_seconds),
            path="/",
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    @router.get("/logout")
    def logout() -> Response:
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
        return response

    return router
