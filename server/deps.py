"""FastAPI dependencies: the shared engine and its current index, and the optional API key."""
from __future__ import annotations

from fastapi import HTTPException, Request, Security
from fastapi.security import APIKeyHeader

from retriever.engine import Engine
from retriever.index import Index

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


def require_api_key(request: Request, key: str | None = Security(api_key_header)) -> None:
    """With METROKB_API_KEY set, every endpoint but /health needs the X-API-Key header."""
    expected = request.app.state.engine.settings.api_key
    if expected and key != expected:
        raise HTTPException(status_code=401, detail="missing or wrong X-API-Key header")
