"""All-user / tag push: attributes, tags and push tasks. Seed module: Push.

Speaks the current `timpush/*` service (default) or the legacy `all_member_push/im_*` one,
chosen by `client.push_api` ("timpush" | "legacy"). Differences handled here:
- command names (`im_remove_all_tags` became `clear_all_tags`);
- `timpush/set_attr_name` also takes `AttrTypes`, `get_attr_name` returns them;
- `timpush` writers report per-user failures in `ErrorList`; legacy ones only answer the envelope,
  so their items are all ok when the call succeeds;
- `timpush/push` knows `OnlineOnlyFlag` and `Condition.TagsNot`; legacy `im_push` does not;
- `timpush/batch` (push to listed accounts) and `timpush/revoke` (recall a push task within 24 h)
  have no legacy equivalent: with the legacy API their methods refuse before sending.
Their fields (trtc.io / tencentcloud.com pages 1047/67553 and 1047/67824, Chinese 269/108906 and
269/105123): batch takes `To_Account` (1-500), `MsgRandom`, `From_Account`, `OfflinePushInfo`,
`DataId` (<= 64 bytes) and, on the Chat variant, `MsgBody`, and answers a `TaskId`; revoke takes
the `TaskId` and an `OfflinePushInfo` that overwrites the notification already shown.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from console.tim.api._base import (
    MAX_MSG_LIFETIME, Namespace, check_enum, check_int, check_list, check_message_size, check_str,
    check_user_id, check_user_ids, envelope, error_list, invalid, items_in_order, msg_body, new_random, not_returned,
    offline_push,
)
from console.tim.results import AttrNames, BatchResult, ItemResult, PushTask, Result, UserAttrs, UserTags

MAX_USERS = 100                      # every attribute / tag command
MAX_BATCH_USERS = 500                # timpush/batch
MAX_DATA_ID_BYTES = 64               # timpush/batch DataId
MAX_TAGS_PER_ADD = 10                # tags added per user per request
MAX_CONDITION_TAGS = 10
MAX_NAME_BYTES = 50                  # attribute names, attribute values, tags
ATTR_SLOTS = range(10)               # "0".."9"
ATTR_TYPES = (0, 1)                  # timpush: 0 IM account, 1 RegistrationID

TIMPUSH_ONLY = {"batch": "timpush/batch", "revoke": "timpush/revoke"}   # no legacy equivalent
COMMANDS = {
    "legacy": {
        "push": "all_member_push/im_push", "set_attr_name": "all_member_push/im_set_attr_name",
        "get_attr_name": "all_member_push/im_get_attr_name", "get_attr": "all_member_push/im_get_attr",
        "set_attr": "all_member_push/im_set_attr", "remove_attr": "all_member_push/im_remove_attr",
        "get_tag": "all_member_push/im_get_tag", "add_tag": "all_member_push/im_add_tag",
        "remove_tag": "all_member_push/im_remove_tag", "clear_all_tags": "all_member_push/im_remove_all_tags",
    },
    "timpush": {
        "push": "timpush/push", "set_attr_name": "timpush/set_attr_name", "get_attr_name": "timpush/get_attr_name",
        "get_attr": "timpush/get_attr", "set_attr": "timpush/set_attr", "remove_attr": "timpush/remove_attr",
        "get_tag": "timpush/get_tag", "add_tag": "timpush/add_tag", "remove_tag": "timpush/remove_tag",
        "clear_all_tags": "timpush/clear_all_tags",
    },
}


def _tag(name: str, value: Any) -> str:
    return check_str(name, value, max_bytes=MAX_NAME_BYTES)


def _tags(name: str, values: Any, max_items: int | None = None) -> list[str]:
    return [_tag(name, v) for v in check_list(name, values, max_items=max_items)]


def _attrs(name: str, attrs: Any) -> dict[str, str]:
    if not isinstance(attrs, Mapping) or not attrs:
        raise invalid(f"{name} must be a non-empty dict of attribute name -> value")
    return {_tag(f"{name} name", k): check_str(f"{name}[{k!r}]", v, max_bytes=MAX_NAME_BYTES, allow_empty=True)
            for k, v in attrs.items()}


def _slot(key: Any) -> str:
    """An attribute slot 0-9 (int or digit string) as the "0".."9" key the service wants."""
    slot = int(key) if isinstance(key, str) and key.isdigit() else key
    return str(check_enum("attribute slot", slot, ATTR_SLOTS))


def _per_user(name: str, mapping: Any) -> list[tuple[str, Any]]:
    if not isinstance(mapping, Mapping):
        raise invalid(f"{name} must be a dict of user ID -> value")
    users = check_user_ids(f"{name} keys", list(mapping), max_items=MAX_USERS)
    return [(u, mapping[u]) for u in users]


class PushAPI(Namespace):
    name = "push"

    @property
    def api(self) -> str:
        api = getattr(self._client, "push_api", "timpush")
        return check_enum("push_api", api, COMMANDS)

    def _endpoint(self, command: str) -> str:
        return COMMANDS[self.api][command]

    def _timpush_only(self, command: str, method: str) -> str:
        if self.api == "legacy":
            raise invalid(f"{method} needs the timpush API (client.push_api='timpush'); the legacy one has none")
        return TIMPUSH_ONLY[command]

    def _write(self, command: str, op: str, body: dict, ids: list[str]) -> BatchResult[ItemResult]:
        """Attribute/tag writers: timpush lists failed users in ErrorList, legacy answers envelope only."""
        raw = self._call(self._endpoint(command), body, op=op, retry_safe=True)
        items = items_in_order(ids, error_list(raw), lambda i: ItemResult(id=i))
        return BatchResult(items=items, raw=raw, **envelope(raw))

    def _read(self, command: str, op: str, user_ids: Iterable[str], key: str, cls: type,
              **fields) -> BatchResult:
        """get_attr / get_tag: one item per user from `key`, failures from ErrorList (timpush)."""
        ids = check_user_ids("user_ids", user_ids, max_items=MAX_USERS)
        raw = self._call(self._endpoint(command), {"To_Account": ids}, op=op, retry_safe=True)
        found = {e.get("To_Account"): cls(id=e.get("To_Account"), raw=e, **{n: fn(e) for n, fn in fields.items()})
                 for e in raw.get(key) or []}
        found.update(error_list(raw, cls))
        return BatchResult(items=items_in_order(ids, found, not_returned(cls)), raw=raw, **envelope(raw))

    def push_message(self, body: Any, *, sender: str | None = None, tags_and: Iterable[str] | None = None,
                     tags_or: Iterable[str] | None = None, tags_not: Iterable[str] | None = None,
                     attrs_and: Mapping[str, str] | None = None, attrs_or: Mapping[str, str] | None = None,
                     lifetime: int | None = None, offline_push_info: Any = None, msg_random: int | None = None,
                     online_only: bool = False) -> PushTask:
        """Push a message to every user, or to users selected by tags or by attributes (not both).

        `msg_random` is the task's de-dup key: repeat a failed push with the same value.
        """
        condition: dict[str, Any] = {}
        for key, value in (("TagsAnd", tags_and), ("TagsOr", tags_or), ("TagsNot", tags_not)):
            if value is not None:
                condition[key] = _tags(key, value, MAX_CONDITION_TAGS)
        for key, value in (("AttrsAnd", attrs_and), ("AttrsOr", attrs_or)):
            if value is not None:
                condition[key] = _attrs(key, value)
        if any(k.startswith("Tags") for k in condition) and any(k.startswith("Attrs") for k in condition):
            raise invalid("a push selects by tags or by attributes, not both (90039)")
        if set(condition.get("TagsAnd", ())) & set(condition.get("TagsOr", ())):
            raise invalid("the same tag may not be in both tags_and and tags_or (90022)")
        legacy = self.api == "legacy"
        if legacy and "TagsNot" in condition:
            raise invalid("tags_not needs the timpush API (client.push_api='timpush')")
        if legacy and online_only:
            raise invalid("online_only needs the timpush API (client.push_api='timpush')")
        payload: dict[str, Any] = {
            "MsgRandom": check_int("msg_random", msg_random) if msg_random is not None else new_random(),
            "MsgBody": msg_body("body", body),
        }
        if sender is not None:
            payload["From_Account"] = check_user_id("sender", sender)
        if lifetime is not None:
            payload["MsgLifeTime"] = check_int("lifetime", lifetime, hi=MAX_MSG_LIFETIME)
        if condition:
            payload["Condition"] = condition
        if offline_push_info is not None:
            payload["OfflinePushInfo"] = offline_push(offline_push_info)
        if online_only:
            payload["OnlineOnlyFlag"] = 1
        check_message_size("push", payload)
        raw = self._call(self._endpoint("push"), payload, op="push_message")
        return PushTask(task_id=raw.get("TaskId", ""), raw=raw)

    def push_to_users(self, user_ids: Iterable[str], body: Any = None, *, sender: str | None = None,
                      offline_push_info: Any = None, msg_random: int | None = None,
                      data_id: str | None = None) -> PushTask:
        """Push to 1-500 listed users (`timpush/batch`): a message body, a notification
        (`offline_push_info`), or both. `data_id` is passed through to the push callbacks."""
        ids = check_user_ids("user_ids", user_ids, max_items=MAX_BATCH_USERS)
        endpoint = self._timpush_only("batch", "push_to_users")
        if body is None and offline_push_info is None:
            raise invalid("push_to_users needs a body, an offline_push_info, or both")
        payload: dict[str, Any] = {
            "To_Account": ids,
            "MsgRandom": check_int("msg_random", msg_random) if msg_random is not None else new_random(),
        }
        if body is not None:
            payload["MsgBody"] = msg_body("body", body)
        if sender is not None:
            payload["From_Account"] = check_user_id("sender", sender)
        if offline_push_info is not None:
            payload["OfflinePushInfo"] = offline_push(offline_push_info)
        if data_id is not None:
            payload["DataId"] = check_str("data_id", data_id, max_bytes=MAX_DATA_ID_BYTES)
        check_message_size("push", payload)
        raw = self._call(endpoint, payload, op="push_to_users")
        return PushTask(task_id=raw.get("TaskId", ""), raw=raw)

    def revoke_push(self, task_id: str, offline_push_info: Any = None) -> Result:
        """Recall a push task (`timpush/revoke`) within 24 h of its start: deliveries not made yet
        stop, and `offline_push_info` replaces the notification already shown where the vendor
        allows it. The service takes one recall a second."""
        body: dict[str, Any] = {"TaskId": check_str("task_id", task_id)}
        endpoint = self._timpush_only("revoke", "revoke_push")
        if offline_push_info is not None:
            body["OfflinePushInfo"] = offline_push(offline_push_info)
        return Result(raw=self._call(endpoint, body, op="revoke_push"))

    def set_attr_names(self, names: Mapping[int, str], types: Mapping[int, int] | None = None) -> AttrNames:
        """Name attribute slots 0-9: {0: "sex", 1: "city"}. `types` (timpush only): 0 IM account,
        1 RegistrationID per slot."""
        if not isinstance(names, Mapping) or not names:
            raise invalid("names must be a non-empty dict of slot (0-9) -> attribute name")
        body: dict[str, Any] = {"AttrNames": {_slot(k): _tag("attribute name", v) for k, v in names.items()}}
        if types:
            if self.api == "legacy":
                raise invalid("attribute types need the timpush API (client.push_api='timpush')")
            body["AttrTypes"] = {_slot(k): check_enum("attribute type", v, ATTR_TYPES) for k, v in types.items()}
        raw = self._call(self._endpoint("set_attr_name"), body, op="set_attr_names", retry_safe=True)
        return AttrNames(names={int(k): v for k, v in body["AttrNames"].items()},
                         types={int(k): v for k, v in body.get("AttrTypes", {}).items()}, raw=raw)

    def get_attr_names(self) -> AttrNames:
        raw = self._call(self._endpoint("get_attr_name"), {}, op="get_attr_names", retry_safe=True)
        return AttrNames(names={int(k): v for k, v in (raw.get("AttrNames") or {}).items()},
                         types={int(k): int(v) for k, v in (raw.get("AttrTypes") or {}).items()}, raw=raw)

    def get_user_attrs(self, user_ids: Iterable[str]) -> BatchResult[UserAttrs]:
        return self._read("get_attr", "get_user_attrs", user_ids, "UserAttrs", UserAttrs,
                          attrs=lambda e: dict(e.get("Attrs") or {}))

    def set_user_attrs(self, attrs: Mapping[str, Mapping[str, str]]) -> BatchResult[ItemResult]:
        """{user: {attribute name: value}} for up to 100 users."""
        pairs = _per_user("attrs", attrs)
        body = {"UserAttrs": [{"To_Account": u, "Attrs": _attrs(f"attrs[{u!r}]", a)} for u, a in pairs]}
        return self._write("set_attr", "set_user_attrs", body, [u for u, _ in pairs])

    def delete_user_attrs(self, attrs: Mapping[str, Iterable[str]]) -> BatchResult[ItemResult]:
        """{user: [attribute names]} for up to 100 users."""
        pairs = _per_user("attrs", attrs)
        body = {"UserAttrs": [{"To_Account": u, "Attrs": _tags(f"attrs[{u!r}]", names)} for u, names in pairs]}
        return self._write("remove_attr", "delete_user_attrs", body, [u for u, _ in pairs])

    def get_user_tags(self, user_ids: Iterable[str]) -> BatchResult[UserTags]:
        return self._read("get_tag", "get_user_tags", user_ids, "UserTags", UserTags,
                          tags=lambda e: list(e.get("Tags") or []))

    def add_user_tags(self, tags: Mapping[str, Iterable[str]]) -> BatchResult[ItemResult]:
        """{user: [tags]} for up to 100 users, at most 10 tags per user per call."""
        pairs = _per_user("tags", tags)
        body = {"UserTags": [{"To_Account": u, "Tags": _tags(f"tags[{u!r}]", t, MAX_TAGS_PER_ADD)} for u, t in pairs]}
        return self._write("add_tag", "add_user_tags", body, [u for u, _ in pairs])

    def delete_user_tags(self, tags: Mapping[str, Iterable[str]]) -> BatchResult[ItemResult]:
        pairs = _per_user("tags", tags)
        body = {"UserTags": [{"To_Account": u, "Tags": _tags(f"tags[{u!r}]", t)} for u, t in pairs]}
        return self._write("remove_tag", "delete_user_tags", body, [u for u, _ in pairs])

    def delete_user_all_tags(self, user_ids: Iterable[str]) -> BatchResult[ItemResult]:
        ids = check_user_ids("user_ids", user_ids, max_items=MAX_USERS)
        return self._write("clear_all_tags", "delete_user_all_tags", {"To_Account": ids}, ids)
