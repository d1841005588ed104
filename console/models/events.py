"""Tables of the callback side: stored callback events, moderation rules, refusal counters.

Times here are Unix epoch milliseconds (BigInteger): the hot path writes them without any
conversion, per-minute buckets are plain integer division on every backend, and pages turn
them into the operator's time zone. Only `console.db` is imported, so `console.models` can
re-export these classes without an import cycle.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Float, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from console.db import Base

__all__ = ["CallbackEvent", "Rule", "CallbackRefusal", "CallbackRefusalMinute", "EVENT_ID"]

#: 64-bit ids on PostgreSQL; SQLite only auto-increments an INTEGER PRIMARY KEY.
EVENT_ID = BigInteger().with_variant(Integer, "sqlite")


class CallbackEvent(Base):
    """One accepted callback as IM posted it, with our answer. Written by the ingest writer."""

    __tablename__ = "callback_event"
    __table_args__ = (
        # one first delivery per key, whichever worker stores it first (see console/events/writer.py)
        Index("uq_callback_event_first_delivery", "dedup_key", unique=True,
              sqlite_where=text("duplicate_of IS NULL"), postgresql_where=text("duplicate_of IS NULL")),
    )

    id: Mapped[int] = mapped_column(EVENT_ID, primary_key=True)
    received_ms: Mapped[int] = mapped_column(BigInteger, index=True)
    command: Mapped[str] = mapped_column(String(96), index=True)
    #: the command's prefix: State, Sns, C2C, Group, Push ...
    category: Mapped[str] = mapped_column(String(32), index=True)
    app_id: Mapped[int | None] = mapped_column(BigInteger)
    client_ip: Mapped[str | None] = mapped_column(String(64))
    platform: Mapped[str | None] = mapped_column(String(32))
    #: EventTime from the body (ms), RequestTime from the query (s)
    event_time: Mapped[int | None] = mapped_column(BigInteger)
    request_time: Mapped[int | None] = mapped_column(BigInteger)
    #: verified (Sign checked) or unsigned (no token configured); refused requests are never stored
    sign_status: Mapped[str] = mapped_column(String(16))
    #: the body exactly as received (JSON text) and the JSON we answered
    payload: Mapped[str] = mapped_column(Text)
    ack: Mapped[str] = mapped_column(Text)
    #: for before-callbacks: allow / deny / drop / rewrite / partial; None for after-callbacks
    decision: Mapped[str | None] = mapped_column(String(16))
    rule_id: Mapped[int | None] = mapped_column(Integer)
    rule_name: Mapped[str | None] = mapped_column(String(128))
    #: time spent verifying, parsing and deciding, before the commit wait (ms)
    handling_ms: Mapped[float | None] = mapped_column(Float)
    #: EventTime then a hash of command and body: re-deliveries repeat it; time-ordered, so that
    #: new keys land at the end of the index (see console/events/ingest.py)
    dedup_key: Mapped[str] = mapped_column(String(64))
    #: set on a re-delivery: the id of the first delivery, whose answer was repeated
    duplicate_of: Mapped[int | None] = mapped_column(BigInteger)
    #: every account the event names, as "|a|b|" so that one LIKE finds an account
    accounts: Mapped[str] = mapped_column(Text, default="")
    group_id: Mapped[str | None] = mapped_column(String(128), index=True)

    def __repr__(self) -> str:
        return f"<CallbackEvent {self.id} {self.command}>"


class Rule(Base):
    """A moderation rule applied to before-callbacks (see console/events/rules.py)."""

    __tablename__ = "moderation_rule"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    #: c2c_msg / group_msg / group_create / group_join / group_invite / friend_request
    scope: Mapped[str] = mapped_column(String(24), index=True)
    #: words / regex / accounts
    match: Mapped[str] = mapped_column(String(16))
    pattern: Mapped[str] = mapped_column(Text)
    #: deny / drop / rewrite
    action: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[int | None] = mapped_column(Integer)
    error_info: Mapped[str | None] = mapped_column(String(256))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_ms: Mapped[int] = mapped_column(BigInteger)
    updated_ms: Mapped[int] = mapped_column(BigInteger)
    updated_by: Mapped[str | None] = mapped_column(String(64))
    #: match "keywords": the keyword list (console.models.moderation.KeywordList) it matches
    keyword_list_id: Mapped[int | None] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"<Rule {self.id} {self.scope} {self.action}>"


class CallbackRefusal(Base):
    """How many callback requests were refused, per reason (forged, stale, foreign ...)."""

    __tablename__ = "callback_refusal"

    reason: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(BigInteger, default=0)
    last_ms: Mapped[int] = mapped_column(BigInteger)
    #: remote address and command of the last one; never the Sign or the body
    last_detail: Mapped[str | None] = mapped_column(String(256))


class CallbackRefusalMinute(Base):
    """Refusals per minute and reason: what the alert on refusals counts over its window."""

    __tablename__ = "callback_refusal_minute"

    #: received_ms // 60000
    minute: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    reason: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, default=0)
