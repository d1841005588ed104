"""Member depth of `client.group` (mixed into GroupAPI): the ban list and named members' profiles.

- `ban_group_member` / `unban_group_member` / `get_group_ban_member`: a ban removes the member
  from the group (an AVChatRoom: from the room) and keeps them from joining again, and from
  receiving the group's messages, until it runs out; unbanning lifts that early.
- `get_specified_group_member_info`: the member profile fields of up to 50 named members, with
  the same filters as `get_group_member_info`.

What we relied on where ../shared/spec is silent (Tencent's pages 1047/50295-50297 and the Chinese
269/79249 of 2025, 1047/64897, read with the search tool):
- ban/unban take at most 20 accounts per call (10005 beyond); `Duration` is a uint32 of seconds,
  `Description` at most 1000 bytes. The 2024 English pages limit bans to AVChatRoom; the current
  pages accept every group type, and so does this client.
- `get_group_ban_member` pages with `Offset`/`Limit` (at most 100) and answers `BannedAccountList`
  [{Member_Account, BannedUntil}] and `NextOffset` (0: the list is complete).
- `get_specified_group_member_info` takes `Member_List_Account` (at most 50; 10005 beyond),
  `MemberInfoFilter` (which may name `OnlineStatus`), `MemberRoleFilter` and
  `AppDefinedDataFilter_GroupMember`; AVChatRoom is refused. Its answer lists members only:
  accounts that are not members are left out, so they come back here as failed items.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator

from console.tim.api._base import (
    check_enum, check_group_id, check_int, check_list, check_str, check_user_ids, chunks, items_in_order, merged,
    paginate,
)
from console.tim.results import BatchResult, ItemResult, Member, Result

SVC = "group_open_http_svc/"
BAN, UNBAN, BANNED = SVC + "ban_group_member", SVC + "unban_group_member", SVC + "get_group_ban_member"
SPECIFIED = SVC + "get_specified_group_member_info"

MAX_BAN_USERS = 20
MAX_BAN_DESCRIPTION = 1000
MAX_BANNED_PAGE = 100
MAX_SPECIFIED_USERS = 50
ROLE_FILTER = ("Owner", "Admin", "Member")
UINT32_MAX = 4294967295


@dataclass(kw_only=True)
class BannedMember(ItemResult):
    banned_until: int = 0                 # Unix seconds


@dataclass(kw_only=True)
class MemberInfo(Member):
    """A member from get_specified_group_member_info: the Member fields and, when asked, presence."""
    online_status: str = ""               # "Online" / "Offline" when fields named "OnlineStatus"


@dataclass(kw_only=True)
class BannedMemberPage(Result):
    members: list[BannedMember] = field(default_factory=list)
    next_offset: int = 0                  # 0: no further page
    has_more: bool = False


def member_filters(fields: Iterable[str] | None, roles: Iterable[str] | None,
                   custom_keys: Iterable[str] | None) -> dict:
    """The member filters get_group_member_info and get_specified_group_member_info share, checked."""
    filters = {}
    if fields is not None:
        filters["MemberInfoFilter"] = [check_str("fields item", f) for f in check_list("fields", fields)]
    if roles is not None:
        filters["MemberRoleFilter"] = [check_enum("roles item", r, ROLE_FILTER) for r in check_list("roles", roles)]
    if custom_keys is not None:
        filters["AppDefinedDataFilter_GroupMember"] = [check_str("custom_keys item", k)
                                                       for k in check_list("custom_keys", custom_keys)]
    return filters


def _not_a_member(user_id: str) -> MemberInfo:
    return MemberInfo(id=user_id, ok=False, code=None, info="not a member (or filtered out)")


class GroupMembersMixin:
    """Bans and named members' profiles (mixed into GroupAPI)."""

    # --- the ban list -----------------------------------------------------------------------------

    def ban_members(self, group_id: str, user_ids: Iterable[str], duration: int,
                    description: str | None = None) -> Result:
        """Ban users for `duration` seconds: they leave the group and cannot join again until it ends.
        More than 20 users are sent 20 at a time; a failing call raises, the earlier calls stay done."""
        gid = check_group_id("group_id", group_id)
        ids = check_user_ids("user_ids", user_ids)
        body = {"Duration": check_int("duration", duration, lo=1, hi=UINT32_MAX)}
        if description is not None:
            body["Description"] = check_str("description", description, max_bytes=MAX_BAN_DESCRIPTION,
                                            allow_empty=True)
        raw = {}
        for part in chunks(ids, MAX_BAN_USERS):
            raw = self._call(BAN, {"GroupId": gid, "Members_Account": part, **body}, op="ban_members")
        return Result(raw=raw)

    def unban_members(self, group_id: str, user_ids: Iterable[str]) -> Result:
        """Lift the bans of these users (20 per call, as ban_members)."""
        gid = check_group_id("group_id", group_id)
        raw = {}
        for part in chunks(check_user_ids("user_ids", user_ids), MAX_BAN_USERS):
            raw = self._call(UNBAN, {"GroupId": gid, "Members_Account": part}, op="unban_members")
        return Result(raw=raw)

    def fetch_banned_members(self, group_id: str, limit: int = MAX_BANNED_PAGE, offset: int = 0) -> BannedMemberPage:
        """One page of the ban list: who is banned and until when."""
        body = {"GroupId": check_group_id("group_id", group_id),
                "Limit": check_int("limit", limit, lo=1, hi=MAX_BANNED_PAGE), "Offset": check_int("offset", offset)}
        raw = self._call(BANNED, body, op="fetch_banned_members", retry_safe=True)
        members = [BannedMember(id=e.get("Member_Account", ""), banned_until=int(e.get("BannedUntil") or 0), raw=e)
                   for e in raw.get("BannedAccountList") or []]
        next_offset = int(raw.get("NextOffset") or 0)
        return BannedMemberPage(members=members, next_offset=next_offset, has_more=next_offset != 0, raw=raw)

    def iter_banned_members(self, group_id: str, page_size: int = MAX_BANNED_PAGE) -> Iterator[BannedMember]:
        """The whole ban list, page by page on demand."""
        check_int("page_size", page_size, lo=1, hi=MAX_BANNED_PAGE)
        return paginate(lambda offset: self.fetch_banned_members(group_id, page_size, offset), 0,
                        lambda page: page.members, lambda page: page.next_offset if page.has_more else None)

    # --- named members --------------------------------------------------------------------------

    def get_specified_members(self, group_id: str, user_ids: Iterable[str], *, fields: Iterable[str] | None = None,
                              roles: Iterable[str] | None = None,
                              custom_keys: Iterable[str] | None = None) -> BatchResult[MemberInfo]:
        """Profiles of the named members, in request order (50 per call); a user who is not a member
        (or not in `roles`) is a failed item. `fields` may include "OnlineStatus"."""
        from console.tim.api.group import _member

        gid = check_group_id("group_id", group_id)
        ids = check_user_ids("user_ids", user_ids)
        filters = member_filters(fields, roles, custom_keys)
        found, raws = {}, []
        for part in chunks(ids, MAX_SPECIFIED_USERS):
            raw = self._call(SPECIFIED, {"GroupId": gid, "Member_List_Account": part, **filters},
                             op="get_specified_members", retry_safe=True)
            raws.append(raw)
            for entry in raw.get("MemberList") or []:
                member = vars(_member(entry))
                found[member["id"]] = MemberInfo(**member, online_status=entry.get("OnlineStatus") or "")
        return BatchResult(items=items_in_order(ids, found, _not_a_member), raw=merged(raws, "MemberList"))

    def get_specified_member(self, group_id: str, user_id: str, **filters) -> MemberInfo:
        """One member's profile; raises a TimError when the user is not a member."""
        return self._one(self.get_specified_members(group_id, [user_id], **filters), SPECIFIED)
