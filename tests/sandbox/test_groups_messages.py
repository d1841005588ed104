"""The sandbox's group messages over HTTP: send, sequence numbers, history paging, recall,
delete by sender, imports, unread counts and conversations, per group type."""
from __future__ import annotations

import time

import pytest
from group_helpers import call, code, import_accounts

USERS = ("leckie", "peter", "bob", "tommy")


@pytest.fixture
def accounts(sandbox):
    return import_accounts(sandbox, *USERS)


def group(tim, group_type: str = "Public", **fields) -> str:
    return call(tim, "create_group", {"Type": group_type, "Name": "chat", "Owner_Account": "leckie",
                                      "MemberList": [{"Member_Account": "peter"}, {"Member_Account": "bob"}]
                                      if group_type != "AVChatRoom" else [], **fields})["GroupId"]


def text(words: str) -> list:
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": words}}]


def send(tim, group_id: str, words: str, sender: str | None = "peter", **extra) -> dict:
    body = {"GroupId": group_id, "Random": hash(words) & 0xFFFFFFFF, "MsgBody": text(words), **extra}
    if sender:
        body["From_Account"] = sender
    return call(tim, "send_group_msg", body)


def history(tim, group_id: str, **extra) -> list:
    return call(tim, "group_msg_get_simple", {"GroupId": group_id, "ReqMsgNumber": 20, **extra})["RspMsgList"]


def texts(messages: list) -> list:
    return [m["MsgBody"][0]["MsgContent"]["Text"] for m in messages if m["MsgBody"]]


# ---- send_group_msg -----------------------------------------------------------------------

def test_messages_get_increasing_seqs_and_update_the_group(tim, accounts):
    group_id = group(tim)
    first, second = send(tim, group_id, "one"), send(tim, group_id, "two", sender=None)
    assert (first["MsgSeq"], second["MsgSeq"]) == (1, 2)
    assert first["MsgDropReason"] == "" and abs(first["MsgTime"] - time.time()) < 5
    got = call(tim, "get_group_info", {"GroupIdList": [group_id]})["GroupInfo"][0]
    assert got["NextMsgSeq"] == 3 and got["LastMsgTime"] == second["MsgTime"]
    peter = next(m for m in got["MemberList"] if m["Member_Account"] == "peter")
    assert peter["LastSendMsgTime"] == first["MsgTime"] and peter["MsgSeq"] == 1
    stored = history(tim, group_id)
    assert [(m["MsgSeq"], m["From_Account"]) for m in stored] == [(2, "administrator"), (1, "peter")]
    assert stored[1]["MsgBody"] == text("one") and stored[1]["MsgPriority"] == 2


def test_join_and_leave_tips_take_a_seq(tim, accounts):
    group_id = group(tim)
    call(tim, "add_group_member", {"GroupId": group_id, "MemberList": [{"Member_Account": "tommy"}]})
    assert send(tim, group_id, "after join")["MsgSeq"] == 2
    call(tim, "delete_group_member", {"GroupId": group_id, "MemberToDel_Account": ["tommy"], "Silence": 1})
    assert send(tim, group_id, "after silent kick")["MsgSeq"] == 3
    tip = history(tim, group_id)[-1]
    assert (tip["MsgSeq"], tip["IsSystemMsg"], tip["MsgBody"]) == (1, 1, [])


def test_a_new_work_group_stays_silent_until_its_first_message(tim, accounts):
    group_id = group(tim, "Private")
    call(tim, "add_group_member", {"GroupId": group_id, "MemberList": [{"Member_Account": "tommy"}]})
    assert send(tim, group_id, "first")["MsgSeq"] == 1


def test_unread_counts_and_conversations(tim, sandbox, accounts):
    group_id = group(tim)
    send(tim, group_id, "a")
    sent = send(tim, group_id, "b")
    groups = sandbox.state.groups
    assert (groups.unread(group_id, "peter"), groups.unread(group_id, "bob"), groups.unread(group_id, "leckie")) \
        == (0, 2, 2)
    for uid in ("peter", "bob", "leckie"):
        assert sandbox.state.conversations[uid][f"2:{group_id}"]["MsgTime"] == sent["MsgTime"]
    send(tim, group_id, "quiet", SendMsgControl=["NoUnread", "NoLastMsg"])
    assert groups.unread(group_id, "bob") == 2


def test_a_meeting_group_counts_no_unread(tim, sandbox, accounts):
    group_id = group(tim, "ChatRoom")
    send(tim, group_id, "hello")
    assert sandbox.state.groups.unread(group_id, "bob") == 0


def test_avchatroom_messages_are_delivered_not_stored(tim, accounts):
    live = group(tim, "AVChatRoom")
    assert send(tim, live, "live!", sender="bob")["MsgSeq"] == 1       # no member list: anyone speaks
    assert code(tim, "group_msg_get_simple", {"GroupId": live, "ReqMsgNumber": 5}) == 10007
    assert code(tim, "group_msg_recall", {"GroupId": live, "MsgSeqList": [{"MsgSeq": 1}]}) == 10033
    assert code(tim, "send_group_msg", {"GroupId": live, "Random": 1, "MsgBody": text("x"),
                                        "OnlineOnlyFlag": 1}) == 10004


def test_online_only_messages_are_not_stored(tim, accounts):
    group_id = group(tim)
    send(tim, group_id, "now or never", OnlineOnlyFlag=1)
    assert history(tim, group_id) == []
    assert send(tim, group_id, "kept")["MsgSeq"] == 1


def test_same_random_and_body_within_five_minutes_is_one_message(tim, accounts):
    group_id = group(tim)
    first, again = send(tim, group_id, "dup"), send(tim, group_id, "dup")
    assert again["MsgSeq"] == first["MsgSeq"]
    assert len(history(tim, group_id)) == 1


@pytest.mark.parametrize("extra, expected", [
    ({"MsgBody": []}, 10004),
    ({"MsgBody": [{"MsgType": "TIMBogusElem", "MsgContent": {}}]}, 10004),
    ({"MsgBody": text("x" * 13000)}, 80002),
    ({"Random": None}, 10004),
    ({"MsgPriority": "Urgent"}, 10004),
    ({"From_Account": "tommy"}, 10007),            # not a member
    ({"From_Account": "ghost"}, 10004),            # never imported
    ({"GroupAtInfo": [{"GroupAtAllFlag": 0, "GroupAt_Account": "bob"}] * 31}, 10053),
    ({"GroupId": "missing"}, 10010),
])
def test_send_rejections(tim, accounts, extra, expected):
    body = {"GroupId": group(tim), "Random": 7, "MsgBody": text("hello"), **extra}
    body = {k: v for k, v in body.items() if v is not None}
    assert code(tim, "send_group_msg", body) == expected


def test_targeted_messages_only_in_private_public_and_chatroom(tim, accounts):
    community = group(tim, "Community")
    assert code(tim, "send_group_msg", {"GroupId": community, "Random": 1, "MsgBody": text("psst"),
                                        "To_Account": ["bob"]}) == 10007
    public = group(tim)
    assert send(tim, public, "psst", To_Account=["bob"])["MsgSeq"] == 1


# ---- mutes ----------------------------------------------------------------------------------

def test_muted_members_cannot_send(tim, accounts):
    group_id = group(tim)
    call(tim, "forbid_send_msg", {"GroupId": group_id, "Members_Account": ["peter"], "MuteTime": 60})
    assert code(tim, "send_group_msg", {"GroupId": group_id, "Random": 1, "MsgBody": text("x"),
                                        "From_Account": "peter"}) == 10017
    assert send(tim, group_id, "bob is fine", sender="bob")["MsgSeq"] == 1


def test_mute_all_spares_the_owner_admins_and_the_app_admin(tim, accounts):
    group_id = group(tim)
    call(tim, "modify_group_member_info", {"GroupId": group_id, "Member_Account": "bob", "Role": "Admin"})
    call(tim, "modify_group_base_info", {"GroupId": group_id, "MuteAllMember": "On"})
    assert code(tim, "send_group_msg", {"GroupId": group_id, "Random": 1, "MsgBody": text("x"),
                                        "From_Account": "peter"}) == 10017
    for sender in ("leckie", "bob", None):
        send(tim, group_id, f"from {sender}", sender=sender)


def test_a_globally_muted_account_cannot_send_to_groups(tim, accounts):
    group_id = group(tim)
    tim.call("openconfigsvr/setnospeaking", {"Set_Account": "peter", "GroupmsgNospeakingTime": 600})
    assert code(tim, "send_group_msg", {"GroupId": group_id, "Random": 1, "MsgBody": text("x"),
                                        "From_Account": "peter"}) == 10017


# ---- history ------------------------------------------------------------------------------

def test_history_pages_backwards_from_a_seq(tim, accounts):
    group_id = group(tim)
    for i in range(1, 8):
        send(tim, group_id, f"m{i}")
    seen, seq = [], None
    while True:
        body = {"GroupId": group_id, "ReqMsgNumber": 3}
        if seq is not None:
            body["ReqMsgSeq"] = seq
        page = call(tim, "group_msg_get_simple", body)
        assert page["GroupId"] == group_id and page["IsFinished"] == 1
        if not page["RspMsgList"]:
            break
        seen += [m["MsgSeq"] for m in page["RspMsgList"]]
        seq = page["RspMsgList"][-1]["MsgSeq"] - 1
        if seq == 0:
            break
    assert seen == [7, 6, 5, 4, 3, 2, 1]


def test_history_asks_above_twenty_are_cut_short(tim, accounts):
    group_id = group(tim)
    for i in range(22):
        send(tim, group_id, f"n{i}")
    page = call(tim, "group_msg_get_simple", {"GroupId": group_id, "ReqMsgNumber": 25})
    assert len(page["RspMsgList"]) == 20 and page["IsFinished"] == 0
    rest = call(tim, "group_msg_get_simple", {"GroupId": group_id, "ReqMsgNumber": 25, "ReqMsgSeq": 2})
    assert len(rest["RspMsgList"]) == 2 and rest["IsFinished"] == 1
    assert code(tim, "group_msg_get_simple", {"GroupId": group_id}) == 10004


def test_history_fields(tim, accounts):
    group_id = group(tim)
    send(tim, group_id, "hi", MsgPriority="High")
    item = history(tim, group_id)[0]
    assert set(item) >= {"From_Account", "IsPlaceMsg", "MsgBody", "MsgPriority", "MsgRandom", "MsgSeq",
                         "MsgTimeStamp"}
    assert (item["MsgPriority"], item["IsPlaceMsg"], item["MsgRandom"]) == (1, 0, hash("hi") & 0xFFFFFFFF)


# ---- recall and delete by sender ----------------------------------------------------------------

def test_recall_with_per_message_results_and_placeholders(tim, accounts):
    group_id = group(tim)
    for words in ("keep", "oops", "also keep"):
        send(tim, group_id, words)
    got = call(tim, "group_msg_recall", {"GroupId": group_id, "MsgSeqList": [{"MsgSeq": 2}, {"MsgSeq": 99}]})
    assert got["RecallRetList"] == [{"MsgSeq": 2, "RetCode": 0}, {"MsgSeq": 99, "RetCode": 10030}]
    assert texts(history(tim, group_id)) == ["also keep", "keep"]
    with_recalled = history(tim, group_id, WithRecalledMsg=1)
    assert [(m["MsgSeq"], m["IsPlaceMsg"]) for m in with_recalled] == [(3, 0), (2, 2), (1, 0)]
    assert with_recalled[1]["MsgBody"] == []
    again = call(tim, "group_msg_recall", {"GroupId": group_id, "MsgSeqList": [{"MsgSeq": 2}]})
    assert again["RecallRetList"] == [{"MsgSeq": 2, "RetCode": 10030}]
    assert code(tim, "group_msg_recall", {"GroupId": group_id,
                                          "MsgSeqList": [{"MsgSeq": i} for i in range(11)]}) == 10004


def test_system_tips_cannot_be_recalled(tim, accounts):
    group_id = group(tim)
    call(tim, "add_group_member", {"GroupId": group_id, "MemberList": [{"Member_Account": "tommy"}]})
    got = call(tim, "group_msg_recall", {"GroupId": group_id, "MsgSeqList": [{"MsgSeq": 1}]})
    assert got["RecallRetList"] == [{"MsgSeq": 1, "RetCode": 10032}]


def test_delete_by_sender_hides_only_that_senders_messages(tim, accounts):
    group_id = group(tim)
    send(tim, group_id, "peter 1")
    send(tim, group_id, "bob 1", sender="bob")
    send(tim, group_id, "peter 2")
    call(tim, "delete_group_msg_by_sender", {"GroupId": group_id, "Sender_Account": "peter"})
    assert texts(history(tim, group_id)) == ["bob 1"]
    assert [m["IsPlaceMsg"] for m in history(tim, group_id, WithRecalledMsg=1)] == [2, 0, 2]
    live = group(tim, "AVChatRoom")
    call(tim, "delete_group_msg_by_sender", {"GroupId": live, "Sender_Account": "peter"})   # no effect


# ---- import_group_msg ------------------------------------------------------------------------

def test_import_messages_with_their_times(tim, sandbox, accounts):
    group_id = call(tim, "import_group", {"Type": "Public", "Name": "old", "Owner_Account": "leckie",
                                          "CreateTime": 1620000000})["GroupId"]
    call(tim, "import_group_member", {"GroupId": group_id, "MemberList": [{"Member_Account": "peter"}]})
    got = call(tim, "import_group_msg", {"GroupId": group_id, "RecentContactFlag": 1, "MsgList": [
        {"From_Account": "leckie", "SendTime": 1620808101, "Random": 8912345, "MsgBody": text("one")},
        {"From_Account": "peter", "SendTime": 1620892821, "MsgBody": text("two")},
        {"From_Account": "peter", "SendTime": 1620000001, "MsgBody": text("too old")}]})
    assert got["ImportMsgResult"][:2] == [{"MsgSeq": 1, "MsgTime": 1620808101, "Result": 0},
                                          {"MsgSeq": 2, "MsgTime": 1620892821, "Result": 0}]
    assert got["ImportMsgResult"][2]["Result"] == 10004
    stored = history(tim, group_id)
    assert [(m["MsgSeq"], m["MsgTimeStamp"], m["MsgRandom"]) for m in stored][1] == (1, 1620808101, 8912345)
    assert sandbox.state.groups.unread(group_id, "peter") == 0          # imports reset unread counts
    assert sandbox.state.conversations["peter"][f"2:{group_id}"]["MsgTime"] == 1620892821
    info = call(tim, "get_group_info", {"GroupIdList": [group_id]})["GroupInfo"][0]
    assert (info["NextMsgSeq"], info["LastMsgTime"]) == (3, 1620892821)


def test_import_message_rules(tim, accounts):
    group_id = group(tim)
    assert code(tim, "import_group_msg", {"GroupId": group_id, "MsgList": [
        {"From_Account": "peter", "SendTime": 1, "MsgBody": text("x")}] * 8}) == 10004
    image = [{"MsgType": "TIMImageElem", "MsgContent": {"UUID": "1"}}]
    assert code(tim, "import_group_msg", {"GroupId": group_id, "MsgList": [
        {"From_Account": "peter", "SendTime": 1, "MsgBody": image}]}) == 10004
    assert code(tim, "import_group_msg", {"GroupId": group_id, "MsgList": [
        {"From_Account": "peter", "MsgBody": text("x")}]}) == 10004
    future = call(tim, "import_group_msg", {"GroupId": group_id, "MsgList": [
        {"From_Account": "peter", "SendTime": int(time.time()) + 3600, "MsgBody": text("x")}]})
    assert future["ImportMsgResult"][0]["Result"] == 10004
    live = group(tim, "AVChatRoom")
    assert code(tim, "import_group_msg", {"GroupId": live, "MsgList": [
        {"From_Account": "peter", "SendTime": 1, "MsgBody": text("x")}]}) == 10007
