"""Emulation of the AVChatRoom service (`group_open_avchatroom_http_svc/*`): online members,
member marks, the room's admins and presence checks. Other group types answer 10007.

An AVChatRoom stores no members: who is in it is `group.online` (the client SDK's join and quit,
here the traffic simulator and tests). `state.group_extras` adds when each online member joined
(first seen online), their marks and the room's admins (group_extras.py).

- get_members: online members by join time, the latest 1000 at most, 500 per page; a page ends
  before a run of members who joined in the same second, and `NextTimestamp` is the join time the
  next page starts at (0: no more). `Mark` keeps the members carrying that mark; without it,
  members marked 600 are hidden. NickName and Avatar come from the members' profiles.
- modify_user_info: CommandType 1 sets, 2 removes marks (>= 1000, or the specials 500 and 600),
  at most 500 accounts per call, 10 distinct marks per room and 1000 members per mark (10004
  beyond). Only online members take marks (500 excepted); the answer lists the accounts handled
  (online, or carrying marks), and when there is none, the call fails (10004). A member who goes
  offline loses their marks.
- get_admin_list / modify_admin: at most 5 admins per room (10004 beyond); admins need not be in
  the room and stay admins when they leave.
- check_members: the sublist of `Member_Account` that is in the room.
"""
from __future__ import annotations

from ..registry import ApiError, endpoint
from .common import is_int
from .group.base import _bad, _group, _int, _objects, _strings

SVC = "group_open_avchatroom_http_svc/"
OTHER_TYPES = ("Private", "Public", "ChatRoom", "Community")
PAGE, LATEST = 500, 1000
MARK_USERS_MAX, MARKS_MAX, MARK_MEMBERS_MAX = 500, 10, 1000
ALWAYS_ONLINE, HIDDEN, MIN_MARK = 500, 600, 1000
ADMINS_MAX = 5
SET, REMOVE = 1, 2


def _room(ctx, body: dict):
    """The AVChatRoom named by GroupId, its extras with presence brought up to date."""
    group = _group(ctx, body, refuse=OTHER_TYPES)
    extras = ctx.state.group_extras.of(group)
    extras.sync_presence(group.online, ctx.now)
    return group, extras


def _profile(ctx, account: str) -> tuple[str, str]:
    profile = ctx.state.profiles.get(account, {})
    return profile.get("Tag_Profile_IM_Nick", ""), profile.get("Tag_Profile_IM_Image", "")


def _command(body: dict) -> int:
    command = body.get("CommandType")
    if command not in (SET, REMOVE) or not is_int(command):
        raise _bad("CommandType must be 1 (set) or 2 (remove)")
    return command


@endpoint(SVC + "get_members")
def get_members(ctx, body):
    since = _int(body, "Timestamp", required=True)
    mark = _int(body, "Mark")
    with ctx.state.lock:
        group, extras = _room(ctx, body)
        members = sorted(extras.joined.items(), key=lambda item: (item[1], item[0]))[-LATEST:]
        if mark is not None:
            members = [(a, t) for a, t in members if mark in extras.marks.get(a, ())]
        else:
            members = [(a, t) for a, t in members if HIDDEN not in extras.marks.get(a, ())]
        rest = [(a, t) for a, t in members if t >= since] if since else members
        page, next_stamp = rest[:PAGE], 0
        if len(rest) > PAGE:
            next_stamp = rest[PAGE][1]
            trimmed = [(a, t) for a, t in page if t < next_stamp]
            if trimmed:
                page = trimmed
            else:                        # more than a page joined in that second: take them all
                page = [(a, t) for a, t in rest if t == next_stamp]
                later = [t for _, t in rest if t > next_stamp]
                next_stamp = later[0] if later else 0
        listed = []
        for account, joined in page:
            nick, avatar = _profile(ctx, account)
            listed.append({"Member_Account": account, "JoinTime": joined, "NickName": nick, "Avatar": avatar})
        return {"MemberList": listed, "NextTimestamp": next_stamp}


def _mark_requests(body: dict) -> list[tuple[str, list[int]]]:
    requests = []
    for item in _objects(body, "MemberList", required=True, limit=MARK_USERS_MAX):
        account, marks = item.get("Member_Account"), item.get("Marks")
        if not isinstance(account, str) or not account:
            raise _bad("MemberList[].Member_Account is required")
        if not isinstance(marks, list) or not marks or not all(is_int(m) for m in marks):
            raise _bad("MemberList[].Marks must be a non-empty array of integers")
        if any(m < MIN_MARK and m not in (ALWAYS_ONLINE, HIDDEN) for m in marks):
            raise _bad(f"a mark is >= {MIN_MARK}, or {ALWAYS_ONLINE} or {HIDDEN}")
        requests.append((account, list(dict.fromkeys(marks))))
    return requests


@endpoint(SVC + "modify_user_info")
def modify_user_info(ctx, body):
    command = _command(body)
    requests = _mark_requests(body)
    with ctx.state.lock:
        group, extras = _room(ctx, body)
        marks = {a: list(m) for a, m in extras.marks.items()}
        changed = []
        for account, wanted in requests:
            if command == SET:
                if account not in group.online and wanted != [ALWAYS_ONLINE]:
                    continue
                marks[account] = list(dict.fromkeys(marks.get(account, []) + wanted))
            else:
                if account not in group.online and account not in marks:
                    continue
                kept = [m for m in marks.pop(account, []) if m not in wanted]
                if kept:
                    marks[account] = kept
            changed.append({"Member_Account": account, "Marks": wanted})
        if not changed:
            raise _bad("none of the accounts is in the room")
        carried = {m for values in marks.values() for m in values}
        if len(carried) > MARKS_MAX:
            raise _bad(f"a room carries at most {MARKS_MAX} different marks")
        if any(sum(m in values for values in marks.values()) > MARK_MEMBERS_MAX for m in carried):
            raise _bad(f"a mark is carried by at most {MARK_MEMBERS_MAX} members")
        extras.marks = marks
        return {"CommandType": command, "MemberList": changed}


@endpoint(SVC + "get_admin_list")
def get_admin_list(ctx, body):
    with ctx.state.lock:
        _, extras = _room(ctx, body)
        admins = []
        for account in extras.admins:
            nick, avatar = _profile(ctx, account)
            admins.append({"Admin_Account": account, "NickName": nick, "Avatar": avatar})
        return {"Admin_List": admins}


@endpoint(SVC + "modify_admin")
def modify_admin(ctx, body):
    command = _command(body)
    accounts = _strings(body, "Admin_Account", required=True, limit=ADMINS_MAX, limit_code=10004)
    with ctx.state.lock:
        _, extras = _room(ctx, body)
        if command == SET:
            admins = extras.admins + [a for a in accounts if a not in extras.admins]
            if len(admins) > ADMINS_MAX:
                raise ApiError(10004, f"a room has at most {ADMINS_MAX} admins")
        else:
            admins = [a for a in extras.admins if a not in accounts]
        extras.admins = admins
        return {}


@endpoint(SVC + "check_members")
def check_members(ctx, body):
    accounts = _strings(body, "Member_Account", required=True)
    with ctx.state.lock:
        group, _ = _room(ctx, body)
        return {"Member_Account": [a for a in accounts if a in group.online]}
