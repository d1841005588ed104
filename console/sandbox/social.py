"""Sandbox state of the follow graph, official accounts and the moderation services.

Plain JSON-ready dicts behind the sandbox's one lock (`state.lock`), like `groups.py`: the REST
handlers in `handlers/follow.py`, `handlers/official_account.py` and `handlers/moderation.py`
validate requests, call these methods under the lock and shape the answers. Times are Unix
seconds. `State` creates one `SocialState` as `state.social` and includes it in reset, save and
load (section "social" of the state file).

Sections:
- `following`: follower -> {followed: follow time}. The reverse index (`followers`) is derived,
  rebuilt on load and never saved.
- `official_accounts`: official-account ID -> its profile, subscribers and message history.
  `subscriptions` (user -> {account ID: time}) is derived like `followers`.
- `local_keywords` / `cloud_libraries`: the moderation keyword lists (local: the SDK-side list,
  cloud: keyword libraries with their words); `banned_files`: chat-file URLs banned by
  `im_cos_msg/forbid_illegal_object` -> ban time.
"""
from __future__ import annotations

import random
import string
import time
import uuid

OFFICIAL_PREFIX = "@TOA#_"          # every official-account ID starts so (custom IDs too)
DEFAULT_MAX_SUBSCRIBERS = 100000
MAX_OFFICIAL_HISTORY = 5000         # messages kept per official account (the oldest go first)
DEFAULT_LIBRARY = "default"         # the LibName of the keyword library every app starts with

# follow_check's FollowType: bit 1 = From follows To, bit 0 = To follows From
NOT_RELATED, FOLLOWED_BY, FOLLOWING, MUTUAL = 0, 1, 2, 3
# follow_get's FollowType
FANS, FOLLOWS, MUTUALS = 1, 2, 3


def official_message_key(seq: int, ts: int) -> str:
    """MsgKey of an official-account message: "<Seq>_1_<server time>" (as Tencent documents)."""
    return f"{seq}_1_{ts}"


def library_id(name: str) -> str:
    """A stable UUID-shaped library ID, the form Tencent's keyword-library IDs take."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"tim-sandbox-library:{name}"))


def beijing(now: float, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """A time as the moderation service writes it: Beijing time (UTC+8), no zone name."""
    return time.strftime(fmt, time.gmtime(now + 8 * 3600))


class SocialState:
    def __init__(self, state):
        self.state = state
        self.reset()

    # ---- lifecycle -------------------------------------------------------------------------
    def reset(self) -> None:
        self.following: dict[str, dict[str, int]] = {}
        self.followers: dict[str, dict[str, int]] = {}
        self.official_accounts: dict[str, dict] = {}
        self.subscriptions: dict[str, dict[str, int]] = {}
        self.local_keywords: list[dict] = []
        self.local_next_id = 1
        self.cloud_libraries: dict[str, dict] = {}
        self.cloud_next_id = 10000001
        self.banned_files: dict[str, int] = {}
        self.add_library(DEFAULT_LIBRARY, now=time.time())

    def to_dict(self) -> dict:
        return {"following": self.following, "official_accounts": self.official_accounts,
                "local_keywords": self.local_keywords, "local_next_id": self.local_next_id,
                "cloud_libraries": self.cloud_libraries, "cloud_next_id": self.cloud_next_id,
                "banned_files": self.banned_files}

    def load(self, data: dict) -> None:
        self.reset()
        if not data:
            return
        self.following = data.get("following") or {}
        self.official_accounts = data.get("official_accounts") or {}
        self.local_keywords = data.get("local_keywords") or []
        self.local_next_id = int(data.get("local_next_id") or 1)
        self.cloud_libraries = data.get("cloud_libraries") or self.cloud_libraries
        self.cloud_next_id = int(data.get("cloud_next_id") or self.cloud_next_id)
        self.banned_files = data.get("banned_files") or {}
        for follower, followed in self.following.items():
            for target, at in followed.items():
                self.followers.setdefault(target, {})[follower] = at
        for account_id, account in self.official_accounts.items():
            for uid, sub in account["subscribers"].items():
                self.subscriptions.setdefault(uid, {})[account_id] = sub["time"]

    def forget_account(self, uid: str) -> None:
        """A deleted account leaves the follow graph and every subscriber list."""
        for target in self.following.pop(uid, {}):
            self.followers.get(target, {}).pop(uid, None)
        for follower in self.followers.pop(uid, {}):
            self.following.get(follower, {}).pop(uid, None)
        for account_id in self.subscriptions.pop(uid, {}):
            self.official_accounts[account_id]["subscribers"].pop(uid, None)

    # ---- follow ------------------------------------------------------------------------------
    def is_following(self, follower: str, target: str) -> bool:
        return target in self.following.get(follower, {})

    def follow(self, follower: str, target: str, now: float) -> None:
        at = int(now)
        self.following.setdefault(follower, {})[target] = at
        self.followers.setdefault(target, {})[follower] = at

    def unfollow(self, follower: str, target: str) -> None:
        self.following.get(follower, {}).pop(target, None)
        self.followers.get(target, {}).pop(follower, None)

    def relation(self, a: str, b: str) -> int:
        """follow_check's FollowType of `b` seen from `a`."""
        return (FOLLOWING if self.is_following(a, b) else 0) | (FOLLOWED_BY if self.is_following(b, a) else 0)

    def follow_list(self, uid: str, kind: int) -> list[tuple[str, int]]:
        """(user, follow time) of `uid`'s fans, follows or mutual follows, newest first.
        For mutual follows the time is when `uid` followed them."""
        if kind == FANS:
            entries = self.followers.get(uid, {})
        elif kind == FOLLOWS:
            entries = self.following.get(uid, {})
        else:
            fans = self.followers.get(uid, {})
            entries = {t: at for t, at in self.following.get(uid, {}).items() if t in fans}
        return sorted(entries.items(), key=lambda item: (-item[1], item[0]))

    def follow_counts(self, uid: str) -> tuple[int, int, int]:
        """(followers, following, mutual) of `uid`."""
        fans, follows = self.followers.get(uid, {}), self.following.get(uid, {})
        return len(fans), len(follows), sum(1 for t in follows if t in fans)

    # ---- official accounts ------------------------------------------------------------------
    def new_official_id(self) -> str:
        while True:
            tail = "".join(random.choices(string.ascii_letters + string.digits, k=10))
            account_id = OFFICIAL_PREFIX + tail
            if account_id not in self.official_accounts:
                return account_id

    def create_official(self, account_id: str, owner: str, name: str, now: float, **fields) -> dict:
        account = {"Official_Account": account_id, "Owner_Account": owner, "Name": name,
                   "Introduction": "", "FaceUrl": "", "Organization": "", "CustomString": "",
                   "MaxSubscriberNum": DEFAULT_MAX_SUBSCRIBERS, "CreateTime": int(now),
                   "LastMsgTime": 0, "next_seq": 1, "subscribers": {}, "messages": [], "sends": []}
        account.update((k, v) for k, v in fields.items() if v is not None)
        self.official_accounts[account_id] = account
        return account

    def destroy_official(self, account_id: str) -> dict:
        account = self.official_accounts.pop(account_id)
        for uid in account["subscribers"]:
            self.subscriptions.get(uid, {}).pop(account_id, None)
        return account

    def subscribe(self, account: dict, uid: str, now: float) -> None:
        account["subscribers"][uid] = {"time": int(now), "custom": "", "msg_flag": "AcceptAndNotify",
                                       "last_send": 0}
        self.subscriptions.setdefault(uid, {})[account["Official_Account"]] = int(now)

    def unsubscribe(self, account: dict, uid: str) -> None:
        account["subscribers"].pop(uid, None)
        self.subscriptions.get(uid, {}).pop(account["Official_Account"], None)

    def store_official_message(self, account: dict, *, rnd: int, ts: int, body: list,
                               custom: str = "") -> dict:
        seq = account["next_seq"]
        account["next_seq"] = seq + 1
        msg = {"MsgSeq": seq, "MsgRandom": rnd, "MsgTimeStamp": ts, "MsgKey": official_message_key(seq, ts),
               "MsgBody": body, "CloudCustomData": custom, "Recalled": False}
        history = account["messages"]
        history.append(msg)
        if len(history) > MAX_OFFICIAL_HISTORY:
            del history[:len(history) - MAX_OFFICIAL_HISTORY]
        account["LastMsgTime"] = ts
        return msg

    # ---- moderation keyword lists -------------------------------------------------------------
    def add_local_keyword(self, keyword: str, word_type: int, filter_type: int, replaced: str,
                          now: float) -> dict:
        """Add (or update in place: same keyword and type) a local keyword; returns its entry."""
        stamp = beijing(now)
        for entry in self.local_keywords:
            if entry["Keyword"] == keyword and entry["WordType"] == word_type:
                entry.update(FilterType=filter_type, ReplacedContent=replaced, UpdateTime=stamp)
                return entry
        entry = {"Id": self.local_next_id, "Keyword": keyword, "WordType": word_type,
                 "FilterType": filter_type, "ReplacedContent": replaced, "UpdateTime": stamp}
        self.local_next_id += 1
        self.local_keywords.append(entry)
        return entry

    def add_library(self, name: str, now: float, describe: str = "", suggestion: str = "Block") -> dict:
        library = {"ID": library_id(name), "LibName": name, "Describe": describe,
                   "CreateTime": beijing(now, "%Y-%m-%d %H:%M:%S +0800 CST"),
                   "Suggestion": suggestion, "keywords": []}
        self.cloud_libraries[library["ID"]] = library
        return library

    def add_cloud_keyword(self, library: dict, content: str, label: str, now: float) -> dict:
        for entry in library["keywords"]:
            if entry["Content"] == content:
                entry["Label"] = label
                return entry
        entry = {"ID": str(self.cloud_next_id), "Content": content, "Label": label,
                 "CreateTime": beijing(now)}
        self.cloud_next_id += 1
        library["keywords"].append(entry)
        return entry

    def cloud_hits(self, text: str) -> list[dict]:
        """Every cloud keyword found in `text` (case-insensitive), in library order."""
        folded = text.casefold()
        return [entry for library in self.cloud_libraries.values() for entry in library["keywords"]
                if entry["Content"] and entry["Content"].casefold() in folded]
