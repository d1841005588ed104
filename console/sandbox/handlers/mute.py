"""Account-wide mute (openconfigsvr/setnospeaking, openconfigsvr/getnospeaking)."""
from __future__ import annotations

from ..registry import ApiError, endpoint
from ..state import PERMANENT
from .common import is_int

FIELDS = {"C2CmsgNospeakingTime": "c2c", "GroupmsgNospeakingTime": "group"}


def _account(ctx, body, field: str, missing: int, invalid: int) -> str:
    uid = body.get(field)
    if uid is None or uid == "":
        raise ApiError(missing, f"{field} is missing")
    if not isinstance(uid, str) or not ctx.state.account_exists(uid):
        raise ApiError(invalid, f"{field} is invalid")
    return uid


@endpoint("openconfigsvr/setnospeaking", rate=200)
def setnospeaking(ctx, body):
    given = {f: body[f] for f in FIELDS if f in body}
    if not given:
        raise ApiError(130008, "C2CmsgNospeakingTime or GroupmsgNospeakingTime is required")
    for field, value in given.items():
        if not is_int(value) or not 0 <= value <= PERMANENT:
            raise ApiError(130001, f"{field} must be between 0 and 4294967295")
    with ctx.state.lock:
        uid = _account(ctx, body, "Set_Account", 130004, 130005)
        mutes = ctx.state.nospeaking.setdefault(uid, {})
        for field, value in given.items():
            mutes[FIELDS[field]] = PERMANENT if value == PERMANENT else (int(ctx.now) + value if value else 0)
    return {}


@endpoint("openconfigsvr/getnospeaking", rate=200)
def getnospeaking(ctx, body):
    with ctx.state.lock:
        uid = _account(ctx, body, "Get_Account", 130002, 130003)
        return {field: ctx.state.mute_remaining(uid, kind, ctx.now) for field, kind in FIELDS.items()}
