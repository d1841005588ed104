"""The group-depth methods against Tencent's published request/response pairs (the mechanism and the
`published` fixture of test_api_examples.py): our requests carry the published fields and values,
and the published answers parse into the right typed results."""
from test_api_examples import published  # noqa: F401  (fixture)

from console.tim import messages


def test_group_attributes(published):
    assert published.group.get_group_attrs("@TGS#aC5SZEAEF").attrs == {"attr_key1": "attr_val1",
                                                                         "attr_key2": "attr_val2"}
    published.sent("group_open_attr_http_svc/get_group_attr")
    published.group.modify_group_attrs("@TGS#aC5SZEAEF", {"attr_key": "attr_val", "attr_key1": "attr_val1"})
    published.sent("group_open_http_svc/modify_group_attr")
    published.group.set_group_attrs("@TGS#aC5SZEAEF", {"attr_key": "attr_val", "attr_key1": "attr_val1"})
    published.sent("group_open_http_svc/set_group_attr")
    published.group.clear_group_attrs("@TGS#aC5SZEAEF")
    published.sent("group_open_http_svc/clear_group_attr")


def test_group_counters(published):
    got = published.group.get_group_counters("@TGS#aC5SZEAEF", ["like", "unlike"])
    published.sent("group_open_http_svc/get_group_counter")
    assert got.counters == {"like": 5, "unlike": 1}
    updated = published.group.update_group_counters("@TGS#aC5SZEAEF", {"like": 5, "unlike": 1}, mode="Set")
    published.sent("group_open_http_svc/update_group_counter")
    assert updated.counters == {"like": 5, "unlike": 1}
    published.group.delete_group_counters("@TGS#aC5SZEAEF", ["like", "unlike"])
    published.sent("group_open_http_svc/delete_group_counter")


def test_bans(published):
    published.group.ban_members("@TGS#aJRGC4MH6", ["brennanli3", "brennanli12"], 3600,
                                description="you are banned because of irregularities")
    published.sent("group_open_http_svc/ban_group_member")
    published.group.unban_members("@TGS#aJRGC4MH6", ["brennanli3", "brennanli12"])
    published.sent("group_open_http_svc/unban_group_member")
    page = published.group.fetch_banned_members("@TGS#aJRGC4MH6", limit=20)
    published.sent("group_open_http_svc/get_group_ban_member")
    assert [(m.id, m.banned_until) for m in page.members] == [("brennanli1", 1660875916), ("brennanli12", 1660875916)]
    assert page.next_offset == 2 and page.has_more


def test_read_receipts(published):
    counts = published.group.get_read_receipts("@TGS#2TTV7VSII", [1, 2])
    published.sent("group_open_http_svc/get_group_msg_receipt")
    assert [(r.id, r.ok, r.read_num, r.unread_num) for r in counts] == [(1, True, 1, 6), (2, True, 1, 6)]
    page = published.group.fetch_read_receipt_members("@TGS#2TTV7VSII", 1, read=False, count=5)
    published.sent("group_open_http_svc/get_group_msg_receipt_detail")
    assert page.accounts == ["test", "test6", "test3", "test5", "test4"]
    assert page.has_more and page.cursor == "144115213529088617"


def test_edit_and_broadcast(published):
    published.group.modify_message("@TGS#1HYEP2SHC", 23, body="hello")
    published.sent("openim/modify_group_msg")
    sent = published.group.send_broadcast(messages.custom('{ "type":1, "content":"hello world"}'), sender="test",
                                          random=8912345, cloud_custom_data="your cloud custom data")
    published.sent("group_open_http_svc/send_broadcast_msg")
    assert sent.msg_seq == 1283


def test_avchatroom(published):
    page = published.avchatroom.fetch_members("@TGS#a6I4ZUUGO", 0)
    published.sent("group_open_avchatroom_http_svc/get_members")
    assert [(m.id, m.join_time, m.nick) for m in page.members] == [("teacher2", 1657773110, "Teacher t02")]
    assert not page.has_more
    marked = published.avchatroom.set_member_marks("@TGS#a6I4ZUUGO", {"teacher10": [1000], "student9": [1001]})
    published.sent("group_open_avchatroom_http_svc/modify_user_info")
    assert [(m.id, m.ok, m.marks) for m in marked] == [("teacher10", True, [1000]), ("student9", True, [1001])]
