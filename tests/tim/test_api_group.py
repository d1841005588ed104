"""client.group against the sandbox: every seed method, with its effect read back."""
import itertools
import time

import pytest

from console.tim import messages
from console.tim.api.group import ImportMessage, MemberSpec
from console.tim.errors import InvalidArgumentError, TimError

USERS = ["gowner", "gadmin", "gm1", "gm2", "gm3"]


@pytest.fixture
def users(tim):
    tim.account.import_accounts(USERS)
    return USERS


@pytest.fixture
def public(tim, users):
    """A Public group: owner, one admin, two members."""
    return tim.group.create_group("Public", "Talk", owner="gowner",
                                  members=[MemberSpec("gadmin", role="Admin"), "gm1", "gm2"]).group_id


def members_of(tim, gid):
    return {m.id: m for m in tim.group.iter_members(gid)}


def texts(page_or_msgs):
    return [m.body[0]["MsgContent"]["Text"] for m in page_or_msgs if m.body]


def test_create_group_with_members_and_custom_id(tim, users):
    created = tim.group.create_group("Public", "Club", owner="gowner", group_id="club-1", introduction="hi",
                                     apply_join_option="FreeAccess", members=["gm1", MemberSpec("gadmin", "Admin")])
    assert created.group_id == "club-1"
    group = tim.group.get_group("club-1")
    assert (group.type, group.name, group.owner, group.introduction) == ("Public", "Club", "gowner", "hi")
    assert group.apply_join_option == "FreeAccess" and group.member_num == 3
    roles = {m.id: m.role for m in group.members}
    assert roles == {"gowner": "Owner", "gm1": "Member", "gadmin": "Admin"}


def test_get_groups_keeps_missing_groups_as_failed_items(tim, public):
    result = tim.group.get_groups([public, "no-such-group"])
    assert [g.id for g in result] == [public, "no-such-group"]
    assert result.items[0].ok and result.items[0].name == "Talk"
    assert not result.items[1].ok and result.items[1].code in (10010, 10015)
    with pytest.raises(TimError):
        tim.group.get_group("no-such-group")


def test_get_group_with_filter(tim, public):
    group = tim.group.get_group(public, {"GroupBaseInfoFilter": ["Name", "MemberNum"]})
    assert group.name == "Talk" and group.member_num == 4
    assert group.introduction == "" and group.owner == ""      # not requested


def test_fetch_group_ids_and_fetch_groups(tim, users):
    ids = [tim.group.create_group("Private", f"g{i}", owner="gowner").group_id for i in range(3)]
    page = tim.group.fetch_group_ids(limit=2)
    assert page.total == 3 and len(page.ids) == 2 and page.has_more
    rest = tim.group.fetch_group_ids(limit=2, next=page.next)
    assert sorted(page.ids + rest.ids) == sorted(ids) and not rest.has_more
    groups = tim.group.fetch_groups(limit=2)
    assert len(groups.groups) == 2 and all(g.ok and g.type == "Private" for g in groups.groups)
    assert groups.total == 3 and groups.has_more


def test_iter_groups_follows_next_to_the_end(tim, users):
    ids = {tim.group.create_group("Public", f"p{i}").group_id for i in range(5)}
    tim.group.create_group("ChatRoom", "other")
    calls = []
    tim.add_observer(lambda e: calls.append(e.endpoint))
    found = {g.id for g in tim.group.iter_groups(group_type="Public", page_size=2)}
    assert found == ids                                     # the Go SDK stopped after one page
    assert calls.count("group_open_http_svc/get_appid_group_list") == 3
    calls.clear()
    assert len(list(itertools.islice(tim.group.iter_groups(page_size=2), 1))) == 1
    assert calls.count("group_open_http_svc/get_appid_group_list") == 1


def test_fetch_members_and_iter_members(tim, public):
    page = tim.group.fetch_members(public, limit=3)
    assert page.total == 4 and len(page.members) == 3 and page.has_more
    last = tim.group.fetch_members(public, limit=3, offset=page.next_offset)
    assert len(last.members) == 1 and not last.has_more
    everyone = [m.id for m in tim.group.iter_members(public, page_size=3)]
    assert sorted(everyone) == sorted(["gowner", "gadmin", "gm1", "gm2"])
    admins = tim.group.fetch_members(public, roles=["Admin"])
    assert [m.id for m in admins.members] == ["gadmin"]


def test_iter_members_stops_early(tim, public):
    calls = []
    tim.add_observer(lambda e: calls.append(e.endpoint))
    assert len(list(itertools.islice(tim.group.iter_members(public, page_size=1), 2))) == 2
    assert calls.count("group_open_http_svc/get_group_member_info") == 2


def test_update_group_changes_only_given_fields(tim, public):
    tim.group.update_group(public, notification="rules", mute_all_member=True,
                           app_defined_data=None, max_member_num=500)
    group = tim.group.get_group(public)
    assert group.notification == "rules" and group.name == "Talk"        # name not required, untouched
    assert group.mute_all_member == "On" and group.max_member_num == 500
    tim.group.update_group(public, name="Renamed")
    assert tim.group.get_group(public).name == "Renamed"


def test_add_members_per_item_results(tim, public):
    result = tim.group.add_members(public, ["gm3", "gm1"])
    assert [(i.id, i.result, i.ok) for i in result] == [("gm3", 1, True), ("gm1", 2, True)]
    assert "gm3" in members_of(tim, public)
    with pytest.raises(TimError) as err:                  # an unknown account fails the whole request
        tim.group.add_members(public, ["ghost"])
    assert err.value.code == 10019


def test_delete_members(tim, public):
    tim.group.delete_members(public, ["gm1", "gm2"], reason="spam")
    assert set(members_of(tim, public)) == {"gowner", "gadmin"}


def test_update_member_and_name_card(tim, public):
    tim.group.update_member(public, "gm1", role="Admin", msg_flag="AcceptNotNotify")
    tim.group.set_member_name_card(public, "gm2", "Card")
    members = members_of(tim, public)
    assert members["gm1"].role == "Admin" and members["gm1"].msg_flag == "AcceptNotNotify"
    assert members["gm2"].name_card == "Card"


def test_destroy_group(tim, public):
    tim.group.destroy_group(public)
    with pytest.raises(TimError) as err:
        tim.group.get_group(public)
    assert err.value.code == 10010


def test_fetch_member_groups_and_iter_member_groups(tim, users):
    ids = [tim.group.create_group("Public", f"j{i}", owner="gowner", members=["gm1"]).group_id for i in range(3)]
    page = tim.group.fetch_member_groups("gm1", limit=2, base_fields=["Name", "Type"], self_fields=["Role"])
    assert page.total == 3 and len(page.groups) == 2 and page.has_more
    assert all(g.type == "Public" and g.self_info.role == "Member" for g in page.groups)
    assert sorted(g.id for g in tim.group.iter_member_groups("gm1", page_size=2)) == sorted(ids)
    assert tim.group.fetch_member_groups("gm2").total == 0


def test_get_roles_in_group(tim, public):
    roles = tim.group.get_roles_in_group(public, ["gowner", "gadmin", "gm1", "gm3"])
    assert [(r.id, r.role) for r in roles] == [("gowner", "Owner"), ("gadmin", "Admin"), ("gm1", "Member"),
                                                ("gm3", "NotMember")]


def test_forbid_and_allow_send_message_and_muted_list(tim, public):
    tim.group.forbid_send_message(public, ["gm1", "gm2"], 600)
    muted = tim.group.get_shutted_up_members(public)
    now = time.time()
    assert {m.id for m in muted} == {"gm1", "gm2"}
    assert all(now + 590 <= m.muted_until <= now + 601 for m in muted)
    with pytest.raises(TimError) as err:
        tim.group.send_message(public, "muted?", sender="gm1")
    assert err.value.code == 10017
    tim.group.allow_send_message(public, ["gm1"])
    assert [m.id for m in tim.group.get_group_muted_account(public)] == ["gm2"]


def test_get_group_shutted_uin_reads_the_legacy_answer(tim, public):
    tim.group.forbid_send_message(public, ["gm1"], 600)
    endpoints = []
    tim.add_observer(lambda e: endpoints.append(e.endpoint))
    muted = tim.group.get_group_shutted_uin(public)
    assert endpoints == ["group_open_http_svc/get_group_shutted_uin"]
    assert [m.id for m in muted] == ["gm1"] and "ShuttedUntil" in muted.items[0].raw
    assert time.time() + 590 <= muted.items[0].muted_until <= time.time() + 601
    tim.group.allow_send_message(public, ["gm1"])
    assert tim.group.get_group_shutted_uin(public).items == []


def test_send_message_and_fetch_messages(tim, public):
    sent = tim.group.send_message(public, [messages.text("hello all")], sender="gm1", priority="High",
                                  at=["gm2", "@all"], cloud_custom_data="cd")
    assert sent.msg_seq >= 1 and sent.msg_time > 0
    page = tim.group.fetch_messages(public)
    mine = [m for m in page.messages if m.msg_seq == sent.msg_seq][0]
    assert mine.sender == "gm1" and texts([mine]) == ["hello all"]


def test_send_notification(tim, public, sandbox):
    tim.group.send_notification(public, "maintenance at 5", ["gm1"])
    group = sandbox.state.groups.get(public)
    assert "maintenance at 5" in str(group.to_dict())


def test_change_group_owner(tim, public):
    tim.group.change_group_owner(public, "gm1")
    assert tim.group.get_group(public).owner == "gm1"
    roles = tim.group.get_roles_in_group(public, ["gm1", "gowner"])
    assert [r.role for r in roles] == ["Owner", "Member"]


def test_revoke_messages_per_seq(tim, public):
    seqs = [tim.group.send_message(public, f"m{i}", sender="gm1").msg_seq for i in range(2)]
    result = tim.group.revoke_messages(public, seqs + [9999])
    assert [(i.id, i.ok) for i in result] == [(seqs[0], True), (seqs[1], True), (9999, False)]
    assert result.items[2].code == 10030
    visible = {m.msg_seq for m in tim.group.fetch_messages(public).messages}
    assert not set(seqs) & visible
    recalled = {m.msg_seq: m for m in tim.group.fetch_messages(public, with_recalled=True).messages}
    assert recalled[seqs[0]].recalled


def test_revoke_message_single(tim, public):
    seq = tim.group.send_message(public, "once", sender="gm2").msg_seq
    assert tim.group.revoke_message(public, seq).ok
    with pytest.raises(TimError) as err:
        tim.group.revoke_message(public, 9999)
    assert err.value.code == 10030


def test_import_group_members_and_messages(tim, users):
    created = int(time.time()) - 86400
    gid = tim.group.import_group("Public", "Old", owner="gowner", create_time=created).group_id
    group = tim.group.get_group(gid)
    assert group.create_time == created and group.name == "Old"
    msgs = [ImportMessage("gowner", created + 10, "first"), ImportMessage("gowner", created + 20, "second")]
    imported = tim.group.import_messages(gid, msgs)
    assert [i.ok for i in imported] == [True, True]
    assert imported.items[0].msg_seq < imported.items[1].msg_seq
    assert texts(tim.group.fetch_messages(gid).messages) == ["second", "first"]
    result = tim.group.import_members(gid, [MemberSpec("gm1", join_time=created + 5, unread_msg_num=2), "gowner"])
    assert [(i.id, i.result) for i in result] == [("gm1", 1), ("gowner", 2)]
    assert members_of(tim, gid)["gm1"].join_time == created + 5


def test_set_member_unread_msg_num(tim, public, sandbox):
    for i in range(3):
        tim.group.send_message(public, f"u{i}", sender="gm1")
    tim.group.set_member_unread_msg_num(public, "gm2", 1)
    assert sandbox.state.groups.unread(public, "gm2") == 1


def test_revoke_member_messages(tim, public):
    tim.group.send_message(public, "bad 1", sender="gm1")
    tim.group.send_message(public, "fine", sender="gm2")
    tim.group.send_message(public, "bad 2", sender="gm1")
    tim.group.revoke_member_messages(public, "gm1")
    assert texts(m for m in tim.group.fetch_messages(public).messages if not m.system) == ["fine"]


def test_fetch_messages_pages_and_iter_messages(tim, public):
    for i in range(25):
        tim.group.send_message(public, f"n{i}", sender="gm1")
    page = tim.group.fetch_messages(public, limit=10)
    assert len(page.messages) == 10 and page.has_more
    assert page.next_seq == min(m.msg_seq for m in page.messages) - 1
    older = tim.group.fetch_messages(public, limit=10, seq=page.next_seq)
    assert max(m.msg_seq for m in older.messages) == page.next_seq
    calls = []
    tim.add_observer(lambda e: calls.append(e.endpoint))
    all_texts = texts(m for m in tim.group.iter_messages(public, page_size=10) if not m.system)
    assert all_texts == [f"n{i}" for i in reversed(range(25))]
    calls.clear()
    assert len(list(itertools.islice(tim.group.iter_messages(public, page_size=10), 3))) == 3
    assert calls.count("group_open_http_svc/group_msg_get_simple") == 1


def test_get_online_member_num(tim, users, sandbox):
    gid = tim.group.create_group("AVChatRoom", "Live", owner="gowner").group_id
    assert tim.group.get_online_member_num(gid) == 0
    sandbox.state.groups.join_online(gid, "gm1")
    assert tim.group.get_online_member_num(gid) == 1
    other = tim.group.create_group("Public", "NotLive").group_id
    with pytest.raises(TimError) as err:
        tim.group.get_online_member_num(other)
    assert err.value.code == 10007


@pytest.mark.parametrize("call", [
    lambda t: t.group.create_group("Secret", "x"),
    lambda t: t.group.create_group("Public", "n" * 31),
    lambda t: t.group.create_group("Public", "x", introduction="i" * 241),
    lambda t: t.group.create_group("Public", "x", group_id="@TGS#mine"),
    lambda t: t.group.create_group("AVChatRoom", "x", members=["gm1"]),
    lambda t: t.group.create_group("Public", "x", members=[f"u{i}" for i in range(101)]),
    lambda t: t.group.create_group("Public", "x", members=[MemberSpec("gm1", role="Owner")]),
    lambda t: t.group.get_groups([f"g{i}" for i in range(51)]),
    lambda t: t.group.add_members("g", [f"u{i}" for i in range(301)]),
    lambda t: t.group.delete_members("g", [f"u{i}" for i in range(101)]),
    lambda t: t.group.forbid_send_message("g", [f"u{i}" for i in range(501)], 60),
    lambda t: t.group.get_roles_in_group("g", [f"u{i}" for i in range(501)]),
    lambda t: t.group.revoke_messages("g", list(range(1, 12))),
    lambda t: t.group.import_messages("g", [ImportMessage("a", 10 + i, "x") for i in range(8)]),
    lambda t: t.group.import_messages("g", [ImportMessage("a", 20, "x"), ImportMessage("a", 10, "y")]),
    lambda t: t.group.import_messages("g", [ImportMessage("a", 20, messages.sound("u", "id"))]),
    lambda t: t.group.import_members("g", [f"u{i}" for i in range(301)]),
    lambda t: t.group.fetch_messages("g", limit=21),
    lambda t: t.group.update_group("g"),
    lambda t: t.group.update_member("g", "u"),
    lambda t: t.group.update_member("g", "u", name_card="n" * 51),
    lambda t: t.group.send_message("g", "hi", priority="Urgent"),
    lambda t: t.group.send_message("g", "hi", at=[f"u{i}" for i in range(31)]),
    lambda t: t.group.import_group("AVChatRoom", "x"),
])
def test_group_arguments_checked_before_sending(tim, call):
    seen = []
    tim.add_observer(seen.append)
    with pytest.raises(InvalidArgumentError):
        call(tim)
    assert seen == []


def test_community_members_page_with_next_cursor(tim, users):
    gid = tim.group.create_group("Community", "Town", owner="gowner", group_id="@TGS#_town",
                                 members=["gm1", "gm2", "gm3"]).group_id
    first = tim.group.fetch_members(gid, limit=2)
    assert len(first.members) == 2 and first.has_more and first.next
    calls = []
    tim.add_observer(lambda e: calls.append(e.request))
    assert sorted(m.id for m in tim.group.iter_members(gid, page_size=2)) == sorted(["gowner", "gm1", "gm2", "gm3"])
    assert all("Offset" not in r for r in calls) and calls[0]["Next"] == "" and calls[1]["Next"]
