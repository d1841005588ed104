"""Reading the audit log: filters from query args, keyset pages, streamed CSV / JSON Lines export."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator

from sqlalchemy import Select, String, cast, func, or_, select

from console import forms
from console.audit import kinds
from console.models import AuditEntry, AuditTarget
from console.ui.downloads import csv_stream

OUTCOMES = ("ok", "partial", "failed")
EXPORT_COLUMNS = ("id", "occurred_at", "source", "operator_id", "operator_name", "operator_role", "action",
                  "endpoint", "targets", "outcome", "error_code", "error_text", "latency_ms", "attempts",
                  "request_id", "job_id", "ip", "user_agent", "request", "response", "items", "detail")


@dataclasses.dataclass
class AuditFilter:
    operator: str = ""
    action: str = ""
    target: str = ""
    outcome: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    q: str = ""
    job_id: int | None = None
    #: the times as the operator typed them (their zone), for links and the form
    since_text: str = ""
    until_text: str = ""
    #: writes (the default: actions), reads or all (console.audit.kinds)
    kind: str = kinds.WRITES

    @classmethod
    def from_args(cls, args) -> AuditFilter:
        """Read filters from request args; times are in the operator's zone (console.forms), and
        one that is not a time filters nothing (a search box, not a form to correct)."""
        outcome = args.get("outcome", "")
        job = args.get("job", "")
        since, until = _time(args, "since"), _time(args, "until")
        return cls(operator=args.get("operator", "").strip()[:64], action=args.get("action", "").strip()[:96],
                   target=args.get("target", "").strip()[:160], outcome=outcome if outcome in OUTCOMES else "",
                   since=since, until=until, q=args.get("q", "").strip()[:200],
                   job_id=_job_id(job),
                   since_text=args.get("since", "").strip()[:19] if since else "",
                   until_text=args.get("until", "").strip()[:19] if until else "",
                   kind=kinds.kind_of(args.get("kind")))

    def args(self) -> dict:
        """Query args that reproduce this filter (for links: pagination, export)."""
        out = {k: v for k, v in (("operator", self.operator), ("action", self.action), ("target", self.target),
                                 ("outcome", self.outcome), ("q", self.q)) if v}
        if self.job_id is not None:
            out["job"] = self.job_id
        if self.since_text:
            out["since"] = self.since_text
        if self.until_text:
            out["until"] = self.until_text
        if self.kind != kinds.WRITES:
            out["kind"] = self.kind
        return out

    def narrowed(self) -> bool:
        """Whether anything beyond the kind narrows the list (for the empty state's words)."""
        return bool({k: v for k, v in self.args().items() if k != "kind"})

    def apply(self, stmt: Select) -> Select:
        if self.kind != kinds.ALL:
            stmt = stmt.where(AuditEntry.read_only == (self.kind == kinds.READS))
        if self.operator:
            stmt = stmt.where(AuditEntry.operator_name == self.operator)
        if self.action:
            # "account" matches account.*, "account.import_account" matches exactly
            stmt = stmt.where(or_(AuditEntry.action == self.action,
                                  AuditEntry.action.like(_escape(self.action) + ".%", escape="\\")))
        if self.target:
            stmt = stmt.where(AuditEntry.id.in_(select(AuditTarget.entry_id)
                                                .where(AuditTarget.target == self.target)))
        if self.outcome:
            stmt = stmt.where(AuditEntry.outcome == self.outcome)
        if self.since:
            stmt = stmt.where(AuditEntry.occurred_at >= self.since)
        if self.until:
            stmt = stmt.where(AuditEntry.occurred_at < self.until)
        if self.job_id is not None:
            stmt = stmt.where(AuditEntry.job_id == self.job_id)
        if self.q:
            pattern = "%" + _escape(self.q.lower()) + "%"
            stmt = stmt.where(or_(*(col.like(pattern, escape="\\") for col in (
                _lower(AuditEntry.action), _lower(AuditEntry.operator_name), _lower(AuditEntry.endpoint),
                _lower(AuditEntry.error_text), _lower(cast(AuditEntry.targets, String)),
                _lower(AuditEntry.request_id)))))
        return stmt


def _lower(col):
    return func.lower(col)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _job_id(value: str) -> int | None:
    """The job filter: a job id (a whole number within the column), else no filter."""
    try:
        return forms.bounded_int(value) if value.isdigit() else None
    except ValueError:
        return None


def _time(args, name: str) -> dt.datetime | None:
    try:
        return forms.local_datetime(args.get(name), name, name)
    except forms.FormError:
        return None


def page(sess, flt: AuditFilter, before: int | None, size: int) -> tuple[list[AuditEntry], int | None]:
    """Newest first; `before` is the last id of the previous page. Returns (rows, next cursor)."""
    stmt = flt.apply(select(AuditEntry)).order_by(AuditEntry.id.desc()).limit(size + 1)
    if before is not None:
        stmt = stmt.where(AuditEntry.id < before)
    rows = list(sess.scalars(stmt))
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].id if more and rows else None)


def history(sess, target: str, limit: int = 20) -> list[AuditEntry]:
    return page(sess, AuditFilter(target=target), None, limit)[0]


def iter_filtered(sess, flt: AuditFilter, batch: int = 500) -> Iterator[AuditEntry]:
    """Every matching entry, newest first, read in keyset batches (constant memory)."""
    before = None
    while True:
        rows, before = page(sess, flt, before, batch)
        yield from rows
        if before is None:
            return


def as_record(entry: AuditEntry) -> dict:
    record = {col: getattr(entry, col) for col in EXPORT_COLUMNS}
    record["occurred_at"] = entry.occurred_at.isoformat()
    return record


def export_csv(entries) -> Iterator[str]:
    return csv_stream(EXPORT_COLUMNS, ([json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v
                                        for v in as_record(entry).values()] for entry in entries))


def export_jsonl(entries) -> Iterator[str]:
    for entry in entries:
        yield json.dumps(as_record(entry), ensure_ascii=False, default=str) + "\n"
