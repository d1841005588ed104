"""All-user and segment pushes, push attributes and tags, for the Push pages.

A push form chooses its audience (everyone, tags with AND/OR/NOT, attributes with AND/OR),
carries a message composed like a one-to-one message (console.messaging) and is confirmed
with a sentence that says whom it targets. Every push made is kept in `PushRecord`.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import random
from collections.abc import Mapping

from flask_babel import gettext as _
from sqlalchemy import select

from console.messaging import domain as messaging
from console import forms
from console.forms import FormError
from console.models.push import PushRecord
from console.tim import TimError

MAX_CONDITION_TAGS = 10
MAX_USERS = 100
ATTR_SLOTS = range(10)
TARGETS = ("all", "tags", "attrs")


@dataclasses.dataclass
class Audience:
    kind: str                      # all / tags / attrs
    condition: dict                # keyword arguments for push.push_message
    summary: str                   # whom it targets, in words

    @property
    def raw_condition(self) -> dict:
        names = {"tags_and": "TagsAnd", "tags_or": "TagsOr", "tags_not": "TagsNot",
                 "attrs_and": "AttrsAnd", "attrs_or": "AttrsOr"}
        return {names[k]: v for k, v in self.condition.items()}


def _tags(form: Mapping, key: str) -> list[str]:
    return forms.split_list(form.get(key))


def _attr_pairs(form: Mapping, key: str) -> dict[str, str]:
    """`name=value` lines (or comma-separated pairs) of an attribute condition field."""
    pairs = {}
    for line in (form.get(key) or "").replace(",", "\n").splitlines():
        if not line.strip():
            continue
        name, sep, value = line.partition("=")
        if not sep or not name.strip():
            raise FormError(_("Write attribute conditions as name=value, one per line: %(line)s",
                              line=line.strip()), key)
        pairs[name.strip()] = value.strip()
    return pairs


def audience(form: Mapping, api: str) -> Audience:
    """The audience chosen on the composer; FormError when it is incomplete or contradictory."""
    kind = form.get("target") or "all"
    if kind not in TARGETS:
        raise FormError(_("Choose whom to push to."), "target")
    if kind == "all":
        return Audience("all", {}, _("every user of the app"))
    if kind == "tags":
        cond = {k: v for k, v in (("tags_and", _tags(form, "tags_and")), ("tags_or", _tags(form, "tags_or")),
                                  ("tags_not", _tags(form, "tags_not"))) if v}
        if not cond.get("tags_and") and not cond.get("tags_or"):
            raise FormError(_("Name at least one tag (all of / any of)."), "tags_and")
        if sum(len(v) for v in cond.values()) > MAX_CONDITION_TAGS:
            raise FormError(_("At most %(n)d tags in a condition.", n=MAX_CONDITION_TAGS), "tags_and")
        if set(cond.get("tags_and", ())) & set(cond.get("tags_or", ())):
            raise FormError(_("A tag cannot be both in “all of” and in “any of”."), "tags_or")
        if cond.get("tags_not") and api == "legacy":
            raise FormError(_("Excluding tags needs the current push API (timpush)."), "tags_not")
        parts = []
        if cond.get("tags_and"):
            parts.append(_("users with all of the tags %(tags)s", tags=", ".join(cond["tags_and"])))
        if cond.get("tags_or"):
            parts.append(_("users with any of the tags %(tags)s", tags=", ".join(cond["tags_or"])))
        if cond.get("tags_not"):
            parts.append(_("except users with the tags %(tags)s", tags=", ".join(cond["tags_not"])))
        return Audience("tags", cond, "; ".join(parts))
    cond = {k: v for k, v in (("attrs_and", _attr_pairs(form, "attrs_and")),
                              ("attrs_or", _attr_pairs(form, "attrs_or"))) if v}
    if not cond:
        raise FormError(_("Name at least one attribute condition (name=value)."), "attrs_and")
    parts = []
    if cond.get("attrs_and"):
        parts.append(_("users whose attributes are all of %(pairs)s",
                       pairs=", ".join(f"{k}={v}" for k, v in cond["attrs_and"].items())))
    if cond.get("attrs_or"):
        parts.append(_("users with any of the attributes %(pairs)s",
                       pairs=", ".join(f"{k}={v}" for k, v in cond["attrs_or"].items())))
    return Audience("attrs", cond, "; ".join(parts))


@dataclasses.dataclass
class PushPlan:
    audience: Audience
    composed: messaging.Composed
    msg_random: int

    @property
    def fingerprint(self) -> str:
        """Identifies audience + message: the confirmation carries it, the push must match it."""
        data = json.dumps([self.audience.raw_condition, self.composed.body, self.composed.options],
                          sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]


def _message(form: Mapping, api: str) -> messaging.Composed:
    """The message of a push form and its options (every problem at once)."""
    body, push, sender, lifetime = forms.collect(
        lambda: messaging.parse_body(form), lambda: messaging.parse_offline_push(form),
        lambda: forms.user_id(form.get("sender"), "sender", _("Sender"), required=False),
        lambda: forms.integer(form.get("lifetime"), "lifetime", _("Lifetime"), hi=messaging.MAX_LIFETIME))
    options = {k: v for k, v in (("offline_push_info", push), ("sender", sender), ("lifetime", lifetime))
               if v is not None}
    if form.get("online_only") == "1":
        if api == "legacy":
            raise FormError(_("“Online only” needs the current push API (timpush)."), "online_only")
        options["online_only"] = True
    return messaging.Composed(body, options)


def plan(form: Mapping, api: str) -> PushPlan:
    """Audience + message of a push form, checked; the confirmation carries msg_random along so a
    repeated confirmation is the same task for IM."""
    aud, composed = forms.collect(lambda: audience(form, api), lambda: _message(form, api))
    raw = (form.get("msg_random") or "").strip()
    msg_random = int(raw) if raw.isdigit() and int(raw) <= 0xFFFFFFFF else random.randint(1, 0xFFFFFFFF)
    return PushPlan(aud, composed, msg_random)


def execute(tim, sess, p: PushPlan, api: str, operator_name: str | None) -> PushRecord:
    """Make the push and keep a record of it (also when IM refuses it)."""
    record = PushRecord(operator_name=operator_name, api=api, target_kind=p.audience.kind,
                        condition=p.audience.raw_condition or None, summary=p.audience.summary,
                        sender=p.composed.options.get("sender"), msg_random=p.msg_random,
                        preview=messaging.notification_text(p.composed.body,
                                                            p.composed.options.get("offline_push_info"))[:500])
    try:
        task = tim.push.push_message(p.composed.body, msg_random=p.msg_random, **p.audience.condition,
                                     **p.composed.options)
        record.ok, record.task_id = True, task.task_id
    except TimError as exc:
        record.ok, record.error_code, record.error_text = False, exc.code, (exc.info or "")[:2000]
        sess.add(record)
        sess.commit()
        raise
    sess.add(record)
    sess.commit()
    return record


def history(sess, limit: int = 100) -> list[PushRecord]:
    return list(sess.scalars(select(PushRecord).order_by(PushRecord.id.desc()).limit(limit)))


# ---- attribute names, user attributes and tags ------------------------------------------------

def attr_names_from_form(form: Mapping, api: str) -> tuple[dict[int, str], dict[int, int]]:
    names, types = {}, {}
    for slot in ATTR_SLOTS:
        name = (form.get(f"name_{slot}") or "").strip()
        if name:
            names[slot] = name
            if api != "legacy" and form.get(f"type_{slot}") in ("0", "1"):
                types[slot] = int(form[f"type_{slot}"])
    if not names:
        raise FormError(_("Name at least one attribute."), "name_0")
    return names, types


def bulk_lines(text: str) -> dict[str, list[str]]:
    """`user: a, b` (or `user,a,b`) lines → {user: [values]} for up to 100 users."""
    out: dict[str, list[str]] = {}
    for number, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        head, sep, rest = line.partition(":")
        if not sep:
            head, _sep, rest = line.partition(",")
        user = head.strip()
        values = forms.split_list(rest)
        if not user:
            raise FormError(_("line %(n)d: start with the user ID", n=number), "lines")
        out.setdefault(user, [])
        out[user].extend(v for v in values if v not in out[user])
    if not out:
        raise FormError(_("Write one user per line."), "lines")
    if len(out) > MAX_USERS:
        raise FormError(_("At most %(n)d users per call; split the list.", n=MAX_USERS), "lines")
    return out


def bulk_attrs(text: str) -> dict[str, dict[str, str]]:
    """`user: name=value, name=value` lines → {user: {name: value}}."""
    out = {}
    for user, pairs in bulk_lines(text).items():
        attrs = {}
        for pair in pairs:
            name, sep, value = pair.partition("=")
            if not sep or not name:
                raise FormError(_("%(user)s: write attributes as name=value", user=user), "lines")
            attrs[name] = value
        if not attrs:
            raise FormError(_("%(user)s: no attributes given", user=user), "lines")
        out[user] = attrs
    return out


def user_overview(tim, user_ids: list[str]) -> list[dict]:
    """Attributes and tags of up to 100 users: [{"id", "attrs", "tags", "error"}]."""
    attrs = {i.id: i for i in tim.push.get_user_attrs(user_ids).items}
    tags = {i.id: i for i in tim.push.get_user_tags(user_ids).items}
    rows = []
    for uid in user_ids:
        a, t = attrs.get(uid), tags.get(uid)
        error = next((f"{x.code}: {x.info}" for x in (a, t) if x is not None and not x.ok), None)
        rows.append({"id": uid, "attrs": a.attrs if a is not None and a.ok else {},
                     "tags": t.tags if t is not None and t.ok else [], "error": error})
    return rows
