"""Custom group attributes and group counters: methods of `client.group` (mixed into GroupAPI).

Attributes (`group_open_attr_http_svc/get_group_attr`, `group_open_http_svc/{modify,set,delete,
clear}_group_attr`) are a small key -> string map kept beside the group's profile, written by the
client SDKs (audio-chat seat lists and the like) and by the app admin. Counters
(`group_open_http_svc/{get,update,delete}_group_counter`) are key -> signed 64-bit integers that
can be set, increased or decreased atomically.

What we relied on where ../shared/spec is silent (Tencent's pages 1047/44187-44190, 1047/59499,
1047/53427-53429, 1047/60394, read with the search tool and in tencentyun/intlcloud-documents):
- attributes: a key is at most 32 bytes, a value at most 4000 bytes, at most 16 keys and 16000
  bytes of values in all (codes 10045-10048); every type takes them, except that
  `clear_group_attr` refuses Community groups; writes are limited to 5 a second per group (10049).
  Note the request writes `key`/`value` in lower case, and `get_group_attr` answers `GroupAttrAry`.
  `delete_group_attr` names the keys as `GroupAttr: [{"key": ...}]`.
- counters: at most 20 keys of at most 128 bytes per group (10063), values are signed 64-bit;
  `Mode` is `Set` (default), `Increase` or `Decrease` (a missing key starts at 0); no keys in
  get/delete means all of them; Community groups are refused.
- every change of attributes makes IM send `Group.CallbackAfterGroupAttrChanged` (`OptionType`
  "modify", "set", "delete" or "clear"); no callback is documented for counters.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from console.tim.api._base import (
    check_enum, check_group_id, check_int, check_list, check_str, drop_none, invalid, nbytes,
)
from console.tim.results import Result

ATTR_SVC = "group_open_attr_http_svc/"
SVC = "group_open_http_svc/"
GET_ATTR = ATTR_SVC + "get_group_attr"
MODIFY_ATTR, SET_ATTR = SVC + "modify_group_attr", SVC + "set_group_attr"
DELETE_ATTR, CLEAR_ATTR = SVC + "delete_group_attr", SVC + "clear_group_attr"
GET_COUNTER, UPDATE_COUNTER = SVC + "get_group_counter", SVC + "update_group_counter"
DELETE_COUNTER = SVC + "delete_group_counter"

MAX_ATTR_KEY_BYTES = 32
MAX_ATTR_VALUE_BYTES = 4000
MAX_ATTR_KEYS = 16
MAX_ATTR_TOTAL_BYTES = 16000
MAX_COUNTER_KEYS = 20
MAX_COUNTER_KEY_BYTES = 128
INT64_MIN, INT64_MAX = -2**63, 2**63 - 1
COUNTER_MODES = ("Set", "Increase", "Decrease")


@dataclass(kw_only=True)
class GroupAttrs(Result):
    """A group's custom attributes, key -> value, in the service's order."""
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass(kw_only=True)
class GroupCounters(Result):
    """Group counters, key -> value (get: the keys asked for; update: the values after the change)."""
    counters: dict[str, int] = field(default_factory=dict)


def _attr_items(attrs: Any) -> list[dict]:
    """{key: value} -> the GroupAttr list, checked against the documented sizes."""
    if not isinstance(attrs, Mapping):
        raise invalid("attrs must be a dict of key -> string value")
    if not attrs:
        raise invalid("attrs must hold at least one key")
    if len(attrs) > MAX_ATTR_KEYS:
        raise invalid(f"attrs has {len(attrs)} keys; a group holds at most {MAX_ATTR_KEYS}")
    items = []
    for key, value in attrs.items():
        check_str("attrs key", key, max_bytes=MAX_ATTR_KEY_BYTES)
        check_str(f"attrs[{key!r}]", value, max_bytes=MAX_ATTR_VALUE_BYTES, allow_empty=True)
        items.append({"key": key, "value": value})
    total = sum(nbytes(item["value"]) for item in items)
    if total > MAX_ATTR_TOTAL_BYTES:
        raise invalid(f"attrs values add up to {total} bytes; the limit is {MAX_ATTR_TOTAL_BYTES}")
    return items


def _attr_map(items: Any) -> dict[str, str]:
    """GroupAttrAry [{key, value}] (either case of the field names) -> {key: value}."""
    out = {}
    for item in items or []:
        if isinstance(item, dict):
            key = item.get("key", item.get("Key"))
            if key is not None:
                out[key] = item.get("value", item.get("Value", ""))
    return out


def _counter_keys(keys: Iterable[str] | None) -> list[str] | None:
    if keys is None:
        return None
    keys = check_list("keys", keys, max_items=MAX_COUNTER_KEYS)
    return [check_str("keys item", k, max_bytes=MAX_COUNTER_KEY_BYTES) for k in keys]


def _counters(raw: dict) -> GroupCounters:
    counters = {}
    for item in raw.get("GroupCounter") or []:
        if isinstance(item, dict) and item.get("Key") is not None:
            counters[item["Key"]] = int(item.get("Value") or 0)
    return GroupCounters(counters=counters, raw=raw)


class GroupAttrsMixin:
    """Custom attributes and counters of a group (mixed into GroupAPI)."""

    # --- custom attributes ----------------------------------------------------------------------

    def get_group_attrs(self, group_id: str) -> GroupAttrs:
        """All custom attributes of the group (note: another service, group_open_attr_http_svc)."""
        raw = self._call(GET_ATTR, {"GroupId": check_group_id("group_id", group_id)}, op="get_group_attrs",
                         retry_safe=True)
        return GroupAttrs(attrs=_attr_map(raw.get("GroupAttrAry")), raw=raw)

    def modify_group_attrs(self, group_id: str, attrs: Mapping[str, str]) -> Result:
        """Add or change the given attributes; the others stay."""
        body = {"GroupId": check_group_id("group_id", group_id), "GroupAttr": _attr_items(attrs)}
        return Result(raw=self._call(MODIFY_ATTR, body, op="modify_group_attrs"))

    def set_group_attrs(self, group_id: str, attrs: Mapping[str, str]) -> Result:
        """Replace all attributes with exactly `attrs` (the service calls this "reset")."""
        body = {"GroupId": check_group_id("group_id", group_id), "GroupAttr": _attr_items(attrs)}
        return Result(raw=self._call(SET_ATTR, body, op="set_group_attrs"))

    def delete_group_attrs(self, group_id: str, keys: Iterable[str]) -> Result:
        """Remove the attributes named by `keys` (up to 16)."""
        keys = check_list("keys", keys, max_items=MAX_ATTR_KEYS)
        body = {"GroupId": check_group_id("group_id", group_id),
                "GroupAttr": [{"key": check_str("keys item", k, max_bytes=MAX_ATTR_KEY_BYTES)} for k in keys]}
        return Result(raw=self._call(DELETE_ATTR, body, op="delete_group_attrs"))

    def clear_group_attrs(self, group_id: str) -> Result:
        """Remove every attribute (not for Community groups: 10007)."""
        return Result(raw=self._call(CLEAR_ATTR, {"GroupId": check_group_id("group_id", group_id)},
                                     op="clear_group_attrs"))

    # --- counters ---------------------------------------------------------------------------------

    def get_group_counters(self, group_id: str, keys: Iterable[str] | None = None) -> GroupCounters:
        """The counters named by `keys`, or all of them (None)."""
        body = drop_none({"GroupId": check_group_id("group_id", group_id), "GroupCounterKeys": _counter_keys(keys)})
        return _counters(self._call(GET_COUNTER, body, op="get_group_counters", retry_safe=True))

    def update_group_counters(self, group_id: str, counters: Mapping[str, int], mode: str = "Set") -> GroupCounters:
        """Set, increase or decrease counters (`mode` Set / Increase / Decrease); returns the new values."""
        if not isinstance(counters, Mapping) or not counters:
            raise invalid("counters must be a non-empty dict of key -> integer")
        if len(counters) > MAX_COUNTER_KEYS:
            raise invalid(f"counters has {len(counters)} keys; a group holds at most {MAX_COUNTER_KEYS}")
        items = [{"Key": check_str("counters key", key, max_bytes=MAX_COUNTER_KEY_BYTES),
                  "Value": check_int(f"counters[{key!r}]", value, lo=INT64_MIN, hi=INT64_MAX)}
                 for key, value in counters.items()]
        body = {"GroupId": check_group_id("group_id", group_id), "GroupCounter": items,
                "Mode": check_enum("mode", mode, COUNTER_MODES)}
        return _counters(self._call(UPDATE_COUNTER, body, op="update_group_counters"))

    def delete_group_counters(self, group_id: str, keys: Iterable[str] | None = None) -> Result:
        """Delete the counters named by `keys`, or all of them (None)."""
        body = drop_none({"GroupId": check_group_id("group_id", group_id), "GroupCounterKeys": _counter_keys(keys)})
        return Result(raw=self._call(DELETE_COUNTER, body, op="delete_group_counters"))
