"""Typed results of the namespace methods. Every result keeps the raw response in `.raw`.

Batch calls return a `BatchResult` whose `items` hold one entry per requested item, in request
order, failures included. An item's `ok` says whether the service did what was asked for that
item; `code`/`info` carry the service's per-item code and text (`code` is None when the service
names a failure without a code, e.g. `FailAccounts`).

Whole-batch failures: when the service answers a non-zero `ErrorCode` for the request but still
lists the failed items (documented for `openim/batchsendmsg` and `openim/query_online_status`
when every target failed), the method does NOT raise: it returns a `BatchResult` whose items are
all failed and whose `code`/`info` hold the request-level code. Any other non-zero answer raises
the `TimError` from the client.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, Iterator, TypeVar


@dataclass(kw_only=True)
class Result:
    """A call whose answer has no fields beyond the envelope."""
    raw: dict = field(default_factory=dict, repr=False)


@dataclass(kw_only=True)
class ItemResult:
    """One item of a batch: its id, whether it succeeded, the service's code and text."""
    id: Any
    ok: bool = True
    code: int | None = 0
    info: str = ""
    raw: dict = field(default_factory=dict, repr=False)


T = TypeVar("T", bound=ItemResult)


@dataclass(kw_only=True)
class BatchResult(Result, Generic[T]):
    """Per-item outcome of a batch call; `code`/`info` are the request-level envelope."""
    items: list[T] = field(default_factory=list)
    code: int = 0
    info: str = ""

    @property
    def ok(self) -> bool:
        return all(item.ok for item in self.items)

    @property
    def failed(self) -> list[T]:
        return [item for item in self.items if not item.ok]

    @property
    def succeeded(self) -> list[T]:
        return [item for item in self.items if item.ok]

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> T:
        return self.items[index]

    def by_id(self) -> dict[Any, T]:
        return {item.id: item for item in self.items}


# --- accounts ---------------------------------------------------------------------------------

@dataclass(kw_only=True)
class AccountCheck(ItemResult):
    imported: bool = False                # AccountStatus == "Imported"


@dataclass(kw_only=True)
class OnlineStatus(ItemResult):
    status: str = ""                      # Online / PushOnline / Offline ("" when the item failed)
    detail: list[dict] = field(default_factory=list)   # [{"Platform", "Status"}]


# --- profiles and relationships ---------------------------------------------------------------

@dataclass(kw_only=True)
class Profile(ItemResult):
    attrs: dict[str, Any] = field(default_factory=dict)   # tag -> value, only the tags returned


@dataclass(kw_only=True)
class Relation(ItemResult):
    relation: str = ""                    # CheckResult_Type_* / BlackCheckResult_Type_*


@dataclass(kw_only=True)
class Friend(ItemResult):
    attrs: dict[str, Any] = field(default_factory=dict)   # friend (and profile) tag -> value

    @property
    def remark(self) -> str | None:
        return self.attrs.get("Tag_SNS_IM_Remark")

    @property
    def groups(self) -> list[str]:
        return list(self.attrs.get("Tag_SNS_IM_Group") or [])

    @property
    def add_source(self) -> str | None:
        return self.attrs.get("Tag_SNS_IM_AddSource")


@dataclass(kw_only=True)
class FriendPage(Result):
    items: list[Friend] = field(default_factory=list)
    total: int = 0
    next_start_index: int = 0
    standard_sequence: int = 0
    custom_sequence: int = 0
    has_more: bool = False


@dataclass(kw_only=True)
class BlacklistEntry(ItemResult):
    added_at: int = 0


@dataclass(kw_only=True)
class BlacklistPage(Result):
    items: list[BlacklistEntry] = field(default_factory=list)
    next_start_index: int = 0             # 0 = finished
    sequence: int = 0                     # CurruentSequence (sic)
    has_more: bool = False


@dataclass(kw_only=True)
class FriendList(Result):
    name: str = ""
    friend_count: int = 0
    friends: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class FriendListsResult(Result):
    sequence: int = 0
    lists: list[FriendList] = field(default_factory=list)
    items: list[ItemResult] = field(default_factory=list)   # group_add: per-friend outcome

    @property
    def failed(self) -> list[ItemResult]:
        return [item for item in self.items if not item.ok]


# --- messages ---------------------------------------------------------------------------------

@dataclass(kw_only=True)
class SendResult(Result):
    msg_key: str = ""
    msg_time: int = 0
    msg_id: str = ""


@dataclass(kw_only=True)
class BatchSendResult(BatchResult[ItemResult]):
    msg_key: str = ""
    msg_id: str = ""
    action_status: str = ""               # OK / SomeError / FAIL


@dataclass(kw_only=True)
class C2CMessage(Result):
    sender: str = ""
    to: str = ""
    msg_seq: int = 0
    msg_random: int = 0
    msg_time: int = 0
    msg_key: str = ""
    flag_bits: int = 0
    peer_read: bool = False
    body: list[dict] = field(default_factory=list)
    cloud_custom_data: str = ""

    @property
    def recalled(self) -> bool:
        return bool(self.flag_bits & 8)


@dataclass(kw_only=True)
class C2CMessagePage(Result):
    messages: list[C2CMessage] = field(default_factory=list)
    complete: bool = True
    last_msg_time: int = 0
    last_msg_key: str = ""
    has_more: bool = False


@dataclass(kw_only=True)
class UnreadCount(ItemResult):
    count: int = 0


@dataclass(kw_only=True)
class UnreadResult(BatchResult[UnreadCount]):
    total: int | None = None              # AllC2CUnreadMsgNum, when the service returns it


# --- push -------------------------------------------------------------------------------------

@dataclass(kw_only=True)
class PushTask(Result):
    task_id: str = ""


@dataclass(kw_only=True)
class AttrNames(Result):
    names: dict[int, str] = field(default_factory=dict)   # slot -> name
    types: dict[int, int] = field(default_factory=dict)   # slot -> 0 IM account / 1 RegistrationID


@dataclass(kw_only=True)
class UserAttrs(ItemResult):
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass(kw_only=True)
class UserTags(ItemResult):
    tags: list[str] = field(default_factory=list)


# --- mute and operations ----------------------------------------------------------------------

@dataclass(kw_only=True)
class NoSpeaking(Result):
    c2c: int = 0                          # remaining seconds; 0 not muted; 4294967295 forever
    group: int = 0


@dataclass(kw_only=True)
class OperationData(Result):
    days: list[dict[str, str]] = field(default_factory=list)   # one dict per day, values as sent


@dataclass(kw_only=True)
class HistoryFile(Result):
    url: str = ""
    expire_time: str = ""
    file_size: int = 0
    file_md5: str = ""
    gzip_size: int = 0
    gzip_md5: str = ""


@dataclass(kw_only=True)
class HistoryFiles(Result):
    files: list[HistoryFile] = field(default_factory=list)


@dataclass(kw_only=True)
class IPList(Result):
    ips: list[str] = field(default_factory=list)


# --- groups -----------------------------------------------------------------------------------

@dataclass(kw_only=True)
class Member(ItemResult):
    role: str = ""
    join_time: int = 0
    msg_seq: int = 0
    msg_flag: str = ""
    last_send_msg_time: int = 0
    name_card: str = ""
    mute_until: int = 0
    custom: dict[str, str] = field(default_factory=dict)
    gross_topic_read_seq: int = 0         # topic-enabled community, get_joined_group_list SupportTopic


@dataclass(kw_only=True)
class Group(ItemResult):
    type: str = ""
    name: str = ""
    owner: str = ""
    introduction: str = ""
    notification: str = ""
    face_url: str = ""
    create_time: int = 0
    info_seq: int = 0
    last_info_time: int = 0
    last_msg_time: int = 0
    next_msg_seq: int = 0
    member_num: int = 0
    max_member_num: int = 0
    apply_join_option: str = ""
    invite_join_option: str = ""
    mute_all_member: str = ""
    custom: dict[str, str] = field(default_factory=dict)
    members: list[Member] = field(default_factory=list)
    self_info: Member | None = None       # get_joined_group_list only
    support_topic: int | None = None      # Community: 1 topic-enabled, 0 plain (None: not said)
    gross_topic_next_msg_seq: int = 0     # topic-enabled community, get_joined_group_list SupportTopic


@dataclass(kw_only=True)
class GroupIdPage(Result):
    ids: list[str] = field(default_factory=list)
    total: int = 0
    next: int = 0
    has_more: bool = False


@dataclass(kw_only=True)
class GroupPage(Result):
    groups: list[Group] = field(default_factory=list)
    total: int = 0
    next: int = 0
    has_more: bool = False


@dataclass(kw_only=True)
class MemberPage(Result):
    members: list[Member] = field(default_factory=list)
    total: int = 0
    next_offset: int = 0
    next: str = ""                        # Community cursor ("" = end)
    has_more: bool = False


@dataclass(kw_only=True)
class JoinedGroupPage(Result):
    groups: list[Group] = field(default_factory=list)
    total: int = 0
    next_offset: int = 0
    has_more: bool = False


@dataclass(kw_only=True)
class GroupCreated(Result):
    group_id: str = ""


@dataclass(kw_only=True)
class MemberAdd(ItemResult):
    """`result`: 0 failed, 1 added (or imported), 2 already a member, 3 awaiting approval."""
    result: int = 0


@dataclass(kw_only=True)
class MemberRole(ItemResult):
    role: str = ""                        # Owner / Admin / Member / NotMember


@dataclass(kw_only=True)
class MutedMember(ItemResult):
    muted_until: int = 0


@dataclass(kw_only=True)
class GroupSendResult(Result):
    msg_seq: int = 0
    msg_time: int = 0
    drop_reason: str = ""


@dataclass(kw_only=True)
class RecallItem(ItemResult):
    msg_seq: int = 0


@dataclass(kw_only=True)
class ImportedGroupMessage(ItemResult):
    msg_seq: int = 0
    msg_time: int = 0


@dataclass(kw_only=True)
class GroupMessage(Result):
    sender: str = ""
    msg_seq: int = 0
    msg_random: int = 0
    msg_time: int = 0
    priority: int = 0
    body: list[dict] = field(default_factory=list)
    place: int = 0                        # IsPlaceMsg: 0 normal, 1 hole, 2 recalled
    system: bool = False

    @property
    def recalled(self) -> bool:
        return self.place == 2


@dataclass(kw_only=True)
class GroupMessagePage(Result):
    messages: list[GroupMessage] = field(default_factory=list)
    finished: int = 1                     # IsFinished as sent (0, 1 or 2)
    next_seq: int = 0                     # ReqMsgSeq for the next (older) page; 0 = none
    has_more: bool = False


# --- conversations ----------------------------------------------------------------------------

@dataclass(kw_only=True)
class Session(Result):
    type: int = 1                         # 1 C2C, 2 group
    peer: str = ""                        # To_Account for C2C
    group_id: str = ""                    # GroupId for group conversations
    msg_time: int = 0
    pinned: bool = False


@dataclass(kw_only=True)
class SessionPage(Result):
    sessions: list[Session] = field(default_factory=list)
    timestamp: int = 0
    start_index: int = 0
    top_timestamp: int = 0
    top_start_index: int = 0
    has_more: bool = False
