"""The callbacks the group-depth endpoints make the sandbox send, signed, to a real local receiver,
parsed back by console.tim.callbacks: attribute changes, read receipts, bans (a kick). Counters,
edits, clearing, broadcasts and the AVChatRoom service send none (IM documents none)."""
from __future__ import annotations

import pytest
from callback_receiver import CALLBACK_TOKEN, receiver, wired  # noqa: F401  (fixtures)
from group_helpers import call, import_accounts

from console.tim import callbacks as cb
from console.tim.errors import TimError

TEXT = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hello"}}]


@pytest.fixture
def group_id(tim, sandbox):
    import_accounts(sandbox, "owner", "m1", "m2")
    return call(tim, "create_group", {"Type": "Public", "Name": "g", "Owner_Account": "owner",
                                      "MemberList": [{"Member_Account": "m1"}, {"Member_Account": "m2"}]})["GroupId"]


def events(sandbox, wired, command: str) -> list:
    sandbox.callbacks.flush(5)
    got = []
    for request in wired.of(command):
        assert cb.verify_query(request.query, app_id=sandbox.app_id, token=CALLBACK_TOKEN)
        got.append(cb.parse(request.query, request.raw))
    return got


def test_every_attribute_write_reports_what_changed(tim, sandbox, group_id, wired):
    tim.group.modify_group_attrs(group_id, {"a": "1", "b": "2"})
    tim.group.set_group_attrs(group_id, {"b": "3", "c": "4"})
    tim.group.delete_group_attrs(group_id, ["b", "missing"])
    tim.group.clear_group_attrs(group_id)
    changes = events(sandbox, wired, "Group.CallbackAfterGroupAttrChanged")
    assert [(e.option_type, e.attributes) for e in changes] == [
        ("modify", {"a": "1", "b": "2"}), ("set", {"b": "3", "c": "4"}), ("delete", {"b": "3"}),
        ("clear", {"c": "4"})]
    assert all(e.group_id == group_id and e.group_type == "Public" for e in changes)
    assert changes[0].operator_account == sandbox.admin and changes[0].event_time


def test_a_refused_attribute_write_sends_nothing(tim, sandbox, group_id, wired):
    with pytest.raises(TimError):
        tim.call("group_open_http_svc/modify_group_attr", {"GroupId": group_id,
                                                            "GroupAttr": [{"key": "k" * 40, "value": ""}]})
    assert events(sandbox, wired, "Group.CallbackAfterGroupAttrChanged") == []


def test_a_read_report_sends_the_new_counts_and_the_reader(tim, sandbox, group_id, wired):
    seq = call(tim, "send_group_msg", {"GroupId": group_id, "From_Account": "owner", "Random": 1,
                                       "MsgBody": TEXT, "NeedReadReceipt": 1})["MsgSeq"]
    tim.group.send_read_receipts(group_id, "m1", [seq])
    tim.group.send_read_receipts(group_id, "m1", [seq])             # nothing new: no second callback
    (event,) = events(sandbox, wired, "Group.CallbackAfterReadReceipt")
    (receipt,) = event.receipts
    assert (receipt.msg_seq, receipt.read_num, receipt.unread_num, receipt.readers) == (seq, 1, 1, ["m1"])
    assert event.group_id == group_id and event.accounts() == ["m1"]


def test_a_ban_is_reported_as_a_kick(tim, sandbox, group_id, wired):
    tim.group.ban_members(group_id, ["m2", "stranger"], 60)
    (event,) = events(sandbox, wired, "Group.CallbackAfterMemberExit")
    assert event.exit_type == "Kicked" and event.members == ["m2"]


def test_counters_edits_and_the_avchatroom_service_send_no_callbacks(tim, sandbox, group_id, wired):
    seq = call(tim, "send_group_msg", {"GroupId": group_id, "From_Account": "m1", "Random": 2,
                                       "MsgBody": TEXT})["MsgSeq"]
    before = len(events(sandbox, wired, "Group.CallbackAfterSendMsg"))
    tim.group.update_group_counters(group_id, {"likes": 1})
    tim.group.modify_message(group_id, seq, body="edited")
    tim.group.clear_messages(group_id)
    room = tim.group.create_group("AVChatRoom", "Live", owner="owner").group_id
    tim.avchatroom.add_admins(room, ["m1"])
    sandbox.callbacks.flush(5)
    after_create = set(wired.commands())
    assert after_create <= {"Group.CallbackBeforeCreateGroup", "Group.CallbackAfterCreateGroup",
                            "Group.CallbackBeforeSendMsg", "Group.CallbackAfterSendMsg"}
    assert len(events(sandbox, wired, "Group.CallbackAfterSendMsg")) == before
