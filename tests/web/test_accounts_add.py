"""Adding accounts: one by form, a CSV/TSV upload (preview, then a job of 100 per call), a pasted
list checked with account_check, and the Discover crawl."""
from __future__ import annotations

import csv
import io
import re

from test_accounts_support import add_to_directory, directory, im_import, job_id_in, job_items

from console.accounts import domain as accounts


def _upload(b, text: str, name="accounts.csv"):
    return b.post("/accounts/csv/preview", {"file": (io.BytesIO(text.encode()), name)}, htmx=True,
                  content_type="multipart/form-data").get_data(as_text=True)


def _token(html: str) -> str:
    match = re.search(r'name="token" value="([^"]*)"', html)
    assert match, html[:1000]
    return match.group(1)


def test_import_one_account(app, signed_in, tim, audit_rows):
    b = signed_in("operator")
    html = b.post("/accounts/import", {"user_id": "newbie", "nick": "New Bee", "face_url": "https://x.test/a.png"},
                  htmx=True).get_data(as_text=True)
    assert "newbie imported" in html
    assert tim.profile.get_profile("newbie").attrs["Tag_Profile_IM_Nick"] == "New Bee"
    [row] = audit_rows()
    assert (row.action, row.outcome, row.targets) == ("account.import_account", "ok", ["newbie"])
    entry = directory(app)["newbie"]
    assert entry.nickname == "New Bee" and entry.source == "created"


def test_import_one_is_validated_before_any_call(app, signed_in, audit_rows):
    b = signed_in("operator")
    html = b.post("/accounts/import", {"user_id": "x" * 33, "face_url": "ftp://nope"}, htmx=True).get_data(as_text=True)
    assert "longer than 32 bytes" in html and "http(s) URL" in html
    html = b.post("/accounts/import", {"user_id": "has space"}, htmx=True).get_data(as_text=True)
    assert "spaces" in html
    assert audit_rows() == []


def test_csv_parser_header_tsv_duplicates_and_problems():
    parsed = accounts.parse_accounts_csv("FaceUrl\tUserID\tNick\nhttps://a.test/1\tu1\tOne\n\tu2\t\n\tu1\tAgain\n"
                                         .encode())
    assert [(r.user_id, r.nick, r.face_url, r.ok) for r in parsed.rows] == [
        ("u1", "One", "https://a.test/1", True), ("u2", "", "", True), ("u1", "Again", "", False)]
    assert "Duplicate of line 2" in parsed.rows[2].problems[0]
    bad = accounts.parse_accounts_csv(b"ok1\n" + "é".encode() * 20 + b"\n,nick-only\n")
    assert [r.ok for r in bad.rows] == [True, False, False]
    assert accounts.parse_accounts_csv(b"\xff\xfe").error
    assert accounts.parse_accounts_csv(b"\n\n").error


def test_csv_upload_preview_then_job_of_100_per_call(app, signed_in, tim, audit_rows):
    b = signed_in("operator")
    lines = ["UserID,Nick"] + [f"csv{i:03d},Nick {i}" for i in range(250)] + ["bad id,x", "csv001,dup"]
    html = _upload(b, "\n".join(lines))
    assert "250 valid rows, 2 with problems" in html and "3 calls" in html
    assert audit_rows() == []  # the preview sends nothing
    html = b.post("/accounts/csv/start", {"token": _token(html)}, htmx=True).get_data(as_text=True)
    job_id = job_id_in(html)
    assert 'value="100"' in html  # the progress bar reached 100%
    items = job_items(app, job_id)
    assert len(items) == 250 and all(r.ok for r in items.values())
    calls = audit_rows()
    assert [(r.action, len(r.request["AccountList"]), r.outcome) for r in calls] == [
        ("account.import_accounts", 100, "ok"), ("account.import_accounts", 100, "ok"),
        ("account.import_accounts", 50, "ok")]
    assert all(r.job_id == job_id for r in calls)
    assert tim.profile.get_profile("csv249").attrs["Tag_Profile_IM_Nick"] == "Nick 249"
    assert len([u for u in directory(app) if u.startswith("csv")]) == 250
    resp = b.get(f"/accounts/jobs/{job_id}/results.csv")
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert len(rows) == 250 and rows[0] == {"user_id": "csv000", "ok": "yes", "code": "0", "detail": "imported"}


def _stash(app, rows, operator_name="operator") -> str:
    from sqlalchemy import select

    from console import db
    from console.models import Operator

    with db.new_session(app) as sess:
        op_id = sess.scalar(select(Operator.id).where(Operator.name == operator_name))
        return accounts.stash_rows(sess, [accounts.CsvRow(i, *row) for i, row in enumerate(rows, 1)], op_id)


def test_csv_start_takes_the_preview_once_for_its_operator_and_revalidates(app, signed_in, audit_rows):
    b = signed_in("operator")
    token = _stash(app, [("ok1", "", ""), ("bad id", "", "")])
    html = b.post("/accounts/csv/start", {"token": token}, htmx=True).get_data(as_text=True)
    assert "Upload the file again" in html and audit_rows() == []
    token = _stash(app, [("ok1", "", "")], operator_name="admin")
    assert "Upload the file again" in b.post("/accounts/csv/start", {"token": token}, htmx=True).get_data(as_text=True)
    token = _stash(app, [("ok1", "", "")])
    assert 'id="job-' in b.post("/accounts/csv/start", {"token": token}, htmx=True).get_data(as_text=True)
    assert "Upload the file again" in b.post("/accounts/csv/start", {"token": token}, htmx=True).get_data(as_text=True)
    assert "Upload the file again" in b.post("/accounts/csv/start", {"token": "nope"}, htmx=True).get_data(as_text=True)


def test_csv_job_reports_failed_rows(app, signed_in, sandbox):
    sandbox.faults.set(error_rate=1.0, error_code=70500, endpoints=["im_open_login_svc/multiaccount_import"])
    b = signed_in("operator")
    html = b.post("/accounts/csv/start", {"token": _stash(app, [("f1", "", ""), ("f2", "", "")])},
                  htmx=True).get_data(as_text=True)
    items = job_items(app, job_id_in(html))
    assert {(k, r.ok, r.code) for k, r in items.items()} == {("f1", False, 70500), ("f2", False, 70500)}


def test_a_big_upload_is_not_carried_in_the_form(app, signed_in):
    b = signed_in("operator")
    html = _upload(b, "\n".join(f"big{i:05d},Name {i},https://img.test/{i}.png" for i in range(20_000)))
    assert "20000 valid rows" in html and len(html) < 50_000


def test_check_pasted_ids_adds_imported_ones(app, signed_in, sandbox, audit_rows):
    im_import(sandbox, "known1", "known2")
    html = signed_in("operator").post("/accounts/check",
                                      {"ids": "known1, known2\nghost"}, htmx=True).get_data(as_text=True)
    items = job_items(app, job_id_in(html))
    assert items["ghost"].detail == "not imported" and items["known1"].detail == "imported"
    assert {"known1", "known2"} <= set(directory(app)) and "ghost" not in directory(app)
    [row] = audit_rows()
    assert row.action == "account.check_accounts" and row.outcome == "ok"


def test_discover_walks_groups_and_friend_lists_and_can_run_again(app, signed_in, sandbox, tim):
    im_import(sandbox, "own", "mem1", "mem2", "pal", "pal2")
    tim.group.create_group("Public", "g1", owner="own", members=["mem1", "mem2"])
    tim.sns.add_friends("pal", ["pal2"], force=True)
    add_to_directory(app, ["pal"])
    b = signed_in("operator")
    html = b.post("/accounts/discover", htmx=True).get_data(as_text=True)
    items = job_items(app, job_id_in(html))
    assert items["groups"].ok and items["friends:pal"].ok
    found = directory(app)
    assert {"own", "mem1", "mem2", "pal2"} <= set(found)
    assert found["mem1"].source == "crawl" and found["pal"].source == "imported"
    html = b.post("/accounts/discover", htmx=True).get_data(as_text=True)  # a second run only refreshes
    assert all(r.ok for r in job_items(app, job_id_in(html)).values())
    assert set(directory(app)) == set(found)


def test_a_queued_job_can_be_stopped_and_rerun(app, signed_in):
    from console import db, jobs
    from console.models import Job

    with db.new_session(app) as sess:  # a job waiting for a worker (tests run jobs at once otherwise)
        job = Job(kind="accounts.discover", status="queued", params={"items": ["groups"]}, total=1)
        sess.add(job)
    b = signed_in("operator")
    html = b.post(f"/accounts/jobs/{job.id}/cancel", htmx=True).get_data(as_text=True)
    assert "cancelled" in html
    with db.new_session(app) as sess:
        assert sess.get(Job, job.id).status == "cancelled"
    assert jobs.cancel(job.id) is False
    html = b.post("/accounts/discover", htmx=True).get_data(as_text=True)
    assert job_items(app, job_id_in(html))["groups"].ok
