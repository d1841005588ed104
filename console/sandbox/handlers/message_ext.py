"""Message extensions (openim_msg_ext_http_svc/*): key-value pairs on C2C and group messages.

The data rules (Seq, ClearSeq, conflicts, limits) live in console/sandbox/messaging.py. Codes
from the four pages: 10004 invalid parameter, 23001 Seq conflict (per item), 23002 message sent
without extension support, 23003 over 200 sets a minute on one message, 23004 no such message.
An unknown or disbanded group is 10010 and a malformed GroupId 10015, as for the group APIs.
Group extensions are for Private, Public and ChatRoom groups only (10004 for the others: the
pages say "not supported" without a code). Successful sets send
`C2C.CallbackAfterC2CMsgExtension` / `Group.CallbackAfterGroupMsgExtension`.
"""
from __future__ import annotations

from ..messaging import (
    CLEAR, EXT_KEY_BYTES, EXT_MAX_PAIRS, EXT_MAX_PER_REQUEST, EXT_TOO_OFTEN, EXT_UNSUPPORTED, EXT_VALUE_BYTES,
    MSG_NOT_FOUND, SET, c2c_ext_key, group_ext_key,
)
from ..registry import ApiError, endpoint
from .c2c import RECALLED
from .common import integer, items, size, text

BAD = 10004
SVC = "openim_msg_ext_http_svc/"
GROUP_TYPES = ("Private", "Public", "ChatRoom")


# ---- finding the message -------------------------------------------------------------------

def _c2c_message(ctx, body: dict) -> tuple[str, dict]:
    """(extension key, callback fields) of the C2C message named by To_Account, MsgKey[, From_Account]."""
    receiver = text(body, "To_Account", BAD)
    sender = text(body, "From_Account", BAD, required=False)
    key = text(body, "MsgKey", BAD)
    state = ctx.state
    peers = [sender] if sender is not None else sorted(state.c2c_peers.get(receiver, ()))
    for peer in peers:
        msg = state.find_c2c(peer, receiver, key)
        if msg is not None and not msg["MsgFlagBits"] & RECALLED:
            return c2c_ext_key(peer, receiver, key), {"From_Account": peer, "To_Account": receiver, "MsgKey": key}
    raise ApiError(MSG_NOT_FOUND, "the one-to-one message does not exist")


def _group_message(ctx, body: dict) -> tuple[str, dict]:
    """(extension key, callback fields) of the group message named by GroupId and MsgSeq."""
    group_id = body.get("GroupId")
    if not isinstance(group_id, str) or not group_id or size(group_id) > 96:
        raise ApiError(10015, "invalid GroupId")
    seq = integer(body, "MsgSeq", BAD)
    group = ctx.state.groups.get(group_id)
    if group is None:
        raise ApiError(10010, "group does not exist or has been disbanded")
    if group.type not in GROUP_TYPES:
        raise ApiError(BAD, f"message extensions are not available in {group.type} groups")
    msg = group.find_message(seq)
    if msg is None or msg.system or msg.recalled:
        raise ApiError(MSG_NOT_FOUND, "the group message does not exist")
    return group_ext_key(group_id, seq), {"GroupId": group_id, "Type": group.type, "MsgSeq": seq}


def note_group_message(state, group, msg, body: dict) -> None:
    """Called by send_group_msg: a stored message sent with SupportMessageExtension 1, in a group
    type that has extensions, takes them."""
    if body.get("SupportMessageExtension") == 1 and group.type in GROUP_TYPES \
            and group.messages and group.messages[-1] is msg:
        state.messaging.enable_extensions(group_ext_key(group.group_id, msg.seq))


# ---- the shared halves of get and set --------------------------------------------------------

def _get(ctx, body: dict, key: str) -> dict:
    start = integer(body, "StartSeq", BAD, required=False, default=0)
    record = ctx.state.messaging.extension(key) or {"pairs": {}, "latest": 0, "clear": 0}
    page, complete = ctx.state.messaging.public_pairs(record, start)
    return {"CompleteFlag": int(complete), "LatestSeq": record["latest"], "ClearSeq": record["clear"],
            "ExtensionList": page}


def _request_items(body: dict, operation: int) -> list[dict]:
    if operation == CLEAR:
        return []
    entries = items(body, "ExtensionList", BAD, limit=EXT_MAX_PER_REQUEST, kind=dict)
    checked, seen = [], set()
    for entry in entries:
        key = text(entry, "Key", BAD, max_bytes=EXT_KEY_BYTES)
        if key in seen:
            raise ApiError(BAD, f"key {key} is listed twice")
        seen.add(key)
        item = {"Key": key}
        if operation == SET:
            value = entry.get("Value")
            if not isinstance(value, str) or size(value) > EXT_VALUE_BYTES:
                raise ApiError(BAD, f"Value of {key} must be a string of at most {EXT_VALUE_BYTES} bytes")
            item["Value"] = value
        if entry.get("Seq") is not None:
            item["Seq"] = integer(entry, "Seq", BAD, high=2 ** 63)
        checked.append(item)
    return checked


def _operation(body: dict) -> int:
    operation = body.get("OperateType")
    if operation not in (1, 2, 3) or isinstance(operation, bool):
        raise ApiError(BAD, "OperateType must be 1 (set), 2 (delete) or 3 (clear)")
    return operation


def _set(ctx, key: str, operation: int, requested: list[dict]) -> tuple[dict, list[dict], int]:
    """Apply a checked request to the message's extensions: (answer, changed pairs, new Seq)."""
    messaging = ctx.state.messaging
    record = messaging.extension(key)
    if record is None:
        raise ApiError(EXT_UNSUPPORTED, "the message was not sent with SupportMessageExtension")
    if operation == SET:
        new_keys = {i["Key"] for i in requested} - set(record["pairs"])
        if len(record["pairs"]) + len(new_keys) > EXT_MAX_PAIRS:
            raise ApiError(BAD, f"a message holds at most {EXT_MAX_PAIRS} key-value pairs")
    if not messaging.may_set(key, ctx.now):
        raise ApiError(EXT_TOO_OFTEN, "more than 200 extension changes a minute on this message")
    results, changed = messaging.apply(record, operation, requested)
    return {"ExtensionList": results}, changed, record["latest"]


# ---- endpoints ---------------------------------------------------------------------------------

def _read(ctx, body: dict, find) -> dict:
    with ctx.state.lock:
        key, _target = find(ctx, body)
        return _get(ctx, body, key)


def _write(ctx, body: dict, find, command: str) -> dict:
    operation = _operation(body)
    requested = _request_items(body, operation)
    with ctx.state.lock:
        key, target = find(ctx, body)
        answer, changed, seq = _set(ctx, key, operation, requested)
    if changed or operation == CLEAR:
        ctx.callbacks.after(command, {**target, "OperateType": operation, "ExtensionList": changed, "Seq": seq,
                                      "EventTime": int(ctx.now * 1000)})
    return answer


@endpoint(SVC + "get_key_values", rate=200)
def get_key_values(ctx, body):
    return _read(ctx, body, _c2c_message)


@endpoint(SVC + "set_key_values", rate=200)
def set_key_values(ctx, body):
    return _write(ctx, body, _c2c_message, "C2C.CallbackAfterC2CMsgExtension")


@endpoint(SVC + "group_get_key_values", rate=200)
def group_get_key_values(ctx, body):
    return _read(ctx, body, _group_message)


@endpoint(SVC + "group_set_key_values", rate=200)
def group_set_key_values(ctx, body):
    return _write(ctx, body, _group_message, "Group.CallbackAfterGroupMsgExtension")
