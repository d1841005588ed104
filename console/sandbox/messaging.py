"""Sandbox state around messages: message extensions, conversation groups and marks, bots.

Plain JSON-ready data behind the sandbox's one lock (`state.lock`), plus the rules that belong
to the data; the REST handlers (`handlers/message_ext.py`, `contact_group.py`, `robot.py`,
`c2c_history.py`) validate requests and shape the answers. `State` owns one `MessagingState`
as `state.messaging`: its reset, save and load include it.

Message extensions (`openim_msg_ext_http_svc/*`), as the IM docs describe them:
- a message carries extensions only when it was sent with `SupportMessageExtension: 1`
  (`enable_extensions` is called by the send handlers); else 23002;
- up to 300 key-value pairs per message, keys <= 100 bytes, values <= 1000 bytes, up to 20
  pairs set or deleted per request, at most 200 set requests a minute per message (23003);
- every successful set, delete or clear raises the message's `LatestSeq` by one, and the
  pairs it wrote carry that Seq; a clear also moves `ClearSeq` to it;
- a pair whose request item carries `Seq` is written only when that Seq is the pair's current
  one (0 for a new key), else 23001 with the stored pair. The docs say App admin calls are
  not Seq-checked; the sandbox checks an item that carries `Seq` and writes one without it
  unconditionally, so that both the admin's forced writes and the published 23001 answer can
  be reproduced.

Conversation groups and marks (`recentcontact/*_contact_group`, `mark_contact`): per user, at
most 20 groups (names <= 32 bytes) and 1000 conversations with group or mark data. A standard
mark is a 64-bit set addressed by bit number; the sandbox writes `StandardMark` as the binary
digits of that set, lowest bit last (the docs show such strings without saying the order).

Bots (`openim_robot_http_svc/*`): `@RBT#` accounts, at most 20 active per app; a deleted bot
stays an account but leaves the bot list. Streaming messages are stored as one C2C message whose
body is a single TIMCustomElem; its `Data` is the JSON `{"chunks": [...], "isFinished": 0|1}`
(the sandbox's own shape: the streaming protocol the docs name is not published in the spec).
"""
from __future__ import annotations

import json
import time
from collections import deque

EXT_MAX_PAIRS = 300            # pairs per message
EXT_MAX_PER_REQUEST = 20       # pairs set or deleted per request
EXT_KEY_BYTES, EXT_VALUE_BYTES = 100, 1000
EXT_PAGE = 200                 # pairs returned per get
EXT_SETS_PER_MINUTE = 200      # set requests per message per minute (23003 beyond)
SEQ_CONFLICT, EXT_UNSUPPORTED, EXT_TOO_OFTEN, MSG_NOT_FOUND = 23001, 23002, 23003, 23004
SET, DELETE, CLEAR = 1, 2, 3

CONTACT_GROUPS_MAX = 20
CONTACT_GROUP_NAME_BYTES = 32
CONTACTS_MAX = 1000
MARK_BITS = 64

ROBOT_PREFIX = "@RBT#"
ROBOTS_MAX = 20


def c2c_ext_key(sender: str, receiver: str, msg_key: str) -> str:
    return "\x1f".join(("c2c", sender, receiver, msg_key))


def group_ext_key(group_id: str, msg_seq: int) -> str:
    return "\x1f".join(("group", group_id, str(msg_seq)))


def contact_key(kind: int, peer: str) -> str:
    return f"{kind}:{peer}"


def mark_string(bits: int) -> str:
    return format(bits, "b")


def stream_body(chunks: list[str], finished: bool) -> list[dict]:
    data = json.dumps({"chunks": chunks, "isFinished": int(finished)}, ensure_ascii=False)
    return [{"MsgType": "TIMCustomElem", "MsgContent": {"Data": data, "Desc": "", "Ext": ""}}]


class MessagingState:
    SECTIONS = ("extensions", "contacts", "robots", "streams")

    def __init__(self, state):
        self.state = state
        self.reset()

    # ---- lifecycle -----------------------------------------------------------------------
    def reset(self) -> None:
        self.extensions: dict[str, dict] = {}  # ext key -> {"pairs": {k: {"Value","Seq"}}, "latest", "clear"}
        self.contacts: dict[str, dict] = {}    # owner -> {"groups": [...], "next_id": n, "items": {key: entry}}
        self.robots: dict[str, dict] = {}      # bot id -> {"created": ts, "active": bool}
        self.streams: dict[str, dict] = {}     # c2c ext key of the message -> {"chunks": [...], "finished"}
        self._sets: dict[str, deque] = {}      # not saved: recent set times per message

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.SECTIONS}

    def load(self, data: dict) -> None:
        self.reset()
        for name in self.SECTIONS:
            if isinstance(data.get(name), dict):
                setattr(self, name, data[name])

    def forget_account(self, uid: str) -> None:
        """An account was deleted: its conversation groups, marks and bot entry go too."""
        self.contacts.pop(uid, None)
        self.robots.pop(uid, None)

    # ---- message extensions ----------------------------------------------------------------
    def enable_extensions(self, key: str) -> None:
        self.extensions.setdefault(key, {"pairs": {}, "latest": 0, "clear": 0})

    def extension(self, key: str) -> dict | None:
        return self.extensions.get(key)

    def may_set(self, key: str, now: float) -> bool:
        """Count one set request on the message; False once it passed 200 in the last minute."""
        times = self._sets.setdefault(key, deque())
        while times and times[0] <= now - 60:
            times.popleft()
        if len(times) >= EXT_SETS_PER_MINUTE:
            return False
        times.append(now)
        return True

    @staticmethod
    def public_pairs(record: dict, start_seq: int = 0) -> tuple[list[dict], bool]:
        """Pairs with Seq >= start_seq by Seq (then key), one page, and whether that is all."""
        pairs = sorted(((p["Seq"], k, p["Value"]) for k, p in record["pairs"].items() if p["Seq"] >= start_seq))
        page = [{"Key": k, "Value": v, "Seq": s} for s, k, v in pairs[:EXT_PAGE]]
        return page, len(pairs) <= EXT_PAGE

    @staticmethod
    def apply(record: dict, operation: int, items: list[dict]) -> tuple[list[dict], list[dict]]:
        """Run a set (1), delete (2) or clear (3) on an extension record.

        `items` are checked request items ({"Key", "Value"?, "Seq"?}). Returns the per-item
        results as the API answers them and the pairs that changed (for the callback)."""
        pairs = record["pairs"]
        if operation == CLEAR:
            record["latest"] += 1
            record["clear"] = record["latest"]
            pairs.clear()
            return [], []
        results, staged = [], []
        for item in items:
            key = item["Key"]
            current = pairs.get(key)
            seq_now = current["Seq"] if current else 0
            if "Seq" in item and item["Seq"] != seq_now:
                stored = current or {"Value": "", "Seq": 0}
                results.append({"ErrorCode": SEQ_CONFLICT,
                                "Extension": {"Key": key, "Value": stored["Value"], "Seq": stored["Seq"]}})
                continue
            results.append({"ErrorCode": 0, "Extension": {"Key": key, "Value": item.get("Value", "")}})
            staged.append((results[-1], item))
        if not staged:
            return results, []
        record["latest"] += 1
        seq = record["latest"]
        changed = []
        for result, item in staged:
            result["Extension"]["Seq"] = seq
            if operation == SET:
                pairs[item["Key"]] = {"Value": item["Value"], "Seq": seq}
            else:
                pairs.pop(item["Key"], None)
                result["Extension"]["Value"] = ""
            changed.append(dict(result["Extension"]))
        return results, changed

    # ---- conversation groups and marks ---------------------------------------------------
    def book(self, owner: str) -> dict:
        return self.contacts.setdefault(owner, {"groups": [], "next_id": 1, "items": {}})

    @staticmethod
    def find_group(book: dict, name: str) -> dict | None:
        return next((g for g in book["groups"] if g["GroupName"] == name), None)

    @staticmethod
    def entry(book: dict, kind: int, peer: str, now: float, create: bool = True) -> dict | None:
        key = contact_key(kind, peer)
        found = book["items"].get(key)
        if found is None and create:
            found = book["items"][key] = {"Type": kind, "Peer": peer, "StandardMark": 0, "CustomMark": "",
                                          "ContactGroupId": [], "Timestamp": int(now)}
        return found

    @staticmethod
    def prune(book: dict) -> None:
        """Drop conversations left without groups or marks."""
        for key in [k for k, e in book["items"].items()
                    if not (e["ContactGroupId"] or e["StandardMark"] or e["CustomMark"])]:
            del book["items"][key]

    @staticmethod
    def public_entry(entry: dict) -> dict:
        out = {"Type": entry["Type"], ("To_Account" if entry["Type"] == 1 else "ToGroupId"): entry["Peer"],
               "StandardMark": mark_string(entry["StandardMark"]), "CustomMark": entry["CustomMark"],
               "ContactGroupId": list(entry["ContactGroupId"]), "Timestamp": entry["Timestamp"]}
        return out

    # ---- bots ----------------------------------------------------------------------------------
    def is_robot(self, uid) -> bool:
        return isinstance(uid, str) and bool(self.robots.get(uid, {}).get("active"))

    def active_robots(self) -> list[str]:
        return [uid for uid, bot in self.robots.items() if bot.get("active")]

    def add_robot(self, uid: str, now: float | None = None) -> None:
        bot = self.robots.setdefault(uid, {"created": int(now or time.time())})
        bot["active"] = True
