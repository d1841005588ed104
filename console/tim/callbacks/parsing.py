"""`parse` (the whole typed event) and `summarize` (what the event index needs, fast)."""
from __future__ import annotations

import dataclasses
import functools
import json
from typing import Any, Mapping, NamedTuple

from .commands import COMMANDS
from .errors import CallbackParseError
from .events import (CallbackEvent, Category, GenericEvent, PushEvent, StateChangeEvent,
                     _event_time_ms, normalize_platform)
from .readers import _MISSING, _found, _int, _list, _plain_query, _query_value, _text
from .records import _account_fields, _accounts_in, _readers


def _body_command(body: dict) -> str | None:
    command = _text(body.get("CallbackCommand"))
    if command is None:  # batched push results carry the command in each event
        first = next(iter(_list(body.get("Events"))), None)
        command = _text(first.get("CallbackCommand")) if isinstance(first, dict) else None
    return command


def _load_body(body: Any) -> dict:
    if isinstance(body, (bytes, bytearray)):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CallbackParseError("callback body is not UTF-8") from exc
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except (ValueError, RecursionError) as exc:
            raise CallbackParseError("callback body is not JSON") from exc
    if not isinstance(body, dict):
        raise CallbackParseError("callback body is not a JSON object")
    return body


def _command_of(query: Mapping | None, body: dict) -> tuple[str, type[CallbackEvent]]:
    """The command a callback is handled as, and its event class (see `parse`)."""
    q_command = _text(_query_value(query, "CallbackCommand"))
    if q_command in COMMANDS:
        return q_command, COMMANDS[q_command].event_class
    command = _body_command(body) or q_command or ""
    info = COMMANDS.get(command)
    return command, info.event_class if info else GenericEvent


def parse(query: Mapping | None, body: dict | bytes | str) -> CallbackEvent:
    """The typed event for one callback request.

    The command comes from the query's `CallbackCommand` (what IM dispatches on); when that is
    missing or unknown, from the body (for batched push bodies, from the first event). An
    unknown command gives a GenericEvent. `body` may also be the raw bytes or text of the
    request; CallbackParseError is raised only when it is not a JSON object.
    """
    body = _load_body(body)
    command, cls = _command_of(query, body)
    event = cls.from_json(body)
    event.command = command
    event.category = Category.of(command)
    event.app_id = _int(_query_value(query, "SdkAppid"))
    event.client_ip = _text(_query_value(query, "ClientIP")) or None
    event.platform = normalize_platform(_query_value(query, "OptPlatform"))
    event.content_type = _text(_query_value(query, "contenttype")) or None
    event.event_time = _event_time_ms(body.get("EventTime"))
    if event.event_time is None and isinstance(event, PushEvent) and event.results:
        event.event_time = _event_time_ms(event.results[0].event_time)
    event.raw = body
    event.query = _plain_query(query)
    return event


class Summary(NamedTuple):
    """What an event index needs of a callback (see `summarize`)."""

    command: str
    category: Category
    accounts: list[str]
    group_id: str | None
    event_time: int | None
    #: (account, action) of a State.StateChange, else None
    state: tuple[str | None, str | None] | None = None


def summarize(query: Mapping | None, body: dict | bytes | str) -> Summary:
    """`parse`'s command, category, accounts(), group_id, event_time (and a state change's
    account and action), without building the whole typed event: this runs for every callback
    received, and most of the event would be thrown away. `body` as `parse` takes it."""
    body = _load_body(body)
    command, cls = _command_of(query, body)
    plan = _summary_plan(cls)
    if plan is None:
        event = parse(query, body)
        state = (event.account, event.action) if isinstance(event, StateChangeEvent) else None
        return Summary(command, event.category, event.accounts(), event.group_id,
                       event.event_time, state)
    account_readers, group_reader, state_readers = plan
    seen: dict[str, None] = {}
    for reader in account_readers:
        value = _read(body, reader)
        if value.__class__ is str:  # the usual single UserID, without a generator
            seen[value] = None
        elif value:
            seen.update(dict.fromkeys(_accounts_in(value)))
    seen.pop("", None)
    state = (_read(body, state_readers[0]), _read(body, state_readers[1])) \
        if state_readers else None
    return Summary(command, Category.of(command), list(seen), _read(body, group_reader),
                   _event_time_ms(body.get("EventTime")), state)


def _read(body: dict, reader: tuple) -> Any:
    """One field as `from_json` reads it: (compiled paths, converter, default factory)."""
    paths, conv, default = reader
    raw = _found(body, paths)
    return default() if raw is _MISSING else conv(raw)


@functools.cache
def _summary_plan(cls: type) -> tuple | None:
    """The readers `summarize` needs for `cls`; None for classes whose accounts or times are not
    plain field reads (GenericEvent scans the body, PushEvent reads nested results)."""
    if not cls.plain_fields:
        return None
    fields = {f.name: f for f in dataclasses.fields(cls)}
    readers = {name: (paths, conv) for name, paths, conv in _readers(cls)}

    def reader(name: str) -> tuple:
        f = fields[name]
        default = f.default_factory if f.default_factory is not dataclasses.MISSING \
            else (lambda value=f.default: value)
        return (*readers[name], default)
    accounts = tuple(reader(name) for name in _account_fields(cls))
    state = (reader("account"), reader("action")) if cls is StateChangeEvent else ()
    return accounts, reader("group_id"), state
