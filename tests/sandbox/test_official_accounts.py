"""Official accounts (official_account_open_http_svc/*): answers, codes, callbacks, state."""
from __future__ import annotations

import pytest

from console.tim.callbacks import OfficialAccountEvent, parse

SVC = "official_account_open_http_svc/"
TEXT = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "news"}}]
OK = {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": ""}


@pytest.fixture
def channel(api, users):
    users("boss", "u1", "u2", "u3")
    answer = api(SVC + "create_official_account", {"Owner_Account": "boss", "Name": "Channel",
                                                   "OfficialAccountUserID": "@TOA#_chan"})
    assert answer["ErrorCode"] == 0
    return answer["OfficialAccountUserID"]


def test_create_asks_before_and_reports_after(api, users, receiver, settle):
    users("boss")
    answer = api(SVC + "create_official_account", {"Owner_Account": "boss", "Name": "Mine"})
    settle()
    assert receiver.commands() == ["OfficialAccount.CallbackBeforeCreateOfficialAccount",
                                   "OfficialAccount.CallbackAfterCreateOfficialAccount"]
    (q1, before), (q2, after) = receiver.calls
    assert before["Owner_Account"] == "boss" and before["Name"] == "Mine" and before["Operator_Account"]
    assert after["Official_Account"] == answer["OfficialAccountUserID"]
    event = parse(q2, after)
    assert isinstance(event, OfficialAccountEvent) and event.official_account == answer["OfficialAccountUserID"]
    assert "boss" in event.accounts() and answer["OfficialAccountUserID"] not in event.accounts()


def test_before_create_deny_is_130002(api, users, sandbox, receiver):
    users("boss")
    receiver.acks["OfficialAccount.CallbackBeforeCreateOfficialAccount"] = {**OK, "ErrorCode": 1}
    answer = api(SVC + "create_official_account", {"Owner_Account": "boss", "Name": "Mine"})
    assert answer["ErrorCode"] == 130002 and sandbox.state.social.official_accounts == {}


def test_create_checks_ids_and_fields(api, users):
    users("boss")
    assert api(SVC + "create_official_account", {"Owner_Account": "boss", "Name": "x",
                                                 "OfficialAccountUserID": "chan"})["ErrorCode"] == 130007
    assert api(SVC + "create_official_account", {"Owner_Account": "boss", "Name": "x" * 151})["ErrorCode"] == 6017
    assert api(SVC + "create_official_account", {"Owner_Account": "boss"})["ErrorCode"] == 6017
    assert api(SVC + "create_official_account", {"Owner_Account": "boss", "Name": "x",
                                                 "CustomString": "c" * 3001})["ErrorCode"] == 6017


def test_non_admin_gets_130002(api, users, sandbox):
    users("boss")
    answer = api(SVC + "create_official_account", {"Owner_Account": "boss", "Name": "x"},
                 identifier="boss", usersig=sandbox.make_usersig("boss"))
    assert answer["ErrorCode"] == 130002


def test_modify_accepts_both_spellings_and_reports_changes(api, channel, sandbox, receiver, settle):
    assert api(SVC + "modify_official_account_base_info",
               {"Official_Account": channel, "Name": "New", "Organization": "Org"})["ErrorCode"] == 0
    assert api(SVC + "modify_official_account_base_info",
               {"OfficialAccount": channel, "CustomString": "c"})["ErrorCode"] == 0
    account = sandbox.state.social.official_accounts[channel]
    assert (account["Name"], account["Organization"], account["CustomString"]) == ("New", "Org", "c")
    settle()
    bodies = receiver.bodies("OfficialAccount.CallbackAfterOfficialAccountInfoChanged")
    assert bodies[0]["Name"] == "New" and bodies[0]["Organization"] == "Org" and "Introduction" not in bodies[0]


def test_info_filters_and_unknown_accounts(api, channel):
    answer = api(SVC + "get_official_account_info", {
        "OfficialAccountIdList": [{"Official_Account": channel}, {"Official_Account": "@TOA#_none"}],
        "ResponseFilter": {"OfficialAccountBaseInfoFilter": ["Name", "SubscriberNum"]}})
    first, second = answer["OfficialAccountInfoList"]
    assert first == {"Official_Account": channel, "ErrorCode": 0, "ErrorInfo": "", "Name": "Channel",
                     "SubscriberNum": 0}
    assert second["ErrorCode"] == 130004
    bad = api(SVC + "get_official_account_info", {"OfficialAccountIdList": [{"Official_Account": channel}],
                                                  "ResponseFilter": {"OfficialAccountBaseInfoFilter": ["Colour"]}})
    assert bad["ErrorCode"] == 6017


def test_subscribe_refusals_full_account_and_callbacks(api, channel, sandbox, receiver, settle):
    receiver.acks["OfficialAccount.CallbackBeforeAddSubscriber"] = {**OK, "RefusedSubscribers_Account": ["u2"]}
    sandbox.state.social.official_accounts[channel]["MaxSubscriberNum"] = 1
    answer = api(SVC + "add_subscriber", {"Official_Account": channel, "SubscriberList": [
        {"Subscriber_Account": "u1"}, {"Subscriber_Account": "u2"}, {"Subscriber_Account": "u3"}]})
    assert [(s["Subscriber_Account"], s["Result"]) for s in answer["SubscriberList"]] == [
        ("u1", 1), ("u2", 0), ("u3", 0)]
    settle()
    assert receiver.commands()[-3:] == ["OfficialAccount.CallbackBeforeAddSubscriber",
                                        "OfficialAccount.CallbackAfterAddSubscriber",
                                        "OfficialAccount.CallbackAfterOfficialAccountFull"]
    before = receiver.bodies("OfficialAccount.CallbackBeforeAddSubscriber")[0]
    assert [s["Subscriber_Account"] for s in before["SubscribeAccountList"]] == ["u1", "u2", "u3"]
    after_query, after = receiver.calls[-2]
    assert parse(after_query, after).subscribers == ["u1"]
    removed = api(SVC + "delete_subscriber", {"Official_Account": channel, "SubscriberToDel_Account": ["u1", "u2"]})
    assert [s["Result"] for s in removed["SubscriberList"]] == [1, 2]
    settle()
    assert receiver.bodies("OfficialAccount.CallbackAfterDeleteSubscriber")[0]["SubscribeAccountList"] == [
        {"Subscriber_Account": "u1"}]


def test_subscriber_pages_and_subscribed_list(api, channel, users):
    users(*[f"r{i}" for i in range(5)])
    api(SVC + "add_subscriber", {"Official_Account": channel,
                                 "SubscriberList": [{"Subscriber_Account": f"r{i}"} for i in range(5)]})
    page = api(SVC + "get_subscriber_info", {"Official_Account": channel, "Limit": 2, "Next": ""})
    assert page["SubscriberNum"] == 5 and len(page["SubscriberList"]) == 2 and page["Next"]
    rest = api(SVC + "get_subscriber_info", {"Official_Account": channel, "Next": page["Next"]})
    assert [s["Subscriber_Account"] for s in rest["SubscriberList"]] == ["r2", "r3", "r4"] and rest["Next"] == ""
    mine = api(SVC + "get_subscribed_official_account_list", {"Subscriber_Account": "r0"})
    assert mine["TotalCount"] == 1 and mine["CompleteFlag"] == 1
    assert mine["OfficialAccountInfoList"][0]["Official_Account"] == channel
    assert set(mine["OfficialAccountInfoList"][0]["SelfInfo"]) == {"SubscribeTime", "CustomString"}


def test_broadcast_callbacks_modify_drop_and_deny(api, channel, sandbox, receiver, settle):
    social = sandbox.state.social
    changed = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "edited"}}]
    receiver.acks["OfficialAccount.CallbackBeforeSendMsg"] = {**OK, "MsgBody": changed, "CloudCustomData": "cc"}
    sent = api(SVC + "send_official_account_msg", {"Official_Account": channel, "Random": 1, "MsgBody": TEXT})
    assert sent["ErrorCode"] == 0 and sent["MsgKey"].startswith("1_1_")
    stored = social.official_accounts[channel]["messages"][-1]
    assert stored["MsgBody"] == changed and stored["CloudCustomData"] == "cc"
    settle()
    after = receiver.bodies("OfficialAccount.CallbackAfterSendMsg")[0]
    assert after["MsgKey"] == sent["MsgKey"] and after["MsgBody"] == changed
    social.official_accounts[channel]["sends"].clear()
    receiver.acks["OfficialAccount.CallbackBeforeSendMsg"] = {**OK, "ErrorCode": 2}
    dropped = api(SVC + "send_official_account_msg", {"Official_Account": channel, "Random": 2, "MsgBody": TEXT})
    assert dropped["ErrorCode"] == 0 and len(social.official_accounts[channel]["messages"]) == 1
    social.official_accounts[channel]["sends"].clear()
    receiver.acks["OfficialAccount.CallbackBeforeSendMsg"] = {**OK, "ErrorCode": 120009, "ErrorInfo": "no ads"}
    denied = api(SVC + "send_official_account_msg", {"Official_Account": channel, "Random": 3, "MsgBody": TEXT})
    assert (denied["ErrorCode"], denied["ErrorInfo"]) == (120009, "no ads")


def test_forbidden_callbacks_and_online_only(api, channel, sandbox, receiver, settle):
    answer = api(SVC + "send_official_account_msg", {
        "Official_Account": channel, "Random": 1, "MsgBody": TEXT, "OnlineOnlyFlag": 1,
        "ForbidCallbackControl": ["ForbidBeforeSendMsgCallback", "ForbidAfterSendMsgCallback"]})
    assert answer["ErrorCode"] == 0 and answer["MsgKey"]
    settle()
    assert receiver.commands() == [] and sandbox.state.social.official_accounts[channel]["messages"] == []
    bad = api(SVC + "send_official_account_msg", {"Official_Account": channel, "MsgBody": TEXT,
                                                  "OnlineOnlyFlag": 1, "SendMsgControl": ["NoLastMsg"]})
    assert bad["ErrorCode"] == 6017
    assert api(SVC + "send_official_account_msg", {"Official_Account": channel, "MsgBody": []})["ErrorCode"] == 6017


def test_recall_calls_back_and_history_marks_it(api, channel, receiver, settle):
    key = api(SVC + "send_official_account_msg", {"Official_Account": channel, "Random": 5, "MsgBody": TEXT})["MsgKey"]
    recalled = api(SVC + "official_account_msg_recall", {"Official_Account": channel, "MsgKeyList": [key]})
    assert recalled["RecallRetList"] == [{"MsgKey": key, "MsgSeq": 1, "RetCode": 0}]
    settle()
    query, body = receiver.calls[-1]
    assert body["WithdrawMsgList"] == [{"MsgKey": key}] and parse(query, body).withdrawn_keys == [key]
    plain = api(SVC + "official_account_msg_get_simple", {"Official_Account": channel, "ReqMsgNumber": 5})
    assert plain["RspMsgList"] == [] and plain["IsFinished"] == 1
    marked = api(SVC + "official_account_msg_get_simple", {"Official_Account": channel, "ReqMsgNumber": 5,
                                                           "WithRecalledMsg": 1})
    assert marked["RspMsgList"][0]["IsPlaceMsg"] == 2 and marked["RspMsgList"][0]["MsgBody"] == []
    assert api(SVC + "official_account_msg_get_simple", {"Official_Account": channel, "ReqMsgNumber": 5,
                                                         "LastMsgKey": "7_1_7"})["ErrorCode"] == 6017


def test_destroy_calls_back_and_state_round_trips(api, channel, users, sandbox, receiver, settle, tmp_path):
    api(SVC + "add_subscriber", {"Official_Account": channel, "SubscriberList": [{"Subscriber_Account": "u1"}]})
    path = str(tmp_path / "state.json")
    sandbox.state.save(path)
    sandbox.reset()
    sandbox.callbacks.configure(receiver.url, "cbtoken")
    sandbox.state.load_file(path)
    assert sandbox.state.social.subscriptions == {"u1": {channel: sandbox.state.social.official_accounts[channel][
        "subscribers"]["u1"]["time"]}}
    sandbox.state.delete_account("u1")
    assert sandbox.state.social.official_accounts[channel]["subscribers"] == {}
    assert api(SVC + "destroy_official_account", {"Official_Account": channel})["ErrorCode"] == 0
    settle()
    body = receiver.bodies("OfficialAccount.CallbackAfterOfficialAccountDestroyed")[0]
    assert (body["Official_Account"], body["Owner_Account"], body["Name"]) == (channel, "boss", "Channel")
    assert api(SVC + "destroy_official_account", {"Official_Account": channel})["ErrorCode"] == 130004
