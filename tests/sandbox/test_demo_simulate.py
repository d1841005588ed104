"""Demo data (`--seed demo`) and the traffic simulator (`--simulate RATE`)."""
from __future__ import annotations

import re
import time

import pytest
from callback_receiver import CALLBACK_TOKEN, receiver, wired  # noqa: F401

from console.sandbox import Sandbox, demo, simulate
from console.tim import callbacks as cb

CJK = re.compile(r"[\u4e00-\u9fff]")
NOW = 1_790_000_000


@pytest.fixture
def demo_sandbox(sandbox):
    demo.load(sandbox)
    return sandbox


def test_demo_accounts_have_bilingual_profiles(demo_sandbox, tim):
    state = demo_sandbox.state
    assert len(state.accounts) >= 200
    people = sorted(set(state.accounts) - demo_sandbox.admins)  # the App admin has no profile
    nicks = [state.profiles[uid]["Tag_Profile_IM_Nick"] for uid in people]
    assert sum(bool(CJK.search(n)) for n in nicks) >= 80
    assert sum(bool(re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", n)) for n in nicks) >= 60
    uids = people[:100]
    answer = tim.call("profile/portrait_get", {"To_Account": uids, "TagList": [
        "Tag_Profile_IM_Nick", "Tag_Profile_IM_Gender", "Tag_Profile_IM_BirthDay",
        "Tag_Profile_IM_Location", "Tag_Profile_IM_Image", "Tag_Profile_IM_SelfSignature"]})
    for user in answer["UserProfileItem"]:
        tags = {i["Tag"]: i["Value"] for i in user["ProfileItem"]}
        assert len(tags) == 6, user
        assert tags["Tag_Profile_IM_Image"].startswith("data:image/svg+xml,")
        assert len(tags["Tag_Profile_IM_Image"].encode()) <= 500
        assert 19700101 <= tags["Tag_Profile_IM_BirthDay"] <= 20081231


def test_demo_relationships(demo_sandbox, tim):
    state = demo_sandbox.state
    owner = max(state.friends, key=lambda u: len(state.friends[u]))
    listed = tim.call("sns/friend_get", {"From_Account": owner, "StartIndex": 0})
    peers = {f["To_Account"] for f in listed["UserDataItem"]}
    assert len(peers) >= 3 and peers == set(state.friends[owner])
    for peer in peers:  # friendships are mutual
        assert owner in state.friends[peer]
    assert sum(1 for lists in state.friend_groups.values() if lists) >= 100
    assert any(rel["Groups"] for rels in state.friends.values() for rel in rels.values())
    blockers = [u for u, blocked in state.blacklist.items() if blocked]
    assert len(blockers) >= 10
    blocked = tim.call("sns/black_list_get", {"From_Account": blockers[0], "StartIndex": 0,
                                              "MaxLimited": 10, "LastSequence": 0})
    assert blocked["BlackListItem"]


def test_demo_groups_of_every_type_with_members_and_history(demo_sandbox, tim):
    groups = demo_sandbox.state.groups.groups
    assert len(groups) >= 20
    assert {g.type for g in groups.values()} == {"Public", "Private", "ChatRoom", "AVChatRoom",
                                                 "Community"}
    listed = tim.call("group_open_http_svc/get_appid_group_list", {"Limit": 100})
    assert set(listed["GroupIdList"] and [g["GroupId"] for g in listed["GroupIdList"]]) \
        == set(groups)
    for group in groups.values():
        if group.type == "AVChatRoom":
            continue
        assert len(group.members) >= 5 and group.message_count >= 5, group.group_id
        if group.type in ("Public", "Community"):
            assert any(m.role == "Admin" for m in group.members.values())
    public = groups["photo-lovers"]
    history = tim.call("group_open_http_svc/group_msg_get_simple",
                       {"GroupId": "photo-lovers", "ReqMsgNumber": 20})["RspMsgList"]
    assert history and {m["From_Account"] for m in history} <= set(public.members)


def test_demo_c2c_conversations(demo_sandbox, tim):
    state = demo_sandbox.state
    assert len([c for c in state.messages.values() if len(c) >= 3]) >= 100
    first = next(iter(state.messages.values()))[0]
    a, b = first["From_Account"], first["To_Account"]
    roam = tim.call("openim/admin_getroammsg", {"Operator_Account": a, "Peer_Account": b,
                                                "MaxCnt": 100, "MinTime": 0,
                                                "MaxTime": int(time.time())})
    assert roam["MsgCnt"] >= 1
    contacts = tim.call("recentcontact/get_list", {"From_Account": a, "TimeStamp": 0,
                                                   "StartIndex": 0, "TopTimeStamp": 0,
                                                   "TopStartIndex": 0, "AssistFlags": 15})
    assert contacts.get("SessionItem")


def _snapshot(sb: Sandbox) -> dict:
    """What the demo decides (not the wall-clock fields the handlers stamp)."""
    s = sb.state
    return {
        "profiles": s.profiles,
        "friends": {o: {p: (r["Remark"], r["Groups"], r["AddSource"]) for p, r in rels.items()}
                    for o, rels in s.friends.items()},
        "blacklist": {o: sorted(b) for o, b in s.blacklist.items()},
        "groups": {g.group_id: (g.type, g.name, g.owner,
                                {a: (m.role, m.name_card) for a, m in g.members.items()},
                                [(m.sender, m.time, m.body) for m in g.messages])
                   for g in s.groups.groups.values()},
        "c2c": {k: [(m["From_Account"], m["MsgTimeStamp"], m["MsgBody"]) for m in v]
                for k, v in s.messages.items()},
    }


def test_demo_is_deterministic():
    one, two = (Sandbox(app_id=1400000001, secret="k" * 32) for _ in range(2))
    assert demo.load(one, now=NOW) == demo.load(two, now=NOW)
    assert _snapshot(one) == _snapshot(two)
    other = Sandbox(app_id=1400000001, secret="k" * 32)
    demo.load(other, seed=7, now=NOW)
    assert _snapshot(other) != _snapshot(one)


def test_demo_sends_no_callbacks_while_loading(sandbox, wired):
    demo.load(sandbox)
    assert sandbox.callbacks.flush(5)
    assert wired.received == [] and sandbox.callbacks.skipped["paused"] > 0


def test_sandbox_seed_option_loads_the_demo():
    sb = Sandbox(app_id=1400000001, secret="k" * 32, seed="demo")
    assert len(sb.state.accounts) >= 200 and len(sb.state.groups.groups) >= 20


# --------------------------------------------------------------------------------------------
# the simulator


def test_simulator_drives_callbacks_through_the_handlers(demo_sandbox, wired):
    sim = simulate.start(demo_sandbox, 200, seed=3, max_events=200)
    sim._thread.join(10)
    assert not sim.running
    assert sum(sim.counts.values()) == 200 and not sim.counts["errors"]
    assert sim.counts["c2c"] > 10 and sim.counts["group"] > 5 and sim.counts["login"] > 5
    assert sim.counts["join"] and sim.counts["leave"]
    assert demo_sandbox.callbacks.flush(10)
    commands = set(wired.commands())
    assert {"State.StateChange", "C2C.CallbackBeforeSendMsg", "C2C.CallbackAfterSendMsg",
            "Group.CallbackBeforeSendMsg", "Group.CallbackAfterSendMsg",
            "Group.CallbackBeforeApplyJoinGroup", "Group.CallbackAfterNewMemberJoin",
            "Group.CallbackAfterMemberExit"} <= commands
    logins = set()
    sent_by_users = [r for r in wired.received if r.command.endswith("AfterSendMsg")]
    assert sent_by_users and all(r.query["OptPlatform"] != "RESTAPI" for r in sent_by_users)
    assert all(r.query["ClientIP"] == simulate.client_ip(r.body["From_Account"])
               for r in sent_by_users)
    for req in wired.received:
        assert cb.verify_query(req.query, app_id=1400000001, token=CALLBACK_TOKEN).ok
        event = cb.parse(req.query, req.body)
        assert not isinstance(event, cb.GenericEvent) and event.accounts()
        if event.command == "State.StateChange":
            assert req.query["OptPlatform"] != "iOS"  # the documented capital IOS
            if event.action == "Login":
                logins.add(event.account)
    online = set(demo_sandbox.state.online)
    assert online and online <= logins


def test_simulator_creates_users_when_the_app_is_empty(sandbox):
    sim = simulate.start(sandbox, 100, seed=1, max_events=30)
    sim._thread.join(10)
    assert len(sandbox.state.accounts) >= simulate.MIN_ACCOUNTS
    assert sum(sim.counts.values()) == 30 and sim.counts["c2c"] > 0


def test_simulator_stops_promptly(sandbox):
    sim = simulate.start(sandbox, 0.5, seed=2)
    time.sleep(0.1)
    sim.stop(timeout=5)
    assert not sim.running
    with pytest.raises(ValueError):
        simulate.start(sandbox, 0)
