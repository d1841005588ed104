"""client.avchatroom (group_open_avchatroom_http_svc) against the sandbox, each effect read back.

Who is in a room is the client SDK's business (join/quit); the tests put users in a room with
the sandbox's presence call, as the traffic simulator does."""
import time

import pytest
from api_checks import code_of, refused_before_sending


USERS = ["vhost", "va", "vb", "vc"]


@pytest.fixture
def room(tim, sandbox):
    tim.account.import_accounts(USERS)
    tim.profile.set_profile("va", {"Tag_Profile_IM_Nick": "Ann", "Tag_Profile_IM_Image": "https://img.example/a"})
    gid = tim.group.create_group("AVChatRoom", "Live", owner="vhost").group_id
    for user in ("va", "vb"):
        sandbox.state.groups.join_online(gid, user)
    return gid


def test_fetch_members_lists_who_is_online(tim, room, sandbox):
    page = tim.avchatroom.fetch_members(room)
    assert [m.id for m in page.members] == ["va", "vb"] and not page.has_more and page.next_timestamp == 0
    ann = page.members[0]
    assert (ann.nick, ann.avatar) == ("Ann", "https://img.example/a")
    assert abs(ann.join_time - time.time()) < 60
    sandbox.state.groups.join_online(room, "vb", present=False)
    assert [m.id for m in tim.avchatroom.iter_members(room)] == ["va"]


def test_members_page_by_join_time(tim, room, sandbox):
    group = sandbox.state.groups.get(room)
    with sandbox.state.lock:
        extras = sandbox.state.group_extras.of(group)
        for i in range(600):
            account = f"viewer{i:03}"
            group.online.append(account)
            extras.joined[account] = 1700000000 + i // 2            # two viewers join each second
    page = tim.avchatroom.fetch_members(room)
    assert len(page.members) == 500 and page.has_more and page.next_timestamp == 1700000250
    rest = tim.avchatroom.fetch_members(room, page.next_timestamp)
    seen = [m.id for m in page.members] + [m.id for m in rest.members]
    assert len(seen) == len(set(seen)) == 602 and not rest.has_more
    assert len(list(tim.avchatroom.iter_members(room))) == 602


def test_member_marks_set_filter_and_remove(tim, room):
    marked = tim.avchatroom.set_member_marks(room, {"va": [1000], "vc": [1000]})
    assert [(m.id, m.ok, m.marks) for m in marked] == [("va", True, [1000]), ("vc", False, [])]   # vc is offline
    assert [m.id for m in tim.avchatroom.fetch_members(room, mark=1000).members] == ["va"]
    tim.avchatroom.set_member_marks(room, {"vb": [600]})
    assert [m.id for m in tim.avchatroom.fetch_members(room).members] == ["va"]          # 600 hides
    assert [m.id for m in tim.avchatroom.fetch_members(room, mark=600).members] == ["vb"]
    tim.avchatroom.remove_member_marks(room, {"va": [1000]})
    assert tim.avchatroom.fetch_members(room, mark=1000).members == []


def test_member_marks_refusals(tim, room):
    assert code_of(lambda: tim.avchatroom.set_member_marks(room, {"vc": [1000]})) == 10004       # nobody online
    tim.avchatroom.set_member_marks(room, {"va": list(range(1000, 1010))})
    assert code_of(lambda: tim.avchatroom.set_member_marks(room, {"vb": [2000]})) == 10004      # 11th mark


def test_admins_add_get_remove(tim, room):
    tim.avchatroom.add_admins(room, ["va", "vc"])                # vc is not in the room: allowed
    admins = tim.avchatroom.get_admins(room)
    assert [(a.id, a.nick) for a in admins] == [("va", "Ann"), ("vc", "")]
    tim.avchatroom.remove_admins(room, ["va"])
    assert [a.id for a in tim.avchatroom.get_admins(room)] == ["vc"]
    tim.account.import_accounts(["v1", "v2", "v3", "v4"])
    assert code_of(lambda: tim.avchatroom.add_admins(room, ["v1", "v2", "v3", "v4", "va"])) == 10004
    assert [a.id for a in tim.avchatroom.get_admins(room)] == ["vc"]


def test_check_members(tim, room):
    result = tim.avchatroom.check_members(room, ["vb", "vc", "va"])
    assert [(p.id, p.present) for p in result] == [("vb", True), ("vc", False), ("va", True)]


def test_check_members_in_chunks(tim, room):
    calls = []
    tim.add_observer(lambda event: calls.append(len(event.request["Member_Account"])))
    result = tim.avchatroom.check_members(room, ["va"] + [f"x{i}" for i in range(600)])
    assert calls == [500, 101] and [p.id for p in result if p.present] == ["va"]


def test_other_group_types_are_refused(tim, room):
    public = tim.group.create_group("Public", "Club", owner="vhost").group_id
    for call in (lambda: tim.avchatroom.fetch_members(public), lambda: tim.avchatroom.get_admins(public),
                 lambda: tim.avchatroom.check_members(public, ["va"]),
                 lambda: tim.avchatroom.set_member_marks(public, {"va": [1000]}),
                 lambda: tim.avchatroom.add_admins(public, ["va"])):
        assert code_of(call) == 10007


@pytest.mark.parametrize("call", [
    lambda t: t.avchatroom.fetch_members("g", -1),
    lambda t: t.avchatroom.fetch_members("g", mark=999),
    lambda t: t.avchatroom.set_member_marks("g", {}),
    lambda t: t.avchatroom.set_member_marks("g", {"a": [5]}),
    lambda t: t.avchatroom.set_member_marks("g", {"a": []}),
    lambda t: t.avchatroom.add_admins("g", [f"u{i}" for i in range(6)]),
    lambda t: t.avchatroom.check_members("g", []),
])
def test_avchatroom_arguments_checked_before_sending(tim, call):
    refused_before_sending(tim, call)
