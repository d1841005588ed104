"""Community topics and permission groups in the sandbox: codes, state, persistence and the topic
callbacks, which go out signed and parse into the client's typed events."""
from __future__ import annotations

import time

import pytest
from callback_receiver import receiver, wired  # noqa: F401  (fixtures)
from group_helpers import call, code, import_accounts

from console.tim import callbacks as cb

TOPIC_SVC = "million_group_open_http_svc/"


def topic_call(tim, command: str, body: dict) -> dict:
    return call(tim, command, body, TOPIC_SVC)


def topic_code(tim, command: str, body: dict) -> int:
    return code(tim, command, body, TOPIC_SVC)


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


# ---- topic-scoped messages -------------------------------------------------------------------

TEXT = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]


def send(tim, group_id: str, sender: str, topic_id: str | None = None, rnd: int = 1) -> dict:
    body = {"GroupId": group_id, "From_Account": sender, "Random": rnd, "MsgBody": TEXT}
    if topic_id:
        body["TopicId"] = topic_id
    return call(tim, "send_group_msg", body)


def history(tim, group_id: str, topic_id: str | None = None) -> list[tuple[str, int]]:
    body = {"GroupId": group_id, "ReqMsgNumber": 20, **({"TopicId": topic_id} if topic_id else {})}
    return [(m["From_Account"], m["MsgSeq"]) for m in call(tim, "group_msg_get_simple", body)["RspMsgList"]
            if not m["IsSystemMsg"]]


@pytest.fixture
def topics(tim, community):
    return [topic_call(tim, "create_topic", {"GroupId": community, "TopicName": name})["TopicId"]
            for name in ("a", "b")]


def test_each_topic_has_its_own_sequence_and_history(tim, community, topics):
    a, b = topics
    assert send(tim, community, "m1", a)["MsgSeq"] == 1
    assert send(tim, community, "owner", a, rnd=2)["MsgSeq"] == 2
    assert send(tim, community, "m1", b, rnd=3)["MsgSeq"] == 1
    assert history(tim, community, a) == [("owner", 2), ("m1", 1)]
    assert history(tim, community, b) == [("m1", 1)]
    assert history(tim, community) == []                     # nothing went to the community itself
    info = {t["TopicInfo"]["TopicId"]: t for t in topic_call(tim, "get_topic", {
        "GroupId": community, "From_Account": "m1"})["TopicAndSelfInfo"]}
    assert info[a]["TopicInfo"]["NextMsgSeq"] == 3 and info[a]["TopicInfo"]["LastMsgTime"] > 0
    assert info[a]["SelfInfo"]["MsgSeq"] == 1 and info[b]["SelfInfo"]["MsgSeq"] == 1

    joined = call(tim, "get_joined_group_list", {"Member_Account": "m1", "SupportTopic": 1})
    (entry,) = joined["GroupIdList"]
    assert (entry["GroupId"], entry["Type"], entry["SupportTopic"]) == (community, "Community", 1)
    assert entry["GrossTopicNextMsgSeq"] == 4 and entry["SelfInfo"]["GrossTopicReadSeq"] == 3
    assert call(tim, "get_joined_group_list", {"Member_Account": "m1", "SupportTopic": 0})["TotalCount"] == 0


def test_topic_messages_need_a_live_topic_in_a_topic_community(tim, sandbox, community, topics):
    plain = call(tim, "create_group", {"Type": "Community", "Name": "plain", "Owner_Account": "owner"})["GroupId"]
    assert code(tim, "send_group_msg", {"GroupId": plain, "Random": 1, "MsgBody": TEXT,
                                        "TopicId": plain + "@TOPIC#_x"}) == 10004
    topic_call(tim, "destroy_topic", {"GroupId": community, "TopicIdList": [topics[0]]})
    for command, extra in (("send_group_msg", {"Random": 1, "MsgBody": TEXT}),
                           ("group_msg_get_simple", {"ReqMsgNumber": 1}),
                           ("send_group_system_notification", {"Content": "hello"})):
        assert code(tim, command, {"GroupId": community, "TopicId": topics[0], **extra}) == 10010, command


def test_topic_mutes(tim, community, topics):
    a, b = topics
    call(tim, "forbid_send_msg", {"GroupId": community, "Members_Account": ["m1"], "MuteTime": 600, "TopicId": a})
    assert code(tim, "send_group_msg", {"GroupId": community, "From_Account": "m1", "Random": 1, "MsgBody": TEXT,
                                        "TopicId": a}) == 10017
    assert send(tim, community, "m1", b)["MsgSeq"] == 1       # muted in one topic only
    muted = call(tim, "get_group_muted_account", {"GroupId": community, "TopicId": a})["MutedAccountList"]
    assert [m["Member_Account"] for m in muted] == ["m1"]
    assert call(tim, "get_group_muted_account", {"GroupId": community})["MutedAccountList"] == []
    own = topic_call(tim, "get_topic", {"GroupId": community, "From_Account": "m1", "TopicIdList": [a]})
    assert own["TopicAndSelfInfo"][0]["SelfInfo"]["ShutUpTime"] > 0

    topic_call(tim, "modify_topic", {"GroupId": community, "TopicId": b, "MuteAllMember": "On"})
    assert code(tim, "send_group_msg", {"GroupId": community, "From_Account": "m1", "Random": 2, "MsgBody": TEXT,
                                        "TopicId": b}) == 10017
    assert send(tim, community, "owner", b, rnd=3)["MsgSeq"] == 2     # the owner still speaks
    call(tim, "forbid_send_msg", {"GroupId": community, "Members_Account": ["owner"], "MuteTime": 600})
    assert code(tim, "send_group_msg", {"GroupId": community, "From_Account": "owner", "Random": 4,
                                        "MsgBody": TEXT, "TopicId": b}) == 10017   # a community mute counts


def test_recall_delete_import_and_notices_in_a_topic(tim, sandbox, community, topics, wired):
    a, b = topics
    send(tim, community, "m1", a)
    send(tim, community, "owner", a, rnd=2)
    send(tim, community, "m1", b)
    recalled = call(tim, "group_msg_recall", {"GroupId": community, "TopicId": a, "MsgSeqList": [{"MsgSeq": 2}]})
    assert recalled["RecallRetList"] == [{"MsgSeq": 2, "RetCode": 0}]
    assert history(tim, community, a) == [("m1", 1)] and history(tim, community, b) == [("m1", 1)]
    call(tim, "delete_group_msg_by_sender", {"GroupId": community, "Sender_Account": "m1", "TopicId": b})
    assert history(tim, community, b) == [] and history(tim, community, a) == [("m1", 1)]

    group = sandbox.state.groups.get(community)
    now = int(time.time())
    old = call(tim, "import_topic", {"GroupId": community, "TopicName": "old", "CreateTime": now - 100})["TopicId"]
    imported = call(tim, "import_group_msg", {"GroupId": community, "TopicId": old, "MsgList": [
        {"From_Account": "m1", "SendTime": now - 50, "MsgBody": TEXT},
        {"From_Account": "m1", "SendTime": now - 200, "MsgBody": TEXT}]})     # before the topic: refused
    assert [r["Result"] for r in imported["ImportMsgResult"]] == [0, 10004]
    assert history(tim, community, old) == [("m1", 1)]
    call(tim, "send_group_system_notification", {"GroupId": community, "TopicId": a, "Content": "notice"})
    assert sandbox.state.communities.topic(community, a).notices[0]["Content"] == "notice"
    assert group.notices == []

    sandbox.callbacks.flush(5)
    (recall,) = wired.of("Group.CallbackAfterRecallMsg")
    event = cb.parse(recall.query, recall.raw)
    assert (event.topic_id, event.msg_seqs) == (a, [2])
    sent_in = [cb.parse(r.query, r.raw).topic_id for r in wired.of("Group.CallbackAfterSendMsg")]
    assert sent_in == [a, a, b]


def test_group_info_says_whether_a_community_has_topics(tim, community):
    plain = call(tim, "create_group", {"Type": "Community", "Name": "plain"})["GroupId"]
    public = call(tim, "create_group", {"Type": "Public", "Name": "pub"})["GroupId"]
    info = {g["GroupId"]: g for g in call(tim, "get_group_info", {"GroupIdList": [community, plain, public]})[
        "GroupInfo"]}
    assert (info[community]["SupportTopic"], info[plain]["SupportTopic"]) == (1, 0)
    assert "SupportTopic" not in info[public]
