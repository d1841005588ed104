"""Community topics and permission groups in the sandbox: codes, state, persistence and the topic
callbacks, which go out signed and parse into the client's typed events."""
from __future__ import annotations

import pytest
from callback_receiver import receiver, wired  # noqa: F401  (fixtures)
from group_helpers import call, code, import_accounts

from console.tim import TimError
from console.tim import callbacks as cb

TOPIC_SVC = "million_group_open_http_svc/"


def topic_call(tim, command: str, body: dict) -> dict:
    return tim.call(TOPIC_SVC + command, body)


def topic_code(tim, command: str, body: dict) -> int:
    with pytest.raises(TimError) as err:
        tim.call(TOPIC_SVC + command, body)
    return err.value.code


@pytest.fixture
def community(tim, sandbox):
    import_accounts(sandbox, "owner", "m1", "m2")
    return call(tim, "create_group", {"Type": "Community", "Name": "c", "SupportTopic": 1, "Owner_Account": "owner",
                                      "MemberList": [{"Member_Account": "m1"}]})["GroupId"]


def test_topics_need_a_topic_enabled_community(tim, sandbox, community):
    plain = call(tim, "create_group", {"Type": "Community", "Name": "plain"})["GroupId"]
    public = call(tim, "create_group", {"Type": "Public", "Name": "pub"})["GroupId"]
    for group_id in (plain, public):
        assert topic_code(tim, "create_topic", {"GroupId": group_id, "TopicName": "t"}) == 11000
        assert code(tim, "import_topic", {"GroupId": group_id, "TopicName": "t"}) == 11000
    assert topic_code(tim, "create_topic", {"GroupId": "@TGS#_nope", "TopicName": "t"}) == 10010
    assert topic_code(tim, "create_topic", {"TopicName": "t"}) == 10004
    assert code(tim, "create_permission_group", {"GroupId": public, "PermissionGroupName": "p"}) == 10007
    assert call(tim, "create_permission_group", {"GroupId": plain, "PermissionGroupName": "p"})["PermissionGroupId"]


@pytest.mark.parametrize("topic_id, expected", [
    ("{g}@TOPIC#_ok", 0), ("{g}@TOPIC#_", 10015), ("@TGS#_other@TOPIC#_x", 10015),
    ("{g}@TOPIC#_@TOPIC#x", 10015), ("{g}@TOPIC#_a@TGS#_b", 10015), ("{g}@TOPIC#_" + "x" * 80, 10015),
    ("{g}@TOPIC#_caf\u00e9", 10015),
])
def test_custom_topic_ids(tim, community, topic_id, expected):
    body = {"GroupId": community, "TopicName": "t", "TopicId": topic_id.format(g=community)}
    if expected:
        assert topic_code(tim, "create_topic", body) == expected
    else:
        assert topic_call(tim, "create_topic", body)["TopicId"] == body["TopicId"]


def test_topic_text_limits(tim, community):
    for field, limit in (("TopicName", 30), ("FaceUrl", 100), ("Notification", 300), ("Introduction", 240),
                         ("CustomString", 3000)):
        body = {"GroupId": community, "TopicName": "t", field: "x" * (limit + 1)}
        assert topic_code(tim, "create_topic", body) == 10004, field
        body[field] = "x" * limit
        assert topic_call(tim, "create_topic", body)["TopicId"]


def test_import_topic_refuses_a_future_time_and_another_type(tim, sandbox, community):
    now = int(sandbox.state.groups.get(community).create_time)
    assert code(tim, "import_topic", {"GroupId": community, "TopicName": "t", "CreateTime": now + 3600}) == 10004
    assert code(tim, "import_topic", {"GroupId": community, "TopicName": "t", "Type": "Public"}) == 10004


def test_topics_persist_and_leave_with_their_community(tim, sandbox, community):
    topic_id = topic_call(tim, "create_topic", {"GroupId": community, "TopicName": "t"})["TopicId"]
    pg = call(tim, "create_permission_group", {"GroupId": community, "PermissionGroupName": "p"})["PermissionGroupId"]
    call(tim, "add_permission_group_member", {"GroupId": community, "PermissionGroupId": pg,
                                              "MemberList": [{"Member_Account": "m1"}]})
    call(tim, "add_topic_permission_group", {"GroupId": community, "PermissionGroupId": pg,
                                             "TopicPermissionList": [{"TopicId": topic_id, "Permission": 9}]})
    saved = sandbox.state.to_dict()
    sandbox.state.reset()
    assert code(tim, "get_permission_group", {"GroupId": community}) == 10010
    sandbox.state.load(saved)
    assert topic_call(tim, "get_topic", {"GroupId": community, "From_Account": "m1"})["TopicAndSelfInfo"][0][
        "TopicInfo"]["TopicId"] == topic_id
    got = call(tim, "get_topic_permission_group", {"GroupId": community, "PermissionGroupId": pg})
    assert got["TopicPermissionResultList"][0]["Permission"] == 9

    call(tim, "destroy_group", {"GroupId": community})
    with sandbox.state.lock:            # the same ID again starts empty
        sandbox.state.groups.add_group("Community", "again", 0, group_id=community, support_topic=1)
    assert topic_call(tim, "get_topic", {"GroupId": community, "From_Account": "m1"})["TopicAndSelfInfo"] == []
    assert call(tim, "get_permission_group", {"GroupId": community})["PermissionGroupInfoList"] == []


def test_permission_group_limits(tim, sandbox, community):
    assert code(tim, "create_permission_group", {"GroupId": community, "PermissionGroupName": "x" * 151}) == 10004
    assert code(tim, "create_permission_group", {"GroupId": community, "PermissionGroupName": "p",
                                                 "PermissionGroupId": "plain"}) == 10004
    assert code(tim, "create_permission_group", {"GroupId": community, "PermissionGroupName": "p",
                                                 "Permission": -1}) == 10004
    ids = [f"@PMG#_{n}" for n in range(21)]
    assert code(tim, "destroy_permission_group", {"GroupId": community, "PermissionGroupIdList": ids}) == 10004
    pg = call(tim, "create_permission_group", {"GroupId": community, "PermissionGroupName": "p"})["PermissionGroupId"]
    many = [{"Member_Account": f"u{n}"} for n in range(101)]
    assert code(tim, "add_permission_group_member", {"GroupId": community, "PermissionGroupId": pg,
                                                     "MemberList": many}) == 10005
    topics = [{"TopicId": f"{community}@TOPIC#_{n}", "Permission": 1} for n in range(51)]
    assert code(tim, "add_topic_permission_group", {"GroupId": community, "PermissionGroupId": pg,
                                                    "TopicPermissionList": topics}) == 10004
    assert code(tim, "get_permission_group", {"GroupId": community, "Limit": 21}) == 10004
    assert code(tim, "get_permission_group_member_list", {"GroupId": community, "PermissionGroupId": pg,
                                                          "Limit": 51}) == 10004
    assert code(tim, "modify_permission_group", {"GroupId": community, "PermissionGroupId": "@PMG#_none",
                                                 "PermissionGroupName": "n"}) == 10010


def test_permission_group_listing_accepts_a_numeric_cursor(tim, community):
    for n in range(3):
        call(tim, "create_permission_group", {"GroupId": community, "PermissionGroupName": f"p{n}"})
    first = call(tim, "get_permission_group", {"GroupId": community, "Limit": 2, "Next": ""})
    rest = call(tim, "get_permission_group", {"GroupId": community, "Limit": 2, "Next": int(first["Next"])})
    names = [p["PermissionGroupName"] for p in first["PermissionGroupInfoList"] + rest["PermissionGroupInfoList"]]
    assert names == ["p0", "p1", "p2"] and rest["Next"] == ""


def test_topic_callbacks(tim, sandbox, community, wired):
    topic_id = topic_call(tim, "create_topic", {"GroupId": community, "TopicName": "news", "From_Account": "m1"})[
        "TopicId"]
    topic_call(tim, "modify_topic", {"GroupId": community, "TopicId": topic_id, "TopicName": "daily",
                                     "MuteAllMember": "On"})
    topic_call(tim, "modify_topic", {"GroupId": community, "TopicId": topic_id, "CustomString": "no callback"})
    topic_call(tim, "destroy_topic", {"GroupId": community, "TopicIdList": [topic_id, community + "@TOPIC#_x"]})
    call(tim, "import_topic", {"GroupId": community, "TopicName": "quiet"})
    sandbox.callbacks.flush(5)
    assert wired.commands() == ["Group.CallbackBeforeCreateTopic", "Group.CallbackAfterCreateTopic",
                                "Group.CallbackAfterTopicInfoChanged", "Group.CallbackAfterTopicDestroyed"]
    events = [cb.parse(r.query, r.raw) for r in wired.received]
    before, created, changed, destroyed = events
    assert (before.operator_account, before.name, before.group_type) == ("m1", "news", "Community")
    assert (created.topic_id, created.owner_account, created.group_id) == (topic_id, "owner", community)
    assert (changed.name, changed.topic_id, changed.introduction) == ("daily", topic_id, None)
    assert destroyed.topic_ids == [topic_id]
    assert {cb.verify_query(r.query, app_id=sandbox.app_id, token="receiver-token-3c1f")
            for r in wired.received} == {cb.SignCheck.OK}


def test_a_refused_topic_is_not_created(tim, sandbox, community, wired):
    wired.answer_for("Group.CallbackBeforeCreateTopic", cb.ack_deny(command="Group.CallbackBeforeCreateTopic"))
    assert topic_code(tim, "create_topic", {"GroupId": community, "TopicName": "no"}) == 10016
    assert topic_call(tim, "get_topic", {"GroupId": community, "From_Account": "m1"})["TopicAndSelfInfo"] == []
    sandbox.callbacks.flush(5)
    assert "Group.CallbackAfterCreateTopic" not in wired.commands()
