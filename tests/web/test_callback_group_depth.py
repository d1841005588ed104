"""The callbacks the group-depth endpoints make IM send, exactly as the sandbox encodes them, are
accepted, acked, stored and indexed by the console's POST /callback."""
from __future__ import annotations

import json

from events_support import OK, callbacks, stored_events  # noqa: F401  (fixture)

from console.sandbox.callbacks import CallbackSender
from console.tim import callbacks as cb

TEXT = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hello"}}]
COMMANDS = ("Group.CallbackAfterGroupAttrChanged", "Group.CallbackAfterReadReceipt",
            "Group.CallbackAfterMemberExit")


def ok(answer: dict) -> dict:
    assert answer["ErrorCode"] == 0, answer
    return answer


def test_group_depth_callbacks_are_stored(app, callbacks, sandbox, monkeypatch):  # noqa: F811
    sent = []
    monkeypatch.setattr(sandbox.callbacks, "after",
                        lambda command, payload, forbid=False, **_: sent.append((command, payload)))
    for user in ("owner", "m1", "m2"):
        ok(sandbox.invoke("im_open_login_svc/account_import", {"UserID": user}))
    gid = ok(sandbox.invoke("group_open_http_svc/create_group", {
        "Type": "Public", "Name": "g", "Owner_Account": "owner",
        "MemberList": [{"Member_Account": "m1"}, {"Member_Account": "m2"}]}))["GroupId"]
    ok(sandbox.invoke("group_open_http_svc/modify_group_attr", {"GroupId": gid,
                                                                "GroupAttr": [{"key": "seat", "value": "m1"}]}))
    seq = ok(sandbox.invoke("group_open_http_svc/send_group_msg", {
        "GroupId": gid, "From_Account": "owner", "Random": 1, "MsgBody": TEXT, "NeedReadReceipt": 1}))["MsgSeq"]
    ok(sandbox.invoke("group_open_http_svc/group_msg_receipt", {"GroupId": gid, "From_Account": "m1",
                                                                "MsgSeqList": [{"MsgSeq": seq}]}))
    ok(sandbox.invoke("group_open_http_svc/ban_group_member", {"GroupId": gid, "Members_Account": ["m2"],
                                                               "Duration": 60}))

    mine = [(command, CallbackSender._encode(command, payload)) for command, payload in sent if command in COMMANDS]
    assert [command for command, _ in mine] == list(COMMANDS)
    for command, body in mine:
        assert callbacks.ack(command, body) == OK

    rows = [row for row in stored_events(app) if row.command in COMMANDS]
    assert [row.command for row in rows] == list(COMMANDS)
    for row, (command, body) in zip(rows, mine):
        assert json.loads(row.payload) == json.loads(body)
        assert row.sign_status == "verified" and row.category == "Group"
        event = cb.parse({"CallbackCommand": command}, body)
        assert event.group_id == gid and set(event.accounts()) == {a for a in row.accounts.split("|") if a}
    assert "|m1|" in rows[1].accounts and "|m2|" in rows[2].accounts
