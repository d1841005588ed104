"""Demo data (`--seed demo`): a believable chat app, loaded through the sandbox's own handlers.

About 220 accounts with Chinese and English profiles, friendships with friend lists and remarks,
a few blacklists, two dozen groups of every type with owners, admins, name cards, mutes and
message history, and one-to-one conversations (demo_groups.py adds topics, permission groups,
attributes, counters, bans and live rooms). Everything goes through `sandbox.invoke`, so the
state is exactly what the REST API would have built; history is imported with past timestamps.
The same seed gives the same app (only the load time moves the clock); no network is used, and
callbacks are paused while loading (this is pre-existing data, not live traffic).
"""
from __future__ import annotations

import random
import time
from urllib.parse import quote

from . import demo_groups

SEED = 20261125
DAY = 86400
# app-defined data keys the demo app configured in "Tencent's console": its own, and those of
# Tencent's published examples (so their requests run against a demo sandbox)
GROUP_DATA_KEYS = ["Lang", "GroupTestData1", "GroupTestData2"]
MEMBER_DATA_KEYS = ["Badge", "MemberDefined1", "MemberDefined2"]

# ---- people ----------------------------------------------------------------------------------
SURNAMES = [("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
            ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"),
            ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"),
            ("何", "he"), ("林", "lin"), ("罗", "luo"), ("高", "gao")]
GIVEN = [("伟", "wei", "M"), ("芳", "fang", "F"), ("娜", "na", "F"), ("敏", "min", "F"),
         ("静", "jing", "F"), ("强", "qiang", "M"), ("磊", "lei", "M"), ("洋", "yang", "M"),
         ("艳", "yan", "F"), ("勇", "yong", "M"), ("杰", "jie", "M"), ("涛", "tao", "M"),
         ("明", "ming", "M"), ("超", "chao", "M"), ("秀英", "xiuying", "F"), ("霞", "xia", "F"),
         ("晨", "chen", "M"), ("子涵", "zihan", "F"), ("欣怡", "xinyi", "F"), ("浩然", "haoran", "M"),
         ("梓萱", "zixuan", "F"), ("宇轩", "yuxuan", "M"), ("思远", "siyuan", "M"),
         ("雨桐", "yutong", "F"), ("佳怡", "jiayi", "F"), ("俊杰", "junjie", "M")]
FIRST = [("Emma", "F"), ("Olivia", "F"), ("Ava", "F"), ("Sophia", "F"), ("Mia", "F"),
         ("Charlotte", "F"), ("Amelia", "F"), ("Grace", "F"), ("Chloe", "F"), ("Lucy", "F"),
         ("Liam", "M"), ("Noah", "M"), ("Oliver", "M"), ("James", "M"), ("Lucas", "M"),
         ("Henry", "M"), ("Ethan", "M"), ("Daniel", "M"), ("Jack", "M"), ("Leo", "M"),
         ("Sam", "U"), ("Alex", "U")]
LAST = ["Smith", "Johnson", "Brown", "Wilson", "Taylor", "Clark", "Lee", "Walker", "Hall",
        "Young", "King", "Wright", "Green", "Baker", "Turner", "Murphy", "Cooper", "Reed"]
CN_PLACES = ["中国 北京", "中国 上海", "中国 广东 深圳", "中国 广东 广州", "中国 浙江 杭州",
             "中国 四川 成都", "中国 湖北 武汉", "中国 江苏 南京", "中国 陕西 西安", "中国 香港"]
EN_PLACES = ["London, UK", "Singapore", "Sydney, AU", "Toronto, CA", "Seattle, US",
             "Berlin, DE", "Auckland, NZ", "Dublin, IE", "Austin, US", "Kuala Lumpur, MY"]
CN_SIGNATURES = ["今天也要加油鸭", "热爱生活，热爱跑步", "咖啡续命中☕", "在路上", "代码改变世界",
                 "做一个温暖的人", "周末去爬山", "猫奴一枚🐱", "保持好奇心", "少说话多做事"]
EN_SIGNATURES = ["Coffee first.", "Building things that matter", "Out hiking this weekend",
                 "Ask me about board games", "Learning Mandarin 加油!", "Dog person 🐶",
                 "Ship it", "Reading more, scrolling less", "Night owl", "Always curious"]
COLORS = ["#2563eb", "#16a34a", "#db2777", "#ea580c", "#7c3aed", "#0891b2", "#ca8a04",
          "#dc2626", "#4f46e5", "#059669"]
GENDER = {"M": "Gender_Type_Male", "F": "Gender_Type_Female", "U": "Gender_Type_Unknown"}

# ---- conversation lines ------------------------------------------------------------------------
CN_LINES = ["在吗？", "晚上一起吃饭吧", "收到，马上到", "哈哈哈哈笑死我了", "明天几点开会？",
            "文件我发你邮箱了", "周末有空吗", "好的，没问题👌", "这个方案我再想想", "辛苦啦！",
            "路上堵车，晚十分钟", "生日快乐🎂", "链接打不开，能再发一次吗", "已经处理好了",
            "下次一起去爬山", "谢谢！", "我觉得挺好的", "今天好热啊", "刚下班", "晚安🌙"]
EN_LINES = ["Hey, are you around?", "Lunch tomorrow?", "Sounds good to me 👍", "On my way!",
            "Did you see the release notes?", "Thanks a lot!", "Running 10 minutes late",
            "Happy birthday! 🎉", "Can you review my PR?", "Let's sync after standup",
            "Haha that's great", "Sent you the slides", "Good night!", "Weekend plans?",
            "Just landed ✈️", "I'll check and get back to you", "Congrats on the launch!",
            "Is the meeting still on?", "Nice photo!", "See you there"]
GROUP_LINES_CN = ["大家好！", "欢迎新朋友👏", "今天的活动照片已上传", "有人一起吗？", "收到",
                  "这周六下午两点集合", "+1", "感谢分享", "群公告请大家看一下", "赞👍"]
GROUP_LINES_EN = ["Hi all!", "Welcome aboard 👋", "Slides are in the shared folder", "+1",
                  "Who's joining on Saturday?", "Thanks for sharing", "Agenda updated",
                  "Great session today", "Reminder: deadline is Friday", "🎉🎉🎉"]

# ---- groups: (id, type, name, language, members, introduction) ----------------------------------
GROUPS = [
    ("photo-lovers", "Public", "摄影爱好者", "cn", 48, "分享你的作品，交流拍摄技巧"),
    ("sz-runners", "Public", "深圳跑步团", "cn", 36, "每周三、六晨跑，深圳湾集合"),
    ("python-dev", "Public", "Python 开发者交流", "mix", 60, "Python 技术讨论，禁止广告"),
    ("board-games", "Public", "Board Games Club", "en", 24, "Weekly game nights, all welcome"),
    ("food-hunters", "Public", "美食探店", "cn", 40, "吃遍全城的小馆子"),
    ("book-club", "Public", "Book Club", "en", 18, "One book a month, discussion on Sundays"),
    ("kaoyan", "Public", "考研互助", "cn", 30, "资料共享，互相监督"),
    ("indie-devs", "Public", "Indie Game Devs", "en", 28, "Show your progress, get feedback"),
    ("rd-dept", "Private", "产品研发部", "cn", 22, "研发部内部沟通"),
    ("marketing", "Private", "市场部周会", "cn", 12, "市场部"),
    ("project-phoenix", "Private", "Project Phoenix", "en", 9, "Launch team"),
    ("family", "Private", "相亲相爱一家人", "cn", 8, ""),
    ("design-review", "Private", "Design Review", "en", 10, "UI/UX reviews"),
    ("badminton", "Private", "周末羽毛球", "cn", 14, "周日上午十点，南山体育馆"),
    ("weekly-sync", "ChatRoom", "周一例会", "cn", 20, "每周一 10:00"),
    ("sprint-planning", "ChatRoom", "Sprint Planning", "en", 15, "Sprint 42"),
    ("req-review", "ChatRoom", "客户需求评审", "cn", 11, "需求评审会议"),
    ("all-hands", "ChatRoom", "All-hands Q4", "mix", 80, "Company all-hands"),
    ("live-launch", "AVChatRoom", "直播间·新品发布会", "cn", 0, "新品发布会直播"),
    ("live-music", "AVChatRoom", "Live: Friday Music", "en", 0, "Friday night live sets"),
    ("live-esports", "AVChatRoom", "电竞赛事直播", "cn", 0, "全程高能"),
    ("@TGS#_opensource", "Community", "开源社区", "mix", 90, "开源项目、技术分享与招聘"),
    ("@TGS#_gamers", "Community", "Gamers Community", "en", 55, "All things gaming"),
    ("@TGS#_citylife", "Community", "城市生活圈", "cn", 70, "本地生活、二手、活动"),
]
FRIEND_LISTS = {"cn": ["同学", "同事", "家人", "跑友"], "en": ["Friends", "Work", "Family"]}


class DemoError(RuntimeError):
    """A demo call failed: the sandbox's handlers disagree with the demo data."""


def _call(sandbox, endpoint: str, body: dict) -> dict:
    answer = sandbox.invoke(endpoint, body)
    if answer.get("ErrorCode"):
        raise DemoError(f"{endpoint}: [{answer['ErrorCode']}] {answer.get('ErrorInfo')}")
    return answer


def avatar(initial: str, color: str) -> str:
    """A small SVG avatar as a data: URL (renders offline, under the 500-byte profile limit)."""
    svg = ("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 64 64'>"
           f"<rect width='64' height='64' rx='12' fill='{color}'/>"
           "<text x='32' y='42' font-size='28' font-family='sans-serif' text-anchor='middle' "
           f"fill='white'>{initial}</text></svg>")
    return "data:image/svg+xml," + quote(svg, safe=" '=/:;,<>")


def _people(rng: random.Random) -> list[dict]:
    people, seen = [], set()

    def add(uid, nick, initial, gender, lang):
        n = 1
        base = uid
        while uid in seen:
            n += 1
            uid = f"{base}{n}"
        seen.add(uid)
        people.append({"uid": uid, "nick": nick, "initial": initial, "gender": gender,
                       "lang": lang})

    while len(people) < 130:
        (s_cn, s_py), (g_cn, g_py, g) = rng.choice(SURNAMES), rng.choice(GIVEN)
        nick = s_cn + g_cn if rng.random() < 0.8 else rng.choice(["小", "阿", "老"]) + s_cn
        add(f"{s_py}{g_py}", nick, s_cn, g, "cn")
    while len(people) < 222:
        (first, g), last = rng.choice(FIRST), rng.choice(LAST)
        add(f"{first.lower()}_{last.lower()}", f"{first} {last}", first[0], g, "en")
    return people


def _profile(rng: random.Random, p: dict) -> list[dict]:
    cn = p["lang"] == "cn"
    items = {
        "Tag_Profile_IM_Gender": GENDER[p["gender"]],
        "Tag_Profile_IM_BirthDay": rng.randint(1970, 2008) * 10000 + rng.randint(1, 12) * 100
        + rng.randint(1, 28),
        "Tag_Profile_IM_Location": rng.choice(CN_PLACES if cn else EN_PLACES),
        "Tag_Profile_IM_SelfSignature": rng.choice(CN_SIGNATURES if cn else EN_SIGNATURES),
        "Tag_Profile_IM_AllowType": rng.choices(
            ["AllowType_Type_NeedConfirm", "AllowType_Type_AllowAny", "AllowType_Type_DenyAny"],
            [70, 25, 5])[0],
        "Tag_Profile_IM_Language": 0 if cn else 1,
        "Tag_Profile_IM_Level": rng.randint(1, 60),
        "Tag_Profile_IM_Role": 1 if rng.random() < 0.05 else 0,
        "Tag_Profile_Custom_Vip": rng.choices(["none", "silver", "gold"], [70, 20, 10])[0],
    }
    return [{"Tag": k, "Value": v} for k, v in items.items()]


def _load_accounts(sandbox, rng: random.Random, people: list[dict]) -> None:
    batch = [{"UserID": p["uid"], "Nick": p["nick"],
              "FaceUrl": avatar(p["initial"], rng.choice(COLORS))} for p in people]
    for i in range(0, len(batch), 100):
        failed = _call(sandbox, "im_open_login_svc/multiaccount_import",
                       {"AccountList": batch[i:i + 100]}).get("FailAccounts")
        if failed:
            raise DemoError(f"accounts not imported: {failed}")
    for p in people:
        _call(sandbox, "profile/portrait_set", {"From_Account": p["uid"],
                                                "ProfileItem": _profile(rng, p)})


def _friendships(rng: random.Random, people: list[dict]) -> set[tuple[str, str]]:
    """Pairs (a, b) with a < b: mostly within a language community, a few across."""
    pairs: set[tuple[str, str]] = set()
    by_lang = {lang: [p["uid"] for p in people if p["lang"] == lang] for lang in ("cn", "en")}
    for p in people:
        pool = by_lang[p["lang"]] if rng.random() < 0.85 else [q["uid"] for q in people]
        for peer in rng.sample(pool, rng.randint(2, 9)):
            if peer != p["uid"]:
                pairs.add(tuple(sorted((p["uid"], peer))))
    return pairs


def _load_friends(sandbox, rng: random.Random, people: list[dict], now: int) -> dict:
    lang = {p["uid"]: p["lang"] for p in people}
    nick = {p["uid"]: p["nick"] for p in people}
    friends: dict[str, list[str]] = {}
    for a, b in sorted(_friendships(rng, people)):
        friends.setdefault(a, []).append(b)
        friends.setdefault(b, []).append(a)
    for owner in sorted(friends):
        lists = FRIEND_LISTS[lang[owner]]
        _call(sandbox, "sns/group_add", {"From_Account": owner, "GroupName": lists})
        items = []
        for peer in friends[owner]:
            item = {"To_Account": peer,
                    "AddSource": "AddSource_Type_" + rng.choice(["Android", "iOS", "Web",
                                                                 "Search", "QRCode"]),
                    "AddTime": now - rng.randint(2, 400) * DAY}
            if rng.random() < 0.5:
                item["GroupName"] = [rng.choice(lists)]
            if rng.random() < 0.25:
                item["Remark"] = nick[peer] + ("（大学）" if lang[owner] == "cn" else " (uni)")
            items.append(item)
        answer = _call(sandbox, "sns/friend_import", {"From_Account": owner,
                                                      "AddFriendItem": items})
        bad = [r for r in answer.get("ResultItem", []) if r.get("ResultCode")]
        if bad:
            raise DemoError(f"friend_import for {owner}: {bad[:3]}")
    return friends


def _load_blacklists(sandbox, rng: random.Random, people: list[dict], friends: dict) -> None:
    uids = [p["uid"] for p in people]
    for owner in rng.sample(uids, 18):
        strangers = [u for u in uids if u != owner and u not in friends.get(owner, ())]
        _call(sandbox, "sns/black_list_add", {"From_Account": owner,
                                              "To_Account": rng.sample(strangers,
                                                                       rng.randint(1, 3))})


def _body(rng: random.Random, line: str) -> list[dict]:
    roll = rng.random()
    if roll < 0.06:
        return [{"MsgType": "TIMFaceElem", "MsgContent": {"Index": rng.randint(1, 40),
                                                          "Data": "[smile]"}}]
    if roll < 0.09:
        return [{"MsgType": "TIMLocationElem", "MsgContent": {
            "Desc": "深圳湾公园", "Latitude": 22.5185, "Longitude": 113.9468}}]
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": line}}]


def _lines(lang: str) -> list[str]:
    return CN_LINES if lang == "cn" else EN_LINES if lang == "en" else CN_LINES + EN_LINES


def _load_conversations(sandbox, rng: random.Random, people: list[dict], friends: dict,
                        now: int) -> None:
    lang = {p["uid"]: p["lang"] for p in people}
    pairs = sorted({tuple(sorted((a, b))) for a, peers in friends.items() for b in peers})
    for a, b in rng.sample(pairs, min(160, len(pairs))):
        t = now - rng.randint(1, 20) * DAY
        lines = _lines(lang[a] if lang[a] == lang[b] else "mix")
        count = rng.randint(3, 12)
        for i in range(count):
            sender, receiver = (a, b) if rng.random() < 0.5 else (b, a)
            t += rng.randint(20, 4 * 3600)
            if t >= now:
                break
            _call(sandbox, "openim/importmsg", {
                "SyncFromOldSystem": 5 if i == count - 1 and rng.random() < 0.4 else 2,
                "From_Account": sender, "To_Account": receiver, "MsgSeq": rng.randint(1, 2**31),
                "MsgRandom": rng.randint(1, 2**31), "MsgTimeStamp": t,
                "MsgBody": _body(rng, rng.choice(lines))})


def _pick_members(rng: random.Random, people: list[dict], lang: str, count: int) -> list[str]:
    pool = [p["uid"] for p in people if lang == "mix" or p["lang"] == lang]
    return rng.sample(pool, min(count, len(pool)))


def _load_group(sandbox, rng: random.Random, people: list[dict], spec: tuple, now: int) -> None:
    group_id, kind, name, lang, size, intro = spec
    members = _pick_members(rng, people, lang, max(size, 1))
    owner = members[0]
    body = {"GroupId": group_id, "Type": kind, "Name": name, "Owner_Account": owner,
            "Introduction": intro, "AppDefinedData": [{"Key": "Lang", "Value": lang}]}
    if kind == "Community":   # topic-enabled: demo_groups adds topics and permission groups
        body["SupportTopic"] = 1
    if kind == "AVChatRoom":  # no member list, no history, cannot be imported
        _call(sandbox, "group_open_http_svc/create_group", body)
        return
    created = now - rng.randint(40, 300) * DAY
    _call(sandbox, "group_open_http_svc/import_group", dict(body, CreateTime=created))
    admins = set() if kind == "Private" else set(members[1:1 + max(1, size // 15)])
    entries = [{"Member_Account": m, "Role": "Admin" if m in admins else "Member",
                "JoinTime": created + rng.randint(1, 30) * DAY} for m in members[1:]]
    for i in range(0, len(entries), 300):
        answer = _call(sandbox, "group_open_http_svc/import_group_member",
                       {"GroupId": group_id, "MemberList": entries[i:i + 300]})
        bad = [r for r in answer["MemberList"] if r["Result"] != 1]
        if bad:
            raise DemoError(f"import_group_member {group_id}: {bad[:3]}")
    history, t = [], created + 31 * DAY
    lines = GROUP_LINES_CN if lang == "cn" else GROUP_LINES_EN if lang == "en" \
        else GROUP_LINES_CN + GROUP_LINES_EN
    for _ in range(rng.randint(10, 30)):
        t += rng.randint(600, 3 * DAY)
        if t >= now - 60:
            break
        history.append({"From_Account": rng.choice(members), "SendTime": t,
                        "Random": rng.randint(1, 2**31), "MsgBody": _body(rng, rng.choice(lines))})
    for i in range(0, len(history), 7):
        _call(sandbox, "group_open_http_svc/import_group_msg",
              {"GroupId": group_id, "MsgList": history[i:i + 7]})
    for m in rng.sample(members[1:], min(3, len(members) - 1)):
        card = {"Member_Account": m, "NameCard": rng.choice(["组长", "小助手", "Host", "Mod"])}
        card["AppMemberDefinedData"] = [{"Key": "Badge", "Value": card["NameCard"]}]
        _call(sandbox, "group_open_http_svc/modify_group_member_info",
              dict(card, GroupId=group_id))
    if kind in ("Public", "Community") and len(members) > 10:
        _call(sandbox, "group_open_http_svc/forbid_send_msg", {
            "GroupId": group_id, "Members_Account": [members[-1]], "MuteTime": 7 * DAY})


def load(sandbox, *, seed: int = SEED, now: int | None = None) -> dict:
    """Fill `sandbox` with the demo app; returns counts of what was loaded. Data keys already
    configured (by the CLI or the state file) are kept; the demo adds its own."""
    config = sandbox.state.app_config
    sandbox.configure(**{name: list(dict.fromkeys((config[name] or []) + keys)) for name, keys in (
        ("group_data_keys", GROUP_DATA_KEYS), ("member_data_keys", MEMBER_DATA_KEYS))})
    rng = random.Random(seed)
    now = int(now or time.time())
    people = _people(rng)
    with sandbox.callbacks.paused():
        _load_accounts(sandbox, rng, people)
        friends = _load_friends(sandbox, rng, people, now)
        _load_blacklists(sandbox, rng, people, friends)
        for spec in GROUPS:
            _load_group(sandbox, rng, people, spec, now)
        _load_conversations(sandbox, rng, people, friends, now)
        depth = demo_groups.load(sandbox, rng, people, now, _call)
    return {"accounts": len(people), "friend_pairs": sum(map(len, friends.values())) // 2,
            "groups": len(GROUPS), **depth}
