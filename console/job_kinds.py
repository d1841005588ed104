"""Built-in job kinds. Modules that define more kinds are imported here so every consumer knows them."""
from __future__ import annotations

from console import db
from console.directory import upsert_accounts
from console.i18n import N_
from console.jobs import Item, JobRun, job_kind


@job_kind("directory.check", batch=100)
def check_accounts(run: JobRun, user_ids: list[str]) -> list[Item]:
    """Check which IDs are imported into IM (account_check, 100 per call); add those to the directory."""
    result = run.tim.account.check_accounts(user_ids)
    found = [r.id for r in result if r.ok and r.imported]
    if found:
        with db.new_session(run.app) as sess:
            upsert_accounts(sess, found, run.params.get("source") or "csv")
    return [Item(r.id, r.ok, r.code, (N_("imported") if r.imported else N_("not imported")) if r.ok else r.info)
            for r in result]

from console import group_jobs  # noqa: E402,F401  (group kinds: cache refresh, member adds)
from console import message_jobs  # noqa: E402,F401  (message kinds: batch send, history import)
