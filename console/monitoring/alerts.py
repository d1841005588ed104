"""Alert rules and alerts: what an admin wants to hear about, and when it happened.

A rule has a kind and thresholds (`params`). `evaluate(app)` checks every enabled rule against
the database and keeps one alert per rule in step with it:

- the condition holds and no alert is active: an alert opens (status open), with the events
  that raised it, and a message to every enabled webhook is queued;
- it still holds: the alert takes the new events (an acknowledged alert stays acknowledged);
- it no longer holds: the alert resolves by itself, and webhooks hear about it.

An operator may acknowledge an alert (it stays active, the banner goes) or resolve it by hand
(it opens again only for events newer than that). Every change is audited: by the system when evaluation made it, by the operator otherwise.

The kinds (params):
- `callback_refusals`: more than `count` callbacks refused within the last `minutes`;
- `im_error_rate`: more than `percent` % of the IM calls to `endpoint` (empty: each endpoint)
  failed within the last `minutes`, once at least `min_calls` were made (from the audit log);
- `im_alarm`: an IM alarm callback (`command`, empty: any of ALARM_COMMANDS) within the last
  `minutes`;
- `job_failed`: a job (of `job_kind`, empty: any) failed within the last `minutes`;
- `callback_silence`: no callback for `minutes` while traffic is expected: callbacks arrived
  before, and the time in `zone` is between `from_hour` and `to_hour`.

Evaluation runs in the job consumer (console/monitoring/__init__.py registers it as a periodic
task, every minute), never in a request: `tick(app)` evaluates, delivers what is due
(console/monitoring/webhooks.py) and prunes.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import zoneinfo
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from console import db, forms
from console.audit import AuditContext, write_entry
from console.forms import FormError
from console.tim import text as tim_text
from console.models import (Alert, AlertDelivery, AlertEvent, AlertRule, AuditEntry, CallbackEvent,
                            CallbackRefusalMinute, Job, Webhook, utcnow)

log = logging.getLogger(__name__)

KINDS = ("callback_refusals", "im_error_rate", "im_alarm", "job_failed", "callback_silence")
KIND_LABELS = {
    "callback_refusals": _l("Callback refusals"),
    "im_error_rate": _l("IM error rate"),
    "im_alarm": _l("IM alarm callback"),
    "job_failed": _l("A job failed"),
    "callback_silence": _l("No callbacks"),
}
#: the callbacks IM sends about itself: an API over its rate limit, the daily group quota,
#: a group message that could not be delivered
ALARM_COMMANDS = ("Alert.RequestOverLimit", "Group.CallbackOnDailyGroupQuotaAlarm",
                  "Group.CallbackSendMsgException")
ACTIVE = ("open", "acknowledged")
#: events kept per alert (the newest), and shown per finding
MAX_EVENTS = 200
FINDING_EVENTS = 50
MAX_MINUTES = 7 * 24 * 60
#: refusal buckets older than this are pruned
KEEP_REFUSAL_MINUTES = 8 * 24 * 60
SYSTEM = AuditContext(source="system")


@dataclass
class Found:
    """One event behind a finding: where it comes from, its id there, when, and a short text."""

    source: str  # callback / audit / job / refusal / silence
    ref: str
    at: dt.datetime
    text: str


@dataclass
class Finding:
    """A rule's condition holds: the figures (`summary`, data) and the events behind it."""

    summary: dict
    events: list[Found] = field(default_factory=list)


def _ms(when: dt.datetime) -> int:
    return int(when.timestamp() * 1000)


def _at_ms(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc)


# ---- the checks, one per kind -----------------------------------------------------------------

def _refusals(sess, p: dict, now: dt.datetime) -> Finding | None:
    first = _ms(now) // 60000 - p["minutes"] + 1
    rows = sess.execute(select(CallbackRefusalMinute.minute, CallbackRefusalMinute.reason,
                               CallbackRefusalMinute.count)
                        .where(CallbackRefusalMinute.minute >= first)
                        .order_by(CallbackRefusalMinute.minute.desc())).all()
    total = sum(row.count for row in rows)
    if total <= p["count"]:
        return None
    return Finding({"count": total, "threshold": p["count"], "minutes": p["minutes"]},
                   [Found("refusal", f"{row.minute}:{row.reason}", _at_ms(row.minute * 60000),
                          f"{row.reason}: {row.count}") for row in rows[:FINDING_EVENTS]])


def _error_rate(sess, p: dict, now: dt.datetime) -> Finding | None:
    since = now - dt.timedelta(minutes=p["minutes"])
    where = [AuditEntry.occurred_at >= since, AuditEntry.occurred_at <= now, AuditEntry.endpoint.is_not(None)]
    if p.get("endpoint"):
        where.append(AuditEntry.endpoint == p["endpoint"])
    failed = func.sum(case((AuditEntry.outcome == "failed", 1), else_=0))
    rows = sess.execute(select(AuditEntry.endpoint, func.count(), failed).where(*where)
                        .group_by(AuditEntry.endpoint)).all()
    over = [{"endpoint": endpoint, "total": total, "failed": int(bad or 0),
             "percent": round(100.0 * int(bad or 0) / total, 1)}
            for endpoint, total, bad in rows
            if total >= p["min_calls"] and 100.0 * int(bad or 0) / total > p["percent"]]
    if not over:
        return None
    over.sort(key=lambda e: (-e["percent"], e["endpoint"]))
    failures = sess.execute(
        select(AuditEntry.id, AuditEntry.occurred_at, AuditEntry.endpoint, AuditEntry.error_code,
               AuditEntry.error_text)
        .where(*where, AuditEntry.outcome == "failed", AuditEntry.endpoint.in_([e["endpoint"] for e in over]))
        .order_by(AuditEntry.id.desc()).limit(FINDING_EVENTS)).all()
    return Finding({"endpoints": over, "percent": p["percent"], "minutes": p["minutes"]},
                   [Found("audit", str(row.id), row.occurred_at,
                          f"{row.endpoint} {row.error_code}: {(row.error_text or '')[:200]}")
                    for row in failures])


def alarm_text(command: str, payload: str) -> str:
    """A line about one IM alarm callback, from its body (data: IDs and numbers)."""
    try:
        body = tim_text.loads(payload)
    except (TypeError, ValueError):
        body = {}
    body = body if isinstance(body, dict) else {}
    if command == "Alert.RequestOverLimit":
        return "{} {}/{}: {}/{}".format(command, body.get("ServiceName", "?"), body.get("Command", "?"),
                                        body.get("Request", "?"), body.get("Limit", "?"))
    details = [f"{key}={body[key]}" for key in ("GroupId", "ErrorCode", "QuotaUsed", "Quota") if key in body]
    return " ".join([command, *details])[:500]


def _alarms(sess, p: dict, now: dt.datetime) -> Finding | None:
    commands = (p["command"],) if p.get("command") else ALARM_COMMANDS
    since = _ms(now) - p["minutes"] * 60000
    rows = sess.execute(select(CallbackEvent.id, CallbackEvent.received_ms, CallbackEvent.command,
                               CallbackEvent.payload)
                        .where(CallbackEvent.command.in_(commands), CallbackEvent.received_ms >= since,
                               CallbackEvent.duplicate_of.is_(None))
                        .order_by(CallbackEvent.id.desc()).limit(FINDING_EVENTS)).all()
    if not rows:
        return None
    by_command: dict[str, int] = {}
    for row in rows:
        by_command[row.command] = by_command.get(row.command, 0) + 1
    return Finding({"count": len(rows), "commands": by_command, "minutes": p["minutes"]},
                   [Found("callback", str(row.id), _at_ms(row.received_ms), alarm_text(row.command, row.payload))
                    for row in rows])


def _jobs(sess, p: dict, now: dt.datetime) -> Finding | None:
    where = [Job.status == "failed", Job.finished_at >= now - dt.timedelta(minutes=p["minutes"])]
    if p.get("job_kind"):
        where.append(Job.kind == p["job_kind"])
    rows = sess.execute(select(Job.id, Job.kind, Job.finished_at, Job.error).where(*where)
                        .order_by(Job.id.desc()).limit(FINDING_EVENTS)).all()
    if not rows:
        return None
    kinds: dict[str, int] = {}
    for row in rows:
        kinds[row.kind] = kinds.get(row.kind, 0) + 1
    return Finding({"count": len(rows), "kinds": kinds, "minutes": p["minutes"]},
                   [Found("job", str(row.id), row.finished_at, f"{row.kind}: {(row.error or '')[:200]}")
                    for row in rows])


def expected_now(p: dict, now: dt.datetime) -> bool:
    """Whether callbacks are expected at `now`: between from_hour and to_hour in the rule's zone
    (a window may wrap past midnight, e.g. 20 to 6)."""
    start, end = p.get("from_hour", 0), p.get("to_hour", 24)
    try:
        zone = zoneinfo.ZoneInfo(p.get("zone") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.timezone.utc
    hour = now.astimezone(zone).hour
    return start <= hour < end if start < end else (hour >= start or hour < end)


def _silence(sess, p: dict, now: dt.datetime) -> Finding | None:
    if not expected_now(p, now):
        return None
    newest = sess.scalar(select(func.max(CallbackEvent.received_ms)))
    if newest is None:
        return None  # no traffic ever: nothing is expected yet
    idle = (_ms(now) - newest) // 60000
    if idle < p["minutes"]:
        return None
    return Finding({"idle": idle, "minutes": p["minutes"]},
                   [Found("silence", str(newest), _at_ms(newest), "last callback")])


CHECKS = {"callback_refusals": _refusals, "im_error_rate": _error_rate, "im_alarm": _alarms,
          "job_failed": _jobs, "callback_silence": _silence}


def check(sess, rule: AlertRule, now: dt.datetime | None = None) -> Finding | None:
    return CHECKS[rule.kind](sess, rule.params or {}, now or utcnow())


# ---- what a finding says, in the reader's language --------------------------------------------

def describe(kind: str, summary: dict) -> str:
    """The summary of an alert as a sentence (pages, the banner and webhook messages)."""
    s = summary or {}
    if kind == "callback_refusals":
        return _("%(count)d callbacks refused in the last %(minutes)d minutes (more than %(threshold)d).",
                 count=s.get("count", 0), minutes=s.get("minutes", 0), threshold=s.get("threshold", 0))
    if kind == "im_error_rate":
        endpoints = ", ".join(_("%(endpoint)s: %(failed)d of %(total)d failed (%(percent)s%%)", **e)
                              for e in s.get("endpoints", []))
        return _("IM calls failing over %(percent)s%% in the last %(minutes)d minutes: %(endpoints)s",
                 percent=s.get("percent", 0), minutes=s.get("minutes", 0), endpoints=endpoints)
    if kind == "im_alarm":
        commands = ", ".join(f"{c} ×{n}" for c, n in sorted(s.get("commands", {}).items()))
        return _("%(count)d IM alarm callbacks in the last %(minutes)d minutes: %(commands)s",
                 count=s.get("count", 0), minutes=s.get("minutes", 0), commands=commands)
    if kind == "job_failed":
        kinds = ", ".join(f"{k} ×{n}" for k, n in sorted(s.get("kinds", {}).items()))
        return _("%(count)d jobs failed in the last %(minutes)d minutes: %(kinds)s",
                 count=s.get("count", 0), minutes=s.get("minutes", 0), kinds=kinds)
    if kind == "callback_silence":
        return _("No callback for %(idle)d minutes (one was expected within %(minutes)d).",
                 idle=s.get("idle", 0), minutes=s.get("minutes", 0))
    return kind


# ---- keeping alerts in step with their rules ---------------------------------------------------

class BannerCache:
    """The open alerts for the banner on every page, read at most every `ttl` seconds per
    process (and at once after this process changed an alert)."""

    def __init__(self, ttl: float = 5.0):
        self.ttl = ttl
        self._lock = threading.Lock()
        self._value: tuple[float, list] | None = None

    def clear(self) -> None:
        self._value = None

    def get(self, load):
        cached = self._value
        if cached is not None and time.monotonic() - cached[0] < self.ttl:
            return cached[1]
        with self._lock:
            value = load()
            self._value = (time.monotonic(), value)
        return value


banner_cache = BannerCache()


def open_alerts(sess, limit: int = 3) -> tuple[int, list[Alert]]:
    """How many alerts are open (not yet acknowledged), and the newest of them."""
    count = sess.scalar(select(func.count()).select_from(Alert).where(Alert.status == "open")) or 0
    newest = list(sess.scalars(select(Alert).where(Alert.status == "open")
                               .order_by(Alert.id.desc()).limit(limit))) if count else []
    return count, newest


def _active(sess, rule_id: int) -> Alert | None:
    return sess.scalar(select(Alert).where(Alert.rule_id == rule_id, Alert.status.in_(ACTIVE)))


def _add_events(sess, alert: Alert, events: list[Found]) -> int:
    """Store the events the alert does not hold yet; how many were new."""
    if not events:
        return 0
    known = set(sess.execute(select(AlertEvent.source, AlertEvent.ref).where(
        AlertEvent.alert_id == alert.id, AlertEvent.ref.in_([e.ref for e in events]))).all())
    new = [e for e in events if (e.source, e.ref) not in known]
    sess.add_all(AlertEvent(alert_id=alert.id, at=e.at, source=e.source, ref=e.ref[:64], text=e.text[:512])
                 for e in new)
    alert.event_count = (alert.event_count or 0) + len(new)
    sess.flush()
    if alert.event_count > MAX_EVENTS:  # keep the newest
        keep = select(AlertEvent.id).where(AlertEvent.alert_id == alert.id) \
            .order_by(AlertEvent.at.desc(), AlertEvent.id.desc()).limit(MAX_EVENTS)
        sess.execute(delete(AlertEvent).where(AlertEvent.alert_id == alert.id, AlertEvent.id.not_in(keep)))
        alert.event_count = MAX_EVENTS
    return len(new)


def queue_deliveries(sess, alert: Alert, change: str, now: dt.datetime) -> int:
    """One pending delivery per enabled webhook; sent by the next `webhooks.deliver_due`."""
    hooks = sess.scalars(select(Webhook).where(Webhook.enabled.is_(True))).all()
    sess.add_all(AlertDelivery(alert_id=alert.id, webhook_id=h.id, webhook_name=h.name, change=change,
                               status="pending", attempts=0, next_attempt_at=now, created_at=now, log=[])
                 for h in hooks)
    return len(hooks)


def _audit(app, ctx: AuditContext, action: str, alert: Alert, detail: dict | None = None) -> None:
    write_entry(app, ctx, action=action, endpoint=None, targets=[f"alert:{alert.id}", f"alert-rule:{alert.rule_id}"],
                outcome="ok", detail={"rule": alert.rule_name, "kind": alert.kind, "status": alert.status,
                                      **(detail or {})})


def _open(sess, rule: AlertRule, finding: Finding, now: dt.datetime) -> Alert:
    alert = Alert(rule_id=rule.id, rule_name=rule.name, kind=rule.kind, status="open",
                  summary=finding.summary, opened_at=now, last_seen_at=now, event_count=0)
    sess.add(alert)
    sess.flush()  # the unique index refuses a second active alert of the rule here
    _add_events(sess, alert, finding.events)
    queue_deliveries(sess, alert, "opened", now)
    return alert


def resolve(sess, alert: Alert, now: dt.datetime, by: str | None) -> None:
    """Resolve an active alert (by an operator, or None: by itself) and tell the webhooks."""
    alert.status, alert.resolved_at, alert.resolved_by = "resolved", now, by
    queue_deliveries(sess, alert, "resolved", now)


def evaluate(app, now: dt.datetime | None = None) -> dict[str, list[int]]:
    """Check every enabled rule and open, update or resolve its alert; the ids of the alerts
    opened, updated and resolved. One rule's failure never stops the others."""
    now = now or utcnow()
    changes: dict[str, list[int]] = {"opened": [], "updated": [], "resolved": []}
    with db.new_session(app) as sess:
        rules = sess.scalars(select(AlertRule).where(AlertRule.enabled.is_(True)).order_by(AlertRule.id)).all()
        enabled = {rule.id for rule in rules}
        orphans = sess.scalars(select(Alert).where(Alert.status.in_(ACTIVE), Alert.rule_id.not_in(enabled))).all()
    for alert in orphans:  # the rule was disabled or deleted: nothing watches the alert any more
        _step(app, changes, lambda sess, a=alert: _resolve_orphan(sess, a, now))
    for rule in rules:
        _step(app, changes, lambda sess, r=rule: _evaluate_rule(sess, r, now))
    if any(changes.values()):
        banner_cache.clear()
    return changes


def _step(app, changes: dict, work) -> None:
    """Run one rule's work in its own transaction, then audit what it changed."""
    try:
        with db.new_session(app) as sess:
            outcome = work(sess)
    except IntegrityError:  # another consumer opened the same alert at the same moment
        log.info("alert already opened by another evaluator")
        return
    except Exception:  # noqa: BLE001 - one broken rule must not stop the others
        log.exception("alert evaluation failed")
        return
    if outcome is None:
        return
    change, alert, detail = outcome
    changes[change].append(alert.id)
    if change != "updated":
        _audit(app, SYSTEM, f"alerts.{'open' if change == 'opened' else 'resolve'}", alert, detail)


def _resolve_orphan(sess, alert: Alert, now: dt.datetime):
    alert = sess.get(Alert, alert.id)
    resolve(sess, alert, now, None)
    return "resolved", alert, {"reason": "rule disabled or deleted"}


def _evaluate_rule(sess, rule: AlertRule, now: dt.datetime):
    finding = check(sess, rule, now)
    alert = _active(sess, rule.id)
    if finding is None:
        if alert is None:
            return None
        resolve(sess, alert, now, None)
        return "resolved", alert, {"reason": "condition cleared"}
    if alert is None:
        if _resolved_by_hand_since(sess, rule.id, finding):
            return None
        alert = _open(sess, rule, finding, now)
        return "opened", alert, {"summary": finding.summary}
    alert.summary, alert.last_seen_at = finding.summary, now
    _add_events(sess, alert, finding.events)
    return "updated", alert, None


def _resolved_by_hand_since(sess, rule_id: int, finding: Finding) -> bool:
    """True when an operator resolved the rule's last alert after every event of `finding`:
    what they resolved does not open it again; something new does."""
    last = sess.scalar(select(Alert).where(Alert.rule_id == rule_id, Alert.status == "resolved")
                       .order_by(Alert.id.desc()).limit(1))
    if last is None or last.resolved_by is None or last.resolved_at is None:
        return False
    return all(event.at <= last.resolved_at for event in finding.events)


def prune(app, now: dt.datetime | None = None) -> int:
    """Drop refusal buckets past any window a rule may have."""
    oldest = _ms(now or utcnow()) // 60000 - KEEP_REFUSAL_MINUTES
    with db.new_session(app) as sess:
        return sess.execute(delete(CallbackRefusalMinute).where(CallbackRefusalMinute.minute < oldest)).rowcount


def tick(app, now: dt.datetime | None = None) -> dict[str, list[int]]:
    """What the periodic task does every minute: evaluate, deliver what is due, prune."""
    from console.monitoring import webhooks

    now = now or utcnow()
    with app.app_context():  # messages are worded in each webhook's language (Flask-Babel)
        changes = evaluate(app, now)
        webhooks.deliver_due(app, now)
        prune(app, now)
    return changes


# ---- operators' changes ----------------------------------------------------------------------

def acknowledge(sess, alert: Alert, by: str, now: dt.datetime | None = None) -> bool:
    """An operator has seen it: open -> acknowledged (False when it was not open)."""
    done = sess.execute(update(Alert).where(Alert.id == alert.id, Alert.status == "open")
                        .values(status="acknowledged", acknowledged_at=now or utcnow(), acknowledged_by=by))
    banner_cache.clear()
    return bool(done.rowcount)


def resolve_by(sess, alert: Alert, by: str, now: dt.datetime | None = None) -> bool:
    """An operator resolves an active alert (False when it was already resolved)."""
    if alert.status not in ACTIVE:
        return False
    resolve(sess, alert, now or utcnow(), by)
    banner_cache.clear()
    return True


# ---- the rule form ---------------------------------------------------------------------------

#: params each kind keeps, and their defaults in a new form
PARAMS = {
    "callback_refusals": {"minutes": 5, "count": 10},
    "im_error_rate": {"minutes": 10, "percent": 20, "min_calls": 5, "endpoint": ""},
    "im_alarm": {"minutes": 30, "command": ""},
    "job_failed": {"minutes": 60, "job_kind": ""},
    "callback_silence": {"minutes": 15, "from_hour": 0, "to_hour": 24, "zone": "UTC"},
}
ENDPOINT_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_/")


def _endpoint(value) -> str:
    value = forms.text(value, "endpoint", _l("Endpoint"), max_bytes=128) or ""
    if value and (value.count("/") != 1 or not set(value) <= ENDPOINT_CHARS or value.startswith("/")
                  or value.endswith("/")):
        raise FormError(_("The endpoint looks like service/command, e.g. openim/sendmsg."), "endpoint")
    return value


def plan_rule(form, job_kinds, zone: str) -> dict:
    """A rule's typed, checked values from a submitted form; FormError keyed by field."""
    kind = form.get("kind") or ""
    steps = {
        "count": lambda: forms.integer(form.get("count"), "count", _l("Refusals"), hi=10**9, required=True),
        "percent": lambda: forms.integer(form.get("percent"), "percent", _l("Error rate in percent"), lo=1, hi=100,
                                         required=True),
        "min_calls": lambda: forms.integer(form.get("min_calls"), "min_calls", _l("At least this many calls"),
                                           lo=1, hi=10**9, required=True),
        "endpoint": lambda: _endpoint(form.get("endpoint")),
        "command": lambda: forms.choice(form.get("command"), "command", _l("Alarm"), ALARM_COMMANDS) or "",
        "job_kind": lambda: forms.choice(form.get("job_kind"), "job_kind", _l("Job kind"), job_kinds) or "",
        "from_hour": lambda: forms.integer(form.get("from_hour"), "from_hour", _l("From hour"), hi=23,
                                           required=True),
        "to_hour": lambda: forms.integer(form.get("to_hour"), "to_hour", _l("To hour"), lo=1, hi=24,
                                         required=True),
        "zone": lambda: zone,
    }
    names = [k for k in PARAMS.get(kind, ()) if k != "minutes"]
    name, kind, minutes, *values = forms.collect(
        lambda: forms.text(form.get("name"), "name", _l("Name"), max_bytes=128, required=True),
        lambda: forms.choice(kind, "kind", _l("Kind"), KINDS, required=True),
        lambda: forms.integer(form.get("minutes"), "minutes", _l("Minutes"), lo=1, hi=MAX_MINUTES,
                              required=True),
        *(steps[k] for k in names))
    params = {"minutes": minutes, **dict(zip(names, values))}
    if kind == "callback_silence" and params["from_hour"] == params["to_hour"]:
        raise FormError(_("The hours must differ (0 to 24 is the whole day)."), "to_hour")
    return {"name": name, "kind": kind, "params": params, "enabled": forms.flag(form.get("enabled"))}


def save_row(sess, model, row, data: dict, by: str):
    """Create (`row` None) or update an alert rule or a webhook, stamped with who and when; the
    row and its changes {field: [old, new]}."""
    now = utcnow()
    new = row is None
    if new:
        row = model(created_at=now)
        sess.add(row)
    changes = db.assign(row, data, new)
    row.updated_at, row.updated_by = now, by
    sess.flush()
    return row, changes


def save_rule(sess, rule: AlertRule | None, data: dict, by: str) -> tuple[AlertRule, dict]:
    """Create or update a rule; the rule and its changes {field: [old, new]}."""
    return save_row(sess, AlertRule, rule, data, by)


def rule_form(rule: AlertRule | None) -> dict:
    """A rule's values as the form shows them (defaults for a new one)."""
    if rule is None:
        values = {"kind": "im_alarm", "enabled": "1"}
        for params in PARAMS.values():
            for key, default in params.items():
                values.setdefault(key, str(default))
        return values
    values = {k: str(v) for params in PARAMS.values() for k, v in params.items()}
    values.update({k: "" if v is None else str(v) for k, v in (rule.params or {}).items()})
    values.update(name=rule.name, kind=rule.kind, enabled="1" if rule.enabled else "")
    return values
