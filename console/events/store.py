"""Reading the event store: filters, live tail, history pages, rates, export and pruning."""
from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection, Engine

from console.models.events import CallbackEvent, CallbackRefusal
from console.tim import text as tim_text

EVENTS = CallbackEvent.__table__
PAGE = 50
RATE_MINUTES = 30
PRUNE_BATCH = 5000
#: columns shown in lists (the payload and ack are loaded only when a row is expanded)
SUMMARY = [c for c in EVENTS.c if c.name not in ("payload", "ack")]


def now_ms() -> int:
    return int(time.time() * 1000)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


#: the outcome chips: a before-callback's decision, a re-delivery, an unsigned callback
OUTCOMES = ("allow", "deny", "drop", "rewrite", "partial", "redelivery", "unsigned")
FILTER_NAMES = ("command", "category", "outcome", "account", "group")


@dataclass(frozen=True)
class Filters:
    command: str = ""
    category: str = ""
    outcome: str = ""
    account: str = ""
    group: str = ""

    @classmethod
    def from_args(cls, args) -> Filters:
        values = {name: (args.get(name) or "").strip()[:128] for name in FILTER_NAMES}
        if values["outcome"] not in OUTCOMES:
            values["outcome"] = ""
        return cls(**values)

    def apply(self, stmt):
        if self.command:
            stmt = stmt.where(EVENTS.c.command == self.command)
        if self.category:
            stmt = stmt.where(EVENTS.c.category == self.category)
        if self.outcome == "redelivery":
            stmt = stmt.where(EVENTS.c.duplicate_of.is_not(None))
        elif self.outcome == "unsigned":
            stmt = stmt.where(EVENTS.c.sign_status != "verified")
        elif self.outcome:
            stmt = stmt.where(EVENTS.c.decision == self.outcome)
        if self.group:
            stmt = stmt.where(EVENTS.c.group_id == self.group)
        if self.account:
            pattern = "%|" + _like_escape(self.account.replace("|", "")) + "|%"
            stmt = stmt.where(EVENTS.c.accounts.like(pattern, escape="\\"))
        return stmt

    def matches(self, row) -> bool:
        """The same test as `apply`, on a row already in memory."""
        return ((not self.command or row.command == self.command)
                and (not self.category or row.category == self.category)
                and self._outcome_matches(row)
                and (not self.group or row.group_id == self.group)
                and (not self.account
                     or f"|{self.account.replace('|', '')}|" in (row.accounts or "")))

    def _outcome_matches(self, row) -> bool:
        if self.outcome == "redelivery":
            return row.duplicate_of is not None
        if self.outcome == "unsigned":
            return row.sign_status != "verified"
        return not self.outcome or row.decision == self.outcome

    def args(self) -> dict:
        """The non-empty filters, for building URLs."""
        return {k: v for k, v in self.__dict__.items() if v}

    def with_(self, **changes) -> dict:
        """The URL arguments of these filters with `changes` (an empty value drops that filter)."""
        return {k: v for k, v in {**self.args(), **changes}.items() if v}

    def __bool__(self) -> bool:
        return bool(self.args())


def max_id(conn: Connection) -> int:
    return conn.execute(select(func.max(EVENTS.c.id))).scalar() or 0


def since(conn: Connection, after_id: int, upto_id: int | None, filters: Filters,
          limit: int = 200) -> list:
    """Matching rows with after_id < id (<= upto_id), oldest first (the live tail)."""
    stmt = select(*SUMMARY).where(EVENTS.c.id > after_id).order_by(EVENTS.c.id).limit(limit)
    if upto_id is not None:
        stmt = stmt.where(EVENTS.c.id <= upto_id)
    return list(conn.execute(filters.apply(stmt)))


def history(conn: Connection, filters: Filters, before_id: int | None = None,
            limit: int = PAGE) -> tuple[list, int | None]:
    """One page of matching rows, newest first, and the `before` id of the next page (keyset)."""
    stmt = select(*SUMMARY).order_by(EVENTS.c.id.desc()).limit(limit + 1)
    if before_id:
        stmt = stmt.where(EVENTS.c.id < before_id)
    rows = list(conn.execute(filters.apply(stmt)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)


def get(conn: Connection, event_id: int):
    return conn.execute(select(EVENTS).where(EVENTS.c.id == event_id)).first()


def redeliveries(conn: Connection, event_id: int, limit: int = 20) -> list[int]:
    """The ids of the re-deliveries of a first delivery, oldest first."""
    return list(conn.execute(select(EVENTS.c.id).where(EVENTS.c.duplicate_of == event_id)
                             .order_by(EVENTS.c.id).limit(limit)).scalars())


def choices(conn: Connection) -> tuple[list[str], list[str]]:
    """The commands and categories present in the store, for the filter menus."""
    def distinct(column) -> list[str]:
        return [r[0] for r in conn.execute(select(column).distinct().order_by(column))]

    return distinct(EVENTS.c.command), distinct(EVENTS.c.category)


def per_minute(conn: Connection, minutes: int = RATE_MINUTES, at_ms: int | None = None,
               filters: Filters = Filters()) -> tuple[int, dict[str, list[int]]]:
    """(first minute, {category: [count per minute, oldest first]}) for the last `minutes`."""
    current = (at_ms or now_ms()) // 60000
    first = current - minutes + 1
    minute = (EVENTS.c.received_ms // 60000).label("minute")
    stmt = (select(EVENTS.c.category, minute, func.count())
            .where(EVENTS.c.received_ms >= first * 60000)
            .group_by(EVENTS.c.category, minute))
    series: dict[str, list[int]] = {}
    for category, at_minute, count in conn.execute(filters.apply(stmt)):
        index = int(at_minute) - first
        if 0 <= index < minutes:
            series.setdefault(category, [0] * minutes)[index] += count
    return first, dict(sorted(series.items()))


def refusals(conn: Connection) -> list:
    table = CallbackRefusal.__table__
    return list(conn.execute(select(table).order_by(table.c.count.desc())))


def export(conn: Connection, since_ms: int | None = None, command: str | None = None) -> Iterator[str]:
    """Stored events as JSON lines, oldest first (the payload and the ack as JSON, not text)."""
    last = 0
    while True:
        stmt = select(EVENTS).where(EVENTS.c.id > last).order_by(EVENTS.c.id).limit(1000)
        if since_ms is not None:
            stmt = stmt.where(EVENTS.c.received_ms >= since_ms)
        if command:
            stmt = stmt.where(EVENTS.c.command == command)
        rows = list(conn.execute(stmt))
        if not rows:
            return
        for row in rows:
            yield json.dumps(as_record(row), ensure_ascii=False, separators=(",", ":"))
        last = rows[-1].id


def as_record(row) -> dict:
    """A stored row as a JSON-ready dict; text is cleaned (`console.tim.text`) on the way out
    too, so a row stored before the endpoint cleaned its bodies still exports."""
    record = tim_text.clean_json(dict(row._mapping))
    for key in ("payload", "ack"):
        try:
            record[key] = tim_text.loads(record[key])
        except (TypeError, ValueError):
            pass
    record["accounts"] = [a for a in (record.get("accounts") or "").split("|") if a]
    return record


def prune(engine: Engine, older_than_ms: int, batch: int = PRUNE_BATCH) -> int:
    """Delete events received before `older_than_ms`, in batches so writers are not held up."""
    total = 0
    while True:
        with engine.begin() as conn:
            ids = select(EVENTS.c.id).where(EVENTS.c.received_ms < older_than_ms) \
                .order_by(EVENTS.c.id).limit(batch)
            done = conn.execute(delete(EVENTS).where(EVENTS.c.id.in_(ids.scalar_subquery())))
        total += done.rowcount or 0
        if not done.rowcount or done.rowcount < batch:
            return total
