"""Where the sandbox answers as IM does although a stricter reading was once used (issue #22):
the App admin is an account from the start, zero means "absent" where an SDK sends it so,
options apply only where they take effect, and app-defined field keys are configured."""
from __future__ import annotations

from group_helpers import call, code

from console.sandbox import Sandbox


# ---- the App admin exists ------------------------------------------------------------------

def test_the_app_admin_is_an_account_on_an_empty_sandbox(tim, sandbox):
    admin = sandbox.admin
    check = tim.call("im_open_login_svc/account_check", {"CheckItem": [{"UserID": admin}]})
    assert check["ResultItem"][0]["AccountStatus"] == "Imported"
    group_id = call(tim, "create_group", {"Type": "Public", "Name": "admin's",
                                          "Owner_Account": admin})["GroupId"]
    listed = call(tim, "get_group_member_info", {"GroupId": group_id})["MemberList"]
    assert [(m["Member_Account"], m["Role"]) for m in listed] == [(admin, "Owner")]
    sent = call(tim, "send_group_msg", {"GroupId": group_id, "From_Account": admin, "Random": 1,
                                        "MsgBody": [{"MsgType": "TIMTextElem",
                                                     "MsgContent": {"Text": "hello"}}]})
    assert sent["MsgSeq"] >= 1


def test_the_app_admin_may_be_a_member_and_send_one_to_one(tim, sandbox, users):
    admin = sandbox.admin
    users("owner", "reader")
    group_id = call(tim, "create_group", {"Type": "Private", "Name": "g", "Owner_Account": "owner",
                                          "MemberList": [{"Member_Account": admin}]})["GroupId"]
    members = call(tim, "get_group_member_info", {"GroupId": group_id})["MemberList"]
    assert admin in {m["Member_Account"] for m in members}
    sent = tim.call("openim/sendmsg", {"From_Account": admin, "To_Account": "reader", "MsgRandom": 7,
                                       "MsgBody": [{"MsgType": "TIMTextElem",
                                                    "MsgContent": {"Text": "hi"}}]})
    assert sent["MsgKey"]


def test_every_admin_exists_after_a_reset_and_the_seed_still_loads():
    sandbox = Sandbox(secret="k" * 16, admin="root", admins=["ops"], seed="demo")
    try:
        assert {"root", "ops"} <= set(sandbox.state.accounts)
        assert len(sandbox.state.accounts) > 100          # the demo loaded besides the admins
        sandbox.reset()
        assert set(sandbox.state.accounts) == {"root", "ops"}
        assert sandbox.state.profiles["root"] == {}
    finally:
        sandbox.stop()


# ---- zero as "absent" ------------------------------------------------------------------------

def test_group_history_from_seq_zero_starts_at_the_latest(tim, sandbox, users):
    users("owner")
    group_id = call(tim, "create_group", {"Type": "Public", "Name": "g", "Owner_Account": "owner"})["GroupId"]
    for n in range(3):
        call(tim, "send_group_msg", {"GroupId": group_id, "From_Account": "owner", "Random": n,
                                     "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": str(n)}}]})

    def seqs(**extra) -> list[int]:
        answer = call(tim, "group_msg_get_simple", {"GroupId": group_id, "ReqMsgNumber": 5, **extra})
        return [m["MsgSeq"] for m in answer["RspMsgList"]]
    latest = seqs()
    assert len(latest) == 3 and latest == sorted(latest, reverse=True)
    assert seqs(ReqMsgSeq=0) == seqs(ReqMsgSeq=None) == latest
    assert seqs(ReqMsgSeq=latest[1]) == latest[1:]       # a real seq still bounds the page
    assert code(tim, "group_msg_get_simple", {"GroupId": group_id, "ReqMsgNumber": 5,
                                              "ReqMsgSeq": -1}) == 10004


# ---- options that apply to some types --------------------------------------------------------

def test_support_topic_filters_communities_only_with_or_without_group_type(tim, sandbox, users):
    users("me")

    def create(kind: str, **extra) -> str:
        return call(tim, "create_group", {"Type": kind, "Name": kind, "Owner_Account": "me",
                                          **extra})["GroupId"]
    public = create("Public")
    topics = create("Community", SupportTopic=1)
    plain = create("Community")

    def joined(**body) -> dict:
        answer = call(tim, "get_joined_group_list", {"Member_Account": "me", **body})
        return {g["GroupId"]: g.get("SupportTopic") for g in answer["GroupIdList"]}
    assert joined(SupportTopic=1) == {public: None, topics: 1}       # no GroupType: not refused
    assert joined(SupportTopic=0) == {public: None, plain: 0}
    assert joined(SupportTopic=1, GroupType="Community") == {topics: 1}
    assert joined(SupportTopic=1, GroupType="Public") == {public: None}   # takes no effect there
    assert joined() == {public: None, topics: None, plain: None}
    assert code(tim, "get_joined_group_list", {"Member_Account": "me", "SupportTopic": 2}) == 10004


# ---- configured app-defined data keys --------------------------------------------------------

def _data(*keys: str) -> list[dict]:
    return [{"Key": k, "Value": f"v-{k}"} for k in keys]


def test_configured_data_keys_are_the_only_ones_accepted(tim, sandbox, users):
    users("owner", "peer")
    # unconfigured (a bare sandbox): any well-formed key
    call(tim, "create_group", {"Type": "Public", "Name": "free", "Owner_Account": "owner",
                               "AppDefinedData": _data("Anything")})
    sandbox.configure(group_data_keys=["Level"], member_data_keys=["Seat"])
    group_id = call(tim, "create_group", {
        "Type": "Public", "Name": "g", "Owner_Account": "owner", "AppDefinedData": _data("Level"),
        "MemberList": [{"Member_Account": "peer", "AppMemberDefinedData": _data("Seat")}]})["GroupId"]
    info = call(tim, "get_group_info", {"GroupIdList": [group_id]})["GroupInfo"][0]
    assert info["AppDefinedData"] == _data("Level")
    assert {m["Member_Account"]: m["AppMemberDefinedData"] for m in info["MemberList"]}["peer"] == _data("Seat")
    refused = [
        ("create_group", {"Type": "Public", "Name": "x", "Owner_Account": "owner",
                          "AppDefinedData": _data("Level", "Other")}),
        ("create_group", {"Type": "Public", "Name": "x", "Owner_Account": "owner",
                          "MemberList": [{"Member_Account": "peer", "AppMemberDefinedData": _data("Row")}]}),
        ("modify_group_base_info", {"GroupId": group_id, "AppDefinedData": _data("Other")}),
        ("modify_group_member_info", {"GroupId": group_id, "Member_Account": "peer",
                                      "AppMemberDefinedData": _data("Level")}),   # a group-level key
    ]
    for command, body in refused:
        assert code(tim, command, body) == 10004, command
    call(tim, "modify_group_member_info", {"GroupId": group_id, "Member_Account": "peer",
                                           "AppMemberDefinedData": [{"Key": "Seat", "Value": "B2"}]})
    sandbox.reset()                                       # back to the sandbox's own configuration
    assert sandbox.state.app_config == {"group_data_keys": None, "member_data_keys": None}


def test_config_control_endpoint(sandbox):
    import requests
    url = f"{sandbox.base_url}/sandbox/config"
    answer = requests.post(url, json={"group_data_keys": ["A", "B", "A"]}, timeout=5).json()
    assert answer == {"ok": True, "config": {"group_data_keys": ["A", "B"], "member_data_keys": None}}
    assert requests.get(url, timeout=5).json()["config"]["group_data_keys"] == ["A", "B"]
    for bad in ({"group_data_keys": ["x" * 16]}, {"member_data_keys": [f"k{i}" for i in range(6)]},
                {"group_data_keys": "A"}, {"colour": ["A"]}, ["A"]):
        refused = requests.post(url, json=bad, timeout=5)
        assert refused.status_code == 400 and not refused.json()["ok"], bad
    assert requests.post(url, data=b"{not json", timeout=5).status_code == 400
    assert requests.post(url, json={"group_data_keys": None}, timeout=5).json()["config"] == {
        "group_data_keys": None, "member_data_keys": None}


def test_data_keys_live_in_the_state_file_and_the_given_ones_win(tmp_path):
    path = str(tmp_path / "state.json")
    first = Sandbox(secret="k" * 16, state_file=path,
                    app_config={"group_data_keys": ["Level"], "member_data_keys": ["Seat"]})
    first.stop()                                          # saves the state file
    again = Sandbox(secret="k" * 16, state_file=path)
    assert again.state.app_config == {"group_data_keys": ["Level"], "member_data_keys": ["Seat"]}
    again.stop()
    given = Sandbox(secret="k" * 16, state_file=path, app_config={"member_data_keys": ["Row"]})
    assert given.state.app_config == {"group_data_keys": ["Level"], "member_data_keys": ["Row"]}
    given.stop()


def test_the_demo_seed_configures_keys_and_uses_them():
    sandbox = Sandbox(secret="k" * 16, seed="demo")
    try:
        config = sandbox.state.app_config
        assert "GroupTestData1" in config["group_data_keys"] and "Lang" in config["group_data_keys"]
        assert "MemberDefined1" in config["member_data_keys"]
        info = sandbox.invoke("group_open_http_svc/get_group_info", {"GroupIdList": ["book-club"]})
        assert info["GroupInfo"][0]["AppDefinedData"] == [{"Key": "Lang", "Value": "en"}]
    finally:
        sandbox.stop()
