"""Group depth and communities in a real browser, one action on each new page: a topic and a
message in it, a permission group and its members, a counter (typed and submitted from the
keyboard), a ban, a message edit seen side by side in the audit log, clearing a history, a live
room admin and a broadcast. Screenshots go to test-artifacts/screenshots/."""
from __future__ import annotations

import pytest
from browser_support import card as _card
from browser_support import confirm
from browser_support import reloads as _reloads
from browser_support import tab as _tab

pytestmark = pytest.mark.browser

CLUB = "@TGS#_pwclub"


def _flash(page) -> str:
    return page.locator(".flash-success").inner_text()


def test_communities_topics_and_permission_groups(page, live_server, tim, screenshot):
    tim.account.import_accounts(["alice", "bob", "carol"])
    tim.group.create_group("Community", "PW Club", group_id=CLUB, owner="alice", members=["bob", "carol"],
                           support_topic=True)
    live_server.sign_in(page)

    # from the navigation to the community, then a topic
    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Communities").click()
    with page.expect_navigation():
        page.locator(f'tr[data-community="{CLUB}"]').get_by_role("link", name="Topics").click()
    new = _card(page, "r-topic-new")
    new.locator("input[name=name]").fill("General")
    new.locator("input[name=topic_id]").fill("general")
    _reloads(page, lambda: new.get_by_role("button", name="Create topic").click())
    assert "Topic General is ready" in _flash(page)
    assert page.locator("#topic-id").inner_text() == f"{CLUB}@TOPIC#_general"

    send = _card(page, "r-topic-send")
    send.locator("input[name=sender]").fill("bob")
    send.locator("textarea[name=text]").fill("hello topic")
    _reloads(page, lambda: send.get_by_role("button", name="Send", exact=True).click())
    assert page.locator("#topic-message-rows tr", has_text="hello topic").count() == 1
    screenshot(page, "groups-depth-01-topic")

    # a permission group and its members
    _tab(page, "Permission groups")
    create = _card(page, "r-pg-new")
    create.locator("input[name=name]").fill("Mods")
    create.locator("input[name=pg_id]").fill("mods")
    create.locator("input[name=permission]").fill("3")
    _reloads(page, lambda: create.get_by_role("button", name="Create permission group").click())
    assert page.locator("#pg-name").inner_text() == "Mods"
    members = _card(page, "r-pg-members")
    members.locator("textarea[name=accounts]").fill("bob")
    members.get_by_role("button", name="Add", exact=True).click()
    page.locator("#r-pg-members .badge-ok").first.wait_for()
    assert [m.id for m in tim.community.fetch_permission_group_members(CLUB, "@PMG#_mods").members] == ["bob"]
    screenshot(page, "groups-depth-02-permission-group")

    assert page.console_log.csp_violations() == []
    assert [e for e in page.console_log.errors() if "favicon" not in e] == []


def test_group_depth_counter_ban_edit_clear_live_and_broadcast(page, live_server, tim, screenshot):
    tim.account.import_accounts(["alice", "bob", "carol", "dave"])
    tim.group.create_group("Public", "PW Team", group_id="pw-team", owner="alice", members=["bob", "carol"])
    tim.group.create_group("AVChatRoom", "PW Live", group_id="pw-live", owner="alice")
    seq = tim.group.send_message("pw-team", "first words", sender="alice").msg_seq
    live_server.sign_in(page)

    # a counter, typed and submitted from the keyboard
    page.goto(live_server.url + "/groups/pw-team")
    _tab(page, "Attributes & counters")
    counter = _card(page, "r-counter")
    counter.locator("input[name=key]").focus()
    page.keyboard.type("likes")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("42")
    _reloads(page, lambda: page.keyboard.press("Enter"))
    assert "Counter likes is now 42" in _flash(page)
    assert page.locator('#counter-rows tr[data-counter="likes"]').inner_text().split() == ["likes", "42"]
    screenshot(page, "groups-depth-03-counter")

    # a ban with a reason: who banned whom shows on the Bans tab
    _tab(page, "Bans")
    ban = _card(page, "r-ban")
    ban.locator("textarea[name=accounts]").fill("carol")
    ban.locator("input[name=duration]").fill("1")
    ban.locator("select[name=unit]").select_option("days")
    ban.locator("input[name=reason]").fill("spam")
    _reloads(page, lambda: (ban.get_by_role("button", name="Ban", exact=True).click(),
                            confirm(page, "Ban these accounts from pw-team?")))
    row = page.locator('#ban-rows tr[data-banned="carol"]')
    assert "ada" in row.inner_text() and "spam" in row.inner_text()
    screenshot(page, "groups-depth-04-ban")

    # edit a stored message; the audit entry shows the old and new bodies side by side
    _tab(page, "Messages")
    with page.expect_navigation():
        page.locator(f'#message-rows tr[data-seq="{seq}"]').get_by_role("link", name=str(seq)).click()
    edit = _card(page, "r-edit-msg")
    edit.locator("textarea[name=text]").fill("better words")
    _reloads(page, lambda: (edit.get_by_role("button", name="Save edit").click(),
                            confirm(page, f"Overwrite message {seq}")))
    assert "better words" in page.locator("#message-body").inner_text()
    page.goto(live_server.url + "/audit?action=group.modify_message")
    with page.expect_navigation():
        page.locator("table a[href^='/audit/']").first.click()
    side = page.locator("#before-after")
    assert "first words" in side.locator("[data-before]").inner_text()
    assert "better words" in side.locator("[data-after]").inner_text()
    screenshot(page, "groups-depth-05-edit-audited")

    # clear the history after typing the group ID
    page.goto(live_server.url + "/groups/pw-team/messages")
    clear = _card(page, "r-clear")
    clear.locator("input[name=confirm]").fill("pw-team")
    _reloads(page, lambda: clear.get_by_role("button", name="Clear history").click())
    assert "The whole history is hidden from the members" in _flash(page)

    # a live room admin
    page.goto(live_server.url + "/groups/pw-live")
    _tab(page, "Live room")
    admins = _card(page, "r-admins")
    admins.locator("textarea[name=accounts]").fill("dave")
    _reloads(page, lambda: admins.get_by_role("button", name="Add admins").click())
    assert page.locator('#admin-list [data-admin="dave"]').count() == 1
    screenshot(page, "groups-depth-06-live-admin")

    # a broadcast to every live group, from the navigation
    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Live broadcast").click()
    form = _card(page, "r-broadcast")
    form.locator("textarea[name=text]").fill("maintenance at noon")
    _reloads(page, lambda: (form.get_by_role("button", name="Broadcast", exact=True).click(),
                            confirm(page, "every live group")))
    assert "Broadcast to every live group" in _flash(page)
    screenshot(page, "groups-depth-07-broadcast")

    assert page.console_log.csp_violations() == []
    assert [e for e in page.console_log.errors() if "favicon" not in e] == []
