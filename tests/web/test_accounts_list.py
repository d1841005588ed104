"""The accounts list: search, filters, sort, keyset pages, CSV export and bulk actions as jobs."""
from __future__ import annotations

import re

import csv
import datetime as dt
import io

import pytest
from test_accounts_support import (add_to_directory, directory, im_import, job_id_in, job_items, last_id,  # noqa: F401
                                   rows_after, trial_app)

from console import db
from console.accounts import domain as accounts

HX = {"HX-Request": "true", "HX-Target": "account-results"}


def _seed(app, n=60):
    rows = [{"user_id": f"user{i:03d}", "nickname": f"Nick {'Zed' if i % 10 == 0 else 'Ann'} {i}"} for i in range(n)]
    add_to_directory(app, rows)
    add_to_directory(app, [{"user_id": "crawled1", "nickname": "Crawly", "online_state": "Online",
                            "muted_c2c": True}], source="crawl")


def _ids(html: str) -> list[str]:
    return re.findall(r'<tr data-account="([^"]+)"', html)


def test_search_by_id_prefix_and_nickname_part(app, signed_in):
    _seed(app)
    viewer = signed_in("viewer")
    html = viewer.get("/accounts?q=user00", headers=HX).get_data(as_text=True)
    assert _ids(html) == [f"user00{i}" for i in range(10)]
    assert "<html" not in html  # a fragment for the search box
    html = viewer.get("/accounts?q=zed&size=100").get_data(as_text=True)
    assert _ids(html) == [f"user{i:03d}" for i in range(0, 60, 10)]
    assert "Nick Zed 10" in html
    assert _ids(viewer.get("/accounts?q=%25").get_data(as_text=True)) == []  # LIKE wildcards are literal


def test_filters_source_online_muted(app, signed_in):
    _seed(app, 5)
    viewer = signed_in("viewer")
    assert _ids(viewer.get("/accounts?source=crawl").get_data(as_text=True)) == ["crawled1"]
    assert _ids(viewer.get("/accounts?online=Online").get_data(as_text=True)) == ["crawled1"]
    assert _ids(viewer.get("/accounts?muted=yes").get_data(as_text=True)) == ["crawled1"]
    assert "crawled1" not in _ids(viewer.get("/accounts?muted=no").get_data(as_text=True))
    assert len(_ids(viewer.get("/accounts?online=unknown").get_data(as_text=True))) == 5


@pytest.mark.parametrize("sort", list(accounts.SORTS))
def test_keyset_pages_cover_everything_once_in_order(app, signed_in, sort):
    _seed(app, 60)
    # spread last_seen so the time sorts have ties and distinct values
    from sqlalchemy import update

    from console.models import Account
    base = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    with db.new_session(app) as sess:
        for i in range(60):
            sess.execute(update(Account).where(Account.user_id == f"user{i:03d}")
                         .values(last_seen=base + dt.timedelta(minutes=i // 3)))
    viewer = signed_in("viewer")
    seen, url = [], f"/accounts?sort={sort}&size=25"
    while url:
        html = viewer.get(url, headers=HX).get_data(as_text=True)
        seen += _ids(html)
        nxt = [part.split('"')[0] for part in html.split('hx-get="')[1:] if "after=" in part.split('"')[0]]
        url = nxt[0].replace("&amp;", "&") if nxt else None
    assert sorted(seen) == sorted(directory(app)) and len(seen) == len(set(seen)) == 61
    rows = directory(app)
    column, desc = accounts.SORTS[sort]
    keys = [(getattr(rows[u], column.key), u) for u in seen]
    assert keys == sorted(keys, reverse=desc)


def test_export_csv_has_every_filtered_row(app, signed_in, monkeypatch):
    monkeypatch.setattr(accounts, "EXPORT_CHUNK", 7)  # several keyset chunks
    _seed(app, 30)
    resp = signed_in("viewer").get("/accounts/export.csv?q=user&sort=-user_id")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert [r["user_id"] for r in rows] == [f"user{i:03d}" for i in range(29, -1, -1)]
    assert rows[0]["nickname"] == "Nick Ann 29"


def test_bulk_kick_refuses_protected_and_audits_each_call(trial_app, browser_for, sandbox, audit_rows):
    app = trial_app
    im_import(sandbox, "k1", "k2", "ops_admin")
    b = browser_for(app, ["operator"])
    b.login("operator")
    before = last_id(audit_rows)
    resp = b.post("/accounts/bulk", {"action": "kick", "ids": ["k1", "k2", "administrator", "ops_admin"]}, htmx=True)
    html = resp.get_data(as_text=True)
    items = job_items(app, job_id_in(html))
    assert items["k1"].ok and items["k2"].ok
    assert not items["administrator"].ok and items["administrator"].detail == "protected account"
    assert not items["ops_admin"].ok
    calls = rows_after(audit_rows, before)
    assert [(r.action, r.targets, r.outcome) for r in calls] == [
        ("account.kick_account", ["k1"], "ok"), ("account.kick_account", ["k2"], "ok")]
    assert all(r.job_id for r in calls)
    assert "protected account" in html  # per-item results shown


def test_bulk_mute_sets_global_mute(app, signed_in, sandbox, tim, audit_rows):
    im_import(sandbox, "m1")
    before = last_id(audit_rows)
    html = signed_in("operator").post("/accounts/bulk", {"action": "mute", "ids": ["m1"], "c2c": "3600", "group": ""},
                                      htmx=True).get_data(as_text=True)
    assert job_items(app, job_id_in(html))["m1"].ok
    state = tim.mute.get_no_speaking("m1")
    assert 3500 < state.c2c <= 3600 and state.group == 0
    assert [r.action for r in rows_after(audit_rows, before)] == ["mute.set_no_speaking"]
    assert directory(app)["m1"].muted_c2c is True


def test_bulk_mute_needs_a_duration(app, signed_in, audit_rows):
    html = signed_in("operator").post("/accounts/bulk",
                                      {"action": "mute", "ids": ["m1"]}, htmx=True).get_data(as_text=True)
    assert "Choose a duration" in html and audit_rows() == []


def test_bulk_delete_needs_admin_trial_and_typed_confirmation(trial_app, browser_for, sandbox, tim, audit_rows):
    app = trial_app
    im_import(sandbox, "d1", "d2")
    add_to_directory(app, ["d1", "d2"])
    op = browser_for(app, ["operator", "admin"])
    op.login("operator")
    assert op.post("/accounts/bulk", {"action": "delete", "ids": ["d1"]}).status_code == 403
    b = browser_for(app)
    b.login("admin")
    html = b.post("/accounts/bulk", {"action": "delete", "ids": ["d1", "d2"], "confirm": "delete"},
                  htmx=True).get_data(as_text=True)
    assert "delete 2 accounts" in html and audit_rows() == []
    assert tim.account.check_account("d1")
    html = b.post("/accounts/bulk", {"action": "delete", "ids": ["d1", "d2", "administrator"],
                                     "confirm": "delete 3 accounts"}, htmx=True).get_data(as_text=True)
    items = job_items(app, job_id_in(html))
    assert items["d1"].ok and items["d2"].ok and not items["administrator"].ok
    assert not tim.account.check_account("d1")
    [row] = audit_rows()
    assert row.action == "account.delete_accounts" and row.outcome == "ok" and row.targets == ["d1", "d2"]
    assert directory(app)["d1"].deleted_at is not None
    assert "d1" not in _ids(b.get("/accounts").get_data(as_text=True))
    assert "d1" in _ids(b.get("/accounts?deleted=yes").get_data(as_text=True))


def test_bulk_delete_is_refused_outside_trial_editions(make_app, browser_for, sandbox, tim, audit_rows):
    app = make_app(TIM_TRIAL="0")
    im_import(sandbox, "d1")
    b = browser_for(app, ["admin"])
    b.login("admin")
    html = b.post("/accounts/bulk", {"action": "delete", "ids": ["d1"], "confirm": "delete 1 account"},
                  htmx=True).get_data(as_text=True)
    assert "trial" in html and tim.account.check_account("d1") and audit_rows() == []
    assert 'value="delete"' not in b.get("/accounts").get_data(as_text=True)


def test_bulk_check_records_import_status(app, signed_in, sandbox):
    im_import(sandbox, "c1")
    add_to_directory(app, ["c1", "ghost"])
    html = signed_in("operator").post("/accounts/bulk", {"action": "check", "ids": ["c1", "ghost"]},
                                      htmx=True).get_data(as_text=True)
    items = job_items(app, job_id_in(html))
    assert items["c1"].detail == "imported" and items["ghost"].detail == "not imported"
    assert "not imported" in html


def test_viewer_cannot_run_bulk_actions(app, signed_in):
    assert signed_in("viewer").post("/accounts/bulk", {"action": "check", "ids": ["x"]}).status_code == 403


def test_bulk_without_selection_says_so(app, signed_in, audit_rows):
    html = signed_in("operator").post("/accounts/bulk", {"action": "kick"}, htmx=True).get_data(as_text=True)
    assert "Select at least one account" in html and audit_rows() == []


def test_a_deleted_account_imported_again_is_listed_again(trial_app, browser_for, sandbox):
    app = trial_app
    im_import(sandbox, "phoenix")
    b = browser_for(app, ["admin"])
    b.login("admin")
    b.post("/accounts/bulk", {"action": "delete", "ids": ["phoenix"], "confirm": "delete 1 account"}, htmx=True)
    assert "phoenix" not in _ids(b.get("/accounts").get_data(as_text=True))
    b.post("/accounts/import", {"user_id": "phoenix"}, htmx=True)
    assert "phoenix" in _ids(b.get("/accounts").get_data(as_text=True))
    assert "phoenix" not in _ids(b.get("/accounts?deleted=yes").get_data(as_text=True))


def test_bulk_on_every_account_matching_the_filter(app, signed_in, sandbox, audit_rows):
    im_import(sandbox, "f1", "f2")
    add_to_directory(app, ["f1", "f2"], source="crawl")
    add_to_directory(app, ["other"])
    b = signed_in("operator")
    # the filter's accounts are named first, in a dialog that posts exactly them
    dialog = b.post("/accounts/bulk", {"action": "check", "scope": "filtered", "source": "crawl"},
                    htmx=True).get_data(as_text=True)
    assert audit_rows() == [] and "data-open-now" in dialog
    assert "Ask IM whether 2 accounts are imported:" in dialog and "f1, f2" in dialog
    posted = re.findall(r'<input type="hidden" name="ids" value="([^"]+)">', dialog)
    assert posted == ["f1", "f2"] and 'name="scope" value="selected"' in dialog
    html = b.post("/accounts/bulk", {"action": "check", "scope": "selected", "ids": posted},
                  htmx=True).get_data(as_text=True)
    assert set(job_items(app, job_id_in(html))) == {"f1", "f2"}
    mute = b.post("/accounts/bulk", {"action": "mute", "scope": "filtered", "source": "crawl", "c2c": "3600"},
                  htmx=True).get_data(as_text=True)
    assert "Mute 2 accounts everywhere:" in mute and '<option value="3600" selected>' in mute
    [row] = audit_rows()
    assert row.targets == ["f1", "f2"]
    html = b.post("/accounts/bulk",
                  {"action": "check", "scope": "filtered", "q": "nobody"}, htmx=True).get_data(as_text=True)
    assert "No account matches the filter" in html


def test_count_fragment(app, signed_in, monkeypatch):
    _seed(app, 12)
    viewer = signed_in("viewer")
    assert "13 accounts" in viewer.get("/accounts/count", headers=HX).get_data(as_text=True)
    assert "1 account" in viewer.get("/accounts/count?source=crawl", headers=HX).get_data(as_text=True)
    monkeypatch.setattr(accounts, "COUNT_CAP", 5)
    assert "more than 5 accounts" in viewer.get("/accounts/count", headers=HX).get_data(as_text=True)
    assert 'hx-get="/accounts/count?source=crawl"' in viewer.get("/accounts?source=crawl").get_data(as_text=True)
