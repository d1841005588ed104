"""Communities (社群): topics and permission groups. Namespace `client.community`.

Topics: `million_group_open_http_svc/create_topic`, `destroy_topic`, `get_topic`,
`modify_topic`, and `group_open_http_svc/import_topic` (the import is under the group
service). Permission groups: `group_open_http_svc/create_permission_group`,
`destroy_permission_group`, `modify_permission_group`, `get_permission_group`,
`add_permission_group_member`, `delete_permission_group_member`,
`get_permission_group_member_list`, `add_topic_permission_group`,
`set_topic_permission_group`, `delete_topic_permission_group`, `get_topic_permission_group`.
Messages, history, recall and mutes inside a topic are the group methods with `topic_id=`.

Limits checked before sending, from Tencent's pages (1047/49471 … 49468 for topics, 1047/61232
… 61242 for permission groups; ../shared/spec is silent beyond the catalogue):
- topics only exist in topic-enabled communities (`create_group(..., support_topic=True)`);
  a custom topic ID is `<group_id>@TOPIC#_<part>`, ≤ 96 bytes; `TopicName` ≤ 30 bytes,
  `CustomString` ≤ 3000, `FaceUrl` ≤ 100, `Notification` ≤ 300, `Introduction` ≤ 240;
- a custom permission-group ID starts `@PMG#_`; `PermissionGroupName` ≤ 150 bytes; permission
  bits are unsigned 64-bit integers;
- per call: ≤ 20 permission groups destroyed, ≤ 20 per listing page, ≤ 100 members added or
  removed, ≤ 50 members per member page, ≤ 50 topic permissions added or changed. The batch
  methods split longer lists into calls of that size (one call per batch, in order; when a
  call fails as a whole the error is raised and the batches before it stay applied). Deleting
  and reading topic permissions by ID use the same 50 (not documented; the add's cap).

Answers the pages do not publish are read leniently: `create_permission_group`'s
`PermissionGroupId`, `get_permission_group`'s `PermissionGroupInfoList` items and `Next`
(string or number), `MemberList` results of the member commands (absent = every item ok).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from console.tim.api._base import (
    Namespace, check_enum, check_int, check_list, check_str, check_user_id, check_user_ids, drop_none,
    envelope, invalid, items_in_order, not_returned, paginate, result_items,
)
from console.tim.api.group import _gid, _member
from console.tim.results import BatchResult, ItemResult, Member, Result

TOPIC_SVC = "million_group_open_http_svc/"
SVC = "group_open_http_svc/"
CREATE_TOPIC, DESTROY_TOPIC = TOPIC_SVC + "create_topic", TOPIC_SVC + "destroy_topic"
GET_TOPIC, MODIFY_TOPIC, IMPORT_TOPIC = TOPIC_SVC + "get_topic", TOPIC_SVC + "modify_topic", SVC + "import_topic"
CREATE_PMG, DESTROY_PMG = SVC + "create_permission_group", SVC + "destroy_permission_group"
MODIFY_PMG, GET_PMG = SVC + "modify_permission_group", SVC + "get_permission_group"
ADD_PMG_MEMBER, DELETE_PMG_MEMBER = SVC + "add_permission_group_member", SVC + "delete_permission_group_member"
PMG_MEMBERS = SVC + "get_permission_group_member_list"
ADD_TOPIC_PERM, SET_TOPIC_PERM = SVC + "add_topic_permission_group", SVC + "set_topic_permission_group"
DELETE_TOPIC_PERM, GET_TOPIC_PERM = SVC + "delete_topic_permission_group", SVC + "get_topic_permission_group"

TOPIC_MARK = "@TOPIC#_"
PMG_PREFIX = "@PMG#_"
MAX_ID_BYTES = 96
MAX_TOPIC_NAME, MAX_CUSTOM_STRING, MAX_FACE_URL, MAX_NOTICE, MAX_INTRO = 30, 3000, 100, 300, 240
MAX_PMG_NAME = 150
MAX_PMG_DESTROY = 20
MAX_PMG_PAGE = 20
MAX_PMG_MEMBERS = 100
MAX_PMG_MEMBER_PAGE = 50
MAX_TOPIC_PERMISSIONS = 50
PERMISSION_MAX = 2 ** 64 - 1
TOPIC_FIELDS = ("TopicName", "FaceUrl", "Notification", "Introduction", "CreateTime", "LastMsgTime",
                "NextMsgSeq", "MuteAllMember", "CustomString")
ALREADY_IN = 10013          # add_permission_group_member: the user is in the permission group already


# --- results ---------------------------------------------------------------------------------

@dataclass(kw_only=True)
class TopicCreated(Result):
    topic_id: str = ""


@dataclass(kw_only=True)
class TopicSelfInfo(Result):
    """The asked user's state in a topic (get_topic `SelfInfo`)."""
    mute_until: int = 0                   # ShutUpTime
    msg_seq: int = 0                      # last seq read
    msg_flag: str = ""


@dataclass(kw_only=True)
class Topic(ItemResult):
    group_id: str = ""
    name: str = ""
    face_url: str = ""
    introduction: str = ""
    notification: str = ""
    custom_string: str = ""
    create_time: int = 0
    last_msg_time: int = 0
    next_msg_seq: int = 0
    mute_all_member: str = ""             # "On" / "Off"
    self_info: TopicSelfInfo | None = None


@dataclass(kw_only=True)
class PermissionGroupCreated(Result):
    permission_group_id: str = ""


@dataclass(kw_only=True)
class PermissionGroup(ItemResult):
    name: str = ""
    permission: int = 0
    custom_string: str = ""
    member_num: int = 0


@dataclass(kw_only=True)
class PermissionGroupPage(Result):
    groups: list[PermissionGroup] = field(default_factory=list)
    next: str = ""                        # "" = no more
    has_more: bool = False


@dataclass(kw_only=True)
class PermissionGroupMemberPage(Result):
    members: list[Member] = field(default_factory=list)
    total: int = 0
    next: str = ""
    has_more: bool = False


@dataclass(kw_only=True)
class TopicPermission(ItemResult):
    """One topic's permission bits in a permission group (`id` is the topic ID)."""
    permission: int = 0


# --- checks and parsing -------------------------------------------------------------------------

def _topic_id(name: str, value: Any, group_id: str | None = None) -> str:
    value = check_str(name, value, max_bytes=MAX_ID_BYTES)
    if group_id is not None:
        prefix = group_id + TOPIC_MARK
        part = value[len(prefix):]
        if not value.startswith(prefix) or not part:
            raise invalid(f"{name} must look like {prefix}<custom part>")
        if any(not 0x20 <= ord(c) <= 0x7E for c in value) or "@TGS#_" in part or part.startswith("@TOPIC#"):
            raise invalid(f"{name}: the custom part must be printable ASCII without @TGS#_ or a leading @TOPIC#")
    return value


def _topic_ids(name: str, values: Any, *, max_items: int | None = None) -> list[str]:
    ids = [_topic_id(f"{name} item", v) for v in check_list(name, values, max_items=max_items)]
    if len(set(ids)) != len(ids):
        raise invalid(f"{name} contains duplicate topic IDs")
    return ids


def _pg_id(name: str, value: Any, *, custom: bool = False) -> str:
    value = check_str(name, value, max_bytes=MAX_ID_BYTES)
    if custom and (not value.startswith(PMG_PREFIX) or value == PMG_PREFIX or value.startswith(PMG_PREFIX + "@PMG#")):
        raise invalid(f"a custom {name} must start with {PMG_PREFIX} (not {PMG_PREFIX}@PMG#)")
    return value


def _pg_ids(name: str, values: Any) -> list[str]:
    ids = [_pg_id(f"{name} item", v) for v in check_list(name, values)]
    if len(set(ids)) != len(ids):
        raise invalid(f"{name} contains duplicate permission group IDs")
    return ids


def _permission(name: str, value: Any) -> int:
    return check_int(name, value, hi=PERMISSION_MAX)


def _topic_profile(*, custom_string, face_url, notification, introduction) -> dict:
    """The optional topic texts, checked under their argument names."""
    fields = {"CustomString": ("custom_string", custom_string, MAX_CUSTOM_STRING),
              "FaceUrl": ("face_url", face_url, MAX_FACE_URL),
              "Notification": ("notification", notification, MAX_NOTICE),
              "Introduction": ("introduction", introduction, MAX_INTRO)}
    return {key: check_str(name, value, max_bytes=limit, allow_empty=True)
            for key, (name, value, limit) in fields.items() if value is not None}


def _topic(entry: dict) -> Topic:
    info = entry.get("TopicInfo") or {}
    code = int(entry.get("ErrorCode") or 0)
    own = entry.get("SelfInfo")
    self_info = None
    if isinstance(own, dict):
        self_info = TopicSelfInfo(mute_until=int(own.get("ShutUpTime") or 0), msg_seq=int(own.get("MsgSeq") or 0),
                                  msg_flag=own.get("MsgFlag") or "", raw=own)
    return Topic(id=info.get("TopicId", ""), ok=code == 0, code=code, info=entry.get("ErrorInfo") or "",
                 group_id=info.get("GroupID") or info.get("GroupId") or "", name=info.get("TopicName", ""),
                 face_url=info.get("FaceUrl", ""), introduction=info.get("Introduction", ""),
                 notification=info.get("Notification", ""), custom_string=info.get("CustomString", ""),
                 create_time=int(info.get("CreateTime") or 0), last_msg_time=int(info.get("LastMsgTime") or 0),
                 next_msg_seq=int(info.get("NextMsgSeq") or 0), mute_all_member=info.get("MuteAllMember", ""),
                 self_info=self_info, raw=entry)


def _permission_group(entry: dict) -> PermissionGroup:
    code = int(entry.get("ErrorCode") or 0)
    return PermissionGroup(id=entry.get("PermissionGroupId", ""), ok=code == 0, code=code,
                           info=entry.get("ErrorInfo") or "", name=entry.get("PermissionGroupName", ""),
                           permission=int(entry.get("Permission") or 0),
                           custom_string=entry.get("CustomString", ""), member_num=int(entry.get("MemberNum") or 0),
                           raw=entry)


def _topic_permissions(raw: dict, ids: Sequence[str] | None) -> BatchResult[TopicPermission]:
    found = {}
    for entry in raw.get("TopicPermissionResultList") or []:
        code = int(entry.get("ErrorCode") or 0)
        found[entry.get("TopicId")] = TopicPermission(id=entry.get("TopicId"), ok=code == 0, code=code,
                                                      info=entry.get("ErrorInfo") or "",
                                                      permission=int(entry.get("Permission") or 0), raw=entry)
    items = items_in_order(ids, found, not_returned(TopicPermission)) if ids else list(found.values())
    return BatchResult(items=items, raw=raw, **envelope(raw))


def _member_results(raw: dict, ids: list[str]) -> BatchResult[ItemResult]:
    """add/delete_permission_group_member: `MemberList[{Member_Account, Result}]`, Result 0 ok and
    10013 "already in" (ok too); an answer without MemberList means every item went through."""
    if "MemberList" not in raw:
        return BatchResult(items=[ItemResult(id=i) for i in ids], raw=raw, **envelope(raw))
    found = {}
    for entry in raw.get("MemberList") or []:
        result = int(entry.get("Result") or 0)
        found[entry.get("Member_Account")] = ItemResult(
            id=entry.get("Member_Account"), ok=result in (0, ALREADY_IN), code=result,
            info="already in the permission group" if result == ALREADY_IN else "", raw=entry)
    return BatchResult(items=items_in_order(ids, found, not_returned()), raw=raw, **envelope(raw))


def _cursor(value: Any) -> str:
    return "" if value in (None, "", 0) else str(value)


def _in_batches(values: list, size: int, call: Callable[[list], BatchResult]) -> BatchResult:
    """Run `call` on consecutive slices of at most `size` values; one BatchResult of every item.
    A single call keeps its raw answer; several keep theirs in order under "batches"."""
    results = [call(values[start:start + size]) for start in range(0, len(values), size)]
    if len(results) == 1:
        return results[0]
    return BatchResult(items=[item for r in results for item in r.items], raw={"batches": [r.raw for r in results]})


class CommunityAPI(Namespace):
    name = "community"

    # --- topics ------------------------------------------------------------------------------

    def create_topic(self, group_id: str, name: str, *, topic_id: str | None = None, creator: str | None = None,
                     custom_string: str | None = None, face_url: str | None = None,
                     notification: str | None = None, introduction: str | None = None) -> TopicCreated:
        """Create a topic in a topic-enabled community; `topic_id` is a custom
        `<group_id>@TOPIC#_<part>`, else the service assigns one. `creator` (From_Account) is a member
        creating it in their name. Runs Group.CallbackBeforeCreateTopic (refusal → 10016)."""
        body = self._new_topic(group_id, name, topic_id, creator, custom_string=custom_string,
                               face_url=face_url, notification=notification, introduction=introduction)
        raw = self._call(CREATE_TOPIC, body, op="create_topic")
        return TopicCreated(topic_id=raw.get("TopicId", ""), raw=raw)

    def import_topic(self, group_id: str, name: str, *, topic_id: str | None = None, creator: str | None = None,
                     custom_string: str | None = None, face_url: str | None = None,
                     notification: str | None = None, introduction: str | None = None,
                     create_time: int | None = None) -> TopicCreated:
        """Import a topic for migration (past `create_time`, no callbacks)."""
        body = {"Type": "Community", **self._new_topic(group_id, name, topic_id, creator,
                                                       custom_string=custom_string, face_url=face_url,
                                                       notification=notification, introduction=introduction)}
        if create_time is not None:
            body["CreateTime"] = check_int("create_time", create_time)
        raw = self._call(IMPORT_TOPIC, body, op="import_topic")
        return TopicCreated(topic_id=raw.get("TopicId", ""), raw=raw)

    @staticmethod
    def _new_topic(group_id, name, topic_id, creator, **profile) -> dict:
        gid = _gid("group_id", group_id)
        body = {"GroupId": gid, "TopicName": check_str("name", name, max_bytes=MAX_TOPIC_NAME)}
        if topic_id is not None:
            body["TopicId"] = _topic_id("topic_id", topic_id, gid)
        if creator is not None:
            body["From_Account"] = check_user_id("creator", creator)
        body.update(_topic_profile(**profile))
        return body

    def get_topics(self, group_id: str, user_id: str, topic_ids: Iterable[str] | None = None, *,
                   fields: Iterable[str] | None = None) -> BatchResult[Topic]:
        """Profiles of the given topics (all of the community's when None), each with `user_id`'s
        own state in it (`self_info`). `fields` limits the profile to those TopicInfo names."""
        body: dict[str, Any] = {"GroupId": _gid("group_id", group_id),
                                "From_Account": check_user_id("user_id", user_id)}
        ids = _topic_ids("topic_ids", topic_ids) if topic_ids is not None else None
        if ids:
            body["TopicIdList"] = ids
        if fields is not None:
            body["ResponseFilter"] = [check_enum("fields item", f, TOPIC_FIELDS) for f in check_list("fields", fields)]
        raw = self._call(GET_TOPIC, body, op="get_topics", retry_safe=True)
        found = {}
        for entry in raw.get("TopicAndSelfInfo") or []:
            topic = _topic(entry)
            found[topic.id] = topic
        items = items_in_order(ids, found, not_returned(Topic)) if ids else list(found.values())
        return BatchResult(items=items, raw=raw, **envelope(raw))

    def get_topic(self, group_id: str, user_id: str, topic_id: str, *, fields: Iterable[str] | None = None) -> Topic:
        """One topic; raises (e.g. 110003) if it does not exist."""
        return self._one(self.get_topics(group_id, user_id, [topic_id], fields=fields), GET_TOPIC)

    def update_topic(self, group_id: str, topic_id: str, *, name: str | None = None, face_url: str | None = None,
                     notification: str | None = None, introduction: str | None = None,
                     custom_string: str | None = None, mute_all_member: bool | None = None,
                     operator: str | None = None) -> Result:
        """Change only the given fields of a topic (Group.CallbackAfterTopicInfoChanged follows a
        change of name, introduction, notice or photo)."""
        body: dict[str, Any] = {"GroupId": _gid("group_id", group_id), "TopicId": _topic_id("topic_id", topic_id)}
        if name is not None:
            body["TopicName"] = check_str("name", name, max_bytes=MAX_TOPIC_NAME)
        body.update(_topic_profile(custom_string=custom_string, face_url=face_url, notification=notification,
                                   introduction=introduction))
        if mute_all_member is not None:
            body["MuteAllMember"] = "On" if mute_all_member else "Off"
        if len(body) == 2:
            raise invalid("update_topic needs at least one field to change")
        if operator is not None:
            body["From_Account"] = check_user_id("operator", operator)
        return Result(raw=self._call(MODIFY_TOPIC, body, op="update_topic"))

    def destroy_topics(self, group_id: str, topic_ids: Iterable[str]) -> BatchResult[ItemResult]:
        """Disband topics for good; per item ok, or code 110003 when the topic does not exist."""
        ids = _topic_ids("topic_ids", topic_ids)
        raw = self._call(DESTROY_TOPIC, {"GroupId": _gid("group_id", group_id), "TopicIdList": ids},
                         op="destroy_topics")
        items = result_items(raw, "DestroyResultItem", ids, id_key="TopicId", code_key="ErrorCode",
                             info_key="ErrorInfo")
        return BatchResult(items=items, raw=raw, **envelope(raw))

    def destroy_topic(self, group_id: str, topic_id: str) -> ItemResult:
        return self._one(self.destroy_topics(group_id, [topic_id]), DESTROY_TOPIC)

    # --- permission groups ----------------------------------------------------------------------

    def create_permission_group(self, group_id: str, name: str, *, permission_group_id: str | None = None,
                                permission: int | None = None,
                                custom_string: str | None = None) -> PermissionGroupCreated:
        """A permission group in a community: `permission` is its community-level permission bits."""
        body = drop_none({
            "GroupId": _gid("group_id", group_id),
            "PermissionGroupId": (_pg_id("permission_group_id", permission_group_id, custom=True)
                                  if permission_group_id is not None else None),
            "PermissionGroupName": check_str("name", name, max_bytes=MAX_PMG_NAME),
            "Permission": _permission("permission", permission) if permission is not None else None,
            "CustomString": check_str("custom_string", custom_string, allow_empty=True)
            if custom_string is not None else None,
        })
        raw = self._call(CREATE_PMG, body, op="create_permission_group")
        return PermissionGroupCreated(permission_group_id=raw.get("PermissionGroupId") or permission_group_id or "",
                                      raw=raw)

    def update_permission_group(self, group_id: str, permission_group_id: str, *, name: str | None = None,
                                permission: int | None = None, custom_string: str | None = None) -> Result:
        body = drop_none({
            "GroupId": _gid("group_id", group_id),
            "PermissionGroupId": _pg_id("permission_group_id", permission_group_id),
            "PermissionGroupName": check_str("name", name, max_bytes=MAX_PMG_NAME) if name is not None else None,
            "Permission": _permission("permission", permission) if permission is not None else None,
            "CustomString": check_str("custom_string", custom_string, allow_empty=True)
            if custom_string is not None else None,
        })
        if len(body) == 2:
            raise invalid("update_permission_group needs at least one field to change")
        return Result(raw=self._call(MODIFY_PMG, body, op="update_permission_group"))

    def destroy_permission_groups(self, group_id: str, permission_group_ids: Iterable[str]) -> BatchResult[ItemResult]:
        """Remove permission groups (20 per call; longer lists are sent in batches)."""
        gid, ids = _gid("group_id", group_id), _pg_ids("permission_group_ids", permission_group_ids)

        def call(chunk):
            raw = self._call(DESTROY_PMG, {"GroupId": gid, "PermissionGroupIdList": chunk},
                             op="destroy_permission_groups")
            return BatchResult(items=result_items(raw, "PermissionGroupResultList", chunk, id_key="PermissionGroupId",
                                                  code_key="ErrorCode", info_key="ErrorInfo"),
                               raw=raw, **envelope(raw))
        return _in_batches(ids, MAX_PMG_DESTROY, call)

    def destroy_permission_group(self, group_id: str, permission_group_id: str) -> ItemResult:
        return self._one(self.destroy_permission_groups(group_id, [permission_group_id]), DESTROY_PMG)

    def get_permission_groups(self, group_id: str,
                              permission_group_ids: Iterable[str]) -> BatchResult[PermissionGroup]:
        """The named permission groups, in request order (20 per call, in batches beyond)."""
        gid, ids = _gid("group_id", group_id), _pg_ids("permission_group_ids", permission_group_ids)

        def call(chunk):
            raw = self._call(GET_PMG, {"GroupId": gid, "PermissionGroupIdList": chunk}, op="get_permission_groups",
                             retry_safe=True)
            found = {}
            for entry in raw.get("PermissionGroupInfoList") or []:
                pg = _permission_group(entry)
                found[pg.id] = pg
            return BatchResult(items=items_in_order(chunk, found, not_returned(PermissionGroup)), raw=raw,
                               **envelope(raw))
        return _in_batches(ids, MAX_PMG_PAGE, call)

    def get_permission_group(self, group_id: str, permission_group_id: str) -> PermissionGroup:
        return self._one(self.get_permission_groups(group_id, [permission_group_id]), GET_PMG)

    def fetch_permission_groups(self, group_id: str, limit: int = MAX_PMG_PAGE, next: str = "") -> PermissionGroupPage:
        """One page of the community's permission groups ("" first; the page's `next` after)."""
        body = {"GroupId": _gid("group_id", group_id), "Limit": check_int("limit", limit, lo=1, hi=MAX_PMG_PAGE),
                "Next": check_str("next", _cursor(next), allow_empty=True)}
        raw = self._call(GET_PMG, body, op="fetch_permission_groups", retry_safe=True)
        cursor = _cursor(raw.get("Next"))
        return PermissionGroupPage(groups=[_permission_group(e) for e in raw.get("PermissionGroupInfoList") or []],
                                   next=cursor, has_more=cursor != "", raw=raw)

    def iter_permission_groups(self, group_id: str, page_size: int = MAX_PMG_PAGE) -> Iterator[PermissionGroup]:
        """Every permission group of the community, page by page on demand."""
        check_int("page_size", page_size, lo=1, hi=MAX_PMG_PAGE)
        return paginate(lambda cursor: self.fetch_permission_groups(group_id, page_size, cursor), "",
                        lambda page: page.groups, lambda page: page.next if page.has_more else None)

    # --- permission group members ----------------------------------------------------------------

    def add_permission_group_members(self, group_id: str, permission_group_id: str,
                                     user_ids: Iterable[str]) -> BatchResult[ItemResult]:
        """Add community members to a permission group (100 per call, in batches beyond). Per item
        `code` is the service's Result: 0 added, 10013 already in (both ok), other codes failed."""
        return self._members(ADD_PMG_MEMBER, "add_permission_group_members", group_id, permission_group_id, user_ids)

    def delete_permission_group_members(self, group_id: str, permission_group_id: str,
                                        user_ids: Iterable[str]) -> BatchResult[ItemResult]:
        """Remove members from a permission group (users not in it count as removed)."""
        return self._members(DELETE_PMG_MEMBER, "delete_permission_group_members", group_id, permission_group_id,
                             user_ids)

    def _members(self, endpoint: str, op: str, group_id, permission_group_id, user_ids) -> BatchResult[ItemResult]:
        gid, pg = _gid("group_id", group_id), _pg_id("permission_group_id", permission_group_id)
        ids = check_user_ids("user_ids", user_ids)

        def call(chunk):
            raw = self._call(endpoint, {"GroupId": gid, "PermissionGroupId": pg,
                                        "MemberList": [{"Member_Account": u} for u in chunk]}, op=op)
            return _member_results(raw, chunk)
        return _in_batches(ids, MAX_PMG_MEMBERS, call)

    def fetch_permission_group_members(self, group_id: str, permission_group_id: str,
                                       limit: int = MAX_PMG_MEMBER_PAGE, next: str = "") -> PermissionGroupMemberPage:
        """One page of a permission group's members, with their community member fields."""
        body = {"GroupId": _gid("group_id", group_id),
                "PermissionGroupId": _pg_id("permission_group_id", permission_group_id),
                "Limit": check_int("limit", limit, lo=1, hi=MAX_PMG_MEMBER_PAGE),
                "Next": check_str("next", _cursor(next), allow_empty=True)}
        raw = self._call(PMG_MEMBERS, body, op="fetch_permission_group_members", retry_safe=True)
        cursor = _cursor(raw.get("Next"))
        members = [_member(m) for m in raw.get("MemberList") or []]
        return PermissionGroupMemberPage(members=members, total=int(raw.get("MemberNum") or 0), next=cursor,
                                         has_more=cursor != "", raw=raw)

    def iter_permission_group_members(self, group_id: str, permission_group_id: str,
                                      page_size: int = MAX_PMG_MEMBER_PAGE) -> Iterator[Member]:
        """Every member of a permission group, page by page on demand."""
        check_int("page_size", page_size, lo=1, hi=MAX_PMG_MEMBER_PAGE)
        return paginate(lambda cursor: self.fetch_permission_group_members(group_id, permission_group_id,
                                                                           page_size, cursor), "",
                        lambda page: page.members, lambda page: page.next if page.has_more else None)

    # --- topic permissions --------------------------------------------------------------------------

    def add_topic_permissions(self, group_id: str, permission_group_id: str,
                              permissions: Mapping[str, int]) -> BatchResult[TopicPermission]:
        """Give a permission group permission bits in topics: {topic_id: bits} (50 per call)."""
        return self._topic_permissions(ADD_TOPIC_PERM, "add_topic_permissions", group_id, permission_group_id,
                                       permissions)

    def set_topic_permissions(self, group_id: str, permission_group_id: str,
                              permissions: Mapping[str, int]) -> BatchResult[TopicPermission]:
        """Change the bits of topics already in the permission group: {topic_id: bits} (50 per call)."""
        return self._topic_permissions(SET_TOPIC_PERM, "set_topic_permissions", group_id, permission_group_id,
                                       permissions)

    def _topic_permissions(self, endpoint: str, op: str, group_id, permission_group_id,
                           permissions) -> BatchResult[TopicPermission]:
        gid, pg = _gid("group_id", group_id), _pg_id("permission_group_id", permission_group_id)
        if not isinstance(permissions, Mapping) or not permissions:
            raise invalid("permissions must be a non-empty dict of topic ID -> permission bits")
        entries = [(_topic_id("permissions key", t), _permission(f"permissions[{t!r}]", bits))
                   for t, bits in permissions.items()]

        def call(chunk):
            raw = self._call(endpoint, {"GroupId": gid, "PermissionGroupId": pg,
                                        "TopicPermissionList": [{"TopicId": t, "Permission": b} for t, b in chunk]},
                             op=op)
            return _topic_permissions(raw, [t for t, _ in chunk])
        return _in_batches(entries, MAX_TOPIC_PERMISSIONS, call)

    def delete_topic_permissions(self, group_id: str, permission_group_id: str,
                                 topic_ids: Iterable[str]) -> BatchResult[TopicPermission]:
        """Take topics out of a permission group (50 per call)."""
        gid, pg = _gid("group_id", group_id), _pg_id("permission_group_id", permission_group_id)

        def call(chunk):
            raw = self._call(DELETE_TOPIC_PERM, {"GroupId": gid, "PermissionGroupId": pg, "TopicIdList": chunk},
                             op="delete_topic_permissions")
            return _topic_permissions(raw, chunk)
        return _in_batches(_topic_ids("topic_ids", topic_ids), MAX_TOPIC_PERMISSIONS, call)

    def get_topic_permissions(self, group_id: str, permission_group_id: str,
                              topic_ids: Iterable[str] | None = None) -> BatchResult[TopicPermission]:
        """The permission group's bits per topic: the named topics (50 per call), or all when None."""
        gid, pg = _gid("group_id", group_id), _pg_id("permission_group_id", permission_group_id)

        def call(chunk):
            body = {"GroupId": gid, "PermissionGroupId": pg}
            if chunk:
                body["TopicIdList"] = chunk
            raw = self._call(GET_TOPIC_PERM, body, op="get_topic_permissions", retry_safe=True)
            return _topic_permissions(raw, chunk)
        if topic_ids is None:
            return call([])
        return _in_batches(_topic_ids("topic_ids", topic_ids), MAX_TOPIC_PERMISSIONS, call)
