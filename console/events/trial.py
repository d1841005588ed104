"""Rules you can test before they bite: the test box, the dry run, hit counts.

- `test(...)`: a callback body (JSON with its CallbackCommand) or a plain text (made into a message
  of the chosen scope) through the enabled rules: the decision, the rule and the exact ack;
- `dry_run(...)`: a new or changed rule (the rule form's values, not saved) put among the enabled
  rules and run over the stored before-callbacks of its scope from the last N days: what it would
  have decided, how many messages from how many senders, with the list;
- `hits(...)`: hits per rule over the last hour, day and 30 days, and the last hits of one rule.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from console import forms
from console.events import matching, rules
from console.forms import FormError
from console.models.events import CallbackEvent, Rule

EVENTS = CallbackEvent.__table__
MAX_DAYS = 90
DRY_RUN_MAX = 10_000  # stored callbacks looked at by one dry run (the newest)
#: a dry run yields the worker this often (under gevent, callbacks on the same worker go on
#: being answered while it runs: the 2 s budget holds whatever an admin tries)
YIELD_EVERY = 100
LISTED = 100
CANDIDATE = -1  # the id the rule under trial carries among the others
HOUR, DAY = 3600 * 1000, 86400 * 1000
MAX_TEST = 64 * 1024


def _enabled(conn) -> dict[str, list]:
    return rules.RuleCache._load(conn.engine)


# ---------------------------------------------------------------- the test box

@dataclass
class TestResult:
    command: str
    decision: rules.Decision
    body: dict


def sample_body(scope: str, text: str) -> tuple[str, dict]:
    """A before-callback of `scope` carrying `text` where its rules look."""
    commands = rules.SCOPES[scope][0]
    command = commands[0]
    element = [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]
    bodies = {
        "c2c_msg": {"From_Account": "sender", "To_Account": "receiver", "MsgBody": element},
        "group_msg": {"GroupId": "@TGS#test", "From_Account": "sender", "Operator_Account": "sender",
                      "MsgBody": element},
        "group_create": {"Owner_Account": "sender", "Operator_Account": "sender", "Name": text},
        "group_join": {"GroupId": text, "Requestor_Account": "sender"},
        "group_invite": {"GroupId": text, "Operator_Account": "sender",
                         "DestinationMembers": [{"Member_Account": "member"}]},
        "friend_request": {"Requester_Account": "sender", "From_Account": "sender",
                           "FriendItem": [{"To_Account": "friend", "AddWording": text}]},
    }
    return command, {"CallbackCommand": command, **bodies[scope]}


def plan_test(form) -> tuple[str, dict]:
    """(command, body) from the test box: JSON with a CallbackCommand, or a text for `scope`."""
    text = forms.text(form.get("sample"), "sample", _l("Callback body or text"), max_bytes=MAX_TEST,
                      required=True)
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            body = json.loads(stripped)
        except (ValueError, RecursionError):
            raise FormError(_l("This is not valid JSON."), "sample") from None
        command = body.get("CallbackCommand") if isinstance(body, dict) else None
        if not isinstance(command, str) or command not in rules.SCOPE_OF:
            raise FormError(_l("The body needs the CallbackCommand of a before-callback that rules answer."),
                            "sample")
        return command, body
    scope = forms.choice(form.get("scope"), "scope", _l("Scope"), rules.SCOPES, required=True)
    return sample_body(scope, text)


def test(conn, command: str, body: dict) -> TestResult:
    return TestResult(command, rules.evaluate(command, body, _enabled(conn).get(rules.SCOPE_OF[command], [])),
                      body)


# ---------------------------------------------------------------- the dry run

@dataclass
class Hit:
    event_id: int
    received_ms: int
    command: str
    sender: str
    text: str
    was: str | None


@dataclass
class DryRun:
    rule_name: str
    action: str
    days: int
    looked_at: int = 0
    capped: bool = False
    counts: dict = field(default_factory=dict)  # decision -> events the candidate decided
    senders: set = field(default_factory=set)
    changed: int = 0  # events whose stored decision differs from the new one
    hits: list[Hit] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def candidate(data: dict, rule_id: int | None) -> rules._Compiled:
    """The rule under trial, compiled from validated form values."""
    from types import SimpleNamespace

    row = SimpleNamespace(id=CANDIDATE, **{k: data[k] for k in rules.FIELDS})
    with_lists = {}
    if data["match"] == "keywords":
        from console import db
        from console.models.moderation import KeywordList

        kw = db.session.get(KeywordList, data["keyword_list_id"])
        with_lists = {kw.id: kw}
    return rules._compile(row, with_lists)


def _sender(scope: str, body: dict) -> str:
    _texts, requesters, _items = rules._subject(scope, body)
    return requesters[0] if requesters else ""


def _text(scope: str, body: dict) -> str:
    texts, _requesters, items = rules._subject(scope, body)
    return " ".join(texts + [t for _acc, ts in items for t in ts])[:300]


def dry_run(conn, data: dict, rule_id: int | None, days: int) -> DryRun:
    """What the rule of `data` (replacing rule `rule_id` when it is an edit) would have decided."""
    trial = candidate(data, rule_id)
    scope = data["scope"]
    others = [r for r in _enabled(conn).get(scope, []) if r.id != rule_id]
    positions = dict(conn.execute(select(Rule.id, Rule.position).where(Rule.scope == scope)).all())
    positions[CANDIDATE] = data["position"]
    # among rules of the same position the candidate takes its own place (its id when it is an edit)
    ordered = sorted(others + [trial], key=lambda r: (positions.get(r.id, 0),
                                                      (rule_id or 2**31) if r.id == CANDIDATE else r.id))
    result = DryRun(data["name"], data["action"], days)
    since = int(time.time() * 1000) - days * DAY
    stmt = (select(EVENTS.c.id, EVENTS.c.received_ms, EVENTS.c.command, EVENTS.c.payload, EVENTS.c.decision,
                   EVENTS.c.rule_id)
            .where(EVENTS.c.command.in_(rules.SCOPES[scope][0]), EVENTS.c.received_ms >= since,
                   EVENTS.c.duplicate_of.is_(None))
            .order_by(EVENTS.c.id.desc()).limit(DRY_RUN_MAX + 1))
    for row in conn.execute(stmt):
        if result.looked_at == DRY_RUN_MAX:
            result.capped = True
            break
        result.looked_at += 1
        if result.looked_at % YIELD_EVERY == 0:
            time.sleep(0)  # gevent.sleep(0) once monkey-patched: let the callbacks in
        try:
            body = json.loads(row.payload)
        except (ValueError, RecursionError, TypeError):
            continue
        if not isinstance(body, dict):
            continue
        decision = rules.evaluate(row.command, body, ordered)
        if decision.rule_id != CANDIDATE:
            continue
        action = decision.action
        result.counts[action] = result.counts.get(action, 0) + 1
        sender = _sender(scope, body)
        if sender:
            result.senders.add(sender)
        if row.decision != action:
            result.changed += 1
        if len(result.hits) < LISTED:
            result.hits.append(Hit(row.id, row.received_ms, row.command, matching.valid(sender),
                                   matching.valid(_text(scope, body)), row.decision))
    return result


def plan_days(value) -> int:
    return forms.integer(value, "days", _l("Days"), lo=1, hi=MAX_DAYS) or 7


# ---------------------------------------------------------------- hit counts

def hits(conn, now_ms: int | None = None) -> dict[int, dict]:
    """{rule id: {"hour", "day", "month", "last_ms"}} over the last 30 days."""
    now = now_ms or int(time.time() * 1000)
    stmt = (select(EVENTS.c.rule_id,
                   func.sum(case((EVENTS.c.received_ms >= now - HOUR, 1), else_=0)),
                   func.sum(case((EVENTS.c.received_ms >= now - DAY, 1), else_=0)),
                   func.count(), func.max(EVENTS.c.received_ms))
            .where(EVENTS.c.rule_id.is_not(None), EVENTS.c.received_ms >= now - 30 * DAY,
                   EVENTS.c.duplicate_of.is_(None))
            .group_by(EVENTS.c.rule_id))
    return {rid: {"hour": int(h or 0), "day": int(d or 0), "month": int(m or 0), "last_ms": last}
            for rid, h, d, m, last in conn.execute(stmt)}


def last_hits(conn, rule_id: int, limit: int = 10) -> list:
    stmt = (select(EVENTS.c.id, EVENTS.c.received_ms, EVENTS.c.command, EVENTS.c.decision, EVENTS.c.accounts,
                   EVENTS.c.group_id)
            .where(EVENTS.c.rule_id == rule_id, EVENTS.c.duplicate_of.is_(None))
            .order_by(EVENTS.c.rule_id, EVENTS.c.received_ms.desc()).limit(limit))
    return list(conn.execute(stmt))

