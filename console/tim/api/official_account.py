"""Official accounts (`official_account_open_http_svc/*`): channels, subscribers, broadcasts.

Facts (Tencent pages 1047/60755-60767, 60813, and the doocs Java SDK's field names): IDs start
with `@TOA#_` (a custom ID may be given at creation); `Name` ≤ 150 bytes, `Introduction` ≤ 400,
`FaceUrl` ≤ 500, `Organization` ≤ 500, `CustomString` ≤ 3000; `MaxSubscriberNum` defaults to
100000. Per call: ≤ 50 accounts in get_official_account_info, ≤ 100 users in add_subscriber /
delete_subscriber (longer lists are sent in several calls), subscriber pages ≤ 200, subscribed-
account pages ≤ 200 (Offset/Limit), ≤ 10 message keys per recall (Reason ≤ 100 bytes), history
pages of ≤ 20 messages. Broadcasts: at most 1 per second and 2 per hour per account; the same
content and `Random` within 5 minutes is dropped as a repeat (the first `MsgKey` comes back).
Every endpoint allows 200 calls/s. The accounts an official account "owns" are app users; the
official account itself is not a UserID (its messages name it in `From_Account`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from console.tim.api._base import (
    Namespace, check_enum, check_int, check_list, check_message_size, check_str, check_user_id, check_user_ids,
    delivery_options, drop_none, envelope, in_batches, invalid, items_in_order, msg_body, new_random,
    not_returned, outcome_items, paginate,
)
from console.tim.messages import received_body, received_int, received_text
from console.tim.results import BatchResult, GroupMessage, ItemResult, MemberAdd, Result

SVC = "official_account_open_http_svc/"
CREATE, DESTROY, MODIFY = SVC + "create_official_account", SVC + "destroy_official_account", \
    SVC + "modify_official_account_base_info"
INFO, ADD, DELETE = SVC + "get_official_account_info", SVC + "add_subscriber", SVC + "delete_subscriber"
MODIFY_SUBSCRIBER, SUBSCRIBERS = SVC + "modify_subscriber_info", SVC + "get_subscriber_info"
SUBSCRIBED = SVC + "get_subscribed_official_account_list"
SEND, RECALL, HISTORY = SVC + "send_official_account_msg", SVC + "official_account_msg_recall", \
    SVC + "official_account_msg_get_simple"

PREFIX = "@TOA#_"
MAX_ID_BYTES = 48
LIMITS = {"name": 150, "introduction": 400, "face_url": 500, "organization": 500, "custom": 3000}
FIELDS = {"name": "Name", "introduction": "Introduction", "face_url": "FaceUrl",
          "organization": "Organization", "custom": "CustomString"}
MAX_SUBSCRIBER_CUSTOM = 3000
MAX_INFO = 50
MAX_SUBSCRIBERS_PER_CALL = 100
MAX_SUBSCRIBER_PAGE = 200
MAX_SUBSCRIBED_PAGE = 200
MAX_RECALL = 10
MAX_REASON = 100
MAX_HISTORY_PAGE = 20
BASE_FIELDS = ("CreateTime", "Name", "Owner_Account", "LastMsgTime", "SubscriberNum", "Introduction",
               "FaceUrl", "Organization", "CustomString", "MaxSubscriberNum")
SELF_FIELDS = ("SubscribeTime", "CustomString")
ADD_RESULTS = {0: "failed", 1: "subscribed", 2: "already subscribed"}
DELETE_RESULTS = {0: "failed", 1: "unsubscribed", 2: "was not subscribed"}


@dataclass(kw_only=True)
class OfficialAccount(ItemResult):
    """An official account (`id` is its `@TOA#_` ID). Fields the filter left out keep defaults."""
    name: str = ""
    owner: str = ""
    introduction: str = ""
    face_url: str = ""
    organization: str = ""
    custom: str = ""
    create_time: int = 0
    last_msg_time: int = 0
    subscriber_num: int = 0
    max_subscriber_num: int = 0
    self_info: dict[str, Any] = field(default_factory=dict)   # subscribed-account lists only


@dataclass(kw_only=True)
class OfficialAccountCreated(Result):
    account_id: str = ""


@dataclass(kw_only=True)
class SubscriberResult(MemberAdd):
    """`result` as sent: add 0 failed / 1 subscribed / 2 already; delete 0 failed / 1 removed /
    2 was not subscribed. `ok` is False only for 0."""


@dataclass(kw_only=True)
class Subscriber(Result):
    user_id: str = ""
    subscribe_time: int = 0
    custom: str = ""
    msg_flag: str = ""
    last_send_msg_time: int = 0


@dataclass(kw_only=True)
class SubscriberPage(Result):
    items: list[Subscriber] = field(default_factory=list)
    total: int = 0
    next: str = ""
    has_more: bool = False


@dataclass(kw_only=True)
class SubscribedPage(Result):
    items: list[OfficialAccount] = field(default_factory=list)
    total: int = 0
    next_offset: int = 0
    has_more: bool = False


@dataclass(kw_only=True)
class OfficialMessageSent(Result):
    msg_key: str = ""
    msg_time: int = 0


@dataclass(kw_only=True)
class OfficialRecall(ItemResult):
    """One recalled key (`id` is the MsgKey); `code` is the RetCode (0 = recalled)."""
    msg_seq: int = 0


@dataclass(kw_only=True)
class OfficialMessage(GroupMessage):
    """A message of an official account's history (`sender` is the account's ID)."""
    msg_key: str = ""
    cloud_custom_data: str = ""


@dataclass(kw_only=True)
class OfficialMessagePage(Result):
    messages: list[OfficialMessage] = field(default_factory=list)
    finished: int = 1                     # IsFinished as sent
    last_msg_key: str = ""                # LastMsgKey for the next (older) page
    has_more: bool = False


def _account_id(name: str, value: Any) -> str:
    return check_str(name, value, max_bytes=MAX_ID_BYTES)


def _profile(values: dict[str, Any]) -> dict:
    body = {}
    for key, value in values.items():
        if value is not None:
            body[FIELDS[key]] = check_str(key, value, max_bytes=LIMITS[key], allow_empty=key != "name")
    return body


def _account(entry: dict) -> OfficialAccount:
    code = int(entry.get("ErrorCode") or 0)
    own = entry.get("SelfInfo") or {}
    return OfficialAccount(
        id=entry.get("Official_Account"), ok=code == 0, code=code, info=entry.get("ErrorInfo") or "",
        name=entry.get("Name") or "", owner=entry.get("Owner_Account") or "",
        introduction=entry.get("Introduction") or "", face_url=entry.get("FaceUrl") or "",
        organization=entry.get("Organization") or "", custom=entry.get("CustomString") or "",
        create_time=int(entry.get("CreateTime") or 0), last_msg_time=int(entry.get("LastMsgTime") or 0),
        subscriber_num=int(entry.get("SubscriberNum") or 0),
        max_subscriber_num=int(entry.get("MaxSubscriberNum") or 0),
        self_info={"subscribe_time": int(own.get("SubscribeTime") or 0), "custom": own.get("CustomString") or ""}
        if own else {}, raw=entry)


def _filter(name: str, values: Iterable[str] | None, allowed: tuple) -> list[str] | None:
    if values is None:
        return None
    return [check_enum(f"{name} item", v, allowed) for v in check_list(name, values)]


class OfficialAccountAPI(Namespace):
    name = "official_account"

    # --- accounts ----------------------------------------------------------------------------

    def create(self, owner: str, name: str, *, account_id: str | None = None, introduction: str | None = None,
               face_url: str | None = None, organization: str | None = None, custom: str | None = None,
               max_subscribers: int | None = None) -> OfficialAccountCreated:
        """Create an official account owned by the app user `owner`; `account_id` (starting with
        `@TOA#_`) chooses its ID, else the service makes one (returned as `account_id`)."""
        body: dict[str, Any] = {"Owner_Account": check_user_id("owner", owner)}
        if account_id is not None:
            _account_id("account_id", account_id)
            if not account_id.startswith(PREFIX) or account_id == PREFIX:
                raise invalid(f"account_id must start with {PREFIX} and go on, got {account_id!r}")
            body["OfficialAccountUserID"] = account_id
        body.update(_profile({"name": name, "introduction": introduction, "face_url": face_url,
                              "organization": organization, "custom": custom}))
        if max_subscribers is not None:
            body["MaxSubscriberNum"] = check_int("max_subscribers", max_subscribers, lo=1)
        raw = self._call(CREATE, body, op="create")
        return OfficialAccountCreated(account_id=raw.get("OfficialAccountUserID") or account_id or "", raw=raw)

    def destroy(self, account_id: str) -> Result:
        raw = self._call(DESTROY, {"Official_Account": _account_id("account_id", account_id)}, op="destroy")
        return Result(raw=raw)

    def update(self, account_id: str, *, name: str | None = None, introduction: str | None = None,
               face_url: str | None = None, organization: str | None = None, custom: str | None = None,
               max_subscribers: int | None = None) -> Result:
        """Change the given profile fields (None leaves a field as it is)."""
        body: dict[str, Any] = {"Official_Account": _account_id("account_id", account_id)}
        body.update(_profile({"name": name, "introduction": introduction, "face_url": face_url,
                              "organization": organization, "custom": custom}))
        if max_subscribers is not None:
            body["MaxSubscriberNum"] = check_int("max_subscribers", max_subscribers, lo=1)
        if len(body) == 1:
            raise invalid("nothing to update: give at least one field")
        return Result(raw=self._call(MODIFY, body, op="update", retry_safe=True))

    def get_accounts(self, account_ids: Iterable[str], fields: Iterable[str] | None = None
                     ) -> BatchResult[OfficialAccount]:
        """Profiles of official accounts (50 per call); `fields` limits them to some of
        BASE_FIELDS. An unknown account fails per item (130004)."""
        ids = [_account_id("account_ids item", a) for a in check_list("account_ids", account_ids)]
        if len(set(ids)) != len(ids):
            raise invalid("account_ids contains duplicates")
        wanted = _filter("fields", fields, BASE_FIELDS)

        def fetch(chunk: list[str]) -> BatchResult[OfficialAccount]:
            body: dict[str, Any] = {"OfficialAccountIdList": [{"Official_Account": a} for a in chunk]}
            if wanted is not None:
                body["ResponseFilter"] = {"OfficialAccountBaseInfoFilter": wanted}
            raw = self._call(INFO, body, op="get_accounts", retry_safe=True)
            found = {e.get("Official_Account"): _account(e) for e in raw.get("OfficialAccountInfoList") or []}
            return BatchResult(items=items_in_order(chunk, found, not_returned(OfficialAccount)), raw=raw,
                               **envelope(raw))
        return in_batches(ids, MAX_INFO, fetch)

    def get_account(self, account_id: str, fields: Iterable[str] | None = None) -> OfficialAccount:
        return self._one(self.get_accounts([account_id], fields), INFO)

    # --- subscribers -------------------------------------------------------------------------

    def add_subscribers(self, account_id: str, user_ids: Iterable[str]) -> BatchResult[SubscriberResult]:
        """Subscribe users to the account (100 per call). Per item `result`: 0 failed (unknown
        user, refused by the app, account full), 1 subscribed, 2 already subscribed."""
        oa = _account_id("account_id", account_id)
        ids = check_user_ids("user_ids", user_ids)
        return in_batches(ids, MAX_SUBSCRIBERS_PER_CALL, lambda chunk: self._subscribers(
            ADD, "add_subscribers", {"Official_Account": oa,
                                     "SubscriberList": [{"Subscriber_Account": u} for u in chunk]},
            chunk, ADD_RESULTS))

    def delete_subscribers(self, account_id: str, user_ids: Iterable[str]) -> BatchResult[SubscriberResult]:
        """Unsubscribe users (100 per call). `result` 1 removed, 2 was not subscribed."""
        oa = _account_id("account_id", account_id)
        ids = check_user_ids("user_ids", user_ids)
        return in_batches(ids, MAX_SUBSCRIBERS_PER_CALL, lambda chunk: self._subscribers(
            DELETE, "delete_subscribers", {"Official_Account": oa, "SubscriberToDel_Account": chunk},
            chunk, DELETE_RESULTS))

    def _subscribers(self, endpoint: str, op: str, body: dict, ids: list[str],
                     meanings: dict[int, str]) -> BatchResult[SubscriberResult]:
        raw = self._call(endpoint, body, op=op)
        items = outcome_items(raw, "SubscriberList", "Subscriber_Account", ids, SubscriberResult, meanings)
        return BatchResult(items=items, raw=raw, **envelope(raw))

    def update_subscriber(self, account_id: str, user_id: str, custom: str) -> Result:
        """Set a subscriber's custom string."""
        body = {"Official_Account": _account_id("account_id", account_id),
                "Subscriber_Account": check_user_id("user_id", user_id),
                "CustomString": check_str("custom", custom, max_bytes=MAX_SUBSCRIBER_CUSTOM, allow_empty=True)}
        return Result(raw=self._call(MODIFY_SUBSCRIBER, body, op="update_subscriber", retry_safe=True))

    def fetch_subscribers(self, account_id: str, next: str = "", limit: int = 100) -> SubscriberPage:
        """One page of the account's subscribers (`next` from the previous page, "" first)."""
        body = {"Official_Account": _account_id("account_id", account_id),
                "Limit": check_int("limit", limit, lo=1, hi=MAX_SUBSCRIBER_PAGE),
                "Next": check_str("next", next, allow_empty=True)}
        raw = self._call(SUBSCRIBERS, body, op="fetch_subscribers", retry_safe=True)
        subscribers = [Subscriber(user_id=e.get("Subscriber_Account") or "",
                                  subscribe_time=int(e.get("SubscribeTime") or 0),
                                  custom=e.get("CustomString") or "", msg_flag=str(e.get("MsgFlag") or ""),
                                  last_send_msg_time=int(e.get("LastSendMsgTime") or 0), raw=e)
                       for e in raw.get("SubscriberList") or []]
        cursor = str(raw.get("Next") or "")
        return SubscriberPage(items=subscribers, total=int(raw.get("SubscriberNum") or 0), next=cursor,
                              has_more=bool(cursor), raw=raw)

    def iter_subscribers(self, account_id: str, page_size: int = 100) -> Iterator[Subscriber]:
        return paginate(lambda cursor: self.fetch_subscribers(account_id, cursor, page_size), "",
                        lambda page: page.items, lambda page: page.next if page.has_more else None)

    def fetch_subscribed_accounts(self, user_id: str, offset: int = 0, limit: int = MAX_SUBSCRIBED_PAGE,
                                  fields: Iterable[str] | None = None,
                                  self_fields: Iterable[str] | None = None) -> SubscribedPage:
        """One page of the official accounts `user_id` subscribes to, with the user's own
        subscription data in each item's `self_info`."""
        body: dict[str, Any] = {"Subscriber_Account": check_user_id("user_id", user_id),
                                "Offset": check_int("offset", offset),
                                "Limit": check_int("limit", limit, lo=1, hi=MAX_SUBSCRIBED_PAGE)}
        flt = drop_none({"OfficialAccountBaseInfoFilter": _filter("fields", fields, BASE_FIELDS),
                         "SelfInfoFilter": _filter("self_fields", self_fields, SELF_FIELDS)})
        if flt:
            body["ResponseFilter"] = flt
        raw = self._call(SUBSCRIBED, body, op="fetch_subscribed_accounts", retry_safe=True)
        accounts = [_account(e) for e in raw.get("OfficialAccountInfoList") or []]
        done = int(raw.get("CompleteFlag") or 0) == 1
        return SubscribedPage(items=accounts, total=int(raw.get("TotalCount") or 0),
                              next_offset=int(raw.get("Next") or 0), has_more=not done, raw=raw)

    def iter_subscribed_accounts(self, user_id: str, page_size: int = MAX_SUBSCRIBED_PAGE
                                 ) -> Iterator[OfficialAccount]:
        return paginate(lambda offset: self.fetch_subscribed_accounts(user_id, offset, page_size), 0,
                        lambda page: page.items, lambda page: page.next_offset if page.has_more else None)

    # --- messages ----------------------------------------------------------------------------

    def send_message(self, account_id: str, body: Any, *, random: int | None = None, online_only: bool = False,
                     no_last_msg: bool = False, forbid_callbacks: Iterable[str] | None = None,
                     offline_push_info: Any = None, cloud_custom_data: str | None = None) -> OfficialMessageSent:
        """Broadcast a message to every subscriber (`body`: text, an element or a list of them).
        A repeat of the same body and `random` within 5 minutes returns the first `msg_key`."""
        payload: dict[str, Any] = {"Official_Account": _account_id("account_id", account_id),
                                   "Random": check_int("random", random) if random is not None else new_random(),
                                   "MsgBody": msg_body("body", body)}
        if online_only:
            if no_last_msg:
                raise invalid("no_last_msg cannot be combined with online_only")
            payload["OnlineOnlyFlag"] = 1
        if no_last_msg:
            payload["SendMsgControl"] = ["NoLastMsg"]
        payload.update(delivery_options(forbid_callbacks=forbid_callbacks, offline_push_info=offline_push_info,
                                        cloud_custom_data=cloud_custom_data))
        check_message_size("message", payload)
        raw = self._call(SEND, payload, op="send_message")
        return OfficialMessageSent(msg_key=raw.get("MsgKey") or "", msg_time=int(raw.get("MsgTime") or 0), raw=raw)

    def revoke_messages(self, account_id: str, msg_keys: Iterable[str],
                        reason: str | None = None) -> BatchResult[OfficialRecall]:
        """Recall messages by key (10 per call); each item's `code` is its RetCode (0 = recalled)."""
        oa = _account_id("account_id", account_id)
        keys = [check_str("msg_keys item", k) for k in check_list("msg_keys", msg_keys)]
        if len(set(keys)) != len(keys):
            raise invalid("msg_keys contains duplicates")
        extra = {} if reason is None else {"Reason": check_str("reason", reason, max_bytes=MAX_REASON,
                                                                 allow_empty=True)}

        def recall(chunk: list[str]) -> BatchResult[OfficialRecall]:
            raw = self._call(RECALL, {"Official_Account": oa, "MsgKeyList": chunk, **extra}, op="revoke_messages")
            found = {}
            for entry in raw.get("RecallRetList") or []:
                code = int(entry.get("RetCode") or 0)
                found[entry.get("MsgKey")] = OfficialRecall(id=entry.get("MsgKey"), ok=code == 0, code=code,
                                                            msg_seq=int(entry.get("MsgSeq") or 0), raw=entry)
            return BatchResult(items=items_in_order(chunk, found, not_returned(OfficialRecall)), raw=raw,
                               **envelope(raw))
        return in_batches(keys, MAX_RECALL, recall)

    def revoke_message(self, account_id: str, msg_key: str) -> OfficialRecall:
        return self._one(self.revoke_messages(account_id, [msg_key]), RECALL)

    def fetch_messages(self, account_id: str, last_msg_key: str | None = None, count: int = MAX_HISTORY_PAGE,
                       with_recalled: bool = False) -> OfficialMessagePage:
        """One page of the account's history, newest first, older than `last_msg_key`."""
        body: dict[str, Any] = {"Official_Account": _account_id("account_id", account_id),
                                "ReqMsgNumber": check_int("count", count, lo=1, hi=MAX_HISTORY_PAGE)}
        if last_msg_key:
            body["LastMsgKey"] = check_str("last_msg_key", last_msg_key)
        if with_recalled:
            body["WithRecalledMsg"] = 1
        raw = self._call(HISTORY, body, op="fetch_messages", retry_safe=True)
        messages = [OfficialMessage(sender=received_text(e.get("From_Account")),
                                    msg_key=received_text(e.get("MsgKey")),
                                    msg_seq=received_int(e.get("MsgSeq")), msg_random=received_int(e.get("MsgRandom")),
                                    msg_time=received_int(e.get("MsgTimeStamp"), 2**32 - 1),
                                    body=received_body(e.get("MsgBody")),
                                    cloud_custom_data=received_text(e.get("CloudCustomData")),
                                    priority=received_int(e.get("MsgPriority")), place=received_int(e.get("IsPlaceMsg")),
                                    system=bool(e.get("IsSystemMsg")), raw=e)
                    for e in raw.get("RspMsgList") or [] if isinstance(e, dict)]
        finished = int(raw.get("IsFinished") if raw.get("IsFinished") is not None else 1)
        last = str(raw.get("LastMsgKey") or "")
        return OfficialMessagePage(messages=messages, finished=finished, last_msg_key=last,
                                   has_more=finished == 0 and bool(last) and bool(messages), raw=raw)

    def iter_messages(self, account_id: str, page_size: int = MAX_HISTORY_PAGE,
                      with_recalled: bool = False) -> Iterator[OfficialMessage]:
        """The whole history, newest first, page by page on demand."""
        return paginate(lambda key: self.fetch_messages(account_id, key, page_size, with_recalled), None,
                        lambda page: page.messages, lambda page: page.last_msg_key if page.has_more else None)
