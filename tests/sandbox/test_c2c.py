"""C2C messages and conversations: send, batch, import, history paging, recall, read marks, unread."""
from __future__ import annotations

import time

import pytest

from console.tim import TimError

TEXT = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hello"}}]


def code_of(tim, endpoint, body) -> int:
    with pytest.raises(TimError) as err:
        tim.call(endpoint, body)
    return err.value.code


def send(tim, sender, receiver, text="hello", **extra):
    body = {"From_Account": sender, "To_Account": receiver, "MsgRandom": 7,
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}], **extra}
    return tim.call("openim/sendmsg", body)


def test_sendmsg_stores_the_message_and_counts_unread(tim, sandbox, users):
    users("a", "b")
    answer = send(tim, "a", "b", MsgSeq=11, CloudCustomData="cc")
    assert answer["MsgKey"] == f"11_7_{answer['MsgTime']}" and answer["MsgId"]
    [msg] = sandbox.state.messages[next(iter(sandbox.state.messages))]
    assert (msg["From_Account"], msg["To_Account"], msg["CloudCustomData"]) == ("a", "b", "cc")
    unread = tim.call("openim/get_c2c_unread_msg_num", {"To_Account": "b"})
    assert unread["AllC2CUnreadMsgNum"] == 1
    per_peer = tim.call("openim/get_c2c_unread_msg_num", {"To_Account": "b", "Peer_Account": ["a", "ghost"]})
    assert per_peer["C2CUnreadMsgNumList"] == [{"Peer_Account": "a", "C2CUnreadMsgNum": 1}]
    assert per_peer["ErrorList"] == [{"Peer_Account": "ghost", "ErrorCode": 70107}]
    lists = {owner: list(c) for owner, c in sandbox.state.conversations.items()}
    assert lists == {"a": ["1:b"], "b": ["1:a"]}


def test_sendmsg_from_admin_and_controls(tim, sandbox, users):
    users("r")
    send_body = {"To_Account": "r", "MsgRandom": 1, "MsgBody": TEXT, "SendMsgControl": ["NoUnread", "NoLastMsg"]}
    tim.call("openim/sendmsg", send_body)
    assert sandbox.state.unread_count("r") == 0 and "r" not in sandbox.state.conversations
    tim.call("openim/sendmsg", {**send_body, "SendMsgControl": [], "OnlineOnlyFlag": 1})
    assert sum(len(h) for h in sandbox.state.messages.values()) == 1  # online-only is not stored


def test_sendmsg_retry_within_window_is_one_message(tim, sandbox, users):
    users("a", "b")
    first = send(tim, "a", "b", MsgSeq=5)
    again = send(tim, "a", "b", MsgSeq=5)
    assert first["MsgKey"] == again["MsgKey"]
    assert sandbox.state.unread_count("b") == 1


@pytest.mark.parametrize("body, code", [
    ({"MsgRandom": 1, "MsgBody": TEXT}, 90003),
    ({"To_Account": "b", "MsgBody": TEXT}, 90005),
    ({"To_Account": "b", "MsgRandom": 1, "MsgBody": {"Text": "x"}}, 90007),
    ({"To_Account": "b", "MsgRandom": 1, "MsgBody": [{"MsgType": "TIMNope", "MsgContent": {}}]}, 90002),
    ({"To_Account": "b", "MsgRandom": 1, "MsgBody": [{"MsgType": "TIMCustomElem", "MsgContent": {}}] * 2}, 90002),
    ({"To_Account": "b", "MsgRandom": 1, "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "x" * 13000}}]}, 93000),
    ({"To_Account": "ghost", "MsgRandom": 1, "MsgBody": TEXT}, 90012),
    ({"From_Account": "ghost", "To_Account": "b", "MsgRandom": 1, "MsgBody": TEXT}, 20003),
    ({"To_Account": "b", "MsgRandom": 1, "MsgBody": TEXT, "MsgLifeTime": -1}, 90026),
    ({"To_Account": "b", "MsgRandom": 1, "MsgBody": TEXT, "SyncOtherMachine": "1"}, 90031),
])
def test_sendmsg_checks(tim, users, body, code):
    users("b")
    assert code_of(tim, "openim/sendmsg", body) == code


def test_batchsendmsg_partial_failure(tim, sandbox, users):
    users("x", "y")
    answer = tim.call("openim/batchsendmsg", {"To_Account": ["x", "ghost", "y"], "MsgRandom": 3, "MsgBody": TEXT})
    assert answer["ActionStatus"] == "SomeError" and answer["ErrorCode"] == 0
    assert answer["ErrorList"] == [{"To_Account": "ghost", "ErrorCode": 70107}]
    assert sandbox.state.unread_count("x") == sandbox.state.unread_count("y") == 1
    with pytest.raises(TimError) as err:
        tim.call("openim/batchsendmsg", {"To_Account": ["ghost"], "MsgRandom": 3, "MsgBody": TEXT})
    assert err.value.code == 90012 and err.value.response["ErrorList"][0]["To_Account"] == "ghost"
    assert code_of(tim, "openim/batchsendmsg", {"To_Account": [f"u{i}" for i in range(501)],
                                                "MsgRandom": 3, "MsgBody": TEXT}) == 90011


def _import(tim, sender, receiver, seq, rnd, ts, mode=2, text="old"):
    tim.call("openim/importmsg", {"SyncFromOldSystem": mode, "From_Account": sender, "To_Account": receiver,
                                  "MsgSeq": seq, "MsgRandom": rnd, "MsgTimeStamp": ts,
                                  "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]})


def test_importmsg_deduplicates_on_seq_random_time_either_direction(tim, sandbox, users):
    users("a", "b")
    _import(tim, "a", "b", 1, 2, 1700000000, text="first")
    _import(tim, "a", "b", 1, 2, 1700000000, text="second")
    _import(tim, "b", "a", 1, 2, 1700000000, text="swapped")
    _import(tim, "a", "b", 1, 3, 1700000000, mode=5)
    history = next(iter(sandbox.state.messages.values()))
    assert [m["MsgBody"][0]["MsgContent"]["Text"] for m in history] == ["first", "old"]
    assert sandbox.state.unread_count("b") == 1  # only the live (mode 5) import counts
    assert code_of(tim, "openim/importmsg", {"SyncFromOldSystem": 3, "From_Account": "a", "To_Account": "b",
                                             "MsgRandom": 1, "MsgTimeStamp": 1, "MsgBody": TEXT}) == 90030


def test_roaming_history_pages_newest_first(tim, users):
    users("a", "b")
    base = 1700000000
    for i in range(25):
        _import(tim, "a" if i % 2 else "b", "b" if i % 2 else "a", i, i, base + i, text=f"m{i}")
    query = {"Operator_Account": "a", "Peer_Account": "b", "MaxCnt": 10, "MinTime": base, "MaxTime": base + 100}
    seen = []
    while True:
        page = tim.call("openim/admin_getroammsg", query)
        texts = [m["MsgBody"][0]["MsgContent"]["Text"] for m in page["MsgList"]]
        assert page["MsgCnt"] == len(texts)
        seen = texts + seen
        if page["Complete"]:
            break
        query.update(MaxTime=page["LastMsgTime"], LastMsgKey=page["LastMsgKey"])
    assert seen == [f"m{i}" for i in range(25)]
    window = tim.call("openim/admin_getroammsg", {**query, "MinTime": base + 20, "MaxTime": base + 21, "LastMsgKey": ""})
    assert [m["MsgSeq"] for m in window["MsgList"]] == [20, 21] and window["Complete"] == 1


def test_withdraw_marks_the_message_and_is_not_repeatable(tim, sandbox, users):
    users("a", "b")
    key = send(tim, "a", "b")["MsgKey"]
    assert code_of(tim, "openim/admin_msgwithdraw", {"From_Account": "b", "To_Account": "a", "MsgKey": key}) == 20022
    tim.call("openim/admin_msgwithdraw", {"From_Account": "a", "To_Account": "b", "MsgKey": key})
    assert code_of(tim, "openim/admin_msgwithdraw", {"From_Account": "a", "To_Account": "b", "MsgKey": key}) == 20023
    now = int(time.time())
    page = tim.call("openim/admin_getroammsg", {"Operator_Account": "b", "Peer_Account": "a", "MaxCnt": 5,
                                                "MinTime": now - 60, "MaxTime": now + 60})
    assert page["MsgList"][0]["MsgFlagBits"] == 8
    assert sandbox.state.unread_count("b") == 0


def test_set_msg_read_clears_unread(tim, sandbox, users):
    users("a", "b", "c")
    send(tim, "a", "b")
    send(tim, "c", "b")
    tim.call("openim/admin_set_msg_read", {"Report_Account": "b", "Peer_Account": "a"})
    assert tim.call("openim/get_c2c_unread_msg_num", {"To_Account": "b"})["AllC2CUnreadMsgNum"] == 1
    assert code_of(tim, "openim/admin_set_msg_read", {"Report_Account": "ghost", "Peer_Account": "a"}) == 90008


def test_sync_other_machine_2_hides_the_copy_from_the_sender(tim, users):
    users("a", "b")
    send(tim, "a", "b", SyncOtherMachine=2)
    now = int(time.time())
    query = {"Peer_Account": "b", "MaxCnt": 5, "MinTime": now - 60, "MaxTime": now + 60}
    assert tim.call("openim/admin_getroammsg", {**query, "Operator_Account": "a"})["MsgCnt"] == 0
    assert tim.call("openim/admin_getroammsg", {**query, "Operator_Account": "b", "Peer_Account": "a"})["MsgCnt"] == 1


def test_conversation_list_pinned_first_and_delete(tim, sandbox, users):
    users("o", "p1", "p2")
    sandbox.state.touch_conversation("o", "c2c", "p1", 100)
    sandbox.state.touch_conversation("o", "c2c", "p2", 200)
    sandbox.state.touch_conversation("o", "group", "@TGS#g", 150, top=1)
    answer = tim.call("recentcontact/get_list", {"From_Account": "o", "TimeStamp": 0, "StartIndex": 0,
                                                 "TopTimeStamp": 0, "TopStartIndex": 0, "AssistFlags": 7})
    assert answer["SessionItem"] == [
        {"Type": 2, "GroupId": "@TGS#g", "MsgTime": 150, "TopFlag": 1},
        {"Type": 1, "To_Account": "p2", "MsgTime": 200, "TopFlag": 0},
        {"Type": 1, "To_Account": "p1", "MsgTime": 100, "TopFlag": 0}]
    assert answer["CompleteFlag"] == 1
    tim.call("recentcontact/delete", {"From_Account": "o", "Type": 2, "ToGroupid": "@TGS#g"})
    tim.call("recentcontact/delete", {"From_Account": "o", "Type": 1, "To_Account": "p1", "ClearRamble": 1})
    assert list(sandbox.state.conversations["o"]) == ["1:p2"]
    assert code_of(tim, "recentcontact/delete", {"From_Account": "o", "Type": 3}) == 50002
    assert code_of(tim, "recentcontact/get_list", {"From_Account": "ghost"}) == 50001


def test_conversation_list_pages(tim, sandbox, users):
    users("o")
    for i in range(130):
        sandbox.state.touch_conversation("o", "c2c", f"p{i}", 1000 + i)
    body = {"From_Account": "o", "TimeStamp": 0, "StartIndex": 0, "TopTimeStamp": 0, "TopStartIndex": 0,
            "AssistFlags": 7}
    first = tim.call("recentcontact/get_list", body)
    assert len(first["SessionItem"]) == 100 and first["CompleteFlag"] == 0
    body.update({k: first[k] for k in ("TimeStamp", "StartIndex", "TopTimeStamp", "TopStartIndex")})
    second = tim.call("recentcontact/get_list", body)
    assert len(second["SessionItem"]) == 30 and second["CompleteFlag"] == 1
    peers = [s["To_Account"] for s in first["SessionItem"] + second["SessionItem"]]
    assert len(set(peers)) == 130


def test_roaming_history_accepts_the_older_field_names(tim, users):
    users("a", "b")
    send(tim, "a", "b")
    now = int(time.time())
    page = tim.call("openim/admin_getroammsg", {"From_Account": "b", "To_Account": "a", "MaxCnt": 5,
                                                "MinTime": now - 60, "MaxTime": now + 60})
    assert page["MsgCnt"] == 1 and page["MsgList"][0]["From_Account"] == "a"


def test_null_and_empty_optional_fields_are_absent(tim, users):
    users("a", "b")
    tim.call("openim/sendmsg", {"From_Account": "a", "To_Account": "b", "MsgRandom": 1, "MsgBody": TEXT,
                                "CloudCustomData": None, "SendMsgControl": None, "ForbidCallbackControl": None,
                                "MsgSeq": None, "OfflinePushInfo": None})
    answer = tim.call("openim/get_c2c_unread_msg_num", {"To_Account": "b", "Peer_Account": []})
    assert answer["AllC2CUnreadMsgNum"] == 1
