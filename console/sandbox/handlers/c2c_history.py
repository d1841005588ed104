"""One-to-one history after the send: edits, one-sided deletes and read receipts (openim/*).

- `modify_c2c_msg` replaces a stored message's MsgBody and/or CloudCustomData (codes from its
  page: 90002/90007 bad MsgBody, 90010 bad CloudCustomData, 20003 unknown sender/recipient;
  an unknown or recalled MsgKey is 20001, "invalid request", the page lists no code of its
  own for it) and sends `C2C.CallbackAfterModifyMsg`.
- `delete_c2c_msg_ramble` hides up to 30 messages from `Operator_Account`'s history only; the
  peer still sees them (doc 269/101439). MsgKeys that match nothing are ignored.
- `c2c_msg_read_receipt` marks the peer's messages read by `Operator_Account` (`IsPeerRead`
  in the history) and sends `C2C.CallbackAfterMsgReadReceipt` (doc 269/104121, callback
  269/128223). Every item's From_Account must be the peer and To_Account the operator (20001).
"""
from __future__ import annotations

from ..registry import ApiError, endpoint
from ..state import conv_id
from .c2c import RECALLED, message_body, msg_id
from .common import account, items, text

INVALID = 20001
MAX_DELETE = 30


def _message(ctx, sender: str, receiver: str, key) -> dict:
    if not isinstance(key, str) or not key:
        raise ApiError(INVALID, "MsgKey must be a non-empty string")
    msg = ctx.state.find_c2c(sender, receiver, key)
    if msg is None or msg["MsgFlagBits"] & RECALLED:
        raise ApiError(INVALID, f"no message {key} from {sender} to {receiver}")
    return msg


@endpoint("openim/modify_c2c_msg", rate=200)
def modify_c2c_msg(ctx, body):
    changes = {}
    if "MsgBody" in body:
        changes["MsgBody"] = message_body(body)
    if "CloudCustomData" in body:
        if not isinstance(body["CloudCustomData"], str):
            raise ApiError(90010, "CloudCustomData must be a string")
        changes["CloudCustomData"] = body["CloudCustomData"]
    if not changes:
        raise ApiError(INVALID, "nothing to modify: give MsgBody and/or CloudCustomData")
    text(body, "To_Account", 90003)
    with ctx.state.lock:
        sender = account(ctx.state, body, "From_Account", 20003)
        receiver = account(ctx.state, body, "To_Account", 90012)
        msg = _message(ctx, sender, receiver, body.get("MsgKey"))
        msg.update(changes)
        event = {"Operator_Account": ctx.identifier, "From_Account": sender, "To_Account": receiver,
                 "MsgRandom": msg["MsgRandom"], "MsgSeq": msg["MsgSeq"], "MsgTime": msg["MsgTimeStamp"],
                 "MsgKey": msg["MsgKey"], "MsgBody": msg["MsgBody"], "CloudCustomData": msg["CloudCustomData"],
                 "EventTime": int(ctx.now * 1000)}
    ctx.callbacks.after("C2C.CallbackAfterModifyMsg", event)
    return {}


@endpoint("openim/delete_c2c_msg_ramble", rate=200)
def delete_c2c_msg_ramble(ctx, body):
    keys = items(body, "MsgKeyList", 90001, limit=MAX_DELETE, kind=str)
    with ctx.state.lock:
        operator = account(ctx.state, body, "Operator_Account", 90008)
        peer = account(ctx.state, body, "Peer_Account", 90003)
        wanted = set(keys)
        for msg in ctx.state.messages.get(conv_id(operator, peer), []):
            if msg["MsgKey"] in wanted and operator not in msg["HiddenFor"]:
                msg["HiddenFor"].append(operator)
    return {}


@endpoint("openim/c2c_msg_read_receipt", rate=200)
def c2c_msg_read_receipt(ctx, body):
    infos = items(body, "C2CMsgInfo", INVALID, kind=dict)
    with ctx.state.lock:
        operator = account(ctx.state, body, "Operator_Account", INVALID)
        peer = account(ctx.state, body, "Peer_Account", INVALID)
        found = []
        for info in infos:
            if info.get("From_Account") != peer or info.get("To_Account") != operator:
                raise ApiError(INVALID, "each C2CMsgInfo must go from Peer_Account to Operator_Account")
            found.append(_message(ctx, peer, operator, info.get("MsgKey")))
        receipts = []
        for msg in found:
            msg["IsPeerRead"] = 1
            receipts.append({"From_Account": peer, "To_Account": operator, "MsgKey": msg["MsgKey"],
                             "MsgId": msg_id(peer, msg["MsgTimeStamp"], msg["MsgRandom"])})
    ctx.callbacks.after("C2C.CallbackAfterMsgReadReceipt", {
        "Operator_Account": operator, "Peer_Account": peer, "C2CMsgInfo": receipts,
        "EventTime": int(ctx.now * 1000)})
    return {}
