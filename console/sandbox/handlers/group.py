"""Emulation of the group endpoints (`group_open_http_svc/*`).

Each handler reads and checks the request, applies the change to `state.groups` under the
state lock and answers with the documented fields. Before-callbacks (create, invite, send)
are asked with the lock released, because the app backend may take up to 2 s to answer.
"""
from __future__ import annotations

import json

from ..groups import (CAP_MAX, INVITE_OPTIONS, JOIN_OPTIONS, MSG_FLAGS, PERMANENT, PRIORITIES,
                      TYPES, WITHOUT_ADMINS, WITHOUT_MUTE, Group, Message, custom_id_problem,
                      normalize_type)
from ..registry import ApiError, endpoint
from .c2c import ELEMENT_TYPES, MAX_BODY_BYTES, message_body, msg_id
from .common import UINT32_MAX, integer, items, size, text

SVC = "group_open_http_svc/"

IMPORT_MSG_TYPES = ("TIMTextElem", "TIMFaceElem", "TIMLocationElem", "TIMCustomElem")
DEDUP_WINDOW = 300               # same sender, Random and body within 5 min: one message

# documented limits
CREATE_MEMBERS_MAX = 100
ADD_MEMBERS_MAX = 300            # intl page (2024, error 10005); the CN page of 2026-02 says 20
DELETE_MEMBERS_MAX = 100
IMPORT_MEMBERS_MAX = 300
ACCOUNTS_MAX = 500               # get_role_in_group, forbid_send_msg, system notification
GROUP_INFO_MAX = 50
RECALL_MAX = 10
IMPORT_MSGS_MAX = 7
HISTORY_MAX = 20
TO_ACCOUNT_MAX = 50
AT_MAX = 30
APP_KEYS_MAX, MEMBER_KEYS_MAX = 10, 5
APP_VALUE_MAX, MEMBER_VALUE_MAX = 512, 64
TEXT_LIMITS = {"Name": 30, "Introduction": 240, "Notification": 300, "FaceUrl": 100}
PROFILE_TEXTS = {"Name": "name", "Introduction": "introduction", "Notification": "notification",
                 "FaceUrl": "face_url"}

BASE_FIELDS = ("Type", "Name", "Introduction", "Notification", "FaceUrl", "Owner_Account",
               "CreateTime", "InfoSeq", "LastInfoTime", "LastMsgTime", "NextMsgSeq", "MemberNum",
               "MaxMemberNum", "ApplyJoinOption", "MuteAllMember", "InviteJoinOption")
MEMBER_FIELDS = ("Role", "JoinTime", "MsgSeq", "MsgFlag", "LastSendMsgTime", "NameCard", "MuteUntil")
MEMBER_FIELD_ALIASES = {"ShutUpUntil": "MuteUntil"}     # the older name of MuteUntil


# ---- reading the request ----------------------------------------------------------------

def _bad(info: str) -> ApiError:
    return ApiError(10004, info)


def _text(body: dict, name: str, *, required: bool = False, max_bytes: int | None = None,
          allow_empty: bool = True) -> str | None:
    value = text(body, name, 10004, required=required, max_bytes=max_bytes)
    if value == "" and not allow_empty:
        raise _bad(f"{name} must not be empty")
    return value


def _int(body: dict, name: str, *, required: bool = False, low: int = 0, high: int = UINT32_MAX,
         default: int | None = None) -> int | None:
    return integer(body, name, 10004, required=required, default=default, low=low, high=high)


def _objects(body: dict, name: str, *, required: bool = False, limit: int | None = None,
             limit_code: int = 10004, kind: type = dict) -> list:
    if not required and body.get(name) == []:
        return []
    return items(body, name, 10004, limit=limit, limit_code=limit_code, required=required, kind=kind)


def _strings(body: dict, name: str, *, required: bool = False, limit: int | None = None,
             limit_code: int = 10005) -> list[str]:
    """A list of non-empty UserIDs without duplicates (the first occurrence kept)."""
    value = _objects(body, name, required=required, limit=limit, limit_code=limit_code, kind=str)
    if not all(value):
        raise _bad(f"{name} holds an empty string")
    return list(dict.fromkeys(value))


def _group(ctx, body: dict, *, refuse: tuple = (), code: int = 10007) -> Group:
    """The group named by GroupId: 10004 absent, 10015 malformed, 10010 unknown or
    disbanded; `refuse` lists the group types the endpoint does not support (→ `code`)."""
    if "GroupId" not in body:
        raise _bad("GroupId is required")
    group_id = body["GroupId"]
    if not isinstance(group_id, str) or not group_id or len(group_id.encode()) > 96:
        raise ApiError(10015, "invalid GroupId")
    group = ctx.state.groups.get(group_id)
    if group is None:
        raise ApiError(10010, "group does not exist or has been disbanded")
    if group.type in refuse:
        raise ApiError(code, f"this operation is not supported for {group.type} groups")
    _check_topic(group, body)
    return group


def _member_of(group: Group, account: str, field: str):
    member = group.members.get(account)
    if member is None:
        raise _bad(f"{field} is not a member of the group")
    return member


def _check_topic(group: Group, body: dict) -> None:
    topic = body.get("TopicId")
    if topic is None:
        return
    if not isinstance(topic, str) or not topic.startswith(group.group_id + "@TOPIC#_"):
        raise _bad("invalid TopicId")
    if group.type != "Community" or not group.support_topic:
        raise _bad("TopicId is only for topic-enabled communities")


def _custom_data(value, *, name: str, key_max: int, value_max: int) -> dict:
    """AppDefinedData / AppMemberDefinedData as an ordered dict (an empty value = delete)."""
    if value is None:
        return {}
    if not isinstance(value, list):
        raise _bad(f"{name} must be an array of Key/Value objects")
    data = {}
    for item in value:
        key = item.get("Key") if isinstance(item, dict) else None
        val = item.get("Value") if isinstance(item, dict) else None
        if (not isinstance(key, str) or not key or len(key.encode()) >= 16
                or not all(ch.isascii() and (ch.isalnum() or ch == "_") for ch in key)):
            raise _bad(f"{name}: invalid Key")
        if not isinstance(val, str) or len(val.encode()) > value_max:
            raise _bad(f"{name}: Value of {key} must be a string of at most {value_max} bytes")
        data[key] = val
    if len(data) > key_max:
        raise _bad(f"{name}: more than {key_max} keys")
    return data


def _merge_custom(current: dict, changes: dict, key_max: int, name: str) -> dict:
    merged = dict(current)
    for key, val in changes.items():
        if val == "":
            merged.pop(key, None)
        else:
            merged[key] = val
    if len(merged) > key_max:
        raise _bad(f"{name}: more than {key_max} keys")
    return merged


def _msg_body(value, allowed=ELEMENT_TYPES) -> list:
    """MsgBody with the group commands' codes: too long 80002, otherwise invalid 10004."""
    if _too_long(value):
        raise ApiError(80002, "message longer than 12 KB")
    try:
        message_body({"MsgBody": value})
    except ApiError as exc:
        raise _bad(exc.info) from None
    if any(elem["MsgType"] not in allowed for elem in value):
        raise _bad("MsgBody holds an element type this command does not take")
    return value


def _too_long(elems, custom: str = "") -> bool:
    return size(json.dumps(elems, ensure_ascii=False)) + size(custom) > MAX_BODY_BYTES


def _require_accounts(ctx, accounts) -> None:
    missing = ctx.state.require_accounts(accounts)
    if missing:
        raise ApiError(10019, f"account not imported: {missing[0]}")


# ---- shaping the answer ---------------------------------------------------------------

def _base_info(group: Group, names) -> dict:
    """Base fields: all (names None) or those listed; InviteJoinOption only once set."""
    values = {
        "Type": group.type, "Name": group.name, "Introduction": group.introduction,
        "Notification": group.notification, "FaceUrl": group.face_url,
        "Owner_Account": group.owner, "CreateTime": group.create_time,
        "InfoSeq": group.info_seq, "LastInfoTime": group.last_info_time,
        "LastMsgTime": group.last_msg_time, "NextMsgSeq": group.next_msg_seq,
        "MemberNum": group.member_num, "MaxMemberNum": group.max_members,
        "ApplyJoinOption": group.apply_join, "MuteAllMember": "On" if group.mute_all else "Off",
        "InviteJoinOption": group.invite_join,
    }
    if not group.invite_join:
        del values["InviteJoinOption"]
    return {n: values[n] for n in BASE_FIELDS if n in values and (names is None or n in names)}


def _custom_list(data: dict, keys) -> list[dict]:
    return [{"Key": k, "Value": v} for k, v in data.items() if keys is None or k in keys]


def _member_info(group: Group, member, now: float, names=None, keys=None, *,
                 with_account: bool = True) -> dict:
    """A member's §0.2 fields (all, or those in `names`) and custom data (all, or `keys`;
    an empty `keys` leaves AppMemberDefinedData out)."""
    values = {"Role": member.role, "JoinTime": member.join_time, "MsgSeq": member.msg_seq,
              "MsgFlag": member.msg_flag, "LastSendMsgTime": member.last_send_time,
              "NameCard": member.name_card, "MuteUntil": group.mute_until(member.account, now)}
    if names is not None:
        names = {MEMBER_FIELD_ALIASES.get(n, n) for n in names}
    info = {"Member_Account": member.account} if with_account else {}
    info.update((n, values[n]) for n in MEMBER_FIELDS if names is None or n in names)
    if keys is None or keys:        # asked for (or no filter): present even when empty
        info["AppMemberDefinedData"] = _custom_list(member.app_data, keys)
    return info


def _filter_list(value, name: str):
    if value is None:
        return None
    if not isinstance(value, list) or any(not isinstance(v, str) for v in value):
        raise _bad(f"{name} must be an array of strings")
    return value


def _accounts(accounts) -> list[dict]:
    return [{"Member_Account": a} for a in accounts]


# ---- callbacks --------------------------------------------------------------------------

def _payload(ctx, group: Group | None = None, *, typed: bool = True, **fields) -> dict:
    """A callback body (the sender adds CallbackCommand): GroupId and Type first."""
    payload = {}
    if group is not None:
        payload["GroupId"] = group.group_id
        if typed:
            payload["Type"] = group.type
    payload.update(fields)
    payload["EventTime"] = int(ctx.now * 1000)
    return payload


def _sender(ctx):
    return getattr(ctx.sandbox, "callbacks", None)


def _after(ctx, command: str, group: Group, *, forbid: bool = False, typed: bool = True,
           **fields) -> None:
    """Queue an after-callback about `group` (the sender never blocks)."""
    sender = _sender(ctx)
    if sender is not None and hasattr(sender, "after"):
        sender.after(command, _payload(ctx, group, typed=typed, **fields), forbid=forbid)


def _report_if_full(ctx, group: Group) -> None:
    """Group.CallbackAfterGroupFull once a change filled the group; its documented body is
    GroupId and EventTime only (no Type)."""
    if group.max_members and group.member_num >= group.max_members:
        _after(ctx, "Group.CallbackAfterGroupFull", group, typed=False)


def _before(ctx, command: str, payload: dict, *, forbid: bool = False,
            may_drop: bool = False) -> dict | None:
    """Ask the app backend. None = no answer (proceed); the ack when it allows (or, for
    messages, asks for a silent drop: ErrorCode 2); raises the documented refusal."""
    sender = _sender(ctx)
    if sender is None or not hasattr(sender, "before"):
        return None
    ack = sender.before(command, payload, forbid=forbid)
    if not isinstance(ack, dict):
        return None
    try:
        code = int(ack.get("ErrorCode") or 0)
    except (TypeError, ValueError):
        code = 0
    if code == 0 or (code == 2 and may_drop):
        return ack
    if 10100 <= code <= 10200:
        raise ApiError(code, str(ack.get("ErrorInfo") or "refused by the app backend"))
    raise ApiError(10016, "refused by the app backend (before-callback)")


# ---- tips: join/leave/profile notices are messages of their own -------------------------

def _tip(ctx, group: Group) -> None:
    """Store a system tip (join, leave, profile or owner change): it takes a seq and shows in
    the history with IsSystemMsg 1 and no body. AVChatRoom tips are pushed but not stored,
    and a not-yet-activated Work group sends none."""
    if not group.activated or not group.stores_members:
        return
    group.append_message(Message(seq=0, random=ctx.state.random_u32(), sender=ctx.identifier,
                                 time=int(ctx.now), body=[], system=True))


# ---- group list and lifecycle -----------------------------------------------------------

@endpoint(SVC + "get_appid_group_list", rate=1)
def get_appid_group_list(ctx, body):
    limit = _int(body, "Limit", high=10000, default=10000) or 10000
    cursor = _int(body, "Next", default=0)
    wanted = body.get("GroupType") or None  # "" = no filter (the pinclr SDK always sends it)
    if wanted is not None and wanted not in TYPES + ("BChatRoom",):
        raise _bad("invalid GroupType")
    with ctx.state.lock:
        groups = [g for g in ctx.state.groups.groups.values() if wanted in (None, g.type)]
        groups.sort(key=lambda g: g.serial)
        rest = [g for g in groups if g.serial > cursor]
        page = rest[:limit]
        more = len(rest) > len(page)
        return {"TotalCount": len(groups),
                "GroupIdList": [{"GroupId": g.group_id} for g in page],
                "Next": page[-1].serial if more else 0}


def _profile_fields(body: dict) -> dict:
    """The optional profile texts of create/import/modify (not Name), checked for length."""
    found = {}
    for key in ("Introduction", "Notification", "FaceUrl"):
        value = _text(body, key, max_bytes=TEXT_LIMITS[key])
        if value is not None:
            found[PROFILE_TEXTS[key]] = value
    return found


def _plan_group(ctx, body: dict, *, importing: bool) -> dict:
    """Check a create_group/import_group request; return the arguments of add_group."""
    group_type = normalize_type(body.get("Type"))
    if group_type is None:
        raise _bad("Type is missing or invalid")
    if importing and group_type == "AVChatRoom":
        raise ApiError(10007, "AVChatRoom groups cannot be imported")
    name = _text(body, "Name", required=True, max_bytes=TEXT_LIMITS["Name"], allow_empty=False)
    owner = _text(body, "Owner_Account") or ""
    if owner:
        _require_accounts(ctx, [owner])
    group_id = body.get("GroupId")
    if group_id is not None:
        problem = custom_id_problem(group_id, group_type)
        if problem:
            raise ApiError(10015, problem)
        if ctx.state.groups.get(group_id) is not None:
            raise ApiError(10021, "GroupId is already used")
    plan = {"group_type": group_type, "name": name, "owner": owner, "group_id": group_id,
            "members": [], "member_data": {}, "profile": _profile_fields(body)}
    profile = plan["profile"]
    cap = CAP_MAX[group_type]
    max_count = _int(body, "MaxMemberCount")
    if max_count and group_type != "AVChatRoom":
        if max_count > cap:
            raise _bad(f"MaxMemberCount is above {cap}")
        profile["max_members"] = max_count
    join = body.get("ApplyJoinOption")
    if join is not None:
        if join not in JOIN_OPTIONS:
            raise _bad("invalid ApplyJoinOption")
        if group_type != "Community":      # not supported there: ignored
            profile["apply_join"] = join
    invite = body.get("InviteJoinOption")
    if invite is not None:
        if invite not in INVITE_OPTIONS or group_type == "AVChatRoom":
            raise _bad("invalid InviteJoinOption")
        profile["invite_join"] = invite
    profile["app_data"] = _custom_data(body.get("AppDefinedData"), name="AppDefinedData",
                                       key_max=APP_KEYS_MAX, value_max=APP_VALUE_MAX)
    topic = _int(body, "SupportTopic", high=1)
    if topic:
        if group_type != "Community":
            raise _bad("SupportTopic is only for Community groups")
        profile["support_topic"] = 1
    if importing:
        create_time = _int(body, "CreateTime", high=int(ctx.now))
        if create_time:
            profile["create_time"] = profile["last_info_time"] = create_time
    else:
        limit = profile.get("max_members") or CAP_MAX[group_type]     # 0: unlimited
        plan["members"], plan["member_data"] = _plan_members(ctx, body, group_type, owner, limit)
    return plan


def _plan_members(ctx, body: dict, group_type: str, owner: str, limit: int) -> tuple[list, dict]:
    """create_group's MemberList: [(account, role)] and {account: AppMemberDefinedData}."""
    entries = _objects(body, "MemberList", limit=CREATE_MEMBERS_MAX, limit_code=10005)
    if entries and group_type == "AVChatRoom":
        raise ApiError(10007, "AVChatRoom groups take no MemberList")
    members, custom = [], {}
    for item in entries:
        account = item.get("Member_Account")
        if not isinstance(account, str) or not account:
            raise _bad("MemberList[].Member_Account is required")
        role = item.get("Role") or "Member"
        if role not in ("Admin", "Member") or (role == "Admin" and group_type in WITHOUT_ADMINS):
            raise _bad(f"invalid Role for {account}")
        if account != owner and account not in custom:
            members.append((account, role))
            custom[account] = _custom_data(item.get("AppMemberDefinedData"),
                                           name="AppMemberDefinedData",
                                           key_max=MEMBER_KEYS_MAX, value_max=MEMBER_VALUE_MAX)
    _require_accounts(ctx, [a for a, _ in members])
    if limit and len(members) + (1 if owner else 0) > limit:
        raise ApiError(10038, "too many members for the group's MaxMemberNum")
    return members, custom


def _build_group(ctx, plan: dict) -> Group:
    group = ctx.state.groups.add_group(plan["group_type"], plan["name"], int(ctx.now),
                                       group_id=plan["group_id"], owner=plan["owner"],
                                       members=plan["members"], **plan["profile"])
    for account, data in plan["member_data"].items():
        group.members[account].app_data = data
    ctx.state.count("GroupNewGroupNum")
    return group


@endpoint(SVC + "create_group")
def create_group(ctx, body):
    with ctx.state.lock:
        plan = _plan_group(ctx, body, importing=False)
        owner = plan["owner"]
        ask = _payload(ctx, None, Operator_Account=ctx.identifier, Owner_Account=owner,
                       Type=plan["group_type"], Name=plan["name"],
                       CreateGroupNum=ctx.state.groups.owned_count(owner) if owner else 0,
                       MemberList=_accounts(a for a, _ in plan["members"]))
    _before(ctx, "Group.CallbackBeforeCreateGroup", ask)
    with ctx.state.lock:
        plan = _plan_group(ctx, body, importing=False)   # the state may have moved meanwhile
        group = _build_group(ctx, plan)
        _after(ctx, "Group.CallbackAfterCreateGroup", group, Operator_Account=ctx.identifier,
               Owner_Account=group.owner, Name=group.name,
               MemberList=_accounts(a for a in group.members if a != group.owner),
               UserDefinedDataList=_custom_list(group.app_data, None))
        _report_if_full(ctx, group)
        answer = {"GroupId": group.group_id}
        if group.type == "Community" and group.support_topic:
            answer.update(Type="Community", HugeGroupFlag=0)
        return answer


@endpoint(SVC + "import_group")
def import_group(ctx, body):
    with ctx.state.lock:
        group = _build_group(ctx, _plan_group(ctx, body, importing=True))
        return {"GroupId": group.group_id}


@endpoint(SVC + "destroy_group")
def destroy_group(ctx, body):
    with ctx.state.lock:
        group = _group(ctx, body)
        ctx.state.groups.destroy(group.group_id)
        ctx.state.count("GroupDestroyGroupNum")
        _after(ctx, "Group.CallbackAfterGroupDestroyed", group, Owner_Account=group.owner,
               Name=group.name, MemberList=_accounts(group.members or group.online))
        return {}


# ---- reading groups and members ---------------------------------------------------------

@endpoint(SVC + "get_group_info")
def get_group_info(ctx, body):
    ids = body.get("GroupIdList")
    if not isinstance(ids, list) or not ids:
        raise _bad("GroupIdList is required")
    if len(ids) > GROUP_INFO_MAX:
        raise _bad(f"GroupIdList holds more than {GROUP_INFO_MAX} groups")
    rf = body.get("ResponseFilter")
    if rf is not None and not isinstance(rf, dict):
        raise _bad("ResponseFilter must be an object")
    filters = {k: _filter_list((rf or {}).get(k), k) for k in (
        "GroupBaseInfoFilter", "MemberInfoFilter", "AppDefinedDataFilter_Group",
        "AppDefinedDataFilter_GroupMember")}
    with ctx.state.lock:
        return {"GroupInfo": [_group_info(ctx, gid, rf is not None, filters) for gid in ids]}


def _group_info(ctx, group_id, filtered: bool, filters: dict) -> dict:
    head = {"GroupId": group_id if isinstance(group_id, str) else str(group_id)}
    if not isinstance(group_id, str) or not group_id:
        return {**head, "ErrorCode": 10015, "ErrorInfo": "invalid GroupId"}
    group = ctx.state.groups.get(group_id)
    if group is None:
        return {**head, "ErrorCode": 10010, "ErrorInfo": "group does not exist or has been disbanded"}
    info = {**head, "ErrorCode": 0, "ErrorInfo": ""}
    if not filtered:
        info.update(_base_info(group, None))
        info["Appid"] = getattr(ctx.sandbox, "app_id", 0)
        info["AppDefinedData"] = _custom_list(group.app_data, None)
        if group.stores_members:
            info["MemberList"] = [_member_info(group, m, ctx.now) for m in group.members.values()]
        return info
    info.update(_base_info(group, filters["GroupBaseInfoFilter"] or ()))
    if filters["AppDefinedDataFilter_Group"] is not None:
        info["AppDefinedData"] = _custom_list(group.app_data, filters["AppDefinedDataFilter_Group"])
    names, keys = filters["MemberInfoFilter"], filters["AppDefinedDataFilter_GroupMember"]
    if group.stores_members and (names is not None or keys is not None):
        info["MemberList"] = [_member_info(group, m, ctx.now, names or (), keys or ())
                              for m in group.members.values()]
    return info


@endpoint(SVC + "get_group_member_info")
def get_group_member_info(ctx, body):
    names = _filter_list(body.get("MemberInfoFilter"), "MemberInfoFilter")
    roles = _filter_list(body.get("MemberRoleFilter"), "MemberRoleFilter")
    keys = _filter_list(body.get("AppDefinedDataFilter_GroupMember"), "AppDefinedDataFilter_GroupMember")
    if names is not None and keys is None:      # a field filter alone: no custom data
        keys = ()
    with ctx.state.lock:
        group = _group(ctx, body, refuse=("AVChatRoom",))
        community = group.type == "Community"
        limit = _int(body, "Limit", high=100 if community else 6000)
        if community:
            cursor = body.get("Next", "")
            if not isinstance(cursor, str) or (cursor and not cursor.isdigit()):
                raise _bad("invalid Next")
            start = int(cursor or 0)
        else:
            start = _int(body, "Offset", default=0)
        members = [m for m in group.members.values() if roles is None or m.role in roles]
        page = members[start:start + limit] if limit else members[start:]
        end = start + len(page)
        return {"MemberNum": group.member_num,
                "MemberList": [_member_info(group, m, ctx.now, names, keys) for m in page],
                "Next": str(end) if community and end < len(members) else ""}


@endpoint(SVC + "get_joined_group_list")
def get_joined_group_list(ctx, body):
    account = _text(body, "Member_Account", required=True, allow_empty=False)
    limit = _int(body, "Limit", high=5000)
    offset = _int(body, "Offset", default=0)
    group_type = body.get("GroupType") or None  # "" = no filter
    if group_type is not None and normalize_type(group_type) is None:
        raise _bad("invalid GroupType")
    group_type = normalize_type(group_type) if group_type is not None else None
    topic = _int(body, "SupportTopic", high=1)
    if topic is not None and group_type != "Community":
        raise _bad("SupportTopic requires GroupType Community")
    rf = body.get("ResponseFilter") or {}
    if not isinstance(rf, dict):
        raise _bad("ResponseFilter must be an object")
    base = _filter_list(rf.get("GroupBaseInfoFilter"), "GroupBaseInfoFilter")
    self_names = _filter_list(rf.get("SelfInfoFilter"), "SelfInfoFilter")
    with_huge = _int(body, "WithHugeGroups", high=1, default=0)
    with_inactive = _int(body, "WithNoActiveGroups", high=1, default=0)
    with ctx.state.lock:
        groups = [g for g in ctx.state.groups.joined(account)
                  if (with_huge or g.stores_members)
                  and (with_inactive or g.activated or g.owner == account)
                  and group_type in (None, g.type)
                  and (topic is None or g.support_topic == topic)]
        page = groups[offset:offset + limit] if limit else groups[offset:]
        listed = []
        for group in page:
            item = {"GroupId": group.group_id}
            if base:
                item.update(_base_info(group, base))
            if self_names:
                item["SelfInfo"] = _self_info(group, account, self_names, ctx.now)
            if topic is not None:
                item["SupportTopic"] = group.support_topic
            listed.append(item)
        return {"TotalCount": len(groups), "GroupIdList": listed}


def _self_info(group: Group, account: str, names, now: float) -> dict:
    member = group.members.get(account)
    if member is None:         # AVChatRoom: nothing stored but the role
        role = "Owner" if group.owner == account else "Member"
        return {"Role": role} if "Role" in names else {}
    return _member_info(group, member, now, names, (), with_account=False)


@endpoint(SVC + "get_role_in_group")
def get_role_in_group(ctx, body):
    accounts = _strings(body, "User_Account", required=True, limit=ACCOUNTS_MAX)
    with ctx.state.lock:
        group = _group(ctx, body, refuse=("AVChatRoom",))
        return {"UserIdList": [{"Member_Account": a, "Role": group.role_of(a)} for a in accounts]}


@endpoint(SVC + "get_online_member_num")
def get_online_member_num(ctx, body):
    with ctx.state.lock:
        group = _group(ctx, body, refuse=("Private", "Public", "ChatRoom", "Community"))
        return {"OnlineMemberNum": len(group.online)}


# ---- changing groups --------------------------------------------------------------------

@endpoint(SVC + "modify_group_base_info")
def modify_group_base_info(ctx, body):
    with ctx.state.lock:
        group = _group(ctx, body)
        operator = _text(body, "From_Account") or ctx.identifier
        if operator != ctx.identifier and not ctx.state.account_exists(operator):
            raise _bad("From_Account is not an imported account")
        changes = _plan_modify(group, body)
        for attr, value in changes.items():
            setattr(group, attr, value)
        texts = {key: body[key] for key in PROFILE_TEXTS if key in body}
        if changes:
            group.touch_info(int(ctx.now))
        if texts:
            _tip(ctx, group)
            _after(ctx, "Group.CallbackAfterGroupInfoChanged", group, Operator_Account=operator,
                   **texts)
        return {}


def _plan_modify(group: Group, body: dict) -> dict:
    changes = {}
    name = _text(body, "Name", max_bytes=TEXT_LIMITS["Name"], allow_empty=False)
    if name is not None:
        changes["name"] = name
    changes.update(_profile_fields(body))
    max_num = _int(body, "MaxMemberNum", low=1)
    if max_num is not None and group.type != "AVChatRoom":     # ignored for AVChatRoom
        if max_num > CAP_MAX[group.type] or max_num < group.member_num:
            raise _bad("MaxMemberNum is out of range")
        changes["max_members"] = max_num
    join = body.get("ApplyJoinOption")
    if join is not None:
        if join not in JOIN_OPTIONS:
            raise _bad("invalid ApplyJoinOption")
        if group.type == "Community":
            raise ApiError(10007, "ApplyJoinOption is not supported for Community groups")
        changes["apply_join"] = join
    invite = body.get("InviteJoinOption")
    if invite is not None:
        if invite not in INVITE_OPTIONS or group.type == "AVChatRoom":
            raise _bad("invalid InviteJoinOption")
        changes["invite_join"] = invite
    mute_all = body.get("MuteAllMember", body.get("ShutUpAllMember"))   # older name too
    if mute_all is not None:
        if mute_all not in ("On", "Off"):
            raise _bad("MuteAllMember must be On or Off")
        changes["mute_all"] = mute_all == "On"
    if "AppDefinedData" in body:
        data = _custom_data(body["AppDefinedData"], name="AppDefinedData",
                            key_max=APP_KEYS_MAX, value_max=APP_VALUE_MAX)
        changes["app_data"] = _merge_custom(group.app_data, data, APP_KEYS_MAX, "AppDefinedData")
    return changes


@endpoint(SVC + "change_group_owner")
def change_group_owner(ctx, body):
    new_owner = _text(body, "NewOwner_Account", required=True, allow_empty=False)
    with ctx.state.lock:
        group = _group(ctx, body, refuse=("AVChatRoom",))
        member = _member_of(group, new_owner, "NewOwner_Account")
        old_owner = group.owner
        if old_owner == new_owner:
            return {}
        if old_owner in group.members:
            group.members[old_owner].role = "Member"
        member.role = "Owner"
        group.owner = new_owner
        group.touch_info(int(ctx.now))
        _tip(ctx, group)
        _after(ctx, "Group.CallbackAfterChangeGroupOwner", group,
               Operator_Account=_text(body, "From_Account") or ctx.identifier,
               OldOwner_Account=old_owner, NewOwner_Account=new_owner)
        return {}


# ---- members ----------------------------------------------------------------------------

@endpoint(SVC + "add_group_member")
def add_group_member(ctx, body):
    entries = _objects(body, "MemberList", required=True, limit=ADD_MEMBERS_MAX, limit_code=10005)
    accounts = []
    for item in entries:
        account = item.get("Member_Account")
        if not isinstance(account, str) or not account:
            raise _bad("MemberList[].Member_Account is required")
        accounts.append(account)
    accounts = list(dict.fromkeys(accounts))
    silence = _int(body, "Silence", high=1, default=0)
    with ctx.state.lock:
        group = _group(ctx, body, refuse=("AVChatRoom",))
        _require_accounts(ctx, accounts)
        newcomers = [a for a in accounts if a not in group.members]
        ask = _payload(ctx, group,
                       Operator_Account=ctx.identifier, DestinationMembers=_accounts(newcomers))
    refused = set()
    if newcomers:
        ack = _before(ctx, "Group.CallbackBeforeInviteJoinGroup", ask)
        refused = set((ack or {}).get("RefusedMembers_Account") or ())
    with ctx.state.lock:
        group = _group(ctx, body, refuse=("AVChatRoom",))
        joining = [a for a in accounts if a not in group.members and a not in refused]
        if joining and group.max_members and group.member_num + len(joining) > group.max_members:
            raise ApiError(10014, "the group is full")   # nobody joins: no GroupFull callback
        results = []
        for account in accounts:
            if account in refused:
                results.append({"Member_Account": account, "Result": 0})
            elif account in group.members and account not in joining:
                results.append({"Member_Account": account, "Result": 2})
            else:
                group.add_member(account, int(ctx.now))
                results.append({"Member_Account": account, "Result": 1})
        if joining:
            _joined(ctx, group, joining, "Invited", silence)
        return {"MemberList": results}


def _joined(ctx, group: Group, accounts: list, join_type: str, silence: int = 0) -> None:
    """Bookkeeping after members joined: tip, statistics, callbacks."""
    if not silence:
        _tip(ctx, group)
    ctx.state.count("GroupJoinGroupTimes", len(accounts))
    _after(ctx, "Group.CallbackAfterNewMemberJoin", group, JoinType=join_type,
           Operator_Account=ctx.identifier if join_type == "Invited" else accounts[0],
           NewMemberList=_accounts(accounts))
    _report_if_full(ctx, group)


def apply_join(ctx, group_id: str, account: str) -> bool:
    """A user joins by applying (client SDK path, used by the traffic simulator): the
    before-apply callback may refuse; AVChatRoom joins are presence only. True if joined."""
    with ctx.state.lock:
        group = ctx.state.groups.get(group_id)
        if group is None or group.apply_join == "DisableApply" or account in group.members:
            return False
        ask = _payload(ctx, group, Requestor_Account=account)
    try:
        _before(ctx, "Group.CallbackBeforeApplyJoinGroup", ask)
    except ApiError:
        return False
    with ctx.state.lock:
        group = ctx.state.groups.get(group_id)
        if group is None or account in group.members:
            return False
        if not group.stores_members:
            return ctx.state.groups.join_online(group_id, account)
        if group.max_members and group.member_num >= group.max_members:
            return False
        group.add_member(account, int(ctx.now))
        _joined(ctx, group, [account], "Apply")
        return True


def quit_group(ctx, group_id: str, account: str) -> bool:
    """A user leaves on their own (client SDK path, for the traffic simulator). Only a Work
    group's owner may quit (the group becomes ownerless). True if they left."""
    with ctx.state.lock:
        group = ctx.state.groups.get(group_id)
        if group is None:
            return False
        if not group.stores_members:
            return ctx.state.groups.join_online(group_id, account, present=False)
        if account not in group.members or (group.owner == account and group.type != "Private"):
            return False
        group.remove_member(account)
        _tip(ctx, group)
        ctx.state.count("GroupQuitGroupTimes")
        _after(ctx, "Group.CallbackAfterMemberExit", group, ExitType="Quit",
               Operator_Account=account, ExitMemberList=_accounts([account]))
        return True


@endpoint(SVC + "delete_group_member")
def delete_group_member(ctx, body):
    accounts = _strings(body, "MemberToDel_Account", required=True, limit=DELETE_MEMBERS_MAX)
    silence = _int(body, "Silence", high=1, default=0)
    _text(body, "Reason")
    with ctx.state.lock:
        group = _group(ctx, body, refuse=("AVChatRoom",), code=10004)
        leaving = [a for a in accounts if a in group.members]
        if group.owner in leaving and group.type != "Private":
            raise _bad("the owner cannot be removed; transfer the ownership first")
        for account in leaving:
            group.remove_member(account)
        if leaving:
            if not silence:
                _tip(ctx, group)
            ctx.state.count("GroupQuitGroupTimes", len(leaving))
            _after(ctx, "Group.CallbackAfterMemberExit", group, ExitType="Kicked",
                   Operator_Account=ctx.identifier, ExitMemberList=_accounts(leaving))
        return {}


@endpoint(SVC + "modify_group_member_info")
def modify_group_member_info(ctx, body):
    account = _text(body, "Member_Account", required=True, allow_empty=False)
    with ctx.state.lock:
        group = _group(ctx, body, refuse=("AVChatRoom",))
        member = _member_of(group, account, "Member_Account")
        role = body.get("Role")
        if role is not None:
            if role not in ("Admin", "Member"):
                raise _bad("Role must be Admin or Member")
            if member.role == "Owner":
                raise _bad("the owner's role cannot be changed; use change_group_owner")
            if group.type in WITHOUT_ADMINS:
                raise ApiError(10007, f"{group.type} groups have no admins")
        flag = body.get("MsgFlag")
        if flag is not None and flag not in MSG_FLAGS:
            raise _bad("invalid MsgFlag")
        card = _text(body, "NameCard", max_bytes=50)
        data = None
        if "AppMemberDefinedData" in body:
            data = _merge_custom(member.app_data, _custom_data(
                body["AppMemberDefinedData"], name="AppMemberDefinedData",
                key_max=MEMBER_KEYS_MAX, value_max=MEMBER_VALUE_MAX),
                MEMBER_KEYS_MAX, "AppMemberDefinedData")
        mute = _mute_time(body, required=False)
        if mute is not None and group.type in WITHOUT_MUTE:
            raise ApiError(10007, f"{group.type} groups do not support muting")
        # every check passed: apply
        member.role = role or member.role
        member.msg_flag = flag or member.msg_flag
        member.name_card = card if card is not None else member.name_card
        member.app_data = data if data is not None else member.app_data
        if mute is not None:
            _set_mute(group, account, mute, ctx.now)
        if role is not None or card is not None:
            _after(ctx, "Group.CallbackAfterMemberFieldChanged", group,
                   Operator_Account=ctx.identifier, Member_Account=account,
                   Role=member.role, NameCard=member.name_card)
        return {}


def _mute_time(body: dict, *, required: bool) -> int | None:
    name = "MuteTime" if "MuteTime" in body or "ShutUpTime" not in body else "ShutUpTime"
    return _int(body, name, required=required, high=PERMANENT)


def _set_mute(group: Group, account: str, seconds: int, now: float) -> None:
    if seconds == 0:
        group.mutes.pop(account, None)
    else:
        group.mutes[account] = PERMANENT if seconds == PERMANENT else min(PERMANENT, int(now) + seconds)


@endpoint(SVC + "forbid_send_msg")
def forbid_send_msg(ctx, body):
    accounts = _strings(body, "Members_Account", required=True, limit=ACCOUNTS_MAX)
    seconds = _mute_time(body, required=True)
    with ctx.state.lock:
        group = _group(ctx, body, refuse=tuple(WITHOUT_MUTE))
        for account in accounts:
            if account in group.members or not group.stores_members:
                _set_mute(group, account, seconds, ctx.now)
        return {}


def _muted(ctx, body):
    with ctx.state.lock:
        group = _group(ctx, body)
        candidates = group.members if group.stores_members else group.mutes
        return group, [(a, group.mute_until(a, ctx.now)) for a in candidates
                       if group.mute_until(a, ctx.now)]


@endpoint(SVC + "get_group_muted_account")
def get_group_muted_account(ctx, body):
    group, muted = _muted(ctx, body)
    return {"GroupId": group.group_id,
            "MutedAccountList": [{"Member_Account": a, "MutedUntil": t} for a, t in muted]}


@endpoint(SVC + "get_group_shutted_uin")
def get_group_shutted_uin(ctx, body):
    """The legacy name of get_group_muted_account, answering with the legacy field names."""
    group, muted = _muted(ctx, body)
    return {"GroupId": group.group_id,
            "ShuttedUinList": [{"Member_Account": a, "ShuttedUntil": t} for a, t in muted]}


@endpoint(SVC + "import_group_member")
def import_group_member(ctx, body):
    entries = _objects(body, "MemberList", required=True, limit=IMPORT_MEMBERS_MAX, limit_code=10005)
    with ctx.state.lock:
        group = _group(ctx, body, refuse=("AVChatRoom",))
        results, added = [], []
        for item in entries:
            account = item.get("Member_Account")
            if not isinstance(account, str) or not account:
                raise _bad("MemberList[].Member_Account is required")
            results.append({"Member_Account": account,
                            "Result": _import_member(ctx, group, item, account)})
            if results[-1]["Result"] == 1:
                added.append(account)
        if added:
            ctx.state.count("GroupJoinGroupTimes", len(added))
        return {"MemberList": results}


def _import_member(ctx, group: Group, item: dict, account: str) -> int:
    """0 failed, 1 imported, 2 already a member."""
    if account in group.members:
        return 2
    role = item.get("Role") or "Member"
    join_time = item.get("JoinTime")
    unread = item.get("UnreadMsgNum", 0)
    if (not ctx.state.account_exists(account) or role not in ("Admin", "Member")
            or (role == "Admin" and group.type in WITHOUT_ADMINS)
            or (join_time is not None and (not isinstance(join_time, int)
                                           or not group.create_time < join_time < ctx.now))
            or not isinstance(unread, int) or unread < 0
            or (group.max_members and group.member_num >= group.max_members)):
        return 0
    group.add_member(account, int(ctx.now), role=role, join_time=join_time)
    group.set_unread(account, unread)
    return 1


@endpoint(SVC + "set_unread_msg_num")
def set_unread_msg_num(ctx, body):
    account = _text(body, "Member_Account", required=True, allow_empty=False)
    unread = _int(body, "UnreadMsgNum", required=True)
    with ctx.state.lock:
        group = _group(ctx, body)
        if group.type in ("ChatRoom", "AVChatRoom"):
            return {}                       # accepted, without effect
        _member_of(group, account, "Member_Account")
        group.set_unread(account, unread)
        return {}


# ---- messages ---------------------------------------------------------------------------

@endpoint(SVC + "send_group_msg")
def send_group_msg(ctx, body):
    with ctx.state.lock:
        plan = _plan_send(ctx, body)
    if plan.get("duplicate"):
        return plan["duplicate"]
    forbid = body.get("ForbidCallbackControl") or ()
    ask = _payload(ctx, plan["group"], **_message_fields(ctx, plan))
    ack = _before(ctx, "Group.CallbackBeforeSendMsg", ask,
                  forbid="ForbidBeforeSendMsgCallback" in forbid, may_drop=True)
    if ack is not None:
        if int(ack.get("ErrorCode") or 0) == 2:      # silently dropped: the sender sees success
            return {"MsgSeq": plan["group"].next_msg_seq, "MsgTime": int(ctx.now), "MsgDropReason": ""}
        if isinstance(ack.get("MsgBody"), list) and ack["MsgBody"]:
            plan["body"] = ack["MsgBody"]
        if isinstance(ack.get("CloudCustomData"), str):
            plan["custom"] = ack["CloudCustomData"]
    with ctx.state.lock:
        group = _group(ctx, body)                    # it may have been disbanded meanwhile
        if group.stores_members and plan["sender"] != ctx.identifier \
                and plan["sender"] not in group.members:
            raise ApiError(10007, "From_Account is not a member of the group")
        msg = _deliver(ctx, group, plan)
        _after(ctx, "Group.CallbackAfterSendMsg", group,
               forbid="ForbidAfterSendMsgCallback" in forbid, **_message_fields(ctx, plan, msg))
        return {"MsgSeq": msg.seq, "MsgTime": msg.time, "MsgDropReason": ""}


def _plan_send(ctx, body: dict) -> dict:
    group = _group(ctx, body)
    _int(body, "Random", required=True)
    msg_body = _msg_body(body.get("MsgBody"))
    custom = _text(body, "CloudCustomData") or ""
    if _too_long(msg_body, custom):
        raise ApiError(80002, "message longer than 12 KB")
    sender = _text(body, "From_Account") or ctx.identifier
    if sender != ctx.identifier:
        if not ctx.state.account_exists(sender):
            raise _bad("From_Account is not an imported account")
        if group.stores_members and sender not in group.members:
            raise ApiError(10007, "From_Account is not a member of the group")
    priority = body.get("MsgPriority", "Normal")
    if priority not in ("High", "Normal", "Low"):
        raise _bad("MsgPriority must be High, Normal or Low")
    online_only = _int(body, "OnlineOnlyFlag", high=1, default=0)
    controls = _strings(body, "SendMsgControl") or []
    for control in controls:
        if control not in ("NoLastMsg", "NoUnread"):
            raise _bad("invalid SendMsgControl")
    if group.type == "AVChatRoom" and (online_only or "NoUnread" in controls):
        raise _bad("OnlineOnlyFlag and NoUnread are not for AVChatRoom groups")
    targets = _strings(body, "To_Account", limit=TO_ACCOUNT_MAX, limit_code=10004) or []
    if targets and group.type not in ("Private", "Public", "ChatRoom"):
        raise ApiError(10007, "targeted messages are for Private, Public and ChatRoom groups")
    at_info = _objects(body, "GroupAtInfo")
    if len(at_info) > AT_MAX:
        raise ApiError(10053, f"more than {AT_MAX} @ targets")
    if group.type == "AVChatRoom" and any(a.get("GroupAtAllFlag") == 1 for a in at_info):
        raise _bad("@all is not available in AVChatRoom groups")
    if sender != ctx.identifier and (group.is_muted(sender, ctx.now)
                                     or ctx.state.mute_remaining(sender, "group", ctx.now)):
        raise ApiError(10017, "the sender is muted")
    rnd = body["Random"]
    plan = {"group": group, "sender": sender, "random": rnd, "body": msg_body, "custom": custom,
            "priority": PRIORITIES[priority], "online_only": online_only, "controls": controls,
            "targets": targets, "at_info": at_info, "topic": body.get("TopicId")}
    for old in reversed(group.messages):
        if old.time < ctx.now - DEDUP_WINDOW:
            break
        if old.sender == sender and old.random == rnd and old.body == msg_body and not old.system:
            plan["duplicate"] = {"MsgSeq": old.seq, "MsgTime": old.time, "MsgDropReason": ""}
            break
    return plan


def _message_fields(ctx, plan: dict, msg: Message | None = None) -> dict:
    # MsgId as C2C messages get it (format unconfirmed); same in the before and the after body
    fields = {"From_Account": plan["sender"], "Operator_Account": ctx.identifier,
              "Random": plan["random"],
              "MsgId": msg_id(plan["sender"], int(ctx.now), plan["random"])}
    if msg is not None:
        fields.update(MsgSeq=msg.seq, MsgTime=msg.time)
    fields.update(OnlineOnlyFlag=plan["online_only"], MsgBody=plan["body"],
                  CloudCustomData=plan["custom"])
    if plan["topic"]:
        fields["TopicId"] = plan["topic"]
    if msg is not None and plan["at_info"]:
        fields["GroupAtInfo"] = plan["at_info"]
    return fields


def _deliver(ctx, group: Group, plan: dict) -> Message:
    """Give the message its seq, store it (not AVChatRoom, not online-only), count unread,
    refresh the members' conversations."""
    now = int(ctx.now)
    msg = Message(seq=0, random=plan["random"], sender=plan["sender"], time=now,
                  body=plan["body"], cloud_data=plan["custom"], priority=plan["priority"],
                  to_accounts=plan["targets"], at_info=plan["at_info"])
    ctx.state.count("GroupUpMsgNum")
    if plan["online_only"]:
        msg.seq = group.next_msg_seq          # delivered to who is online, nothing kept
        return msg
    group.append_message(msg, unread="NoUnread" not in plan["controls"],
                         stored=group.stores_members)
    if "NoLastMsg" not in plan["controls"] and group.stores_members:
        audience = plan["targets"] + [plan["sender"]] if plan["targets"] else list(group.members)
        for account in audience:
            if account in group.members:
                ctx.state.touch_conversation(account, "group", group.group_id, now)
    return msg


@endpoint(SVC + "send_group_system_notification")
def send_group_system_notification(ctx, body):
    content = _text(body, "Content", required=True, allow_empty=False)
    targets = _strings(body, "ToMembers_Account", limit=ACCOUNTS_MAX) or []
    with ctx.state.lock:
        group = _group(ctx, body)
        if not group.stores_members:
            targets = []                       # AVChatRoom: always every member
        group.notices.append({"Content": content, "ToMembers_Account": targets,
                              "Time": int(ctx.now), "TopicId": body.get("TopicId") or ""})
        return {}


@endpoint(SVC + "group_msg_recall")
def group_msg_recall(ctx, body):
    entries = _objects(body, "MsgSeqList", required=True, limit=RECALL_MAX)
    seqs = []
    for item in entries:
        seq = item.get("MsgSeq")
        if isinstance(seq, bool) or not isinstance(seq, int):
            raise _bad("MsgSeqList[].MsgSeq must be an integer")
        seqs.append(seq)
    _text(body, "Reason", max_bytes=100)
    with ctx.state.lock:
        group = _group(ctx, body, refuse=("AVChatRoom",), code=10033)
        results, recalled = [], []
        for seq in seqs:
            msg = group.find_message(seq)
            if msg is None or msg.recalled:
                code = 10030
            elif msg.system:
                code = 10032
            else:
                msg.recalled, code = True, 0
                recalled.append(seq)
            results.append({"MsgSeq": seq, "RetCode": code})
        if recalled:
            extra = {"TopicId": body["TopicId"]} if body.get("TopicId") else {}
            _after(ctx, "Group.CallbackAfterRecallMsg", group, Operator_Account=ctx.identifier,
                   MsgSeqList=[{"MsgSeq": s} for s in recalled], **extra)
        return {"RecallRetList": results}


@endpoint(SVC + "delete_group_msg_by_sender")
def delete_group_msg_by_sender(ctx, body):
    sender = _text(body, "Sender_Account", required=True, allow_empty=False)
    with ctx.state.lock:
        group = _group(ctx, body)
        for msg in group.messages[-1000:]:     # only the latest 1000 are scanned
            if msg.sender == sender and not msg.system:
                msg.recalled = True
        return {}


@endpoint(SVC + "group_msg_get_simple")
def group_msg_get_simple(ctx, body):
    wanted = _int(body, "ReqMsgNumber", required=True, low=1)
    top = _int(body, "ReqMsgSeq")
    with_recalled = _int(body, "WithRecalledMsg", high=1, default=0)
    with ctx.state.lock:
        group = _group(ctx, body, refuse=("AVChatRoom",))
        top = group.next_msg_seq - 1 if top is None else top
        count = min(wanted, HISTORY_MAX)
        found, exhausted = [], True
        for msg in reversed(group.messages):
            if msg.seq > top or (msg.recalled and not with_recalled):
                continue
            if len(found) == count:
                exhausted = False
                break
            found.append(_history_item(msg))
        finished = 1 if exhausted or wanted <= HISTORY_MAX else 0
        return {"GroupId": group.group_id, "IsFinished": finished, "RspMsgList": found}


def _history_item(msg: Message) -> dict:
    return {"From_Account": msg.sender, "IsPlaceMsg": 2 if msg.recalled else 0,
            "IsSystemMsg": 1 if msg.system else 0, "MsgBody": [] if msg.recalled else msg.body,
            "MsgPriority": msg.priority, "MsgRandom": msg.random, "MsgSeq": msg.seq,
            "MsgTimeStamp": msg.time}


@endpoint(SVC + "import_group_msg")
def import_group_msg(ctx, body):
    items = [_checked_import(item) for item in
             _objects(body, "MsgList", required=True, limit=IMPORT_MSGS_MAX)]
    recent = _int(body, "RecentContactFlag", high=1, default=0)
    with ctx.state.lock:
        group = _group(ctx, body, refuse=("AVChatRoom",))
        results = [_import_message(ctx, group, item) for item in items]
        if any(r["Result"] == 0 for r in results):
            for member in group.members.values():     # documented: unread counts reset
                member.unread, member.msg_seq = 0, group.next_msg_seq - 1
            if recent and group.type != "Community":
                for account in group.members:
                    ctx.state.touch_conversation(account, "group", group.group_id,
                                                 group.last_msg_time)
        return {"ImportMsgResult": results}


def _checked_import(item: dict) -> dict:
    """Reject the whole request for a malformed message (before anything is stored)."""
    if not isinstance(item.get("From_Account"), str) or not item["From_Account"]:
        raise _bad("MsgList[].From_Account is required")
    send_time = item.get("SendTime")
    if isinstance(send_time, bool) or not isinstance(send_time, int):
        raise _bad("MsgList[].SendTime is required")
    _msg_body(item.get("MsgBody"), IMPORT_MSG_TYPES)
    return item


def _import_message(ctx, group: Group, item: dict) -> dict:
    send_time, body = item["SendTime"], item["MsgBody"]
    rnd = item.get("Random")
    rnd = rnd if isinstance(rnd, int) and not isinstance(rnd, bool) else ctx.state.random_u32()
    newest = max((m.time for m in group.messages), default=0)
    if not (send_time > group.create_time and send_time > newest and send_time < ctx.now):
        return {"MsgSeq": 0, "MsgTime": send_time, "Result": 10004}
    if _too_long(body):
        return {"MsgSeq": 0, "MsgTime": send_time, "Result": 80002}
    msg = group.append_message(Message(seq=0, random=rnd, sender=item["From_Account"],
                                       time=send_time, body=body), unread=False)
    return {"MsgSeq": msg.seq, "MsgTime": msg.time, "Result": 0}
