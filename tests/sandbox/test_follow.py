"""Follow (follow/*): the sandbox's answers, codes, callbacks and saved state."""
from __future__ import annotations

from console.tim.callbacks import FollowEvent, parse


def codes(answer, field="ResultItem") -> dict:
    return {r["To_Account"]: r["ResultCode"] for r in answer[field]}


def test_follow_add_answers_per_target_and_calls_back(api, users, receiver, settle):
    users("a", "b", "c")
    answer = api("follow/follow_add", {"From_Account": "a", "FollowItem": [
        {"To_Account": "b"}, {"To_Account": "c"}, {"To_Account": "a"}, {"To_Account": "ghost"}]})
    assert answer["ErrorCode"] == 0 and answer["ErrorDisplay"] == ""
    assert codes(answer) == {"b": 0, "c": 0, "a": 30001, "ghost": 30003}
    again = api("follow/follow_add", {"From_Account": "a", "FollowItem": [{"To_Account": "b"}]})
    assert codes(again) == {"b": 30001}
    settle()
    assert receiver.commands() == ["Follow.CallbackAfterFollowAdd"]          # nothing new the 2nd time
    query, body = receiver.calls[0]
    assert body["From_Account"] == "a" and body["FollowList"] == [{"To_Account": "b"}, {"To_Account": "c"}]
    event = parse(query, body)
    assert isinstance(event, FollowEvent) and event.to_accounts == ["b", "c"] and event.accounts() == ["a", "b", "c"]


def test_follow_delete_and_its_callback(api, users, sandbox, receiver, settle):
    users("a", "b", "c")
    sandbox.state.social.follow("a", "b", 1)
    answer = api("follow/follow_delete", {"From_Account": "a", "To_Account": ["b", "c", "ghost"]})
    assert codes(answer) == {"b": 0, "c": 30001, "ghost": 30003}
    assert not sandbox.state.social.is_following("a", "b")
    settle()
    query, body = receiver.calls[-1]
    assert query["CallbackCommand"] == "Follow.CallbackAfterFollowDelete"
    assert body["To_Account"] == ["b"] and parse(query, body).to_accounts == ["b"]


def test_request_level_errors(api, users):
    users("a")
    assert api("follow/follow_add", {"From_Account": "ghost", "FollowItem": [{"To_Account": "a"}]})["ErrorCode"] == 30003
    too_many = [{"To_Account": f"u{i}"} for i in range(21)]
    assert api("follow/follow_add", {"From_Account": "a", "FollowItem": too_many})["ErrorCode"] == 30001
    assert api("follow/follow_check", {"From_Account": "a", "To_Account": ["x"] * 101})["ErrorCode"] == 30001
    assert api("follow/follow_get_info", {"From_Account": "a", "To_Account": ["x"] * 21})["ErrorCode"] == 30001
    assert api("follow/follow_get", {"From_Account": "a", "FollowType": 4})["ErrorCode"] == 30001
    assert api("follow/follow_get", {"From_Account": "a", "FollowType": 1, "WantNum": 1001})["ErrorCode"] == 30001
    assert api("follow/follow_get", {"From_Account": "a", "FollowType": 1, "StartCursor": "@@"})["ErrorCode"] == 30001


def test_non_admin_caller_gets_30004(api, users, sandbox):
    users("a", "b")
    answer = api("follow/follow_check", {"From_Account": "a", "To_Account": ["b"]},
                 identifier="a", usersig=sandbox.make_usersig("a"))
    assert answer["ErrorCode"] == 30004


def test_follow_get_pages_newest_first_with_profiles(api, users, sandbox):
    users("star", "f1", "f2", "f3")
    sandbox.state.profiles["f2"]["Tag_Profile_IM_Nick"] = "Two"
    for n, fan in enumerate(("f1", "f2", "f3")):
        sandbox.state.social.follow(fan, "star", 1000 + n)
    first = api("follow/follow_get", {"From_Account": "star", "FollowType": 1, "StartCursor": "", "WantNum": 2})
    assert [i["To_Account"] for i in first["FollowItem"]] == ["f3", "f2"] and first["NextCursor"]
    assert first["FollowItem"][1]["ProfileItem"] == [{"Tag": "Tag_Profile_IM_Nick", "Value": "Two"}]
    assert first["FollowItem"][0]["FollowTime"] == 1002
    rest = api("follow/follow_get", {"From_Account": "star", "FollowType": 1, "StartCursor": first["NextCursor"],
                                     "WantNum": 2})
    assert [i["To_Account"] for i in rest["FollowItem"]] == ["f1"] and rest["NextCursor"] == ""


def test_check_and_counts_follow_the_graph(api, users, sandbox):
    users("a", "b", "c")
    social = sandbox.state.social
    social.follow("a", "b", 1)
    social.follow("b", "a", 1)
    social.follow("c", "a", 1)
    check = api("follow/follow_check", {"From_Account": "a", "To_Account": ["b", "c", "ghost"]})
    assert [(i["To_Account"], i["FollowType"], i["ResultCode"]) for i in check["ResultItem"]] == [
        ("b", 3, 0), ("c", 1, 0), ("ghost", 0, 30003)]
    info = api("follow/follow_get_info", {"From_Account": "a", "To_Account": ["a", "c"]})["FollowInfo"]
    assert [(i["FollowerCount"], i["FollowingCount"], i["MutualFollowingCount"]) for i in info] == [(2, 1, 1), (0, 1, 0)]


def test_follows_survive_a_save_and_leave_with_a_deleted_account(api, users, sandbox, tmp_path):
    users("a", "b", "c")
    api("follow/follow_add", {"From_Account": "a", "FollowItem": [{"To_Account": "b"}, {"To_Account": "c"}]})
    api("follow/follow_add", {"From_Account": "c", "FollowItem": [{"To_Account": "a"}]})
    path = tmp_path / "state.json"
    sandbox.state.save(str(path))
    sandbox.reset()
    assert sandbox.state.social.following == {}
    assert sandbox.state.load_file(str(path))
    assert sandbox.state.social.follow_counts("a") == (1, 2, 1)
    sandbox.state.delete_account("c")
    assert sandbox.state.social.follow_counts("a") == (0, 1, 0)
    assert "c" not in sandbox.state.social.followers
