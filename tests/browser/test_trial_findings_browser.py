"""Trial findings (issue #15 item 6) and account rows (items 2, 3) where a browser is needed: the
account count lands under the page header and follows the search; ticked accounts are kicked from
the toolbar after a dialog naming them; the empty composer shows no problem before any input."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from console import db
from console.accounts.directory import upsert_accounts

pytestmark = pytest.mark.browser

IDS = ["alice", "albert", "bob", "carol", "csvuser_0022"]


def _seed(live_server):
    live_server.sandbox.invoke("im_open_login_svc/multiaccount_import", {"Accounts": IDS})
    with db.new_session(live_server.app) as sess:
        upsert_accounts(sess, [{"user_id": u, "imported": True} for u in IDS], "imported")


def test_account_count_under_the_header_follows_the_search(page, live_server):
    _seed(live_server)
    live_server.sign_in(page)
    page.goto(live_server.url + "/accounts")
    count = page.locator("#account-count")
    expect(count).to_have_text("5 accounts")
    page.get_by_placeholder("ID prefix or part of a nickname").fill("al")
    expect(page.locator("#account-table tbody tr")).to_have_count(2)
    expect(count).to_have_text("2 accounts")
    # nothing went to the bulk card's result box, and the count sits above the filters
    assert page.locator("#bulk-result").inner_text().strip() == ""
    assert count.bounding_box()["y"] < page.locator("#account-filters").bounding_box()["y"]


def test_kick_two_ticked_accounts_from_the_toolbar(page, live_server, screenshot):
    _seed(live_server)
    live_server.sign_in(page)
    page.goto(live_server.url + "/accounts")
    bar = page.get_by_role("region", name="Selected accounts")
    for user in ("bob", "carol"):
        page.locator(f'#account-table tr[data-account="{user}"]').get_by_role("checkbox").check()
    expect(bar.locator(".selection-count")).to_have_text("2 selected")
    bar.get_by_role("button", name="Kick…").click()
    dialog = page.locator("dialog#rows-dialog")
    expect(dialog).to_contain_text("Sign 2 accounts out everywhere: bob, carol")
    screenshot(page, "account-rows-kick-dialog")
    dialog.get_by_role("button", name="Kick 2 accounts").click()
    expect(page.locator("#row-result")).to_contain_text("bob")
    expect(page.locator("#row-result")).to_contain_text("carol")
    expect(dialog).to_have_count(0)
    expect(bar).to_be_hidden()
    assert page.locator('input[data-select-row="accounts"]:checked').count() == 0


def test_delete_from_a_row_menu_names_the_account(page, live_server):
    _seed(live_server)
    live_server.app.config["TIM_TRIAL"] = True
    live_server.sign_in(page)
    page.goto(live_server.url + "/accounts")
    row = page.locator('#account-table tr[data-account="csvuser_0022"]')
    row.get_by_label("Actions for csvuser_0022").click()
    row.get_by_role("button", name="Delete…").click()
    dialog = page.locator("dialog#rows-dialog")
    expect(dialog).to_contain_text("Delete 1 account: csvuser_0022")
    dialog.get_by_label("To delete, type “delete 1 account”").fill("delete 1 account")
    dialog.get_by_role("button", name="Delete 1 account").click()
    expect(page.locator("#row-result")).to_contain_text("csvuser_0022")
    resp = live_server.sandbox.invoke("im_open_login_svc/account_check", {"CheckItem": [{"UserID": "csvuser_0022"}]})
    assert resp["ResultItem"][0]["AccountStatus"] != "Imported"


def test_empty_composer_shows_no_problem_before_input(page, live_server):
    live_server.sign_in(page)
    page.goto(live_server.url + "/messages")
    preview = page.locator("#preview")
    expect(preview).to_contain_text("Write the message to see it here")
    assert "required" not in preview.inner_text()
    page.locator("textarea[name=el-0-Text]").fill("hi")
    expect(preview).not_to_contain_text("Write the message to see it here")
