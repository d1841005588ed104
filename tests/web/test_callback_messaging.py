"""POST /callback accepts and stores the callbacks of message edits, read receipts, message
extensions and bots, each with the accounts and group it names (bodies as the sandbox sends
them, see tests/sandbox/test_messaging.py)."""
from __future__ import annotations

import json

import pytest
from events_support import OK, callbacks, stored_events  # noqa: F401

TEXT = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hello"}}]
BODIES = {
    "C2C.CallbackAfterModifyMsg": (
        {"Operator_Account": "administrator", "From_Account": "amy", "To_Account": "ben", "MsgRandom": 690,
         "MsgSeq": 609, "MsgTime": 1769771529, "MsgKey": "609_690_1769771529", "MsgBody": TEXT,
         "CloudCustomData": "edited", "EventTime": 1769772027036},
        "C2C", {"administrator", "amy", "ben"}, None),
    "C2C.CallbackAfterMsgReadReceipt": (
        {"Operator_Account": "ben", "Peer_Account": "amy", "C2CMsgInfo": [
            {"From_Account": "amy", "To_Account": "ben", "MsgKey": "1_2_3", "MsgId": "144115-3-2"}],
         "EventTime": 1769139587754},
        "C2C", {"ben", "amy"}, None),
    "C2C.CallbackAfterC2CMsgExtension": (
        {"From_Account": "amy", "To_Account": "ben", "MsgKey": "1_2_3", "OperateType": 1,
         "ExtensionList": [{"Key": "up", "Value": "1", "Seq": 1}], "Seq": 1, "EventTime": 1764688540182},
        "C2C", {"amy", "ben"}, None),
    "Group.CallbackAfterGroupMsgExtension": (
        {"GroupId": "@TGS#2ABC", "Type": "Public", "MsgSeq": 10, "OperateType": 3, "ExtensionList": [],
         "Seq": 4, "EventTime": 1764688294360},
        "Group", set(), "@TGS#2ABC"),
    "Bot.OnC2CMessage": (
        {"From_Account": "amy", "To_Account": "@RBT#helper", "MsgSeq": 1, "MsgRandom": 2, "MsgTime": 3,
         "MsgKey": "1_2_3", "MsgBody": TEXT, "SendMsgResult": 0, "UnreadMsgNum": 1, "EventTime": 1670574414123},
        "Bot", {"amy", "@RBT#helper"}, None),
    "Bot.OnGroupMessage": (
        {"GroupId": "@TGS#2ABC", "Type": "Public", "From_Account": "amy", "Operator_Account": "amy",
         "Random": 1, "MsgSeq": 11, "MsgTime": 3, "MsgBody": TEXT, "AtRobots_Account": ["@RBT#helper"],
         "EventTime": 1670574414123},
        "Bot", {"amy", "@RBT#helper"}, "@TGS#2ABC"),
}


@pytest.mark.parametrize("command", sorted(BODIES))
def test_callback_is_acked_and_stored_with_its_accounts(app, callbacks, command):
    body, category, accounts, group_id = BODIES[command]
    body = {"CallbackCommand": command, **body}
    assert callbacks.ack(command, body) == OK
    (row,) = stored_events(app)
    assert (row.command, row.category, row.group_id) == (command, category, group_id)
    assert set(filter(None, row.accounts.split("|"))) == accounts
    assert row.sign_status == "verified" and row.event_time == body["EventTime"]
    assert json.loads(row.payload) == body
