"""Who an IM call is made for: the audit context, and `g.tim`, the client that carries it.

Views use `g.tim`, an `AuditedClient`: it forwards to the app's shared `console.tim.Client`, and
around each call sets the *who/why* of the call (operator, request id, IP, user agent, or job
id) in a context variable that the writer (console.audit.writer) reads. Jobs build their own
AuditedClient with the job's context.
"""
from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import inspect
import re
from collections.abc import Iterator

from flask import g, has_request_context, request

from console import db


@dataclasses.dataclass(frozen=True)
class AuditContext:
    """Who an IM call is made for, and from where."""

    source: str = "system"  # web / job / cli / system
    operator_id: int | None = None
    operator_name: str | None = None
    operator_role: str | None = None
    request_id: str | None = None
    job_id: int | None = None
    ip: str | None = None
    user_agent: str | None = None


_current: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar("audit_ctx", default=None)


def request_context() -> AuditContext:
    """The audit context of the current web request (or CLI/system outside one)."""
    if not has_request_context():
        return AuditContext(source="cli")
    from flask_login import current_user

    op = current_user if current_user and current_user.is_authenticated else None
    return AuditContext(
        source="web",
        operator_id=op.id if op else None,
        operator_name=op.name if op else None,
        operator_role=op.role if op else None,
        request_id=g.get("request_id"),
        ip=request.remote_addr,
        user_agent=(request.user_agent.string or "")[:256] or None,
    )


def job_context(job) -> AuditContext:
    return AuditContext(source="job", operator_id=job.operator_id, operator_name=job.operator_name,
                        operator_role=job.operator_role, job_id=job.id, request_id=f"job-{job.id}")


@contextlib.contextmanager
def acting_as(ctx: AuditContext) -> Iterator[None]:
    token = _current.set(ctx)
    try:
        yield
    finally:
        _current.reset(token)



_BLOCKED = re.compile(r"(?i)^_|secret|sig|^close$|observer")


class AuditedClient:
    """`g.tim`: the app's shared IM client, with every call attributed to an operator or job.

    Attribute access mirrors `console.tim.Client` (`g.tim.account.import_account(...)`,
    `g.tim.call(...)`); namespaces come back wrapped the same way, and generators (`iter_*`) keep
    the context while they are consumed. `context` is an AuditContext, or a callable returning
    one (evaluated at each call, so `g.tim` costs nothing until it is used).
    """

    def __init__(self, target, context):
        self._target = target
        self._context = context if callable(context) else (lambda: context)

    def __getattr__(self, name: str):
        if _BLOCKED.search(name):
            raise AttributeError(name)
        if self._target is None:
            raise RuntimeError("the IM client is not available (console.tim failed to load)")
        return _wrap(getattr(self._target, name), self._context)

    def __repr__(self) -> str:
        return f"<audited {type(self._target).__name__}>"


def _wrap(attr, ctx):
    if inspect.isclass(attr) or isinstance(attr, (str, int, float, bool, type(None), dict, list, tuple)):
        return attr
    if not callable(attr):
        return AuditedClient(attr, ctx)

    def call(*args, **kwargs):
        if db.thread_holds_sqlite_write_lock():
            raise RuntimeError("commit (or roll back) the database changes of this thread before calling IM: "
                               "the audit row is written on its own connection and SQLite allows one writer")
        with acting_as(ctx()):
            result = attr(*args, **kwargs)
        if inspect.isgenerator(result):
            return _generator(result, ctx)
        return result

    call.__name__ = getattr(attr, "__name__", "call")
    call.__doc__ = getattr(attr, "__doc__", None)
    return call


def _generator(gen, ctx):
    context = ctx()
    while True:
        with acting_as(context):
            try:
                item = next(gen)
            except StopIteration:
                return
        yield item


def current_context() -> AuditContext | None:
    """The context set by `acting_as` around the call being made, if any."""
    return _current.get()


_detail: contextvars.ContextVar[dict | None] = contextvars.ContextVar("audit_detail", default=None)


@contextlib.contextmanager
def detail(**values) -> Iterator[None]:
    """Store `values` in the detail of every audit row written inside the block: e.g. the `before`
    and `after` bodies of a message edit, which the audit entry page shows side by side."""
    token = _detail.set({**(_detail.get() or {}), **values})
    try:
        yield
    finally:
        _detail.reset(token)


def current_detail() -> dict | None:
    """What `detail` set around the call being made, if anything."""
    return _detail.get()
