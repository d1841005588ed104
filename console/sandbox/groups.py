"""Group state of the sandbox: groups of every type, their members, messages and notices.

Plain data plus the rules that belong to the data (type capabilities, ID formats, sequence
numbers, unread counts). The REST handlers in `handlers/group/` validate requests, call
these methods under `state.lock` and shape the answers. Times are Unix seconds.
"""
from __future__ import annotations

import random
import string
from dataclasses import asdict, dataclass, field

TYPES = ("Private", "Public", "ChatRoom", "AVChatRoom", "Community")
TYPE_ALIASES = {"Work": "Private", "Meeting": "ChatRoom"}   # the SDK's newer names
MSG_FLAGS = ("AcceptAndNotify", "AcceptNotNotify", "Discard")
JOIN_OPTIONS = ("FreeAccess", "NeedPermission", "DisableApply")
INVITE_OPTIONS = ("FreeAccess", "NeedPermission", "DisableInvite")
PERMANENT = 4294967295          # MuteTime meaning "muted forever"

# default and highest MaxMemberNum per type (AVChatRoom is unlimited: 0)
DEFAULT_MAX = {"Private": 200, "Public": 2000, "ChatRoom": 6000, "AVChatRoom": 0, "Community": 100000}
CAP_MAX = {"Private": 6000, "Public": 6000, "ChatRoom": 6000, "AVChatRoom": 0, "Community": 1000000}
# the first character of a server-assigned ID tail, as in Tencent's examples
ID_MARK = {"Private": "1", "Public": "2", "ChatRoom": "3", "AVChatRoom": "a", "Community": "c"}

NO_MEMBERS = {"AVChatRoom"}                     # membership is online presence only
WITH_UNREAD = {"Private", "Public", "Community"}
WITHOUT_ADMINS = {"Private", "AVChatRoom"}
WITHOUT_MUTE = {"Private"}
PRIORITIES = {"High": 1, "Normal": 2, "Low": 3, "Lowest": 4}


@dataclass
class Member:
    account: str
    role: str = "Member"
    join_time: int = 0
    msg_seq: int = 0                 # last read seq
    msg_flag: str = "AcceptAndNotify"
    last_send_time: int = 0
    name_card: str = ""
    app_data: dict = field(default_factory=dict)
    unread: int = 0


@dataclass
class Message:
    seq: int
    random: int
    sender: str
    time: int
    body: list
    cloud_data: str = ""
    priority: int = 2
    system: bool = False             # a join/leave/profile tip
    recalled: bool = False
    to_accounts: list = field(default_factory=list)   # targeted message (To_Account)
    at_info: list = field(default_factory=list)


@dataclass
class Group:
    group_id: str
    type: str
    name: str
    owner: str = ""
    introduction: str = ""
    notification: str = ""
    face_url: str = ""
    max_members: int = 0
    apply_join: str = "NeedPermission"
    invite_join: str = ""
    mute_all: bool = False
    app_data: dict = field(default_factory=dict)
    create_time: int = 0
    info_seq: int = 0
    last_info_time: int = 0
    last_msg_time: int = 0
    next_msg_seq: int = 1
    members: dict = field(default_factory=dict)      # account -> Member, in join order
    mutes: dict = field(default_factory=dict)        # account -> muted until (survives leaving)
    messages: list = field(default_factory=list)     # Message, ascending seq
    notices: list = field(default_factory=list)      # system notifications sent to the group
    online: list = field(default_factory=list)       # AVChatRoom: accounts present right now
    activated: bool = True           # Private groups: False until the first message
    support_topic: int = 0
    serial: int = 0                  # creation order: the get_appid_group_list cursor

    # ---- derived facts ---------------------------------------------------------------
    @property
    def stores_members(self) -> bool:
        return self.type not in NO_MEMBERS

    @property
    def member_num(self) -> int:
        return len(self.online) if self.type in NO_MEMBERS else len(self.members)

    @property
    def message_count(self) -> int:
        return sum(1 for m in self.messages if not m.system)

    def role_of(self, account: str) -> str:
        member = self.members.get(account)
        return member.role if member else "NotMember"

    def mute_until(self, account: str, now: float) -> int:
        until = self.mutes.get(account, 0)
        return until if until == PERMANENT or until > now else 0

    def is_muted(self, account: str, now: float) -> bool:
        if self.mute_until(account, now):
            return True
        return self.mute_all and self.role_of(account) not in ("Owner", "Admin")

    # ---- changes ---------------------------------------------------------------------
    def touch_info(self, now: int) -> None:
        self.info_seq += 1
        self.last_info_time = now

    def add_member(self, account: str, now: int, role: str = "Member",
                   join_time: int | None = None) -> Member:
        member = Member(account, role=role, join_time=int(join_time or now),
                        msg_seq=self.next_msg_seq - 1)
        self.members[account] = member
        return member

    def remove_member(self, account: str) -> bool:
        if self.members.pop(account, None) is None:
            return False
        if self.owner == account:
            self.owner = ""
        return True

    def append_message(self, msg: Message, *, unread: bool = True, stored: bool = True) -> Message:
        """Give `msg` the next seq, keep it (unless `stored` is False) and count it unread
        for every member but the sender (or only the targeted members)."""
        msg.seq = self.next_msg_seq
        self.next_msg_seq += 1
        if stored:
            self.messages.append(msg)
        if msg.system:
            return msg
        self.last_msg_time = max(self.last_msg_time, msg.time)
        self.activated = True
        count_unread = unread and self.type in WITH_UNREAD and not msg.to_accounts
        for member in self.members.values():
            if member.account == msg.sender:
                member.msg_seq = msg.seq
                member.last_send_time = msg.time
                member.unread = 0
            elif count_unread:
                member.unread += 1
        return msg

    def set_unread(self, account: str, n: int) -> None:
        member = self.members[account]
        member.unread = max(0, min(int(n), self.message_count))
        member.msg_seq = max(0, self.next_msg_seq - 1 - member.unread)

    def find_message(self, seq: int) -> Message | None:
        for msg in self.messages:
            if msg.seq == seq:
                return msg
        return None

    # ---- persistence -----------------------------------------------------------------
    def to_dict(self) -> dict:
        data = asdict(self)
        data["members"] = [asdict(m) for m in self.members.values()]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Group":
        data = dict(data)
        members = data.pop("members", [])
        messages = data.pop("messages", [])
        group = cls(**data)
        group.members = {m["account"]: Member(**m) for m in members}
        group.messages = [Message(**m) for m in messages]
        group.mutes = {k: int(v) for k, v in group.mutes.items()}
        return group


def normalize_type(value) -> str | None:
    """The REST type id for `value` (accepting the SDK names Work/Meeting), or None."""
    if not isinstance(value, str):
        return None
    value = TYPE_ALIASES.get(value, value)
    return value if value in TYPES else None


def custom_id_problem(group_id, group_type: str) -> str | None:
    """Why `group_id` is not an acceptable custom group ID for `group_type` (None = fine)."""
    if not isinstance(group_id, str) or not group_id:
        return "GroupId must be a non-empty string"
    if len(group_id.encode()) > 48:
        return "GroupId longer than 48 bytes"
    if any(not (0x20 <= ord(ch) <= 0x7E) for ch in group_id):
        return "GroupId must be printable ASCII"
    if group_type == "Community":
        if not group_id.startswith("@TGS#_"):
            return "a Community GroupId must start with @TGS#_"
    elif group_id.startswith("@TGS#"):
        return "a custom GroupId must not start with @TGS#"
    return None


class GroupState:
    """All groups of the app. Composed by State as `state.groups`; callers hold `state.lock`."""

    def __init__(self, state):
        self.state = state
        self._rng = random.Random()
        self.groups: dict[str, Group] = {}
        self.serial = 0

    def reset(self) -> None:
        self.groups = {}
        self.serial = 0

    def to_dict(self) -> dict:
        return {"groups": [g.to_dict() for g in self.groups.values()]}

    def load(self, data: dict) -> None:
        self.groups = {}
        for item in data.get("groups", []):
            group = Group.from_dict(item)
            self.groups[group.group_id] = group
        self.serial = max((g.serial for g in self.groups.values()), default=0)

    # ---- lookups -----------------------------------------------------------------------
    def get(self, group_id) -> Group | None:
        return self.groups.get(group_id) if isinstance(group_id, str) else None

    def joined(self, account: str) -> list[Group]:
        """Groups `account` belongs to (AVChatRoom: present in, or owns), in creation order."""
        found = []
        for group in self.groups.values():
            if group.stores_members:
                if account in group.members:
                    found.append(group)
            elif account in group.online or group.owner == account:
                found.append(group)
        return found

    def owned_count(self, account: str) -> int:
        return sum(1 for g in self.groups.values() if g.owner == account)

    def unread(self, group_id: str, account: str) -> int:
        group = self.get(group_id)
        member = group.members.get(account) if group else None
        return member.unread if member else 0

    # ---- creation / removal ----------------------------------------------------------------
    def new_id(self, group_type: str) -> str:
        alphabet = string.ascii_uppercase + string.digits
        while True:
            tail = ID_MARK[group_type] + "".join(self._rng.choice(alphabet) for _ in range(8))
            group_id = ("@TGS#_@TGS#" if group_type == "Community" else "@TGS#") + tail
            if group_id not in self.groups:
                return group_id

    def add_group(self, group_type: str, name: str, now: int, *, group_id: str | None = None,
                  owner: str = "", members=(), **profile) -> Group:
        """Create a group (no checks: the handlers validate). `members` are (account, role)
        pairs or plain accounts; the owner is added first as `Owner`. Tests and demo data may
        call this directly to place groups with Tencent-style IDs."""
        group_type = normalize_type(group_type) or group_type
        group = Group(group_id=group_id or self.new_id(group_type), type=group_type, name=name,
                      owner=owner or "", create_time=int(now), last_info_time=int(now),
                      max_members=DEFAULT_MAX[group_type],
                      apply_join="FreeAccess" if group_type in ("ChatRoom", "AVChatRoom", "Community")
                      else "NeedPermission",
                      activated=group_type != "Private")
        for key, value in profile.items():
            if value is not None:
                setattr(group, key, value)
        if group.stores_members:
            if owner:
                group.add_member(owner, now, role="Owner", join_time=group.create_time)
            for item in members:
                account, role = (item, "Member") if isinstance(item, str) else item
                if account not in group.members:
                    group.add_member(account, now, role=role or "Member", join_time=group.create_time)
        self.serial += 1
        group.serial = self.serial
        self.groups[group.group_id] = group
        return group

    def destroy(self, group_id: str) -> Group | None:
        communities = getattr(self.state, "communities", None)
        if communities is not None:          # a community's topics and permission groups go too
            communities.forget_group(group_id)
        return self.groups.pop(group_id, None)

    def forget_account(self, account: str) -> None:
        """A deleted account leaves every group it was in."""
        for group in self.groups.values():
            group.remove_member(account)
            group.mutes.pop(account, None)
            if account in group.online:
                group.online.remove(account)
            if group.owner == account:
                group.owner = ""

    def join_online(self, group_id: str, account: str, present: bool = True) -> bool:
        """AVChatRoom presence (the client SDK's join/quit); False for other types, and for a
        user banned from the room (state.group_extras)."""
        group = self.get(group_id)
        if group is None or group.stores_members:
            return False
        if present and self.state.group_extras.is_banned(group, account):
            return False
        if present and account not in group.online:
            group.online.append(account)
        elif not present and account in group.online:
            group.online.remove(account)
        return True
