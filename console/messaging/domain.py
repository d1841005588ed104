"""One-to-one messages for the operator pages: compose a MsgBody from a form, pick recipients,
read a conversation, import history, global mute.

Form fields of the element editor are named `el-<n>-type` and `el-<n>-<Field>`; `ELEMENT_KINDS`
describes each kind once, for the template that draws the editor and for the parser.
Everything here is plain functions over a form mapping and the audited client (`g.tim` or a job's).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import re
from collections.abc import Iterable, Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from console import forms
from console.forms import FormError
from console.models import Account
from console.tim import messages as tm
from console.tim import text as tim_text
from console.tim.errors import InvalidArgumentError
from console.ui import labels

MAX_BATCH = 500              # openim/batchsendmsg recipients per call
BATCH_PER_MINUTE = 12000     # openim/batchsendmsg messages (recipients) per minute
MAX_RECIPIENTS = 100_000     # one job
MAX_LIFETIME = 604800        # 7 days
MAX_UNREAD_PEERS = 10
FOREVER = 4294967295         # global mute "for good"


def _refused_by_client(exc: InvalidArgumentError) -> FormError:
    """The IM client's own check failed; its detail names IM's fields (MsgBody paths), so it stays as worded."""
    return FormError(_("Refused before sending: %(detail)s", detail=exc.info or str(exc)))


# ---- the element editor ---------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Field:
    name: str
    label: object
    kind: str = "text"            # text / textarea / int / number / url / select
    required: bool = False
    choices: tuple = ()           # (value, label) for select


@dataclasses.dataclass(frozen=True)
class Kind:
    msg_type: str
    label: object
    fields: tuple[Field, ...]


IMAGE_FORMATS = (("255", _l("other")), ("1", "JPG"), ("2", "GIF"), ("3", "PNG"), ("4", "BMP"))

ELEMENT_KINDS: dict[str, Kind] = {
    "text": Kind("TIMTextElem", _l("Text"), (Field("Text", _l("Text"), "textarea", True),)),
    "custom": Kind("TIMCustomElem", _l("Custom"), (
        Field("Data", _l("Data (any string, often JSON)"), "textarea", True),
        Field("Desc", _l("Description (push text)")), Field("Ext", _l("Extension")),
        Field("Sound", _l("Sound (iOS)")))),
    "image": Kind("TIMImageElem", _l("Image by URL"), (
        Field("URL", _l("Image URL"), "url", True), Field("Width", _l("Width (px)"), "int", True),
        Field("Height", _l("Height (px)"), "int", True), Field("Size", _l("Size (bytes)"), "int"),
        Field("ThumbURL", _l("Thumbnail URL (default: the image)"), "url"),
        Field("ImageFormat", _l("Format"), "select", choices=IMAGE_FORMATS),
        Field("UUID", _l("UUID (default: derived from the URL)")))),
    "file": Kind("TIMFileElem", _l("File by URL"), (
        Field("Url", _l("File URL"), "url", True), Field("FileName", _l("File name")),
        Field("FileSize", _l("Size (bytes)"), "int"), Field("UUID", _l("UUID (default: derived from the URL)")))),
    "sound": Kind("TIMSoundElem", _l("Voice by URL"), (
        Field("Url", _l("Audio URL"), "url", True), Field("Second", _l("Duration (s)"), "int"),
        Field("Size", _l("Size (bytes)"), "int"), Field("UUID", _l("UUID (default: derived from the URL)")))),
    "video": Kind("TIMVideoFileElem", _l("Video by URL"), (
        Field("VideoUrl", _l("Video URL"), "url", True), Field("VideoSecond", _l("Duration (s)"), "int"),
        Field("VideoSize", _l("Size (bytes)"), "int"), Field("VideoFormat", _l("Format (e.g. mp4)")),
        Field("ThumbUrl", _l("Thumbnail URL"), "url", True), Field("ThumbWidth", _l("Thumbnail width"), "int"),
        Field("ThumbHeight", _l("Thumbnail height"), "int"), Field("ThumbFormat", _l("Thumbnail format")))),
    "location": Kind("TIMLocationElem", _l("Location"), (
        Field("Desc", _l("Description")), Field("Latitude", _l("Latitude"), "number", True),
        Field("Longitude", _l("Longitude"), "number", True))),
    "face": Kind("TIMFaceElem", _l("Face (emoji)"), (
        Field("Index", _l("Index"), "int", True), Field("Data", _l("Data")))),
}
KIND_OF_TYPE = {k.msg_type: name for name, k in ELEMENT_KINDS.items()}
labels.define("msg_type", {
    "TIMTextElem": _l("Text"), "TIMCustomElem": _l("Custom"), "TIMImageElem": _l("Image"),
    "TIMFileElem": _l("File"), "TIMSoundElem": _l("Voice"), "TIMVideoFileElem": _l("Video"),
    "TIMLocationElem": _l("Location"), "TIMFaceElem": _l("Emoji"), "TIMRelayElem": _l("Forwarded messages"),
})
_EL_TYPE = re.compile(r"^el-(\d{1,3})-type$")


def _uuid(url: str) -> str:
    return hashlib.sha1(url.encode("utf-8")).hexdigest()


def _value(form: Mapping, key: str, field: Field, where: str):
    """One field of an element editor, parsed by its kind (console.forms); problems name the
    element (`where`) and are keyed by the input's name."""
    label = f"{where}: {field.label}"
    raw = (form.get(key) or "").strip()
    if not raw:
        if field.required:
            raise FormError(_("%(where)s: %(field)s is required.", where=where, field=field.label), key)
        return None
    if field.kind == "int":
        return forms.integer(raw, key, label, hi=forms.UINT32_MAX)
    if field.kind == "url":
        return forms.url(raw, key, label)
    if field.kind == "select":
        return forms.choice(raw, key, label, [c[0] for c in field.choices])
    if field.kind == "number":
        try:
            number = float(raw)
        except ValueError:
            number = float("nan")
        if number != number or number in (float("inf"), float("-inf")):
            raise FormError(_("%(where)s: %(field)s must be a number.", where=where, field=field.label), key)
        return number
    return raw


def _build(kind: str, v: dict) -> dict:
    """One element from the cleaned field values of `kind` (validated by console.tim.messages)."""
    if kind == "text":
        return tm.text(v["Text"])
    if kind == "custom":
        return tm.custom(v["Data"], desc=v.get("Desc"), ext=v.get("Ext"), sound=v.get("Sound"))
    if kind == "image":
        main = (v["URL"], v["Width"], v["Height"])
        thumb = v.get("ThumbURL") or v["URL"]
        infos = [tm.image_info(1, *main, size=v.get("Size")), tm.image_info(2, *main),
                 tm.image_info(3, thumb, v["Width"], v["Height"])]
        return tm.image(v.get("UUID") or _uuid(v["URL"]), infos, int(v.get("ImageFormat") or 255))
    if kind == "file":
        return tm.file(v["Url"], v.get("UUID") or _uuid(v["Url"]), file_size=v.get("FileSize"),
                       file_name=v.get("FileName"))
    if kind == "sound":
        return tm.sound(v["Url"], v.get("UUID") or _uuid(v["Url"]), size=v.get("Size"), second=v.get("Second"))
    if kind == "video":
        return tm.video(v["VideoUrl"], _uuid(v["VideoUrl"]), v["ThumbUrl"], _uuid(v["ThumbUrl"]),
                        video_size=v.get("VideoSize"), video_second=v.get("VideoSecond"),
                        video_format=v.get("VideoFormat"), thumb_width=v.get("ThumbWidth"),
                        thumb_height=v.get("ThumbHeight"), thumb_format=v.get("ThumbFormat"))
    if kind == "location":
        return tm.location(v["Latitude"], v["Longitude"], v.get("Desc") or "")
    return tm.face(v["Index"], v.get("Data") or "")


def element_slots(form: Mapping) -> list[tuple[int, str]]:
    """(index, kind) of the element editors present in the form, in order."""
    slots = []
    for key in form.keys():
        match = _EL_TYPE.match(key)
        if match and form.get(key) in ELEMENT_KINDS:
            slots.append((int(match.group(1)), form.get(key)))
    return sorted(slots)


def parse_body(form: Mapping) -> list[dict]:
    """The MsgBody of a composer form: the raw JSON field when filled, else the element editors."""
    raw = (form.get("raw_body") or "").strip()
    try:
        if raw:
            body = forms.json_value(raw, "raw_body", _("MsgBody JSON"), required=True)
            body = [body] if isinstance(body, dict) else body
            tm.validate_body(body)
            return body
        body, problems = [], {}
        for n, (index, kind) in enumerate(element_slots(form), 1):
            spec = ELEMENT_KINDS[kind]
            where = _("Element %(n)d (%(kind)s)", n=n, kind=spec.label)
            try:
                found = forms.collect(*(functools.partial(_value, form, f"el-{index}-{f.name}", f, where)
                                        for f in spec.fields))
            except FormError as exc:
                problems.update(exc.problems)
                continue
            values = {f.name: v for f, v in zip(spec.fields, found) if v is not None}
            try:
                body.append(_build(kind, values))
            except InvalidArgumentError as exc:
                problems[f"el-{index}-type"] = f"{where}: {exc.info or exc}"
        if problems:
            raise FormError(problems)
        if not body:
            raise FormError(_("Add at least one element to the message."))
        tm.validate_body(body)
        return body
    except InvalidArgumentError as exc:
        raise _refused_by_client(exc) from None


# ---- offline push and send options -----------------------------------------------------------

def parse_offline_push(form: Mapping) -> dict | None:
    """OfflinePushInfo from the push_* fields; None when none is filled."""
    keys = ("push_flag", "push_title", "push_desc", "push_ext", "push_apns_sound", "push_apns_badge",
            "push_android_sound")
    if not any((form.get(k) or "").strip() for k in keys):
        return None
    apns = {k: v for k, v in {"Sound": (form.get("push_apns_sound") or "").strip() or None,
                              "BadgeMode": 1 if form.get("push_apns_badge") == "1" else None}.items() if v is not None}
    android = (form.get("push_android_sound") or "").strip()
    try:
        return tm.offline_push_info(
            push_flag=1 if form.get("push_flag") == "1" else 0,
            title=(form.get("push_title") or "").strip() or None,
            desc=(form.get("push_desc") or "").strip() or None,
            ext=(form.get("push_ext") or "").strip() or None,
            android={"Sound": android} if android else None, apns=apns or None)
    except InvalidArgumentError as exc:
        raise _refused_by_client(exc) from None


SEND_CONTROLS = (("NoUnread", _l("Do not count as unread")),
                 ("NoLastMsg", _l("Do not update the conversation list")),
                 ("WithMuteNotifications", _l("Respect the recipient's do-not-disturb")))
FORBID_CALLBACKS = (("ForbidBeforeSendMsgCallback", _l("Skip the before-send callback")),
                    ("ForbidAfterSendMsgCallback", _l("Skip the after-send callback")))
LIFETIMES = (("", _l("default (7 days)")), ("0", _l("online only: no offline copy")), ("3600", _l("1 hour")),
             ("86400", _l("1 day")), ("259200", _l("3 days")))


def parse_options(form: Mapping, *, single: bool) -> dict:
    """Keyword arguments for c2c.send_message (single) or c2c.send_messages (batch)."""
    opts: dict = {}
    sender, lifetime, chosen = forms.collect(
        lambda: forms.user_id(form.get("sender"), "sender", _("Sender"), required=False),
        lambda: forms.integer(form.get("lifetime_custom"), "lifetime_custom", _("Lifetime"), hi=MAX_LIFETIME),
        lambda: forms.integer(form.get("lifetime"), "lifetime", _("Lifetime"), hi=MAX_LIFETIME))
    if sender:
        opts["sender"] = sender
    if lifetime is None:
        lifetime = chosen
    if lifetime is not None:
        opts["lifetime"] = lifetime
    if form.get("sync") in ("1", "2"):
        opts["sync_other_machine"] = int(form["sync"])
    custom = form.get("cloud_custom_data") or ""
    if custom.strip():
        opts["cloud_custom_data"] = custom
    control = [c for c, _label in SEND_CONTROLS if c in _getlist(form, "send_control")]
    if control:
        opts["send_control"] = control
    if form.get("online_only") == "1":
        opts["online_only"] = True
    if form.get("read_receipt") == "1":
        opts["need_read_receipt"] = True
    if single:
        forbid = [c for c, _label in FORBID_CALLBACKS if c in _getlist(form, "forbid")]
        if forbid:
            opts["forbid_callbacks"] = forbid
    push = parse_offline_push(form)
    if push is not None:
        opts["offline_push_info"] = push
    return opts


def _getlist(form: Mapping, key: str) -> list[str]:
    return form.getlist(key) if hasattr(form, "getlist") else list(form.get(key) or [])


@dataclasses.dataclass
class Composed:
    body: list[dict]
    options: dict


def compose(form: Mapping, *, single: bool = True) -> Composed:
    """Body and options of a composer form; FormError lists every problem found."""
    body, options = forms.collect(lambda: parse_body(form), lambda: parse_options(form, single=single))
    try:
        tm.check_size(body)
    except InvalidArgumentError as exc:
        raise _refused_by_client(exc) from None
    return Composed(body, options)


# ---- what the recipient sees -----------------------------------------------------------------

_EL_FIELD = re.compile(r"^el-\d{1,3}-(?!type$)")


def nothing_written(form: Mapping) -> bool:
    """True while the composer's body is untouched (no element field and no raw body filled in):
    the preview then says what to do, not which fields are missing."""
    if (form.get("raw_body") or "").strip():
        return False
    return not any((form.get(key) or "").strip() for key in form.keys() if _EL_FIELD.match(key))


_PLACEHOLDERS = {"TIMLocationElem": _l("[Location]"), "TIMImageElem": _l("[Image]"),
                 "TIMFileElem": _l("[File]"), "TIMSoundElem": _l("[Voice]"), "TIMVideoFileElem": _l("[Video]"),
                 "TIMFaceElem": _l("[Face]"), "TIMRelayElem": _l("[Chat history]")}


def notification_text(body: list[dict], push: dict | None) -> str:
    """The text of the offline notification: OfflinePushInfo.Desc, else what the body says."""
    if push and push.get("Desc"):
        return push["Desc"]
    parts = []
    for elem in body:
        content = elem.get("MsgContent") or {}
        if elem.get("MsgType") == "TIMTextElem":
            parts.append(str(content.get("Text", "")))
        elif elem.get("MsgType") == "TIMCustomElem":
            if content.get("Desc"):
                parts.append(str(content["Desc"]))
        else:
            parts.append(str(_PLACEHOLDERS.get(elem.get("MsgType"), "")))
    return "".join(parts)


def message_size(body: list[dict]) -> int:
    return tm.encoded_size(body)


# ---- recipients ----------------------------------------------------------------------------

def parse_csv_ids(data: bytes) -> list[str]:
    """User IDs from the first column of a CSV file (a header cell like "user_id" is skipped)."""
    text = tim_text.clean(data.decode("utf-8-sig", errors="replace"))
    ids = []
    for row in forms.csv_rows(text, "csv", _("CSV file")):
        cell = next((c.strip() for c in row if c.strip()), "")
        if cell and cell.lower() not in ("user_id", "userid", "to_account", "identifier", "id"):
            ids.append(cell)
    return list(dict.fromkeys(ids))


def directory_ids(sess, prefix: str = "", limit: int = MAX_RECIPIENTS) -> list[str]:
    """IDs of directory accounts (not deleted, not known to be missing) whose ID or nickname
    starts with `prefix`; all of them for an empty prefix."""
    stmt = (select(Account.user_id).where(Account.deleted_at.is_(None), Account.imported.isnot(False))
            .order_by(Account.user_id).limit(limit))
    if prefix:
        pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(Account.user_id.like(pattern, escape="\\"),
                              Account.nickname.like(pattern, escape="\\")))
    return list(sess.scalars(stmt))


def recipients(form: Mapping, files: Mapping, sess) -> list[str]:
    """The recipient list of a batch form: pasted IDs, a CSV upload and/or a directory filter."""
    ids = forms.user_ids(form.get("recipients"), "recipients", _("Recipients"), required=False,
                         limit=MAX_RECIPIENTS)
    upload = files.get("csv") if files else None
    if upload is not None and upload.filename:
        uploaded = parse_csv_ids(upload.read())
        bad = next((u for u in uploaded if forms.user_id_problem(u)), None)
        if bad is not None:
            raise FormError(f"{upload.filename}: {bad[:40]}: {forms.user_id_problem(bad)}", "csv")
        ids += uploaded
    if form.get("use_directory") == "1":
        ids += directory_ids(sess, forms.search(form.get("directory_prefix")))
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise FormError(_("Name at least one recipient."), "recipients")
    if len(ids) > MAX_RECIPIENTS:
        raise FormError(_("At most %(n)d recipients per job.", n=MAX_RECIPIENTS), "recipients")
    return ids


def pacing(count: int) -> dict:
    """How the 12,000 messages/minute limit of batchsendmsg shapes a send to `count` users."""
    calls = -(-count // MAX_BATCH)
    minutes = max(0, count - BATCH_PER_MINUTE) / BATCH_PER_MINUTE
    return {"count": count, "calls": calls, "per_minute": BATCH_PER_MINUTE, "per_call": MAX_BATCH,
            "min_seconds": int(round(minutes * 60))}


# ---- conversations ----------------------------------------------------------------------------

RECALLED = 8  # MsgFlagBits of a recalled message


@dataclasses.dataclass
class MessageRow:
    sender: str
    to: str
    at: dt.datetime
    msg_key: str
    msg_seq: int
    recalled: bool
    peer_read: bool
    body: list[dict]
    cloud_custom_data: str


def message_rows(page) -> list[MessageRow]:
    """View rows of a C2CMessagePage, newest first."""
    rows = [MessageRow(sender=m.sender, to=m.to, at=dt.datetime.fromtimestamp(m.msg_time, dt.timezone.utc),
                       msg_key=m.msg_key, msg_seq=m.msg_seq, recalled=bool(m.flag_bits & RECALLED),
                       peer_read=m.peer_read, body=m.body, cloud_custom_data=m.cloud_custom_data)
            for m in page.messages]
    return sorted(rows, key=lambda r: (r.at, r.msg_seq), reverse=True)


def unread_counts(tim, user_id: str, peers: Iterable[str]) -> dict:
    """{"user", "total", "peers": [UnreadCount]} for `user_id` (two IM calls)."""
    peers = [p for p in dict.fromkeys(peers) if p][:MAX_UNREAD_PEERS]
    total = tim.c2c.get_unread_message_num(user_id).total
    items = tim.c2c.get_unread_message_num(user_id, peers).items if peers else []
    return {"user": user_id, "total": total, "peers": items}


# ---- history import (JSON Lines) ------------------------------------------------------------

IMPORT_FIELDS = ("From_Account", "To_Account", "MsgTimeStamp", "MsgBody", "MsgSeq", "MsgRandom",
                 "CloudCustomData")
MAX_IMPORT_LINES = 50_000


def plan_import_one(form: Mapping) -> dict:
    """The importmsg record of the single-message import form (every problem at once)."""
    sender, to, when, body = forms.collect(
        lambda: forms.user_id(form.get("from"), "from", _("Sender")),
        lambda: forms.user_id(form.get("to"), "to", _("Recipient")),
        lambda: forms.local_time(form.get("when"), "when", _("Sent at"), required=True),
        lambda: parse_body(form))
    return {"From_Account": sender, "To_Account": to, "MsgTimeStamp": when, "MsgBody": body}


def check_record(record: object) -> dict:
    """One import record (the importmsg field names), checked; raises FormError."""
    if not isinstance(record, dict):
        raise FormError(_("each line must be a JSON object"))
    unknown = sorted(set(record) - set(IMPORT_FIELDS))
    if unknown:
        raise FormError(_("unknown field(s): %(names)s", names=", ".join(unknown)))
    for key in ("From_Account", "To_Account"):
        if not isinstance(record.get(key), str) or not record[key].strip():
            raise FormError(_("%(field)s must be a user ID", field=key))
    for key in ("MsgTimeStamp", "MsgSeq", "MsgRandom"):
        value = record.get(key)
        if (value is not None or key == "MsgTimeStamp") and (
                not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 0xFFFFFFFF):
            raise FormError(_("%(field)s must be a whole number (Unix seconds for the time)", field=key))
    if "CloudCustomData" in record and not isinstance(record["CloudCustomData"], str):
        raise FormError(_("CloudCustomData must be a string"))
    try:
        tm.validate_body(record.get("MsgBody"))
    except InvalidArgumentError as exc:
        raise _refused_by_client(exc) from None
    return record


def parse_jsonl(text: str) -> tuple[list[dict], list[str]]:
    """Records of a JSON Lines file (blank lines skipped) and the problems, by line number."""
    records, problems = [], []
    for number, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        if len(records) >= MAX_IMPORT_LINES:
            problems.append(_("More than %(n)d messages: split the file.", n=MAX_IMPORT_LINES))
            break
        try:
            records.append(check_record(tim_text.loads(line)))
        except ValueError as exc:
            message = exc.messages[0] if isinstance(exc, FormError) else _("not valid JSON")
            problems.append(_("line %(n)d: %(problem)s", n=number, problem=message))
    if not records and not problems:
        problems.append(_("The file holds no messages."))
    return records, problems


def import_record(tim, record: dict, realtime: bool = False):
    """Import one historical message (openim/importmsg)."""
    return tim.c2c.import_message(record["From_Account"], record["To_Account"], record["MsgBody"],
                                  record["MsgTimeStamp"], msg_random=record.get("MsgRandom"),
                                  msg_seq=record.get("MsgSeq"), realtime=realtime,
                                  cloud_custom_data=record.get("CloudCustomData"))


# ---- global mute ----------------------------------------------------------------------------

MUTE_CHOICES = (("keep", _l("leave as it is")), ("0", _l("not muted")), ("3600", _l("1 hour")),
                ("86400", _l("1 day")), ("604800", _l("7 days")), (str(FOREVER), _l("for good")),
                ("custom", _l("custom seconds")))


def mute_duration(form: Mapping, prefix: str) -> int | None:
    """Seconds chosen for the `prefix` mute (c2c / group); None = leave it as it is."""
    choice = form.get(f"{prefix}_choice") or "keep"
    if choice == "keep":
        return None
    if choice == "custom":
        value = forms.integer(form.get(f"{prefix}_seconds"), f"{prefix}_seconds", _("Seconds"), hi=FOREVER)
        if value is None:
            raise FormError(_("Enter the number of seconds."), f"{prefix}_seconds")
        return value
    if choice not in {c for c, _label in MUTE_CHOICES}:
        raise FormError(_("Choose a duration from the list."), f"{prefix}_choice")
    return int(choice)


def plan_mute(form: Mapping) -> tuple[str, int | None, int | None]:
    """(account, one-to-one seconds, group seconds) of the global mute form; None leaves a mute."""
    user_id, c2c, group = forms.collect(
        lambda: forms.user_id(form.get("user_id"), "user_id", _("Account")),
        lambda: mute_duration(form, "c2c"), lambda: mute_duration(form, "group"))
    if c2c is None and group is None:
        raise FormError(_("Choose a new duration for one-to-one or group messages."), "c2c_choice")
    return user_id, c2c, group


def remember_mute(sess, user_id: str, c2c: int | None, group: int | None) -> None:
    """Store the mute state just read or set in the directory."""
    from console.accounts.directory import upsert_accounts

    row = {"user_id": user_id}
    if c2c is not None:
        row["muted_c2c"] = c2c > 0
    if group is not None:
        row["muted_group"] = group > 0
    upsert_accounts(sess, [row], "imported")


def muted_accounts(sess, limit: int = 500) -> list[Account]:
    stmt = (select(Account).where(or_(Account.muted_c2c.is_(True), Account.muted_group.is_(True)))
            .order_by(Account.user_id).limit(limit))
    return list(sess.scalars(stmt))


def describe_seconds(seconds: int | None) -> str:
    if seconds is None:
        return "?"
    if seconds == 0:
        return _("not muted")
    if seconds >= FOREVER:
        return _("for good")
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return " ".join(p for p in (f"{days}d" if days else "", f"{hours}h" if hours else "",
                                f"{minutes}m" if minutes else "", f"{secs}s" if secs or not seconds else "") if p)
