"""The typed events: one class per kind of callback, read declaratively with `fld`."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, Iterator

from .readers import _int, _ints, _kv, _list, _text, _texts
from .records import FriendItem, Pair, PushResult, ReadReceipt, _Record, _records, fld

if TYPE_CHECKING:
    from .commands import CommandInfo


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

    # The command table names these classes, so it is imported when asked for, not above.
    @property
    def info(self) -> "CommandInfo | None":
        from .commands import COMMANDS
        return COMMANDS.get(self.command)

    @property
    def is_before(self) -> bool:
        """True when IM waits for the answer to decide (see COMMANDS / BEFORE_COMMANDS)."""
        from .commands import BEFORE_COMMANDS
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
