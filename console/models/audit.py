"""The audit log: one append-only row per IM call or console action, and its target index."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from console.db import Base
from console.models.types import JSONType, UTCDateTime, utcnow


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
    #: the call only read (console.audit.kinds); the log shows actions first
    read_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    target_rows: Mapped[list[AuditTarget]] = relationship(lazy="raise_on_sql", viewonly=True)

    __table_args__ = (Index("ix_audit_entry_read_only_id", "read_only", "id"),)


class AuditTarget(Base):
    """One target (account, group ...) named by an audit entry: the index behind History panels."""

    __tablename__ = "audit_target"

    entry_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), ForeignKey("audit_entry.id"), primary_key=True)
    target: Mapped[str] = mapped_column(String(160), primary_key=True)

    __table_args__ = (Index("ix_audit_target_target_entry", "target", "entry_id"),)

