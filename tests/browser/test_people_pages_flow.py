"""Issue #17's pages in a real browser, one action each against the sandbox, each writing its one
audit row: create a bot, add a local keyword and check a text, create an official account and
broadcast from it, follow on an account's behalf, create a conversation group, edit a stored
message and set an extension on it, then remove a subscriber from a selection."""
from __future__ import annotations

import pytest
from browser_support import confirm
from playwright.sync_api import expect
from sqlalchemy import select

from console import db
from console.models import AuditEntry

pytestmark = pytest.mark.browser


def _nav(page, label: str):
    link = page.get_by_role("navigation", name="Main").get_by_role("link", name=label, exact=True)
    with page.expect_navigation():
        link.click()


def _actions(live_server) -> list[tuple[str, str]]:
    with db.new_session(live_server.app) as sess:
        return [(r.action, r.outcome) for r in sess.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def _one_new_row(live_server, before: int, action: str) -> None:
    """Exactly one audit row for `action` since `before` rows, and it succeeded."""
    rows = [r for r in _actions(live_server)[before:] if r[0] == action]
    assert rows == [(action, "ok")], _actions(live_server)[before:]


def test_one_action_on_each_new_page(page, live_server, screenshot):
    sandbox = live_server.sandbox
    sandbox.invoke("im_open_login_svc/multiaccount_import", {"Accounts": ["ann", "ben", "cat"]})
    key = live_server.app.extensions["tim_client"].c2c.send_message(
        "ben", "typo in here", sender="ann", support_extension=True).msg_key
    live_server.sign_in(page)

    # Bots: create one from the form; the list reloads with it.
    _nav(page, "Bots")
    before = len(_actions(live_server))
    form = page.locator("#bot-create")
    form.locator("input[name=user_id]").fill("helper")
    form.get_by_role("button", name="Create").click()
    expect(page.locator("#bots-table")).to_contain_text("@RBT#helper")
    _one_new_row(live_server, before, "bot.create_robot")
    screenshot(page, "people-01-bots")

    # Moderation services: add a local keyword, then check a text with cloud moderation.
    _nav(page, "Moderation services")
    before = len(_actions(live_server))
    form = page.locator("#local-add")
    form.locator("textarea[name=words]").fill("forbidden")
    form.get_by_role("button", name="Add").click()
    expect(page.locator("#local-table")).to_contain_text("forbidden")
    _one_new_row(live_server, before, "moderation.add_local_keywords")
    with page.expect_navigation():
        page.get_by_role("link", name="Content check").click()
    page.locator("textarea[name=content]").fill("hello there")
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#verdict")).to_contain_text("Pass")
    screenshot(page, "people-02-moderation")

    # Official accounts: create one (the page opens), then broadcast and see it in the history.
    _nav(page, "Official accounts")
    form = page.locator("#official-create")
    form.locator("input[name=name]").fill("Daily news")
    form.locator("input[name=owner]").fill("ann")
    form.locator("input[name=account_id]").fill("@TOA#_daily")
    with page.expect_navigation():
        form.get_by_role("button", name="Create").click()
    expect(page.locator("h1")).to_contain_text("Daily news")
    sandbox.invoke("official_account_open_http_svc/add_subscriber",
                   {"Official_Account": "@TOA#_daily", "SubscriberList": [{"Subscriber_Account": "ben"},
                                                                          {"Subscriber_Account": "cat"}]})
    with page.expect_navigation():
        page.get_by_role("navigation", name="Official account sections").get_by_role("link", name="Messages").click()
    before = len(_actions(live_server))
    page.locator("#official-send textarea[name=text]").fill("Good morning")
    page.locator("#official-send").get_by_role("button", name="Send").click()
    confirm(page, "every subscriber of @TOA#_daily")
    expect(page.locator("#official-history")).to_contain_text("Good morning")
    _one_new_row(live_server, before, "official_account.send_message")
    screenshot(page, "people-03-official")

    # ... and remove one subscriber from a selection (the confirmation names the count).
    with page.expect_navigation():
        page.get_by_role("navigation", name="Official account sections").get_by_role("link", name="Subscribers").click()
    before = len(_actions(live_server))
    page.get_by_role("checkbox", name="Select cat").check()
    page.locator("[data-selection-bar=subscribers]").get_by_role("button", name="Remove").click()
    confirm(page, "Remove 1 selected subscribers from @TOA#_daily")
    expect(page.locator("#subscriber-table")).not_to_contain_text("cat")
    _one_new_row(live_server, before, "official_account.delete_subscribers")

    # An account's Social tab: ann follows ben.
    page.goto(live_server.url + "/accounts/u/ann")
    with page.expect_navigation():
        page.get_by_role("navigation", name="Account sections").get_by_role("link", name="Social").click()
    expect(page.locator("#follows")).to_contain_text("follows nobody")
    before = len(_actions(live_server))
    page.locator("#follow-form textarea[name=ids]").fill("ben")
    page.locator("#follow-form").get_by_role("button", name="Follow", exact=True).click()
    expect(page.locator("#follow-table")).to_contain_text("ben")
    _one_new_row(live_server, before, "follow.follow_users")
    screenshot(page, "people-04-social")

    # Conversation groups tab: create one holding the conversation with ben.
    with page.expect_navigation():
        page.get_by_role("navigation", name="Account sections").get_by_role("link", name="Conversation groups").click()
    before = len(_actions(live_server))
    form = page.locator("#conv-group-create")
    form.locator("input[name=name]").fill("friends")
    form.locator("textarea[name=conversations]").fill("ben")
    form.get_by_role("button", name="Create").click()
    expect(page.locator("#conv-groups-table")).to_contain_text("friends")
    _one_new_row(live_server, before, "conversation.create_conversation_group")

    # Messages: edit the stored message in its dialog, then set an extension on it.
    page.goto(live_server.url + "/messages/conversation?a=ann&b=ben")
    message = page.locator("#messages li.message", has_text="typo in here")
    message.wait_for()
    before = len(_actions(live_server))
    message.get_by_role("button", name="Edit").click()
    dialog = page.locator(f"dialog[id='edit-{key}']")
    expect(dialog).to_be_visible()
    dialog.locator("textarea[name=text]").fill("no typo now")
    dialog.get_by_role("button", name="Save").click()
    expect(page.locator("#history-result")).to_contain_text("Message edited")
    _one_new_row(live_server, before, "c2c.modify_message")
    with page.expect_navigation():
        message.get_by_role("link", name="Extensions").click()
    before = len(_actions(live_server))
    form = page.locator("#extension-set")
    form.locator("input[name=key]").fill("likes")
    form.locator("input[name=value]").fill("5")
    form.get_by_role("button", name="Set").click()
    expect(page.locator("#extension-table")).to_contain_text("likes")
    _one_new_row(live_server, before, "message_ext.set_c2c_extensions")
    screenshot(page, "people-05-extensions")

    assert page.console_log.errors() == [] and page.console_log.csp_violations() == []
