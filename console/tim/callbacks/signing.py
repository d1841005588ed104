"""The Sign check: `Sign = sha256_hex(token + RequestTime)`, in constant time, within a window."""
from __future__ import annotations

import functools
import hashlib
import hmac
import time
from enum import StrEnum
from typing import Any, Mapping

from .errors import CallbackAuthError
from .readers import _query_value, _text

DEFAULT_WINDOW = 60  # seconds; the documented replay window is one minute


class SignCheck(StrEnum):
    """Outcome of a Sign check. Only OK is truthy."""
    OK = "ok"
    MISSING = "missing"        # no Sign or no RequestTime on the URL
    MALFORMED = "malformed"    # RequestTime is not a whole number of seconds
    BAD_SIGN = "bad_sign"      # Sign does not match the token
    STALE = "stale"            # RequestTime further from now than the window (either way)
    WRONG_APP = "wrong_app"    # SdkAppid is not this app (verify_query only)

    def __bool__(self) -> bool:
        return self is SignCheck.OK

    @property
    def ok(self) -> bool:
        return self is SignCheck.OK


def sign(token: str, request_time: int | str) -> str:
    """The Sign IM puts on the URL: lowercase hex SHA-256 of token + RequestTime, no separator."""
    return hashlib.sha256(f"{token}{request_time}".encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=64)
def _expected_sign(token: str, request_time: str) -> bytes:
    """IM sends the same RequestTime for every callback of a second: hash it once."""
    return sign(token, request_time).encode("ascii")


def _as_seconds(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdecimal() and value.strip().isascii():
        return int(value.strip())
    return None


def verify_sign(token: str, request_time: Any, sign_value: Any, now: float | None = None,
                window: float = DEFAULT_WINDOW) -> SignCheck:
    """Check a callback's `Sign` against `token` and its `RequestTime` against the clock.

    Never raises for what a request carries; raises ValueError only when `token` is empty (a
    receiver without a token cannot authenticate anything and must say so, not pass).
    """
    if not isinstance(token, str) or not token:
        raise ValueError("no callback token configured")
    if request_time in (None, "") or sign_value in (None, ""):
        return SignCheck.MISSING
    seconds = _as_seconds(request_time)
    if seconds is None:
        return SignCheck.MALFORMED
    expected = _expected_sign(token, str(request_time).strip())
    given = str(sign_value).strip().lower().encode("utf-8", "surrogatepass")
    if not hmac.compare_digest(expected, given):
        return SignCheck.BAD_SIGN
    if abs((time.time() if now is None else now) - seconds) > window:
        return SignCheck.STALE
    return SignCheck.OK


def verify_query(query: Mapping, *, app_id: int | str, token: str | None,
                 now: float | None = None, window: float = DEFAULT_WINDOW) -> SignCheck:
    """Check a whole callback URL query: the app id, then the Sign when a token is configured."""
    if _text(_query_value(query, "SdkAppid")) != str(app_id):
        return SignCheck.WRONG_APP
    if not token:
        return SignCheck.OK
    return verify_sign(token, _query_value(query, "RequestTime"), _query_value(query, "Sign"),
                       now=now, window=window)


def require_sign(query: Mapping, *, app_id: int | str, token: str | None,
                 now: float | None = None, window: float = DEFAULT_WINDOW) -> None:
    """`verify_query`, raising CallbackAuthError unless the request passes."""
    check = verify_query(query, app_id=app_id, token=token, now=now, window=window)
    if not check:
        raise CallbackAuthError(check)
