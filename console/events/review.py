"""The review queue: messages a flag rule let through, and what operators decide about them.

A queue item is a stored before-callback whose decision is `flag` (console/events/rules.py). Its
page shows the sender, the conversation or group, the text with the rule's matches highlighted,
the rule, and the sender's earlier flags. Each decision is one audited IM call (recall the message,
mute the sender globally or in the group, ban the sender from the group) or a dismissal, and is
kept as a `review_action` row (who, what, when, how it went). An item leaves the open queue once
a decision succeeded; a failed call leaves it open, with the failure shown.

A group message has no sequence number before it is sent: recall finds it in the stored
Group.CallbackAfterSendMsg callback of the same message (same MsgId, or sender and Random), or
else in the group's recent history (an audited read: same sender and Random).
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from console import forms
from console.events import matching, rules, store
from console.forms import FormError
from console.models.events import CallbackEvent, Rule
from console.models.moderation import ReviewAction

EVENTS = CallbackEvent.__table__
ACTIONS_TABLE = ReviewAction.__table__
PAGE = 30
#: decision -> (IM operation it makes, or None) for the audit link
ACTIONS = ("recall", "mute", "mute_group", "ban", "dismiss")
GROUP_ONLY = ("mute_group", "ban")
DURATIONS = (600, 3600, 86400, 7 * 86400, 30 * 86400)
AFTER_LOOKUP = 1000  # stored after-callbacks searched for a group message's sequence number
HISTORY_LOOKUP = 100  # else: the group's latest messages read from IM


class FlagFilter:
    """The stream filter of the queue (the same face as console.events.store.Filters)."""

    def apply(self, stmt):
        return stmt.where(EVENTS.c.decision == "flag")

    def matches(self, row) -> bool:
        return row.decision == "flag"

    def args(self) -> dict:
        return {}

    def __bool__(self) -> bool:
        return True


FLAGGED = FlagFilter()


@dataclass
class Item:
    id: int
    received_ms: int
    command: str
    rule_id: int | None
    rule_name: str | None
    sender: str = ""
    to: str = ""
    group_id: str = ""
    msg_key: str = ""
    msg_id: str = ""
    random: int | None = None
    texts: list = field(default_factory=list)  # [[(piece, matched), ...] per text element]
    earlier: int = 0
    decisions: list = field(default_factory=list)

    @property
    def is_group(self) -> bool:
        return self.command.startswith("Group.")

    @property
    def decided(self) -> bool:
        return any(d.outcome == "ok" for d in self.decisions)


def _payload(text: str) -> dict:
    try:
        body = json.loads(text or "{}")
    except (ValueError, RecursionError):
        return {}
    return body if isinstance(body, dict) else {}


def _str(value) -> str:
    """A string of the payload, safe to show (a lone surrogate escaped in JSON becomes "?")."""
    return matching.valid(value) if isinstance(value, str) else ""


def _finder(conn, rule_id: int | None, cache: dict):
    """The rule's matcher (for highlighting), compiled once per page; None when it is gone."""
    if rule_id not in cache:
        row = conn.execute(select(Rule.__table__).where(Rule.id == rule_id)).first() if rule_id else None
        finder = None
        if row is not None and row.match != "accounts":
            try:
                lists = rules.load_lists(conn, {row.keyword_list_id}) if row.match == "keywords" else {}
                finder = rules._compile(row, lists).finder
            except (matching.PatternError, KeyError):
                finder = None
        cache[rule_id] = finder
    return cache[rule_id]


def _highlighted(finder, text: str) -> list[tuple[str, bool]]:
    if finder is None:
        return [(text, False)]
    base, spans = finder.spans(text)
    return matching.highlight(base + text[matching.MAX_TEXT:], spans)


def build(conn, row, finders: dict | None = None, decisions: list | None = None) -> Item:
    """A queue item from a stored (flagged) callback row with its payload."""
    body = _payload(row.payload)
    item = Item(id=row.id, received_ms=row.received_ms, command=row.command, rule_id=row.rule_id,
                rule_name=row.rule_name, sender=_str(body.get("From_Account")),
                to=_str(body.get("To_Account")), group_id=_str(body.get("GroupId")) or (row.group_id or ""),
                msg_key=_str(body.get("MsgKey")), msg_id=_str(body.get("MsgId")),
                random=store_int(body.get("Random", body.get("MsgRandom"))))
    finder = _finder(conn, row.rule_id, finders if finders is not None else {})
    item.texts = [_highlighted(finder, _str(t)) for t in rules._texts_of(body.get("MsgBody"))]
    if item.sender:
        pattern = "%|" + store._like_escape(item.sender.replace("|", "")) + "|%"
        item.earlier = conn.execute(
            select(func.count()).select_from(EVENTS)
            .where(EVENTS.c.decision == "flag", EVENTS.c.id < row.id,
                   EVENTS.c.accounts.like(pattern, escape="\\"))).scalar() or 0
    item.decisions = decisions if decisions is not None else decisions_of(conn, [row.id]).get(row.id, [])
    return item


def store_int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def decisions_of(conn, ids: list[int]) -> dict[int, list]:
    if not ids:
        return {}
    out: dict[int, list] = {}
    query = select(ACTIONS_TABLE).where(ACTIONS_TABLE.c.event_id.in_(ids)).order_by(ACTIONS_TABLE.c.id)
    for row in conn.execute(query):
        out.setdefault(row.event_id, []).append(row)
    return out


def _decided_ids():
    return select(ACTIONS_TABLE.c.event_id).where(ACTIONS_TABLE.c.outcome == "ok")


def page(conn, state: str = "open", before: int | None = None, limit: int = PAGE
         ) -> tuple[list[Item], int | None]:
    """One page of the queue, newest first: open items, decided ones, or all."""
    stmt = FLAGGED.apply(select(EVENTS)).order_by(EVENTS.c.id.desc()).limit(limit + 1)
    if state == "open":
        stmt = stmt.where(EVENTS.c.id.not_in(_decided_ids()))
    elif state == "decided":
        stmt = stmt.where(EVENTS.c.id.in_(_decided_ids()))
    if before:
        stmt = stmt.where(EVENTS.c.id < before)
    rows = list(conn.execute(stmt))
    more = len(rows) > limit
    rows = rows[:limit]
    decided = decisions_of(conn, [r.id for r in rows])
    finders: dict = {}
    items = [build(conn, r, finders, decided.get(r.id, [])) for r in rows]
    return items, (rows[-1].id if more and rows else None)


def open_count(conn) -> int:
    stmt = FLAGGED.apply(select(func.count()).select_from(EVENTS)).where(EVENTS.c.id.not_in(_decided_ids()))
    return conn.execute(stmt).scalar() or 0


def get(conn, event_id: int) -> Item | None:
    row = conn.execute(FLAGGED.apply(select(EVENTS)).where(EVENTS.c.id == event_id)).first()
    return build(conn, row) if row is not None else None


# ---------------------------------------------------------------- deciding

def plan_decision(form, item: Item) -> dict:
    """The decision asked for: action and, for mutes and bans, a duration in seconds."""
    action = forms.choice(form.get("action"), "action", _l("Action"), ACTIONS, required=True)
    if action in GROUP_ONLY and not item.is_group:
        raise FormError(_l("This message was not sent in a group."), "action")
    if action in ("mute", "mute_group", "ban", "recall") and not item.sender:
        raise FormError(_l("The callback names no sender."), "action")
    duration = None
    if action in ("mute", "mute_group", "ban"):
        duration = forms.integer(form.get("duration"), "duration", _l("Duration"), lo=1,
                                 hi=2**32 - 2) or 86400
    return {"action": action, "duration": duration}


def group_seq(conn, item: Item) -> int | None:
    """The sequence number of a flagged group message, from its stored after-callback."""
    stmt = (select(EVENTS.c.payload).where(EVENTS.c.command == "Group.CallbackAfterSendMsg",
                                           EVENTS.c.group_id == item.group_id,
                                           EVENTS.c.id > item.id - 100)
            .order_by(EVENTS.c.id).limit(AFTER_LOOKUP))
    for (payload,) in conn.execute(stmt):
        body = _payload(payload)
        same = (item.msg_id and body.get("MsgId") == item.msg_id) or (
            not item.msg_id and body.get("From_Account") == item.sender and body.get("Random") == item.random)
        if same and isinstance(body.get("MsgSeq"), int):
            return body["MsgSeq"]
    return None


def history_seq(tim, item: Item) -> int | None:
    """The sequence number from the group's recent history (an audited read): the message of the
    same sender with the same Random. For apps that do not send Group.CallbackAfterSendMsg."""
    if item.random is None:
        return None
    for n, message in enumerate(tim.group.iter_messages(item.group_id)):
        if n >= HISTORY_LOOKUP:
            break
        if message.sender == item.sender and message.msg_random == item.random and not message.recalled:
            return message.msg_seq
    return None


def im_call(tim, conn, item: Item, plan: dict):
    """Make the decision's IM call (audited by `tim`); None for a dismissal."""
    action, duration = plan["action"], plan["duration"]
    if action == "recall":
        if item.is_group:
            seq = group_seq(conn, item) or history_seq(tim, item)
            if seq is None:
                raise FormError(_l("The message is not in the group's recent history, and no "
                                   "Group.CallbackAfterSendMsg of it is stored."), "action")
            return tim.group.revoke_messages(item.group_id, [seq])
        if not (item.to and item.msg_key):
            raise FormError(_l("The callback names no receiver or message key."), "action")
        return tim.c2c.revoke_message(item.sender, item.to, item.msg_key)
    if action == "mute":
        return tim.mute.set_no_speaking(item.sender, c2c=duration, group=duration)
    if action == "mute_group":
        return tim.group.forbid_send_message(item.group_id, [item.sender], duration)
    if action == "ban":
        return tim.group.ban_members(item.group_id, [item.sender], duration)
    return None


def failed_items(result) -> str | None:
    """The error of a batch answer whose one item failed (a recall of a message already gone)."""
    items = getattr(result, "items", None)
    if items and not items[0].ok:
        return f"{items[0].code}: {items[0].info or ''}".strip()
    return None


def record(sess, item: Item, plan: dict, by: str, error: str | None) -> ReviewAction:
    detail = {"duration": plan["duration"]} if plan["duration"] else {}
    if error:
        detail["error"] = error[:500]
    row = ReviewAction(event_id=item.id, action=plan["action"], outcome="failed" if error else "ok",
                       decided_by=by, decided_ms=int(time.time() * 1000),
                       detail=json.dumps(detail, ensure_ascii=False) if detail else None)
    sess.add(row)
    sess.flush()
    return row
