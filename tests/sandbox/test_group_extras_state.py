"""state.group_extras: kept per group (never leaking to a new group under a reused ID), saved and
loaded with the state file, emptied by reset; the per-group attribute write window."""
from __future__ import annotations

import json

from console.sandbox.group_extras import ATTR_WRITES_PER_SECOND
from console.sandbox.state import State


def _group(state: State, group_id: str = "room1", kind: str = "Public"):
    with state.lock:
        return state.groups.add_group(kind, "g", 1700000000, group_id=group_id, owner="")


def test_extras_survive_save_and_load_and_vanish_on_reset(tmp_path):
    state = State()
    group = _group(state)
    extras = state.group_extras.of(group)
    extras.attrs["seat1"] = "alice"
    extras.counters["likes"] = 7
    extras.bans["bob"] = {"until": 4000000000, "description": "spam"}
    extras.expect_receipts(3, ["carol"])
    state.group_extras.broadcast("admin", 5, [{"MsgType": "TIMTextElem"}], "", 1700000000.0, ["room1"])
    path = tmp_path / "state.json"
    state.save(str(path))
    assert json.loads(path.read_text())["group_extras"]["groups"]["room1"]["counters"] == {"likes": 7}

    loaded = State()
    assert loaded.load_file(str(path))
    again = loaded.group_extras.of(loaded.groups.get("room1"))
    assert again.attrs == {"seat1": "alice"} and again.counters == {"likes": 7}
    assert again.receipt(3) == {"audience": ["carol"], "readers": []}
    assert loaded.group_extras.is_banned(loaded.groups.get("room1"), "bob", 1700000000)
    assert loaded.group_extras.broadcast_seq == 1 and loaded.group_extras.broadcasts[0]["Groups"] == ["room1"]

    loaded.reset()
    assert loaded.group_extras.extras == {} and loaded.group_extras.broadcasts == []


def test_a_new_group_under_a_reused_id_starts_empty_and_the_old_extras_are_not_saved():
    state = State()
    old = _group(state)
    state.group_extras.of(old).attrs["k"] = "v"
    with state.lock:
        state.groups.destroy("room1")
    assert "room1" not in state.to_dict()["group_extras"]["groups"]
    new = _group(state)
    assert state.group_extras.peek(new) is None
    assert state.group_extras.of(new).attrs == {}


def test_bans_end_by_themselves():
    state = State()
    group = _group(state)
    extras = state.group_extras.of(group)
    extras.bans["bob"] = {"until": 100, "description": ""}
    extras.bans["eve"] = {"until": 300, "description": ""}
    assert extras.live_bans(50) == [("bob", 100), ("eve", 300)]
    assert extras.live_bans(200) == [("eve", 300)]
    assert "bob" not in extras.bans          # forgotten once over
    assert not state.group_extras.is_banned(group, "eve", 300)


def test_attribute_writes_are_limited_per_group_per_second():
    extras = State().group_extras
    now = 1000.0
    assert all(extras.allow_attr_write("a", now + i * 0.1) for i in range(ATTR_WRITES_PER_SECOND))
    assert not extras.allow_attr_write("a", now + 0.6)
    assert extras.allow_attr_write("b", now + 0.6)               # another group has its own budget
    assert extras.allow_attr_write("a", now + 1.05)              # the first write left the window


def test_a_repeated_broadcast_within_five_minutes_is_the_same_broadcast():
    extras = State().group_extras
    body = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]
    first = extras.broadcast("admin", 7, body, "", 1000.0, [])
    assert extras.broadcast("admin", 7, body, "", 1200.0, [])["MsgSeq"] == first["MsgSeq"]
    assert extras.broadcast("admin", 8, body, "", 1200.0, [])["MsgSeq"] == first["MsgSeq"] + 1
    assert extras.broadcast("admin", 7, body, "", 1400.0, [])["MsgSeq"] == first["MsgSeq"] + 2


def test_presence_gives_join_times_and_going_offline_drops_marks():
    state = State()
    extras = state.group_extras.of(_group(state, kind="AVChatRoom"))
    extras.sync_presence(["ann", "ben"], 1000)
    extras.marks = {"ann": [1000], "ben": [500]}
    extras.sync_presence(["ann"], 1010)
    extras.sync_presence(["ann", "cid"], 1020)
    assert extras.joined == {"ann": 1000, "cid": 1020}
    assert extras.marks == {"ann": [1000], "ben": [500]}      # mark 500: counted online anyway
    extras.marks["ann"] = [1001]
    extras.sync_presence([], 1030)
    assert extras.marks == {"ben": [500]}
