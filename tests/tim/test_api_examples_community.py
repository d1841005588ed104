"""client.community against Tencent's published topic request/response pairs (the `published`
fixture of test_api_examples.py: a local server answering each endpoint with its published
response; our request must carry the published request's fields and values)."""
from test_api_examples import published  # noqa: F401  (fixture)

GROUP = "@TGS#_@TGS#cQVLVHIM62CJ"


def test_topics(published):  # noqa: F811
    created = published.community.create_topic(GROUP, "TestTopic")
    published.sent("million_group_open_http_svc/create_topic")
    assert created.topic_id == GROUP + "@TOPIC#_@TOPIC#cETE3HIM62CQ"

    destroyed = published.community.destroy_topics(GROUP, [GROUP + "@TOPIC#_TestTopic",
                                                           GROUP + "@TOPIC#_TestTopic_1"])
    published.sent("million_group_open_http_svc/destroy_topic")
    assert [(i.id, i.ok) for i in destroyed] == [(GROUP + "@TOPIC#_TestTopic", True),
                                                 (GROUP + "@TOPIC#_TestTopic_1", True)]

    topics = published.community.get_topics(GROUP, "1400187352")
    published.sent("million_group_open_http_svc/get_topic")
    topic = topics[0]
    assert (topic.id, topic.group_id, topic.name) == (GROUP + "@TOPIC#_@TOPIC#cRTE3HIM62C5", GROUP, "TestTopicName")
    assert (topic.create_time, topic.mute_all_member, topic.custom_string) == (1658839448, "Off",
                                                                               "This is a customs string.")
    assert (topic.self_info.msg_flag, topic.self_info.mute_until) == ("AcceptAndNotify", 0)

    published.community.update_topic(GROUP, GROUP + "@TOPIC#_@TOPIC#cRTE3HIM62C5", name="TestTopicName",
                                     notification="Notification")
    published.sent("million_group_open_http_svc/modify_topic")

    imported = published.community.import_topic("@TGS#_@TGS#cBZXAIIM62CV", "test_topic3", create_time=1448357837)
    published.sent("group_open_http_svc/import_topic")
    assert imported.topic_id == "@TGS#_@TGS#cBZXAIIM62CV@TOPIC#_@TOPIC#cTCCCIIM62CW"
