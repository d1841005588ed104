"""Shared helpers for the accounts tests (imported by test_accounts_*.py; holds no tests)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from console import db
from console.models import Account, AuditEntry, JobResult


def im_import(sandbox, *user_ids: str) -> None:
    """Create accounts in the sandbox directly (no console call, no audit row)."""
    resp = sandbox.invoke("im_open_login_svc/multiaccount_import", {"Accounts": list(user_ids)})
    assert resp["ErrorCode"] == 0, resp


def add_to_directory(app, rows, source="imported") -> None:
    from console.accounts.directory import upsert_accounts

    with db.new_session(app) as sess:
        upsert_accounts(sess, rows, source)


def directory(app) -> dict[str, Account]:
    with db.new_session(app) as sess:
        return {a.user_id: a for a in sess.scalars(select(Account))}


def rows_after(audit_rows, before: int) -> list[AuditEntry]:
    return [r for r in audit_rows() if r.id > before]


def last_id(audit_rows) -> int:
    rows = audit_rows()
    return rows[-1].id if rows else 0


def job_items(app, job_id: int) -> dict[str, JobResult]:
    with db.new_session(app) as sess:
        return {r.item: r for r in sess.scalars(select(JobResult).where(JobResult.job_id == job_id))}


JOB_RE = re.compile(r'id="job-(\d+)"')


def job_id_in(html: str) -> int:
    match = JOB_RE.search(html)
    assert match, html[:800]
    return int(match.group(1))


@pytest.fixture
def trial_app(make_app):
    """An app that knows the IM app is a trial edition and has an extra App admin."""
    return make_app(TIM_TRIAL="1", TIM_APP_ADMINS="ops_admin")
