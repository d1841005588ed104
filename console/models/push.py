"""Pushes to all users or to a segment made from the console (IM keeps no list of them)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from console.db import Base
from console.models.types import JSONType, UTCDateTime, utcnow

__all__ = ["PushRecord"]


class PushRecord(Base):
    """One push attempt: whom it targeted, what it said, the task ID or the error."""

    __tablename__ = "push_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    operator_name: Mapped[str | None] = mapped_column(String(64))
    #: legacy / timpush: which push API was used
    api: Mapped[str] = mapped_column(String(16))
    #: all / tags / attrs
    target_kind: Mapped[str] = mapped_column(String(8))
    condition: Mapped[dict | None] = mapped_column(JSONType)
    #: the human description shown in the confirmation
    summary: Mapped[str] = mapped_column(Text)
    sender: Mapped[str | None] = mapped_column(String(128))
    preview: Mapped[str] = mapped_column(Text, default="")
    msg_random: Mapped[int] = mapped_column(BigInteger)
    ok: Mapped[bool] = mapped_column(Boolean, default=False)
    task_id: Mapped[str | None] = mapped_column(String(128), index=True)
    error_code: Mapped[int | None] = mapped_column(Integer)
    error_text: Mapped[str | None] = mapped_column(Text)
