"""The dashboard's health figures, from the tables (every worker and host writes there):

- `im_alarms`: IM's own alarm callbacks (console.monitoring.alerts.ALARM_COMMANDS) lately;
- `endpoint_stats`: IM calls per endpoint from the audit log: calls, failures, error rate and
  the 95th percentile of latency (a window function, `cume_dist`, on SQLite and PostgreSQL alike);
- `callback_volume`: callbacks per category, and refusals, lately.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select

from console.models import AuditEntry, CallbackEvent, CallbackRefusalMinute, utcnow
from console.monitoring.alerts import ALARM_COMMANDS, alarm_text

DAY = dt.timedelta(hours=24)
PERCENTILE = 0.95


@dataclass
class EndpointStat:
    endpoint: str
    calls: int
    failed: int
    p95_ms: int | None

    @property
    def error_rate(self) -> float:
        return round(100.0 * self.failed / self.calls, 1) if self.calls else 0.0


def _ms(when: dt.datetime) -> int:
    return int(when.timestamp() * 1000)


def im_alarms(sess, now: dt.datetime | None = None, limit: int = 10) -> list[dict]:
    """The latest IM alarm callbacks of the last 24 hours: id, received_ms, command, text."""
    since = _ms((now or utcnow()) - DAY)
    rows = sess.execute(select(CallbackEvent.id, CallbackEvent.received_ms, CallbackEvent.command,
                               CallbackEvent.payload)
                        .where(CallbackEvent.command.in_(ALARM_COMMANDS), CallbackEvent.received_ms >= since,
                               CallbackEvent.duplicate_of.is_(None))
                        .order_by(CallbackEvent.id.desc()).limit(limit)).all()
    return [{"id": r.id, "received_ms": r.received_ms, "command": r.command,
             "text": alarm_text(r.command, r.payload)} for r in rows]


def endpoint_stats(sess, now: dt.datetime | None = None) -> list[EndpointStat]:
    """IM calls per endpoint over the last 24 hours, the worst error rate first."""
    now = now or utcnow()
    window = [AuditEntry.occurred_at >= now - DAY, AuditEntry.occurred_at <= now, AuditEntry.endpoint.is_not(None)]
    counts = sess.execute(select(AuditEntry.endpoint, func.count(),
                                 func.sum(case((AuditEntry.outcome == "failed", 1), else_=0)))
                          .where(*window).group_by(AuditEntry.endpoint)).all()
    ranked = select(AuditEntry.endpoint.label("endpoint"), AuditEntry.latency_ms.label("latency"),
                    func.cume_dist().over(partition_by=AuditEntry.endpoint,
                                          order_by=AuditEntry.latency_ms).label("rank")) \
        .where(*window, AuditEntry.latency_ms.is_not(None)).subquery()
    p95 = dict(sess.execute(select(ranked.c.endpoint, func.min(ranked.c.latency))
                            .where(ranked.c.rank >= PERCENTILE).group_by(ranked.c.endpoint)).all())
    stats = [EndpointStat(endpoint, calls, int(failed or 0), p95.get(endpoint)) for endpoint, calls, failed in counts]
    return sorted(stats, key=lambda s: (-s.error_rate, -s.calls, s.endpoint))


def callback_volume(sess, now: dt.datetime | None = None) -> dict:
    """Callbacks per category over the last 24 hours (re-deliveries apart), and refusals."""
    now = now or utcnow()
    since = _ms(now - DAY)
    rows = sess.execute(select(CallbackEvent.category, func.count(),
                               func.sum(case((CallbackEvent.duplicate_of.is_not(None), 1), else_=0)))
                        .where(CallbackEvent.received_ms >= since)
                        .group_by(CallbackEvent.category).order_by(func.count().desc())).all()
    refused = sess.scalar(select(func.sum(CallbackRefusalMinute.count))
                          .where(CallbackRefusalMinute.minute >= since // 60000)) or 0
    return {"categories": [(category, count, int(again or 0)) for category, count, again in rows],
            "total": sum(count for _c, count, _a in rows), "refused": int(refused)}
