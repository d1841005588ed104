"""Official accounts: which ones the console knows of, and parsing the create, edit, subscriber
and compose forms (limits are the client's).

IM has no call that lists every official account of an app. The console lists the ones it has
seen: IDs named in its own audited IM calls (audit_target), in the subscribed-account lists it
read (an account page's Social tab) and in the official-account callbacks it received; any other
is reached by looking its ID up.
"""
from __future__ import annotations

import json
from collections.abc import Mapping

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from console import forms
from console.forms import FormError
from console.models import AuditEntry, AuditTarget, CallbackEvent
from console.tim.api.official_account import LIMITS, MAX_ID_BYTES, MAX_REASON, PREFIX

MAX_KNOWN = 500
CALLBACK_PREFIX = "OfficialAccount."
TEXT_FIELDS = ("name", "introduction", "face_url", "organization", "custom")
MAX_MESSAGE_BYTES = 12000


def account_id_problem(value: str) -> str | None:
    """Why `value` cannot be an official account's ID (translated), or None."""
    if not value.startswith(PREFIX) or value == PREFIX:
        return _("An official account ID starts with %(p)s.", p=PREFIX)
    if forms.nbytes(value) > MAX_ID_BYTES or any(c.isspace() or ord(c) < 32 for c in value):
        return _("An official account ID has at most %(n)d bytes and no spaces.", n=MAX_ID_BYTES)
    return None


def account_id(value, name: str = "id", *, required: bool = True) -> str | None:
    value = forms.text(value, name, _("Official account ID"), max_bytes=MAX_ID_BYTES, required=required)
    if value is None:
        return None
    problem = account_id_problem(value)
    if problem:
        raise FormError(problem, name)
    return value


def known_ids(session: Session) -> list[str]:
    """Official account IDs the console has seen, in first-seen order (at most MAX_KNOWN)."""
    found: dict[str, None] = {}
    targets = session.scalars(select(AuditTarget.target).where(AuditTarget.target.startswith(PREFIX, autoescape=True))
                              .group_by(AuditTarget.target).order_by(AuditTarget.target).limit(MAX_KNOWN))
    for target in targets:
        if not account_id_problem(target):
            found.setdefault(target, None)
    answers = session.scalars(select(AuditEntry.response)
                              .where(AuditEntry.action == "official_account.fetch_subscribed_accounts")
                              .order_by(AuditEntry.id.desc()).limit(MAX_KNOWN))
    for answer in answers:
        for entry in (answer or {}).get("OfficialAccountInfoList") or [] if isinstance(answer, dict) else []:
            value = entry.get("Official_Account") if isinstance(entry, dict) else None
            if isinstance(value, str) and not account_id_problem(value):
                found.setdefault(value, None)
    payloads = session.scalars(select(CallbackEvent.payload)
                               .where(CallbackEvent.command.startswith(CALLBACK_PREFIX, autoescape=True))
                               .order_by(CallbackEvent.id.desc()).limit(MAX_KNOWN))
    for payload in payloads:
        try:
            value = json.loads(payload).get("Official_Account")
        except (ValueError, AttributeError):
            continue
        if isinstance(value, str) and not account_id_problem(value):
            found.setdefault(value, None)
    return list(found)[:MAX_KNOWN]


def _fields(form: Mapping[str, str], *, name_required: bool) -> dict:
    labels = {"name": _("Name"), "introduction": _("Introduction"), "face_url": _("Picture URL"),
              "organization": _("Organization"), "custom": _("Custom data")}
    steps = [lambda key=key: forms.text(form.get(key), key, labels[key], max_bytes=LIMITS[key],
                                        required=key == "name" and name_required) for key in TEXT_FIELDS]
    values = dict(zip(TEXT_FIELDS, forms.collect(*steps)))
    if values["face_url"]:
        forms.url(values["face_url"], "face_url", labels["face_url"], max_bytes=LIMITS["face_url"])
    return values


def plan_create(form: Mapping[str, str]) -> dict:
    """client.official_account.create's arguments."""
    owner, custom_id = forms.collect(lambda: forms.user_id(form.get("owner"), "owner", _("Owner account")),
                                     lambda: account_id(form.get("account_id"), "account_id", required=False))
    fields = _fields(form, name_required=True)
    limit = forms.integer(form.get("max_subscribers"), "max_subscribers", _("Subscriber limit"), lo=1)
    return {"owner": owner, "account_id": custom_id, "max_subscribers": limit,
            **{k: v for k, v in fields.items() if v is not None}}


def plan_update(form: Mapping[str, str], current) -> dict:
    """The changed fields (client.official_account.update's arguments); FormError when none."""
    fields = _fields(form, name_required=True)
    changes = {k: v or "" for k, v in fields.items() if (v or "") != (getattr(current, k, "") or "")}
    limit = forms.integer(form.get("max_subscribers"), "max_subscribers", _("Subscriber limit"), lo=1)
    if limit is not None and limit != current.max_subscriber_num:
        changes["max_subscribers"] = limit
    if not changes:
        raise FormError(_("Nothing changed."))
    return changes


def plan_send(form: Mapping[str, str]) -> dict:
    """client.official_account.send_message's arguments for a text broadcast."""
    text = forms.text(form.get("text"), "text", _("Message"), max_bytes=MAX_MESSAGE_BYTES, required=True)
    return {"body": text, "online_only": forms.flag(form.get("online_only"))}


def plan_recall(form: Mapping[str, str]) -> tuple[list[str], str | None]:
    keys = forms.split_list(form.get("keys"))
    if not keys:
        raise FormError(_("Choose the messages to recall."), "keys")
    reason = forms.text(form.get("reason"), "reason", _("Reason"), max_bytes=MAX_REASON)
    return keys, reason
