"""AVChatRoom (live-streaming group) management: `client.avchatroom`, the
`group_open_avchatroom_http_svc/*` service.

A namespace of its own (not methods of `client.group`) because it is a service of its own with
its own notion of membership: an AVChatRoom stores no members, only who is online in it right
now, and these calls speak about that presence, the room's admins and the marks members carry.

- `get_members`: the online members (with join time, nickname and avatar), paged by a
  `Timestamp` cursor, optionally only those carrying one mark.
- `modify_user_info`: set (`CommandType` 1) or remove (2) marks on online members.
- `get_admin_list` / `modify_admin`: the room's admins, who need not be in the room.
- `check_members`: which of some users are in the room.

What we relied on (Tencent's pages 1047/50293, 1047/50294, 1047/60523-60525 and the Chinese
269/102857, read with the search tool; `check_members`' field names as the doocs Java SDK sends
them, since the page's tables are not in the indexed copy):
- every call refuses other group types with 10007;
- `get_members` returns up to 500 members per page, `NextTimestamp` 0 at the end, and never
  more than the latest 1000 online members; members with the special mark 600 are hidden unless
  the request asks for that mark;
- marks are integers >= 1000, plus the admin-only specials 500 (stays online up to 3 days) and
  600 (hidden); at most 500 accounts per call, 10 distinct marks per room, 1000 members per mark;
  only online members can carry marks (except 500), and the answer lists only the accounts whose
  marks were changed;
- a room has at most 5 admins;
- `check_members` takes `Member_Account` (a list) and answers the sublist of accounts that are in
  the room. No per-call cap is documented: this client sends 500 accounts per call.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator, Mapping

from console.tim.api._base import (
    Namespace, check_group_id, check_int, check_list, check_user_ids, chunks, invalid, items_in_order, merged,
    paginate,
)
from console.tim.results import BatchResult, ItemResult, Result

SVC = "group_open_avchatroom_http_svc/"
MEMBERS, MARKS, ADMINS = SVC + "get_members", SVC + "modify_user_info", SVC + "get_admin_list"
MODIFY_ADMIN, CHECK = SVC + "modify_admin", SVC + "check_members"

SET, REMOVE = 1, 2                    # CommandType of modify_user_info and modify_admin
MAX_MARK_USERS = 500
MAX_ADMINS = 5
MAX_CHECK_USERS = 500                 # our page size: no documented cap
SPECIAL_MARKS = (500, 600)            # always online / hidden (app admin only)
MIN_MARK = 1000
MAX_MARKS = 10                        # distinct marks per room


@dataclass(kw_only=True)
class AVMember(ItemResult):
    """An online member of an AVChatRoom."""
    join_time: int = 0
    nick: str = ""
    avatar: str = ""


@dataclass(kw_only=True)
class AVMemberPage(Result):
    members: list[AVMember] = field(default_factory=list)
    next_timestamp: int = 0               # 0: no further page
    has_more: bool = False


@dataclass(kw_only=True)
class MemberMarks(ItemResult):
    """A member whose marks were set or removed; not ok when the service left it out (offline)."""
    marks: list[int] = field(default_factory=list)


@dataclass(kw_only=True)
class AVAdmin(ItemResult):
    nick: str = ""
    avatar: str = ""


@dataclass(kw_only=True)
class Presence(ItemResult):
    """Whether one user is in the room (`present`); `ok` is always True for an answered check."""
    present: bool = False


def _mark(value) -> int:
    mark = check_int("mark", value, lo=0)
    if mark < MIN_MARK and mark not in SPECIAL_MARKS:
        raise invalid(f"a mark must be >= {MIN_MARK} or one of {SPECIAL_MARKS}, got {mark}")
    return mark


def _not_marked(user_id: str) -> MemberMarks:
    return MemberMarks(id=user_id, ok=False, code=None, info="not changed (the member is not online)")


class AVChatRoomAPI(Namespace):
    name = "avchatroom"

    # --- online members -----------------------------------------------------------------------

    def fetch_members(self, group_id: str, timestamp: int = 0, *, mark: int | None = None) -> AVMemberPage:
        """One page of the room's online members (pass `next_timestamp` back for the next page)."""
        body = {"GroupId": check_group_id("group_id", group_id), "Timestamp": check_int("timestamp", timestamp)}
        if mark is not None:
            body["Mark"] = _mark(mark)
        raw = self._call(MEMBERS, body, op="fetch_members", retry_safe=True)
        members = [AVMember(id=e.get("Member_Account", ""), join_time=int(e.get("JoinTime") or 0),
                            nick=e.get("NickName") or "", avatar=e.get("Avatar") or "", raw=e)
                   for e in raw.get("MemberList") or []]
        next_timestamp = int(raw.get("NextTimestamp") or 0)
        return AVMemberPage(members=members, next_timestamp=next_timestamp, has_more=next_timestamp != 0, raw=raw)

    def iter_members(self, group_id: str, *, mark: int | None = None) -> Iterator[AVMember]:
        """Every online member, page by page on demand."""
        return paginate(lambda ts: self.fetch_members(group_id, ts, mark=mark), 0, lambda page: page.members,
                        lambda page: page.next_timestamp if page.has_more else None)

    def check_members(self, group_id: str, user_ids: Iterable[str]) -> BatchResult[Presence]:
        """For each user, whether they are in the room now, in request order."""
        gid = check_group_id("group_id", group_id)
        ids = check_user_ids("user_ids", user_ids)
        present, raws = set(), []
        for part in chunks(ids, MAX_CHECK_USERS):
            raw = self._call(CHECK, {"GroupId": gid, "Member_Account": part}, op="check_members", retry_safe=True)
            raws.append(raw)
            present.update(raw.get("Member_Account") or [])
        return BatchResult(items=[Presence(id=u, present=u in present) for u in ids],
                           raw=merged(raws, "Member_Account"))

    # --- marks ----------------------------------------------------------------------------------

    def set_member_marks(self, group_id: str, marks: Mapping[str, Iterable[int]]) -> BatchResult[MemberMarks]:
        """Give online members marks ({user_id: [mark, ...]}); offline members fail per item."""
        return self._marks(group_id, marks, SET, "set_member_marks")

    def remove_member_marks(self, group_id: str, marks: Mapping[str, Iterable[int]]) -> BatchResult[MemberMarks]:
        """Take marks off members ({user_id: [mark, ...]})."""
        return self._marks(group_id, marks, REMOVE, "remove_member_marks")

    def _marks(self, group_id: str, marks, command: int, op: str) -> BatchResult[MemberMarks]:
        gid = check_group_id("group_id", group_id)
        if not isinstance(marks, Mapping) or not marks:
            raise invalid("marks must be a non-empty dict of user ID -> list of marks")
        ids = check_user_ids("marks keys", list(marks))
        entries = []
        for user_id in ids:
            values = [_mark(m) for m in check_list(f"marks[{user_id!r}]", marks[user_id], max_items=MAX_MARKS)]
            entries.append({"Member_Account": user_id, "Marks": values})
        found, raws = {}, []
        for part in chunks(entries, MAX_MARK_USERS):
            raw = self._call(MARKS, {"GroupId": gid, "CommandType": command, "MemberList": part}, op=op)
            raws.append(raw)
            for e in raw.get("MemberList") or []:
                found[e.get("Member_Account")] = MemberMarks(id=e.get("Member_Account"),
                                                             marks=[int(m) for m in e.get("Marks") or []], raw=e)
        return BatchResult(items=items_in_order(ids, found, _not_marked), raw=merged(raws, "MemberList"))

    # --- admins ---------------------------------------------------------------------------------

    def get_admins(self, group_id: str) -> BatchResult[AVAdmin]:
        """The room's admins (at most 5), with nickname and avatar."""
        raw = self._call(ADMINS, {"GroupId": check_group_id("group_id", group_id)}, op="get_admins",
                         retry_safe=True)
        admins = [AVAdmin(id=e.get("Admin_Account", ""), nick=e.get("NickName") or "", avatar=e.get("Avatar") or "",
                          raw=e) for e in raw.get("Admin_List") or []]
        return BatchResult(items=admins, raw=raw)

    def add_admins(self, group_id: str, user_ids: Iterable[str]) -> Result:
        """Make users admins of the room (they need not be in it); a room has at most 5."""
        return self._modify_admins(group_id, user_ids, SET, "add_admins")

    def remove_admins(self, group_id: str, user_ids: Iterable[str]) -> Result:
        return self._modify_admins(group_id, user_ids, REMOVE, "remove_admins")

    def _modify_admins(self, group_id: str, user_ids, command: int, op: str) -> Result:
        body = {"GroupId": check_group_id("group_id", group_id), "CommandType": command,
                "Admin_Account": check_user_ids("user_ids", user_ids, max_items=MAX_ADMINS)}
        return Result(raw=self._call(MODIFY_ADMIN, body, op=op))
