"""Tables of the moderation workbench: keyword lists, review decisions, rule versions.

The review queue itself is the stored callbacks whose decision is `flag` (a flag rule let the
message through); `review_action` records what an operator decided about one of them. Times are
epoch milliseconds, like the callback tables they sit beside.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from console.db import Base
from console.models.events import CallbackEvent

__all__ = ["KeywordList", "ReviewAction", "RuleVersion"]

_EVENTS = CallbackEvent.__table__
#: the review queue (flagged callbacks, newest first) and the hits of each rule, without scanning
#: every stored callback; partial, so that the callbacks no rule matched cost nothing more
Index("ix_callback_event_flagged", _EVENTS.c.id, sqlite_where=text("decision = 'flag'"),
      postgresql_where=text("decision = 'flag'"))
Index("ix_callback_event_rule_hits", _EVENTS.c.rule_id, _EVENTS.c.received_ms,
      sqlite_where=text("rule_id IS NOT NULL"), postgresql_where=text("rule_id IS NOT NULL"))


class KeywordList(Base):
    """A named list of keywords that rules match (console/events/keywords.py)."""

    __tablename__ = "keyword_list"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    #: one word per line, as the operator typed or imported them
    words: Mapped[str] = mapped_column(Text, default="")
    #: whole words only (Latin word boundaries); otherwise any substring
    whole_word: Mapped[bool] = mapped_column(Boolean, default=False)
    created_ms: Mapped[int] = mapped_column(BigInteger)
    updated_ms: Mapped[int] = mapped_column(BigInteger)
    updated_by: Mapped[str | None] = mapped_column(String(64))
    #: the last push to IM: "local" or "cloud:<library id>", when, by whom
    synced_to: Mapped[str | None] = mapped_column(String(160))
    synced_ms: Mapped[int | None] = mapped_column(BigInteger)

    def __repr__(self) -> str:
        return f"<KeywordList {self.id} {self.name}>"


class ReviewAction(Base):
    """What an operator decided about a flagged callback: recall, mute, ban or dismiss."""

    __tablename__ = "review_action"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(BigInteger, index=True)
    #: recall / mute / mute_group / ban / dismiss
    action: Mapped[str] = mapped_column(String(16))
    #: ok / failed (a failed IM call leaves the item in the queue)
    outcome: Mapped[str] = mapped_column(String(16))
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_ms: Mapped[int] = mapped_column(BigInteger)
    #: the IM error when it failed, the mute or ban duration ...
    detail: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<ReviewAction {self.event_id} {self.action} {self.outcome}>"


class RuleVersion(Base):
    """A moderation rule as it was after one change: who, when, what (console/events/versions.py)."""

    __tablename__ = "rule_version"
    __table_args__ = (Index("uq_rule_version", "rule_id", "version", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: no foreign key: the versions of a deleted rule are its history
    rule_id: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    #: create / update / enable / disable / delete / rollback
    change: Mapped[str] = mapped_column(String(16))
    #: the rule's fields after the change (JSON)
    snapshot: Mapped[str] = mapped_column(Text)
    created_ms: Mapped[int] = mapped_column(BigInteger)
    created_by: Mapped[str | None] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<RuleVersion {self.rule_id} v{self.version}>"
