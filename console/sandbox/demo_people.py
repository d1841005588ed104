"""Demo data of issue 17's people pages (`--seed demo`, after demo.py loaded accounts and
conversations): follows between the demo people, conversation groups and marks, two bots, two
official accounts with subscribers and messages, and IM's local and cloud keyword lists. Loaded
through the sandbox's own handlers (`call`), so every record is one the API could have made."""
from __future__ import annotations

import random

from . import demo

BOTS = [("@RBT#helper", "Helper bot"), ("@RBT#weather", "天气机器人")]
#: (ID, name, introduction, message): one message each (IM allows an account 1 a second)
OFFICIAL = [("@TOA#_dailynews", "每日新闻", "每天早上八点的新闻摘要", "早安！今日要闻：……"),
            ("@TOA#_product", "Product updates", "What is new in the app", "Dark mode is here 🌙")]
CONVERSATION_GROUPS = {"cn": "工作", "en": "Work"}
LOCAL_KEYWORDS = [("spam", 2, ""), ("傻瓜", 1, "**")]
CLOUD_WORDS = [("casino", "Ad"), ("赌博", "Illegal")]
SVC = "official_account_open_http_svc/"


def load(sandbox, *, seed: int = demo.SEED) -> dict:
    """Load the records over the demo people of `seed` (demo.load first); returns their counts."""
    people = demo._people(random.Random(seed))
    with sandbox.callbacks.paused():
        return _load(sandbox, random.Random(seed + 17), people, demo._call)


def _load(sandbox, rng: random.Random, people: list[dict], call) -> dict:
    ids = [p["uid"] for p in people]
    follows = 0
    for p in people:
        targets = rng.sample([u for u in ids if u != p["uid"]], rng.randint(1, 4))
        call(sandbox, "follow/follow_add", {"From_Account": p["uid"], "FollowItem": [{"To_Account": t} for t in targets]})
        follows += len(targets)
    for p in people[:20]:
        peers = rng.sample([u for u in ids if u != p["uid"]], 3)
        call(sandbox, "recentcontact/create_contact_group", {"From_Account": p["uid"], "GroupContactItem": [
            {"GroupName": CONVERSATION_GROUPS.get(p["lang"], "Work"),
             "ContactItem": [{"Type": 1, "To_Account": u} for u in peers[:2]]}]})
        call(sandbox, "recentcontact/mark_contact", {"From_Account": p["uid"], "MarkItem": [
            {"OptType": 3, "ContactItem": {"Type": 1, "To_Account": peers[0]}, "SetMark": [1], "CustomMark": "vip"},
            {"OptType": 1, "ContactItem": {"Type": 1, "To_Account": peers[2]}, "SetMark": [3]}]})
    for bot, nick in BOTS:
        call(sandbox, "openim_robot_http_svc/create_robot", {"UserID": bot, "Nick": nick})
    for account_id, name, intro, line in OFFICIAL:
        owner = rng.choice(ids)
        call(sandbox, SVC + "create_official_account", {"Owner_Account": owner, "Name": name,
                                                        "Introduction": intro, "OfficialAccountUserID": account_id})
        subscribers = rng.sample(ids, min(12, len(ids)))
        call(sandbox, SVC + "add_subscriber", {"Official_Account": account_id, "SubscriberList": [
            {"Subscriber_Account": u} for u in subscribers]})
        call(sandbox, SVC + "send_official_account_msg", {
            "Official_Account": account_id, "Random": rng.randint(1, 2**31),
            "MsgBody": [{"MsgType": "TIMTextElem", "MsgContent": {"Text": line}}]})
    app = {"SdkAppId": sandbox.app_id}
    call(sandbox, "im_msg_audit_mgr/add_local_audit_keywords", {**app, "LocalAuditWords": [
        {"Keyword": word, "WordType": 1, "FilterType": kind, "ReplacedContent": replacement}
        for word, kind, replacement in LOCAL_KEYWORDS]})
    library = call(sandbox, "im_msg_audit_mgr/get_cloud_audit_keywords_ids", {**app, "Offset": 0, "Limit": 10})
    call(sandbox, "im_msg_audit_mgr/add_cloud_audit_keywords", {
        **app, "LibID": library["Infos"][0]["ID"], "UserKeywords": [{"Content": c, "Label": label}
                                                                   for c, label in CLOUD_WORDS]})
    return {"follows": follows, "bots": len(BOTS), "official_accounts": len(OFFICIAL)}
