"""The sandbox's group endpoints over HTTP: lifecycle, profile, members, roles and mutes,
per group type. Messages are in test_groups_messages.py, callbacks in test_groups_callbacks.py."""
from __future__ import annotations

import json
import os
import time

import pytest
from group_helpers import call, code, import_accounts

USERS = ("leckie", "peter", "bob", "tommy", "jared", "wesley")
STORED_TYPES = ("Private", "Public", "ChatRoom", "Community")


@pytest.fixture
def accounts(sandbox):
    return import_accounts(sandbox, *USERS)


def create(tim, group_type: str = "Public", **fields) -> str:
    body = {"Type": group_type, "Name": "team", "Owner_Account": "leckie", **fields}
    return call(tim, "create_group", body)["GroupId"]


def info(tim, group_id: str, **body) -> dict:
    return call(tim, "get_group_info", {"GroupIdList": [group_id], **body})["GroupInfo"][0]


def members(tim, group_id: str) -> dict:
    listed = call(tim, "get_group_member_info", {"GroupId": group_id})["MemberList"]
    return {m["Member_Account"]: m for m in listed}


def add(tim, group_id: str, *accounts, **extra) -> dict:
    body = {"GroupId": group_id, "MemberList": [{"Member_Account": a} for a in accounts], **extra}
    return {r["Member_Account"]: r["Result"] for r in call(tim, "add_group_member", body)["MemberList"]}


# ---- create_group / import_group ------------------------------------------------------------

@pytest.mark.parametrize("group_type, prefix", [
    ("Private", "@TGS#1"), ("Public", "@TGS#2"), ("ChatRoom", "@TGS#3"),
    ("AVChatRoom", "@TGS#a"), ("Community", "@TGS#_@TGS#c")])
def test_create_assigns_an_id_of_the_type_and_records_the_owner(tim, accounts, group_type, prefix):
    group_id = create(tim, group_type)
    assert group_id.startswith(prefix)
    got = info(tim, group_id)
    assert (got["ErrorCode"], got["Type"], got["Owner_Account"], got["Name"]) == (0, group_type, "leckie", "team")
    if group_type == "AVChatRoom":   # no member state is stored for live-streaming groups
        assert "MemberList" not in got and got["MemberNum"] == 0
    else:
        assert got["MemberNum"] == 1
        assert got["MemberList"][0]["Member_Account"] == "leckie"
        assert got["MemberList"][0]["Role"] == "Owner"


def test_create_with_members_roles_and_custom_data(tim, accounts):
    group_id = create(tim, "Public", GroupId="club", Introduction="hi", MaxMemberCount=50,
                      ApplyJoinOption="FreeAccess", AppDefinedData=[{"Key": "Level", "Value": "3"}],
                      MemberList=[{"Member_Account": "peter", "Role": "Admin"},
                                  {"Member_Account": "bob",
                                   "AppMemberDefinedData": [{"Key": "Seat", "Value": "A1"}]}])
    assert group_id == "club"
    got = info(tim, "club")
    assert (got["Introduction"], got["MaxMemberNum"], got["ApplyJoinOption"]) == ("hi", 50, "FreeAccess")
    assert got["AppDefinedData"] == [{"Key": "Level", "Value": "3"}]
    roles = {m["Member_Account"]: m["Role"] for m in got["MemberList"]}
    assert roles == {"leckie": "Owner", "peter": "Admin", "bob": "Member"}
    bob = next(m for m in got["MemberList"] if m["Member_Account"] == "bob")
    assert bob["AppMemberDefinedData"] == [{"Key": "Seat", "Value": "A1"}]


def test_create_without_owner_makes_an_ownerless_group(tim, accounts):
    group_id = call(tim, "create_group", {"Type": "Public", "Name": "x"})["GroupId"]
    got = info(tim, group_id)
    assert got["Owner_Account"] == "" and got["MemberNum"] == 0


@pytest.mark.parametrize("body, expected", [
    ({"Type": "Public"}, 10004),                                          # no Name
    ({"Type": "Public", "Name": "x" * 31}, 10004),                        # Name > 30 bytes
    ({"Type": "Public", "Name": "组" * 11}, 10004),                        # 33 UTF-8 bytes
    ({"Type": "Lobby", "Name": "x"}, 10004),                              # unknown type
    ({"Type": "Public", "Name": "x", "Owner_Account": "ghost"}, 10019),   # owner never imported
    ({"Type": "Public", "Name": "x", "MemberList": [{"Member_Account": "ghost"}]}, 10019),
    ({"Type": "Public", "Name": "x", "GroupId": "@TGS#mine"}, 10015),     # reserved prefix
    ({"Type": "Community", "Name": "x", "GroupId": "mine"}, 10015),       # needs @TGS#_
    ({"Type": "Public", "Name": "x", "GroupId": "x" * 49}, 10015),
    ({"Type": "AVChatRoom", "Name": "x", "MemberList": [{"Member_Account": "bob"}]}, 10007),
    ({"Type": "Private", "Name": "x", "MemberList": [{"Member_Account": "bob", "Role": "Admin"}]}, 10004),
    ({"Type": "Public", "Name": "x", "MemberList": [{"Member_Account": f"u{i}"} for i in range(101)]},
     10005),
])
def test_create_rejections(tim, accounts, body, expected):
    assert code(tim, "create_group", body) == expected


def test_custom_id_taken_then_free_again_after_destroy(tim, accounts):
    create(tim, GroupId="dup")
    assert code(tim, "create_group", {"Type": "Public", "Name": "x", "GroupId": "dup"}) == 10021
    call(tim, "destroy_group", {"GroupId": "dup"})
    assert create(tim, GroupId="dup") == "dup"


def test_community_custom_id(tim, accounts):
    assert create(tim, "Community", GroupId="@TGS#_fans") == "@TGS#_fans"


def test_work_and_meeting_names_map_to_private_and_chatroom(tim, accounts):
    assert info(tim, create(tim, "Work"))["Type"] == "Private"
    assert info(tim, create(tim, "Meeting"))["Type"] == "ChatRoom"


def test_import_group_keeps_the_creation_time_and_refuses_avchatroom(tim, accounts):
    group_id = call(tim, "import_group", {"Type": "Public", "Name": "old", "Owner_Account": "leckie",
                                          "CreateTime": 1448357837})["GroupId"]
    got = info(tim, group_id)
    assert got["CreateTime"] == 1448357837
    assert got["MemberList"][0]["JoinTime"] == 1448357837
    assert code(tim, "import_group", {"Type": "AVChatRoom", "Name": "x"}) == 10007
    assert code(tim, "import_group", {"Type": "Public", "Name": "x", "CreateTime": int(time.time()) + 999}) == 10004


# ---- get_group_info ---------------------------------------------------------------------

def test_group_info_per_group_errors(tim, accounts):
    group_id = create(tim)
    got = call(tim, "get_group_info", {"GroupIdList": [group_id, "missing", ""]})["GroupInfo"]
    assert [(g["GroupId"], g["ErrorCode"]) for g in got] == [(group_id, 0), ("missing", 10010), ("", 10015)]
    assert code(tim, "get_group_info", {"GroupIdList": [f"g{i}" for i in range(51)]}) == 10004
    assert code(tim, "get_group_info", {}) == 10004


def test_group_info_answers_the_published_fields(tim, accounts, examples_dir):
    with open(os.path.join(examples_dir, "rest", "107_group_open_http_svc__get_group_info.json")) as fh:
        published = json.load(fh)["response"]["GroupInfo"][0]
    group_id = create(tim, MemberList=[{"Member_Account": "peter"}],
                      AppDefinedData=[{"Key": "GroupTestData1", "Value": "x"}])
    call(tim, "modify_group_member_info", {"GroupId": group_id, "Member_Account": "peter",
                                           "AppMemberDefinedData": [{"Key": "MemberDefined1", "Value": "v"}]})
    got = info(tim, group_id)
    assert set(published) <= set(got)
    member = next(m for m in got["MemberList"] if m["Member_Account"] == "peter")
    assert set(published["MemberList"][1]) <= set(member)


def test_group_info_filters(tim, accounts):
    group_id = create(tim, MemberList=[{"Member_Account": "peter"}],
                      AppDefinedData=[{"Key": "A", "Value": "1"}, {"Key": "B", "Value": "2"}])
    got = info(tim, group_id, ResponseFilter={"GroupBaseInfoFilter": ["Name", "MemberNum"]})
    assert got == {"GroupId": group_id, "ErrorCode": 0, "ErrorInfo": "", "Name": "team", "MemberNum": 2}
    got = info(tim, group_id, ResponseFilter={"MemberInfoFilter": ["Role"],
                                              "AppDefinedDataFilter_Group": ["B"]})
    assert got["AppDefinedData"] == [{"Key": "B", "Value": "2"}]
    assert got["MemberList"] == [{"Member_Account": "leckie", "Role": "Owner"},
                                 {"Member_Account": "peter", "Role": "Member"}]


# ---- get_appid_group_list ----------------------------------------------------------------

def test_appid_group_list_pages_with_next_and_filters_by_type(tim, accounts):
    ids = [create(tim, "Public") for _ in range(3)] + [create(tim, "Private")]
    first = call(tim, "get_appid_group_list", {"Limit": 2})
    assert first["TotalCount"] == 4 and len(first["GroupIdList"]) == 2 and first["Next"] != 0
    rest = call(tim, "get_appid_group_list", {"Limit": 2, "Next": first["Next"]})
    assert rest["Next"] == 0
    assert [g["GroupId"] for g in first["GroupIdList"] + rest["GroupIdList"]] == ids
    public = call(tim, "get_appid_group_list", {"GroupType": "Private"})
    assert (public["TotalCount"], public["GroupIdList"], public["Next"]) == (1, [{"GroupId": ids[3]}], 0)


def test_appid_group_list_rejects_a_bad_type(sandbox, accounts):
    answer = sandbox.invoke("group_open_http_svc/get_appid_group_list", {"GroupType": "Club"})
    assert answer["ErrorCode"] == 10004


# ---- modify_group_base_info ----------------------------------------------------------------

def test_modify_base_info_changes_only_given_fields(tim, accounts):
    group_id = create(tim, Introduction="old intro", AppDefinedData=[{"Key": "A", "Value": "1"}])
    before = info(tim, group_id)
    call(tim, "modify_group_base_info", {
        "GroupId": group_id, "Name": "renamed", "Notification": "read me", "FaceUrl": "http://f/1.png",
        "MaxMemberNum": 500, "ApplyJoinOption": "DisableApply", "MuteAllMember": "On",
        "AppDefinedData": [{"Key": "A", "Value": ""}, {"Key": "B", "Value": "2"}]})
    after = info(tim, group_id)
    assert (after["Name"], after["Introduction"], after["Notification"], after["FaceUrl"]) == (
        "renamed", "old intro", "read me", "http://f/1.png")
    assert (after["MaxMemberNum"], after["ApplyJoinOption"], after["MuteAllMember"]) == (500, "DisableApply", "On")
    assert after["AppDefinedData"] == [{"Key": "B", "Value": "2"}]
    assert after["InfoSeq"] == before["InfoSeq"] + 1


@pytest.mark.parametrize("change, expected", [
    ({"Name": ""}, 10004), ({"Introduction": "i" * 241}, 10004), ({"Notification": "n" * 301}, 10004),
    ({"FaceUrl": "f" * 101}, 10004), ({"MuteAllMember": "Maybe"}, 10004),
    ({"ApplyJoinOption": "Whatever"}, 10004), ({"MaxMemberNum": 7000}, 10004),
])
def test_modify_base_info_rejections(tim, accounts, change, expected):
    group_id = create(tim)
    assert code(tim, "modify_group_base_info", {"GroupId": group_id, **change}) == expected


def test_modify_base_info_type_rules(tim, accounts):
    community = create(tim, "Community")
    assert code(tim, "modify_group_base_info", {"GroupId": community, "ApplyJoinOption": "FreeAccess"}) == 10007
    live = create(tim, "AVChatRoom")
    call(tim, "modify_group_base_info", {"GroupId": live, "MaxMemberNum": 10, "Name": "live"})
    assert info(tim, live)["MaxMemberNum"] == 0 and info(tim, live)["Name"] == "live"   # ignored there


@pytest.mark.parametrize("command", ["modify_group_base_info", "destroy_group", "get_group_member_info",
                                     "get_group_muted_account"])
def test_unknown_and_malformed_group_ids(tim, accounts, command):
    assert code(tim, command, {"GroupId": "nothing-here"}) == 10010
    assert code(tim, command, {"GroupId": 42}) == 10015
    assert code(tim, command, {}) == 10004


# ---- destroy_group --------------------------------------------------------------------------

def test_destroy_makes_every_later_call_answer_10010(tim, accounts):
    group_id = create(tim, MemberList=[{"Member_Account": "peter"}])
    call(tim, "destroy_group", {"GroupId": group_id})
    assert code(tim, "destroy_group", {"GroupId": group_id}) == 10010
    assert code(tim, "add_group_member", {"GroupId": group_id, "MemberList": [{"Member_Account": "bob"}]}) == 10010
    assert call(tim, "get_joined_group_list", {"Member_Account": "peter"})["TotalCount"] == 0


# ---- members ----------------------------------------------------------------------------------

def test_add_members_per_item_results(tim, accounts):
    group_id = create(tim, MemberList=[{"Member_Account": "peter"}])
    assert add(tim, group_id, "tommy", "peter", "jared") == {"tommy": 1, "peter": 2, "jared": 1}
    assert set(members(tim, group_id)) == {"leckie", "peter", "tommy", "jared"}
    assert info(tim, group_id)["MemberNum"] == 4


@pytest.mark.parametrize("group_type", STORED_TYPES)
def test_add_members_works_on_every_type_that_stores_members(tim, accounts, group_type):
    group_id = create(tim, group_type)
    assert add(tim, group_id, "bob") == {"bob": 1}
    assert members(tim, group_id)["bob"]["Role"] == "Member"


def test_add_members_rejections(tim, accounts):
    group_id = create(tim)
    assert code(tim, "add_group_member", {"GroupId": group_id, "MemberList": [{"Member_Account": "ghost"}]}) == 10019
    too_many = [{"Member_Account": f"u{i}"} for i in range(301)]
    assert code(tim, "add_group_member", {"GroupId": group_id, "MemberList": too_many}) == 10005
    assert code(tim, "add_group_member", {"GroupId": group_id, "MemberList": []}) == 10004
    live = create(tim, "AVChatRoom")
    assert code(tim, "add_group_member", {"GroupId": live, "MemberList": [{"Member_Account": "bob"}]}) == 10007
    assert members(tim, group_id).keys() == {"leckie"}          # nothing half-done


def test_a_full_group_refuses_new_members(tim, accounts):
    group_id = create(tim, MaxMemberCount=2)
    assert add(tim, group_id, "bob") == {"bob": 1}
    assert code(tim, "add_group_member", {"GroupId": group_id, "MemberList": [{"Member_Account": "tommy"}]}) == 10014


def test_delete_members(tim, accounts):
    group_id = create(tim, MemberList=[{"Member_Account": a} for a in ("peter", "bob", "tommy")])
    call(tim, "delete_group_member", {"GroupId": group_id, "MemberToDel_Account": ["bob", "wesley"],
                                      "Reason": "spam", "Silence": 1})
    assert set(members(tim, group_id)) == {"leckie", "peter", "tommy"}
    assert code(tim, "delete_group_member", {"GroupId": group_id, "MemberToDel_Account": ["leckie"]}) == 10004
    assert code(tim, "delete_group_member",
                {"GroupId": group_id, "MemberToDel_Account": [f"u{i}" for i in range(101)]}) == 10005
    live = create(tim, "AVChatRoom")
    assert code(tim, "delete_group_member", {"GroupId": live, "MemberToDel_Account": ["bob"]}) == 10004


def test_the_owner_of_a_work_group_can_be_removed(tim, accounts):
    group_id = create(tim, "Private", MemberList=[{"Member_Account": "peter"}])
    call(tim, "delete_group_member", {"GroupId": group_id, "MemberToDel_Account": ["leckie"]})
    assert info(tim, group_id)["Owner_Account"] == ""


def test_member_paging_with_offset_and_role_filter(tim, accounts):
    group_id = create(tim, MemberList=[{"Member_Account": "peter", "Role": "Admin"},
                                       *({"Member_Account": a} for a in ("bob", "tommy", "jared"))])
    seen = []
    for offset in (0, 2, 4):
        page = call(tim, "get_group_member_info", {"GroupId": group_id, "Limit": 2, "Offset": offset})
        assert page["MemberNum"] == 5
        seen += [m["Member_Account"] for m in page["MemberList"]]
    assert seen == ["leckie", "peter", "bob", "tommy", "jared"]
    admins = call(tim, "get_group_member_info", {"GroupId": group_id, "MemberRoleFilter": ["Owner", "Admin"],
                                                 "MemberInfoFilter": ["Role"]})
    assert admins["MemberList"] == [{"Member_Account": "leckie", "Role": "Owner"},
                                    {"Member_Account": "peter", "Role": "Admin"}]


def test_community_members_page_with_a_string_cursor(tim, accounts):
    group_id = create(tim, "Community", MemberList=[{"Member_Account": a} for a in ("peter", "bob", "tommy")])
    seen, cursor = [], ""
    while True:
        page = call(tim, "get_group_member_info", {"GroupId": group_id, "Limit": 3, "Next": cursor})
        seen += [m["Member_Account"] for m in page["MemberList"]]
        cursor = page["Next"]
        assert isinstance(cursor, str)
        if not cursor:
            break
    assert seen == ["leckie", "peter", "bob", "tommy"]
    assert code(tim, "get_group_member_info", {"GroupId": group_id, "Limit": 101}) == 10004


def test_member_info_is_refused_for_avchatroom(tim, accounts):
    assert code(tim, "get_group_member_info", {"GroupId": create(tim, "AVChatRoom")}) == 10007


def test_modify_member_info(tim, accounts):
    group_id = create(tim, MemberList=[{"Member_Account": "bob"}])
    call(tim, "modify_group_member_info", {
        "GroupId": group_id, "Member_Account": "bob", "Role": "Admin", "MsgFlag": "AcceptNotNotify",
        "NameCard": "Bobby", "MuteTime": 600,
        "AppMemberDefinedData": [{"Key": "Seat", "Value": "B2"}]})
    bob = members(tim, group_id)["bob"]
    assert (bob["Role"], bob["MsgFlag"], bob["NameCard"]) == ("Admin", "AcceptNotNotify", "Bobby")
    assert abs(bob["MuteUntil"] - (time.time() + 600)) < 5
    assert bob["AppMemberDefinedData"] == [{"Key": "Seat", "Value": "B2"}]
    call(tim, "modify_group_member_info", {"GroupId": group_id, "Member_Account": "bob", "Role": "Member",
                                           "MuteTime": 0})
    bob = members(tim, group_id)["bob"]
    assert (bob["Role"], bob["MuteUntil"]) == ("Member", 0)


@pytest.mark.parametrize("group_type, change, expected", [
    ("Public", {"Member_Account": "leckie", "Role": "Admin"}, 10004),    # the owner's role is fixed
    ("Public", {"Member_Account": "bob", "Role": "Owner"}, 10004),
    ("Public", {"Member_Account": "wesley", "NameCard": "x"}, 10004),    # not a member
    ("Public", {"Member_Account": "bob", "MsgFlag": "Loud"}, 10004),
    ("Public", {"Member_Account": "bob", "NameCard": "n" * 51}, 10004),
    ("Private", {"Member_Account": "bob", "Role": "Admin"}, 10007),     # Work groups have no admins
    ("Private", {"Member_Account": "bob", "MuteTime": 60}, 10007),      # ... and no muting
])
def test_modify_member_info_rejections(tim, accounts, group_type, change, expected):
    group_id = create(tim, group_type, MemberList=[{"Member_Account": "bob"}])
    assert code(tim, "modify_group_member_info", {"GroupId": group_id, **change}) == expected


def test_change_owner(tim, accounts):
    group_id = create(tim, MemberList=[{"Member_Account": "peter"}])
    call(tim, "change_group_owner", {"GroupId": group_id, "NewOwner_Account": "peter"})
    roles = {a: m["Role"] for a, m in members(tim, group_id).items()}
    assert roles == {"leckie": "Member", "peter": "Owner"}
    assert info(tim, group_id)["Owner_Account"] == "peter"
    assert code(tim, "change_group_owner", {"GroupId": group_id, "NewOwner_Account": "wesley"}) == 10004
    live = create(tim, "AVChatRoom")
    assert code(tim, "change_group_owner", {"GroupId": live, "NewOwner_Account": "peter"}) == 10007


def test_change_owner_of_an_ownerless_group(tim, accounts):
    group_id = call(tim, "create_group", {"Type": "Public", "Name": "x",
                                          "MemberList": [{"Member_Account": "bob"}]})["GroupId"]
    call(tim, "change_group_owner", {"GroupId": group_id, "NewOwner_Account": "bob"})
    assert members(tim, group_id)["bob"]["Role"] == "Owner"


def test_roles_in_group(tim, accounts):
    group_id = create(tim, MemberList=[{"Member_Account": "peter", "Role": "Admin"},
                                       {"Member_Account": "bob"}])
    got = call(tim, "get_role_in_group", {"GroupId": group_id, "User_Account": ["leckie", "peter", "bob", "wesley"]})
    assert got["UserIdList"] == [{"Member_Account": "leckie", "Role": "Owner"},
                                 {"Member_Account": "peter", "Role": "Admin"},
                                 {"Member_Account": "bob", "Role": "Member"},
                                 {"Member_Account": "wesley", "Role": "NotMember"}]
    assert code(tim, "get_role_in_group", {"GroupId": create(tim, "AVChatRoom"), "User_Account": ["bob"]}) == 10007
    assert code(tim, "get_role_in_group",
                {"GroupId": group_id, "User_Account": [f"u{i}" for i in range(501)]}) == 10005


# ---- joined groups -------------------------------------------------------------------------

def test_joined_groups_with_filters_and_paging(tim, accounts):
    public = create(tim, "Public", MemberList=[{"Member_Account": "bob"}])
    chat = create(tim, "ChatRoom", MemberList=[{"Member_Account": "bob", "Role": "Admin"}])
    create(tim, "Public")                                   # bob is not in this one
    got = call(tim, "get_joined_group_list", {"Member_Account": "bob"})
    assert got == {**got, "TotalCount": 2, "GroupIdList": [{"GroupId": public}, {"GroupId": chat}]}
    page = call(tim, "get_joined_group_list", {
        "Member_Account": "bob", "Limit": 1, "Offset": 1,
        "ResponseFilter": {"GroupBaseInfoFilter": ["Type", "Name"], "SelfInfoFilter": ["Role", "MsgFlag"]}})
    assert page["TotalCount"] == 2
    assert page["GroupIdList"] == [{"GroupId": chat, "Type": "ChatRoom", "Name": "team",
                                    "SelfInfo": {"Role": "Admin", "MsgFlag": "AcceptAndNotify"}}]
    only = call(tim, "get_joined_group_list", {"Member_Account": "bob", "GroupType": "ChatRoom"})
    assert only["GroupIdList"] == [{"GroupId": chat}]
    assert code(tim, "get_joined_group_list", {"Member_Account": "bob", "GroupType": "Club"}) == 10004
    assert code(tim, "get_joined_group_list", {}) == 10004


def test_joined_groups_hide_inactive_work_groups_and_avchatrooms(tim, sandbox, accounts):
    work = create(tim, "Private", MemberList=[{"Member_Account": "bob"}])
    live = create(tim, "AVChatRoom")
    with sandbox.state.lock:
        sandbox.state.groups.join_online(live, "bob")
    assert call(tim, "get_joined_group_list", {"Member_Account": "bob"})["GroupIdList"] == []
    # the owner sees the not-yet-active Work group
    assert [g["GroupId"] for g in call(tim, "get_joined_group_list", {"Member_Account": "leckie"})["GroupIdList"]
            ] == [work]
    both = call(tim, "get_joined_group_list", {"Member_Account": "bob", "WithNoActiveGroups": 1,
                                                "WithHugeGroups": 1})
    assert [g["GroupId"] for g in both["GroupIdList"]] == [work, live]
    call(tim, "send_group_msg", {"GroupId": work, "Random": 1, "From_Account": "leckie",
                                 "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "hello"}}]})
    assert call(tim, "get_joined_group_list", {"Member_Account": "bob"})["GroupIdList"] == [{"GroupId": work}]


# ---- mutes --------------------------------------------------------------------------------------

def test_forbid_send_msg_and_the_muted_list(tim, accounts):
    group_id = create(tim, MemberList=[{"Member_Account": a} for a in ("peter", "bob")])
    call(tim, "forbid_send_msg", {"GroupId": group_id, "Members_Account": ["peter", "bob"], "MuteTime": 60})
    call(tim, "forbid_send_msg", {"GroupId": group_id, "Members_Account": ["bob"], "MuteTime": 4294967295})
    got = call(tim, "get_group_muted_account", {"GroupId": group_id})
    assert got["GroupId"] == group_id
    until = {m["Member_Account"]: m["MutedUntil"] for m in got["MutedAccountList"]}
    assert abs(until["peter"] - (time.time() + 60)) < 5 and until["bob"] == 4294967295
    legacy = call(tim, "get_group_shutted_uin", {"GroupId": group_id})
    assert {m["Member_Account"]: m["ShuttedUntil"] for m in legacy["ShuttedUinList"]} == until
    call(tim, "forbid_send_msg", {"GroupId": group_id, "Members_Account": ["peter"], "MuteTime": 0})
    got = call(tim, "get_group_muted_account", {"GroupId": group_id})
    assert [m["Member_Account"] for m in got["MutedAccountList"]] == ["bob"]


def test_a_mute_survives_leaving_and_rejoining(tim, accounts):
    group_id = create(tim, MemberList=[{"Member_Account": "bob"}])
    call(tim, "forbid_send_msg", {"GroupId": group_id, "Members_Account": ["bob"], "ShutUpTime": 300})
    call(tim, "delete_group_member", {"GroupId": group_id, "MemberToDel_Account": ["bob"]})
    add(tim, group_id, "bob")
    assert members(tim, group_id)["bob"]["MuteUntil"] > time.time()


def test_forbid_send_msg_rules(tim, accounts):
    assert code(tim, "forbid_send_msg", {"GroupId": create(tim, "Private"), "Members_Account": ["leckie"],
                                         "MuteTime": 60}) == 10007
    group_id = create(tim)
    assert code(tim, "forbid_send_msg", {"GroupId": group_id, "Members_Account": ["leckie"]}) == 10004
    assert code(tim, "forbid_send_msg", {"GroupId": group_id, "Members_Account": [f"u{i}" for i in range(501)],
                                         "MuteTime": 60}) == 10005
    live = create(tim, "AVChatRoom")     # no member list there: anyone can be muted
    call(tim, "forbid_send_msg", {"GroupId": live, "Members_Account": ["bob"], "MuteTime": 60})
    got = call(tim, "get_group_muted_account", {"GroupId": live})
    assert [m["Member_Account"] for m in got["MutedAccountList"]] == ["bob"]


# ---- AVChatRoom online count, unread counts, system notices --------------------------------------

def test_online_member_num_only_for_avchatroom(tim, sandbox, accounts):
    live = create(tim, "AVChatRoom")
    with sandbox.state.lock:
        for uid in ("bob", "peter"):
            sandbox.state.groups.join_online(live, uid)
    assert call(tim, "get_online_member_num", {"GroupId": live})["OnlineMemberNum"] == 2
    assert info(tim, live)["MemberNum"] == 2
    assert code(tim, "get_online_member_num", {"GroupId": create(tim, "Public")}) == 10007


def test_set_unread_msg_num(tim, sandbox, accounts):
    group_id = create(tim, MemberList=[{"Member_Account": "bob"}])
    for rnd in range(3):
        call(tim, "send_group_msg", {"GroupId": group_id, "Random": rnd, "From_Account": "leckie",
                                     "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": str(rnd)}}]})
    assert sandbox.state.groups.unread(group_id, "bob") == 3
    call(tim, "set_unread_msg_num", {"GroupId": group_id, "Member_Account": "bob", "UnreadMsgNum": 1})
    assert sandbox.state.groups.unread(group_id, "bob") == 1
    call(tim, "set_unread_msg_num", {"GroupId": group_id, "Member_Account": "bob", "UnreadMsgNum": 50})
    assert sandbox.state.groups.unread(group_id, "bob") == 3         # capped at the message count
    assert code(tim, "set_unread_msg_num", {"GroupId": group_id, "Member_Account": "wesley",
                                            "UnreadMsgNum": 1}) == 10004
    chat = create(tim, "ChatRoom", MemberList=[{"Member_Account": "bob"}])
    call(tim, "set_unread_msg_num", {"GroupId": chat, "Member_Account": "bob", "UnreadMsgNum": 1})
    assert sandbox.state.groups.unread(chat, "bob") == 0               # accepted, no effect


def test_system_notification_is_kept_for_its_recipients(tim, sandbox, accounts):
    group_id = create(tim, MemberList=[{"Member_Account": "bob"}])
    call(tim, "send_group_system_notification", {"GroupId": group_id, "Content": "maintenance at 2am",
                                                 "ToMembers_Account": ["bob"]})
    with sandbox.state.lock:
        notice = sandbox.state.groups.get(group_id).notices[-1]
    assert (notice["Content"], notice["ToMembers_Account"]) == ("maintenance at 2am", ["bob"])
    assert info(tim, group_id)["NextMsgSeq"] == 1                        # not an ordinary message
    assert code(tim, "send_group_system_notification", {"GroupId": group_id}) == 10004


# ---- import_group_member ------------------------------------------------------------------------

def test_import_members_with_join_times_and_unread(tim, sandbox, accounts):
    group_id = call(tim, "import_group", {"Type": "Public", "Name": "old", "Owner_Account": "leckie",
                                          "CreateTime": 1448357800})["GroupId"]
    call(tim, "import_group_msg", {"GroupId": group_id, "MsgList": [
        {"From_Account": "leckie", "SendTime": 1448357900 + i,
         "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": str(i)}}]} for i in range(4)]})
    got = call(tim, "import_group_member", {"GroupId": group_id, "MemberList": [
        {"Member_Account": "tommy", "Role": "Admin", "JoinTime": 1448357837, "UnreadMsgNum": 2},
        {"Member_Account": "leckie"},
        {"Member_Account": "jared", "JoinTime": 1000},          # before the group existed
        {"Member_Account": "ghost"}]})
    assert [r["Result"] for r in got["MemberList"]] == [1, 2, 0, 0]
    tommy = members(tim, group_id)["tommy"]
    assert (tommy["Role"], tommy["JoinTime"]) == ("Admin", 1448357837)
    assert sandbox.state.groups.unread(group_id, "tommy") == 2
    assert code(tim, "import_group_member", {"GroupId": create(tim, "AVChatRoom"),
                                             "MemberList": [{"Member_Account": "bob"}]}) == 10007
    assert code(tim, "import_group_member", {"GroupId": group_id, "MemberList": [
        {"Member_Account": f"u{i}"} for i in range(301)]}) == 10005


# ---- persistence and deleted accounts -------------------------------------------------------------

def test_group_state_survives_a_save_and_load(tim, sandbox, accounts, tmp_path):
    from console.sandbox.state import State
    group_id = create(tim, MemberList=[{"Member_Account": "bob", "Role": "Admin"}],
                      AppDefinedData=[{"Key": "K", "Value": "v"}])
    call(tim, "send_group_msg", {"GroupId": group_id, "Random": 3, "From_Account": "bob",
                                 "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": "saved"}}]})
    call(tim, "forbid_send_msg", {"GroupId": group_id, "Members_Account": ["bob"], "MuteTime": 600})
    before = info(tim, group_id)
    path = str(tmp_path / "state.json")
    sandbox.state.save(path)
    sandbox.state.reset()
    assert code(tim, "get_group_member_info", {"GroupId": group_id}) == 10010
    assert sandbox.state.load_file(path)
    assert info(tim, group_id) == before
    again = State()
    again.load_file(path)
    assert again.groups.get(group_id).messages[0].body[0]["MsgContent"]["Text"] == "saved"
    later = create(tim)                                    # ids and cursors keep counting
    assert sandbox.state.groups.get(later).serial > sandbox.state.groups.get(group_id).serial


def test_a_deleted_account_leaves_its_groups(tim, accounts):
    group_id = create(tim, MemberList=[{"Member_Account": "bob"}])
    tim.call("im_open_login_svc/account_delete", {"DeleteItem": [{"UserID": "bob"}, {"UserID": "leckie"}]})
    got = info(tim, group_id)
    assert got["MemberNum"] == 0 and got["Owner_Account"] == ""
