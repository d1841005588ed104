"""The sandbox's outbound callbacks: the sender itself, then each action's callbacks, checked with
console.tim.callbacks (Sign, parsing) and the documented effect of before-callback answers."""
from __future__ import annotations

import dataclasses
import threading

import pytest
from callback_receiver import CALLBACK_TOKEN, receiver, wired  # noqa: F401

from console.sandbox.callbacks import CallbackSender, forbidden
from console.tim import TimError
from console.tim import callbacks as cb

APP_ID = 1400000001
TEXT = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hello"}}]


def checked(req, command: str) -> cb.CallbackEvent:
    """The documented query, a valid Sign, a body that parses to the command's typed event."""
    assert req.command == command
    assert req.query["SdkAppid"] == str(APP_ID)
    assert req.query["contenttype"] == "json"
    assert req.query["ClientIP"] and req.query["OptPlatform"]
    assert cb.verify_query(req.query, app_id=APP_ID, token=CALLBACK_TOKEN).ok
    assert req.content_type.startswith("application/json")
    assert req.body["CallbackCommand"] == command
    event = cb.parse(req.query, req.body)
    assert type(event) is cb.COMMANDS[command].event_class
    assert event.event_time is not None
    return event


def first(receiver, command: str) -> cb.CallbackEvent:
    """The first `command` callback received, checked."""
    return checked(receiver.wait_for(command)[0], command)


def unknown_keys(event: cb.CallbackEvent) -> set[str]:
    """Body keys the event's class does not read (a payload off the spec shows up here)."""
    known = {"CallbackCommand", "EventTime"}
    for f in dataclasses.fields(event):
        known.update(p.split(".")[0].removesuffix("[]") for p in f.metadata.get("paths", ()))
    return set(event.raw) - known


# --------------------------------------------------------------------------------------------
# the sender on its own


@pytest.fixture
def sender():
    s = CallbackSender(APP_ID)
    yield s
    s.stop()


def test_before_posts_the_documented_query_and_returns_the_ack(sender, receiver):
    sender.configure(receiver.url, CALLBACK_TOKEN)
    receiver.answer = lambda command, body: cb.ack_deny(120002, "no", command=command)
    ack = sender.before("C2C.CallbackBeforeSendMsg", {"From_Account": "a", "To_Account": "b"})
    assert ack == {"ActionStatus": "OK", "ErrorCode": 120002, "ErrorInfo": "no"}
    (req,) = receiver.received
    assert set(req.query) == {"SdkAppid", "CallbackCommand", "contenttype", "ClientIP",
                              "OptPlatform", "Sign", "RequestTime"}
    assert req.query["OptPlatform"] == "RESTAPI" and req.path == "/callback"
    event = checked(req, "C2C.CallbackBeforeSendMsg") if "EventTime" in req.body else None
    assert event is None  # the sender adds no field the handler did not give
    assert req.body == {"CallbackCommand": "C2C.CallbackBeforeSendMsg", "From_Account": "a",
                        "To_Account": "b"}
    assert sender.sent["C2C.CallbackBeforeSendMsg"] == 1


def test_no_sign_without_a_token_and_nothing_without_a_url(sender, receiver):
    assert sender.before("Group.CallbackBeforeCreateGroup", {}) is None
    sender.after("Group.CallbackAfterCreateGroup", {})
    assert sender.flush(2) and receiver.received == [] and not sender.sent
    sender.configure(receiver.url)
    sender.before("Group.CallbackBeforeCreateGroup", {"Name": "g"})
    assert "Sign" not in receiver.received[0].query
    assert "RequestTime" not in receiver.received[0].query


def test_state_change_spells_ios_in_capitals(sender, receiver):
    sender.configure(receiver.url, CALLBACK_TOKEN)
    sender.before("State.StateChange", {"Info": {}}, platform="iOS")
    sender.before("C2C.CallbackBeforeSendMsg", {}, platform="iOS")
    assert [r.query["OptPlatform"] for r in receiver.received] == ["IOS", "iOS"]
    assert cb.parse(receiver.received[0].query, receiver.received[0].body).platform == "iOS"


def test_origin_sets_client_ip_and_platform_for_this_thread(sender, receiver):
    sender.configure(receiver.url, CALLBACK_TOKEN)
    with sender.origin(client_ip="203.0.113.7", platform="Android"):
        sender.before("C2C.CallbackBeforeSendMsg", {})
        sender.after("C2C.CallbackAfterSendMsg", {})
        other = threading.Thread(target=sender.before, args=("Group.CallbackBeforeSendMsg", {}))
        other.start()
        other.join()
    sender.before("Group.CallbackBeforeCreateGroup", {})
    assert sender.flush(5)
    seen = {r.command: (r.query["ClientIP"], r.query["OptPlatform"]) for r in receiver.received}
    assert seen == {"C2C.CallbackBeforeSendMsg": ("203.0.113.7", "Android"),
                    "C2C.CallbackAfterSendMsg": ("203.0.113.7", "Android"),
                    "Group.CallbackBeforeSendMsg": ("127.0.0.1", "RESTAPI"),
                    "Group.CallbackBeforeCreateGroup": ("127.0.0.1", "RESTAPI")}


def test_failed_answers_give_none_and_are_counted(sender, receiver):
    sender.configure(receiver.url, CALLBACK_TOKEN)
    for reply in ((500, b'{"ErrorCode": 1}'), (200, b"not json"), (200, b"[0]")):
        receiver.answer = lambda command, body, reply=reply: reply
        assert sender.before("Group.CallbackBeforeSendMsg", {}) is None
    assert sender.failed["Group.CallbackBeforeSendMsg"] == 3 and not sender.sent
    sender.configure("http://127.0.0.1:9/unreachable", CALLBACK_TOKEN)
    assert sender.before("Group.CallbackBeforeSendMsg", {}) is None
    assert sender.failed["Group.CallbackBeforeSendMsg"] == 4


def test_a_slow_app_times_out_and_the_action_proceeds(receiver):
    slow = CallbackSender(APP_ID, receiver.url, CALLBACK_TOKEN, timeout=0.3)
    receiver.gate = threading.Event()
    try:
        assert slow.before("C2C.CallbackBeforeSendMsg", {}) is None
        assert slow.failed["C2C.CallbackBeforeSendMsg"] == 1
    finally:
        receiver.gate.set()
        slow.stop()


def test_after_never_waits_for_the_app_and_keeps_order(sender, receiver):
    sender.configure(receiver.url, CALLBACK_TOKEN)
    receiver.gate = threading.Event()
    for i in range(3):
        sender.after("Sns.CallbackFriendAdd", {"Seq": i})
    # returned while the app has not answered the first one
    assert not receiver.gate.is_set() and sender.sent["Sns.CallbackFriendAdd"] == 0
    receiver.gate.set()
    assert sender.flush(5)
    assert [r.body["Seq"] for r in receiver.received] == [0, 1, 2]
    assert sender.sent["Sns.CallbackFriendAdd"] == 3


def test_a_full_queue_drops_and_counts(receiver):
    small = CallbackSender(APP_ID, receiver.url, CALLBACK_TOKEN, queue_size=2)
    receiver.gate = threading.Event()
    try:
        for _ in range(6):
            small.after("C2C.CallbackAfterSendMsg", {})
        assert small.dropped >= 3
    finally:
        receiver.gate.set()
        assert small.flush(5)
        small.stop()
    assert small.sent["C2C.CallbackAfterSendMsg"] + small.dropped == 6


def test_forbid_pause_and_reset(sender, receiver):
    sender.configure(receiver.url, CALLBACK_TOKEN)
    assert sender.before("C2C.CallbackBeforeSendMsg", {}, forbid=True) is None
    sender.after("C2C.CallbackAfterSendMsg", {}, forbid=True)
    with sender.paused():
        sender.after("C2C.CallbackAfterSendMsg", {})
    assert sender.flush(2) and receiver.received == []
    assert sender.skipped == {"forbidden": 2, "paused": 1}
    sender.reset()
    assert sender.url is None and not sender.skipped
    assert forbidden({"ForbidCallbackControl": ["ForbidBeforeSendMsgCallback"]},
                     "ForbidBeforeSendMsgCallback")
    assert not forbidden({"ForbidCallbackControl": "ForbidBeforeSendMsgCallback"},
                         "ForbidBeforeSendMsgCallback")


def test_configuration_is_checked_and_the_token_never_shown(sender):
    with pytest.raises(ValueError):
        sender.configure("ftp://example.com/cb", "t")
    sender.configure("http://127.0.0.1:1/cb", "very-secret-token")
    assert "very-secret-token" not in repr(sender) and sender.signed


def test_after_signs_at_send_time(sender, receiver):
    sender.configure(receiver.url, CALLBACK_TOKEN)
    sender.after("Group.CallbackAfterGroupFull", {"GroupId": "@TGS#1", "EventTime": 1})
    assert sender.flush(5)
    (req,) = receiver.received
    event = checked(req, "Group.CallbackAfterGroupFull")
    assert event.group_id == "@TGS#1"


# --------------------------------------------------------------------------------------------
# through the sandbox


def _import(tim, *uids):
    for uid in uids:
        tim.call("im_open_login_svc/account_import", {"UserID": uid, "Nick": uid.title()})


def _send(tim, a, b, **extra):
    return tim.call("openim/sendmsg", {"SyncOtherMachine": 2, "From_Account": a, "To_Account": b,
                                       "MsgRandom": 7, "MsgBody": TEXT, **extra})


def _roam(tim, a, b):
    return tim.call("openim/admin_getroammsg", {
        "Operator_Account": a, "Peer_Account": b, "MaxCnt": 100, "MinTime": 0,
        "MaxTime": 2 ** 32 - 1}).get("MsgList", [])


def test_c2c_send_sends_before_and_after(tim, sandbox, wired):
    _import(tim, "alice", "bob")
    answer = _send(tim, "alice", "bob")
    before = first(wired, "C2C.CallbackBeforeSendMsg")
    after = first(wired, "C2C.CallbackAfterSendMsg")
    for event in (before, after):
        assert event.accounts() == ["alice", "bob"]
        assert event.msg_key == answer["MsgKey"] and event.msg_body == TEXT
        assert not unknown_keys(event), unknown_keys(event)
    assert after.send_result == 0 and after.unread is not None
    assert [m["MsgBody"] for m in _roam(tim, "bob", "alice")] == [TEXT]


@pytest.mark.parametrize("ack,code", [
    (cb.ack_deny(command="C2C.CallbackBeforeSendMsg"), 20006),
    (cb.ack_deny(120001, "banned", command="C2C.CallbackBeforeSendMsg"), 120001),
])
def test_c2c_denied_send_fails_with_the_documented_code(tim, sandbox, wired, ack, code):
    _import(tim, "alice", "bob")
    wired.answer_for("C2C.CallbackBeforeSendMsg", ack)
    with pytest.raises(TimError) as err:
        _send(tim, "alice", "bob")
    assert err.value.code == code
    assert _roam(tim, "bob", "alice") == []
    sandbox.callbacks.flush(5)
    assert "C2C.CallbackAfterSendMsg" not in wired.commands()


def test_c2c_silent_drop_looks_sent_but_is_not_stored(tim, sandbox, wired):
    _import(tim, "alice", "bob")
    wired.answer_for("C2C.CallbackBeforeSendMsg", cb.ack_drop())
    assert _send(tim, "alice", "bob")["MsgKey"]
    assert _roam(tim, "bob", "alice") == []
    sandbox.callbacks.flush(5)
    assert "C2C.CallbackAfterSendMsg" not in wired.commands()


def test_c2c_modified_body_is_stored_and_reported(tim, sandbox, wired):
    _import(tim, "alice", "bob")
    new_body = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "h***o"}}]
    wired.answer_for("C2C.CallbackBeforeSendMsg", cb.ack_modify(new_body, '{"vip":1}'))
    _send(tim, "alice", "bob")
    (stored,) = _roam(tim, "bob", "alice")
    assert stored["MsgBody"] == new_body and stored.get("CloudCustomData") == '{"vip":1}'
    after = first(wired, "C2C.CallbackAfterSendMsg")
    assert after.msg_body == new_body and after.cloud_custom_data == '{"vip":1}'


def test_forbid_callback_control_and_batchsendmsg(tim, sandbox, wired):
    _import(tim, "alice", "bob", "carol")
    _send(tim, "alice", "bob", ForbidCallbackControl=["ForbidBeforeSendMsgCallback"])
    _send(tim, "alice", "carol", ForbidCallbackControl=["ForbidAfterSendMsgCallback"])
    tim.call("openim/batchsendmsg", {"SyncOtherMachine": 2, "From_Account": "alice",
                                     "To_Account": ["bob", "carol"], "MsgRandom": 9,
                                     "MsgBody": TEXT})
    sandbox.callbacks.flush(5)
    befores = [r.body["To_Account"] for r in wired.of("C2C.CallbackBeforeSendMsg")]
    afters = [r.body["To_Account"] for r in wired.of("C2C.CallbackAfterSendMsg")]
    assert befores == ["carol"] and afters == ["bob"]


def test_withdraw_and_read_report(tim, sandbox, wired):
    _import(tim, "alice", "bob")
    key = _send(tim, "alice", "bob")["MsgKey"]
    tim.call("openim/admin_set_msg_read", {"Report_Account": "bob", "Peer_Account": "alice"})
    tim.call("openim/admin_msgwithdraw", {"From_Account": "alice", "To_Account": "bob",
                                          "MsgKey": key})
    report = first(wired, "C2C.CallbackAfterMsgReport")
    assert (report.report_account, report.peer_account) == ("bob", "alice")
    withdraw = first(wired, "C2C.CallbackAfterMsgWithDraw")
    assert withdraw.msg_key == key and withdraw.accounts() == ["alice", "bob"]
    assert not unknown_keys(report) and not unknown_keys(withdraw)


def test_profile_and_relationship_callbacks(tim, sandbox, wired):
    _import(tim, "alice", "bob", "carol")
    tim.call("profile/portrait_set", {"From_Account": "alice", "ProfileItem": [
        {"Tag": "Tag_Profile_IM_Nick", "Value": "Alice Li"}]})
    tim.call("sns/friend_add", {"From_Account": "alice", "AddType": "Add_Type_Both",
                                "ForceAddFlags": 1, "AddFriendItem": [
                                    {"To_Account": "bob", "AddSource": "AddSource_Type_Web"}]})
    tim.call("sns/friend_delete", {"From_Account": "alice", "To_Account": ["bob"],
                                   "DeleteType": "Delete_Type_Both"})
    tim.call("sns/black_list_add", {"From_Account": "alice", "To_Account": ["carol"]})
    tim.call("sns/black_list_delete", {"From_Account": "alice", "To_Account": ["carol"]})
    profile = first(wired, "Profile.CallbackPortraitSet")
    assert profile.items == {"Tag_Profile_IM_Nick": "Alice Li"} and "alice" in profile.accounts()
    added = first(wired, "Sns.CallbackFriendAdd")
    assert {"alice", "bob"} <= set(added.accounts())
    assert {(p.from_account, p.to_account) for p in added.pairs} <= {("alice", "bob"),
                                                                     ("bob", "alice")}
    for command in ("Sns.CallbackFriendDelete", "Sns.CallbackBlackListAdd",
                    "Sns.CallbackBlackListDelete"):
        event = checked(wired.wait_for(command)[0], command)
        assert event.pairs and "alice" in event.accounts()
    for command in ("Profile.CallbackPortraitSet", "Sns.CallbackFriendAdd",
                    "Sns.CallbackFriendDelete", "Sns.CallbackBlackListAdd"):
        event = cb.parse(wired.of(command)[0].query, wired.of(command)[0].body)
        assert not unknown_keys(event), (command, unknown_keys(event))


# ---- groups ---------------------------------------------------------------------------------


def _group(tim, owner="owner", members=("m1", "m2"), kind="Public", **extra) -> str:
    body = {"Owner_Account": owner, "Type": kind, "Name": "Test group",
            "MemberList": [{"Member_Account": m} for m in members], **extra}
    return tim.call("group_open_http_svc/create_group", body)["GroupId"]


def _group_send(tim, group_id, sender="m1", **extra):
    return tim.call("group_open_http_svc/send_group_msg", {
        "GroupId": group_id, "From_Account": sender, "Random": 5, "MsgBody": TEXT, **extra})


def _history(tim, group_id):
    answer = tim.call("group_open_http_svc/group_msg_get_simple", {"GroupId": group_id,
                                                                   "ReqMsgNumber": 20})
    return [m for m in answer.get("RspMsgList", []) if m.get("MsgBody") and
            m["MsgBody"][0].get("MsgType") == "TIMTextElem"]


def test_group_create_callbacks(tim, sandbox, wired):
    _import(tim, "owner", "m1", "m2")
    group_id = _group(tim)
    before = first(wired, "Group.CallbackBeforeCreateGroup")
    assert before.owner_account == "owner" and set(before.members) >= {"m1", "m2"}
    after = first(wired, "Group.CallbackAfterCreateGroup")
    assert after.group_id == group_id and {"owner", "m1", "m2"} <= set(after.accounts())
    assert not unknown_keys(before) and not unknown_keys(after)


@pytest.mark.parametrize("ack,code", [
    (cb.ack_deny(command="Group.CallbackBeforeCreateGroup"), 10016),
    (cb.ack_deny(10150, "quota", command="Group.CallbackBeforeCreateGroup"), 10150),
])
def test_group_create_denied(tim, sandbox, wired, ack, code):
    _import(tim, "owner", "m1", "m2")
    wired.answer_for("Group.CallbackBeforeCreateGroup", ack)
    with pytest.raises(TimError) as err:
        _group(tim)
    assert err.value.code == code
    assert tim.call("group_open_http_svc/get_appid_group_list", {}).get("GroupIdList") in ([],
                                                                                          None)


def test_group_send_callbacks(tim, sandbox, wired):
    _import(tim, "owner", "m1", "m2")
    group_id = _group(tim)
    answer = _group_send(tim, group_id)
    before = first(wired, "Group.CallbackBeforeSendMsg")
    after = first(wired, "Group.CallbackAfterSendMsg")
    assert before.group_id == after.group_id == group_id
    assert before.from_account == "m1" and after.msg_seq == answer["MsgSeq"]
    assert after.msg_body == TEXT
    assert [m["MsgBody"] for m in _history(tim, group_id)] == [TEXT]
    assert not unknown_keys(before) and not unknown_keys(after)


@pytest.mark.parametrize("ack,code", [
    (cb.ack_deny(command="Group.CallbackBeforeSendMsg"), 10016),
    (cb.ack_deny(10100, "slow down", command="Group.CallbackBeforeSendMsg"), 10100),
])
def test_group_send_denied(tim, sandbox, wired, ack, code):
    _import(tim, "owner", "m1", "m2")
    group_id = _group(tim)
    wired.answer_for("Group.CallbackBeforeSendMsg", ack)
    with pytest.raises(TimError) as err:
        _group_send(tim, group_id)
    assert err.value.code == code
    assert _history(tim, group_id) == []
    sandbox.callbacks.flush(5)
    assert "Group.CallbackAfterSendMsg" not in wired.commands()


def test_group_send_drop_and_modify(tim, sandbox, wired):
    _import(tim, "owner", "m1", "m2")
    group_id = _group(tim)
    wired.answer_for("Group.CallbackBeforeSendMsg", cb.ack_drop())
    _group_send(tim, group_id)
    assert _history(tim, group_id) == []
    new_body = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "[filtered]"}}]
    wired.answer_for("Group.CallbackBeforeSendMsg", cb.ack_modify(new_body))
    _group_send(tim, group_id)
    (stored,) = _history(tim, group_id)
    assert stored["MsgBody"] == new_body
    after = first(wired, "Group.CallbackAfterSendMsg")
    assert after.msg_body == new_body


def test_group_membership_callbacks(tim, sandbox, wired):
    _import(tim, "owner", "m1", "m2", "m3", "m4")
    group_id = _group(tim)
    wired.answer_for("Group.CallbackBeforeInviteJoinGroup", cb.ack_refuse(["m4"]))
    added = tim.call("group_open_http_svc/add_group_member", {
        "GroupId": group_id, "MemberList": [{"Member_Account": "m3"}, {"Member_Account": "m4"}]})
    results = {m["Member_Account"]: m["Result"] for m in added["MemberList"]}
    assert results["m3"] == 1 and results["m4"] != 1
    invite = first(wired, "Group.CallbackBeforeInviteJoinGroup")
    assert set(invite.members) == {"m3", "m4"}
    joined = first(wired, "Group.CallbackAfterNewMemberJoin")
    assert joined.members == ["m3"] and joined.group_id == group_id
    tim.call("group_open_http_svc/delete_group_member", {"GroupId": group_id,
                                                         "MemberToDel_Account": ["m2"]})
    exited = first(wired, "Group.CallbackAfterMemberExit")
    assert exited.members == ["m2"] and exited.exit_type == "Kicked"
    for event in (invite, joined, exited):
        assert not unknown_keys(event), (event.command, unknown_keys(event))


def test_group_info_owner_recall_destroy_callbacks(tim, sandbox, wired):
    _import(tim, "owner", "m1", "m2")
    group_id = _group(tim)
    seq = _group_send(tim, group_id)["MsgSeq"]
    tim.call("group_open_http_svc/modify_group_base_info", {"GroupId": group_id,
                                                            "Name": "Renamed"})
    tim.call("group_open_http_svc/change_group_owner", {"GroupId": group_id,
                                                        "NewOwner_Account": "m1"})
    tim.call("group_open_http_svc/group_msg_recall", {"GroupId": group_id,
                                                      "MsgSeqList": [{"MsgSeq": seq}]})
    tim.call("group_open_http_svc/destroy_group", {"GroupId": group_id})
    info = first(wired, "Group.CallbackAfterGroupInfoChanged")
    assert info.name == "Renamed"
    owner = first(wired, "Group.CallbackAfterChangeGroupOwner")
    assert (owner.old_owner_account, owner.new_owner_account) == ("owner", "m1")
    recall = first(wired, "Group.CallbackAfterRecallMsg")
    assert recall.msg_seqs == [seq]
    destroyed = first(wired, "Group.CallbackAfterGroupDestroyed")
    assert destroyed.group_id == group_id and {"m1", "m2"} <= set(destroyed.members)
    for event in (info, owner, recall, destroyed):
        assert event.group_id == group_id
        assert not unknown_keys(event), (event.command, unknown_keys(event))
