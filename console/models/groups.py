"""The local cache of IM groups, searchable by name (IM cannot search groups)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from console.db import Base
from console.models.types import UTCDateTime, utcnow


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

