"""Demo data of group depth (`--seed demo`, after demo.py loaded the groups): communities with topics,
topic messages and permission groups; custom attributes and counters; a ban list; live rooms with
people online, member marks and room admins. Loaded through the sandbox's own handlers (`call`)."""
from __future__ import annotations

import random

DAY = 86400
TOPIC = "@TOPIC#_"

#: community -> [(topic part, name, introduction, [lines])]
TOPICS = {
    "@TGS#_opensource": [
        ("announce", "公告", "社区公告与版本发布", ["v2.3 已发布，欢迎升级", "本周六线上分享会，报名从速"]),
        ("python", "Python", "Python 生态与工具", ["有人试过 uv 吗？", "pytest 8 的新特性挺好用"]),
        ("rust", "Rust", "Rust 学习与项目", ["所有权终于搞懂了", "推荐一本 Rust 书？"]),
        ("jobs", "招聘", "内推与招聘信息", ["某厂招后端，base 深圳"]),
    ],
    "@TGS#_gamers": [
        ("general", "General", "Anything gaming", ["Who's up for co-op tonight?", "Patch notes are out"]),
        ("lfg", "Looking for group", "Find teammates", ["Need 2 for ranked, EU servers"]),
        ("esports", "Esports", "Matches and predictions", ["Finals this Sunday!"]),
    ],
    "@TGS#_citylife": [
        ("market", "二手市场", "闲置转让", ["出一辆自行车，九成新"]),
        ("events", "活动", "本地活动与聚会", ["周末公园野餐，有人吗？"]),
    ],
}
#: community -> [(permission group part, name, bits, [(topic part, bits)], member count)]
PERMISSION_GROUPS = {
    "@TGS#_opensource": [("maintainers", "维护者", 7, [("announce", 3), ("python", 1), ("rust", 1)], 3),
                         ("recruiters", "招聘官", 1, [("jobs", 3)], 2)],
    "@TGS#_gamers": [("moderators", "Moderators", 7, [("general", 3), ("lfg", 3), ("esports", 3)], 2)],
}
#: group -> custom attributes; counters
ATTRS = {"python-dev": {"pinned": "每周五 20:00 代码评审直播", "theme": "dark"},
         "board-games": {"next_game": "Catan", "host": "rotating"},
         "live-launch": {"stage": "product-demo", "seat_count": "8"}}
COUNTERS = {"python-dev": {"likes": 128, "shares": 12}, "live-launch": {"gifts": 342, "likes": 10240},
            "board-games": {"games_played": 37}}
#: group -> (how many members to ban, days, reason)
BANS = {"python-dev": (1, 7, "广告刷屏"), "board-games": (1, 2, "Repeated spam links")}
LIVE = ("live-launch", "live-music", "live-esports")


def load(sandbox, rng: random.Random, people: list[dict], now: int, call) -> dict:
    """Add the depth to the groups demo.py made; `call(sandbox, endpoint, body)` answers or raises."""
    groups = sandbox.state.groups
    topics = permission_groups = 0
    for gid, specs in TOPICS.items():
        members = [m for m in groups.get(gid).members]
        for part, name, intro, lines in specs:
            tid = gid + TOPIC + part
            call(sandbox, "million_group_open_http_svc/create_topic",
                 {"GroupId": gid, "TopicId": tid, "TopicName": name, "Introduction": intro})
            topics += 1
            for line in lines:
                call(sandbox, "group_open_http_svc/send_group_msg", {
                    "GroupId": gid, "TopicId": tid, "From_Account": rng.choice(members), "Random": rng.randint(1, 2**31),
                    "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": line}}]})
        for part, name, bits, grants, count in PERMISSION_GROUPS.get(gid, []):
            pg = "@PMG#_" + part
            call(sandbox, "group_open_http_svc/create_permission_group",
                 {"GroupId": gid, "PermissionGroupId": pg, "PermissionGroupName": name, "Permission": bits})
            call(sandbox, "group_open_http_svc/add_permission_group_member", {
                "GroupId": gid, "PermissionGroupId": pg,
                "MemberList": [{"Member_Account": m} for m in rng.sample(members[1:], count)]})
            call(sandbox, "group_open_http_svc/add_topic_permission_group", {
                "GroupId": gid, "PermissionGroupId": pg,
                "TopicPermissionList": [{"TopicId": gid + TOPIC + t, "Permission": b} for t, b in grants]})
            permission_groups += 1
    for gid, attrs in ATTRS.items():
        call(sandbox, "group_open_http_svc/modify_group_attr",
             {"GroupId": gid, "GroupAttr": [{"key": k, "value": v} for k, v in attrs.items()]})
    for gid, counters in COUNTERS.items():
        call(sandbox, "group_open_http_svc/update_group_counter", {
            "GroupId": gid, "Mode": "Set", "GroupCounter": [{"Key": k, "Value": v} for k, v in counters.items()]})
    uids = [p["uid"] for p in people]
    for gid, (count, days, reason) in BANS.items():
        # accounts kept out before they joined: banning a member would stamp a tip message with
        # the wall clock, and the demo must be the same app at every load
        outsiders = [u for u in uids if u not in groups.get(gid).members]
        call(sandbox, "group_open_http_svc/ban_group_member", {
            "GroupId": gid, "Members_Account": rng.sample(outsiders, count), "Duration": days * DAY,
            "Description": reason})
    for gid in LIVE:
        audience = rng.sample(uids, 12)
        for uid in audience:
            groups.join_online(gid, uid)
        call(sandbox, "group_open_avchatroom_http_svc/modify_user_info", {
            "GroupId": gid, "CommandType": 1,
            "MemberList": [{"Member_Account": u, "Marks": [1001]} for u in audience[:3]]})
        call(sandbox, "group_open_avchatroom_http_svc/modify_admin",
             {"GroupId": gid, "CommandType": 1, "Admin_Account": audience[:2]})
    return {"topics": topics, "permission_groups": permission_groups}
