"""Communities for the groups pages: topics (create, modify, disband, import, topic-scoped
messages) and permission groups (create, modify, disband, members, topic permissions).

Plain functions over a submitted form (a Mapping); the `plan_*` functions raise
`console.forms.FormError` keyed by field. Limits and ID shapes come from the client
(console.tim.api.community), which took them from the spec.
"""
from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _

from console import forms
from console.forms import FormError
from console.tim.api import community as cm

TOPIC_TEXTS = (("introduction", cm.MAX_INTRO), ("notification", cm.MAX_NOTICE), ("face_url", cm.MAX_FACE_URL),
               ("custom_string", cm.MAX_CUSTOM_STRING))
PMG_MEMBERS_MAX = 500


def _labels() -> dict[str, str]:
    return {"introduction": _("Introduction"), "notification": _("Notification"), "face_url": _("Face URL"),
            "custom_string": _("Custom string")}


def _texts(form: Mapping, *, keep_empty: bool) -> dict:
    """The optional topic texts; on edit (`keep_empty`) an empty field clears the text."""
    labels, out = _labels(), {}
    for name, limit in TOPIC_TEXTS:
        value = forms.text(form.get(name), name, labels[name], max_bytes=limit)
        if value is not None or keep_empty:
            out[name] = value or ""
    return out


def _custom_id(form: Mapping, name: str, label: str, prefix: str) -> str | None:
    """`prefix` + the custom part the operator typed, or None (IM assigns one)."""
    part = (form.get(name) or "").strip()
    if not part:
        return None
    value = prefix + part
    if forms.nbytes(value) > cm.MAX_ID_BYTES or any(not 0x20 < ord(c) < 0x7F for c in part):
        raise FormError(_("%(field)s: printable ASCII without spaces, %(n)d bytes at most in all.", field=label,
                          n=cm.MAX_ID_BYTES), name)
    return value


def plan_topic(form: Mapping, group_id: str, *, importing: bool = False) -> dict:
    """Arguments of create_topic / import_topic (every problem at once)."""
    name, topic_id, creator, texts, created = forms.collect(
        lambda: forms.text(form.get("name"), "name", _("Topic name"), max_bytes=cm.MAX_TOPIC_NAME, required=True),
        lambda: _custom_id(form, "topic_id", _("Topic ID"), group_id + cm.TOPIC_MARK),
        lambda: forms.user_id(form.get("creator"), "creator", _("Creator"), required=False),
        lambda: _texts(form, keep_empty=False),
        lambda: forms.local_time(form.get("create_time"), "create_time", _("Created"), required=False)
        if importing else None)
    plan = {"name": name, "topic_id": topic_id, "creator": creator, **(texts or {})}
    if importing and created:
        plan["create_time"] = created
    return plan


def plan_topic_edit(form: Mapping) -> dict:
    """Arguments of update_topic: the name, the texts (empty clears), everyone muted or not."""
    name, texts = forms.collect(
        lambda: forms.text(form.get("name"), "name", _("Topic name"), max_bytes=cm.MAX_TOPIC_NAME, required=True),
        lambda: _texts(form, keep_empty=True))
    return {"name": name, **texts, "mute_all_member": forms.flag(form.get("mute_all"))}


def topic_id(value, group_id: str) -> str:
    """A topic ID of this community from a form or the query string (else a FormError)."""
    value = (value or "").strip()
    if not value.startswith(group_id + cm.TOPIC_MARK) or forms.nbytes(value) > cm.MAX_ID_BYTES:
        raise FormError(_("Not a topic of this community."), "topic_id")
    return value


# ---- permission groups -------------------------------------------------------------------------

def _bits(form: Mapping, name: str, label: str, required: bool = False) -> int | None:
    return forms.integer(form.get(name), name, label, lo=0, hi=cm.PERMISSION_MAX, required=required)


def plan_permission_group(form: Mapping) -> dict:
    """Arguments of create_permission_group."""
    name, pg_id, bits, custom = forms.collect(
        lambda: forms.text(form.get("name"), "name", _("Name"), max_bytes=cm.MAX_PMG_NAME, required=True),
        lambda: _custom_id(form, "pg_id", _("Permission group ID"), cm.PMG_PREFIX),
        lambda: _bits(form, "permission", _("Permission bits")),
        lambda: forms.text(form.get("custom_string"), "custom_string", _("Custom string"),
                           max_bytes=cm.MAX_CUSTOM_STRING))
    return {"name": name, "permission_group_id": pg_id, "permission": bits, "custom_string": custom}


def plan_permission_group_edit(form: Mapping) -> dict:
    """Arguments of update_permission_group (name and bits required, custom string may be cleared)."""
    name, bits, custom = forms.collect(
        lambda: forms.text(form.get("name"), "name", _("Name"), max_bytes=cm.MAX_PMG_NAME, required=True),
        lambda: _bits(form, "permission", _("Permission bits"), required=True),
        lambda: forms.text(form.get("custom_string"), "custom_string", _("Custom string"),
                           max_bytes=cm.MAX_CUSTOM_STRING))
    return {"name": name, "permission": bits, "custom_string": custom or ""}


def permission_group_id(value) -> str:
    value = (value or "").strip()
    if not value or forms.nbytes(value) > cm.MAX_ID_BYTES:
        raise FormError(_("Name a permission group."), "pg")
    return value


def plan_members(form: Mapping) -> list[str]:
    return forms.user_ids(form.get("accounts"), "accounts", _("Accounts"), limit=PMG_MEMBERS_MAX)


def plan_topic_permission(form: Mapping, group_id: str) -> dict[str, int]:
    """{topic: bits} of the topic permission form."""
    tid, bits = forms.collect(lambda: topic_id(form.get("topic_id"), group_id),
                              lambda: _bits(form, "permission", _("Permission bits"), required=True))
    return {tid: bits}


def bits_set(value: int) -> list[int]:
    """The numbers of the bits set in a permission mask (0 = the lowest)."""
    return [i for i in range(64) if value >> i & 1]
