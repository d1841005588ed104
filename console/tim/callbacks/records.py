"""Records read from a callback body: `fld` fields, `_Record`, and the nested records."""
from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from .readers import _MISSING, _compile, _found, _int, _text, _texts


def _records(cls: type["_Record"]) -> Callable[[Any], list]:
    def convert(v: Any) -> list:
        return [cls.from_json(x) for x in v if isinstance(x, dict)] if isinstance(v, list) else []
    convert.empty = list
    return convert


def fld(*paths: str, conv: Callable[[Any], Any] = _text, account: bool = False,
        default: Any = None):
    """A dataclass field read from the body at the first of `paths` present.

    `account=True` marks a field whose value (a UserID, a list of them, or records with
    accounts) names users: `accounts()` collects them.
    """
    meta = {"paths": paths, "conv": conv, "account": account}
    empty = getattr(conv, "empty", None)
    if empty is not None:
        return field(default_factory=empty, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(kw_only=True)
class _Record:
    """A dataclass whose `fld` fields are read from a JSON object."""

    @classmethod
    def from_json(cls, obj: dict):
        values = {}
        for name, paths, conv in _readers(cls):
            raw = _found(obj, paths)
            if raw is not _MISSING:
                values[name] = conv(raw)
        return cls(**values)

    def accounts(self) -> list[str]:
        """Every UserID this record names, in field order, without duplicates or blanks."""
        seen: dict[str, None] = {}
        for acc in self._iter_accounts():
            if acc:
                seen.setdefault(acc, None)
        return list(seen)

    def _iter_accounts(self) -> Iterator[str]:
        for name in _account_fields(type(self)):
            yield from _accounts_in(getattr(self, name))


@functools.cache
def _readers(cls: type) -> tuple:
    """(field name, compiled paths, converter) of each body-read field of a record class."""
    return tuple((f.name, tuple(_compile(p) for p in f.metadata["paths"]), f.metadata["conv"])
                 for f in dataclasses.fields(cls) if f.metadata.get("paths"))


@functools.cache
def _account_fields(cls: type) -> tuple:
    return tuple(f.name for f in dataclasses.fields(cls) if f.metadata.get("account"))


def _accounts_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, _Record):
        yield from value._iter_accounts()
    elif isinstance(value, list):
        for item in value:
            yield from _accounts_in(item)


@dataclass(kw_only=True)
class Pair(_Record):
    """One relation of Sns.Callback{FriendAdd,FriendDelete,BlackListAdd,BlackListDelete}."""
    from_account: str | None = fld("From_Account", account=True)
    to_account: str | None = fld("To_Account", account=True)
    initiator_account: str | None = fld("Initiator_Account", account=True)


@dataclass(kw_only=True)
class FriendItem(_Record):
    """One target of a friend request (FriendItem) or of a response (ResponseFriendItem)."""
    to_account: str | None = fld("To_Account", account=True)
    remark: str | None = fld("Remark")
    group_name: str | None = fld("GroupName", "TagName")
    add_source: str | None = fld("AddSource")
    add_wording: str | None = fld("AddWording")
    response_action: str | None = fld("ResponseAction")


@dataclass(kw_only=True)
class ReadReceipt(_Record):
    """One message of Group.CallbackAfterReadReceipt."""
    msg_seq: int | None = fld("MsgSeq", conv=_int)
    read_num: int | None = fld("ReadNum", conv=_int)
    unread_num: int | None = fld("UnreadNum", conv=_int)
    readers: list[str] = fld("ReadReceiptMembers[].Member_Account", conv=_texts, account=True)


@dataclass(kw_only=True)
class PushResult(_Record):
    """One entry of a batched Push.OfflinePush / Push.AllMemberPush body."""
    event_type: int | None = fld("EventType", conv=_int)
    event_time: int | None = fld("EventTime", conv=_int)
    task_id: str | None = fld("TaskId")
    task_time: int | None = fld("TaskTime", conv=_int)
    push_id: str | None = fld("PushID")
    from_account: str | None = fld("From_Account", account=True)
    to_account: str | None = fld("To_Account", account=True)
    group_id: str | None = fld("GroupID", "GroupId")
    msg_key: str | None = fld("MsgKey")
    msg_seq: int | None = fld("MsgSeq", conv=_int)
    push_platform: int | None = fld("PushPlatform", conv=_int)
    push_stage: int | None = fld("PushStage", conv=_int)
    err_code: int | None = fld("ErrCode", conv=_int)
    err_info: str | None = fld("ErrInfo")
