"""Message extensions (`openim_msg_ext_http_svc/*`): key-value pairs on C2C and group messages.

A message takes extensions only when it was sent with `support_extension=True`
(`c2c.send_message`, `group.send_message`). Facts from the four pages (intl docs
1047 "Message Extension"; the spec only names the commands):
- up to 300 pairs per message; keys <= 100 bytes, values <= 1000 bytes; up to 20 pairs set or
  deleted per request (the methods below batch larger writes, one request per 20 pairs);
- a get returns up to 200 pairs, sorted by Seq, from `StartSeq` on (`iter_*` page through all);
  `LatestSeq` is the message's newest Seq, `ClearSeq` the Seq of the last clear (every pair at
  or below it is gone);
- each pair has a Seq; a write that passes the Seq it last saw fails with 23001 when somebody
  changed the pair since (compare-and-set: pass `Extension(key, value, seq)` items). App admin
  writes without a Seq are not checked (pass a plain `{key: value}` dict);
- codes: 23001 Seq conflict (per pair), 23002 message sent without extension support, 23003
  more than 200 writes a minute on one message, 23004 no such message, 10004 bad parameter.
Group extensions work in Private (Work), Public and ChatRoom (Meeting) groups only.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping

from console.tim.api._base import (
    Namespace, check_int, check_list, check_str, check_user_id, drop_none, envelope, invalid,
)
from console.tim.errors import TimError
from console.tim.results import BatchResult, ItemResult, Result

SVC = "openim_msg_ext_http_svc/"
GET, SET = SVC + "get_key_values", SVC + "set_key_values"
GROUP_GET, GROUP_SET = SVC + "group_get_key_values", SVC + "group_set_key_values"
MAX_PAIRS = 300
MAX_PER_REQUEST = 20
MAX_KEY_BYTES, MAX_VALUE_BYTES = 100, 1000
SET_VALUES, DELETE_VALUES, CLEAR_VALUES = 1, 2, 3
SEQ_CONFLICT = 23001


@dataclass(frozen=True)
class Extension:
    """A pair to write; `seq` (the pair's Seq as last read, 0 for a new key) makes the write
    conditional: it fails with 23001 if the pair changed meanwhile."""
    key: str
    value: str = ""
    seq: int | None = None


@dataclass(kw_only=True)
class ExtensionValue(Result):
    key: str = ""
    value: str = ""
    seq: int = 0


@dataclass(kw_only=True)
class ExtensionPage(Result):
    values: list[ExtensionValue]
    latest_seq: int = 0
    clear_seq: int = 0
    complete: bool = True

    def as_dict(self) -> dict[str, str]:
        return {v.key: v.value for v in self.values}


@dataclass(kw_only=True)
class ExtensionItem(ItemResult):
    """One written pair: `id` is the key; on 23001 `value`/`seq` are the pair as stored."""
    value: str = ""
    seq: int = 0


@dataclass(kw_only=True)
class ExtensionWrite(BatchResult[ExtensionItem]):
    """One item per key, in request order; `conflicts` are the keys refused with 23001."""

    @property
    def conflicts(self) -> list[ExtensionItem]:
        return [item for item in self.items if item.code == SEQ_CONFLICT]


def _values(raw_list) -> list[ExtensionValue]:
    return [ExtensionValue(key=e.get("Key", ""), value=e.get("Value", ""), seq=int(e.get("Seq") or 0), raw=e)
            for e in raw_list or [] if isinstance(e, dict)]


def _items(values: Mapping[str, str] | Iterable[Extension], *, with_values: bool) -> list[dict]:
    """Request items from a {key: value} dict (unconditional) or Extension objects (Seq-checked)."""
    if isinstance(values, Mapping):
        values = [Extension(k, v) for k, v in values.items()]
    entries = check_list("values", values, max_items=MAX_PAIRS)
    out, keys = [], set()
    for entry in entries:
        if isinstance(entry, str) and not with_values:
            entry = Extension(entry)
        if not isinstance(entry, Extension):
            raise invalid(f"values must be a dict or Extension items, got {type(entry).__name__}")
        check_str("extension key", entry.key, max_bytes=MAX_KEY_BYTES)
        if entry.key in keys:
            raise invalid(f"extension key {entry.key!r} is given twice")
        keys.add(entry.key)
        item: dict[str, Any] = {"Key": entry.key}
        if with_values:
            item["Value"] = check_str(f"value of {entry.key!r}", entry.value, max_bytes=MAX_VALUE_BYTES,
                                      allow_empty=True)
        else:
            item["Value"] = ""
        if entry.seq is not None:
            item["Seq"] = check_int(f"seq of {entry.key!r}", entry.seq, hi=2 ** 63 - 1)
        out.append(item)
    return out


def _item_info(code: int, answer: dict) -> str:
    if not code:
        return ""
    return "Seq conflict: the pair changed since it was read" if code == SEQ_CONFLICT else answer.get("ErrorInfo", "")


def _write_result(requested: list[dict], answers: list[dict]) -> ExtensionWrite:
    found: dict[str, ExtensionItem] = {}
    last: dict = {}
    for answer in answers:
        last = answer
        for entry in answer.get("ExtensionList") or []:
            ext = entry.get("Extension") or {}
            code = int(entry.get("ErrorCode") or 0)
            found[ext.get("Key")] = ExtensionItem(id=ext.get("Key"), ok=code == 0, code=code,
                                                  info=_item_info(code, answer),
                                                  value=ext.get("Value", ""), seq=int(ext.get("Seq") or 0),
                                                  raw=entry)
    items = [found.get(i["Key"]) or ExtensionItem(id=i["Key"], ok=False, code=None,
                                                  info="not in the service's answer") for i in requested]
    return ExtensionWrite(items=items, raw=last, **envelope(last))


class MessageExtAPI(Namespace):
    name = "message_ext"

    # ---- C2C messages ----------------------------------------------------------------------
    @staticmethod
    def _c2c(to: str, msg_key: str, sender: str | None) -> dict:
        return drop_none({"From_Account": check_user_id("sender", sender) if sender is not None else None,
                          "To_Account": check_user_id("to", to),
                          "MsgKey": check_str("msg_key", msg_key, max_bytes=50)})

    def get_c2c_extensions(self, to: str, msg_key: str, *, sender: str | None = None,
                           start_seq: int = 0) -> ExtensionPage:
        """One page (<= 200) of the pairs on the message `msg_key` received by `to`, from `start_seq`."""
        body = {**self._c2c(to, msg_key, sender), "StartSeq": check_int("start_seq", start_seq, hi=2 ** 63 - 1)}
        return self._page(self._call(GET, body, op="get_c2c_extensions", retry_safe=True))

    def iter_c2c_extensions(self, to: str, msg_key: str, *, sender: str | None = None) -> Iterator[ExtensionValue]:
        """Every pair on the message, page by page on demand."""
        return self._iterate(lambda seq: self.get_c2c_extensions(to, msg_key, sender=sender, start_seq=seq))

    def set_c2c_extensions(self, to: str, msg_key: str, values: Mapping[str, str] | Iterable[Extension], *,
                           sender: str | None = None) -> ExtensionWrite:
        """Set pairs ({key: value} unconditionally, or Extension items checked against their seq)."""
        return self._write(SET, self._c2c(to, msg_key, sender), SET_VALUES, _items(values, with_values=True),
                           op="set_c2c_extensions")

    def delete_c2c_extensions(self, to: str, msg_key: str, keys: Iterable[str | Extension], *,
                              sender: str | None = None) -> ExtensionWrite:
        """Delete pairs by key (an Extension item with a seq deletes only if unchanged)."""
        return self._write(SET, self._c2c(to, msg_key, sender), DELETE_VALUES, _items(keys, with_values=False),
                           op="delete_c2c_extensions")

    def clear_c2c_extensions(self, to: str, msg_key: str, *, sender: str | None = None) -> Result:
        """Delete every pair on the message (ClearSeq moves to the new Seq)."""
        body = {**self._c2c(to, msg_key, sender), "OperateType": CLEAR_VALUES}
        return Result(raw=self._call(SET, body, op="clear_c2c_extensions"))

    # ---- group messages --------------------------------------------------------------------
    @staticmethod
    def _group(group_id: str, msg_seq: int) -> dict:
        return {"GroupId": check_str("group_id", group_id, max_bytes=96), "MsgSeq": check_int("msg_seq", msg_seq)}

    def get_group_extensions(self, group_id: str, msg_seq: int, *, start_seq: int = 0) -> ExtensionPage:
        body = {**self._group(group_id, msg_seq), "StartSeq": check_int("start_seq", start_seq, hi=2 ** 63 - 1)}
        return self._page(self._call(GROUP_GET, body, op="get_group_extensions", retry_safe=True))

    def iter_group_extensions(self, group_id: str, msg_seq: int) -> Iterator[ExtensionValue]:
        return self._iterate(lambda seq: self.get_group_extensions(group_id, msg_seq, start_seq=seq))

    def set_group_extensions(self, group_id: str, msg_seq: int,
                             values: Mapping[str, str] | Iterable[Extension]) -> ExtensionWrite:
        return self._write(GROUP_SET, self._group(group_id, msg_seq), SET_VALUES,
                           _items(values, with_values=True), op="set_group_extensions")

    def delete_group_extensions(self, group_id: str, msg_seq: int, keys: Iterable[str | Extension]) -> ExtensionWrite:
        return self._write(GROUP_SET, self._group(group_id, msg_seq), DELETE_VALUES,
                           _items(keys, with_values=False), op="delete_group_extensions")

    def clear_group_extensions(self, group_id: str, msg_seq: int) -> Result:
        body = {**self._group(group_id, msg_seq), "OperateType": CLEAR_VALUES}
        return Result(raw=self._call(GROUP_SET, body, op="clear_group_extensions"))

    # ---- shared ---------------------------------------------------------------------------------
    @staticmethod
    def _page(raw: dict) -> ExtensionPage:
        return ExtensionPage(values=_values(raw.get("ExtensionList")), latest_seq=int(raw.get("LatestSeq") or 0),
                             clear_seq=int(raw.get("ClearSeq") or 0), complete=int(raw.get("CompleteFlag", 1)) == 1,
                             raw=raw)

    @staticmethod
    def _iterate(fetch) -> Iterator[ExtensionValue]:
        """Pages from StartSeq 0; the next page starts at the last Seq seen (pairs written together
        share a Seq), skipping the keys already given for that Seq."""
        start, given = 0, set()
        while True:
            page = fetch(start)
            fresh = [v for v in page.values if (v.seq, v.key) not in given]
            yield from fresh
            if page.complete or not fresh:
                return
            start = page.values[-1].seq
            given = {(v.seq, v.key) for v in page.values if v.seq == start}

    def _write(self, endpoint: str, target: dict, operation: int, requested: list[dict], *, op: str) -> ExtensionWrite:
        """One request per 20 pairs. A failed first request raises (nothing was written); a failed
        later one leaves its pairs failed with its code, after the earlier ones were written."""
        answers = []
        for first in range(0, len(requested), MAX_PER_REQUEST):
            chunk = requested[first:first + MAX_PER_REQUEST]
            try:
                answers.append(self._call(endpoint, {**target, "OperateType": operation, "ExtensionList": chunk},
                                          op=op))
            except TimError as exc:
                if not answers:
                    raise
                answers.append({"ErrorCode": exc.code, "ErrorInfo": exc.info, "ExtensionList": [
                    {"ErrorCode": exc.code, "Extension": {"Key": i["Key"]}} for i in chunk]})
        return _write_result(requested, answers)
