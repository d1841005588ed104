"""Custom group attributes (`group_open_attr_http_svc/get_group_attr`, `{modify,set,delete,clear}_group_attr`)
and group counters (`{get,update,delete}_group_counter`). State: `state.group_extras` (group_extras.py).

Attributes: keys of at most 32 bytes (10045), values of at most 4000 bytes (10046), at most 16 keys
(10047) and 16000 bytes of values (10048) per group, at most 5 writes a second per group (10049);
`clear_group_attr` refuses Community groups. Every write sends Group.CallbackAfterGroupAttrChanged
with OptionType "modify", "set", "delete" or "clear" and the attributes concerned (for delete and
clear: the ones removed, with the values they had).
Counters: at most 20 keys (10063) of at most 128 bytes, signed 64-bit values; Mode Set (default),
Increase or Decrease (a missing key starts at 0); Community groups are refused (10007). IM
documents no callback for counters, so none is sent.
"""
from __future__ import annotations

from ...registry import ApiError, endpoint
from ..common import is_int, size
from .base import SVC, _bad, _group, _objects, _strings, _text
from .notify import _after

ATTR_SVC = "group_open_attr_http_svc/"
ATTR_KEY_MAX, ATTR_VALUE_MAX, ATTR_KEYS_MAX, ATTR_TOTAL_MAX = 32, 4000, 16, 16000
COUNTER_KEYS_MAX, COUNTER_KEY_MAX = 20, 128
INT64_MIN, INT64_MAX = -2**63, 2**63 - 1
MODES = ("Set", "Increase", "Decrease")


# ---- attributes ---------------------------------------------------------------------------

def _attr_pairs(body: dict, *, with_values: bool = True) -> dict:
    """GroupAttr [{key, value}] (lower case, as documented) as an ordered dict, checked."""
    pairs = {}
    for item in _objects(body, "GroupAttr", required=True):
        key = item.get("key")
        if not isinstance(key, str) or not key:
            raise _bad("GroupAttr[].key must be a non-empty string")
        if size(key) > ATTR_KEY_MAX:
            raise ApiError(10045, f"attribute key longer than {ATTR_KEY_MAX} bytes")
        value = item.get("value", "") if with_values else None
        if with_values:
            if not isinstance(value, str):
                raise _bad("GroupAttr[].value must be a string")
            if size(value) > ATTR_VALUE_MAX:
                raise ApiError(10046, f"attribute value longer than {ATTR_VALUE_MAX} bytes")
        pairs[key] = value
    return pairs


def _check_attr_totals(attrs: dict) -> None:
    if len(attrs) > ATTR_KEYS_MAX:
        raise ApiError(10047, f"more than {ATTR_KEYS_MAX} attribute keys")
    if sum(size(v) for v in attrs.values()) > ATTR_TOTAL_MAX:
        raise ApiError(10048, f"attribute values add up to more than {ATTR_TOTAL_MAX} bytes")


def _attr_list(attrs: dict) -> list[dict]:
    return [{"key": k, "value": v} for k, v in attrs.items()]


def _write_attrs(ctx, body: dict, option: str, change, *, refuse: tuple = ()) -> dict:
    """Apply `change(current attrs) -> (new attrs, attrs to report)` to the group's attributes."""
    with ctx.state.lock:
        group = _group(ctx, body, refuse=refuse)
        extras = ctx.state.group_extras.of(group)
        new, reported = change(dict(extras.attrs))
        _check_attr_totals(new)
        if not ctx.state.group_extras.allow_attr_write(group.group_id, ctx.now):
            raise ApiError(10049, "custom attributes of this group are written too often (5 a second)")
        extras.attrs = new
        _after(ctx, "Group.CallbackAfterGroupAttrChanged", group, Operator_Account=ctx.identifier,
               OptionType=option, GroupAttr=_attr_list(reported))
        return {}


@endpoint(ATTR_SVC + "get_group_attr")
def get_group_attr(ctx, body):
    with ctx.state.lock:
        group = _group(ctx, body)
        extras = ctx.state.group_extras.peek(group)
        return {"GroupAttrAry": _attr_list(extras.attrs if extras else {})}


@endpoint(SVC + "modify_group_attr")
def modify_group_attr(ctx, body):
    changes = _attr_pairs(body)
    return _write_attrs(ctx, body, "modify", lambda attrs: ({**attrs, **changes}, changes))


@endpoint(SVC + "set_group_attr")
def set_group_attr(ctx, body):
    attrs = _attr_pairs(body)
    return _write_attrs(ctx, body, "set", lambda _: (attrs, attrs))


@endpoint(SVC + "delete_group_attr")
def delete_group_attr(ctx, body):
    keys = _attr_pairs(body, with_values=False)

    def delete(attrs):
        removed = {k: attrs.pop(k) for k in keys if k in attrs}
        return attrs, removed
    return _write_attrs(ctx, body, "delete", delete)


@endpoint(SVC + "clear_group_attr")
def clear_group_attr(ctx, body):
    return _write_attrs(ctx, body, "clear", lambda attrs: ({}, attrs), refuse=("Community",))


# ---- counters -----------------------------------------------------------------------------

def _counter_key(value) -> str:
    if not isinstance(value, str) or not value or size(value) > COUNTER_KEY_MAX:
        raise _bad(f"a counter key must be a non-empty string of at most {COUNTER_KEY_MAX} bytes")
    return value


def _counter_list(counters: dict, keys=None) -> list[dict]:
    return [{"Key": k, "Value": v} for k, v in counters.items() if keys is None or k in keys]


def _counter_extras(ctx, body: dict):
    """The extras of the group named by GroupId; Community groups have no counters (10007)."""
    return ctx.state.group_extras.of(_group(ctx, body, refuse=("Community",)))


def _wanted_keys(body: dict) -> list[str] | None:
    """GroupCounterKeys: absent or empty means every key."""
    keys = _strings(body, "GroupCounterKeys", limit=COUNTER_KEYS_MAX, limit_code=10063)
    return [_counter_key(k) for k in keys] or None


@endpoint(SVC + "get_group_counter")
def get_group_counter(ctx, body):
    keys = _wanted_keys(body)
    with ctx.state.lock:
        return {"GroupCounter": _counter_list(_counter_extras(ctx, body).counters, keys)}


@endpoint(SVC + "update_group_counter")
def update_group_counter(ctx, body):
    mode = _text(body, "Mode") or "Set"
    if mode not in MODES:
        raise _bad("Mode must be Set, Increase or Decrease")
    updates = {}
    for item in _objects(body, "GroupCounter", required=True):
        value = item.get("Value")
        if not is_int(value) or not INT64_MIN <= value <= INT64_MAX:
            raise _bad("GroupCounter[].Value must be a signed 64-bit integer")
        updates[_counter_key(item.get("Key"))] = value
    with ctx.state.lock:
        extras = _counter_extras(ctx, body)
        counters = dict(extras.counters)
        for key, value in updates.items():
            if mode == "Increase":
                value = counters.get(key, 0) + value
            elif mode == "Decrease":
                value = counters.get(key, 0) - value
            if not INT64_MIN <= value <= INT64_MAX:
                raise _bad(f"counter {key} would leave the signed 64-bit range")
            counters[key] = value
        if len(counters) > COUNTER_KEYS_MAX:
            raise ApiError(10063, f"more than {COUNTER_KEYS_MAX} counter keys in the group")
        extras.counters = counters
        return {"GroupCounter": _counter_list(counters, updates)}


@endpoint(SVC + "delete_group_counter")
def delete_group_counter(ctx, body):
    keys = _wanted_keys(body)
    with ctx.state.lock:
        extras = _counter_extras(ctx, body)
        extras.counters = {} if keys is None else {k: v for k, v in extras.counters.items() if k not in keys}
        return {}
