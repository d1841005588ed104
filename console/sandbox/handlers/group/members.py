"""Members: adding, removing, applying, quitting, member fields, muting, importing."""
from __future__ import annotations

from ...groups import MSG_FLAGS, PERMANENT, WITHOUT_ADMINS, WITHOUT_MUTE, Group
from ...registry import ApiError, endpoint
from .base import (ACCOUNTS_MAX, ADD_MEMBERS_MAX, DELETE_MEMBERS_MAX, IMPORT_MEMBERS_MAX,
                   MEMBER_DATA, SVC, _accounts, _bad, _custom_data, _group, _int, _member_list,
                   _member_of, _merge_custom, _objects, _require_accounts, _strings, _text)
from .member_depth import refuses
from .notify import _after, _before, _payload, _report_if_full, _tip


# ---- members ----------------------------------------------------------------------------

@endpoint(SVC + "add_group_member")
def add_group_member(ctx, body):
    accounts = _member_list(body, ADD_MEMBERS_MAX)
    silence = _int(body, "Silence", high=1, default=0)
    with ctx.state.lock:
        group = _group(ctx, body, refuse=("AVChatRoom",))
        _require_accounts(ctx, accounts)
        banned = {a for a in accounts if a not in group.members and refuses(ctx, group, a)}
        newcomers = [a for a in accounts if a not in group.members and a not in banned]
        ask = _payload(ctx, group,
                       Operator_Account=ctx.identifier, DestinationMembers=_accounts(newcomers))
    refused = set(banned)                            # a ban keeps them out (member_depth.py)
    if newcomers:
        ack = _before(ctx, "Group.CallbackBeforeInviteJoinGroup", ask)
        refused |= set((ack or {}).get("RefusedMembers_Account") or ())
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
        if (group is None or group.apply_join == "DisableApply" or account in group.members
                or refuses(ctx, group, account)):
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
                ctx, body["AppMemberDefinedData"], MEMBER_DATA), MEMBER_DATA)
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
        box = ctx.state.communities.scope(group, body.get("TopicId"))   # a topic's own mutes
        for account in accounts:
            if account in group.members or not group.stores_members:
                _set_mute(box, account, seconds, ctx.now)
        return {}


def _muted(ctx, body):
    with ctx.state.lock:
        group = _group(ctx, body)
        box = ctx.state.communities.scope(group, body.get("TopicId"))
        candidates = group.members if group.stores_members else group.mutes
        return group, [(a, box.mute_until(a, ctx.now)) for a in candidates
                       if box.mute_until(a, ctx.now)]


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
    if (not ctx.state.account_exists(account) or refuses(ctx, group, account)
            or role not in ("Admin", "Member")
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
