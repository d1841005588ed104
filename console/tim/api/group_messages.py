"""Message depth of `client.group` (mixed into GroupAPI): read receipts, edits, clearing, broadcasts.

- `group_msg_receipt`: a member reports messages as read (they were sent with NeedReadReceipt);
  `get_group_msg_receipt` counts readers and non-readers per message;
  `get_group_msg_receipt_detail` pages through who has (or has not) read one message.
- `openim/modify_group_msg` (note the `openim` service): overwrite a stored message's MsgBody
  and/or CloudCustomData.
- `clear_group_msg`: hide a group's history (all of it, or up to a seq) from the members.
- `send_broadcast_msg`: one message to every AVChatRoom of the app.

What we relied on where ../shared/spec is silent (Tencent's pages 1047/49438, 1047/49439,
1047/47948, 1047/65970, 1047/49440, and the field names of `group_msg_receipt` as the doocs
Java SDK sends them, read with the search tool):
- receipts are for Private, Public and ChatRoom groups (AVChatRoom and Community: 10007); a
  report names the reader in `From_Account` and at most 50 messages in `MsgSeqList`; a message
  without receipts answers `Code` 10062 in `GroupMsgReceiptList`; the detail call takes `Filter`
  0 (readers) or 1 (non-readers), a `Cursor` ("" first) and `Count` (at most 200), and answers
  `ReadList` [{Read_Account}] or `UnreadList` [{Unread_Account}], `Cursor` and `IsFinish`.
  Each report makes IM send `Group.CallbackAfterReadReceipt`.
- `modify_group_msg` takes GroupId, MsgSeq, MsgBody and/or CloudCustomData, TopicId; AVChatRoom
  messages (never stored) cannot be edited. No callback is documented for an edit.
- `clear_group_msg` takes GroupId and an optional MsgSeq (messages with seq <= it are cleared;
  none: all); Community groups are refused. Cleared messages are only hidden from the members:
  the admin still reads them with `group_msg_get_simple`.
- `send_broadcast_msg` takes From_Account (optional), Random, MsgBody, CloudCustomData and answers
  MsgSeq; it is limited to 1 call a second; the same Random and body within 5 minutes is dropped
  as a repeat.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from console.tim.api._base import (
    check_group_id, check_int, check_list, check_message_size, check_str, check_user_id, chunks, envelope, invalid,
    items_in_order, merged, msg_body, new_random, not_returned, paginate,
)
from console.tim.results import BatchResult, ItemResult, Result

SVC = "group_open_http_svc/"
RECEIPT, RECEIPTS = SVC + "group_msg_receipt", SVC + "get_group_msg_receipt"
RECEIPT_DETAIL = SVC + "get_group_msg_receipt_detail"
MODIFY, CLEAR, BROADCAST = "openim/modify_group_msg", SVC + "clear_group_msg", SVC + "send_broadcast_msg"

MAX_RECEIPT_SEQS = 50
MAX_RECEIPT_PAGE = 200
NO_RECEIPT = 10062
SEQ_MAX = 2**63 - 1


@dataclass(kw_only=True)
class ReadReceipt(ItemResult):
    """Read counts of one message (`id` is its seq); a message without receipts fails with 10062."""
    msg_seq: int = 0
    read_num: int = 0
    unread_num: int = 0


@dataclass(kw_only=True)
class ReceiptMemberPage(Result):
    """Who has read (or not read) one message, one page."""
    msg_seq: int = 0
    read: bool = True                     # True: readers; False: members who have not read it
    accounts: list[str] = field(default_factory=list)
    cursor: str = ""                      # pass back for the next page
    has_more: bool = False


@dataclass(kw_only=True)
class BroadcastResult(Result):
    msg_seq: int = 0


def _seqs(msg_seqs: Any, max_items: int | None = None) -> list[int]:
    values = check_list("msg_seqs", msg_seqs, max_items=max_items)
    seqs = [check_int("msg_seqs item", s, lo=1, hi=SEQ_MAX) for s in values]
    if len(set(seqs)) != len(seqs):
        raise invalid("msg_seqs contains duplicates")
    return seqs


class GroupMessagesMixin:
    """Read receipts, message edits, history clearing and AVChatRoom broadcasts (mixed into GroupAPI)."""

    # --- read receipts --------------------------------------------------------------------------

    def send_read_receipts(self, group_id: str, reader: str, msg_seqs: Iterable[int]) -> Result:
        """Report that member `reader` has read these messages (up to 50)."""
        body = {"GroupId": check_group_id("group_id", group_id), "From_Account": check_user_id("reader", reader),
                "MsgSeqList": [{"MsgSeq": s} for s in _seqs(msg_seqs, MAX_RECEIPT_SEQS)]}
        return Result(raw=self._call(RECEIPT, body, op="send_read_receipts"))

    def get_read_receipts(self, group_id: str, msg_seqs: Iterable[int]) -> BatchResult[ReadReceipt]:
        """Read and unread counts per message, in request order (50 messages per call)."""
        gid = check_group_id("group_id", group_id)
        seqs = _seqs(msg_seqs)
        found, raws = {}, []
        for part in chunks(seqs, MAX_RECEIPT_SEQS):
            raw = self._call(RECEIPTS, {"GroupId": gid, "MsgSeqList": [{"MsgSeq": s} for s in part]},
                             op="get_read_receipts", retry_safe=True)
            raws.append(raw)
            for entry in raw.get("GroupMsgReceiptList") or []:
                seq, code = int(entry.get("MsgSeq") or 0), int(entry.get("Code") or 0)
                found[seq] = ReadReceipt(id=seq, msg_seq=seq, ok=code == 0, code=code,
                                         info="no read receipt for this message" if code == NO_RECEIPT else "",
                                         read_num=int(entry.get("ReadNum") or 0),
                                         unread_num=int(entry.get("UnreadNum") or 0), raw=entry)
        raw = merged(raws, "GroupMsgReceiptList")
        return BatchResult(items=items_in_order(seqs, found, not_returned(ReadReceipt)), raw=raw, **envelope(raw))

    def fetch_read_receipt_members(self, group_id: str, msg_seq: int, *, read: bool = True, cursor: str = "",
                                   count: int = 100) -> ReceiptMemberPage:
        """One page of the members who have read (`read=True`) or not yet read one message."""
        body = {"GroupId": check_group_id("group_id", group_id),
                "MsgSeq": check_int("msg_seq", msg_seq, lo=1, hi=SEQ_MAX), "Filter": 0 if read else 1,
                "Cursor": check_str("cursor", cursor, allow_empty=True),
                "Count": check_int("count", count, lo=1, hi=MAX_RECEIPT_PAGE)}
        raw = self._call(RECEIPT_DETAIL, body, op="fetch_read_receipt_members", retry_safe=True)
        if read:
            accounts = [e.get("Read_Account", "") for e in raw.get("ReadList") or []]
        else:
            accounts = [e.get("Unread_Account", "") for e in raw.get("UnreadList") or []]
        finished = int(raw.get("IsFinish", raw.get("IsFinished", 1)) or 0) == 1
        return ReceiptMemberPage(msg_seq=int(raw.get("MsgSeq") or msg_seq), read=read, accounts=accounts,
                                 cursor=str(raw.get("Cursor") or ""), has_more=not finished, raw=raw)

    def iter_read_receipt_members(self, group_id: str, msg_seq: int, *, read: bool = True,
                                  page_size: int = MAX_RECEIPT_PAGE) -> Iterator[str]:
        """Every reader (or non-reader) of one message, page by page on demand."""
        check_int("page_size", page_size, lo=1, hi=MAX_RECEIPT_PAGE)
        return paginate(lambda cur: self.fetch_read_receipt_members(group_id, msg_seq, read=read, cursor=cur,
                                                                    count=page_size), "",
                        lambda page: page.accounts, lambda page: page.cursor if page.has_more else None)

    # --- edits, clearing, broadcasts ------------------------------------------------------------

    def modify_message(self, group_id: str, msg_seq: int, *, body: Any = None, cloud_custom_data: str | None = None,
                       topic_id: str | None = None) -> Result:
        """Overwrite a stored message's body and/or CloudCustomData (not AVChatRoom; cannot be undone)."""
        if body is None and cloud_custom_data is None:
            raise invalid("modify_message needs body or cloud_custom_data")
        payload: dict[str, Any] = {"GroupId": check_group_id("group_id", group_id),
                                   "MsgSeq": check_int("msg_seq", msg_seq, lo=1, hi=SEQ_MAX)}
        if body is not None:
            payload["MsgBody"] = msg_body("body", body)
        if cloud_custom_data is not None:
            payload["CloudCustomData"] = check_str("cloud_custom_data", cloud_custom_data, allow_empty=True)
        if topic_id is not None:
            payload["TopicId"] = check_group_id("topic_id", topic_id)
        check_message_size("message", payload)
        return Result(raw=self._call(MODIFY, payload, op="modify_message"))

    def clear_messages(self, group_id: str, up_to_seq: int | None = None) -> Result:
        """Hide the group's history from its members: all of it, or messages with seq <= `up_to_seq`
        (not for Community groups). The admin can still read them with fetch_messages."""
        payload: dict[str, Any] = {"GroupId": check_group_id("group_id", group_id)}
        if up_to_seq is not None:
            payload["MsgSeq"] = check_int("up_to_seq", up_to_seq, lo=1, hi=SEQ_MAX)
        return Result(raw=self._call(CLEAR, payload, op="clear_messages"))

    def send_broadcast(self, body: Any, *, sender: str | None = None, cloud_custom_data: str | None = None,
                       random: int | None = None) -> BroadcastResult:
        """Send one message to every AVChatRoom of the app (at most 1 call a second)."""
        payload: dict[str, Any] = {"Random": check_int("random", random) if random is not None else new_random(),
                                   "MsgBody": msg_body("body", body)}
        if sender is not None:
            payload["From_Account"] = check_user_id("sender", sender)
        if cloud_custom_data is not None:
            payload["CloudCustomData"] = check_str("cloud_custom_data", cloud_custom_data, allow_empty=True)
        check_message_size("message", payload)
        raw = self._call(BROADCAST, payload, op="send_broadcast")
        return BroadcastResult(msg_seq=int(raw.get("MsgSeq") or 0), raw=raw)
