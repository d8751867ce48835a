"""Who may do what: the configured keys, their names and roles, and signed browser sessions.

Keys come from Settings: `api_key` (a reader key named "reader"), `admin_key` (named "admin") and the named
keys of `keys`. A key is compared in constant time with every configured key; keys are never logged. A browser
session is a signed token naming the key, never the key itself, and dies when its key is changed or removed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from retriever.config import Settings
from retriever.models import Principal

ANONYMOUS = Principal(name="anonymous", role="reader")  # every caller when no key is configured
SESSION_COOKIE = "metrokb_session"


class AccessError(PermissionError):
    """A request the caller's key does not allow; the message says which key it needs."""


class Keyring:
    """The configured keys; `enabled` is false when none is, and then everyone reads (nobody administers)."""

    def __init__(self, settings: Settings) -> None:
        keys: dict[str, tuple[str, str]] = {}  # name -> (key, role)
        if settings.api_key:
            keys["reader"] = (settings.api_key, "reader")
        if settings.admin_key:
            keys["admin"] = (settings.admin_key, "admin")
        for name, named in settings.keys.items():
            keys[name] = (named.key, named.role)
        self._keys = keys
        self._session_seconds = settings.session_hours * 3600

    @property
    def enabled(self) -> bool:
        return bool(self._keys)

    @property
    def has_admin(self) -> bool:
        return any(role == "admin" for _, role in self._keys.values())

    def by_key(self, key: str | None) -> Principal | None:
        """The principal a presented key belongs to; every configured key is compared, in constant time."""
        if not self.enabled:
            return ANONYMOUS
        found = None
        given = (key or "").encode()
        for name, (secret, role) in self._keys.items():
            if hmac.compare_digest(given, secret.encode()) and key:
                found = Principal(name=name, role=role)
        return found

    def session(self, principal: Principal, now: float | None = None) -> str:
        """A session token for a browser: the key's name, an expiry and a MAC keyed by the key itself."""
        expires = int((now or time.time()) + self._session_seconds)
        name = base64.urlsafe_b64encode(principal.name.encode()).decode().rstrip("=")
        return f"{name}.{expires}.{self._mac(principal.name, expires)}"

    def by_session(self, token: str | None, now: float | None = None) -> Principal | None:
        """The principal of a valid, unexpired session token; None for anything else."""
        if not self.enabled:
            return ANONYMOUS
        try:
            name_b64, expires_s, mac = (token or "").split(".")
            name = base64.urlsafe_b64decode(name_b64 + "=" * (-len(name_b64) % 4)).decode()
            expires = int(expires_s)
        except ValueError:  # also binascii.Error and UnicodeDecodeError
            return None
        if name not in self._keys or expires < (now or time.time()):
            return None
        if not hmac.compare_digest(mac, self._mac(name, expires)):
            return None
        return Principal(name=name, role=self._keys[name][1])

    def identify(self, key: str | None, session: str | None) -> Principal | None:
        """The caller, from an X-API-Key value or else a session cookie; None when neither is valid."""
        if key:
            return self.by_key(key)
        return self.by_session(session)

    def require_admin(self, principal: Principal | None) -> Principal:
        """The principal if it may change the knowledge base; else AccessError saying what key it needs."""
        if not self.has_admin:
            raise AccessError(
                "administration is off: set METROKB_ADMIN_KEY (or an admin key in METROKB_KEYS) "
                "and restart the server to add, replace or remove documents"
            )
        if principal is None or not principal.is_admin:
            raise AccessError(
                "this changes the knowledge base and needs an admin key (METROKB_ADMIN_KEY or an "
                "admin key of METROKB_KEYS); the key sent is a reader key"
            )
        return principal

    def _mac(self, name: str, expires: int) -> str:
        secret = hashlib.sha256(b"metrokb-session\0" + self._keys[name][0].encode()).digest()
        return hmac.new(secret, f"{name}\0{expires}".encode(), hashlib.sha256).hexdigest()
