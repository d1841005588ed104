"""One-to-one messages (`openim/*`). Seed module: Private."""
from __future__ import annotations

import time
from typing import Any, Iterable, Iterator

from console.tim.api._base import (
    MAX_MSG_LIFETIME, UINT32_MAX, Namespace, check_enum, check_forbid_callbacks, check_int, check_list, check_message_size,
    check_str, check_user_id, check_user_ids, drop_none, envelope, error_list, flag, invalid, items_in_order, msg_body,
    new_random, offline_push, paginate,
)
from console.tim.api.c2c_history import C2CHistoryMixin
from console.tim.messages import received_body, received_int, received_text
from console.tim.results import (
    BatchSendResult, C2CMessage, C2CMessagePage, ItemResult, Result, SendResult, UnreadCount, UnreadResult,
)

MAX_BATCH_RECIPIENTS = 500           # batchsendmsg
MAX_UNREAD_PEERS = 10                # get_c2c_unread_msg_num Peer_Account
DEFAULT_PAGE = 100                   # admin_getroammsg MaxCnt (cap undocumented)

SEND, BATCH_SEND, IMPORT = "openim/sendmsg", "openim/batchsendmsg", "openim/importmsg"
ROAM, WITHDRAW = "openim/admin_getroammsg", "openim/admin_msgwithdraw"
SET_READ, UNREAD = "openim/admin_set_msg_read", "openim/get_c2c_unread_msg_num"

SEND_CONTROLS = ("NoUnread", "NoLastMsg", "WithMuteNotifications")
SYNC_OTHER_MACHINE = (1, 2)          # 1 copy to the sender's devices and history, 2 don't
IMPORT_HISTORY, IMPORT_LIVE = 2, 5   # SyncFromOldSystem


def message_options(*, sender, lifetime, sync_other_machine, msg_seq, cloud_custom_data, send_control,
                    offline_push_info, online_only, need_read_receipt) -> dict:
    """The optional fields shared by sendmsg and batchsendmsg, checked."""
    opts: dict[str, Any] = {}
    if sender is not None:
        opts["From_Account"] = check_user_id("sender", sender)
    if lifetime is not None:
        opts["MsgLifeTime"] = check_int("lifetime", lifetime, hi=MAX_MSG_LIFETIME)
    if sync_other_machine is not None:
        opts["SyncOtherMachine"] = check_enum("sync_other_machine", sync_other_machine, SYNC_OTHER_MACHINE)
    if msg_seq is not None:
        opts["MsgSeq"] = check_int("msg_seq", msg_seq)
    if cloud_custom_data is not None:
        opts["CloudCustomData"] = check_str("cloud_custom_data", cloud_custom_data, allow_empty=True)
    if send_control:
        opts["SendMsgControl"] = [check_enum("send_control", c, SEND_CONTROLS)
                                  for c in check_list("send_control", send_control)]
    if online_only:
        opts["OnlineOnlyFlag"] = 1
    if need_read_receipt:
        opts["IsNeedReadReceipt"] = 1
    opts["OfflinePushInfo"] = offline_push(offline_push_info)
    return drop_none(opts)


def _message(entry: dict) -> C2CMessage:
    """One message of a history answer; fields of the wrong type (a custom client, a broken
    store) read as empty, never an exception (console.tim.messages.received_*)."""
    return C2CMessage(sender=received_text(entry.get("From_Account")), to=received_text(entry.get("To_Account")),
                      msg_seq=received_int(entry.get("MsgSeq")), msg_random=received_int(entry.get("MsgRandom")),
                      msg_time=received_int(entry.get("MsgTimeStamp"), UINT32_MAX),
                      msg_key=received_text(entry.get("MsgKey")), flag_bits=received_int(entry.get("MsgFlagBits")),
                      peer_read=bool(entry.get("IsPeerRead")), body=received_body(entry.get("MsgBody")),
                      cloud_custom_data=received_text(entry.get("CloudCustomData")), raw=entry)


class C2CAPI(C2CHistoryMixin, Namespace):
    name = "c2c"

    def send_message(self, to: str, body: Any, *, sender: str | None = None, lifetime: int | None = None,
                     sync_other_machine: int | None = None, msg_seq: int | None = None,
                     msg_random: int | None = None, cloud_custom_data: str | None = None,
                     send_control: Iterable[str] | None = None, forbid_callbacks: Iterable[str] | None = None,
                     offline_push_info: Any = None, online_only: bool = False,
                     need_read_receipt: bool = False, support_extension: bool | None = None) -> SendResult:
        """Send one message to `to` (from the admin, or from `sender`).

        `body`: a string (one text element), an element, or a list of elements
        (console.tim.messages builders or {"MsgType", "MsgContent"} dicts).
        """
        payload = {"To_Account": check_user_id("to", to),
                   "MsgRandom": check_int("msg_random", msg_random) if msg_random is not None else new_random(),
                   "MsgBody": msg_body("body", body),
                   **message_options(sender=sender, lifetime=lifetime, sync_other_machine=sync_other_machine,
                                     msg_seq=msg_seq, cloud_custom_data=cloud_custom_data,
                                     send_control=send_control, offline_push_info=offline_push_info,
                                     online_only=online_only, need_read_receipt=need_read_receipt)}
        forbid = check_forbid_callbacks(forbid_callbacks)
        if forbid:
            payload["ForbidCallbackControl"] = forbid
        if support_extension is not None:
            payload["SupportMessageExtension"] = flag(support_extension)
        check_message_size("message", payload)
        raw = self._call(SEND, payload, op="send_message")
        return SendResult(msg_key=raw.get("MsgKey", ""), msg_time=int(raw.get("MsgTime") or 0),
                          msg_id=raw.get("MsgId", ""), raw=raw)

    def send_messages(self, to: Iterable[str], body: Any, *, sender: str | None = None,
                      lifetime: int | None = None, sync_other_machine: int | None = None,
                      msg_seq: int | None = None, msg_random: int | None = None,
                      cloud_custom_data: str | None = None, send_control: Iterable[str] | None = None,
                      offline_push_info: Any = None, online_only: bool = False,
                      need_read_receipt: bool = False) -> BatchSendResult:
        """Send one message to up to 500 users (no callbacks). One item per recipient.

        When every recipient fails the service answers FAIL with a non-zero code and an ErrorList;
        that is returned as an all-failed result (code/info hold the request code), not raised.
        """
        ids = check_user_ids("to", to, max_items=MAX_BATCH_RECIPIENTS)
        payload = {"To_Account": ids,
                   "MsgRandom": check_int("msg_random", msg_random) if msg_random is not None else new_random(),
                   "MsgBody": msg_body("body", body),
                   **message_options(sender=sender, lifetime=lifetime, sync_other_machine=sync_other_machine,
                                     msg_seq=msg_seq, cloud_custom_data=cloud_custom_data,
                                     send_control=send_control, offline_push_info=offline_push_info,
                                     online_only=online_only, need_read_receipt=need_read_receipt)}
        check_message_size("message", payload)
        raw = self._call_batch(BATCH_SEND, payload, op="send_messages")
        items = items_in_order(ids, error_list(raw), lambda i: ItemResult(id=i))
        return BatchSendResult(items=items, msg_key=raw.get("MsgKey", ""), msg_id=raw.get("MsgId", ""),
                               action_status=raw.get("ActionStatus", ""), raw=raw, **envelope(raw))

    def import_message(self, sender: str, to: str, body: Any, timestamp: int, *, msg_random: int | None = None,
                       msg_seq: int | None = None, realtime: bool = False,
                       cloud_custom_data: str | None = None) -> Result:
        """Import one historical message (`realtime`: counted as unread and pushed, mode 5)."""
        payload = drop_none({
            "SyncFromOldSystem": IMPORT_LIVE if realtime else IMPORT_HISTORY,
            "From_Account": check_user_id("sender", sender),
            "To_Account": check_user_id("to", to),
            "MsgSeq": check_int("msg_seq", msg_seq) if msg_seq is not None else None,
            "MsgRandom": check_int("msg_random", msg_random) if msg_random is not None else new_random(),
            "MsgTimeStamp": check_int("timestamp", timestamp),
            "MsgBody": msg_body("body", body),
            "CloudCustomData": (check_str("cloud_custom_data", cloud_custom_data, allow_empty=True)
                                if cloud_custom_data is not None else None),
        })
        check_message_size("message", payload)
        # Same seq + random + timestamp is the same message for the service: safe to repeat.
        return Result(raw=self._call(IMPORT, payload, op="import_message", retry_safe=True))

    def fetch_messages(self, user_id: str, peer_id: str, *, min_time: int = 0, max_time: int | None = None,
                       max_count: int = DEFAULT_PAGE, last_msg_key: str | None = None) -> C2CMessagePage:
        """One page of the conversation history as `user_id` sees it, newest pages first."""
        body = drop_none({
            "Operator_Account": check_user_id("user_id", user_id),
            "Peer_Account": check_user_id("peer_id", peer_id),
            "MaxCnt": check_int("max_count", max_count, lo=1),
            "MinTime": check_int("min_time", min_time),
            "MaxTime": check_int("max_time", max_time if max_time is not None else int(time.time())),
            "LastMsgKey": check_str("last_msg_key", last_msg_key) if last_msg_key is not None else None,
        })
        if body["MinTime"] > body["MaxTime"]:
            raise invalid("min_time is after max_time")
        raw = self._call(ROAM, body, op="fetch_messages", retry_safe=True)
        complete = int(raw.get("Complete") or 0) == 1
        return C2CMessagePage(messages=[_message(e) for e in raw.get("MsgList") or [] if isinstance(e, dict)],
                              complete=complete,
                              last_msg_time=int(raw.get("LastMsgTime") or 0),
                              last_msg_key=raw.get("LastMsgKey", ""), has_more=not complete, raw=raw)

    def iter_messages(self, user_id: str, peer_id: str, *, min_time: int = 0, max_time: int | None = None,
                      page_size: int = DEFAULT_PAGE) -> Iterator[C2CMessage]:
        """Every message in [min_time, max_time], page by page on demand (newest pages first)."""
        start = (max_time if max_time is not None else int(time.time()), None)
        return paginate(
            lambda cursor: self.fetch_messages(user_id, peer_id, min_time=min_time, max_time=cursor[0],
                                               max_count=page_size, last_msg_key=cursor[1]),
            start, lambda page: page.messages,
            lambda page: (page.last_msg_time, page.last_msg_key) if page.has_more and page.last_msg_key else None)

    def revoke_message(self, sender: str, to: str, msg_key: str) -> Result:
        """Recall a message by its MsgKey (not repeatable: a second recall answers 20023)."""
        body = {"From_Account": check_user_id("sender", sender), "To_Account": check_user_id("to", to),
                "MsgKey": check_str("msg_key", msg_key, max_bytes=50)}
        return Result(raw=self._call(WITHDRAW, body, op="revoke_message"))

    def set_message_read(self, user_id: str, peer_id: str, read_time: int | None = None) -> Result:
        """Mark `user_id`'s conversation with `peer_id` read (up to `read_time`, default now)."""
        body = {"Report_Account": check_user_id("user_id", user_id), "Peer_Account": check_user_id("peer_id", peer_id)}
        if read_time is not None:
            body["MsgReadTime"] = check_int("read_time", read_time)
        return Result(raw=self._call(SET_READ, body, op="set_message_read", retry_safe=True))

    def get_unread_message_num(self, user_id: str, peer_ids: Iterable[str] | None = None) -> UnreadResult:
        """Total unread C2C count of `user_id`, or the counts for up to 10 peers (one item each)."""
        body: dict[str, Any] = {"To_Account": check_user_id("user_id", user_id)}
        ids: list[str] = []
        if peer_ids is not None:
            ids = check_user_ids("peer_ids", peer_ids, max_items=MAX_UNREAD_PEERS)
            body["Peer_Account"] = ids
        raw = self._call(UNREAD, body, op="get_unread_message_num", retry_safe=True)
        found = {}
        for entry in raw.get("C2CUnreadMsgNumList") or []:
            found[entry.get("Peer_Account")] = UnreadCount(id=entry.get("Peer_Account"),
                                                           count=int(entry.get("C2CUnreadMsgNum") or 0), raw=entry)
        found.update(error_list(raw, UnreadCount, "Peer_Account"))
        total = raw.get("AllC2CUnreadMsgNum")
        items = items_in_order(ids, found, lambda i: UnreadCount(id=i, ok=False, code=None,
                                                                 info="not in the service's answer"))
        return UnreadResult(items=items, total=int(total) if total is not None else None, raw=raw, **envelope(raw))
