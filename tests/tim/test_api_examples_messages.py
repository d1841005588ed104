"""This area's methods against Tencent's published request/response pairs (the canned server of
test_api_examples.py): our requests carry the published fields and values, and the published
answers, quirks included, parse into the right typed items."""
from test_api_examples import published  # noqa: F401  (the fixture)

from console.tim import messages
from console.tim.api.conversation_groups import ConversationRef, MarkChange
from console.tim.api.message_ext import Extension


def test_c2c_edit(published):  # noqa: F811
    published.c2c.modify_message("dramon1", "dramon2", "1_2_3", body=messages.text("hello"))
    published.sent("openim/modify_c2c_msg")


def test_c2c_extensions(published):  # noqa: F811
    page = published.message_ext.get_c2c_extensions("116400", "44739199_12_1665388280", sender="62768")
    published.sent("openim_msg_ext_http_svc/get_key_values")
    assert [(v.key, v.value, v.seq) for v in page.values] == [("k1", "v1", 1), ("k2", "v2", 1), ("k3", "v3", 2)]
    assert (page.latest_seq, page.clear_seq, page.complete) == (2, 0, True)
    written = published.message_ext.set_c2c_extensions("116400", "44739199_12_1665388280",
                                                       [Extension(k, v, seq=0) for k, v in
                                                        (("k1", "v1"), ("k2", "v2"), ("k3", "v3"))], sender="62768")
    published.sent("openim_msg_ext_http_svc/set_key_values")
    assert [(i.id, i.ok, i.code) for i in written] == [("k1", True, 0), ("k2", False, 23001), ("k3", False, None)]
    assert (written.conflicts[0].value, written.conflicts[0].seq) == ("v1234", 2)


def test_group_extensions(published):  # noqa: F811
    page = published.message_ext.get_group_extensions("@TGS#1YMVAB3IZ", 158)
    published.sent("openim_msg_ext_http_svc/group_get_key_values")
    assert page.as_dict() == {"key1": "1", "key2": "2", "key3": "3"}
    written = published.message_ext.set_group_extensions("@TGS#1YMVAB3IZ", 158, [Extension("key1", "value1", seq=0),
                                                                                 Extension("key2", "value2", seq=0)])
    published.sent("openim_msg_ext_http_svc/group_set_key_values")
    assert [(i.id, i.code, i.value) for i in written] == [("key1", 0, "value1"), ("key2", 23001, "value1234")]


def test_conversation_groups(published):  # noqa: F811
    made = published.conversation.create_conversation_group("user15", "test0", [("c2c", "user0")])
    published.sent("recentcontact/create_contact_group")
    # the published answer reports another conversation than the request names: kept, at the end
    assert (made.group.name, made.group.group_id) == ("test2", 2)
    assert [(i.id.peer, i.ok) for i in made] == [("user0", False), ("user1", True)]
    gone = published.conversation.delete_conversation_group("user15", "test0")
    published.sent("recentcontact/del_contact_group")
    assert (gone.name, gone.group_id) == ("test0", 2)
    changed = published.conversation.update_conversation_group("user20", "test1", add=[ConversationRef.c2c("user1")])
    published.sent("recentcontact/update_contact_group")
    assert changed.ok and (changed.group.name, changed.group.group_id) == ("test1", 1)
    marked = published.conversation.mark_conversations("user0", [MarkChange(("c2c", "user1"), set_bits=[1, 2, 3],
                                                                            custom="abcd")])
    published.sent("recentcontact/mark_contact")
    assert marked.ok
    found = published.conversation.search_conversation_marks("yahaha", [("c2c", "xixi")])
    published.sent("recentcontact/search_contact_group")
    assert found[0].group_ids == [1, 2] and found[0].standard_mark == 0b11111110
    page = published.conversation.fetch_conversation_marks("user0")
    published.sent("recentcontact/get_contact_group")
    teacher, group = page.conversations
    assert teacher.id == ConversationRef.c2c("teacher4") and teacher.group_ids == [1, 2]
    assert group.id == ConversationRef.group("@TGS#1N3RSUYG2") and group.custom_mark == "abcd"
    assert [g.name for g in page.groups] == ["test1x", "test10"] and not page.has_more
