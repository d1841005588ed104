"""Friends and blacklist rows in a real browser (issue #15 item 2): delete two ticked friends from
the toolbar, unblock one account from its row menu; each dialog names the count and who."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _seed(live_server, tim):
    live_server.sandbox.invoke("im_open_login_svc/multiaccount_import", {"Accounts": ["ann", "ben", "cat", "dan", "eve"]})
    tim.sns.import_friends("ann", ["ben", "cat", "dan"])
    tim.sns.add_blacklist("ann", ["eve"])


def test_delete_two_friends_then_unblock_one(page, live_server, tim):
    _seed(live_server, tim)
    live_server.sign_in(page)
    page.goto(live_server.url + "/accounts/u/ann/friends")
    for user in ("ben", "cat"):
        page.locator(f'#friends-table tr[data-friend="{user}"]').get_by_role("checkbox").check()
    bar = page.get_by_role("region", name="Selected friends")
    expect(bar.locator(".selection-count")).to_have_text("2 selected")
    bar.get_by_role("button", name="Delete…").click()
    dialog = page.locator("dialog#rows-dialog")
    expect(dialog).to_contain_text("Remove 2 friends from the list of ann: ben, cat")
    dialog.get_by_role("button", name="Delete 2 friends").click()
    expect(page.locator("#friend-result")).to_contain_text("2 succeeded")
    expect(page.locator("#friends-table tbody tr")).to_have_count(1)   # the list reloaded: dan is left
    expect(bar).to_be_hidden()
    assert [f.id for f in tim.sns.fetch_friends("ann").items] == ["dan"]

    page.goto(live_server.url + "/accounts/u/ann/blacklist")
    row = page.locator('#blacklist-table tr[data-blocked="eve"]')
    row.get_by_label("Actions for eve").click()
    row.get_by_role("button", name="Unblock…").click()
    expect(dialog).to_contain_text("Take 1 account off the blacklist of ann: eve")
    dialog.get_by_role("button", name="Unblock 1 account").click()
    expect(page.locator("#black-result")).to_contain_text("1 succeeded")
    expect(page.locator("#blacklist-table")).to_contain_text("Nobody is blocked")
    assert tim.sns.fetch_blacklist("ann").items == []
