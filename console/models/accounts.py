"""The account directory: every IM account the console has seen (IM cannot list them)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from console.db import Base
from console.models.types import UTCDateTime, utcnow

ACCOUNT_SOURCES = ("created", "imported", "callback", "crawl", "csv")


class Account(Base):
    """The local directory of IM accounts the console has seen (IM cannot list accounts)."""

    __tablename__ = "account"
    # keyset pages in last-seen / first-seen order (migration 0010); on SQLite the FTS5 trigram
    # table `account_nick_fts` (migration only) indexes nickname parts
    __table_args__ = (Index("ix_account_last_seen_user_id", "last_seen", "user_id"),
                      Index("ix_account_first_seen_user_id", "first_seen", "user_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), unique=True)
    nickname: Mapped[str | None] = mapped_column(String(256), index=True)
    face_url: Mapped[str | None] = mapped_column(String(512))
    #: how we first learned of it: created / imported / callback / crawl / csv
    source: Mapped[str] = mapped_column(String(16))
    first_seen: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
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

