"""client.group bans and named members' profiles against the sandbox, each effect read back."""
import time

import pytest
from api_checks import code_of, refused_before_sending

from console.tim.api.group import MemberSpec
from console.tim.errors import TimError

USERS = ["bowner", "badmin", "bm1", "bm2", "bm3"]


@pytest.fixture
def public(tim):
    tim.account.import_accounts(USERS)
    return tim.group.create_group("Public", "Club", owner="bowner",
                                  members=[MemberSpec("badmin", role="Admin"), "bm1", "bm2"]).group_id


def roles(tim, gid, ids):
    return {r.id: r.role for r in tim.group.get_roles_in_group(gid, ids)}


def test_ban_members_kicks_and_keeps_them_out(tim, public):
    tim.group.ban_members(public, ["bm1", "bm3"], 3600, description="spam")
    assert roles(tim, public, ["bm1", "bm2", "bm3"]) == {"bm1": "NotMember", "bm2": "Member", "bm3": "NotMember"}
    added = tim.group.add_members(public, ["bm1", "bm2"])
    assert [(i.id, i.result, i.ok) for i in added] == [("bm1", 0, False), ("bm2", 2, True)]
    imported = tim.group.import_members(public, ["bm3"])
    assert imported.items[0].result == 0
    assert roles(tim, public, ["bm1", "bm3"]) == {"bm1": "NotMember", "bm3": "NotMember"}


def test_fetch_and_iter_banned_members(tim, public):
    before = int(time.time())
    tim.group.ban_members(public, ["bm1", "bm2"], 600)
    page = tim.group.fetch_banned_members(public)
    assert [m.id for m in page.members] == ["bm1", "bm2"] and not page.has_more and page.next_offset == 0
    assert all(before + 600 <= m.banned_until <= int(time.time()) + 600 for m in page.members)
    first = tim.group.fetch_banned_members(public, limit=1)
    assert [m.id for m in first.members] == ["bm1"] and first.has_more and first.next_offset == 1
    assert [m.id for m in tim.group.iter_banned_members(public, page_size=1)] == ["bm1", "bm2"]


def test_unban_members_lets_them_back(tim, public):
    tim.group.ban_members(public, ["bm1"], 3600)
    tim.group.unban_members(public, ["bm1"])
    assert list(tim.group.iter_banned_members(public)) == []
    assert tim.group.add_members(public, ["bm1"]).items[0].result == 1


def test_more_than_twenty_bans_go_in_chunks(tim, public, sandbox):
    many = [f"bx{i}" for i in range(23)]
    tim.account.import_accounts(many)
    calls = []
    tim.add_observer(lambda event: calls.append(len(event.request["Members_Account"])))
    tim.group.ban_members(public, many, 60)
    assert calls == [20, 3]
    assert len(list(tim.group.iter_banned_members(public))) == 23
    tim.group.unban_members(public, many)
    assert calls == [20, 3, 20, 3] and list(tim.group.iter_banned_members(public)) == []


def test_ban_in_an_avchatroom_takes_them_out_of_the_room(tim, sandbox):
    tim.account.import_accounts(USERS)
    room = tim.group.create_group("AVChatRoom", "Live", owner="bowner").group_id
    sandbox.state.groups.join_online(room, "bm1")
    tim.group.ban_members(room, ["bm1"], 3600)
    assert not tim.avchatroom.check_members(room, ["bm1"]).items[0].present
    assert sandbox.state.groups.join_online(room, "bm1") is False          # may not come back
    tim.group.unban_members(room, ["bm1"])
    assert sandbox.state.groups.join_online(room, "bm1") is True


def test_ban_refusals(tim, public):
    assert code_of(lambda: tim.group.ban_members(public, ["bowner"], 60)) == 10004
    assert code_of(lambda: tim.call("group_open_http_svc/ban_group_member", {
        "GroupId": public, "Members_Account": [f"u{i}" for i in range(21)], "Duration": 60})) == 10005
    assert code_of(lambda: tim.call("group_open_http_svc/ban_group_member", {
        "GroupId": public, "Members_Account": ["bm1"]})) == 10004               # Duration is required
    assert code_of(lambda: tim.group.ban_members("no-such-group", ["bm1"], 60)) == 10010


def test_get_specified_members_in_request_order(tim, public):
    tim.group.update_member(public, "bm1", name_card="one")
    result = tim.group.get_specified_members(public, ["bm2", "stranger", "bm1"])
    assert [(m.id, m.ok) for m in result] == [("bm2", True), ("stranger", False), ("bm1", True)]
    assert result.items[2].name_card == "one" and result.items[2].role == "Member"
    assert tim.group.get_specified_member(public, "badmin").role == "Admin"
    with pytest.raises(TimError):
        tim.group.get_specified_member(public, "stranger")


def test_get_specified_members_filters(tim, public, sandbox):
    sandbox.state.set_online("bm1", "Android", True)
    result = tim.group.get_specified_members(public, ["bm1", "bm2", "badmin"], fields=["Role", "OnlineStatus"],
                                             roles=["Member"])
    assert [(m.id, m.ok) for m in result] == [("bm1", True), ("bm2", True), ("badmin", False)]
    assert [m.online_status for m in result.items[:2]] == ["Online", "Offline"]
    assert result.items[0].join_time == 0                                   # not asked for


def test_get_specified_members_in_chunks_of_fifty(tim, public):
    many = [f"bs{i}" for i in range(60)]
    tim.account.import_accounts(many)
    tim.group.add_members(public, many[:55])
    calls = []
    tim.add_observer(lambda event: calls.append(len(event.request["Member_List_Account"])))
    result = tim.group.get_specified_members(public, many)
    assert calls == [50, 10]
    assert [m.ok for m in result] == [True] * 55 + [False] * 5


def test_get_specified_members_refuses_avchatroom(tim):
    tim.account.import_accounts(USERS)
    room = tim.group.create_group("AVChatRoom", "Live", owner="bowner").group_id
    assert code_of(lambda: tim.group.get_specified_members(room, ["bm1"])) == 10007


@pytest.mark.parametrize("call", [
    lambda t: t.group.ban_members("g", ["a"], 0),
    lambda t: t.group.ban_members("g", ["a"], 2**32),
    lambda t: t.group.ban_members("g", ["a"], 60, description="d" * 1001),
    lambda t: t.group.ban_members("g", ["a", "a"], 60),
    lambda t: t.group.unban_members("g", []),
    lambda t: t.group.fetch_banned_members("g", limit=101),
    lambda t: t.group.get_specified_members("g", ["a"], roles=["King"]),
    lambda t: t.group.get_specified_members("g", []),
])
def test_member_depth_arguments_checked_before_sending(tim, call):
    refused_before_sending(tim, call)
