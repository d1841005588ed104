"""What group changes tell others: callbacks to the app backend, and tips in the group."""
from __future__ import annotations

from ...groups import Group, Message
from ...registry import ApiError


# ---- callbacks --------------------------------------------------------------------------

def _payload(ctx, group: Group | None = None, *, typed: bool = True, **fields) -> dict:
    """A callback body (the sender adds CallbackCommand): GroupId and Type first."""
    payload = {}
    if group is not None:
        payload["GroupId"] = group.group_id
        if typed:
            payload["Type"] = group.type
    payload.update(fields)
    payload["EventTime"] = int(ctx.now * 1000)
    return payload


def _after(ctx, command: str, group: Group, *, forbid: bool = False, typed: bool = True,
           **fields) -> None:
    """Queue an after-callback about `group` (the sender never blocks)."""
    ctx.callbacks.after(command, _payload(ctx, group, typed=typed, **fields), forbid=forbid)


def _report_if_full(ctx, group: Group) -> None:
    """Group.CallbackAfterGroupFull once a change filled the group; its documented body is
    GroupId and EventTime only (no Type)."""
    if group.max_members and group.member_num >= group.max_members:
        _after(ctx, "Group.CallbackAfterGroupFull", group, typed=False)


def _before(ctx, command: str, payload: dict, *, forbid: bool = False,
            may_drop: bool = False) -> dict | None:
    """Ask the app backend. None = no answer (proceed); the ack when it allows (or, for
    messages, asks for a silent drop: ErrorCode 2); raises the documented refusal."""
    ack = ctx.callbacks.before(command, payload, forbid=forbid)
    if not isinstance(ack, dict):
        return None
    try:
        code = int(ack.get("ErrorCode") or 0)
    except (TypeError, ValueError):
        code = 0
    if code == 0 or (code == 2 and may_drop):
        return ack
    if 10100 <= code <= 10200:
        raise ApiError(code, str(ack.get("ErrorInfo") or "refused by the app backend"))
    raise ApiError(10016, "refused by the app backend (before-callback)")


# ---- tips: join/leave/profile notices are messages of their own -------------------------

def _tip(ctx, group: Group) -> None:
    """Store a system tip (join, leave, profile or owner change): it takes a seq and shows in
    the history with IsSystemMsg 1 and no body. AVChatRoom tips are pushed but not stored,
    and a not-yet-activated Work group sends none."""
    if not group.activated or not group.stores_members:
        return
    group.append_message(Message(seq=0, random=ctx.state.random_u32(), sender=ctx.identifier,
                                 time=int(ctx.now), body=[], system=True))
