"""The ban list (`ban_group_member`, `unban_group_member`, `get_group_ban_member`) and named members'
profiles (`get_specified_group_member_info`). State: `state.group_extras` (group_extras.py).

A ban is a kick plus no re-join for its duration: a banned member leaves the group (with a tip
and Group.CallbackAfterMemberExit, ExitType "Kicked", as delete_group_member sends) or the
AVChatRoom; add_group_member and import_group_member then fail for them (Result 0), a join by
application is refused and an AVChatRoom will not let them in, until the ban ends or is lifted.
Every group type takes bans (the 2025 pages; the 2024 English ones said AVChatRoom only); at
most 20 accounts per call (10005); the owner of a group cannot be banned (10004).
"""
from __future__ import annotations

from ...registry import endpoint
from ..common import UINT32_MAX
from .base import SVC, _accounts, _bad, _filter_list, _group, _int, _member_info, _strings, _text
from .notify import _after, _tip

BAN_USERS_MAX = 20
BAN_DESCRIPTION_MAX = 1000
BANNED_PAGE_MAX = 100
SPECIFIED_MAX = 50


def refuses(ctx, group, account: str) -> bool:
    """True while `account` is banned from `group`: the join paths (add, import, apply, enter an
    AVChatRoom) call this."""
    return ctx.state.group_extras.is_banned(group, account, ctx.now)


@endpoint(SVC + "ban_group_member")
def ban_group_member(ctx, body):
    accounts = _strings(body, "Members_Account", required=True, limit=BAN_USERS_MAX)
    duration = _int(body, "Duration", required=True, low=1, high=UINT32_MAX)
    description = _text(body, "Description", max_bytes=BAN_DESCRIPTION_MAX) or ""
    with ctx.state.lock:
        group = _group(ctx, body)
        if group.owner in accounts and group.stores_members:
            raise _bad("the owner cannot be banned; transfer the ownership first")
        extras = ctx.state.group_extras.of(group)
        until = min(int(ctx.now) + duration, UINT32_MAX)
        for account in accounts:
            extras.bans[account] = {"until": until, "description": description}
        if group.stores_members:
            kicked = [a for a in accounts if group.remove_member(a)]
            if kicked:
                _tip(ctx, group)
                ctx.state.count("GroupQuitGroupTimes", len(kicked))
                _after(ctx, "Group.CallbackAfterMemberExit", group, ExitType="Kicked",
                       Operator_Account=ctx.identifier, ExitMemberList=_accounts(kicked))
        else:
            for account in accounts:
                ctx.state.groups.join_online(group.group_id, account, present=False)
            extras.sync_presence(group.online, ctx.now)
        return {}


@endpoint(SVC + "unban_group_member")
def unban_group_member(ctx, body):
    accounts = _strings(body, "Members_Account", required=True, limit=BAN_USERS_MAX)
    with ctx.state.lock:
        group = _group(ctx, body)
        extras = ctx.state.group_extras.peek(group)
        for account in accounts if extras else ():
            extras.bans.pop(account, None)
        return {}


@endpoint(SVC + "get_group_ban_member")
def get_group_ban_member(ctx, body):
    limit = _int(body, "Limit", low=1, high=BANNED_PAGE_MAX, default=BANNED_PAGE_MAX)
    offset = _int(body, "Offset", required=True)
    with ctx.state.lock:
        group = _group(ctx, body)
        extras = ctx.state.group_extras.peek(group)
        bans = extras.live_bans(ctx.now) if extras else []
        page = bans[offset:offset + limit]
        end = offset + len(page)
        return {"BannedAccountList": [{"Member_Account": a, "BannedUntil": t} for a, t in page],
                "NextOffset": end if end < len(bans) else 0}


@endpoint(SVC + "get_specified_group_member_info")
def get_specified_group_member_info(ctx, body):
    accounts = _strings(body, "Member_List_Account", required=True, limit=SPECIFIED_MAX)
    names = _filter_list(body.get("MemberInfoFilter"), "MemberInfoFilter")
    roles = _filter_list(body.get("MemberRoleFilter"), "MemberRoleFilter")
    keys = _filter_list(body.get("AppDefinedDataFilter_GroupMember"), "AppDefinedDataFilter_GroupMember")
    with ctx.state.lock:
        group = _group(ctx, body, refuse=("AVChatRoom",))
        listed = []
        for account in accounts:
            member = group.members.get(account)
            if member is None or (roles is not None and member.role not in roles):
                continue
            info = _member_info(group, member, ctx.now, names, keys)
            if names is not None and "OnlineStatus" in names:
                info["OnlineStatus"] = "Offline" if ctx.state.presence(account)[0] == "Offline" else "Online"
            listed.append(info)
        return {"GroupId": group.group_id, "MemberList": listed}
