"""`--state FILE`: state survives a restart; saves are atomic JSON."""
from __future__ import annotations

import json
import os
import time

from console.sandbox import Sandbox
from console.sandbox.state import State


def _populate(sb: Sandbox) -> str:
    for uid in ("alice", "bob"):
        assert sb.invoke("im_open_login_svc/account_import", {"UserID": uid, "Nick": uid.title()})["ErrorCode"] == 0
    sb.state.add_friend("alice", "bob", source="AddSource_Type_Test", groups=["pals"])
    sb.invoke("sns/black_list_add", {"From_Account": "bob", "To_Account": ["alice"]})
    sent = sb.invoke("openim/sendmsg", {"From_Account": "alice", "To_Account": "bob", "MsgRandom": 1,
                                        "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hi"}}]})
    sb.invoke("timpush/add_tag", {"UserTags": [{"To_Account": "alice", "Tags": ["vip"]}]})
    sb.invoke("openconfigsvr/setnospeaking", {"Set_Account": "bob", "C2CmsgNospeakingTime": 600})
    return sent["MsgKey"]


def test_state_survives_a_restart(tmp_path):
    path = str(tmp_path / "state.json")
    first = Sandbox(secret="k" * 16, state_file=path).start()
    key = _populate(first)
    snapshot = first.state.to_dict()
    first.stop()
    assert json.load(open(path, encoding="utf-8"))["accounts"].keys() == {"administrator", "alice", "bob"}

    second = Sandbox(secret="k" * 16, state_file=path).start()
    try:
        assert second.state.to_dict() == snapshot
        assert second.state.find_c2c("alice", "bob", key) is not None
        answer = second.invoke("profile/portrait_get", {"To_Account": ["alice"], "TagList": ["Tag_Profile_IM_Nick"]})
        assert answer["UserProfileItem"][0]["ProfileItem"] == [{"Tag": "Tag_Profile_IM_Nick", "Value": "Alice"}]
    finally:
        second.stop()


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path):
    state = State()
    state.import_account("x")
    path = tmp_path / "s.json"
    state.save(str(path))
    state.save(str(path))
    assert os.listdir(tmp_path) == ["s.json"]
    fresh = State()
    assert fresh.load_file(str(path)) and fresh.account_exists("x")
    assert not State().load_file(str(tmp_path / "missing.json"))


def test_reset_empties_everything_but_the_admin_account(sandbox):
    _populate(sandbox)
    sandbox.reset()
    empty = State()
    empty.ensure_account(sandbox.admin)
    assert sandbox.state.to_dict() == {**empty.to_dict(), "accounts": sandbox.state.to_dict()["accounts"]}
    assert set(sandbox.state.accounts) == {sandbox.admin}


def test_state_is_saved_periodically_while_running(tmp_path, monkeypatch):
    from console.sandbox import server
    monkeypatch.setattr(server, "SAVE_INTERVAL", 0.05)
    path = tmp_path / "live.json"
    sb = Sandbox(secret="k" * 16, state_file=str(path)).start()
    try:
        sb.invoke("im_open_login_svc/account_import", {"UserID": "early"})
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if path.exists() and "early" in json.loads(path.read_text())["accounts"]:
                break
            time.sleep(0.02)
        else:
            raise AssertionError("the state file was not written while the sandbox ran")
    finally:
        sb.stop()
