"""A group's life in a real browser: create it, add three members, mute one, send a message, see it
in the history, recall it, transfer ownership, destroy the group. Screenshots go to
test-artifacts/screenshots/."""
from __future__ import annotations

import time

import pytest
from browser_support import card as _card
from browser_support import confirm
from browser_support import reloads as _reloads
from browser_support import tab as _tab

pytestmark = pytest.mark.browser

GID = "pw-team"


def test_group_life_create_members_mute_message_recall_transfer_destroy(page, live_server, tim, screenshot):
    tim.account.import_accounts(["alice", "bob", "carol", "dave"])
    groups = live_server.sandbox.state.groups
    live_server.sign_in(page)

    # create
    page.goto(live_server.url + "/groups")
    page.get_by_role("link", name="New group").click()
    page.select_option("select[name=type]", "Public")
    page.fill("input[name=name]", "Playwright team")
    page.fill("input[name=group_id]", GID)
    page.fill("input[name=owner]", "alice")
    with page.expect_navigation():
        page.get_by_role("button", name="Create group").click()
    assert page.locator(".flash-success").inner_text().startswith(f"Group {GID} is ready")
    assert groups.get(GID).owner == "alice"
    screenshot(page, "groups-01-created")

    # add three members
    _tab(page, "Members")
    add = _card(page, "r-add")
    add.locator("textarea[name=accounts]").fill("bob\ncarol\ndave")
    add.get_by_role("button", name="Add").click()
    results = page.locator("#r-add table.results tbody tr")
    results.first.wait_for()
    assert results.count() == 3 and page.locator("#r-add .badge-ok").count() == 3
    assert set(groups.get(GID).members) == {"alice", "bob", "carol", "dave"}
    screenshot(page, "groups-02-members-added")

    # mute one
    page.reload()
    page.locator("#paste-tools > summary").click()   # the forms for pasted ID lists
    mute = _card(page, "r-mute")
    mute.locator("textarea[name=accounts]").fill("dave")
    mute.locator("input[name=duration]").fill("5")
    mute.locator("select[name=unit]").select_option("minutes")
    mute.get_by_role("button", name="Mute", exact=True).click()
    page.locator("#r-mute .badge-ok").wait_for()   # a result per account; the muted list reloads in place
    page.locator("#muted-list", has_text="dave").wait_for()
    assert groups.get(GID).mute_until("dave", time.time()) > time.time()
    screenshot(page, "groups-03-muted")

    # send a message and see it in the history
    _tab(page, "Messages")
    send = _card(page, "r-send")
    send.locator("textarea[name=text]").fill("hello from the browser")
    _reloads(page, lambda: send.get_by_role("button", name="Send", exact=True).click())
    row = page.locator("#message-rows tr", has_text="hello from the browser")
    assert row.count() == 1
    seq = row.get_attribute("data-seq")
    screenshot(page, "groups-04-message-sent")

    # recall it
    row.get_by_role("button", name="Recall").click()
    confirm(page, f"Recall message {seq}?")
    # no page load: the result says so and the history reloads in place
    page.locator("#r-recall .badge-ok").wait_for()
    recalled = page.locator(f'#message-rows tr[data-seq="{seq}"]', has_text="recalled")
    recalled.wait_for()
    assert "hello from the browser" not in recalled.inner_text()
    assert [m.recalled for m in groups.get(GID).messages if m.seq == int(seq)] == [True]
    screenshot(page, "groups-05-recalled")

    # transfer ownership
    _tab(page, "Members")
    bob = page.locator('#member-table tr[data-member="bob"]')
    bob.get_by_label("Actions for bob").click()
    bob.get_by_role("button", name="Make owner…").click()
    dialog = page.locator("dialog#rows-dialog")
    dialog.wait_for(state="visible")
    assert "Make bob the owner of Playwright team?" in dialog.inner_text()
    _reloads(page, lambda: dialog.get_by_role("button", name="Transfer").click())
    assert "bob now owns the group" in page.locator(".flash-success").inner_text()
    assert groups.get(GID).owner == "bob"
    assert page.locator('#member-rows tr[data-member="bob"]').inner_text().split()[1] == "Owner"
    screenshot(page, "groups-06-owner-transferred")

    # destroy after typing the group ID
    _tab(page, "Overview")
    destroy = _card(page, "r-destroy")
    destroy.locator("input[name=confirm]").fill("pw-tea")
    destroy.get_by_role("button", name="Destroy group").click()
    # the problem is said beside the field (and in a toast); what was typed stays in the form
    problem = destroy.locator(".field-problem")
    problem.wait_for()
    assert "Type the group ID" in problem.inner_text()
    assert destroy.locator("input[name=confirm]").input_value() == "pw-tea"
    assert "Type the group ID" in page.locator("#toasts .toast").last.inner_text()
    assert groups.get(GID) is not None
    destroy.locator("input[name=confirm]").fill(GID)
    _reloads(page, lambda: destroy.get_by_role("button", name="Destroy group").click())
    assert page.url.endswith("/groups")
    assert f"Group {GID} was destroyed" in page.locator(".flash-success").inner_text()
    assert groups.get(GID) is None
    screenshot(page, "groups-07-destroyed")

    assert page.console_log.csp_violations() == []
    assert [e for e in page.console_log.errors() if "favicon" not in e] == []
