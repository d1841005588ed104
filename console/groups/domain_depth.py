"""Group depth for the groups pages: custom attributes, counters, the ban list, read receipts,
message edits, clearing history, broadcasts, and the AVChatRoom service (online members, marks,
admins).

Plain functions over a submitted form (a Mapping) and, where IM is read, the audited client's
namespaces. The `plan_*` functions raise `console.forms.FormError` keyed by field. Limits come from
the client (console.tim.api.group_attrs, group_members, group_messages, avchatroom), which took them
from the spec.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from console import forms
from console.forms import FormError
from console.groups import domain
from console.models import AuditEntry, AuditTarget
from console.tim import messages as msgs
from console.tim.api import avchatroom as av
from console.tim.api import group_attrs as ga
from console.tim.api import group_members as gmem

RECEIPT_PAGE = 100
BROADCAST_FIELDS = ("sender", "kind", "text", "data", "desc", "ext", "url", "uuid", "size", "width", "height",
                    "seconds", "file_name", "thumb_url")


# ---- custom attributes -----------------------------------------------------------------------

def plan_attrs(form: Mapping) -> dict[str, str]:
    """`key=value` lines of the attributes form, checked against IM's sizes."""
    label = _("Attributes")
    attrs: dict[str, str] = {}
    for number, line in enumerate((form.get("attrs") or "").splitlines(), 1):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not key:
            raise FormError(_("%(field)s, line %(n)d: write key=value.", field=label, n=number), "attrs")
        if forms.nbytes(key) > ga.MAX_ATTR_KEY_BYTES:
            raise FormError(_("%(field)s, line %(n)d: a key has at most %(max)d bytes.", field=label, n=number,
                              max=ga.MAX_ATTR_KEY_BYTES), "attrs")
        if forms.nbytes(value) > ga.MAX_ATTR_VALUE_BYTES:
            raise FormError(_("%(field)s, line %(n)d: a value has at most %(max)d bytes.", field=label, n=number,
                              max=ga.MAX_ATTR_VALUE_BYTES), "attrs")
        attrs[key] = value
    if not attrs:
        raise FormError(_("%(field)s: give at least one key=value line.", field=label), "attrs")
    if len(attrs) > ga.MAX_ATTR_KEYS:
        raise FormError(_("A group holds at most %(n)d attributes.", n=ga.MAX_ATTR_KEYS), "attrs")
    if sum(forms.nbytes(v) for v in attrs.values()) > ga.MAX_ATTR_TOTAL_BYTES:
        raise FormError(_("The values add up to more than %(n)d bytes.", n=ga.MAX_ATTR_TOTAL_BYTES), "attrs")
    return attrs


def plan_keys(form: Mapping, name: str, label: str, max_items: int, max_bytes: int) -> list[str]:
    """Keys named in one field (comma- or line-separated)."""
    keys = list(dict.fromkeys(forms.split_list(form.get(name))))
    if not keys:
        raise FormError(_("%(field)s: name at least one key.", field=label), name)
    if len(keys) > max_items:
        raise FormError(_("%(field)s: at most %(n)d keys.", field=label, n=max_items), name)
    for key in keys:
        if forms.nbytes(key) > max_bytes:
            raise FormError(_("%(field)s: a key has at most %(n)d bytes.", field=label, n=max_bytes), name)
    return keys


# ---- counters --------------------------------------------------------------------------------

COUNTER_MODES = {"set": "Set", "increase": "Increase", "decrease": "Decrease"}


def plan_counter(form: Mapping) -> tuple[dict[str, int], str]:
    """({key: value}, mode) of the counter form."""
    mode = COUNTER_MODES.get(form.get("mode") or "set")
    if mode is None:
        raise FormError(_("Choose set, increase or decrease."), "mode")
    key, value = forms.collect(
        lambda: forms.text(form.get("key"), "key", _("Counter"), max_bytes=ga.MAX_COUNTER_KEY_BYTES, required=True),
        lambda: forms.integer(form.get("value"), "value", _("Value"), lo=0 if mode != "Set" else ga.INT64_MIN,
                              hi=ga.INT64_MAX, required=True))
    return {key: value}, mode


# ---- the ban list ----------------------------------------------------------------------------

def plan_ban(form: Mapping) -> dict:
    """Accounts, duration (seconds) and reason of the ban form (every problem at once)."""
    ids, seconds, reason = forms.collect(
        lambda: forms.user_ids(form.get("accounts"), "accounts", _("Accounts"), limit=domain.MUTE_MAX),
        lambda: domain.parse_duration(form),
        lambda: forms.text(form.get("reason"), "reason", _("Reason"), max_bytes=gmem.MAX_BAN_DESCRIPTION))
    return {"user_ids": ids, "duration": seconds, "description": reason}


BAN_ACTION = "group.ban_members"
BAN_LOOKBACK = 500


def banned_by(sess, group_id: str, user_ids: list[str]) -> dict[str, AuditEntry]:
    """For each banned account, the audit row of the latest ban of it in this group made through
    the console (who banned whom, when, and why); accounts banned elsewhere are left out."""
    if not user_ids:
        return {}
    wanted, found = set(user_ids), {}
    rows = sess.scalars(select(AuditEntry).join(AuditTarget, AuditTarget.entry_id == AuditEntry.id)
                        .where(AuditTarget.target == group_id, AuditEntry.action == BAN_ACTION,
                               AuditEntry.outcome == "ok")
                        .order_by(AuditEntry.id.desc()).limit(BAN_LOOKBACK))
    for row in rows:
        for user in (row.request or {}).get("Members_Account") or []:
            if user in wanted and user not in found:
                found[user] = row
        if len(found) == len(wanted):
            break
    return found


# ---- messages: receipts, edits, clearing, broadcasts ---------------------------------------------

@dataclass
class Receipt:
    """One message's read receipt: counts, and one page of readers and of non-readers."""
    seq: int
    ok: bool
    read_num: int = 0
    unread_num: int = 0
    readers: list[str] = field(default_factory=list)
    non_readers: list[str] = field(default_factory=list)
    more_readers: bool = False
    more_non_readers: bool = False
    code: int | None = None


def receipt(group_api, group_id: str, seq: int) -> Receipt:
    """Counts of one message, and the first page of who read it and who did not."""
    counts = group_api.get_read_receipts(group_id, [seq]).items[0]
    if not counts.ok:
        return Receipt(seq, False, code=counts.code)
    readers = group_api.fetch_read_receipt_members(group_id, seq, read=True, count=RECEIPT_PAGE)
    others = group_api.fetch_read_receipt_members(group_id, seq, read=False, count=RECEIPT_PAGE)
    return Receipt(seq, True, counts.read_num, counts.unread_num, readers.accounts, others.accounts,
                   readers.has_more, others.has_more)


def find_message(group_api, group_id: str, seq: int, topic_id: str | None = None):
    """The stored message with this seq (None when IM has none, or only its place)."""
    page = group_api.fetch_messages(group_id, 1, seq, with_recalled=True, topic_id=topic_id)
    for message in page.messages:
        if message.msg_seq == seq and not message.place:
            return message
    return None


def text_of(body: list) -> str:
    """The text of a message body (its text elements joined), for the edit form; elements of any
    other shape are skipped."""
    return msgs.body_text(body, "\n")


def plan_edit_message(form: Mapping) -> list[dict]:
    """The new body of an edited message: one text element."""
    new = forms.text(form.get("text"), "text", _("New text"), max_bytes=12 * 1024, required=True)
    return [msgs.text(new)]


def plan_clear(form: Mapping, group_id: str) -> int | None:
    """Typed confirmation (the group ID) and the optional last seq to clear."""
    up_to = forms.integer(form.get("up_to_seq"), "up_to_seq", _("Up to seq"), lo=1)
    if (form.get("confirm") or "").strip() != group_id:
        raise FormError(_("Type the group ID exactly to clear its history."), "confirm")
    return up_to


def plan_broadcast(form: Mapping) -> dict:
    """Body and sender of the broadcast form (the group message form's kinds)."""
    body, sender = forms.collect(
        lambda: domain.build_body(form),
        lambda: forms.user_id(form.get("sender"), "sender", _("Sender"), required=False))
    return {"body": body, "sender": sender}


# ---- AVChatRoom: marks and admins ----------------------------------------------------------------

def plan_marks(form: Mapping) -> dict[str, list[int]]:
    """{account: [marks]} of the marks form: accounts and marks, each comma- or line-separated."""
    ids, marks = forms.collect(
        lambda: forms.user_ids(form.get("accounts"), "accounts", _("Accounts"), limit=av.MAX_MARK_USERS),
        lambda: _marks(form.get("marks")))
    return {user: marks for user in ids}


def _marks(text) -> list[int]:
    values = [forms.integer(v, "marks", _("Marks"), lo=1, hi=ga.INT64_MAX) for v in forms.split_list(text)]
    if not values:
        raise FormError(_("Marks: give at least one mark."), "marks")
    if len(set(values)) > av.MAX_MARKS:
        raise FormError(_("Marks: at most %(n)d distinct marks.", n=av.MAX_MARKS), "marks")
    for value in values:
        if value < av.MIN_MARK and value not in av.SPECIAL_MARKS:
            raise FormError(_("Marks: %(n)d is not a mark (1000 or more, or 500 / 600).", n=value), "marks")
    return list(dict.fromkeys(values))


def plan_accounts(form: Mapping, limit: int) -> list[str]:
    return forms.user_ids(form.get("accounts"), "accounts", _("Accounts"), limit=limit)
