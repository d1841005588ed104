"""Callbacks the non-group endpoints send, and the effect of before-send answers."""
from __future__ import annotations

import hashlib

import pytest

from console.tim import TimError

TEXT = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hello"}}]


def sendmsg(tim, **extra):
    return tim.call("openim/sendmsg", {"From_Account": "a", "To_Account": "b", "MsgRandom": 9, "MsgBody": TEXT,
                                       **extra})


def stored(sandbox) -> list[dict]:
    return [m for history in sandbox.state.messages.values() for m in history]


def test_sendmsg_sends_signed_before_and_after(tim, sandbox, users, receiver, settle):
    users("a", "b")
    key = sendmsg(tim)["MsgKey"]
    settle()
    assert receiver.commands() == ["C2C.CallbackBeforeSendMsg", "C2C.CallbackAfterSendMsg"]
    query, after = receiver.calls[1]
    assert query["Sign"] == hashlib.sha256(f"cbtoken{query['RequestTime']}".encode()).hexdigest()
    assert query["SdkAppid"] == str(sandbox.app_id)
    assert (after["MsgKey"], after["From_Account"], after["To_Account"]) == (key, "a", "b")
    assert after["SendMsgResult"] == 0 and after["UnreadMsgNum"] == 1 and after["MsgBody"] == TEXT


def test_before_send_deny_is_20006(tim, sandbox, users, receiver, settle):
    users("a", "b")
    receiver.acks["C2C.CallbackBeforeSendMsg"] = {"ActionStatus": "OK", "ErrorCode": 1, "ErrorInfo": "no"}
    with pytest.raises(TimError) as err:
        sendmsg(tim)
    assert err.value.code == 20006
    settle()
    assert not stored(sandbox) and receiver.commands() == ["C2C.CallbackBeforeSendMsg"]


def test_before_send_custom_code_reaches_the_caller(tim, sandbox, users, receiver, settle):
    users("a", "b")
    receiver.acks["C2C.CallbackBeforeSendMsg"] = {"ActionStatus": "OK", "ErrorCode": 120005, "ErrorInfo": "banned word"}
    with pytest.raises(TimError) as err:
        sendmsg(tim)
    assert (err.value.code, err.value.info) == (120005, "banned word")


def test_before_send_2_drops_silently(tim, sandbox, users, receiver, settle):
    users("a", "b")
    receiver.acks["C2C.CallbackBeforeSendMsg"] = {"ActionStatus": "OK", "ErrorCode": 2, "ErrorInfo": ""}
    answer = sendmsg(tim)
    assert answer["ErrorCode"] == 0 and answer["MsgKey"]
    settle()
    assert not stored(sandbox) and receiver.commands() == ["C2C.CallbackBeforeSendMsg"]


def test_before_send_modified_body_is_stored_and_reported(tim, sandbox, users, receiver, settle):
    users("a", "b")
    changed = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "h***o"}}]
    receiver.acks["C2C.CallbackBeforeSendMsg"] = {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "",
                                                  "MsgBody": changed, "CloudCustomData": "moderated"}
    sendmsg(tim)
    settle()
    [msg] = stored(sandbox)
    assert msg["MsgBody"] == changed and msg["CloudCustomData"] == "moderated"
    assert receiver.bodies("C2C.CallbackAfterSendMsg")[0]["MsgBody"] == changed


def test_forbid_callback_control(tim, sandbox, users, receiver, settle):
    users("a", "b")
    sendmsg(tim, ForbidCallbackControl=["ForbidBeforeSendMsgCallback"])
    settle()
    assert receiver.commands() == ["C2C.CallbackAfterSendMsg"]
    receiver.calls.clear()
    sendmsg(tim, MsgRandom=10, ForbidCallbackControl=["ForbidBeforeSendMsgCallback", "ForbidAfterSendMsgCallback"])
    settle()
    assert receiver.calls == []


def test_batchsendmsg_and_importmsg_send_no_callbacks(tim, sandbox, users, receiver, settle):
    users("a", "b")
    tim.call("openim/batchsendmsg", {"From_Account": "a", "To_Account": ["b"], "MsgRandom": 1, "MsgBody": TEXT})
    tim.call("openim/importmsg", {"SyncFromOldSystem": 2, "From_Account": "a", "To_Account": "b", "MsgRandom": 1,
                                  "MsgTimeStamp": 1700000000, "MsgBody": TEXT})
    settle()
    assert receiver.calls == []


def test_withdraw_read_profile_and_sns_callbacks(tim, sandbox, users, receiver, settle):
    users("a", "b")
    sandbox.state.profiles["b"]["Tag_Profile_IM_AllowType"] = "AllowType_Type_AllowAny"
    key = sendmsg(tim, ForbidCallbackControl=["ForbidBeforeSendMsgCallback", "ForbidAfterSendMsgCallback"])["MsgKey"]
    tim.call("openim/admin_set_msg_read", {"Report_Account": "b", "Peer_Account": "a"})
    tim.call("openim/admin_msgwithdraw", {"From_Account": "a", "To_Account": "b", "MsgKey": key})
    tim.call("profile/portrait_set", {"From_Account": "a", "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "A"}]})
    tim.call("sns/friend_add", {"From_Account": "a", "AddFriendItem": [{"To_Account": "b", "AddSource": "AddSource_Type_X"}]})
    tim.call("sns/friend_delete", {"From_Account": "a", "To_Account": ["b"]})
    tim.call("sns/black_list_add", {"From_Account": "a", "To_Account": ["b"]})
    tim.call("sns/black_list_delete", {"From_Account": "a", "To_Account": ["b"]})
    settle()
    assert receiver.commands() == ["C2C.CallbackAfterMsgReport", "C2C.CallbackAfterMsgWithDraw",
                                   "Profile.CallbackPortraitSet", "Sns.CallbackFriendAdd", "Sns.CallbackFriendDelete",
                                   "Sns.CallbackBlackListAdd", "Sns.CallbackBlackListDelete"]
    report = receiver.bodies("C2C.CallbackAfterMsgReport")[0]
    assert (report["Report_Account"], report["Peer_Account"], report["UnreadMsgNum"]) == ("b", "a", 0)
    assert receiver.bodies("C2C.CallbackAfterMsgWithDraw")[0]["MsgKey"] == key
    added = receiver.bodies("Sns.CallbackFriendAdd")[0]
    assert {(p["From_Account"], p["To_Account"]) for p in added["PairList"]} == {("a", "b"), ("b", "a")}
    assert added["Admin_Account"] == sandbox.admin and added["ClientCmd"] == "friend_add"


def test_rate_limit_sends_one_over_limit_alert(api, sandbox, receiver, settle):
    sandbox.limiter.configure({"openim/query_online_status": 2})
    try:
        codes = [api("openim/query_online_status", {"To_Account": ["x"]})["ErrorCode"] for _ in range(6)]
    finally:
        sandbox.limiter.overrides.pop("openim/query_online_status")
        sandbox.limiter.reset()
    assert codes.count(60007) >= 3
    settle()
    [alert] = receiver.bodies("Alert.RequestOverLimit")
    assert (alert["ServiceName"], alert["Command"], alert["Limit"]) == ("openim", "query_online_status", 2)
    assert isinstance(alert["Request"], int) and alert["Request"] >= 1
