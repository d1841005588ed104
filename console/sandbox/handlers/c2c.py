"""One-to-one messages (openim/*): send, batch send, import, history, recall, read marks, unread."""
from __future__ import annotations

import json
import zlib

from ..messaging import c2c_ext_key
from ..registry import ApiError, endpoint
from ..state import conv_id, msg_key
from .common import account, integer, is_int, items, size, text

MAX_BODY_BYTES = 12 * 1024
MAX_LIFETIME = 604800
PAGE_BYTES = 13 * 1024
DEDUP_WINDOW = 120
RECALLED = 8
ELEMENT_TYPES = ("TIMTextElem", "TIMLocationElem", "TIMFaceElem", "TIMCustomElem", "TIMSoundElem",
                 "TIMImageElem", "TIMFileElem", "TIMVideoFileElem", "TIMRelayElem")
FORBID_BEFORE = "ForbidBeforeSendMsgCallback"
FORBID_AFTER = "ForbidAfterSendMsgCallback"


def message_body(body: dict) -> list:
    """MsgBody checked the way the message commands document (90007 / 90002 / 93000)."""
    elems = body.get("MsgBody")
    if not isinstance(elems, list):
        raise ApiError(90007, "MsgBody must be an array")
    if not elems:
        raise ApiError(90002, "MsgBody is empty")
    for elem in elems:
        if (not isinstance(elem, dict) or elem.get("MsgType") not in ELEMENT_TYPES
                or not isinstance(elem.get("MsgContent"), dict)):
            raise ApiError(90002, "every MsgBody element needs a known MsgType and a MsgContent object")
    if sum(e["MsgType"] == "TIMCustomElem" for e in elems) > 1:
        raise ApiError(90002, "a message may hold only one TIMCustomElem")
    if size(json.dumps(body, ensure_ascii=False)) > MAX_BODY_BYTES:
        raise ApiError(93000, "the JSON body is larger than 12 KB")
    return elems


def tinyid(uid: str) -> int:
    return 144115200000000000 + zlib.crc32(uid.encode("utf-8"))


def msg_id(sender: str, ts: int, rnd: int) -> str:
    return f"{tinyid(sender)}-{ts}-{rnd}"


def _controls(body: dict, field: str) -> set:
    value = body.get(field) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ApiError(90001, f"{field} must be an array of strings")
    return set(value)


def _common(ctx, body: dict) -> dict:
    """The fields sendmsg and batchsendmsg share, checked."""
    rnd = integer(body, "MsgRandom", 90005)
    seq = integer(body, "MsgSeq", 90004, required=False)
    lifetime = integer(body, "MsgLifeTime", 90044, required=False, default=MAX_LIFETIME,
                       low=-(2 ** 63), high=2 ** 63)
    if lifetime < 0:
        raise ApiError(90026, "MsgLifeTime must be between 0 and 604800")
    sync = body.get("SyncOtherMachine")
    if sync is not None and not is_int(sync):
        raise ApiError(90031, "SyncOtherMachine must be an integer")
    custom = body.get("CloudCustomData") or ""
    if not isinstance(custom, str):
        raise ApiError(90010, "CloudCustomData must be a string")
    push = body.get("OfflinePushInfo")
    if push is not None and not isinstance(push, dict):
        raise ApiError(90043, "OfflinePushInfo must be an object")
    return {"rnd": rnd, "seq": ctx.state.random_u32() if seq is None else seq,
            "lifetime": min(lifetime, MAX_LIFETIME), "sync": sync, "custom": custom,
            "elems": message_body(body), "control": _controls(body, "SendMsgControl"),
            "online_only": body.get("OnlineOnlyFlag") == 1}


def _deliver(state, sender: str, receiver: str, m: dict, ts: int, key: str | None = None) -> dict | None:
    """Store one copy (unless online-only) and refresh both conversation lists."""
    stored = None
    if not m["online_only"]:
        unread = "NoUnread" not in m["control"] and m["lifetime"] > 0
        stored = state.store_c2c(sender, receiver, seq=m["seq"], rnd=m["rnd"], ts=ts, body=m["elems"],
                                 custom=m["custom"], unread=unread, sender_sees=m["sync"] != 2, key=key)
        if "NoLastMsg" not in m["control"]:
            state.touch_conversation(receiver, "c2c", sender, ts)
            if m["sync"] != 2:
                state.touch_conversation(sender, "c2c", receiver, ts)
    return stored


def _duplicate(state, sender: str, receiver: str, m: dict, now: float) -> dict | None:
    """A message sent within the last 120 s with the same sender, MsgSeq, MsgRandom and content."""
    for old in reversed(state.messages.get(conv_id(sender, receiver), [])):
        if old["MsgTimeStamp"] < now - DEDUP_WINDOW:
            return None
        if (old["From_Account"] == sender and old["MsgSeq"] == m["seq"] and old["MsgRandom"] == m["rnd"]
                and old["MsgBody"] == m["elems"] and old["CloudCustomData"] == m["custom"]):
            return old
    return None


def _sender(ctx, body: dict, code: int) -> str:
    sender = body.get("From_Account")
    if sender is None:
        return ctx.identifier
    if not isinstance(sender, str) or not ctx.state.account_exists(sender):
        raise ApiError(code, "From_Account was never imported")
    return sender


def _before_send(ctx, payload: dict, forbid: bool, m: dict) -> bool:
    """Ask the app's C2C.CallbackBeforeSendMsg; False = drop silently, ApiError = refused."""
    ack = ctx.callbacks.before("C2C.CallbackBeforeSendMsg", payload, forbid=forbid)
    if not ack:
        return True
    try:
        code = int(ack.get("ErrorCode", 0))
    except (TypeError, ValueError):
        return True
    if code == 2:
        return False
    if 120001 <= code <= 130000:
        raise ApiError(code, str(ack.get("ErrorInfo", "")))
    if code != 0:
        raise ApiError(20006, "refused by C2C.CallbackBeforeSendMsg")
    if isinstance(ack.get("MsgBody"), list) and ack["MsgBody"]:
        m["elems"] = ack["MsgBody"]
    if isinstance(ack.get("CloudCustomData"), str):
        m["custom"] = ack["CloudCustomData"]
    return True


@endpoint("openim/sendmsg", rate=200)
def sendmsg(ctx, body):
    receiver = text(body, "To_Account", 90003)
    m = _common(ctx, body)
    forbid = _controls(body, "ForbidCallbackControl")
    ts = int(ctx.now)
    with ctx.state.lock:
        sender = _sender(ctx, body, 20003)
        if not ctx.state.account_exists(receiver):
            raise ApiError(90012, f"To_Account {receiver} was never imported")
        old = _duplicate(ctx.state, sender, receiver, m, ctx.now)
    if old:
        return {"MsgTime": old["MsgTimeStamp"], "MsgKey": old["MsgKey"],
                "MsgId": msg_id(sender, old["MsgTimeStamp"], old["MsgRandom"])}
    key, mid = msg_key(m["seq"], m["rnd"], ts), msg_id(sender, ts, m["rnd"])
    payload = {"CallbackCommand": "C2C.CallbackBeforeSendMsg", "From_Account": sender,
               "To_Account": receiver, "MsgSeq": m["seq"], "MsgRandom": m["rnd"], "MsgTime": ts,
               "MsgKey": key, "MsgId": mid, "OnlineOnlyFlag": int(m["online_only"]),
               "MsgBody": m["elems"], "CloudCustomData": m["custom"], "EventTime": int(ctx.now * 1000)}
    if not _before_send(ctx, payload, FORBID_BEFORE in forbid, m):
        return {"MsgTime": ts, "MsgKey": key, "MsgId": mid}
    with ctx.state.lock:
        stored = _deliver(ctx.state, sender, receiver, m, ts, key)
        if stored is not None and body.get("SupportMessageExtension") == 1:
            ctx.state.messaging.enable_extensions(c2c_ext_key(sender, receiver, key))
        ctx.state.count("C2CDownMsgNum")
        unread = ctx.state.unread_count(receiver)
        to_bot = ctx.state.messaging.is_robot(receiver)
    after = {**payload, "MsgBody": m["elems"], "CloudCustomData": m["custom"], "SendMsgResult": 0,
             "ErrorInfo": "send msg succeed", "UnreadMsgNum": unread}
    ctx.callbacks.after("C2C.CallbackAfterSendMsg", {**after, "CallbackCommand": "C2C.CallbackAfterSendMsg"},
                        forbid=FORBID_AFTER in forbid)
    if to_bot:  # a message to a bot also goes to the bot's own callback
        ctx.callbacks.after("Bot.OnC2CMessage", {**after, "CallbackCommand": "Bot.OnC2CMessage"})
    return {"MsgTime": ts, "MsgKey": key, "MsgId": mid}


@endpoint("openim/batchsendmsg", rate=200, per_minute=12000)
def batchsendmsg(ctx, body):
    receivers = items(body, "To_Account", 90001, limit=500, limit_code=90011)
    m = _common(ctx, body)
    ts = int(ctx.now)
    key = msg_key(m["seq"], m["rnd"], ts)
    errors = []
    with ctx.state.lock:
        sender = _sender(ctx, body, 90008)
        for receiver in receivers:
            if not ctx.state.account_exists(receiver):
                errors.append({"To_Account": receiver, "ErrorCode": 70107})
                continue
            _deliver(ctx.state, sender, receiver, m, ts, key)
    if len(errors) == len(receivers):
        raise ApiError(90012, "invalid To_Account", {"ErrorList": errors})
    out = {"ActionStatus": "SomeError" if errors else "OK", "MsgKey": key, "MsgId": msg_id(sender, ts, m["rnd"])}
    if errors:
        out["ErrorList"] = errors
    return out


@endpoint("openim/importmsg", rate=200)
def importmsg(ctx, body):
    mode = body.get("SyncFromOldSystem")
    if mode not in (2, 5) or not is_int(mode):
        raise ApiError(90030, "SyncFromOldSystem must be 2 or 5")
    rnd = integer(body, "MsgRandom", 90005)
    ts = integer(body, "MsgTimeStamp", 90006)
    seq = integer(body, "MsgSeq", 90004, required=False)
    custom = body.get("CloudCustomData") or ""
    if not isinstance(custom, str):
        raise ApiError(90010, "CloudCustomData must be a string")
    elems = message_body(body)
    with ctx.state.lock:
        sender, receiver = _pair(ctx, body, "From_Account", 90048, "To_Account", 90012)
        seq = ctx.state.random_u32() if seq is None else seq
        for old in ctx.state.messages.get(conv_id(sender, receiver), []):
            if (old["MsgSeq"], old["MsgRandom"], old["MsgTimeStamp"]) == (seq, rnd, ts):
                return {}  # the first import wins
        ctx.state.store_c2c(sender, receiver, seq=seq, rnd=rnd, ts=ts, body=elems, custom=custom,
                            unread=mode == 5)
        ctx.state.touch_conversation(sender, "c2c", receiver, ts)
        ctx.state.touch_conversation(receiver, "c2c", sender, ts)
    return {}


def _pair(ctx, body, first: str, first_code: int, second: str, second_code: int) -> tuple[str, str]:
    """Two UserID fields that must name imported accounts (missing or unknown -> their codes)."""
    return (account(ctx.state, body, first, first_code), account(ctx.state, body, second, second_code))


def _public(msg: dict) -> dict:
    out = {k: msg[k] for k in ("From_Account", "To_Account", "MsgSeq", "MsgRandom", "MsgTimeStamp",
                               "MsgFlagBits", "IsPeerRead", "MsgKey", "MsgBody", "CloudCustomData")}
    if msg["MsgFlagBits"] & RECALLED:
        out["MsgBody"] = []
    return out


@endpoint("openim/admin_getroammsg", rate=200)
def admin_getroammsg(ctx, body):
    max_cnt = integer(body, "MaxCnt", 90001, low=1)
    low = integer(body, "MinTime", 90001)
    high = integer(body, "MaxTime", 90001)
    last_key = body.get("LastMsgKey") or None
    if "Operator_Account" not in body and "Peer_Account" not in body:  # the command's older field names
        body = {**body, "Operator_Account": body.get("From_Account"), "Peer_Account": body.get("To_Account")}
    with ctx.state.lock:
        operator, peer = _pair(ctx, body, "Operator_Account", 90008, "Peer_Account", 90003)
        seen = [m for m in ctx.state.messages.get(conv_id(operator, peer), [])
                if low <= m["MsgTimeStamp"] <= high and operator not in m["HiddenFor"]]
        if last_key:
            keys = [m["MsgKey"] for m in seen]
            if last_key in keys:
                seen = seen[:keys.index(last_key)]
        page, used = [], 0
        while seen and len(page) < max_cnt:
            entry = _public(seen[-1])
            used += size(json.dumps(entry, ensure_ascii=False))
            if page and used > PAGE_BYTES:
                break
            page.append(entry)
            seen.pop()
    page.reverse()
    oldest = page[0] if page else None
    return {"Complete": int(not seen), "MsgCnt": len(page),
            "LastMsgTime": oldest["MsgTimeStamp"] if oldest else 0,
            "LastMsgKey": oldest["MsgKey"] if oldest else "", "MsgList": page}


@endpoint("openim/admin_msgwithdraw", rate=200)
def admin_msgwithdraw(ctx, body):
    key = body.get("MsgKey")
    with ctx.state.lock:
        sender, receiver = _pair(ctx, body, "From_Account", 90008, "To_Account", 90003)
        if not isinstance(key, str) or not key:
            raise ApiError(90054, "MsgKey is invalid")
        msg = ctx.state.find_c2c(sender, receiver, key)
        if msg is None:
            raise ApiError(20022, "message not found")
        if msg["MsgFlagBits"] & RECALLED:
            raise ApiError(20023, "message already recalled")
        msg["MsgFlagBits"] |= RECALLED
        unread = ctx.state.unread_count(receiver)
    ctx.callbacks.after("C2C.CallbackAfterMsgWithDraw", {
        "CallbackCommand": "C2C.CallbackAfterMsgWithDraw", "From_Account": sender,
        "To_Account": receiver, "MsgKey": key, "UnreadMsgNum": unread, "EventTime": int(ctx.now * 1000)})
    return {}


@endpoint("openim/admin_set_msg_read", rate=200)
def admin_set_msg_read(ctx, body):
    until = body.get("MsgReadTime", int(ctx.now))
    if isinstance(until, str) and until.isdigit():
        until = int(until)
    if not is_int(until):
        raise ApiError(90001, "MsgReadTime must be a Unix time")
    with ctx.state.lock:
        reader, peer = _pair(ctx, body, "Report_Account", 90008, "Peer_Account", 90003)
        ctx.state.mark_read(reader, peer, until)
        unread = ctx.state.unread_count(reader)
    ctx.callbacks.after("C2C.CallbackAfterMsgReport", {
        "CallbackCommand": "C2C.CallbackAfterMsgReport", "Report_Account": reader,
        "Peer_Account": peer, "LastReadTime": until, "UnreadMsgNum": unread,
        "EventTime": int(ctx.now * 1000)})
    return {}


@endpoint("openim/get_c2c_unread_msg_num", rate=200)
def get_c2c_unread_msg_num(ctx, body):
    owner = text(body, "To_Account", 90003)
    peers = items(body, "Peer_Account", 90001, limit=10, required=False, kind=str)
    with ctx.state.lock:
        if not ctx.state.account_exists(owner):
            raise ApiError(90003, f"To_Account {owner} was never imported")
        if not peers:
            return {"AllC2CUnreadMsgNum": ctx.state.unread_count(owner)}
        counts, errors = [], []
        for peer in peers:
            if ctx.state.account_exists(peer):
                counts.append({"Peer_Account": peer, "C2CUnreadMsgNum": ctx.state.unread_count(owner, peer)})
            else:
                errors.append({"Peer_Account": peer, "ErrorCode": 70107})
    out = {"C2CUnreadMsgNumList": counts}
    if errors:
        out["ErrorList"] = errors
    return out
