"""Third-party Python SDKs for the IM REST API, pointed at the sandbox, run an app's usual scenario.

Two PyPI packages are used exactly as an app would use them (installed by `make test` with
--no-deps, see the Makefile): `tencentcloud-sdk-python-im` (pinclr; its base URL is configurable)
and `timsdk` (its host is fixed, so its HTTP client is swapped through the SDK's own
`set_client` for one whose URLs point at the sandbox). Every answer must be a success, and the
sandbox state must show what each call did.
"""
from __future__ import annotations

import time

import pytest

tcim = pytest.importorskip("tencentcloud_im.tcim_client")

USERS = ("alice", "bob", "carol", "dave")


def ok(response) -> dict:
    """The JSON of an SDK answer that must be a success (the pinclr SDK returns None on errors)."""
    assert response is not None, "the SDK swallowed an exception (see its log)"
    assert response.status_code == 200
    data = response.json()
    assert (data["ActionStatus"], data["ErrorCode"]) == ("OK", 0), data
    return data


def ok_json(data) -> dict:
    """timsdk returns the decoded JSON itself."""
    assert isinstance(data, dict), data
    assert (data["ActionStatus"], data["ErrorCode"]) == ("OK", 0), data
    return data


def text_of(msg: dict) -> str:
    return msg["MsgBody"][0]["MsgContent"]["Text"]


@pytest.fixture
def pinclr(sandbox):
    return tcim.TCIMClient(sandbox.app_id, sandbox._secret, sandbox.admin,
                           tencent_url=f"{sandbox.base_url}/v4")


@pytest.fixture
def timsdk_client(sandbox):
    timsdk = pytest.importorskip("timsdk")

    class SandboxHttp(timsdk.HttpClient):
        """timsdk's own HTTP client with its fixed host replaced by the sandbox."""

        def get_url(self, path, **kwargs):
            url = super().get_url(path, **kwargs)
            return url.replace("https://console.tim.qq.com", sandbox.base_url, 1)

    client = timsdk.TimClient(sandbox.app_id, sandbox._secret, sandbox.admin)
    http = SandboxHttp(sandbox.app_id, client.identifier, client.signature)
    for api in (client.group_open_http_svc, client.im_open_login_svc, client.open_im,
                client.profile, client.sns, client.open_config_svr, client.open_msg_svc):
        api.set_client(http)
    return client


def test_pinclr_sdk_accounts_and_friends(sandbox, pinclr):
    state = sandbox.state
    ok(pinclr.add_single_user("alice", "Alice", "https://example.com/alice.png"))
    assert ok(pinclr.batch_add_users(["bob", "carol", "dave"]))["FailAccounts"] == []
    assert set(USERS) <= set(state.accounts)
    assert state.profiles["alice"]["Tag_Profile_IM_Nick"] == "Alice"

    checked = ok(pinclr.search_user(list(USERS) + ["nobody"]))["ResultItem"]
    assert {r["UserID"]: r["AccountStatus"] for r in checked} == {
        "alice": "Imported", "bob": "Imported", "carol": "Imported", "dave": "Imported",
        "nobody": "NotImported"}
    online = ok(pinclr.check_user_online(["alice", "bob"]))["QueryResult"]
    assert {r["To_Account"]: r["Status"] for r in online} == {"alice": "Offline", "bob": "Offline"}

    added = ok(pinclr.add_friend("alice", [tcim.FriendObj("bob", "Web", remark="Bobby"),
                                           tcim.FriendObj("carol", "Android")]))
    assert [r["ResultCode"] for r in added["ResultItem"]] == [0, 0]
    for peer in ("bob", "carol"):
        assert state.is_friend("alice", peer) and state.is_friend(peer, "alice")
    assert state.friends["alice"]["bob"]["Remark"] == "Bobby"
    assert state.friends["alice"]["bob"]["AddSource"] == "AddSource_Type_Web"

    listed = ok(pinclr.get_friends("alice"))
    assert sorted(item["To_Account"] for item in listed["UserDataItem"]) == ["bob", "carol"]

    ok(pinclr.update_friend("alice", [tcim.UpdateFriendObj(
        "carol", [tcim.SnsItemObj("Tag_SNS_IM_Remark", "Caz")])]))
    assert state.friends["alice"]["carol"]["Remark"] == "Caz"

    ok(pinclr.add_sns_group("alice", ["Work"], ["bob"]))
    assert "Work" in state.friend_groups["alice"]
    grouped = ok(pinclr.get_sns_group("alice"))["ResultItem"]
    assert any(g["GroupName"] == "Work" and g["To_Account"] == ["bob"] for g in grouped)

    ok(pinclr.delete_friends("alice", ["carol"]))
    assert not state.is_friend("alice", "carol") and not state.is_friend("carol", "alice")

    deleted = ok(pinclr.del_user(["dave"]))["ResultItem"]
    assert [(r["UserID"], r["ResultCode"]) for r in deleted] == [("dave", 0)]
    assert "dave" not in state.accounts
    ok(pinclr.abolition_user_sig("bob"))
    assert state.accounts["bob"]["kicked_at"] > 0


def test_pinclr_sdk_messages(sandbox, pinclr):
    state = sandbox.state
    assert ok(pinclr.batch_add_users(list(USERS)))["FailAccounts"] == []
    ok(pinclr.add_friend("alice", [tcim.FriendObj("bob", "Web")]))
    start = int(time.time()) - 1

    sent = ok(pinclr.send_message(tcim.MessageObj("alice", "bob", [tcim.MessageText("hi bob")],
                                                  extra_data="order:42")))
    assert sent["MsgKey"] and sent["MsgTime"] >= start
    stored = state.find_c2c("alice", "bob", sent["MsgKey"])
    assert stored is not None and text_of(stored) == "hi bob"
    assert stored["CloudCustomData"] == "order:42"

    batch = ok(pinclr.batch_send_message(tcim.BatchMessageObj(
        "alice", ["bob", "carol"], [tcim.MessageText("news")])))
    assert batch.get("ErrorList", []) == []
    for peer in ("bob", "carol"):
        assert any(text_of(m) == "news" for m in state.messages[state_conv(peer)]), peer

    history = ok(pinclr.get_message_list("alice", "bob", 10, start, int(time.time()) + 1))
    assert sorted(text_of(m) for m in history["MsgList"]) == ["hi bob", "news"]
    assert history["Complete"] == 1

    assert unread(pinclr, "bob", "alice") == 2
    ok(pinclr.set_user_message_read("bob", "alice"))
    assert unread(pinclr, "bob", "alice") == 0
    assert state.unread_count("bob", "alice") == 0

    imported = tcim.MessageObj("carol", "bob", [tcim.MessageText("old news")])
    # the SDK's default SyncFromOldSystem (1) is invalid per the docs (2 or 5): pass 2, as an app must
    ok(pinclr.import_message_to_im(imported, start - 3600, sync_from_old=2))
    assert any(text_of(m) == "old news" for m in state.messages[state_conv("bob", "carol")])

    ok(pinclr.draw_message("alice", "bob", sent["MsgKey"]))
    assert state.find_c2c("alice", "bob", sent["MsgKey"])["MsgFlagBits"] != 0


def state_conv(a: str, b: str = "alice") -> str:
    from console.sandbox.state import conv_id
    return conv_id(a, b)


def unread(pinclr, owner: str, peer: str) -> int:
    counts = ok(pinclr.get_unread_num(owner, [peer]))["C2CUnreadMsgNumList"]
    return {c["Peer_Account"]: c["C2CUnreadMsgNum"] for c in counts}[peer]


def test_pinclr_sdk_groups(sandbox, pinclr):
    state = sandbox.state
    assert ok(pinclr.batch_add_users(list(USERS)))["FailAccounts"] == []

    created = ok(pinclr.create_group(tcim.GroupObj(
        "alice", "Public", "Hikers", introdction="Weekend trips", max_member_count=100,
        mem_list=[tcim.GroupMemObj("bob", role_type="Admin")],
        applicationData=[])))
    gid = created["GroupId"]
    group = state.groups.get(gid)
    assert group is not None and group.name == "Hikers" and group.owner == "alice"
    assert {a: m.role for a, m in group.members.items()} == {"alice": "Owner", "bob": "Admin"}

    added = ok(pinclr.add_group_member(gid, [tcim.GroupMemObj("carol"), tcim.GroupMemObj("dave")]))
    assert [(m["Member_Account"], m["Result"]) for m in added["MemberList"]] == [
        ("carol", 1), ("dave", 1)]
    assert set(group.members) == set(USERS)

    sent = ok(pinclr.send_group_message(gid, [tcim.MessageText("see you at 8")],
                                        from_account="carol"))
    assert group.messages[-1].seq == sent["MsgSeq"]
    assert group.messages[-1].sender == "carol"

    info = ok(pinclr.get_group_detail([gid]))["GroupInfo"][0]
    assert (info["ErrorCode"], info["Name"], info["MemberNum"]) == (0, "Hikers", 4)
    members = ok(pinclr.get_group_mem_info_detail(gid))
    assert members["MemberNum"] == 4
    assert {m["Member_Account"] for m in members["MemberList"]} == set(USERS)
    roles = ok(pinclr.get_mem_role_in_group(gid, ["alice", "carol", "nobody"]))["UserIdList"]
    assert {r["Member_Account"]: r["Role"] for r in roles} == {
        "alice": "Owner", "carol": "Member", "nobody": "NotMember"}
    joined = ok(pinclr.get_joined_groups("dave"))
    assert [g["GroupId"] for g in joined["GroupIdList"]] == [gid]
    listed = ok(pinclr.get_group())
    assert gid in [g["GroupId"] for g in listed["GroupIdList"]]

    history = ok(pinclr.get_msg_in_group(gid, 10))
    texts = [m["MsgBody"][0]["MsgContent"].get("Text") for m in history["RspMsgList"]
             if m["MsgBody"] and m["MsgBody"][0]["MsgType"] == "TIMTextElem"]
    assert "see you at 8" in texts

    ok(pinclr.update_group_baseinfo(gid, group_name="Hikers 2", notification="Bring water"))
    assert (group.name, group.notification) == ("Hikers 2", "Bring water")
    ok(pinclr.update_group_mem_info(gid, "carol", namecard="Caz"))
    assert group.members["carol"].name_card == "Caz"
    ok(pinclr.send_system_message_in_group(gid, "maintenance tonight"))

    ok(pinclr.delete_group_mem(gid, ["dave"]))
    assert "dave" not in group.members
    ok(pinclr.change_group_owner(gid, "bob"))
    assert group.owner == "bob" and group.members["bob"].role == "Owner"

    ok(pinclr.delete_group(gid))
    assert state.groups.get(gid) is None


def test_timsdk_profiles_friends_and_messages(sandbox, timsdk_client):
    client, state = timsdk_client, sandbox.state
    ok_json(client.im_open_login_svc.account_import("alice", nick="Alice"))  # sends Identifier
    ok_json(client.im_open_login_svc.im_open_login_svc(["bob", "carol"]))
    assert {"alice", "bob", "carol"} <= set(state.accounts)

    ok_json(client.profile.portrait_set("alice", [
        {"Tag": "Tag_Profile_IM_Nick", "Value": "Alice W."},
        {"Tag": "Tag_Profile_IM_SelfSignature", "Value": "徒步中"}]))  # raw UTF-8 body
    assert state.profiles["alice"]["Tag_Profile_IM_Nick"] == "Alice W."
    profile = ok_json(client.profile.portrait_get(["alice"]))["UserProfileItem"][0]
    values = {item["Tag"]: item["Value"] for item in profile["ProfileItem"]}
    assert values["Tag_Profile_IM_Nick"] == "Alice W."
    assert values["Tag_Profile_IM_SelfSignature"] == "徒步中"

    ok_json(client.sns.friend_add("alice", [{"To_Account": "bob", "AddSource": "AddSource_Type_iOS"}]))
    assert state.is_friend("alice", "bob") and state.is_friend("bob", "alice")
    checked = ok_json(client.sns.friend_check("alice", ["bob", "carol"]))["InfoItem"]
    assert {i["To_Account"]: i["Relation"] for i in checked} == {
        "bob": "CheckResult_Type_BothWay", "carol": "CheckResult_Type_NoRelation"}
    got = ok_json(client.sns.friend_get_list("alice", ["bob"]))["InfoItem"]
    assert [i["To_Account"] for i in got] == ["bob"]

    sent = ok_json(client.open_im.send_text_msg("bob", "hello", from_account="alice"))
    assert text_of(state.find_c2c("alice", "bob", sent["MsgKey"])) == "hello"
    ok_json(client.open_im.batch_send_text_msg(["bob", "carol"], "ping", from_account="alice"))
    assert any(text_of(m) == "ping" for m in state.messages[state_conv("carol")])

    gid = ok_json(client.group_open_http_svc.create_group(
        "Readers", owner_account="alice", member_list=[{"Member_Account": "bob"}]))["GroupId"]
    ok_json(client.group_open_http_svc.add_group_member(gid, [{"Member_Account": "carol"}]))
    msg = ok_json(client.group_open_http_svc.send_group_msg(
        gid, [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "chapter 3"}}], from_account="bob"))
    group = state.groups.get(gid)
    assert group.messages[-1].seq == msg["MsgSeq"] and set(group.members) == {"alice", "bob", "carol"}
    history = ok_json(client.group_open_http_svc.group_msg_get_simple(gid, 5))
    assert any(m["MsgSeq"] == msg["MsgSeq"] for m in history["RspMsgList"])
    ok_json(client.group_open_http_svc.delete_group_member(gid, ["carol"]))
    assert "carol" not in group.members
    ok_json(client.group_open_http_svc.destroy_group(gid))
    assert state.groups.get(gid) is None
