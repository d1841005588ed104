"""The console's tables: operators, the audit log, the account directory, jobs, settings.

Times are stored in UTC (`UTCDateTime` gives aware datetimes back on every backend); pages
convert them to the operator's time zone.
"""
from __future__ import annotations

import datetime as dt
import secrets

from flask_login import UserMixin
from sqlalchemy import (JSON, BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String,
                        Text, TypeDecorator)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.db import Base

ROLES = ("viewer", "operator", "admin")
JOB_STATUSES = ("queued", "running", "done", "failed", "cancelled")
ACCOUNT_SOURCES = ("created", "imported", "callback", "crawl", "csv")

JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on SQLite (which drops tzinfo) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value


class Operator(UserMixin, Base):
    """A person who signs in to the console."""

    __tablename__ = "operator"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16), default="viewer")
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    #: IANA zone name for displaying times; None = the browser's zone (falls back to UTC).
    timezone: Mapped[str | None] = mapped_column(String(64))
    #: rotated on password change / disable, which signs out every other session.
    session_token: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(8))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    def get_id(self) -> str:  # flask-login: id plus token so a rotated token ends old sessions
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return not self.disabled

    def has_role(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)

    def __repr__(self) -> str:
        return f"<Operator {self.id} {self.name} {self.role}>"


class AuditEntry(Base):
    """One IM call (or one console-side action) made for an operator. Append-only."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    operator_id: Mapped[int | None] = mapped_column(Integer, index=True)
    operator_name: Mapped[str | None] = mapped_column(String(64))
    operator_role: Mapped[str | None] = mapped_column(String(16))
    #: web / job / cli / system
    source: Mapped[str] = mapped_column(String(16), default="web")
    action: Mapped[str] = mapped_column(String(96), index=True)
    endpoint: Mapped[str | None] = mapped_column(String(128))
    targets: Mapped[list] = mapped_column(JSONType, default=list)
    request: Mapped[dict | None] = mapped_column(JSONType)
    response: Mapped[dict | None] = mapped_column(JSONType)
    #: ok / partial / failed
    outcome: Mapped[str] = mapped_column(String(16), index=True)
    error_code: Mapped[int | None] = mapped_column(Integer)
    error_text: Mapped[str | None] = mapped_column(Text)
    items: Mapped[list | None] = mapped_column(JSONType)
    detail: Mapped[dict | None] = mapped_column(JSONType)
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    attempts: Mapped[int | None] = mapped_column(Integer)
    request_id: Mapped[str | None] = mapped_column(String(64), index=True)
    job_id: Mapped[int | None] = mapped_column(Integer, index=True)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(256))

    target_rows: Mapped[list[AuditTarget]] = relationship(lazy="raise_on_sql", viewonly=True)


class AuditTarget(Base):
    """One target (account, group ...) named by an audit entry: the index behind History panels."""

    __tablename__ = "audit_target"

    entry_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), ForeignKey("audit_entry.id"), primary_key=True)
    target: Mapped[str] = mapped_column(String(160), primary_key=True)

    __table_args__ = (Index("ix_audit_target_target_entry", "target", "entry_id"),)


class Account(Base):
    """The local directory of IM accounts the console has seen (IM cannot list accounts)."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), unique=True)
    nickname: Mapped[str | None] = mapped_column(String(256), index=True)
    face_url: Mapped[str | None] = mapped_column(String(512))
    #: how we first learned of it: created / imported / callback / crawl / csv
    source: Mapped[str] = mapped_column(String(16))
    first_seen: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: Online / PushOnline / Offline, as last reported
    online_state: Mapped[str | None] = mapped_column(String(16))
    online_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: result of the last account_check: True imported, False not imported, None unknown
    imported: Mapped[bool | None] = mapped_column(Boolean)
    checked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: global mute state as last set or seen (None = unknown)
    muted_c2c: Mapped[bool | None] = mapped_column(Boolean)
    muted_group: Mapped[bool | None] = mapped_column(Boolean)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Job(Base):
    """A unit of bulk work run by the task queue; `cursor` is where a resumed run continues."""

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    params: Mapped[dict] = mapped_column(JSONType, default=dict)
    cursor: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    ok_count: Mapped[int] = mapped_column(Integer, default=0)
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    operator_id: Mapped[int | None] = mapped_column(Integer)
    operator_name: Mapped[str | None] = mapped_column(String(64))
    operator_role: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: "host:pid" of the consumer running it
    worker: Mapped[str | None] = mapped_column(String(128))
    runs: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def active(self) -> bool:
        return self.status in ("queued", "running")

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if not self.active else 0)


class JobResult(Base):
    """The outcome of one item of a job (one account of an import, one recipient of a send ...)."""

    __tablename__ = "job_result"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("job.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    item: Mapped[str] = mapped_column(String(256))
    ok: Mapped[bool] = mapped_column(Boolean)
    code: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(Text)


class Setting(Base):
    """Small console-side key/value settings (setup token hash, ...)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class GroupCache(Base):
    """One IM group as last read (groups pages): IM cannot search groups by name, this table can.
    Filled by the `groups.refresh_cache` job and kept current by the console's own group actions."""

    __tablename__ = "group_cache"

    group_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    type: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(128), default="")
    #: lower-cased name, for case-insensitive search on every backend
    name_lower: Mapped[str] = mapped_column(String(128), default="", index=True)
    owner: Mapped[str] = mapped_column(String(128), default="")
    member_num: Mapped[int] = mapped_column(Integer, default=0)
    max_member_num: Mapped[int] = mapped_column(Integer, default=0)
    #: Unix seconds, as IM reports it
    create_time: Mapped[int] = mapped_column(BigInteger, default=0)
    refreshed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


# Models owned by other parts of the console register on the same Base.
try:
    from console.models_events import *  # noqa: E402,F401,F403
except ModuleNotFoundError as exc:  # not written yet: only that module may be missing
    if exc.name != "console.models_events":
        raise

try:
    from console.models_push import *  # noqa: E402,F401,F403
except ModuleNotFoundError as exc:
    if exc.name != "console.models_push":
        raise
