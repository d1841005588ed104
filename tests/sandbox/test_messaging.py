"""The sandbox's message edits, extensions, conversation groups and bots: the callbacks they send,
the documented refusals, and their state across a restart."""
from __future__ import annotations

import hashlib

from console.sandbox import Sandbox
from console.sandbox.messaging import c2c_ext_key

TEXT = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hello"}}]


def send(sandbox, sender="a", to="b", rnd=1, **extra) -> str:
    answer = sandbox.invoke("openim/sendmsg", {"From_Account": sender, "To_Account": to, "MsgRandom": rnd,
                                               "MsgBody": TEXT, **extra})
    assert answer["ErrorCode"] == 0, answer
    return answer["MsgKey"]


def test_modify_sends_the_edited_message_signed(api, sandbox, users, receiver, settle):
    users("a", "b")
    key = send(sandbox)
    settle()
    receiver.calls.clear()
    edited = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hello, edited"}}]
    assert api("openim/modify_c2c_msg", {"From_Account": "a", "To_Account": "b", "MsgKey": key,
                                         "MsgBody": edited})["ErrorCode"] == 0
    settle()
    assert receiver.commands() == ["C2C.CallbackAfterModifyMsg"]
    query, body = receiver.calls[0]
    assert query["Sign"] == hashlib.sha256(f"cbtoken{query['RequestTime']}".encode()).hexdigest()
    assert (body["From_Account"], body["To_Account"], body["MsgKey"]) == ("a", "b", key)
    assert body["Operator_Account"] == sandbox.admin and body["MsgBody"] == edited
    assert body["MsgSeq"] and body["MsgRandom"] == 1 and body["EventTime"] > 0


def test_read_receipt_callback_names_each_message(api, sandbox, users, receiver, settle):
    users("a", "b")
    keys = [send(sandbox, rnd=n) for n in (1, 2)]
    settle()
    receiver.calls.clear()
    infos = [{"From_Account": "a", "To_Account": "b", "MsgKey": k} for k in keys]
    assert api("openim/c2c_msg_read_receipt", {"Operator_Account": "b", "Peer_Account": "a",
                                               "C2CMsgInfo": infos})["ErrorCode"] == 0
    settle()
    (body,) = receiver.bodies("C2C.CallbackAfterMsgReadReceipt")
    assert (body["Operator_Account"], body["Peer_Account"]) == ("b", "a")
    assert [i["MsgKey"] for i in body["C2CMsgInfo"]] == keys and all(i["MsgId"] for i in body["C2CMsgInfo"])


def test_extension_callbacks_carry_the_new_seq(api, sandbox, users, receiver, settle):
    users("a", "b")
    key = send(sandbox, SupportMessageExtension=1)
    base = {"From_Account": "a", "To_Account": "b", "MsgKey": key}
    api("openim_msg_ext_http_svc/set_key_values", {**base, "OperateType": 1,
                                                   "ExtensionList": [{"Key": "k", "Value": "v"}]})
    conflict = api("openim_msg_ext_http_svc/set_key_values", {**base, "OperateType": 1,
                                                              "ExtensionList": [{"Key": "k", "Value": "w", "Seq": 0}]})
    assert conflict["ExtensionList"][0]["ErrorCode"] == 23001
    api("openim_msg_ext_http_svc/set_key_values", {**base, "OperateType": 3})
    settle()
    bodies = receiver.bodies("C2C.CallbackAfterC2CMsgExtension")   # the refused write sent nothing
    assert [(b["OperateType"], b["Seq"], b["ExtensionList"]) for b in bodies] == [
        (1, 1, [{"Key": "k", "Value": "v", "Seq": 1}]), (3, 2, [])]
    assert bodies[0]["MsgKey"] == key and bodies[0]["From_Account"] == "a"


def test_extension_writes_are_limited_per_message_and_minute(sandbox, users):
    users("a", "b")
    key = send(sandbox, SupportMessageExtension=1)
    body = {"To_Account": "b", "MsgKey": key, "OperateType": 1, "ExtensionList": [{"Key": "k", "Value": "v"}]}
    codes = [sandbox.invoke("openim_msg_ext_http_svc/set_key_values", body)["ErrorCode"] for _ in range(201)]
    assert codes == [0] * 200 + [23003]
    other = send(sandbox, rnd=2, SupportMessageExtension=1)       # another message has its own budget
    assert sandbox.invoke("openim_msg_ext_http_svc/set_key_values", {**body, "MsgKey": other})["ErrorCode"] == 0


def test_extension_request_checks(api, sandbox, users):
    users("a", "b")
    key = send(sandbox, SupportMessageExtension=1)
    base = {"To_Account": "b", "MsgKey": key}
    many = [{"Key": f"k{n}", "Value": "v"} for n in range(21)]
    checks = [({**base, "OperateType": 1, "ExtensionList": many}, 10004),
              ({**base, "OperateType": 4}, 10004),
              ({**base, "OperateType": 1, "ExtensionList": [{"Key": "k" * 101, "Value": ""}]}, 10004),
              ({**base, "OperateType": 1}, 10004),
              ({**base, "MsgKey": "1_1_1", "OperateType": 3}, 23004)]
    assert [api("openim_msg_ext_http_svc/set_key_values", b)["ErrorCode"] for b, _ in checks] == [c for _, c in checks]


def test_message_to_a_bot_reaches_the_bot_callback(api, sandbox, users, receiver, settle):
    users("a")
    assert api("openim_robot_http_svc/create_robot", {"UserID": "@RBT#1"})["ErrorCode"] == 0
    key = send(sandbox, to="@RBT#1")
    send(sandbox, to="a", sender="@RBT#1")                         # from a bot: no bot callback
    settle()
    (body,) = receiver.bodies("Bot.OnC2CMessage")
    assert (body["From_Account"], body["To_Account"], body["MsgKey"]) == ("a", "@RBT#1", key)
    assert body["MsgBody"] == TEXT and body["SendMsgResult"] == 0
    assert receiver.commands().count("C2C.CallbackAfterSendMsg") == 2


def test_bot_commands_need_an_admin_and_a_bot_id(api, sandbox, users):
    users("ann")
    as_ann = {"identifier": "ann", "usersig": sandbox.make_usersig("ann")}
    assert api("openim_robot_http_svc/get_all_robots", {}, **as_ann)["ErrorCode"] == 10008
    assert api("openim_robot_http_svc/create_robot", {"UserID": "bot"})["ErrorCode"] == 10004
    assert api("openim_robot_http_svc/create_robot", {"UserID": "@RBT#" + "x" * 28})["ErrorCode"] == 10004


def test_conversation_group_refusals(api, sandbox, users):
    users("a", "b")
    item = {"Type": 1, "To_Account": "b"}
    create = "recentcontact/create_contact_group"
    long_name = {"From_Account": "a", "GroupContactItem": [{"GroupName": "x" * 33, "ContactItem": [item]}]}
    two = {"From_Account": "a", "GroupContactItem": [{"GroupName": n, "ContactItem": [item]} for n in "xy"]}
    ghost = {"From_Account": "nobody", "GroupContactItem": [{"GroupName": "x", "ContactItem": [item]}]}
    assert [api(create, b)["ErrorCode"] for b in (long_name, two, ghost)] == [51011, 50002, 50001]
    marks = {"From_Account": "a", "MarkItem": [{"OptType": 2, "ContactItem": item, "CustomMark": "m"}] * 101}
    assert api("recentcontact/mark_contact", marks)["ErrorCode"] == 51006
    search = {"From_Account": "a", "ContactItem": [item] * 301}
    assert api("recentcontact/search_contact_group", search)["ErrorCode"] == 50002


def test_deleting_an_account_forgets_its_books_and_bot(sandbox, users):
    users("a", "b")
    sandbox.invoke("recentcontact/mark_contact", {"From_Account": "a", "MarkItem": [
        {"OptType": 2, "ContactItem": {"Type": 1, "To_Account": "b"}, "CustomMark": "m"}]})
    sandbox.invoke("openim_robot_http_svc/create_robot", {"UserID": "@RBT#1"})
    assert set(sandbox.state.messaging.contacts) == {"a"}
    sandbox.state.delete_account("a")
    sandbox.state.delete_account("@RBT#1")
    assert sandbox.state.messaging.contacts == {} and sandbox.state.messaging.robots == {}


def test_messaging_state_survives_a_restart(tmp_path):
    path = str(tmp_path / "state.json")
    first = Sandbox(secret="k" * 16, state_file=path).start()
    for uid in ("a", "b"):
        first.invoke("im_open_login_svc/account_import", {"UserID": uid})
    key = send(first, SupportMessageExtension=1)
    first.invoke("openim_msg_ext_http_svc/set_key_values", {"To_Account": "b", "MsgKey": key, "OperateType": 1,
                                                            "ExtensionList": [{"Key": "k", "Value": "v"}]})
    first.invoke("recentcontact/create_contact_group", {"From_Account": "a", "GroupContactItem": [
        {"GroupName": "g", "ContactItem": [{"Type": 1, "To_Account": "b"}]}]})
    first.invoke("openim_robot_http_svc/create_robot", {"UserID": "@RBT#1"})
    stream = first.invoke("openim_robot_http_svc/send_stream_msg", {"From_Account": "@RBT#1", "To_Account": "a",
                                                                   "Chunk": "he"})
    snapshot = first.state.to_dict()
    first.stop()

    second = Sandbox(secret="k" * 16, state_file=path).start()
    try:
        assert second.state.to_dict() == snapshot
        got = second.invoke("openim_msg_ext_http_svc/get_key_values", {"To_Account": "b", "MsgKey": key})
        assert got["ExtensionList"] == [{"Key": "k", "Value": "v", "Seq": 1}]
        assert second.invoke("openim_robot_http_svc/get_all_robots", {})["Robot_Account"] == ["@RBT#1"]
        more = second.invoke("openim_robot_http_svc/send_stream_msg", {
            "From_Account": "@RBT#1", "To_Account": "a", "Chunk": "llo", "MsgKey": stream["MsgKey"], "Finish": 1})
        assert more["ErrorCode"] == 0
        assert second.state.messaging.streams[c2c_ext_key("@RBT#1", "a", stream["MsgKey"])]["finished"]
        groups = second.invoke("recentcontact/get_contact_group", {"From_Account": "a"})["GroupItem"]
        assert groups == [{"GroupName": "g", "GroupId": 1}]
    finally:
        second.stop()


def test_every_callback_sent_parses_to_its_typed_event(api, sandbox, users, receiver, settle):
    import console.tim.callbacks as cb

    users("a", "b")
    api("openim_robot_http_svc/create_robot", {"UserID": "@RBT#1"})
    key = send(sandbox, SupportMessageExtension=1)
    send(sandbox, to="@RBT#1", rnd=2)
    api("openim/modify_c2c_msg", {"From_Account": "a", "To_Account": "b", "MsgKey": key, "CloudCustomData": "x"})
    api("openim/c2c_msg_read_receipt", {"Operator_Account": "b", "Peer_Account": "a",
                                        "C2CMsgInfo": [{"From_Account": "a", "To_Account": "b", "MsgKey": key}]})
    api("openim_msg_ext_http_svc/set_key_values", {"To_Account": "b", "MsgKey": key, "OperateType": 1,
                                                   "ExtensionList": [{"Key": "k", "Value": "v"}]})
    settle()
    wanted = {"C2C.CallbackAfterModifyMsg": cb.C2CModifyEvent,
              "C2C.CallbackAfterMsgReadReceipt": cb.C2CReadReceiptEvent,
              "C2C.CallbackAfterC2CMsgExtension": cb.MessageExtensionEvent, "Bot.OnC2CMessage": cb.C2CMessageEvent}
    parsed = {q["CallbackCommand"]: cb.parse(q, body) for q, body in receiver.calls}
    assert {c: type(parsed[c]) for c in wanted} == wanted
    assert parsed["C2C.CallbackAfterMsgReadReceipt"].msg_keys == [key]
    assert parsed["C2C.CallbackAfterC2CMsgExtension"].seq == 1
    assert parsed["Bot.OnC2CMessage"].accounts() == ["a", "@RBT#1"]


def test_group_message_mentioning_a_bot_and_group_extension_callbacks(api, sandbox, users, receiver, settle):
    import console.tim.callbacks as cb

    users("a", "b")
    api("openim_robot_http_svc/create_robot", {"UserID": "@RBT#1"})
    group_id = api("group_open_http_svc/create_group", {"Type": "Public", "Name": "g", "Owner_Account": "a",
                                                        "MemberList": [{"Member_Account": "@RBT#1"}]})["GroupId"]
    at = [{"GroupAtAllFlag": 0, "GroupAt_Account": "@RBT#1"}, {"GroupAtAllFlag": 0, "GroupAt_Account": "b"}]
    sent = api("group_open_http_svc/send_group_msg", {"GroupId": group_id, "From_Account": "a", "Random": 5,
                                                      "MsgBody": TEXT, "GroupAtInfo": at,
                                                      "SupportMessageExtension": 1})
    api("group_open_http_svc/send_group_msg", {"GroupId": group_id, "From_Account": "a", "Random": 6,
                                               "MsgBody": TEXT})                      # no bot mentioned
    api("openim_msg_ext_http_svc/group_set_key_values", {"GroupId": group_id, "MsgSeq": sent["MsgSeq"],
                                                         "OperateType": 1, "ExtensionList": [{"Key": "k", "Value": "v"}]})
    settle()
    (query, body), = [(q, b) for q, b in receiver.calls if q["CallbackCommand"] == "Bot.OnGroupMessage"]
    assert body["AtRobots_Account"] == ["@RBT#1"] and body["MsgSeq"] == sent["MsgSeq"]
    assert (body["GroupId"], body["From_Account"], body["MsgBody"]) == (group_id, "a", TEXT)
    event = cb.parse(query, body)
    assert isinstance(event, cb.GroupMessageEvent) and event.at_robots == ["@RBT#1"]
    (ext,) = receiver.bodies("Group.CallbackAfterGroupMsgExtension")
    assert (ext["GroupId"], ext["MsgSeq"], ext["Seq"], ext["ExtensionList"]) == (
        group_id, sent["MsgSeq"], 1, [{"Key": "k", "Value": "v", "Seq": 1}])
