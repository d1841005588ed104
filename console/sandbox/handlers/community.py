"""Emulation of the Community (社群) endpoints: topics and permission groups.

Topics: `million_group_open_http_svc/create_topic`, `destroy_topic`, `get_topic`,
`modify_topic` and `group_open_http_svc/import_topic` (the import lives under the group
service). Permission groups: `group_open_http_svc/*_permission_group*`. State is in
`console/sandbox/community.py`; topic-scoped messages are handled by the group message
handlers through `community.TopicView`.

What the published pages say, and what the sandbox does where they are silent:
- Topics exist only in topic-enabled communities (`SupportTopic` 1); any other group → 11000.
  Custom topic IDs are `<GroupId>@TOPIC#_<part>` (10015 when malformed, 10021 when used);
  assigned ones `<GroupId>@TOPIC#_@TOPIC#c…`. Limits: `TopicName` ≤ 30 bytes (required),
  `CustomString` ≤ 3000, `FaceUrl` ≤ 100, `Notification` ≤ 300, `Introduction` ≤ 240 (10004).
- A missing topic: per item 110003 in `destroy_topic`/`get_topic`, 10010 for `modify_topic`
  and for topic-scoped messages (the pages list these codes). `From_Account` of create and
  modify must be an imported account (10004); membership is not asked for, as the pages
  say nothing of it.
- `Group.CallbackBeforeCreateTopic` (deny → 10016) and `Group.CallbackAfterCreateTopic`
  for create_topic; `Group.CallbackAfterTopicDestroyed`; `Group.CallbackAfterTopicInfoChanged`
  when the name, introduction, notice or photo changed. import_topic sends none. The sandbox
  adds `GroupId` to the before-callback and `TopicId` to the info-changed one (the published
  bodies lack them, which would leave a receiver unable to tell which topic).
- Permission groups are for Community groups (others → 10007). `PermissionGroupName` ≤ 150
  bytes; custom IDs start `@PMG#_` (10004 otherwise, 10021 when used). Documented caps:
  20 groups per destroy, 20 per listing page, 100 members per add/delete, 50 per member page,
  50 topics per add of topic permissions. Undocumented answers are modelled on the documented
  ones: `PermissionGroupId` from create, `PermissionGroupInfoList` items with `MemberNum`,
  per-item `ErrorCode` 10010 for an unknown permission group, member results 0 / 10013
  (already in) / 10019 (never imported) / 10007 (not in the community), `MemberList` from
  delete, `TopicPermissionResultList` from set and delete. No permission-group callback is
  documented, so none is sent.
"""
from __future__ import annotations

from ..community import CommunityState, permission_group_id_problem, topic_id_problem
from ..groups import Group
from ..registry import ApiError, endpoint
from .common import integer, is_int, items, text
from .group.base import _bad, _member_info, _member_list
from .group.notify import _after, _before, _payload

TOPIC_SVC = "million_group_open_http_svc/"
SVC = "group_open_http_svc/"

TOPIC_TEXTS = {"FaceUrl": ("face_url", 100), "Notification": ("notification", 300),
               "Introduction": ("introduction", 240), "CustomString": ("custom_string", 3000)}
TOPIC_NAME_MAX = 30
TOPIC_FIELDS = ("TopicName", "GroupID", "FaceUrl", "TopicId", "NextMsgSeq", "Notification", "Introduction",
                "CreateTime", "LastMsgTime", "MuteAllMember", "CustomString")
CHANGE_TEXTS = {"TopicName": "Name", "Introduction": "Introduction", "Notification": "Notification",
                "FaceUrl": "FaceUrl"}       # topic field -> its name in the info-changed callback
NO_TOPIC = 110003
PMG_NAME_MAX = 150
PMG_DESTROY_MAX = 20
PMG_PAGE_MAX = 20
PMG_MEMBERS_MAX = 100
PMG_MEMBER_PAGE_MAX = 50
TOPIC_PERMISSIONS_MAX = 50
PERMISSION_MAX = 2 ** 64 - 1


# ---- reading the request ----------------------------------------------------------------

def _community(ctx, body: dict, *, topics: bool) -> Group:
    """The group named by GroupId (10004 absent, 10015 malformed, 10010 unknown) that must be a
    community: topic-enabled for topic calls (else 11000), any community otherwise (else 10007)."""
    group_id = body.get("GroupId")
    if group_id is None:
        raise _bad("GroupId is required")
    if not isinstance(group_id, str) or not group_id or len(group_id.encode()) > 96:
        raise ApiError(10015, "invalid GroupId")
    group = ctx.state.groups.get(group_id)
    if group is None:
        raise ApiError(10010, "group does not exist or has been disbanded")
    if topics and (group.type != "Community" or not group.support_topic):
        raise ApiError(11000, "the group is not a topic-enabled community")
    if not topics and group.type != "Community":
        raise ApiError(10007, "permission groups are for Community groups")
    return group


def _str(body: dict, name: str, *, required: bool = False, max_bytes: int | None = None) -> str | None:
    return text(body, name, 10004, required=required, max_bytes=max_bytes)


def _operator(ctx, body: dict) -> str:
    """From_Account (an imported account), or the App admin calling."""
    account = _str(body, "From_Account")
    if account is None:
        return ctx.identifier
    if not ctx.state.account_exists(account):
        raise _bad("From_Account is not an imported account")
    return account


def _topic_texts(body: dict) -> dict:
    found = {}
    for key, (attr, limit) in TOPIC_TEXTS.items():
        value = text(body, key, 10004, required=False, max_bytes=limit)
        if value is not None:
            found[attr] = value
    return found


def _string_list(body: dict, name: str, *, required: bool, limit: int | None = None) -> list[str]:
    value = items(body, name, 10004, limit=limit, required=required, kind=str)
    return list(dict.fromkeys(value))


def _permission(value, name: str = "Permission") -> int:
    if not is_int(value) or not 0 <= value <= PERMISSION_MAX:
        raise _bad(f"{name} must be an unsigned 64-bit integer")
    return value


def _plan_topic(ctx, body: dict, group: Group, *, importing: bool) -> dict:
    """Check a create_topic / import_topic request; the arguments of add_topic."""
    if importing and body.get("Type") not in (None, "Community"):
        raise _bad("Type must be Community")
    name = _str(body, "TopicName", required=True, max_bytes=TOPIC_NAME_MAX)
    topic_id = body.get("TopicId")
    if topic_id is not None:
        problem = topic_id_problem(topic_id, group.group_id)
        if problem:
            raise ApiError(10015, problem)
        if ctx.state.communities.topic(group.group_id, topic_id) is not None:
            raise ApiError(10021, "TopicId is already used")
    plan = {"name": name, "topic_id": topic_id, "profile": _topic_texts(body)}
    if importing:
        created = integer(body, "CreateTime", 10004, required=False, high=int(ctx.now))
        if created:
            plan["now"] = created
        _str(body, "From_Account")
    else:
        plan["operator"] = _operator(ctx, body)
    return plan


# ---- topics -------------------------------------------------------------------------------

@endpoint(TOPIC_SVC + "create_topic")
def create_topic(ctx, body):
    with ctx.state.lock:
        group = _community(ctx, body, topics=True)
        plan = _plan_topic(ctx, body, group, importing=False)
        ask = _payload(ctx, group, Operator_Account=plan["operator"], Name=plan["name"])
    _before(ctx, "Group.CallbackBeforeCreateTopic", ask)
    with ctx.state.lock:
        group = _community(ctx, body, topics=True)        # the state may have moved meanwhile
        plan = _plan_topic(ctx, body, group, importing=False)
        topic = ctx.state.communities.add_topic(group.group_id, plan["name"], int(ctx.now),
                                                topic_id=plan["topic_id"], **plan["profile"])
        _after(ctx, "Group.CallbackAfterCreateTopic", group, TopicId=topic.topic_id,
               Operator_Account=plan["operator"], Owner_Account=group.owner, Name=topic.name)
        return {"TopicId": topic.topic_id}


@endpoint(SVC + "import_topic")
def import_topic(ctx, body):
    with ctx.state.lock:
        group = _community(ctx, body, topics=True)
        plan = _plan_topic(ctx, body, group, importing=True)
        topic = ctx.state.communities.add_topic(group.group_id, plan["name"], plan.get("now", int(ctx.now)),
                                                topic_id=plan["topic_id"], **plan["profile"])
        return {"TopicId": topic.topic_id}


@endpoint(TOPIC_SVC + "destroy_topic")
def destroy_topic(ctx, body):
    wanted = _string_list(body, "TopicIdList", required=True)
    with ctx.state.lock:
        group = _community(ctx, body, topics=True)
        results, gone = [], []
        for topic_id in wanted:
            if ctx.state.communities.destroy_topic(group.group_id, topic_id):
                gone.append(topic_id)
                results.append({"ErrorCode": 0, "ErrorInfo": "ok", "TopicId": topic_id})
            else:
                results.append({"ErrorCode": NO_TOPIC, "ErrorInfo": "topic does not exist or has been deleted",
                                "TopicId": topic_id})
        if gone:
            _after(ctx, "Group.CallbackAfterTopicDestroyed", group, TopicIdList=gone)
        return {"DestroyResultItem": results}


@endpoint(TOPIC_SVC + "get_topic")
def get_topic(ctx, body):
    account = _str(body, "From_Account", required=True)
    wanted = _string_list(body, "TopicIdList", required=False)
    names = body.get("ResponseFilter")
    if names is not None and (not isinstance(names, list) or not all(isinstance(n, str) for n in names)):
        raise _bad("ResponseFilter must be an array of field names")
    with ctx.state.lock:
        group = _community(ctx, body, topics=True)
        topics = ctx.state.communities.topics_of(group.group_id)
        listed = []
        for topic_id in wanted or list(topics):
            topic = topics.get(topic_id)
            if topic is None:
                listed.append({"ErrorCode": NO_TOPIC, "ErrorInfo": "topic does not exist or has been deleted",
                               "TopicInfo": {"TopicId": topic_id, "GroupID": group.group_id}})
                continue
            listed.append({"ErrorCode": 0, "ErrorInfo": "ok",
                           "SelfInfo": _topic_self(group, topic, account, ctx.now),
                           "TopicInfo": _topic_info(group, topic, names)})
        return {"TopicAndSelfInfo": listed}


def _topic_info(group: Group, topic, names) -> dict:
    values = {"TopicName": topic.name, "GroupID": group.group_id, "FaceUrl": topic.face_url,
              "TopicId": topic.topic_id, "NextMsgSeq": topic.next_msg_seq, "Notification": topic.notification,
              "Introduction": topic.introduction, "CreateTime": topic.create_time,
              "LastMsgTime": topic.last_msg_time, "MuteAllMember": "On" if topic.mute_all else "Off",
              "CustomString": topic.custom_string}
    keep = set(TOPIC_FIELDS) if names is None else {"TopicId", "GroupID", *names}
    return {key: value for key, value in values.items() if key in keep}


def _topic_self(group: Group, topic, account: str, now: float) -> dict:
    member = group.members.get(account)
    return {"ShutUpTime": topic.mute_until(account, now), "MsgSeq": topic.read_seq.get(account, 0),
            "MsgFlag": member.msg_flag if member else "AcceptAndNotify"}


@endpoint(TOPIC_SVC + "modify_topic")
def modify_topic(ctx, body):
    topic_id = _str(body, "TopicId", required=True)
    with ctx.state.lock:
        group = _community(ctx, body, topics=True)
        topic = ctx.state.communities.topic(group.group_id, topic_id)
        if topic is None:
            raise ApiError(10010, "the topic does not exist or has been deleted")
        operator = _operator(ctx, body)
        changes = _topic_texts(body)
        name = _str(body, "TopicName", max_bytes=TOPIC_NAME_MAX)
        if name is not None:
            changes["name"] = name
        mute_all = body.get("MuteAllMember")
        if mute_all is not None:
            if mute_all not in ("On", "Off"):
                raise _bad("MuteAllMember must be On or Off")
            changes["mute_all"] = mute_all == "On"
        for attr, value in changes.items():
            setattr(topic, attr, value)
        texts = {CHANGE_TEXTS[key]: body[key] for key in CHANGE_TEXTS if key in body}
        if texts:
            _after(ctx, "Group.CallbackAfterTopicInfoChanged", group, TopicId=topic.topic_id,
                   Operator_Account=operator, **texts)
        return {}


# ---- permission groups -----------------------------------------------------------------------

def _permission_group(ctx, body: dict, *, topics: bool = False):
    """(community, permission group) named by GroupId and PermissionGroupId (10010 unknown)."""
    group = _community(ctx, body, topics=topics)
    pg_id = _str(body, "PermissionGroupId", required=True)
    pg = ctx.state.communities.permission_group(group.group_id, pg_id)
    if pg is None:
        raise ApiError(10010, "the permission group does not exist")
    return group, pg


def _pg_info(group: Group, pg) -> dict:
    return {"ErrorCode": 0, "ErrorInfo": "", "PermissionGroupId": pg.permission_group_id,
            "PermissionGroupName": pg.name, "Permission": pg.permission, "CustomString": pg.custom_string,
            "MemberNum": len(CommunityState.current_members(group, pg))}


def _pg_missing(pg_id) -> dict:
    return {"ErrorCode": 10010, "ErrorInfo": "the permission group does not exist", "PermissionGroupId": pg_id}


@endpoint(SVC + "create_permission_group")
def create_permission_group(ctx, body):
    name = _str(body, "PermissionGroupName", required=True, max_bytes=PMG_NAME_MAX)
    permission = _permission(body["Permission"]) if body.get("Permission") is not None else 0
    custom = _str(body, "CustomString") or ""
    pg_id = body.get("PermissionGroupId")
    if pg_id is not None:
        problem = permission_group_id_problem(pg_id)
        if problem:
            raise _bad(problem)
    with ctx.state.lock:
        group = _community(ctx, body, topics=False)
        if pg_id is not None and ctx.state.communities.permission_group(group.group_id, pg_id) is not None:
            raise ApiError(10021, "PermissionGroupId is already used")
        pg = ctx.state.communities.add_permission_group(group.group_id, name, pg_id=pg_id, permission=permission,
                                                        custom_string=custom)
        return {"PermissionGroupId": pg.permission_group_id}


@endpoint(SVC + "destroy_permission_group")
def destroy_permission_group(ctx, body):
    wanted = _string_list(body, "PermissionGroupIdList", required=True, limit=PMG_DESTROY_MAX)
    with ctx.state.lock:
        group = _community(ctx, body, topics=False)
        results = []
        for pg_id in wanted:
            if ctx.state.communities.destroy_permission_group(group.group_id, pg_id):
                results.append({"ErrorCode": 0, "ErrorInfo": "", "PermissionGroupId": pg_id})
            else:
                results.append(_pg_missing(pg_id))
        return {"PermissionGroupResultList": results}


@endpoint(SVC + "modify_permission_group")
def modify_permission_group(ctx, body):
    name = _str(body, "PermissionGroupName", max_bytes=PMG_NAME_MAX)
    permission = _permission(body["Permission"]) if body.get("Permission") is not None else None
    custom = _str(body, "CustomString")
    with ctx.state.lock:
        _, pg = _permission_group(ctx, body)
        pg.name = pg.name if name is None else name
        pg.permission = pg.permission if permission is None else permission
        pg.custom_string = pg.custom_string if custom is None else custom
        return {}


@endpoint(SVC + "get_permission_group")
def get_permission_group(ctx, body):
    wanted = _string_list(body, "PermissionGroupIdList", required=False)
    limit = integer(body, "Limit", 10004, required=False, low=1, high=PMG_PAGE_MAX) or PMG_PAGE_MAX
    start = _cursor(body.get("Next"))
    with ctx.state.lock:
        group = _community(ctx, body, topics=False)
        groups = ctx.state.communities.permission_groups_of(group.group_id)
        if wanted:
            return {"PermissionGroupInfoList": [_pg_info(group, groups[i]) if i in groups else _pg_missing(i)
                                                for i in wanted], "Next": ""}
        rest = sorted((p for p in groups.values() if p.serial > start), key=lambda p: p.serial)
        page = rest[:limit]
        return {"PermissionGroupInfoList": [_pg_info(group, p) for p in page],
                "Next": str(page[-1].serial) if len(rest) > len(page) else ""}


def _cursor(value) -> int:
    """A listing cursor: "" (or absent) first, then the Next the previous page gave (a numeric
    string; the page documents the type as Integer, so a number is accepted too)."""
    if value in (None, ""):
        return 0
    if is_int(value) and value >= 0:
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise _bad("invalid Next")


@endpoint(SVC + "add_permission_group_member")
def add_permission_group_member(ctx, body):
    accounts = _member_list(body, PMG_MEMBERS_MAX)
    with ctx.state.lock:
        group, pg = _permission_group(ctx, body)
        members = CommunityState.current_members(group, pg)
        results = []
        for account in accounts:
            if account in members:
                result = 10013
            elif not ctx.state.account_exists(account):
                result = 10019
            elif account not in group.members:
                result = 10007
            else:
                members.append(account)
                result = 0
            results.append({"Member_Account": account, "Result": result})
        return {"MemberList": results}


@endpoint(SVC + "delete_permission_group_member")
def delete_permission_group_member(ctx, body):
    accounts = _member_list(body, PMG_MEMBERS_MAX)
    with ctx.state.lock:
        _, pg = _permission_group(ctx, body)
        pg.members[:] = [a for a in pg.members if a not in accounts]   # absent ones: still success
        return {"MemberList": [{"Member_Account": a, "Result": 0} for a in accounts]}


@endpoint(SVC + "get_permission_group_member_list")
def get_permission_group_member_list(ctx, body):
    limit = integer(body, "Limit", 10004, required=False, low=1, high=PMG_MEMBER_PAGE_MAX) or PMG_MEMBER_PAGE_MAX
    start = _cursor(body.get("Next"))
    with ctx.state.lock:
        group, pg = _permission_group(ctx, body)
        members = CommunityState.current_members(group, pg)
        page = members[start:start + limit]
        end = start + len(page)
        return {"MemberNum": len(members),
                "MemberList": [_member_info(group, group.members[a], ctx.now) for a in page],
                "Next": str(end) if end < len(members) else ""}


# ---- topic permissions --------------------------------------------------------------------------

def _topic_permissions(body: dict) -> list[tuple[str, int]]:
    entries = items(body, "TopicPermissionList", 10004, limit=TOPIC_PERMISSIONS_MAX, kind=dict)
    found = {}
    for entry in entries:
        topic_id = entry.get("TopicId")
        if not isinstance(topic_id, str) or not topic_id:
            raise _bad("TopicPermissionList[].TopicId is required")
        found[topic_id] = _permission(entry.get("Permission"), "TopicPermissionList[].Permission")
    return list(found.items())


def _topic_result(topic_id: str, code: int = 0, info: str = "", **extra) -> dict:
    return {"ErrorCode": code, "ErrorInfo": info, "TopicId": topic_id, **extra}


def _change_topic_permissions(ctx, body: dict, *, adding: bool) -> dict:
    wanted = _topic_permissions(body)
    with ctx.state.lock:
        group, pg = _permission_group(ctx, body, topics=True)
        topics = ctx.state.communities.topics_of(group.group_id)
        results = []
        for topic_id, permission in wanted:
            if topic_id not in topics:
                results.append(_topic_result(topic_id, NO_TOPIC, "topic does not exist or has been deleted"))
            elif adding and topic_id in pg.topics:
                results.append(_topic_result(topic_id, 10021, "the topic is already in the permission group"))
            elif not adding and topic_id not in pg.topics:
                results.append(_topic_result(topic_id, 10010, "the topic is not in the permission group"))
            else:
                pg.topics[topic_id] = permission
                results.append(_topic_result(topic_id))
        return {"TopicPermissionResultList": results}


@endpoint(SVC + "add_topic_permission_group")
def add_topic_permission_group(ctx, body):
    return _change_topic_permissions(ctx, body, adding=True)


@endpoint(SVC + "set_topic_permission_group")
def set_topic_permission_group(ctx, body):
    return _change_topic_permissions(ctx, body, adding=False)


@endpoint(SVC + "delete_topic_permission_group")
def delete_topic_permission_group(ctx, body):
    wanted = _string_list(body, "TopicIdList", required=True, limit=TOPIC_PERMISSIONS_MAX)
    with ctx.state.lock:
        _, pg = _permission_group(ctx, body, topics=True)
        for topic_id in wanted:        # a topic without a permission here: nothing to do, success
            pg.topics.pop(topic_id, None)
        return {"TopicPermissionResultList": [_topic_result(t) for t in wanted]}


@endpoint(SVC + "get_topic_permission_group")
def get_topic_permission_group(ctx, body):
    wanted = _string_list(body, "TopicIdList", required=False)
    with ctx.state.lock:
        _, pg = _permission_group(ctx, body, topics=True)
        listed = []
        for topic_id in wanted or list(pg.topics):
            if topic_id in pg.topics:
                listed.append(_topic_result(topic_id, Permission=pg.topics[topic_id]))
            else:
                listed.append(_topic_result(topic_id, 10010, "the topic is not in the permission group",
                                            Permission=0))
        return {"TopicPermissionResultList": listed}

