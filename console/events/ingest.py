"""From an accepted callback to the row the writer stores, and from stored rows to the directory.

Everything here is plain data work, shared by the callback endpoint, replay and the tests:
- `describe(query, body)`: command, category, accounts, group and times of one callback;
- `build_row(...)`: the `callback_event` row (values clipped to the column sizes);
- `directory_items(rows)`: what the account directory learns from committed rows.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, NamedTuple

from console.tim import callbacks

MAX_ACCOUNTS = 200
ONLINE = {"Login": "Online", "Logout": "Offline", "Disconnect": "Offline"}
MISSING_COMMAND = "(none)"


def clean(value: Any, size: int) -> str:
    """A string safe for any backend: clipped, no NUL, no lone surrogates."""
    if isinstance(value, str) and len(value) <= size and value.isascii() and "\x00" not in value:
        return value  # the usual case, checked in C
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    text = text[:size].replace("\x00", "")
    return text.encode("utf-8", "replace").decode("utf-8")


def as_int(value: Any) -> int | None:
    """EventTime and friends arrive as numbers or numeric strings; anything else is None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if -2**63 < value < 2**63 else None
    if isinstance(value, float) and value == value and abs(value) < 2**63:
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value.strip()) < 19:
        return int(value)
    return None


class Described(NamedTuple):
    command: str
    category: str
    accounts: list[str]
    group_id: str | None
    event_time: int | None
    #: (account, Online/Offline) when the callback reports a login or logout
    online: tuple[str, str] | None


def _bigint(value: int | None) -> int | None:
    return value if value is not None and -2**63 < value < 2**63 else None


def describe(query: dict, body: dict) -> Described:
    """What the console indexes of a callback, read by `console.tim.callbacks.summarize`."""
    summary = callbacks.summarize(query, body)
    command = clean(summary.command, 96) or MISSING_COMMAND
    accounts = [c for a in summary.accounts[:MAX_ACCOUNTS] if (c := clean(a, 128))]
    return Described(command, clean(summary.category.value, 32), accounts,
                     clean(summary.group_id, 128) or None, _bigint(summary.event_time),
                     _online_of(summary.state))


def dedup_key(command: str, raw: bytes, event_time: int | None) -> str:
    """Same command and same body bytes = the same event delivered again (RequestTime differs).

    64 characters: the body's EventTime (13 digits of ms, zeros when absent) then 51 hex digits
    of SHA-256. The time first keeps the unique index append-mostly: a group of new rows touches
    one index page instead of one random page per row."""
    digest = hashlib.sha256(command.encode("utf-8", "replace") + b"\n" + raw).hexdigest()
    at = event_time if event_time is not None and 0 <= event_time < 10**13 else 0
    return f"{at:013d}{digest[:51]}"


def accounts_text(accounts: list[str]) -> str:
    """Accounts as "|a|b|", searchable with one LIKE '%|a|%'."""
    return "|" + "|".join(a.replace("|", "") for a in accounts) + "|" if accounts else ""


def build_row(*, query: dict, raw: bytes, text: str, described: Described, decision,
              ack: dict | str,
              sign_status: str, received_ms: int, handling_ms: float, app_id: int | None) -> dict:
    return {
        "received_ms": received_ms,
        "command": described.command,
        "category": described.category,
        "app_id": app_id,
        "client_ip": clean(query.get("ClientIP"), 64) or None,
        "platform": clean(query.get("OptPlatform"), 32) or None,
        "event_time": described.event_time,
        "request_time": as_int(query.get("RequestTime")),
        "sign_status": sign_status,
        "payload": text,
        "ack": ack if isinstance(ack, str) else json.dumps(ack, ensure_ascii=False,
                                                           separators=(",", ":")),
        "decision": decision.action if decision else None,
        "rule_id": decision.rule_id if decision else None,
        "rule_name": clean(decision.rule_name, 128) or None if decision else None,
        "handling_ms": round(handling_ms, 3),
        "dedup_key": dedup_key(described.command, raw, described.event_time),
        "duplicate_of": None,
        "accounts": accounts_text(described.accounts),
        "group_id": described.group_id,
        "_online": described.online,  # not a column: for the directory feed after the commit
    }


def _online_of(state: tuple | None) -> tuple[str, str] | None:
    """(account, Online/Offline) from a state change's (account, action)."""
    if state and state[0] and state[1] in ONLINE:
        return clean(state[0], 128), ONLINE[state[1]]
    return None


def online_change(row: dict) -> tuple[str, str] | None:
    """(account, Online/Offline) of a row: noted at ingest ("_online"), else read again."""
    if "_online" in row:
        return row["_online"]
    if row["command"] != "State.StateChange":
        return None
    try:
        return _online_of(callbacks.summarize({"CallbackCommand": row["command"]},
                                              row["payload"]).state)
    except callbacks.CallbackParseError:
        return None


def directory_items(rows: list[dict]) -> list[dict]:
    """Directory upserts for committed rows: every named account, online state from logins.

    Re-deliveries teach nothing new and are skipped; later rows win for the online state.
    """
    items: dict[str, dict] = {}
    for row in rows:
        if row.get("duplicate_of") is not None:
            continue
        for account in filter(None, row["accounts"].strip("|").split("|")):
            items.setdefault(account, {"user_id": account})
        change = online_change(row)
        if change:
            items[change[0]] = {"user_id": change[0], "online_state": change[1]}
    return list(items.values())
