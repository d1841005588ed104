"""Third-party callbacks (webhooks): Sign check, typed events, acks.

Tencent IM POSTs every event to the app's callback URL with the query
`SdkAppid, CallbackCommand, contenttype, ClientIP, OptPlatform[, Sign, RequestTime]` and a JSON
body. This package, which needs nothing but the standard library, covers the receiving side:

* `sign` / `verify_sign` / `verify_query`: `Sign = sha256_hex(token + RequestTime)`, checked in
  constant time and within a time window in both directions (replay protection).
* `parse(query, body)`: one typed event per documented `CallbackCommand` (all 57 of the spec's
  list), built declaratively from `COMMANDS`. Unknown commands give a `GenericEvent`; malformed
  field values give the field's empty default. Only a body that is not a JSON object raises
  (`CallbackParseError`). Every event lists the UserIDs it names with `accounts()`.
  `summarize(query, body)` gives what an event index needs without building the whole event.
* ack builders: `ack_ok`, `ack_deny`, `ack_drop`, `ack_modify`, `ack_refuse`, `ack_results`
  with `ResultItem`, checked against what each "before" callback documents.
* `read_ack(command, ack)`: the other side — what IM does with an answer (for emulators, tests).

Modules, each importing only the ones listed before it: `errors`, `readers` (tolerant value
converters, compiled body paths, query values), `signing`, `records` (`fld`, the record base and
nested records), `events` (the event classes), `commands` (the command table), `parsing`
(`parse`, `summarize`), `acks` (building and reading answers). Import from this package.
"""
from __future__ import annotations

from .acks import AckDecision, ResultItem, ack_deny, ack_drop, ack_modify, ack_ok, ack_refuse, \
    ack_results, read_ack
from .commands import BEFORE_COMMANDS, COMMANDS, FRIEND_RESULT_RANGE, MESSAGE_BEFORE_COMMANDS, \
    CommandInfo
from .errors import CallbackAuthError, CallbackError, CallbackParseError
from .events import AlertEvent, C2CMessageEvent, C2CReadEvent, CallbackEvent, Category, \
    FollowEvent, FriendRequestEvent, GenericEvent, GroupEvent, GroupMemberEvent, \
    GroupMessageEvent, GroupQuotaEvent, MessageExtensionEvent, ModerationEvent, \
    OfficialAccountEvent, ProfileEvent, PushEvent, RelationEvent, StateChangeEvent, \
    normalize_platform
from .parsing import Summary, parse, summarize
from .records import FriendItem, Pair, PushResult, ReadReceipt, fld
from .signing import DEFAULT_WINDOW, SignCheck, require_sign, sign, verify_query, verify_sign

__all__ = [
    "Category", "SignCheck", "CallbackError", "CallbackParseError", "CallbackAuthError",
    "sign", "verify_sign", "verify_query", "require_sign", "parse", "normalize_platform",
    "summarize", "Summary", "DEFAULT_WINDOW", "fld",
    "CallbackEvent", "GenericEvent", "AlertEvent", "StateChangeEvent", "ProfileEvent",
    "FriendRequestEvent", "RelationEvent", "FollowEvent", "C2CMessageEvent", "C2CReadEvent",
    "MessageExtensionEvent", "GroupEvent", "GroupMemberEvent", "GroupMessageEvent",
    "GroupQuotaEvent", "ModerationEvent", "OfficialAccountEvent", "PushEvent",
    "Pair", "FriendItem", "ReadReceipt", "PushResult",
    "CommandInfo", "COMMANDS", "BEFORE_COMMANDS", "MESSAGE_BEFORE_COMMANDS",
    "ack_ok", "ack_deny", "ack_drop", "ack_modify", "ack_refuse", "ack_results", "ResultItem",
    "AckDecision", "read_ack", "FRIEND_RESULT_RANGE",
]
