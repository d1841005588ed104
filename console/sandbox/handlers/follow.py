"""Follow (follow/*): follow and unfollow, relation check, fan/follow/mutual lists, counts.

Facts from Tencent's pages (1047/70345-70350 and the callback pages 70355/70356): 200 calls/s
each; follow_add and follow_delete take at most 20 targets, follow_check 100, follow_get_info 20;
follow_get pages with an opaque `StartCursor`/`NextCursor` ("" = first page / no more) and
`WantNum` (default 100, at most 1000), `FollowType` 1 fans, 2 follows, 3 mutual; follow_check's
`FollowType` is 0 none, 1 only To follows From, 2 only From follows To, 3 both. Callbacks
`Follow.CallbackAfterFollowAdd` (`From_Account`, `FollowList[{To_Account}]`) and
`Follow.CallbackAfterFollowDelete` (`From_Account`, `To_Account[]`).

Where the pages are silent the sandbox follows the relationship chain (sns/*): 30001 for a bad
parameter, an existing or missing relation and following oneself, 30003 for an account never
imported, 30004 for a non-admin caller; per-target outcomes in `ResultItem` with `ResultCode`
and `ResultInfo`, the request itself failing only for a malformed body or an unknown
`From_Account`. Following is one-way and needs no confirmation; blocklists do not stop it.
"""
from __future__ import annotations

import base64
import binascii

from ..registry import ApiError, endpoint
from ..social import FANS, MUTUALS
from .common import account, integer, item, items

BAD_PARAM = 30001
NO_ACCOUNT = 30003
MAX_CHANGE = 20          # follow_add / follow_delete targets per call
MAX_CHECK = 100          # follow_check
MAX_COUNTS = 20          # follow_get_info
DEFAULT_PAGE, MAX_PAGE = 100, 1000


def _owner(ctx, body) -> str:
    return account(ctx.state, body, "From_Account", BAD_PARAM, NO_ACCOUNT)


def _targets(body, field: str, limit: int) -> list:
    return items(body, field, BAD_PARAM, limit=limit)


def _target_error(ctx, owner: str, target) -> ApiError | None:
    if not isinstance(target, str) or not target:
        return ApiError(BAD_PARAM, "To_Account must be a non-empty string")
    if not ctx.state.account_exists(target):
        return ApiError(NO_ACCOUNT, "Err_Follow_Account_Not_Exist")
    if target == owner:
        return ApiError(BAD_PARAM, "Err_Follow_Self")
    return None


def _event(ctx) -> int:
    return int(ctx.now * 1000)


def _change_each(ctx, body, targets: list, refuse, apply) -> tuple[str, list, list]:
    """Follow or unfollow each target: `refuse(social, owner, target)` names the per-item error
    (or None), `apply(social, owner, target)` makes the change. -> (owner, ResultItem, changed)."""
    results, changed = [], []
    with ctx.state.lock:
        owner = _owner(ctx, body)
        social = ctx.state.social
        for target in targets:
            error = _target_error(ctx, owner, target) or refuse(social, owner, target)
            if error is not None:
                results.append(item(str(target), error.code, error.info))
                continue
            apply(social, owner, target)
            changed.append(target)
            results.append(item(target))
    return owner, results, changed


@endpoint("follow/follow_add", rate=200, display=True)
def follow_add(ctx, body):
    entries = _targets(body, "FollowItem", MAX_CHANGE)
    targets = [e.get("To_Account") if isinstance(e, dict) else None for e in entries]
    owner, results, followed = _change_each(
        ctx, body, targets,
        lambda social, owner, target: ApiError(BAD_PARAM, "Err_Follow_Already_Followed")
        if social.is_following(owner, target) else None,
        lambda social, owner, target: social.follow(owner, target, ctx.now))
    if followed:
        ctx.callbacks.after("Follow.CallbackAfterFollowAdd", {
            "CallbackCommand": "Follow.CallbackAfterFollowAdd", "From_Account": owner,
            "FollowList": [{"To_Account": t} for t in followed], "EventTime": _event(ctx)})
    return {"ResultItem": results}


@endpoint("follow/follow_delete", rate=200, display=True)
def follow_delete(ctx, body):
    owner, results, dropped = _change_each(
        ctx, body, _targets(body, "To_Account", MAX_CHANGE),
        lambda social, owner, target: None if social.is_following(owner, target)
        else ApiError(BAD_PARAM, "Err_Follow_Not_Followed"),
        lambda social, owner, target: social.unfollow(owner, target))
    if dropped:
        ctx.callbacks.after("Follow.CallbackAfterFollowDelete", {
            "CallbackCommand": "Follow.CallbackAfterFollowDelete", "From_Account": owner,
            "To_Account": dropped, "EventTime": _event(ctx)})
    return {"ResultItem": results}


@endpoint("follow/follow_check", rate=200, display=True)
def follow_check(ctx, body):
    targets = _targets(body, "To_Account", MAX_CHECK)
    results = []
    with ctx.state.lock:
        owner = _owner(ctx, body)
        for target in targets:
            if not isinstance(target, str) or not ctx.state.account_exists(target):
                results.append(item(str(target), NO_ACCOUNT, "Err_Follow_Account_Not_Exist", FollowType=0))
                continue
            results.append(item(target, FollowType=ctx.state.social.relation(owner, target)))
    return {"ResultItem": results}


def _cursor(body) -> int:
    raw = body.get("StartCursor")
    if raw is None or raw == "":
        return 0
    if not isinstance(raw, str):
        raise ApiError(BAD_PARAM, "StartCursor must be a string")
    try:
        offset = int(base64.urlsafe_b64decode(raw.encode("ascii")).decode("ascii"))
    except (ValueError, UnicodeError, binascii.Error):
        raise ApiError(BAD_PARAM, "StartCursor is not a cursor this service returned") from None
    if offset < 0:
        raise ApiError(BAD_PARAM, "StartCursor is not a cursor this service returned")
    return offset


def _next_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(str(offset).encode("ascii")).decode("ascii")


@endpoint("follow/follow_get", rate=200, display=True)
def follow_get(ctx, body):
    kind = integer(body, "FollowType", BAD_PARAM, low=FANS, high=MUTUALS)
    want = integer(body, "WantNum", BAD_PARAM, required=False, default=DEFAULT_PAGE, low=1, high=MAX_PAGE)
    start = _cursor(body)
    with ctx.state.lock:
        owner = _owner(ctx, body)
        entries = ctx.state.social.follow_list(owner, kind)
        page = entries[start:start + want]
        out = []
        for peer, at in page:
            profile = ctx.state.profiles.get(peer, {})
            out.append({"To_Account": peer, "FollowTime": at,
                        "ProfileItem": [{"Tag": t, "Value": v} for t, v in profile.items()],
                        "profile_sequence": len(profile)})
    more = start + want < len(entries)
    return {"FollowItem": out, "NextCursor": _next_cursor(start + want) if more else ""}


@endpoint("follow/follow_get_info", rate=200, display=True)
def follow_get_info(ctx, body):
    targets = _targets(body, "To_Account", MAX_COUNTS)
    results = []
    with ctx.state.lock:
        _owner(ctx, body)
        for target in targets:
            if not isinstance(target, str) or not ctx.state.account_exists(target):
                results.append(item(str(target), NO_ACCOUNT, "Err_Follow_Account_Not_Exist"))
                continue
            fans, follows, mutual = ctx.state.social.follow_counts(target)
            results.append(item(target, FollowerCount=fans, FollowingCount=follows,
                                MutualFollowingCount=mutual))
    return {"FollowInfo": results}
