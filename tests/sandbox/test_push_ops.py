"""Push attributes/tags and pushes (legacy and timpush), global mute, ops data, history links, IP list."""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import time

import pytest
import requests

from console.tim import TimError


def code_of(tim, endpoint, body) -> int:
    with pytest.raises(TimError) as err:
        tim.call(endpoint, body)
    return err.value.code


TEXT = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "news"}}]


@pytest.mark.parametrize("svc, names", [
    ("all_member_push", {"set_name": "im_set_attr_name", "get_name": "im_get_attr_name", "set": "im_set_attr",
                         "get": "im_get_attr", "remove": "im_remove_attr"}),
    ("timpush", {"set_name": "set_attr_name", "get_name": "get_attr_name", "set": "set_attr",
                 "get": "get_attr", "remove": "remove_attr"}),
])
def test_attributes(tim, sandbox, users, svc, names):
    users("u1", "u2")
    tim.call(f"{svc}/{names['set_name']}", {"AttrNames": {"0": "sex", "1": "city"}})
    tim.call(f"{svc}/{names['set_name']}", {"AttrNames": {"2": "level"}})  # merged
    got = tim.call(f"{svc}/{names['get_name']}", {})
    assert got["AttrNames"] == {"0": "sex", "1": "city", "2": "level"}
    assert ("AttrTypes" in got) == (svc == "timpush")
    tim.call(f"{svc}/{names['set']}", {"UserAttrs": [{"To_Account": "u1", "Attrs": {"sex": "f", "city": "SZ"}}]})
    tim.call(f"{svc}/{names['remove']}", {"UserAttrs": [{"To_Account": "u1", "Attrs": ["city"]}]})
    attrs = tim.call(f"{svc}/{names['get']}", {"To_Account": ["u1", "u2"]})["UserAttrs"]
    assert attrs == [{"To_Account": "u1", "Attrs": {"sex": "f"}}, {"To_Account": "u2", "Attrs": {}}]
    assert code_of(tim, f"{svc}/{names['set']}", {"UserAttrs": [{"To_Account": "u1", "Attrs": {"age": "1"}}]}) == 90033
    assert code_of(tim, f"{svc}/{names['set_name']}", {"AttrNames": {"10": "x"}}) == 90033
    assert code_of(tim, f"{svc}/{names['get']}", {"To_Account": [f"u{i}" for i in range(101)]}) == 90018


def test_timpush_reports_unknown_users_per_item(tim, users):
    users("u1")
    tim.call("timpush/set_attr_name", {"AttrNames": {"0": "sex"}, "AttrTypes": {"0": 0}})
    answer = tim.call("timpush/set_attr", {"UserAttrs": [{"To_Account": "u1", "Attrs": {"sex": "m"}},
                                                         {"To_Account": "ghost", "Attrs": {"sex": "m"}}]})
    assert [e["To_Account"] for e in answer["ErrorList"]] == ["ghost"]
    assert answer["ErrorList"][0]["ErrorCode"] == 70107
    assert code_of(tim, "all_member_push/im_set_attr",
                   {"UserAttrs": [{"To_Account": "ghost", "Attrs": {"sex": "m"}}]}) == 70107


@pytest.mark.parametrize("svc, cmd", [("all_member_push", {"get": "im_get_tag", "add": "im_add_tag",
                                                           "remove": "im_remove_tag", "clear": "im_remove_all_tags"}),
                                      ("timpush", {"get": "get_tag", "add": "add_tag", "remove": "remove_tag",
                                                   "clear": "clear_all_tags"})])
def test_tags(tim, sandbox, users, svc, cmd):
    users("t1", "t2")
    tim.call(f"{svc}/{cmd['add']}", {"UserTags": [{"To_Account": "t1", "Tags": ["a", "b"]},
                                                  {"To_Account": "t2", "Tags": ["a"]}]})
    tim.call(f"{svc}/{cmd['add']}", {"UserTags": [{"To_Account": "t1", "Tags": ["b", "c"]}]})
    tim.call(f"{svc}/{cmd['remove']}", {"UserTags": [{"To_Account": "t1", "Tags": ["a"]}]})
    got = tim.call(f"{svc}/{cmd['get']}", {"To_Account": ["t1", "t2"]})["UserTags"]
    assert got == [{"To_Account": "t1", "Tags": ["b", "c"]}, {"To_Account": "t2", "Tags": ["a"]}]
    tim.call(f"{svc}/{cmd['clear']}", {"To_Account": ["t1"]})
    assert "t1" not in sandbox.state.user_tags
    assert code_of(tim, f"{svc}/{cmd['add']}", {"UserTags": [{"To_Account": "t1", "Tags": [str(i) for i in range(11)]}]}) == 90032
    assert code_of(tim, f"{svc}/{cmd['add']}", {"UserTags": [{"To_Account": "t1", "Tags": ["x" * 51]}]}) == 90020


def test_user_tag_cap(tim, sandbox, users):
    users("t")
    sandbox.state.user_tags["t"] = [f"tag{i}" for i in range(100)]
    assert code_of(tim, "timpush/add_tag", {"UserTags": [{"To_Account": "t", "Tags": ["one_more"]}]}) == 90032


def test_push_targets_quota_and_dedup(api, sandbox, users):
    """Raw HTTP: the client paces pushes itself, the sandbox must refuse them when it does not."""
    users("a", "b", "c")
    sandbox.state.user_tags.update({"a": ["vip"], "b": ["vip", "new"]})
    first = api("timpush/push", {"MsgRandom": 1, "MsgBody": TEXT, "Condition": {"TagsAnd": ["vip"], "TagsNot": ["new"]}})
    task = sandbox.state.push_tasks[-1]
    assert task["TaskId"] == first["TaskId"] and task["Targets"] == 1
    assert sandbox.state.unread_count("a") == 1 and sandbox.state.unread_count("b") == 0  # roaming copy
    assert api("timpush/push", {"MsgRandom": 1, "MsgBody": TEXT})["TaskId"] == first["TaskId"]  # a retry
    assert api("timpush/push", {"MsgRandom": 2, "MsgBody": TEXT})["ErrorCode"] == 90024  # < 1 s after the last
    bad = {"MsgRandom": 3, "MsgBody": TEXT}
    assert api("timpush/push", {**bad, "Condition": {"TagsOr": ["x"], "AttrsOr": {"a": "b"}}})["ErrorCode"] == 90039
    assert api("timpush/push", {**bad, "Condition": {"TagsOr": ["x"], "TagsAnd": ["x"]}})["ErrorCode"] == 90022
    assert api("timpush/push", {**bad, "Condition": {"TagsOr": [""]}})["ErrorCode"] == 90040
    assert api("all_member_push/im_push", {"MsgRandom": 3})["ErrorCode"] == 90007


def test_push_daily_quota(api, sandbox):
    now = time.time()
    sandbox.state.push_tasks[:] = [{"TaskId": f"t{i}", "Kind": "push", "Time": now - 5 - i, "MsgRandom": 1000 + i,
                                    "From_Account": "administrator", "Targets": 0, "Revoked": False}
                                   for i in range(100)]
    assert api("all_member_push/im_push", {"MsgRandom": 9, "MsgBody": TEXT})["ErrorCode"] == 90047


def test_timpush_batch_and_revoke(api, sandbox, users):
    users("a")
    task = api("timpush/batch", {"To_Account": ["a", "ghost"], "MsgRandom": 5,
                                 "OfflinePushInfo": {"Title": "t", "Desc": "d"}})["TaskId"]
    assert api("timpush/revoke", {"TaskId": task})["ErrorCode"] == 0
    assert api("timpush/revoke", {"TaskId": task})["ErrorCode"] == 90050
    assert api("timpush/revoke", {"TaskId": "nope"})["ErrorCode"] == 90049


def test_global_mute(tim, sandbox, users):
    users("m")
    tim.call("openconfigsvr/setnospeaking", {"Set_Account": "m", "C2CmsgNospeakingTime": 4294967295,
                                             "GroupmsgNospeakingTime": 7200})
    got = tim.call("openconfigsvr/getnospeaking", {"Get_Account": "m"})
    assert got["C2CmsgNospeakingTime"] == 4294967295 and 7190 <= got["GroupmsgNospeakingTime"] <= 7200
    assert "ActionStatus" not in got
    tim.call("openconfigsvr/setnospeaking", {"Set_Account": "m", "C2CmsgNospeakingTime": 0})
    got = tim.call("openconfigsvr/getnospeaking", {"Get_Account": "m"})
    assert got["C2CmsgNospeakingTime"] == 0 and got["GroupmsgNospeakingTime"] > 0
    assert sandbox.state.mute_remaining("m", "group", time.time()) > 0
    assert code_of(tim, "openconfigsvr/setnospeaking", {"Set_Account": "m"}) == 130008
    assert code_of(tim, "openconfigsvr/setnospeaking", {"C2CmsgNospeakingTime": 1}) == 130004
    assert code_of(tim, "openconfigsvr/getnospeaking", {"Get_Account": "ghost"}) == 130003


def test_getappinfo_thirty_days_of_string_metrics(tim, sandbox, users):
    users("a", "b")
    answer = tim.call("openconfigsvr/getappinfo", {"RequestField": ["ActiveUserNum", "RegistUserNumTotal"]})
    days = answer["Result"]
    assert len(days) == 30 and answer["ErrorInfo"] == "OK"
    assert set(days[0]) == {"ActiveUserNum", "RegistUserNumTotal", "Date"}
    assert all(isinstance(v, str) for day in days for v in day.values())
    assert days[0]["RegistUserNumTotal"] == "3"  # a, b and the App admin
    assert days[0]["Date"] > days[1]["Date"]  # newest first
    full = tim.call("openconfigsvr/getappinfo", {})["Result"][0]
    assert len(full) == 32 and full["AppId"] == str(sandbox.app_id)


def test_history_links_are_downloadable(tim, sandbox, users):
    users("a", "b")
    hour = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).replace(minute=0, second=0, microsecond=0) \
        - dt.timedelta(hours=2)
    sandbox.state.store_c2c("a", "b", seq=1, rnd=2, ts=int(hour.timestamp()) + 30, body=[{"MsgType": "TIMTextElem",
                                                                                         "MsgContent": {"Text": "x"}}])
    [file] = tim.call("open_msg_svc/get_history", {"ChatType": "C2C", "MsgTime": hour.strftime("%Y%m%d%H")})["File"]
    packed = requests.get(file["URL"], timeout=5).content
    assert hashlib.md5(packed).hexdigest() == file["GzipMD5"] and len(packed) == file["GzipSize"]
    raw = gzip.decompress(packed)
    assert hashlib.md5(raw).hexdigest() == file["FileMD5"]
    doc = json.loads(raw)
    assert doc["ChatType"] == "C2C" and doc["MsgList"][0]["MsgTimestamp"] == int(hour.timestamp()) + 30
    empty_hour = (hour - dt.timedelta(hours=1)).strftime("%Y%m%d%H")
    assert code_of(tim, "open_msg_svc/get_history", {"ChatType": "C2C", "MsgTime": empty_hour}) == 1004
    assert code_of(tim, "open_msg_svc/get_history", {"ChatType": "C2C", "MsgTime": "2015120121"}) == 1005
    assert code_of(tim, "open_msg_svc/get_history", {"ChatType": "Chat", "MsgTime": "2015120121"}) == 1002


def test_ip_list_by_nettype(api):
    everything = api("ConfigSvc/GetIPList", {}, nettype=0)["IPList"]
    callbacks = api("ConfigSvc/GetIPList", {}, nettype=5)["IPList"]
    assert callbacks and set(callbacks) < set(everything)


def test_push_condition_treats_null_members_as_absent(api, sandbox, users):
    """The seed's Go SDK sends every condition list, unset ones as null."""
    users("a")
    sandbox.state.user_tags["a"] = ["vip"]
    answer = api("all_member_push/im_push", {"MsgRandom": 77, "MsgBody": TEXT, "Condition": {
        "TagsAnd": None, "TagsOr": ["vip"], "AttrsAnd": None, "AttrsOr": None}})
    assert answer["ErrorCode"] == 0 and sandbox.state.push_tasks[-1]["Targets"] == 1


def test_group_history_links(tim, sandbox, users):
    users("owner", "m")
    group_id = tim.call("group_open_http_svc/create_group", {"Owner_Account": "owner", "Type": "Public",
                                                             "Name": "g", "MemberList": [{"Member_Account": "m"}]})["GroupId"]
    tim.call("group_open_http_svc/send_group_msg", {"GroupId": group_id, "From_Account": "m", "Random": 1,
                                                    "MsgBody": TEXT})
    hour = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).replace(minute=0, second=0, microsecond=0)
    with sandbox.state.lock:  # move the message into the last complete hour
        for msg in sandbox.state.groups.get(group_id).messages:
            msg.time = int(hour.timestamp()) - 600
    earlier = (hour - dt.timedelta(hours=1)).strftime("%Y%m%d%H")
    [file] = tim.call("open_msg_svc/get_history", {"ChatType": "Group", "MsgTime": earlier})["File"]
    doc = json.loads(gzip.decompress(requests.get(file["URL"], timeout=5).content))
    texts = [(m["GroupId"], m["From_Account"], m["MsgBody"]) for m in doc["MsgList"]]
    assert (group_id, "m", TEXT) in texts
