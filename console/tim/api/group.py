"""Groups (`group_open_http_svc/*`). Seed module: Group."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping

from console.tim.api._base import (
    UINT32_MAX, Namespace, check_enum, check_forbid_callbacks, check_group_id, check_int, check_list,
    check_message_size, check_str, check_user_id, check_user_ids, custom_data, drop_none, envelope, flag, invalid,
    items_in_order, key_values, msg_body, new_random, not_returned, offline_push, paginate,
)
from console.tim.api.group_attrs import GroupAttrsMixin
from console.tim.api.group_members import GroupMembersMixin, member_filters
from console.tim.api.group_messages import GroupMessagesMixin
from console.tim.messages import received_body, received_int, received_text
from console.tim.results import (
    BatchResult, Group, GroupCreated, GroupIdPage, GroupMessage, GroupMessagePage, GroupPage, GroupSendResult,
    ImportedGroupMessage, JoinedGroupPage, Member, MemberAdd, MemberPage, MemberRole, MutedMember, RecallItem,
    Result,
)

SVC = "group_open_http_svc/"
LIST, CREATE, INFO = SVC + "get_appid_group_list", SVC + "create_group", SVC + "get_group_info"
MEMBERS, MODIFY, ADD = SVC + "get_group_member_info", SVC + "modify_group_base_info", SVC + "add_group_member"
DELETE_MEMBERS, MODIFY_MEMBER = SVC + "delete_group_member", SVC + "modify_group_member_info"
DESTROY, JOINED, ROLES = SVC + "destroy_group", SVC + "get_joined_group_list", SVC + "get_role_in_group"
FORBID, MUTED = SVC + "forbid_send_msg", SVC + "get_group_muted_account"
SHUTTED = SVC + "get_group_shutted_uin"           # the legacy name of MUTED
SEND, NOTIFY, OWNER = SVC + "send_group_msg", SVC + "send_group_system_notification", SVC + "change_group_owner"
RECALL, IMPORT, IMPORT_MSG = SVC + "group_msg_recall", SVC + "import_group", SVC + "import_group_msg"
IMPORT_MEMBERS, SET_UNREAD = SVC + "import_group_member", SVC + "set_unread_msg_num"
DELETE_BY_SENDER, HISTORY = SVC + "delete_group_msg_by_sender", SVC + "group_msg_get_simple"
ONLINE = SVC + "get_online_member_num"

TYPES = ("Private", "Public", "ChatRoom", "AVChatRoom", "Community")
LIST_TYPES = TYPES + ("BChatRoom",)
IMPORT_TYPES = ("Private", "Public", "ChatRoom", "Community")
APPLY_OPTIONS = ("FreeAccess", "NeedPermission", "DisableApply")
INVITE_OPTIONS = ("FreeAccess", "NeedPermission", "DisableInvite")
MEMBER_ROLES = ("Admin", "Member")
MSG_FLAGS = ("AcceptAndNotify", "AcceptNotNotify", "Discard")
PRIORITIES = ("High", "Normal", "Low")
SEND_CONTROLS = ("NoLastMsg", "NoUnread")
IMPORT_MSG_TYPES = ("TIMTextElem", "TIMFaceElem", "TIMLocationElem", "TIMCustomElem")

MAX_NAME, MAX_INTRO, MAX_NOTICE, MAX_FACE_URL, MAX_NAME_CARD = 30, 240, 300, 100, 50
MAX_GROUP_ID_BYTES = 48
MAX_GROUP_VALUE, MAX_MEMBER_VALUE = 512, 64
MAX_CREATE_MEMBERS = 100
MAX_INFO_GROUPS = 50                 # get_group_info
MAX_LIST_LIMIT = 10000               # get_appid_group_list
MAX_MEMBER_LIMIT = 6000              # get_group_member_info (field table; 100 is the safe page)
MAX_JOINED_LIMIT = 5000              # get_joined_group_list
MAX_ADD_MEMBERS = 300                # add_group_member (intl page; 10005 beyond)
MAX_DELETE_MEMBERS = 100
MAX_ROLE_USERS = 500
MAX_MUTE_USERS = 500
MAX_NOTIFY_USERS = 500
MAX_TARGETED = 50                    # send_group_msg To_Account
MAX_AT = 30                          # GroupAtInfo
MAX_RECALL = 10
MAX_IMPORT_MSGS = 7
MAX_IMPORT_MEMBERS = 300
MAX_HISTORY_PAGE = 20
MAX_IMPORT_GROUP_MEMBERS = 6000
MAX_COMMUNITY_MEMBERS = 100000
DEFAULT_MEMBER_PAGE = 100
COMMUNITY_PREFIX = "@TGS#_"
AT_ALL = "@all"
ADD_RESULTS = {0: "failed", 1: "added", 2: "already a member", 3: "awaiting approval"}
IMPORT_RESULTS = {0: "failed", 1: "imported", 2: "already a member"}


@dataclass
class MemberSpec:
    """A member for create_group (role "Admin" or None) or import_members (role, join_time, unread)."""
    user_id: str
    role: str | None = None
    join_time: int | None = None         # import only
    unread_msg_num: int | None = None    # import only
    custom: dict[str, str] = field(default_factory=dict)   # create only: AppMemberDefinedData


@dataclass
class ImportMessage:
    """A historical group message for import_messages."""
    sender: str
    send_time: int
    body: Any
    random: int | None = None


_gid = check_group_id


def _custom_group_id(value: Any, group_type: str) -> str:
    value = check_str("group_id", value, max_bytes=MAX_GROUP_ID_BYTES)
    if any(not 0x20 <= ord(c) <= 0x7E for c in value):
        raise invalid("group_id may only hold printable ASCII")
    if group_type == "Community":
        if not value.startswith(COMMUNITY_PREFIX):
            raise invalid(f"a Community group_id must start with {COMMUNITY_PREFIX}")
    elif value.startswith("@TGS#"):
        raise invalid("a custom group_id must not start with @TGS#")
    return value


def _new_group(group_type: str, types: tuple, name: str, owner: str | None, custom_id: str | None) -> dict:
    """The checked fields create_group and import_group share: Type, Name, owner, custom ID."""
    body: dict[str, Any] = {"Type": check_enum("type", group_type, types),
                            "Name": check_str("name", name, max_bytes=MAX_NAME)}
    if owner is not None:
        body["Owner_Account"] = check_user_id("owner", owner)
    if custom_id is not None:
        body["GroupId"] = _custom_group_id(custom_id, group_type)
    return body


def _support_topic(group_type: str, value: bool | None) -> dict:
    """SupportTopic of create/import: a topic-enabled community (client.community's topics)."""
    if value is None:
        return {}
    if group_type != "Community":
        raise invalid("support_topic is only for Community groups")
    return {"SupportTopic": flag(value)}


def _member_spec(entry) -> MemberSpec:
    if isinstance(entry, str):
        return MemberSpec(entry)
    if isinstance(entry, MemberSpec):
        return entry
    raise invalid(f"members must be user IDs or MemberSpec, got {type(entry).__name__}")


def _profile_fields(*, name=None, introduction=None, notification=None, face_url=None, apply_join_option=None,
                    invite_join_option=None, app_defined_data=None) -> dict:
    """Checked optional profile fields shared by create, import and modify."""
    return drop_none({
        "Name": check_str("name", name, max_bytes=MAX_NAME) if name is not None else None,
        "Introduction": (check_str("introduction", introduction, max_bytes=MAX_INTRO, allow_empty=True)
                         if introduction is not None else None),
        "Notification": (check_str("notification", notification, max_bytes=MAX_NOTICE, allow_empty=True)
                         if notification is not None else None),
        "FaceUrl": (check_str("face_url", face_url, max_bytes=MAX_FACE_URL, allow_empty=True)
                    if face_url is not None else None),
        "ApplyJoinOption": (check_enum("apply_join_option", apply_join_option, APPLY_OPTIONS)
                            if apply_join_option is not None else None),
        "InviteJoinOption": (check_enum("invite_join_option", invite_join_option, INVITE_OPTIONS)
                             if invite_join_option is not None else None),
        "AppDefinedData": custom_data("app_defined_data", app_defined_data, max_value_bytes=MAX_GROUP_VALUE),
    })


def _member(entry: dict, **extra) -> Member:
    return Member(id=entry.get("Member_Account", ""), role=(entry.get("Role") or "").strip(),
                  join_time=int(entry.get("JoinTime") or 0), msg_seq=int(entry.get("MsgSeq") or 0),
                  msg_flag=entry.get("MsgFlag", ""), last_send_msg_time=int(entry.get("LastSendMsgTime") or 0),
                  name_card=entry.get("NameCard", ""),
                  mute_until=int(entry.get("MuteUntil", entry.get("ShutUpUntil")) or 0),
                  gross_topic_read_seq=int(entry.get("GrossTopicReadSeq") or 0),
                  custom=key_values(entry.get("AppMemberDefinedData")), raw=entry, **extra)


def _group(entry: dict) -> Group:
    code = int(entry.get("ErrorCode") or 0)
    self_info = entry.get("SelfInfo")
    return Group(
        id=entry.get("GroupId", ""), ok=code == 0, code=code, info=entry.get("ErrorInfo") or "",
        type=entry.get("Type", ""), name=entry.get("Name", ""), owner=entry.get("Owner_Account", ""),
        introduction=entry.get("Introduction", ""), notification=entry.get("Notification", ""),
        face_url=entry.get("FaceUrl", ""), create_time=int(entry.get("CreateTime") or 0),
        info_seq=int(entry.get("InfoSeq") or 0), last_info_time=int(entry.get("LastInfoTime") or 0),
        last_msg_time=int(entry.get("LastMsgTime") or 0), next_msg_seq=int(entry.get("NextMsgSeq") or 0),
        member_num=int(entry.get("MemberNum") or 0), max_member_num=int(entry.get("MaxMemberNum") or 0),
        apply_join_option=entry.get("ApplyJoinOption", ""), invite_join_option=entry.get("InviteJoinOption", ""),
        mute_all_member=entry.get("MuteAllMember", entry.get("ShutUpAllMember", "")),
        custom=key_values(entry.get("AppDefinedData")),
        members=[_member(m) for m in entry.get("MemberList") or []],
        self_info=_member({"Member_Account": "", **self_info}) if isinstance(self_info, dict) else None,
        support_topic=int(entry["SupportTopic"]) if entry.get("SupportTopic") is not None else None,
        gross_topic_next_msg_seq=int(entry.get("GrossTopicNextMsgSeq") or 0),
        raw=entry)


def _muted(raw: dict, list_key: str, until_key: str) -> BatchResult[MutedMember]:
    items = [MutedMember(id=e.get("Member_Account"), muted_until=int(e.get(until_key) or 0), raw=e)
             for e in raw.get(list_key) or []]
    return BatchResult(items=items, raw=raw, **envelope(raw))


def _response_filter(filter: Mapping[str, Any] | None) -> dict | None:
    """ResponseFilter for get_group_info: keys GroupBaseInfoFilter, MemberInfoFilter,
    AppDefinedDataFilter_Group, AppDefinedDataFilter_GroupMember (lists of names)."""
    if filter is None:
        return None
    allowed = ("GroupBaseInfoFilter", "MemberInfoFilter", "AppDefinedDataFilter_Group",
               "AppDefinedDataFilter_GroupMember")
    out = {}
    for key, names in filter.items():
        check_enum("filter key", key, allowed)
        out[key] = [check_str(f"{key} item", n) for n in check_list(key, names, min_items=0)]
    return out


class GroupAPI(GroupAttrsMixin, GroupMembersMixin, GroupMessagesMixin, Namespace):
    """`client.group`: this module's methods, plus attributes and counters (group_attrs.py), bans and
    named members (group_members.py), read receipts, edits and broadcasts (group_messages.py)."""
    name = "group"

    # --- listing and reading -------------------------------------------------------------------

    def fetch_group_ids(self, limit: int | None = None, next: int = 0, group_type: str | None = None) -> GroupIdPage:
        """One page of the app's group IDs (at most 1 call/s on the service)."""
        body = drop_none({
            "Limit": check_int("limit", limit, lo=1, hi=MAX_LIST_LIMIT) if limit is not None else None,
            "Next": check_int("next", next, hi=2**64 - 1) if next else None,
            "GroupType": check_enum("group_type", group_type, LIST_TYPES) if group_type is not None else None,
        })
        raw = self._call(LIST, body, op="fetch_group_ids", retry_safe=True)
        next_cursor = int(raw.get("Next") or 0)
        return GroupIdPage(ids=[e.get("GroupId") for e in raw.get("GroupIdList") or []],
                           total=int(raw.get("TotalCount") or 0), next=next_cursor, has_more=next_cursor != 0,
                           raw=raw)

    def get_groups(self, group_ids: Iterable[str], filter: Mapping[str, Any] | None = None) -> BatchResult[Group]:
        """Profiles (and members, custom data) of up to 50 groups; missing groups fail per item."""
        ids = [_gid("group_ids item", g) for g in check_list("group_ids", group_ids, max_items=MAX_INFO_GROUPS)]
        body = drop_none({"GroupIdList": ids, "ResponseFilter": _response_filter(filter)})
        raw = self._call(INFO, body, op="get_groups", retry_safe=True)
        found = {}
        for entry in raw.get("GroupInfo") or []:
            found[entry.get("GroupId")] = _group(entry)
        return BatchResult(items=items_in_order(ids, found, not_returned(Group)), raw=raw, **envelope(raw))

    def get_group(self, group_id: str, filter: Mapping[str, Any] | None = None) -> Group:
        """One group; raises (e.g. code 10010) if it does not exist."""
        return self._one(self.get_groups([group_id], filter), INFO)

    def fetch_groups(self, limit: int = MAX_INFO_GROUPS, next: int = 0, group_type: str | None = None,
                     filter: Mapping[str, Any] | None = None) -> GroupPage:
        """One page of groups with their profiles: a page of IDs, then get_group_info for them.
        A group that vanished between the two calls stays in the page as a failed item."""
        check_int("limit", limit, lo=1, hi=MAX_INFO_GROUPS)
        ids = self.fetch_group_ids(limit, next, group_type)
        groups = self.get_groups(ids.ids, filter).items if ids.ids else []
        return GroupPage(groups=groups, total=ids.total, next=ids.next, has_more=ids.has_more, raw=ids.raw)

    def iter_groups(self, group_type: str | None = None, page_size: int = MAX_INFO_GROUPS,
                    filter: Mapping[str, Any] | None = None) -> Iterator[Group]:
        """Every group of the app (follows `Next` to the end), page by page on demand."""
        return paginate(lambda cursor: self.fetch_groups(page_size, cursor, group_type, filter), 0,
                        lambda page: page.groups, lambda page: page.next if page.has_more else None)

    def fetch_members(self, group_id: str, limit: int = DEFAULT_MEMBER_PAGE, offset: int = 0, *,
                      fields: Iterable[str] | None = None, roles: Iterable[str] | None = None,
                      custom_keys: Iterable[str] | None = None, next: str | None = None) -> MemberPage:
        """One page of members. Community groups page with the `next` cursor ("" first), others by offset."""
        gid = _gid("group_id", group_id)
        body: dict[str, Any] = {"GroupId": gid, "Limit": check_int("limit", limit, lo=1, hi=MAX_MEMBER_LIMIT)}
        community = gid.startswith(COMMUNITY_PREFIX)
        if community:
            body["Next"] = check_str("next", next or "", allow_empty=True)
        else:
            body["Offset"] = check_int("offset", offset)
        body.update(member_filters(fields, roles, custom_keys))
        raw = self._call(MEMBERS, body, op="fetch_members", retry_safe=True)
        members = [_member(m) for m in raw.get("MemberList") or []]
        total = int(raw.get("MemberNum") or 0)
        if community:
            cursor = raw.get("Next") or ""
            return MemberPage(members=members, total=total, next=cursor, has_more=cursor != "", raw=raw)
        next_offset = offset + len(members)
        has_more = len(members) >= limit and next_offset < total
        return MemberPage(members=members, total=total, next_offset=next_offset, has_more=has_more, raw=raw)

    def iter_members(self, group_id: str, page_size: int = DEFAULT_MEMBER_PAGE, *,
                     fields: Iterable[str] | None = None, roles: Iterable[str] | None = None,
                     custom_keys: Iterable[str] | None = None) -> Iterator[Member]:
        """Every member, page by page on demand (offset or Community cursor as the group needs)."""
        check_int("page_size", page_size, lo=1, hi=MAX_MEMBER_LIMIT)

        def fetch(cursor):
            offset, nxt = cursor
            return self.fetch_members(group_id, page_size, offset, fields=fields, roles=roles,
                                      custom_keys=custom_keys, next=nxt)
        return paginate(fetch, (0, ""), lambda page: page.members,
                        lambda page: (page.next_offset, page.next) if page.has_more else None)

    def fetch_member_groups(self, user_id: str, limit: int | None = None, offset: int = 0, *,
                            group_type: str | None = None, with_huge_groups: bool = False,
                            with_no_active_groups: bool = False, base_fields: Iterable[str] | None = None,
                            self_fields: Iterable[str] | None = None,
                            support_topic: bool | None = None) -> JoinedGroupPage:
        """One page of the groups `user_id` belongs to (`limit` None = all). `support_topic` keeps
        only the topic-enabled (True) or plain (False) communities, with their gross topic sequences."""
        body: dict[str, Any] = {"Member_Account": check_user_id("user_id", user_id)}
        if limit is not None:
            body["Limit"] = check_int("limit", limit, lo=1, hi=MAX_JOINED_LIMIT)
            body["Offset"] = check_int("offset", offset)
        if group_type is not None:
            body["GroupType"] = check_enum("group_type", group_type, TYPES)
        if support_topic is not None:      # filters the communities; other groups stay listed
            body["SupportTopic"] = flag(support_topic)
        if with_huge_groups:
            body["WithHugeGroups"] = 1
        if with_no_active_groups:
            body["WithNoActiveGroups"] = 1
        response_filter = {}
        if base_fields is not None:
            response_filter["GroupBaseInfoFilter"] = [check_str("base_fields item", f)
                                                      for f in check_list("base_fields", base_fields)]
        if self_fields is not None:
            response_filter["SelfInfoFilter"] = [check_str("self_fields item", f)
                                                 for f in check_list("self_fields", self_fields)]
        if response_filter:
            body["ResponseFilter"] = response_filter
        raw = self._call(JOINED, body, op="fetch_member_groups", retry_safe=True)
        groups = [_group(e) for e in raw.get("GroupIdList") or []]
        total = int(raw.get("TotalCount") or 0)
        next_offset = offset + len(groups)
        has_more = limit is not None and len(groups) >= limit and next_offset < total
        return JoinedGroupPage(groups=groups, total=total, next_offset=next_offset, has_more=has_more, raw=raw)

    def iter_member_groups(self, user_id: str, page_size: int = 100, **options: Any) -> Iterator[Group]:
        """Every group `user_id` belongs to, page by page on demand (options as fetch_member_groups)."""
        check_int("page_size", page_size, lo=1, hi=MAX_JOINED_LIMIT)
        return paginate(lambda offset: self.fetch_member_groups(user_id, page_size, offset, **options), 0,
                        lambda page: page.groups, lambda page: page.next_offset if page.has_more else None)

    def get_roles_in_group(self, group_id: str, user_ids: Iterable[str]) -> BatchResult[MemberRole]:
        """Role of up to 500 users: Owner, Admin, Member or NotMember."""
        ids = check_user_ids("user_ids", user_ids, max_items=MAX_ROLE_USERS)
        body = {"GroupId": _gid("group_id", group_id), "User_Account": ids}
        raw = self._call(ROLES, body, op="get_roles_in_group", retry_safe=True)
        found = {e.get("Member_Account"): MemberRole(id=e.get("Member_Account"), role=(e.get("Role") or "").strip(),
                                                     raw=e)
                 for e in raw.get("UserIdList") or []}
        return BatchResult(items=items_in_order(ids, found, not_returned(MemberRole)), raw=raw, **envelope(raw))

    def get_group_muted_account(self, group_id: str, topic_id: str | None = None) -> BatchResult[MutedMember]:
        """Members whose group mute is running, with the time it ends."""
        body = drop_none({"GroupId": _gid("group_id", group_id),
                          "TopicId": _gid("topic_id", topic_id) if topic_id is not None else None})
        raw = self._call(MUTED, body, op="get_group_muted_account", retry_safe=True)
        return _muted(raw, "MutedAccountList", "MutedUntil")

    def get_group_shutted_uin(self, group_id: str) -> BatchResult[MutedMember]:
        """The same list through the legacy command `get_group_shutted_uin` (`ShuttedUinList`,
        `ShuttedUntil`), for tools that still speak it; prefer get_group_muted_account."""
        raw = self._call(SHUTTED, {"GroupId": _gid("group_id", group_id)}, op="get_group_shutted_uin",
                         retry_safe=True)
        return _muted(raw, "ShuttedUinList", "ShuttedUntil")

    def get_shutted_up_members(self, group_id: str) -> BatchResult[MutedMember]:
        """Seed name; served by the current get_group_muted_account (not get_group_shutted_uin)."""
        return self.get_group_muted_account(group_id)

    get_muted_members = get_group_muted_account

    def get_online_member_num(self, group_id: str) -> int:
        """Approximate online users of an AVChatRoom (other types answer 10007)."""
        raw = self._call(ONLINE, {"GroupId": _gid("group_id", group_id)}, op="get_online_member_num",
                         retry_safe=True)
        return int(raw.get("OnlineMemberNum") or 0)

    # --- creating and changing ----------------------------------------------------------------

    def create_group(self, type: str, name: str, *, owner: str | None = None, group_id: str | None = None,
                     introduction: str | None = None, notification: str | None = None, face_url: str | None = None,
                     max_member_count: int | None = None, apply_join_option: str | None = None,
                     invite_join_option: str | None = None, app_defined_data: Mapping[str, str] | None = None,
                     members: Iterable | None = None, support_topic: bool | None = None) -> GroupCreated:
        """Create a group; `members` (IDs or MemberSpec with role "Admin") up to 100, not for AVChatRoom."""
        body = _new_group(type, TYPES, name, owner, group_id)
        body.update(_profile_fields(introduction=introduction, notification=notification, face_url=face_url,
                                    apply_join_option=apply_join_option, invite_join_option=invite_join_option,
                                    app_defined_data=app_defined_data))
        if max_member_count is not None:
            body["MaxMemberCount"] = check_int("max_member_count", max_member_count, lo=1)
        body.update(_support_topic(type, support_topic))
        if members is not None:
            if type == "AVChatRoom":
                raise invalid("an AVChatRoom cannot be created with members (10007)")
            specs = [_member_spec(m) for m in check_list("members", members, max_items=MAX_CREATE_MEMBERS,
                                                         min_items=0)]
            check_user_ids("members", [s.user_id for s in specs], min_items=0)
            body["MemberList"] = [drop_none({
                "Member_Account": s.user_id,
                "Role": check_enum("member role", s.role, ("Admin",)) if s.role is not None else None,
                "AppMemberDefinedData": custom_data("member custom", s.custom or None,
                                                    max_value_bytes=MAX_MEMBER_VALUE),
            }) for s in specs]
        raw = self._call(CREATE, body, op="create_group")
        return GroupCreated(group_id=raw.get("GroupId", ""), raw=raw)

    def import_group(self, type: str, name: str, *, owner: str | None = None, group_id: str | None = None,
                     introduction: str | None = None, notification: str | None = None, face_url: str | None = None,
                     max_member_count: int | None = None, apply_join_option: str | None = None,
                     app_defined_data: Mapping[str, str] | None = None,
                     create_time: int | None = None, support_topic: bool | None = None) -> GroupCreated:
        """Create a group for migration (past `create_time`, no callbacks); not for AVChatRoom."""
        body = _new_group(type, IMPORT_TYPES, name, owner, group_id)
        if apply_join_option is not None and type == "Community":
            raise invalid("apply_join_option is not supported for Community groups")
        body.update(_profile_fields(introduction=introduction, notification=notification, face_url=face_url,
                                    apply_join_option=apply_join_option, app_defined_data=app_defined_data))
        if max_member_count is not None:
            cap = MAX_COMMUNITY_MEMBERS if type == "Community" else MAX_IMPORT_GROUP_MEMBERS
            body["MaxMemberCount"] = check_int("max_member_count", max_member_count, lo=1, hi=cap)
        if create_time is not None:
            body["CreateTime"] = check_int("create_time", create_time)
        body.update(_support_topic(type, support_topic))
        raw = self._call(IMPORT, body, op="import_group")
        return GroupCreated(group_id=raw.get("GroupId", ""), raw=raw)

    def update_group(self, group_id: str, *, name: str | None = None, introduction: str | None = None,
                     notification: str | None = None, face_url: str | None = None,
                     max_member_num: int | None = None, apply_join_option: str | None = None,
                     invite_join_option: str | None = None, mute_all_member: bool | None = None,
                     app_defined_data: Mapping[str, str] | None = None, operator: str | None = None) -> Result:
        """Change only the given fields (name is not required). `app_defined_data` value "" deletes a key."""
        body: dict[str, Any] = {"GroupId": _gid("group_id", group_id)}
        body.update(_profile_fields(name=name, introduction=introduction, notification=notification,
                                    face_url=face_url, apply_join_option=apply_join_option,
                                    invite_join_option=invite_join_option, app_defined_data=app_defined_data))
        if max_member_num is not None:
            body["MaxMemberNum"] = check_int("max_member_num", max_member_num, lo=1)
        if mute_all_member is not None:
            body["MuteAllMember"] = "On" if mute_all_member else "Off"
        if operator is not None:
            body["From_Account"] = check_user_id("operator", operator)
        if len(body) == 1 or (operator is not None and len(body) == 2):
            raise invalid("update_group needs at least one field to change")
        return Result(raw=self._call(MODIFY, body, op="update_group", retry_safe=True))

    def destroy_group(self, group_id: str) -> Result:
        return Result(raw=self._call(DESTROY, {"GroupId": _gid("group_id", group_id)}, op="destroy_group"))

    def change_group_owner(self, group_id: str, new_owner: str) -> Result:
        body = {"GroupId": _gid("group_id", group_id), "NewOwner_Account": check_user_id("new_owner", new_owner)}
        return Result(raw=self._call(OWNER, body, op="change_group_owner", retry_safe=True))

    # --- members -------------------------------------------------------------------------------

    def add_members(self, group_id: str, user_ids: Iterable[str], silence: bool = False) -> BatchResult[MemberAdd]:
        """Add up to 300 users. Per item `result`: 0 failed, 1 added, 2 already a member, 3 awaiting
        approval; `ok` is False only for 0."""
        ids = check_user_ids("user_ids", user_ids, max_items=MAX_ADD_MEMBERS)
        body = {"GroupId": _gid("group_id", group_id), "MemberList": [{"Member_Account": u} for u in ids]}
        if silence:
            body["Silence"] = 1
        raw = self._call(ADD, body, op="add_members")
        return self._member_results(raw, ids, ADD_RESULTS)

    def _member_results(self, raw: dict, ids: list[str], meanings: dict[int, str]) -> BatchResult[MemberAdd]:
        found = {}
        for entry in raw.get("MemberList") or []:
            result = int(entry.get("Result") or 0)
            found[entry.get("Member_Account")] = MemberAdd(
                id=entry.get("Member_Account"), ok=result != 0, code=None if result == 0 else 0,
                info=meanings.get(result, f"result {result}"), result=result, raw=entry)
        return BatchResult(items=items_in_order(ids, found, not_returned(MemberAdd)), raw=raw, **envelope(raw))

    def delete_members(self, group_id: str, user_ids: Iterable[str], silence: bool = False,
                       reason: str | None = None) -> Result:
        """Remove up to 100 members (users that are not members are ignored by the service)."""
        body: dict[str, Any] = {"GroupId": _gid("group_id", group_id),
                                "MemberToDel_Account": check_user_ids("user_ids", user_ids,
                                                                      max_items=MAX_DELETE_MEMBERS)}
        if silence:
            body["Silence"] = 1
        if reason is not None:
            body["Reason"] = check_str("reason", reason, allow_empty=True)
        return Result(raw=self._call(DELETE_MEMBERS, body, op="delete_members"))

    def update_member(self, group_id: str, user_id: str, *, role: str | None = None, msg_flag: str | None = None,
                      name_card: str | None = None, mute_time: int | None = None,
                      app_member_defined_data: Mapping[str, str] | None = None) -> Result:
        """Change one member's role (Admin/Member), message flag, name card, mute or custom fields."""
        body = drop_none({
            "GroupId": _gid("group_id", group_id),
            "Member_Account": check_user_id("user_id", user_id),
            "Role": check_enum("role", role, MEMBER_ROLES) if role is not None else None,
            "MsgFlag": check_enum("msg_flag", msg_flag, MSG_FLAGS) if msg_flag is not None else None,
            "NameCard": (check_str("name_card", name_card, max_bytes=MAX_NAME_CARD, allow_empty=True)
                         if name_card is not None else None),
            "MuteTime": check_int("mute_time", mute_time) if mute_time is not None else None,
            "AppMemberDefinedData": custom_data("app_member_defined_data", app_member_defined_data,
                                                max_value_bytes=MAX_MEMBER_VALUE),
        })
        if len(body) == 2:
            raise invalid("update_member needs at least one field to change")
        return Result(raw=self._call(MODIFY_MEMBER, body, op="update_member", retry_safe=True))

    def set_member_name_card(self, group_id: str, user_id: str, name_card: str) -> Result:
        return self.update_member(group_id, user_id, name_card=name_card)

    def set_member_role(self, group_id: str, user_id: str, role: str) -> Result:
        return self.update_member(group_id, user_id, role=role)

    def forbid_send_message(self, group_id: str, user_ids: Iterable[str], mute_time: int,
                            topic_id: str | None = None) -> Result:
        """Mute up to 500 members for `mute_time` seconds (0 unmutes, 4294967295 forever)."""
        body = drop_none({
            "GroupId": _gid("group_id", group_id),
            "Members_Account": check_user_ids("user_ids", user_ids, max_items=MAX_MUTE_USERS),
            "MuteTime": check_int("mute_time", mute_time, hi=UINT32_MAX),
            "TopicId": _gid("topic_id", topic_id) if topic_id is not None else None,
        })
        return Result(raw=self._call(FORBID, body, op="forbid_send_message", retry_safe=True))

    def allow_send_message(self, group_id: str, user_ids: Iterable[str], topic_id: str | None = None) -> Result:
        """Unmute members (forbid_send_msg with MuteTime 0)."""
        return self.forbid_send_message(group_id, user_ids, 0, topic_id)

    def import_members(self, group_id: str, members: Iterable) -> BatchResult[MemberAdd]:
        """Import up to 300 members (IDs or MemberSpec with role/join_time/unread_msg_num).
        Per item `result`: 0 failed, 1 imported, 2 already a member."""
        specs = [_member_spec(m) for m in check_list("members", members, max_items=MAX_IMPORT_MEMBERS)]
        ids = check_user_ids("members", [s.user_id for s in specs])
        body = {"GroupId": _gid("group_id", group_id), "MemberList": [drop_none({
            "Member_Account": s.user_id,
            "Role": check_enum("member role", s.role, ("Admin",)) if s.role is not None else None,
            "JoinTime": check_int("join_time", s.join_time) if s.join_time is not None else None,
            "UnreadMsgNum": check_int("unread_msg_num", s.unread_msg_num) if s.unread_msg_num is not None else None,
        }) for s in specs]}
        raw = self._call(IMPORT_MEMBERS, body, op="import_members")
        return self._member_results(raw, ids, IMPORT_RESULTS)

    def set_member_unread_msg_num(self, group_id: str, user_id: str, unread_msg_num: int) -> Result:
        body = {"GroupId": _gid("group_id", group_id), "Member_Account": check_user_id("user_id", user_id),
                "UnreadMsgNum": check_int("unread_msg_num", unread_msg_num)}
        return Result(raw=self._call(SET_UNREAD, body, op="set_member_unread_msg_num", retry_safe=True))

    # --- messages ------------------------------------------------------------------------------

    def send_message(self, group_id: str, body: Any, *, sender: str | None = None, priority: str | None = None,
                     online_only: bool = False, send_control: Iterable[str] | None = None,
                     forbid_callbacks: Iterable[str] | None = None, offline_push_info: Any = None,
                     cloud_custom_data: str | None = None, at: Iterable[str] | None = None,
                     to_members: Iterable[str] | None = None, random: int | None = None,
                     need_read_receipt: bool = False, support_extension: bool | None = None,
                     topic_id: str | None = None) -> GroupSendResult:
        """Send a message to the group. `at`: user IDs to @-mention, "@all" for everyone."""
        payload: dict[str, Any] = {
            "GroupId": _gid("group_id", group_id),
            "Random": check_int("random", random) if random is not None else new_random(),
            "MsgBody": msg_body("body", body),
        }
        if sender is not None:
            payload["From_Account"] = check_user_id("sender", sender)
        if priority is not None:
            payload["MsgPriority"] = check_enum("priority", priority, PRIORITIES)
        if online_only:
            if send_control:
                raise invalid("send_control cannot be combined with online_only")
            payload["OnlineOnlyFlag"] = 1
        if send_control:
            payload["SendMsgControl"] = [check_enum("send_control", c, SEND_CONTROLS)
                                         for c in check_list("send_control", send_control)]
        forbid = check_forbid_callbacks(forbid_callbacks)
        if forbid:
            payload["ForbidCallbackControl"] = forbid
        if offline_push_info is not None:
            payload["OfflinePushInfo"] = offline_push(offline_push_info)
        if cloud_custom_data is not None:
            payload["CloudCustomData"] = check_str("cloud_custom_data", cloud_custom_data, allow_empty=True)
        if at is not None:
            targets = check_list("at", at, max_items=MAX_AT)
            payload["GroupAtInfo"] = [{"GroupAtAllFlag": 1} if t == AT_ALL else
                                      {"GroupAtAllFlag": 0, "GroupAt_Account": check_user_id("at item", t)}
                                      for t in targets]
        if to_members is not None:
            payload["To_Account"] = check_user_ids("to_members", to_members, max_items=MAX_TARGETED)
        if need_read_receipt:
            payload["NeedReadReceipt"] = 1
        if support_extension is not None:
            payload["SupportMessageExtension"] = flag(support_extension)
        if topic_id is not None:
            payload["TopicId"] = _gid("topic_id", topic_id)
        check_message_size("message", payload)
        raw = self._call(SEND, payload, op="send_message")
        return GroupSendResult(msg_seq=int(raw.get("MsgSeq") or 0), msg_time=int(raw.get("MsgTime") or 0),
                               drop_reason=raw.get("MsgDropReason") or "", raw=raw)

    def send_notification(self, group_id: str, content: str, user_ids: Iterable[str] | None = None,
                          topic_id: str | None = None) -> Result:
        """A system notice to all members, or to up to 500 listed members."""
        body: dict[str, Any] = {"GroupId": _gid("group_id", group_id), "Content": check_str("content", content)}
        if user_ids is not None:
            body["ToMembers_Account"] = check_user_ids("user_ids", user_ids, max_items=MAX_NOTIFY_USERS)
        if topic_id is not None:
            body["TopicId"] = _gid("topic_id", topic_id)
        return Result(raw=self._call(NOTIFY, body, op="send_notification"))

    def revoke_messages(self, group_id: str, msg_seqs: Iterable[int], reason: str | None = None,
                        topic_id: str | None = None) -> BatchResult[RecallItem]:
        """Recall up to 10 messages by seq (of the topic, with `topic_id`); each item carries its
        RetCode (0 = recalled)."""
        seqs = [check_int("msg_seqs item", s, lo=1, hi=2**63 - 1)
                for s in check_list("msg_seqs", msg_seqs, max_items=MAX_RECALL)]
        body: dict[str, Any] = {"GroupId": _gid("group_id", group_id),
                                "MsgSeqList": [{"MsgSeq": s} for s in seqs]}
        if reason is not None:
            body["Reason"] = check_str("reason", reason, max_bytes=100, allow_empty=True)
        if topic_id is not None:
            body["TopicId"] = _gid("topic_id", topic_id)
        raw = self._call(RECALL, body, op="revoke_messages")
        found = {}
        for entry in raw.get("RecallRetList") or []:
            code = int(entry.get("RetCode") or 0)
            seq = int(entry.get("MsgSeq") or 0)
            found[seq] = RecallItem(id=seq, msg_seq=seq, ok=code == 0, code=code, raw=entry)
        return BatchResult(items=items_in_order(seqs, found, not_returned(RecallItem)), raw=raw, **envelope(raw))

    def revoke_message(self, group_id: str, msg_seq: int, topic_id: str | None = None) -> RecallItem:
        """Recall one message; raises with the RetCode (e.g. 10030 no such message) if it failed."""
        return self._one(self.revoke_messages(group_id, [msg_seq], topic_id=topic_id), RECALL)

    def revoke_member_messages(self, group_id: str, user_id: str, topic_id: str | None = None) -> Result:
        """Silently withdraw what `user_id` sent among the group's latest 1000 messages."""
        body = drop_none({"GroupId": _gid("group_id", group_id),
                          "Sender_Account": check_user_id("user_id", user_id),
                          "TopicId": _gid("topic_id", topic_id) if topic_id is not None else None})
        return Result(raw=self._call(DELETE_BY_SENDER, body, op="revoke_member_messages", retry_safe=True))

    def import_messages(self, group_id: str, messages: Iterable[ImportMessage], recent_contact: bool = False,
                        topic_id: str | None = None) -> BatchResult[ImportedGroupMessage]:
        """Import up to 7 historical messages (into the topic, with `topic_id`), oldest first;
        items follow the request order."""
        msgs = check_list("messages", messages, max_items=MAX_IMPORT_MSGS)
        entries = []
        for index, msg in enumerate(msgs):
            if not isinstance(msg, ImportMessage):
                raise invalid("messages must be ImportMessage items")
            entries.append(drop_none({
                "From_Account": check_user_id(f"messages[{index}].sender", msg.sender),
                "SendTime": check_int(f"messages[{index}].send_time", msg.send_time, lo=1),
                "Random": check_int(f"messages[{index}].random", msg.random) if msg.random is not None else None,
                "MsgBody": msg_body(f"messages[{index}].body", msg.body, allowed_types=IMPORT_MSG_TYPES),
            }))
        times = [e["SendTime"] for e in entries]
        if times != sorted(times):
            raise invalid("messages must be in ascending send_time order")
        body: dict[str, Any] = {"GroupId": _gid("group_id", group_id), "MsgList": entries}
        if recent_contact:
            body["RecentContactFlag"] = 1
        if topic_id is not None:
            body["TopicId"] = _gid("topic_id", topic_id)
        for entry in entries:
            check_message_size("message", entry)
        raw = self._call(IMPORT_MSG, body, op="import_messages")
        results = raw.get("ImportMsgResult") or []
        items = []
        for index in range(len(entries)):
            if index < len(results):
                r = results[index]
                code = int(r.get("Result") or 0)
                items.append(ImportedGroupMessage(id=index, ok=code == 0, code=code, msg_seq=int(r.get("MsgSeq") or 0),
                                                  msg_time=int(r.get("MsgTime") or 0), raw=r))
            else:
                items.append(ImportedGroupMessage(id=index, ok=False, code=None, info="not in the service's answer"))
        return BatchResult(items=items, raw=raw, **envelope(raw))

    def fetch_messages(self, group_id: str, limit: int = MAX_HISTORY_PAGE, seq: int | None = None,
                       with_recalled: bool = False, topic_id: str | None = None) -> GroupMessagePage:
        """Up to 20 messages with seq <= `seq` (latest when None), newest first; with `topic_id`,
        those of that topic (each topic has its own sequence)."""
        body: dict[str, Any] = {"GroupId": _gid("group_id", group_id),
                                "ReqMsgNumber": check_int("limit", limit, lo=1, hi=MAX_HISTORY_PAGE)}
        if seq is not None:
            body["ReqMsgSeq"] = check_int("seq", seq, lo=1, hi=2**63 - 1)
        if with_recalled:
            body["WithRecalledMsg"] = 1
        if topic_id is not None:
            body["TopicId"] = _gid("topic_id", topic_id)
        raw = self._call(HISTORY, body, op="fetch_messages", retry_safe=True)
        messages = [GroupMessage(sender=received_text(e.get("From_Account")), msg_seq=received_int(e.get("MsgSeq")),
                                 msg_random=received_int(e.get("MsgRandom")),
                                 msg_time=received_int(e.get("MsgTimeStamp"), UINT32_MAX),
                                 priority=received_int(e.get("MsgPriority")), body=received_body(e.get("MsgBody")),
                                 place=received_int(e.get("IsPlaceMsg")), system=bool(e.get("IsSystemMsg")), raw=e)
                    for e in raw.get("RspMsgList") or [] if isinstance(e, dict)]
        if messages:
            next_seq = min(m.msg_seq for m in messages) - 1
        else:
            # Nothing visible in this window (e.g. all recalled and hidden): step below it.
            next_seq = seq - limit if seq is not None else 0
        next_seq = max(next_seq, 0)
        return GroupMessagePage(messages=messages, finished=int(raw.get("IsFinished", 1)), next_seq=next_seq,
                                has_more=next_seq > 0, raw=raw)

    def iter_messages(self, group_id: str, page_size: int = MAX_HISTORY_PAGE, with_recalled: bool = False,
                      topic_id: str | None = None) -> Iterator[GroupMessage]:
        """The group's (or topic's) history from the newest message back, page by page on demand."""
        return paginate(lambda seq: self.fetch_messages(group_id, page_size, seq, with_recalled, topic_id), None,
                        lambda page: page.messages, lambda page: page.next_seq if page.has_more else None)
