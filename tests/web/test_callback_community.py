"""POST /callback with the community (topic) callbacks, as the sandbox sends them: each is acked,
stored with its command, group and accounts, and parsed into the client's typed event."""
from __future__ import annotations

import json

from events_support import OK, callbacks, stored_events  # noqa: F401

from console.tim import callbacks as cb

GROUP = "@TGS#_@TGS#cQVLVHIM62CJ"
TOPIC = GROUP + "@TOPIC#_news"
BODIES = [
    ("Group.CallbackBeforeCreateTopic", {"GroupId": GROUP, "Type": "Community", "Operator_Account": "ann",
                                         "Name": "news", "EventTime": 1717000000001}),
    ("Group.CallbackAfterCreateTopic", {"GroupId": GROUP, "Type": "Community", "TopicId": TOPIC,
                                        "Operator_Account": "ann", "Owner_Account": "olga", "Name": "news",
                                        "EventTime": 1717000000002}),
    ("Group.CallbackAfterTopicInfoChanged", {"GroupId": GROUP, "Type": "Community", "TopicId": TOPIC,
                                             "Operator_Account": "ann", "Name": "daily",
                                             "EventTime": 1717000000003}),
    ("Group.CallbackAfterSendMsg", {"GroupId": GROUP, "Type": "Community", "From_Account": "bob",
                                    "Operator_Account": "administrator", "Random": 7, "MsgSeq": 1,
                                    "MsgTime": 1717000000, "OnlineOnlyFlag": 0, "TopicId": TOPIC,
                                    "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}],
                                    "CloudCustomData": "", "EventTime": 1717000000004}),
    ("Group.CallbackAfterTopicDestroyed", {"GroupId": GROUP, "Type": "Community", "TopicIdList": [TOPIC],
                                           "EventTime": 1717000000005}),
]


def test_topic_callbacks_are_acked_stored_and_parsed(app, callbacks):  # noqa: F811
    for command, body in BODIES:
        assert callbacks.ack(command, {"CallbackCommand": command, **body}) == OK
    rows = stored_events(app)
    assert [r.command for r in rows] == [c for c, _ in BODIES]
    assert {r.group_id for r in rows} == {GROUP} and {r.category for r in rows} == {"Group"}
    assert "|ann|" in rows[0].accounts and "|olga|" in rows[1].accounts and "|bob|" in rows[3].accounts
    assert all(r.sign_status == "verified" for r in rows)

    events = [cb.parse({"CallbackCommand": r.command}, json.loads(r.payload)) for r in rows]
    assert [e.topic_id for e in events[1:4]] == [TOPIC, TOPIC, TOPIC]
    assert events[0].is_before and events[0].name == "news"
    assert events[4].topic_ids == [TOPIC]
