"""Group callbacks beyond the basics of test_callbacks_out.py: what is (not) sent when, and the
effect of before-callback answers, against a real local receiver."""
from __future__ import annotations

import time

import pytest
from callback_receiver import receiver, wired  # noqa: F401  (fixtures)
from group_helpers import call, code, import_accounts

from console.tim import callbacks as cb

TEXT = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hello"}}]


@pytest.fixture
def accounts(sandbox):
    return import_accounts(sandbox, "owner", "m1", "m2", "m3")


def answer_for(wired, command: str, ack) -> None:
    """The receiver answers `command` with `ack`, everything else with OK."""
    wired.answer = lambda cmd, body: ack if cmd == command else cb.ack_ok()


def sent(sandbox, wired) -> list[str]:
    sandbox.callbacks.flush(5)
    return wired.commands()


def make_group(tim, **extra) -> str:
    return call(tim, "create_group", {"Type": "Public", "Name": "g", "Owner_Account": "owner",
                                      "MemberList": [{"Member_Account": "m1"}], **extra})["GroupId"]


def send(tim, group_id: str, **extra) -> dict:
    return call(tim, "send_group_msg", {"GroupId": group_id, "From_Account": "m1", "Random": 9,
                                        "MsgBody": TEXT, **extra})


def test_forbid_callback_control_suppresses_both_send_callbacks(tim, sandbox, accounts, wired):
    group_id = make_group(tim)
    answer_for(wired, "Group.CallbackBeforeSendMsg", cb.ack_deny(command="Group.CallbackBeforeSendMsg"))
    answer = send(tim, group_id, ForbidCallbackControl=["ForbidBeforeSendMsgCallback",
                                                         "ForbidAfterSendMsgCallback"])
    assert answer["MsgSeq"] == 1                    # the deny was never asked for
    commands = sent(sandbox, wired)
    assert "Group.CallbackBeforeSendMsg" not in commands and "Group.CallbackAfterSendMsg" not in commands


def test_a_silent_drop_answers_ok_and_uses_no_seq(tim, sandbox, accounts, wired):
    group_id = make_group(tim)
    answer_for(wired, "Group.CallbackBeforeSendMsg", cb.ack_drop())
    send(tim, group_id)
    wired.answer = lambda cmd, body: cb.ack_ok()
    assert send(tim, group_id, Random=10)["MsgSeq"] == 1
    assert "Group.CallbackAfterSendMsg" in sent(sandbox, wired)


def test_a_muted_sender_is_refused_before_any_callback(tim, sandbox, accounts, wired):
    group_id = make_group(tim)
    call(tim, "forbid_send_msg", {"GroupId": group_id, "Members_Account": ["m1"], "MuteTime": 60})
    assert code(tim, "send_group_msg", {"GroupId": group_id, "From_Account": "m1", "Random": 1,
                                        "MsgBody": TEXT}) == 10017
    assert "Group.CallbackBeforeSendMsg" not in sent(sandbox, wired)


def test_a_failing_app_backend_lets_the_message_through(tim, sandbox, accounts, wired):
    group_id = make_group(tim)
    wired.answer = lambda cmd, body: (500, b"oops")
    assert send(tim, group_id)["MsgSeq"] == 1


def test_invite_refused_as_a_whole(tim, sandbox, accounts, wired):
    group_id = make_group(tim)
    answer_for(wired, "Group.CallbackBeforeInviteJoinGroup",
               cb.ack_deny(command="Group.CallbackBeforeInviteJoinGroup"))
    assert code(tim, "add_group_member", {"GroupId": group_id,
                                          "MemberList": [{"Member_Account": "m2"}]}) == 10016
    roles = call(tim, "get_role_in_group", {"GroupId": group_id, "User_Account": ["m2"]})["UserIdList"]
    assert roles == [{"Member_Account": "m2", "Role": "NotMember"}]
    assert "Group.CallbackAfterNewMemberJoin" not in sent(sandbox, wired)


def test_refused_invitees_get_result_zero(tim, sandbox, accounts, wired):
    group_id = make_group(tim)
    answer_for(wired, "Group.CallbackBeforeInviteJoinGroup", cb.ack_refuse(["m3"]))
    added = call(tim, "add_group_member", {"GroupId": group_id, "MemberList": [
        {"Member_Account": "m2"}, {"Member_Account": "m3"}, {"Member_Account": "m1"}]})
    assert added["MemberList"] == [{"Member_Account": "m2", "Result": 1}, {"Member_Account": "m3", "Result": 0},
                                   {"Member_Account": "m1", "Result": 2}]
    invite = wired.wait_for("Group.CallbackBeforeInviteJoinGroup")[0].body
    assert invite["DestinationMembers"] == [{"Member_Account": "m2"}, {"Member_Account": "m3"}]
    assert invite["Operator_Account"] == sandbox.admin and invite["Type"] == "Public"


def test_group_full_callback_when_an_add_takes_the_last_seat_not_when_refused(tim, sandbox, accounts,
                                                                              wired):
    group_id = make_group(tim, MaxMemberCount=3)
    call(tim, "add_group_member", {"GroupId": group_id, "MemberList": [{"Member_Account": "m2"}]})
    full = wired.wait_for("Group.CallbackAfterGroupFull")[0].body
    # the documented body: no Type, no member list
    assert set(full) == {"CallbackCommand", "GroupId", "EventTime"}
    assert full["GroupId"] == group_id and isinstance(full["EventTime"], int)
    assert code(tim, "add_group_member", {"GroupId": group_id,
                                          "MemberList": [{"Member_Account": "m3"}]}) == 10014
    assert sent(sandbox, wired).count("Group.CallbackAfterGroupFull") == 1


def test_no_group_full_callback_while_seats_are_left(tim, sandbox, accounts, wired):
    group_id = make_group(tim, MaxMemberCount=4)
    call(tim, "add_group_member", {"GroupId": group_id, "MemberList": [{"Member_Account": "m2"}]})
    wired.wait_for("Group.CallbackAfterNewMemberJoin")
    assert "Group.CallbackAfterGroupFull" not in sent(sandbox, wired)


def test_group_full_callback_when_create_group_fills_the_group(tim, sandbox, accounts, wired):
    group_id = make_group(tim, MaxMemberCount=2)       # owner + m1
    full = wired.wait_for("Group.CallbackAfterGroupFull")[0].body
    assert (full["GroupId"], "Type" in full) == (group_id, False)
    commands = sent(sandbox, wired)
    assert commands.index("Group.CallbackAfterCreateGroup") < commands.index("Group.CallbackAfterGroupFull")


def test_send_callbacks_carry_the_documented_message_fields(tim, sandbox, accounts, wired):
    group_id = make_group(tim)
    answer = send(tim, group_id, CloudCustomData="cc")
    ask = wired.wait_for("Group.CallbackBeforeSendMsg")[0].body
    done = wired.wait_for("Group.CallbackAfterSendMsg")[0].body
    message = {"CallbackCommand", "GroupId", "Type", "From_Account", "Operator_Account", "Random",
               "MsgId", "OnlineOnlyFlag", "MsgBody", "CloudCustomData", "EventTime"}
    assert set(ask) == message
    assert set(done) == message | {"MsgSeq", "MsgTime"}
    assert ask["MsgId"] and ask["MsgId"] == done["MsgId"]
    assert (done["MsgSeq"], done["MsgTime"], done["Random"]) == (answer["MsgSeq"], answer["MsgTime"], 9)
    assert (ask["From_Account"], ask["CloudCustomData"], ask["MsgBody"]) == ("m1", "cc", TEXT)
    second = send(tim, group_id, Random=10)
    later = wired.wait_for("Group.CallbackAfterSendMsg", count=2)[1].body
    assert later["MsgSeq"] == second["MsgSeq"] and later["MsgId"] != done["MsgId"]


def test_member_field_changes_report_role_and_name_card_only(tim, sandbox, accounts, wired):
    group_id = make_group(tim)
    call(tim, "modify_group_member_info", {"GroupId": group_id, "Member_Account": "m1", "MsgFlag": "Discard"})
    assert "Group.CallbackAfterMemberFieldChanged" not in sent(sandbox, wired)
    call(tim, "modify_group_member_info", {"GroupId": group_id, "Member_Account": "m1", "Role": "Admin",
                                           "NameCard": "Mike"})
    body = wired.wait_for("Group.CallbackAfterMemberFieldChanged")[0].body
    assert (body["Member_Account"], body["Role"], body["NameCard"]) == ("m1", "Admin", "Mike")


def test_info_changed_carries_only_the_changed_profile_texts(tim, sandbox, accounts, wired):
    group_id = make_group(tim)
    call(tim, "modify_group_base_info", {"GroupId": group_id, "MuteAllMember": "On"})
    assert "Group.CallbackAfterGroupInfoChanged" not in sent(sandbox, wired)
    call(tim, "modify_group_base_info", {"GroupId": group_id, "Notification": "new rules",
                                         "MaxMemberNum": 100, "From_Account": "m1"})
    body = wired.wait_for("Group.CallbackAfterGroupInfoChanged")[0].body
    assert body["Notification"] == "new rules" and body["Operator_Account"] == "m1"
    assert not {"Name", "Introduction", "FaceUrl", "MaxMemberNum"} & set(body)


def test_imports_send_no_callbacks(tim, sandbox, accounts, wired):
    group_id = call(tim, "import_group", {"Type": "Public", "Name": "old", "Owner_Account": "owner",
                                          "CreateTime": 1600000000})["GroupId"]
    call(tim, "import_group_member", {"GroupId": group_id, "MemberList": [{"Member_Account": "m1"}]})
    call(tim, "import_group_msg", {"GroupId": group_id, "MsgList": [
        {"From_Account": "m1", "SendTime": 1600000100, "MsgBody": TEXT}]})
    assert sent(sandbox, wired) == []


def test_create_callback_payloads(tim, sandbox, accounts, wired):
    group_id = make_group(tim, AppDefinedData=[{"Key": "Level", "Value": "1"}])
    ask = wired.wait_for("Group.CallbackBeforeCreateGroup")[0].body
    assert (ask["Owner_Account"], ask["Type"], ask["Name"], ask["MemberList"]) == (
        "owner", "Public", "g", [{"Member_Account": "m1"}])
    done = wired.wait_for("Group.CallbackAfterCreateGroup")[0].body
    assert done["GroupId"] == group_id
    assert done["UserDefinedDataList"] == [{"Key": "Level", "Value": "1"}]
    assert isinstance(done["EventTime"], int)


def client_ctx(sandbox, account: str):
    """The context of a client-SDK action by `account` (what the traffic simulator uses)."""
    from console.sandbox.registry import Ctx
    return Ctx(sandbox=sandbox, identifier=account, now=time.time())


def test_apply_join_asks_the_app_and_reports_the_join(tim, sandbox, accounts, wired):
    from console.sandbox.handlers.group import apply_join
    group_id = make_group(tim)
    answer_for(wired, "Group.CallbackBeforeApplyJoinGroup",
               cb.ack_deny(command="Group.CallbackBeforeApplyJoinGroup"))
    assert apply_join(client_ctx(sandbox, "m2"), group_id, "m2") is False
    asked = wired.wait_for("Group.CallbackBeforeApplyJoinGroup")[0].body
    assert (asked["GroupId"], asked["Requestor_Account"]) == (group_id, "m2")
    wired.answer = lambda cmd, body: cb.ack_ok()
    assert apply_join(client_ctx(sandbox, "m2"), group_id, "m2") is True
    joined = wired.wait_for("Group.CallbackAfterNewMemberJoin")[0].body
    assert (joined["JoinType"], joined["NewMemberList"]) == ("Apply", [{"Member_Account": "m2"}])
    roles = call(tim, "get_role_in_group", {"GroupId": group_id, "User_Account": ["m2"]})["UserIdList"]
    assert roles == [{"Member_Account": "m2", "Role": "Member"}]


def test_quit_reports_the_exit_and_owners_stay(tim, sandbox, accounts, wired):
    from console.sandbox.handlers.group import quit_group
    group_id = make_group(tim)
    assert quit_group(client_ctx(sandbox, "owner"), group_id, "owner") is False     # Public: owner stays
    assert quit_group(client_ctx(sandbox, "m1"), group_id, "m1") is True
    body = wired.wait_for("Group.CallbackAfterMemberExit")[0].body
    assert (body["ExitType"], body["ExitMemberList"]) == ("Quit", [{"Member_Account": "m1"}])
    work = make_group(tim, Type="Private")
    assert quit_group(client_ctx(sandbox, "owner"), work, "owner") is True
    assert call(tim, "get_group_info", {"GroupIdList": [work]})["GroupInfo"][0]["Owner_Account"] == ""
