"""Operator flow on the accounts pages in a real browser: search an account, open it, edit the
nickname, add a friend, blacklist someone, import a CSV of 250 accounts and watch the progress
bar reach 100%."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from console import db
from console.accounts.directory import upsert_accounts

pytestmark = pytest.mark.browser


def _seed(live_server):
    sb = live_server.sandbox
    resp = sb.invoke("im_open_login_svc/multiaccount_import", {"Accounts": ["alice", "albert", "bob", "carol"]})
    assert resp["ErrorCode"] == 0
    with db.new_session(live_server.app) as sess:
        upsert_accounts(sess, [{"user_id": "alice", "nickname": "Alice"}, {"user_id": "albert"},
                               {"user_id": "bob"}, {"user_id": "carol"}], "imported")


def _profile(sb, user_id):
    resp = sb.invoke("profile/portrait_get", {"To_Account": [user_id], "TagList": ["Tag_Profile_IM_Nick"]})
    return {p["Tag"]: p["Value"] for p in resp["UserProfileItem"][0]["ProfileItem"]}


def test_search_open_edit_befriend_block_and_import_csv(page, live_server, screenshot):
    _seed(live_server)
    sb = live_server.sandbox
    live_server.sign_in(page)

    page.goto(live_server.url + "/accounts")
    rows = page.locator("#account-table tbody tr")
    expect(rows).to_have_count(4)
    page.get_by_placeholder("ID prefix or part of a nickname").fill("alic")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Alice")
    screenshot(page, "accounts-01-search")

    with page.expect_navigation():
        page.get_by_role("link", name="alice", exact=True).click()
    expect(page.locator("h1")).to_contain_text("alice")
    profile = page.locator("#profile")
    expect(profile).to_contain_text("Nickname")
    profile.get_by_role("button", name="Edit").click()
    nick = profile.locator("input[name=Tag_Profile_IM_Nick]")
    nick.fill("Alice Liddell")
    profile.get_by_role("button", name="Save").click()
    expect(profile).to_contain_text("Profile saved")
    expect(profile).to_contain_text("Alice Liddell")
    assert _profile(sb, "alice")["Tag_Profile_IM_Nick"] == "Alice Liddell"
    screenshot(page, "accounts-02-profile")

    with page.expect_navigation():
        page.get_by_role("navigation", name="Account sections").get_by_role("link", name="Friends").click()
    form = page.locator("#add-friends")
    form.locator("textarea[name=ids]").fill("bob")
    form.get_by_role("button", name="Add friends").click()
    expect(page.locator("#friend-result")).to_contain_text("1 succeeded")
    expect(page.locator("#friends-table")).to_contain_text("bob")  # the list reloaded itself
    screenshot(page, "accounts-03-friends")

    with page.expect_navigation():
        page.get_by_role("navigation", name="Account sections").get_by_role("link", name="Blacklist").click()
    block = page.locator("#block-form")
    block.locator("textarea[name=ids]").fill("carol")
    block.get_by_role("button", name="Block", exact=True).click()
    expect(page.locator("#black-result")).to_contain_text("1 succeeded")
    expect(page.locator("#blacklist-table")).to_contain_text("carol")
    screenshot(page, "accounts-04-blacklist")

    page.goto(live_server.url + "/accounts/add")
    csv_text = "UserID,Nick\n" + "\n".join(f"bulk{i:03d},Bulk {i}" for i in range(250)) + "\n"
    page.locator("input[type=file][name=file]").set_input_files(
        files=[{"name": "accounts.csv", "mimeType": "text/csv", "buffer": csv_text.encode()}])
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#csv-summary")).to_contain_text("250 valid rows, 0 with problems")
    page.get_by_role("button", name="Import 250 accounts").click()
    bar = page.locator("#csv-area progress")
    expect(bar).to_have_attribute("value", "100", timeout=30_000)
    expect(page.locator("#csv-area .job-counts")).to_contain_text("250 of 250 done")
    screenshot(page, "accounts-05-csv-import")
    check = sb.invoke("im_open_login_svc/account_check", {"CheckItem": [{"UserID": "bulk249"}]})
    assert check["ResultItem"][0]["AccountStatus"] == "Imported"
    assert not page.console_log.errors(), page.console_log.errors()
