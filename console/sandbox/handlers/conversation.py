"""Conversation lists (recentcontact/get_list, recentcontact/delete)."""
from __future__ import annotations

from ..registry import ApiError, endpoint
from .common import account, is_int, text

BAD_PARAM = 50002
PAGE = 100


def _owner(ctx, body) -> str:
    return account(ctx.state, body, "From_Account", BAD_PARAM, 50001)


def _cursor(body, field: str) -> int:
    value = body.get(field, 0)
    if not is_int(value) or value < 0:
        raise ApiError(BAD_PARAM, f"{field} must be a non-negative integer")
    return value


def _session(entry: dict) -> dict:
    out = {"Type": entry["Type"]}
    out["To_Account" if entry["Type"] == 1 else "GroupId"] = entry["Peer"]
    out.update(MsgTime=entry["MsgTime"], TopFlag=entry["TopFlag"])
    return out


@endpoint("recentcontact/get_list", rate=200, display=True)
def get_list(ctx, body):
    start, top_start = _cursor(body, "StartIndex"), _cursor(body, "TopStartIndex")
    stamp, top_stamp = _cursor(body, "TimeStamp"), _cursor(body, "TopTimeStamp")
    flags = _cursor(body, "AssistFlags")
    pinned_first, page_pinned = bool(flags & 1), bool(flags & 4)
    now = int(ctx.now)
    with ctx.state.lock:
        owner = _owner(ctx, body)
        entries = sorted(ctx.state.conversations.get(owner, {}).values(),
                         key=lambda e: (-e["MsgTime"], e["Type"], e["Peer"]))
        entries = [dict(e) for e in entries]
    pinned = [e for e in entries if e["TopFlag"]] if pinned_first else []
    normal = [e for e in entries if not (pinned_first and e["TopFlag"])]
    if pinned and page_pinned:
        top_page, top_next = pinned[top_start:top_start + PAGE], top_start + PAGE
    else:
        top_page, top_next = (pinned if top_start == 0 else []), len(pinned)
    room = PAGE - len(top_page) if top_next >= len(pinned) else 0
    page, next_start = normal[start:start + room], start + room
    complete = top_next >= len(pinned) and next_start >= len(normal)
    return {"SessionItem": [_session(e) for e in top_page + page], "CompleteFlag": int(complete),
            "TimeStamp": stamp or now, "StartIndex": 0 if complete else next_start,
            "TopTimeStamp": top_stamp or now,
            "TopStartIndex": 0 if top_next >= len(pinned) else top_next}


@endpoint("recentcontact/delete", rate=200, display=True)
def delete(ctx, body):
    kind = body.get("Type", body.get("type"))
    if kind not in (1, 2) or not is_int(kind):
        raise ApiError(BAD_PARAM, "Type must be 1 (C2C) or 2 (group)")
    if kind == 1:
        peer = text(body, "To_Account", BAD_PARAM)
    else:
        peer = body.get("ToGroupid", body.get("ToGroupId"))
        if not isinstance(peer, str) or not peer:
            raise ApiError(BAD_PARAM, "ToGroupid is missing")
    clear = body.get("ClearRamble", 0) == 1
    with ctx.state.lock:
        owner = _owner(ctx, body)
        ctx.state.delete_conversation(owner, kind, peer, clear)
    return {}
