"""Relationship chain (`sns/*`): friends, blocklist, friend lists. Seed module: SNS."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping

from console.tim.api._base import (
    Namespace, check_enum, check_int, check_list, check_str, check_user_id, check_user_ids, envelope,
    invalid, paginate, result_items, tag_values,
)
from console.tim.results import (
    BatchResult, BlacklistEntry, BlacklistPage, Friend, FriendList, FriendListsResult, FriendPage, ItemResult,
    Relation, Result,
)

MAX_TARGETS = 1000                   # friend_import/delete/check, black_list_add/delete/check
MAX_GET_LIST = 100                   # friend_get_list: keep <= 100
MAX_FRIEND_LISTS = 32                # friend lists per user
MAX_LIST_NAME_BYTES = 30
MAX_REMARK_BYTES = 96
MAX_WORDING_BYTES = 256
MAX_CUSTOM_VALUE_BYTES = 500
DEFAULT_ADD_SOURCE = "AddSource_Type_Admin"

PENDING = 30539                      # friend_add: request awaits the target's confirmation

ADD, IMPORT, UPDATE = "sns/friend_add", "sns/friend_import", "sns/friend_update"
DELETE, DELETE_ALL, CHECK = "sns/friend_delete", "sns/friend_delete_all", "sns/friend_check"
GET, GET_LIST = "sns/friend_get", "sns/friend_get_list"
BLACK_ADD, BLACK_DELETE = "sns/black_list_add", "sns/black_list_delete"
BLACK_GET, BLACK_CHECK = "sns/black_list_get", "sns/black_list_check"
GROUP_ADD, GROUP_DELETE, GROUP_GET = "sns/group_add", "sns/group_delete", "sns/group_get"

FRIEND_TAGS = ("Tag_SNS_IM_Group", "Tag_SNS_IM_Remark", "Tag_SNS_IM_AddSource", "Tag_SNS_IM_AddWording",
               "Tag_SNS_IM_AddTime")
CHECK_TYPES = {"single": "CheckResult_Type_Single", "both": "CheckResult_Type_Both"}
BLACK_CHECK_TYPES = {"single": "BlackCheckResult_Type_Single", "both": "BlackCheckResult_Type_Both"}
_ADD_SOURCE = re.compile(r"^AddSource_Type_[A-Za-z]{1,8}$")
_CUSTOM_TAG = re.compile(r"^Tag_SNS_Custom_[A-Za-z0-9_]{1,8}$")


@dataclass
class FriendSpec:
    """A friend to add or import. `groups`: one name for friend_add, any number for friend_import."""
    user_id: str
    add_source: str = DEFAULT_ADD_SOURCE
    remark: str | None = None
    groups: list[str] = field(default_factory=list)
    add_wording: str | None = None
    add_time: int | None = None          # import only
    remark_time: int | None = None       # import only
    custom: dict[str, Any] = field(default_factory=dict)   # import only: Tag_SNS_Custom_* -> value


def _friend_spec(entry) -> FriendSpec:
    if isinstance(entry, str):
        return FriendSpec(entry)
    if isinstance(entry, FriendSpec):
        return entry
    raise invalid(f"friends must be user IDs or FriendSpec, got {type(entry).__name__}")


def _list_name(name: Any) -> str:
    return check_str("friend list name", name, max_bytes=MAX_LIST_NAME_BYTES)


def _base_item(spec: FriendSpec) -> dict:
    item = {"To_Account": check_user_id("friend user_id", spec.user_id)}
    if not isinstance(spec.add_source, str) or not _ADD_SOURCE.match(spec.add_source):
        raise invalid(f"add_source {spec.add_source!r} must be AddSource_Type_ plus 1-8 letters")
    item["AddSource"] = spec.add_source
    if spec.remark is not None:
        item["Remark"] = check_str("remark", spec.remark, max_bytes=MAX_REMARK_BYTES, allow_empty=True)
    if spec.add_wording is not None:
        item["AddWording"] = check_str("add_wording", spec.add_wording, max_bytes=MAX_WORDING_BYTES,
                                       allow_empty=True)
    return item


def _sns_value(tag: str, value: Any) -> Any:
    if tag == "Tag_SNS_IM_Group":
        names = check_list(tag, value, max_items=MAX_FRIEND_LISTS, min_items=0)
        return [_list_name(n) for n in names]
    if tag == "Tag_SNS_IM_Remark":
        return check_str(tag, value, max_bytes=MAX_REMARK_BYTES, allow_empty=True)
    if isinstance(value, int) and not isinstance(value, bool):
        raise invalid(f"{tag}: custom friend fields take strings, not integers")
    return check_str(tag, value, max_bytes=MAX_CUSTOM_VALUE_BYTES, allow_empty=True)


def _update_tag(key: str) -> str:
    tag = {"remark": "Tag_SNS_IM_Remark", "groups": "Tag_SNS_IM_Group", "group": "Tag_SNS_IM_Group"}.get(key, key)
    if tag in ("Tag_SNS_IM_Remark", "Tag_SNS_IM_Group") or _CUSTOM_TAG.match(tag):
        return tag
    raise invalid(f"friend field {key!r} cannot be updated: use remark, groups, Tag_SNS_IM_Remark, "
                  "Tag_SNS_IM_Group or Tag_SNS_Custom_*")


def _custom_tag(tag: str) -> str:
    if not isinstance(tag, str) or not _CUSTOM_TAG.match(tag):
        raise invalid(f"custom friend field {tag!r} must be Tag_SNS_Custom_ plus 1-8 letters/digits")
    return tag


def _check_type(value: str, table: dict[str, str]) -> str:
    value = table.get(value, value)
    return check_enum("check_type", value, table.values())


class SnsAPI(Namespace):
    name = "sns"

    # --- friends -------------------------------------------------------------------------------

    def add_friends(self, user_id: str, friends: Iterable, *, both: bool = True,
                    force: bool = False) -> BatchResult[ItemResult]:
        """Add friends (IDs or FriendSpec) to `user_id`. `both`: two-way; `force`: skip confirmation.

        A target that needs confirmation answers 30539 (pending): that item has ok=False and code
        30539, since no relation exists yet.
        """
        specs = [_friend_spec(f) for f in check_list("friends", friends)]
        check_user_ids("friends", [s.user_id for s in specs])
        items = []
        for spec in specs:
            item = _base_item(spec)
            if len(spec.groups) > 1:
                raise invalid("friend_add puts a friend in at most one friend list (groups has more)")
            if spec.groups:
                item["GroupName"] = _list_name(spec.groups[0])
            items.append(item)
        body = {"From_Account": check_user_id("user_id", user_id), "AddFriendItem": items,
                "AddType": "Add_Type_Both" if both else "Add_Type_Single", "ForceAddFlags": 1 if force else 0}
        raw = self._call(ADD, body, op="add_friends")
        ids = [s.user_id for s in specs]
        return BatchResult(items=result_items(raw, "ResultItem", ids), raw=raw, **envelope(raw))

    def add_friend(self, user_id: str, friend, *, both: bool = True, force: bool = False) -> ItemResult:
        """Add one friend; raises if the service refused (a pending request, 30539, is returned)."""
        batch = self.add_friends(user_id, [friend], both=both, force=force)
        if batch.items[0].code == PENDING:
            return batch.items[0]
        return self._one(batch, ADD)

    def import_friends(self, user_id: str, friends: Iterable) -> BatchResult[ItemResult]:
        """Import one-way relations (no confirmation, no callbacks); up to 1000 per call."""
        specs = [_friend_spec(f) for f in check_list("friends", friends, max_items=MAX_TARGETS)]
        check_user_ids("friends", [s.user_id for s in specs])
        items = []
        for spec in specs:
            item = _base_item(spec)
            if spec.groups:
                item["GroupName"] = _sns_value("Tag_SNS_IM_Group", spec.groups)
            if spec.add_time is not None:
                item["AddTime"] = check_int("add_time", spec.add_time)
            if spec.remark_time is not None:
                item["RemarkTime"] = check_int("remark_time", spec.remark_time)
            if spec.custom:
                item["CustomItem"] = [{"Tag": _custom_tag(tag), "Value": _sns_value(tag, value)}
                                      for tag, value in spec.custom.items()]
            items.append(item)
        body = {"From_Account": check_user_id("user_id", user_id), "AddFriendItem": items}
        raw = self._call(IMPORT, body, op="import_friends")
        ids = [s.user_id for s in specs]
        return BatchResult(items=result_items(raw, "ResultItem", ids), raw=raw, **envelope(raw))

    def import_friend(self, user_id: str, friend) -> ItemResult:
        return self._one(self.import_friends(user_id, [friend]), IMPORT)

    def update_friends(self, user_id: str, updates: Mapping[str, Mapping[str, Any]]) -> BatchResult[ItemResult]:
        """Update friends: {friend_id: {"remark": ..., "groups": [...], "Tag_SNS_Custom_x": ...}}."""
        if not isinstance(updates, Mapping) or not updates:
            raise invalid("updates must be a non-empty dict of friend ID -> fields")
        ids = check_user_ids("updates keys", list(updates), max_items=MAX_TARGETS)
        items = []
        for friend_id in ids:
            fields = updates[friend_id]
            if not fields:
                raise invalid(f"no fields to update for friend {friend_id!r}")
            sns_items = [{"Tag": _update_tag(k), "Value": _sns_value(_update_tag(k), v)} for k, v in fields.items()]
            items.append({"To_Account": friend_id, "SnsItem": sns_items})
        body = {"From_Account": check_user_id("user_id", user_id), "UpdateItem": items}
        raw = self._call(UPDATE, body, op="update_friends", retry_safe=True)
        return BatchResult(items=result_items(raw, "ResultItem", ids), raw=raw, **envelope(raw))

    def update_friend(self, user_id: str, friend_id: str, fields: Mapping[str, Any] | None = None,
                      **kwargs: Any) -> ItemResult:
        """update_friend("a", "b", remark="Bee", groups=["work"])."""
        return self._one(self.update_friends(user_id, {friend_id: {**dict(fields or {}), **kwargs}}), UPDATE)

    def delete_friends(self, user_id: str, friend_ids: Iterable[str], *, both: bool = False) -> BatchResult[ItemResult]:
        """Remove friends (one-way unless `both`); non-friends fail per item with 31704."""
        ids = check_user_ids("friend_ids", friend_ids, max_items=MAX_TARGETS)
        body = {"From_Account": check_user_id("user_id", user_id), "To_Account": ids,
                "DeleteType": "Delete_Type_Both" if both else "Delete_Type_Single"}
        raw = self._call(DELETE, body, op="delete_friends")
        return BatchResult(items=result_items(raw, "ResultItem", ids), raw=raw, **envelope(raw))

    def delete_friend(self, user_id: str, friend_id: str, *, both: bool = False) -> ItemResult:
        return self._one(self.delete_friends(user_id, [friend_id], both=both), DELETE)

    def delete_all_friends(self, user_id: str, *, both: bool = False) -> Result:
        body = {"From_Account": check_user_id("user_id", user_id),
                "DeleteType": "Delete_Type_Both" if both else "Delete_Type_Single"}
        return Result(raw=self._call(DELETE_ALL, body, op="delete_all_friends", retry_safe=True))

    def check_friends(self, user_id: str, friend_ids: Iterable[str], check_type: str = "both") -> BatchResult[Relation]:
        """Relation of `user_id` with up to 1000 users; `check_type` "single"/"both" or the full value."""
        return self._check(CHECK, "check_friends", "InfoItem", CHECK_TYPES, user_id, friend_ids, check_type)

    def _check(self, endpoint: str, op: str, key: str, types: dict, user_id: str, ids: Iterable[str],
               check_type: str) -> BatchResult[Relation]:
        ids = check_user_ids("user_ids", ids, max_items=MAX_TARGETS)
        body = {"From_Account": check_user_id("user_id", user_id), "To_Account": ids,
                "CheckType": _check_type(check_type, types)}
        raw = self._call(endpoint, body, op=op, retry_safe=True)
        items = result_items(raw, key, ids, Relation, relation=lambda e: e.get("Relation", ""))
        return BatchResult(items=items, raw=raw, **envelope(raw))

    def check_friend(self, user_id: str, friend_id: str, check_type: str = "both") -> str:
        """The relation string, e.g. CheckResult_Type_BothWay."""
        return self._one(self.check_friends(user_id, [friend_id], check_type), CHECK).relation

    def fetch_friends(self, user_id: str, start_index: int = 0, standard_sequence: int = 0,
                      custom_sequence: int = 0) -> FriendPage:
        """One page of `user_id`'s friends with their friend fields."""
        body = {"From_Account": check_user_id("user_id", user_id),
                "StartIndex": check_int("start_index", start_index),
                "StandardSequence": check_int("standard_sequence", standard_sequence),
                "CustomSequence": check_int("custom_sequence", custom_sequence)}
        raw = self._call(GET, body, op="fetch_friends", retry_safe=True)
        friends = [Friend(id=e.get("To_Account"), attrs=tag_values(e.get("ValueItem")), raw=e)
                   for e in raw.get("UserDataItem") or []]
        complete = int(raw.get("CompleteFlag") or 0) != 0
        return FriendPage(items=friends, total=int(raw.get("FriendNum") or 0),
                          next_start_index=int(raw.get("NextStartIndex") or 0),
                          standard_sequence=int(raw.get("StandardSequence") or 0),
                          custom_sequence=int(raw.get("CustomSequence") or 0), has_more=not complete, raw=raw)

    def iter_friends(self, user_id: str) -> Iterator[Friend]:
        """Every friend of `user_id`, fetching the next page only when the consumer gets there."""
        return paginate(lambda start: self.fetch_friends(user_id, start), 0, lambda page: page.items,
                        lambda page: page.next_start_index if page.has_more else None)

    def get_friends(self, user_id: str, friend_ids: Iterable[str],
                    tags: Iterable[str] | None = None) -> BatchResult[Friend]:
        """Chosen friend and profile fields of up to 100 friends; non-friends fail per item (30001)."""
        ids = check_user_ids("friend_ids", friend_ids, max_items=MAX_GET_LIST)
        tag_list = check_list("tags", list(tags) if tags is not None else list(FRIEND_TAGS))
        for tag in tag_list:
            if not isinstance(tag, str) or not tag.startswith(("Tag_SNS_", "Tag_Profile_")):
                raise invalid(f"tags: {tag!r} is neither a Tag_SNS_* nor a Tag_Profile_* tag")
        body = {"From_Account": check_user_id("user_id", user_id), "To_Account": ids, "TagList": tag_list}
        raw = self._call(GET_LIST, body, op="get_friends", retry_safe=True)
        items = result_items(raw, "InfoItem", ids, Friend, attrs=lambda e: tag_values(e.get("SnsProfileItem")))
        return BatchResult(items=items, raw=raw, **envelope(raw))

    def get_friend(self, user_id: str, friend_id: str, tags: Iterable[str] | None = None) -> Friend:
        return self._one(self.get_friends(user_id, [friend_id], tags), GET_LIST)

    # --- blocklist -----------------------------------------------------------------------------

    def add_blacklist(self, user_id: str, user_ids: Iterable[str]) -> BatchResult[ItemResult]:
        """Block up to 1000 users; already-blocked ones fail per item (30001)."""
        return self._black_write(BLACK_ADD, "add_blacklist", user_id, user_ids)

    def delete_blacklist(self, user_id: str, user_ids: Iterable[str]) -> BatchResult[ItemResult]:
        """Unblock up to 1000 users."""
        return self._black_write(BLACK_DELETE, "delete_blacklist", user_id, user_ids)

    def _black_write(self, endpoint: str, op: str, user_id: str, user_ids: Iterable[str]) -> BatchResult:
        ids = check_user_ids("user_ids", user_ids, max_items=MAX_TARGETS)
        raw = self._call(endpoint, {"From_Account": check_user_id("user_id", user_id), "To_Account": ids}, op=op)
        return BatchResult(items=result_items(raw, "ResultItem", ids), raw=raw, **envelope(raw))

    def fetch_blacklist(self, user_id: str, max_limited: int = 100, start_index: int = 0,
                        last_sequence: int = 0) -> BlacklistPage:
        """One page of the blocklist (`max_limited` entries at most)."""
        body = {"From_Account": check_user_id("user_id", user_id),
                "StartIndex": check_int("start_index", start_index),
                "MaxLimited": check_int("max_limited", max_limited, lo=1),
                "LastSequence": check_int("last_sequence", last_sequence)}
        raw = self._call(BLACK_GET, body, op="fetch_blacklist", retry_safe=True)
        entries = [BlacklistEntry(id=e.get("To_Account"), added_at=int(e.get("AddBlackTimeStamp") or 0), raw=e)
                   for e in raw.get("BlackListItem") or []]
        next_index = int(raw.get("StartIndex") or 0)
        return BlacklistPage(items=entries, next_start_index=next_index,
                             sequence=int(raw.get("CurruentSequence", raw.get("CurrentSequence")) or 0),
                             has_more=next_index != 0, raw=raw)

    def iter_blacklist(self, user_id: str, page_size: int = 100) -> Iterator[BlacklistEntry]:
        """Every blocked user, page by page on demand."""
        check_int("page_size", page_size, lo=1)
        return paginate(lambda start: self.fetch_blacklist(user_id, page_size, start), 0,
                        lambda page: page.items, lambda page: page.next_start_index if page.has_more else None)

    def check_blacklist(self, user_id: str, user_ids: Iterable[str], check_type: str = "both") -> BatchResult[Relation]:
        return self._check(BLACK_CHECK, "check_blacklist", "BlackListCheckItem", BLACK_CHECK_TYPES, user_id,
                           user_ids, check_type)

    # --- friend lists ("groups" in the seed) --------------------------------------------------

    def add_groups(self, user_id: str, names: Iterable[str],
                   friend_ids: Iterable[str] | None = None) -> FriendListsResult:
        """Create friend lists and optionally put existing friends in all of them."""
        names = [_list_name(n) for n in check_list("names", names, max_items=MAX_FRIEND_LISTS)]
        body = {"From_Account": check_user_id("user_id", user_id), "GroupName": names}
        ids: list[str] = []
        if friend_ids is not None:
            ids = check_user_ids("friend_ids", friend_ids, max_items=MAX_TARGETS)
            body["To_Account"] = ids
        raw = self._call(GROUP_ADD, body, op="add_groups")
        items = result_items(raw, "ResultItem", ids) if ids else []
        return FriendListsResult(sequence=int(raw.get("CurrentSequence") or 0), items=items, raw=raw)

    def delete_groups(self, user_id: str, names: Iterable[str]) -> FriendListsResult:
        names = [_list_name(n) for n in check_list("names", names, max_items=MAX_FRIEND_LISTS)]
        body = {"From_Account": check_user_id("user_id", user_id), "GroupName": names}
        raw = self._call(GROUP_DELETE, body, op="delete_groups")
        return FriendListsResult(sequence=int(raw.get("CurrentSequence") or 0), raw=raw)

    def get_groups(self, user_id: str, names: Iterable[str] | None = None, *,
                   need_friends: bool = False) -> FriendListsResult:
        """The user's friend lists (all, or the named ones), with members when `need_friends`."""
        body: dict[str, Any] = {"From_Account": check_user_id("user_id", user_id)}
        if need_friends:
            body["NeedFriend"] = "Need_Friend_Type_Yes"
        if names is not None:
            body["GroupName"] = [_list_name(n) for n in check_list("names", names, max_items=MAX_FRIEND_LISTS)]
        raw = self._call(GROUP_GET, body, op="get_groups", retry_safe=True)
        lists = [FriendList(name=e.get("GroupName", ""), friend_count=int(e.get("FriendNumber") or 0),
                            friends=list(e.get("To_Account") or []), raw=e) for e in raw.get("ResultItem") or []]
        return FriendListsResult(sequence=int(raw.get("CurrentSequence") or 0), lists=lists, raw=raw)
