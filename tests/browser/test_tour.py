"""An operator's first session in a real browser: sign in, open every top-level page, make IM calls
that succeed and fail, then filter and export the audit log. Screenshots go to
test-artifacts/screenshots/."""
from __future__ import annotations

import csv

import pytest

pytestmark = pytest.mark.browser

TOP_LEVEL = ["Dashboard", "Accounts", "Groups", "Messages", "Push", "Events", "Alerts", "Audit", "Operators",
             "Settings"]
TOP_LEVEL += ["Bots", "Official accounts", "Moderation services"]  # issue 17 (pages-people)


def _main_nav(page):
    return page.get_by_role("navigation", name="Main")


def _nav(page, label: str):
    """Follow the main navigation link named `label`; return the document's response."""
    link = _main_nav(page).get_by_role("link", name=label, exact=True)
    with page.expect_navigation() as nav:
        link.click()
    return nav.value


def _test_connection(page) -> str:
    page.get_by_role("button", name="Test connection").click()
    result = page.locator("#test-result .flash")
    result.wait_for()
    return result.inner_text()


def test_sign_in_visit_every_page_then_filter_and_export_the_audit_log(page, live_server, screenshot):
    live_server.sign_in(page)
    assert _main_nav(page).is_visible(), "not signed in"

    labels = [text.strip() for text in _main_nav(page).get_by_role("link").all_inner_texts()]
    assert set(TOP_LEVEL) <= set(labels), f"missing from the navigation: {set(TOP_LEVEL) - set(labels)}"
    for number, label in enumerate(labels, 1):
        response = _nav(page, label)
        assert response.ok, f"{label}: HTTP {response.status}"
        assert page.locator("h1").first.is_visible(), f"{label} has no heading"
        assert _main_nav(page).locator("a.active").inner_text().strip() == label
        screenshot(page, f"{number:02d}-{label.lower()}")

    # Two IM calls through the console: one that works, one the sandbox is told to fail.
    _nav(page, "Settings")
    assert "Connected" in _test_connection(page)
    live_server.sandbox.faults.set(error_rate=1.0, error_code=70500)
    try:
        page.reload()
        assert "70500" in _test_connection(page)
    finally:
        live_server.sandbox.faults.clear()
    screenshot(page, "90-settings-connection-test")

    _nav(page, "Audit")
    rows = page.locator("#audit-rows tr")
    assert page.locator("#audit-rows", has_text="Check accounts").count() == 1
    assert page.locator('#audit-rows [title="account.check_accounts"]').count() == 2  # in words, the code on hover
    all_rows = rows.count()

    page.select_option("select[name=outcome]", "failed")
    with page.expect_response(lambda r: "/audit" in r.url and "outcome=failed" in r.url):
        page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**outcome=failed**")
    failed = rows.filter(has_text="Check accounts")
    assert failed.count() == 1 and "70500" in failed.inner_text()
    assert rows.count() < all_rows
    screenshot(page, "91-audit-filtered")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), newline="", encoding="utf-8") as fh:
        records = list(csv.DictReader(fh))
    assert records and {r["outcome"] for r in records} == {"failed"}
    im_calls = [r for r in records if r["action"] == "account.check_accounts"]
    assert len(im_calls) == 1 and im_calls[0]["error_code"] == "70500"
    assert im_calls[0]["operator_name"] == live_server.username

    # The pinned htmx ran, and nothing was fetched from anywhere but the console itself.
    assert page.evaluate("window.htmx && htmx.version") == "2.0.11"
    assert page.origins == {live_server.url}

    # Strict CSP: nothing on any page was blocked, and no script failed.
    assert page.console_log.csp_violations() == []
    assert [e for e in page.console_log.errors() if "favicon" not in e] == []
