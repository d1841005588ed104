"""Listing, creating, importing, destroying and changing groups."""
from __future__ import annotations

from ...groups import (CAP_MAX, INVITE_OPTIONS, JOIN_OPTIONS, TYPES, WITHOUT_ADMINS, Group,
                       custom_id_problem, normalize_type)
from ...registry import ApiError, endpoint
from .base import (CREATE_MEMBERS_MAX, GROUP_DATA, MEMBER_DATA, PROFILE_TEXTS, SVC, TEXT_LIMITS,
                   _accounts, _bad, _custom_data, _custom_list, _group, _int, _member_of,
                   _merge_custom, _objects, _require_accounts, _text)
from .notify import _after, _before, _payload, _report_if_full, _tip


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
    profile["app_data"] = _custom_data(ctx, body.get("AppDefinedData"), GROUP_DATA)
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
            custom[account] = _custom_data(ctx, item.get("AppMemberDefinedData"), MEMBER_DATA)
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


# ---- changing groups --------------------------------------------------------------------

@endpoint(SVC + "modify_group_base_info")
def modify_group_base_info(ctx, body):
    with ctx.state.lock:
        group = _group(ctx, body)
        operator = _text(body, "From_Account") or ctx.identifier
        if operator != ctx.identifier and not ctx.state.account_exists(operator):
            raise _bad("From_Account is not an imported account")
        changes = _plan_modify(ctx, group, body)
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


def _plan_modify(ctx, group: Group, body: dict) -> dict:
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
        data = _custom_data(ctx, body["AppDefinedData"], GROUP_DATA)
        changes["app_data"] = _merge_custom(group.app_data, data, GROUP_DATA)
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
