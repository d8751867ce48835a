"""FastAPI dependencies: the shared engine and its current index, who is asking, and the administration."""

from __future__ import annotations

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader

from retriever.admin.access import AccessError, Keyring
from retriever.admin.service import Admin
from retriever.engine import Engine
from retriever.index import Index
from retriever.models import Principal
from server.access import PRINCIPAL, UNAUTHORIZED

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)

# Responses every secured route can give, declared so the OpenAPI schema lists them.
COMMON_ERRORS = {
    401: {"description": "Missing or wrong X-API-Key"},
    413: {"description": "Request body too large"},
}


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


def get_index(request: Request) -> Index:
    return request.app.state.engine.index


def require_api_key(request: Request, key: str | None = Security(api_key_header)) -> Principal:
    """The caller the access middleware identified (X-API-Key or session cookie); the key itself is checked there.

    `key` is declared so that the OpenAPI schema (and /docs' Authorize button) shows the header."""
    principal = request.scope.get(PRINCIPAL)
    if principal is None:
        raise HTTPException(status_code=401, detail=UNAUTHORIZED)
    return principal


def require_admin(request: Request, principal: Principal = Depends(require_api_key)) -> Principal:
    """The caller, if an admin key is configured and theirs is one; else 403 saying how to get there."""
    keyring: Keyring = request.app.state.keyring
    try:
        return keyring.require_admin(principal)
    except AccessError as exc:
        raise HTTPException(status_code=403, detail=str(exc)) from exc


def get_admin(request: Request) -> Admin:
    return request.app.state.admin
