"""Regression tests of what the operator trial found (issue #15 item 6), one test per finding, and
the confirmations that name the count and the target (item 3)."""
from __future__ import annotations

import html
import io
import re

from groups_support import team
from test_accounts_support import add_to_directory, im_import, trial_app  # noqa: F401  (trial_app: a fixture)

HX = {"HX-Request": "true"}


def text(body: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


# ---- accounts -----------------------------------------------------------------------------------

def test_account_count_sits_under_the_page_header_and_honours_the_search(app, signed_in):
    add_to_directory(app, [{"user_id": f"user{i:03d}"} for i in range(12)] + [{"user_id": "zed"}])
    viewer = signed_in("viewer")
    page = viewer.get("/accounts").get_data(as_text=True)
    # the count's place is right under the header, before the filters and the bulk card
    assert page.index('id="account-count"') < page.index('id="account-filters"') < page.index('id="bulk-form"')
    # its request names its own target, and the bulk form passes nothing down to the requests inside it
    loader = re.search(r'<span hidden hx-get="([^"]+)"[^>]*>', page).group(0)
    assert 'hx-target="#account-count"' in loader
    assert 'hx-disinherit="*"' in re.search(r'<form id="bulk-form"[^>]*>', page).group(0)
    assert text(viewer.get("/accounts/count").get_data(as_text=True)).strip() == "13 accounts"
    assert text(viewer.get("/accounts/count?q=user00").get_data(as_text=True)).strip() == "10 accounts"
    assert text(viewer.get("/accounts/count?q=zed").get_data(as_text=True)).strip() == "1 account"
    # a search's result list asks for the count of the search
    found = viewer.get("/accounts?q=user00", headers={**HX, "HX-Target": "account-results"}).get_data(as_text=True)
    assert "/accounts/count?q=user00" in found


def test_csv_row_for_the_app_admin_is_refused_at_preview(app, signed_in, audit_rows):
    op = signed_in("operator")
    admin = app.config["TIM_ADMIN"]
    upload = f"UserID,Nick\nfresh1,Fresh\n{admin},Hijacked\n"
    preview = op.post("/accounts/csv/preview", {"file": (io.BytesIO(upload.encode()), "a.csv")}, htmx=True,
                      content_type="multipart/form-data").get_data(as_text=True)
    assert "1 valid row" in text(preview) and "protected account" in preview
    token = re.search(r'name="token" value="([^"]*)"', preview).group(1)
    op.post("/accounts/csv/start", {"token": token}, htmx=True)
    imported = [r for r in audit_rows() if r.action == "account.import_accounts"]
    assert [[e["UserID"] for e in r.request["AccountList"]] for r in imported] == [["fresh1"]]


def test_account_row_dialog_names_count_and_target(trial_app, browser_for, sandbox):
    im_import(sandbox, "csvuser_0022", "csvuser_0023")
    add_to_directory(trial_app, ["csvuser_0022", "csvuser_0023"])
    b = browser_for(trial_app, ["admin"])
    b.login("admin")
    one = b.get("/accounts/dialog/delete?ids=csvuser_0022", headers=HX).get_data(as_text=True)
    assert "Delete 1 account: csvuser_0022" in text(one) and "delete 1 account" in text(one)
    two = text(b.get("/accounts/dialog/kick?ids=csvuser_0022&ids=csvuser_0023&ids=administrator",
                     headers=HX).get_data(as_text=True))
    assert "Sign 2 accounts out everywhere: csvuser_0022, csvuser_0023" in two and "Kick 2 accounts" in two
    assert "1 protected account left out: administrator" in two
    resp = b.post("/accounts/bulk", {"action": "delete", "scope": "selected", "ids": ["csvuser_0022"],
                                     "confirm": "delete 1 account"}, htmx=True)
    assert resp.status_code == 200 and "selection-clear" in resp.headers["HX-Trigger"]


def test_account_rows_have_checkboxes_toolbar_and_menus(app, signed_in):
    add_to_directory(app, ["row1", "administrator"])
    page = signed_in("operator").get("/accounts").get_data(as_text=True)
    assert 'data-select-row="accounts"' in page and 'data-selection-bar="accounts"' in page
    row1 = page.split('data-account="row1"')[1].split("</tr>")[0]
    assert "/accounts/dialog/kick?ids=row1" in row1 and "Actions for row1" in row1
    protected = page.split('data-account="administrator"')[1].split("</tr>")[0]
    assert "data-select-row" not in protected and "row-menu" not in protected


# ---- groups -------------------------------------------------------------------------------------

def test_removing_a_non_member_says_so(signed_in, sandbox, tim, audit_rows):
    team(sandbox, tim, ["alice", "bob", "carol", "stranger"])
    body = text(signed_in("operator").post("/groups/team/members/remove", {"accounts": "stranger"},
                                           htmx=True).get_data(as_text=True))
    assert "Removed 1 accounts" not in body and "0 members removed." in body
    assert "stranger failed not a member of this group" in body
    assert "group_open_http_svc/delete_group_member" not in [r.endpoint for r in audit_rows()]


def test_adding_three_valid_and_one_unknown_adds_the_three(signed_in, sandbox, tim):
    groups = team(sandbox, tim, ["alice", "bob", "carol", "v1", "v2", "v3"])
    resp = signed_in("operator").post("/groups/team/members/add", {"accounts": "v1 v2 ghost v3"}, htmx=True)
    body = resp.get_data(as_text=True)
    assert {"v1", "v2", "v3"} <= set(groups.get("team").members) and "ghost" not in groups.get("team").members
    assert "3 ok, 1 failed" in text(body)
    ghost = body.split("ghost")[1].split("</tr>")[0]
    assert "badge-failed" in ghost and "never imported" in ghost


def test_group_type_is_said_once(signed_in, sandbox, tim):
    """Trial finding: "Work (Private) (Private)" — the words of a type and its code were both
    written out; now the words show and the code sits in the tooltip."""
    team(sandbox, tim, ["alice", "bob", "carol"])
    tim.group.create_group("Private", "Work", group_id="workgrp", owner="alice", members=["bob"])
    op = signed_in("operator")
    for url in ("/groups/workgrp", "/groups/workgrp/members", "/groups", "/groups/new"):
        body = text(op.get(url).get_data(as_text=True))
        assert "(Private) (Private)" not in body and "Work group (Private)" not in body, url
    detail = op.get("/groups/workgrp").get_data(as_text=True)
    assert re.search(r'<span class="code-label" title="Private">Work group</span>', detail)


# ---- dashboard, settings, operators -------------------------------------------------------------

def test_dashboard_region_says_what_settings_says(app, signed_in):
    viewer = signed_in("viewer")
    dash = text(viewer.get("/").get_data(as_text=True))
    settings = text(viewer.get("/settings").get_data(as_text=True))
    assert "custom URL" not in dash
    assert "Region none (a custom API address)" in settings and "Region none (a custom API address)" in dash


def test_region_names_the_data_centre(make_app, signed_in):
    from console.ops.data import region_text

    assert region_text({"TIM_REGION": "sgp"}) == "Singapore"
    assert region_text({"TIM_REGION": None}) == "none (a custom API address)"


def test_daily_people_counts_are_never_summed():
    """Trial finding: the daily-active chart added the days up into a "total" (the same people are
    in every day's figure)."""
    from console.ops import data
    from console.ops.views.dashboard import ADDITIVE

    points = [("05-01", 10), ("05-02", 30), ("05-03", 20)]
    people = data.summary(points, additive="ActiveUserNum" in ADDITIVE)
    assert people == {"total": None, "average": 20, "peak": 30, "peak_day": "05-02"}
    assert data.summary(points, additive="UpMsgNum" in ADDITIVE)["total"] == 60
    assert data.summary([], additive=True) == {}


def test_active_users_chart_has_no_total(app, signed_in, tim):
    from console.ops.views import dashboard

    dashboard._ops_cache.clear()
    html = signed_in("viewer").get("/dashboard/chart?metric=ActiveUserNum", headers=HX).get_data(as_text=True)
    assert "Total over the period" not in html
    if "<svg" in html:
        assert "Average per day" in html and "Highest" in html


def test_first_admin_has_a_last_sign_in(app, browser):
    from console import db, security
    from console.models import Operator

    with app.app_context():
        token = security.new_setup_token(db.session)
        db.session.commit()
    csrf = browser.csrf(f"/setup/{token}")
    browser.client.post(f"/setup/{token}", data={"name": "root", "password": "a long password",
                                                 "confirm": "a long password", "csrf_token": csrf})
    with app.app_context():
        root = db.session.query(Operator).filter_by(name="root").one()
        assert root.last_login_at is not None
    page = browser.get("/operators").get_data(as_text=True)
    root_row = re.split(r"<td>(?:<a [^>]*>)?root", page)[1].split("</tr>")[0]
    assert "<time" in root_row or re.search(r"\d{4}-\d\d-\d\d", root_row)
    assert 'class="cell-actions"' in page


def test_unknown_account_page_is_a_404_with_one_import_action(app, signed_in, sandbox, audit_rows):
    """Trial finding: an unknown account's page answered 200 with five error boxes and still offered
    Kick/Mute/UserSig."""
    admin = signed_in("admin")
    resp = admin.get("/accounts/u/ghost_7")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 404 and "IM has no account ghost_7" in text(body)
    assert [r.action for r in audit_rows()] == ["account.check_accounts"]   # account_check, nothing else
    main = body.split('id="main"')[1].split("</main>")[0]
    assert main.count("<button") == 1 and "Not imported — import ghost_7" in text(main)
    for live in ("/profile", "/presence", "/usersig", "Kick", "Generate"):
        assert live not in main
    viewer = signed_in("viewer").get("/accounts/u/ghost_7").get_data(as_text=True)
    assert "import ghost_7" not in viewer and "An operator can import it" in viewer
    done = admin.post("/accounts/u/ghost_7/import")
    assert done.status_code == 303 and done.headers["Location"].endswith("/accounts/u/ghost_7")
    assert sandbox.invoke("im_open_login_svc/account_check", {"CheckItem": [{"UserID": "ghost_7"}]}
                          )["ResultItem"][0]["AccountStatus"] == "Imported"
    page = admin.get("/accounts/u/ghost_7")
    assert page.status_code == 200 and "ghost_7 imported." in page.get_data(as_text=True)


# ---- messages -----------------------------------------------------------------------------------

def test_empty_composer_shows_no_problems_before_any_input(app, signed_in):
    """Trial finding: the empty composer's preview said "Text is required" before anything was typed."""
    op = signed_in("operator")
    page = op.get("/messages").get_data(as_text=True)
    form = dict(re.findall(r'<(?:input|select|textarea)[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
    form.pop("csrf_token", None)
    untouched = text(op.post("/messages/preview", form, htmx=True).get_data(as_text=True))
    assert "required" not in untouched and "Write the message to see it here" in untouched
    typed = text(op.post("/messages/preview", {**form, "el-0-type": "text", "el-0-Text": " "}, htmx=True)
                 .get_data(as_text=True))
    assert "Write the message" in typed   # blanks are not a message either
    raw = text(op.post("/messages/preview", {**form, "raw_body": "[1]"}, htmx=True).get_data(as_text=True))
    assert "Not ready to send yet" in raw   # what was written is checked


def test_account_message_history_tab_keeps_the_tabs_and_shows_messages(app, signed_in, sandbox, tim):
    """Trial finding: the account's Message history tab opened an empty form and lost the tabs."""
    im_import(sandbox, "alice", "bob", "carol")
    tim.c2c.send_message("bob", "hello alice", sender="alice")
    viewer = signed_in("viewer")
    detail = viewer.get("/accounts/u/alice").get_data(as_text=True)
    assert 'href="/accounts/u/alice/messages"' in detail
    tab = viewer.get("/accounts/u/alice/messages").get_data(as_text=True)
    tabs = tab.split('aria-label="Account sections"')[1].split("</nav>")[0]
    assert "Friends" in tabs and 'aria-current="page">Message history' in tabs
    # the recent peer is offered; choosing it loads the history into the tab
    assert 'href="/accounts/u/alice/messages?with=bob"' in tab
    chosen = viewer.get("/accounts/u/alice/messages?with=bob").get_data(as_text=True)
    assert 'aria-label="Account sections"' in chosen and "/messages/conversation/page?a=alice&amp;b=bob" in chosen
    page = viewer.get("/messages/conversation/page?a=alice&b=bob", headers=HX).get_data(as_text=True)
    assert "hello alice" in page
    bad = viewer.get("/accounts/u/alice/messages?with=has%20space")
    assert bad.status_code == 200 and "field-problem" in bad.get_data(as_text=True)
    empty = text(viewer.get("/accounts/u/carol/messages").get_data(as_text=True))
    assert "carol has no recent one-to-one conversation" in empty


def test_adding_many_members_as_a_job_also_skips_only_the_unknown(signed_in, sandbox, tim, app):
    users = [f"m{n:03d}" for n in range(104)]
    tim.account.import_accounts(users[:100])
    tim.account.import_accounts(users[100:])
    groups = team(sandbox, tim, ["alice", "bob", "carol"])
    resp = signed_in("operator").post("/groups/team/members/add", {"accounts": " ".join(users[:50] + ["ghost"] + users[50:])},
                                      htmx=True)
    assert "groups.add_members" in resp.get_data(as_text=True)
    assert all(u in groups.get("team").members for u in users)
    from console import db
    from console.models import JobResult
    from sqlalchemy import select

    with db.new_session(app) as sess:
        ghost = sess.scalar(select(JobResult).where(JobResult.item == "ghost"))
        assert ghost is not None and not ghost.ok and "never imported" in ghost.detail
