"""Community (社群) state of the sandbox: topics and permission groups of Community groups.

Plain data plus the rules that belong to it (ID formats, per-topic message sequences, topic
mutes, permission bits), kept beside `state.groups` as `state.communities` and saved in the
state file under "communities". The REST handlers in `handlers/community.py` (topics and
permission groups) and the group message handlers (topic-scoped send, history, recall,
import, mute) call these methods under `state.lock`.

A topic keeps its own message sequence, history, mutes and "mute all" switch, as the client
SDKs show; the community's members are the topic's members. `TopicView` lets the group
message handlers treat a topic like a group (sequence, history, mutes) without knowing which
one they hold. Facts: ../shared/spec/endpoints-groups.md (topic ID format), Tencent's topic
pages (1047/49471 create, 49470 destroy, 49469 get, 49468 modify, import_topic) and permission
group pages (1047/61232-61242).
"""
from __future__ import annotations

import random
import string
from dataclasses import asdict, dataclass, field

from .groups import PERMANENT, Group, Message
from .registry import ApiError

TOPIC_MARK = "@TOPIC#_"
PMG_PREFIX = "@PMG#_"
MAX_TOPIC_ID_BYTES = 96
MAX_PMG_ID_BYTES = 96          # not documented; the topic ID's bound is used


@dataclass
class Topic:
    topic_id: str
    name: str
    create_time: int = 0
    face_url: str = ""
    introduction: str = ""
    notification: str = ""
    custom_string: str = ""
    mute_all: bool = False
    last_msg_time: int = 0
    next_msg_seq: int = 1
    messages: list = field(default_factory=list)     # Message, ascending seq
    notices: list = field(default_factory=list)      # system notifications sent into the topic
    mutes: dict = field(default_factory=dict)        # account -> muted until
    read_seq: dict = field(default_factory=dict)     # account -> last seq it sent or read

    def mute_until(self, account: str, now: float) -> int:
        until = self.mutes.get(account, 0)
        return until if until == PERMANENT or until > now else 0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Topic":
        data = dict(data)
        messages = data.pop("messages", [])
        topic = cls(**data)
        topic.messages = [Message(**m) for m in messages]
        topic.mutes = {k: int(v) for k, v in topic.mutes.items()}
        return topic


@dataclass
class PermissionGroup:
    permission_group_id: str
    name: str
    permission: int = 0
    custom_string: str = ""
    members: list = field(default_factory=list)       # accounts, in the order they were added
    topics: dict = field(default_factory=dict)        # topic id -> permission bits
    serial: int = 0                                   # creation order: the listing cursor


class TopicView:
    """A topic seen through the interface the group message handlers use on a Group: its own
    sequence, history and mutes; the community's ID, type, members and roles."""

    def __init__(self, group: Group, topic: Topic, gross=None):
        self.group, self.topic, self._gross = group, topic, gross

    group_id = property(lambda self: self.group.group_id)
    type = property(lambda self: self.group.type)
    members = property(lambda self: self.group.members)
    stores_members = property(lambda self: True)
    messages = property(lambda self: self.topic.messages)
    notices = property(lambda self: self.topic.notices)
    mutes = property(lambda self: self.topic.mutes)
    topic_id = property(lambda self: self.topic.topic_id)
    create_time = property(lambda self: self.topic.create_time)

    @property
    def next_msg_seq(self) -> int:
        return self.topic.next_msg_seq

    @property
    def last_msg_time(self) -> int:
        return self.topic.last_msg_time

    def role_of(self, account: str) -> str:
        return self.group.role_of(account)

    def mute_until(self, account: str, now: float) -> int:
        """The topic's own mute (what the topic's muted list shows)."""
        return self.topic.mute_until(account, now)

    def is_muted(self, account: str, now: float) -> bool:
        """Muted in the topic, muted in the whole community, or the topic is muted for everyone
        but the owner and admins."""
        if self.mute_until(account, now) or self.group.is_muted(account, now):
            return True
        return self.topic.mute_all and self.role_of(account) not in ("Owner", "Admin")

    def find_message(self, seq: int) -> Message | None:
        for msg in self.topic.messages:
            if msg.seq == seq:
                return msg
        return None

    def append_message(self, msg: Message, *, unread: bool = True, stored: bool = True) -> Message:
        """Give `msg` the topic's next seq and keep it; the sender has read the topic up to it.
        Topic unread counts are not kept (the community's own counts are not touched)."""
        topic = self.topic
        msg.seq = topic.next_msg_seq
        topic.next_msg_seq += 1
        if stored:
            topic.messages.append(msg)
        if not msg.system:
            topic.last_msg_time = max(topic.last_msg_time, msg.time)
            topic.read_seq[msg.sender] = msg.seq
            if self._gross is not None:
                self._gross(self.group.group_id, msg.sender)
        return msg


def _id_problem(name: str, value, max_bytes: int) -> str | None:
    """What the two custom ID kinds share: a non-empty printable-ASCII string of bounded length."""
    if not isinstance(value, str) or not value:
        return f"{name} must be a non-empty string"
    if len(value.encode()) > max_bytes:
        return f"{name} is longer than {max_bytes} bytes"
    if any(not 0x20 <= ord(ch) <= 0x7E for ch in value):
        return f"{name} must be printable ASCII"
    return None


def topic_id_problem(topic_id, group_id: str) -> str | None:
    """Why `topic_id` is not an acceptable custom topic ID in `group_id` (None = fine):
    `<GroupId>@TOPIC#_<part>`, printable ASCII, ≤ 96 bytes, the part free of `@TGS#_` and
    `@TOPIC#_@TOPIC#` (those mark server-assigned IDs)."""
    problem = _id_problem("TopicId", topic_id, MAX_TOPIC_ID_BYTES)
    if problem:
        return problem
    prefix = group_id + TOPIC_MARK
    part = topic_id[len(prefix):]
    if not topic_id.startswith(prefix) or not part:
        return f"TopicId must look like {prefix}<custom part>"
    if "@TGS#_" in part or part.startswith("@TOPIC#"):
        return "the custom part of a TopicId may not hold @TGS#_ or start with @TOPIC#"
    return None


def permission_group_id_problem(pg_id) -> str | None:
    """Why `pg_id` is not an acceptable custom permission-group ID: `@PMG#_<part>` (not
    `@PMG#_@PMG#…`, the assigned form), printable ASCII."""
    problem = _id_problem("PermissionGroupId", pg_id, MAX_PMG_ID_BYTES)
    if problem:
        return problem
    if pg_id == PMG_PREFIX or not pg_id.startswith(PMG_PREFIX) or pg_id.startswith(PMG_PREFIX + "@PMG#"):
        return f"a custom PermissionGroupId must start with {PMG_PREFIX} (and not {PMG_PREFIX}@PMG#)"
    return None


class CommunityState:
    """Topics and permission groups per community. Composed by State as `state.communities`;
    callers hold `state.lock`."""

    def __init__(self, state):
        self.state = state
        self._rng = random.Random()
        self.reset()

    def reset(self) -> None:
        self.topics: dict[str, dict[str, Topic]] = {}             # group id -> topic id -> Topic
        self.permission_groups: dict[str, dict[str, PermissionGroup]] = {}
        self.gross_seq: dict[str, int] = {}                       # group id -> topic messages sent
        self.gross_read: dict[str, dict[str, int]] = {}           # group id -> account -> gross seq
        self.serial = 0

    def to_dict(self) -> dict:
        return {"topics": {g: [t.to_dict() for t in ts.values()] for g, ts in self.topics.items()},
                "permission_groups": {g: [asdict(p) for p in ps.values()]
                                      for g, ps in self.permission_groups.items()},
                "gross_seq": self.gross_seq, "gross_read": self.gross_read}

    def load(self, data: dict) -> None:
        self.reset()
        for group_id, items in (data.get("topics") or {}).items():
            self.topics[group_id] = {t["topic_id"]: Topic.from_dict(t) for t in items}
        for group_id, items in (data.get("permission_groups") or {}).items():
            self.permission_groups[group_id] = {p["permission_group_id"]: PermissionGroup(**p) for p in items}
        self.gross_seq = dict(data.get("gross_seq") or {})
        self.gross_read = {g: dict(r) for g, r in (data.get("gross_read") or {}).items()}
        self.serial = max((p.serial for ps in self.permission_groups.values() for p in ps.values()), default=0)

    def forget_group(self, group_id: str) -> None:
        """A disbanded group takes its topics and permission groups with it."""
        for section in (self.topics, self.permission_groups, self.gross_seq, self.gross_read):
            section.pop(group_id, None)

    # ---- topics ---------------------------------------------------------------------------
    def topics_of(self, group_id: str) -> dict[str, Topic]:
        return self.topics.get(group_id, {})

    def topic(self, group_id: str, topic_id) -> Topic | None:
        return self.topics.get(group_id, {}).get(topic_id) if isinstance(topic_id, str) else None

    def view(self, group: Group, topic: Topic) -> TopicView:
        return TopicView(group, topic, self._count_gross)

    def scope(self, group: Group, topic_id) -> Group | TopicView:
        """Where a group message command acts: the group itself, or (with a TopicId, already
        checked for its format) that topic of the community; 10010 when the topic is gone."""
        if not topic_id:
            return group
        topic = self.topic(group.group_id, topic_id)
        if topic is None:
            raise ApiError(10010, "the topic does not exist or has been deleted")
        return self.view(group, topic)

    def new_topic_id(self, group_id: str) -> str:
        alphabet = string.ascii_uppercase + string.digits
        while True:
            tail = "c" + "".join(self._rng.choice(alphabet) for _ in range(8))
            topic_id = f"{group_id}{TOPIC_MARK}@TOPIC#{tail}"
            if topic_id not in self.topics_of(group_id):
                return topic_id

    def add_topic(self, group_id: str, name: str, now: int, *, topic_id: str | None = None,
                  **profile) -> Topic:
        topic = Topic(topic_id=topic_id or self.new_topic_id(group_id), name=name, create_time=int(now))
        for key, value in profile.items():
            if value is not None:
                setattr(topic, key, value)
        self.topics.setdefault(group_id, {})[topic.topic_id] = topic
        return topic

    def destroy_topic(self, group_id: str, topic_id: str) -> bool:
        if self.topics.get(group_id, {}).pop(topic_id, None) is None:
            return False
        for pg in self.permission_groups.get(group_id, {}).values():
            pg.topics.pop(topic_id, None)
        return True

    def _count_gross(self, group_id: str, sender: str) -> None:
        """Every topic message advances the community's gross sequence; the sender has read it."""
        self.gross_seq[group_id] = self.gross_seq.get(group_id, 0) + 1
        self.gross_read.setdefault(group_id, {})[sender] = self.gross_seq[group_id]

    def gross_next_seq(self, group_id: str) -> int:
        return self.gross_seq.get(group_id, 0) + 1

    def gross_read_seq(self, group_id: str, account: str) -> int:
        return self.gross_read.get(group_id, {}).get(account, 0)

    # ---- permission groups ------------------------------------------------------------------
    def permission_groups_of(self, group_id: str) -> dict[str, PermissionGroup]:
        return self.permission_groups.get(group_id, {})

    def permission_group(self, group_id: str, pg_id) -> PermissionGroup | None:
        return self.permission_groups.get(group_id, {}).get(pg_id) if isinstance(pg_id, str) else None

    def new_permission_group_id(self, group_id: str) -> str:
        alphabet = string.ascii_uppercase + string.digits
        while True:
            pg_id = f"{PMG_PREFIX}@PMG#c" + "".join(self._rng.choice(alphabet) for _ in range(6))
            if pg_id not in self.permission_groups_of(group_id):
                return pg_id

    def add_permission_group(self, group_id: str, name: str, *, pg_id: str | None = None,
                             permission: int = 0, custom_string: str = "") -> PermissionGroup:
        self.serial += 1
        pg = PermissionGroup(permission_group_id=pg_id or self.new_permission_group_id(group_id), name=name,
                             permission=permission, custom_string=custom_string, serial=self.serial)
        self.permission_groups.setdefault(group_id, {})[pg.permission_group_id] = pg
        return pg

    def destroy_permission_group(self, group_id: str, pg_id: str) -> bool:
        return self.permission_groups.get(group_id, {}).pop(pg_id, None) is not None

    @staticmethod
    def current_members(group: Group, pg: PermissionGroup) -> list[str]:
        """The permission group's members that are still in the community (someone who left, or
        whose account was deleted, drops out of every permission group)."""
        pg.members[:] = [a for a in pg.members if a in group.members]
        return pg.members
