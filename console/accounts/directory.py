"""The account directory: every IM account the console has seen, because IM cannot list them.

Accounts enter through `upsert_accounts` (console actions, callbacks, crawls, CSV checks). The
`CallObserver` keeps it current from successful IM calls made through the shared client.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from console import db
from console.models import ACCOUNT_SOURCES, Account, utcnow

log = logging.getLogger(__name__)

FIELDS = ("nickname", "face_url", "online_state", "imported", "muted_c2c", "muted_group")
CHUNK = 500


def _row(item, source: str, now) -> dict:
    data = {"user_id": item} if isinstance(item, str) else dict(item)
    row = {"user_id": str(data["user_id"])[:128], "source": source, "first_seen": now, "last_seen": now}
    for field in FIELDS:
        row[field] = data.get(field)
    row["online_at"] = now if row["online_state"] else None
    row["checked_at"] = now if row["imported"] is not None else None
    return row


def upsert_accounts(sess, items: Iterable[str | dict], source: str, seen_at=None) -> int:
    """Insert unknown accounts and refresh known ones; returns how many items were given.

    `items` are user IDs or dicts with `user_id` and any of nickname, face_url, online_state,
    imported, muted_c2c, muted_group. A value of None leaves the stored value unchanged; the
    `source` of an existing account is kept (it records how the console first saw it).
    """
    if source not in ACCOUNT_SOURCES:
        raise ValueError(f"unknown account source {source!r}")
    now = seen_at or utcnow()
    rows = {}
    for item in items:
        row = _row(item, source, now)
        if row["user_id"]:
            rows[row["user_id"]] = row
    insert = pg_insert if sess.get_bind().dialect.name == "postgresql" else sqlite_insert
    values = list(rows.values())
    stmt = insert(Account)
    keep = {f: func.coalesce(getattr(stmt.excluded, f), getattr(Account, f))
            for f in (*FIELDS, "online_at", "checked_at")}
    # An account imported again after a deletion is no longer deleted.
    revived = case((stmt.excluded.imported.is_(True), None), else_=Account.deleted_at)
    stmt = stmt.on_conflict_do_update(index_elements=["user_id"],
                                      set_={"last_seen": stmt.excluded.last_seen, "deleted_at": revived, **keep})
    for start in range(0, len(values), CHUNK):
        # executemany of one cached statement: compiling a multi-row VALUES costs far more
        sess.execute(stmt, values[start:start + CHUNK])
    return len(values)


def mark_deleted(sess, user_ids: Iterable[str]) -> None:
    ids = [str(u) for u in user_ids]
    if ids:
        sess.execute(update(Account).where(Account.user_id.in_(ids))
                     .values(deleted_at=utcnow(), imported=False))


def search(sess, q: str = "", after: str | None = None, limit: int = 50) -> list[Account]:
    """Accounts whose user ID or nickname starts with `q`, ordered by user ID (keyset: `after`)."""
    stmt = select(Account).order_by(Account.user_id).limit(limit)
    if q:
        pattern = _escape_like(q) + "%"
        stmt = stmt.where(or_(Account.user_id.like(pattern, escape="\\"),
                              func.lower(Account.nickname).like(pattern.lower(), escape="\\")))
    if after:
        stmt = stmt.where(Account.user_id > after)
    return list(sess.scalars(stmt))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# ---- feeding the directory from IM calls -----------------------------------------------------

def _profile_fields(items: list) -> dict:
    tags = {p.get("Tag"): p.get("Value") for p in items if isinstance(p, dict)}
    out = {}
    if isinstance(tags.get("Tag_Profile_IM_Nick"), str):
        out["nickname"] = tags["Tag_Profile_IM_Nick"][:256]
    if isinstance(tags.get("Tag_Profile_IM_Image"), str):
        out["face_url"] = tags["Tag_Profile_IM_Image"][:512]
    return out


def rows_from_call(endpoint: str, body: dict, resp: dict) -> tuple[str, list[dict], list[str]]:
    """(source, rows to upsert, ids to mark deleted) learned from one successful call."""
    if endpoint == "im_open_login_svc/account_import":
        uid = body.get("UserID") or body.get("Identifier")
        return "created", [{"user_id": uid, "nickname": body.get("Nick"), "face_url": body.get("FaceUrl"),
                            "imported": True}] if uid else [], []
    if endpoint == "im_open_login_svc/multiaccount_import":
        failed = set(resp.get("FailAccounts") or ())
        rows = []
        for acc in body.get("AccountList") or body.get("Accounts") or ():
            acc = {"UserID": acc} if isinstance(acc, str) else acc
            if isinstance(acc, dict) and acc.get("UserID") and acc["UserID"] not in failed:
                rows.append({"user_id": acc["UserID"], "nickname": acc.get("Nick"),
                             "face_url": acc.get("FaceUrl"), "imported": True})
        return "imported", rows, []
    if endpoint == "im_open_login_svc/account_delete":
        return "imported", [], [r["UserID"] for r in resp.get("ResultItem") or ()
                                if r.get("ResultCode") == 0 and r.get("UserID")]
    if endpoint == "openim/query_online_status":
        return "imported", [{"user_id": r["To_Account"], "online_state": r.get("Status") or r.get("State")}
                            for r in resp.get("QueryResult") or () if r.get("To_Account")], []
    if endpoint == "profile/portrait_get":
        return "imported", [{"user_id": r["To_Account"], **_profile_fields(r.get("ProfileItem") or [])}
                            for r in resp.get("UserProfileItem") or ()
                            if r.get("To_Account") and r.get("ResultCode", 0) == 0], []
    if endpoint == "profile/portrait_set" and body.get("From_Account"):
        fields = _profile_fields(body.get("ProfileItem") or [])
        return "imported", [{"user_id": body["From_Account"], **fields}] if fields else [], []
    if endpoint == "openconfigsvr/setnospeaking" and body.get("Set_Account"):
        row = {"user_id": body["Set_Account"]}
        for key, field in (("C2CmsgNospeakingTime", "muted_c2c"), ("GroupmsgNospeakingTime", "muted_group")):
            if key in body:
                row[field] = bool(body[key])
        return "imported", [row], []
    return "imported", [], []


class CallObserver:
    """Client observer that records accounts named by successful IM calls."""

    def __init__(self, app):
        self.app = app

    def __call__(self, event) -> None:
        if event.error is not None or not isinstance(event.response, dict):
            return
        try:
            source, rows, deleted = rows_from_call(event.endpoint, event.request or {}, event.response)
            if rows or deleted:
                with db.new_session(self.app) as sess:
                    if rows:
                        upsert_accounts(sess, rows, source)
                    mark_deleted(sess, deleted)
        except Exception:  # the directory is a cache; never fail the caller over it
            log.exception("directory: could not record accounts from %s", event.endpoint)
