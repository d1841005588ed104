"""Group depth state of the sandbox: what a group carries beyond its profile, members and messages.

Per group: custom attributes, counters, the ban list, read receipts, how far the history was
cleared, and for an AVChatRoom its admins, member marks and when each online member joined.
App-wide: the AVChatRoom broadcasts. Composed by State as `state.group_extras` (reset, saved and
loaded with the rest of the state); callers hold `state.lock`.

A group's extras remember the group's creation `serial`: the extras of a disbanded group never
reach a new group that reuses its custom ID, and they are dropped from the saved state.
"""
from __future__ import annotations

import time
from collections import deque
from dataclasses import asdict, dataclass, field

ATTR_WRITES_PER_SECOND = 5      # per group (error 10049 beyond)
MAX_BROADCASTS = 100            # broadcasts kept for inspection (the oldest go first)
BROADCAST_DEDUP = 300           # the same Random and body within 5 minutes is one broadcast


@dataclass
class Extras:
    serial: int                                       # the group's creation serial
    attrs: dict = field(default_factory=dict)         # key -> value, in insertion order
    counters: dict = field(default_factory=dict)      # key -> int
    bans: dict = field(default_factory=dict)          # account -> {"until": s, "description": str}
    receipts: dict = field(default_factory=dict)      # "seq" -> {"audience": [...], "readers": [...]}
    cleared_upto: int = 0                             # history up to this seq hidden from members
    admins: list = field(default_factory=list)        # AVChatRoom admins, in the order they were set
    marks: dict = field(default_factory=dict)         # AVChatRoom: account -> [marks] (online members)
    joined: dict = field(default_factory=dict)        # AVChatRoom: account -> join time (online members)

    # ---- bans ----------------------------------------------------------------------------
    def banned_until(self, account: str, now: float) -> int:
        """When `account`'s ban ends (0: not banned); an expired ban is forgotten."""
        ban = self.bans.get(account)
        if ban is None:
            return 0
        if ban["until"] <= now:
            del self.bans[account]
            return 0
        return ban["until"]

    def live_bans(self, now: float) -> list[tuple[str, int]]:
        """(account, until) of the running bans, in the order they were set."""
        running = []
        for account in list(self.bans):
            until = self.banned_until(account, now)
            if until:
                running.append((account, until))
        return running

    # ---- read receipts -------------------------------------------------------------------
    def receipt(self, seq: int) -> dict | None:
        return self.receipts.get(str(seq))

    def expect_receipts(self, seq: int, audience) -> None:
        """A message sent with NeedReadReceipt: every member but the sender may read it."""
        self.receipts[str(seq)] = {"audience": list(audience), "readers": []}

    # ---- AVChatRoom presence ---------------------------------------------------------------
    def sync_presence(self, online, now: float) -> None:
        """Match join times and marks to who is online: newcomers joined now; who left loses
        their marks (the special mark 500 keeps a member counted as online)."""
        present = set(online)
        for account in online:
            self.joined.setdefault(account, int(now))
        for account in list(self.joined):
            if account not in present:
                del self.joined[account]
        for account in list(self.marks):
            if account not in present and 500 not in self.marks[account]:
                del self.marks[account]


class GroupExtrasState:
    """Every group's Extras, plus the app's AVChatRoom broadcasts."""

    def __init__(self, state):
        self.state = state
        self.reset()

    def reset(self) -> None:
        self.extras: dict[str, Extras] = {}
        self.broadcasts: list[dict] = []
        self.broadcast_seq = 0
        self._attr_writes: dict[str, deque] = {}   # group -> recent write times (not saved)

    def to_dict(self) -> dict:
        groups = self.state.groups
        live = {gid: asdict(ex) for gid, ex in self.extras.items()
                if groups.get(gid) is not None and groups.get(gid).serial == ex.serial}
        return {"groups": live, "broadcasts": self.broadcasts, "broadcast_seq": self.broadcast_seq}

    def load(self, data: dict) -> None:
        self.reset()
        self.extras = {gid: Extras(**item) for gid, item in (data.get("groups") or {}).items()}
        self.broadcasts = list(data.get("broadcasts") or [])
        self.broadcast_seq = int(data.get("broadcast_seq") or 0)

    # ---- lookups ---------------------------------------------------------------------------
    def of(self, group) -> Extras:
        """`group`'s extras, created empty on first use (or when the ID now names a new group)."""
        extras = self.extras.get(group.group_id)
        if extras is None or extras.serial != group.serial:
            extras = self.extras[group.group_id] = Extras(serial=group.serial)
        return extras

    def peek(self, group) -> Extras | None:
        """`group`'s extras if it has any (no side effect)."""
        extras = self.extras.get(group.group_id)
        return extras if extras is not None and extras.serial == group.serial else None

    def is_banned(self, group, account: str, now: float | None = None) -> bool:
        """True while `account` may not join `group` (the join paths ask this)."""
        extras = self.peek(group)
        return bool(extras and extras.banned_until(account, time.time() if now is None else now))

    # ---- the per-group attribute write limit --------------------------------------------------
    def allow_attr_write(self, group_id: str, now: float) -> bool:
        """At most ATTR_WRITES_PER_SECOND attribute writes per group in any second."""
        recent = self._attr_writes.setdefault(group_id, deque())
        while recent and recent[0] <= now - 1.0:
            recent.popleft()
        if len(recent) >= ATTR_WRITES_PER_SECOND:
            return False
        recent.append(now)
        return True

    # ---- broadcasts --------------------------------------------------------------------------
    def broadcast(self, sender: str, rnd: int, body: list, custom: str, now: float, rooms: list[str]) -> dict:
        """Record a broadcast to `rooms` and give it a seq; a repeat (same Random and body within
        5 minutes) is the earlier broadcast."""
        for old in reversed(self.broadcasts):
            if old["Time"] < now - BROADCAST_DEDUP:
                break
            if old["Random"] == rnd and old["MsgBody"] == body:
                return old
        self.broadcast_seq += 1
        entry = {"MsgSeq": self.broadcast_seq, "From_Account": sender, "Random": rnd, "MsgBody": body,
                 "CloudCustomData": custom, "Time": int(now), "Groups": list(rooms)}
        self.broadcasts.append(entry)
        del self.broadcasts[:-MAX_BROADCASTS]
        return entry
