"""Third-party callbacks (webhooks): Sign check, typed events, acks.

Tencent IM POSTs every event to the app's callback URL with the query
`SdkAppid, CallbackCommand, contenttype, ClientIP, OptPlatform[, Sign, RequestTime]` and a JSON
body. This module, which needs nothing but the standard library, covers the receiving side:

* `sign` / `verify_sign` / `verify_query`: `Sign = sha256_hex(token + RequestTime)`, checked in
  constant time and within a time window in both directions (replay protection).
* `parse(query, body)`: one typed event per documented `CallbackCommand` (all 57 of the spec's
  list), built declaratively from `COMMANDS`. Unknown commands give a `GenericEvent`; malformed
  field values give the field's empty default. Only a body that is not a JSON object raises
  (`CallbackParseError`). Every event lists the UserIDs it names with `accounts()`.
* ack builders: `ack_ok`, `ack_deny`, `ack_drop`, `ack_modify`, `ack_refuse`, `ack_results`
  with `ResultItem`, checked against what each "before" callback documents.
* `read_ack(command, ack)`: the other side — what IM does with an answer (for emulators, tests).
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Callable, ClassVar, Iterable, Iterator, Mapping, NamedTuple

__all__ = [
    "Category", "SignCheck", "CallbackError", "CallbackParseError", "CallbackAuthError",
    "sign", "verify_sign", "verify_query", "require_sign", "parse", "normalize_platform",
    "CallbackEvent", "GenericEvent", "AlertEvent", "StateChangeEvent", "ProfileEvent",
    "FriendRequestEvent", "RelationEvent", "FollowEvent", "C2CMessageEvent", "C2CReadEvent",
    "MessageExtensionEvent", "GroupEvent", "GroupMemberEvent", "GroupMessageEvent",
    "GroupQuotaEvent", "ModerationEvent", "OfficialAccountEvent", "PushEvent",
    "Pair", "FriendItem", "ReadReceipt", "PushResult",
    "CommandInfo", "COMMANDS", "BEFORE_COMMANDS", "MESSAGE_BEFORE_COMMANDS",
    "ack_ok", "ack_deny", "ack_drop", "ack_modify", "ack_refuse", "ack_results", "ResultItem",
    "AckDecision", "read_ack", "FRIEND_RESULT_RANGE",
]

DEFAULT_WINDOW = 60  # seconds; the documented replay window is one minute


# ---------------------------------------------------------------------------------------------
# errors


class CallbackError(ValueError):
    """Base of the errors this module raises."""


class CallbackParseError(CallbackError):
    """The body is not a JSON object (every documented callback body is one)."""


class CallbackAuthError(CallbackError):
    """A request failed the Sign / app id check; `.check` says why (a SignCheck)."""

    def __init__(self, check: "SignCheck"):
        super().__init__(f"callback rejected: {check.value}")
        self.check = check


# ---------------------------------------------------------------------------------------------
# Sign


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


# ---------------------------------------------------------------------------------------------
# tolerant value converters: a wrong type gives the empty default, never an exception


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


def _records(cls: type["_Record"]) -> Callable[[Any], list]:
    def convert(v: Any) -> list:
        return [cls.from_json(x) for x in v if isinstance(x, dict)] if isinstance(v, list) else []
    convert.empty = list
    return convert


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


# ---------------------------------------------------------------------------------------------
# nested records


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


# ---------------------------------------------------------------------------------------------
# events


class Category(StrEnum):
    """The command's prefix: what part of IM the event comes from."""
    ALERT = "Alert"
    STATE = "State"
    PROFILE = "Profile"
    SNS = "Sns"
    FOLLOW = "Follow"
    C2C = "C2C"
    GROUP = "Group"
    CONTENT = "ContentCallback"
    BOT = "Bot"
    CHATBOT = "Chatbot"
    OFFICIAL_ACCOUNT = "OfficialAccount"
    PUSH = "Push"
    OTHER = "Other"

    @classmethod
    def of(cls, command: str) -> "Category":
        return _CATEGORIES.get(command.split(".", 1)[0], cls.OTHER)


_CATEGORIES = {c.value: c for c in Category}  # a dict lookup: an Enum call costs a microsecond


_PLATFORMS = {p.lower(): p for p in
              ("RESTAPI", "Web", "Android", "iOS", "Windows", "Mac", "iPad", "Unknown")}


def normalize_platform(value: Any) -> str | None:
    """OptPlatform in its documented spelling (State.StateChange's `IOS` becomes `iOS`)."""
    text = _text(value)
    if text is None or text == "":
        return None
    return _PLATFORMS.get(text.lower(), text)


def _event_time_ms(value: Any) -> int | None:
    """EventTime as milliseconds; a string or a seconds value (as in push bodies) is accepted."""
    n = _int(value)
    if n is None and isinstance(value, float) and 0 < value < 1e15:  # excludes inf and nan
        n = int(value)
    if n is None or n <= 0:
        return None
    return n * 1000 if n < 100_000_000_000 else n


@dataclass(kw_only=True)
class CallbackEvent(_Record):
    """Fields every callback has. Subclasses add the command's own, read from the body."""
    #: accounts(), group_id and event_time are plain field reads, as `summarize` reads them
    plain_fields: ClassVar[bool] = True
    command: str = ""
    category: Category = Category.OTHER
    app_id: int | None = None
    client_ip: str | None = None
    platform: str | None = None
    content_type: str | None = None
    event_time: int | None = None        # milliseconds since the epoch, when the body has one
    group_id: str | None = fld("GroupId")
    raw: dict = field(default_factory=dict, repr=False, compare=False)
    query: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def info(self) -> "CommandInfo | None":
        return COMMANDS.get(self.command)

    @property
    def is_before(self) -> bool:
        """True when IM waits for the answer to decide (see COMMANDS / BEFORE_COMMANDS)."""
        return self.command in BEFORE_COMMANDS

    def as_dict(self) -> dict:
        """The typed fields as JSON-ready data (without raw body and query)."""
        out = {}
        for f in dataclasses.fields(self):
            if f.name not in ("raw", "query"):
                out[f.name] = _plain(getattr(self, f.name))
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, _Record):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# The key of any field that names a user ends with this; GenericEvent relies on it.
_ACCOUNT_SUFFIX = "_Account"
_NOT_USERS = frozenset({"Official_Account"})   # official-account ids, not UserIDs


@dataclass(kw_only=True)
class GenericEvent(CallbackEvent):
    """An undocumented command: kept whole; accounts() scans every `*_Account` key."""
    plain_fields: ClassVar[bool] = False

    def _iter_accounts(self) -> Iterator[str]:
        yield from _scan_accounts(self.raw)


def _scan_accounts(node: Any, depth: int = 0) -> Iterator[str]:
    if depth > 20:
        return
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "MsgBody":
                continue
            if isinstance(key, str) and key.endswith(_ACCOUNT_SUFFIX) and key not in _NOT_USERS:
                yield from _texts(value)
            else:
                yield from _scan_accounts(value, depth + 1)
    elif isinstance(node, list):
        for item in node:
            yield from _scan_accounts(item, depth + 1)


@dataclass(kw_only=True)
class AlertEvent(CallbackEvent):
    """Alert.RequestOverLimit: an API went over its rate limit."""
    service_name: str | None = fld("ServiceName")
    api_command: str | None = fld("Command")
    request_rate: int | None = fld("Request", conv=_int)
    limit: int | None = fld("Limit", conv=_int)


@dataclass(kw_only=True)
class StateChangeEvent(CallbackEvent):
    """State.StateChange: a user logged in, out, or lost the connection."""
    action: str | None = fld("Info.Action")             # Login | Logout | Disconnect
    account: str | None = fld("Info.To_Account", account=True)
    reason: str | None = fld("Info.Reason")             # Register | Unregister | LinkClose | TimeOut
    kicked_platforms: list[str] = fld("KickedDevice[].Platform", conv=_texts)


@dataclass(kw_only=True)
class ProfileEvent(CallbackEvent):
    """Profile.CallbackPortraitSet: profile fields changed (`items` maps tag to new value)."""
    operator_account: str | None = fld("Operator_Account", account=True)
    from_account: str | None = fld("From_Account", account=True)
    items: dict = fld("ProfileItem", conv=_kv)


@dataclass(kw_only=True)
class FriendRequestEvent(CallbackEvent):
    """Sns.CallbackPrevFriendAdd / PrevFriendResponse: answer per target with ResultItem."""
    requester_account: str | None = fld("Requester_Account", account=True)
    from_account: str | None = fld("From_Account", account=True)
    items: list[FriendItem] = fld("FriendItem", "ResponseFriendItem", conv=_records(FriendItem),
                                  account=True)
    add_type: str | None = fld("AddType")
    force_add: int | None = fld("ForceAddFlags", conv=_int)

    def to_accounts(self) -> list[str]:
        return [i.to_account for i in self.items if i.to_account]


@dataclass(kw_only=True)
class RelationEvent(CallbackEvent):
    """Sns.CallbackFriendAdd / FriendDelete / BlackListAdd / BlackListDelete."""
    pairs: list[Pair] = fld("PairList", conv=_records(Pair), account=True)
    client_cmd: str | None = fld("ClientCmd")
    admin_account: str | None = fld("Admin_Account", account=True)
    force_flag: int | None = fld("ForceFlag", conv=_int)


@dataclass(kw_only=True)
class FollowEvent(CallbackEvent):
    """Follow.CallbackAfterFollowAdd / AfterFollowDelete."""
    from_account: str | None = fld("From_Account", account=True)
    to_accounts: list[str] = fld("FollowList[].To_Account", "To_Account", conv=_texts,
                                 account=True)


@dataclass(kw_only=True)
class C2CMessageEvent(CallbackEvent):
    """One-to-one message: C2C before/after send, withdraw, Bot.OnC2CMessage, Chatbot signal."""
    from_account: str | None = fld("From_Account", account=True)
    to_account: str | None = fld("To_Account", account=True)
    msg_seq: int | None = fld("MsgSeq", conv=_int)
    msg_random: int | None = fld("MsgRandom", conv=_int)
    msg_time: int | None = fld("MsgTime", conv=_int)
    msg_key: str | None = fld("MsgKey")
    msg_id: str | None = fld("MsgId")
    online_only: int | None = fld("OnlineOnlyFlag", conv=_int)
    msg_body: list = fld("MsgBody", conv=_list)
    cloud_custom_data: str | None = fld("CloudCustomData")
    send_result: int | None = fld("SendMsgResult", conv=_int)
    error_info: str | None = fld("ErrorInfo")
    unread: int | None = fld("UnreadMsgNum", conv=_int)
    data: str | None = fld("Data")                      # Chatbot.OnC2CSignalMessage


@dataclass(kw_only=True)
class C2CReadEvent(CallbackEvent):
    """C2C.CallbackAfterMsgReport: a user read a one-to-one conversation."""
    report_account: str | None = fld("Report_Account", account=True)
    peer_account: str | None = fld("Peer_Account", account=True)
    last_read_time: int | None = fld("LastReadTime", conv=_int)
    unread: int | None = fld("UnreadMsgNum", conv=_int)


@dataclass(kw_only=True)
class MessageExtensionEvent(CallbackEvent):
    """C2C.CallbackAfterC2CMsgExtension / Group.CallbackAfterGroupMsgExtension."""
    from_account: str | None = fld("From_Account", account=True)
    to_account: str | None = fld("To_Account", account=True)
    msg_key: str | None = fld("MsgKey")
    msg_seq: int | None = fld("MsgSeq", conv=_int)
    operate_type: int | None = fld("OperateType", conv=_int)   # 1 set, 2 delete, 3 clear
    extensions: list = fld("ExtensionList", conv=_list)
    seq: int | None = fld("Seq", conv=_int)


@dataclass(kw_only=True)
class GroupEvent(CallbackEvent):
    """Group lifecycle, profile, attributes and topics (create, destroy, info, full, topic...)."""
    group_type: str | None = fld("Type")
    operator_account: str | None = fld("Operator_Account", account=True)
    owner_account: str | None = fld("Owner_Account", account=True)
    name: str | None = fld("Name")
    introduction: str | None = fld("Introduction")
    notification: str | None = fld("Notification")
    face_url: str | None = fld("FaceUrl")
    members: list[str] = fld("MemberList[].Member_Account", conv=_texts, account=True)
    create_group_num: int | None = fld("CreateGroupNum", conv=_int)
    user_defined_data: dict = fld("UserDefinedDataList", conv=_kv)
    topic_id: str | None = fld("TopicId")
    topic_ids: list[str] = fld("TopicIdList", conv=_texts)
    option_type: str | None = fld("OptionType")
    attributes: dict = fld("GroupAttr", conv=_kv)


@dataclass(kw_only=True)
class GroupMemberEvent(CallbackEvent):
    """Who is in a group: apply, invite, join, exit, online state, member fields, owner change."""
    group_type: str | None = fld("Type")
    operator_account: str | None = fld("Operator_Account", account=True)
    requestor_account: str | None = fld("Requestor_Account", account=True)
    members: list[str] = fld("DestinationMembers[].Member_Account",
                             "NewMemberList[].Member_Account", "ExitMemberList[].Member_Account",
                             "MemberList[].Member_Account", conv=_texts, account=True)
    member_account: str | None = fld("Member_Account", "Modified_Account", account=True)
    old_owner_account: str | None = fld("OldOwner_Account", account=True)
    new_owner_account: str | None = fld("NewOwner_Account", account=True)
    join_type: str | None = fld("JoinType")             # Apply | Invited
    exit_type: str | None = fld("ExitType")             # Kicked | Quit
    state: str | None = fld("EventType")                # Online | Offline (AVChatRoom)
    role: str | None = fld("Role")
    name_card: str | None = fld("NameCard")


@dataclass(kw_only=True)
class GroupMessageEvent(CallbackEvent):
    """Group messages: before/after send, send failure, recall, read receipts, Bot.OnGroupMessage."""
    group_type: str | None = fld("Type")
    from_account: str | None = fld("From_Account", account=True)
    operator_account: str | None = fld("Operator_Account", account=True)
    random: int | None = fld("Random", conv=_int)
    msg_seq: int | None = fld("MsgSeq", conv=_int)
    msg_time: int | None = fld("MsgTime", conv=_int)
    msg_id: str | None = fld("MsgId")
    online_only: int | None = fld("OnlineOnlyFlag", conv=_int)
    msg_body: list = fld("MsgBody", conv=_list)
    cloud_custom_data: str | None = fld("CloudCustomData")
    topic_id: str | None = fld("TopicId")
    at_accounts: list[str] = fld("GroupAtInfo[].GroupAt_Account", conv=_texts, account=True)
    at_all: bool = False
    at_robots: list[str] = fld("AtRobots_Account", "AtRobotAccount", conv=_texts, account=True)
    is_place_msg: int | None = fld("IsPlaceMsg", conv=_int)
    error_code: int | None = fld("ErrorCode", conv=_int)       # CallbackSendMsgException
    error_info: str | None = fld("ErrorInfo")
    msg_seqs: list[int] = fld("MsgSeqList[].MsgSeq", conv=_ints)   # CallbackAfterRecallMsg
    receipts: list[ReadReceipt] = fld("GroupMsgReceiptList", conv=_records(ReadReceipt),
                                      account=True)

    @classmethod
    def from_json(cls, obj: dict):
        event = super().from_json(obj)
        event.at_all = any(isinstance(i, dict) and _int(i.get("GroupAtAllFlag")) == 1
                           for i in _list(obj.get("GroupAtInfo")))
        return event


@dataclass(kw_only=True)
class GroupQuotaEvent(CallbackEvent):
    """Group.CallbackOnDailyGroupQuotaAlarm: the app's daily group-creation quota is nearly used."""
    quota_used: int | None = fld("QuotaUsed", conv=_int)
    quota: int | None = fld("Quota", conv=_int)


@dataclass(kw_only=True)
class ModerationEvent(CallbackEvent):
    """ContentCallback.ResultNotify: the moderation verdict on a piece of content."""
    group_id: str | None = fld("ContactItem.ToGroupId", "GroupId")
    scene: str | None = fld("Scene")
    from_account: str | None = fld("From_Account", account=True)
    contact_type: int | None = fld("ContactItem.ContactType", conv=_int)  # 1 C2C, 2 group
    to_account: str | None = fld("ContactItem.To_Account", "To_Account", account=True)
    content_type: str | None = fld("ContentType")
    text: str | None = fld("TextContent")
    file_url: str | None = fld("FileURL")
    msg_id: str | None = fld("MsgID")
    blocked: int | None = fld("CtxcbResult", conv=_int)  # 1 blocked, 0 passed
    request_id: str | None = fld("CtxcbRequestId")
    keywords: list[str] = fld("CtxcbKeywords", conv=_texts)
    suggestion: str | None = fld("CtxcbSuggestion")
    label: str | None = fld("CtxcbLabel")
    sub_label: str | None = fld("CtxcbSubLabel")
    cloud_custom_data: str | None = fld("CloudCustomData")


@dataclass(kw_only=True)
class OfficialAccountEvent(CallbackEvent):
    """OfficialAccount.*: official channels, their subscribers and messages."""
    official_account: str | None = fld("Official_Account")   # a channel id, not a UserID
    operator_account: str | None = fld("Operator_Account", account=True)
    owner_account: str | None = fld("Owner_Account", account=True)
    name: str | None = fld("Name")
    introduction: str | None = fld("Introduction")
    face_url: str | None = fld("FaceUrl")
    organization: str | None = fld("Organization")
    subscribers: list[str] = fld("SubscribeAccountList[].Subscriber_Account", conv=_texts,
                                 account=True)
    msg_key: str | None = fld("MsgKey")
    msg_time: int | None = fld("MsgTime", conv=_int)
    online_only: int | None = fld("OnlineOnlyFlag", conv=_int)
    msg_body: list = fld("MsgBody", conv=_list)
    cloud_custom_data: str | None = fld("CloudCustomData")
    withdrawn_keys: list[str] = fld("WithdrawMsgList[].MsgKey", conv=_texts)


@dataclass(kw_only=True)
class PushEvent(CallbackEvent):
    """Push.OfflinePush / Push.AllMemberPush: a batch `{"Events": [...]}` of delivery results."""
    plain_fields: ClassVar[bool] = False  # an unbatched body; the time of the first result
    results: list[PushResult] = fld("Events", conv=_records(PushResult), account=True)

    @classmethod
    def from_json(cls, obj: dict):
        event = super().from_json(obj)
        if "Events" not in obj:                 # tolerate one unbatched result
            event.results = [PushResult.from_json(obj)]
        return event


# ---------------------------------------------------------------------------------------------
# the command table


@dataclass(frozen=True)
class CommandInfo:
    """What is known about one CallbackCommand.

    For "before" commands: `deny_range` is the documented custom-code range (besides 1),
    `sender_code` what the API caller gets on a plain deny, `can_drop` whether ErrorCode 2
    silently drops, `can_modify` whether MsgBody/CloudCustomData may be rewritten,
    `refuse_key` the list of refused UserIDs it accepts, `per_item` whether it is answered
    with a ResultItem per target instead of a top-level code.
    """
    command: str
    category: Category
    event_class: type[CallbackEvent]
    is_before: bool = False
    deny_range: tuple[int, int] | None = None
    sender_code: int | None = None
    can_drop: bool = False
    can_modify: bool = False
    refuse_key: str | None = None
    per_item: bool = False


_C2C_CUSTOM = (120001, 130000)
_GROUP_CUSTOM = (10100, 10200)
FRIEND_RESULT_RANGE = (38000, 39000)

_MSG_BEFORE = dict(is_before=True, can_drop=True, can_modify=True)
_GROUP_BEFORE = dict(is_before=True, deny_range=_GROUP_CUSTOM, sender_code=10016)

# command -> (event class, before-callback options)
_TABLE: dict[str, tuple[type[CallbackEvent], dict]] = {
    "Alert.RequestOverLimit": (AlertEvent, {}),
    "State.StateChange": (StateChangeEvent, {}),
    "Profile.CallbackPortraitSet": (ProfileEvent, {}),
    "Sns.CallbackPrevFriendAdd": (FriendRequestEvent, dict(is_before=True, per_item=True)),
    "Sns.CallbackPrevFriendResponse": (FriendRequestEvent, dict(is_before=True, per_item=True)),
    "Sns.CallbackFriendAdd": (RelationEvent, {}),
    "Sns.CallbackFriendDelete": (RelationEvent, {}),
    "Sns.CallbackBlackListAdd": (RelationEvent, {}),
    "Sns.CallbackBlackListDelete": (RelationEvent, {}),
    "Follow.CallbackAfterFollowAdd": (FollowEvent, {}),
    "Follow.CallbackAfterFollowDelete": (FollowEvent, {}),
    "C2C.CallbackBeforeSendMsg": (C2CMessageEvent, dict(_MSG_BEFORE, deny_range=_C2C_CUSTOM,
                                                        sender_code=20006)),
    "C2C.CallbackAfterSendMsg": (C2CMessageEvent, {}),
    "C2C.CallbackAfterMsgReport": (C2CReadEvent, {}),
    "C2C.CallbackAfterMsgWithDraw": (C2CMessageEvent, {}),
    "C2C.CallbackAfterC2CMsgExtension": (MessageExtensionEvent, {}),
    "Group.CallbackBeforeCreateGroup": (GroupEvent, _GROUP_BEFORE),
    "Group.CallbackAfterCreateGroup": (GroupEvent, {}),
    "Group.CallbackBeforeApplyJoinGroup": (GroupMemberEvent, _GROUP_BEFORE),
    "Group.CallbackBeforeInviteJoinGroup": (GroupMemberEvent, dict(
        _GROUP_BEFORE, refuse_key="RefusedMembers_Account")),
    "Group.CallbackAfterNewMemberJoin": (GroupMemberEvent, {}),
    "Group.CallbackAfterMemberExit": (GroupMemberEvent, {}),
    "Group.CallbackBeforeSendMsg": (GroupMessageEvent, dict(_MSG_BEFORE, **_GROUP_BEFORE)),
    "Group.CallbackAfterSendMsg": (GroupMessageEvent, {}),
    "Group.CallbackAfterGroupFull": (GroupEvent, {}),
    "Group.CallbackAfterGroupDestroyed": (GroupEvent, {}),
    "Group.CallbackAfterGroupInfoChanged": (GroupEvent, {}),
    "Group.CallbackOnMemberStateChange": (GroupMemberEvent, {}),
    "Group.CallbackSendMsgException": (GroupMessageEvent, {}),
    # topic creation: deny (1) is documented, a custom-code range is not
    "Group.CallbackBeforeCreateTopic": (GroupEvent, dict(is_before=True, sender_code=10016)),
    "Group.CallbackAfterCreateTopic": (GroupEvent, {}),
    "Group.CallbackAfterTopicDestroyed": (GroupEvent, {}),
    "Group.CallbackAfterTopicInfoChanged": (GroupEvent, {}),
    "Group.CallbackAfterMemberFieldChanged": (GroupMemberEvent, {}),
    "Group.CallbackAfterGroupAttrChanged": (GroupEvent, {}),
    "Group.CallbackAfterReadReceipt": (GroupMessageEvent, {}),
    "Group.CallbackAfterChangeGroupOwner": (GroupMemberEvent, {}),
    "Group.CallbackOnDailyGroupQuotaAlarm": (GroupQuotaEvent, {}),
    "Group.CallbackAfterGroupMsgExtension": (MessageExtensionEvent, {}),
    "Group.CallbackAfterRecallMsg": (GroupMessageEvent, {}),
    "ContentCallback.ResultNotify": (ModerationEvent, {}),
    "Bot.OnC2CMessage": (C2CMessageEvent, {}),
    "Bot.OnGroupMessage": (GroupMessageEvent, {}),
    "Chatbot.OnC2CSignalMessage": (C2CMessageEvent, {}),
    "OfficialAccount.CallbackBeforeCreateOfficialAccount": (OfficialAccountEvent,
                                                            dict(is_before=True)),
    "OfficialAccount.CallbackAfterCreateOfficialAccount": (OfficialAccountEvent, {}),
    "OfficialAccount.CallbackAfterOfficialAccountInfoChanged": (OfficialAccountEvent, {}),
    "OfficialAccount.CallbackAfterOfficialAccountDestroyed": (OfficialAccountEvent, {}),
    "OfficialAccount.CallbackBeforeAddSubscriber": (OfficialAccountEvent, dict(
        is_before=True, refuse_key="RefusedSubscribers_Account")),
    "OfficialAccount.CallbackAfterAddSubscriber": (OfficialAccountEvent, {}),
    "OfficialAccount.CallbackAfterOfficialAccountFull": (OfficialAccountEvent, {}),
    "OfficialAccount.CallbackAfterDeleteSubscriber": (OfficialAccountEvent, {}),
    "OfficialAccount.CallbackBeforeSendMsg": (OfficialAccountEvent, dict(
        _MSG_BEFORE, deny_range=_C2C_CUSTOM)),
    "OfficialAccount.CallbackAfterSendMsg": (OfficialAccountEvent, {}),
    "OfficialAccount.CallbackAfterMsgWithDraw": (OfficialAccountEvent, {}),
    "Push.OfflinePush": (PushEvent, {}),
    "Push.AllMemberPush": (PushEvent, {}),
}

COMMANDS: dict[str, CommandInfo] = {
    name: CommandInfo(name, Category.of(name), cls, **opts) for name, (cls, opts) in _TABLE.items()
}
BEFORE_COMMANDS: frozenset[str] = frozenset(c for c, i in COMMANDS.items() if i.is_before)
MESSAGE_BEFORE_COMMANDS: frozenset[str] = frozenset(c for c, i in COMMANDS.items() if i.can_drop)


# ---------------------------------------------------------------------------------------------
# parse


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


def _body_command(body: dict) -> str | None:
    command = _text(body.get("CallbackCommand"))
    if command is None:  # batched push results carry the command in each event
        first = next(iter(_list(body.get("Events"))), None)
        command = _text(first.get("CallbackCommand")) if isinstance(first, dict) else None
    return command


def _load_body(body: Any) -> dict:
    if isinstance(body, (bytes, bytearray)):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CallbackParseError("callback body is not UTF-8") from exc
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except (ValueError, RecursionError) as exc:
            raise CallbackParseError("callback body is not JSON") from exc
    if not isinstance(body, dict):
        raise CallbackParseError("callback body is not a JSON object")
    return body


def _command_of(query: Mapping | None, body: dict) -> tuple[str, type[CallbackEvent]]:
    """The command a callback is handled as, and its event class (see `parse`)."""
    q_command = _text(_query_value(query, "CallbackCommand"))
    if q_command in COMMANDS:
        return q_command, COMMANDS[q_command].event_class
    command = _body_command(body) or q_command or ""
    info = COMMANDS.get(command)
    return command, info.event_class if info else GenericEvent


def parse(query: Mapping | None, body: dict | bytes | str) -> CallbackEvent:
    """The typed event for one callback request.

    The command comes from the query's `CallbackCommand` (what IM dispatches on); when that is
    missing or unknown, from the body (for batched push bodies, from the first event). An
    unknown command gives a GenericEvent. `body` may also be the raw bytes or text of the
    request; CallbackParseError is raised only when it is not a JSON object.
    """
    body = _load_body(body)
    command, cls = _command_of(query, body)
    event = cls.from_json(body)
    event.command = command
    event.category = Category.of(command)
    event.app_id = _int(_query_value(query, "SdkAppid"))
    event.client_ip = _text(_query_value(query, "ClientIP")) or None
    event.platform = normalize_platform(_query_value(query, "OptPlatform"))
    event.content_type = _text(_query_value(query, "contenttype")) or None
    event.event_time = _event_time_ms(body.get("EventTime"))
    if event.event_time is None and isinstance(event, PushEvent) and event.results:
        event.event_time = _event_time_ms(event.results[0].event_time)
    event.raw = body
    event.query = _plain_query(query)
    return event


class Summary(NamedTuple):
    """What an event index needs of a callback (see `summarize`)."""

    command: str
    category: Category
    accounts: list[str]
    group_id: str | None
    event_time: int | None
    #: (account, action) of a State.StateChange, else None
    state: tuple[str | None, str | None] | None = None


def summarize(query: Mapping | None, body: dict | bytes | str) -> Summary:
    """`parse`'s command, category, accounts(), group_id, event_time (and a state change's
    account and action), without building the whole typed event: this runs for every callback
    received, and most of the event would be thrown away. `body` as `parse` takes it."""
    body = _load_body(body)
    command, cls = _command_of(query, body)
    plan = _summary_plan(cls)
    if plan is None:
        event = parse(query, body)
        state = (event.account, event.action) if isinstance(event, StateChangeEvent) else None
        return Summary(command, event.category, event.accounts(), event.group_id,
                       event.event_time, state)
    account_readers, group_reader, state_readers = plan
    seen: dict[str, None] = {}
    for reader in account_readers:
        value = _read(body, reader)
        if value.__class__ is str:  # the usual single UserID, without a generator
            seen[value] = None
        elif value:
            seen.update(dict.fromkeys(_accounts_in(value)))
    seen.pop("", None)
    state = (_read(body, state_readers[0]), _read(body, state_readers[1])) \
        if state_readers else None
    return Summary(command, Category.of(command), list(seen), _read(body, group_reader),
                   _event_time_ms(body.get("EventTime")), state)


def _read(body: dict, reader: tuple) -> Any:
    """One field as `from_json` reads it: (compiled paths, converter, default factory)."""
    paths, conv, default = reader
    raw = _found(body, paths)
    return default() if raw is _MISSING else conv(raw)


@functools.cache
def _summary_plan(cls: type) -> tuple | None:
    """The readers `summarize` needs for `cls`; None for classes whose accounts or times are not
    plain field reads (GenericEvent scans the body, PushEvent reads nested results)."""
    if not cls.plain_fields:
        return None
    fields = {f.name: f for f in dataclasses.fields(cls)}
    readers = {name: (paths, conv) for name, paths, conv in _readers(cls)}

    def reader(name: str) -> tuple:
        f = fields[name]
        default = f.default_factory if f.default_factory is not dataclasses.MISSING \
            else (lambda value=f.default: value)
        return (*readers[name], default)
    accounts = tuple(reader(name) for name in _account_fields(cls))
    state = (reader("account"), reader("action")) if cls is StateChangeEvent else ()
    return accounts, reader("group_id"), state


# ---------------------------------------------------------------------------------------------
# acks


def _ack(code: int = 0, info: str = "", **extra) -> dict:
    return {"ActionStatus": "OK", "ErrorCode": code, "ErrorInfo": info, **extra}


def _before_info(command: str | None) -> CommandInfo | None:
    if command is None:
        return None
    info = COMMANDS.get(command)
    if info is None or not info.is_before:
        raise ValueError(f"{command} is not a documented before-callback")
    return info


def ack_ok(info: str = "") -> dict:
    """Allow / acknowledge: `{"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": info}`."""
    return _ack(0, info)


_ALL_DENY_RANGES = (_C2C_CUSTOM, _GROUP_CUSTOM)


def ack_deny(code: int = 1, info: str = "", *, command: str | None = None) -> dict:
    """Refuse a before-callback: ErrorCode 1, or a custom code the sender will see.

    With `command`, the code must be 1 or in that command's documented custom range (C2C and
    official-account messages [120001, 130000], groups [10100, 10200]); without it, 1 or a code in
    any of those ranges. Friend-request callbacks are answered per target (`ack_results`).
    """
    if isinstance(code, bool) or not isinstance(code, int):
        raise ValueError("deny code must be an integer")
    info_ = _before_info(command)
    if info_ is not None and info_.per_item:
        raise ValueError(f"{command} is answered per target: use ack_results()")
    if info_ is None:
        ranges = _ALL_DENY_RANGES
    else:
        ranges = (info_.deny_range,) if info_.deny_range else ()
    if code != 1 and not any(lo <= code <= hi for lo, hi in ranges):
        allowed = " or ".join(f"[{lo}, {hi}]" for lo, hi in ranges)
        raise ValueError(f"deny code {code} is not 1{' or in ' + allowed if allowed else ''}")
    return _ack(code, str(info))


def ack_drop(*, command: str | None = None) -> dict:
    """Silently drop a message (ErrorCode 2): the sender sees success, nobody gets it."""
    info = _before_info(command)
    if info is not None and not info.can_drop:
        raise ValueError(f"{command} has no silent drop (only message before-callbacks do)")
    return _ack(2, "")


def _check_msg_body(msg_body: Any) -> list:
    if not isinstance(msg_body, list) or not msg_body:
        raise ValueError("MsgBody must be a non-empty list of elements")
    for elem in msg_body:
        if not (isinstance(elem, dict) and isinstance(elem.get("MsgType"), str)
                and isinstance(elem.get("MsgContent"), dict)):
            raise ValueError("each MsgBody element needs a MsgType string and a MsgContent object")
    return msg_body


def ack_modify(msg_body: list | None = None, cloud_custom_data: str | None = None, *,
               command: str | None = None) -> dict:
    """Allow a message but replace its MsgBody and/or CloudCustomData (ErrorCode must be 0)."""
    info = _before_info(command)
    if info is not None and not info.can_modify:
        raise ValueError(f"{command} cannot modify the message")
    if msg_body is None and cloud_custom_data is None:
        raise ValueError("nothing to modify: give msg_body and/or cloud_custom_data")
    extra: dict = {}
    if msg_body is not None:
        extra["MsgBody"] = _check_msg_body(msg_body)
    if cloud_custom_data is not None:
        if not isinstance(cloud_custom_data, str):
            raise ValueError("CloudCustomData must be a string")
        extra["CloudCustomData"] = cloud_custom_data
    return _ack(0, "", **extra)


def ack_refuse(accounts: Iterable[str], *,
               command: str = "Group.CallbackBeforeInviteJoinGroup") -> dict:
    """Allow the rest but refuse these users (invitations; official-account subscriptions)."""
    info = _before_info(command)
    if info is None or info.refuse_key is None:
        raise ValueError(f"{command} takes no list of refused users")
    users = [accounts] if isinstance(accounts, str) else list(accounts)
    if not all(isinstance(u, str) and u for u in users):
        raise ValueError("refused users must be non-empty UserID strings")
    return _ack(0, "", **{info.refuse_key: users})


@dataclass(frozen=True)
class ResultItem:
    """One target's verdict in a friend-request ack: 0 allows, [38000, 39000] refuses."""
    to_account: str
    code: int = 0
    info: str = ""

    def __post_init__(self):
        if not isinstance(self.to_account, str) or not self.to_account:
            raise ValueError("ResultItem needs a To_Account")
        lo, hi = FRIEND_RESULT_RANGE
        if isinstance(self.code, bool) or not isinstance(self.code, int) \
                or not (self.code == 0 or lo <= self.code <= hi):
            raise ValueError(f"ResultCode {self.code!r} is not 0 or in [{lo}, {hi}]")

    @classmethod
    def deny(cls, to_account: str, code: int = FRIEND_RESULT_RANGE[0], info: str = ""):
        return cls(to_account, code, info)

    def to_json(self) -> dict:
        return {"To_Account": self.to_account, "ResultCode": self.code, "ResultInfo": self.info}


def ack_results(items: Iterable[ResultItem]) -> dict:
    """Answer to Sns.CallbackPrevFriendAdd / PrevFriendResponse: one ResultItem per target."""
    items = list(items)
    if not all(isinstance(i, ResultItem) for i in items):
        raise ValueError("ack_results takes ResultItem objects")
    return _ack(0, "", ResultItem=[i.to_json() for i in items])


# ---------------------------------------------------------------------------------------------
# reading an ack (what IM does with the answer)


@dataclass
class AckDecision:
    """What IM does after a before-callback answered `ack` (None: no answer → proceed).

    `action`: "allow", "deny" or "drop". On deny, `code`/`info` are what the API caller gets
    (the custom code when one in the documented range was given, else the command's
    documented code, e.g. 20006 for C2C and 10016 for groups). `msg_body`/`cloud_custom_data`
    replace the message's when set; `refused` lists users refused individually; `results`
    maps a friend-request target to its (ResultCode, ResultInfo).
    """
    action: str = "allow"
    code: int = 0
    info: str = ""
    msg_body: list | None = None
    cloud_custom_data: str | None = None
    refused: list[str] = field(default_factory=list)
    results: dict[str, tuple[int, str]] = field(default_factory=dict)

    @property
    def allowed(self) -> bool:
        return self.action == "allow"


def read_ack(command: str, ack: Mapping | None) -> AckDecision:
    """Interpret a before-callback answer as IM documents it. Never raises."""
    info = COMMANDS.get(command)
    if not isinstance(ack, Mapping) or info is None:
        return AckDecision()
    code = _int(ack.get("ErrorCode"))
    text = _text(ack.get("ErrorInfo")) or ""
    if info.per_item:  # the top-level code is ignored; each target has its own
        results = {}
        for item in _list(ack.get("ResultItem")):
            if isinstance(item, dict) and _text(item.get("To_Account")):
                results[_text(item["To_Account"])] = (_int(item.get("ResultCode")) or 0,
                                                      _text(item.get("ResultInfo")) or "")
        return AckDecision(results=results)
    if code == 2 and info.can_drop:
        return AckDecision(action="drop", code=2)
    if code:
        lo, hi = info.deny_range or (0, -1)
        if lo <= code <= hi:
            return AckDecision(action="deny", code=code, info=text)
        return AckDecision(action="deny", code=info.sender_code or code, info=text)
    decision = AckDecision()
    if info.can_modify:
        body = ack.get("MsgBody")
        try:
            decision.msg_body = _check_msg_body(body) if body is not None else None
        except ValueError:
            decision.msg_body = None
        decision.cloud_custom_data = _text(ack.get("CloudCustomData")) \
            if isinstance(ack.get("CloudCustomData"), str) else None
    if info.refuse_key:
        decision.refused = _texts(ack.get(info.refuse_key))
    return decision
