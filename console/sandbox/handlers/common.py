"""Small argument checks shared by the handlers; each raises ApiError with the caller's code."""
from __future__ import annotations

from ..registry import ApiError

UINT32_MAX = 4294967295


def size(text: str) -> int:
    return len(text.encode("utf-8"))


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def text(body: dict, field: str, code: int, *, required: bool = True, max_bytes: int | None = None,
         default: str | None = None) -> str | None:
    """A string field: missing (when required), wrong type or too long -> ApiError(code)."""
    value = body.get(field)
    if value is None:
        if required:
            raise ApiError(code, f"{field} is missing")
        return default
    if not isinstance(value, str) or (required and not value):
        raise ApiError(code, f"{field} must be a non-empty string")
    if max_bytes is not None and size(value) > max_bytes:
        raise ApiError(code, f"{field} is longer than {max_bytes} bytes")
    return value


def integer(body: dict, field: str, code: int, *, required: bool = True, default: int | None = None,
            low: int = 0, high: int = UINT32_MAX) -> int | None:
    value = body.get(field)
    if value is None:
        if required:
            raise ApiError(code, f"{field} is missing")
        return default
    if not is_int(value) or not low <= value <= high:
        raise ApiError(code, f"{field} must be an integer between {low} and {high}")
    return value


def items(body: dict, field: str, code: int, *, limit: int | None = None, limit_code: int | None = None,
          required: bool = True, kind: type | None = None) -> list:
    """A non-empty array field of at most `limit` items (over the limit -> limit_code)."""
    value = body.get(field)
    if not required and (value is None or value == []):
        return []
    if not isinstance(value, list) or not value:
        raise ApiError(code, f"{field} must be a non-empty array")
    if limit is not None and len(value) > limit:
        raise ApiError(limit_code or code, f"{field} holds more than {limit} items")
    if kind is not None and not all(isinstance(v, kind) for v in value):
        raise ApiError(code, f"every item of {field} must be a {kind.__name__}")
    return value


def account(state, body: dict, field: str, missing_code: int, unknown_code: int | None = None) -> str:
    """A UserID field that must name an imported account."""
    uid = text(body, field, missing_code)
    if not state.account_exists(uid):
        raise ApiError(unknown_code or missing_code, f"{field} {uid} was never imported")
    return uid


def per_item(results: list, field: str = "ResultItem", key: str = "To_Account") -> dict:
    """The sns-style answer: the item list and `Fail_Account`, the names that failed. IM sends
    `Fail_Account` even when it is empty (its published answers and SDKs read it so)."""
    return {field: results, "Fail_Account": [r[key] for r in results if r["ResultCode"]]}


def item(target: str, code: int = 0, info: str = "", key: str = "To_Account", **extra) -> dict:
    return {key: target, "ResultCode": code, "ResultInfo": info, **extra}
