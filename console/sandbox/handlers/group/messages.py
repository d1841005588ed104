"""Group messages: sending, system notifications, recall, history, importing."""
from __future__ import annotations

from ...groups import PRIORITIES, Group, Message
from ...registry import ApiError, endpoint
from ..c2c import msg_id
from .base import (ACCOUNTS_MAX, AT_MAX, DEDUP_WINDOW, HISTORY_MAX, IMPORT_MSG_TYPES,
                   IMPORT_MSGS_MAX, RECALL_MAX, SVC, TO_ACCOUNT_MAX, _bad, _group, _int, _msg_body,
                   _objects, _strings, _text, _too_long)
from .notify import _after, _before, _payload
# message extensions and bots (issue #16 items 3, 7)
from ..message_ext import note_group_message
from ..robot import notify_mentioned_bots
from .receipts import expect_receipts


# ---- messages ---------------------------------------------------------------------------

@endpoint(SVC + "send_group_msg")
def send_group_msg(ctx, body):
    with ctx.state.lock:
        plan = _plan_send(ctx, body)
    if plan.get("duplicate"):
        return plan["duplicate"]
    forbid = body.get("ForbidCallbackControl") or ()
    ask = _payload(ctx, plan["group"], **_message_fields(ctx, plan))
    ack = _before(ctx, "Group.CallbackBeforeSendMsg", ask,
                  forbid="ForbidBeforeSendMsgCallback" in forbid, may_drop=True)
    if ack is not None:
        if int(ack.get("ErrorCode") or 0) == 2:      # silently dropped: the sender sees success
            return {"MsgSeq": plan["box"].next_msg_seq, "MsgTime": int(ctx.now), "MsgDropReason": ""}
        if isinstance(ack.get("MsgBody"), list) and ack["MsgBody"]:
            plan["body"] = ack["MsgBody"]
        if isinstance(ack.get("CloudCustomData"), str):
            plan["custom"] = ack["CloudCustomData"]
    with ctx.state.lock:
        group = _group(ctx, body)                    # it may have been disbanded meanwhile
        if group.stores_members and plan["sender"] != ctx.identifier \
                and plan["sender"] not in group.members:
            raise ApiError(10007, "From_Account is not a member of the group")
        msg = _deliver(ctx, ctx.state.communities.scope(group, plan["topic"]), plan)
        fields = _message_fields(ctx, plan, msg)
        if body.get("NeedReadReceipt") == 1 and not plan["online_only"]:
            expect_receipts(ctx, group, msg)         # group depth: receipts (receipts.py)
        _after(ctx, "Group.CallbackAfterSendMsg", group,
               forbid="ForbidAfterSendMsgCallback" in forbid, **fields)
        # message extensions and bots (issue #16 items 3, 7)
        note_group_message(ctx.state, group, msg, body)
        notify_mentioned_bots(ctx, _payload(ctx, group, **fields), plan["at_info"])
        return {"MsgSeq": msg.seq, "MsgTime": msg.time, "MsgDropReason": ""}


def _plan_send(ctx, body: dict) -> dict:
    group = _group(ctx, body)
    box = ctx.state.communities.scope(group, body.get("TopicId"))    # the group, or its topic
    _int(body, "Random", required=True)
    msg_body = _msg_body(body.get("MsgBody"))
    custom = _text(body, "CloudCustomData") or ""
    if _too_long(msg_body, custom):
        raise ApiError(80002, "message longer than 12 KB")
    sender = _text(body, "From_Account") or ctx.identifier
    if sender != ctx.identifier:
        if not ctx.state.account_exists(sender):
            raise _bad("From_Account is not an imported account")
        if group.stores_members and sender not in group.members:
            raise ApiError(10007, "From_Account is not a member of the group")
    priority = body.get("MsgPriority", "Normal")
    if priority not in ("High", "Normal", "Low"):
        raise _bad("MsgPriority must be High, Normal or Low")
    online_only = _int(body, "OnlineOnlyFlag", high=1, default=0)
    controls = _strings(body, "SendMsgControl") or []
    for control in controls:
        if control not in ("NoLastMsg", "NoUnread"):
            raise _bad("invalid SendMsgControl")
    if group.type == "AVChatRoom" and (online_only or "NoUnread" in controls):
        raise _bad("OnlineOnlyFlag and NoUnread are not for AVChatRoom groups")
    targets = _strings(body, "To_Account", limit=TO_ACCOUNT_MAX, limit_code=10004) or []
    if targets and group.type not in ("Private", "Public", "ChatRoom"):
        raise ApiError(10007, "targeted messages are for Private, Public and ChatRoom groups")
    at_info = _objects(body, "GroupAtInfo")
    if len(at_info) > AT_MAX:
        raise ApiError(10053, f"more than {AT_MAX} @ targets")
    if group.type == "AVChatRoom" and any(a.get("GroupAtAllFlag") == 1 for a in at_info):
        raise _bad("@all is not available in AVChatRoom groups")
    if sender != ctx.identifier and (box.is_muted(sender, ctx.now)
                                     or ctx.state.mute_remaining(sender, "group", ctx.now)):
        raise ApiError(10017, "the sender is muted")
    rnd = body["Random"]
    plan = {"group": group, "box": box, "sender": sender, "random": rnd, "body": msg_body,
            "custom": custom, "priority": PRIORITIES[priority], "online_only": online_only,
            "controls": controls, "targets": targets, "at_info": at_info, "topic": body.get("TopicId")}
    for old in reversed(box.messages):
        if old.time < ctx.now - DEDUP_WINDOW:
            break
        if old.sender == sender and old.random == rnd and old.body == msg_body and not old.system:
            plan["duplicate"] = {"MsgSeq": old.seq, "MsgTime": old.time, "MsgDropReason": ""}
            break
    return plan


def _message_fields(ctx, plan: dict, msg: Message | None = None) -> dict:
    # MsgId as C2C messages get it (format unconfirmed); same in the before and the after body
    fields = {"From_Account": plan["sender"], "Operator_Account": ctx.identifier,
              "Random": plan["random"],
              "MsgId": msg_id(plan["sender"], int(ctx.now), plan["random"])}
    if msg is not None:
        fields.update(MsgSeq=msg.seq, MsgTime=msg.time)
    fields.update(OnlineOnlyFlag=plan["online_only"], MsgBody=plan["body"],
                  CloudCustomData=plan["custom"])
    if plan["topic"]:
        fields["TopicId"] = plan["topic"]
    if msg is not None and plan["at_info"]:
        fields["GroupAtInfo"] = plan["at_info"]
    return fields


def _deliver(ctx, group: Group, plan: dict) -> Message:
    """Give the message its seq, store it (not AVChatRoom, not online-only), count unread,
    refresh the members' conversations."""
    now = int(ctx.now)
    msg = Message(seq=0, random=plan["random"], sender=plan["sender"], time=now,
                  body=plan["body"], cloud_data=plan["custom"], priority=plan["priority"],
                  to_accounts=plan["targets"], at_info=plan["at_info"])
    ctx.state.count("GroupUpMsgNum")
    if plan["online_only"]:
        msg.seq = group.next_msg_seq          # delivered to who is online, nothing kept
        return msg
    group.append_message(msg, unread="NoUnread" not in plan["controls"],
                         stored=group.stores_members)
    if "NoLastMsg" not in plan["controls"] and group.stores_members:
        audience = plan["targets"] + [plan["sender"]] if plan["targets"] else list(group.members)
        for account in audience:
            if account in group.members:
                ctx.state.touch_conversation(account, "group", group.group_id, now)
    return msg


@endpoint(SVC + "send_group_system_notification")
def send_group_system_notification(ctx, body):
    content = _text(body, "Content", required=True, allow_empty=False)
    targets = _strings(body, "ToMembers_Account", limit=ACCOUNTS_MAX) or []
    with ctx.state.lock:
        group = _group(ctx, body)
        if not group.stores_members:
            targets = []                       # AVChatRoom: always every member
        box = ctx.state.communities.scope(group, body.get("TopicId"))      # a topic keeps its own
        box.notices.append({"Content": content, "ToMembers_Account": targets,
                            "Time": int(ctx.now), "TopicId": body.get("TopicId") or ""})
        return {}


@endpoint(SVC + "group_msg_recall")
def group_msg_recall(ctx, body):
    entries = _objects(body, "MsgSeqList", required=True, limit=RECALL_MAX)
    seqs = []
    for item in entries:
        seq = item.get("MsgSeq")
        if isinstance(seq, bool) or not isinstance(seq, int):
            raise _bad("MsgSeqList[].MsgSeq must be an integer")
        seqs.append(seq)
    _text(body, "Reason", max_bytes=100)
    with ctx.state.lock:
        group = _group(ctx, body, refuse=("AVChatRoom",), code=10033)
        box = ctx.state.communities.scope(group, body.get("TopicId"))
        results, recalled = [], []
        for seq in seqs:
            msg = box.find_message(seq)
            if msg is None or msg.recalled:
                code = 10030
            elif msg.system:
                code = 10032
            else:
                msg.recalled, code = True, 0
                recalled.append(seq)
            results.append({"MsgSeq": seq, "RetCode": code})
        if recalled:
            extra = {"TopicId": body["TopicId"]} if body.get("TopicId") else {}
            _after(ctx, "Group.CallbackAfterRecallMsg", group, Operator_Account=ctx.identifier,
                   MsgSeqList=[{"MsgSeq": s} for s in recalled], **extra)
        return {"RecallRetList": results}


@endpoint(SVC + "delete_group_msg_by_sender")
def delete_group_msg_by_sender(ctx, body):
    sender = _text(body, "Sender_Account", required=True, allow_empty=False)
    with ctx.state.lock:
        box = ctx.state.communities.scope(_group(ctx, body), body.get("TopicId"))
        for msg in box.messages[-1000:]:       # only the latest 1000 are scanned
            if msg.sender == sender and not msg.system:
                msg.recalled = True
        return {}


@endpoint(SVC + "group_msg_get_simple")
def group_msg_get_simple(ctx, body):
    wanted = _int(body, "ReqMsgNumber", required=True, low=1)
    top = _int(body, "ReqMsgSeq") or None  # absent, null or 0 (as SDKs send it): the latest
    with_recalled = _int(body, "WithRecalledMsg", high=1, default=0)
    with ctx.state.lock:
        group = _group(ctx, body, refuse=("AVChatRoom",))
        box = ctx.state.communities.scope(group, body.get("TopicId"))
        top = box.next_msg_seq - 1 if top is None else top
        count = min(wanted, HISTORY_MAX)
        found, exhausted = [], True
        for msg in reversed(box.messages):
            if msg.seq > top or (msg.recalled and not with_recalled):
                continue
            if len(found) == count:
                exhausted = False
                break
            found.append(_history_item(msg))
        finished = 1 if exhausted or wanted <= HISTORY_MAX else 0
        return {"GroupId": group.group_id, "IsFinished": finished, "RspMsgList": found}


def _history_item(msg: Message) -> dict:
    return {"From_Account": msg.sender, "IsPlaceMsg": 2 if msg.recalled else 0,
            "IsSystemMsg": 1 if msg.system else 0, "MsgBody": [] if msg.recalled else msg.body,
            "MsgPriority": msg.priority, "MsgRandom": msg.random, "MsgSeq": msg.seq,
            "MsgTimeStamp": msg.time}


@endpoint(SVC + "import_group_msg")
def import_group_msg(ctx, body):
    items = [_checked_import(item) for item in
             _objects(body, "MsgList", required=True, limit=IMPORT_MSGS_MAX)]
    recent = _int(body, "RecentContactFlag", high=1, default=0)
    with ctx.state.lock:
        group = _group(ctx, body, refuse=("AVChatRoom",))
        box = ctx.state.communities.scope(group, body.get("TopicId"))
        results = [_import_message(ctx, box, item) for item in items]
        if box is group and any(r["Result"] == 0 for r in results):     # topics keep no unread
            for member in group.members.values():     # documented: unread counts reset
                member.unread, member.msg_seq = 0, group.next_msg_seq - 1
            if recent and group.type != "Community":
                for account in group.members:
                    ctx.state.touch_conversation(account, "group", group.group_id,
                                                 group.last_msg_time)
        return {"ImportMsgResult": results}


def _checked_import(item: dict) -> dict:
    """Reject the whole request for a malformed message (before anything is stored)."""
    if not isinstance(item.get("From_Account"), str) or not item["From_Account"]:
        raise _bad("MsgList[].From_Account is required")
    send_time = item.get("SendTime")
    if isinstance(send_time, bool) or not isinstance(send_time, int):
        raise _bad("MsgList[].SendTime is required")
    _msg_body(item.get("MsgBody"), IMPORT_MSG_TYPES)
    return item


def _import_message(ctx, group: Group, item: dict) -> dict:
    send_time, body = item["SendTime"], item["MsgBody"]
    rnd = item.get("Random")
    rnd = rnd if isinstance(rnd, int) and not isinstance(rnd, bool) else ctx.state.random_u32()
    newest = max((m.time for m in group.messages), default=0)
    if not (send_time > group.create_time and send_time > newest and send_time < ctx.now):
        return {"MsgSeq": 0, "MsgTime": send_time, "Result": 10004}
    if _too_long(body):
        return {"MsgSeq": 0, "MsgTime": send_time, "Result": 80002}
    msg = group.append_message(Message(seq=0, random=rnd, sender=item["From_Account"],
                                       time=send_time, body=body), unread=False)
    return {"MsgSeq": msg.seq, "MsgTime": msg.time, "Result": 0}
