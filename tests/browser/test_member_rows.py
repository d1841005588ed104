"""Acting on member rows in a real browser (issue #15 items 2, 3): tick three members and mute them
from the selection toolbar; remove one member from its ⋯ menu; every dialog names the count and who."""
from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.browser

GID = "rows-team"
MEMBERS = ["bob", "carol", "dave", "erin"]


@pytest.fixture
def team(live_server, tim):
    tim.account.import_accounts(["alice", *MEMBERS])
    tim.group.create_group("Public", "Rows team", group_id=GID, owner="alice", members=MEMBERS)
    return live_server.sandbox.state.groups


def _row(page, user: str):
    return page.locator(f'#member-table tr[data-member="{user}"]')


def test_select_three_members_and_mute_them_from_the_toolbar(page, live_server, team, screenshot):
    live_server.sign_in(page)
    page.goto(f"{live_server.url}/groups/{GID}/members")
    bar = page.locator('[data-selection-bar="members"]')
    assert bar.is_hidden()
    for user in ("bob", "carol", "dave"):
        _row(page, user).get_by_role("checkbox").check()
    assert bar.is_visible() and bar.locator(".selection-count").inner_text() == "3 selected"
    bar.get_by_role("button", name="Mute…", exact=True).click()

    dialog = page.locator("dialog#rows-dialog")
    dialog.wait_for(state="visible")
    assert "Mute 3 members in this group: bob, carol, dave" in dialog.inner_text()
    dialog.locator("input[name=duration]").fill("5")
    dialog.get_by_role("button", name="Mute 3 members").click()

    results = page.locator("#member-results table.results tbody tr")
    results.first.wait_for()
    assert results.count() == 3 and page.locator("#member-results .badge-ok").count() == 3
    assert "3 members muted." in page.locator("#member-results").inner_text()
    dialog.wait_for(state="detached")
    # the rows reloaded in place (muted list, mute column) and the selection is gone
    page.locator("#muted-list li").nth(2).wait_for()
    assert bar.is_hidden() and page.locator('input[data-select-row="members"]:checked').count() == 0
    assert _row(page, "bob").locator("td").nth(6).inner_text() != ""
    now = time.time()
    assert all(team.get(GID).mute_until(u, now) > now for u in ("bob", "carol", "dave"))
    assert team.get(GID).mute_until("erin", now) == 0
    screenshot(page, "member-rows-muted")
    assert page.console_log.csp_violations() == []


def test_remove_one_member_from_its_row_menu(page, live_server, team, screenshot):
    live_server.sign_in(page)
    page.goto(f"{live_server.url}/groups/{GID}/members")
    row = _row(page, "erin")
    row.get_by_label("Actions for erin").click()
    row.get_by_role("button", name="Remove from group…").click()

    dialog = page.locator("dialog#rows-dialog")
    dialog.wait_for(state="visible")
    assert "Remove 1 member from the group: erin" in dialog.inner_text()
    screenshot(page, "member-rows-remove-dialog")
    dialog.get_by_role("button", name="Remove 1 member").click()

    page.locator("#member-results .badge-ok").wait_for()
    assert "1 member removed." in page.locator("#member-results").inner_text()
    _row(page, "erin").wait_for(state="detached")
    assert "erin" not in team.get(GID).members and "bob" in team.get(GID).members
    assert [e for e in page.console_log.errors() if "favicon" not in e] == []
