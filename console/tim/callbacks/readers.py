"""Tolerant readers: a wrong type gives the empty default, never an exception.

Value converters (`_text`, `_int`, ... with their default as `.empty`), body paths compiled once
(`_compile`) and read by `_dig` / `_found`, and the query readers (`_query_value`, `_plain_query`).
"""
from __future__ import annotations

from typing import Any, Mapping



def _text(v: Any) -> str | None:
    if isinstance(v, str):
        return v
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)
    return None


def _int(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str):
        s = v.strip()
        digits = s[1:] if s[:1] in ("+", "-") else s
        if digits.isdecimal() and digits.isascii() and len(digits) < 40:
            return int(s)
    return None


def _texts(v: Any) -> list[str]:
    """A list of strings from a string, a list of strings, or a list of values."""
    if isinstance(v, str):
        return [v]
    if isinstance(v, list):
        return [t for t in (_text(x) for x in v) if t is not None]
    return []


def _ints(v: Any) -> list[int]:
    if isinstance(v, list):
        return [i for i in (_int(x) for x in v) if i is not None]
    return []


def _list(v: Any) -> list:
    return list(v) if isinstance(v, list) else []


def _kv(v: Any) -> dict:
    """[{"Key"|"key"|"Tag": k, "Value"|"value": v}, ...] -> {k: v}."""
    out: dict = {}
    for item in v if isinstance(v, list) else ():
        if isinstance(item, dict):
            k = _text(next((item[n] for n in ("Key", "key", "Tag") if n in item), None))
            if k is not None:
                out[k] = item.get("Value", item.get("value"))
    return out

# a converter's `empty` attribute is the factory of its default (scalars default to None)
_texts.empty = _ints.empty = _list.empty = list
_kv.empty = dict
_MISSING = object()


def _compile(path: str) -> str | tuple | list:
    """A path like "Info.To_Account", "PairList[].From_Account" or "List[]", ready for `_dig`:
    a top-level key stays a string, a nested path without `[]` becomes a tuple of keys, any
    other a list of (key, spread) steps."""
    steps = [(s[:-2], True) if s.endswith("[]") else (s, False) for s in path.split(".")]
    if any(spread for _key, spread in steps):
        return steps
    keys = tuple(key for key, _spread in steps)
    return keys[0] if len(keys) == 1 else keys


def _dig(node: Any, path: str | tuple | list) -> Any:
    """Value at a compiled path (see `_compile`).

    A `[]` step maps over a list (flattening), so such paths give a list of the values found.
    Nothing found gives _MISSING, so that a field can fall back to its next path.
    """
    if isinstance(path, str):
        return node.get(path, _MISSING) if isinstance(node, dict) else _MISSING
    if isinstance(path, tuple):
        for key in path:
            if not isinstance(node, dict) or key not in node:
                return _MISSING
            node = node[key]
        return node
    nodes = [node]
    for key, spread in path:
        found = [n[key] for n in nodes if isinstance(n, dict) and key in n]
        nodes = [x for v in found if isinstance(v, list) for x in v] if spread else found
        if not nodes:
            return _MISSING
    return nodes


def _found(node: Any, paths: tuple) -> Any:
    """The value at the first of the compiled `paths` present, else _MISSING."""
    for path in paths:
        raw = _dig(node, path)
        if raw is not _MISSING:
            return raw
    return _MISSING


def _query_value(query: Mapping | None, key: str) -> Any:
    """A query value by name (exact, then case-insensitive); the first one of a list."""
    if not query:
        return None
    try:
        value = query[key] if key in query else next(
            (query[k] for k in query if isinstance(k, str) and k.lower() == key.lower()), None)
    except Exception:  # an exotic Mapping: treat as absent
        return None
    return _first(value)


def _first(value: Any) -> Any:
    """A repeated query parameter counts by its first value."""
    if isinstance(value, (list, tuple)):
        return value[0] if value else None
    return value


def _plain_query(query: Mapping | None) -> dict:
    """The query as name -> value, the first one of a list (as `_query_value` reads it)."""
    if not query:
        return {}
    try:
        return {k: _first(v) for k, v in query.items()}
    except Exception:  # an exotic Mapping
        return {k: _query_value(query, k) for k in query}
