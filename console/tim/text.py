"""What the console does with text that is not valid Unicode: one decision, applied at the edge.

IM relays what its users' clients send, and JSON can carry what no UTF-8 page, database or export
can hold: an escaped lone surrogate (`"\\ud800"`) or an escaped NUL (`"\\u0000"`). Python decodes
both into a `str` happily; encoding it again (a page, a PostgreSQL text column, `events export`)
then fails. So every string that enters the console from outside (callback bodies, IM responses,
form and query values) goes through `clean` first:

- a lone surrogate (U+D800..U+DFFF) and NUL (U+0000) become U+FFFD, the replacement character;
- everything else, valid pairs included (they were decoded into one code point), is kept.

Bytes are decoded as UTF-8 only (`decode_utf8`): a body in UTF-16/UTF-32, or with bytes that are
not UTF-8, is refused by its caller rather than guessed at and stored garbled.
"""
from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["REPLACEMENT", "clean", "clean_json", "needs_cleaning", "loads", "decode_utf8",
           "loads_cleaned", "NotUtf8", "TooDeep", "MAX_DEPTH", "depth_ok"]

REPLACEMENT = "\ufffd"
_INVALID = re.compile("[\x00\ud800-\udfff]")
#: nesting deeper than this is refused before parsing: far above any real IM body, far below
#: what would exhaust the interpreter's stack in the parser or in anything walking the result
MAX_DEPTH = 200


class NotUtf8(ValueError):
    """Bytes that are not UTF-8 text (another encoding, or not text at all)."""


class TooDeep(ValueError):
    """JSON nested deeper than MAX_DEPTH."""


def needs_cleaning(value: str) -> bool:
    return _INVALID.search(value) is not None


def clean(value: str) -> str:
    """`value` with every lone surrogate and NUL replaced by U+FFFD."""
    if value.isascii() and "\x00" not in value:
        return value  # the usual case, checked in C
    return _INVALID.sub(REPLACEMENT, value)


def clean_json(data: Any) -> Any:
    """A decoded JSON value with `clean` applied to every string, keys included.

    Walks iteratively (a deep value cannot exhaust the stack) and copies only containers that
    hold something to clean; a value with nothing to clean is returned as it is.
    """
    if isinstance(data, str):
        return clean(data)
    if not isinstance(data, (dict, list)) or not _has_invalid(data):
        return data
    return _rebuild(data)


def _has_invalid(data: Any) -> bool:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item or (not item.isascii() and _INVALID.search(item)):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _rebuild(data: Any) -> Any:
    """A copy of `data` with every string cleaned (iterative, containers in post-order)."""
    root: list = [None]
    # (container, parent, key in parent)
    stack: list = [(data, root, 0)]
    while stack:
        item, parent, key = stack.pop()
        if isinstance(item, str):
            parent[key] = clean(item)
        elif isinstance(item, dict):
            copy: dict = {}
            parent[key] = copy
            for k, v in item.items():
                k = clean(k) if isinstance(k, str) else k
                copy[k] = None
                stack.append((v, copy, k))
        elif isinstance(item, list):
            copy_list: list = [None] * len(item)
            parent[key] = copy_list
            for i, v in enumerate(item):
                stack.append((v, copy_list, i))
        else:
            parent[key] = item
    return root[0]


def depth_ok(text: str | bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON `text` nests at most `limit` deep (brackets inside strings not counted).

    A quick scan before parsing, so a body of 100,000 `[` is refused in linear time instead of
    raising RecursionError in the parser or in a renderer walking the result."""
    if isinstance(text, bytes):
        opens = text.count(b"[") + text.count(b"{")
    else:
        opens = text.count("[") + text.count("{")
    if opens <= limit:
        return True
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return False
        elif char in "]}":
            depth -= 1
    return True


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """`json.loads`, cleaned: UTF-8 only (NotUtf8), at most `max_depth` deep (TooDeep, a
    ValueError), every string cleaned. Raises ValueError for anything that is not JSON."""
    return loads_cleaned(text, max_depth=max_depth)[0]


def loads_cleaned(text: str | bytes, *, max_depth: int = MAX_DEPTH,
                  from_utf8: bool = False) -> tuple[Any, bool]:
    """`loads`, and whether cleaning changed anything. `from_utf8`: `text` came from
    `decode_utf8` (so it holds no raw surrogate, and only an escape can bring one)."""
    strict = from_utf8 or isinstance(text, (bytes, bytearray))
    if isinstance(text, (bytes, bytearray)):
        text = decode_utf8(bytes(text))
    if not depth_ok(text, max_depth):
        raise TooDeep(f"JSON nested deeper than {max_depth}")
    try:
        data = json.loads(text)
    except RecursionError:
        raise TooDeep(f"JSON nested deeper than {max_depth}") from None
    # text decoded from UTF-8 holds no surrogate or NUL: only an escape can bring one
    if "\\u" in text or not (strict or text.isascii()):
        cleaned = clean_json(data)
        return cleaned, cleaned is not data
    return data, False


def decode_utf8(raw: bytes) -> str:
    """`raw` as UTF-8 text (a leading BOM dropped). NotUtf8 when it is not: invalid bytes, or NUL
    bytes, the mark of UTF-16 and UTF-32 (JSON text never holds a raw NUL)."""
    if b"\x00" in raw:
        raise NotUtf8("NUL bytes: UTF-16 or UTF-32, not UTF-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotUtf8(f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    return text[1:] if text.startswith("\ufeff") else text
