"""Tables of the alerts (console/monitoring): rules, alerts and the events that raised them,
webhooks and the log of their deliveries."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from console.db import Base
from console.models.types import JSONType, UTCDateTime, utcnow

ALERT_STATUSES = ("open", "acknowledged", "resolved")
DELIVERY_STATUSES = ("pending", "delivered", "failed")
ACTIVE = "status != 'resolved'"


class AlertRule(Base):
    """A condition an admin wants to hear about (see console/monitoring/alerts.py for the kinds)."""

    __tablename__ = "alert_rule"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    #: callback_refusals / im_error_rate / im_alarm / job_failed / callback_silence
    kind: Mapped[str] = mapped_column(String(32))
    #: the kind's thresholds: minutes, count, percent, endpoint, ...
    params: Mapped[dict] = mapped_column(JSONType, default=dict)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(64))


class Alert(Base):
    """One firing of a rule: open, then acknowledged by an operator, then resolved (when the
    condition clears, or by an operator). A rule has at most one alert that is not resolved."""

    __tablename__ = "alert"
    __table_args__ = (
        Index("uq_alert_active_rule", "rule_id", unique=True,
              sqlite_where=text(ACTIVE), postgresql_where=text(ACTIVE)),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: no foreign key: an alert outlives its rule
    rule_id: Mapped[int] = mapped_column(Integer, index=True)
    rule_name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    #: what was found, as data (console/monitoring/alerts.py words it in the reader's language)
    summary: Mapped[dict] = mapped_column(JSONType, default=dict)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: None when the condition cleared by itself
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    event_count: Mapped[int] = mapped_column(Integer, default=0)


class AlertEvent(Base):
    """Something that raised (or kept up) an alert: a callback, a failed IM call, a job ..."""

    __tablename__ = "alert_event"
    __table_args__ = (UniqueConstraint("alert_id", "source", "ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: callback / audit / job / refusal / silence
    source: Mapped[str] = mapped_column(String(16))
    #: the id of what it points at (event, audit entry, job), or a key of its own
    ref: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(String(512), default="")


class Webhook(Base):
    """Where alerts are sent: a URL and a message format (generic JSON, WeCom or DingTalk robot)."""

    __tablename__ = "alert_webhook"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    #: robots carry their credential in the URL (key=, access_token=): never shown in full
    url: Mapped[str] = mapped_column(Text)
    #: generic / wecom / dingtalk
    format: Mapped[str] = mapped_column(String(16))
    #: DingTalk's signing secret (SEC...), optional; never shown or audited
    secret: Mapped[str | None] = mapped_column(String(256))
    #: the language of its messages: en / zh_Hans
    language: Mapped[str] = mapped_column(String(16), default="en")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(64))


class AlertDelivery(Base):
    """One message about an alert change to one webhook, with every attempt in `log`."""

    __tablename__ = "alert_delivery"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: None for a test message
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"), index=True)
    webhook_id: Mapped[int] = mapped_column(Integer, index=True)
    webhook_name: Mapped[str] = mapped_column(String(128))
    #: opened / resolved (what happened to the alert) or test
    change: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(512))
    #: [{"at": iso time, "ok": bool, "status": HTTP status or None, "error": text, "ms": n}]
    log: Mapped[list] = mapped_column(JSONType, default=list)
