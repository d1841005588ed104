"""Staging for the published examples of the group-depth endpoints (issue #16 item 2), used by
test_examples.py: the group a request names, of the right type, holding what the published answer
lists (attributes, counters, bans, online members, messages with receipts), so that every published
list is answered non-empty and its items' fields are compared too."""
from __future__ import annotations

import time

from console.sandbox.groups import Message

ENDPOINTS = frozenset({
    "group_open_attr_http_svc/get_group_attr", "group_open_http_svc/modify_group_attr",
    "group_open_http_svc/clear_group_attr", "group_open_http_svc/set_group_attr",
    "group_open_http_svc/delete_group_attr", "group_open_http_svc/get_group_counter",
    "group_open_http_svc/update_group_counter", "group_open_http_svc/delete_group_counter",
    "group_open_http_svc/ban_group_member", "group_open_http_svc/unban_group_member",
    "group_open_http_svc/get_group_ban_member", "group_open_http_svc/get_specified_group_member_info",
    "group_open_http_svc/clear_group_msg", "group_open_http_svc/group_msg_receipt",
    "group_open_http_svc/get_group_msg_receipt", "group_open_http_svc/get_group_msg_receipt_detail",
    "openim/modify_group_msg", "group_open_http_svc/send_broadcast_msg",
    "group_open_avchatroom_http_svc/get_members", "group_open_avchatroom_http_svc/modify_user_info",
    "group_open_avchatroom_http_svc/get_admin_list", "group_open_avchatroom_http_svc/modify_admin",
    "group_open_avchatroom_http_svc/check_members",
})
TEXT = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "staged"}}]


def stage(sandbox, endpoint: str, request: dict, published: dict | None, named: list[str]) -> bool:
    """Put in place what a group-depth example presupposes; False for other endpoints.
    `named`: the accounts the request names (already imported)."""
    if endpoint not in ENDPOINTS:
        return False
    if "GroupId" not in request:            # send_broadcast_msg: the app's rooms, none needed
        return True
    state, now = sandbox.state, int(time.time())
    published = published or {}
    listed = [e.get("Member_Account") for e in published.get("MemberList") or []]
    unread = [e.get("Unread_Account") for e in published.get("UnreadList") or []]
    for account in ["example_owner", *listed, *unread]:
        state.import_account(account)
    kind = "AVChatRoom" if endpoint.startswith("group_open_avchatroom_http_svc/") else "Public"
    with state.lock:
        group = state.groups.add_group(kind, "example", now, group_id=request["GroupId"], owner="example_owner",
                                       members=unread)
        extras = state.group_extras.of(group)
        if kind == "AVChatRoom":
            for account in listed + named:
                state.groups.join_online(group.group_id, account)
        for item in published.get("GroupAttrAry") or []:
            extras.attrs[item["key"]] = item["value"]
        for item in published.get("GroupCounter") or []:
            extras.counters[item["Key"]] = item["Value"]
        for item in published.get("BannedAccountList") or []:
            extras.bans[item["Member_Account"]] = {"until": now + 3600, "description": ""}
        seqs = [request.get("MsgSeq", 0)] + [i.get("MsgSeq", 0) for i in request.get("MsgSeqList") or []]
        while group.next_msg_seq <= max(seqs):          # the messages the request names exist
            msg = group.append_message(Message(seq=0, random=1, sender="example_owner", time=now, body=TEXT))
            extras.expect_receipts(msg.seq, unread)
    return True
