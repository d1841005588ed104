"""All-user / tag push: the legacy `all_member_push/im_*` commands and the current `timpush/*` ones.

Both generations share one implementation; `current=True` selects the timpush behaviour
(per-user ErrorList, AttrTypes, TagsNot, roaming copies, revoke)."""
from __future__ import annotations

import time

from ..registry import ApiError, endpoint
from .c2c import message_body, tinyid
from .common import integer, is_int, items, size

MAX_USERS = 100
MAX_VALUE_BYTES = 50
MAX_TAGS_PER_ADD = 10
MAX_TAGS_PER_USER = 100
MAX_APP_TAGS = 1000
DAILY_PUSHES = 100
MIN_PUSH_GAP = 1.0
REVOKE_WINDOW = 86400
DEDUP_WINDOW = 7 * 86400


def _users(body, field: str = "To_Account") -> list:
    return items(body, field, 90001, limit=MAX_USERS, limit_code=90018)


def _unknown(ctx, uids, current: bool) -> list[dict]:
    """timpush reports unknown accounts per user; the legacy commands refuse the request."""
    missing = [u for u in uids if not ctx.state.account_exists(u)]
    if missing and not current:
        raise ApiError(70107, f"account {missing[0]} was never imported")
    return [{"To_Account": u, "ErrorCode": 70107, "ErrorInfo": "account not found"} for u in missing]


def _with_errors(errors: list, current: bool) -> dict:
    return {"ErrorList": errors} if current and errors else {}


def _user_entries(body, field: str) -> list[dict]:
    entries = _users(body, field)
    if not all(isinstance(e, dict) and isinstance(e.get("To_Account"), str) for e in entries):
        raise ApiError(90001, f"every {field} item needs a To_Account string")
    return entries


# ---- attributes ---------------------------------------------------------------------------
def set_attr_name(ctx, body, current):
    names = body.get("AttrNames")
    if not isinstance(names, dict) or not names:
        raise ApiError(90001, "AttrNames must be a non-empty object")
    types = (body.get("AttrTypes") or {}) if current else {}
    for slot, name in names.items():
        if slot not in {str(n) for n in range(10)} or not isinstance(name, str) or not name \
                or size(name) > MAX_VALUE_BYTES:
            raise ApiError(90033, f"attribute {slot!r}: slots are \"0\"-\"9\", names 1-50 bytes")
    if not isinstance(types, dict) or any(t not in (0, 1) for t in types.values()):
        raise ApiError(90033, "AttrTypes values must be 0 (IM account) or 1 (RegistrationID)")
    with ctx.state.lock:
        ctx.state.push_attr_names.update(names)
        ctx.state.push_attr_types.update({k: v for k, v in types.items() if k in ctx.state.push_attr_names})
    return {}


def get_attr_name(ctx, body, current):
    with ctx.state.lock:
        out = {"AttrNames": dict(ctx.state.push_attr_names)}
        if current:
            out["AttrTypes"] = {k: ctx.state.push_attr_types.get(k, 0) for k in ctx.state.push_attr_names}
    return out


def _per_user(ctx, body, current: bool, field: str, key: str, value_of) -> dict:
    """A read over To_Account: the legacy commands answer for anyone, timpush lists unknowns."""
    uids = _users(body)
    with ctx.state.lock:
        errors = _unknown(ctx, uids, True) if current else []
        bad = {e["To_Account"] for e in errors}
        out = {field: [{"To_Account": u, key: value_of(u)} for u in uids if u not in bad]}
    out.update(_with_errors(errors, current))
    return out


def get_attr(ctx, body, current):
    return _per_user(ctx, body, current, "UserAttrs", "Attrs",
                     lambda u: dict(ctx.state.user_attrs.get(u, {})))


def _check_attrs(state, attrs, with_values: bool) -> None:
    names = set(state.push_attr_names.values())
    if not isinstance(attrs, dict if with_values else list) or not all(k in names for k in attrs):
        raise ApiError(90033, "Attrs names an attribute that is not configured")
    if with_values and not all(isinstance(v, str) and size(v) <= MAX_VALUE_BYTES for v in attrs.values()):
        raise ApiError(90033, "attribute values are strings of at most 50 bytes")


def set_attr(ctx, body, current, remove=False):
    entries = _user_entries(body, "UserAttrs")
    with ctx.state.lock:
        for e in entries:
            _check_attrs(ctx.state, e.get("Attrs"), with_values=not remove)
        errors = _unknown(ctx, [e["To_Account"] for e in entries], current)
        bad = {e["To_Account"] for e in errors}
        for e in entries:
            if e["To_Account"] in bad:
                continue
            attrs = ctx.state.user_attrs.setdefault(e["To_Account"], {})
            if remove:
                for name in e["Attrs"]:
                    attrs.pop(name, None)
            else:
                attrs.update(e["Attrs"])
    return _with_errors(errors, current)


def remove_attr(ctx, body, current):
    return set_attr(ctx, body, current, remove=True)


# ---- tags ---------------------------------------------------------------------------------
def _check_tags(tags, limit: int | None = None) -> list:
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ApiError(90001, "Tags must be an array of strings")
    if any(not t for t in tags):
        raise ApiError(90040, "a tag is empty")
    if any(size(t) > MAX_VALUE_BYTES for t in tags):
        raise ApiError(90020, "a tag is longer than 50 bytes")
    if limit is not None and len(tags) > limit:
        raise ApiError(90032, f"more than {limit} tags")
    return tags


def get_tag(ctx, body, current):
    return _per_user(ctx, body, current, "UserTags", "Tags", lambda u: list(ctx.state.user_tags.get(u, [])))


def add_tag(ctx, body, current):
    entries = _user_entries(body, "UserTags")
    for e in entries:
        _check_tags(e.get("Tags"), MAX_TAGS_PER_ADD)
    with ctx.state.lock:
        errors = _unknown(ctx, [e["To_Account"] for e in entries], current)
        bad = {e["To_Account"] for e in errors}
        app_tags = {t for tags in ctx.state.user_tags.values() for t in tags}
        if len(app_tags | {t for e in entries for t in e["Tags"]}) > MAX_APP_TAGS:
            raise ApiError(90032, f"an app may use at most {MAX_APP_TAGS} distinct tags")
        for e in entries:
            if e["To_Account"] in bad:
                continue
            tags = ctx.state.user_tags.get(e["To_Account"], [])
            merged = list(dict.fromkeys(tags + e["Tags"]))
            if len(merged) > MAX_TAGS_PER_USER:
                raise ApiError(90032, f"{e['To_Account']} would have more than {MAX_TAGS_PER_USER} tags")
        for e in entries:
            if e["To_Account"] not in bad:
                tags = ctx.state.user_tags.setdefault(e["To_Account"], [])
                tags.extend(t for t in dict.fromkeys(e["Tags"]) if t not in tags)
    return _with_errors(errors, current)


def remove_tag(ctx, body, current):
    entries = _user_entries(body, "UserTags")
    for e in entries:
        _check_tags(e.get("Tags"))
    with ctx.state.lock:
        errors = _unknown(ctx, [e["To_Account"] for e in entries], current)
        for e in entries:
            if e["To_Account"] in ctx.state.user_tags:
                ctx.state.user_tags[e["To_Account"]] = [
                    t for t in ctx.state.user_tags[e["To_Account"]] if t not in e["Tags"]]
    return _with_errors(errors, current)


def remove_all_tags(ctx, body, current):
    uids = _users(body)
    with ctx.state.lock:
        errors = _unknown(ctx, uids, current)
        for uid in uids:
            ctx.state.user_tags.pop(uid, None)
    return _with_errors(errors, current)


# ---- pushes -------------------------------------------------------------------------------
def _targets(state, condition, current: bool) -> list[str]:
    """The accounts a push `Condition` selects (all accounts when absent)."""
    if condition is None:
        return list(state.accounts)
    if not isinstance(condition, dict):
        raise ApiError(90001, "Condition must be an object")
    condition = {k: v for k, v in condition.items() if v is not None}  # null = not given
    attr_keys = [k for k in ("AttrsAnd", "AttrsOr") if k in condition]
    tag_keys = [k for k in ("TagsAnd", "TagsOr") + (("TagsNot",) if current else ()) if k in condition]
    if attr_keys and tag_keys:
        raise ApiError(90039, "attribute and tag conditions cannot be combined")
    tags = {k: set(_check_tags(condition[k], 10)) for k in tag_keys}
    if sum(len(t) for t in tags.values()) > 10:
        raise ApiError(90032, "more than 10 tags in the condition")
    if tags.get("TagsAnd", set()) & tags.get("TagsOr", set()):
        raise ApiError(90022, "the same tag is in TagsAnd and TagsOr")
    for k in attr_keys:
        _check_attrs(state, condition[k], with_values=True)

    def selected(uid: str) -> bool:
        have, attrs = set(state.user_tags.get(uid, [])), state.user_attrs.get(uid, {})
        ok = True
        if "TagsAnd" in tags:
            ok &= tags["TagsAnd"] <= have
        if "TagsOr" in tags:
            ok &= bool(tags["TagsOr"] & have)
        if "TagsNot" in tags:
            ok &= not tags["TagsNot"] & have
        if "AttrsAnd" in condition:
            ok &= all(attrs.get(k) == v for k, v in condition["AttrsAnd"].items())
        if "AttrsOr" in condition:
            ok &= any(attrs.get(k) == v for k, v in condition["AttrsOr"].items())
        return ok

    return [uid for uid in state.accounts if selected(uid)]


def _quota(state, now: float) -> None:
    recent = [t for t in state.push_tasks if t.get("Kind") == "push"]
    if recent and now - recent[-1]["Time"] < MIN_PUSH_GAP:
        raise ApiError(90024, "pushes must be at least 1 s apart")
    day = time.strftime("%Y%m%d", time.gmtime(now))
    if sum(time.strftime("%Y%m%d", time.gmtime(t["Time"])) == day for t in recent) >= DAILY_PUSHES:
        raise ApiError(90047, "the daily push quota is used up")


def _task(ctx, kind: str, rnd: int, sender: str, targets: list, body: dict, current: bool) -> str:
    ts = int(ctx.now)
    task_id = f"{ctx.sandbox.app_id}_{tinyid(sender)}_{rnd}_{ts}"
    ctx.state.push_tasks.append({"TaskId": task_id, "Kind": kind, "Time": ctx.now, "MsgRandom": rnd,
                                 "From_Account": sender, "Targets": len(targets), "Revoked": False})
    ctx.state.push_tasks[:] = [t for t in ctx.state.push_tasks if ctx.now - t["Time"] < DEDUP_WINDOW]
    if current and body.get("OnlineOnlyFlag") != 1 and isinstance(body.get("MsgBody"), list):
        for uid in targets:  # timpush keeps a roaming copy in each recipient's history
            if uid != sender:
                ctx.state.store_c2c(sender, uid, seq=ctx.state.random_u32(), rnd=rnd, ts=ts,
                                    body=body["MsgBody"], sender_sees=False)
                ctx.state.touch_conversation(uid, "c2c", sender, ts)
    return task_id


def _push_message(body: dict, current: bool) -> None:
    if "MsgBody" in body or not current:
        message_body(body)
    lifetime = body.get("MsgLifeTime", 0)
    if not is_int(lifetime) or not 0 <= lifetime <= 604800:
        raise ApiError(90026, "MsgLifeTime must be between 0 and 604800")


def push(ctx, body, current):
    rnd = integer(body, "MsgRandom", 90005)
    _push_message(body, current)
    sender = body.get("From_Account") or ctx.identifier
    with ctx.state.lock:
        for task in ctx.state.push_tasks:
            if task["Kind"] == "push" and task["MsgRandom"] == rnd:
                return {"TaskId": task["TaskId"]}  # a retry of the same push
        targets = _targets(ctx.state, body.get("Condition"), current)
        _quota(ctx.state, ctx.now)
        return {"TaskId": _task(ctx, "push", rnd, sender, targets, body, current)}


def batch(ctx, body, current):
    uids = items(body, "To_Account", 90001, limit=500, limit_code=90011, kind=str)
    rnd = integer(body, "MsgRandom", 90005)
    _push_message(body, current)
    sender = body.get("From_Account") or ctx.identifier
    with ctx.state.lock:
        targets = [u for u in uids if ctx.state.account_exists(u)]
        return {"TaskId": _task(ctx, "batch", rnd, sender, targets, body, current)}


def revoke(ctx, body, current):
    task_id = body.get("TaskId")
    with ctx.state.lock:
        task = next((t for t in ctx.state.push_tasks if t["TaskId"] == task_id), None)
        if task is None:
            raise ApiError(90049, "unknown TaskId")
        if task["Revoked"]:
            raise ApiError(90050, "the push was already revoked")
        if ctx.now - task["Time"] > REVOKE_WINDOW:
            raise ApiError(90052, "a push can be revoked within 24 hours only")
        last = max((t.get("RevokedAt", 0) for t in ctx.state.push_tasks), default=0)
        if ctx.now - last < 1.0:
            raise ApiError(90051, "revoke at most once per second")
        task["Revoked"], task["RevokedAt"] = True, ctx.now
    return {}


def _register(name: str, fn, rate: float, current: bool) -> None:
    endpoint(name, rate=rate)(lambda ctx, body: fn(ctx, body, current))


LEGACY = {"im_push": push, "im_set_attr_name": set_attr_name, "im_get_attr_name": get_attr_name,
          "im_get_attr": get_attr, "im_set_attr": set_attr, "im_remove_attr": remove_attr,
          "im_get_tag": get_tag, "im_add_tag": add_tag, "im_remove_tag": remove_tag,
          "im_remove_all_tags": remove_all_tags}
CURRENT = {"push": push, "batch": batch, "revoke": revoke, "set_attr_name": set_attr_name,
           "get_attr_name": get_attr_name, "get_attr": get_attr, "set_attr": set_attr,
           "remove_attr": remove_attr, "get_tag": get_tag, "add_tag": add_tag,
           "remove_tag": remove_tag, "clear_all_tags": remove_all_tags}
RATES = {"push": 100, "im_push": 100, "batch": 30, "revoke": 100}

for _cmd, _fn in LEGACY.items():
    _register(f"all_member_push/{_cmd}", _fn, RATES.get(_cmd, 100), current=False)
for _cmd, _fn in CURRENT.items():
    _register(f"timpush/{_cmd}", _fn, RATES.get(_cmd, 100), current=True)
