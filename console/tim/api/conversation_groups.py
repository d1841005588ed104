"""Conversation groups and marks (`recentcontact/*_contact_group`, `recentcontact/mark_contact`).

A mixin of `ConversationAPI` (client.conversation). Facts from the six pages (intl 1047
"Conversation Group Mark"; the spec gives the two caps): a user has at most 20 conversation
groups (names <= 32 bytes, 51010/51011) and group or mark data for at most 1000 conversations
(51008); one group is created, deleted or renamed per request; marks are set for at most 100
conversations per request (51006; the method batches); a search names at most 300
conversations (the method batches). A standard mark is a set of bit numbers: bits 1 favourite,
2 unread, 3 folded, 4 hidden are IM's own, the upper 32 of the 64 are the app's; the custom
mark is a string of at most 256 bytes. `StandardMark` comes back as a string of binary digits.
Codes: 50001 user not imported, 50002 bad parameter, 51007 group conversation of a group that
does not exist, 51009 no such conversation group. All commands: 200 calls/s.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator, Sequence

from console.tim.api._base import (
    check_int, check_list, check_str, check_user_id, envelope, invalid, items_in_order, paginate,
)
from console.tim.errors import TimError
from console.tim.results import BatchResult, ItemResult, Result

SVC = "recentcontact/"
CREATE, DELETE, UPDATE = SVC + "create_contact_group", SVC + "del_contact_group", SVC + "update_contact_group"
SEARCH, MARK, GET = SVC + "search_contact_group", SVC + "mark_contact", SVC + "get_contact_group"
MAX_GROUPS, MAX_NAME_BYTES, MAX_CONVERSATIONS = 20, 32, 1000
MAX_MARKS_PER_REQUEST, MAX_SEARCH = 100, 300
MAX_CUSTOM_MARK_BYTES = 256
MARK_BITS = 64
FAVORITE, UNREAD, FOLDED, HIDDEN = 1, 2, 3, 4     # IM's own standard mark bits
MARK_STANDARD, MARK_CUSTOM, MARK_BOTH = 1, 2, 3
RENAME, MEMBERS = 1, 2
ADD, REMOVE = 1, 2
_KINDS = {"c2c": 1, "group": 2, 1: 1, 2: 2}


@dataclass(frozen=True)
class ConversationRef:
    """A conversation of the user: `type` 1 (C2C, `peer` a UserID) or 2 (group, `peer` a GroupId)."""
    type: int
    peer: str

    @classmethod
    def c2c(cls, user_id: str) -> "ConversationRef":
        return cls(1, user_id)

    @classmethod
    def group(cls, group_id: str) -> "ConversationRef":
        return cls(2, group_id)

    @classmethod
    def of(cls, value) -> "ConversationRef":
        """A ConversationRef, or a ("c2c"|"group"|1|2, id) pair."""
        if isinstance(value, ConversationRef):
            ref = value
        elif isinstance(value, (tuple, list)) and len(value) == 2 and value[0] in _KINDS:
            ref = cls(_KINDS[value[0]], value[1])
        else:
            raise invalid(f"a conversation is a ConversationRef or a ('c2c'|'group', id) pair, got {value!r}")
        if ref.type == 1:
            check_user_id("conversation user", ref.peer)
        else:
            check_str("conversation group", ref.peer, max_bytes=96)
        return ref

    @classmethod
    def from_json(cls, item: dict) -> "ConversationRef":
        kind = int(item.get("Type") or 1)
        return cls(kind, item.get("To_Account" if kind == 1 else "ToGroupId") or "")

    def to_json(self) -> dict:
        return {"Type": self.type, ("To_Account" if self.type == 1 else "ToGroupId"): self.peer}


@dataclass(frozen=True)
class MarkChange:
    """What to change on one conversation's marks: standard bits to set and to clear, and/or
    the custom mark (None leaves it as it is)."""
    conversation: ConversationRef | tuple
    set_bits: Sequence[int] = ()
    clear_bits: Sequence[int] = ()
    custom: str | None = None


@dataclass(kw_only=True)
class ConversationGroup(Result):
    name: str = ""
    group_id: int = 0


@dataclass(kw_only=True)
class ConversationItem(ItemResult):
    """One conversation of a request: `id` is its ConversationRef."""


@dataclass(kw_only=True)
class ConversationGroupChange(BatchResult[ConversationItem]):
    """A created or updated conversation group and the outcome for each conversation."""
    group: ConversationGroup = field(default_factory=ConversationGroup)


@dataclass(kw_only=True)
class ConversationMarks(ItemResult):
    """A conversation's group and mark data (`id` is its ConversationRef)."""
    standard_mark: int = 0
    custom_mark: str = ""
    group_ids: list[int] = field(default_factory=list)
    timestamp: int = 0

    def has(self, bit: int) -> bool:
        return bool(self.standard_mark >> bit & 1)


@dataclass(kw_only=True)
class ConversationMarkPage(Result):
    conversations: list[ConversationMarks] = field(default_factory=list)
    groups: list[ConversationGroup] = field(default_factory=list)
    next_start_index: int = 0
    has_more: bool = False


def _group(entry: dict | None) -> ConversationGroup:
    entry = entry or {}
    return ConversationGroup(name=entry.get("GroupName", ""), group_id=int(entry.get("GroupId") or 0), raw=entry)


def _mark_bits(value) -> int:
    """StandardMark as sent ("1110", binary digits) as an int; 0 when unreadable."""
    try:
        return int(str(value or "0"), 2)
    except ValueError:
        return 0


def _marks(entry: dict) -> ConversationMarks:
    return ConversationMarks(id=ConversationRef.from_json(entry), standard_mark=_mark_bits(entry.get("StandardMark")),
                             custom_mark=entry.get("CustomMark") or "",
                             group_ids=[int(g) for g in entry.get("ContactGroupId") or []],
                             timestamp=int(entry.get("Timestamp") or 0), raw=entry)


def _results(refs: list[ConversationRef], entries: list | None) -> list[ConversationItem]:
    found = {}
    for entry in entries or []:
        ref = ConversationRef.from_json(entry.get("ContactItem") or {})
        code = int(entry.get("ResultCode") or 0)
        found[ref] = ConversationItem(id=ref, ok=code == 0, code=code, info=entry.get("ResultInfo") or "", raw=entry)
    return items_in_order(refs, found, lambda ref: ConversationItem(id=ref, ok=False, code=None,
                                                                    info="not in the service's answer"))


def _name(name: str, label: str = "name") -> str:
    return check_str(label, name, max_bytes=MAX_NAME_BYTES)


def _refs(conversations, *, max_items: int | None = None, min_items: int = 1) -> list[ConversationRef]:
    refs = [ConversationRef.of(c) for c in check_list("conversations", conversations, max_items=max_items,
                                                      min_items=min_items)]
    if len(set(refs)) != len(refs):
        raise invalid("conversations lists a conversation twice")
    return refs


def _bits(name: str, bits: Sequence[int]) -> list[int]:
    return [check_int(f"{name} bit", b, lo=0, hi=MARK_BITS - 1) for b in bits]


class ConversationGroupsMixin:
    """Methods of client.conversation for conversation groups and marks."""

    def create_conversation_group(self, user_id: str, name: str,
                                  conversations: Iterable[ConversationRef | tuple]) -> ConversationGroupChange:
        """Create `user_id`'s conversation group `name` holding `conversations` (one item each)."""
        refs = _refs(conversations, max_items=MAX_CONVERSATIONS)
        body = {"From_Account": check_user_id("user_id", user_id),
                "GroupContactItem": [{"GroupName": _name(name), "ContactItem": [r.to_json() for r in refs]}]}
        raw = self._call(CREATE, body, op="create_conversation_group")
        created = next(iter(raw.get("GroupResultItem") or []), {})
        return ConversationGroupChange(group=_group(created.get("GroupItem")),
                                       items=_results(refs, created.get("ResultItem")), raw=raw, **envelope(raw))

    def delete_conversation_group(self, user_id: str, name: str) -> ConversationGroup:
        body = {"From_Account": check_user_id("user_id", user_id), "GroupName": [_name(name)]}
        raw = self._call(DELETE, body, op="delete_conversation_group")
        return _group(next(iter(raw.get("GroupItem") or []), None))

    def rename_conversation_group(self, user_id: str, old_name: str, new_name: str) -> ConversationGroup:
        body = {"From_Account": check_user_id("user_id", user_id), "UpdateType": 1,
                "UpdateGroup": {"UpdateGroupType": RENAME, "OldGroupName": _name(old_name, "old_name"),
                                "NewGroupName": _name(new_name, "new_name")}}
        raw = self._call(UPDATE, body, op="rename_conversation_group")
        return _group(raw.get("UpdateGroupResult"))

    def update_conversation_group(self, user_id: str, name: str, *, add: Iterable = (),
                                  remove: Iterable = ()) -> ConversationGroupChange:
        """Add conversations to and remove conversations from the group `name` (one item each)."""
        added, removed = _refs(add, min_items=0), _refs(remove, min_items=0)
        if not added and not removed:
            raise invalid("nothing to update: give add and/or remove")
        if set(added) & set(removed):
            raise invalid("a conversation cannot be added and removed at once")
        changes = [{"ContactOptType": ADD, "ContactItem": r.to_json()} for r in added] + \
                  [{"ContactOptType": REMOVE, "ContactItem": r.to_json()} for r in removed]
        body = {"From_Account": check_user_id("user_id", user_id), "UpdateType": 1,
                "UpdateGroup": {"UpdateGroupType": MEMBERS, "OldGroupName": _name(name),
                                "ContactUpdateItem": changes}}
        raw = self._call(UPDATE, body, op="update_conversation_group")
        result = raw.get("UpdateGroupResult") or {}
        return ConversationGroupChange(group=_group(result), items=_results(added + removed,
                                                                            result.get("ContactResultItem")),
                                       raw=raw, **envelope(raw))

    def mark_conversations(self, user_id: str, changes: Iterable[MarkChange]) -> BatchResult[ConversationItem]:
        """Set or clear standard mark bits and/or set the custom mark, per conversation (one item
        each; one request per 100 conversations, a failed request fails its conversations)."""
        user_id = check_user_id("user_id", user_id)
        marks, refs = [], []
        for change in check_list("changes", changes):
            if not isinstance(change, MarkChange):
                raise invalid(f"changes holds MarkChange items, got {type(change).__name__}")
            ref = ConversationRef.of(change.conversation)
            item = {"ContactItem": ref.to_json()}
            standard = bool(change.set_bits or change.clear_bits)
            if change.set_bits:
                item["SetMark"] = _bits("set", change.set_bits)
            if change.clear_bits:
                item["ClearMark"] = _bits("clear", change.clear_bits)
            if change.custom is not None:
                item["CustomMark"] = check_str("custom", change.custom, max_bytes=MAX_CUSTOM_MARK_BYTES,
                                               allow_empty=True)
            if not standard and change.custom is None:
                raise invalid(f"nothing to mark on {ref}: give set_bits, clear_bits and/or custom")
            item["OptType"] = MARK_BOTH if standard and change.custom is not None else \
                MARK_STANDARD if standard else MARK_CUSTOM
            marks.append(item)
            refs.append(ref)
        if len(set(refs)) != len(refs):
            raise invalid("changes names a conversation twice")
        items, last = [], {}
        for first in range(0, len(marks), MAX_MARKS_PER_REQUEST):
            chunk, chunk_refs = marks[first:first + MAX_MARKS_PER_REQUEST], refs[first:first + MAX_MARKS_PER_REQUEST]
            try:
                last = self._call(MARK, {"From_Account": user_id, "MarkItem": chunk}, op="mark_conversations")
                items += _results(chunk_refs, last.get("ResultItem"))
            except TimError as exc:
                last = exc.response or {"ErrorCode": exc.code, "ErrorInfo": exc.info}
                items += [ConversationItem(id=r, ok=False, code=exc.code, info=exc.info) for r in chunk_refs]
        return BatchResult(items=items, raw=last, **envelope(last))

    def search_conversation_marks(self, user_id: str, conversations: Iterable) -> BatchResult[ConversationMarks]:
        """The group and mark data of these conversations (one item each, in order; one request
        per 300). The result's `raw` is the last answer; `groups` of any answer list all groups."""
        user_id = check_user_id("user_id", user_id)
        refs = _refs(conversations)
        found, last = {}, {}
        for first in range(0, len(refs), MAX_SEARCH):
            chunk = refs[first:first + MAX_SEARCH]
            last = self._call(SEARCH, {"From_Account": user_id, "ContactItem": [r.to_json() for r in chunk]},
                              op="search_conversation_marks", retry_safe=True)
            found.update((m.id, m) for m in map(_marks, last.get("ContactResultItem") or []))
        items = items_in_order(refs, found, lambda ref: ConversationMarks(id=ref))
        return BatchResult(items=items, raw=last, **envelope(last))

    def fetch_conversation_marks(self, user_id: str, start_index: int = 0) -> ConversationMarkPage:
        """One page of `user_id`'s conversation group and mark data, with every group."""
        body = {"From_Account": check_user_id("user_id", user_id),
                "StartIndex": check_int("start_index", start_index)}
        raw = self._call(GET, body, op="fetch_conversation_marks", retry_safe=True)
        complete = int(raw.get("CompleteFlag", 1) or 0) == 1
        return ConversationMarkPage(conversations=[_marks(e) for e in raw.get("ContactItem") or []],
                                    groups=[_group(g) for g in raw.get("GroupItem") or []],
                                    next_start_index=int(raw.get("NextStartIndex") or 0),
                                    has_more=not complete, raw=raw)

    def iter_conversation_marks(self, user_id: str) -> Iterator[ConversationMarks]:
        """Every conversation with group or mark data, page by page on demand."""
        return paginate(lambda start: self.fetch_conversation_marks(user_id, start), 0,
                        lambda page: page.conversations,
                        lambda page: page.next_start_index if page.has_more and page.next_start_index else None)

    def get_conversation_groups(self, user_id: str) -> list[ConversationGroup]:
        """`user_id`'s conversation groups (from the first page of the mark data)."""
        return self.fetch_conversation_marks(user_id).groups
