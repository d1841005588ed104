"""Accounts, presence and profiles through the client, with the state they change."""
from __future__ import annotations

import pytest

from console.tim import TimError


def code_of(call, *args) -> int:
    with pytest.raises(TimError) as err:
        call(*args)
    return err.value.code


def test_import_creates_account_and_profile(tim, sandbox):
    tim.call("im_open_login_svc/account_import", {"UserID": "alice", "Nick": "Alice", "FaceUrl": "https://x/a.png"})
    assert sandbox.state.account_exists("alice")
    assert sandbox.state.profiles["alice"] == {"Tag_Profile_IM_Nick": "Alice", "Tag_Profile_IM_Image": "https://x/a.png"}
    tim.call("im_open_login_svc/account_import", {"UserID": "alice", "Nick": "Alicia"})  # idempotent, updates
    assert sandbox.state.profiles["alice"]["Tag_Profile_IM_Nick"] == "Alicia"
    assert sandbox.state.profiles["alice"]["Tag_Profile_IM_Image"] == "https://x/a.png"


def test_import_checks_userid_and_profile_sizes(tim):
    assert code_of(tim.call, "im_open_login_svc/account_import", {"UserID": "u" * 33}) == 70402
    assert code_of(tim.call, "im_open_login_svc/account_import", {}) == 70402
    assert code_of(tim.call, "im_open_login_svc/account_import", {"UserID": "n", "Nick": "x" * 501}) == 40601


def test_multiaccount_import_both_forms_and_failures(tim, sandbox):
    answer = tim.call("im_open_login_svc/multiaccount_import", {"Accounts": ["a1", "a2", "b" * 40]})
    assert answer["FailAccounts"] == ["b" * 40]
    answer = tim.call("im_open_login_svc/multiaccount_import",
                      {"AccountList": [{"UserID": "a3", "Nick": "Three"}, {"UserID": "a1", "FaceUrl": "f"}]})
    assert answer["FailAccounts"] == []
    assert {"a1", "a2", "a3"} <= set(sandbox.state.accounts)
    assert sandbox.state.profiles["a3"]["Tag_Profile_IM_Nick"] == "Three"
    assert sandbox.state.profiles["a1"]["Tag_Profile_IM_Image"] == "f"


def test_multiaccount_import_limit_is_100(tim, sandbox):
    assert code_of(tim.call, "im_open_login_svc/multiaccount_import", {"Accounts": [f"u{i}" for i in range(101)]}) == 70402
    assert set(sandbox.state.accounts) == {sandbox.admin}  # nothing imported


def test_check_and_delete_report_per_account(tim, sandbox, users):
    users("x1", "x2")
    sandbox.state.add_friend("x1", "x2")
    check = tim.call("im_open_login_svc/account_check", {"CheckItem": [{"UserID": "x1"}, {"UserID": "ghost"}]})
    assert [(r["UserID"], r["ResultCode"], r["AccountStatus"]) for r in check["ResultItem"]] == [
        ("x1", 0, "Imported"), ("ghost", 0, "NotImported")]
    deleted = tim.call("im_open_login_svc/account_delete", {"DeleteItem": [{"UserID": "x1"}, {"UserID": "ghost"}]})
    assert [(r["UserID"], r["ResultCode"]) for r in deleted["ResultItem"]] == [("x1", 0), ("ghost", 70107)]
    assert not sandbox.state.account_exists("x1")
    assert "x1" not in sandbox.state.friends and "x1" not in sandbox.state.profiles


def test_kick_needs_an_imported_account_and_logs_out(tim, sandbox, users):
    users("k")
    sandbox.state.set_online("k", "Android", True)
    tim.call("im_open_login_svc/kick", {"UserID": "k"})
    assert sandbox.state.presence("k")[0] == "Offline"
    assert sandbox.state.accounts["k"]["kicked_at"] > 0
    assert code_of(tim.call, "im_open_login_svc/kick", {"UserID": "nobody"}) == 70107


def test_online_status_with_detail_and_unknown_accounts(tim, sandbox, users):
    users("on", "push", "off")
    sandbox.state.set_online("on", "iPhone", True)
    sandbox.state.set_online("on", "Web", True)
    sandbox.state.set_online("push", "Android", "PushOnline")
    answer = tim.call("openim/query_online_status",
                      {"To_Account": ["on", "push", "off", "ghost"], "IsNeedDetail": 1})
    status = {r["To_Account"]: r for r in answer["QueryResult"]}
    assert status["on"]["Status"] == "Online"
    assert {d["Platform"] for d in status["on"]["Detail"]} == {"iPhone", "Web"}
    assert status["push"]["Status"] == "PushOnline"
    assert status["off"]["Status"] == "Offline" and "Detail" not in status["off"]
    assert answer["ErrorList"] == [{"To_Account": "ghost", "ErrorCode": 70107}]


def test_legacy_querystate_uses_state(tim, users):
    users("q")
    answer = tim.call("openim/querystate", {"To_Account": ["q", "ghost"]})
    assert answer["QueryResult"] == [{"To_Account": "q", "State": "Offline"}]
    assert "ErrorList" not in answer


def test_online_status_limits(tim):
    assert code_of(tim.call, "openim/query_online_status", {"To_Account": []}) == 90001
    assert code_of(tim.call, "openim/query_online_status", {"To_Account": [f"u{i}" for i in range(501)]}) == 90011
    assert code_of(tim.call, "openim/query_online_status", {"To_Account": ["ghost"]}) == 70107


def test_portrait_set_and_get(tim, sandbox, users):
    users("p")
    tim.call("profile/portrait_set", {"From_Account": "p", "ProfileItem": [
        {"Tag": "Tag_Profile_IM_Nick", "Value": "Pat"},
        {"Tag": "Tag_Profile_IM_Gender", "Value": "Gender_Type_Female"},
        {"Tag": "Tag_Profile_IM_Level", "Value": 7},
        {"Tag": "Tag_Profile_Custom_Hobby", "Value": "chess"}]})
    answer = tim.call("profile/portrait_get", {"To_Account": ["p", "ghost"], "TagList": [
        "Tag_Profile_IM_Level", "Tag_Profile_IM_Nick", "Tag_Profile_Custom_Hobby", "Tag_Profile_IM_BirthDay"]})
    first, second = answer["UserProfileItem"]
    assert first["ProfileItem"] == [{"Tag": "Tag_Profile_IM_Level", "Value": 7},
                                    {"Tag": "Tag_Profile_IM_Nick", "Value": "Pat"},
                                    {"Tag": "Tag_Profile_Custom_Hobby", "Value": "chess"}]
    assert (second["To_Account"], second["ResultCode"]) == ("ghost", 40003)
    assert answer["Fail_Account"] == ["ghost"]


@pytest.mark.parametrize("tag, value, code", [
    ("Tag_Profile_IM_Gender", "Gender_Type_Robot", 40605),
    ("Tag_Profile_IM_AllowType", "AllowType_Type_Maybe", 40605),
    ("Tag_Profile_IM_BirthDay", "19900101", 40610),
    ("Tag_Profile_IM_Level", -1, 40610),
    ("Tag_Profile_IM_Nick", 5, 40610),
    ("Tag_Profile_IM_SelfSignature", "s" * 501, 40601),
    ("Tag_Profile_IM_Unknown", "x", 40009),
    ("Tag_Profile_Custom_TooLongName", "x", 40009),
    ("Tag_Profile_Custom_Num", 3, 40610),
])
def test_portrait_set_value_rules_all_or_nothing(tim, sandbox, users, tag, value, code):
    users("v")
    items = [{"Tag": "Tag_Profile_IM_Nick", "Value": "kept?"}, {"Tag": tag, "Value": value}]
    assert code_of(tim.call, "profile/portrait_set", {"From_Account": "v", "ProfileItem": items}) == code
    assert "Tag_Profile_IM_Nick" not in sandbox.state.profiles["v"]


def test_portrait_set_unknown_account(tim):
    assert code_of(tim.call, "profile/portrait_set", {
        "From_Account": "ghost", "ProfileItem": [{"Tag": "Tag_Profile_IM_Nick", "Value": "x"}]}) == 40003
