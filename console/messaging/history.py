"""Messages after the send: parsing the forms that edit a stored one-to-one message, delete
messages from one side's history, send read receipts, and read or write message extensions
(key-value pairs on C2C and group messages). Limits are the client's."""
from __future__ import annotations

import time
from collections.abc import Mapping

from flask_babel import gettext as _

from console import forms
from console.forms import FormError
from console.tim.messages import body_text
from console.tim.api.message_ext import MAX_KEY_BYTES, MAX_VALUE_BYTES

MAX_TEXT_BYTES = 12000
MAX_CUSTOM_BYTES = 8000
MAX_KEY = 50
MAX_RANGE_DELETE = 1000              # messages one range delete reads and deletes at most
DEFAULT_RANGE = 7 * 86400            # as the conversation viewer: the last 7 days


def msg_key(value, name: str = "msg_key") -> str:
    return forms.text(value, name, _("Message key"), max_bytes=MAX_KEY, required=True)


def plan_edit(form: Mapping[str, str]) -> dict:
    """client.c2c.modify_message's arguments: the new text and/or CloudCustomData."""
    sender, to, key, text = forms.collect(
        lambda: forms.user_id(form.get("sender"), "sender", _("Sender")),
        lambda: forms.user_id(form.get("to"), "to", _("Recipient")),
        lambda: msg_key(form.get("msg_key")),
        lambda: forms.text(form.get("text"), "text", _("New text"), max_bytes=MAX_TEXT_BYTES))
    custom = form.get("cloud_custom_data")
    if custom is not None and forms.nbytes(custom) > MAX_CUSTOM_BYTES:
        raise FormError(_("CloudCustomData has at most %(n)d bytes.", n=MAX_CUSTOM_BYTES), "cloud_custom_data")
    if text is None and not forms.flag(form.get("set_custom")):
        raise FormError(_("Give the new text, or tick to change the custom data."), "text")
    at = forms.integer(form.get("at"), "at", _("Sent at"), hi=2**32 - 1)
    plan = {"sender": sender, "to": to, "msg_key": key, "at": at}
    if text is not None:
        plan["body"] = text
    if forms.flag(form.get("set_custom")):
        plan["cloud_custom_data"] = custom or ""
    return plan


def _pair_and_keys(form: Mapping[str, str], first: str, first_label, missing: str) -> tuple[str, str, list[str]]:
    """An account, its peer and message keys (FormError with `missing` when there are none)."""
    owner, peer = forms.collect(lambda: forms.user_id(form.get(first), first, first_label),
                                lambda: forms.user_id(form.get("peer"), "peer", _("Peer")))
    keys = [msg_key(k, "msg_keys") for k in forms.split_list(form.get("msg_keys"))]
    if not keys:
        raise FormError(missing, "msg_keys")
    return owner, peer, keys


def text_body(text: str) -> list[dict]:
    """A message body of one text element (what an edit stores)."""
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]


def stored_message(tim, sender: str, to: str, key: str, at: int | None):
    """The stored message `key` (sent at `at`, Unix seconds) as its sender sees it, or None; one
    read of that second of the conversation."""
    if not at:
        return None
    page = tim.c2c.fetch_messages(sender, to, min_time=at, max_time=at, max_count=100)
    return next((m for m in page.messages if m.msg_key == key), None)


def plan_one_sided(form: Mapping[str, str]) -> tuple[str, str, list[str]]:
    """Whose history (typed again to confirm), the peer, and the message keys to delete there."""
    owner, peer, keys = _pair_and_keys(form, "user", _("Account"), _("Choose the messages to delete."))
    forms.typed_confirmation(form.get("confirm"), owner)
    return owner, peer, keys


def plan_one_sided_range(form: Mapping[str, str]) -> tuple[str, str, int, int]:
    """Whose history (typed again to confirm), the peer, and the time range (Unix seconds) whose
    messages leave that history."""
    owner, peer, since, until = forms.collect(
        lambda: forms.user_id(form.get("user"), "user", _("Account")),
        lambda: forms.user_id(form.get("peer"), "peer", _("Peer")),
        lambda: forms.local_time(form.get("since"), "since", _("From")),
        lambda: forms.local_time(form.get("until"), "until", _("Until")))
    until = until or int(time.time())
    since = until - DEFAULT_RANGE if since is None else since
    forms.typed_confirmation(form.get("confirm"), owner)
    return owner, peer, min(since, until), until


def plan_receipt(form: Mapping[str, str]) -> tuple[str, str, list[str]]:
    """The reader, the peer whose messages were read, and their keys."""
    return _pair_and_keys(form, "reader", _("Reader"), _("Choose the messages read."))


def extension_target(args: Mapping[str, str]) -> dict:
    """Which message's extensions: {"kind": "c2c", "to", "sender", "msg_key"} or
    {"kind": "group", "group_id", "msg_seq"}."""
    if args.get("kind") == "group":
        group_id, seq = forms.collect(
            lambda: forms.group_id(args.get("group_id"), "group_id", _("Group"), required=True),
            lambda: forms.integer(args.get("msg_seq"), "msg_seq", _("Message sequence number"), lo=1, required=True))
        return {"kind": "group", "group_id": group_id, "msg_seq": seq}
    to, sender, key = forms.collect(
        lambda: forms.user_id(args.get("to"), "to", _("Recipient")),
        lambda: forms.user_id(args.get("sender"), "sender", _("Sender"), required=False),
        lambda: msg_key(args.get("msg_key")))
    return {"kind": "c2c", "to": to, "sender": sender, "msg_key": key}


def extension_pair(form: Mapping[str, str]) -> tuple[str, str]:
    key, value = forms.collect(
        lambda: forms.text(form.get("key"), "key", _("Key"), max_bytes=MAX_KEY_BYTES, required=True),
        lambda: forms.text(form.get("value"), "value", _("Value"), max_bytes=MAX_VALUE_BYTES) or "")
    return key, value


def text_of(body) -> str:
    """The text of a message body's text elements (what the edit form starts from); elements of
    any other shape are skipped."""
    return body_text(body)
