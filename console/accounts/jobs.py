"""Job kinds for accounts: the directory check, CSV import, bulk kick / mute / delete, and the Discover crawl.

Each kind gets at most `batch` items and returns one `Item` per input (see console.jobs). Protected
accounts are refused here too, whatever the page sent.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

import logging

from sqlalchemy import select

from console import db
from console.accounts.domain import IMPORT_BATCH, protected_ids
from console.accounts.directory import upsert_accounts
from console.i18n import N_
from console.jobs import Item, JobRun, job_kind
from console.models import Account

log = logging.getLogger(__name__)

DISCOVER_GROUPS = "groups"
DISCOVER_FRIENDS = "friends:"


def discover_items(sess) -> list[str]:
    """The Discover job's work list: every group's members, then the friends of each account
    the directory knows as imported now (accounts found on the way join the directory)."""
    known = sess.scalars(select(Account.user_id).where(Account.imported.isnot(False)).order_by(Account.user_id))
    return [DISCOVER_GROUPS, *(DISCOVER_FRIENDS + u for u in known)]


def _guarded(run: JobRun, user_ids: list[str]) -> tuple[list[str], list[Item]]:
    protected = protected_ids(run.app.config)
    refused = [Item(u, False, None, N_("protected account")) for u in user_ids if u in protected]
    return [u for u in user_ids if u not in protected], refused


@job_kind("directory.check", batch=100, item_name="user_id", label=_l("Check the directory"))
def check_accounts(run: JobRun, user_ids: list[str]) -> list[Item]:
    """Check which IDs are imported into IM (account_check, 100 per call); add those to the directory."""
    result = run.tim.account.check_accounts(user_ids)
    found = [r.id for r in result if r.ok and r.imported]
    if found:
        with db.new_session(run.app) as sess:
            upsert_accounts(sess, found, run.params.get("source") or "csv")
    return [Item(r.id, r.ok, r.code, (N_("imported") if r.imported else N_("not imported")) if r.ok else r.info)
            for r in result]


@job_kind("accounts.import_csv", batch=IMPORT_BATCH, item_name="user_id", label=_l("Import accounts from CSV"))
def import_csv(run: JobRun, user_ids: list[str]) -> list[Item]:
    """Import up to 100 accounts per call with the nickname and avatar from the uploaded file."""
    rows = run.params.get("rows") or {}
    entries = []
    for uid in user_ids:
        nick, face = (rows.get(uid) or ["", ""])[:2]
        entry = {"user_id": uid}
        if nick:
            entry["nick"] = nick
        if face:
            entry["face_url"] = face
        entries.append(entry)
    result = run.tim.account.import_accounts(entries)
    return [Item(r.id, r.ok, r.code, N_("imported") if r.ok else (r.info or N_("not imported"))) for r in result]


def _each(run: JobRun, user_ids: list[str], act, done: str) -> list[Item]:
    """Call `act(uid)` for every unprotected account, one IM call each, keeping per-item outcomes."""
    from console.tim import TimError

    allowed, out = _guarded(run, user_ids)
    for uid in allowed:
        try:
            act(uid)
            out.append(Item(uid, True, 0, done))
        except TimError as exc:
            out.append(Item(uid, False, exc.code, exc.info))
    return out


@job_kind("accounts.kick", batch=20, item_name="user_id", label=_l("Kick accounts"))
def kick(run: JobRun, user_ids: list[str]) -> list[Item]:
    return _each(run, user_ids, run.tim.account.kick_account, N_("signed out"))


@job_kind("accounts.mute", batch=20, item_name="user_id", label=_l("Mute accounts"))
def mute(run: JobRun, user_ids: list[str]) -> list[Item]:
    """Global mute: params c2c / group are seconds (0 unmutes, None leaves that mute alone)."""
    c2c, group = run.params.get("c2c"), run.params.get("group")
    return _each(run, user_ids, lambda uid: run.tim.mute.set_no_speaking(uid, c2c=c2c, group=group), N_("mute set"))


@job_kind("accounts.delete", batch=100, item_name="user_id", label=_l("Delete accounts"))
def delete(run: JobRun, user_ids: list[str]) -> list[Item]:
    allowed, out = _guarded(run, user_ids)
    if allowed:
        result = run.tim.account.delete_accounts(allowed)
        out += [Item(r.id, r.ok, r.code, N_("deleted") if r.ok else r.info) for r in result]
    return out


@job_kind("accounts.discover", batch=5, label=_l("Discover accounts"))
def discover(run: JobRun, items: list[str]) -> list[Item]:
    """`groups`: walk every group's members; `friends:<id>`: walk that account's friend list.
    Found accounts join the directory (source crawl); rerunning only refreshes them."""
    from console.tim import TimError

    out = []
    for item in items:
        try:
            found = _walk_groups(run) if item == DISCOVER_GROUPS else _walk_friends(run, item[len(DISCOVER_FRIENDS):])
            out.append(Item(item, True, 0, f"{found} accounts seen"))
        except TimError as exc:
            out.append(Item(item, False, exc.code, exc.info))
    return out


def _record(run: JobRun, user_ids) -> int:
    ids = [u for u in dict.fromkeys(user_ids) if u]
    if ids:
        with db.new_session(run.app) as sess:
            upsert_accounts(sess, ids, "crawl")
    return len(ids)


def _walk_groups(run: JobRun) -> int:
    from console.tim import TimError

    total = 0
    page_next = 0
    while True:
        page = run.tim.group.fetch_group_ids(next=page_next)
        for group_id in page.ids:
            try:
                total += _record(run, [m.id for m in run.tim.group.iter_members(group_id)])
            except TimError as exc:  # e.g. a group type that cannot list members: skip it
                log.info("discover: members of %s unavailable (%s)", group_id, exc.code)
        if not page.has_more:
            return total
        page_next = page.next


def _walk_friends(run: JobRun, user_id: str) -> int:
    return _record(run, [f.id for f in run.tim.sns.iter_friends(user_id)])
