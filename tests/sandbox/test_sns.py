"""Relationship chain: friends, friend lists and blocklists, with the per-item answers."""
from __future__ import annotations

import pytest

from console.tim import TimError


def results(answer, field="ResultItem") -> dict:
    return {r["To_Account"]: r["ResultCode"] for r in answer[field]}


def allow_any(sandbox, *uids):
    for uid in uids:
        sandbox.state.profiles[uid]["Tag_Profile_IM_AllowType"] = "AllowType_Type_AllowAny"


def test_friend_add_both_ways_to_allow_any(tim, sandbox, users):
    users("a", "b")
    allow_any(sandbox, "b")
    answer = tim.call("sns/friend_add", {"From_Account": "a", "AddFriendItem": [
        {"To_Account": "b", "AddSource": "AddSource_Type_Web", "Remark": "Bee", "GroupName": "work",
         "AddWording": "hi"}]})
    assert results(answer) == {"b": 0} and answer["Fail_Account"] == []  # present, empty
    assert sandbox.state.is_friend("a", "b") and sandbox.state.is_friend("b", "a")
    rel = sandbox.state.friends["a"]["b"]
    assert (rel["Remark"], rel["Groups"], rel["AddSource"], rel["AddWording"]) == ("Bee", ["work"], "AddSource_Type_Web", "hi")
    assert "work" in sandbox.state.friend_groups["a"]


def test_friend_add_outcomes_per_target(tim, sandbox, users):
    users("me", "confirm", "deny", "blocked", "blocker", "single")
    sandbox.state.profiles["deny"]["Tag_Profile_IM_AllowType"] = "AllowType_Type_DenyAny"
    allow_any(sandbox, "blocked", "blocker", "single")
    sandbox.state.blacklist["me"] = {"blocked": 1}
    sandbox.state.blacklist["blocker"] = {"me": 1}
    items = [{"To_Account": t, "AddSource": "AddSource_Type_Test"}
             for t in ("confirm", "deny", "blocked", "blocker", "ghost", "me")]
    answer = tim.call("sns/friend_add", {"From_Account": "me", "AddFriendItem": items})
    assert results(answer) == {"confirm": 30539, "deny": 30516, "blocked": 30515, "blocker": 30525,
                               "ghost": 30003, "me": 30001}
    assert set(answer["Fail_Account"]) == {"confirm", "deny", "blocked", "blocker", "ghost", "me"}
    single = tim.call("sns/friend_add", {"From_Account": "me", "AddType": "Add_Type_Single",
                                         "AddFriendItem": [{"To_Account": "single"}]})
    assert results(single) == {"single": 0}
    assert sandbox.state.is_friend("me", "single") and not sandbox.state.is_friend("single", "me")


def test_forced_add_overrides_allow_type_only(tim, sandbox, users):
    users("f", "g", "h")
    sandbox.state.profiles["g"]["Tag_Profile_IM_AllowType"] = "AllowType_Type_DenyAny"
    sandbox.state.blacklist["h"] = {"f": 1}
    answer = tim.call("sns/friend_add", {"From_Account": "f", "ForceAddFlags": 1, "AddFriendItem": [
        {"To_Account": "g", "AddSource": "AddSource_Type_Test"}, {"To_Account": "h", "AddSource": "AddSource_Type_Test"}]})
    assert results(answer) == {"g": 0, "h": 30525}


def test_forbidden_sender(tim, sandbox, users):
    users("s", "t")
    sandbox.state.profiles["s"]["Tag_Profile_IM_AdminForbidType"] = "AdminForbid_Type_SendOut"
    answer = tim.call("sns/friend_add", {"From_Account": "s", "ForceAddFlags": 1,
                                         "AddFriendItem": [{"To_Account": "t"}]})
    assert results(answer) == {"t": 30009}


def test_sns_requires_imported_owner(tim):
    with pytest.raises(TimError) as err:
        tim.call("sns/friend_get", {"From_Account": "ghost", "StartIndex": 0})
    assert err.value.code == 30003


def test_friend_import_update_get(tim, sandbox, users):
    users("o", "p1", "p2")
    answer = tim.call("sns/friend_import", {"From_Account": "o", "AddFriendItem": [
        {"To_Account": "p1", "AddSource": "AddSource_Type_Import", "GroupName": ["g1", "g2"], "AddTime": 1600000000,
         "CustomItem": [{"Tag": "Tag_SNS_Custom_Level", "Value": "gold"}]},
        {"To_Account": "p2", "AddSource": "bad source"}]})
    assert results(answer) == {"p1": 0, "p2": 30001}
    assert not sandbox.state.is_friend("p1", "o")  # one-way
    update = tim.call("sns/friend_update", {"From_Account": "o", "UpdateItem": [
        {"To_Account": "p1", "SnsItem": [{"Tag": "Tag_SNS_IM_Remark", "Value": "pal"},
                                         {"Tag": "Tag_SNS_IM_Group", "Value": ["g3"]}]},
        {"To_Account": "p2", "SnsItem": [{"Tag": "Tag_SNS_IM_Remark", "Value": "x"}]}]})
    assert results(update) == {"p1": 0, "p2": 30001}
    page = tim.call("sns/friend_get", {"From_Account": "o", "StartIndex": 0})
    assert page["FriendNum"] == 1 and page["CompleteFlag"] == 1 and page["NextStartIndex"] == 0
    values = {v["Tag"]: v["Value"] for v in page["UserDataItem"][0]["ValueItem"]}
    assert values == {"Tag_SNS_IM_AddSource": "AddSource_Type_Import", "Tag_SNS_IM_Remark": "pal",
                      "Tag_SNS_IM_Group": ["g3"], "Tag_SNS_IM_AddTime": 1600000000,
                      "Tag_SNS_Custom_Level": "gold"}
    assert page["StandardSequence"] > 0


def test_friend_get_pages(tim, sandbox, users):
    names = users(*[f"f{i}" for i in range(150)], "owner")
    for name in names[:150]:
        sandbox.state.add_friend("owner", name)
    first = tim.call("sns/friend_get", {"From_Account": "owner", "StartIndex": 0})
    assert (len(first["UserDataItem"]), first["CompleteFlag"], first["NextStartIndex"]) == (100, 0, 100)
    second = tim.call("sns/friend_get", {"From_Account": "owner", "StartIndex": 100})
    assert (len(second["UserDataItem"]), second["CompleteFlag"]) == (50, 1)


def test_friend_get_list_mixes_friend_and_profile_tags(tim, sandbox, users):
    users("me", "pal", "stranger")
    sandbox.state.add_friend("me", "pal", remark="buddy")
    sandbox.state.profiles["pal"]["Tag_Profile_IM_Nick"] = "Pal"
    answer = tim.call("sns/friend_get_list", {"From_Account": "me", "To_Account": ["pal", "stranger"],
                                              "TagList": ["Tag_Profile_IM_Nick", "Tag_SNS_IM_Remark", "Tag_SNS_IM_Group"]})
    pal, stranger = answer["InfoItem"]
    assert pal["SnsProfileItem"] == [{"Tag": "Tag_Profile_IM_Nick", "Value": "Pal"},
                                     {"Tag": "Tag_SNS_IM_Remark", "Value": "buddy"}]
    assert stranger["ResultCode"] == 30001 and answer["Fail_Account"] == ["stranger"]


def test_friend_check_and_delete(tim, sandbox, users):
    users("a", "both", "mine", "theirs", "none")
    for x, y in [("a", "both"), ("both", "a"), ("a", "mine"), ("theirs", "a")]:
        sandbox.state.add_friend(x, y)
    check = tim.call("sns/friend_check", {"From_Account": "a", "To_Account": ["both", "mine", "theirs", "none"],
                                          "CheckType": "CheckResult_Type_Both"})
    assert {r["To_Account"]: r["Relation"] for r in check["InfoItem"]} == {
        "both": "CheckResult_Type_BothWay", "mine": "CheckResult_Type_AWithB",
        "theirs": "CheckResult_Type_BWithA", "none": "CheckResult_Type_NoRelation"}
    single = tim.call("sns/friend_check", {"From_Account": "a", "To_Account": ["theirs"],
                                           "CheckType": "CheckResult_Type_Single"})
    assert single["InfoItem"][0]["Relation"] == "CheckResult_Type_NoRelation"
    deleted = tim.call("sns/friend_delete", {"From_Account": "a", "To_Account": ["both", "none"],
                                             "DeleteType": "Delete_Type_Both"})
    assert results(deleted) == {"both": 0, "none": 31704}
    assert not sandbox.state.is_friend("both", "a")
    tim.call("sns/friend_delete_all", {"From_Account": "a"})
    assert not sandbox.state.friends["a"] and sandbox.state.is_friend("theirs", "a")


def test_blocklist_add_dissolves_friendship(tim, sandbox, users):
    users("a", "b", "c")
    sandbox.state.add_friend("a", "b")
    sandbox.state.add_friend("b", "a")
    answer = tim.call("sns/black_list_add", {"From_Account": "a", "To_Account": ["b", "b", "ghost"]})
    assert [r["ResultCode"] for r in answer["ResultItem"]] == [0, 30001, 30003]
    assert not sandbox.state.is_friend("a", "b") and not sandbox.state.is_friend("b", "a")
    tim.call("sns/black_list_add", {"From_Account": "c", "To_Account": ["a"]})
    check = tim.call("sns/black_list_check", {"From_Account": "a", "To_Account": ["b", "c"],
                                              "CheckType": "BlackCheckResult_Type_Both"})
    assert {r["To_Account"]: r["Relation"] for r in check["BlackListCheckItem"]} == {
        "b": "BlackCheckResult_Type_AWithB", "c": "BlackCheckResult_Type_BWithA"}
    removed = tim.call("sns/black_list_delete", {"From_Account": "a", "To_Account": ["b", "c"]})
    assert results(removed) == {"b": 0, "c": 30001}
    assert not sandbox.state.is_friend("a", "b")  # unblocking does not restore the friendship


def test_fail_account_is_sent_empty_when_nothing_failed(tim, sandbox, users):
    """Every sns command that documents Fail_Account sends it, [] when all items succeeded."""
    users("me", "pal", "foe")
    allow_any(sandbox, "pal")
    calls = [
        ("sns/friend_add", {"From_Account": "me", "AddFriendItem": [
            {"To_Account": "pal", "AddSource": "AddSource_Type_Web"}]}),
        ("sns/friend_import", {"From_Account": "pal", "AddFriendItem": [
            {"To_Account": "foe", "AddSource": "AddSource_Type_Web"}]}),
        ("sns/friend_update", {"From_Account": "me", "UpdateItem": [{"To_Account": "pal", "SnsItem": [
            {"Tag": "Tag_SNS_IM_Remark", "Value": "old pal"}]}]}),
        ("sns/friend_check", {"From_Account": "me", "To_Account": ["pal", "foe"],
                              "CheckType": "CheckResult_Type_Both"}),
        ("sns/friend_get_list", {"From_Account": "me", "To_Account": ["pal"],
                                 "TagList": ["Tag_SNS_IM_Remark"]}),
        ("sns/group_add", {"From_Account": "me", "GroupName": ["close"], "To_Account": ["pal"]}),
        ("sns/black_list_add", {"From_Account": "me", "To_Account": ["foe"]}),
        ("sns/black_list_check", {"From_Account": "me", "To_Account": ["foe", "pal"],
                                  "CheckType": "BlackCheckResult_Type_Both"}),
        ("sns/black_list_delete", {"From_Account": "me", "To_Account": ["foe"]}),
    ]
    for endpoint, body in calls:
        assert tim.call(endpoint, body)["Fail_Account"] == [], endpoint


def test_black_list_get_pages(tim, sandbox, users):
    users("o", *[f"b{i}" for i in range(5)])
    tim.call("sns/black_list_add", {"From_Account": "o", "To_Account": [f"b{i}" for i in range(5)]})
    first = tim.call("sns/black_list_get", {"From_Account": "o", "StartIndex": 0, "MaxLimited": 3, "LastSequence": 0})
    assert len(first["BlackListItem"]) == 3 and first["StartIndex"] == 3 and first["CurruentSequence"] == 1
    second = tim.call("sns/black_list_get", {"From_Account": "o", "StartIndex": 3, "MaxLimited": 3, "LastSequence": 0})
    assert [b["To_Account"] for b in second["BlackListItem"]] == ["b3", "b4"] and second["StartIndex"] == 0


def test_friend_lists(tim, sandbox, users):
    users("o", "f1", "f2")
    sandbox.state.add_friend("o", "f1")
    added = tim.call("sns/group_add", {"From_Account": "o", "GroupName": ["close", "work"], "To_Account": ["f1", "f2"]})
    assert results(added) == {"f1": 0, "f2": 32216} and added["Fail_Account"] == ["f2"]
    got = tim.call("sns/group_get", {"From_Account": "o", "NeedFriend": "Need_Friend_Type_Yes"})
    assert got["ResultItem"] == [{"GroupName": "close", "FriendNumber": 1, "To_Account": ["f1"]},
                                 {"GroupName": "work", "FriendNumber": 1, "To_Account": ["f1"]}]
    seq = tim.call("sns/group_delete", {"From_Account": "o", "GroupName": ["close"]})["CurrentSequence"]
    assert seq > added["CurrentSequence"]
    assert sandbox.state.friends["o"]["f1"]["Groups"] == ["work"]
    with pytest.raises(TimError) as err:
        tim.call("sns/group_add", {"From_Account": "o", "GroupName": [f"g{i}" for i in range(32)]})
    assert err.value.code == 30011
