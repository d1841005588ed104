"""Groups: type rules, form cleaning, batching and the local group cache, for the groups pages.

Plain functions: views hand in the submitted form (a Mapping) and `g.tim`; nothing here imports
Flask views. The `plan_*` functions parse a whole form with the console.forms parsers and raise
`console.forms.FormError` with the problems, keyed by field.
Facts (limits, per-type rules) come from the spec's group reference (../shared/spec/endpoints-groups.md).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select

from console import errors, forms
from console.forms import FormError
from console.models import GroupCache, utcnow
from console.tim import TimError
from console.tim.errors import InvalidArgumentError
from console.ui import labels
from console.tim import messages as msgs
from console.tim.api.group import ImportMessage, MemberSpec

TYPES = ("Private", "Public", "ChatRoom", "AVChatRoom", "Community")
IMPORT_TYPES = ("Private", "Public", "ChatRoom", "Community")
#: group types in words; pages show IM's name of the type in the tooltip (console.ui.labels)
TYPE_LABELS = {
    "Private": _l("Work group"), "Public": _l("Public group"), "ChatRoom": _l("Meeting group"),
    "AVChatRoom": _l("Live group"), "Community": _l("Community"),
}
labels.define("group_type", TYPE_LABELS)
APPLY_OPTIONS = ("FreeAccess", "NeedPermission", "DisableApply")
INVITE_OPTIONS = ("FreeAccess", "NeedPermission", "DisableInvite")

MAX_NAME, MAX_INTRO, MAX_NOTICE, MAX_FACE_URL, MAX_NAME_CARD = 30, 240, 300, 100, 50
#: members a group may be given at most (paid maximum per type); AVChatRoom has no cap to set
MEMBER_CAPS = {"Private": 6000, "Public": 6000, "ChatRoom": 6000, "Community": 100000}

#: per-call sizes. add_group_member: the current (2026-02) page says 20, older pages 300; 20 works on both.
ADD_BATCH = 20
CREATE_MEMBERS_MAX = 100
DELETE_BATCH = 100
IMPORT_MEMBERS_BATCH = 300
ROLES_MAX = 500
MUTE_MAX = 500
NOTIFY_MAX = 500
RECALL_BATCH = 10
IMPORT_MSGS_BATCH = 7
HISTORY_PAGE = 20
MEMBER_PAGE = 50
#: adds of more accounts than this run as a job
INLINE_ADD_MAX = 100
#: members scanned at most when searching inside a group (IM has no member search)
SEARCH_SCAN_MAX = 2000
LIST_PAGE = 50
PERMANENT = 4294967295

DURATION_UNITS = {"minutes": 60, "hours": 3600, "days": 86400}


#: plain hints for the group error codes an operator meets (others: console.errors.HINTS)
GROUP_HINTS = {
    10004: _l("IM rejected a parameter, or this group type does not allow the operation."),
    10005: _l("Too many accounts in one request."),
    10006: _l("IM's frequency limit for this operation was reached. Wait and retry."),
    10007: _l("No permission: the group type or the member's role does not allow this."),
    10014: _l("The group is full. Raise its max members, or add fewer."),
    10017: _l("The sender is muted in this group (or everyone is)."),
    10019: _l("An account in the list was never imported into IM."),
    10021: _l("This group ID is already used. Choose another one."),
    10025: _l("You already used this group ID. Destroy that group first, or choose another one."),
    10030: _l("No such message (already recalled, or the seq is wrong)."),
    10036: _l("The edition's limit of live groups (AVChatRoom) is reached."),
    10037: _l("The account has created or joined too many groups."),
    10038: _l("More members than the group (or the edition) allows."),
    10053: _l("Too many @ mentions in one message."),
    10058: _l("The edition's group quota is used up."),
    80002: _l("The message is too long (12 KB at most)."),
}


def hint_for(code: int | None) -> str:
    """A plain hint for an IM error code (group codes here, the rest from console.errors)."""
    if code in GROUP_HINTS:
        return str(GROUP_HINTS[code])
    return errors.hint_for(code) if code else ""


# ---- what each type allows --------------------------------------------------------------------

#: feature -> the types that do NOT support it, with the reason shown next to the disabled control
_FORBIDDEN = {
    "members": {"AVChatRoom": _l("Live groups (AVChatRoom) keep no member list: members join from the "
                                 "client SDK and are only online, never stored.")},
    "add": {"AVChatRoom": _l("IM refuses to add members to a live group (AVChatRoom, error 10007).")},
    "admin_role": {"Private": _l("Work groups (Private) have no admin role."),
                   "AVChatRoom": _l("Live groups (AVChatRoom) store no member roles.")},
    "mute": {"Private": _l("Work groups (Private) do not support muting members.")},
    "max_members": {"AVChatRoom": _l("Live groups (AVChatRoom) have no member limit; IM ignores it.")},
    "apply_option": {"Community": _l("Communities do not support a join option through the REST API.")},
    "invite_option": {"AVChatRoom": _l("Live groups (AVChatRoom) take no invitations.")},
    "history": {"AVChatRoom": _l("Live groups (AVChatRoom) store no message history: nothing to list, "
                                 "recall or import.")},
    "owner": {"AVChatRoom": _l("Ownership of a live group (AVChatRoom) cannot be transferred.")},
    "import": {"AVChatRoom": _l("Live groups (AVChatRoom) cannot be imported.")},
    "unread": {"ChatRoom": _l("Meeting groups (ChatRoom) keep no unread counts: IM accepts the call "
                              "but it has no effect."),
               "AVChatRoom": _l("Live groups (AVChatRoom) keep no unread counts.")},
    "online": {t: _l("Only live groups (AVChatRoom) report an online member count.")
               for t in ("Private", "Public", "ChatRoom", "Community")},
    "notify_some": {"AVChatRoom": _l("Live groups (AVChatRoom) take system notifications for all "
                                     "members only.")},
    # group depth and communities (issue #17)
    "counters": {"Community": _l("Communities keep no group counters (IM error 10007).")},
    "attrs_clear": {"Community": _l("IM refuses to clear all attributes of a community; delete keys instead.")},
    "receipts": {"AVChatRoom": _l("Live groups (AVChatRoom) have no read receipts."),
                 "Community": _l("Communities have no read receipts.")},
    "clear_history": {"Community": _l("IM refuses to clear the history of a community."),
                      "AVChatRoom": _l("Live groups (AVChatRoom) store no message history.")},
    "live": {t: _l("Only live groups (AVChatRoom) have online members, marks and room admins.")
             for t in ("Private", "Public", "ChatRoom", "Community")},
    "topics": {t: _l("Only communities have topics and permission groups.")
               for t in ("Private", "Public", "ChatRoom", "AVChatRoom")},
}


def forbidden(group_type: str) -> dict[str, str]:
    """feature -> reason, for every feature `group_type` does not support."""
    return {feature: str(by_type[group_type]) for feature, by_type in _FORBIDDEN.items()
            if group_type in by_type}


# ---- fields of the groups forms (console.forms parses each kind) -------------------------------

def parse_custom(text: str | None, name: str, label: str, max_value: int = 512) -> dict[str, str] | None:
    """Custom fields as `Key=Value` lines (an empty value deletes the key on edit)."""
    data: dict[str, str] = {}
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not re.fullmatch(r"[A-Za-z0-9_]{1,15}", key):
            raise FormError(_("%(field)s: write one Key=Value per line; keys are letters, digits and _ "
                              "(under 16).", field=label), name)
        if len(value.encode()) > max_value:
            raise FormError(_("%(field)s: the value of %(key)s is longer than %(n)d bytes.",
                              field=label, key=key, n=max_value), name)
        data[key] = value
    return data or None


def parse_duration(form: Mapping) -> int:
    """Mute duration in seconds from `duration` + `unit` (minutes/hours/days, or `forever`)."""
    unit = form.get("unit") or "minutes"
    if unit == "forever":
        return PERMANENT
    if unit not in DURATION_UNITS:
        raise FormError(_("Unknown duration unit."), "unit")
    amount = forms.integer(form.get("duration"), "duration", _("Duration"), lo=1, hi=10**7, required=True)
    return min(amount * DURATION_UNITS[unit], PERMANENT - 1)


# ---- create / import / edit -------------------------------------------------------------------

def _common_profile(form: Mapping, group_type: str) -> dict:
    """Fields create and import share, checked against the type's rules (every problem at once)."""
    no = forbidden(group_type)
    (name, group_id, introduction, notification, face_url, custom, owner, apply_option,
     max_members) = forms.collect(
        lambda: forms.text(form.get("name"), "name", _("Name"), max_bytes=MAX_NAME, required=True),
        lambda: forms.group_id(form.get("group_id"), "group_id", _("Group ID"), group_type=group_type),
        lambda: forms.text(form.get("introduction"), "introduction", _("Introduction"), max_bytes=MAX_INTRO),
        lambda: forms.text(form.get("notification"), "notification", _("Notification"), max_bytes=MAX_NOTICE),
        lambda: forms.text(form.get("face_url"), "face_url", _("Face URL"), max_bytes=MAX_FACE_URL),
        lambda: parse_custom(form.get("custom"), "custom", _("Custom fields")),
        lambda: forms.user_id(form.get("owner"), "owner", _("Owner"), required=False),
        lambda: _allowed(no, "apply_option", "apply_join_option",
                         forms.choice(form.get("apply_join_option"), "apply_join_option", _("Join option"),
                                      APPLY_OPTIONS)),
        lambda: _allowed(no, "max_members", "max_members",
                         forms.integer(form.get("max_members"), "max_members", _("Max members"), lo=1,
                                       hi=MEMBER_CAPS.get(group_type, forms.INT64_MAX))))
    return {"type": group_type, "name": name, "group_id": group_id, "introduction": introduction,
            "notification": notification, "face_url": face_url, "app_defined_data": custom, "owner": owner,
            "apply_join_option": apply_option, "max_member_count": max_members}


def _allowed(no: Mapping[str, str], feature: str, name: str, value):
    """`value`, unless it was given for a feature the group type does not support."""
    if value is not None and feature in no:
        raise FormError(no[feature], name)
    return value


def _type(form: Mapping, types: tuple[str, ...]) -> str:
    group_type = form.get("type") or ""
    if group_type not in types:
        raise FormError(_("Choose a group type."), "type")
    return group_type


def parse_member_lines(text: str | None, name: str, label: str, *, with_history: bool = False) -> list[MemberSpec]:
    """Members one per line: `user[,Admin]`, or for imports `user[,Admin][,join time][,unread]`."""
    specs: dict[str, MemberSpec] = {}
    for number, line in enumerate((text or "").splitlines(), 1):
        parts = [p.strip() for p in line.split(",")]
        if not parts[0]:
            continue
        line_label = _("%(field)s, line %(n)d", field=label, n=number)
        if len(parts) > (4 if with_history else 2):
            raise FormError(_("%(field)s, line %(n)d: write user[,Admin]%(more)s.", field=label, n=number,
                              more=",join time,unread" if with_history else ""), name)
        role = parts[1] if len(parts) > 1 and parts[1] else None
        if role not in (None, "Admin", "Member"):
            raise FormError(_("%(field)s, line %(n)d: the role may only be Admin (or empty).",
                              field=label, n=number), name)
        spec = MemberSpec(forms.user_id(parts[0], name, line_label), role="Admin" if role == "Admin" else None)
        if with_history:
            spec.join_time = forms.local_time(parts[2] if len(parts) > 2 else "", name, line_label)
            spec.unread_msg_num = forms.integer(parts[3] if len(parts) > 3 else "", name, line_label,
                                                hi=forms.UINT32_MAX)
        specs[spec.user_id] = spec
    return list(specs.values())


def plan_create(form: Mapping) -> dict:
    """kwargs for `group.create_group`, validated for the chosen type."""
    group_type = _type(form, TYPES)
    no = forbidden(group_type)
    kwargs, invite, members = forms.collect(
        lambda: _common_profile(form, group_type),
        lambda: _allowed(no, "invite_option", "invite_join_option",
                         forms.choice(form.get("invite_join_option"), "invite_join_option", _("Invite option"),
                                      INVITE_OPTIONS)),
        lambda: parse_member_lines(form.get("members"), "members", _("Initial members")))
    kwargs["invite_join_option"] = invite
    if members:
        if "add" in no:
            raise FormError(_("Live groups (AVChatRoom) cannot be created with members (IM answers 10007)."),
                            "members")
        if len(members) > CREATE_MEMBERS_MAX:
            raise FormError(_("At most %(n)d initial members; add the rest afterwards.", n=CREATE_MEMBERS_MAX),
                            "members")
        if "admin_role" in no and any(m.role for m in members):
            raise FormError(no["admin_role"], "members")
        kwargs["members"] = [m for m in members if m.user_id != kwargs["owner"]]
    if forms.flag(form.get("support_topic")):
        if group_type != "Community":
            raise FormError(_("Only communities can have topics."), "support_topic")
        kwargs["support_topic"] = True
    return kwargs


def plan_import(form: Mapping) -> dict:
    """kwargs for `group.import_group` (migration: past creation time, no callbacks)."""
    group_type = _type(form, IMPORT_TYPES)
    kwargs, create_time = forms.collect(
        lambda: _common_profile(form, group_type),
        lambda: forms.local_time(form.get("create_time"), "create_time", _("Created at")))
    if create_time is not None and create_time > int(utcnow().timestamp()):
        raise FormError(_("Created at must be in the past."), "create_time")
    kwargs["create_time"] = create_time
    return kwargs


EDITABLE = ("name", "introduction", "notification", "face_url", "max_member_num", "apply_join_option",
            "invite_join_option", "mute_all_member")


def plan_edit(form: Mapping, group) -> dict:
    """kwargs for `group.update_group`: only the fields that differ from `group` (a results.Group)."""
    no = forbidden(group.type)
    name, introduction, notification, face_url, max_members, apply_option, invite_option, custom = forms.collect(
        lambda: forms.text(form.get("name"), "name", _("Name"), max_bytes=MAX_NAME, required=True),
        lambda: forms.text(form.get("introduction"), "introduction", _("Introduction"), max_bytes=MAX_INTRO),
        lambda: forms.text(form.get("notification"), "notification", _("Notification"), max_bytes=MAX_NOTICE),
        lambda: forms.text(form.get("face_url"), "face_url", _("Face URL"), max_bytes=MAX_FACE_URL),
        lambda: None if "max_members" in no else forms.integer(
            form.get("max_members"), "max_members", _("Max members"), lo=1,
            hi=MEMBER_CAPS.get(group.type, forms.INT64_MAX)),
        lambda: None if "apply_option" in no else forms.choice(
            form.get("apply_join_option"), "apply_join_option", _("Join option"), APPLY_OPTIONS),
        lambda: None if "invite_option" in no else forms.choice(
            form.get("invite_join_option"), "invite_join_option", _("Invite option"), INVITE_OPTIONS),
        lambda: parse_custom(form.get("custom"), "custom", _("Custom fields")) or {})
    changes: dict = {}
    if name != group.name:
        changes["name"] = name
    for field, value in (("introduction", introduction), ("notification", notification), ("face_url", face_url)):
        if (value or "") != (getattr(group, field) or ""):
            changes[field] = value or ""
    if max_members is not None and max_members != group.max_member_num:
        if max_members < group.member_num:
            raise FormError(_("Max members cannot be below the current member count (%(n)d).",
                              n=group.member_num), "max_members")
        changes["max_member_num"] = max_members
    if apply_option and apply_option != group.apply_join_option:
        changes["apply_join_option"] = apply_option
    if invite_option and invite_option != group.invite_join_option:
        changes["invite_join_option"] = invite_option
    mute_all = form.get("mute_all") == "On"
    if mute_all != (group.mute_all_member == "On"):
        changes["mute_all_member"] = mute_all
    current = dict(group.custom or {})
    removed = {k: "" for k in current if k not in custom}   # an empty value deletes a key
    changed = {k: v for k, v in custom.items() if current.get(k) != v}
    if changed or removed:
        changes["app_defined_data"] = {**removed, **changed}
    if not changes:
        raise FormError(_("Nothing changed."))
    return changes


def custom_text(custom: Mapping[str, str] | None) -> str:
    return "\n".join(f"{k}={v}" for k, v in (custom or {}).items())


# ---- messages ---------------------------------------------------------------------------------

MSG_KINDS = ("text", "custom", "image", "file", "sound", "video")


def _uuid(form: Mapping, url: str) -> str:
    return (form.get("uuid") or "").strip()[:128] or re.sub(r"[^A-Za-z0-9]+", "_", url)[-64:]


def _number(form: Mapping, name: str, label, lo: int = 0) -> int | None:
    return forms.integer(form.get(name), name, label, lo=lo, hi=forms.UINT32_MAX)


def build_body(form: Mapping) -> list[dict]:
    """MsgBody for the chosen kind, built with console.tim.messages (validated there too)."""
    kind = form.get("kind") or "text"
    if kind not in MSG_KINDS:
        raise FormError(_("Unknown message kind."), "kind")
    try:
        if kind == "text":
            return [msgs.text(forms.text(form.get("text"), "text", _("Text"), max_bytes=12 * 1024, required=True))]
        if kind == "custom":
            data = form.get("data") or ""
            if not data.strip():
                raise FormError(_("Data is required for a custom message."), "data")
            return [msgs.custom(data, desc=(form.get("desc") or None), ext=(form.get("ext") or None))]
        url = forms.url(form.get("url"), "url", _("URL"), required=True)
        size = _number(form, "size", _("Size (bytes)"))
        if kind == "image":
            width = _number(form, "width", _("Width"), lo=1) or 0
            height = _number(form, "height", _("Height"), lo=1) or 0
            if not width or not height:
                raise FormError(_("An image needs its width and height."), "width")
            info = [msgs.image_info(t, url, width, height, size) for t in (1, 2, 3)]
            return [msgs.image(_uuid(form, url), info)]
        if kind == "file":
            name = (form.get("file_name") or "").strip() or url.rsplit("/", 1)[-1][:128]
            return [msgs.file(url, _uuid(form, url), file_size=size, file_name=name)]
        if kind == "sound":
            return [msgs.sound(url, _uuid(form, url), size=size, second=_number(form, "seconds", _("Seconds")))]
        thumb = forms.url(form.get("thumb_url"), "thumb_url", _("Thumbnail URL"), required=True)
        return [msgs.video(url, _uuid(form, url), thumb, _uuid({}, thumb), video_size=size,
                           video_second=_number(form, "seconds", _("Seconds")),
                           thumb_width=_number(form, "width", _("Width")),
                           thumb_height=_number(form, "height", _("Height")))]
    except InvalidArgumentError as exc:   # the builders' own checks, worded with IM's field names
        raise FormError(_("Refused before sending: %(detail)s", detail=exc.info)) from None


def build_push(form: Mapping) -> dict | None:
    """OfflinePushInfo when the operator filled any of its fields."""
    title = (form.get("push_title") or "").strip()
    desc = (form.get("push_desc") or "").strip()
    ext = (form.get("push_ext") or "").strip()
    no_push = form.get("push_off") == "1"
    if not (title or desc or ext or no_push):
        return None
    try:
        return msgs.offline_push_info(push_flag=1 if no_push else 0, title=title or None, desc=desc or None,
                                      ext=ext or None)
    except InvalidArgumentError as exc:
        raise FormError(_("Refused before sending: %(detail)s", detail=exc.info)) from None


def plan_send(form: Mapping) -> dict:
    """Body, offline push and sender of the group message form (every problem at once)."""
    body, push, sender = forms.collect(
        lambda: build_body(form), lambda: build_push(form),
        lambda: forms.user_id(form.get("sender"), "sender", _("Sender"), required=False))
    plan = {"body": body, "offline_push_info": push, "sender": sender}
    if forms.flag(form.get("need_read_receipt")):
        plan["need_read_receipt"] = True
    return plan


def parse_import_messages(text: str | None, name: str, label: str) -> list[ImportMessage]:
    """Historical messages, one per line: `sender, send time, text`; sorted oldest first."""
    out = []
    for number, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split(",", 2)
        if len(parts) < 3 or not parts[0].strip() or not parts[2].strip():
            raise FormError(_("%(field)s, line %(n)d: write sender, send time, text.", field=label, n=number), name)
        line_label = _("%(field)s, line %(n)d", field=label, n=number)
        when = forms.local_time(parts[1], name, line_label, required=True)
        out.append(ImportMessage(sender=forms.user_id(parts[0].strip(), name, line_label), send_time=when,
                                 body=[msgs.text(parts[2].strip())]))
    if not out:
        raise FormError(_("%(field)s: give at least one message.", field=label), name)
    if any(m.send_time >= int(utcnow().timestamp()) for m in out):
        raise FormError(_("%(field)s: send times must be in the past.", field=label), name)
    return sorted(out, key=lambda m: m.send_time)


def parse_seqs(values: Iterable[str]) -> list[int]:
    seqs = []
    for value in values:
        for part in re.split(r"[\s,]+", value or ""):
            if part:
                seqs.append(forms.integer(part, "seq", _("Message seq"), lo=1))
    if not seqs:
        raise FormError(_("Select at least one message."), "seq")
    return list(dict.fromkeys(seqs))


# ---- batching ---------------------------------------------------------------------------------

def chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


@dataclass
class ItemOutcome:
    """One per-item result shown after a batch action."""
    item: str
    ok: bool
    detail: str = ""
    code: int | None = None


def _batches(items: list, size: int, call, label=str) -> list[ItemOutcome]:
    """Run `call(batch) -> [ItemOutcome]` per batch; a batch IM refuses as a whole becomes one failed
    outcome per item (with the code), and the next batches still run."""
    out: list[ItemOutcome] = []
    for batch in chunks(items, size):
        try:
            out += call(batch)
        except TimError as exc:
            detail = f"{exc.info} — {hint_for(exc.code)}" if exc.info else hint_for(exc.code)
            out += [ItemOutcome(label(i), False, detail, exc.code) for i in batch]
    return out


#: per-member `Result` of add_group_member / import_group_member
ADD_RESULTS = {0: _l("failed"), 1: _l("added"), 2: _l("already a member"), 3: _l("awaiting approval")}
IMPORT_RESULTS = {0: _l("failed"), 1: _l("imported"), 2: _l("already a member")}


def _member_outcomes(result, meanings: dict) -> list[ItemOutcome]:
    return [ItemOutcome(i.id, i.ok, str(meanings.get(i.result, i.info)), i.code) for i in result.items]


def import_members(group_api, group_id: str, specs: list[MemberSpec]) -> list[ItemOutcome]:
    return _batches(specs, IMPORT_MEMBERS_BATCH, lambda batch: _member_outcomes(
        group_api.import_members(group_id, batch), IMPORT_RESULTS), label=lambda s: s.user_id)


def recall(group_api, group_id: str, seqs: list[int], reason: str | None) -> list[ItemOutcome]:
    def call(batch):
        return [ItemOutcome(str(i.msg_seq or i.id), i.ok, "" if i.ok else hint_for(i.code), i.code)
                for i in group_api.revoke_messages(group_id, batch, reason=reason).items]
    return _batches(seqs, RECALL_BATCH, call)


def _message_label(msg: ImportMessage) -> str:
    return f"{msg.sender} @ {msg.send_time}"


def import_messages(group_api, group_id: str, messages: list[ImportMessage]) -> list[ItemOutcome]:
    def call(batch):
        result = group_api.import_messages(group_id, batch)
        return [ItemOutcome(_message_label(m), i.ok, _("seq %(n)d", n=i.msg_seq) if i.ok else hint_for(i.code), i.code)
                for m, i in zip(batch, result.items)]
    return _batches(messages, IMPORT_MSGS_BATCH, call, label=_message_label)


def search_members(group_api, group_id: str, q: str) -> tuple[list, bool]:
    """Members whose ID or name card contains `q` (case-insensitive), scanning at most
    SEARCH_SCAN_MAX members; returns (matches, scanned everything)."""
    needle = q.lower()
    found, scanned = [], 0
    for member in group_api.iter_members(group_id, page_size=100):
        scanned += 1
        if needle in member.id.lower() or needle in (member.name_card or "").lower():
            found.append(member)
        if scanned >= SEARCH_SCAN_MAX:
            return found, False
    return found, True


# ---- the local cache ----------------------------------------------------------------------------

CACHE_FIELDS = ["Type", "Name", "Owner_Account", "MemberNum", "MaxMemberNum", "CreateTime"]


def cache_groups(sess, groups: Iterable) -> int:
    """Insert or refresh cache rows for readable groups (results.Group items); drop missing ones."""
    now = utcnow()
    count = 0
    for group in groups:
        if not group.id:
            continue
        if not group.ok:
            if group.code in (10010, 10015):
                sess.execute(delete(GroupCache).where(GroupCache.group_id == group.id))
            continue
        row = sess.get(GroupCache, group.id) or GroupCache(group_id=group.id)
        row.type = group.type or row.type or ""
        row.name = (group.name or "")[:128]
        row.name_lower = row.name.lower()
        row.owner = (group.owner or "")[:128]
        row.member_num = group.member_num
        row.max_member_num = group.max_member_num
        row.create_time = group.create_time
        row.refreshed_at = now
        sess.add(row)
        count += 1
    return count


def uncache(sess, group_id: str) -> None:
    sess.execute(delete(GroupCache).where(GroupCache.group_id == group_id))


def prune_cache(sess, keep_ids: Iterable[str], group_type: str | None = None) -> int:
    """Remove cached groups IM no longer lists (of `group_type`, or all)."""
    keep = set(keep_ids)
    stmt = select(GroupCache.group_id)
    if group_type:
        stmt = stmt.where(GroupCache.type == group_type)
    gone = [gid for gid in sess.scalars(stmt) if gid not in keep]
    for batch in chunks(gone, 500):
        sess.execute(delete(GroupCache).where(GroupCache.group_id.in_(batch)))
    return len(gone)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search_cache(sess, q: str = "", group_type: str | None = None, offset: int = 0,
                 limit: int = LIST_PAGE) -> tuple[list[GroupCache], int]:
    """Cached groups whose ID or name contains `q`, by ID; (page, total)."""
    stmt = select(GroupCache)
    if q:
        pattern = _like(q)
        stmt = stmt.where(or_(GroupCache.group_id.like(pattern, escape="\\"),
                              GroupCache.name_lower.like(pattern.lower(), escape="\\")))
    if group_type:
        stmt = stmt.where(GroupCache.type == group_type)
    total = sess.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = list(sess.scalars(stmt.order_by(GroupCache.group_id).offset(offset).limit(limit)))
    return rows, total


def cache_stats(sess) -> tuple[int, dt.datetime | None]:
    return (sess.scalar(select(func.count()).select_from(GroupCache)) or 0,
            sess.scalar(select(func.max(GroupCache.refreshed_at))))
