"""Editing and clearing group history, and broadcasting to every AVChatRoom:
`openim/modify_group_msg`, `group_open_http_svc/clear_group_msg`, `group_open_http_svc/send_broadcast_msg`.

- modify_group_msg overwrites a stored message's MsgBody and/or CloudCustomData (MsgBody checked as
  the openim commands do: 90007 / 90002 / 93000); a message that is not in the history (never
  sent, recalled, a tip) or a request naming neither field answers 20001, the code this page
  documents for an invalid request; AVChatRoom keeps no history (10007). IM documents no callback.
- clear_group_msg hides the history up to MsgSeq (or all of it) from the members; the admin still
  reads it with group_msg_get_simple, so the history answers do not change: the mark is kept in
  `state.group_extras` (cleared_upto). Community groups are refused (10007).
- send_broadcast_msg (1 call a second) gives the message an app-wide broadcast seq and records it
  with the AVChatRooms it reached (`state.group_extras.broadcasts`); the same Random and body
  within 5 minutes answers the earlier broadcast's seq. AVChatRooms keep no messages, so nothing
  else changes; From_Account, when given, must be an imported account (10004).
"""
from __future__ import annotations

from ...registry import ApiError, endpoint
from ..c2c import message_body
from .base import SVC, _bad, _group, _int, _msg_body, _text, _too_long

INVALID_REQUEST = 20001


@endpoint("openim/modify_group_msg")
def modify_group_msg(ctx, body):
    seq = body.get("MsgSeq")
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise ApiError(INVALID_REQUEST, "MsgSeq must be a positive integer")
    new_body = message_body(body) if "MsgBody" in body else None
    custom = body.get("CloudCustomData")
    if custom is not None and not isinstance(custom, str):
        raise ApiError(INVALID_REQUEST, "CloudCustomData must be a string")
    if new_body is None and custom is None:
        raise ApiError(INVALID_REQUEST, "give MsgBody, CloudCustomData or both")
    with ctx.state.lock:
        group = _group(ctx, body, refuse=("AVChatRoom",))
        msg = group.find_message(seq)
        if msg is None or msg.recalled or msg.system:
            raise ApiError(INVALID_REQUEST, "no such message in the group's history")
        if new_body is not None:
            msg.body = new_body
        if custom is not None:
            msg.cloud_data = custom
        return {}


@endpoint(SVC + "clear_group_msg")
def clear_group_msg(ctx, body):
    upto = _int(body, "MsgSeq", low=1, high=2**63 - 1)
    with ctx.state.lock:
        group = _group(ctx, body, refuse=("Community",))
        last = group.next_msg_seq - 1
        extras = ctx.state.group_extras.of(group)
        extras.cleared_upto = max(extras.cleared_upto, min(last, upto) if upto is not None else last)
        return {}


@endpoint(SVC + "send_broadcast_msg", rate=1)
def send_broadcast_msg(ctx, body):
    rnd = _int(body, "Random", required=True)
    elems = _msg_body(body.get("MsgBody"))
    custom = _text(body, "CloudCustomData") or ""
    if _too_long(elems, custom):
        raise ApiError(80002, "message longer than 12 KB")
    sender = _text(body, "From_Account") or ctx.identifier
    if sender != ctx.identifier and not ctx.state.account_exists(sender):
        raise _bad("From_Account is not an imported account")
    with ctx.state.lock:
        rooms = [g.group_id for g in ctx.state.groups.groups.values() if g.type == "AVChatRoom"]
        sent = ctx.state.group_extras.broadcast(sender, rnd, elems, custom, ctx.now, rooms)
        return {"MsgSeq": sent["MsgSeq"]}
