"""Everything the sandbox remembers, in plain JSON-ready dicts behind one re-entrant lock.

Handlers hold `state.lock` while they read or change state. The group part lives in
`state.groups` (console/sandbox/groups.py), `state.group_extras` (attributes, counters, bans,
receipts, AVChatRoom admins and marks: console/sandbox/group_extras.py), community topics and
permission groups in `state.communities` (console/sandbox/community.py); the rest is here.
`to_dict()`/`load()` give the `--state FILE` persistence; `save(path)` writes atomically.
"""
from __future__ import annotations

import json
import os
import random
import tempfile
import threading
import time

from . import appconfig
from .group_extras import GroupExtrasState
from .community import CommunityState
from .groups import GroupState
from .social import SocialState  # follow, official accounts, moderation (issue 16, api-social)
from .messaging import MessagingState

PLATFORMS = ("iPhone", "Android", "Web", "PC", "iPad", "Mac")
MOBILE_PLATFORMS = ("iPhone", "Android", "iPad")
PERMANENT = 4294967295  # "muted forever" in openconfigsvr/*
MAX_HISTORY = 5000      # C2C messages kept per pair (the oldest go first)

# IP list of ConfigSvc/GetIPList, by nettype (documentation-reserved ranges: synthetic but well formed)
IP_LISTS = {
    1: ["192.0.2.10", "192.0.2.11", "198.51.100.0/25"],
    2: ["203.0.113.20", "203.0.113.21"],
    3: ["192.0.2.40", "198.51.100.128/26"],
    4: ["203.0.113.64/27"],
    5: ["192.0.2.100", "198.51.100.200"],
    6: ["203.0.113.150", "203.0.113.151"],
}

# the plain-dict sections saved in the state file (groups are saved by GroupState)
SECTIONS = ("accounts", "online", "profiles", "friends", "friend_groups", "sns_seq", "blacklist",
            "black_seq", "messages", "conversations", "push_attr_names", "push_attr_types",
            "user_attrs", "user_tags", "push_tasks", "nospeaking", "counters", "app_config")


def conv_id(a: str, b: str) -> str:
    """One key per C2C pair, whoever sends."""
    return "\x1f".join(sorted((a, b)))


def msg_key(seq: int, rnd: int, ts: int) -> str:
    return f"{seq}_{rnd}_{ts}"


class State:
    def __init__(self):
        self.lock = threading.RLock()
        self.groups = GroupState(self)
        self.social = SocialState(self)
        self.messaging = MessagingState(self)   # extensions, conversation groups and marks, bots
        self.group_extras = GroupExtrasState(self)   # group depth (issue #16)
        self.communities = CommunityState(self)     # topics and permission groups of communities
        self.reset()

    # ---- lifecycle -------------------------------------------------------------------
    def reset(self) -> None:
        with self.lock:
            self.accounts: dict[str, dict] = {}        # uid -> {"created": ts, "kicked_at": ts}
            self.online: dict[str, dict] = {}          # uid -> {platform: "Online"|"PushOnline"}
            self.profiles: dict[str, dict] = {}        # uid -> {tag: value}
            self.friends: dict[str, dict] = {}         # owner -> {peer: relation dict}
            self.friend_groups: dict[str, list] = {}   # owner -> [list names]
            self.sns_seq: dict[str, int] = {}          # owner -> friend-list data version
            self.blacklist: dict[str, dict] = {}       # owner -> {peer: blocked-at}
            self.black_seq: dict[str, int] = {}
            self.messages: dict[str, list] = {}        # conv_id -> [message dicts], time order
            self.conversations: dict[str, dict] = {}   # owner -> {"1:peer"|"2:group": entry}
            self.push_attr_names: dict[str, str] = {}  # slot "0".."9" -> name
            self.push_attr_types: dict[str, int] = {}
            self.user_attrs: dict[str, dict] = {}      # uid -> {attr name: value}
            self.user_tags: dict[str, list] = {}       # uid -> [tags]
            self.push_tasks: list[dict] = []
            self.nospeaking: dict[str, dict] = {}      # uid -> {"c2c": until, "group": until}
            self.counters: dict[str, dict] = {}        # "YYYYMMDD" -> {metric: n}
            self.app_config: dict = dict(appconfig.DEFAULT)  # console settings (appconfig.py)
            self.c2c_peers: dict[str, set] = {}        # derived: uid -> peers with C2C history
            self.groups.reset()
            self.social.reset()
            self.messaging.reset()
            self.group_extras.reset()
            self.communities.reset()

    def to_dict(self) -> dict:
        with self.lock:
            data = {name: getattr(self, name) for name in SECTIONS}
            data["groups"] = self.groups.to_dict()
            data["social"] = self.social.to_dict()
            data["messaging"] = self.messaging.to_dict()
            data["group_extras"] = self.group_extras.to_dict()
            data["communities"] = self.communities.to_dict()
            return json.loads(json.dumps(data))  # a deep copy, and proof it serializes

    def load(self, data: dict) -> None:
        with self.lock:
            self.reset()
            for name in SECTIONS:
                if name in data and name != "app_config":
                    setattr(self, name, data[name])
            self.configure(data.get("app_config") or {})
            for cid in self.messages:
                a, b = cid.split("\x1f")
                self.c2c_peers.setdefault(a, set()).add(b)
                self.c2c_peers.setdefault(b, set()).add(a)
            self.groups.load(data.get("groups") or {})
            self.social.load(data.get("social") or {})
            self.messaging.load(data.get("messaging") or {})
            self.group_extras.load(data.get("group_extras") or {})
            self.communities.load(data.get("communities") or {})

    def save(self, path: str) -> None:
        data = self.to_dict()
        folder = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(prefix=".sandbox-state-", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def load_file(self, path: str) -> bool:
        if not os.path.exists(path):
            return False
        with open(path, encoding="utf-8") as fh:
            self.load(json.load(fh))
        return True

    def configure(self, changes: dict) -> dict:
        """Change the app's console settings (see appconfig.py); ValueError when invalid."""
        changes = appconfig.checked(changes)
        with self.lock:
            self.app_config.update(changes)
            return dict(self.app_config)

    # ---- accounts ----------------------------------------------------------------------
    def account_exists(self, uid) -> bool:
        return isinstance(uid, str) and uid in self.accounts

    def require_accounts(self, uids) -> list[str]:
        """The UserIDs among `uids` that were never imported (empty list = all exist)."""
        return [u for u in uids if not self.account_exists(u)]

    def import_account(self, uid: str, nick: str | None = None, face: str | None = None,
                       now: float | None = None) -> bool:
        """Create (or refresh) an account; True when it is new."""
        with self.lock:
            new = uid not in self.accounts
            if new:
                self.accounts[uid] = {"created": int(now or time.time()), "kicked_at": 0}
                self.profiles.setdefault(uid, {})
                self.count("RegistUserNumOneDay")
            if nick is not None:
                self.profiles[uid]["Tag_Profile_IM_Nick"] = nick
            if face is not None:
                self.profiles[uid]["Tag_Profile_IM_Image"] = face
            return new

    def ensure_account(self, uid: str, now: float | None = None) -> None:
        """An account that exists from the start (the App admin): created when missing, not
        counted as a registration, never refreshed."""
        with self.lock:
            if uid not in self.accounts:
                self.accounts[uid] = {"created": int(now or time.time()), "kicked_at": 0}
                self.profiles.setdefault(uid, {})

    def delete_account(self, uid: str) -> None:
        """Remove an account with its profile, relations, conversations and memberships."""
        with self.lock:
            self.accounts.pop(uid, None)
            for section in (self.online, self.profiles, self.friends, self.friend_groups,
                            self.sns_seq, self.blacklist, self.black_seq, self.conversations,
                            self.user_attrs, self.user_tags, self.nospeaking):
                section.pop(uid, None)
            for rel in (self.friends, self.blacklist):
                for peers in rel.values():
                    peers.pop(uid, None)
            forget = getattr(self.groups, "forget_account", None)
            if forget:
                forget(uid)
            self.social.forget_account(uid)
            self.messaging.forget_account(uid)

    def set_online(self, uid: str, platform: str, online: bool | str) -> None:
        """online: True/"Online", "PushOnline" (mobile in background) or False (logged out)."""
        with self.lock:
            devices = self.online.setdefault(uid, {})
            if online is True:
                online = "Online"
            if online:
                devices[platform] = online
                self.count("LoginTimes")
            else:
                devices.pop(platform, None)
            if not devices:
                self.online.pop(uid, None)

    def presence(self, uid: str) -> tuple[str, list[dict]]:
        devices = self.online.get(uid, {})
        detail = [{"Platform": p, "Status": s} for p, s in devices.items()]
        if "Online" in devices.values():
            return "Online", detail
        if devices:
            return "PushOnline", detail
        return "Offline", detail

    # ---- relationship chain -------------------------------------------------------------
    def bump_sns(self, owner: str) -> int:
        self.sns_seq[owner] = self.sns_seq.get(owner, 0) + 1
        return self.sns_seq[owner]

    def is_friend(self, owner: str, peer: str) -> bool:
        return peer in self.friends.get(owner, {})

    def is_blocked(self, owner: str, peer: str) -> bool:
        return peer in self.blacklist.get(owner, {})

    def add_friend(self, owner: str, peer: str, *, source: str = "", wording: str = "",
                   remark: str = "", groups=(), add_time: int | None = None,
                   custom: dict | None = None) -> None:
        with self.lock:
            rel = {"AddSource": source, "AddWording": wording, "Remark": remark,
                   "Groups": [], "AddTime": int(add_time or time.time()), "Custom": dict(custom or {})}
            self.friends.setdefault(owner, {})[peer] = rel
            for name in groups:
                self.ensure_friend_group(owner, name)
                rel["Groups"].append(name)
            self.bump_sns(owner)
            self.count("ChainIncrease")

    def remove_friend(self, owner: str, peer: str) -> bool:
        with self.lock:
            gone = self.friends.get(owner, {}).pop(peer, None) is not None
            if gone:
                self.bump_sns(owner)
                self.count("ChainDecrease")
            return gone

    def ensure_friend_group(self, owner: str, name: str) -> None:
        names = self.friend_groups.setdefault(owner, [])
        if name not in names:
            names.append(name)

    # ---- C2C messages --------------------------------------------------------------------
    def store_c2c(self, sender: str, receiver: str, *, seq: int, rnd: int, ts: int, body: list,
                  custom: str = "", unread: bool = True, sender_sees: bool = True,
                  key: str | None = None) -> dict:
        """Append a C2C message to the pair's history (kept in time order) and return it."""
        with self.lock:
            msg = {"From_Account": sender, "To_Account": receiver, "MsgSeq": seq, "MsgRandom": rnd,
                   "MsgTimeStamp": ts, "MsgKey": key or msg_key(seq, rnd, ts), "MsgBody": body,
                   "CloudCustomData": custom, "MsgFlagBits": 0, "IsPeerRead": 0,
                   "Unread": bool(unread), "HiddenFor": [] if sender_sees else [sender]}
            history = self.messages.setdefault(conv_id(sender, receiver), [])
            self.c2c_peers.setdefault(sender, set()).add(receiver)
            self.c2c_peers.setdefault(receiver, set()).add(sender)
            history.append(msg)
            if len(history) > MAX_HISTORY:
                del history[:len(history) - MAX_HISTORY]
            if len(history) > 1 and (history[-2]["MsgTimeStamp"], history[-2]["MsgSeq"]) > (ts, seq):
                history.sort(key=lambda m: (m["MsgTimeStamp"], m["MsgSeq"]))
            self.count("C2CUpMsgNum")
            return msg

    def find_c2c(self, a: str, b: str, key: str) -> dict | None:
        for msg in self.messages.get(conv_id(a, b), []):
            if msg["MsgKey"] == key and msg["From_Account"] == a and msg["To_Account"] == b:
                return msg
        return None

    def unread_count(self, owner: str, peer: str | None = None) -> int:
        """Unread C2C messages of `owner` (from `peer`, or from everyone)."""
        peers = [peer] if peer is not None else self.c2c_peers.get(owner, ())
        return sum(1 for p in peers for msg in self.messages.get(conv_id(owner, p), [])
                   if msg["To_Account"] == owner and msg["Unread"] and not msg["MsgFlagBits"]
                   and owner not in msg["HiddenFor"])

    def mark_read(self, owner: str, peer: str, until: int) -> None:
        with self.lock:
            for msg in self.messages.get(conv_id(owner, peer), []):
                if msg["To_Account"] == owner and msg["MsgTimeStamp"] <= until:
                    msg["Unread"] = False

    # ---- conversations -----------------------------------------------------------------
    def touch_conversation(self, owner: str, kind, peer: str, msg_time: int,
                           top: int | None = None) -> None:
        """Create or refresh `owner`'s conversation with `peer` (kind "c2c"/1 or "group"/2)."""
        kind = 2 if kind in (2, "group", "Group") else 1
        with self.lock:
            convs = self.conversations.setdefault(owner, {})
            entry = convs.setdefault(f"{kind}:{peer}", {"Type": kind, "Peer": peer,
                                                         "MsgTime": 0, "TopFlag": 0})
            entry["MsgTime"] = max(entry["MsgTime"], int(msg_time))
            if top is not None:
                entry["TopFlag"] = int(top)

    def delete_conversation(self, owner: str, kind: int, peer: str, clear_history: bool) -> None:
        with self.lock:
            self.conversations.get(owner, {}).pop(f"{kind}:{peer}", None)
            if clear_history and kind == 1:
                for msg in self.messages.get(conv_id(owner, peer), []):
                    if owner not in msg["HiddenFor"]:
                        msg["HiddenFor"].append(owner)

    # ---- global mute -------------------------------------------------------------------
    def mute_remaining(self, uid: str, kind: str, now: float) -> int:
        until = self.nospeaking.get(uid, {}).get(kind, 0)
        if until == PERMANENT:
            return PERMANENT
        return max(0, int(until - now))

    # ---- operations statistics ---------------------------------------------------------
    def count(self, metric: str, n: int = 1, now: float | None = None) -> None:
        day = time.strftime("%Y%m%d", time.gmtime(now or time.time()))
        with self.lock:
            today = self.counters.setdefault(day, {})
            today[metric] = today.get(metric, 0) + n
            if len(self.counters) > 40:
                for old in sorted(self.counters)[:-31]:
                    del self.counters[old]

    @staticmethod
    def random_u32() -> int:
        return random.randint(0, 4294967295)
