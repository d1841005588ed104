"""An admin sets up alerting in a real browser: a webhook and a rule on the Alerts pages; IM calls
fail (sandbox faults), the job consumer's check raises an alert, the banner shows it on every
page, and an operator acknowledges it. No CSP violation on the way."""
from __future__ import annotations

import pytest
from webhook_receiver import Receiver

from console.monitoring import alerts
from console.tim import TimError

pytestmark = pytest.mark.browser
ENDPOINT = "im_open_login_svc/account_check"


def test_admin_sets_a_rule_and_acknowledges_the_alert(page, live_server, screenshot):
    receiver = Receiver()
    try:
        live_server.sign_in(page)
        page.goto(live_server.url + "/alerts")
        page.get_by_role("link", name="Webhooks").first.click()
        form = page.locator("form.webhook-form")
        form.locator("input[name=name]").fill("ops room")
        form.locator("input[name=url]").fill(receiver.url + "?key=secret-robot-key")
        with page.expect_navigation():
            form.get_by_role("button", name="Add webhook").click()
        assert "secret-robot-key" not in page.content() and "key=…" in page.content()

        page.goto(live_server.url + "/alerts/rules")
        form = page.locator("form.alert-rule-form")
        form.locator("input[name=name]").fill("account checks failing")
        form.locator("select[name=kind]").select_option("im_error_rate")
        form.locator("input[name=minutes]").fill("10")
        form.locator("input[name=percent]").fill("50")
        form.locator("input[name=min_calls]").fill("2")
        form.locator("input[name=endpoint]").fill(ENDPOINT)
        with page.expect_navigation():
            form.get_by_role("button", name="Add rule").click()
        assert page.locator("tr.alert-rule-row").count() == 1

        live_server.sandbox.faults.set(error_rate=1.0, error_code=70402, endpoints=[ENDPOINT])
        tim = live_server.app.extensions["tim_client"]
        for _ in range(2):
            with pytest.raises(TimError):
                tim.account.check_accounts(["someone"])
        assert alerts.tick(live_server.app)["opened"]  # what the job consumer does every minute

        page.goto(live_server.url + "/accounts")
        banner = page.locator(".banner-alert")
        assert banner.is_visible() and "account checks failing" in banner.inner_text()
        screenshot(page, "alert-banner")
        banner.get_by_role("link", name="account checks failing").click()
        page.wait_for_url("**/alerts/*")
        assert ENDPOINT in page.locator(".alert-summary").inner_text()
        assert page.locator("table.alert-events tbody tr").count() == 2
        with page.expect_navigation():
            page.get_by_role("button", name="Acknowledge").click()
        assert page.locator(".banner-alert").count() == 0
        assert "acknowledged" in page.locator("h1 .badge").inner_text()
        assert [body["change"] for body in receiver.bodies()] == ["opened"]
        assert page.console_log.csp_violations() == [] and page.console_log.errors() == []
    finally:
        receiver.close()
