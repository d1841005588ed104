"""In a real browser: send a message from one account to another with the live preview, find it in the
conversation viewer and recall it; compose a push to a tag and confirm it; open the operations charts."""
from __future__ import annotations

import pytest
from browser_support import confirm

pytestmark = pytest.mark.browser


def _nav(page, label: str):
    link = page.get_by_role("navigation", name="Main").get_by_role("link", name=label, exact=True)
    with page.expect_navigation():
        link.click()


def test_send_find_recall_push_and_charts(page, live_server, screenshot):
    sandbox = live_server.sandbox
    sandbox.invoke("im_open_login_svc/multiaccount_import", {"Accounts": ["alice", "bob"]})
    sandbox.invoke("timpush/add_tag", {"UserTags": [{"To_Account": "bob", "Tags": ["vip"]}]})
    live_server.sign_in(page)

    # Send alice -> bob, watching the preview follow the form.
    _nav(page, "Messages")
    page.fill("input[name=to]", "bob")
    page.fill("input[name=sender]", "alice")
    page.fill("textarea[name=el-0-Text]", "Hello from the browser test")
    page.locator("#preview .bubble", has_text="Hello from the browser test").wait_for()
    page.select_option("#new-kind", "location")
    page.get_by_role("button", name="Add element").click()
    page.locator("input[name=el-1-Latitude]").fill("22.5")
    page.locator("input[name=el-1-Longitude]").fill("113.9")
    page.locator("#preview .msg-el-timlocationelem").wait_for()
    screenshot(page, "messages-01-compose")
    page.get_by_role("button", name="Send", exact=True).click()
    page.locator("#send-result", has_text="Sent to bob").wait_for()

    # Find it in the conversation viewer and recall it.
    with page.expect_navigation():
        page.get_by_role("link", name="Open the conversation").click()
    message = page.locator("#messages li.message", has_text="Hello from the browser test")
    message.wait_for()
    screenshot(page, "messages-02-conversation")
    message.get_by_role("button", name="Recall").click()
    confirm(page, "Recall this message for both sides?")
    # the history reloads in place: the message is listed as IM now lists it, recalled, without a reload
    page.locator("#messages li.message.recalled .badge", has_text="recalled").wait_for()
    with sandbox.state.lock:
        stored = [m for h in sandbox.state.messages.values() for m in h if m["From_Account"] == "alice"]
    assert len(stored) == 1 and stored[0]["MsgFlagBits"] & 8

    # Batch send to both: adding an element asks nothing, sending asks once.
    page.get_by_role("link", name="Batch send").click()
    page.fill("textarea[name=recipients]", "alice\nbob")
    page.fill("textarea[name=el-0-Text]", "For both of you")
    page.select_option("#new-kind", "face")
    page.get_by_role("button", name="Add element").click()
    page.locator("input[name=el-1-Index]").fill("2")
    page.locator("#preview .msg-el-timfaceelem").wait_for()
    assert not page.locator("#confirm-dialog").is_visible()
    page.get_by_role("button", name="Send to all of them").click()
    confirm(page, "Send this message to every recipient")
    page.locator("#batch-result", has_text="2 delivered, 0 failed").wait_for()

    # Push to the tag "vip" and confirm.
    _nav(page, "Push")
    page.fill("input[name=tags_or]", "vip")
    page.fill("textarea[name=el-0-Text]", "A push for VIPs")
    page.locator("#preview .bubble", has_text="A push for VIPs").wait_for()
    page.get_by_role("button", name="Review the push").click()
    page.locator(".push-summary", has_text="users with any of the tags vip").wait_for()
    screenshot(page, "messages-03-push-confirm")
    page.get_by_role("button", name="Confirm and push").click()
    page.locator("#push-confirm", has_text="Task ID").wait_for()
    with sandbox.state.lock:
        assert [t["Targets"] for t in sandbox.state.push_tasks if t["Kind"] == "push"] == [1]

    # The operations charts.
    _nav(page, "Operations")
    page.locator("#ops-charts svg").first.wait_for()
    assert page.locator("#ops-charts svg").count() >= 28
    screenshot(page, "messages-04-operations")

    assert page.console_log.csp_violations() == []
    errors = [e for e in page.console_log.errors() if "favicon" not in e]
    assert errors == [], page.console_log.entries
