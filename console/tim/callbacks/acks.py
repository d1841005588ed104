"""Acks: building the answer to a before-callback, and reading one as IM does (`read_ack`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from .commands import _C2C_CUSTOM, _GROUP_CUSTOM, COMMANDS, FRIEND_RESULT_RANGE, CommandInfo
from .readers import _int, _list, _text, _texts


def _ack(code: int = 0, info: str = "", **extra) -> dict:
    return {"ActionStatus": "OK", "ErrorCode": code, "ErrorInfo": info, **extra}


def _before_info(command: str | None) -> CommandInfo | None:
    if command is None:
        return None
    info = COMMANDS.get(command)
    if info is None or not info.is_before:
        raise ValueError(f"{command} is not a documented before-callback")
    return info


def ack_ok(info: str = "") -> dict:
    """Allow / acknowledge: `{"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": info}`."""
    return _ack(0, info)


_ALL_DENY_RANGES = (_C2C_CUSTOM, _GROUP_CUSTOM)


def ack_deny(code: int = 1, info: str = "", *, command: str | None = None) -> dict:
    """Refuse a before-callback: ErrorCode 1, or a custom code the sender will see.

    With `command`, the code must be 1 or in that command's documented custom range (C2C and
    official-account messages [120001, 130000], groups [10100, 10200]); without it, 1 or a code in
    any of those ranges. Friend-request callbacks are answered per target (`ack_results`).
    """
    if isinstance(code, bool) or not isinstance(code, int):
        raise ValueError("deny code must be an integer")
    info_ = _before_info(command)
    if info_ is not None and info_.per_item:
        raise ValueError(f"{command} is answered per target: use ack_results()")
    if info_ is None:
        ranges = _ALL_DENY_RANGES
    else:
        ranges = (info_.deny_range,) if info_.deny_range else ()
    if code != 1 and not any(lo <= code <= hi for lo, hi in ranges):
        allowed = " or ".join(f"[{lo}, {hi}]" for lo, hi in ranges)
        raise ValueError(f"deny code {code} is not 1{' or in ' + allowed if allowed else ''}")
    return _ack(code, str(info))


def ack_drop(*, command: str | None = None) -> dict:
    """Silently drop a message (ErrorCode 2): the sender sees success, nobody gets it."""
    info = _before_info(command)
    if info is not None and not info.can_drop:
        raise ValueError(f"{command} has no silent drop (only message before-callbacks do)")
    return _ack(2, "")


def _check_msg_body(msg_body: Any) -> list:
    if not isinstance(msg_body, list) or not msg_body:
        raise ValueError("MsgBody must be a non-empty list of elements")
    for elem in msg_body:
        if not (isinstance(elem, dict) and isinstance(elem.get("MsgType"), str)
                and isinstance(elem.get("MsgContent"), dict)):
            raise ValueError("each MsgBody element needs a MsgType string and a MsgContent object")
    return msg_body


def ack_modify(msg_body: list | None = None, cloud_custom_data: str | None = None, *,
               command: str | None = None) -> dict:
    """Allow a message but replace its MsgBody and/or CloudCustomData (ErrorCode must be 0)."""
    info = _before_info(command)
    if info is not None and not info.can_modify:
        raise ValueError(f"{command} cannot modify the message")
    if msg_body is None and cloud_custom_data is None:
        raise ValueError("nothing to modify: give msg_body and/or cloud_custom_data")
    extra: dict = {}
    if msg_body is not None:
        extra["MsgBody"] = _check_msg_body(msg_body)
    if cloud_custom_data is not None:
        if not isinstance(cloud_custom_data, str):
            raise ValueError("CloudCustomData must be a string")
        extra["CloudCustomData"] = cloud_custom_data
    return _ack(0, "", **extra)


def ack_refuse(accounts: Iterable[str], *,
               command: str = "Group.CallbackBeforeInviteJoinGroup") -> dict:
    """Allow the rest but refuse these users (invitations; official-account subscriptions)."""
    info = _before_info(command)
    if info is None or info.refuse_key is None:
        raise ValueError(f"{command} takes no list of refused users")
    users = [accounts] if isinstance(accounts, str) else list(accounts)
    if not all(isinstance(u, str) and u for u in users):
        raise ValueError("refused users must be non-empty UserID strings")
    return _ack(0, "", **{info.refuse_key: users})


@dataclass(frozen=True)
class ResultItem:
    """One target's verdict in a friend-request ack: 0 allows, [38000, 39000] refuses."""
    to_account: str
    code: int = 0
    info: str = ""

    def __post_init__(self):
        if not isinstance(self.to_account, str) or not self.to_account:
            raise ValueError("ResultItem needs a To_Account")
        lo, hi = FRIEND_RESULT_RANGE
        if isinstance(self.code, bool) or not isinstance(self.code, int) \
                or not (self.code == 0 or lo <= self.code <= hi):
            raise ValueError(f"ResultCode {self.code!r} is not 0 or in [{lo}, {hi}]")

    @classmethod
    def deny(cls, to_account: str, code: int = FRIEND_RESULT_RANGE[0], info: str = ""):
        return cls(to_account, code, info)

    def to_json(self) -> dict:
        return {"To_Account": self.to_account, "ResultCode": self.code, "ResultInfo": self.info}


def ack_results(items: Iterable[ResultItem]) -> dict:
    """Answer to Sns.CallbackPrevFriendAdd / PrevFriendResponse: one ResultItem per target."""
    items = list(items)
    if not all(isinstance(i, ResultItem) for i in items):
        raise ValueError("ack_results takes ResultItem objects")
    return _ack(0, "", ResultItem=[i.to_json() for i in items])


# ---------------------------------------------------------------------------------------------
# reading an ack (what IM does with the answer)


@dataclass
class AckDecision:
    """What IM does after a before-callback answered `ack` (None: no answer → proceed).

    `action`: "allow", "deny" or "drop". On deny, `code`/`info` are what the API caller gets
    (the custom code when one in the documented range was given, else the command's
    documented code, e.g. 20006 for C2C and 10016 for groups). `msg_body`/`cloud_custom_data`
    replace the message's when set; `refused` lists users refused individually; `results`
    maps a friend-request target to its (ResultCode, ResultInfo).
    """
    action: str = "allow"
    code: int = 0
    info: str = ""
    msg_body: list | None = None
    cloud_custom_data: str | None = None
    refused: list[str] = field(default_factory=list)
    results: dict[str, tuple[int, str]] = field(default_factory=dict)

    @property
    def allowed(self) -> bool:
        return self.action == "allow"


def read_ack(command: str, ack: Mapping | None) -> AckDecision:
    """Interpret a before-callback answer as IM documents it. Never raises."""
    info = COMMANDS.get(command)
    if not isinstance(ack, Mapping) or info is None:
        return AckDecision()
    code = _int(ack.get("ErrorCode"))
    text = _text(ack.get("ErrorInfo")) or ""
    if info.per_item:  # the top-level code is ignored; each target has its own
        results = {}
        for item in _list(ack.get("ResultItem")):
            if isinstance(item, dict) and _text(item.get("To_Account")):
                results[_text(item["To_Account"])] = (_int(item.get("ResultCode")) or 0,
                                                      _text(item.get("ResultInfo")) or "")
        return AckDecision(results=results)
    if code == 2 and info.can_drop:
        return AckDecision(action="drop", code=2)
    if code:
        lo, hi = info.deny_range or (0, -1)
        if lo <= code <= hi:
            return AckDecision(action="deny", code=code, info=text)
        return AckDecision(action="deny", code=info.sender_code or code, info=text)
    decision = AckDecision()
    if info.can_modify:
        body = ack.get("MsgBody")
        try:
            decision.msg_body = _check_msg_body(body) if body is not None else None
        except ValueError:
            decision.msg_body = None
        decision.cloud_custom_data = _text(ack.get("CloudCustomData")) \
            if isinstance(ack.get("CloudCustomData"), str) else None
    if info.refuse_key:
        decision.refused = _texts(ack.get(info.refuse_key))
    return decision
