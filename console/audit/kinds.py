"""Reads and writes: which audit rows record an action, and which only looked something up.

An IM call's action is ``namespace.method`` (console.tim); a method that starts with one of
READ_VERBS only reads (``account.check_accounts``, ``group.get_groups``). Everything else, and
every console action (``operator.create``, ``audit.export``, ``settings.callback_token.reveal``),
is an action. The writer stores the answer in ``audit_entry.read_only``; the migration
``0011_audit_read_only`` filled it for older rows with the same rule.

The audit log shows actions by default (``KINDS``: ``?kind=writes`` — the default —, ``reads``
or ``all``).
"""
from __future__ import annotations

import re

READ_VERBS = ("get", "fetch", "check", "search", "list", "iter", "query")
_READ = re.compile(r"^[a-z0-9_]+\.(?:%s)_[a-z0-9_]+$" % "|".join(READ_VERBS))

WRITES, READS, ALL = "writes", "reads", "all"
KINDS = (WRITES, READS, ALL)


def is_read(action: str) -> bool:
    """True when the audited call only read (an IM query method); console actions never are."""
    return bool(_READ.match(action or ""))


def kind_of(value: str | None) -> str:
    """The kind named by a query argument; anything else is the default, actions."""
    return value if value in KINDS else WRITES
