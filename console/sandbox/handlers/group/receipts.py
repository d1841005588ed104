"""Group read receipts: `group_msg_receipt` (a member reports messages as read),
`get_group_msg_receipt` (read / unread counts) and `get_group_msg_receipt_detail` (who has or has
not read one message). State: `state.group_extras` (group_extras.py).

A message has receipts when it was sent with NeedReadReceipt 1 to a Private, Public or ChatRoom
group (send_group_msg calls `expect_receipts`); its audience is every member but the sender (or
the targeted members) at that moment. Other messages answer Code 10062. AVChatRoom and Community
groups are refused (10007), as is a report from someone who is not a member. A report that reads
something new sends Group.CallbackAfterReadReceipt with the new counts and the reader.
"""
from __future__ import annotations

from ...groups import Group, Message
from ...registry import ApiError, endpoint
from .base import SVC, _bad, _group, _int, _objects, _text
from .notify import _after

RECEIPT_TYPES = ("Private", "Public", "ChatRoom")
NOT_RECEIPT_TYPES = ("AVChatRoom", "Community")
SEQS_MAX = 50
DETAIL_PAGE_MAX = 200
NO_RECEIPT = 10062


def expect_receipts(ctx, group: Group, msg: Message) -> None:
    """Called by send_group_msg for a stored message sent with NeedReadReceipt 1."""
    if group.type in RECEIPT_TYPES and not msg.system:
        audience = msg.to_accounts or [a for a in group.members if a != msg.sender]
        ctx.state.group_extras.of(group).expect_receipts(msg.seq, [a for a in audience if a != msg.sender])


def _seqs(body: dict) -> list[int]:
    seqs = []
    for item in _objects(body, "MsgSeqList", required=True, limit=SEQS_MAX):
        seq = item.get("MsgSeq")
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
            raise _bad("MsgSeqList[].MsgSeq must be a positive integer")
        seqs.append(seq)
    return list(dict.fromkeys(seqs))


def _counts(group: Group, receipt: dict) -> tuple[int, int]:
    readers = set(receipt["readers"])
    unread = [a for a in receipt["audience"] if a in group.members and a not in readers]
    return len(readers), len(unread)


@endpoint(SVC + "group_msg_receipt")
def group_msg_receipt(ctx, body):
    reader = _text(body, "From_Account", required=True, allow_empty=False)
    seqs = _seqs(body)
    with ctx.state.lock:
        group = _group(ctx, body, refuse=NOT_RECEIPT_TYPES)
        if reader not in group.members:
            raise ApiError(10007, "From_Account is not a member of the group")
        extras = ctx.state.group_extras.of(group)
        reported = []
        for seq in seqs:
            receipt = extras.receipt(seq)
            if receipt is None or reader not in receipt["audience"] or reader in receipt["readers"]:
                continue
            receipt["readers"].append(reader)
            read, unread = _counts(group, receipt)
            reported.append({"MsgSeq": seq, "ReadNum": read, "UnreadNum": unread,
                             "ReadReceiptMembers": [{"Member_Account": reader}]})
        if reported:
            _after(ctx, "Group.CallbackAfterReadReceipt", group, GroupMsgReceiptList=reported)
        return {}


@endpoint(SVC + "get_group_msg_receipt")
def get_group_msg_receipt(ctx, body):
    seqs = _seqs(body)
    with ctx.state.lock:
        group = _group(ctx, body, refuse=NOT_RECEIPT_TYPES)
        extras = ctx.state.group_extras.peek(group)
        answers = []
        for seq in seqs:
            receipt = extras.receipt(seq) if extras else None
            if receipt is None:
                answers.append({"Code": NO_RECEIPT, "MsgSeq": seq, "ReadNum": 0, "UnreadNum": 0})
            else:
                read, unread = _counts(group, receipt)
                answers.append({"Code": 0, "MsgSeq": seq, "ReadNum": read, "UnreadNum": unread})
        return {"GroupMsgReceiptList": answers}


@endpoint(SVC + "get_group_msg_receipt_detail")
def get_group_msg_receipt_detail(ctx, body):
    seq = _int(body, "MsgSeq", required=True, low=1, high=2**63 - 1)
    unread_wanted = _int(body, "Filter", required=True, high=1)
    cursor = body.get("Cursor")
    if not isinstance(cursor, str) or (cursor and not cursor.isdigit()):
        raise _bad("Cursor must be \"\" or the Cursor of the previous answer")
    count = _int(body, "Count", required=True, low=1, high=DETAIL_PAGE_MAX)
    with ctx.state.lock:
        group = _group(ctx, body, refuse=NOT_RECEIPT_TYPES)
        extras = ctx.state.group_extras.peek(group)
        receipt = extras.receipt(seq) if extras else None
        if receipt is None:
            raise ApiError(NO_RECEIPT, "the message has no read receipt")
        readers = set(receipt["readers"])
        if unread_wanted:
            accounts = [a for a in receipt["audience"] if a in group.members and a not in readers]
        else:
            accounts = list(receipt["readers"])
        start = int(cursor or 0)
        page = accounts[start:start + count]
        end = start + len(page)
        finished = end >= len(accounts)
        answer = {"MsgSeq": seq, "IsFinish": 1 if finished else 0, "Cursor": "0" if finished else str(end)}
        if unread_wanted:
            answer["UnreadList"] = [{"Unread_Account": a} for a in page]
        else:
            answer["ReadList"] = [{"Read_Account": a} for a in page]
        return answer
