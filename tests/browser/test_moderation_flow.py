"""The moderation workbench in a real browser: an admin creates a keyword list and a flag rule that
uses it, a matching message is sent through the sandbox (which asks the console's before-callback),
the message arrives in the review queue live, the admin recalls it, and the recall is in the audit
log. No CSP violation on the way."""
from __future__ import annotations

import pytest
from browser_support import confirm
from playwright.sync_api import expect

from console.tim import TimError

pytestmark = pytest.mark.browser


def test_keyword_list_flag_rule_live_queue_recall_audit(page, live_server, screenshot):
    sandbox, app = live_server.sandbox, live_server.app
    sandbox.callbacks.configure(live_server.url + "/callback", app.config["TIM_CALLBACK_TOKEN"])
    tim = app.extensions["tim_client"]
    tim.account.import_accounts(["mallory", "bob"])
    live_server.sign_in(page)

    # a keyword list, from the Admin nav
    page.goto(live_server.url + "/keywords")
    page.fill("input[name=name]", "scams")
    page.fill("textarea[name=words]", "free bitcoin\n中奖")
    with page.expect_navigation():
        page.get_by_role("button", name="Add list").click()
    expect(page.locator("h1")).to_have_text("scams")

    # a flag-for-review rule that matches it
    page.goto(live_server.url + "/rules")
    form = page.locator("form.rule-form")
    form.locator("input[name=name]").fill("scam review")
    form.locator("select[name=scope]").select_option("c2c_msg")
    form.locator("select[name=match]").select_option("keywords")
    form.locator("select[name=keyword_list_id]").select_option(label="scams")
    form.locator("select[name=action]").select_option("flag")
    with page.expect_navigation():
        form.get_by_role("button", name="Add rule").click()
    assert page.locator("tr.rule-row").count() == 1

    # the queue is open and live when the message is sent
    page.goto(live_server.url + "/review")
    page.wait_for_selector("#live-state[data-state=live]")
    sent = tim.c2c.send_message("bob", [{"MsgType": "TIMTextElem",
                                         "MsgContent": {"Text": "claim your ＦＲＥＥ Bitcoin now"}}],
                                sender="mallory")
    item = page.locator("#review-live .review-item").first
    item.wait_for(timeout=15_000)
    assert "mallory" in item.inner_text()
    expect(item.locator("mark")).to_have_text("ＦＲＥＥ Bitcoin")
    expect(page.locator("#review-list .empty-state")).to_be_hidden()
    screenshot(page, "review-queue-live")

    # recall, after the confirmation naming the sender
    item.get_by_role("button", name="Recall").click()
    confirm(page, "mallory")
    expect(page.locator(".review-item.review-decided")).to_have_count(1)
    assert "Recalled" in page.locator(".review-item.review-decided").inner_text()
    with pytest.raises(TimError) as exc:
        tim.c2c.revoke_message("mallory", "bob", sent.msg_key)
    assert exc.value.code == 20023  # the console recalled it

    # the recall is in the audit log
    page.goto(live_server.url + "/audit")
    expect(page.locator("body")).to_contain_text("Recall a message")

    assert page.console_log.csp_violations() == []
    assert page.console_log.errors() == []


def test_moderation_pages_with_content_meet_wcag_aa(browser, live_server):
    """axe on the workbench's pages as they look in use (a queue item decided and one open, a
    rule with versions, the test box's and the dry run's answers, a keyword list), light and dark."""
    import os

    from test_accessibility import AXE, _report

    if not os.path.exists(AXE):
        pytest.skip(f"axe-core is missing at {AXE} (`make axe` installs it from npm)")
    with open(AXE, encoding="utf-8") as fh:
        source = fh.read()
    sandbox, app = live_server.sandbox, live_server.app
    sandbox.callbacks.configure(live_server.url + "/callback", app.config["TIM_CALLBACK_TOKEN"])
    tim = app.extensions["tim_client"]
    tim.account.import_accounts(["mallory", "bob"])
    problems: list[str] = []
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme,
                                      locale="en-US", timezone_id="UTC")
        page = context.new_page()
        try:
            live_server.sign_in(page)
            if scheme == "light":  # the content, made once through the pages
                page.goto(live_server.url + "/keywords")
                page.fill("input[name=name]", "scams")
                page.fill("textarea[name=words]", "free bitcoin")
                with page.expect_navigation():
                    page.get_by_role("button", name="Add list").click()
                page.goto(live_server.url + "/rules")
                form = page.locator("form.rule-form")
                form.locator("input[name=name]").fill("scam review")
                form.locator("select[name=match]").select_option("keywords")
                form.locator("select[name=keyword_list_id]").select_option(label="scams")
                form.locator("select[name=action]").select_option("flag")
                with page.expect_navigation():
                    form.get_by_role("button", name="Add rule").click()
                page.locator("tr.rule-row").get_by_role("button", name="Disable").click()
                page.wait_for_load_state()
                page.locator("tr.rule-row").get_by_role("button", name="Enable").click()
                page.wait_for_load_state()
                for text in ("free bitcoin here", "more FREE BITCOIN"):
                    tim.c2c.send_message("bob", [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}],
                                         sender="mallory")
                page.goto(live_server.url + "/review")
                page.locator("#review-list .review-item").first.get_by_role("button", name="Dismiss").click()
                page.locator(".review-item.review-decided").wait_for()
            for path in ("/review", "/review?state=all", "/rules/1/versions", "/keywords/1"):
                page.goto(live_server.url + path)
                page.wait_for_load_state("networkidle")
                problems += _report(page, source, scheme, path)
            page.goto(live_server.url + "/rules")
            page.fill("textarea[name=sample]", "free bitcoin")
            page.get_by_role("button", name="Test", exact=True).click()
            page.locator(".rule-test-result").wait_for()
            form = page.locator("form.rule-form")
            form.locator("input[name=name]").fill("trial")
            form.locator("textarea[name=pattern]").fill("bitcoin")
            form.get_by_role("button", name="Dry run").click()
            page.locator(".dry-run").wait_for()
            problems += _report(page, source, scheme, "/rules (test and dry run)")
        finally:
            context.close()
    assert not problems, "\n".join(problems)
