"""UserSig ("TLS.ver 2.0"): generate, decode and verify, byte-compatible with Tencent's
official generator (PyPI `tls-sig-api-v2`), plus the thread-safe admin-sig cache.

Wire form: HMAC-SHA256 over five fixed lines -> JSON -> zlib -> base64 with `+/=` swapped
for `*-_`. See spec §2.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import threading
import time
import zlib
from dataclasses import dataclass

from .errors import AuthError

DEFAULT_EXPIRE = 180 * 86400
VERSION = "2.0"

EXPIRED = 70001
MALFORMED = 70003
WRONG_KEY = 70009
IDENTIFIER_MISMATCH = 70013
APP_ID_MISMATCH = 70014

_TO_WIRE = str.maketrans("+/=", "*-_")
_FROM_WIRE = str.maketrans("*-_", "+/=")


class UserSigError(AuthError):
    """A UserSig that fails verification; `.code` says why (70001/70003/70009/70013/70014)."""

    def __init__(self, code: int, info: str, endpoint: str = "usersig", response: dict | None = None):
        super().__init__(code, info, endpoint, response)


@dataclass(frozen=True)
class SigInfo:
    """What a verified UserSig says."""
    identifier: str
    app_id: int
    time: int
    expire: int
    userbuf: bytes | None = None

    @property
    def expires_at(self) -> int:
        return self.time + self.expire


def _string_to_sign(identifier: str, app_id: int, when: int, expire: int, userbuf_b64: str | None) -> bytes:
    text = (f"TLS.identifier:{identifier}\nTLS.sdkappid:{app_id}\n"
            f"TLS.time:{when}\nTLS.expire:{expire}\n")
    if userbuf_b64 is not None:
        text += f"TLS.userbuf:{userbuf_b64}\n"
    return text.encode("utf-8")


def hmac_sig(secret: str, identifier: str, app_id: int, when: int, expire: int,
             userbuf: bytes | None = None) -> str:
    """The `TLS.sig` field: standard base64 of the HMAC-SHA256 over the five lines."""
    ub64 = base64.b64encode(userbuf).decode() if userbuf is not None else None
    digest = hmac.new(secret.encode("utf-8"), _string_to_sign(identifier, app_id, when, expire, ub64),
                      hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def generate(app_id: int, secret: str, identifier: str, expire: int = DEFAULT_EXPIRE,
             userbuf: bytes | None = None, *, now: float | None = None) -> str:
    """A UserSig for `identifier`, valid `expire` seconds from now."""
    if not identifier:
        raise ValueError("identifier must not be empty")
    if int(expire) <= 0:
        raise ValueError("expire must be a positive number of seconds")
    when = int(time.time() if now is None else now)
    doc = {"TLS.ver": VERSION, "TLS.identifier": str(identifier), "TLS.sdkappid": int(app_id),
           "TLS.expire": int(expire), "TLS.time": when}
    if userbuf is not None:
        doc["TLS.userbuf"] = base64.b64encode(userbuf).decode()
    doc["TLS.sig"] = hmac_sig(secret, str(identifier), int(app_id), when, int(expire), userbuf)
    packed = zlib.compress(json.dumps(doc).encode("utf-8"))
    return base64.b64encode(packed).decode().translate(_TO_WIRE)


def decode(sig: str) -> dict:
    """The JSON document inside a UserSig, unchecked. Raises UserSigError(70003) if unreadable."""
    try:
        raw = base64.b64decode(str(sig).strip().translate(_FROM_WIRE), validate=True)
        doc = json.loads(zlib.decompress(raw).decode("utf-8"))
    except (binascii.Error, ValueError, zlib.error, UnicodeError) as exc:
        raise UserSigError(MALFORMED, f"UserSig cannot be decoded ({type(exc).__name__})") from None
    if not isinstance(doc, dict):
        raise UserSigError(MALFORMED, "UserSig does not hold a JSON object")
    return doc


def _fields(doc: dict) -> SigInfo:
    try:
        if doc["TLS.ver"] != VERSION:
            raise UserSigError(MALFORMED, f"unsupported UserSig version {doc['TLS.ver']!r}")
        userbuf = doc.get("TLS.userbuf")
        return SigInfo(identifier=str(doc["TLS.identifier"]), app_id=int(doc["TLS.sdkappid"]),
                       time=int(doc["TLS.time"]), expire=int(doc["TLS.expire"]),
                       userbuf=base64.b64decode(userbuf, validate=True) if userbuf is not None else None)
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise UserSigError(MALFORMED, f"UserSig field missing or malformed ({type(exc).__name__})") from None


def verify(app_id: int, secret: str, identifier: str, sig: str, now: float | None = None) -> SigInfo:
    """Check `sig` the way the IM service does; return its fields or raise UserSigError."""
    doc = decode(sig)
    info = _fields(doc)
    if info.app_id != int(app_id):
        raise UserSigError(APP_ID_MISMATCH, "UserSig was made for another SDKAppID")
    if info.identifier != str(identifier):
        raise UserSigError(IDENTIFIER_MISMATCH, "UserSig was made for another identifier")
    if (time.time() if now is None else now) > info.expires_at:
        raise UserSigError(EXPIRED, "UserSig has expired")
    expected = hmac_sig(secret, info.identifier, info.app_id, info.time, info.expire, info.userbuf)
    if not hmac.compare_digest(expected.encode(), str(doc.get("TLS.sig", "")).encode()):
        raise UserSigError(WRONG_KEY, "UserSig signature does not match the app key")
    return info


class SigCache:
    """One cached UserSig for the admin identifier, renewed well before it expires.

    Renewal happens when less than max(10% of the lifetime, min(1 day, half the lifetime))
    is left, so a sig never expires while a request is in flight.
    """

    def __init__(self, app_id: int, secret: str, identifier: str, expire: int = 7 * 86400):
        self._app_id, self._secret, self._identifier = int(app_id), secret, identifier
        self._expire = int(expire)
        self._margin = max(0.1 * expire, min(86400.0, expire / 2))
        self._lock = threading.Lock()
        self._sig: str | None = None
        self._renew_at = 0.0

    def get(self) -> str:
        now = time.time()
        sig = self._sig
        if sig is not None and now < self._renew_at:
            return sig
        with self._lock:
            if self._sig is None or now >= self._renew_at:
                self._sig = generate(self._app_id, self._secret, self._identifier, self._expire, now=now)
                self._renew_at = int(now) + self._expire - self._margin
            return self._sig

    def invalidate(self) -> None:
        with self._lock:
            self._sig = None

    def __repr__(self) -> str:
        return f"SigCache(app_id={self._app_id}, identifier={self._identifier!r})"
