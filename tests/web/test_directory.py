"""The account directory: fed by successful IM calls, searchable by prefix, paged by keyset."""
from __future__ import annotations

from sqlalchemy import select

from console import db
from console.audit import AuditContext, AuditedClient
from console.accounts.directory import search, upsert_accounts
from console.models import Account


def _accounts(app) -> dict[str, Account]:
    with db.new_session(app) as sess:
        return {a.user_id: a for a in sess.scalars(select(Account))}


def test_calls_feed_the_directory(app):
    tim = AuditedClient(app.extensions["tim_client"], AuditContext(source="cli"))
    tim.account.import_account("dir1", nick="First")
    tim.account.import_accounts(["dir2", "dir3"])
    tim.account.get_accounts_online_state(["dir1"])
    accounts = _accounts(app)
    assert accounts["dir1"].source == "created" and accounts["dir1"].nickname == "First"
    assert accounts["dir1"].online_state == "Offline" and accounts["dir1"].imported is True
    assert accounts["dir2"].source == accounts["dir3"].source == "imported"
    tim.account.import_account("dir1")  # seen again: first source and nickname are kept
    assert _accounts(app)["dir1"].source == "created" and _accounts(app)["dir1"].nickname == "First"


def test_failed_calls_add_nothing(app, sandbox):
    tim = AuditedClient(app.extensions["tim_client"], AuditContext(source="cli"))
    sandbox.faults.set(error_rate=1.0, error_code=70500)
    try:
        tim.account.import_account("never")
    except Exception:
        pass
    assert "never" not in _accounts(app)


def test_upsert_search_and_keyset(app):
    with db.new_session(app) as sess:
        upsert_accounts(sess, [{"user_id": f"p{i:02d}", "nickname": f"Nick{i}"} for i in range(30)], "crawl")
        upsert_accounts(sess, ["other", "p_x%"], "callback")
    with db.new_session(app) as sess:
        first = search(sess, "p", limit=10)
        second = search(sess, "p", after=first[-1].user_id, limit=10)
        assert [a.user_id for a in first] == [f"p{i:02d}" for i in range(10)]
        assert [a.user_id for a in second] == [f"p{i:02d}" for i in range(10, 20)]
        assert [a.user_id for a in search(sess, "nick2")][:2] == ["p02", "p20"]
        assert [a.user_id for a in search(sess, "p_x%")] == ["p_x%"]  # LIKE wildcards are literal
        assert len(search(sess, "", limit=100)) == 32


def test_reimport_after_delete_revives_the_account(app):
    from console.accounts.directory import mark_deleted

    with db.new_session(app) as sess:
        upsert_accounts(sess, [{"user_id": "phoenix", "imported": True}, "bystander"], "created")
    with db.new_session(app) as sess:
        mark_deleted(sess, ["phoenix", "bystander"])
    with db.new_session(app) as sess:
        upsert_accounts(sess, ["bystander"], "callback")  # seen again, not imported: still deleted
        upsert_accounts(sess, [{"user_id": "phoenix", "imported": True}], "created")
    rows = _accounts(app)
    assert rows["phoenix"].deleted_at is None and rows["phoenix"].imported is True
    assert rows["bystander"].deleted_at is not None
