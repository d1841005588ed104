"""Follow (`follow/*`): one-way follows, fans, mutual follows and their counts.

Tencent documents the follow feature for Pro, Pro Plus and Enterprise apps once it is switched
on in the console (pages 1047/70345-70350). Limits (checked here before sending): 20 targets per
follow_add / follow_delete / follow_get_info call and 100 per follow_check — longer lists are
sent in several calls and merged; follow_get pages take `WantNum` ≤ 1000 (default 100) and an
opaque cursor ("" for the first page; "" back when there is no more). Every endpoint allows
200 calls/s. follow_check's `FollowType`: 0 none, 1 the target follows the user, 2 the user
follows the target, 3 both.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from console.tim.api._base import (
    Namespace, check_int, check_str, check_user_id, check_user_ids, envelope, in_batches, invalid, paginate,
    result_items, tag_values,
)
from console.tim.results import BatchResult, ItemResult, Result

ADD, DELETE, CHECK = "follow/follow_add", "follow/follow_delete", "follow/follow_check"
GET, INFO = "follow/follow_get", "follow/follow_get_info"

MAX_CHANGE = 20                      # follow_add / follow_delete targets per call
MAX_CHECK = 100                      # follow_check
MAX_COUNTS = 20                      # follow_get_info
DEFAULT_PAGE, MAX_PAGE = 100, 1000   # follow_get WantNum
KINDS = {"followers": 1, "fans": 1, "following": 2, "mutual": 3}


@dataclass(kw_only=True)
class FollowRelation(ItemResult):
    """follow_check's answer for one target (`follow_type` as sent: 0-3)."""
    follow_type: int = 0

    @property
    def following(self) -> bool:
        """The user follows the target."""
        return bool(self.follow_type & 2)

    @property
    def followed_by(self) -> bool:
        """The target follows the user."""
        return bool(self.follow_type & 1)

    @property
    def mutual(self) -> bool:
        return self.follow_type == 3


@dataclass(kw_only=True)
class FollowCounts(ItemResult):
    followers: int = 0
    following: int = 0
    mutual: int = 0


@dataclass(kw_only=True)
class FollowEntry(Result):
    """A fan, followed user or mutual follow, with their profile fields (tag -> value)."""
    user_id: str = ""
    follow_time: int = 0
    profile: dict[str, Any] = field(default_factory=dict)


@dataclass(kw_only=True)
class FollowPage(Result):
    items: list[FollowEntry] = field(default_factory=list)
    next_cursor: str = ""
    has_more: bool = False


def _kind(kind: str | int) -> int:
    if isinstance(kind, int) and not isinstance(kind, bool) and kind in KINDS.values():
        return kind
    if isinstance(kind, str) and kind in KINDS:
        return KINDS[kind]
    raise invalid(f"kind must be followers, following or mutual (or 1, 2, 3), got {kind!r}")


class FollowAPI(Namespace):
    name = "follow"

    # --- follow and unfollow --------------------------------------------------------------------

    def follow_users(self, user_id: str, user_ids: Iterable[str]) -> BatchResult[ItemResult]:
        """`user_id` follows each of `user_ids` (20 per call, more are sent in several calls).
        An item fails (code 30001) when already followed, or for `user_id` itself."""
        owner = check_user_id("user_id", user_id)
        ids = check_user_ids("user_ids", user_ids)
        return in_batches(ids, MAX_CHANGE, lambda chunk: self._change(
            ADD, "follow_users", {"From_Account": owner, "FollowItem": [{"To_Account": u} for u in chunk]}, chunk))

    def follow_user(self, user_id: str, target: str) -> ItemResult:
        return self._one(self.follow_users(user_id, [target]), ADD)

    def unfollow_users(self, user_id: str, user_ids: Iterable[str]) -> BatchResult[ItemResult]:
        """`user_id` stops following each of `user_ids` (an item not followed fails with 30001)."""
        owner = check_user_id("user_id", user_id)
        ids = check_user_ids("user_ids", user_ids)
        return in_batches(ids, MAX_CHANGE, lambda chunk: self._change(
            DELETE, "unfollow_users", {"From_Account": owner, "To_Account": chunk}, chunk))

    def unfollow_user(self, user_id: str, target: str) -> ItemResult:
        return self._one(self.unfollow_users(user_id, [target]), DELETE)

    def _change(self, endpoint: str, op: str, body: dict, ids: list[str]) -> BatchResult[ItemResult]:
        raw = self._call(endpoint, body, op=op)
        return BatchResult(items=result_items(raw, "ResultItem", ids), raw=raw, **envelope(raw))

    # --- relations and counts --------------------------------------------------------------------

    def check_follows(self, user_id: str, user_ids: Iterable[str]) -> BatchResult[FollowRelation]:
        """How `user_id` and each of `user_ids` follow each other (100 per call)."""
        owner = check_user_id("user_id", user_id)
        ids = check_user_ids("user_ids", user_ids)

        def check(chunk: list[str]) -> BatchResult[FollowRelation]:
            raw = self._call(CHECK, {"From_Account": owner, "To_Account": chunk}, op="check_follows",
                             retry_safe=True)
            items = result_items(raw, "ResultItem", chunk, FollowRelation,
                                 follow_type=lambda e: int(e.get("FollowType") or 0))
            return BatchResult(items=items, raw=raw, **envelope(raw))
        return in_batches(ids, MAX_CHECK, check)

    def get_relation(self, user_id: str, target: str) -> FollowRelation:
        return self._one(self.check_follows(user_id, [target]), CHECK)

    def get_counts(self, user_ids: Iterable[str], *, requester: str | None = None) -> BatchResult[FollowCounts]:
        """Fan, follow and mutual-follow counts of each user (20 per call). `requester` is the
        From_Account the service asks for (default: the first user)."""
        ids = check_user_ids("user_ids", user_ids)
        owner = check_user_id("requester", requester if requester is not None else ids[0])

        def counts(chunk: list[str]) -> BatchResult[FollowCounts]:
            raw = self._call(INFO, {"From_Account": owner, "To_Account": chunk}, op="get_counts",
                             retry_safe=True)
            items = result_items(raw, "FollowInfo", chunk, FollowCounts,
                                 followers=lambda e: int(e.get("FollowerCount") or 0),
                                 following=lambda e: int(e.get("FollowingCount") or 0),
                                 mutual=lambda e: int(e.get("MutualFollowingCount") or 0))
            return BatchResult(items=items, raw=raw, **envelope(raw))
        return in_batches(ids, MAX_COUNTS, counts)

    def get_count(self, user_id: str) -> FollowCounts:
        return self._one(self.get_counts([user_id]), INFO)

    # --- lists -----------------------------------------------------------------------------------

    def fetch_follows(self, user_id: str, kind: str | int = "following", cursor: str = "",
                      count: int = DEFAULT_PAGE) -> FollowPage:
        """One page of `user_id`'s "followers" (fans), "following" or "mutual" follows (or the
        service's FollowType 1/2/3), newest first."""
        body = {"From_Account": check_user_id("user_id", user_id), "FollowType": _kind(kind),
                "StartCursor": check_str("cursor", cursor, allow_empty=True),
                "WantNum": check_int("count", count, lo=1, hi=MAX_PAGE)}
        raw = self._call(GET, body, op="fetch_follows", retry_safe=True)
        entries = [FollowEntry(user_id=e.get("To_Account") or "", follow_time=int(e.get("FollowTime") or 0),
                               profile=tag_values(e.get("ProfileItem")), raw=e)
                   for e in raw.get("FollowItem") or []]
        next_cursor = str(raw.get("NextCursor") or "")
        return FollowPage(items=entries, next_cursor=next_cursor, has_more=bool(next_cursor), raw=raw)

    def iter_follows(self, user_id: str, kind: str | int = "following",
                     page_size: int = DEFAULT_PAGE) -> Iterator[FollowEntry]:
        """Every entry of one list, fetching the next page only when the consumer gets there."""
        return paginate(lambda cursor: self.fetch_follows(user_id, kind, cursor, page_size), "",
                        lambda page: page.items, lambda page: page.next_cursor if page.has_more else None)

    def iter_followers(self, user_id: str, page_size: int = DEFAULT_PAGE) -> Iterator[FollowEntry]:
        return self.iter_follows(user_id, "followers", page_size)

    def iter_following(self, user_id: str, page_size: int = DEFAULT_PAGE) -> Iterator[FollowEntry]:
        return self.iter_follows(user_id, "following", page_size)

    def iter_mutual(self, user_id: str, page_size: int = DEFAULT_PAGE) -> Iterator[FollowEntry]:
        return self.iter_follows(user_id, "mutual", page_size)
